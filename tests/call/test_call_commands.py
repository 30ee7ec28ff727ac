"""Commands on a call: allocation, decisions, releases, payments, replay."""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from call_support import fake_evaluator, is_closed, make_document

from grantrules.call import Call, DeMinimis, FirstComeFirstServed, RankedByScore, SameApplicant
from grantrules.call.allocation import plan, policy_from_json
from grantrules.call.projection import ApplicationStatus
from grantrules.errors import (
    ApplicationInvalid,
    CallError,
    EnvelopeExceeded,
    InvalidArgument,
    JournalError,
    TransitionRefused,
)
from grantrules.money import Euro

NewCall = Callable[..., Call]
AutoClose = Callable[[Call], Call]


def statuses(call: Call) -> dict[str, str]:
    return {a.id: a.status for a in call.status().applications}


def consistent(call: Call) -> None:
    assert call.replay() == call.status()


def test_run_first_come_first_served(new_call: NewCall) -> None:
    call = new_call("1000.00")
    docs = [make_document(i, award=a, day=i) for i, a in enumerate(["400", "700", "300", "100"])]
    docs.append(make_document(9, eligible=False))
    docs.append(make_document(8, broken=True))
    docs.append({"id": "nope"})
    docs.append(make_document(0))  # duplicate id
    report = call.run(docs)
    assert statuses(call) == {
        "A00000": "committed",
        "A00001": "waitlisted",
        "A00002": "committed",
        "A00003": "committed",
        "A00009": "ineligible",
        "A00008": "invalid",
    }
    assert [r.line for r in report.refused] == [7, 8]
    assert "already submitted" in report.refused[1].message
    assert report.state.ledger.remaining == Euro("200.00")
    assert set(report.timings) >= {"evaluation", "statechart", "portfolio", "sqlite", "total"}
    invalid = next(
        e for e in call.events() if e.application_id == "A00008" and e.kind == "evaluated"
    )
    assert invalid.payload["problems"][0]["path"] == "$.broken"
    decision = next(e for e in call.events() if e.application_id == "A00000" and e.decision)
    assert decision.decision == {"eligible": True, "award": "400.00"}
    consistent(call)


def test_release_promotes_the_wait_list_in_order(new_call: NewCall) -> None:
    call = new_call("1000.00")
    awards = ["600", "500", "450", "300"]
    call.run([make_document(i, award=a, day=i) for i, a in enumerate(awards)])
    assert statuses(call) == {
        "A00000": "committed",
        "A00001": "waitlisted",
        "A00002": "waitlisted",
        "A00003": "committed",
    }
    call.withdraw("A00003")  # 400 free: nothing fits, nobody is promoted
    assert statuses(call)["A00001"] == "waitlisted"
    call.pay("A00000", Euro("100.00"))
    call.decommit("A00000")  # releases 500 unpaid -> 900 free: A00001 (500) then nothing
    s = statuses(call)
    assert (s["A00001"], s["A00002"]) == ("committed", "waitlisted")
    assert call.status().ledger.remaining == Euro("400.00")
    consistent(call)


def test_payments_never_exceed_the_commitment(new_call: NewCall) -> None:
    call = new_call("1000.00")
    call.run([make_document(0, award="400")])
    with pytest.raises(CallError, match="exceeds what is committed"):
        call.pay("A00000", Euro("400.01"))
    with pytest.raises(InvalidArgument):
        call.pay("A00000", Euro(0))
    assert call.pay("A00000", Euro("150.00")).status == "partly_paid"
    closed = call.pay("A00000", Euro("50.00"), final=True)
    assert (closed.status, closed.paid, closed.committed) == ("closed", Euro(200), Euro(200))
    with pytest.raises(TransitionRefused, match="final status"):
        call.pay("A00000", Euro("1.00"))
    assert call.status().ledger.remaining == Euro("800.00")
    consistent(call)


