"""Tests of the ``grantrules`` command, through click's runner and one real subprocess."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from grantrules import _cli_params, cli
from grantrules.cli import main
from grantrules.evaluate import evaluate
from grantrules.registry import installed_schemes, load_scheme
from grantrules.serde import unstructure_application


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()
SPORTS = "sports:SCHEME"  # not installed: reached by its import path
INVALID = Path(__file__).parent / "data" / "invalid"
EXAMPLES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"
needs_ami = pytest.mark.skipif(
    "ami-ia-hdf" not in installed_schemes(), reason="AMI scheme not installed"
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"GRANTRULES_LANG": None})


def assert_clean_failure(result: Result, code: int) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def application(tmp_path: Path) -> Path:
    return write(tmp_path / "sport.json", unstructure_application(sports.application()))


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    good = unstructure_application(sports.application())
    small = unstructure_application(sports.application(id="SPORT-2", costs=()))
    bad = json.loads(json.dumps(good))
    bad["costs"][0]["amount_excl_vat"] = 8000.0
    text = "\n".join([json.dumps(good), json.dumps(bad), "", "{oops", json.dumps(small)])
    path = tmp_path / "batch.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    return path


# --- schemes, show, docs, schema


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("grantrules, version ")
    help_text = run("--help").stdout
    for command in ("schemes", "show", "evaluate", "schema", "docs"):
        assert command in help_text


def test_schemes_lists_the_installed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "installed_schemes", lambda: ("sports-equipment", "broken"))

    def fake_load(scheme_id: str) -> Any:
        if scheme_id == "broken":
            raise ImportError("no module named broken_scheme")
        return attrs.evolve(sports.SCHEME, distribution=("grantrules-sports", "1.0"))

    monkeypatch.setattr(cli, "load_scheme", fake_load)
    result = run("schemes")
    assert result.exit_code == 0
    assert result.stdout == (
        "sports-equipment\tAide à l'équipement sportif\t2025-01-01, 2026-01-01\t"
        "grantrules-sports 1.0\n"
    )
    assert "broken" in result.stderr
    assert "ImportError: no module named broken_scheme" in result.stderr


def test_schemes_when_none_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "installed_schemes", tuple)
    result = run("schemes")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Aucun dispositif installé.\n"


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Critères d'éligibilité"), ("en", "Eligibility criteria")]
)
def test_show(lang: str, heading: str) -> None:
    result = run("show", SPORTS, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    assert heading in result.stdout
    assert "applicant.members" in result.stdout
    assert "Délibération du conseil municipal n° 2024-112, art. 2" in result.stdout
    assert result.stderr == ""


def test_show_on_a_day() -> None:
    result = run("show", SPORTS, "--on", "2026-02-01", "--lang", "en")
    assert result.exit_code == 0
    assert "Rules in force on 1 February 2026 (version of 1 January 2026)" in result.stdout
    assert "applicant.insured" in result.stdout


def test_docs_prints_markdown() -> None:
    result = run("docs", SPORTS)
    assert result.exit_code == 0
    assert result.stdout.startswith("# Aide à l'équipement sportif\n")
    assert "#### `grant_rate` — le taux de subvention" in result.stdout


def test_schema_prints_the_json_schema() -> None:
    result = run("schema", SPORTS)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$defs"]["SportsCostLine"]["additionalProperties"] is False


@pytest.mark.parametrize("command", ["show", "docs", "schema"])
def test_unknown_scheme_is_a_usage_error_listing_the_installed(command: str) -> None:
    result = run(command, "no-such-scheme")
    assert_clean_failure(result, 2)
    assert "no scheme 'no-such-scheme' is installed (installed: " in result.stderr


@pytest.mark.parametrize("target", ["sports:NOPE", "no_such_module:X", "sports:application"])
def test_bad_import_paths_are_usage_errors(target: str) -> None:
    result = run("schema", target)
    assert_clean_failure(result, 2)
    assert target in result.stderr


def test_a_broken_scheme_fails_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(scheme_id: str) -> Any:
        raise AttributeError("module 'x' has no attribute 'scheme'")

    monkeypatch.setattr(_cli_params, "load_scheme", broken)
    result = run("docs", "x")
    assert_clean_failure(result, 1)
    assert "AttributeError: module 'x' has no attribute 'scheme'" in result.stderr


# --- evaluate one application


def test_evaluate_prints_a_report(application: Path) -> None:
    result = run("evaluate", "--scheme", SPORTS, application)
    assert result.exit_code == 0, result.stderr
    assert "Verdict\u00a0: ÉLIGIBLE" in result.stdout
    assert "Montant de l'aide\u00a0: 5\u202f000,00\xa0€" in result.stdout
    assert result.stderr == ""


def test_evaluate_json_is_exactly_the_decision_json(application: Path) -> None:
    result = run("evaluate", "--scheme", SPORTS, application, "--format", "json")
    assert result.exit_code == 0
    decision = evaluate(sports.SCHEME, sports.application())
    assert result.stdout == json.dumps(decision.to_json(), ensure_ascii=False) + "\n"


def test_evaluate_in_english_on_a_day(application: Path) -> None:
    result = run(
        "evaluate", "--scheme", SPORTS, application, "--lang", "en", "--on", "2025-08-01",
        "--format", "json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["evaluated_on"] == "2025-08-01"
    assert data["award"] == "4000.00"  # the rate fell to 40 % on 1 July 2025
    assert data["lang"] == "en"


def test_what_if_overrides_are_recorded(application: Path) -> None:
    result = run(
        "evaluate", "--scheme", SPORTS, application, "--format", "json",
        "--set", "grant_rate=70%", "--set", "ceiling=6000.00",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["award"] == "6000.00"
    assert data["provenance"]["overrides"] == {"grant_rate": "70%", "ceiling": "6000.00"}


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("grant_rat=50%", "unknown parameter 'grant_rat' (did you mean 'grant_rate'?); known "
                          "parameters: ceiling, eligible_categories"),
        ("grant_rate", "expected NAME=VALUE, got 'grant_rate'"),
        ("grant_rate=lots", "override of 'grant_rate'"),
    ],
)  # fmt: skip
def test_bad_overrides_are_usage_errors(application: Path, assignment: str, expected: str) -> None:
    result = run("evaluate", "--scheme", SPORTS, application, "--set", assignment)
    assert_clean_failure(result, 2)
    assert expected in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("day", ["2025-02-30", "14/03/2025"])
def test_bad_dates_are_usage_errors(application: Path, day: str) -> None:
    result = run("evaluate", "--scheme", SPORTS, application, "--on", day)
    assert_clean_failure(result, 2)
    assert "--on" in result.stderr


def test_unknown_scheme_when_evaluating(application: Path) -> None:
    result = run("evaluate", "--scheme", "nope", application)
    assert_clean_failure(result, 2)
    assert "Invalid value for '--scheme': no scheme 'nope' is installed" in result.stderr


# --- malformed files: exit 1, every problem on stderr, the field named, no traceback


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("float-amount.json", '$.costs[1].amount_excl_vat: expected an amount string like '
                              '"1200.00", got the number 30000.0'),
        ("unknown-key.json", "$.applicant.colour: unknown field (expected one of 'name', "),
        ("missing-section.json", "$.project: required field missing"),
        ("bad-siren.json", "$.applicant.siren: SIREN '775672273' fails the Luhn check"),
        ("impossible-date.json", "$.project.end_date: '2025-02-30' is not a real date"),
        ("negative-amount.json", "$.costs[0].vat: must not be negative, got -160.00"),
        ("not-json.json", "$: {path} is not JSON: Expecting value (line 1, column 1)"),
        ("empty.json", "$: {path} is empty: expected a JSON object (the application)"),
    ],
)  # fmt: skip
def test_malformed_files(name: str, expected: str) -> None:
    path = INVALID / name
    result = run("evaluate", "--scheme", SPORTS, path)
    assert_clean_failure(result, 1)
    assert result.stdout == ""
    first, *problems = result.stderr.splitlines()
    assert first.startswith(f"{path}\u00a0: dossier invalide (1 problème(s))")
    assert len(problems) == 1
    assert problems[0].startswith(expected.format(path=path))


def test_all_problems_of_a_file_one_per_line(tmp_path: Path) -> None:
    document = unstructure_application(sports.application())
    document["applicant"]["siren"] = "775672273"
    document["costs"][0]["vat"] = 1.5
    del document["project"]["title"]
    result = run(
        "evaluate", "--scheme", SPORTS, write(tmp_path / "a.json", document), "--lang", "en"
    )
    assert_clean_failure(result, 1)
    assert result.stderr.splitlines()[1:] == [
        "$.project.title: required field missing",
        "$.applicant.siren: SIREN '775672273' fails the Luhn check (a digit is probably mistyped)",
        '$.costs[0].vat: expected an amount string like "1200.00", got the number 1.5',
    ]
    assert result.stderr.splitlines()[0].endswith(": invalid application (3 problem(s))")


def test_a_directory_is_invalid_input(tmp_path: Path) -> None:
    result = run("evaluate", "--scheme", SPORTS, tmp_path)
    assert_clean_failure(result, 1)
    assert result.stderr == f"{tmp_path} est un dossier\u00a0: attendu un fichier .json ou .jsonl\n"


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("evaluate", "--scheme", SPORTS, tmp_path / "nowhere.json")
    assert_clean_failure(result, 2)
    assert "does not exist" in result.stderr


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.json", {})

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    result = run("evaluate", "--scheme", SPORTS, path)
    assert_clean_failure(result, 1)
    assert result.stderr == f"impossible de lire {path}\u00a0: Permission denied\n"


def test_an_evaluation_error_is_reported_without_traceback(
    application: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grantrules.errors import ExceptionConflict

    def conflict(*args: Any, **kwargs: Any) -> Any:
        raise ExceptionConflict("criterion x: exceptions a, b both apply and disagree")

    monkeypatch.setattr(cli, "evaluate", conflict)
    result = run("evaluate", "--scheme", SPORTS, application)
    assert_clean_failure(result, 1)
    assert result.stderr == (
        "exception-conflict: criterion x: exceptions a, b both apply and disagree\n"
    )


# --- JSON Lines


def test_json_lines_one_record_per_line_in_order(lines: Path) -> None:
    result = run("evaluate", "--scheme", SPORTS, lines, "--format", "json")
    assert_clean_failure(result, 1)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("application", r.get("line")) for r in records] == ["SPORT-1", 2, 4, "SPORT-2"]
    assert records[1] == {
        "line": 2,
        "error": "application-invalid",
        "problems": [
            {
                "path": "$.costs[0].amount_excl_vat",
                "message": 'expected an amount string like "1200.00", got the number 8000.0',
                "code": "wrong-type",
            }
        ],
    }
    assert records[2]["problems"][0]["path"] == "$"
    assert records[2]["problems"][0]["message"].startswith("line 4 is not JSON: ")
    assert records[3]["eligible"] is False
    assert result.stderr == "2 ligne(s) invalide(s) sur 5\n"


def test_json_lines_all_valid_exit_0(tmp_path: Path) -> None:
    documents = [unstructure_application(sports.application(id=f"S-{i}")) for i in range(3)]
    path = tmp_path / "ok.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    result = run("evaluate", "--scheme", SPORTS, path, "--format", "json")
    assert result.exit_code == 0
    assert [json.loads(x)["application"] for x in result.stdout.splitlines()] == [
        "S-0",
        "S-1",
        "S-2",
    ]
    assert result.stderr == ""


def test_json_lines_as_text(lines: Path) -> None:
    result = run("evaluate", "--scheme", SPORTS, lines, "--lang", "en")
    assert_clean_failure(result, 1)
    assert result.stdout.count("Verdict: ") == 2
    assert (
        "Line 2: invalid application\n"
        '  $.costs[0].amount_excl_vat: expected an amount string like "1200.00", got the number '
        "8000.0\n" in result.stdout
    )
    assert "Line 4: invalid application\n  $: line 4 is not JSON" in result.stdout
    assert result.stderr == "2 of 5 lines are invalid\n"


def test_json_lines_progress(lines: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_PROGRESS_EVERY", 2)
    result = run("evaluate", "--scheme", SPORTS, lines, "--format", "json", "--progress")
    progress = [line for line in result.stderr.splitlines() if "traitée" in line]
    assert [p.split(" ")[0] for p in progress] == ["2", "4"]
    quiet = run("evaluate", "--scheme", SPORTS, lines, "--format", "json")
    assert "traitée" not in quiet.stderr  # not a terminal: no progress unless asked


def test_json_lines_evaluation_errors_become_records(
    lines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grantrules.errors import EvaluationError

    real = evaluate

    def sometimes(scheme: Any, app: Any, *args: Any, **kwargs: Any) -> Any:
        if app.id == "SPORT-2":
            raise EvaluationError("amount award: boom")
        return real(scheme, app, *args, **kwargs)

    monkeypatch.setattr(cli, "evaluate", sometimes)
    result = run("evaluate", "--scheme", SPORTS, lines, "--format", "json")
    last = json.loads(result.stdout.splitlines()[-1])
    assert last == {"line": 5, "error": "evaluation-failed", "message": "amount award: boom"}


# --- the AMI scheme, when installed


@needs_ami
def test_evaluate_the_ami_example() -> None:
    path = EXAMPLES / "lille-deliberations.json"
    result = run("evaluate", "--scheme", "ami-ia-hdf", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["eligible"] is True
    assert data["award"] == "60000.00"
    assert data["amounts"]["total_cost"] == "100000.00"
    assert data["cost_option"] == "draft_budget"
    expected = evaluate(load_scheme("ami-ia-hdf"), json.loads(path.read_text(encoding="utf-8")))
    assert result.stdout == json.dumps(expected.to_json(), ensure_ascii=False) + "\n"


@needs_ami
def test_evaluate_the_ami_call_file() -> None:
    result = run("evaluate", "--scheme", "ami-ia-hdf", EXAMPLES / "call.jsonl", "--format", "json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    source = (EXAMPLES / "call.jsonl").read_text(encoding="utf-8").splitlines()
    assert [r["application"] for r in records] == [json.loads(s)["id"] for s in source if s]


def test_the_call_group_is_mounted_when_available() -> None:
    try:
        import grantrules.call.cli  # noqa: F401
    except ImportError:
        pytest.skip("the call engine is not importable")
    assert "call" in main.commands


# --- the installed command, for real


def test_installed_command_in_a_subprocess(application: Path) -> None:
    command = Path(sys.executable).with_name("grantrules")
    executable = str(command) if command.exists() else shutil.which("grantrules")
    assert executable, "the grantrules command is not installed"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent / "schemes")}
    env.pop("GRANTRULES_LANG", None)
    completed = subprocess.run(
        [executable, "evaluate", "--scheme", SPORTS, str(application), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert json.loads(completed.stdout)["award"] == "5000.00"
