"""Typed expressions (issue 14, item 2): units checked when a rule is defined."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from grantrules._units import Units, check_units, unit_of
from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.evaluate import evaluate
from grantrules.expressions import (
    AmountRef,
    Env,
    collection,
    const,
    count,
    field,
    maximum,
    minimum,
    param,
    sum_of,
    when,
)
from grantrules.money import DOWN, Euro, Rate
from grantrules.parameters import DatedValue, Parameter, ParameterSet
from grantrules.rules import Criterion
from grantrules.scheme import Metadata, Scheme, SchemeVersion
from grantrules.testing.examples import example_document

BASIS = Basis("Règlement d'intervention", "art. 3")
COSTS = collection("costs")
total = Amount("total", sum_of(COSTS.amount_excl_vat), basis=BASIS)
PARAMS = {"min_own_share": "rate", "ceiling": "EUR", "months": "count", "start": "date"}


def _parameters(own_share: str = "20%") -> ParameterSet:
    def one(name: str, unit: str, value: object) -> Parameter:
        dated = DatedValue(datetime.date(2025, 1, 1), value, unit, BASIS)  # type: ignore[arg-type]
        return Parameter(name, (dated,), unit)

    return ParameterSet(
        {
            "min_own_share": one("min_own_share", "rate", Rate(own_share)),
            "ceiling": one("ceiling", "EUR", Euro("100000.00")),
        }
    )


@pytest.mark.parametrize(
    ("expr", "unit"),
    [
        (const(1) - param("min_own_share"), "rate"),
        (param("min_own_share") + const(Rate("10%")), "rate"),
        (param("min_own_share").times(const(Rate("50%"))), "rate"),
        (param("ceiling") - total, "EUR"),
        (minimum(total, param("ceiling")), "EUR"),
        ((const(1) - param("min_own_share")).of(total), "EUR"),
        (total >= param("ceiling"), "bool"),
        (count(COSTS) <= param("months"), "bool"),
        (when(total > Euro.ZERO, param("min_own_share"), Rate(0)), "rate"),
        (field("anything"), None),
    ],
)
def test_every_node_has_a_unit(expr: object, unit: str | None) -> None:
    assert unit_of(expr, Units(params=PARAMS)) == unit  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            total - const(Rate("20%")),
            r"cannot subtract an amount \(EUR\) and a rate in: total − 20",
        ),
        (param("ceiling") - param("min_own_share"), "cannot subtract an amount"),
        (param("start").of(total), "what .of.. applies must be a rate, not a date"),
        (param("min_own_share").of(param("start")), "what a rate applies to must be an amount"),
        (total > count(COSTS), r"cannot compare an amount \(EUR\) with a whole number"),
        (param("min_own_share").times(total), "operands .rate x rate. must be a rate"),
        (maximum(total, param("months")), "cannot compare an amount"),
        (const(2) - param("min_own_share"), "numbers 0 and 1"),
        (when(total, total, total), "the condition of when.. must be a condition"),
    ],
)
def test_mismatched_units_are_refused_with_the_expression(expr: object, message: str) -> None:
    with pytest.raises(SchemeDefinitionError, match=message):
        check_units("rule x", expr, None, Units(params=PARAMS))  # type: ignore[arg-type]


def test_a_rate_mixed_with_money_is_refused_when_the_amount_is_built() -> None:
    with pytest.raises(
        SchemeDefinitionError,
        match=r"^amount net: cannot subtract an amount \(EUR\) and a rate in: total − 100%$",
    ):
        Amount("net", total - const(Rate("100%")), basis=BASIS)


def test_a_rate_mixed_with_money_through_parameters_is_refused_by_the_version() -> None:
    award = Amount("award", AmountRef("total") - param("min_own_share"), basis=BASIS)
    with pytest.raises(SchemeDefinitionError, match=r"^amount award: cannot subtract an amount"):
        SchemeVersion(
            valid_from=datetime.date(2025, 1, 1),
            parameters=_parameters(),
            criteria=[],
            amounts=[total, award],
            award="award",
        )


def test_a_criterion_must_be_a_condition() -> None:
    with pytest.raises(SchemeDefinitionError, match="criterion c: must give a condition"):
        Criterion("c", total + Euro("1.00"), basis=BASIS, failed={"fr": "Non.", "en": "No."})


def test_rates_combine_exactly_in_closures_and_generated_code() -> None:
    env = Env(None, {"a": Rate("20%"), "b": Rate("0.333")}, {}, datetime.date(2025, 1, 1))
    assert (const(1) - param("a")).compile()(env, None) == Rate("80%")
    assert (param("a") + param("b")).compile()(env, None) == Rate("0.533")
    assert param("a").times(param("b")).compile()(env, None).value == Decimal("0.0666")
    from grantrules._engine.codegen import fast

    assert fast(const(1) - param("a"))(env) == Rate("80%")
    assert fast(param("a").times(param("b")))(env) == Rate("0.0666")


def _scheme() -> Scheme:
    public_cap = (const(1) - param("min_own_share")).of(total, rounding=DOWN)
    award = Amount("award", minimum(public_cap, param("ceiling")), basis=BASIS, rounding=DOWN)
    cap = Criterion(
        "financing.own_share",
        award <= (const(1) - param("min_own_share")).of(total, rounding=DOWN),
        basis=BASIS,
        failed={"fr": "Part propre insuffisante.", "en": "Own share too small."},
    )
    version = SchemeVersion(
        valid_from=datetime.date(2025, 1, 1),
        parameters=_parameters(),
        criteria=[cap],
        amounts=[total, award],
        award="award",
    )
    return Scheme(id="units", metadata=Metadata(name={"fr": "Unités"}), versions=[version])


def test_a_what_if_on_one_rate_moves_what_is_derived_from_it() -> None:
    scheme = _scheme()
    assert evaluate(scheme, example_document()).award == Euro("960.00")  # 80 % of 1,200.00
    what_if = scheme.with_parameters(min_own_share="30%")
    assert evaluate(what_if, example_document()).award == Euro("840.00")  # 70 % of 1,200.00


MEMBERS = collection("applicant.members")
MEMBER_UNITS = Units(
    fields=lambda path: {
        "applicant.members[].population": "count",
        "applicant.members[].budget": "EUR",
    }.get(path)
)


def test_a_sum_of_whole_numbers_is_a_whole_number() -> None:
    inhabitants = sum_of(MEMBERS.population, unit="count")
    assert unit_of(inhabitants, MEMBER_UNITS) == "count"
    check_units("criterion epci.size", inhabitants <= 50000, "bool", MEMBER_UNITS)
    assert unit_of(sum_of(MEMBERS.budget), MEMBER_UNITS) == "EUR"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            sum_of(MEMBERS.population) <= 50000,
            "what sum_of(unit='EUR') adds up must be an amount (EUR), not a whole number: "
            "write sum_of(..., unit='count')",
        ),
        (
            sum_of(MEMBERS.budget, unit="count") <= 50000,
            "what sum_of(unit='count') adds up must be a whole number, not an amount (EUR): "
            "write sum_of(..., unit='EUR')",
        ),
        (
            sum_of(MEMBERS.population, unit="count") <= Euro("50000.00"),
            "cannot compare a whole number with an amount (EUR)",
        ),
    ],
)
def test_a_sum_of_the_wrong_unit_is_refused_with_a_hint(expr: object, message: str) -> None:
    with pytest.raises(SchemeDefinitionError, match=re.escape(message)):
        check_units("criterion epci.size", expr, "bool", MEMBER_UNITS)  # type: ignore[arg-type]


def test_a_sum_of_no_whole_number_is_zero_and_the_unit_is_checked_when_written() -> None:
    from types import SimpleNamespace

    empty = SimpleNamespace(applicant=SimpleNamespace(members=()))
    assert sum_of(MEMBERS.population, unit="count").evaluate(empty) == 0
    assert sum_of(MEMBERS.budget).evaluate(empty) == Euro.ZERO
    with pytest.raises(InvalidArgument, match="unit='rate'"):
        sum_of(MEMBERS.population, unit="rate")
