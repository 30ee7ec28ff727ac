"""The ``grantrules call`` command group.

The main CLI mounts :data:`call` and tells it how to turn a scheme id into an evaluator through
``ctx.obj`` (a mapping or object with a ``make_evaluator`` entry).  The factory has the signature
``make_evaluator(scheme_id, overrides) -> (evaluator, envelope, extra)`` where ``overrides`` are
the ``--set key=value`` pairs other than ``envelope`` and ``extra`` may hold ``process``,
``policy``, ``portfolio_rules``, ``partial_awards``, ``scorer``, ``recompute_award`` and
``envelope_on`` (the envelope in force on a date).  The factory raises
:class:`~grantrules.errors.SchemeNotFound` for an unknown scheme and
:class:`click.BadParameter` for an override it cannot apply: both are usage errors.

Exit codes: 0 success; 1 invalid input (an unreadable applications file, a line that is not
JSON, applications refused or recorded invalid) or a refused command (one message on stderr,
no traceback); 2 usage error (unknown scheme, an option or argument that cannot be read, a
FILE that does not exist).
"""

from __future__ import annotations

import datetime
import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from grantrules._input import iter_lines, printable
from grantrules._input import loads as strict_loads
from grantrules.call._call import Call, RunReport
from grantrules.call._contract import Evaluator
from grantrules.call._render import events_text, summary_json, summary_markdown, summary_text
from grantrules.dates import parse_date
from grantrules.errors import ApplicationInvalid, GrantRulesError, SchemeNotFound
from grantrules.money import Euro

__all__ = ["EvaluatorFactory", "call"]

EvaluatorFactory = Callable[[str, Mapping[str, str]], tuple[Evaluator, Euro, Mapping[str, Any]]]
_CALL_OPTIONS = ("portfolio_rules", "scorer", "recompute_award")
_CREATE_OPTIONS = ("process", "policy", "partial_awards")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {_printable(message)}", err=True)
    sys.exit(1)


_printable = printable


@contextmanager
def _errors() -> Iterator[None]:
    """Turn grantrules errors into one line on stderr and exit code 1."""
    try:
        yield
    except SchemeNotFound as error:
        raise click.BadParameter(str(error), param_hint="--scheme") from None
    except GrantRulesError as error:
        _fail(f"{error} [{error.code}]")
    except OSError as error:
        _fail(str(error))


def _factory(ctx: click.Context) -> EvaluatorFactory:
    obj = ctx.find_object(dict) or ctx.obj
    found = None
    if isinstance(obj, Mapping):
        found = obj.get("make_evaluator")
    elif obj is not None:
        found = getattr(obj, "make_evaluator", None)
    if found is None:
        _fail("no scheme loader is configured: run this command through `grantrules call`")
    return found  # type: ignore[no-any-return]


def _no_float(text: str) -> NoReturn:
    raise ValueError(f"the number {text} has a decimal point: write amounts as strings")


def _read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """Every document of a JSON Lines file with its line number; one bad line refuses all.

    A line that is not JSON (or not UTF-8, too deep, too long...) means the file is not what
    its author meant to submit: nothing of it is run.  Each problem is printed with its line
    and JSON path.
    """
    documents: list[tuple[int, Any]] = []
    bad: list[str] = []
    try:
        for number, line in iter_lines(path):
            try:
                if isinstance(line, ApplicationInvalid):
                    raise line
                documents.append((number, strict_loads(line, "the line", parse_float=_no_float)))
            except ApplicationInvalid as error:
                bad += [f"{path}:{number}: {p}" for p in error.problems]
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}; nothing was run")
    if bad:
        _fail("\n".join([*bad, f"not a JSON document: {len(bad)} problem(s); nothing was run"]))
    return documents


