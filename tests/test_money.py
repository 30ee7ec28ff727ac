"""Tests of grantrules.money: Euro, Rate and Rounding."""

from __future__ import annotations

import copy
import decimal
import doctest
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import grantrules.money
from grantrules.errors import InvalidArgument, InvalidMoney
from grantrules.money import DOWN, HALF_EVEN, HALF_UP, UP, Euro, Rate, Rounding, RoundingRule

CENT = Decimal("0.01")
amounts = st.decimals(
    allow_nan=False,
    allow_infinity=False,
    places=2,
    min_value=Decimal("-1000000000.00"),
    max_value=Decimal("1000000000.00"),
)
non_negative = st.decimals(
    allow_nan=False,
    allow_infinity=False,
    places=2,
    min_value=Decimal(0),
    max_value=Decimal("1000000000.00"),
)
fractions = st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=Decimal(0), max_value=Decimal(1)
)
euros = amounts.map(Euro)
rates = fractions.map(Rate)


class TestRounding:
    def test_values_are_the_decimal_constants(self) -> None:
        assert [r.value for r in Rounding] == [
            decimal.ROUND_DOWN,
            decimal.ROUND_HALF_UP,
            decimal.ROUND_HALF_EVEN,
            decimal.ROUND_UP,
        ]
        assert tuple(Rounding) == (DOWN, HALF_UP, HALF_EVEN, UP)

    @pytest.mark.parametrize(
        ("rounding", "fr", "en"),
        [
            (DOWN, "arrondi au centime inférieur", "rounded down to the cent"),
            (UP, "arrondi au centime supérieur", "rounded up to the cent"),
            (HALF_UP, "arrondi au centime le plus proche", "rounded half up to the cent"),
            (
                HALF_EVEN,
                "arrondi au centime le plus proche (au pair)",
                "rounded half to even to the cent",
            ),
        ],
    )
    def test_labels(self, rounding: Rounding, fr: str, en: str) -> None:
        assert rounding.label() == rounding.label("fr") == fr
        assert rounding.label("en") == en

    @pytest.mark.parametrize("lang", ["de", "", None, ["fr"]])
    def test_unknown_language(self, lang: object) -> None:
        with pytest.raises(InvalidArgument, match=r"unknown language .*expected one of 'fr', 'en'"):
            DOWN.label(lang)  # type: ignore[arg-type]


