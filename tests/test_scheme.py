"""Tests of grantrules.scheme: dated versions, consistency checks, what-if, metadata."""

from __future__ import annotations

import datetime
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, SchemeDefinitionError, UnknownParameter
from grantrules.evaluate import evaluate
from grantrules.expressions import const, field, param
from grantrules.money import Euro, Rate
from grantrules.rules import Criterion, Obligation
from grantrules.scheme import Metadata, Perimeter, SchemeVersion


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()

BASIS = Basis("Règlement municipal", "art. 1")
D = datetime.date
METADATA = Metadata(name={"fr": "Petite aide", "en": "Small grant"})


def version(**changes: Any) -> SchemeVersion:
    """The sports 2025 version with fields replaced (construction re-runs every check)."""
    changed: SchemeVersion = attrs.evolve(sports.VERSION_2025, **changes)
    return changed


def criterion(criterion_id: str, condition: Any = True) -> Criterion:
    return Criterion(criterion_id, condition, basis=BASIS, failed={"fr": "Non.", "en": "No."})


# --- Versions in force ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "valid_from"),
    [
        (D(2020, 1, 1), D(2025, 1, 1)),  # before the first version: the first version
        (D(2024, 12, 31), D(2025, 1, 1)),
        (D(2025, 1, 1), D(2025, 1, 1)),
        (D(2025, 7, 1), D(2025, 1, 1)),
        (D(2025, 12, 31), D(2025, 1, 1)),  # the day before the second version
        (D(2026, 1, 1), D(2026, 1, 1)),  # the day it starts
        (D(2030, 6, 1), D(2026, 1, 1)),
    ],
)
def test_version_at(day: datetime.date, valid_from: datetime.date) -> None:
    assert sports.SCHEME.version_at(day).valid_from == valid_from


def test_version_at_returns_the_version_objects() -> None:
    assert sports.SCHEME.version_at(D(2025, 12, 31)) is sports.VERSION_2025
    assert sports.SCHEME.version_at(D(2026, 1, 1)) is sports.VERSION_2026


@pytest.mark.parametrize("day", [datetime.datetime(2026, 1, 1, 12, 0), "2026-01-01", None])
def test_version_at_wants_a_date(day: Any) -> None:
    with pytest.raises(InvalidArgument, match=r"expected a datetime\.date"):
        sports.SCHEME.version_at(day)


def test_versions_are_sorted_by_start() -> None:
    scheme = attrs.evolve(sports.SCHEME, versions=(sports.VERSION_2026, sports.VERSION_2025))
    assert [v.valid_from for v in scheme.versions] == [D(2025, 1, 1), D(2026, 1, 1)]
    assert scheme.version_at(D(2025, 6, 1)) is sports.VERSION_2025


def test_two_versions_on_the_same_day_are_refused() -> None:
    twin = version(note="a copy")
    with pytest.raises(SchemeDefinitionError, match="same day"):
        attrs.evolve(sports.SCHEME, versions=(sports.VERSION_2025, twin))


def test_a_scheme_needs_a_version() -> None:
    with pytest.raises(SchemeDefinitionError, match="at least one version"):
        attrs.evolve(sports.SCHEME, versions=())


# --- Version consistency --------------------------------------------------------------------


def test_duplicate_criteria_ids_are_refused() -> None:
    with pytest.raises(SchemeDefinitionError, match=r"criteria ids used twice: \['call.window'\]"):
        version(criteria=(*sports.CRITERIA, criterion("call.window")))


@pytest.mark.parametrize(
    "changes",
    [
        {"criteria": (criterion("x", field("applicant.members") >= param("min_member")),)},
        {
            "amounts": (
                *sports.VERSION_2025.amounts,
                Amount("bonus", param("bonus_amount"), basis=BASIS),
            )
        },
        {"derived": {"band": param("band_limit") > Euro("0.00")}},
        {
            "obligations": (
                Obligation(
                    "report",
                    {"fr": "Rapport.", "en": "Report."},
                    BASIS,
                    applies_if=param("report_threshold") < Euro("1.00"),
                ),
            )
        },
    ],
)
def test_unknown_parameters_are_refused_wherever_read(changes: dict[str, Any]) -> None:
    with pytest.raises(SchemeDefinitionError, match="parameters that are not defined"):
        version(**changes)


def test_unknown_parameter_message_names_it() -> None:
    rule = criterion("x", field("applicant.members") >= param("min_member"))
    with pytest.raises(SchemeDefinitionError, match=r"\['min_member'\]"):
        version(criteria=(rule,))


@pytest.mark.parametrize("key", ["award", "eligible", "criteria", "scheme", "lang", "traces"])
def test_derived_values_may_not_shadow_decision_keys(key: str) -> None:
    with pytest.raises(SchemeDefinitionError, match=f"shadow decision keys: \\['{key}'\\]"):
        version(derived={key: const("x")})


def test_rules_may_only_read_fields_of_the_application_model() -> None:
    typo = attrs.evolve(
        sports.VERSION_2025, criteria=(criterion("x", field("applicant.membres") >= 20),)
    )
    with pytest.raises(SchemeDefinitionError, match="membres"):
        attrs.evolve(sports.SCHEME, versions=(typo,))


def test_version_lookups() -> None:
    v = sports.VERSION_2025
    assert v.criterion("call.window").id == "call.window"
    assert v.amount("award").id == "award"
    with pytest.raises(InvalidArgument, match="no criterion 'nope'"):
        v.criterion("nope")
    with pytest.raises(InvalidArgument, match="no amount 'nope'"):
        v.amount("nope")


