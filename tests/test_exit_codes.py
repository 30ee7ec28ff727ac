"""Exit statuses exactly as ``docs/reference/cli.md`` says, for every subcommand (issue 15).

0 done; 1 invalid input (an unreadable or invalid file, invalid lines, a scheme that fails to
load, a refused call command); 2 usage error (unknown option or scheme, an option or argument
value that cannot be read, a FILE that does not exist).  Never a traceback.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from grantrules import _cli_params, cli
from grantrules.basis import Basis
from grantrules.cli import main
from grantrules.money import Euro
from grantrules.parameters import DatedValue, ParameterSet
from grantrules.registry import installed_schemes, load_scheme

EXAMPLES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"
LILLE = EXAMPLES / "lille-deliberations.json"
pytestmark = pytest.mark.skipif(
    "ami-ia-hdf" not in installed_schemes(), reason="AMI scheme not installed"
)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"GRANTRULES_LANG": "en"})


@pytest.fixture(scope="module")
def call_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("call") / "call.db"
    assert invoke("call", "run", "--scheme", "ami-ia-hdf", EXAMPLES / "call.jsonl", "--db", db)
    return db


def committed(db: Path) -> str:
    state = json.loads(invoke("call", "status", db, "--format", "json").stdout)
    return str(next(a["id"] for a in state["applications"] if a["status"] == "committed"))


def cases(tmp: Path, db: Path) -> list[tuple[int, list[str | Path]]]:
    bad = tmp / "bad.json"
    bad.write_text('{"id": "A 1"}', encoding="utf-8")
    lines = tmp / "lines.jsonl"
    lines.write_text(LILLE.read_text(encoding="utf-8").replace("\n", "") + "\nnot json\n")
    app = committed(db)
    return [
        (0, ["schemes"]),
        (0, ["show", "ami-ia-hdf"]),
        (2, ["show", "nope"]),
        (2, ["show", "ami-ia-hdf", "--on", "2025-13-01"]),
        (0, ["docs", "ami-ia-hdf"]),
        (2, ["docs", "os:abort"]),
        (0, ["schema", "ami-ia-hdf"]),
        (2, ["schema", "--nope", "ami-ia-hdf"]),
        (0, ["check", "ami-ia-hdf", "--on", "2025-03-14", "--max-items", "1"]),
        (2, ["check", "nope"]),
        (2, ["check", "ami-ia-hdf", "--max-items", "-1"]),
        (0, ["evaluate", "--scheme", "ami-ia-hdf", LILLE]),
        (1, ["evaluate", "--scheme", "ami-ia-hdf", bad]),
        (1, ["evaluate", "--scheme", "ami-ia-hdf", lines]),
        (1, ["evaluate", "--scheme", "ami-ia-hdf", tmp]),
        (2, ["evaluate", "--scheme", "ami-ia-hdf", tmp / "missing.json"]),
        (2, ["evaluate", "--scheme", "ami-ia-hdf", LILLE, "--set", "award_ceiling=-5.00"]),
        (2, ["evaluate", "--scheme", "ami-ia-hdf", LILLE, "--on", "yesterday"]),
        (0, ["call", "status", db]),
        (2, ["call", "status", tmp / "missing.db"]),
        (1, ["call", "status", bad]),
        (0, ["call", "events", db]),
        (1, ["call", "events", bad]),
        (0, ["call", "replay", db]),
        (1, ["call", "replay", bad]),
        (1, ["call", "decide", db, "NOPE", "selected"]),
        (2, ["call", "decide", db, app, "maybe"]),
        (1, ["call", "withdraw", db, "NOPE"]),
        (2, ["call", "withdraw", db]),
        (0, ["call", "pay", db, app, "0.01"]),
        (1, ["call", "pay", db, app, "99999999.00"]),
        (2, ["call", "pay", db, app, "1.234"]),
        (0, ["call", "run", "--scheme", "ami-ia-hdf", EXAMPLES / "call.jsonl"]),
        (1, ["call", "run", "--scheme", "ami-ia-hdf", lines]),
        (2, ["call", "run", "--scheme", "nope", EXAMPLES / "call.jsonl"]),
        (2, ["call", "run", "--scheme", "ami-ia-hdf", EXAMPLES / "call.jsonl", "--set", "x=1"]),
    ]


def test_every_subcommand_exits_as_documented(tmp_path: Path, call_file: Path) -> None:
    for code, args in cases(tmp_path, call_file):
        result = invoke(*args)
        shown = " ".join(str(a) for a in args)
        assert result.exit_code == code, (shown, result.output[-1000:])
        assert "Traceback" not in result.output, shown
        assert result.exception is None or isinstance(result.exception, SystemExit), shown


def test_a_broken_scheme_is_invalid_input(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(scheme_id: str) -> Any:
        raise RuntimeError("the parameters file is missing")

    monkeypatch.setattr(_cli_params, "load_scheme", broken)
    result = invoke("show", "anything")
    assert result.exit_code == 1
    assert "RuntimeError: the parameters file is missing" in result.stderr


def two_envelopes() -> Any:
    """The AMI with an envelope of 5,000,000.00 from 2024-11-01 and 120,000.00 from 2025-06-01."""
    scheme = load_scheme("ami-ia-hdf")
    version = scheme.versions[0]
    envelope = version.parameters["envelope"]
    later = DatedValue(datetime.date(2025, 6, 1), Euro("120000.00"), "EUR", Basis("test"))
    parameters = ParameterSet(
        {
            **version.parameters.parameters,
            "envelope": attrs.evolve(envelope, values=(*envelope.values, later)),
        }
    )
    return attrs.evolve(scheme, versions=[attrs.evolve(version, parameters=parameters)])


def test_call_run_uses_the_envelope_in_force_on_the_calls_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheme = two_envelopes()
    monkeypatch.setattr(cli, "load_scheme", lambda scheme_id: scheme)
    document = json.loads(LILLE.read_text(encoding="utf-8"))
    path = tmp_path / "two-years.jsonl"
    docs = [
        {**document, "id": "AMI-IA-2025-0001", "submitted_on": "2025-03-14"},
        {
            **document,
            "id": "AMI-IA-2025-0002",
            "submitted_on": "2025-09-01",
            "project": {**document["project"], "title": "Another project"},
        },
    ]
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")

    def envelope(*options: str) -> str:
        result = invoke("call", "run", "--scheme", "two", path, "--format", "json", *options)
        assert result.exit_code == 0, result.output
        return str(json.loads(result.stdout)["envelope"])

    assert envelope() == "120000.00"  # the latest submission date, 2025-09-01
    assert envelope("--on", "2025-03-14") == "5000000.00"
    assert envelope("--on", "2024-01-01") == "5000000.00"  # before the scheme: its first value
