"""Deliberately broken variants of the sports test scheme, each with one classic funding bug.

The invariant suite must catch every one of them (see ``test_broken_variants.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import attrs

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.expressions import Expr, minimum, param, sum_of
from grantrules.funding import Invariant
from grantrules.money import DOWN, UP, Euro, Rounding, RoundingRule
from grantrules.rules import Criterion, Override
from grantrules.scheme import Scheme


def _award(
    sports: ModuleType,
    main: Callable[[str, Rounding | RoundingRule], Expr],
    youth: Callable[[str, Rounding | RoundingRule], Expr] | None = None,
    rounding: Rounding | RoundingRule = DOWN,
) -> Amount:
    original: Amount = sports.award
    youth = youth or main
    return attrs.evolve(
        original,
        formula=main("grant_rate", rounding),
        rounding=rounding,
        exceptions=[
            Override("youth", when=original.exceptions[0].when, then=youth("youth_rate", rounding))
        ],
    )


def _with_amounts(sports: ModuleType, *amounts: Amount) -> Scheme:
    replaced = {a.id: a for a in amounts}
    versions = [
        attrs.evolve(v, amounts=[replaced.get(a.id, a) for a in v.amounts])
        for v in sports.SCHEME.versions
    ]
    return attrs.evolve(sports.SCHEME, versions=versions)


def variants(sports: ModuleType) -> dict[str, Scheme]:
    """The broken schemes, by the name of their bug."""
    eligible, total = sports.eligible_cost, sports.total_cost

    def capped(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return minimum(param(rate).of(eligible, rounding=rounding), param("ceiling"))

    def uncapped(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return param(rate).of(eligible, rounding=rounding)

    def on_total(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return minimum(param(rate).of(total, rounding=rounding), param("ceiling"))

    def minus_cent(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return capped(rate, rounding) - Euro("0.01")

    def plus_cent(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return capped(rate, rounding) + Euro("0.01")

    def cents_cap(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        # Rounded to the euro, then capped by a ceiling in cents: not a whole euro.
        return minimum(param(rate).of(eligible, rounding=rounding), param("ceiling") - Euro("0.50"))

    costs = sports.costs
    counted = attrs.evolve(eligible, formula=sum_of(costs.amount_excl_vat))
    return {
        "award without ceiling": _with_amounts(sports, _award(sports, uncapped, capped)),
        "award without any ceiling": _with_amounts(sports, _award(sports, uncapped)),
        "rounding up": _with_amounts(sports, _award(sports, capped, rounding=UP)),
        "rate applied to the total": _with_amounts(sports, _award(sports, on_total)),
        "ineligible lines counted": _with_amounts(sports, counted),
        "a missing cent": _with_amounts(sports, _award(sports, minus_cent)),
        "an extra cent": _with_amounts(sports, _award(sports, plus_cent)),
        "a euro award capped in cents": _with_amounts(
            sports, _award(sports, cents_cap, rounding=DOWN.to_euro())
        ),
    }


def rounded_to_the_euro(sports: ModuleType) -> Scheme:
    """The sports scheme with its award rounded down to the euro: a sound variant."""
    eligible = sports.eligible_cost

    def capped(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return minimum(param(rate).of(eligible, rounding=rounding), param("ceiling"))

    return _with_amounts(sports, _award(sports, capped, rounding=DOWN.to_euro()))


def unreachable(sports: ModuleType) -> Scheme:
    """The sports scheme with two criteria that cannot both be met: nothing is eligible."""
    too_cheap = Criterion(
        "project.below_min_cost",
        sports.total_cost < param("min_cost"),
        basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 2 bis"),
        failed={"fr": "Projet trop cher.", "en": "Project too expensive."},
    )
    versions = [attrs.evolve(v, criteria=[*v.criteria, too_cheap]) for v in sports.SCHEME.versions]
    return attrs.evolve(sports.SCHEME, versions=versions)


def within_rate(sports: ModuleType, **changes: Any) -> Invariant:
    """A declared invariant of the sports scheme: the grant within its rate (not the youth
    rate, which is higher: without ``when`` the youth clubs break it)."""
    arguments: dict[str, Any] = {
        "when": sports.applicant.youth_club.is_false(),
        "basis": Basis("Délibération du conseil municipal n° 2024-112", "art. 3"),
        "message": {
            "fr": "La subvention ne dépasse pas {grant_rate} du coût éligible.",
            "en": "The grant never exceeds {grant_rate} of the eligible cost.",
        },
    }
    arguments.update(changes)
    holds = sports.award <= param("grant_rate").of(sports.eligible_cost, rounding=DOWN)
    return Invariant("within_rate", holds, **arguments)


def with_invariants(scheme: Scheme, *invariants: Invariant) -> Scheme:
    """``scheme`` with these funding invariants declared in every version."""
    versions = [attrs.evolve(v, invariants=invariants) for v in scheme.versions]
    return attrs.evolve(scheme, versions=versions)
