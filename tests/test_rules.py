"""Tests of grantrules.rules: criteria, messages, labelled exceptions and their conflicts."""

from __future__ import annotations

import datetime
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.errors import (
    EvaluationError,
    ExceptionConflict,
    InvalidArgument,
    SchemeDefinitionError,
)
from grantrules.evaluate import evaluate
from grantrules.expressions import Input, RenderContext, collection, const, field, list_of, param
from grantrules.money import Euro
from grantrules.rules import Criterion, Obligation, Outcome, Override, Severity, fill
from grantrules.scheme import Metadata, Scheme, SchemeVersion


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()

NNBSP, NBSP = "\u202f", "\u00a0"
BASIS = Basis("Règlement municipal", "art. 2")
FAILED = {"fr": "Refusé.", "en": "Refused."}
members = field("applicant.members")
youth = field("applicant.youth_club") == True  # noqa: E712 - builds an expression
large_club = members > 100


def criterion(condition: Any = None, **kwargs: Any) -> Criterion:
    """A valid criterion on the membership, with keyword arguments replacing fields."""
    kwargs.setdefault("basis", BASIS)
    kwargs.setdefault("failed", FAILED)
    return Criterion(
        kwargs.pop("id", "applicant.members"),
        members >= 20 if condition is None else condition,
        **kwargs,
    )


def scheme_with(*criteria: Criterion, amounts: tuple[Amount, ...] = ()) -> Scheme:
    """A one-version scheme over the sports application model with these rules."""
    version = SchemeVersion(
        valid_from=datetime.date(2025, 1, 1),
        parameters=sports.PARAMETERS,
        criteria=criteria,
        amounts=amounts or (Amount("award", Euro("100.00"), basis=BASIS),),
        award="award",
    )
    return Scheme(
        id="tiny",
        metadata=Metadata(name={"fr": "Petite aide", "en": "Small grant"}),
        versions=(version,),
        application_type=sports.SportsApplication,
    )


def club(**changes: Any) -> Any:
    """The sports example application with applicant fields replaced."""
    app = sports.application()
    return attrs.evolve(app, applicant=attrs.evolve(app.applicant, **changes))


# --- Criterion validation -------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["", "a..b", "1a", "a-b", "a.b c", ".a", "a."])
def test_criterion_id_must_be_dotted_identifiers(bad_id: str) -> None:
    with pytest.raises(InvalidArgument, match="dotted identifiers"):
        criterion(id=bad_id)


@pytest.mark.parametrize("good_id", ["a", "applicant.members", "costs.travel_2"])
def test_criterion_id_accepts_dotted_identifiers(good_id: str) -> None:
    assert criterion(id=good_id).id == good_id


@pytest.mark.parametrize("basis", ["art. 2", {"title": "Règlement"}, None])
def test_criterion_basis_must_be_a_basis(basis: Any) -> None:
    with pytest.raises(InvalidArgument, match="basis must be a Basis"):
        criterion(basis=basis)


def test_failed_message_is_required() -> None:
    with pytest.raises(InvalidArgument, match="failed message is required"):
        criterion(failed=None)


@pytest.mark.parametrize(
    ("what", "texts", "lacking"),
    [
        ("failed", {"fr": "Refusé."}, "en"),
        ("failed", {"en": "Refused."}, "fr"),
        ("failed", {"fr": "", "en": "Refused."}, "fr"),
        ("failed", {}, "fr, en"),
        ("passed", {"fr": "Accepté."}, "en"),
        ("not_applicable", {"en": "Not applicable."}, "fr"),
    ],
)
def test_messages_need_french_and_english(what: str, texts: dict[str, str], lacking: str) -> None:
    with pytest.raises(InvalidArgument, match=f"{what} message lacks {lacking}"):
        criterion(**{what: texts})


def test_criterion_defaults() -> None:
    rule = criterion()
    assert rule.severity is Severity.BLOCKING
    assert rule.applies_if is None
    assert rule.exceptions == ()


def test_criterion_condition_may_be_a_plain_boolean() -> None:
    assert criterion(True).condition.evaluate(club()) is True


def test_obligation_needs_both_languages() -> None:
    with pytest.raises(InvalidArgument, match="obligation logo: the text message lacks en"):
        Obligation("logo", {"fr": "Apposer le logo."}, BASIS)


def test_criterion_inputs_include_applicability_details_and_exceptions() -> None:
    costs = collection("costs")
    rule = criterion(
        applies_if=field("project.title") != "",
        details={"categories": list_of(costs.category)},
        exceptions=[Override("handisport", when=field("project.tags").is_set(), then=members >= 5)],
    )
    assert rule.inputs() == {
        Input("field", "applicant.members"),
        Input("field", "project.title"),
        Input("field", "project.tags"),
        Input("collection", "costs"),
        Input("field", "costs[].category"),
    }