class TestEuroConstruction:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("150000.00", "150000.00"),
            ("12", "12.00"),
            ("12.5", "12.50"),
            ("-3.05", "-3.05"),
            ("-0", "0.00"),
            ("007", "7.00"),
            (12, "12.00"),
            (-4, "-4.00"),
            (Decimal("1.50"), "1.50"),
            (Decimal("1.500000"), "1.50"),
            (Decimal("2E+5"), "200000.00"),
            (Decimal("-0.00"), "0.00"),
            (Decimal("0E+100"), "0.00"),
        ],
    )
    def test_accepted(self, value: str | int | Decimal, expected: str) -> None:
        euro = Euro(value)
        assert str(euro) == expected
        assert euro.amount == Decimal(expected)
        assert euro.amount.as_tuple().exponent == -2

    def test_from_euro(self) -> None:
        euro = Euro("3.10")
        assert Euro(euro) == euro

    def test_float_is_named(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Euro(30000.0)  # type: ignore[arg-type]
        message = str(info.value)
        assert 'expected an amount as a string like "1200.00", an int or a Decimal' in message
        assert "got the float 30000.0" in message
        assert 'Euro("30000.00")' in message

    @pytest.mark.parametrize(
        ("value", "named"),
        [
            (True, "the bool True"),
            (None, "the NoneType None"),
            ([1], r"the list \[1\]"),
            (Fraction(1, 2), "the Fraction"),
        ],
    )
    def test_other_types_are_named(self, value: object, named: str) -> None:
        with pytest.raises(InvalidMoney, match=named):
            Euro(value)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "text", ["1.005", "1,50", "1 200.00", "", "-", "1.", ".5", "+1", "1e3", "١٢", "NaN", " 1"]
    )
    def test_bad_strings(self, text: str) -> None:
        with pytest.raises(InvalidMoney) as info:
            Euro(text)
        assert f"got the string {text!r}" in str(info.value)
        assert "Euro.parse" in str(info.value)

    @pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")])
    def test_non_finite_decimals(self, value: Decimal) -> None:
        with pytest.raises(InvalidMoney, match=r"expected a finite amount, got Decimal"):
            Euro(value)

    @pytest.mark.parametrize("value", [Decimal("1.005"), Decimal("1E-999999999")])
    def test_sub_cent_decimals(self, value: Decimal) -> None:
        with pytest.raises(InvalidMoney, match=r"at most 2 decimals .*got Decimal\('1"):
            Euro(value)

    @pytest.mark.parametrize(
        "value", [Decimal("1E+999999999"), 10**16, "1" + "0" * 16, Decimal("-1E+16")]
    )
    def test_absurdly_large(self, value: object) -> None:
        with pytest.raises(InvalidMoney, match=r"below 10\*\*16 euros"):
            Euro(value)  # type: ignore[arg-type]

    def test_largest_accepted(self) -> None:
        assert Euro("9" * 16).amount == Decimal("9" * 16 + ".00")

    def test_zero(self) -> None:
        assert Euro(0) == Euro.ZERO
        assert not Euro.ZERO
        assert Euro("0.01")

    def test_immutable(self) -> None:
        euro = Euro(1)
        with pytest.raises(AttributeError, match=r"Euro is immutable"):
            euro._d = Decimal(2)
        with pytest.raises(AttributeError, match=r"cannot delete"):
            del euro._d
        with pytest.raises(AttributeError):
            euro.other = 1

    def test_pickle_and_copy(self) -> None:
        euro = Euro("-12.30")
        assert pickle.loads(pickle.dumps(euro)) == euro
        assert copy.deepcopy(euro) == euro
        assert copy.copy(euro) == euro


