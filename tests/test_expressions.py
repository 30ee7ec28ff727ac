"""Tests of grantrules.expressions: evaluation of every node, inputs, rendering, guards."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantrules.dates import DateRange
from grantrules.errors import EvaluationError, InvalidArgument
from grantrules.expressions import (
    AmountRef,
    Expr,
    Input,
    MissingInput,
    RenderContext,
    collection,
    const,
    count,
    field,
    list_of,
    maximum,
    minimum,
    param,
    reference,
    sum_of,
    when,
)
from grantrules.money import DOWN, HALF_UP, UP, Euro, Rate, Rounding

NNBSP = "\u202f"  # Babel's thousands separator in French
NBSP = "\u00a0"  # Babel's space before € and % in French
MISSING = "missing"


@attrs.frozen
class Line:
    category: str
    amount: Euro
    note: str | None = None


@attrs.frozen
class Club:
    name: str = "US Exempleville"
    code: str = "59350"
    members: int | None = 120
    youth: bool | None = False
    founded: datetime.date | None = datetime.date(2000, 5, 17)


@attrs.frozen
class App:
    submitted_on: datetime.date = datetime.date(2025, 3, 14)
    club: Club | None = attrs.field(factory=Club)
    total: Euro | None = attrs.field(factory=lambda: Euro("10000.00"))
    other: Euro = attrs.field(factory=lambda: Euro("2500.50"))
    a: bool | None = True
    b: bool | None = True
    c: bool | None = True
    lines: tuple[Line, ...] = ()
    tags: tuple[str, ...] = ()


LINES = (
    Line("equipment", Euro("8000.00"), note="tapis"),
    Line("installation", Euro("2000.01")),
    Line("travel", Euro("450.99"), note="car"),
)
PARAMS: dict[str, Any] = {
    "min_cost": Euro("1000.00"),
    "ceiling": Euro("20000.00"),
    "rate": Rate("50%"),
    "cats": ("equipment", "installation"),
    "prefixes": ("59", "62"),
    "years": 3,
}
LABELS = {
    "field:total": {"fr": "le coût total", "en": "the total cost"},
    "param:min_cost": {"fr": "le coût minimal", "en": "the minimum cost"},
    "param:ceiling": {"fr": "le plafond", "en": "the ceiling"},
    "param:rate": {"fr": "le taux", "en": "the rate"},
    "field:club.code": {"fr": "le code commune", "en": "the commune code"},
}
FR = RenderContext("fr", LABELS)
EN = RenderContext("en", LABELS)
FR_VALUES = RenderContext("fr", LABELS, PARAMS)
EN_VALUES = RenderContext("en", LABELS, PARAMS)

lines = collection("lines")


def run(expr: Expr, app: App | None = None, params: dict[str, Any] | None = None) -> Any:
    """Evaluate ``expr`` on ``app`` (the default App) with ``params`` (PARAMS by default)."""
    return expr.evaluate(app if app is not None else App(), PARAMS if params is None else params)


def kleene(expr: Expr, app: App) -> bool | str:
    """The three-valued result of a boolean expression: True, False or MISSING."""
    try:
        return bool(run(expr, app))
    except MissingInput:
        return MISSING


# --- Constants, fields, parameters -------------------------------------------------------


def test_const_evaluates_to_its_value() -> None:
    assert run(const(Euro("12.30"))) == Euro("12.30")
    assert run(const(Rate("60%"))) == Rate("0.6")
    assert run(const(datetime.date(2025, 1, 2))) == datetime.date(2025, 1, 2)
    assert run(const("x")) == "x"
    assert run(const(True)) is True
    assert run(const(7)) == 7


def test_const_turns_lists_into_tuples_and_sets_into_frozensets() -> None:
    assert run(const(["a", "b"])) == ("a", "b")
    assert run(const({"a", "b"})) == frozenset({"a", "b"})


def test_const_passes_expressions_through() -> None:
    node = field("total")
    assert const(node) is node


@pytest.mark.parametrize("value", [0.5, 1.0, 0.1])
def test_const_refuses_floats_naming_the_value(value: float) -> None:
    with pytest.raises(InvalidArgument, match=rf"float {value!r}"):
        const(value)


def test_comparison_with_a_float_is_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"0\.6"):
        field("total") >= 0.6  # noqa: B015 - the comparison builds (and here refuses) a node


def test_field_reads_a_dotted_path() -> None:
    assert run(field("club.code")) == "59350"
    assert run(field("club").code) == "59350"


def test_field_attribute_access_builds_the_same_path() -> None:
    assert field("club").members.same_as(field("club.members"))


def test_field_absent_value_is_a_missing_input_naming_the_path() -> None:
    with pytest.raises(MissingInput) as info:
        run(field("club.members"), App(club=Club(members=None)))
    assert info.value.name == "club.members"


def test_field_below_an_absent_object_is_missing() -> None:
    with pytest.raises(MissingInput) as info:
        run(field("club.members"), App(club=None))
    assert info.value.name == "club.members"


@pytest.mark.parametrize("path", ["", "a..b", "a.", ".a", "a.1b", "a-b", "a b", "costs[]"])
def test_field_path_must_be_dotted_identifiers(path: str) -> None:
    with pytest.raises(InvalidArgument, match="dotted identifiers"):
        field(path)


@pytest.mark.parametrize("path", ["", "a..b", "lines[]"])
def test_collection_path_is_validated(path: str) -> None:
    with pytest.raises(InvalidArgument):
        collection(path)


def test_param_reads_the_parameter_in_force() -> None:
    assert run(param("ceiling")) == Euro("20000.00")


def test_param_without_value_is_an_evaluation_error_naming_it() -> None:
    with pytest.raises(EvaluationError, match="'absent'"):
        run(param("absent"))


def test_amount_reference_without_value_is_missing() -> None:
    with pytest.raises(MissingInput) as info:
        run(AmountRef("total_cost"))
    assert info.value.name == "total_cost"


# --- Comparisons --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda t: t == Euro("10000.00"), True),
        (lambda t: t == Euro("10000.01"), False),
        (lambda t: t != Euro("10000.01"), True),
        (lambda t: t != Euro("10000.00"), False),
        (lambda t: t < Euro("10000.01"), True),
        (lambda t: t < Euro("10000.00"), False),
        (lambda t: t <= Euro("10000.00"), True),
        (lambda t: t <= Euro("9999.99"), False),
        (lambda t: t > Euro("9999.99"), True),
        (lambda t: t > Euro("10000.00"), False),
        (lambda t: t >= Euro("10000.00"), True),
        (lambda t: t >= Euro("10000.01"), False),
        (lambda t: t >= param("min_cost"), True),
        (lambda t: t > param("ceiling"), False),
    ],
)
def test_compare(build: Callable[[Expr], Expr], expected: bool) -> None:
    assert run(build(field("total"))) is expected


def test_compare_with_a_missing_side_is_missing() -> None:
    assert kleene(field("total") > Euro("1.00"), App(total=None)) == MISSING


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("999.99", False),
        ("1000.00", True),  # low bound included
        ("5000.00", True),
        ("20000.00", True),  # high bound included
        ("20000.01", False),
    ],
)
def test_between_includes_both_bounds(total: str, expected: bool) -> None:
    rule = field("total").between(param("min_cost"), param("ceiling"))
    assert run(rule, App(total=Euro(total))) is expected


cents = st.decimals(
    min_value=Decimal("-1000.00"),
    max_value=Decimal("1000.00"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(value=cents, low=cents, high=cents)
def test_between_agrees_with_its_definition(value: Decimal, low: Decimal, high: Decimal) -> None:
    rule = field("total").between(Euro(low), Euro(high))
    assert run(rule, App(total=Euro(value))) is (low <= value <= high)


# --- Kleene logic -------------------------------------------------------------------------


def test_false_and_missing_is_false() -> None:
    app = App(a=False, b=None)
    assert kleene(field("a") & field("b"), app) is False
    assert kleene(field("b") & field("a"), app) is False


def test_true_and_missing_is_missing() -> None:
    app = App(a=True, b=None)
    assert kleene(field("a") & field("b"), app) == MISSING
    assert kleene(field("b") & field("a"), app) == MISSING


def test_true_or_missing_is_true() -> None:
    app = App(a=True, b=None)
    assert kleene(field("a") | field("b"), app) is True
    assert kleene(field("b") | field("a"), app) is True


def test_false_or_missing_is_missing() -> None:
    assert kleene(field("a") | field("b"), App(a=False, b=None)) == MISSING


def test_not_of_missing_is_missing() -> None:
    assert kleene(~field("a"), App(a=None)) == MISSING


@pytest.mark.parametrize(("value", "expected"), [(True, False), (False, True)])
def test_not(value: bool, expected: bool) -> None:
    assert run(~field("a"), App(a=value)) is expected


def test_missing_error_names_the_missing_input() -> None:
    with pytest.raises(MissingInput) as info:
        run(field("a") & field("b"), App(a=True, b=None))
    assert info.value.name == "b"


def test_same_operator_is_flattened() -> None:
    nested = (field("a") & field("b")) & field("c")
    assert len(nested.children()) == 3
    assert nested.same_as(field("a") & (field("b") & field("c")))


K3 = bool | None  # None stands for a missing input


def k3_and(x: K3, y: K3) -> K3:
    if x is False or y is False:
        return False
    return None if x is None or y is None else True


def k3_or(x: K3, y: K3) -> K3:
    if x is True or y is True:
        return True
    return None if x is None or y is None else False


def k3_not(x: K3) -> K3:
    return None if x is None else not x


# A formula is a variable name or a tuple ("not", f) / ("and" | "or", f, g).
formulas = st.recursive(
    st.sampled_from(["a", "b", "c"]),
    lambda inner: st.one_of(
        st.tuples(st.just("not"), inner),
        st.tuples(st.sampled_from(["and", "or"]), inner, inner),
    ),
    max_leaves=6,
)


def build(formula: Any) -> Expr:
    if isinstance(formula, str):
        return field(formula)
    if formula[0] == "not":
        return ~build(formula[1])
    left, right = build(formula[1]), build(formula[2])
    return left & right if formula[0] == "and" else left | right


def reference_k3(formula: Any, values: dict[str, K3]) -> K3:
    if isinstance(formula, str):
        return values[formula]
    if formula[0] == "not":
        return k3_not(reference_k3(formula[1], values))
    combine = k3_and if formula[0] == "and" else k3_or
    return combine(reference_k3(formula[1], values), reference_k3(formula[2], values))


truth = st.sampled_from([True, False, None])


@settings(deadline=None)  # compiles a formula per example
@given(formula=formulas, a=truth, b=truth, c=truth)
def test_logic_follows_kleene_three_valued_tables(formula: Any, a: K3, b: K3, c: K3) -> None:
    expected = reference_k3(formula, {"a": a, "b": b, "c": c})
    got = kleene(build(formula), App(a=a, b=b, c=c))
    assert got == (MISSING if expected is None else expected)


# --- Membership, periods, prefixes --------------------------------------------------------


@pytest.mark.parametrize(("category", "expected"), [("equipment", True), ("travel", False)])
def test_is_in_a_parameter_code_list(category: str, expected: bool) -> None:
    rule = const(category).is_in(param("cats"))
    assert run(rule) is expected


def test_is_in_a_constant_list() -> None:
    assert run(field("club.code").is_in(["59350", "62041"])) is True
    assert run(field("club.code").is_in(["62041"])) is False


COMMUNES = reference(frozenset({"59350", "59000"}), {"fr": "les communes", "en": "the communes"})


@pytest.mark.parametrize(("code", "expected"), [("59350", True), ("75056", False)])
def test_is_in_reference_data(code: str, expected: bool) -> None:
    assert run(field("club.code").is_in(COMMUNES), App(club=Club(code=code))) is expected


def test_reference_data_must_be_a_frozenset_or_tuple() -> None:
    with pytest.raises(InvalidArgument, match="frozenset or tuple"):
        reference(["59350"], {"fr": "les communes", "en": "the communes"})


WINDOW = DateRange(datetime.date(2025, 1, 15), datetime.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 1, 14), False),
        (datetime.date(2025, 1, 15), True),
        (datetime.date(2025, 3, 14), True),
        (datetime.date(2025, 6, 30), True),
        (datetime.date(2025, 7, 1), False),
    ],
)
def test_within_a_date_range_includes_both_ends(day: datetime.date, expected: bool) -> None:
    assert run(field("submitted_on").within(WINDOW), App(submitted_on=day)) is expected


@pytest.mark.parametrize(
    ("code", "expected"), [("59350", True), ("62041", True), ("80021", False), ("5", False)]
)
def test_starts_with_any_strings(code: str, expected: bool) -> None:
    rule = field("club.code").starts_with_any("59", "62")
    assert run(rule, App(club=Club(code=code))) is expected


@pytest.mark.parametrize(("code", "expected"), [("62041", True), ("2A004", False)])
def test_starts_with_any_parameter(code: str, expected: bool) -> None:
    rule = field("club.code").starts_with_any(param("prefixes"))
    assert run(rule, App(club=Club(code=code))) is expected


@pytest.mark.parametrize("prefixes", [(), (59,), ("59", 62)])
def test_starts_with_any_refuses_non_strings(prefixes: tuple[Any, ...]) -> None:
    with pytest.raises(InvalidArgument, match="starts_with_any"):
        field("club.code").starts_with_any(*prefixes)


# --- Arithmetic, rates, extrema -----------------------------------------------------------


def test_addition_and_subtraction_of_euros_are_exact() -> None:
    assert run(field("total") + field("other")) == Euro("12500.50")
    assert run(field("total") - field("other")) == Euro("7499.50")
    assert run(Euro("0.01") + field("other")) == Euro("2500.51")
    assert run(Euro("3000.00") - field("other")) == Euro("499.50")


@pytest.mark.parametrize(
    ("rate", "amount", "rounding", "expected"),
    [
        ("50%", "0.05", DOWN, "0.02"),  # 0.025
        ("50%", "0.05", HALF_UP, "0.03"),
        ("50%", "0.05", UP, "0.03"),
        ("11%", "0.10", DOWN, "0.01"),  # 0.011
        ("11%", "0.10", HALF_UP, "0.01"),
        ("11%", "0.10", UP, "0.02"),
        ("40%", "10000.01", DOWN, "4000.00"),  # 4000.004
        ("40%", "10000.01", UP, "4000.01"),
        ("60%", "100000.00", DOWN, "60000.00"),
    ],
)
def test_rate_of_amount_rounds_as_named(
    rate: str, amount: str, rounding: Rounding, expected: str
) -> None:
    assert run(const(Rate(rate)).of(Euro(amount), rounding=rounding)) == Euro(expected)


def test_rate_of_rounds_down_by_default() -> None:
    assert run(param("rate").of(Euro("0.05"))) == Euro("0.02")


_DECIMAL_ROUNDING = {DOWN: ROUND_DOWN, HALF_UP: ROUND_HALF_UP, UP: ROUND_UP}


@given(
    rate=st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False),
    amount=st.decimals(
        min_value=0, max_value=Decimal("10000000"), places=2, allow_nan=False, allow_infinity=False
    ),
    rounding=st.sampled_from([DOWN, HALF_UP, UP]),
)
def test_rate_of_matches_decimal_quantize(
    rate: Decimal, amount: Decimal, rounding: Rounding
) -> None:
    exact = (rate * amount).quantize(Decimal("0.01"), rounding=_DECIMAL_ROUNDING[rounding])
    got = run(const(Rate(rate)).of(Euro(amount), rounding=rounding))
    assert got == Euro(exact)


def test_of_with_something_else_than_a_rate_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="expected a rate"):
        run(param("ceiling").of(Euro("10.00")))


def test_minimum_and_maximum() -> None:
    assert run(minimum(field("total"), param("ceiling"), field("other"))) == Euro("2500.50")
    assert run(maximum(field("total"), param("ceiling"), field("other"))) == Euro("20000.00")
    capped = minimum(param("rate").of(Euro("50000.00")), param("ceiling"))
    assert run(capped) == Euro("20000.00")


@pytest.mark.parametrize("helper", [minimum, maximum])
def test_extrema_need_two_operands(helper: Callable[..., Expr]) -> None:
    with pytest.raises(InvalidArgument, match="at least two operands"):
        helper(field("total"))


@pytest.mark.parametrize(
    "build",
    [
        lambda: field("total") * 2,
        lambda: 2 * field("total"),
        lambda: field("total") * param("rate"),
    ],
)
def test_multiplication_is_refused(build: Callable[[], Expr]) -> None:
    with pytest.raises(InvalidArgument, match="rounding"):
        build()


def test_truth_value_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="truth value"):
        bool(field("total") > Euro("1.00"))


def test_chained_comparison_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="between"):
        Euro("1.00") <= field("total") <= Euro("2.00")  # noqa: B015 - the chain must raise


# --- Collections ----------------------------------------------------------------------------


def test_sum_of_with_and_without_filter() -> None:
    app = App(lines=LINES)
    assert run(sum_of(lines.amount), app) == Euro("10451.00")
    eligible = sum_of(lines.amount, where=lines.category.is_in(param("cats")))
    assert run(eligible, app) == Euro("10000.01")


def test_sum_of_nothing_is_zero() -> None:
    assert run(sum_of(lines.amount), App(lines=())) == Euro("0.00")


def test_count_with_and_without_filter() -> None:
    app = App(lines=LINES)
    assert run(count(lines), app) == 3
    assert run(count(lines, where=lines.category == "travel"), app) == 1
    assert run(count(lines, where=lines.category == "other"), app) == 0


def test_list_of_keeps_order_and_filters() -> None:
    app = App(lines=LINES)
    assert run(list_of(lines.category), app) == ("equipment", "installation", "travel")
    big = list_of(lines.category, where=lines.amount > Euro("1000.00"))
    assert run(big, app) == ("equipment", "installation")


def test_aggregate_over_a_missing_item_field_is_missing() -> None:
    with pytest.raises(MissingInput) as info:
        run(list_of(lines.note), App(lines=LINES))
    assert info.value.name == "lines[].note"


def test_collection_item_itself_for_plain_values() -> None:
    tags = collection("tags")
    app = App(tags=("handisport", "youth", "hand"))
    assert run(count(tags.item, where=tags.item.starts_with_any("hand")), app) == 2


def test_aggregate_must_read_one_collection() -> None:
    other = collection("other_lines")
    with pytest.raises(InvalidArgument, match="exactly one collection"):
        sum_of(lines.amount, where=other.category == "x")
    with pytest.raises(InvalidArgument, match="exactly one collection"):
        sum_of(field("total"))


def test_count_refuses_a_filter_over_another_collection() -> None:
    # sum_of and list_of refuse a filter reading another collection's items; count must too,
    # or the filter reads attributes the items do not have and reports them as missing.
    other = collection("other_lines")
    with pytest.raises(InvalidArgument, match="exactly one collection"):
        count(lines, where=other.category == "x")


amounts_and_categories = st.lists(
    st.tuples(
        st.sampled_from(["equipment", "installation", "travel"]),
        st.decimals(
            min_value=0,
            max_value=Decimal("1000000"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
    ),
    max_size=8,
)


@given(items=amounts_and_categories)
def test_sum_count_and_list_agree_with_plain_python(items: list[tuple[str, Decimal]]) -> None:
    app = App(lines=tuple(Line(category, Euro(amount)) for category, amount in items))
    kept = [(c, a) for c, a in items if c in PARAMS["cats"]]
    where = lines.category.is_in(param("cats"))
    assert run(sum_of(lines.amount, where=where), app) == Euro(sum((a for _, a in kept), Decimal()))
    assert run(sum_of(lines.amount), app) == Euro(sum((a for _, a in items), Decimal()))
    assert run(count(lines, where=where), app) == len(kept)
    assert run(list_of(lines.category, where=where), app) == tuple(c for c, _ in kept)


# --- Conditionals, presence, dates ----------------------------------------------------------


@pytest.mark.parametrize(("youth", "expected"), [(True, Rate("70%")), (False, Rate("50%"))])
def test_when(youth: bool, expected: Rate) -> None:
    rate = when(field("club.youth") == True, Rate("70%"), param("rate"))  # noqa: E712
    assert run(rate, App(club=Club(youth=youth))) == expected


def test_when_with_a_missing_condition_is_missing() -> None:
    rate = when(field("club.youth"), Rate("70%"), param("rate"))
    assert kleene(rate == Rate("70%"), App(club=Club(youth=None))) == MISSING


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        (App(), True),
        (App(club=Club(members=0)), True),
        (App(club=Club(members=None)), False),
        (App(club=None), False),
    ],
)
def test_is_set_never_reports_missing(app: App, expected: bool) -> None:
    assert run(field("club.members").is_set(), app) is expected


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2025, 3, 14), 3, datetime.date(2022, 3, 14)),
        (datetime.date(2024, 2, 29), 1, datetime.date(2023, 2, 28)),  # leap day
        (datetime.date(2024, 2, 29), 4, datetime.date(2020, 2, 29)),
        (datetime.date(2025, 2, 28), 1, datetime.date(2024, 2, 28)),
    ],
)
def test_years_before(day: datetime.date, years: int, expected: datetime.date) -> None:
    assert run(field("submitted_on").years_before(years), App(submitted_on=day)) == expected


def test_years_before_and_after_with_a_parameter() -> None:
    app = App(submitted_on=datetime.date(2024, 2, 29))
    assert run(field("submitted_on").years_before(param("years")), app) == datetime.date(
        2021, 2, 28
    )
    assert run(field("submitted_on").years_after(param("years")), app) == datetime.date(2027, 2, 28)


def test_founded_at_least_three_years_before_submission() -> None:
    rule = field("club.founded") <= field("submitted_on").years_before(3)
    on_the_day = App(club=Club(founded=datetime.date(2022, 3, 14)))
    a_day_late = App(club=Club(founded=datetime.date(2022, 3, 15)))
    assert run(rule, on_the_day) is True
    assert run(rule, a_day_late) is False


# --- Inputs ---------------------------------------------------------------------------------


def test_inputs_of_a_comparison() -> None:
    rule = field("club.members") >= param("min_members")
    assert rule.inputs() == {Input("field", "club.members"), Input("param", "min_members")}


def test_inputs_of_a_filtered_sum() -> None:
    total = sum_of(lines.amount, where=lines.category.is_in(param("cats")))
    assert total.inputs() == {
        Input("collection", "lines"),
        Input("field", "lines[].amount"),
        Input("field", "lines[].category"),
        Input("param", "cats"),
    }


def test_inputs_of_count_list_and_amounts() -> None:
    assert count(lines).inputs() == {Input("collection", "lines")}
    assert list_of(lines.category).inputs() == {
        Input("collection", "lines"),
        Input("field", "lines[].category"),
    }
    capped = minimum(param("rate").of(AmountRef("eligible_cost")), param("ceiling"))
    assert capped.inputs() == {
        Input("param", "rate"),
        Input("amount", "eligible_cost"),
        Input("param", "ceiling"),
    }


def test_inputs_of_conditionals_and_logic() -> None:
    compared = when(field("a"), field("total"), field("other")) > Euro("1.00")
    rule = compared | (field("club.code").starts_with_any("59") & ~field("b").is_set())
    assert {str(i) for i in rule.inputs()} == {
        "field:a",
        "field:total",
        "field:other",
        "field:club.code",
        "field:b",
    }


def test_constants_and_reference_data_read_no_input() -> None:
    assert const(Euro("1.00")).inputs() == frozenset()
    assert COMMUNES.inputs() == frozenset()
    assert field("club.code").is_in(COMMUNES).inputs() == {Input("field", "club.code")}


def test_input_renders_as_kind_and_name() -> None:
    assert str(Input("param", "ceiling")) == "param:ceiling"


# --- Rendering ------------------------------------------------------------------------------


def test_between_renders_parameter_values_in_french() -> None:
    rule = field("total").between(param("min_cost"), param("ceiling"))
    assert rule.render(FR_VALUES) == (
        f"le coût total se situe entre 1{NNBSP}000,00{NBSP}€ et 20{NNBSP}000,00{NBSP}€, "
        "bornes incluses"
    )


def test_between_renders_parameter_values_in_english() -> None:
    rule = field("total").between(param("min_cost"), param("ceiling"))
    assert rule.render(EN_VALUES) == (
        "the total cost is between €1,000.00 and €20,000.00, inclusive"
    )


def test_between_renders_labels_without_values() -> None:
    rule = field("total").between(param("min_cost"), param("ceiling"))
    assert rule.render(FR) == (
        "le coût total se situe entre le coût minimal et le plafond, bornes incluses"
    )
    assert rule.render(RenderContext("en")) == "total is between min_cost and ceiling, inclusive"


def test_rate_of_renders_with_contraction_and_rounding() -> None:
    award = minimum(param("rate").of(field("total"), rounding=DOWN), param("ceiling"))
    assert award.render(FR_VALUES) == (
        f"le plus petit des montants suivants\u00a0: 50{NBSP}% du coût total "
        "(arrondi au centime inférieur) "
        f"et 20{NNBSP}000,00{NBSP}€"
    )
    assert award.render(EN_VALUES) == (
        "the least of 50% of the total cost (rounded down to the cent) and €20,000.00"
    )
    assert param("rate").of(field("x"), rounding=HALF_UP).render(EN) == (
        "the rate of x (rounded half up to the cent)"
    )


def test_logic_renders_with_parentheses_around_nested_logic() -> None:
    rule = (field("a") == True) & ((field("b") == True) | (field("c") == True))  # noqa: E712
    assert rule.render(RenderContext("fr")) == ("a égale oui et (b égale oui ou c égale oui)")
    assert rule.render(RenderContext("en")) == "a equals yes and (b equals yes or c equals yes)"


def test_negation_of_a_disjunction_renders_unambiguously() -> None:
    a, b = field("a") == True, field("b") == True  # noqa: E712
    negated_first = (~a) | b
    negated_whole = ~(a | b)
    assert negated_first.render(EN) != negated_whole.render(EN)
    assert negated_first.render(FR) != negated_whole.render(FR)


def test_nested_subtraction_renders_unambiguously() -> None:
    ten, three, two = const(Euro("10.00")), Euro("3.00"), Euro("2.00")
    left_first = (ten - three) - two
    right_first = ten - (const(three) - two)
    assert (run(left_first), run(right_first)) == (Euro("5.00"), Euro("9.00"))
    assert left_first.render(EN) != right_first.render(EN)


@pytest.mark.parametrize(
    ("expr", "fr", "en"),
    [
        (field("x") != 3, "x diffère de 3", "x differs from 3"),
        (field("x") < 3, "x reste en deçà de 3", "x is less than 3"),
        (field("x") <= 3, "x ne dépasse pas 3", "x is at most 3"),
        (field("x") > 3, "x dépasse 3", "x is greater than 3"),
        (field("x") >= 3, "x atteint au moins 3", "x is at least 3"),
        (
            ~(field("x") == "A"),
            "la condition « x égale 'A' » n'est pas remplie",
            "it is not the case that x equals 'A'",
        ),
        (field("x").is_set(), "x figure au dossier", "x is given"),
        (field("d").years_before(3), "3 ans avant d", "3 years before d"),
        (field("d").years_after(2), "2 ans après d", "2 years after d"),
        (field("x") - field("y"), "x − y", "x − y"),
        (
            field("d").within(WINDOW),
            "d se situe du 15 janvier 2025 au 30 juin 2025",
            "d falls from 15 January 2025 to 30 June 2025",
        ),
        (
            field("club.code").starts_with_any("59", "62"),
            "le code commune commence par (59, 62)",
            "the commune code starts with (59, 62)",
        ),
        (
            field("club.code").is_in(COMMUNES),
            "le code commune figure parmi (les communes)",
            "the commune code is one of (the communes)",
        ),
        (
            count(lines, where=lines.category == "travel"),
            "le nombre de lines dont lines[].category égale 'travel'",
            "the number of lines where lines[].category equals 'travel'",
        ),
        (
            sum_of(lines.amount),
            "la somme, sur lines, de lines[].amount",
            "the sum of lines[].amount over lines",
        ),
        (
            list_of(lines.category),
            "la liste de lines[].category sur lines",
            "the list of lines[].category over lines",
        ),
        (
            maximum(field("x"), Euro("1.00")),
            f"le plus grand des montants suivants\u00a0: x et 1,00{NBSP}€",
            "the greatest of x and €1.00",
        ),
        (
            when(field("x") > 1, "a", "b"),
            "'a' si x dépasse 1, sinon 'b'",
            "'a' if x is greater than 1, otherwise 'b'",
        ),
    ],
)
def test_render_each_node(expr: Expr, fr: str, en: str) -> None:
    assert expr.render(FR) == fr
    assert expr.render(EN) == en


def test_code_list_parameter_renders_its_values_when_given() -> None:
    rule = field("club.code").is_in(param("prefixes"))
    assert rule.render(FR_VALUES) == "le code commune figure parmi (59, 62)"
    assert rule.render(FR) == "le code commune figure parmi (prefixes)"


def test_date_constant_renders_in_words() -> None:
    rule = field("d") >= datetime.date(2025, 1, 1)
    assert rule.render(FR) == "d atteint au moins 1er janvier 2025"
    assert rule.render(EN) == "d is at least 1 January 2025"


# --- Structural equality and hashing --------------------------------------------------------


def test_same_as_is_structural() -> None:
    assert (field("a") == 1).same_as(field("a") == 1)
    assert not (field("a") == 1).same_as(field("a") == 2)
    assert not (field("a") == 1).same_as(field("a") != 1)
    assert not (field("a") == 1).same_as(field("b") == 1)
    assert not field("a").same_as(param("a"))
    assert not const(1).same_as(const(True))
    assert const(Euro("1.00")).same_as(const(Euro("1")))
    assert minimum(field("a"), param("p")).same_as(minimum(field("a"), param("p")))
    assert not minimum(field("a"), param("p")).same_as(maximum(field("a"), param("p")))
    assert not minimum(field("a"), param("p")).same_as(minimum(field("a"), param("p"), 3))
    assert not param("r").of(field("x"), DOWN).same_as(param("r").of(field("x"), UP))


def test_nodes_hash_by_identity() -> None:
    first, second = field("a") == 1, field("a") == 1
    assert len({first, second}) == 2
    assert first in {first: 1}


def test_a_combination_of_rates_reads_in_brackets_with_its_numbers_as_rates() -> None:
    share = (1 - param("min_own_share")).of(field("base"), rounding=DOWN.to_euro())
    assert share.render(RenderContext("fr")) == (
        f"(100{NBSP}% − min_own_share) de base (arrondi à l'euro inférieur)"
    )
    filled = RenderContext("en", params={"min_own_share": Rate("20%")})
    assert share.render(filled) == "(100% − 20%) of base (rounded down to the euro)"


def test_whole_numbers_of_five_digits_are_grouped_in_words() -> None:
    from grantrules._format import format_value

    assert format_value(50000, "fr") == f"50{NNBSP}000"
    assert format_value(50000, "en") == "50,000"
    assert format_value(2025, "fr") == "2025"  # four digits stay whole


def test_a_sum_as_subject_takes_a_plural_verb_and_nothing_else_does() -> None:
    summed = (field("a") + field("b")) <= param("ceiling")
    assert "ne dépassent pas" in summed.render(RenderContext("fr"))
    # A sum inside a condition does not make the whole subject plural.
    chosen = when(field("a") + field("b") > param("ceiling"), field("a"), field("b"))
    assert "ne dépasse pas" in (chosen <= param("ceiling")).render(RenderContext("fr"))