def test_criterion_renders_with_its_applicability() -> None:
    rule = criterion(applies_if=youth)
    assert rule.render(RenderContext("en")) == (
        "when applicant.youth_club equals yes: applicant.members is at least 20"
    )
    assert rule.render(RenderContext("fr")) == (
        "lorsque applicant.youth_club égale oui : applicant.members atteint au moins 20"
    )


def test_override_renders_its_label_condition_and_replacement() -> None:
    override = Override("handisport", when=youth, then=members >= 5)
    assert override.render(RenderContext("en")) == (
        "by exception (handisport), if applicant.youth_club equals yes: "
        "applicant.members is at least 5"
    )


# --- Messages -------------------------------------------------------------------------------


def test_fill_replaces_dotted_placeholders() -> None:
    text = fill(
        "Le club compte {applicant.members} adhérents, il en faut {min_members}.",
        {"applicant.members": 12, "min_members": 20},
        "fr",
    )
    assert text == "Le club compte 12 adhérents, il en faut 20."


def test_fill_formats_values_in_the_language() -> None:
    values = {"total_cost": Euro("1500.00"), "day": datetime.date(2025, 7, 1)}
    assert fill("{total_cost} au {day}", values, "fr") == (
        f"1{NNBSP}500,00{NBSP}€ au 1er juillet 2025"
    )
    assert fill("{total_cost} on {day}", values, "en") == "€1,500.00 on 1 July 2025"


def test_fill_leaves_unknown_placeholders() -> None:
    assert fill("{known} {unknown.name}", {"known": "x"}, "en") == "x {unknown.name}"


def test_message_picks_the_outcome_and_language() -> None:
    rule = criterion(
        failed={"fr": "{applicant.members} adhérents.", "en": "{applicant.members} members."},
        passed={"fr": "Assez.", "en": "Enough."},
    )
    values = {"applicant.members": 3}
    assert rule.message("failed", values, "fr") == "3 adhérents."
    assert rule.message("failed", values, "en") == "3 members."
    assert rule.message("passed", values, "en") == "Enough."
    assert rule.message("not_applicable", values, "en") == (
        "Criterion not applicable to this application."
    )
    assert rule.message("missing", {"missing": "applicant.members"}, "fr") == (
        "Information manquante pour vérifier ce critère : applicant.members."
    )


def test_failed_message_is_filled_from_inputs_at_evaluation() -> None:
    decision = evaluate(sports.SCHEME, club(members=12))
    result = decision.criterion("applicant.members")
    assert result.outcome is Outcome.FAILED
    assert result.message == "Le club compte 12 adhérents, il en faut 20."
    assert result.inputs["applicant.members"] == 12
    assert result.inputs["min_members"] == 20


def test_details_are_available_to_messages() -> None:
    costs = collection("costs")
    rule = criterion(
        members >= 1000,
        details={"categories": list_of(costs.category)},
        failed={"fr": "Postes : {categories}.", "en": "Lines: {categories}."},
    )
    result = evaluate(scheme_with(rule), club(), lang="en").criterion("applicant.members")
    assert result.message == "Lines: equipment, installation."
    assert result.inputs["categories"] == ["equipment", "installation"]


# --- Labelled exceptions: static conflicts ----------------------------------------------------


def test_static_conflict_same_condition_different_replacement() -> None:
    with pytest.raises(SchemeDefinitionError, match="'a' and 'b'"):
        criterion(
            exceptions=[
                Override("a", when=members > 100, then=True),
                Override("b", when=members > 100, then=False),
            ]
        )


def test_static_conflict_on_an_amount() -> None:
    with pytest.raises(SchemeDefinitionError, match="amount award: exceptions 'a' and 'b'"):
        Amount(
            "award",
            Euro("100.00"),
            basis=BASIS,
            exceptions=(
                Override("a", when=youth, then=Euro("200.00")),
                Override("b", when=youth, then=Euro("300.00")),
            ),
        )


def test_same_condition_and_same_replacement_is_no_conflict() -> None:
    rule = criterion(
        exceptions=[
            Override("a", when=members > 100, then=members >= 5),
            Override("b", when=members > 100, then=members >= 5),
        ]
    )
    assert [o.label for o in rule.exceptions] == ["a", "b"]


def test_different_conditions_are_no_static_conflict() -> None:
    rule = criterion(
        exceptions=[
            Override("a", when=youth, then=True),
            Override("b", when=large_club, then=False),
        ]
    )
    assert len(rule.exceptions) == 2