class TestEuroArithmetic:
    def test_add_sub_neg_abs(self) -> None:
        assert Euro("0.10") + Euro("0.20") == Euro("0.30")
        assert Euro("0.10") - Euro("0.20") == Euro("-0.10")
        assert -Euro("5") == Euro("-5")
        assert str(-Euro(0)) == "0.00"
        assert abs(Euro("-5.5")) == Euro("5.50")

    def test_builtin_sum_and_euro_sum(self) -> None:
        parts = [Euro("0.10"), Euro("0.20"), Euro("0.30")]
        assert sum(parts) == Euro("0.60")
        assert Euro.sum(parts) == Euro("0.60")
        assert Euro.sum([]) == Euro.ZERO
        assert Euro.sum(iter(parts)) == Euro("0.60")

    def test_euro_sum_refuses_non_euros(self) -> None:
        with pytest.raises(InvalidArgument, match=r"cannot add the Decimal Decimal"):
            Euro.sum([Euro(1), Decimal(1)])  # type: ignore[list-item]

    @pytest.mark.parametrize("other", [1.5, 1, Decimal(1), "1.00", True, Fraction(1, 3), Rate(1)])
    def test_adding_numbers_is_refused(self, other: object) -> None:
        with pytest.raises(InvalidArgument, match=rf"cannot add the {type(other).__name__}"):
            Euro(1) + other  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match=r"wrap the amount first"):
            other + Euro(1)  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match=r"cannot subtract"):
            Euro(1) - other  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match=r"cannot subtract"):
            other - Euro(1)

    def test_float_named_when_added(self) -> None:
        with pytest.raises(InvalidArgument, match=r"the float 0\.1 .*floats are refused"):
            Euro(1) + 0.1  # type: ignore[operator]

    def test_other_types_can_implement_reflected_operators(self) -> None:
        class Node:
            def __radd__(self, other: object) -> str:
                return "radd"

            def __rsub__(self, other: object) -> str:
                return "rsub"

            def __add__(self, other: object) -> str:
                return "add"

            def __sub__(self, other: object) -> str:
                return "sub"

            def __rmul__(self, other: object) -> str:
                return "rmul"

        assert Euro(1) + Node() == "radd"
        assert Euro(1) - Node() == "rsub"
        assert Node() + Euro(1) == "add"
        assert Node() - Euro(1) == "sub"
        assert Euro(1) * Node() == "rmul"

    @pytest.mark.parametrize("other", [object(), None, [1]])
    def test_unrelated_types_get_a_plain_type_error(self, other: Any) -> None:
        for operation in (
            lambda: Euro(1) + other,
            lambda: other + Euro(1),
            lambda: Euro(1) - other,
            lambda: other - Euro(1),
            lambda: Euro(1) * other,
        ):
            with pytest.raises(TypeError):
                operation()  # type: ignore[no-untyped-call]

    def test_times_and_int_multiplication(self) -> None:
        assert Euro("19.99").times(3) == Euro("59.97")
        assert Euro("19.99") * 3 == 3 * Euro("19.99") == Euro("59.97")
        assert Euro("1.00").times(-2) == Euro("-2")
        assert Euro("1.00") * 0 == Euro.ZERO

    @pytest.mark.parametrize("n", [1.5, True, Decimal(2), "2"])
    def test_times_refuses_non_int(self, n: object) -> None:
        with pytest.raises(InvalidArgument, match=rf"expects an int, got the {type(n).__name__}"):
            Euro(1).times(n)  # type: ignore[arg-type]

    @pytest.mark.parametrize("factor", [Decimal("0.5"), 0.5, Rate("50%"), Euro(1), "2", True])
    def test_multiplying_by_a_fraction_is_refused(self, factor: Any) -> None:
        with pytest.raises(InvalidArgument, match=r"rate\.apply\(amount, rounding=DOWN\)"):
            Euro(1) * factor
        with pytest.raises(InvalidArgument, match=r"only whole numbers are exact"):
            factor * Euro(1)

    def test_scale(self) -> None:
        assert Euro("100.00").scale(Decimal("0.333"), rounding=DOWN) == Euro("33.30")
        assert Euro("0.05").scale(Decimal("0.5"), HALF_UP) == Euro("0.03")
        assert Euro("0.05").scale(Decimal("0.5"), HALF_EVEN) == Euro("0.02")
        assert Euro("0.01").scale(Decimal("0.01"), UP) == Euro("0.01")
        assert Euro("3").scale(2, DOWN) == Euro("6")  # type: ignore[arg-type]
        assert str(Euro("-0.01").scale(Decimal("0.1"), DOWN)) == "0.00"

    @pytest.mark.parametrize("factor", [0.5, Decimal("NaN"), "0.5", True, Rate(1)])
    def test_scale_refuses_non_decimal(self, factor: object) -> None:
        with pytest.raises(InvalidArgument, match=r"expects a finite Decimal factor, got the"):
            Euro(1).scale(factor, DOWN)  # type: ignore[arg-type]

    @pytest.mark.parametrize("rounding", ["ROUND_DOWN", decimal.ROUND_DOWN, None])
    def test_scale_refuses_unnamed_rounding(self, rounding: object) -> None:
        with pytest.raises(InvalidArgument, match=r"expected a Rounding such as DOWN"):
            Euro(1).scale(Decimal(1), rounding)  # type: ignore[arg-type]

    def test_arithmetic_ignores_the_callers_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            assert Euro("123456.78") + Euro("0.01") == Euro("123456.79")
            assert Euro("123456.78").times(3) == Euro("370370.34")


