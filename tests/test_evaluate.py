"""Tests of grantrules.evaluate on the sports test scheme, and a smoke test on the AMI."""

from __future__ import annotations

import datetime
import importlib
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.decision import Decision
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.evaluate import evaluate
from grantrules.expressions import field
from grantrules.model import Application
from grantrules.money import DOWN, Euro, Rate
from grantrules.parameters import ParameterSet, parse_parameters
from grantrules.registry import load_scheme
from grantrules.rules import Criterion, Obligation, Outcome, Severity
from grantrules.scheme import Metadata, Scheme, SchemeVersion


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()

D = datetime.date
SCHEME = sports.SCHEME
BASIS = Basis("Règlement municipal", "art. 1")
ROOT = Path(__file__).resolve().parent.parent
LILLE = ROOT / "schemes" / "ami_ia_hdf" / "examples" / "lille-deliberations.json"


def app(**applicant: Any) -> Any:
    """The sports example application, with applicant fields replaced."""
    base = sports.application()
    return attrs.evolve(base, applicant=attrs.evolve(base.applicant, **applicant))


def with_costs(*lines: tuple[str, str], **changes: Any) -> Any:
    """The example application with these (category, amount) cost lines."""
    costs = tuple(
        sports.SportsCostLine(category=category, label=category, amount_excl_vat=Euro(amount))
        for category, amount in lines
    )
    return sports.application(costs=costs, **changes)


def tagged(*tags: str, **applicant: Any) -> Any:
    base = app(**applicant)
    return attrs.evolve(base, project=attrs.evolve(base.project, tags=tags))


def outcomes(decision: Any) -> dict[str, Outcome]:
    return {c.id: c.outcome for c in decision.criteria}


# --- An eligible application ------------------------------------------------------------------


def test_eligible_application_with_exact_award() -> None:
    decision = evaluate(SCHEME, sports.application())
    assert decision.eligible is True
    assert decision.award == Euro(
        "5000.00"
    )  # 50 % of 10 000.01 = 5 000.005, rounded down to the cent
    assert decision.amount("total_cost") == Euro("10000.01")
    assert decision.amount("eligible_cost") == Euro("10000.01")
    assert set(outcomes(decision).values()) == {Outcome.PASSED}
    assert decision.failed == ()
    assert decision.warnings == ()
    assert [o.id for o in decision.obligations] == ["publicity.logo"]
    assert decision.derived == {"size": "large"}


def test_evaluation_date_defaults_to_submission() -> None:
    decision = evaluate(SCHEME, sports.application(submitted_on=D(2025, 7, 1)))
    assert decision.evaluated_on == D(2025, 7, 1)
    assert decision.award == Euro("4000.00")


def test_provenance_names_version_and_dates() -> None:
    decision = evaluate(SCHEME, sports.application(), on=D(2025, 4, 2))
    provenance = decision.provenance
    assert provenance.scheme == "sports-equipment"
    assert provenance.scheme_version == "2025-01-01"
    assert provenance.evaluated_on == "2025-04-02"
    assert provenance.distribution is None
    assert provenance.overrides == {}
    assert provenance.grantrules_version == importlib.import_module("grantrules").__version__


# --- Dated parameters and versions ------------------------------------------------------------


def test_rate_the_day_before_the_change() -> None:
    decision = evaluate(SCHEME, sports.application(), on=D(2025, 6, 30))
    assert decision.award == Euro("5000.00")  # 50 %
    assert decision.to_json()["traces"]["award"]["inputs"]["grant_rate"] == "50%"


def test_rate_the_day_of_the_change() -> None:
    decision = evaluate(SCHEME, sports.application(), on=D(2025, 7, 1))
    assert decision.award == Euro(
        "4000.00"
    )  # 40 % of 10 000.01 = 4 000.004, rounded down to the cent
    assert decision.to_json()["traces"]["award"]["inputs"]["grant_rate"] == "40%"


def test_the_2026_version_adds_a_criterion() -> None:
    big = with_costs(("equipment", "60000.00"))
    before = evaluate(SCHEME, big, on=D(2025, 12, 31))
    after = evaluate(SCHEME, big, on=D(2026, 1, 1))
    assert before.scheme_version == "2025-01-01"
    assert after.scheme_version == "2026-01-01"
    assert "applicant.insured" not in outcomes(before)
    assert before.eligible is True
    assert outcomes(after)["applicant.insured"] is Outcome.FAILED
    assert after.eligible is False
    assert after.criterion("applicant.insured").message == "Projet trop important."


