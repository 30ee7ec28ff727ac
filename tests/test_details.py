"""A criterion's details are computed by generated code, its closure deciding only the rest."""

from __future__ import annotations

import datetime
import types

import attrs
import pytest

from custom_nodes import Twice
from grantrules._engine.compiled_rules import _CompiledCriterion, _detail
from grantrules._engine.runtime import Params
from grantrules._engine.strict import StrictModeError
from grantrules._engine.textgen import value_or_none
from grantrules.basis import Basis
from grantrules.expressions import Env, field, param
from grantrules.rules import Criterion, Outcome


def _env(**fields: object) -> Env:
    return Env(types.SimpleNamespace(**fields), {}, {}, datetime.date(2025, 1, 1))


def test_a_detail_is_computed_by_generated_code() -> None:
    detail = _detail(field("a") + field("b"))
    cells = [cell.cell_contents for cell in detail.__closure__ or ()]
    files = [getattr(getattr(c, "__code__", None), "co_filename", "") for c in cells]
    assert any(name.startswith("<grantrules rule #") for name in files), files
    assert detail(_env(a=2, b=3), None) == 5


def test_a_missing_input_that_kleene_logic_decides_goes_to_the_closure() -> None:
    # Generated code stops at the missing a (MissingInput); the closure decides True.
    detail = _detail((field("a") > 1) | field("b"))
    assert detail(_env(a=None, b=True), None) is True
    assert value_or_none(detail, _env(a=None, b=False)) is None  # missing: shown as null


def test_a_detail_without_source_form_takes_the_listed_interpreter_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRANTRULES_STRICT", "0")
    interpreted: list[str] = []
    detail = _detail(Twice(field("a")), interpreted)
    assert interpreted == ["Twice"]
    assert detail(_env(a=2), None) == 4
    monkeypatch.setenv("GRANTRULES_STRICT", "1")
    with pytest.raises(StrictModeError, match="no source form for Twice"):
        _detail(Twice(field("a")))


def test_parameters_in_messages_are_formatted_once_per_set() -> None:
    criterion = Criterion(
        "applicant.members",
        field("applicant.members") >= param("min_members"),
        basis=Basis("Règlement", "art. 2"),
        failed={"fr": "{applicant.members} sur {min_members}.", "en": "{min_members} needed."},
        # A detail named like a parameter is what the message shows: never prefilled.
        details={"min_members": field("applicant.members") + 100},
        missing={"fr": "{min_members} : manque {missing}.", "en": "Missing {missing}."},
    )
    compiled = _CompiledCriterion(criterion)
    params = Params({"min_members": 20})
    for outcome, lang in [(Outcome.FAILED, "fr"), (Outcome.FAILED, "en"), (Outcome.MISSING, "fr")]:
        values = {"applicant.members": 12, "min_members": 112, "missing": "applicant.members"}
        assert compiled.message(outcome, values, lang, None, params) == compiled.message(
            outcome, values, lang
        )
    plain = _CompiledCriterion(attrs.evolve(criterion, details={}))
    values = {"applicant.members": 12, "min_members": 20}
    assert plain.message(Outcome.FAILED, values, "fr", None, params) == "12 sur 20."
    assert plain.message(Outcome.FAILED, {**values, "min_members": 99}, "fr", None, params) == (
        "12 sur 20."  # formatted from the parameters, once: they are what values read
    )
