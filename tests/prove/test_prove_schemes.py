"""The analyser on the library's test scheme (both versions) and on the tutorial's scheme:
every generic invariant proved, every criterion outcome and exception reached, each witness
confirmed by evaluate()."""

from __future__ import annotations

import datetime
from types import ModuleType

import pytest

from grantrules import evaluate, load_scheme
from grantrules.prove import Report, check, witness_documents
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
    statuses = {r.id: r.status for r in report.invariants}
    assert set(statuses) >= INVARIANTS
    assert all(i.startswith("scheme.") for i in set(statuses) - INVARIANTS)
    assert set(statuses.values()) == {"proved"}, statuses
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


def test_the_detr_scheme_is_analysed_and_every_claim_confirmed() -> None:
    # The second shipped scheme: whatever the analysis finds, every document it shows is
    # confirmed by evaluate(), and some application is eligible.
    scheme, on = load_scheme("detr"), datetime.date(2025, 3, 14)
    report = check(scheme, on=on, max_items=2)
    assert report.disagreements == 0
    assert report.opaque == {}
    for result in report.invariants:
        assert result.status in ("proved", "violated"), result
        assert (result.status == "violated") == (result.evaluator == "confirmed")
    assert report.eligible.status == "found"
    # A rule that tests whether an optional input is given is not called unreachable.
    derogation = next(
        w
        for w in report.witnesses
        if (w.criterion, w.outcome) == ("instruction.own_share_derogation", "not_applicable")
    )
    assert derogation.status == "unknown"


def test_witness_documents_reach_every_outcome(sports_module: ModuleType) -> None:
    on = datetime.date(2025, 3, 14)
    documents = witness_documents(sports_module.SCHEME, on=on, max_items=2)
    decisions = [evaluate(sports_module.SCHEME, d, on=on) for d in documents]
    assert decisions[0].eligible
    reached = {(c.id, c.outcome.value) for d in decisions for c in d.criteria}
    version = sports_module.SCHEME.version_at(on)
    assert reached >= {(c.id, o) for c in version.criteria for o in ("passed", "failed")}