def test_before_the_first_version_the_first_version_applies() -> None:
    early = sports.application(submitted_on=D(2024, 12, 1))
    decision = evaluate(SCHEME, early)
    assert decision.scheme_version == "2025-01-01"
    assert decision.evaluated_on == D(2024, 12, 1)
    assert outcomes(decision)["call.window"] is Outcome.FAILED
    assert decision.criterion("call.window").message == "Demande hors délai (1er décembre 2024)."
    assert decision.eligible is False
    assert decision.award == Euro("0.00")
    assert decision.to_json()["traces"]["award"]["inputs"]["computed"] == "5000.00"


# --- Amounts: ceiling and the youth exception -------------------------------------------------


def test_ceiling_applies() -> None:
    decision = evaluate(SCHEME, with_costs(("equipment", "45000.00")))
    assert decision.amount("eligible_cost") == Euro("45000.00")
    assert decision.award == Euro("20000.00")  # 50 % would be 22 500.00


def test_just_below_the_ceiling() -> None:
    decision = evaluate(SCHEME, with_costs(("equipment", "39999.99")))
    assert decision.award == Euro("19999.99")  # 19 999.995 rounded down to the cent


def test_only_eligible_categories_count() -> None:
    decision = evaluate(SCHEME, with_costs(("equipment", "1000.00"), ("travel", "5000.00")))
    assert decision.amount("total_cost") == Euro("6000.00")
    assert decision.amount("eligible_cost") == Euro("1000.00")
    assert decision.award == Euro("500.00")


def test_youth_exception_rate() -> None:
    decision = evaluate(SCHEME, app(youth_club=True))
    assert decision.award == Euro(
        "7000.00"
    )  # 70 % of 10 000.01 = 7 000.007, rounded down to the cent
    (award,) = [a for a in decision.amounts if a.id == "award"]
    assert award.exception == "youth"


def test_youth_exception_is_still_capped() -> None:
    young = attrs.evolve(sports.application().applicant, youth_club=True)
    decision = evaluate(SCHEME, with_costs(("equipment", "30000.00"), applicant=young))
    assert decision.award == Euro("20000.00")  # 70 % would be 21 000.00


# --- The membership criterion, its handisport exception and a missing input -------------------


@pytest.mark.parametrize(
    ("members", "tags", "outcome", "exception"),
    [
        (20, (), Outcome.PASSED, None),
        (19, (), Outcome.FAILED, None),
        (19, ("handisport",), Outcome.PASSED, "handisport"),
        (5, ("handisport",), Outcome.PASSED, "handisport"),
        (4, ("handisport",), Outcome.FAILED, "handisport"),
        (10, ("football",), Outcome.FAILED, None),
        (10, ("football", "handisport"), Outcome.PASSED, "handisport"),
    ],
)
def test_handisport_exception(
    members: int, tags: tuple[str, ...], outcome: Outcome, exception: str | None
) -> None:
    decision = evaluate(SCHEME, tagged(*tags, members=members))
    result = decision.criterion("applicant.members")
    assert (result.outcome, result.exception) == (outcome, exception)
    assert decision.eligible is (outcome is Outcome.PASSED)


def test_missing_optional_input_is_reported_not_a_crash() -> None:
    decision = evaluate(SCHEME, app(members=None))
    result = decision.criterion("applicant.members")
    assert result.outcome is Outcome.MISSING
    assert "applicant.members" in result.message
    assert result.message.startswith("Information manquante")
    assert result.inputs["missing"] == "applicant.members"
    assert result.inputs["applicant.members"] is None
    assert decision.eligible is False
    assert decision.award == Euro("0.00")
    assert decision.failed == (result,)
    assert decision.obligations == ()
    # the other criteria are still evaluated
    assert outcomes(decision)["call.window"] is Outcome.PASSED


def test_missing_input_message_in_english() -> None:
    result = evaluate(SCHEME, app(members=None), lang="en").criterion("applicant.members")
    assert result.message == "Information missing to check this criterion: applicant.members."


# --- Outcomes and severities ------------------------------------------------------------------