class TestEuroComparison:
    def test_ordering(self) -> None:
        assert Euro(1) < Euro(2) <= Euro(2) < Euro(3)
        assert Euro(3) > Euro(2) >= Euro(2)
        assert min(Euro(3), Euro("-1")) == Euro(-1)
        assert max([Euro(3), Euro(5), Euro(4)]) == Euro(5)
        assert sorted([Euro(3), Euro(1)]) == [Euro(1), Euro(3)]

    def test_equality_and_hash(self) -> None:
        assert Euro("1.5") == Euro(Decimal("1.50"))
        assert hash(Euro("1.5")) == hash(Euro(Decimal("1.50")))
        assert len({Euro(1), Euro("1.00"), Euro(2)}) == 2
        assert Euro(1) != Decimal(1)
        assert Euro(1) != 1
        assert Euro(1) != Rate(1)
        assert Euro(1).__eq__(1) is NotImplemented

    @pytest.mark.parametrize("other", [1, Decimal(1), Rate(1), "1"])
    def test_ordering_against_other_types_raises(self, other: object) -> None:
        with pytest.raises(TypeError):
            assert Euro(1) < other  # type: ignore[operator]
        with pytest.raises(TypeError):
            assert Euro(1) >= other  # type: ignore[operator]


class TestEuroText:
    def test_str_and_repr(self) -> None:
        assert str(Euro("150000")) == "150000.00"
        assert str(Euro(Decimal("2E+5"))) == "200000.00"
        assert repr(Euro("150000")) == "Euro('150000.00')"

    def test_format(self) -> None:
        assert Euro("150000").format() == "150\u202f000,00\xa0€"
        assert Euro("150000").format("fr") == "150\u202f000,00\xa0€"
        assert Euro("150000").format("en") == "€150,000.00"
        assert Euro("-0.05").format("en") == "-€0.05"

    def test_format_unknown_language(self) -> None:
        with pytest.raises(InvalidArgument, match=r"unknown language 'de'"):
            Euro(1).format("de")

    def test_currency_pattern(self) -> None:
        assert grantrules.money.currency_pattern("en") == (None, None, "€", "")
        with pytest.raises(InvalidArgument, match=r"unknown language 'de'"):
            grantrules.money.currency_pattern("de")

    @pytest.mark.parametrize(
        ("text", "lang", "expected"),
        [
            ("150\u202f000,00\xa0€", "fr", "150000.00"),
            ("150 000,00 €", "fr", "150000.00"),
            ("150\xa0000,5", "fr", "150000.50"),
            ("-1 234,56 €", "fr", "-1234.56"),
            ("1234,56", "fr", "1234.56"),
            ("€150,000.00", "en", "150000.00"),
            ("-€1,234.56", "en", "-1234.56"),
            ("12", "en", "12.00"),
        ],
    )
    def test_parse(self, text: str, lang: str, expected: str) -> None:
        assert Euro.parse(text, lang) == Euro(expected)

    @pytest.mark.parametrize(("text", "lang"), [("abc", "fr"), ("1,2,3", "en"), ("", "fr")])
    def test_parse_errors(self, text: str, lang: str) -> None:
        with pytest.raises(InvalidMoney, match=rf"cannot read {text!r} as an amount") as info:
            Euro.parse(text, lang)
        assert Euro("1234.56").format(lang) in str(info.value)

    def test_parse_too_many_decimals(self) -> None:
        with pytest.raises(InvalidMoney, match=r"at most 2 decimals"):
            Euro.parse("1,005 €")

    def test_parse_refuses_non_strings(self) -> None:
        with pytest.raises(InvalidArgument, match=r"expects a string, got the float 1.0"):
            Euro.parse(1.0)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"unknown language"):
            Euro.parse("1", "es")


