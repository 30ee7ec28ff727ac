"""grantrules.testing.strategies: argument checks, values, and applications of a scheme."""

from __future__ import annotations

import collections
import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from grantrules import ApplicationInvalid, evaluate
from grantrules.errors import InvalidArgument
from grantrules.model import CostLine, luhn_valid
from grantrules.money import Euro, Rate
from grantrules.scheme import Scheme
from grantrules.serde import structure_application
from grantrules.testing import strategies as gst

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNT = settings(max_examples=400, derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: gst.euros(0.5), "min_value"),
        (lambda: gst.euros(max_value="1,5"), "max_value"),
        (lambda: gst.euros("10.00", "1.00"), "greater than"),
        (lambda: gst.euros(True), "min_value"),
        (lambda: gst.rates("120%"), "min_value"),
        (lambda: gst.rates(max_value=0.5), "max_value"),
        (lambda: gst.rates("60%", "50%"), "greater than"),
        (lambda: gst.dates(datetime.datetime(2025, 1, 1)), "min_value"),
        (lambda: gst.dates(datetime.date(2025, 2, 1), datetime.date(2025, 1, 1)), "greater"),
        (lambda: gst.date_ranges("2025-01-01"), "min_value"),
        (lambda: gst.applications("ami-ia-hdf"), "scheme"),
        (lambda: gst.cost_lines(object()), "scheme"),
        (lambda: gst.invalid_applications(None), "scheme"),
    ],
)
def test_arguments_are_checked_eagerly(call: Any, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        call()


def test_applications_checks_the_date(sports: Scheme) -> None:
    with pytest.raises(InvalidArgument, match="on"):
        gst.applications(sports, on="2025-01-01")  # type: ignore[arg-type]


@FAST
@given(gst.euros("-10.00", "1000000.00"))
def test_euros_are_cents_within_bounds(amount: Euro) -> None:
    assert isinstance(amount, Euro)
    assert Euro("-10.00") <= amount <= Euro("1000000.00")
    assert amount.amount.is_finite()


@pytest.mark.parametrize(
    ("low", "high", "outside"),
    [
        (Euro("0.00"), Euro("5000.00"), lambda e: e < Euro.ZERO),
        (Euro("-5000.00"), Euro("0.00"), lambda e: e > Euro.ZERO),
        (Decimal("0"), None, lambda e: e < Euro.ZERO),
        (None, 0, lambda e: e > Euro.ZERO),
    ],
)
def test_euros_keeps_a_zero_bound(low: Any, high: Any, outside: Any) -> None:
    # Regression (issue 13): `low or -MAX` read Euro("0.00") as "no bound" and drew amounts
    # down to -9,999,999,999,999,999.99.
    with pytest.raises(NoSuchExample):
        find(gst.euros(low, high), outside, settings=COUNT)


@FAST
@given(gst.euros())
def test_euros_default_to_every_valid_amount(amount: Euro) -> None:
    assert abs(amount.amount) < Decimal(10) ** 16


@FAST
@given(gst.rates("50%", "60%"), gst.date_ranges(datetime.date(2025, 1, 1)), gst.sirens())
def test_rates_ranges_and_sirens(rate: Rate, period: Any, siren: str) -> None:
    assert Rate("50%") <= rate <= Rate("60%")
    assert period.start >= datetime.date(2025, 1, 1)
    assert period.start <= period.end
    assert len(siren) == 9
    assert siren.isdigit()
    assert luhn_valid(siren)


@FAST
@given(gst.cost_lines())
def test_generic_cost_lines(line: CostLine) -> None:
    assert isinstance(line, CostLine)
    assert line.amount_excl_vat >= Euro.ZERO


def test_scheme_cost_lines_use_the_scheme_model(sports: Scheme, sports_module: Any) -> None:
    @FAST
    @given(gst.cost_lines(sports))
    def check(line: Any) -> None:
        assert isinstance(line, sports_module.SportsCostLine)

    check()


def test_applications_are_valid_instances(sports: Scheme) -> None:
    @FAST
    @given(gst.applications(sports))
    def check(app: Any) -> None:
        assert isinstance(app, sports.application_type)
        assert luhn_valid(app.applicant.siren)
        evaluate(sports, app)  # never an evaluation error

    check()


def _census(scheme: Scheme, on: datetime.date | None = None) -> collections.Counter[Any]:
    seen: collections.Counter[Any] = collections.Counter()

    @COUNT
    @given(gst.applications(scheme, on))
    def count(app: Any) -> None:
        decision = evaluate(scheme, app, on=on)
        seen["eligible" if decision.eligible else "ineligible"] += 1
        seen["total", str(decision.amount("total_cost"))] += 1
        seen["submitted", app.submitted_on] += 1
        seen.update(("category", line.category) for line in app.costs)
        seen.update(("failed", c.id) for c in decision.failed)

    count()
    return seen


def test_eligible_and_ineligible_in_useful_proportions(sports: Scheme) -> None:
    seen = _census(sports)
    share = seen["eligible"] / (seen["eligible"] + seen["ineligible"])
    assert 0.25 <= share <= 0.75, share
    # Every blocking criterion fails somewhere.
    for criterion in ("applicant.association", "applicant.members", "call.window"):
        assert seen["failed", criterion] > 0


def test_boundaries_are_generated(sports: Scheme) -> None:
    seen = _census(sports)
    for total in ("999.99", "1000.00", "1000.01"):
        assert seen["total", total] > 0, total
    for day in (datetime.date(2025, 1, 14), datetime.date(2025, 1, 15)):
        assert seen["submitted", day] > 0, day
    for category in ("equipment", "installation", "travel"):
        assert seen["category", category] > 0


def test_applications_on_a_date(sports: Scheme) -> None:
    day = datetime.date(2025, 7, 1)
    seen = _census(sports, day)
    assert seen["eligible"] > 0
    assert seen["ineligible"] > 0


def test_thresholds_of_the_sports_scheme(sports: Scheme) -> None:
    found = gst.find_thresholds(sports)

    def values(key: str) -> set[Any]:
        return {h.value for h in found.for_key(key)}

    assert {Euro("999.99"), Euro("1000.00"), Euro("1000.01")} <= values("amount:total_cost")
    # 50 % and 40 % of the base reach the 20,000.00 ceiling at 40,000.00 and 50,000.00.
    assert {Euro("40000.00"), Euro("40000.02"), Euro("50000.00")} <= values("amount:eligible_cost")
    assert {"9220", "9230"} <= values("field:applicant.legal_category")
    assert {19, 20, 4, 5} <= values("field:applicant.members")
    window = {datetime.date(2025, 1, 14), datetime.date(2025, 1, 15), datetime.date(2027, 1, 1)}
    assert window <= values("field:submitted_on")
    assert datetime.date(2025, 7, 1) in {h.value for h in found.dates}  # the rate change
    passing = {h.value for h in found.for_key("field:applicant.legal_category", passing=True)}
    assert passing == {"9220", "9230"}
    assert found.describe()


def test_invalid_applications_are_refused(sports: Scheme) -> None:
    @FAST
    @given(gst.invalid_applications(sports))
    def check(document: dict[str, Any]) -> None:
        with pytest.raises(ApplicationInvalid):
            structure_application(sports, document)

    check()


def test_from_type_uses_grantrules_strategies() -> None:
    @FAST
    @given(st.from_type(Euro), st.from_type(Rate))
    def check(amount: Euro, rate: Rate) -> None:
        assert isinstance(amount, Euro)
        assert isinstance(rate, Rate)

    check()