def test_not_applicable_outcome_does_not_block() -> None:
    youth_only = Criterion(
        "applicant.youth_members",
        field("applicant.members") >= 1000,
        applies_if=field("applicant.youth_club") == True,  # noqa: E712
        basis=BASIS,
        failed={"fr": "Trop peu de jeunes.", "en": "Too few young members."},
    )
    version = attrs.evolve(sports.VERSION_2025, criteria=(*sports.CRITERIA, youth_only))
    scheme = attrs.evolve(SCHEME, versions=(version,))
    adult = evaluate(scheme, app(youth_club=False), lang="en")
    result = adult.criterion("applicant.youth_members")
    assert result.outcome is Outcome.NOT_APPLICABLE
    assert result.message == "Criterion not applicable to this application."
    assert adult.eligible is True
    young = evaluate(scheme, app(youth_club=True))
    assert young.criterion("applicant.youth_members").outcome is Outcome.FAILED
    assert young.eligible is False


def test_warning_does_not_affect_eligibility() -> None:
    decision = evaluate(SCHEME, with_costs(("equipment", "1000.00"), ("travel", "300.00")))
    result = decision.criterion("costs.travel")
    assert (result.outcome, result.severity) == (Outcome.FAILED, Severity.WARNING)
    assert result.message == "Les frais de déplacement ne sont pas subventionnés."
    assert decision.eligible is True
    assert decision.warnings == (result,)
    assert decision.failed == ()
    assert decision.award == Euro("500.00")


def test_ineligible_award_is_zero_with_the_computed_value_kept() -> None:
    decision = evaluate(SCHEME, app(legal_category="5710"))
    assert decision.eligible is False
    assert [c.id for c in decision.failed] == ["applicant.association"]
    assert decision.award == Euro("0.00")
    assert decision.amount("award") == Euro("0.00")
    (award,) = [a for a in decision.amounts if a.id == "award"]
    assert award.inputs["computed"] == "5000.00"
    assert award.exception == "ineligible"
    assert decision.amount("eligible_cost") == Euro("10000.01")  # other amounts are kept
    assert decision.obligations == ()


def test_failed_criterion_reports_its_basis_and_inputs() -> None:
    result = evaluate(SCHEME, app(legal_category="5710")).criterion("applicant.association")
    assert result.basis == Basis("Délibération du conseil municipal n° 2024-112", "art. 1")
    assert result.inputs == {
        "applicant.legal_category": "5710",
        "eligible_legal_categories": ["9220", "9230"],
    }


def test_derived_value() -> None:
    assert evaluate(SCHEME, sports.application()).derived == {"size": "large"}
    small = evaluate(SCHEME, with_costs(("equipment", "9999.99")))
    assert small.derived == {"size": "small"}
    assert small.to_json()["size"] == "small"


def test_each_decision_has_its_own_derived_values() -> None:
    # The generated function builds a new dict per call: one decision's dict is not another's.
    first, second = (evaluate(SCHEME, sports.application()) for _ in range(2))
    assert first.derived == second.derived
    assert first.derived is not second.derived


def test_decisions_of_one_day_share_its_parameters_and_provenance() -> None:
    from grantrules._engine.compiled import Day, compiled

    app = sports.application()
    first, second = evaluate(SCHEME, app), evaluate(SCHEME, app)
    assert first.provenance is second.provenance
    day = SCHEME._by_day[app.submitted_on]
    assert isinstance(day, Day)
    version = compiled(SCHEME.version_at(app.submitted_on))
    assert day.version is version
    assert day.params is version.params_at(day.params_day)
    # Before the first version, its parameters apply as on its first day.
    early = datetime.date(2000, 1, 1)
    before = compiled(SCHEME.versions[0]).day(SCHEME, early)
    assert before.params_day == SCHEME.versions[0].valid_from
    assert before.provenance.evaluated_on == "2000-01-01"


@pytest.mark.parametrize(
    ("condition", "outcome"),
    [
        (
            (field("applicant.legal_category") == "0000") & (field("applicant.members") >= 1),
            "failed",
        ),
        (
            (field("applicant.legal_category") == "9220") & (field("applicant.members") >= 1),
            "missing",
        ),
        (
            (field("applicant.legal_category") == "9220") | (field("applicant.members") >= 1),
            "passed",
        ),
        (
            (field("applicant.legal_category") == "0000") | (field("applicant.members") >= 1),
            "missing",
        ),
        (field("applicant.members").is_set(), "failed"),
    ],
)
def test_kleene_logic_decides_criterion_outcomes(condition: Any, outcome: str) -> None:
    rule = Criterion("check", condition, basis=BASIS, failed={"fr": "Non.", "en": "No."})
    version = attrs.evolve(sports.VERSION_2025, criteria=(*sports.CRITERIA, rule))
    scheme = attrs.evolve(SCHEME, versions=(version,))
    decision = evaluate(scheme, app(members=None))
    assert decision.criterion("check").outcome is Outcome(outcome)