def test_committee_decisions(new_call: NewCall) -> None:
    call = new_call("500.00")
    for i, award in enumerate(["300", "300", "100"]):
        call.submit(make_document(i, award=award))
    call.evaluate_pending()
    assert call.record_decision("A00000", "selected").status == "committed"
    assert call.record_decision("A00001", "selected").status == "waitlisted"
    assert call.record_decision("A00002", "rejected").status == "rejected"
    with pytest.raises(EnvelopeExceeded, match="stays wait-listed"):
        call.record_decision("A00001", "selected")
    with pytest.raises(TransitionRefused):
        call.record_decision("A00002", "selected")
    with pytest.raises(InvalidArgument):
        call.record_decision("A00001", "maybe")  # type: ignore[arg-type]
    with pytest.raises(CallError, match="no application"):
        call.withdraw("ZZZ")
    call.withdraw("A00000")
    assert statuses(call)["A00001"] == "committed"
    consistent(call)


def test_partial_awards(new_call: NewCall) -> None:
    call = new_call("500.00", partial_awards=True)
    call.run([make_document(i, award="300", day=i) for i in range(3)])
    apps = call.status().applications
    assert [(a.status, a.committed) for a in apps] == [
        ("committed", Euro(300)),
        ("committed", Euro(200)),
        ("waitlisted", Euro(0)),
    ]
    consistent(call)


def test_revise_cost_releases_the_difference(new_call: NewCall, call_path: Path) -> None:
    def half(document: object, cost: Euro) -> Euro:
        return cost.scale(Decimal("0.5"), rounding=__import__("grantrules.money").money.DOWN)

    call = new_call("1000.00", recompute_award=half)
    call.run([make_document(i, award="600", day=i) for i in range(2)])
    call.pay("A00000", Euro("100.00"))
    revised = call.revise_cost("A00000", Euro("800.00"))
    assert (revised.award, revised.committed) == (Euro(400), Euro(400))
    assert statuses(call)["A00001"] == "committed"
    with pytest.raises(CallError, match="below what was already paid"):
        call.revise_cost("A00000", Euro("100.00"))
    consistent(call)
    call.close_file()
    with Call.open(call_path) as reopened, pytest.raises(InvalidArgument, match="recompute"):
        reopened.revise_cost("A00000", Euro(10))


def test_ranked_by_score(new_call: NewCall) -> None:
    def scorer(document: object, decision: object) -> Decimal | None:
        return Decimal(document["score"]) if "score" in document else None  # type: ignore[index,operator]

    call = new_call("1000.00", policy=RankedByScore("10"), scorer=scorer)
    docs = [make_document(i, award="400", score=s) for i, s in enumerate(["12", "15", "9", "11"])]
    docs.append(make_document(7, award="100"))
    call.run(docs)
    assert statuses(call) == {
        "A00000": "committed",
        "A00001": "committed",
        "A00002": "rejected",
        "A00003": "waitlisted",
        "A00007": "eligible",
    }
    call.score("A00007", "20")
    call.allocate()
    assert statuses(call)["A00007"] == "committed"
    with pytest.raises(InvalidArgument):
        call.score("A00007", 0.5)  # type: ignore[arg-type]
    consistent(call)


def test_policies() -> None:
    assert policy_from_json(FirstComeFirstServed().to_json()) == FirstComeFirstServed()
    assert policy_from_json(RankedByScore(12).to_json()) == RankedByScore(Decimal(12))
    for bad in ({"policy": "lottery"}, {"policy": "ranked_by_score", "threshold": "x"}):
        with pytest.raises(InvalidArgument):
            policy_from_json(bad)
    with pytest.raises(InvalidArgument):
        RankedByScore(0.5)  # type: ignore[arg-type]
    day = datetime.date(2025, 1, 1)
    apps = [ApplicationStatus("B", "x", "1", day, 2, "eligible", award=Euro(5))]
    apps.append(ApplicationStatus("A", "x", "1", day, 1, "eligible", award=Euro(5)))
    assert [s.application_id for s in plan(apps, Euro(5), FirstComeFirstServed())] == ["A", "B"]
    assert plan(apps, Euro(5), FirstComeFirstServed(), blocked={"A", "B"}) == []


