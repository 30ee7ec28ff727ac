"""Tests of grantrules.schema: the JSON Schema agrees with what the converter accepts."""

from __future__ import annotations

import copy
import datetime
import importlib
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import attrs
import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev tools
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.model import APPLICATION_ID_PATTERN, Applicant, Application, luhn_valid
from grantrules.money import Euro
from grantrules.registry import installed_schemes, load_scheme
from grantrules.schema import DRAFT, json_schema
from grantrules.serde import structure_application, unstructure_application
from grantrules.testing.examples import example_scheme


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()
SCHEME = sports.SCHEME
AMI = "ami-ia-hdf"
EXAMPLES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"
needs_ami = pytest.mark.skipif(AMI not in installed_schemes(), reason="AMI scheme not installed")


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


SPORTS = validator(json_schema(SCHEME))


def sports_document() -> dict[str, Any]:
    return copy.deepcopy(unstructure_application(sports.application()))


def test_schema_header() -> None:
    schema = json_schema(SCHEME)
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:grantrules:scheme:sports-equipment:application"
    assert schema["title"] == "Aide à l'équipement sportif"
    assert schema["type"] == "object"
    assert schema["required"] == ["id", "submitted_on", "project", "applicant"]


def test_every_object_is_closed_and_lists_its_required_fields() -> None:
    schema = json_schema(SCHEME)
    objects = [schema, *schema["$defs"].values()]
    assert sorted(schema["$defs"]) == [
        "FinancingLine",
        "Project",
        "SportsApplicant",
        "SportsCostLine",
    ]
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert set(obj["required"]) <= set(obj["properties"])
    cost = schema["$defs"]["SportsCostLine"]
    assert cost["required"] == ["label", "amount_excl_vat", "category"]


def test_field_types() -> None:
    defs = json_schema(SCHEME)["$defs"]
    cost, applicant, project = defs["SportsCostLine"], defs["SportsApplicant"], defs["Project"]
    amount = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"}
    assert cost["properties"]["amount_excl_vat"] == amount
    assert cost["properties"]["vat"] == {**amount, "default": "0.00"}
    assert cost["properties"]["category"] == {
        "type": "string",
        "enum": ["equipment", "installation", "travel"],
    }
    assert cost["properties"]["vat_recoverable"] == {"type": "boolean", "default": False}
    assert applicant["properties"]["siren"] == {
        "type": "string",
        "pattern": "^[0-9]{9}$",
        "not": {"const": "000000000"},
    }
    assert applicant["properties"]["members"] == {
        "anyOf": [{"type": "integer"}, {"type": "null"}],
        "default": None,
    }
    assert project["properties"]["start_date"] == {
        "type": "string",
        "format": "date",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    }
    assert project["properties"]["tags"] == {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
    }
    assert project["properties"]["title"]["minLength"] == 1
    assert json_schema(SCHEME)["properties"]["costs"]["items"] == {"$ref": "#/$defs/SportsCostLine"}


def test_the_sports_application_validates() -> None:
    SPORTS.validate(sports_document())


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["costs"][0].update(amount_excl_vat=8000.0), "amount_excl_vat"),
        (lambda d: d["costs"][0].update(amount_excl_vat="-1.00"), "amount_excl_vat"),
        (lambda d: d["costs"][0].update(category="food"), "category"),
        (lambda d: d["applicant"].update(colour="blue"), "colour"),
        (lambda d: d["applicant"].update(siren="12345678"), "siren"),
        (lambda d: d["project"].pop("start_date"), "start_date"),
        (lambda d: d.update(submitted_on="14/03/2025"), "submitted_on"),
        (lambda d: d["project"].update(title=""), "title"),
    ],
)
def test_invalid_documents_fail_the_schema(change: Any, where: str) -> None:
    doc = sports_document()
    change(doc)
    errors = list(SPORTS.iter_errors(doc))
    assert errors
    assert any(where in e.message or where in list(e.absolute_path) for e in errors)


# --- the property: whatever the converter accepts, the schema accepts

texts = st.text(st.characters(codec="utf-8"), max_size=20)
words = texts.filter(str.strip)
amounts = st.decimals(
    places=2, allow_nan=False, allow_infinity=False, min_value=0, max_value=10**7
).map(lambda d: format(d, "f"))
days = st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)).map(datetime.date.isoformat)


