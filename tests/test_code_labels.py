"""Labels for code values (issue 14, item 4): rules, messages and the règlement name codes."""

from __future__ import annotations

import datetime
from typing import Literal

import pytest

from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, ParameterError
from grantrules.expressions import RenderContext, collection, field, param
from grantrules.model import code_labels
from grantrules.parameters import DatedValue, Parameter, parse_parameters
from grantrules.registry import load_scheme
from grantrules.render import scheme_markdown
from grantrules.rules import Criterion

Kind = Literal["thermal_renovation", "roof"]
BASIS = Basis("Règlement", "art. 1")
TOML = """
[works]
unit = "codes"
[[works.values]]
from = 2025-01-01
value = ["thermal_renovation", "roof"]
basis = { title = "Règlement" }
[works.labels]
thermal_renovation = { fr = "rénovation thermique", en = "thermal renovation" }
"""


def test_a_code_list_parameter_carries_labels() -> None:
    works = parse_parameters(TOML, "p.toml")["works"]
    assert works.code_labels() == {
        "code:thermal_renovation": {"fr": "rénovation thermique", "en": "thermal renovation"}
    }


@pytest.mark.parametrize(
    ("labels", "unit", "message"),
    [
        ({"attic": {"fr": "a", "en": "a"}}, "codes", "'attic' is not one of the codes"),
        ({"roof": {"fr": "toit"}}, "codes", r"roof: expected \{ fr = \.\.\., en = \.\.\. \}"),
        ({"roof": {"fr": "t", "en": "r"}}, "text", "only a parameter of unit 'codes'"),
    ],
)
def test_labels_are_checked(labels: dict[str, object], unit: str, message: str) -> None:
    value: object = ("thermal_renovation", "roof") if unit == "codes" else "roof"
    dated = DatedValue(datetime.date(2025, 1, 1), value, unit, BASIS)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=message):
        Parameter("works", (dated,), unit, labels=labels)  # type: ignore[arg-type]


def test_a_malformed_labels_table_is_a_parameter_error() -> None:
    text = TOML.split("[works.labels]")[0].replace(
        'unit = "codes"\n', 'unit = "codes"\nlabels = 3\n'
    )
    with pytest.raises(ParameterError, match=r"^p\.toml: expected a mapping, got the int 3"):
        parse_parameters(text, "p.toml")


def test_a_literal_field_carries_labels() -> None:
    labels = code_labels(Kind, {"roof": {"fr": "toiture", "en": "roof"}})
    assert labels == {"code:roof": {"fr": "toiture", "en": "roof"}}
    with pytest.raises(InvalidArgument, match="'attic' is not one of the values"):
        code_labels(Kind, {"attic": {"fr": "a", "en": "a"}})
    with pytest.raises(InvalidArgument, match="needs French and English"):
        code_labels(Kind, {"roof": {"fr": "toiture"}})
    with pytest.raises(InvalidArgument, match="a Literal of strings"):
        code_labels(str, {})


def test_rules_and_messages_show_labels_not_codes() -> None:
    works = collection("works")
    labels = code_labels(Kind, {"thermal_renovation": {"fr": "rénovation thermique", "en": "x"}})
    rule = works.kind == "thermal_renovation"
    assert rule.render(RenderContext("fr", labels)) == "works[].kind égale « rénovation thermique »"
    assert rule.render(RenderContext("en", labels)) == "works[].kind equals “x”"
    assert (field("kind") == "roof").render(RenderContext("fr", labels)) == "kind égale 'roof'"
    listed = param("kinds").render(
        RenderContext("fr", labels, params={"kinds": ("thermal_renovation", "roof")})
    )
    assert listed == "rénovation thermique, roof"


def test_the_ami_reglement_and_messages_use_its_code_labels() -> None:
    scheme = load_scheme("ami-ia-hdf")
    text = scheme_markdown(scheme, "fr")
    assert "la source égale « autofinancement »" in text
    assert "ressources humaines (staff)" in text
    assert "'own\\_funds'" not in text


def test_a_message_names_codes_by_their_labels() -> None:
    import importlib
    import sys
    from pathlib import Path

    import attrs

    from grantrules.evaluate import evaluate
    from grantrules.expressions import list_of

    sys.path.insert(0, str(Path(__file__).parent / "schemes"))
    sports = importlib.import_module("sports")
    costs = collection("costs")
    listing = Criterion(
        "costs.listed",
        field("id") != "",
        basis=BASIS,
        failed={"fr": "Non.", "en": "No."},
        passed={"fr": "Dépenses : {categories}.", "en": "Costs: {categories}."},
        details={"categories": list_of(costs.category)},
    )
    version = attrs.evolve(
        sports.VERSION_2025,
        criteria=[listing],
        labels={
            **sports.VERSION_2025.labels,
            "code:equipment": {"fr": "équipement", "en": "equipment"},
            "code:installation": {"fr": "pose", "en": "installation"},
        },
    )
    scheme = attrs.evolve(sports.SCHEME, versions=[version])
    decision = evaluate(scheme, sports.application(), lang="fr")
    assert decision.criterion("costs.listed").message == "Dépenses : équipement, pose."
    assert decision.to_json()["criteria"][0]["message"] == "Dépenses : équipement, pose."
    # The decision's inputs keep the codes themselves.
    assert decision.criterion("costs.listed").inputs["categories"] == ["equipment", "installation"]


def test_the_decision_report_shows_labelled_codes() -> None:
    import json
    from pathlib import Path

    from grantrules.evaluate import evaluate
    from grantrules.render import decision_text

    scheme = load_scheme("ami-ia-hdf")
    example = Path(__file__).parents[1] / "schemes/ami_ia_hdf/examples/dunkerque-ligne-autre.json"
    decision = evaluate(scheme, json.loads(example.read_text(encoding="utf-8")))
    text = decision_text(decision, "fr", scheme=scheme)
    assert "eligible_categories = [ressources humaines, équipements numériques" in text
    # The decision itself keeps the codes.
    inputs = decision.criterion("costs.ineligible_lines").inputs
    assert inputs["eligible_categories"] == ["staff", "equipment", "operating"]