def test_duplicate_exception_labels_are_refused() -> None:
    with pytest.raises(SchemeDefinitionError, match="duplicate exception labels"):
        criterion(
            exceptions=[
                Override("a", when=youth, then=True),
                Override("a", when=large_club, then=True),
            ]
        )


# --- Labelled exceptions: at evaluation -------------------------------------------------------


def conflicting_criterion() -> Criterion:
    return criterion(
        exceptions=[
            Override("young", when=youth, then=True),
            Override("big", when=large_club, then=False),
        ]
    )


def test_conflicting_exceptions_that_both_apply_raise_at_evaluation() -> None:
    scheme = scheme_with(conflicting_criterion())
    with pytest.raises(ExceptionConflict, match=r"applicant\.members.*young, big") as info:
        evaluate(scheme, club(youth_club=True, members=120))
    assert isinstance(info.value, EvaluationError)


@pytest.mark.parametrize(
    ("changes", "outcome", "label"),
    [
        ({"youth_club": True, "members": 50}, Outcome.PASSED, "young"),
        ({"youth_club": True, "members": 10}, Outcome.PASSED, "young"),
        ({"youth_club": False, "members": 120}, Outcome.FAILED, "big"),
        ({"youth_club": False, "members": 50}, Outcome.PASSED, None),
        ({"youth_club": False, "members": 10}, Outcome.FAILED, None),
    ],
)
def test_only_one_exception_applying_is_no_conflict(
    changes: dict[str, Any], outcome: Outcome, label: str | None
) -> None:
    result = evaluate(scheme_with(conflicting_criterion()), club(**changes)).criterion(
        "applicant.members"
    )
    assert (result.outcome, result.exception) == (outcome, label)


def test_agreeing_exceptions_both_apply_and_are_both_reported() -> None:
    rule = criterion(
        members >= 1000,
        exceptions=[
            Override("young", when=youth, then=True),
            Override("big", when=large_club, then=members >= 50),
        ],
    )
    result = evaluate(scheme_with(rule), club(youth_club=True, members=120)).criterion(
        "applicant.members"
    )
    assert result.outcome is Outcome.PASSED
    assert result.exception is not None
    assert set(result.exception.split("+")) == {"young", "big"}


def test_conflicting_amount_exceptions_raise_at_evaluation() -> None:
    award = Amount(
        "award",
        Euro("100.00"),
        basis=BASIS,
        exceptions=(
            Override("young", when=youth, then=Euro("200.00")),
            Override("big", when=large_club, then=Euro("300.00")),
        ),
    )
    scheme = scheme_with(amounts=(award,))
    assert evaluate(scheme, club(youth_club=True, members=50)).award == Euro("200.00")
    assert evaluate(scheme, club(youth_club=False, members=120)).award == Euro("300.00")
    with pytest.raises(ExceptionConflict, match="amount award"):
        evaluate(scheme, club(youth_club=True, members=120))


def test_criterion_exception_label_is_reported() -> None:
    app = attrs.evolve(club(members=10), project=attrs.evolve(club().project, tags=("handisport",)))
    decision = evaluate(sports.SCHEME, app)
    result = decision.criterion("applicant.members")
    assert (result.outcome, result.exception) == (Outcome.PASSED, "handisport")
    assert result.to_json()["exception"] == "handisport"


def test_no_exception_label_when_none_applies() -> None:
    result = evaluate(sports.SCHEME, club()).criterion("applicant.members")
    assert result.exception is None
    assert "exception" not in result.to_json()


def test_amount_exception_label_is_reported() -> None:
    decision = evaluate(sports.SCHEME, club(youth_club=True))
    (award,) = [a for a in decision.amounts if a.id == "award"]
    assert award.exception == "youth"
    assert award.value == Euro("7000.00")  # 70 % of 10 000.01, rounded down to the cent
    assert decision.to_json()["traces"]["award"]["exception"] == "youth"


def test_not_applicable_criterion_skips_its_exceptions() -> None:
    rule = criterion(
        applies_if=~youth,
        exceptions=[Override("young", when=youth, then=False)],
    )
    result = evaluate(scheme_with(rule), club(youth_club=True)).criterion("applicant.members")
    assert (result.outcome, result.exception) == (Outcome.NOT_APPLICABLE, None)


def test_exception_replacement_is_a_constant_when_plain() -> None:
    override = Override("young", when=youth, then=Euro("1.00"))
    assert override.then.same_as(const(Euro("1.00")))
    assert param("ceiling").same_as(Override("x", when=youth, then=param("ceiling")).then)
