"""``grantrules check``: the JSON and text reports, exit statuses, and the missing extra."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from grantrules.cli import main

ON = ["--on", "2025-03-14"]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_report_of_a_sound_scheme() -> None:
    code, out, _ = _run("ami-ia-hdf", *ON, "--max-items", "2", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["scheme"] == "ami-ia-hdf"
    assert data["scheme_version"] == "2024-11-01"
    assert data["evaluated_on"] == "2025-03-14"
    assert data["bounds"] == {"max_items": 2}
    assert {r["status"] for r in data["invariants"]} == {"proved"}
    assert data["eligible"]["status"] == "found"
    assert data["eligible"]["evaluator"] == "confirmed"
    # Amounts in the documents are strings, never floats.
    cost = data["eligible"]["application"]["costs"][0]["amount_excl_vat"]
    assert isinstance(cost, str)


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", ["prouvé", "Témoins"]), ("en", ["proved", "Witnesses"])]
)
def test_text_report_in_both_languages(lang: str, words: list[str]) -> None:
    code, out, _ = _run("prove_cli_schemes:SPORTS", *ON, "--max-items", "1", "--lang", lang)
    assert code == 0
    for word in words:
        assert word in out


def test_a_set_override_is_proved_as_given() -> None:
    # A 90 % rate is above the scheme's 70 % maximum: the override is what gets proved.
    code, out, _ = _run(
        "prove_cli_schemes:SPORTS", *ON, "--max-items", "1", "--set", "grant_rate=90%",
        "--format", "json",
    )  # fmt: skip
    assert code == 1
    bound = next(r for r in json.loads(out)["invariants"] if r["id"] == "award_within_rate_bound")
    assert bound["status"] == "violated"
    assert bound["evaluator"] == "confirmed"


def test_no_eligible_application_exits_1() -> None:
    code, out, _ = _run("prove_cli_schemes:INFEASIBLE", *ON, "--max-items", "1", "--lang", "en")
    assert code == 1
    assert "no application is eligible" in out


@pytest.mark.parametrize(
    "args",
    [
        ["ami-ia-hdf", "--max-items", "-1"],
        ["ami-ia-hdf", "--max-items", "lots"],
        ["ami-ia-hdf", "--on", "14/03/2025"],
        ["ami-ia-hdf", "--set", "no-equals-sign"],
        ["no-such-scheme"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, _, _ = _run(*args)
    assert code == 2


def _without(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    """Make ``import grantrules.prove`` run again, with ``missing`` not importable."""
    for name in [m for m in sys.modules if m.startswith("grantrules.prove")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)  # its import fails


def test_without_z3_the_command_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _without(monkeypatch, "z3")
    code, out, err = _run("ami-ia-hdf", *ON, "--lang", "en")
    assert code == 2
    assert out == ""
    assert "grantrules[prove]" in err


def test_an_analyser_that_fails_to_import_is_not_a_missing_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without(monkeypatch, "grantrules.prove._check")
    result = CliRunner().invoke(main, ["check", "ami-ia-hdf", *ON, "--lang", "en"])
    assert isinstance(result.exception, ModuleNotFoundError)
    assert result.exception.name == "grantrules.prove._check"
    assert "grantrules[prove]" not in result.stderr
