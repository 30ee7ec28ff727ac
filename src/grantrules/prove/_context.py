"""Each analysis gets a z3 context of its own, so that its answers depend on the scheme only.

z3 builds every term in one process-wide context unless told otherwise, and the models it
finds depend on the terms that context already holds: the witnesses of a scheme changed after
other schemes had been analysed in the same process, so derandomised property tests drawing
from them changed with the order the tests ran in.  Passing a context to each of the hundreds
of term constructors of the translation would thread it everywhere; instead the analysis runs
with z3's default context replaced by a fresh one, then restored.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import z3
import z3.z3 as _z3_core

__all__ = ["fresh_context"]

# The default context is a module global: two threads analysing at once would share it.
_LOCK = threading.RLock()


@contextlib.contextmanager
def fresh_context() -> Iterator[None]:
    """Run the body with a new, empty z3 context as z3's default one.

    Terms built inside keep their own context alive after the body: nothing made inside may
    be combined with terms made outside (z3 refuses such a mix with an error, never silently).
    """
    with _LOCK:
        saved = getattr(_z3_core, "_main_ctx", None)
        _z3_core._main_ctx = z3.Context()
        try:
            yield
        finally:
            _z3_core._main_ctx = saved