def test_obligation_applying_only_to_some_applications() -> None:
    youth_report = Obligation(
        "youth.report",
        {"fr": "Rapport jeunesse.", "en": "Youth report."},
        BASIS,
        applies_if=field("applicant.youth_club") == True,  # noqa: E712
    )
    version = attrs.evolve(sports.VERSION_2025, obligations=(*sports.OBLIGATIONS, youth_report))
    scheme = attrs.evolve(SCHEME, versions=(version,))
    adult = evaluate(scheme, app(youth_club=False))
    young = evaluate(scheme, app(youth_club=True))
    assert [o.id for o in adult.obligations] == ["publicity.logo"]
    assert [o.id for o in young.obligations] == ["publicity.logo", "youth.report"]


# --- Languages --------------------------------------------------------------------------------


def test_messages_in_french_and_english() -> None:
    ineligible = app(legal_category="5710", members=12)
    fr = evaluate(SCHEME, ineligible, lang="fr")
    en = evaluate(SCHEME, ineligible, lang="en")
    assert fr.lang == "fr"
    assert en.lang == "en"
    assert fr.criterion("applicant.association").message == (
        "La catégorie juridique 5710 n'est pas associative."
    )
    assert en.criterion("applicant.association").message == (
        "Legal category 5710 is not an association."
    )
    assert fr.criterion("applicant.members").message == (
        "Le club compte 12 adhérents, il en faut 20."
    )
    assert en.criterion("applicant.members").message == (
        "The club has 12 members; 20 are required."
    )


def test_passed_message_renders_the_rule_with_values() -> None:
    fr = evaluate(SCHEME, sports.application()).criterion("project.min_cost")
    en = evaluate(SCHEME, sports.application(), lang="en").criterion("project.min_cost")
    assert fr.message == "Critère rempli : le coût total atteint au moins 1\u202f000,00\u00a0€."
    assert en.message == "Criterion met: the total cost is at least €1,000.00."


def test_obligations_in_the_requested_language() -> None:
    en = evaluate(SCHEME, sports.application(), lang="en")
    assert [o.text for o in en.obligations] == ["Display the city's logo on the funded equipment."]


def test_amount_trace_formula_in_both_languages() -> None:
    fr = evaluate(SCHEME, sports.application()).to_json()["traces"]["award"]["formula"]
    en = evaluate(SCHEME, sports.application(), lang="en").to_json()["traces"]["award"]["formula"]
    assert fr == (
        "le plus petit des montants suivants\u00a0: 50\u00a0% du coût éligible "
        "(arrondi au centime inférieur) "
        "et 20\u202f000,00\u00a0€"
    )
    assert en == "the least of 50% of the eligible cost (rounded down to the cent) and €20,000.00"


# --- Invalid arguments ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "FR", ""])
def test_unsupported_language(lang: str) -> None:
    with pytest.raises(InvalidArgument, match="unsupported language"):
        evaluate(SCHEME, sports.application(), lang=lang)


@pytest.mark.parametrize("on", [datetime.datetime(2025, 3, 14, 10, 0), "2025-03-14", 20250314])
def test_on_must_be_a_date(on: Any) -> None:
    with pytest.raises(InvalidArgument, match=r"on must be a datetime\.date"):
        evaluate(SCHEME, sports.application(), on=on)


def test_application_of_the_wrong_type() -> None:
    generic = Application(
        id="X",
        submitted_on=D(2025, 3, 14),
        applicant=sports.application().applicant,
        project=sports.application().project,
    )
    for wrong in (generic, "SPORT-1", 42, None):
        with pytest.raises(InvalidArgument, match="expected a SportsApplication"):
            evaluate(SCHEME, wrong)


def test_scheme_of_the_wrong_type() -> None:
    with pytest.raises(InvalidArgument, match="expected a Scheme"):
        evaluate("sports-equipment", sports.application())  # type: ignore[arg-type]


