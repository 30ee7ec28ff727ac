"""Shared test configuration."""

from __future__ import annotations

import decimal
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# The suite must give the same verdict on a quiet laptop and on a loaded two-core CI machine:
# no property here may fail because an example took more than Hypothesis' 200 ms deadline or
# because generation was slow.  The active profile (``ci`` when CI is set) is kept otherwise.
settings.register_profile(
    "grantrules-suite",
    settings(
        settings(),
        deadline=None,
        suppress_health_check=(*settings().suppress_health_check, HealthCheck.too_slow),
    ),
)
settings.load_profile("grantrules-suite")


@pytest.fixture(autouse=True)
def _trap_float_operations() -> Iterator[None]:
    """Make any float slipping into Decimal arithmetic fail the test.

    ``Decimal(0.1)`` and ``Decimal("1") < 0.5`` are silently inexact by default; trapping
    FloatOperation turns such a mix into an exception, so a float leaking into money code
    cannot pass unnoticed.  The previous setting is restored because the context is shared by
    every test running in the thread.
    """
    context = decimal.getcontext()
    saved = context.traps[decimal.FloatOperation]
    context.traps[decimal.FloatOperation] = True
    try:
        yield
    finally:
        context.traps[decimal.FloatOperation] = saved


# Explicit slow paths (a node evaluated by its closure, a valid document the generated reader
# refuses) are errors in the test suite: see grantrules._engine.strict.
os.environ.setdefault("GRANTRULES_STRICT", "1")