class TestRate:
    @pytest.mark.parametrize(
        ("value", "fraction", "text"),
        [
            ("60%", "0.6", "60%"),
            ("60 %", "0.6", "60%"),
            ("60\xa0%", "0.6", "60%"),
            ("12.5%", "0.125", "12.5%"),
            ("100%", "1", "100%"),
            ("0%", "0", "0%"),
            ("0.6", "0.6", "60%"),
            ("1", "1", "100%"),
            ("0.333333", "0.333333", "33.3333%"),
            (Decimal("0.60"), "0.6", "60%"),
            (Decimal("-0"), "0", "0%"),
            (0, "0", "0%"),
            (1, "1", "100%"),
            (Rate("0.5"), "0.5", "50%"),
        ],
    )
    def test_accepted(self, value: object, fraction: str, text: str) -> None:
        rate = Rate(value)  # type: ignore[arg-type]
        assert rate.value == Decimal(fraction)
        assert str(rate) == text
        assert repr(rate) == f"Rate('{fraction}')"

    def test_percent(self) -> None:
        assert Rate("60%").percent == Decimal(60)
        assert str(Rate("60%").percent) == "60"
        assert Rate("0.125").percent == Decimal("12.5")
        assert str(Rate(1).percent) == "100"
        assert str(Rate(0).percent) == "0"

    def test_float_is_named(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Rate(0.6)  # type: ignore[arg-type]
        assert 'expected a rate like "60%" or "0.6"' in str(info.value)
        assert "got the float 0.6" in str(info.value)
        assert 'Rate("0.6")' in str(info.value)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (True, "got the bool True"),
            (None, "got the NoneType None"),
            ("sixty", "got the string 'sixty'"),
            ("-5%", "got the string '-5%'"),
            ("60 %%", "got the string '60 %%'"),
            (Decimal("NaN"), r"got Decimal\('NaN'\): a rate must be a finite number"),
            (Decimal("Infinity"), "must be a finite number"),
            ("150%", r"between 0 and 1 \(0% to 100%\), got '150%'"),
            (Decimal("60"), r"got Decimal\('60'\): write percentages with a \"%\" sign"),
            (Decimal("-0.1"), "between 0 and 1"),
            (2, "between 0 and 1 .*got 2"),
            (-1, "between 0 and 1"),
            ("1.5", "between 0 and 1"),
        ],
    )
    def test_refused(self, value: object, message: str) -> None:
        with pytest.raises(InvalidMoney, match=message):
            Rate(value)  # type: ignore[arg-type]

    def test_ordering_equality_hash(self) -> None:
        assert Rate("10%") < Rate("20%") <= Rate("0.2") < Rate(1)
        assert Rate(1) > Rate(0)
        assert Rate(1) >= Rate("100%")
        assert Rate("60%") == Rate("0.60")
        assert len({Rate("60%"), Rate("0.6"), Rate("0.5")}) == 2
        assert Rate(1) != 1
        assert Rate(1) != Euro(1)
        with pytest.raises(TypeError):
            assert Rate(1) < Decimal(1)  # type: ignore[operator]

    def test_immutable_and_pickle(self) -> None:
        rate = Rate("12.5%")
        with pytest.raises(AttributeError, match=r"Rate is immutable"):
            rate._d = Decimal(1)
        assert pickle.loads(pickle.dumps(rate)) == rate
        assert copy.deepcopy(rate) == rate

    def test_apply(self) -> None:
        assert Rate("60%").apply(Euro("150000.00")) == Euro("90000.00")
        assert Rate("12.5%").apply(Euro("1000.01")) == Euro("125.00")
        assert Rate("12.5%").apply(Euro("1000.01"), rounding=UP) == Euro("125.01")
        assert Rate("50%").apply(Euro("0.05"), HALF_UP) == Euro("0.03")
        assert Rate("50%").apply(Euro("0.05"), HALF_EVEN) == Euro("0.02")

    def test_apply_refuses_non_euros(self) -> None:
        with pytest.raises(InvalidArgument, match=r"expects a Euro, got the Decimal"):
            Rate("60%").apply(Decimal(100))  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"expects a Euro, got the float 100.0"):
            Rate("60%").apply(100.0)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"expected a Rounding"):
            Rate("60%").apply(Euro(1), "DOWN")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("rate", "fr", "en"),
        [
            ("60%", "60\xa0%", "60%"),
            ("12.5%", "12,5\xa0%", "12.5%"),
            ("100%", "100\xa0%", "100%"),
            ("0.333333", "33,3333\xa0%", "33.3333%"),
        ],
    )
    def test_format(self, rate: str, fr: str, en: str) -> None:
        assert Rate(rate).format() == Rate(rate).format("fr") == fr
        assert Rate(rate).format("en") == en

    def test_format_unknown_language(self) -> None:
        with pytest.raises(InvalidArgument, match=r"unknown language 'it'"):
            Rate(1).format("it")


