"""The envelope invariant as a Hypothesis state machine over the real call engine.

Applications of the scheme are submitted, evaluated and allocated one by one (first come,
first served), some are withdrawn, and after every step the call's ledger must keep its
commitments within the envelope.  Each run works on a fresh SQLite call file in a temporary
directory.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import hypothesis
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from grantrules.errors import GrantRulesError
from grantrules.evaluate import evaluate
from grantrules.money import Euro
from grantrules.serde import unstructure_application
from grantrules.testing._build import euro_strategy
from grantrules.testing._subject import InvariantViolation, Subject
from grantrules.testing.strategies import applications

__all__ = ["envelope_machine", "run_envelope_machine"]

#: Steps per run, and the share of the profile's examples the machine runs (it is slower).
STEPS = 10
EXAMPLES_DIVISOR = 20
_DEFAULT_ENVELOPE = Euro("200000.00")


def _envelope(subject: Subject) -> Euro:
    name = subject.scheme.envelope_parameter
    version = subject.scheme.versions[-1]
    if name is not None and name in version.parameters:
        value = version.parameters[name].values[-1].value
        if isinstance(value, Euro):
            return min(value, _DEFAULT_ENVELOPE)
    return _DEFAULT_ENVELOPE


def envelope_machine(subject: Subject) -> type[RuleBasedStateMachine]:
    """A state machine class checking the envelope of a call of ``subject``'s scheme."""
    from grantrules.call import Call

    scheme = subject.scheme

    def evaluator(document: Any) -> Any:
        return evaluate(scheme, document, on=subject.config.on)

    class EnvelopeMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.directory = tempfile.TemporaryDirectory()
            self.call: Any = None
            self.ids: list[str] = []

        @initialize(envelope=euro_strategy(Euro.ZERO, _envelope(subject)))
        def open_call(self, envelope: Euro) -> None:
            path = Path(self.directory.name) / "call.db"
            self.call = Call.create(path, envelope, evaluator=evaluator)

        @rule(app=applications(scheme, subject.config.on))
        def submit(self, app: Any) -> None:
            app = attrs.evolve(app, id=f"{app.id}-{len(self.ids)}")
            self.ids.append(app.id)
            self.call.submit(unstructure_application(app))
            self.call.evaluate_pending()
            self.call.allocate()

        @precondition(lambda self: bool(self.ids))
        @rule(data=st.data())
        def withdraw(self, data: st.DataObject) -> None:
            app_id = data.draw(st.sampled_from(self.ids))
            # Not allowed in its status: refused, and nothing was written.
            with contextlib.suppress(GrantRulesError):
                self.call.withdraw(app_id)

        @invariant()
        def within_envelope(self) -> None:
            if self.call is None:
                return
            state = self.call.status()
            ledger = state.ledger
            if ledger.committed > ledger.envelope or ledger.remaining < Euro.ZERO:
                raise InvariantViolation(
                    "envelope_never_exceeded_in_call",
                    f"committed {ledger.committed} of an envelope of {ledger.envelope}",
                    [a.to_json() for a in state.applications]
                    if hasattr(state, "applications")
                    else None,
                )

        def teardown(self) -> None:
            if self.call is not None:
                self.call.close_file()
            self.directory.cleanup()

    return EnvelopeMachine


def run_envelope_machine(
    subject: Subject, settings: hypothesis.settings | None
) -> Callable[[], None]:
    """A test function running the machine with a twentieth of the profile's examples."""
    base = settings if settings is not None else hypothesis.settings()
    chosen = hypothesis.settings(
        base,
        max_examples=max(5, base.max_examples // EXAMPLES_DIVISOR),
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=(*base.suppress_health_check, hypothesis.HealthCheck.too_slow),
    )
    machine = envelope_machine(subject)

    def test() -> None:
        run_state_machine_as_test(machine, settings=chosen)

    return test