def test_submit_validates_the_contract(new_call: NewCall) -> None:
    call = new_call()
    with pytest.raises(ApplicationInvalid, match=r"\$\.applicant\.siren"):
        call.submit({"id": "A", "submitted_on": "2025-01-01", "applicant": {"name": "x"}})
    with pytest.raises(ApplicationInvalid, match="ISO date"):
        call.submit(
            {"id": "A", "submitted_on": "01/01/2025", "applicant": {"name": "x", "siren": "1"}}
        )
    assert call.events()[-1].kind == "call_created"
    call.submit(make_document(1))
    with pytest.raises(CallError, match="already submitted"):
        call.submit(make_document(1))


def test_portfolio_flags_and_blocking(new_call: NewCall) -> None:
    rules = [SameApplicant(), DeMinimis(Euro("300000.00"))]
    call = new_call("1000000.00", portfolio_rules=rules)
    activity = {
        "economic_activity": True,
        "prior_de_minimis": [
            {"granted_on": "2023-06-01", "amount": "150000.00"},
            {"granted_on": "2020-01-01", "amount": "290000.00"},  # outside the 3 years
        ],
    }
    docs = [make_document(1, award="100000", siren="111"), make_document(2, siren="111")]
    docs.append(make_document(3, award="200000", siren="222"))
    for d in docs[2:]:
        d["applicant"].update(activity)
    report = call.run(docs)
    ids = {f.id: f for f in report.flags}
    assert ids["portfolio.same_applicant"].applications == ("A00001", "A00002")
    assert "111" in ids["portfolio.same_applicant"].message_fr
    assert ids["portfolio.de_minimis"].blocking
    assert "350000.00" in ids["portfolio.de_minimis"].message_en
    assert statuses(call)["A00003"] == "eligible"  # held back for the committee
    with pytest.raises(CallError, match="de minimis"):
        call.record_decision("A00003", "selected")
    assert call.record_decision("A00003", "rejected").status == "rejected"
    assert not [f for f in call.flags() if f.id == "portfolio.de_minimis"]


def test_stale_projection_cannot_overcommit(
    new_call: NewCall, call_path: Path, autoclose: AutoClose, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQL check inside the transaction catches what a stale in-memory state would miss."""
    first = new_call("500.00")
    first.run([make_document(0, award="300")])
    for i in (2, 3):
        first.submit(make_document(i, award="200"))
    first.evaluate_pending()
    second = autoclose(Call.open(call_path, evaluator=fake_evaluator))
    second.status()
    first.record_decision("A00002", "selected")  # the envelope is now fully committed
    # Simulate a bug where `second` trusted its cache instead of catching up.
    projection = second._projection
    assert projection is not None
    monkeypatch.setattr(projection, "apply_all", lambda events: None)
    with pytest.raises(EnvelopeExceeded):
        second.record_decision("A00003", "selected")
    monkeypatch.undo()
    with Call.open(call_path) as third:
        assert third.replay().ledger.remaining == Euro(0)
    assert second.record_decision("A00003", "selected").status == "waitlisted"


def test_tampered_ledger_is_detected(new_call: NewCall, call_path: Path) -> None:
    call = new_call("500.00")
    call.run([make_document(0, award="300")])
    with closing(sqlite3.connect(call_path)) as db, db:
        db.execute("INSERT INTO ledger VALUES (1, 'A00000', 'pay', 1)")
    with pytest.raises(JournalError, match="ledger table"):
        call.replay()


def test_a_call_that_cannot_be_opened_closes_its_file(
    call_path: Path, connections: list[sqlite3.Connection]
) -> None:
    Call.create(call_path, Euro(500)).close_file()
    with pytest.raises(TypeError):
        Call.open(call_path, evaluator=fake_evaluator, no_such_option=True)
    with closing(sqlite3.connect(call_path)) as db, db:
        db.execute("UPDATE meta SET value = 'lottery' WHERE key = 'policy'")
    with pytest.raises(JournalError, match="unreadable call settings"):
        Call.open(call_path)
    assert connections
    assert all(is_closed(db) for db in connections)
