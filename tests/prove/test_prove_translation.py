"""The translation itself: every named rounding exact against the money module, a node it
does not know reported by name, and disagreements with the evaluator reported as such."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs
import pytest
import z3

from grantrules import evaluate
from grantrules.expressions import Compiled, Expr, RenderContext, const
from grantrules.money import DOWN, HALF_EVEN, HALF_UP, UP, Euro, Rate, Rounding, RoundingRule
from grantrules.prove import _check, _rounding, _translate, check
from grantrules.prove._domains import Facts
from grantrules.prove._shape import Shape
from grantrules.prove._values import Lit, Money
from grantrules.rules import Criterion

ON = datetime.date(2025, 3, 14)
MODES = (DOWN, UP, HALF_UP, HALF_EVEN)
RULES: list[Rounding | RoundingRule] = [
    *MODES,
    *(m.to_euro() for m in MODES),
    *(m.to("0.05") for m in MODES),
    *(m.to(10) for m in MODES),
]
RATES = ("60%", "33.33%", "12.5%", "0.7%", "100%")
# Negative amounts, ties at every quantum, and amounts far from zero.
CENTS = [*range(-105, 106, 5), *range(-3, 4), 250, -250, 123456789, -987654321]


def _translator() -> _translate.Translator:
    return _translate.Translator(Shape(object, 0, ON, Facts()), {})


@pytest.mark.parametrize("rounding", RULES, ids=lambda r: r.name)
def test_rate_applications_round_exactly_as_money_does(
    rounding: Rounding | RoundingRule,
) -> None:
    t = _translator()
    for rate in RATES:
        for cents in CENTS:
            amount = Euro(Decimal(cents).scaleb(-2))
            expected = Rate(rate).apply(amount, rounding)
            node = const(Rate(rate)).of(amount, rounding=rounding)
            value = t.value(node)
            assert isinstance(value, Money)
            got = z3.simplify(value.term).as_long()
            assert got == int(expected.amount * 100), (rate, amount, rounding)


@pytest.mark.parametrize("rounding", RULES, ids=lambda r: r.name)
def test_rounded_amounts_round_exactly_as_money_does(rounding: Rounding | RoundingRule) -> None:
    t = _translator()
    for cents in CENTS:
        amount = Euro(Decimal(cents).scaleb(-2))
        value = t.value(const(amount).rounded(rounding))
        assert isinstance(value, Money)
        assert z3.simplify(value.term).as_long() == int(amount.rounded(rounding).amount * 100)


def test_constants_stay_constants() -> None:
    assert _translator().value(const(Euro("12.00"))) == Lit(Euro("12.00"))


@attrs.frozen(eq=False)
class Vowel(Expr):
    """A scheme's own node: the applicant's name starts with a vowel."""

    def compile(self) -> Compiled:
        return lambda env, item: env.app.applicant.name[:1].lower() in "aeiouy"

    def render(self, ctx: RenderContext) -> str:
        return "the name starts with a vowel"


def _with_vowel(sports: ModuleType) -> Any:
    vowel = Criterion(
        "applicant.vowel",
        Vowel(),
        basis=sports.BASIS,
        failed={"fr": "Nom sans voyelle initiale.", "en": "No initial vowel."},
    )
    versions = [attrs.evolve(v, criteria=[*sports.CRITERIA, vowel]) for v in sports.SCHEME.versions]
    return attrs.evolve(sports.SCHEME, versions=versions)


def test_an_unknown_node_is_named_and_nothing_crashes(
    sports_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRANTRULES_STRICT", "0")  # the evaluator calls Vowel's closure
    report = check(_with_vowel(sports_module), on=ON, max_items=1)
    assert list(report.opaque) == ["criterion applicant.vowel"]
    assert "Vowel" in report.opaque["criterion applicant.vowel"]
    # The award proofs do not depend on the criterion: they hold whatever it decides.
    assert {r.status for r in report.invariants} == {"proved"}
    outcomes = {w.outcome: w for w in report.witnesses if w.criterion == "applicant.vowel"}
    # The filler name ("CHECK-1") starts with no vowel: evaluate() says failed.
    assert outcomes["failed"].status == "found"
    assert outcomes["failed"].evaluator == "confirmed"
    # The solver cannot steer the name, so "passed" is not confirmed: unknown, naming the node.
    assert outcomes["passed"].status == "unknown"
    assert outcomes["passed"].reason is not None
    assert "applicant.vowel" in outcomes["passed"].reason["en"]
    assert outcomes["passed"].evaluator is None  # not a disagreement: the node is untranslated
    assert "Not translated: criterion applicant.vowel" in report.text("en")


def test_a_mistranslated_rounding_is_a_reported_disagreement(
    sports_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _rounding.rounded_quanta
    # A deliberate bug in the translation: every rounding gives one quantum more.
    monkeypatch.setattr(_translate, "rounded_quanta", lambda n, d, mode: real(n, d, mode) + 1)
    report = check(sports_module.SCHEME, on=ON, max_items=1)
    rate = next(r for r in report.invariants if r.id == "award_within_rate")
    assert rate.status == "unknown"
    assert rate.evaluator == "disagrees"
    assert rate.reason is not None
    assert "solver/evaluator disagreement" in rate.reason["en"]
    assert rate.counterexample is not None  # the document, for the bug report
    assert report.exit_code == 1


def test_a_wrong_evaluator_is_a_reported_disagreement(
    sports_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def without_costs(scheme: Any, app: Any, on: datetime.date) -> Any:
        return evaluate(scheme, attrs.evolve(app, costs=()), on=on)

    monkeypatch.setattr(_check, "evaluate", without_costs)
    report = check(sports_module.SCHEME, on=ON, max_items=1)
    assert report.eligible.evaluator == "disagrees"
    assert report.eligible.status == "unknown"
    assert report.disagreements > 0
    assert report.exit_code == 1
    assert "DISAGREE" in report.text("en")
