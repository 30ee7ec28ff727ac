"""Tests of grantrules.decision: the JSON contract and exact round trips."""

from __future__ import annotations

import datetime
import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from grantrules._engine.explanation import Fragments
from grantrules._engine.json_text import COMPACT
from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.decision import CriterionResult, Decision, Provenance
from grantrules.errors import InvalidArgument
from grantrules.evaluate import evaluate
from grantrules.expressions import field, when
from grantrules.money import Euro
from grantrules.rules import Criterion, Outcome, Severity
from grantrules.scheme import Metadata, Scheme, SchemeVersion


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()

TOP_LEVEL = {
    "scheme",
    "scheme_version",
    "application",
    "evaluated_on",
    "eligible",
    "award",
    "amounts",
    "criteria",
    "obligations",
    "provenance",
    "traces",
    "lang",
}
CRITERION_KEYS = {"id", "outcome", "severity", "message", "basis", "inputs"}


def club(**applicant: Any) -> Any:
    base = sports.application()
    return attrs.evolve(base, applicant=attrs.evolve(base.applicant, **applicant))


def handisport_club() -> Any:
    base = club(members=8)
    return attrs.evolve(base, project=attrs.evolve(base.project, tags=("handisport",)))


def missing_amount_decision() -> Decision:
    """An amount that cannot be computed: its value is None and its trace names the input."""
    members = field("applicant.members")
    basis = Basis("Règlement", "art. 1")
    bonus = Amount("bonus", when(members > 10, Euro("100.00"), Euro("0.00")), basis=basis)
    rule = Criterion(
        "applicant.members", members >= 1, basis=basis, failed={"fr": "Non.", "en": "No."}
    )
    version = SchemeVersion(
        valid_from=datetime.date(2025, 1, 1),
        parameters=sports.PARAMETERS,
        criteria=(rule,),
        amounts=(bonus, Amount("award", bonus + Euro("50.00"), basis=basis)),
        award="award",
    )
    scheme = Scheme(
        id="bonus",
        metadata=Metadata(name={"fr": "Prime", "en": "Bonus"}),
        versions=(version,),
        application_type=sports.SportsApplication,
    )
    return evaluate(scheme, club(members=None))


CASES: dict[str, Any] = {
    "missing-amount": missing_amount_decision,
    "eligible": lambda: evaluate(sports.SCHEME, sports.application()),
    "ineligible": lambda: evaluate(sports.SCHEME, club(legal_category="5710")),
    "missing-input": lambda: evaluate(sports.SCHEME, club(members=None)),
    "criterion-exception": lambda: evaluate(sports.SCHEME, handisport_club()),
    "amount-exception": lambda: evaluate(sports.SCHEME, club(youth_club=True), lang="en"),
    "version-2026": lambda: evaluate(
        sports.SCHEME, sports.application(), on=datetime.date(2026, 1, 1)
    ),
    "what-if": lambda: evaluate(
        sports.SCHEME.with_parameters(grant_rate="30%"), sports.application()
    ),
}


@pytest.fixture(params=sorted(CASES))
def decision(request: pytest.FixtureRequest) -> Decision:
    made: Decision = CASES[request.param]()
    return made


def walk(value: Any) -> Iterator[Any]:
    """Every value nested in a JSON document, keys included."""
    yield value
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


# --- The JSON contract --------------------------------------------------------------------------


def test_top_level_keys() -> None:
    data = evaluate(sports.SCHEME, sports.application()).to_json()
    assert set(data) == TOP_LEVEL | {"size"}


def test_eligible_decision_json_values() -> None:
    data = evaluate(sports.SCHEME, sports.application()).to_json()
    assert data["scheme"] == "sports-equipment"
    assert data["scheme_version"] == "2025-01-01"
    assert data["application"] == "SPORT-1"
    assert data["evaluated_on"] == "2025-03-14"
    assert data["eligible"] is True
    assert data["award"] == "5000.00"
    assert data["amounts"] == {
        "total_cost": "10000.01",
        "eligible_cost": "10000.01",
        "award": "5000.00",
    }
    assert data["lang"] == "fr"
    assert data["size"] == "large"
    assert data["obligations"] == [
        {
            "id": "publicity.logo",
            "text": "Apposer le logo de la ville sur les équipements financés.",
            "basis": {
                "title": "Délibération du conseil municipal n° 2024-112",
                "article": "art. 8",
            },
        }
    ]
    assert data["provenance"]["scheme_version"] == "2025-01-01"
    assert data["provenance"]["evaluated_on"] == "2025-03-14"
    assert set(data["traces"]) == set(data["amounts"])
    assert set(data["traces"]["award"]) >= {"formula", "inputs"}


