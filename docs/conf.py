"""Sphinx configuration for the grantrules documentation.

Built offline with warnings as errors (``make docs``); the doctest builder runs every example
of the tutorial and the how-to guides, and the docstring examples of every module.
Pages generated from the code (the AMI règlement, its JSON Schema, a decision JSON) are written
into ``_generated/`` by ``_ext/grantrules_docs.py`` when the build starts.
"""

import pkgutil
import sys
from pathlib import Path

import grantrules

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "grantrules"
author = "grantrules developers"
copyright = "grantrules developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "grantrules_docs",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated", "_ext", "tutorial/*.json", "tutorial/*.toml"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nitpicky = False

html_theme = "furo"
html_title = "grantrules"

# -- autodoc ------------------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_class_signature = "separated"
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# -- doctest ------------------------------------------------------------------------------------
# The tutorial's scheme lives in docs/tutorial/ (devantures.py and its files).
doctest_path = [str(DOCS / "tutorial")]
# Examples run from the repository root (pages about the tutorial's files chdir to them).
doctest_global_setup = f"""
import datetime
import os
import pathlib
from decimal import Decimal
os.chdir({str(DOCS.parent)!r})
TUTORIAL = pathlib.Path({str(DOCS / "tutorial")!r})
"""
# Plain ``>>>`` blocks (docstrings pulled in by autodoc) need their module's globals: they run
# through doctest.testmod in _ext/grantrules_docs.py instead (grantrules_doctest_modules).
doctest_test_doctest_blocks = ""

# Public names whose docstrings must carry an example (listed in _generated/api-check.txt).
grantrules_api_modules = [
    "grantrules",
    "grantrules.authoring",
    "grantrules.money",
    "grantrules.dates",
    "grantrules.basis",
    "grantrules.parameters",
    "grantrules.expressions",
    "grantrules.rules",
    "grantrules.amounts",
    "grantrules.scheme",
    "grantrules.model",
    "grantrules.decision",
    "grantrules.evaluate",
    "grantrules.registry",
    "grantrules.serde",
    "grantrules.schema",
    "grantrules.errors",
    "grantrules.render",
    "grantrules.call",
    "grantrules.testing.strategies",
    "grantrules.testing.invariants",
    "grantrules.testing.reference",
    "grantrules.testing.examples",
]
# Modules whose docstring examples the doctest build runs: every module of the library, private
# ones included (their examples are the only test of some internals' documentation; an example
# no build ran once went stale unseen).  __main__ would run the command line on import.
grantrules_doctest_modules = [
    module.name
    for module in pkgutil.walk_packages(grantrules.__path__, "grantrules.")
    if module.name != "grantrules.__main__"
]
# Every public name must have a docstring with an example: a missing one fails the build.
grantrules_api_check_strict = True
