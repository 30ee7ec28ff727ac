"""Message checks and wording (issue 14, item 5)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from grantrules.basis import Basis
from grantrules.errors import SchemeDefinitionError
from grantrules.evaluate import evaluate
from grantrules.expressions import RenderContext, const, field, maximum, minimum, param
from grantrules.money import Euro, Rate
from grantrules.rules import Criterion, Override

sys.path.insert(0, str(Path(__file__).parent / "schemes"))
sports: Any = importlib.import_module("sports")

BASIS = Basis("Règlement", "art. 2")
members = field("applicant.members")


def _criterion(**changes: Any) -> Criterion:
    arguments: dict[str, Any] = {
        "basis": BASIS,
        "failed": {"fr": "{applicant.members} adhérents.", "en": "{applicant.members} members."},
    }
    arguments.update(changes)
    return Criterion("applicant.members", members >= param("min_members"), **arguments)


def test_a_placeholder_typo_is_refused_naming_criterion_and_placeholder() -> None:
    with pytest.raises(
        SchemeDefinitionError,
        match=r"criterion applicant\.members: the failed message \(en\) has the placeholder "
        r"\{applicant\.member\}, which the criterion does not read; placeholders it can fill: "
        r"applicant\.members, min_members",
    ):
        _criterion(failed={"fr": "{applicant.members}.", "en": "{applicant.member} members."})


def test_a_value_read_only_through_an_amount_is_not_a_placeholder() -> None:
    # The issue's {max_public_rate}: read by the award, not by the criterion.
    with pytest.raises(SchemeDefinitionError, match=r"\{max_public_rate\}"):
        _criterion(passed={"fr": "Taux {max_public_rate}.", "en": "Rate {max_public_rate}."})


def test_details_rule_and_missing_placeholders_are_known() -> None:
    _criterion(
        details={"needed": param("min_members")},
        passed={"fr": "{rule} ({needed}).", "en": "{rule} ({needed})."},
        missing={"fr": "Manque {missing}.", "en": "Missing {missing}."},
    )
    with pytest.raises(SchemeDefinitionError, match=r"failed message \(fr\) .*\{rule\}"):
        _criterion(failed={"fr": "{rule}", "en": "No."})
    with pytest.raises(SchemeDefinitionError, match=r"exception low .*\{applicant\.age\}"):
        _criterion(
            exceptions=[
                Override(
                    "low",
                    const(True),
                    members >= 1,
                    failed={"fr": "{applicant.age}", "en": "{applicant.age}"},
                )
            ]
        )


def _handisport_scheme(**override_texts: Any) -> Any:
    members = next(c for c in sports.CRITERIA if c.id == "applicant.members")
    override = attrs.evolve(members.exceptions[0], **override_texts)
    changed = attrs.evolve(
        members,
        exceptions=[override],
        passed={"fr": "Critère rempli : {rule}.", "en": "Criterion met: {rule}."},
    )
    criteria = [changed if c is members else c for c in sports.CRITERIA]
    version = attrs.evolve(sports.VERSION_2025, criteria=criteria)
    return attrs.evolve(sports.SCHEME, versions=[version])


def _handisport_app(members: int) -> Any:
    app = sports.application()
    return attrs.evolve(
        app,
        applicant=attrs.evolve(app.applicant, members=members),
        project=attrs.evolve(app.project, tags=("handisport",)),
    )


def test_the_passed_message_says_the_exception_applied() -> None:
    decision = evaluate(_handisport_scheme(), _handisport_app(12), lang="en")
    result = decision.criterion("applicant.members")
    assert result.exception == "handisport"
    assert result.message.startswith("Criterion met: by exception (handisport), if ")
    plain = evaluate(_handisport_scheme(), sports.application(), lang="en")
    assert plain.criterion("applicant.members").message == (
        "Criterion met: the membership is at least 20."
    )


def test_an_exception_carries_its_own_messages() -> None:
    scheme = _handisport_scheme(
        passed={
            "fr": "Club handisport : {applicant.members} adhérents suffisent.",
            "en": "Handisport club: {applicant.members} members are enough.",
        },
        failed={
            "fr": "Club handisport : {applicant.members} adhérents, trop peu.",
            "en": "Handisport club: {applicant.members} members, too few.",
        },
    )
    passed = evaluate(scheme, _handisport_app(12), lang="en").criterion("applicant.members")
    assert passed.message == "Handisport club: 12 members are enough."
    failed = evaluate(scheme, _handisport_app(1), lang="fr").criterion("applicant.members")
    assert failed.message == "Club handisport : 1 adhérents, trop peu."
    # The JSON text written by the generated path agrees with the objects.
    decision = evaluate(scheme, _handisport_app(12), lang="en")
    assert decision.to_json()["criteria"][1]["message"] == "Handisport club: 12 members are enough."


def test_nested_extrema_read_unambiguously() -> None:
    expr = maximum(minimum(field("x"), field("y")), Euro.ZERO)
    assert expr.render(RenderContext("fr")) == (
        "le plus grand des montants suivants : "
        "(le plus petit des montants suivants : x et y) et 0,00\u00a0€"
    )
    assert minimum(field("a"), field("b"), field("c")).render(RenderContext("en")) == (
        "the least of the following: a, b and c"
    )


def test_rates_read_with_a_no_break_space_in_french_everywhere() -> None:
    rule = Override("qpv", field("x"), const(Rate("80%")))
    assert rule.render(RenderContext("fr")).endswith("80\u00a0%")
    assert const(Rate("12.5%")).render(RenderContext("fr")) == "12,5\u00a0%"
    assert const(Rate("80%")).render(RenderContext("en")) == "80%"


def test_french_verbs_agree_with_plural_subjects_and_de_contracts() -> None:
    labels = {
        "field:other": {"fr": "les autres financements publics", "en": "other public funding"},
        "param:cap": {"fr": "le taux plafond", "en": "the cap rate"},
        "field:cost": {"fr": "le coût", "en": "the cost"},
    }
    fr = RenderContext("fr", labels)
    assert (field("other") < param("cap")).render(fr) == (
        "les autres financements publics restent en deçà du taux plafond"
    )
    assert (field("cost") != param("cap")).render(fr) == "le coût diffère du taux plafond"
    assert (field("other") <= field("cost")).render(fr) == (
        "les autres financements publics ne dépassent pas le coût"
    )
    assert (
        field("other")
        .between(field("cost"), param("cap"))
        .render(fr)
        .startswith("les autres financements publics se situent entre")
    )
    assert (field("other") < param("cap")).render(RenderContext("en", labels)) == (
        "other public funding is less than the cap rate"
    )


def test_a_shift_by_a_parameter_of_years_reads_as_a_date() -> None:
    shifted = field("submitted_on").years_before(param("years"))
    labels = {"param:years": {"fr": "la durée de cumul", "en": "the cumulation period"}}
    assert shifted.render(RenderContext("fr", labels)) == (
        "submitted_on moins la durée de cumul (en années)"
    )
    assert shifted.render(RenderContext("fr", labels, params={"years": 3})) == (
        "3 ans avant submitted_on"
    )


def test_reports_write_rates_the_french_way_and_yes_no_parameters_by_label() -> None:
    import json

    from grantrules.registry import load_scheme
    from grantrules.render import decision_text

    scheme = load_scheme("ami-ia-hdf")
    example = Path(__file__).parents[1] / "schemes/ami_ia_hdf/examples/lille-deliberations.json"
    decision = evaluate(scheme, json.loads(example.read_text(encoding="utf-8")))
    text = decision_text(decision, "fr", scheme=scheme)
    assert "feder_rate = 60\u00a0%" in text
    assert "et la TVA non récupérable est éligible, sinon" in text
    assert " et oui, sinon" not in text


def test_a_label_says_it_is_plural() -> None:
    labels = {"field:travel": {"fr": "frais de mission", "en": "travel costs", "number": "plural"}}
    assert (field("travel") <= param("cap")).render(RenderContext("fr", labels)) == (
        "frais de mission ne dépassent pas cap"
    )
    assert (
        field("travel")
        .between(param("a"), param("b"))
        .render(RenderContext("fr", labels))
        .startswith("frais de mission se situent entre")
    )


def test_a_negated_membership_reads_naturally() -> None:
    rule = ~field("category").is_in(param("eligible"))
    assert rule.render(RenderContext("fr")) == "category ne figure pas parmi (eligible)"
    assert rule.render(RenderContext("en")) == "category is not one of (eligible)"