# --- properties -------------------------------------------------------------------------------


@given(st.lists(amounts, max_size=30))
def test_euro_sum_is_the_exact_decimal_sum(values: list[Decimal]) -> None:
    expected = sum(values, Decimal(0))
    parts = [Euro(v) for v in values]
    assert Euro.sum(parts).amount == expected
    assert (sum(parts) if parts else Euro.ZERO) == Euro.sum(parts)


@given(euros, euros, euros)
def test_addition_is_associative_and_commutative(a: Euro, b: Euro, c: Euro) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b) - b == a
    assert a - a == Euro.ZERO


@given(euros, euros)
def test_ordering_agrees_with_decimals(a: Euro, b: Euro) -> None:
    assert (a < b) == (a.amount < b.amount)
    assert (a == b) == (a.amount == b.amount)
    assert min(a, b).amount == min(a.amount, b.amount)


@given(euros, st.integers(min_value=-1000, max_value=1000))
def test_times_is_exact(a: Euro, n: int) -> None:
    assert a.times(n).amount == a.amount * n
    assert a * n == n * a == Euro.sum([a] * n if n >= 0 else [-a] * -n)


@given(non_negative.map(Euro), rates)
def test_down_never_exceeds_the_exact_product(amount: Euro, rate: Rate) -> None:
    exact = amount.amount * rate.value
    result = rate.apply(amount, DOWN).amount
    assert result <= exact < result + CENT


@given(euros, rates)
def test_up_down_bracket_the_exact_product(amount: Euro, rate: Rate) -> None:
    exact = amount.amount * rate.value
    up = rate.apply(amount, UP).amount
    down = rate.apply(amount, DOWN).amount
    assert abs(down) <= abs(exact) <= abs(up)
    assert abs(up - down) <= CENT
    assert (up == down) == (exact == exact.quantize(CENT))


@given(euros, rates)
def test_half_up_and_half_even_differ_only_on_half_cents(amount: Euro, rate: Rate) -> None:
    exact = amount.amount * rate.value
    half_up, half_even = rate.apply(amount, HALF_UP), rate.apply(amount, HALF_EVEN)
    is_half_cent = (exact * 100 - exact.scaleb(2).to_integral_value(decimal.ROUND_DOWN)) in (
        Decimal("0.5"),
        Decimal("-0.5"),
    )
    if not is_half_cent:
        assert half_up == half_even
    assert abs(half_up.amount - exact) <= CENT / 2
    assert abs(half_even.amount - exact) <= CENT / 2


@given(st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: Decimal(c).scaleb(-2)))
def test_half_cent_cases_are_reached(amount: Decimal) -> None:
    # A 50% rate on an odd number of cents is exactly a half cent: the two roundings then differ
    # for exactly one of the two neighbours, never by more than a cent.
    euro = Euro(amount)
    half_up, half_even = Rate("50%").apply(euro, HALF_UP), Rate("50%").apply(euro, HALF_EVEN)
    assert abs((half_up - half_even).amount) <= CENT
    assume(int(amount * 100) % 2)
    assert half_up.amount == (amount / 2).quantize(CENT, decimal.ROUND_HALF_UP)


@given(euros, st.sampled_from(["fr", "en"]))
def test_format_round_trips(amount: Euro, lang: str) -> None:
    assert Euro.parse(amount.format(lang), lang) == amount


@given(amounts)
def test_str_round_trips(value: Decimal) -> None:
    euro = Euro(value)
    assert Euro(str(euro)) == euro
    assert eval(repr(euro)) == euro