def test_criteria_objects() -> None:
    data = evaluate(sports.SCHEME, club(members=12)).to_json()
    assert [c["id"] for c in data["criteria"]] == [
        "applicant.association",
        "applicant.members",
        "call.window",
        "project.min_cost",
        "costs.travel",
    ]
    for criterion in data["criteria"]:
        assert CRITERION_KEYS <= set(criterion) <= CRITERION_KEYS | {"exception"}
        assert criterion["outcome"] in {"passed", "failed", "not_applicable", "missing"}
        assert criterion["severity"] in {"blocking", "warning"}
        assert isinstance(criterion["message"], str)
        assert criterion["message"]
    members = data["criteria"][1]
    assert members == {
        "id": "applicant.members",
        "outcome": "failed",
        "severity": "blocking",
        "message": "Le club compte 12 adhérents, il en faut 20.",
        "basis": {"title": "Délibération du conseil municipal n° 2024-112", "article": "art. 2"},
        "inputs": {
            "applicant.members": 12,
            "project.tags": [],
            "min_members": 20,
            "min_members_handisport": 5,
        },
    }
    assert data["criteria"][4]["severity"] == "warning"


def test_ineligible_decision_json() -> None:
    data = evaluate(sports.SCHEME, club(legal_category="5710")).to_json()
    assert data["eligible"] is False
    assert data["award"] == "0.00"
    assert data["amounts"]["award"] == "0.00"
    assert data["traces"]["award"]["inputs"]["computed"] == "5000.00"
    assert data["obligations"] == []


def test_missing_amount_json() -> None:
    data = missing_amount_decision().to_json()
    assert data["eligible"] is False
    assert data["award"] == "0.00"
    assert data["amounts"] == {"bonus": None, "award": "0.00"}
    assert data["traces"]["bonus"]["missing"] == "applicant.members"
    assert data["traces"]["award"]["inputs"]["computed"] is None
    assert data["criteria"][0]["outcome"] == "missing"


def test_exceptions_appear_in_the_json() -> None:
    criterion = evaluate(sports.SCHEME, handisport_club()).to_json()["criteria"][1]
    assert (criterion["id"], criterion["exception"]) == ("applicant.members", "handisport")
    traces = evaluate(sports.SCHEME, club(youth_club=True)).to_json()["traces"]
    assert traces["award"]["exception"] == "youth"


def test_json_dumps_without_custom_encoder(decision: Decision) -> None:
    text = json.dumps(decision.to_json(), ensure_ascii=False)
    assert json.loads(text) == decision.to_json()


def test_only_plain_json_types_and_no_float(decision: Decision) -> None:
    for value in walk(decision.to_json()):
        assert type(value) in (dict, list, str, int, bool, type(None)), repr(value)
        assert not isinstance(value, float)


def test_amounts_are_strings_with_two_decimals(decision: Decision) -> None:
    data = decision.to_json()
    assert isinstance(data["award"], str)
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}", data["award"])
    for amount_id, value in data["amounts"].items():
        if value is None:  # not computable: the trace names the missing input
            assert data["traces"][amount_id]["missing"]
        else:
            assert re.fullmatch(r"[0-9]+\.[0-9]{2}", value), value


# --- The JSON text ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_text_is_json_dumps_of_the_json_form(case: str) -> None:
    decision = CASES[case]()
    text = decision.to_json_text()
    assert getattr(decision, "_criteria", None) is None, "the text came from fragments"
    assert text == json.dumps(decision.to_json(), **COMPACT)
    assert decision.to_json_text() == text  # now from the result objects


def _no_decision_writer(self: Fragments, model: Any = None) -> None:
    """Fragments.writer when no decision writer is generated: the route one by one."""


