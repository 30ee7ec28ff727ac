"""Random sequences of commands keep every invariant of a call."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import hypothesis
import hypothesis.strategies as st
from call_support import fake_evaluator, make_document
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from grantrules.call import DEFAULT_PROCESS, Call
from grantrules.errors import CallError
from grantrules.money import DOWN, Euro


def cents(low: int, high: int) -> st.SearchStrategy[Euro]:
    return st.integers(low, high).map(lambda c: Euro(Decimal(c).scaleb(-2)))


euros = cents(1, 200_000)


def _half(document: Mapping[str, Any], cost: Euro) -> Euro:
    return cost.scale(Decimal("0.5"), rounding=DOWN)


class CallMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp())
        self.call: Call | None = None
        self.count = 0
        self.seen = 0
        self.statuses: dict[str, str] = {}

    @initialize(envelope=cents(0, 500_000))
    def create(self, envelope: Euro) -> None:
        self.call = Call.create(
            self.dir / "c.db",
            envelope,
            evaluator=fake_evaluator,
            recompute_award=_half,
            partial_awards=envelope.amount > 300,
        )
        self.seen = len(self.call.events())

    def teardown(self) -> None:
        if self.call is not None:
            self.call.close_file()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def c(self) -> Call:
        assert self.call is not None
        return self.call

    def attempt(self, command: Callable[[], object]) -> None:
        before = len(self.c.events())
        refusal: CallError | None = None
        try:
            command()
        except CallError as error:
            refusal = error
        if refusal is not None:
            # Refusals are fine and write nothing; an engine disagreement or a swallowed
            # durable_rules exception is a bug.
            message = str(refusal)
            assert "durable_rules" not in message, message
            assert "statechart" not in message, message
            assert len(self.c.events()) == before

    @rule(
        award=euros,
        eligible=st.booleans(),
        broken=st.integers(0, 9),
        day=st.integers(0, 27),
        then=st.sampled_from(["nothing", "evaluate", "allocate"]),
    )
    def submit(self, award: Euro, eligible: bool, broken: int, day: int, then: str) -> None:
        self.count += 1
        doc = make_document(self.count, award=str(award), eligible=eligible, day=day)
        if broken == 0:
            doc["broken"] = True
        self.attempt(lambda: self.c.submit(doc))
        if then != "nothing":
            self.attempt(self.c.evaluate_pending)
        if then == "allocate":
            self.attempt(self.c.allocate)

    @rule()
    def evaluate(self) -> None:
        self.attempt(self.c.evaluate_pending)

    @rule()
    def allocate(self) -> None:
        self.attempt(self.c.allocate)

    def app(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.statuses)))

    @precondition(lambda self: self.statuses)
    @rule(data=st.data(), decision=st.sampled_from(["selected", "waitlisted", "rejected"]))
    def decide(self, data: st.DataObject, decision: str) -> None:
        app = self.app(data)
        self.attempt(lambda: self.c.record_decision(app, decision))  # type: ignore[arg-type]

    @precondition(lambda self: self.statuses)
    @rule(data=st.data(), kind=st.sampled_from(["withdraw", "decommit", "close"]))
    def release(self, data: st.DataObject, kind: str) -> None:
        self.attempt(lambda: getattr(self.c, kind)(self.app(data)))

    @precondition(lambda self: self.statuses)
    @rule(data=st.data(), amount=euros, percent=st.integers(0, 110), final=st.booleans())
    def pay(self, data: st.DataObject, amount: Euro, percent: int, final: bool) -> None:
        app = self.app(data)
        found = next(a for a in self.c.status().applications if a.id == app)
        unpaid = found.committed - found.paid
        if percent and unpaid > Euro.ZERO:
            # Mostly payments that fit (to reach partly_paid), sometimes 10% too much.
            amount = max(unpaid.scale(Decimal(percent) / 100, rounding=DOWN), Euro("0.01"))
        self.attempt(lambda: self.c.pay(app, amount, final=final))

    @precondition(lambda self: self.statuses)
    @rule(data=st.data(), cost=euros)
    def revise(self, data: st.DataObject, cost: Euro) -> None:
        app = self.app(data)
        self.attempt(lambda: self.c.revise_cost(app, cost))

    @invariant()
    def money_and_statuses(self) -> None:
        if self.call is None:
            return
        state = self.c.status()
        assert state.ledger.remaining >= Euro.ZERO
        assert state.ledger.committed <= state.ledger.envelope
        for app in state.applications:
            assert Euro.ZERO <= app.paid <= app.committed
        # Every new event moved its application along an allowed transition.
        events = self.c.events()
        for event in events[self.seen :]:
            if event.application_id is None:
                continue
            if event.kind == "submitted":
                self.statuses[event.application_id] = DEFAULT_PROCESS.initial
                continue
            current = self.statuses[event.application_id]
            target = DEFAULT_PROCESS.target(current, event.kind, event.payload)
            assert target is not None, f"{event} not allowed from {current}"
            self.statuses[event.application_id] = target
        self.seen = len(events)
        for status in set(self.statuses.values()):
            hypothesis.event(f"reached {status}")
        assert {a.id: a.status for a in state.applications} == self.statuses
        assert self.c.replay(statechart=len(events) % 5 == 0) == state


CallMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCall = CallMachine.TestCase
