"""Find a scheme from what a test names: an installed id, or ``module:attribute``.

``module`` may be a dotted module name, looked up first beside the file that names it (the
case file's directory) and then on ``sys.path``, or a path to a ``.py`` file relative to that
directory (``../schemes/sports.py:SCHEME``).  ``attribute`` is a
:class:`~grantrules.scheme.Scheme` or a function without arguments that returns one.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from grantrules.errors import InvalidArgument, SchemeNotFound
from grantrules.registry import installed_schemes, load_scheme
from grantrules.scheme import Scheme

__all__ = ["resolve_scheme", "scheme_ids"]

_FORMS = (
    "an installed scheme id like 'my-scheme', 'package.module:attribute' or "
    "'path/to/module.py:attribute'"
)


def _from_file(path: Path) -> ModuleType:
    name = path.stem
    existing = sys.modules.get(name)
    if existing is not None:
        if Path(getattr(existing, "__file__", "") or "").resolve() == path:
            return existing
        # Another module has that name: give this one a name of its own.
        name = (
            f"_grantrules_{hashlib.blake2b(str(path).encode(), digest_size=6).hexdigest()}_{name}"
        )
        if name in sys.modules:
            return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SchemeNotFound(f"cannot import {path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    # Registered before running, so that the module's attrs classes can resolve their types.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _module(name: str, base: Path | None) -> ModuleType:
    if name.endswith(".py"):
        if base is None:
            raise InvalidArgument(f"{name!r}: a file path needs a base directory")
        path = (base / name).resolve()
        if not path.is_file():
            raise SchemeNotFound(f"no module file {path} (named {name!r} relative to {base})")
        return _from_file(path)
    if base is not None:
        relative = base.joinpath(*name.split("."))
        for candidate in (relative.with_suffix(".py"), relative / "__init__.py"):
            if candidate.is_file():
                return _from_file(candidate.resolve())
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise SchemeNotFound(
            f"cannot import module {name!r} ({exc}): put it beside the case file or on sys.path"
        ) from None


def resolve_scheme(spec: str, base: Path | None = None) -> Scheme:
    """The scheme ``spec`` names, resolving module paths relative to ``base``.

    >>> resolve_scheme("my-scheme").id  # doctest: +SKIP
    'my-scheme'

    Raises:
        SchemeNotFound: nothing matches ``spec`` (the message lists the installed schemes).
        InvalidArgument: ``spec`` is not a string of one of the accepted forms.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidArgument(f"expected a scheme as {_FORMS}, got {spec!r}")
    if ":" not in spec:
        return load_scheme(spec)
    module_name, _, attribute = spec.rpartition(":")
    module = _module(module_name, base)
    try:
        target = getattr(module, attribute)
    except AttributeError:
        raise SchemeNotFound(f"module {module_name!r} has no attribute {attribute!r}") from None
    scheme = target() if callable(target) and not isinstance(target, Scheme) else target
    if not isinstance(scheme, Scheme):
        raise SchemeNotFound(f"{spec!r} is a {type(scheme).__name__}, not a grantrules Scheme")
    return scheme


def scheme_ids(options: list[str]) -> list[str]:
    """The schemes that ``--grantrules-scheme`` options name (``all``: every installed one)."""
    found: list[str] = []
    for option in options:
        for spec in (s.strip() for s in option.split(",")):
            names = list(installed_schemes()) if spec == "all" else [spec]
            found += [n for n in names if n and n not in found]
    return found
