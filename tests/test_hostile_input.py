"""Hostile input against every subcommand: never a traceback, never paid twice (issue 15).

The documents are *generated*: Hypothesis takes a valid AMI application and breaks it in one
way (nesting far too deep, a lone surrogate in a string, a number of thousands of digits, a
control or invisible character in the id, a look-alike id, a repeated key) and writes it in
one encoding (UTF-8, with or without a byte order mark, latin-1, UTF-16, UTF-32).  Every
combination goes through ``evaluate`` (``.json`` and ``.jsonl``, text and JSON output) and
``call run`` (on a new and on an existing call file).  Each result must have the documented
exit status, no traceback, a JSON path (``$...``) in its message, only text a terminal can
print, and nothing committed when the input is refused.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantrules.cli import main
from grantrules.errors import GrantRulesError
from grantrules.money import Euro
from grantrules.registry import installed_schemes

EXAMPLES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"
pytestmark = pytest.mark.skipif(
    "ami-ia-hdf" not in installed_schemes(), reason="AMI scheme not installed"
)
SCHEME = "ami-ia-hdf"
HOSTILE = settings(
    max_examples=25,
    deadline=None,  # each example runs the command line: heavy, and slow on a loaded machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def base_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "lille-deliberations.json").read_text())
    return document


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_paths(item, (*path, index))


STRING_PATHS = sorted(string_paths(base_document()), key=str)
MARK = "@@HOSTILE@@"  # replaced in the JSON text by raw text that json.dumps cannot write


def with_raw(path: tuple[Any, ...], raw: str) -> str:
    """The base document's JSON text with the value at ``path`` replaced by ``raw``."""
    document = base_document()
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = MARK
    return json.dumps(document, ensure_ascii=False).replace(f'"{MARK}"', raw)


# --- the ways to break a document -------------------------------------------------------------

CONTROLS = [chr(c) for c in (*range(0x20), 0x7F, 0x85, 0x9B)]
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u00ad"]
LOOKALIKES = ["\u2010", "\u2011", "\u2212", "\uff0d", "\u00a0", " ", "\u3000", "\uff21"]


@st.composite
def deep(draw: st.DrawFn) -> str:
    depth = draw(st.integers(min_value=65, max_value=5_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    path = draw(st.sampled_from(STRING_PATHS))
    return with_raw(path, opener * depth + "1" + closer * depth)


@st.composite
def surrogate(draw: st.DrawFn) -> str:
    code = draw(st.integers(min_value=0xD800, max_value=0xDFFF))
    before = draw(st.text(alphabet="abc é", max_size=5))
    path = draw(st.sampled_from(STRING_PATHS))
    return with_raw(path, json.dumps(before)[:-1] + f'\\u{code:04x}"')


@st.composite
def huge_number(draw: st.DrawFn) -> str:
    digits = draw(st.integers(min_value=4_301, max_value=50_000))
    raw = draw(
        st.sampled_from(
            ["9" * digits, f"1e{digits}", f"-1e-{digits}", "NaN", "Infinity", "-Infinity"]
        )
    )
    path = draw(st.sampled_from(STRING_PATHS))
    return with_raw(path, raw)


@st.composite
def bad_id(draw: st.DrawFn) -> str:
    char = draw(st.sampled_from(CONTROLS + INVISIBLES + LOOKALIKES))
    app_id = base_document()["id"]
    at = draw(st.integers(min_value=0, max_value=len(app_id)))
    return with_raw(("id",), json.dumps(app_id[:at] + char + app_id[at:], ensure_ascii=False))


@st.composite
def repeated_key(draw: st.DrawFn) -> str:
    text = with_raw(("id",), json.dumps(base_document()["id"]))
    other = draw(st.sampled_from(['"id": "X-1", ', '"submitted_on": "2025-01-01", ']))
    return text.replace("{", "{" + other, 1)


BROKEN = st.one_of(deep(), surrogate(), huge_number(), bad_id(), repeated_key())
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "utf-32", "utf-16-be"])


def encode(text: str, encoding: str) -> bytes:
    # Lone surrogates only ever appear escaped in these texts, so every encoding can write
    # them; "é" makes latin-1 differ from UTF-8.
    return text.replace('"title": "', '"title": "é', 1).encode(encoding, "replace")


# --- what every result must show ----------------------------------------------------------------


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env={"GRANTRULES_LANG": "en"})