def test_json_text_raises_when_a_generated_function_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Generated text functions read absent optional objects as None themselves: an error
    # from one is a bug, which shows instead of costing speed on another route.
    def failing(*args: Any) -> Any:
        def text(*args: Any) -> str:
            raise AttributeError("a bug in generated code")

        return text

    monkeypatch.setattr(Fragments, "writer", _no_decision_writer)
    monkeypatch.setattr(Fragments, "criterion_text", failing)
    scheme = sports.SCHEME.with_parameters(grant_rate="35%")  # fresh caches
    with pytest.raises(AttributeError, match="a bug in generated code"):
        evaluate(scheme, handisport_club()).to_json_text()


def test_json_text_when_a_text_function_cannot_be_generated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import grantrules._engine.explanation as explanation

    expected = evaluate(sports.SCHEME, handisport_club(), lang="en").to_json_text()
    attempts = []

    def cannot(*args: Any) -> Any:
        attempts.append(args)
        raise TypeError("cannot encode this parameter")

    monkeypatch.setattr(Fragments, "writer", _no_decision_writer)
    monkeypatch.setattr(explanation, "criterion_text", cannot)
    scheme = sports.SCHEME.with_parameters(grant_rate="50%")  # fresh caches
    for _ in range(3):
        text = evaluate(scheme, handisport_club(), lang="en").to_json_text()
        assert json.loads(text)["criteria"] == json.loads(expected)["criteria"]
    assert 0 < len(attempts) <= len(sports.SCHEME.versions[0].criteria) * 2, "generated once"


def test_json_text_of_amounts_falls_back_when_their_function_cannot_be_generated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import grantrules._engine.explanation as explanation

    def cannot(*args: Any) -> Any:
        raise KeyError("a parameter not in force")

    apps = [sports.application(), club(legal_category="5710"), club(members=None)]
    apps.append(club(youth_club=True))  # an exception on the award
    reference = sports.SCHEME.with_parameters(grant_rate="30%")
    expected = [evaluate(reference, app).to_json_text() for app in apps]  # before the patch
    monkeypatch.setattr(Fragments, "writer", _no_decision_writer)
    monkeypatch.setattr(explanation, "inputs_text", cannot)
    scheme = sports.SCHEME.with_parameters(grant_rate="30%")  # fresh caches, same values
    assert [evaluate(scheme, app).to_json_text() for app in apps] == expected


def test_json_text_of_amounts_raises_when_their_generated_function_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import grantrules._engine.explanation as explanation

    def failing(*args: Any) -> Any:
        def text(env: Any) -> Any:
            raise AttributeError("a bug in generated code")

        return text

    monkeypatch.setattr(Fragments, "writer", _no_decision_writer)
    monkeypatch.setattr(explanation, "inputs_text", failing)
    scheme = sports.SCHEME.with_parameters(grant_rate="31%")  # fresh caches
    with pytest.raises(AttributeError, match="a bug in generated code"):
        evaluate(scheme, sports.application()).to_json_text()


def test_amounts_inputs_sharing_a_name_are_left_to_the_general_route() -> None:
    from grantrules._engine.textgen import inputs_text

    with pytest.raises(ValueError, match="sharing a name"):
        inputs_text([(("field", "x"), ("param", "x"))], {"x": '"1"'})


def test_json_text_of_a_decision_read_back() -> None:
    decision = evaluate(sports.SCHEME, handisport_club(), lang="en")
    back = Decision.from_json(json.loads(decision.to_json_text()))
    assert back == decision
    assert back.to_json_text() == decision.to_json_text()


def test_json_text_escapes_what_json_must() -> None:
    # Application ids are now restricted to a safe alphabet, but a decision read back from
    # an older journal (or built by hand) may carry any text: the writer must still escape it.
    odd_id = 'A "quoted"\n\\id\u2028é'
    data = evaluate(sports.SCHEME, sports.application()).to_json()
    decision = Decision.from_json({**data, "application": odd_id})
    text = decision.to_json_text()
    assert json.loads(text)["application"] == odd_id
    assert text == json.dumps(decision.to_json(), **COMPACT)


