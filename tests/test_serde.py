"""Tests of grantrules.serde: strict JSON in and out, every problem with its JSON path."""

from __future__ import annotations

import copy
import datetime
import importlib
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import cattrs
import pytest

from grantrules.decision import Decision
from grantrules.errors import ApplicationInvalid, InvalidArgument
from grantrules.evaluate import evaluate
from grantrules.model import FinancingLine
from grantrules.money import Euro
from grantrules.serde import (
    converter,
    decision_from_json,
    decision_to_json,
    loads,
    make_converter,
    parse_application,
    problems,
    structure_application,
    unstructure_application,
)


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()
SCHEME = sports.SCHEME


def document(**changes: Any) -> dict[str, Any]:
    """The JSON document of the sports test application, top-level keys replaced."""
    doc: dict[str, Any] = unstructure_application(sports.application())
    doc.update(changes)
    return copy.deepcopy(doc)


def problems_of(doc: Any) -> list[tuple[str, str]]:
    with pytest.raises(ApplicationInvalid) as caught:
        structure_application(SCHEME, doc)
    return [(p.path, p.message) for p in caught.value.problems]


# --- round trips


def test_document_form_of_an_application() -> None:
    doc = document()
    assert doc["submitted_on"] == "2025-03-14"
    assert doc["costs"][1] == {
        "category": "installation",
        "label": "Pose",
        "amount_excl_vat": "2000.01",
        "vat": "0.00",
        "vat_recoverable": False,
    }
    assert doc["project"]["tags"] == []
    assert doc["applicant"]["members"] == 120


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"financing": (FinancingLine(source="city", amount=Euro("12.30"), funder="Ville"),)},
        {"applicant": attrs.evolve(sports.application().applicant, members=None)},
        {"project": attrs.evolve(sports.application().project, tags=("handisport", "judo"))},
        {"costs": ()},
    ],
)
def test_application_round_trip_through_json(changes: dict[str, Any]) -> None:
    app = sports.application(**changes)
    text = json.dumps(unstructure_application(app))
    assert parse_application(SCHEME, text) == app
    assert parse_application(SCHEME, text.encode("utf-8")) == app


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    text = json.dumps(document(), ensure_ascii=False).encode("utf-8-sig")
    assert parse_application(SCHEME, text) == sports.application()


def _decisions() -> list[Decision]:
    app = sports.application()
    applicant = app.applicant
    return [
        evaluate(SCHEME, app),
        evaluate(SCHEME, app, lang="en"),
        evaluate(SCHEME, sports.application(applicant=attrs.evolve(applicant, members=3))),
        evaluate(SCHEME, sports.application(applicant=attrs.evolve(applicant, members=None))),
        evaluate(SCHEME, sports.application(applicant=attrs.evolve(applicant, youth_club=True))),
        evaluate(SCHEME.with_parameters(grant_rate="40%"), app),
        evaluate(SCHEME, app, on=datetime.date(2026, 2, 1)),
    ]


@pytest.mark.parametrize("decision", _decisions(), ids=lambda d: d.application + d.lang)
def test_decision_round_trip_through_json(decision: Decision) -> None:
    text = decision_to_json(decision)
    assert json.loads(text) == decision.to_json()
    assert decision_from_json(text) == decision
    assert decision_from_json(text.encode("utf-8")) == decision


def test_decision_json_keeps_non_ascii_text() -> None:
    text = decision_to_json(evaluate(SCHEME, sports.application()))
    assert "Délibération" in text


@pytest.mark.parametrize(
    "text",
    ["", "[]", "{}", '{"scheme": "x"}', "nope", '{"scheme": 1, "amounts": 2}'],
)
def test_reading_something_that_is_not_a_decision(text: str) -> None:
    with pytest.raises(InvalidArgument):
        decision_from_json(text)


def test_decision_to_json_wants_a_decision() -> None:
    with pytest.raises(InvalidArgument, match="expected a Decision"):
        decision_to_json({"eligible": True})  # type: ignore[arg-type]


# --- one problem at a time, with its exact path and message


def _with(path: str, value: Any) -> dict[str, Any]:
    doc = document()
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is _DELETE:
        del node[key]
    else:
        node[key] = value
    return doc


_DELETE = object()
AMOUNT = 'expected an amount string like "1200.00", got '
COST_1 = "$.costs[1].amount_excl_vat"


