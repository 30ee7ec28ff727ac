"""Generated Python source, compiled and registered with :mod:`linecache`.

Every piece of code the engine generates (version functions, parameter readers, document
readers, decision JSON writers) goes through :func:`exec_source`, as attrs does for its
methods, so that tracebacks and profilers show the generated lines instead of ``<string>``;
a source leaves linecache when the code compiled from it is garbage collected (what-if
copies of a scheme compile again: their sources must not stay for ever, and code still in use
must keep its source, however long the process has run).
"""

from __future__ import annotations

import itertools
import linecache
from typing import Any

__all__ = ["exec_source", "path_source"]

_SOURCES = itertools.count()


class _Source:
    """Holds one registration: when the last function compiled from it dies, it leaves."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def __del__(self) -> None:
        linecache.cache.pop(self.filename, None)


def exec_source(source: str, what: str, namespace: dict[str, Any]) -> None:
    """Compile and run generated ``source`` in ``namespace``, registered with linecache under
    a unique file name (``<grantrules what #n>``) so that tracebacks show its lines.

    >>> namespace = {}
    >>> exec_source("def f():\\n    return 1 / 0\\n", "example", namespace)
    >>> import traceback
    >>> try:
    ...     namespace["f"]()
    ... except ZeroDivisionError as error:
    ...     print(traceback.format_tb(error.__traceback__)[-1].splitlines()[1].strip())
    return 1 / 0
    """
    filename = f"<grantrules {what} #{next(_SOURCES)}>"
    # As attrs' _make._linecache_and_compile: (size, mtime None: never checked, lines, name).
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # source built from our own objects
    # Every function compiled from the source (closures made later included) keeps
    # ``namespace`` as its globals, hence the holder: the source leaves with the last of them.
    namespace[f"__grantrules_source_{filename}__"] = _Source(filename)


def path_source(root: str, path: str) -> str:
    """Source reading the dotted field ``path`` from the local ``root``: ``None`` when an
    intermediate object is ``None``, as the reference reads a field (its input is then
    missing), with a test inline rather than a call or a caught ``AttributeError``, so that
    an ``AttributeError`` from generated code is always a bug that shows.

    >>> path_source("app", "applicant.venue")
    '(_w.venue if (_w := app.applicant) is not None else None)'
    """
    first, *rest = path.split(".")
    source = f"{root}.{first}"
    for part in rest:
        source = f"(_w.{part} if (_w := {source}) is not None else None)"
    return source