# --- Round trips --------------------------------------------------------------------------------


def test_round_trip_gives_an_equal_decision(decision: Decision) -> None:
    back = Decision.from_json(json.loads(json.dumps(decision.to_json())))
    assert back == decision
    assert back.to_json() == decision.to_json()


def test_round_trip_restores_every_part(decision: Decision) -> None:
    back = Decision.from_json(json.loads(json.dumps(decision.to_json())))
    assert back.scheme == decision.scheme
    assert back.scheme_version == decision.scheme_version
    assert back.application == decision.application
    assert back.evaluated_on == decision.evaluated_on
    assert isinstance(back.evaluated_on, datetime.date)
    assert back.eligible is decision.eligible
    assert back.award == decision.award
    assert isinstance(back.award, Euro)
    assert back.criteria == decision.criteria
    assert back.amounts == decision.amounts
    assert back.obligations == decision.obligations
    assert back.provenance == decision.provenance
    assert back.derived == decision.derived
    assert back.lang == decision.lang
    assert back.failed == decision.failed
    assert back.warnings == decision.warnings


def test_different_decisions_are_not_equal() -> None:
    first = evaluate(sports.SCHEME, sports.application())
    assert first != evaluate(sports.SCHEME, sports.application(), on=datetime.date(2025, 7, 1))
    assert first != evaluate(sports.SCHEME, sports.application(), lang="en")
    assert first != "not a decision"


def test_from_json_refuses_an_incomplete_document() -> None:
    data = evaluate(sports.SCHEME, sports.application()).to_json()
    del data["traces"], data["award"]
    with pytest.raises(InvalidArgument, match=r"missing keys \['award', 'traces'\]"):
        Decision.from_json(data)


# --- The Decision object -------------------------------------------------------------------------


def test_decision_is_immutable_and_unhashable() -> None:
    decision = evaluate(sports.SCHEME, sports.application())
    with pytest.raises(AttributeError, match="immutable"):
        decision.eligible = False
    with pytest.raises(TypeError):
        hash(decision)


def test_decision_needs_its_explanations() -> None:
    provenance = Provenance("0", "s", None, None, "2025-01-01", "2025-03-14")
    with pytest.raises(InvalidArgument, match="criteria and amounts"):
        Decision(
            scheme="s",
            scheme_version="2025-01-01",
            application="A",
            evaluated_on=datetime.date(2025, 3, 14),
            eligible=True,
            award=Euro("1.00"),
            obligations=(),
            provenance=provenance,
        )


def test_lookups_on_a_decision() -> None:
    decision = evaluate(sports.SCHEME, sports.application())
    assert decision.criterion("call.window").outcome is Outcome.PASSED
    assert decision.amount("eligible_cost") == Euro("10000.01")
    with pytest.raises(InvalidArgument, match="no criterion 'nope'"):
        decision.criterion("nope")
    with pytest.raises(InvalidArgument, match="no amount 'nope'"):
        decision.amount("nope")
    assert "SPORT-1" in repr(decision)
    assert "eligible" in repr(decision)


@pytest.mark.parametrize(
    ("severity", "outcome", "blocks"),
    [
        (Severity.BLOCKING, Outcome.FAILED, True),
        (Severity.BLOCKING, Outcome.MISSING, True),
        (Severity.BLOCKING, Outcome.PASSED, False),
        (Severity.BLOCKING, Outcome.NOT_APPLICABLE, False),
        (Severity.WARNING, Outcome.FAILED, False),
        (Severity.WARNING, Outcome.MISSING, False),
    ],
)
def test_which_results_block(severity: Severity, outcome: Outcome, blocks: bool) -> None:
    result = CriterionResult("x", outcome, severity, "m", Basis("B"), {})
    assert result.blocks is blocks
    assert CriterionResult.from_json(result.to_json()) == result


def test_explanations_are_built_on_first_read_then_kept() -> None:
    decision = evaluate(sports.SCHEME, sports.application())
    assert getattr(decision, "_criteria", None) is None
    assert decision.criteria is decision.criteria
    assert decision.amounts is decision.amounts
    with pytest.raises(AttributeError, match="immutable"):
        decision.criteria = ()  # type: ignore[misc]