@given(fractions)
def test_rate_str_and_repr_round_trip(value: Decimal) -> None:
    rate = Rate(value)
    assert Rate(str(rate)) == rate
    assert eval(repr(rate)) == rate
    assert rate.percent == value * 100


def test_docstring_examples() -> None:
    results = doctest.testmod(grantrules.money, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0


@given(
    st.decimals(
        min_value=Decimal("-1e13"),
        max_value=Decimal("1e13"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.sampled_from([("fr", "fr_FR"), ("en", "en")]),
)
def test_format_is_exactly_babels(value: Decimal, langs: tuple[str, str]) -> None:
    from babel.numbers import format_currency

    lang, locale = langs
    amount = Euro(value)
    assert amount.format(lang) == format_currency(amount.amount, "EUR", locale=locale)


class TestRoundingQuantum:
    """Item 1 of issue 14: a named rounding to the euro or any positive multiple of a cent."""

    @pytest.mark.parametrize(
        ("rounding", "amount", "expected"),
        [
            (DOWN.to_euro(), "1234.99", "1234.00"),
            (UP.to_euro(), "1234.01", "1235.00"),
            (HALF_UP.to_euro(), "1234.50", "1235.00"),
            (HALF_EVEN.to_euro(), "1234.50", "1234.00"),
            (HALF_EVEN.to_euro(), "1235.50", "1236.00"),
            (DOWN.to(10), "1239.99", "1230.00"),
            (DOWN.to(100), "-1299.00", "-1200.00"),
            (UP.to("0.05"), "0.01", "0.05"),
            (HALF_UP.to("0.03"), "0.04", "0.03"),
            (HALF_UP.to("0.03"), "0.05", "0.06"),
        ],
    )
    def test_rounds_to_a_multiple_of_the_quantum(
        self, rounding: RoundingRule, amount: str, expected: str
    ) -> None:
        assert Euro(amount).rounded(rounding) == Euro(expected)

    def test_rate_applies_with_the_quantum_from_the_exact_product(self) -> None:
        # 60 % of 1,234.99 is 740.994 exactly: one rounding, straight to the euro.
        assert Rate("60%").apply(Euro("1234.99"), DOWN.to_euro()) == Euro("740.00")
        assert Rate("60%").apply(Euro("1234.99"), HALF_UP.to_euro()) == Euro("741.00")

    def test_a_cent_quantum_is_the_bare_mode(self) -> None:
        assert DOWN.to("0.01") is DOWN
        assert DOWN.quantum == Euro("0.01")
        assert DOWN.mode is DOWN

    def test_equality_hash_repr_and_pickle(self) -> None:
        assert DOWN.to_euro() == DOWN.to(1) == RoundingRule(DOWN, Euro(1))
        assert DOWN.to_euro() != UP.to_euro()
        assert DOWN.to_euro() != DOWN.to(10)
        assert DOWN.to_euro() != DOWN
        assert len({DOWN.to_euro(), DOWN.to(1), DOWN.to(10)}) == 2
        assert repr(DOWN.to_euro()) == "DOWN.to_euro()"
        assert repr(HALF_UP.to(10)) == "HALF_UP.to('10.00')"
        assert pickle.loads(pickle.dumps(UP.to(10))) == UP.to(10)
        with pytest.raises(AttributeError, match="immutable"):
            DOWN.to_euro().quantum = Euro(2)  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("rounding", "fr", "en"),
        [
            (DOWN.to_euro(), "arrondi à l'euro inférieur", "rounded down to the euro"),
            (UP.to_euro(), "arrondi à l'euro supérieur", "rounded up to the euro"),
            (HALF_UP.to_euro(), "arrondi à l'euro le plus proche", "rounded half up to the euro"),
            (
                DOWN.to(10),
                "arrondi au multiple de 10,00\u00a0€ inférieur",
                "rounded down to a multiple of €10.00",
            ),
        ],
    )
    def test_labels_name_the_step(self, rounding: RoundingRule, fr: str, en: str) -> None:
        assert rounding.label("fr") == fr
        assert rounding.label("en") == en

    @pytest.mark.parametrize("quantum", [0, "-1", "0.00", Euro("-0.01")])
    def test_a_quantum_must_be_positive(self, quantum: object) -> None:
        with pytest.raises(InvalidArgument, match="positive"):
            DOWN.to(quantum)  # type: ignore[arg-type]

    def test_a_quantum_is_whole_cents(self) -> None:
        with pytest.raises(InvalidMoney):
            DOWN.to(Decimal("0.005"))  # type: ignore[arg-type]

    def test_rule_refuses_a_mode_that_is_not_one(self) -> None:
        with pytest.raises(InvalidArgument, match="Rounding mode"):
            RoundingRule("DOWN", Euro(1))  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="positive Euro"):
            RoundingRule(DOWN, Decimal(1))  # type: ignore[arg-type]

    def test_is_multiple_of(self) -> None:
        assert Euro("120.00").is_multiple_of(Euro(10))
        assert not Euro("120.50").is_multiple_of(Euro(1))
        with pytest.raises(InvalidArgument, match="positive Euro quantum"):
            Euro("1.00").is_multiple_of(Euro.ZERO)

    @given(
        st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False),
        st.sampled_from([DOWN, UP, HALF_UP, HALF_EVEN]),
        st.integers(1, 100_000),
    )
    def test_result_is_the_nearest_multiple_the_mode_allows(
        self, exact: Decimal, mode: Rounding, cents: int
    ) -> None:
        step = Decimal(cents).scaleb(-2)
        result = mode.to(Euro(step)).round(exact) if cents > 1 else mode.round(exact)
        assert result % step == 0
        assert abs(result - exact) < step
        if mode is DOWN:
            assert abs(result) <= abs(exact)
        if mode is UP:
            assert abs(result) >= abs(exact)
        if mode in (HALF_UP, HALF_EVEN):
            assert abs(result - exact) * 2 <= step