@st.composite
def sirens(draw: st.DrawFn) -> str:
    stem = draw(st.from_regex(r"[0-9]{8}", fullmatch=True).filter(lambda s: s != "00000000"))
    return next(stem + d for d in "0123456789" if luhn_valid(stem + d))


def with_optional(required: dict[str, Any], optional: dict[str, Any]) -> Any:
    """Objects with every required key and any subset of the optional ones."""
    return st.fixed_dictionaries(required, optional=optional)


costs = with_optional(
    {
        "category": st.sampled_from(["equipment", "installation", "travel"]),
        "label": words,
        "amount_excl_vat": amounts,
    },
    {"vat": amounts, "vat_recoverable": st.booleans()},
)
financing = with_optional({"source": texts, "amount": amounts}, {"funder": st.none() | texts})
documents = with_optional(
    {
        "id": st.from_regex(APPLICATION_ID_PATTERN, fullmatch=True),
        "submitted_on": days,
        "applicant": with_optional(
            {
                "name": words,
                "siren": sirens(),
                "legal_category": st.from_regex(r"[0-9]{4}", fullmatch=True),
                "commune_code": st.from_regex(r"([0-9]{2}|2A|2B)[0-9]{3}", fullmatch=True),
            },
            {"members": st.none() | st.integers(-5, 10**6), "youth_club": st.booleans()},
        ),
        "project": with_optional(
            {"title": words, "start_date": days, "end_date": days},
            {"description": texts, "tags": st.lists(texts, max_size=3)},
        ),
    },
    {"costs": st.lists(costs, max_size=4), "financing": st.lists(financing, max_size=3)},
)


@settings(deadline=None)  # structures and validates against a JSON Schema per example
@given(documents)
def test_every_document_the_converter_accepts_validates(document: dict[str, Any]) -> None:
    app = structure_application(SCHEME, document)  # the strategy builds valid documents
    SPORTS.validate(document)
    SPORTS.validate(json.loads(json.dumps(unstructure_application(app))))


def test_generated_amounts_have_two_decimals() -> None:
    assert format(Decimal("5.00"), "f") == "5.00"
    assert Euro("5.00").amount == Decimal("5.00")


# --- shipped examples


@needs_ami
def test_every_shipped_example_validates() -> None:
    scheme = load_scheme(AMI)
    check = validator(json_schema(scheme))
    files = sorted(p for p in EXAMPLES.glob("*.json") if p.name != "expected.json")
    assert files
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        check.validate(document)
        structure_application(scheme, document)
    for line in (EXAMPLES / "call.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            check.validate(json.loads(line))


# --- schemes of one's own (classes at module level: annotations are resolved by name)


@attrs.frozen(kw_only=True)
class Club(Applicant):
    federation: str = attrs.field(
        default="FFJ", metadata={"json_schema": {"pattern": "^[A-Z]{3}$"}}
    )
    level: Literal[1, 2, 3] = 1


@attrs.frozen(kw_only=True)
class ClubApplication(Application):
    applicant: Club


@attrs.frozen(kw_only=True)
class Adjusted(Application):
    adjustment: Euro = Euro.ZERO


@attrs.frozen(kw_only=True)
class Odd(Application):
    ratio: float = 0


def test_a_field_may_give_its_own_schema_keywords() -> None:
    schema = json_schema(attrs.evolve(example_scheme(), application_type=ClubApplication))
    properties = schema["$defs"]["Club"]["properties"]
    assert properties["federation"] == {"type": "string", "pattern": "^[A-Z]{3}$", "default": "FFJ"}
    assert properties["level"] == {"enum": [1, 2, 3], "default": 1}


def test_signed_amounts_where_the_model_allows_them() -> None:
    schema = json_schema(attrs.evolve(example_scheme(), application_type=Adjusted))
    assert schema["properties"]["adjustment"]["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
    cost = schema["$defs"]["CostLine"]["properties"]["amount_excl_vat"]
    assert cost["pattern"] == r"^[0-9]+\.[0-9]{2}$"


def test_types_json_cannot_carry_are_refused() -> None:
    with pytest.raises(SchemeDefinitionError, match="cannot describe the type"):
        json_schema(attrs.evolve(example_scheme(), application_type=Odd))


def test_json_schema_wants_a_scheme() -> None:
    with pytest.raises(InvalidArgument):
        json_schema("sports-equipment")  # type: ignore[arg-type]
