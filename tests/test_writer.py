"""Tests of grantrules._engine.writer: the generated writer of a whole decision's amounts, criteria
and traces agrees, text for text, with the route one criterion and one amount at a time."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantrules import load_scheme
from grantrules._engine.explanation import Explanation, Fragments
from grantrules._engine.json_text import json_text, value_text
from grantrules._engine.value_source import INLINE, formatted_source, json_source, kind_of
from grantrules._format import format_value
from grantrules.amounts import Amount
from grantrules.decision import Decision
from grantrules.evaluate import evaluate
from grantrules.expressions import field, when
from grantrules.money import Euro
from grantrules.rules import Criterion, Outcome
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


def _one_by_one(explanation: Explanation, fragments: Fragments) -> str:
    amounts, criteria, traces = explanation._parts_one_by_one(fragments)
    return f'<head>{amounts},"criteria":{criteria}<middle>{traces}<end>'


def _both_routes(decision: Decision) -> tuple[str, str]:
    explanation, fragments = _explanation(decision)
    assert fragments.writer() is not None, "the shipped schemes have a decision writer"
    written = explanation.json_text("<head>", "<middle>", "<end>")
    return written, _one_by_one(explanation, fragments)


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
    criteria = json.loads(decision.to_json_text())["criteria"]
    assert criteria == [result.to_json() for result in decision.criteria]
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


@attrs.frozen(kw_only=True)
class Venue:
    capacity: int
    town: str
    rent: Euro


@attrs.frozen(kw_only=True)
class VenueApplicant(sports.SportsApplicant):
    #: An optional nested object: the paths through it read None when it is absent.
    venue: Venue | None = None


@attrs.frozen(kw_only=True)
class VenueApplication(sports.SportsApplication):
    applicant: VenueApplicant


_YOUTH = field("applicant.youth_club") == True  # noqa: E712 - builds an expression
_VENUE_CRITERIA = (
    Criterion(
        "venue.capacity",
        # A youth club passes without reading the venue: its path is then shown as null.
        _YOUTH | (field("applicant.venue.capacity") >= 50),
        basis=sports.BASIS,
        passed={
            "fr": "Salle de {applicant.venue.capacity} places à {town}.",
            "en": "A hall of {applicant.venue.capacity} seats in {town}.",
        },
        details={"town": field("applicant.venue.town")},
        failed={
            "fr": "La salle ({applicant.venue.capacity} places) est trop petite.",
            "en": "The hall ({applicant.venue.capacity} seats) is too small.",
        },
    ),
    Criterion(
        "venue.town",
        field("applicant.venue.town") == "Exempleville",
        applies_if=_YOUTH == False,  # noqa: E712 - not applicable to youth clubs
        basis=sports.BASIS,
        failed={
            "fr": "La salle est à {applicant.venue.town}.",
            "en": "The hall is in {applicant.venue.town}.",
        },
    ),
)
_RENT = Amount(
    "venue_rent",
    when(_YOUTH, Euro("0.00"), field("applicant.venue.rent")),
    basis=sports.BASIS,
    label={"fr": "le loyer de la salle", "en": "the hall's rent"},
)
VENUES = attrs.evolve(
    sports.SCHEME,
    id="sports-venues",
    versions=(
        attrs.evolve(
            sports.VERSION_2025,
            criteria=(*sports.CRITERIA, *_VENUE_CRITERIA),
            amounts=(*sports.VERSION_2025.amounts, _RENT),
        ),
    ),
    application_type=VenueApplication,
)


def _venue_application(venue: Venue | None, youth_club: bool) -> VenueApplication:
    base = sports.application()
    applicant = VenueApplicant(
        **attrs.asdict(base.applicant, recurse=False) | {"youth_club": youth_club},
        venue=venue,
    )
    return VenueApplication(**attrs.asdict(base, recurse=False) | {"applicant": applicant})


@pytest.mark.parametrize("youth_club", [True, False], ids=["youth", "adult"])
@pytest.mark.parametrize(
    "venue",
    [None, Venue(capacity=80, town="Exempleville", rent=Euro("1200.00"))],
    ids=["no-venue", "venue"],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_paths_through_an_absent_optional_object_are_written_as_the_route_one_by_one_does(
    venue: Venue | None, youth_club: bool, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRANTRULES_STRICT", "1")  # no explicit slow path either
    decision = evaluate(VENUES, _venue_application(venue, youth_club), lang=lang)
    explanation, fragments = _explanation(decision)
    general = []
    text_of = Explanation.text_of

    def spy(self: Explanation, index: int) -> str:
        general.append(self.criterion_id(index))
        return text_of(self, index)

    monkeypatch.setattr(Explanation, "text_of", spy)
    assert fragments.writer(VenueApplication) is not None
    written = explanation.json_text("<head>", "<middle>", "<end>")
    by_the_general_route = list(general)
    assert written == _one_by_one(explanation, fragments)
    data = json.loads(decision.to_json_text())
    assert data == decision._objects_json()
    if venue is None and youth_club:
        # The generated code itself wrote the criteria reading the absent venue (passed and
        # not applicable), and the amount whose trace shows its rent.
        assert by_the_general_route == []
        capacity, town = (data["criteria"][i] for i in (-2, -1))
        assert capacity["outcome"] == "passed"
        assert capacity["inputs"]["applicant.venue.capacity"] is None
        assert "—" in capacity["message"]
        assert town["outcome"] == "not_applicable"
        assert town["inputs"]["applicant.venue.town"] is None
        assert data["traces"]["venue_rent"]["inputs"]["applicant.venue.rent"] is None


def test_a_bug_in_a_generated_writer_raises_instead_of_taking_another_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def writer(self: Fragments, model: Any = None) -> Any:
        def write(*args: Any) -> Any:
            raise AttributeError("'NoneType' object has no attribute 'members'")

        return write

    monkeypatch.setattr(Fragments, "writer", writer)
    with pytest.raises(AttributeError, match="no attribute 'members'"):
        evaluate(sports.SCHEME, _club(youth_club=True)).to_json_text()


def test_a_bug_in_a_criterion_text_function_raises_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def criterion_text(self: Fragments, *args: Any) -> Any:
        def write(*args: Any) -> Any:
            raise AttributeError("a bug")

        return write

    monkeypatch.setattr(Fragments, "criterion_text", criterion_text)
    decision = evaluate(sports.SCHEME.with_parameters(grant_rate="41%"), sports.application())
    explanation, _ = _explanation(decision)
    with pytest.raises(AttributeError, match="a bug"):
        explanation.text_of(0)


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


_KINDS = [str, Euro, datetime.date, bool, int, tuple, None]
_CODES = {
    "code:staff": {"fr": "personnel", "en": "staff costs"},
    "code:quote": {"fr": 'des "guillemets" \\ et\ttab'},
    "code:empty": {},
}
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**7), 10**7),
    st.text(max_size=8),
    st.sampled_from(["staff", "quote", "empty", "other"]),
    euros(min_value=Euro("-99999999.99")),
    st.dates(),
    st.tuples(st.sampled_from(["staff", "quote", "x\u2028y"]), st.text(max_size=3)),
    st.tuples(st.integers(), st.booleans()),
)


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, kind=st.sampled_from(_KINDS), lang=st.sampled_from(["fr", "en"]))
def test_encodings_specialised_by_kind_give_the_general_functions_text(
    value: Any, kind: Any, lang: str
) -> None:
    # Whatever the value holds, whichever kind the model declared: the text of value_text,
    # and format_value's escaped, byte for byte.
    namespace: dict[str, Any] = {**INLINE, "_lang": lang}
    names = iter(range(1000))

    def bind(bound: Any) -> str:
        name = f"_k{next(names)}"
        namespace[name] = bound
        return name

    json_of = eval(f"lambda v: {json_source('v', kind)}", namespace)
    shown = eval(f"lambda v: {formatted_source('v', kind, lang, _CODES, bind)}", namespace)
    assert json_of(value) == value_text(value)
    assert shown(value) == json_text(format_value(value, lang, _CODES))[1:-1]


def test_kinds_read_from_declared_types() -> None:
    assert kind_of(str) is str
    assert kind_of(Literal["a", "b"]) is str
    assert kind_of(tuple[Literal["a", "b"], ...]) is tuple
    assert kind_of(tuple[int, ...]) is None
    assert kind_of(Euro) is Euro
    assert kind_of(datetime.date) is datetime.date
    assert kind_of(Literal[1, 2]) is None
    assert kind_of(None) is None


@given(
    parts=st.lists(
        st.tuples(st.sampled_from(["const", "shared", "code"]), st.text(max_size=80)),
        max_size=6,
    )
)
def test_an_fstring_of_parts_writes_them_as_they_are(parts: list[tuple[str, str]]) -> None:
    # Literals with braces, quotes, backslashes, controls, line separators, any code point.
    from grantrules._engine.writer import _Gen

    g = _Gen()
    values = {f"x{i}": text for i, (kind, text) in enumerate(parts) if kind == "code"}
    pieces = [(kind, f"x{i}" if kind == "code" else text) for i, (kind, text) in enumerate(parts)]
    source = g.fstring(pieces)
    assert eval(source, g.namespace, values) == "".join(text for _, text in parts)