class TestRateArithmetic:
    """Rates combine exactly (issue 14, item 2)."""

    def test_add_subtract_multiply(self) -> None:
        assert Rate("12.5%") + Rate("7.5%") == Rate("20%")
        assert 0 + Rate("20%") == Rate("20%")
        assert Rate("80%") - Rate("20%") == Rate("60%")
        assert 1 - Rate("20%") == Rate("80%")
        assert Rate("60%") * Rate("50%") == Rate("30%")

    def test_results_stay_rates(self) -> None:
        with pytest.raises(InvalidMoney, match="between 0 and 1"):
            Rate("60%") + Rate("50%")
        with pytest.raises(InvalidMoney, match="between 0 and 1"):
            Rate("20%") - Rate("60%")

    @pytest.mark.parametrize("other", [2, Decimal("0.5"), "10%", True])
    def test_only_rates_and_0_or_1_combine(self, other: Any) -> None:
        with pytest.raises(InvalidArgument, match="rates combine with rates"):
            Rate("20%") + other
        with pytest.raises(InvalidArgument, match="rates combine with rates"):
            Rate("20%") - other
        with pytest.raises(InvalidArgument, match="rates combine with rates"):
            other - Rate("20%")
        with pytest.raises(InvalidArgument, match="multiplies only another rate"):
            Rate("20%") * other

    def test_amounts_explain_themselves(self) -> None:
        with pytest.raises(InvalidArgument, match="wrap the amount first"):
            Rate("20%") + Euro(1)  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match="cannot subtract"):
            Rate("20%") - Euro(1)  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match="cannot subtract"):
            Euro(1) - Rate("20%")  # type: ignore[operator]

    def test_exact_multiples_are_left_alone(self) -> None:
        assert Euro("1230.00").rounded(UP.to(10)) == Euro("1230.00")
        assert DOWN.to_euro().name == "DOWN to 1.00"


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_an_amount_is_written_in_fixed_point_whatever_its_decimal(value: Decimal) -> None:
    # Euro.__str__ takes str() of the Decimal unless it is in scientific notation.
    assert str(Euro._exact(value)) == format(value, "f")
