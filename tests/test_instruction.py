"""Instructor inputs (issue 14, item 3): declared apart, pending until supplied, journalled."""

from __future__ import annotations

import datetime
import pathlib
from typing import Any

import attrs
import pytest

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.call import Call
from grantrules.errors import ApplicationInvalid, InvalidArgument, TransitionRefused
from grantrules.evaluate import evaluate
from grantrules.expressions import collection, instruction, minimum, sum_of
from grantrules.model import Application, Instruction
from grantrules.money import DOWN, Euro, Rate
from grantrules.parameters import ParameterSet
from grantrules.rules import Criterion, Outcome
from grantrules.schema import json_schema
from grantrules.scheme import Metadata, Scheme, SchemeVersion
from grantrules.serde import structure_application, unstructure_application

BASIS = Basis("Règlement d'intervention", "art. 5")
TO_EURO = DOWN.to_euro()


@attrs.frozen(kw_only=True)
class Committee(Instruction):
    """The committee's choices."""

    granted_rate: Rate | None = None
    score: int | None = None


@attrs.frozen(kw_only=True)
class CommitteeApplication(Application):
    instruction: Committee = attrs.field(factory=Committee)


def _scheme() -> Scheme:
    costs = collection("costs")
    total = Amount("total", sum_of(costs.amount_excl_vat), basis=BASIS)
    award = Amount(
        "award",
        minimum(instruction("granted_rate").of(total, rounding=TO_EURO), Euro("10000.00")),
        basis=BASIS,
        rounding=TO_EURO,
    )
    good = Criterion(
        "committee.score",
        instruction("score") >= 10,
        basis=BASIS,
        failed={"fr": "Note insuffisante.", "en": "Score too low."},
    )
    # A scheme's own criterion about the instruction: missing with the rate, not an input.
    within = Criterion(
        "instruction.award_within_cap",
        award <= Euro("10000.00"),
        basis=BASIS,
        failed={"fr": "Trop élevé.", "en": "Too high."},
    )
    version = SchemeVersion(
        valid_from=datetime.date(2025, 1, 1),
        parameters=ParameterSet({}),
        criteria=[good, within],
        amounts=[total, award],
        award="award",
        labels={
            "field:instruction.granted_rate": {
                "fr": "le taux retenu par le comité",
                "en": "the rate the committee chose",
            }
        },
    )
    return Scheme(
        id="committee",
        metadata=Metadata(name={"fr": "Comité", "en": "Committee"}),
        versions=[version],
        application_type=CommitteeApplication,
    )


SCHEME = _scheme()


def _document(app_id: str = "A-1", **instruction_values: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": app_id,
        "submitted_on": "2025-03-14",
        "applicant": {
            "name": "Ville de Lille",
            "siren": "215903501",
            "legal_category": "7210",
            "commune_code": "59350",
        },
        "project": {
            "title": f"Project {app_id}",
            "start_date": "2025-06-01",
            "end_date": "2026-05-31",
        },
        "costs": [{"category": "staff", "label": "Staff", "amount_excl_vat": "1234.99"}],
    }
    if instruction_values:
        document["instruction"] = instruction_values
    return document


def test_the_version_adds_one_pending_criterion_per_instructor_input() -> None:
    ids = [c.id for c in SCHEME.versions[0].criteria]
    assert ids == [
        "committee.score",
        "instruction.award_within_cap",
        "instruction.granted_rate",
        "instruction.score",
    ]
    # Rebuilding the version (attrs.evolve) does not add them twice.
    again = attrs.evolve(SCHEME.versions[0], note="copy")
    assert [c.id for c in again.criteria] == ids


def test_a_missing_instructor_input_is_missing_by_name_not_a_crash() -> None:
    decision = evaluate(SCHEME, _document(), lang="en")
    assert not decision.eligible
    assert decision.award == Euro.ZERO
    assert decision.pending == ("instruction.granted_rate", "instruction.score")
    pending = decision.criterion("instruction.granted_rate")
    assert pending.outcome is Outcome.MISSING
    assert pending.message == (
        "Awaiting the instructing authority's decision: the rate the committee chose "
        "(instruction.granted_rate)."
    )
    # The author's own criteria reading them are missing too, not failed, nor pending inputs.
    assert decision.criterion("committee.score").outcome is Outcome.MISSING
    within = decision.criterion("instruction.award_within_cap")
    assert within.outcome is Outcome.MISSING
    # It read the award, which lacked the committee's rate: the message names the rate, the
    # input someone must give, not the intermediate amount.
    assert within.message == (
        "Information missing to check this criterion: instruction.granted_rate."
    )
    (award,) = (a for a in decision.amounts if a.id == "award")
    assert award.missing == "instruction.granted_rate"  # shown as 0.00: ineligible


@pytest.mark.parametrize(
    "supplied", [{}, {"granted_rate": "40%"}, {"score": 12}, {"granted_rate": "40%", "score": 1}]
)
def test_pending_inputs_are_known_without_building_any_message(supplied: dict[str, Any]) -> None:
    decision = evaluate(SCHEME, _document(**supplied), lang="en")
    pending = decision.pending
    assert getattr(decision, "_criteria", None) is None  # nothing built
    # What the property answers once the results are built (from their inputs): the same.
    again = evaluate(SCHEME, _document(**supplied), lang="en")
    again.criteria  # noqa: B018 - building them is the point
    assert (
        pending
        == again.pending
        == tuple(
            f"instruction.{name}" for name in ("granted_rate", "score") if name not in supplied
        )
    )


