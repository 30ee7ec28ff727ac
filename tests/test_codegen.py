"""The generated evaluation functions agree with the closures, the reference semantics.

Generated code computes money on Decimals, reads fields once and checks None inline; a
missing input or several exceptions applying make it raise MissingInput or Undecided so that
the closures decide, and any other exception is an error that the closures report.  These
tests evaluate the same applications both ways (``CompiledVersion(generated=False)``, the
explicit interpreter route, on the second) and compare the decisions' JSON text, which holds
every outcome, message, input and amount.
"""

from __future__ import annotations

import datetime
import importlib
import json
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from custom_nodes import Twice
from grantrules._engine import compiled as _compiled
from grantrules._engine.codegen import _Gen
from grantrules._engine.compiled import CompiledVersion
from grantrules._engine.runtime import Params, Undecided, _members, store_amounts
from grantrules._engine.strict import StrictModeError
from grantrules._engine.version_function import SLOW, _loop_ready, _loops, fast_version
from grantrules.basis import Basis
from grantrules.errors import EvaluationError, GrantRulesError, InvalidArgument
from grantrules.expressions import (
    Aggregate,
    AmountRef,
    Env,
    collection,
    const,
    count,
    field,
    list_of,
    minimum,
    param,
    rounded,
    sum_of,
    when,
)
from grantrules.money import DOWN, HALF_UP, Euro, Rate
from grantrules.registry import load_scheme
from grantrules.rules import Criterion, Outcome
from grantrules.testing.strategies import applications

sys.path.insert(0, str(Path(__file__).parent / "schemes"))
sports = importlib.import_module("sports")
AMI = load_scheme("ami-ia-hdf")
AmiModel = AMI.application_type


def both_ways(scheme: Any, app: Any, lang: str = "fr") -> tuple[str, str]:
    """The decision text from the generated functions, and from the closures alone."""
    on = app.submitted_on
    version = scheme.version_at(on)

    def text(generated: bool) -> str:
        compiled = CompiledVersion(version, generated=generated)
        try:
            return compiled.decide(scheme, app, on, lang).to_json_text()
        except GrantRulesError as error:  # both ways must fail alike
            return f"{type(error).__name__}: {error}"

    return text(True), text(False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applications(AMI))
def test_ami_generated_code_agrees_with_the_closures(app: Any) -> None:
    generated, reference = both_ways(AMI, app)
    assert generated == reference


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applications(sports.SCHEME))
def test_sports_generated_code_agrees_with_the_closures(app: Any) -> None:
    generated, reference = both_ways(sports.SCHEME, app, "en")
    assert generated == reference


EXAMPLES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"


def ami_example() -> Any:
    from grantrules.serde import structure_application

    document = json.loads((EXAMPLES / "lille-deliberations.json").read_text(encoding="utf-8"))
    return structure_application(AMI, document)


def with_amount(app: Any, value: object) -> Any:
    """``app`` with ``value`` as its first cost line's amount, past the model's validators."""
    line = attrs.evolve(app.costs[0])
    object.__setattr__(line, "amount_excl_vat", value)
    return attrs.evolve(app, costs=(line, *app.costs[1:]))


def test_a_wrongly_typed_amount_goes_to_the_closures() -> None:
    # A Decimal where the model says Euro must not be summed as money by the generated code.
    app = ami_example()
    generated, reference = both_ways(AMI, with_amount(app, app.costs[0].amount_excl_vat.amount))
    assert generated == reference
    assert generated.startswith("InvalidArgument: cannot add the Decimal")


def test_a_rate_where_money_is_expected_is_not_read_as_money() -> None:
    # A Rate also holds a Decimal: reading it raw would silently treat 60% as 0.60 EUR.
    generated, reference = both_ways(AMI, with_amount(ami_example(), Rate("60%")))
    assert generated == reference


def test_what_if_parameters_agree_both_ways() -> None:
    scheme = AMI.with_parameters(min_total_cost="50000.00", feder_rate="50%")
    generated, reference = both_ways(scheme, ami_example())
    assert generated == reference
    assert '"award":"' in generated


