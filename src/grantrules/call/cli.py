"""The ``grantrules call`` command group.

The main CLI mounts :data:`call` and tells it how to turn a scheme id into an evaluator through
``ctx.obj`` (a mapping or object with a ``make_evaluator`` entry).  The factory has the signature
``make_evaluator(scheme_id, overrides) -> (evaluator, envelope, extra)`` where ``overrides`` are
the ``--set key=value`` pairs other than ``envelope`` and ``extra`` may hold ``process``,
``policy``, ``portfolio_rules``, ``partial_awards``, ``scorer`` and ``recompute_award``.

Exit codes: 0 success, 1 invalid input or refused command (one message on stderr, no
traceback), 2 usage error.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from grantrules.call._call import Call
from grantrules.call._contract import Evaluator
from grantrules.call._render import events_text, summary_json, summary_markdown, summary_text
from grantrules.errors import GrantRulesError
from grantrules.money import Euro

__all__ = ["EvaluatorFactory", "call"]

EvaluatorFactory = Callable[[str, Mapping[str, str]], tuple[Evaluator, Euro, Mapping[str, Any]]]
_CALL_OPTIONS = ("portfolio_rules", "scorer", "recompute_award")
_CREATE_OPTIONS = ("process", "policy", "partial_awards")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn grantrules errors into one line on stderr and exit code 1."""
    try:
        yield
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


def _read_jsonl(path: Path) -> list[Any]:
    documents = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    documents.append(json.loads(line, parse_float=_no_float))
                except ValueError as error:
                    _fail(f"{path}:{number}: not a JSON document: {error}")
    return documents


def _settings(pairs: tuple[str, ...]) -> tuple[Euro | None, dict[str, str]]:
    envelope, overrides = None, {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        if key == "envelope":
            with _errors():
                envelope = Euro(value)
        else:
            overrides[key] = value
    return envelope, overrides


@click.group("call")
def call() -> None:
    """Run a call for applications: envelope, allocation and the life cycle of applications."""


def _emit(state_json: Mapping[str, Any] | None, text: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(state_json, ensure_ascii=False, indent=2))
    else:
        click.echo(text)


_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@call.command("run")
@click.option("--scheme", required=True, help="Id of the installed scheme.")
@click.argument("applications", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="Call file (kept).")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help="e.g. envelope=500000")
@_FORMAT
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Markdown file.")
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
    fmt: str,
    report: Path | None,
    jobs: int,
) -> None:
    """Evaluate APPLICATIONS (JSON lines), allocate the envelope and print the result.

    Without --db the journal lives in a temporary file that is discarded; with --db an
    existing call file receives the new applications.  --jobs 2 evaluates on two processes:
    the result and the journal are the same, only faster on large calls.
    """
    envelope, overrides = _settings(pairs)
    documents = _read_jsonl(applications)
    with _errors(), tempfile.TemporaryDirectory() as scratch:
        evaluator, default_envelope, extra = _factory(ctx)(scheme, overrides)
        options = {k: extra[k] for k in _CALL_OPTIONS if k in extra}
        path = db or Path(scratch) / "call.db"
        if path.exists():
            if envelope is not None:
                _fail(f"{path} exists: its envelope is set; --set envelope applies to new calls")
            opened = Call.open(path, evaluator=evaluator, **options)
        else:
            create = {k: extra[k] for k in _CREATE_OPTIONS if k in extra}
            opened = Call.create(
                path, envelope or default_envelope, evaluator=evaluator, **create, **options
            )
        with opened:
            result = opened.run(documents, jobs=jobs)
        for refused in result.refused:
            click.echo(f"warning: line {refused.line} not submitted: {refused.message}", err=True)
        if report is not None:
            report.write_text(summary_markdown(result, f"Call {scheme}"), encoding="utf-8")
        data = summary_json(result.state)
        data["flags"] = [f.to_json() for f in result.flags]
        _emit(data, summary_text(result.state, result.flags), fmt)


def _open(path: Path) -> Call:
    return Call.open(path)


_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


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
            click.echo(events_text(journal))


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
@click.argument("amount")
@click.option("--final", is_flag=True, help="Last payment: close and release the balance.")
def pay(file: Path, application: str, amount: str, final: bool) -> None:
    """Record a payment of AMOUNT (e.g. 12000.00) to APPLICATION."""
    with _errors(), _open(file) as opened:
        result = opened.pay(application, Euro(amount), final=final)
        click.echo(f"{result.id}: {result.status}, paid {result.paid} of {result.committed}")


# Mounted last: the module defines its command on the group above.
from grantrules.call import _instruct_cli  # noqa: E402, F401
