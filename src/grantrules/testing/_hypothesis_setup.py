"""grantrules' Hypothesis set-up, run by Hypothesis itself through the ``hypothesis`` entry point.

Registering here, and nowhere at import time, keeps importing grantrules free of side effects
on Hypothesis' global state (see the style guide).  The hook:

* registers a ``dev`` profile: 50 examples per property, no deadline, for quick local runs
  (``pytest --hypothesis-profile=dev``);
* extends Hypothesis' built-in ``ci`` profile (derandomised, no database) to 1,000 examples
  per property, and loads it when the ``CI`` environment variable is set;
* registers ``invariants``: the ``ci`` profile at 300 examples, for the invariant suites of
  every shipped scheme in ``make test`` (``--hypothesis-profile=invariants``), so that the
  whole suite stays within its time budget on two cores;
* makes ``st.from_type`` draw :class:`~grantrules.money.Euro` from ``euros()``,
  :class:`~grantrules.money.Rate` from ``rates()`` and :class:`~grantrules.dates.DateRange`
  from ``date_ranges()``, never from ``from_type(Decimal)`` (which yields NaN).
"""

from __future__ import annotations

import os
from typing import Any

#: Examples per property in the ``ci`` profile.
CI_EXAMPLES = 1000
#: Examples per property in the ``invariants`` profile.
INVARIANT_EXAMPLES = 300
#: Examples per property in the ``dev`` profile.
DEV_EXAMPLES = 50


def _lazy(name: str) -> Any:
    def strategy(_: type) -> Any:
        from grantrules.testing import strategies

        return getattr(strategies, name)()

    return strategy


def _hypothesis_setup_hook() -> None:
    """Register grantrules' Hypothesis profiles and type strategies."""
    from hypothesis import settings
    from hypothesis import strategies as st

    from grantrules.dates import DateRange
    from grantrules.money import Euro, Rate

    settings.register_profile("dev", max_examples=DEV_EXAMPLES, deadline=None)
    settings.register_profile("ci", settings.get_profile("ci"), max_examples=CI_EXAMPLES)
    settings.register_profile(
        "invariants", settings.get_profile("ci"), max_examples=INVARIANT_EXAMPLES
    )
    if os.environ.get("CI"):
        settings.load_profile("ci")
    st.register_type_strategy(Euro, _lazy("euros"))
    st.register_type_strategy(Rate, _lazy("rates"))
    st.register_type_strategy(DateRange, _lazy("date_ranges"))
