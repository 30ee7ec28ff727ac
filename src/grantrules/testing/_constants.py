"""Keep generation independent of the modules the process happens to have imported.

Hypothesis' default provider replaces about one integer, float or string draw in twenty by a
*constant*: one of its own fixed list, or one of the literals of the "local" modules (neither
the standard library, nor site-packages, nor test files) present in ``sys.modules`` when the
draw is made (``hypothesis.internal.conjecture.providers._get_local_constants``).  That second
pool is process state that grows with every module a test imports: the same test, even with
``derandomize=True``, draws other values after another test imported
``grantrules.testing.invariants`` or a scheme package.  The engine draws from it too, outside
any strategy, when it picks the start of each new example (``DataTree.generate_novel_prefix``),
so a strategy cannot shield its own draws alone.

:func:`pin_local_constants` therefore empties that pool for the rest of the process: the
strategies of this package call it when they are built, before Hypothesis runs the test.  The
examples of any derandomised test then depend on its seed only.  What is lost is small: these
strategies aim at the thresholds of the rules themselves, and Hypothesis' fixed constants
(0, -1, edge floats, odd strings...) are still drawn.  It uses Hypothesis internals; when they
are not there (another Hypothesis version) it does nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = ["pin_local_constants"]

_PINNED: list[bool] = []


def pin_local_constants() -> None:
    """Make Hypothesis draw no constant found in the modules loaded (once per process)."""
    if _PINNED:
        return
    _PINNED.append(True)
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # pragma: no cover - another Hypothesis version
        return
    if not callable(getattr(providers, "_get_local_constants", None)):
        return  # pragma: no cover - another Hypothesis version
    empty = Constants()

    def no_local_constants() -> Any:
        return empty

    providers._get_local_constants = no_local_constants
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    # Pools computed before (with the local constants of the time) must go as well.
    clear = getattr(getattr(cache, "cache", None), "clear", None)
    if clear is not None:
        clear()