def test_a_money_parameter_holding_something_else_is_not_read_as_money() -> None:
    ceiling = ("award", minimum(sum_of(collection("costs").amount_excl_vat), param("ceiling")), ())
    function = fast_version([ceiling], [], ("p", "f", "n"), AmiModel, {"ceiling": "EUR"})
    env = Env(ami_example(), {"ceiling": Rate("60%")}, {}, datetime.date(2025, 3, 14))
    with pytest.raises(TypeError, match="expected a Euro amount"):
        function(env, {})  # the caller then evaluates with the closures


def test_raw_money_gives_the_amounts_of_euro_objects() -> None:
    total = sum_of(collection("costs").amount_excl_vat)
    app = ami_example()
    expected = Euro.sum(line.amount_excl_vat for line in app.costs)
    award = Rate("60%").apply(expected, rounding=DOWN)
    env = Env(app, {"rate": Rate("60%")}, {}, datetime.date(2025, 3, 14))
    amounts = [("total", total, ()), ("award", param("rate").of(total, rounding=DOWN), ())]
    untyped = fast_version(amounts, [], ("p", "f", "n"))
    assert untyped(env, {}) == ((), True, {}, (), (expected, award), False)
    typed = fast_version(amounts, [], ("p", "f", "n"), type(env.app), {"rate": "rate"})
    *_, raw, slow = typed(env, {})
    assert slow is False
    assert raw == (expected.amount, award.amount)  # Decimals, wrapped only when shown
    assert env.amounts == {}
    for function in (untyped, typed):
        *_, values, _ = function(env, {})
        stored = store_amounts(("total", "award"), values, {})
        assert stored == {"total": expected, "award": award}
        assert all(type(v) is Euro for v in stored.values())


@pytest.mark.parametrize("value", ["0.00", "-0.00"])
def test_zero_amounts_are_the_canonical_zero(value: str) -> None:
    from grantrules._engine.runtime import _euro

    assert str(_euro(Euro(value).amount)) == "0.00"
    assert _euro(Euro(value).amount) == Euro.ZERO


def test_several_exceptions_applying_leave_the_decision_to_the_closures() -> None:
    members = field("applicant.members")
    five = const(Euro("5.00"))
    twice = (("big", members > 10, five), ("huge", members > 100, five))
    function = fast_version([("bonus", const(Euro("1.00")), twice)], [], ("p", "f", "n"))
    app = types.SimpleNamespace(applicant=types.SimpleNamespace(members=150))
    notes: dict[str, Any] = {}
    with pytest.raises(Undecided, match="several exceptions apply"):
        function(Env(app, {}, {}, datetime.date(2025, 3, 14)), notes)
    app.applicant.members = 50
    env = Env(app, {}, {}, datetime.date(2025, 3, 14))
    assert function(env, notes) == ((), True, {}, (), (Decimal("5.00"),), False)
    assert notes == {"bonus": ("big", None)}


def test_is_set_has_a_source_form() -> None:
    total = ("total", const(Euro("5.00")), ())
    criteria = [(None, AmountRef("total").is_set(), ())]
    interpreted: list[str] = []
    function = fast_version([total], criteria, ("p", "f", "n"), interpreted=interpreted)
    assert function(Env(None, {}, {}, datetime.date(2025, 3, 14)), {}).outcomes == ("p",)
    assert interpreted == []


def test_a_node_without_source_form_is_refused_under_strict_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRANTRULES_STRICT", "1")
    with pytest.raises(StrictModeError, match="no source form for Twice"):
        fast_version([("twice", Twice(const(Euro("5.00"))), ())], [], ("p", "f", "n"))


