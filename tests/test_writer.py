"""Tests of grantrules._engine.writer: the generated writer of a whole decision's amounts, criteria
and traces agrees, text for text, with the route one criterion and one amount at a time."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantrules import load_scheme
from grantrules._engine.explanation import Explanation, Fragments
from grantrules._engine.json_text import json_text
from grantrules.decision import Decision
from grantrules.evaluate import evaluate
from grantrules.money import Euro
from grantrules.rules import Outcome
from grantrules.serde import structure_application
from grantrules.testing.strategies import applications, euros

sys.path.insert(0, str(Path(__file__).parent / "schemes"))
import sports

SCHEMES = {
    "sports": sports.SCHEME,
    "ami": load_scheme("ami-ia-hdf"),
    "detr": load_scheme("detr"),
    "pme": load_scheme("pme-invest-hdf"),
}


def _explanation(decision: Decision) -> tuple[Explanation, Fragments]:
    explanation = decision._explanation
    assert explanation is not None
    return explanation, explanation.version.json_fragments(explanation.lang, explanation.day)


def _both_routes(decision: Decision) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    explanation, fragments = _explanation(decision)
    assert fragments.writer() is not None, "the shipped schemes have a decision writer"
    return explanation.json_parts(), explanation._parts_one_by_one(fragments)


@pytest.mark.parametrize("name", SCHEMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_decision_writer_writes_what_the_route_one_by_one_writes(
    name: str, data: st.DataObject
) -> None:
    scheme = SCHEMES[name]
    app = data.draw(applications(scheme))
    lang = data.draw(st.sampled_from(["fr", "en"]))
    decision = evaluate(scheme, app, lang=lang)
    failed_ids = decision.failed_ids  # from the outcomes, before any result is built
    written, one_by_one = _both_routes(decision)
    assert written == one_by_one
    # And the criteria the general route builds (messages filled by Criterion's templates,
    # inputs read by the closures) are what the text says.
    assert json.loads(written[1]) == [result.to_json() for result in decision.criteria]
    assert failed_ids == tuple(result.id for result in decision.criteria if result.blocks)


def _club(**applicant: Any) -> Any:
    base = sports.application()
    return attrs.evolve(base, applicant=attrs.evolve(base.applicant, **applicant))


@pytest.mark.parametrize(
    "app",
    [
        sports.application(),
        _club(legal_category="5710"),  # ineligible: the award's trace shows "computed"
        _club(members=None),  # a missing input: that criterion by the general route
        _club(youth_club=True),  # an amount's exception: its label in the trace
        attrs.evolve(
            _club(members=8),
            project=attrs.evolve(sports.application().project, tags=("handisport",)),
        ),  # a criterion's exception: its own message, by the general route
    ],
    ids=["eligible", "ineligible", "missing", "amount-exception", "criterion-exception"],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_outcomes_the_writer_leaves_to_the_general_route(app: Any, lang: str) -> None:
    decision = evaluate(sports.SCHEME, app, lang=lang)
    written, one_by_one = _both_routes(decision)
    assert written == one_by_one
    outcomes = {result.outcome for result in decision.criteria}
    assert outcomes <= set(Outcome)


def test_a_writer_meeting_a_none_object_leaves_the_decision_to_the_route_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = evaluate(sports.SCHEME, _club(youth_club=True)).to_json_text()

    def writer(self: Fragments) -> Any:
        def write(*args: Any) -> Any:
            raise AttributeError("an intermediate object is None")

        return write

    monkeypatch.setattr(Fragments, "writer", writer)
    assert evaluate(sports.SCHEME, _club(youth_club=True)).to_json_text() == expected


def test_traces_the_writer_cannot_write_leave_it_unbuilt_and_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import grantrules._engine.explanation as explanation

    calls = []

    def cannot(*args: Any) -> Any:
        calls.append(args)
        raise KeyError("a parameter not in force")

    monkeypatch.setattr(explanation, "decision_writer", cannot)
    scheme = sports.SCHEME.with_parameters(grant_rate="45%")  # fresh caches
    texts = {evaluate(scheme, sports.application()).to_json_text() for _ in range(3)}
    assert len(texts) == 1
    assert len(calls) == 1, "one attempt, kept"


@given(amount=euros(min_value=Euro("-99999999.99")), lang=st.sampled_from(["fr", "en"]))
def test_a_formatted_amount_needs_no_json_escaping(amount: Euro, lang: str) -> None:
    # The writers put Euro.format's text in a JSON string as it is (see Reads.formatted).
    text = amount.format(lang)
    assert json_text(text) == f'"{text}"'


def test_a_message_showing_text_with_quotes_and_controls_is_escaped_as_json_dumps_does() -> None:
    scheme = SCHEMES["ami"]
    examples = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"
    document = json.loads((examples / "lille-deliberations.json").read_text(encoding="utf-8"))
    example = structure_application(scheme, document)
    label = 'Ligne "spéciale" \\ \t fin'
    costs = [attrs.evolve(line, category="other", label=label) for line in example.costs]
    app = attrs.evolve(example, costs=tuple(costs))
    decision = evaluate(scheme, app)
    text = decision.to_json_text()
    criteria = json.loads(text)["criteria"]
    assert any(label in criterion["message"] for criterion in criteria)
    assert criteria == [result.to_json() for result in decision.criteria]
