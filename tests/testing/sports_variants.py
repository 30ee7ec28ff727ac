"""Deliberately broken variants of the sports test scheme, each with one classic funding bug.

The invariant suite must catch every one of them (see ``test_broken_variants.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import attrs

from grantrules.amounts import Amount
from grantrules.expressions import Expr, minimum, param, sum_of
from grantrules.money import DOWN, UP, Euro, Rounding, RoundingRule
from grantrules.rules import Override
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
