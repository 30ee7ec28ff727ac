"""The analyser on the shipped AMI IA scheme: every generic invariant proved, every outcome
of every criterion reached by an application that evaluate() confirms."""

from __future__ import annotations

import datetime

import pytest

from grantrules import evaluate, load_scheme
from grantrules.prove import Report, check

ON = datetime.date(2025, 3, 14)


@pytest.fixture(scope="module")
def report() -> Report:
    return check(load_scheme("ami-ia-hdf"), on=ON, max_items=3)


def test_every_generic_invariant_is_proved(report: Report) -> None:
    statuses = {r.id: r.status for r in report.invariants}
    assert statuses == {
        "award_non_negative": "proved",
        "award_zero_when_ineligible": "proved",
        "award_within_ceilings": "proved",
        "award_within_rate": "proved",
        "award_within_rate_bound": "proved",
        "award_whole_cents": "proved",
        "ineligible_line_irrelevant": "proved",
        "exceptions_consistent": "proved",
    }
    assert report.exit_code == 0
    assert report.opaque == {}


def test_every_criterion_outcome_has_a_confirmed_witness(report: Report) -> None:
    scheme = load_scheme("ami-ia-hdf")
    criteria = scheme.version_at(ON).criteria
    expected = {(c.id, o) for c in criteria for o in ("passed", "failed")}
    expected |= {(c.id, "not_applicable") for c in criteria if c.applies_if is not None}
    found = {(w.criterion, w.outcome) for w in report.witnesses if w.status == "found"}
    assert found == expected
    for witness in report.witnesses:
        assert witness.evaluator == "confirmed"
        assert witness.application is not None
        # The document is what evaluate() accepts, and decides as the witness says.
        decision = evaluate(scheme, witness.application, on=ON)
        outcome = next(c for c in decision.criteria if c.id == witness.criterion).outcome
        assert outcome.value == witness.outcome


def test_an_eligible_application_with_an_award_is_found(report: Report) -> None:
    assert report.eligible.status == "found"
    assert report.eligible.evaluator == "confirmed"
    decision = evaluate(load_scheme("ami-ia-hdf"), report.eligible.application, on=ON)
    assert decision.eligible
    assert decision.award.amount > 0


def test_the_json_report_has_the_documented_keys(report: Report) -> None:
    data = report.to_json("en")
    assert set(data) == {
        "scheme",
        "scheme_version",
        "evaluated_on",
        "bounds",
        "invariants",
        "witnesses",
        "eligible",
    }
    assert data["bounds"] == {"max_items": 3}
    assert data["scheme"] == "ami-ia-hdf"
    assert data["evaluated_on"] == "2025-03-14"
    assert set(data["invariants"][0]) == {"id", "status", "reason", "counterexample", "evaluator"}
    assert set(data["witnesses"][0]) == {
        "criterion",
        "outcome",
        "status",
        "reason",
        "application",
        "evaluator",
    }
    assert set(data["eligible"]) == {"status", "reason", "application", "evaluator"}
