"""The invariant suite finds bugs: each broken variant of the sports scheme is caught and shrunk.

Like Hypothesis' own quality tests, each case runs the suite on a scheme with one classic
funding bug (see ``sports_variants.py``), checks which invariants fail, and that Hypothesis
shrinks the counter-example to a single cost line.  The runs are derandomised and use a fixed
number of examples, whatever the profile, so that they stay fast and reproducible.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from sports_variants import rounded_to_the_euro, variants

from grantrules.scheme import Scheme
from grantrules.testing.invariants import Config, check_application, check_invariants
from grantrules.testing.strategies import applications

HUNT = settings(
    max_examples=1000,  # stops at the first failure; some bugs need the ceiling to bind
    derandomize=True,
    database=None,
    deadline=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no "explain": it is slow
    suppress_health_check=[HealthCheck.too_slow],
)

#: Which invariants must catch each bug.
CAUGHT_BY = {
    "award without ceiling": {"award_within_ceilings"},
    "award without any ceiling": {"award_within_ceilings"},
    "rounding up": {"award_within_rate", "rounding_never_favours_beneficiary"},
    "rate applied to the total": {"award_within_rate", "ineligible_line_irrelevant"},
    "ineligible lines counted": {"ineligible_line_irrelevant"},
    # The rounding invariants follow the formula's own arithmetic (issue 13): a cent the
    # formula adds or takes off explicitly is not a rounding, and other invariants catch it.
    "a missing cent": {"award_non_negative"},
    "an extra cent": {"award_within_rate", "award_within_ceilings"},
    "a euro award capped in cents": {"award_whole_cents"},
}
# A scheme with no ceiling anywhere cannot be told from one that has none: name it.
CONFIGS = {"award without any ceiling": Config(ceilings=("ceiling",))}


@pytest.fixture(scope="module")
def broken(sports_module: Any) -> dict[str, Scheme]:
    return variants(sports_module)


def test_every_variant_is_listed(broken: dict[str, Scheme]) -> None:
    assert set(broken) == set(CAUGHT_BY)


@pytest.mark.parametrize("bug", list(CAUGHT_BY))
def test_the_suite_catches_and_shrinks(broken: dict[str, Scheme], bug: str) -> None:
    scheme, config = broken[bug], CONFIGS.get(bug)

    @HUNT
    @given(applications(scheme))
    def hunt(app: Any) -> None:
        check_application(scheme, app, config)

    with pytest.raises(ExceptionGroup) as caught:
        hunt()
    failing = {v.invariant for v in caught.value.exceptions}
    assert failing & CAUGHT_BY[bug], failing
    example = caught.value.exceptions[0].example
    assert len(example.costs) == 1, example  # shrunk to one cost line


def test_check_invariants_reports_the_failing_invariants(broken: dict[str, Scheme]) -> None:
    with pytest.raises(ExceptionGroup) as caught:
        check_invariants(
            broken["an extra cent"],
            invariants=["award_non_negative", "award_within_rate"],
            settings=HUNT,
            max_examples=100,
        )
    assert [v.invariant for v in caught.value.exceptions] == ["award_within_rate"]
    assert "award_within_rate" in str(caught.value)


def test_an_award_rounded_to_the_euro_keeps_every_invariant(sports_module: Any) -> None:
    # rounding_loses_less_than_a_cent allows the rule's step (a euro); award_whole_cents checks
    # the award is a whole euro.
    check_invariants(rounded_to_the_euro(sports_module), settings=HUNT, max_examples=200)
