"""The `call` command group, driven through click's runner."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from call_support import fake_evaluator, make_document
from click.testing import CliRunner

from grantrules.call import SameApplicant
from grantrules.call.cli import call
from grantrules.errors import SchemeNotFound
from grantrules.money import Euro


def factory(scheme: str, overrides: Mapping[str, str]) -> tuple[Any, Euro, dict[str, Any]]:
    if scheme != "fake":
        raise SchemeNotFound(f"no scheme {scheme!r}; installed: fake")
    return fake_evaluator, Euro("1000.00"), {"portfolio_rules": [SameApplicant()]}


OBJ = {"make_evaluator": factory}


@pytest.fixture
def applications(tmp_path: Path) -> Path:
    path = tmp_path / "apps.jsonl"
    docs = [make_document(i, award=a, day=i) for i, a in enumerate(["400", "700", "300"])]
    docs.append(make_document(3, eligible=False, siren=docs[0]["applicant"]["siren"]))
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n\n")
    return path


def invoke(*args: str, obj: object = OBJ) -> Any:
    return CliRunner().invoke(call, list(args), obj=obj)


def test_run_text_and_report(applications: Path, tmp_path: Path) -> None:
    db, report = tmp_path / "c.db", tmp_path / "report.md"
    result = invoke(
        "run", "--scheme", "fake", str(applications), "--db", str(db), "--report", str(report)
    )
    assert result.exit_code == 0, result.output
    assert "A00001       Applicant 1  eligible    700.00  waitlisted" in result.stdout
    assert "remaining     300.00" in result.stdout
    assert "## Applications" in report.read_text()
    status = invoke("status", str(db), "--format", "json")
    assert json.loads(status.stdout)["committed"] == "700.00"


def test_run_json_with_envelope_override(applications: Path) -> None:
    result = invoke(
        "run", "--scheme", "fake", str(applications), "--format", "json", "--set", "envelope=500"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["envelope"] == "500.00"
    assert data["funded"] == {"count": "1", "amount": "400.00"}
    assert data["ineligible"]["count"] == "1"
    assert {"id": "A00002", "status": "waitlisted", "award": "300.00"} in data["applications"]


def test_run_with_jobs_gives_the_same_result(applications: Path) -> None:
    # Four documents stay in process; the forked route is tested in test_call_parallel.
    serial = invoke("run", "--scheme", "fake", str(applications), "--format", "json")
    parallel = invoke(
        "run", "--scheme", "fake", str(applications), "--format", "json", "--jobs", "2"
    )
    assert parallel.exit_code == 0, parallel.output
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    refused = invoke("run", "--scheme", "fake", str(applications), "--jobs", "0")
    assert refused.exit_code == 2
    assert "0 is not in the range x>=1" in refused.output


def test_commands_on_a_call_file(applications: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert invoke("run", "--scheme", "fake", str(applications), "--db", db).exit_code == 0
    assert invoke("decide", db, "A00001", "rejected").stdout == "A00001: rejected\n"
    assert "partly_paid, paid 50.50 of 400.00" in invoke("pay", db, "A00000", "50.50").stdout
    refused = invoke("pay", db, "A00000", "5000.00")
    assert refused.exit_code == 1
    assert "exceeds what is committed" in refused.stderr
    assert "Traceback" not in refused.output
    assert invoke("withdraw", db, "A00002").stdout == "A00002: withdrawn\n"
    events = invoke("events", db, "--format", "json").stdout.splitlines()
    assert json.loads(events[-1])["kind"] == "withdrawn"
    assert "withdrawn" in invoke("events", db).stdout
    replay = invoke("replay", db)
    assert replay.exit_code == 0
    assert "replay: consistent" in replay.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # Usage errors (2): what the command line says cannot be read; nothing is run.
        (("status", "missing.db"), 2, "does not exist"),
        (("decide", "{db}", "A00001", "maybe"), 2, "Invalid value"),
        (("pay", "{db}", "A00000", "1.234"), 2, "at most 2 decimals"),
        (("run", "--scheme", "nope", "{apps}"), 2, "installed: fake"),
        (("run", "--scheme", "fake", "{apps}", "--set", "envelope"), 2, "KEY=VALUE"),
        (("run", "--scheme", "fake", "{apps}", "--set", "envelope=1.5.5"), 2, "amount"),
        (("run", "--scheme", "fake", "{apps}", "--set", "envelope=-1"), 2, "negative"),
        (("run", "--scheme", "fake", "{apps}", "--db", "{db}", "--set", "envelope=1"), 2, "exists"),
        (("run", "--scheme", "fake", "{apps}", "--on", "2025-02-30"), 2, "--on"),
        (("run", "--scheme", "fake", "{apps}", "--report", "{db}/x/r.md"), 2, "--report"),
        # Invalid input or a refused command (1).
        (("run", "--scheme", "fake", "{float}"), 1, "decimal point"),
        (("run", "--scheme", "fake", "{garbage}"), 1, "not a JSON document"),
        (("status", "{garbage}"), 1, "not a grantrules call file"),
        (("decide", "{db}", "NOPE", "selected"), 1, "no application 'NOPE'"),
        (("withdraw", "{db}", "NOPE"), 1, "no application 'NOPE'"),
        (("pay", "{db}", "A00000", "5000.00"), 1, "exceeds what is committed"),
        (("events", "{garbage}"), 1, "not a grantrules call file"),
        (("replay", "{garbage}"), 1, "not a grantrules call file"),
    ],
)
def test_errors(
    applications: Path, tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    db = tmp_path / "c.db"
    invoke("run", "--scheme", "fake", str(applications), "--db", str(db))
    (tmp_path / "float.jsonl").write_text('{"id": "A", "award": 1.5}\n')
    (tmp_path / "garbage.jsonl").write_text("not json\n")
    paths = {
        "db": db,
        "apps": applications,
        "float": tmp_path / "float.jsonl",
        "garbage": tmp_path / "garbage.jsonl",
    }
    result = invoke(*(a.format(**paths) for a in args))
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_without_a_scheme_loader_the_command_says_so(applications: Path) -> None:
    result = invoke("run", "--scheme", "fake", str(applications), obj=None)
    assert result.exit_code == 1
    assert "no scheme loader" in result.stderr


# --- issue 15: the call's date, the report, refused lines ------------------------------------


def dated_factory(scheme: str, overrides: Mapping[str, str]) -> tuple[Any, Euro, dict[str, Any]]:
    """A scheme whose envelope is 500.00 in 2025 and 2,000.00 from 2026."""

    def envelope_on(day: Any) -> Euro:
        return Euro("2000.00") if day.year >= 2026 else Euro("500.00")

    return fake_evaluator, Euro("2000.00"), {"envelope_on": envelope_on}


def test_the_envelope_is_the_one_in_force_on_the_calls_date(tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    docs = [
        {**make_document(1, award="400.00"), "submitted_on": "2025-11-03"},
        {**make_document(2, award="400.00"), "submitted_on": "2026-01-12"},
    ]
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    obj = {"make_evaluator": dated_factory}

    def envelope(*options: str) -> str:
        result = invoke("run", "--scheme", "x", str(path), "--format", "json", *options, obj=obj)
        assert result.exit_code == 0, result.output
        return str(json.loads(result.stdout)["envelope"])

    # By default, the latest submission date of the batch: 2026.
    assert envelope() == "2000.00"
    assert envelope("--on", "2025-12-31") == "500.00"
    assert envelope("--on", "2026-01-01") == "2000.00"
    assert envelope("--on", "2025-06-01", "--set", "envelope=750") == "750.00"


def test_refused_lines_give_exit_1_after_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    lines = [json.dumps(make_document(1)), "{}", "[1, 2]", json.dumps({"id": "A 2"})]
    path.write_text("\n".join(lines) + "\n")
    db = tmp_path / "c.db"
    result = invoke("run", "--scheme", "fake", str(path), "--db", str(db))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for line, where in [(2, "$.id"), (3, "$: expected a JSON object"), (4, "$.id")]:
        assert f"apps.jsonl:{line}" in result.stderr
        assert where in result.stderr
    assert "3 line(s) not submitted, 0 recorded invalid; the others are committed" in result.stderr
    assert "A00001" in invoke("status", str(db)).stdout


def test_an_unwritable_report_is_refused_before_anything_runs(tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_text(json.dumps(make_document(1)) + "\n")
    db = tmp_path / "c.db"
    report = tmp_path / "no-such-folder" / "r.md"
    result = invoke("run", "--scheme", "fake", str(path), "--db", str(db), "--report", str(report))
    assert result.exit_code == 2
    assert "nothing was run" in result.stderr
    assert not db.exists()


def test_a_report_that_fails_after_the_run_leaves_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_text(json.dumps(make_document(1)) + "\n")
    db, report = tmp_path / "c.db", tmp_path / "r.md"

    def full(self: Path, *args: Any, **kwargs: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    result = invoke("run", "--scheme", "fake", str(path), "--db", str(db), "--report", str(report))
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "the report could not be written" in result.stderr
    assert "the run is committed" in result.stderr
    assert "A00001" in invoke("status", str(db)).stdout