def test_the_reference_interpreter_names_the_same_pending_input() -> None:
    """compiled_matches_reference compares the missing input each criterion names: the
    reference semantics trace a missing amount back to the input it lacked, as evaluate()."""
    from grantrules.serde import structure_application
    from grantrules.testing import reference
    from grantrules.testing.invariants import Subject

    application = structure_application(SCHEME, _document())
    found = reference.decide(SCHEME, application)
    assert found.outcomes["instruction.award_within_cap"] == (
        "missing",
        None,
        "instruction.granted_rate",
    )
    reference.compiled_matches_reference(Subject(SCHEME), application)


def test_supplying_the_inputs_changes_the_decision() -> None:
    decision = evaluate(SCHEME, _document(granted_rate="40%", score=12), lang="fr")
    assert decision.eligible
    assert decision.pending == ()
    assert decision.award == Euro("493.00")  # 40 % of 1,234.99 = 493.996, to the euro below
    supplied = decision.criterion("instruction.granted_rate")
    assert supplied.outcome is Outcome.PASSED
    assert supplied.message == (
        "Décision de l'autorité instructrice pour le taux retenu par le comité : 40\u00a0%."
    )


def test_the_instruction_section_round_trips_and_refuses_bad_values() -> None:
    app = structure_application(SCHEME, _document(granted_rate="0.4"))
    assert app.instruction == Committee(granted_rate=Rate("40%"))  # type: ignore[attr-defined]
    assert unstructure_application(app)["instruction"] == {"granted_rate": "40%", "score": None}
    with pytest.raises(ApplicationInvalid, match=r"\$\.instruction\.granted_rate"):
        structure_application(SCHEME, _document(granted_rate=0.4))
    with pytest.raises(ApplicationInvalid, match=r"\$\.instruction\.granted_rate"):
        structure_application(SCHEME, _document(granted_rate="140%"))


def test_the_json_schema_keeps_the_instruction_section_apart() -> None:
    schema = json_schema(SCHEME)
    section = schema["properties"]["instruction"]
    assert section["readOnly"] is True
    assert section["x-grantrules-decided-by"] == "instructing_authority"
    assert "instruction" not in schema["required"]
    committee = schema["$defs"]["Committee"]["properties"]
    assert committee["granted_rate"]["anyOf"][0]["pattern"].startswith("^[0-9]")


def test_the_call_journals_an_instructor_input_and_re_evaluates(tmp_path: pathlib.Path) -> None:
    def evaluator(document: Any) -> Any:
        return evaluate(SCHEME, document)

    with Call.create(tmp_path / "call.db", Euro("100000.00"), evaluator=evaluator) as call:
        documents = [_document("A-1"), _document("A-2", granted_rate="50%", score=15)]
        report = call.run([*documents, _document("A-3")])
        statuses = {a.id: a.status for a in report.state.applications}
        assert statuses == {
            "A-1": "awaiting_instruction",
            "A-2": "committed",
            "A-3": "awaiting_instruction",
        }
        evaluated = [e for e in call.events() if e.kind == "evaluated"]
        assert evaluated[0].payload["pending"] == [
            "instruction.granted_rate",
            "instruction.score",
        ]

        # A partial input: still waiting, for the score alone.
        status = call.instruct("A-1", {"granted_rate": "40%"})
        assert status.status == "awaiting_instruction"
        assert call.events()[-1].payload["pending"] == ["instruction.score"]

        status = call.instruct("A-1", {"score": 12})
        assert (status.status, status.award) == ("eligible", Euro("493.00"))
        kinds = [e.kind for e in call.events() if e.application_id == "A-1"]
        assert kinds == [
            "submitted",
            "evaluated",
            "instructed",
            "evaluated",
            "instructed",
            "evaluated",
        ]
        call.allocate()
        assert call.status().ledger.committed == Euro("493.00") + Euro("617.00")

        # A bad value is refused with its path, and nothing is written.
        before = len(call.events())
        with pytest.raises(ApplicationInvalid, match=r"\$\.instruction\.score"):
            call.instruct("A-3", {"score": "twelve"})
        assert len(call.events()) == before
        with pytest.raises(TransitionRefused):
            call.instruct("A-2", {"score": 11})  # committed: past evaluation
        with pytest.raises(InvalidArgument, match="non-empty mapping"):
            call.instruct("A-3", {})
        # Replaying the journal gives the same state, the statechart agreeing.
        assert call.replay() == call.status()


def test_the_call_instruct_command(tmp_path: pathlib.Path) -> None:
    import json

    from click.testing import CliRunner

    from grantrules.call.cli import call as call_group

    def factory(scheme: str, overrides: Any) -> tuple[Any, Euro, dict[str, Any]]:
        return (lambda document: evaluate(SCHEME, document)), Euro("100000.00"), {}

    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(_document("A-1")) + "\n", encoding="utf-8")
    db = tmp_path / "call.db"
    obj = {"make_evaluator": factory}

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(call_group, list(args), obj=obj)

    assert invoke("run", "--scheme", "committee", str(batch), "--db", str(db)).exit_code == 0
    result = invoke("instruct", str(db), "A-1", "granted_rate=40%", "score=12", "--scheme", "c")
    assert result.exit_code == 0, result.output
    assert result.output == "A-1: eligible, award 493.00\n"
    # A decimal typed on the command line is exact text: the converter reads it by the
    # field's type, and refuses it for a whole number with the field's path.
    refused = invoke("instruct", str(db), "A-1", "score=1.5", "--scheme", "committee")
    assert refused.exit_code == 1, refused.output
    assert "$.instruction.score" in refused.output