@pytest.mark.parametrize(
    ("where", "value", "path", "message"),
    [
        ("costs.1.amount_excl_vat", 30000.0, COST_1, AMOUNT + "the number 30000.0"),
        ("costs.1.amount_excl_vat", 30000, COST_1, AMOUNT + "the number 30000"),
        ("costs.0.vat", True, "$.costs[0].vat", AMOUNT + "true"),
        ("costs.0.vat", None, "$.costs[0].vat", AMOUNT + "null"),
        ("costs.0.vat", "12.5", "$.costs[0].vat", AMOUNT + 'the string "12.5"'),
        ("costs.0.vat", "1 200,00", "$.costs[0].vat", AMOUNT + 'the string "1 200,00"'),
        ("costs.0.vat", "-160.00", "$.costs[0].vat", "must not be negative, got -160.00"),
        ("applicant.siren", "775672273", "$.applicant.siren",
         "SIREN '775672273' fails the Luhn check (a digit is probably mistyped)"),
        ("applicant.siren", "77567227", "$.applicant.siren", "a SIREN is 9 digits, got '77567227'"),
        ("applicant.colour", "blue", "$.applicant.colour",
         "unknown field (expected one of 'name', 'siren', 'legal_category', 'commune_code', "
         "'members', 'youth_club')"),
        ("applicant.nmae", "X", "$.applicant.nmae",
         "unknown field (did you mean 'name'? expected one of 'name', 'siren', "
         "'legal_category', 'commune_code', 'members', 'youth_club')"),
        ("project.start_date", _DELETE, "$.project.start_date", "required field missing"),
        ("project", _DELETE, "$.project", "required field missing"),
        ("project.end_date", "2025-02-30", "$.project.end_date",
         "'2025-02-30' is not a real date (day is out of range for month): "
         "check the day and month"),
        ("project.end_date", "30/09/2025", "$.project.end_date",
         "expected a date written YYYY-MM-DD like '2024-11-01', got '30/09/2025'"),
        ("submitted_on", 20250314, "$.submitted_on",
         'expected a date string like "2025-03-14", got the number 20250314'),
        ("project.title", "  ", "$.project.title", "must not be empty"),
        ("id", "", "$.id", "must not be empty"),
        ("applicant.name", 12, "$.applicant.name", "expected a string, got the number 12"),
        ("applicant.members", "120", "$.applicant.members",
         'expected a whole number, got the string "120"'),
        ("applicant.members", 120.0, "$.applicant.members",
         "expected a whole number, got the number 120.0"),
        ("applicant.members", True, "$.applicant.members", "expected a whole number, got true"),
        ("applicant.youth_club", 1, "$.applicant.youth_club",
         "expected true or false, got the number 1"),
        ("costs.0.category", "food", "$.costs[0].category",
         "expected one of 'equipment', 'installation', 'travel', got the string \"food\""),
        ("project.tags", "judo", "$.project.tags", 'expected an array, got the string "judo"'),
        ("project.tags", {"a": 1}, "$.project.tags", "expected an array, got an object"),
        ("costs", {"0": {}}, "$.costs", "expected an array, got an object"),
        ("applicant", [], "$.applicant", "expected an object, got an array"),
        ("costs.1", "Pose", "$.costs[1]", 'expected an object, got the string "Pose"'),
        ("applicant.legal_category", "92", "$.applicant.legal_category",
         "expected an INSEE legal category of 4 digits like '7210', got '92'"),
    ],
)  # fmt: skip
def test_each_problem_is_located_and_explained(
    where: str, value: Any, path: str, message: str
) -> None:
    assert problems_of(_with(where, value)) == [(path, message)]


def test_every_problem_is_reported_at_once() -> None:
    doc = document()
    doc["submitted_on"] = "2025-13-01"
    doc["applicant"].update(siren="775672273", name="", colour="blue")
    doc["costs"][0].update(label="", amount_excl_vat=8000.0)
    doc["costs"][1]["category"] = "food"
    doc["costs"].append(7)
    del doc["project"]["end_date"]
    found = problems_of(doc)
    assert sorted(path for path, _ in found) == [
        "$.applicant.colour",
        "$.applicant.name",
        "$.applicant.siren",
        "$.costs[0].amount_excl_vat",
        "$.costs[0].label",
        "$.costs[1].category",
        "$.costs[2]",
        "$.project.end_date",
        "$.submitted_on",
    ]


def test_messages_show_no_python_internals() -> None:
    doc = document(applicant={"siren": 5, "x": None}, costs=[{"vat": 1.5}], project=3)
    for path, message in problems_of(doc):
        assert path.startswith("$")
        for internal in ("<class", "invalid value @", "cattrs", "Error", "NoneType", "__"):
            assert internal not in message, (path, message)


