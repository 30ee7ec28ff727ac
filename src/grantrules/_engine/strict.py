"""The ``GRANTRULES_STRICT`` switch: explicit slow paths become errors.

The evaluation engine has a few explicit, documented routes that trade speed for generality:
a document the generated reader refuses is read again by the detailed converter; a scheme
expression node with no source form is evaluated by its closure.  They give the same answers,
only slower.  With ``GRANTRULES_STRICT=1`` in the environment (the test suite sets it), taking
one where the fast route should have served is an error, so that a bug in generated code shows
up as a failing test rather than as lost speed.
"""

from __future__ import annotations

import os

__all__ = ["StrictModeError", "strict"]


class StrictModeError(RuntimeError):
    """An explicit slow path was taken while ``GRANTRULES_STRICT=1``."""


def strict() -> bool:
    """Whether ``GRANTRULES_STRICT`` is set to a true value (read at each call: tests set it)."""
    return os.environ.get("GRANTRULES_STRICT", "") not in ("", "0", "false", "no")
