"""No vacuous pass (issue 13): each invariant counts the examples that reached its check, and
one reached by too few fails, naming the criteria that blocked the others."""

from __future__ import annotations

import re
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings
from sports_variants import unreachable, with_invariants, within_rate

from grantrules.errors import InvalidArgument
from grantrules.testing.invariants import (
    INVARIANTS,
    Config,
    Reach,
    VacuousInvariant,
    check_invariants,
    invariants_for,
)
from grantrules.testing.strategies import _witnesses

QUICK = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_an_unreachable_award_makes_the_suite_fail(sports_module: ModuleType) -> None:
    scheme = with_invariants(unreachable(sports_module), within_rate(sports_module))
    names = ["award_within_rate", "rounding_loses_less_than_a_cent", "scheme.within_rate"]
    with pytest.raises(ExceptionGroup) as caught:
        check_invariants(scheme, invariants=names, settings=QUICK)
    failures = caught.value.exceptions
    assert [f.invariant for f in failures] == names
    for failure in failures:
        assert isinstance(failure, VacuousInvariant)
        message = str(failure)
        # The generated examples and the solver's witnesses, each tried as it is.
        assert re.search(r"reached by 0 of 1\d\d examples, fewer than the 2 required", message)
        # The two criteria that cannot both be met block every example between them.
        assert "project.min_cost (" in message
        assert "project.below_min_cost (" in message


def test_the_threshold_can_be_lowered(sports_module: ModuleType) -> None:
    statuses = check_invariants(
        unreachable(sports_module),
        invariants=["award_within_rate"],
        config=Config(min_reach=0),
        settings=QUICK,
    )
    assert statuses == {"award_within_rate": "passed"}


def test_the_threshold_can_be_raised(sports_module: ModuleType) -> None:
    with pytest.raises(ExceptionGroup) as caught:
        check_invariants(
            sports_module.SCHEME,
            invariants=["award_within_rate"],
            config=Config(min_reach=101),
            settings=QUICK,
        )
    assert "fewer than the 101 required" in str(caught.value.exceptions[0])


@pytest.mark.parametrize("value", [-1, True, "20"])
def test_min_reach_is_checked(value: object) -> None:
    with pytest.raises(InvalidArgument, match="min_reach must be a whole number"):
        Config(min_reach=value)  # type: ignore[arg-type]


def test_reach_is_counted(sports_module: ModuleType) -> None:
    reach: dict[str, Reach] = {}
    check_invariants(
        sports_module.SCHEME,
        invariants=["award_within_rate", "deterministic", "ineligible_line_irrelevant"],
        settings=QUICK,
        reach=reach,
    )
    # The 100 generated examples and every witness of the solver, each tried as it is.
    examples = 100 + len(_witnesses(sports_module.SCHEME, None))
    assert reach["deterministic"].reached == reach["deterministic"].examples == examples > 100
    rate = reach["award_within_rate"]
    assert 2 <= rate.reached < rate.examples == examples  # eligible applications only
    assert sum(rate.blocked.values()) >= rate.examples - rate.reached
    lines = reach["ineligible_line_irrelevant"]
    assert 2 <= lines.reached < lines.examples
    assert set(lines.blocked) == {"no ineligible cost line"}


def test_a_declared_invariant_is_checked_and_reached(sports_module: ModuleType) -> None:
    scheme = with_invariants(sports_module.SCHEME, within_rate(sports_module))
    assert list(invariants_for(scheme))[-1] == "scheme.within_rate"
    assert "scheme.within_rate" not in INVARIANTS
    reach: dict[str, Reach] = {}
    statuses = check_invariants(
        scheme, invariants=["scheme.within_rate"], settings=QUICK, reach=reach
    )
    assert statuses == {"scheme.within_rate": "passed"}
    assert reach["scheme.within_rate"].reached >= 2
    blockers = set(reach["scheme.within_rate"].blocked)
    assert any("applicant.youth_club" in b for b in blockers)  # its `when`, named


def test_a_declared_invariant_the_scheme_breaks_fails_with_its_message(
    sports_module: ModuleType,
) -> None:
    # Without `when`, the youth rate (higher than the grant rate) breaks it.
    scheme = with_invariants(sports_module.SCHEME, within_rate(sports_module, when=None))
    with pytest.raises(ExceptionGroup) as caught:
        check_invariants(scheme, invariants=["scheme.within_rate"], settings=QUICK)
    (violation,) = caught.value.exceptions
    assert not isinstance(violation, VacuousInvariant)
    message = str(violation)
    assert message.startswith("[scheme.within_rate] “The grant never exceeds 50%")
    assert "art. 3" in message
    assert violation.example.applicant.youth_club is True


def test_a_declared_invariant_may_speak_of_ineligible_applications(
    sports_module: ModuleType,
) -> None:
    # The award is computed even when ineligible: eligible_only=False checks it there too.
    scheme = with_invariants(
        unreachable(sports_module), within_rate(sports_module, eligible_only=False)
    )
    reach: dict[str, Reach] = {}
    check_invariants(scheme, invariants=["scheme.within_rate"], settings=QUICK, reach=reach)
    assert reach["scheme.within_rate"].reached >= 2


def test_an_unknown_declared_name_is_refused(sports_module: ModuleType) -> None:
    with pytest.raises(InvalidArgument, match=r"unknown 'scheme\.nothing'"):
        check_invariants(sports_module.SCHEME, invariants=["scheme.nothing"])