def _settings(pairs: tuple[str, ...]) -> tuple[Euro | None, dict[str, str]]:
    envelope, overrides = None, {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        if key == "envelope":
            try:
                envelope = Euro(value)
            except GrantRulesError as error:
                raise click.BadParameter(f"envelope: {error}", param_hint="--set") from None
            if envelope < Euro.ZERO:
                raise click.BadParameter(
                    f"envelope: must not be negative, got {envelope}", param_hint="--set"
                )
        else:
            overrides[key] = value
    return envelope, overrides


def _check_report(report: Path | None) -> None:
    """Make sure the report can be written before anything is committed."""
    if report is None:
        return
    try:
        with report.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise click.BadParameter(
            f"cannot write {report} ({error.strerror or error}); nothing was run",
            param_hint="--report",
        ) from None


def _call_date(documents: list[tuple[int, Any]]) -> datetime.date | None:
    """The default date of a call: the latest submission date of its batch."""
    days = []
    for _, document in documents:
        day = document.get("submitted_on") if isinstance(document, Mapping) else None
        if isinstance(day, str):
            try:
                days.append(parse_date(day))
            except GrantRulesError:
                continue
    return max(days, default=None)


@click.group("call")
def call() -> None:
    """Run a call for applications: envelope, allocation and the life cycle of applications."""


def _emit(state_json: Mapping[str, Any] | None, text: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(state_json, ensure_ascii=False, indent=2))
    else:
        click.echo(_printable(text))


_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


class _EuroType(click.ParamType):  # type: ignore[type-arg]
    """An amount such as ``12000.00``; one that cannot be read is a usage error."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Euro):
            return value
        try:
            return Euro(value)
        except GrantRulesError as error:
            self.fail(str(error), param, ctx)


class _DateType(click.ParamType):  # type: ignore[type-arg]
    """A strict ISO date, ``YYYY-MM-DD``."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(value)
        except GrantRulesError as error:
            self.fail(str(error), param, ctx)


@call.command("run")
@click.option("--scheme", required=True, help="Id of the installed scheme (or module:NAME).")
@click.argument("applications", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="Call file (kept).")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help="e.g. envelope=500000")
@click.option(
    "--on",
    type=_DateType(),
    default=None,
    help="Date of the call (YYYY-MM-DD): a new call's envelope is the one in force that day. "
    "Default: the latest submission date of the batch.",
)
@_FORMAT
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Markdown file; checked writable before the run.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes evaluating the applications (Linux; at most one per core).",
)
@click.pass_context
def run(
    ctx: click.Context,
    scheme: str,
    applications: Path,
    db: Path | None,
    pairs: tuple[str, ...],
    on: datetime.date | None,
    fmt: str,
    report: Path | None,
    jobs: int,
) -> None:
    """Evaluate APPLICATIONS (JSON lines), allocate the envelope and print the result.

    Without --db the journal lives in a temporary file that is discarded; with --db an
    existing call file receives the new applications.  --jobs 2 evaluates on two processes:
    the result and the journal are the same, only faster on large calls.

    Exit status 1 if a line is not JSON (nothing is run), or once the run is committed if
    some applications were refused or recorded invalid (each is listed on stderr with its
    line); 2 for a usage error (nothing is run).  The report is written after the run: its
    path is checked writable first, and if writing it still fails the run stays committed
    and the exit status is 1.
    """
    envelope, overrides = _settings(pairs)
    if db is not None and db.exists() and envelope is not None:
        raise click.BadParameter(
            f"{db} exists: its envelope is set; --set envelope applies to new calls",
            param_hint="--set",
        )
    with _errors():
        evaluator, default_envelope, extra = _factory(ctx)(scheme, overrides)
    _check_report(report)
    documents = _read_jsonl(applications)
    with _errors(), tempfile.TemporaryDirectory() as scratch:
        options = {k: extra[k] for k in _CALL_OPTIONS if k in extra}
        path = db or Path(scratch) / "call.db"
        if path.exists():
            opened = Call.open(path, evaluator=evaluator, **options)
        else:
            day = on or _call_date(documents)
            envelope_on = extra.get("envelope_on")
            if envelope is None and envelope_on is not None and day is not None:
                envelope = envelope_on(day)
            create = {k: extra[k] for k in _CREATE_OPTIONS if k in extra}
            opened = Call.create(
                path, envelope or default_envelope, evaluator=evaluator, **create, **options
            )
        with opened:
            result = opened.run([document for _, document in documents], jobs=jobs)
        lines = [number for number, _ in documents]
        problems = _run_problems(result, applications, lines)
        data = summary_json(result.state)
        data["flags"] = [f.to_json() for f in result.flags]
        _emit(data, summary_text(result.state, result.flags), fmt)
    if report is not None:
        try:
            report.write_text(summary_markdown(result, f"Call {scheme}"), encoding="utf-8")
        except OSError as error:
            problems.append(
                f"{report}: the report could not be written ({error}); the run is committed"
            )
    if problems:
        _fail("\n".join(problems))


