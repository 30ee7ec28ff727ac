"""Tests of grantrules.amounts: named formulas, roundings and the acyclic amount graph."""

from __future__ import annotations

import datetime
import importlib
import sys
import types
from pathlib import Path
from types import ModuleType

import pytest

from grantrules.amounts import Amount, order_amounts
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.evaluate import evaluate
from grantrules.expressions import (
    AmountRef,
    Input,
    RenderContext,
    collection,
    count,
    field,
    minimum,
    param,
    rounded,
    sum_of,
)
from grantrules.money import DOWN, HALF_UP, Euro, Rate
from grantrules.rules import Criterion, Override
from grantrules.scheme import Metadata, Scheme, SchemeVersion


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()

BASIS = Basis("Règlement municipal", "art. 4")
costs = collection("costs")
# A version without criteria is tested in test_evaluate; these versions keep one.
ALWAYS = Criterion("always", True, basis=BASIS, failed={"fr": "Jamais.", "en": "Never."})


def amount(amount_id: str, formula: object, **kwargs: object) -> Amount:
    return Amount(amount_id, formula, basis=BASIS, **kwargs)  # type: ignore[arg-type]


def version_with(*amounts: Amount, award: str = "award") -> SchemeVersion:
    return SchemeVersion(
        valid_from=datetime.date(2025, 1, 1),
        parameters=sports.PARAMETERS,
        criteria=(ALWAYS,),
        amounts=amounts,
        award=award,
    )


def scheme_with(*amounts: Amount) -> Scheme:
    return Scheme(
        id="tiny",
        metadata=Metadata(name={"fr": "Petite aide", "en": "Small grant"}),
        versions=(version_with(*amounts),),
        application_type=sports.SportsApplication,
    )


# --- Construction ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["", "total-cost", "total cost", "1st", "a.b"])
def test_amount_id_must_be_an_identifier(bad_id: str) -> None:
    with pytest.raises(InvalidArgument, match="must be an identifier"):
        amount(bad_id, Euro("1.00"))


def test_amount_basis_must_be_a_basis() -> None:
    with pytest.raises(InvalidArgument, match="basis must be a Basis"):
        Amount("award", Euro("1.00"), basis="art. 4")  # type: ignore[arg-type]


def test_amount_label_needs_both_languages() -> None:
    with pytest.raises(InvalidArgument, match="label needs fr and en"):
        amount("award", Euro("1.00"), label={"fr": "la subvention"})


def test_declared_rounding_must_match_the_formula() -> None:
    with pytest.raises(SchemeDefinitionError, match=r"declares rounding DOWN.*rounds HALF_UP"):
        amount("award", param("grant_rate").of(Euro("100.00"), rounding=HALF_UP), rounding=DOWN)


def test_declared_rounding_must_match_inside_exceptions() -> None:
    with pytest.raises(SchemeDefinitionError, match="rounds HALF_UP"):
        amount(
            "award",
            param("grant_rate").of(Euro("100.00"), rounding=DOWN),
            rounding=DOWN,
            exceptions=[
                Override(
                    "youth",
                    when=param("youth_rate") == Rate("70%"),
                    then=param("youth_rate").of(Euro("100.00"), rounding=HALF_UP),
                )
            ],
        )


def test_matching_or_undeclared_rounding_is_accepted() -> None:
    formula = param("grant_rate").of(Euro("100.00"), rounding=HALF_UP)
    assert amount("award", formula, rounding=HALF_UP).rounding is HALF_UP
    assert amount("award", formula).rounding is None


def test_an_amount_as_expression_reads_its_computed_value() -> None:
    total = amount("total_cost", sum_of(costs.amount_excl_vat))
    assert total.inputs() == {Input("amount", "total_cost")}
    assert (total >= param("min_cost")).inputs() == {
        Input("amount", "total_cost"),
        Input("param", "min_cost"),
    }


def test_amount_renders_as_its_label() -> None:
    total = amount("total_cost", Euro("1.00"), label={"fr": "le coût total", "en": "the total"})
    ctx = RenderContext("fr", total.labels())
    assert total.render(ctx) == "le coût total"
    assert total.render(RenderContext("en")) == "total_cost"


def test_depends_on_includes_exceptions() -> None:
    base, bonus = amount("base", Euro("1.00")), amount("bonus", Euro("2.00"))
    award = amount(
        "award",
        base,
        exceptions=[Override("youth", when=param("min_cost") > Euro("0.00"), then=bonus)],
    )
    assert award.depends_on() == {"base", "bonus"}


# --- The amount graph -----------------------------------------------------------------------


def test_two_amounts_in_a_cycle_are_refused_when_the_version_is_built() -> None:
    a = amount("a", AmountRef("b") + Euro("1.00"))
    b = amount("b", a)
    award = amount("award", b)
    with pytest.raises(SchemeDefinitionError, match="cycle"):
        version_with(a, b, award)


