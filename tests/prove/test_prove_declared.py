"""The scheme's declared invariants (``SchemeVersion.invariants``), proved or refuted."""

from __future__ import annotations

import datetime
from types import ModuleType

import attrs

from grantrules import evaluate, load_scheme
from grantrules.basis import Basis
from grantrules.expressions import const, param
from grantrules.funding import Invariant
from grantrules.money import Rate
from grantrules.prove import check
from grantrules.scheme import Scheme

ON = datetime.date(2025, 3, 14)
BASIS = Basis("Délibération de test", "art. 1")


def _declaring(scheme: Scheme, *invariants: Invariant) -> Scheme:
    versions = [attrs.evolve(v, invariants=invariants) for v in scheme.versions]
    return attrs.evolve(scheme, versions=versions)


def test_a_declared_invariant_that_holds_is_proved(sports_module: ModuleType) -> None:
    cap = Invariant(
        "award_below_ceiling",
        sports_module.award <= param("ceiling"),
        basis=BASIS,
        message={"fr": "L'aide ne dépasse pas {ceiling}.", "en": "The award is at most {ceiling}."},
    )
    report = check(_declaring(sports_module.SCHEME, cap), on=ON, max_items=2)
    result = next(r for r in report.invariants if r.id == "scheme.award_below_ceiling")
    assert result.status == "proved"


def test_a_public_cap_that_subtracts_nothing_is_refuted() -> None:
    # The AMI caps its award by the rate and the ceiling only: with other public funding, the
    # public share of the cost can exceed 80 %.
    ami = load_scheme("ami-ia-hdf")
    version = ami.version_at(ON)
    award, other, total = (
        version.amount(i) for i in ("award", "other_public_funding", "total_cost")
    )
    public_cap = Invariant(
        "public_cap",
        award + other <= const(Rate("80%")).of(total),
        basis=BASIS,
        message={
            "fr": "Les aides publiques ne dépassent pas 80 % du coût total.",
            "en": "Public funding never exceeds 80% of the total cost.",
        },
    )
    scheme = _declaring(ami, public_cap)
    report = check(scheme, on=ON, max_items=2)
    result = next(r for r in report.invariants if r.id == "scheme.public_cap")
    assert result.status == "violated"
    assert result.evaluator == "confirmed"
    assert result.counterexample is not None
    assert report.exit_code == 1
    decision = evaluate(scheme, result.counterexample, on=ON)
    amounts = {a.id: a.value for a in decision.amounts}
    assert decision.eligible
    public = decision.award.amount + amounts["other_public_funding"].amount
    assert public * 100 > amounts["total_cost"].amount * 80
