"""The analyser catches broken schemes: each bug is found with a counterexample application
that evaluate() confirms, or reported as an unreachable outcome with its reason."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from prove_variants import infeasible, never_fails, rate_above_cap

from grantrules import evaluate
from grantrules.prove import Report, check
from grantrules.scheme import Scheme
from grantrules.testing._resolve import _module

ON = datetime.date(2025, 3, 14)
HERE = Path(__file__).parent

#: Which invariant each bug of ``sports_variants`` violates (at least): every one of them.
CAUGHT_BY = {
    "award without ceiling": "award_within_ceilings",
    "award without any ceiling": "award_within_ceilings",
    "rounding up": "award_within_rate",
    "rate applied to the total": "award_within_rate",
    "ineligible lines counted": "ineligible_line_irrelevant",
    "a missing cent": "award_non_negative",
    "an extra cent": "award_within_rate",
    "a euro award capped in cents": "award_whole_cents",
}
# A scheme with no ceiling anywhere cannot be told from one that has none: name it, as the
# Hypothesis suite's Config does.
CEILINGS = {"award without any ceiling": ("ceiling",)}


@pytest.fixture(scope="module")
def variants(sports_module: ModuleType) -> dict[str, Scheme]:
    module = _module(str(HERE.parent / "testing" / "sports_variants.py"), HERE)
    found: dict[str, Scheme] = module.variants(sports_module)
    return found


def _violated(report: Report, invariant: str) -> dict[str, Any]:
    result = next(r for r in report.invariants if r.id == invariant)
    assert result.status == "violated", report.text("en")
    assert result.evaluator == "confirmed"
    assert result.counterexample is not None
    assert report.exit_code == 1
    return result.counterexample


@pytest.mark.parametrize("bug", list(CAUGHT_BY))
def test_each_classic_bug_has_a_confirmed_counterexample(
    variants: dict[str, Scheme], bug: str
) -> None:
    assert set(variants) == set(CAUGHT_BY)
    scheme = variants[bug]
    report = check(scheme, on=ON, max_items=2, ceilings=CEILINGS.get(bug, ()))
    document = _violated(report, CAUGHT_BY[bug])
    # The counterexample is a valid document that evaluate() decides as the report says.
    decision = evaluate(scheme, document, on=ON)
    # Every bug but the base's shows on an eligible application (the base changes anyway).
    assert decision.eligible or bug == "ineligible lines counted"
    if bug == "a missing cent":
        assert decision.award.amount < 0
    if bug == "a euro award capped in cents":
        assert decision.award.amount % 1 != 0
    if bug in ("award without ceiling", "award without any ceiling"):
        assert decision.award.amount > Decimal("20000.00")  # the sports ceiling
    if bug == "ineligible lines counted":
        assert any(line["category"] == "travel" for line in document["costs"])


def test_an_exception_raising_the_rate_above_the_cap_is_caught(
    sports_module: ModuleType,
) -> None:
    scheme = rate_above_cap(sports_module)
    document = _violated(check(scheme, on=ON, max_items=2), "award_within_rate_bound")
    assert document["applicant"]["youth_club"] is True
    decision = evaluate(scheme, document, on=ON)
    eligible = next(a for a in decision.amounts if a.id == "eligible_cost").value
    assert eligible is not None
    assert decision.award.amount * 100 > eligible.amount * 70


def test_a_criterion_that_can_never_fail_is_reported_dead(sports_module: ModuleType) -> None:
    report = check(never_fails(sports_module), on=ON, max_items=2)
    failed = next(
        w for w in report.witnesses if (w.criterion, w.outcome) == ("project.min_cost", "failed")
    )
    assert failed.status == "unreachable"
    assert failed.application is None
    assert failed.reason is not None
    assert "can never fail" in failed.reason["en"]
    assert "dead" in failed.reason["en"]
    assert report.exit_code == 0  # a dead rule is reported, it violates no invariant


def test_a_scheme_nobody_can_be_eligible_to_exits_1(sports_module: ModuleType) -> None:
    report = check(infeasible(sports_module), on=ON, max_items=2)
    assert report.eligible.status == "unreachable"
    assert report.eligible.reason is not None
    reason = report.eligible.reason["en"]
    # The unsat core names the two criteria that contradict each other, and no other.
    assert "project.min_cost" in reason
    assert "project.max_cost" in reason
    assert "call.window" not in reason
    assert report.exit_code == 1
