"""The rounding invariants follow the award formula's own arithmetic (issue 13).

They compare the award with the same formula evaluated without rounding: a subtraction after
the rate is followed (no false violation), a ``maximum`` above the rate is checked (not
silently passed), and a rounding the exact evaluation cannot follow is *skipped*, with its
reason.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from sports_variants import _award, _with_amounts

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.evaluate import evaluate
from grantrules.expressions import Expr, collection, maximum, minimum, param, sum_of
from grantrules.model import FinancingLine
from grantrules.money import DOWN, Euro, Rounding, RoundingRule
from grantrules.scheme import Scheme
from grantrules.testing.invariants import INVARIANTS, Subject, check_invariants

ROUNDING_INVARIANTS = ["rounding_never_favours_beneficiary", "rounding_loses_less_than_a_cent"]
QUICK = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
financing = collection("financing")
FINANCED = Amount("other_funding", sum_of(financing.amount), basis=Basis("Règlement", "art. 4"))


def _with_award(sports: ModuleType, formula: Any, *extra: Amount) -> Scheme:
    award = _award(sports, formula)
    versions = [
        attrs.evolve(v, amounts=[*(award if a.id == "award" else a for a in v.amounts), *extra])
        for v in sports.SCHEME.versions
    ]
    return attrs.evolve(sports.SCHEME, versions=versions)


def _net_of_other_funding(sports: ModuleType) -> Scheme:
    """``minimum(rate.of(eligible) - other_funding, ceiling)``: the issue's public cap."""

    def net(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        own = param(rate).of(sports.eligible_cost, rounding=rounding) - FINANCED
        return minimum(own, param("ceiling"))

    return _with_award(sports, net, FINANCED)


def test_a_subtraction_after_the_rate_is_followed(sports_module: ModuleType) -> None:
    scheme = _net_of_other_funding(sports_module)
    # 50 % of 10,000.01 is 5,000.005: rounded down to 5,000.00, less 1,000.00 of other funding.
    app = sports_module.application(
        financing=(FinancingLine(source="region", amount=Euro("1000.00")),)
    )
    decision = evaluate(scheme, app)
    assert decision.eligible
    assert decision.award == Euro("4000.00")
    subject = Subject(scheme)
    for name in ROUNDING_INVARIANTS:
        # The former bound, 5,000.005 (the product, ignoring the subtraction), made
        # rounding_loses_less_than_a_cent report 1,000.005 lost to rounding.
        assert INVARIANTS[name].check(subject, app) is True  # reached, and holds


def test_a_subtraction_after_the_rate_keeps_the_rounding_invariants(
    sports_module: ModuleType,
) -> None:
    statuses = check_invariants(
        _net_of_other_funding(sports_module), invariants=ROUNDING_INVARIANTS, settings=QUICK
    )
    assert statuses == dict.fromkeys(ROUNDING_INVARIANTS, "passed")


def test_a_maximum_above_the_rate_is_checked(sports_module: ModuleType) -> None:
    def floored_capped(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        product = param(rate).of(sports_module.eligible_cost, rounding=rounding)
        return maximum(minimum(product, param("ceiling")), Euro("100.00"))

    scheme = _with_award(sports_module, floored_capped)
    subject = Subject(scheme)
    for name in ROUNDING_INVARIANTS:
        assert INVARIANTS[name].applies(subject) is None
        # Formerly returned early (reported passed without checking anything).
        assert INVARIANTS[name].check(subject, sports_module.application()) is True


def test_a_rounding_the_exact_evaluation_cannot_follow_is_skipped(
    sports_module: ModuleType,
) -> None:
    costs = sports_module.costs

    def per_line(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        # Each line rounded, then summed: what rounding takes off grows with the lines.
        rounded_lines = sum_of(
            param(rate).of(costs.amount_excl_vat, rounding=rounding),
            where=costs.category.is_in(param("eligible_categories")),
        )
        return minimum(rounded_lines, param("ceiling"))

    scheme = _with_award(sports_module, per_line)
    statuses = check_invariants(scheme, invariants=ROUNDING_INVARIANTS, settings=QUICK)
    for name in ROUNDING_INVARIANTS:
        assert statuses[name].startswith("skipped: the award formula rounds inside Aggregate")
        assert "cannot be bounded" in statuses[name]


def test_a_rounding_down_to_the_euro_may_take_less_than_a_euro(sports_module: ModuleType) -> None:
    def capped(rate: str, rounding: Rounding | RoundingRule) -> Expr:
        return minimum(
            param(rate).of(sports_module.eligible_cost, rounding=rounding), param("ceiling")
        )

    scheme = _with_amounts(sports_module, _award(sports_module, capped, rounding=DOWN.to_euro()))
    app = sports_module.application(
        costs=(attrs.evolve(sports_module.application().costs[0], amount_excl_vat=Euro("1001.98")),)
    )
    decision = evaluate(scheme, app)  # 50 % of 1,001.98 is 500.99, rounded down to 500.00
    assert decision.award == Euro("500.00")
    assert INVARIANTS["rounding_loses_less_than_a_cent"].check(Subject(scheme), app) is True