def test_a_rule_comparing_a_text_with_a_number_is_refused_when_defined() -> None:
    broken = Criterion(
        "applicant.name_size",
        field("applicant.name") > 3,
        basis=BASIS,
        failed={"fr": "Non.", "en": "No."},
    )
    version = attrs.evolve(sports.VERSION_2025, criteria=(broken,))
    with pytest.raises(
        SchemeDefinitionError,
        match=r"criterion applicant\.name_size: cannot compare a text with a whole number in: "
        r"applicant\.name is greater than 3",
    ):
        attrs.evolve(SCHEME, versions=(version,))


def test_a_version_without_criteria_evaluates() -> None:
    version = SchemeVersion(
        valid_from=D(2025, 1, 1),
        parameters=sports.PARAMETERS,
        criteria=(),
        amounts=(Amount("award", Euro("100.00"), basis=BASIS),),
        award="award",
    )
    scheme = Scheme(
        id="no-criteria",
        metadata=Metadata(name={"fr": "Forfait", "en": "Flat grant"}),
        versions=(version,),
        application_type=sports.SportsApplication,
    )
    decision = evaluate(scheme, sports.application())
    assert (decision.eligible, decision.award, decision.criteria) == (True, Euro("100.00"), ())


# --- Determinism and caches -------------------------------------------------------------------


def test_same_input_gives_equal_decisions() -> None:
    application = tagged("handisport", members=10, youth_club=True)
    first = evaluate(SCHEME, application)
    evaluate(SCHEME, app(members=None), lang="en")
    evaluate(SCHEME, application, on=D(2025, 7, 1))
    second = evaluate(SCHEME, application)
    assert first == second
    assert first.to_json() == second.to_json()
    assert json.dumps(first.to_json(), sort_keys=True) == json.dumps(
        second.to_json(), sort_keys=True
    )


def test_messages_do_not_depend_on_earlier_evaluations_in_another_language() -> None:
    fresh = evaluate(SCHEME, app(members=12), lang="en").to_json()
    evaluate(SCHEME, app(members=12), lang="fr").to_json()
    again = evaluate(SCHEME, app(members=12), lang="en").to_json()
    assert fresh == again


def test_explanations_read_later_are_those_of_the_evaluation() -> None:
    first = evaluate(SCHEME, app(members=12))
    evaluate(SCHEME, app(members=500)).to_json()
    assert first.criterion("applicant.members").inputs["applicant.members"] == 12


def test_provenance_is_that_of_the_scheme_evaluated() -> None:
    # Schemes built from one another share version objects (and their compiled caches);
    # a decision must still name the distribution of the scheme it was evaluated with.
    stale = []
    for release in range(50):
        scheme = attrs.evolve(SCHEME, distribution=("grantrules-sports", f"1.{release}"))
        decision = evaluate(scheme, sports.application())
        if decision.provenance.distribution_version != f"1.{release}":
            stale.append((release, decision.provenance.distribution_version))
        del scheme, decision
    assert stale == []


# A grant rate of 50 % that drops to 10 % in 2040.
LATE_RATE_CHANGE = """
[grant_rate]
unit = "rate"
[[grant_rate.values]]
from = 2025-01-01
value = "50%"
basis = { title = "Délibération" }
[[grant_rate.values]]
from = 2040-01-01
value = "10%"
basis = { title = "Délibération" }
"""


def test_explanations_use_the_parameters_of_their_own_date() -> None:
    # A rate that changes in 2040: evaluate on more distinct days than the compiled version
    # caches parameters for, then after the change; the trace must show the rate it applied.
    late_change = parse_parameters(LATE_RATE_CHANGE, source="late-change.toml")
    parameters = ParameterSet({**sports.PARAMETERS.parameters, **late_change.parameters})
    scheme = attrs.evolve(
        SCHEME, versions=(attrs.evolve(sports.VERSION_2025, parameters=parameters),)
    )
    application = sports.application()
    for offset in range(4200):
        day = D(2025, 1, 1) + datetime.timedelta(days=offset)
        assert len(evaluate(scheme, application, on=day).amounts) == 3  # explained, texts cached
    wrong = []
    for offset in range(100):
        decision = evaluate(scheme, application, on=D(2040, 1, 1) + datetime.timedelta(days=offset))
        formula = decision.to_json()["traces"]["award"]["formula"]
        if decision.award != Euro("1000.00") or not formula.startswith(
            "le plus petit des montants suivants\u00a0: 10"
        ):
            wrong.append((decision.evaluated_on, str(decision.award), formula))
    assert wrong == []


