"""grantrules.testing.invariants: the invariant suite holds on sound schemes."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import settings

from grantrules import load_scheme
from grantrules.errors import InvalidArgument
from grantrules.expressions import sum_of
from grantrules.registry import installed_schemes
from grantrules.scheme import Scheme
from grantrules.testing.invariants import (
    INVARIANTS,
    Config,
    InvariantViolation,
    Subject,
    check_application,
    check_invariants,
)


@pytest.mark.parametrize("name", list(INVARIANTS))
def test_invariant_holds_on_the_sports_scheme(sports: Scheme, name: str) -> None:
    """Runs with the active Hypothesis profile (1,000 examples in CI)."""
    assert INVARIANTS[name].run(sports) is None  # applies, and holds


def test_every_invariant_is_documented() -> None:
    for name, invariant in INVARIANTS.items():
        assert invariant.name == name
        assert name.isidentifier()
        assert invariant.description.endswith(".")


def test_check_application_on_an_example(sports: Scheme, sports_module: Any) -> None:
    check_application(sports, sports_module.application())


def test_check_application_reports_violations(sports: Scheme, sports_module: Any) -> None:
    award = attrs.evolve(sports_module.award, formula=sports_module.total_cost)
    broken = attrs.evolve(
        sports,
        versions=[
            attrs.evolve(v, amounts=[award if a.id == "award" else a for a in v.amounts])
            for v in sports.versions
        ],
    )
    with pytest.raises(ExceptionGroup) as caught:
        check_application(broken, sports_module.application())
    names = {v.invariant for v in caught.value.exceptions}
    # The award is the whole cost (10,000.01): over 50 % of it, under the ceiling.
    assert names == {"award_within_rate"}
    for violation in caught.value.exceptions:
        assert isinstance(violation, InvariantViolation)
        assert isinstance(violation, AssertionError)
        assert violation.example is not None
        assert str(violation).startswith("[")


def test_check_invariants_returns_statuses(sports: Scheme) -> None:
    fast = settings(database=None, derandomize=True, deadline=None)
    statuses = check_invariants(
        sports, invariants=["award_non_negative", "deterministic"], settings=fast, max_examples=10
    )
    assert statuses == {"award_non_negative": "passed", "deterministic": "passed"}


def test_invariants_that_do_not_apply_are_skipped(sports: Scheme) -> None:
    config = Config(eligible_cost="no_such_amount")
    statuses = check_invariants(
        sports, invariants=["award_within_rate"], config=config, max_examples=5
    )
    assert statuses["award_within_rate"].startswith("skipped: the scheme has no amount")


def test_line_eligibility_falls_back_on_the_base_filter(sports: Scheme) -> None:
    subject = Subject(sports, Config(eligible_categories="no_such_parameter"))
    assert INVARIANTS["ineligible_line_irrelevant"].applies(subject) is None
    unfiltered = [
        attrs.evolve(
            v,
            amounts=[
                attrs.evolve(a, formula=sum_of(a.formula.value)) if a.id == "eligible_cost" else a
                for a in v.amounts
            ],
        )
        for v in sports.versions
    ]
    subject = Subject(attrs.evolve(sports, versions=unfiltered), subject.config)
    assert "tells eligible lines apart" in str(
        INVARIANTS["ineligible_line_irrelevant"].applies(subject)
    )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"invariants": ["nope"]}, "unknown 'nope'"), ({"invariants": "deterministic"}, "a list")],
)
def test_check_invariants_checks_its_arguments(sports: Scheme, kwargs: Any, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        check_invariants(sports, **kwargs)
    with pytest.raises(InvalidArgument, match="Scheme"):
        check_invariants("sports")  # type: ignore[arg-type]


@pytest.mark.skipif("ami-ia-hdf" not in installed_schemes(), reason="AMI scheme not installed")
def test_the_ami_scheme_smoke() -> None:
    try:
        scheme = load_scheme("ami-ia-hdf")
    except Exception as exc:  # the scheme package is another issue's work in progress
        pytest.skip(f"the AMI scheme does not load: {exc}")
    fast = settings(database=None, derandomize=True, deadline=None)
    # 15 examples are too few to reach every invariant: the vacuity guard has its own tests
    # (test_vacuity.py) and runs with the whole suite (`make test`).
    statuses = check_invariants(scheme, settings=fast, max_examples=15, config=Config(min_reach=0))
    assert set(statuses.values()) == {"passed"}