def _run_problems(result: RunReport, path: Path, lines: list[int]) -> list[str]:
    """One line per application refused or recorded invalid, with its line of the file."""
    numbered = []
    for kind, entries in (
        ("not submitted", result.refused),
        ("recorded invalid", (*result.duplicates, *result.invalid)),
    ):
        for entry in entries:
            line = lines[entry.line - 1]
            what = f" ({entry.application_id})" if entry.application_id else ""
            numbered.append((line, f"{path}:{line}{what}: {kind}: {entry.message}"))
    found = [text for _, text in sorted(numbered)]
    if found:
        found.append(
            f"{len(result.refused)} line(s) not submitted, "
            f"{len(result.duplicates) + len(result.invalid)} recorded invalid; "
            "the others are committed"
        )
    return found


def _open(path: Path) -> Call:
    return Call.open(path)


_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))


@call.command("status")
@_FILE
@_FORMAT
def status(file: Path, fmt: str) -> None:
    """Show the applications and the ledger of a call FILE."""
    with _errors(), _open(file) as opened:
        state = opened.status()
        _emit(summary_json(state), summary_text(state), fmt)


@call.command("events")
@_FILE
@_FORMAT
def events(file: Path, fmt: str) -> None:
    """List the events of a call FILE (JSON lines with --format json)."""
    with _errors(), _open(file) as opened:
        journal = opened.events()
        if fmt == "json":
            for event in journal:
                click.echo(json.dumps(event.to_json(), ensure_ascii=False))
        else:
            click.echo(_printable(events_text(journal)))


@call.command("replay")
@_FILE
@_FORMAT
def replay(file: Path, fmt: str) -> None:
    """Rebuild the state of a call FILE from its events and check it."""
    with _errors(), _open(file) as opened:
        rebuilt = opened.replay()
        if rebuilt != opened.status():
            _fail(f"{file}: the replayed state differs from the live state")
        _emit(summary_json(rebuilt), summary_text(rebuilt) + "\n\nreplay: consistent", fmt)


@call.command("decide")
@_FILE
@click.argument("application")
@click.argument("decision", type=click.Choice(["selected", "waitlisted", "rejected"]))
def decide(file: Path, application: str, decision: str) -> None:
    """Record a committee DECISION on APPLICATION."""
    with _errors(), _open(file) as opened:
        result = opened.record_decision(application, decision)  # type: ignore[arg-type]
        click.echo(f"{result.id}: {result.status}")


@call.command("withdraw")
@_FILE
@click.argument("application")
def withdraw(file: Path, application: str) -> None:
    """Record the withdrawal of APPLICATION (its unpaid commitment is released)."""
    with _errors(), _open(file) as opened:
        result = opened.withdraw(application)
        click.echo(f"{result.id}: {result.status}")


@call.command("pay")
@_FILE
@click.argument("application")
@click.argument("amount", type=_EuroType())
@click.option("--final", is_flag=True, help="Last payment: close and release the balance.")
def pay(file: Path, application: str, amount: Euro, final: bool) -> None:
    """Record a payment of AMOUNT (e.g. 12000.00) to APPLICATION."""
    with _errors(), _open(file) as opened:
        result = opened.pay(application, amount, final=final)
        click.echo(f"{result.id}: {result.status}, paid {result.paid} of {result.committed}")


# Mounted last: the module defines its command on the group above.
from grantrules.call import _instruct_cli  # noqa: E402, F401
