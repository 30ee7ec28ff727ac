"""The analyser on the library's test scheme (both versions) and on the tutorial's scheme:
every generic invariant proved, every criterion outcome and exception reached, each witness
confirmed by evaluate()."""

from __future__ import annotations

import datetime
from types import ModuleType

import pytest

from grantrules import evaluate
from grantrules.prove import Report, check
from grantrules.scheme import Scheme

INVARIANTS = {
    "award_non_negative",
    "award_zero_when_ineligible",
    "award_within_ceilings",
    "award_within_rate",
    "award_within_rate_bound",
    "award_whole_cents",
    "ineligible_line_irrelevant",
    "exceptions_consistent",
}


def _expected_outcomes(scheme: Scheme, on: datetime.date) -> set[tuple[str, str]]:
    version = scheme.version_at(on)
    found = set()
    for c in version.criteria:
        found |= {(c.id, "passed"), (c.id, "failed")}
        if c.applies_if is not None:
            found.add((c.id, "not_applicable"))
        for o in c.exceptions:
            found |= {(c.id, f"exception:{o.label}:applies")}
            found |= {(c.id, f"exception:{o.label}:does_not_apply")}
    for a in version.amounts:
        for o in a.exceptions:
            found |= {(f"amount:{a.id}", f"exception:{o.label}:applies")}
            found |= {(f"amount:{a.id}", f"exception:{o.label}:does_not_apply")}
    return found


def _assert_sound(report: Report, scheme: Scheme, on: datetime.date) -> None:
    assert {r.id: r.status for r in report.invariants} == dict.fromkeys(INVARIANTS, "proved")
    found = {(w.criterion, w.outcome) for w in report.witnesses if w.status == "found"}
    assert found == _expected_outcomes(scheme, on)
    assert all(w.evaluator == "confirmed" for w in report.witnesses)
    assert report.eligible.status == "found"
    decision = evaluate(scheme, report.eligible.application, on=on)
    assert decision.eligible
    assert decision.award.amount > 0
    assert report.exit_code == 0


@pytest.mark.parametrize("on", [datetime.date(2025, 3, 14), datetime.date(2026, 3, 14)])
def test_sports_scheme_is_sound(sports_module: ModuleType, on: datetime.date) -> None:
    scheme = sports_module.SCHEME
    _assert_sound(check(scheme, on=on, max_items=2), scheme, on)


def test_tutorial_scheme_is_sound(tutorial_module: ModuleType) -> None:
    scheme, on = tutorial_module.scheme, datetime.date(2025, 6, 1)
    _assert_sound(check(scheme, on=on, max_items=2), scheme, on)


def test_the_youth_exception_witness_is_a_youth_club(sports_module: ModuleType) -> None:
    on = datetime.date(2025, 3, 14)
    report = check(sports_module.SCHEME, on=on, max_items=2)
    witness = next(w for w in report.witnesses if w.outcome == "exception:youth:applies")
    assert witness.application is not None
    assert witness.application["applicant"]["youth_club"] is True
    decision = evaluate(sports_module.SCHEME, witness.application, on=on)
    assert decision.eligible
    assert next(a for a in decision.amounts if a.id == "award").exception == "youth"
