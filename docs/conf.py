"""Sphinx configuration for the grantrules documentation."""

project = "grantrules"
author = "grantrules developers"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
html_theme = "furo"
exclude_patterns = ["_build"]
nitpicky = False
