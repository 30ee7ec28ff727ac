"""The solver's translation agrees with evaluate() on generated applications.

Each application of the scheme's Hypothesis strategy is pinned into the translated decision
(``_bind``): eligibility, the award and every criterion's outcome must then be what
:func:`grantrules.evaluate` decides.  This is the translation's differential test, as
``compiled_matches_reference`` is the compiler's.
"""

from __future__ import annotations

import datetime
from types import ModuleType
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings

from grantrules import evaluate, load_scheme
from grantrules.errors import EvaluationError
from grantrules.prove._bind import bind
from grantrules.prove._decision import Symbolic, symbolic
from grantrules.prove._values import cents
from grantrules.scheme import Scheme
from grantrules.testing.strategies import applications

ON = datetime.date(2025, 3, 14)
K = 6  # the generator draws up to about six lines
AGREE = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _agree(scheme: Scheme, sym: Symbolic, app: Any, on: datetime.date) -> bool:
    """Whether ``app`` could be pinned; asserts the agreement when it could."""
    pins = bind(sym.shape, app)
    if pins is None:
        return False
    try:
        decision = evaluate(scheme, app, on=on)
    except EvaluationError:
        return False  # two exceptions conflict: the proofs exclude these applications
    if any(c.outcome.value == "missing" for c in decision.criteria):
        return False
    solver = z3.Solver()
    solver.add(*sym.assumptions(), *pins)
    assert solver.check() == z3.sat
    model = solver.model()

    def value(term: Any) -> Any:
        return model.eval(term, model_completion=True)

    assert z3.is_true(value(sym.eligible)) == decision.eligible
    assert value(sym.award).as_long() == cents(decision.award)
    for criterion in decision.criteria:
        verdict = sym.verdicts[criterion.id]
        if not z3.is_true(value(verdict.applies)):
            got = "not_applicable"
        else:
            got = "passed" if z3.is_true(value(verdict.held)) else "failed"
        assert got == criterion.outcome.value, criterion.id
    return True


def _run(scheme: Scheme, on: datetime.date = ON) -> None:
    sym = symbolic(scheme, on, K)
    pinned: list[bool] = []

    @AGREE
    @given(applications(scheme, on))
    def agree(app: Any) -> None:
        pinned.append(_agree(scheme, sym, app, on))

    agree()
    # Most generated applications lie within the bounds: the test is not vacuous.
    assert sum(pinned) >= len(pinned) // 2, (sum(pinned), len(pinned))


def test_the_ami_translation_agrees_with_evaluate() -> None:
    _run(load_scheme("ami-ia-hdf"))


@pytest.mark.parametrize("on", [datetime.date(2025, 3, 14), datetime.date(2026, 3, 14)])
def test_the_sports_translation_agrees_with_evaluate(
    sports_module: ModuleType, on: datetime.date
) -> None:
    _run(sports_module.SCHEME, on)