# --- Against a plain-Python oracle of the sports rules -------------------------------------------


def oracle(application: Any, on: datetime.date) -> tuple[bool, Euro, dict[str, Outcome]]:
    """The sports scheme's verdict, award and outcomes, written by hand from its règlement."""
    day = max(on, D(2025, 1, 1))
    rate = Rate("70%") if application.applicant.youth_club else Rate("50%")
    if day >= D(2025, 7, 1) and not application.applicant.youth_club:
        rate = Rate("40%")
    costs = application.costs
    total = Euro.sum(c.amount_excl_vat for c in costs)
    eligible_cost = Euro.sum(
        c.amount_excl_vat for c in costs if c.category in ("equipment", "installation")
    )
    computed = min(rate.apply(eligible_cost, DOWN), Euro("20000.00"))
    members = application.applicant.members
    threshold = 5 if "handisport" in application.project.tags else 20
    found = {
        "applicant.association": application.applicant.legal_category in ("9220", "9230"),
        "applicant.members": None if members is None else members >= threshold,
        "call.window": D(2025, 1, 15) <= application.submitted_on <= D(2026, 12, 31),
        "project.min_cost": total >= Euro("1000.00"),
        "costs.travel": not any(c.category == "travel" for c in costs),
    }
    if on >= D(2026, 1, 1):
        found["applicant.insured"] = application.applicant.youth_club or total <= Euro("50000.00")
    result = {
        key: Outcome.MISSING if held is None else Outcome.PASSED if held else Outcome.FAILED
        for key, held in found.items()
    }
    eligible = all(o is Outcome.PASSED for k, o in result.items() if k != "costs.travel")
    return eligible, computed if eligible else Euro.ZERO, result


cost_lines = st.lists(
    st.builds(
        lambda category, amount: sports.SportsCostLine(
            category=category, label=category, amount_excl_vat=Euro(amount)
        ),
        st.sampled_from(["equipment", "installation", "travel"]),
        st.decimals(
            min_value=0,
            max_value=Decimal("60000"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
    ),
    max_size=4,
)
days = st.dates(min_value=D(2024, 10, 1), max_value=D(2027, 3, 1))


@st.composite
def sports_applications(draw: st.DrawFn) -> Any:
    base = sports.application()
    applicant = attrs.evolve(
        base.applicant,
        members=draw(st.none() | st.integers(min_value=0, max_value=40)),
        youth_club=draw(st.booleans()),
        legal_category=draw(st.sampled_from(["9220", "9230", "5710"])),
    )
    tags = draw(st.lists(st.sampled_from(["handisport", "judo"]), unique=True).map(tuple))
    return attrs.evolve(
        base,
        submitted_on=draw(days),
        applicant=applicant,
        project=attrs.evolve(base.project, tags=tags),
        costs=tuple(draw(cost_lines)),
    )


@settings(max_examples=150, deadline=None)  # evaluates and runs an oracle per example
@given(application=sports_applications(), on=st.none() | days)
def test_evaluation_agrees_with_a_plain_python_oracle(
    application: Any, on: datetime.date | None
) -> None:
    day = application.submitted_on if on is None else on
    decision = evaluate(SCHEME, application, on=on)
    eligible, award, expected = oracle(application, day)
    assert outcomes(decision) == expected
    assert decision.eligible is eligible
    assert decision.award == award
    back = Decision.from_json(json.loads(json.dumps(decision.to_json())))
    assert back == decision


# --- AMI smoke test ---------------------------------------------------------------------------


def test_ami_example_from_its_json_document() -> None:
    pytest.importorskip("grantrules.serde")
    scheme = load_scheme("ami-ia-hdf")
    document = json.loads(LILLE.read_text(encoding="utf-8"))
    decision = evaluate(scheme, document)
    assert decision.eligible is True
    assert decision.amount("total_cost") == Euro("100000.00")
    assert decision.amount("eligible_cost") == Euro("100000.00")
    assert decision.award == Euro("60000.00")
    data = decision.to_json()
    assert data["award"] == "60000.00"
    assert data["cost_option"] == "draft_budget"
    assert data["provenance"]["distribution"] == "grantrules-ami-ia-hdf"
