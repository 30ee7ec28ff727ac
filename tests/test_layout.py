"""The layout of ``src/grantrules``: no private name is imported across sub-packages.

A name with a leading underscore is private to its package (issue 16, item 5).  When another
package needs it, the owning module gives it a documented name without underscore, left out
of ``__all__`` (an internal interface, as attrs and cattrs have), or the helper moves to the
package that uses it.  The packages: the top-level modules of ``grantrules`` are one;
``grantrules._engine``, ``grantrules.expressions``, ``grantrules.render`` and every other
sub-package are each their own.  Private modules (``from grantrules.call import _call``) and
dunders are not private names, and are left alone.

The check reads the source with ``ast``, so it sees the imports inside functions too, and the
names read from an imported module (``model._siren`` after ``from grantrules import model``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import grantrules

SOURCE = Path(grantrules.__file__).parent


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(root: Path, module: str) -> str:
    """``grantrules`` for a top-level module, ``grantrules.<sub>`` for a sub-package's."""
    parts = module.split(".")
    if len(parts) > 1 and (root / parts[1]).is_dir():
        return ".".join(parts[:2])
    return parts[0]


def _is_module(root: Path, dotted: str) -> bool:
    path = root.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attribute reads on a name, else ``None``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _imported_from(root: Path, path: Path) -> list[tuple[str, str]]:
    """Every ``(module, name)`` a file reads: ``from module import name`` (relative ones
    resolved), and ``alias.name`` where ``alias`` is a module of the package it imported."""
    package = _module_name(root, path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found, modules = [], {root.name: root.name}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                modules[bound] = alias.name if alias.asname else bound
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module or ""
        if node.level:
            module = ".".join([*package[: len(package) - node.level + 1], *filter(None, [module])])
        for alias in node.names:
            found.append((module, alias.name))
            if _is_module(root, f"{module}.{alias.name}"):
                modules[alias.asname or alias.name] = f"{module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (dotted := _dotted(node.value)):
            first, _, rest = dotted.partition(".")
            module = ".".join(filter(None, [modules.get(first), rest]))
            if module and _is_module(root, module):
                found.append((module, node.attr))
    return found


def private_imports_across_packages(root: Path = SOURCE) -> list[str]:
    """One line per private name a module imports from a module of another package."""
    offenders = []
    for path in sorted(root.rglob("*.py")):
        importer = _module_name(root, path)
        for module, name in _imported_from(root, path):
            if module.split(".")[0] != root.name or not name.startswith("_"):
                continue
            if name.startswith("__") or _is_module(root, f"{module}.{name}"):
                continue
            if _package_of(root, module) != _package_of(root, importer):
                offenders.append(f"{module}.{name} <- {importer}")
    return offenders


def test_no_private_name_is_imported_across_packages() -> None:
    offenders = private_imports_across_packages()
    assert not offenders, "private names imported across packages:\n" + "\n".join(offenders)


def test_the_check_finds_a_planted_import(tmp_path: Path) -> None:
    """Absolute, relative, in a function body and read from an imported module; a private
    module and a dunder are not private names."""
    root = tmp_path / "grantrules"
    files = {
        "__init__.py": "",
        "money.py": "from .dates import _within\n",
        "dates.py": "",
        "_engine/__init__.py": "from grantrules._engine import _helpers\n",
        "_engine/_helpers.py": "",
        "_engine/runtime.py": (
            "from grantrules.money import _round, __version__\n"
            "def f():\n    from ..dates import _check\n    from . import _helpers\n"
        ),
        "render/scheme.py": (
            "import grantrules.dates\nimport grantrules.money as m\nfrom grantrules import money\n"
            "money.Euro, money._EXACT.add, m._CENT, grantrules.dates._parse, self._own\n"
        ),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    assert sorted(private_imports_across_packages(root)) == sorted(
        [
            "grantrules.money._round <- grantrules._engine.runtime",
            "grantrules.dates._check <- grantrules._engine.runtime",
            "grantrules.money._EXACT <- grantrules.render.scheme",
            "grantrules.money._CENT <- grantrules.render.scheme",
            "grantrules.dates._parse <- grantrules.render.scheme",
        ]
    )