def test_problem_codes_are_stable() -> None:
    doc = _with("applicant.colour", "blue")
    doc["costs"][0]["vat"] = 1.5
    doc["costs"][1]["vat"] = "-1.00"
    del doc["project"]["title"]
    with pytest.raises(ApplicationInvalid) as caught:
        structure_application(SCHEME, doc)
    codes = {p.path: p.code for p in caught.value.problems}
    assert codes == {
        "$.applicant.colour": "unknown-field",
        "$.costs[0].vat": "wrong-type",
        "$.costs[1].vat": "invalid-value",
        "$.project.title": "missing",
    }


def test_application_invalid_is_a_value_error_with_every_problem_in_its_message() -> None:
    doc = _with("project.end_date", "x")
    doc["applicant"]["siren"] = "1"
    with pytest.raises(ValueError, match=r"(?s)\$\.project\.end_date: .*\$\.applicant\.siren"):
        structure_application(SCHEME, doc)


def test_a_huge_amount_is_refused_with_euros_own_reason() -> None:
    [(path, message)] = problems_of(_with("costs.0.vat", "12345678901234567.00"))
    assert path == "$.costs[0].vat"
    assert "below 10**16 euros" in message


# --- not JSON, not an object


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "app.json is empty: expected a JSON object (the application)"),
        ("  \n ", "app.json is empty: expected a JSON object (the application)"),
        ("nope", "app.json is not JSON: Expecting value (column 1)"),
        ('{"id": NaN}', "app.json: NaN is not a JSON number"),
        ('{"id": "A", "id": "B"}', "app.json: the key 'id' appears twice in one object"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ('"text"', 'expected a JSON object, got the string "text"'),
        (
            b"\xff\xfe",
            "app.json is not UTF-8 text (it looks like UTF-16): invalid start byte at byte 0; "
            "save it as UTF-8",
        ),
    ],
)  # fmt: skip
def test_text_that_is_not_an_application(text: str | bytes, message: str) -> None:
    with pytest.raises(ApplicationInvalid) as caught:
        parse_application(SCHEME, text, source="app.json")
    assert [(p.path, p.message) for p in caught.value.problems] == [("$", message)]


def test_syntax_errors_give_line_and_column_in_multi_line_text() -> None:
    text = '{\n  "id": "A",\n}'
    with pytest.raises(ApplicationInvalid) as caught:
        parse_application(SCHEME, text, source="app.json")
    message = caught.value.problems[0].message
    assert message.startswith("app.json is not JSON: ")
    # The wording and the exact position are the json module's and vary between Python versions
    # (3.11 points at the closing brace, 3.13 at the trailing comma): check that a line and a
    # column are given and that they point into the faulty span, from the comma to the brace.
    where = re.search(r"\(line (\d+), column (\d+)\)$", message)
    assert where is not None, message
    line, column = int(where[1]), int(where[2])
    lines = text.split("\n")
    assert 1 <= line <= len(lines), message
    assert 1 <= column <= len(lines[line - 1]) + 1, message
    offset = sum(len(earlier) + 1 for earlier in lines[: line - 1]) + column - 1
    assert text.rindex(",") <= offset <= text.rindex("}"), message


def test_loads_refuses_other_types() -> None:
    with pytest.raises(InvalidArgument):
        loads(12)  # type: ignore[arg-type]


def test_structure_application_checks_its_arguments() -> None:
    with pytest.raises(InvalidArgument, match="expected a Scheme"):
        structure_application("sports-equipment", document())  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="expected an Application"):
        unstructure_application(document())  # type: ignore[arg-type]


def test_evaluate_reads_documents_through_the_converter() -> None:
    assert evaluate(SCHEME, document()) == evaluate(SCHEME, sports.application())
    with pytest.raises(ApplicationInvalid):
        evaluate(SCHEME, _with("costs.0.vat", 1.0))


# --- the converter itself


def test_one_converter_built_once_and_not_the_global_one() -> None:
    assert converter() is converter()
    assert converter() is not cattrs.global_converter
    assert make_converter() is not converter()
    # cattrs' global converter is untouched: it knows nothing of our strict amount hook.
    assert cattrs.global_converter.structure("12", str) == "12"
    with pytest.raises(Exception):  # noqa: B017, PT011 - any cattrs failure will do
        cattrs.global_converter.structure("12.00", Euro)


def test_problems_of_a_plain_exception() -> None:
    assert [str(p) for p in problems(KeyError("x"), "$.a")] == ["$.a: required field missing"]
    assert [str(p) for p in problems(RuntimeError("boom"))] == ["$: cannot be read (boom)"]


def test_strict_hooks_work_inside_the_converter_too() -> None:
    assert converter().structure("2025-03-14", datetime.date) == datetime.date(2025, 3, 14)
    assert converter().unstructure(datetime.date(2025, 3, 14)) == "2025-03-14"
    assert converter().unstructure(Euro("200000")) == "200000.00"
