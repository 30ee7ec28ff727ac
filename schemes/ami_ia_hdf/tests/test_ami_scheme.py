"""The AMI IA scheme package: registration, bases, reference data and the shipped examples."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from ami_ia_hdf import rules
from ami_ia_hdf.communes import commune_codes, communes
from grantrules import Basis, Euro, evaluate, installed_schemes, load_scheme
from grantrules.authoring import DOWN, param
from grantrules.render import scheme_markdown
from grantrules.schema import json_schema
from grantrules.scheme import Scheme
from grantrules.serde import structure_application
from grantrules.testing.invariants import check_application

EXAMPLES = Path(__file__).parents[1] / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))

CRITERIA = {
    "applicant.category",
    "applicant.mandate",
    "applicant.location",
    "call.window",
    "project.ai_use_case",
    "project.dates",
    "project.not_completed",
    "project.cost_range",
    "financing.balanced",
    "financing.own_share",
    # Beyond the domain file (inferred, 2026-12): found by `grantrules check`, an applicant
    # outside the own-share rule could be funded above its project's cost.
    "financing.within_cost",
    "state_aid.de_minimis",
    "financing.feder_line",
    "costs.ineligible_lines",
}
WARNINGS = {"financing.feder_line", "costs.ineligible_lines"}


def documents() -> dict[str, dict[str, Any]]:
    found = {p.name: json.loads(p.read_text("utf-8")) for p in EXAMPLES.glob("*.json")}
    del found["expected.json"]
    for line in (EXAMPLES / "call.jsonl").read_text("utf-8").splitlines():
        document = json.loads(line)
        found[document["id"]] = document
    return found


DOCUMENTS = documents()
SCHEME = load_scheme("ami-ia-hdf")
VERSION = SCHEME.versions[0]


def test_the_scheme_is_registered_under_its_id() -> None:
    assert "ami-ia-hdf" in installed_schemes()
    assert SCHEME.distribution is not None
    assert SCHEME.distribution[0] == "grantrules-ami-ia-hdf"


def test_criteria_ids_and_severities_are_those_of_the_domain_file() -> None:
    assert {c.id for c in VERSION.criteria} == CRITERIA
    assert {c.id for c in VERSION.criteria if c.severity.value == "warning"} == WARNINGS


def test_the_designated_amounts_exist() -> None:
    assert {"total_cost", "eligible_cost", "award"} <= {a.id for a in VERSION.amounts}
    assert VERSION.award == "award"
    assert set(VERSION.derived) == {"cost_option"}


def _has_basis(basis: object) -> bool:
    return isinstance(basis, Basis) and bool(basis.title.strip())


def test_every_rule_has_a_basis_and_messages_in_both_languages() -> None:
    for criterion in VERSION.criteria:
        assert _has_basis(criterion.basis), criterion.id
        for texts in (criterion.passed, criterion.failed, criterion.not_applicable):
            assert texts["fr"].strip(), criterion.id
            assert texts["en"].strip(), criterion.id
    for amount in VERSION.amounts:
        assert _has_basis(amount.basis), amount.id
    for obligation in VERSION.obligations:
        assert _has_basis(obligation.basis), obligation.id
        assert obligation.text["fr"]
        assert obligation.text["en"]


def test_every_parameter_value_has_a_basis_and_uncertain_ones_a_note() -> None:
    for name in VERSION.parameters:
        for value in VERSION.parameters[name].values:
            assert _has_basis(value.basis), name
            assert value.basis.reliability in ("verified", "press", "inferred"), name
            if value.basis.reliability != "verified":
                assert value.note, f"{name}: a press or inferred value must say so in a note"


def test_parameters_hold_the_decided_values() -> None:
    on = VERSION.valid_from
    params = VERSION.parameters
    assert params["envelope"].at(on) == Euro("5000000.00")
    assert params["feder_rate"].at(on).value == Decimal("0.6")
    assert params["min_total_cost"].at(on) == Euro("70000.00")
    assert params["max_total_cost"].at(on) == Euro("250000.00")
    assert params["award_ceiling"].at(on) == Euro("150000.00")
    assert params["region_departements"].at(on) == ("02", "59", "60", "62", "80")


def test_the_communes_are_the_2025_geographic_code_of_the_region() -> None:
    table = communes()
    assert len(table) == 3782
    assert table["59350"].name == "Lille"
    assert {c.departement for c in table.values()} == {"02", "59", "60", "62", "80"}
    assert all(code[:2] == c.departement for code, c in table.items())
    assert "59000" not in commune_codes()  # a postcode, not a commune
    provenance = Path(__file__).parents[1] / "src" / "ami_ia_hdf" / "data" / "PROVENANCE.md"
    assert "Licence Ouverte" in provenance.read_text("utf-8")


@pytest.mark.parametrize("key", sorted(DOCUMENTS))
def test_examples_give_the_independently_computed_verdicts(key: str) -> None:
    decision = evaluate(SCHEME, DOCUMENTS[key])
    expected = EXPECTED[key]
    assert decision.eligible is expected["eligible"]
    assert sorted(c.id for c in decision.failed) == sorted(expected["failed"])
    assert str(decision.amount("total_cost")) == expected["total_cost"]
    assert str(decision.amount("eligible_cost")) == expected["eligible_cost"]
    assert str(decision.award) == expected["award"]


def test_the_domain_example() -> None:
    decision = evaluate(SCHEME, DOCUMENTS["lille-deliberations.json"])
    assert decision.eligible
    assert decision.award == Euro("60000.00")
    assert decision.amount("total_cost") == decision.amount("eligible_cost") == Euro("100000.00")
    assert decision.derived["cost_option"] == "draft_budget"
    assert [o.id for o in decision.obligations] == [
        "workshops",
        "eu_visibility",
        "final_report",
        "keep_documents",
    ]


def test_every_example_validates_against_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema(SCHEME))
    for key, document in DOCUMENTS.items():
        assert not list(validator.iter_errors(document)), key


def test_the_reglement_lists_the_open_questions() -> None:
    text = scheme_markdown(SCHEME, "fr")
    for question in SCHEME.metadata.open_questions:
        assert question["fr"] in text
    assert "L1111-10" in text


DECLARED = {
    "award.within_rate",
    "award.within_ceiling",
    "financing.within_cost",
    "financing.public_cap",
}


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Invariants de financement"), ("en", "Funding invariants")]
)
def test_the_funding_invariants_are_in_the_reglement(lang: str, heading: str) -> None:
    scheme = load_scheme("ami-ia-hdf")
    assert {i.id for i in scheme.versions[-1].invariants} == DECLARED
    text = scheme_markdown(scheme, lang)
    section = text[text.index(f"### {heading}") :]
    section = section[: section.index("\n### ", 5)]
    for invariant_id in DECLARED:
        assert f"`{invariant_id}`" in section
    assert "art. L1111-10 III" in section


def _own_share_rounded_down() -> Scheme:
    """The AMI with its own-share threshold rounded down to the cent: a cent short passes."""
    scheme = load_scheme("ami-ia-hdf")
    base = rules.own_funds + rules.award + rules.other_public
    lax = rules.own_funds >= param("min_own_share").of(base, rounding=DOWN)
    versions = [
        attrs.evolve(
            v,
            criteria=[
                attrs.evolve(c, condition=lax) if c.id == "financing.own_share" else c
                for c in v.criteria
            ],
        )
        for v in scheme.versions
    ]
    return attrs.evolve(scheme, versions=versions)


def test_the_public_cap_catches_an_own_share_rounded_down() -> None:
    document = documents()["lille-deliberations.json"]
    document["costs"][2]["amount_excl_vat"] = "25000.01"  # total 100,000.01; award 60,000.00
    # 20 % of 100,000.01 is 20,000.002: own funds of 20,000.00 are a fraction of a cent short.
    document["financing"] = [
        {"source": "feder", "amount": "60000.00"},
        {"source": "own_funds", "amount": "20000.00"},
        {"source": "other_public", "funder": "Département du Nord", "amount": "20000.01"},
    ]
    scheme = load_scheme("ami-ia-hdf")
    decision = evaluate(scheme, document)
    assert decision.failed_ids == ("financing.own_share",)
    broken = _own_share_rounded_down()
    assert evaluate(broken, document).eligible
    check_application(scheme, structure_application(scheme, document))  # nothing to report
    with pytest.raises(ExceptionGroup) as caught:
        check_application(broken, structure_application(broken, document))
    (violation,) = caught.value.exceptions
    assert violation.invariant == "scheme.financing.public_cap"
    assert "L1111-10 III" in str(violation)