def test_three_amounts_in_a_cycle_are_refused_naming_them() -> None:
    a = amount("a", AmountRef("c"))
    b = amount("b", a)
    c = amount("c", b)
    with pytest.raises(SchemeDefinitionError, match="cycle") as info:
        version_with(a, b, c, award="a")
    for name in ("a", "b", "c"):
        assert name in str(info.value)


def test_an_amount_reading_itself_is_a_cycle() -> None:
    with pytest.raises(SchemeDefinitionError, match="cycle"):
        version_with(amount("award", AmountRef("award") + Euro("1.00")))


def test_a_cycle_through_an_exception_is_refused() -> None:
    a = amount("a", Euro("1.00"), exceptions=[Override("x", when=True, then=AmountRef("award"))])
    award = amount("award", a)
    with pytest.raises(SchemeDefinitionError, match="cycle"):
        version_with(a, award)


def test_unknown_amount_reference_is_refused() -> None:
    with pytest.raises(SchemeDefinitionError, match=r"award reads unknown amounts \['eligble'\]"):
        version_with(amount("award", AmountRef("eligble")))


def test_duplicate_amount_ids_are_refused() -> None:
    with pytest.raises(SchemeDefinitionError, match="two amounts have the id 'award'"):
        version_with(amount("award", Euro("1.00")), amount("award", Euro("2.00")))


def test_award_must_be_one_of_the_amounts() -> None:
    with pytest.raises(SchemeDefinitionError, match="award 'grant' is not one of the amounts"):
        version_with(amount("award", Euro("1.00")), award="grant")


def _position(order: tuple[Amount, ...]) -> dict[str, int]:
    return {a.id: i for i, a in enumerate(order)}


def test_topological_order_puts_each_amount_after_what_it_reads() -> None:
    base = amount("base", sum_of(costs.amount_excl_vat))
    eligible = amount("eligible", base - Euro("0.00"))
    capped = amount("capped", eligible)
    award = amount("award", capped + base)
    for given_order in [(award, capped, eligible, base), (capped, award, base, eligible)]:
        position = _position(order_amounts(given_order))
        assert position["base"] < position["eligible"] < position["capped"] < position["award"]


def test_sports_version_orders_its_amounts() -> None:
    position = _position(sports.VERSION_2025.amounts)
    assert position["eligible_cost"] < position["award"]
    assert len(position) == 3


def test_amounts_given_in_reverse_are_evaluated_in_dependency_order() -> None:
    total = amount("total", sum_of(costs.amount_excl_vat))
    half = amount("half", param("grant_rate").of(total, rounding=DOWN), rounding=DOWN)
    award = amount("award", half - Euro("0.01"))
    decision = evaluate(scheme_with(award, half, total), sports.application())
    assert decision.amount("total") == Euro("10000.01")
    assert decision.amount("half") == Euro("5000.00")
    assert decision.award == Euro("4999.99")


def test_an_amount_that_is_not_money_is_refused_when_defined() -> None:
    with pytest.raises(
        SchemeDefinitionError,
        match=r"amount award: must give an amount \(EUR\), not a whole number in: the number",
    ):
        amount("award", count(costs))
    # A field is known only with the application model: the scheme refuses it then.
    with pytest.raises(SchemeDefinitionError, match="amount award: must give an amount"):
        scheme_with(amount("award", field("applicant.members")))


def test_a_rounding_to_the_euro_is_stated_once_and_checked() -> None:
    to_euro = DOWN.to_euro()
    formula = minimum(param("grant_rate").of(Euro("1234.56"), rounding=to_euro), Euro("500.00"))
    award = amount("award", rounded(formula, to_euro), rounding=to_euro)
    assert award.rounding == to_euro
    with pytest.raises(SchemeDefinitionError, match=r"declares rounding DOWN to 1\.00 .* DOWN"):
        amount("award", rounded(param("grant_rate").of(Euro("1.00")), to_euro), rounding=to_euro)
    with pytest.raises(SchemeDefinitionError, match=r"rounds DOWN to 10\.00"):
        amount("award", param("grant_rate").of(Euro("1.00"), rounding=DOWN.to(10)), rounding=DOWN)


def test_an_amount_rounded_to_the_euro_renders_and_evaluates() -> None:
    to_euro = DOWN.to_euro()
    award = amount(
        "award",
        minimum(param("grant_rate").of(field("base"), rounding=to_euro), param("ceiling")),
        rounding=to_euro,
    )
    fr = award.formula.render(RenderContext("fr"))
    assert fr == (
        "le plus petit des montants suivants : grant_rate appliqué à base "
        "(arrondi à l'euro inférieur) "
        "et ceiling"
    )
    en = award.formula.render(RenderContext("en"))
    assert en == "the least of grant_rate of base (rounded down to the euro) and ceiling"
    app = types.SimpleNamespace(base=Euro("1234.99"))
    params = {"grant_rate": Rate("60%"), "ceiling": Euro("5000.00")}
    assert award.formula.evaluate(app, params) == Euro("740.00")