def assert_refused(result: Result, code: int, *, path: bool = True) -> None:
    output = result.stdout + result.stderr
    assert result.exit_code == code, output[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in output
    output.encode("utf-8")  # nothing a terminal could not receive: no lone surrogate
    assert not any(c in output for c in CONTROLS if c not in "\n\t"), repr(output[-500:])
    if path:
        assert "$" in output, output[-2000:]


def events(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        count: int = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    connection.close()
    return count


@pytest.fixture(scope="module")
def existing_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("call") / "call.db"
    result = invoke("call", "run", "--scheme", SCHEME, EXAMPLES / "call.jsonl", "--db", db)
    assert result.exit_code == 0, result.output
    return db


# --- the generated suite ---------------------------------------------------------------------


@HOSTILE
@given(text=BROKEN, encoding=ENCODINGS, fmt=st.sampled_from(["text", "json"]))
def test_evaluate_a_hostile_json_file(tmp_path: Path, text: str, encoding: str, fmt: str) -> None:
    path = tmp_path / "application.json"
    path.write_bytes(encode(text, encoding))
    assert_refused(invoke("evaluate", "--scheme", SCHEME, "--format", fmt, path), 1)


@HOSTILE
@given(text=BROKEN, encoding=ENCODINGS, fmt=st.sampled_from(["text", "json"]))
def test_evaluate_a_hostile_line_among_good_ones(
    tmp_path: Path, text: str, encoding: str, fmt: str
) -> None:
    good = json.dumps(base_document(), ensure_ascii=False)
    path = tmp_path / "applications.jsonl"
    path.write_bytes(b"\n".join([good.encode(), encode(text, encoding), good.encode()]) + b"\n")
    result = invoke("evaluate", "--scheme", SCHEME, "--format", fmt, path)
    assert_refused(result, 1)
    if fmt == "json":
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r.get("line") for r in records] == [None, 2, None]  # the others evaluated
        assert records[1]["problems"][0]["path"].startswith("$")


@HOSTILE
@given(text=BROKEN, encoding=ENCODINGS)
def test_call_run_refuses_a_hostile_batch_and_commits_nothing(
    tmp_path: Path, existing_call: Path, text: str, encoding: str
) -> None:
    good = json.dumps({**base_document(), "id": "AMI-IA-2099-0001"}, ensure_ascii=False)
    path = tmp_path / "batch.jsonl"
    path.write_bytes(good.encode() + b"\n" + encode(text, encoding) + b"\n")
    new = tmp_path / f"new-{uuid.uuid4().hex}.db"  # tmp_path is shared by the examples
    assert_refused(invoke("call", "run", "--scheme", SCHEME, path, "--db", new), 1)
    if new.exists():  # a bad id is refused by the call: the good line is committed
        assert "AMI-IA-2099-0001" in invoke("call", "status", new).stdout
        assert "not submitted" in invoke("call", "run", "--scheme", SCHEME, path).stderr
    before = events(existing_call)
    single = tmp_path / "single.jsonl"
    single.write_bytes(encode(text, encoding) + b"\n")
    assert_refused(invoke("call", "run", "--scheme", SCHEME, single, "--db", existing_call), 1)
    assert events(existing_call) == before


@HOSTILE
@given(
    app_id=st.text(alphabet=st.sampled_from([*CONTROLS, *INVISIBLES, "A", "\udc80"]), min_size=1),
    command=st.sampled_from(["decide", "withdraw", "pay"]),
)
def test_call_commands_with_a_hostile_application_id(
    existing_call: Path, app_id: str, command: str
) -> None:
    args = {"decide": ["selected"], "withdraw": [], "pay": ["1.00"]}[command]
    before = events(existing_call)
    result = invoke("call", command, existing_call, app_id, *args)
    assert_refused(result, 1, path=False)
    assert "no application" in result.stderr
    assert events(existing_call) == before


def unreadable(text: str) -> bool:
    try:
        Euro(text)
    except GrantRulesError:
        return True
    return False


@HOSTILE
@given(
    amount=st.one_of(
        st.sampled_from(["-1.00", "1.234", "NaN", "1e999999", "9" * 5000, "", "1,00", "\x1b[2J"]),
        st.text(max_size=20).filter(unreadable),
    )
)
def test_pay_with_an_amount_that_cannot_be_read_is_a_usage_error(
    existing_call: Path, amount: str
) -> None:
    committed = next(
        line.split()[0]
        for line in invoke("call", "status", existing_call).stdout.splitlines()
        if "committed" in line and line.startswith("AMI")
    )
    before = events(existing_call)
    result = invoke("call", "pay", existing_call, committed, amount)
    assert_refused(result, 2, path=False)  # "-1.00" too: click reads it as an option
    assert events(existing_call) == before


# --- look-alike ids and double funding, end to end ---------------------------------------------


def test_the_five_lookalike_ids_commit_the_project_once(tmp_path: Path) -> None:
    document = base_document()
    ids = [
        "AMI-IA-2024-0102",
        "ami-ia-2024-0102",
        "AMI-IA-2024-0102 ",
        "AMI\u2010IA-2024-0102",
        "AMI-IA-2024\u200b-0102",
    ]
    path = tmp_path / "lookalikes.jsonl"
    lines = [json.dumps({**document, "id": i}, ensure_ascii=False) for i in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "call.db"
    result = invoke("call", "run", "--scheme", SCHEME, path, "--db", db, "--format", "json")
    assert_refused(result, 1)
    state = json.loads(result.stdout)
    assert [(a["id"], a["status"]) for a in state["applications"]] == [
        ("AMI-IA-2024-0102", "committed")
    ]
    assert state["committed"] == state["applications"][0]["award"]
    for line in range(2, 6):
        assert f"lookalikes.jsonl:{line}" in result.stderr
    assert "\\u200b" in result.stderr  # escaped, never raw


def test_the_same_project_under_another_id_is_recorded_as_a_duplicate(tmp_path: Path) -> None:
    document = base_document()
    path = tmp_path / "twice.jsonl"
    second = {**document, "id": "AMI-IA-2024-0999", "submitted_on": "2025-03-20"}
    path.write_text(json.dumps(document) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    result = invoke("call", "run", "--scheme", SCHEME, path, "--format", "json")
    assert_refused(result, 1)
    statuses = {a["id"]: a["status"] for a in json.loads(result.stdout)["applications"]}
    assert statuses == {document["id"]: "committed", "AMI-IA-2024-0999": "invalid"}
    assert f"same project as {document['id']}" in result.stderr


# --- encodings: one policy for .json, .jsonl and call run -----------------------------------


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_utf8_bom_is_accepted_everywhere(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(base_document()).encode() + b"\n")
    assert invoke("evaluate", "--scheme", SCHEME, path).exit_code == 0
    if suffix == ".jsonl":
        assert invoke("call", "run", "--scheme", SCHEME, path).exit_code == 0


def test_a_bom_starting_a_later_line_is_accepted_too(tmp_path: Path) -> None:
    # Files joined with cat keep their marks: each line is a document, like a .json file.
    good = json.dumps(base_document()).encode()
    other = base_document()
    other["project"] = {**other["project"], "title": "Another project"}  # not a duplicate
    second = json.dumps({**other, "id": "AMI-IA-2025-0002"}).encode()
    path = tmp_path / "a.jsonl"
    path.write_bytes(good + b"\n\xef\xbb\xbf" + second + b"\n")
    assert invoke("evaluate", "--scheme", SCHEME, path).exit_code == 0
    assert invoke("call", "run", "--scheme", SCHEME, path).exit_code == 0


# --- files that are not files --------------------------------------------------------------


@pytest.mark.parametrize("command", ["evaluate", "call"])
def test_devices_and_fifos_are_refused_without_reading(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    for path in (Path("/dev/zero"), fifo):
        if command == "evaluate":
            result = invoke("evaluate", "--scheme", SCHEME, path)
        else:
            result = invoke("call", "run", "--scheme", SCHEME, path)
        assert_refused(result, 1, path=False)
        assert "not a regular file" in result.stderr


# --- scheme import paths and --set -------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["os:abort", "sys:exit", "os:fork", "builtins:breakpoint", "os:getcwd", "builtins:print"],
)
@pytest.mark.parametrize("command", ["show", "schema", "evaluate", "call"])
def test_an_import_path_never_calls_what_is_not_a_scheme(
    tmp_path: Path, target: str, command: str
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(base_document()) + "\n", encoding="utf-8")
    args: list[str | Path] = {
        "show": ["show", target],
        "schema": ["schema", target],
        "evaluate": ["evaluate", "--scheme", target, path],
        "call": ["call", "run", "--scheme", target, path],
    }[command]
    result = invoke(*args)  # os:abort or os:fork would end or split this very process
    assert_refused(result, 2, path=False)
    assert "not a Scheme nor a scheme factory" in result.stderr
    assert "it was not called" in result.stderr


@pytest.mark.parametrize(
    "assignment",
    [
        "award_ceiling=-5.00",
        "min_total_cost=-0.01",
        "envelope=-1",
        "feder_rate=150%",
        "feder_rate=-1%",
        "de_minimis_years=-1",
        "award_ceiling=1e999999",
        "award_ceiling=\x1b[2J",
        "no_such=1",
    ],
)
def test_a_set_outside_the_unit_domain_is_a_usage_error(tmp_path: Path, assignment: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(base_document()) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    for args in (
        ["evaluate", "--scheme", SCHEME, EXAMPLES / "lille-deliberations.json"],
        ["call", "run", "--scheme", SCHEME, path, "--db", db],
    ):
        result = invoke(*args, "--set", assignment)
        assert_refused(result, 2, path=False)
        assert "--set" in result.stderr
    assert not db.exists()