def test_labels_merge_parameter_descriptions_amount_labels_and_version_labels() -> None:
    labels = sports.VERSION_2025.all_labels()
    assert labels["param:grant_rate"] == {"fr": "le taux de subvention", "en": "the grant rate"}
    assert labels["amount:eligible_cost"]["en"] == "the eligible cost"
    assert labels["field:applicant.members"]["fr"] == "le nombre d'adhérents"
    assert "param:window" not in labels  # no description, no label


def test_the_2026_version_adds_one_criterion() -> None:
    ids_2025 = [c.id for c in sports.VERSION_2025.criteria]
    ids_2026 = [c.id for c in sports.VERSION_2026.criteria]
    assert ids_2026 == [*ids_2025, "applicant.insured"]


# --- What-if ----------------------------------------------------------------------------------


def test_with_parameters_changes_the_award_and_is_recorded() -> None:
    what_if = sports.SCHEME.with_parameters(grant_rate="30%")
    decision = evaluate(what_if, sports.application())
    assert decision.award == Euro("3000.00")  # 30 % of 10 000.01, rounded down to the cent
    assert decision.provenance.overrides == {"grant_rate": "30%"}
    assert decision.to_json()["provenance"]["overrides"] == {"grant_rate": "30%"}


def test_with_parameters_applies_on_every_date_and_version() -> None:
    what_if = sports.SCHEME.with_parameters(grant_rate="30%")
    for day in (D(2025, 6, 30), D(2025, 7, 1), D(2026, 1, 1)):
        assert evaluate(what_if, sports.application(), on=day).award == Euro("3000.00")


def test_with_parameters_leaves_the_original_scheme_alone() -> None:
    sports.SCHEME.with_parameters(grant_rate="30%", ceiling="100.00")
    decision = evaluate(sports.SCHEME, sports.application())
    assert decision.award == Euro("5000.00")
    assert decision.provenance.overrides == {}


def test_with_parameters_accepts_values_and_accumulates() -> None:
    what_if = sports.SCHEME.with_parameters(grant_rate=Rate("30%")).with_parameters(
        ceiling=Euro("2000.00")
    )
    assert what_if.overrides == {"grant_rate": "30%", "ceiling": "2000.00"}
    assert evaluate(what_if, sports.application()).award == Euro("2000.00")


def test_with_parameters_refuses_unknown_parameters() -> None:
    with pytest.raises(UnknownParameter, match="grant_rat"):
        sports.SCHEME.with_parameters(grant_rat="30%")


# --- Metadata ---------------------------------------------------------------------------------


def test_metadata_fields() -> None:
    metadata = sports.SCHEME.metadata
    assert sports.SCHEME.title == "Aide à l'équipement sportif"
    assert metadata.name["en"] == "Sports equipment grant"
    assert metadata.targeted_audiences == ("association",)
    assert metadata.perimeter == Perimeter(scale="commune", code="99999", name="Exempleville")
    assert metadata.financers == ("Ville d'Exempleville",)
    assert (metadata.subvention_rate_lower_bound, metadata.subvention_rate_upper_bound) == (40, 70)
    assert metadata.aid_types == ("grant",)  # default
    assert metadata.is_call_for_project is False


def test_title_falls_back_to_any_language() -> None:
    scheme = attrs.evolve(sports.SCHEME, metadata=Metadata(name={"en": "Sports equipment grant"}))
    assert scheme.title == "Sports equipment grant"


def test_metadata_is_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        Metadata({"fr": "Aide"})  # type: ignore[call-arg]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        METADATA.short_title = "x"  # type: ignore[misc]


def test_scheme_identity_and_defaults() -> None:
    scheme = sports.SCHEME
    assert scheme.id == "sports-equipment"
    assert scheme.application_type is sports.SportsApplication
    assert scheme.allocation == "first_come_first_served"
    assert scheme.overrides == {}
    assert scheme.distribution is None


# --- Caches of evaluation ---------------------------------------------------------------------


def test_days_with_equal_parameters_share_them_and_a_change_is_seen_the_day_it_applies() -> None:
    from grantrules._engine.compiled import compiled

    version = compiled(sports.VERSION_2025)
    before = version.params_at(D(2025, 6, 30))
    assert version.params_at(D(2025, 2, 1)) is before
    assert version.params_at(D(2025, 7, 1)) is not before
    assert before["grant_rate"] == Rate("50%")
    assert version.params_at(D(2025, 7, 1))["grant_rate"] == Rate("40%")
    app = sports.application()
    for _ in range(2):  # the second time from the caches
        awards = [
            evaluate(sports.SCHEME, app, on=day).award for day in (D(2025, 6, 30), D(2025, 7, 1))
        ]
        assert awards == [Euro("5000.00"), Euro("4000.00")]  # 50 %, then 40 % of 10 000.01


def test_a_what_if_scheme_does_not_reuse_the_evaluations_of_its_original() -> None:
    app, day = sports.application(), D(2025, 6, 30)
    original = evaluate(sports.SCHEME, app, on=day)
    what_if = evaluate(sports.SCHEME.with_parameters(grant_rate="30%"), app, on=day)
    assert (original.award, what_if.award) == (Euro("5000.00"), Euro("3000.00"))
    assert what_if.provenance.overrides == {"grant_rate": "30%"}
    again = evaluate(sports.SCHEME, app, on=day)
    assert (again.award, again.provenance.overrides) == (Euro("5000.00"), {})