def test_a_closure_called_from_generated_code_reads_the_amounts_computed_so_far(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Twice has no source form: the generated function calls its closure (the explicit
    # interpreter path, listed), which reads env.amounts, while the generated code keeps
    # amounts in locals.
    monkeypatch.setenv("GRANTRULES_STRICT", "0")
    total = ("total", const(Euro("5.00")), ())
    criteria = [(None, Twice(AmountRef("total")) > Euro("9.00"), ())]
    amounts = [total, ("twice", Twice(AmountRef("total")), ())]
    interpreted: list[str] = []
    function = fast_version(amounts, criteria, ("p", "f", "n"), interpreted=interpreted)
    assert interpreted == ["Twice", "Twice"]
    outcomes, _, _, _, values, slow = function(Env(None, {}, {}, datetime.date(2025, 3, 14)), {})
    assert outcomes == ("p",)
    assert store_amounts(("total", "twice"), values, {}) == {
        "total": Euro("5.00"),
        "twice": Euro("10.00"),
    }
    assert not slow


# Sums and counts computed by loops (_version_function._loops).

LINES = collection("costs")


def costs_app(*categories: str | None) -> Any:
    """An application whose cost lines have ``categories`` and amounts 10.00, 20.00..."""
    lines = [
        types.SimpleNamespace(category=c, amount_excl_vat=Euro(f"{10 * (k + 1)}.00"))
        for k, c in enumerate(categories)
    ]
    return types.SimpleNamespace(costs=tuple(lines))


def run(function: Any, app: Any, params: dict[str, Any] | None = None) -> Any:
    return function(Env(app, params or {}, {}, datetime.date(2025, 3, 14)), {})


def test_a_criterion_whose_loop_raises_midway_leaves_no_partial_total_to_the_next() -> None:
    staff = count(LINES, where=LINES.category == "staff")
    criteria = [(None, staff >= 1, ()), (None, staff == 1, ())]
    function = fast_version([], criteria, ("p", "f", "n"))
    assert run(function, costs_app("staff", "other"))[0] == ("p", "p")
    # The second line's category is missing: the first criterion's loop raises after
    # counting one line, and the second criterion must not read that count.
    outcomes, eligible, *_, slow = run(function, costs_app("staff", None, "staff"))
    assert outcomes == (SLOW, SLOW)
    assert (eligible, slow) == (None, True)


def test_sums_and_counts_over_one_collection_share_one_loop() -> None:
    eligible = sum_of(LINES.amount_excl_vat, where=LINES.category != "other")
    amounts = [
        ("total", sum_of(LINES.amount_excl_vat), ()),
        ("eligible", eligible, ()),
        ("again", sum_of(LINES.amount_excl_vat, where=LINES.category != "other"), ()),
    ]
    criteria = [(None, count(LINES, where=LINES.category == "other") == 0, ())]
    g = _Gen(AmiModel, {})
    lines: list[str] = []
    _loops([formula for _, formula, _ in amounts], g, lines)
    assert sum(line.startswith("for ") for line in lines) == 1
    assert len([line for line in lines if line.startswith("_s")]) == 2  # equal sums share
    function = fast_version(amounts, criteria, ("p", "f", "n"), AmiModel, {})
    outcomes, _, _, _, values, _ = run(function, costs_app("staff", "other", "equipment"))
    assert outcomes == ("f",)
    assert values == (Decimal("60.00"), Decimal("40.00"), Decimal("40.00"))


@pytest.mark.parametrize(
    "aggregate",
    [
        sum_of(LINES.amount_excl_vat, where=LINES.amount_excl_vat > AmountRef("cap")),
        sum_of(LINES.amount_excl_vat, where=count(collection("financing")) > 0),
        count(LINES),  # len() instead
        list_of(LINES.category),
        sum_of(LINES.amount_excl_vat, where=Twice(LINES.amount_excl_vat) > 0),
    ],
    ids=["reads an amount", "nests an aggregate", "unfiltered count", "list", "closure node"],
)
def test_what_a_loop_does_not_compute(aggregate: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRANTRULES_STRICT", "0")
    assert isinstance(aggregate, Aggregate)
    assert not _loop_ready(aggregate, _Gen(AmiModel, {}))


def test_a_sum_reading_an_amount_is_computed_after_it() -> None:
    cap = ("cap", const(Euro("15.00")), ())
    above = sum_of(LINES.amount_excl_vat, where=LINES.amount_excl_vat > AmountRef("cap"))
    function = fast_version([cap, ("above", above, ())], [], ("p", "f", "n"), AmiModel, {})
    assert run(function, costs_app("a", "b", "c"))[4] == (Decimal("15.00"), Decimal("50.00"))


# Parameters read once per parameter set (_codegen._Gen.function).


def test_parameters_are_read_anew_for_each_parameter_set() -> None:
    criteria = [(None, param("floor") <= count(LINES), ())]
    criteria.append((None, count(LINES, where=LINES.category.is_in(param("kinds"))) > 0, ()))
    function = fast_version([], criteria, ("p", "f", "n"))
    app = costs_app("staff", "other")
    first = {"kinds": ("staff",), "floor": 1}
    second = {"kinds": ("equipment",), "floor": 3}
    for _ in range(2):  # alternately, the cached values of each set
        assert run(function, app, first)[0] == ("p", "p")
        assert run(function, app, second)[0] == ("f", "f")
    for floor in range(5):  # plain dicts: read each time
        expected = "p" if floor <= 2 else "f"
        assert run(function, app, {"kinds": ("staff",), "floor": floor})[0] == (expected, "p")
    kept = Params(first)
    for _ in range(2):  # Params: read once, kept in its memo
        assert run(function, app, kept)[0] == ("p", "p")
        assert len(kept.memo) == 1


def test_membership_in_a_tuple_parameter_is_searched_as_a_set_with_the_same_answers() -> None:
    assert _members(("a", "b")) == frozenset({"a", "b"})
    assert _members(["a"]) == frozenset({"a"})
    unhashable = [["a"], ["b"]]
    assert _members(unhashable) is unhashable
    assert _members("ab") == "ab"  # a substring test stays one
    criteria = [(None, field("kind").is_in(param("kinds")), ())]
    function = fast_version([], criteria, ("p", "f", "n"))
    for kinds, expected in [(("a", "b"), "p"), ([["a"]], "f"), ("xay", "p"), ((), "f")]:
        assert run(function, types.SimpleNamespace(kind="a"), {"kinds": kinds})[0] == (expected,)


@pytest.mark.parametrize("scheme", [AMI, sports.SCHEME], ids=["ami", "sports"])
def test_the_shipped_examples_are_decided_by_generated_code_alone(scheme: Any) -> None:
    # A missing input sends a rule to the closures, with the same result but slower: the
    # examples must never need them.
    for app in [ami_example()] if scheme is AMI else [sports.application()]:
        version = _compiled.compiled(scheme.version_at(app.submitted_on))
        env = Env(app, version.params_at(app.submitted_on), {}, app.submitted_on)
        *_, slow = version.fast_all(scheme.application_type)(env, {})
        assert slow is False


def test_a_rate_chosen_by_a_condition_is_applied_as_the_closures_apply_it() -> None:
    total = sum_of(LINES.amount_excl_vat)
    rate = when(field("applicant.sgei"), param("high"), param("low"))
    amounts = [("award", rate.of(total, rounding=DOWN), ())]
    function = fast_version(amounts, [], ("p", "f", "n"), AmiModel, {"high": "rate", "low": "rate"})
    params = {"high": Rate("70%"), "low": Rate("33.3%")}
    app = costs_app("staff", "other")  # 10.00 + 20.00
    for sgei, expected in [(True, Euro("21.00")), (False, Euro("9.99"))]:
        app.applicant = types.SimpleNamespace(sgei=sgei)
        env = Env(app, params, {}, datetime.date(2025, 3, 14))
        assert amounts[0][1].compile()(env, None) == expected  # the closures
        assert store_amounts(("award",), run(function, app, params)[4], {}) == {"award": expected}


def test_a_rate_parameter_holding_something_else_is_refused_by_generated_code() -> None:
    amounts = [("award", param("rate").of(sum_of(LINES.amount_excl_vat)), ())]
    function = fast_version(amounts, [], ("p", "f", "n"), AmiModel, {"rate": "rate"})
    with pytest.raises(EvaluationError, match="expected a rate"):
        run(function, costs_app("staff"), {"rate": Euro("1.00")})  # the closures then report


def test_a_rounding_that_is_not_one_is_refused_when_the_rule_is_built() -> None:
    with pytest.raises(InvalidArgument, match="expected a Rounding"):
        param("rate").of(const(Euro("100.00")), rounding="DOWN")  # type: ignore[arg-type]


def test_a_rounding_to_the_euro_agrees_with_the_closures() -> None:
    base = sum_of(LINES.amount_excl_vat)
    rule = param("rate").of(base, rounding=DOWN.to_euro())
    amounts = [("award", rule, ()), ("tens", rounded(base, HALF_UP.to(10)), ())]
    function = fast_version(amounts, [], ("p", "f", "n"), AmiModel, {"rate": "rate"})
    params = {"rate": Rate("33.3%")}
    app = costs_app("staff", "other")  # 10.00 + 20.00 = 30.00: 9.99 → 9.00; 30.00 → 30.00
    env = Env(app, params, {}, datetime.date(2025, 3, 14))
    assert rule.compile()(env, None) == Euro("9.00")
    stored = store_amounts(("award", "tens"), run(function, app, params)[4], {})
    assert stored == {"award": Euro("9.00"), "tens": Euro("30.00")}


def test_a_total_shared_by_applies_if_and_the_condition_is_computed_before_both() -> None:
    staff = count(LINES, where=LINES.category == "staff")
    function = fast_version([], [(staff > 0, staff <= 1, ())], ("p", "f", "n"))
    assert run(function, costs_app("staff", "other"))[0] == ("p",)
    assert run(function, costs_app("staff", "staff"))[0] == ("f",)
    assert run(function, costs_app("other"))[0] == ("n",)


OUTCOMES = (("p", None, None), ("f", None, None), ("n", None, None))


@pytest.mark.parametrize("blocks", [("f",), ("m",)])
def test_eligibility_counts_only_the_blocking_outcomes_given(blocks: tuple[str, ...]) -> None:
    fails = field("kind") == "yes"
    with_exception = (("never", field("kind") == "never", const(True)),)
    for exceptions in [(), with_exception]:
        function = fast_version([], [(None, fails, exceptions)], OUTCOMES, None, {}, (0,), blocks)
        _, eligible, *_ = run(function, types.SimpleNamespace(kind="no"))
        assert eligible is (blocks != ("f",))


def test_a_criterion_reading_no_amount_is_decided_by_its_closures_inside_the_function() -> None:
    # The club's membership is missing: applicant.members (fields and parameters only) has
    # its outcome from its reference decision inside the generated function, not SLOW.
    base = sports.application()
    app = attrs.evolve(base, applicant=attrs.evolve(base.applicant, members=None))
    version = _compiled.compiled(sports.SCHEME.version_at(app.submitted_on))
    env = Env(app, version.params_at(app.submitted_on), {}, app.submitted_on)
    outcomes, eligible, *_, slow = version.fast_all(sports.SCHEME.application_type)(env, {})
    members = version.criterion_index["applicant.members"]
    assert outcomes[members] == version.criteria[members].by_closures(env)
    assert outcomes[members] == (Outcome.MISSING, None, "applicant.members")
    assert (eligible, slow) == (False, False)
    generated, reference = both_ways(sports.SCHEME, app)
    assert generated == reference


def test_a_criterion_reading_an_amount_stays_with_the_caller_when_undecided() -> None:
    # project.min_cost reads total_cost, which only env.amounts holds for the closures.
    assert not _compiled._reads_no_amount(sports.CRITERIA[3])
    assert _compiled._reads_no_amount(sports.CRITERIA[1])
    # A scheme's own node kind may read anything: its closures stay with the caller too.
    doubled = Twice(const(Euro("1.00"))) > Euro.ZERO
    failed = {"fr": "Non.", "en": "No."}
    assert not _compiled._reads_no_amount(
        Criterion("twice", doubled, basis=Basis("B"), failed=failed)
    )
