"""The ``grantrules`` command: list, document and evaluate installed schemes.

stdout carries only results (reports, decision JSON, schemas, Markdown); errors and progress
go to stderr.  Exit codes:

* 0: done (for ``evaluate``: every application was evaluated, eligible or not);
* 1: invalid input: the application file cannot be read or is invalid (every problem is
  printed on stderr, one ``path: message`` per line), a JSON Lines file has invalid lines
  (their error records are in the output, in order), or a scheme fails to load;
* 2: usage error: unknown option or scheme (the installed ones are listed), a ``--on`` date
  or ``--set`` override that cannot be read, or a FILE that does not exist (as click does
  for any missing path; an existing path that is not a readable file, such as a directory,
  is invalid input, 1).

A SCHEME is an installed scheme id (``grantrules schemes`` lists them) or, for scheme
authors working on a scheme that is not installed, an import path ``package.module:NAME``.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["--version"]).output.startswith("grantrules")
True

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import click

from grantrules._check_cli import check_command
from grantrules._cli_params import (
    DATE,
    LANG_OPTION,
    SCHEME,
    CommandFailed,
    expected_errors,
    with_overrides,
)
from grantrules._input import iter_lines, printable, read_file
from grantrules._version import __version__
from grantrules.batch.cli import sample_command, simulate_command
from grantrules.call.cli import call
from grantrules.decision import Decision
from grantrules.errors import ApplicationInvalid, GrantRulesError
from grantrules.evaluate import evaluate
from grantrules.i18n import default_lang, message
from grantrules.money import Euro
from grantrules.registry import import_scheme, installed_schemes, load_scheme
from grantrules.render import decision_text, scheme_markdown, scheme_text
from grantrules.schema import json_schema
from grantrules.scheme import Scheme
from grantrules.serde import parse_application

__all__ = ["main"]

_PROGRESS_EVERY = 1000
_ON = click.option(
    "--on", type=DATE, default=None, help="Only the rules in force on this day (YYYY-MM-DD)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grantrules")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Public grant schemes as declarative rules: evaluate applications, document schemes."""
    # The call commands load schemes through this factory (no global registry).
    ctx.ensure_object(dict).setdefault("make_evaluator", _call_evaluator)


@main.command("schemes")
def schemes_command() -> None:
    """List the installed schemes: id, title, versions and distribution."""
    ids = installed_schemes()
    if not ids:
        click.echo(message("cli.no_schemes", default_lang()), err=True)
    for scheme_id in ids:
        try:
            scheme = load_scheme(scheme_id)
        except Exception as exc:  # one broken scheme must not hide the others
            reason = f"{type(exc).__name__}: {exc}"
            text = message("cli.scheme_broken", default_lang(), scheme=scheme_id, reason=reason)
            click.echo(text, err=True)
            continue
        versions = ", ".join(v.valid_from.isoformat() for v in scheme.versions)
        dist = " ".join(scheme.distribution) if scheme.distribution else "-"
        click.echo(f"{scheme.id}\t{scheme.title}\t{versions}\t{dist}")


@main.command("show")
@click.argument("scheme", type=SCHEME)
@_ON
@LANG_OPTION
def show_command(scheme: Scheme, on: datetime.date | None, lang: str) -> None:
    """Print a scheme's criteria, amounts and parameters with their legal bases."""
    with expected_errors():
        click.echo(scheme_text(scheme, lang, on), nl=False)


@main.command("docs")
@click.argument("scheme", type=SCHEME)
@_ON
@LANG_OPTION
def docs_command(scheme: Scheme, on: datetime.date | None, lang: str) -> None:
    """Print a scheme as a Markdown règlement (for the documentation)."""
    with expected_errors():
        click.echo(scheme_markdown(scheme, lang, on), nl=False)


@main.command("schema")
@click.argument("scheme", type=SCHEME)
def schema_command(scheme: Scheme) -> None:
    """Print the JSON Schema (Draft 2020-12) of a scheme's application documents."""
    with expected_errors():
        click.echo(json.dumps(json_schema(scheme), ensure_ascii=False, indent=2))


class _Output:
    """Writes decisions in the chosen format; remembers what went wrong for the exit status."""

    def __init__(self, scheme: Scheme, fmt: str, lang: str, on: datetime.date | None) -> None:
        self.scheme, self.fmt, self.lang, self.on = scheme, fmt, lang, on
        self.invalid = 0

    def decide(self, text: str | bytes, source: str) -> None:
        application = parse_application(self.scheme, text, source)
        decision = evaluate(self.scheme, application, self.on, lang=self.lang)
        if self.fmt == "json":
            click.echo(json.dumps(decision.to_json(), ensure_ascii=False))
        else:
            click.echo(printable(decision_text(decision, self.lang, scheme=self.scheme)), nl=False)

    def line(self, number: int, text: str | ApplicationInvalid) -> None:
        try:
            if self.fmt == "text" and number > 1:
                click.echo()
            if isinstance(text, ApplicationInvalid):
                raise text
            self.decide(text, f"line {number}")
        except ApplicationInvalid as exc:
            self.invalid += 1
            self.error(number, exc.code, exc.problems, str(exc))
        except GrantRulesError as exc:
            self.invalid += 1
            self.error(number, type(exc).code, (), str(exc))
        except Exception as exc:  # one line must not end the run with a traceback
            self.invalid += 1
            self.error(number, "internal-error", (), _internal(exc))

    def error(self, number: int, code: str, problems: Any, text: str) -> None:
        if self.fmt == "json":
            record: dict[str, Any] = {"line": number, "error": code}
            if problems:
                record["problems"] = [
                    {"path": p.path, "message": p.message, "code": p.code} for p in problems
                ]
            else:
                record["message"] = text
            click.echo(json.dumps(record, ensure_ascii=False))
            return
        if problems:
            click.echo(message("cli.line_invalid", self.lang, line=number))
            click.echo(printable("\n".join(f"  {p}" for p in problems)))
        else:
            click.echo(printable(message("cli.line_error", self.lang, line=number, message=text)))


def _internal(exc: Exception) -> str:
    return f"internal error ({type(exc).__name__}: {exc}); please report it with the input"


def _fail(text: str) -> NoReturn:
    raise CommandFailed(text)


@contextlib.contextmanager
def _readable(path: Path, lang: str) -> Iterator[None]:
    """A file that cannot be read, or is not a file, is invalid input (exit status 1)."""
    try:
        yield
    except IsADirectoryError:
        _fail(message("cli.directory", lang, path=path))
    except OSError as exc:
        _fail(message("cli.unreadable", lang, path=path, reason=exc.strerror or exc))


def _lines(path: Path, out: _Output, progress: bool) -> None:
    start, count = time.perf_counter(), 0
    with _readable(path, out.lang):
        lines = iter_lines(path)
        first = next(lines, None)  # opens the file: its errors are the file's, not a line's
    for count, line in itertools.chain([first] if first else [], lines):
        out.line(count, line)
        if progress and count % _PROGRESS_EVERY == 0:
            rate = round(count / max(time.perf_counter() - start, 1e-9))
            click.echo(message("cli.progress", out.lang, count=count, rate=rate), err=True)
    if out.invalid:
        _fail(message("cli.lines_invalid", out.lang, bad=out.invalid, total=count))


@main.command("evaluate")
@click.option("--scheme", "scheme", type=SCHEME, required=True, help="Scheme id (or module:NAME).")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A report for people, or the decision JSON.",
)
@LANG_OPTION
@click.option(
    "--on",
    type=DATE,
    default=None,
    help="Evaluation date (YYYY-MM-DD); defaults to each application's submission.",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help='Override a parameter for a what-if simulation, e.g. --set grant_rate="50%".',
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Report progress on stderr (default: when stderr is a terminal).",
)
def evaluate_command(
    scheme: Scheme,
    file: Path,
    fmt: str,
    lang: str,
    on: datetime.date | None,
    assignments: tuple[str, ...],
    progress: bool | None,
) -> None:
    """Evaluate the application in FILE (.json), or one per line of a JSON Lines FILE (.jsonl).

    For JSON Lines, the output has one decision per line, in order; an invalid line gives
    an error record {"line": N, "error": ..., "problems": [...]} and the others go on; the
    exit status is then 1.  Exit status 2 for a usage error (unknown scheme, bad --on or
    --set, FILE missing), 1 for invalid input, 0 when everything was evaluated.
    """
    scheme = with_overrides(scheme, assignments)
    out = _Output(scheme, fmt, lang, on)
    with expected_errors():
        if file.suffix.lower() in (".jsonl", ".ndjson"):
            if progress is None:
                progress = sys.stderr.isatty()
            _lines(file, out, progress)
        else:
            try:
                with _readable(file, lang):
                    data = read_file(file)
                out.decide(data, str(file))
            except ApplicationInvalid as exc:
                head = message("cli.problems", lang, source=file, count=len(exc.problems))
                _fail("\n".join([head, *(str(p) for p in exc.problems)]))
            except (GrantRulesError, click.ClickException):
                raise
            except Exception as exc:  # never a traceback for an input
                _fail(f"{file}: {_internal(exc)}")


def _call_evaluator(
    scheme_id: str, overrides: Mapping[str, str]
) -> tuple[Callable[[Mapping[str, Any]], Decision], Euro, dict[str, Any]]:
    """What ``grantrules call`` needs from a scheme: evaluator, envelope, process and policy.

    The envelope is the value of the scheme's ``envelope_parameter`` in force on the call's
    date (``extra["envelope_on"]``), or its latest value when no date is known; zero when the
    scheme has none (give it with ``--set envelope=...``).

    Raises:
        SchemeNotFound: no such scheme (a usage error).
        click.BadParameter: an override that cannot be applied (a usage error).
    """
    from grantrules.call.allocation import policy_from_json
    from grantrules.call.portfolio import SameApplicant

    scheme = import_scheme(scheme_id) if ":" in scheme_id else load_scheme(scheme_id)
    if overrides:
        try:
            scheme = scheme.with_parameters(**overrides)
        except GrantRulesError as exc:
            raise click.BadParameter(str(exc), param_hint="--set") from None

    def envelope_on(day: datetime.date) -> Euro:
        if scheme.envelope_parameter is None:
            return Euro.ZERO
        parameter = scheme.version_at(day).parameters[scheme.envelope_parameter]
        # Before the first value, the call's date precedes the scheme: its first envelope.
        first = parameter.values[0]
        value = parameter.at(day) if day >= first.start else first.value
        return value if isinstance(value, Euro) else Euro.ZERO

    envelope = Euro.ZERO
    if scheme.envelope_parameter is not None:
        value = scheme.versions[-1].parameters[scheme.envelope_parameter].values[-1].value
        envelope = value if isinstance(value, Euro) else Euro.ZERO
    extra: dict[str, Any] = {
        "policy": policy_from_json({"policy": scheme.allocation}),
        # Every call flags an applicant with two open applications; schemes add their own.
        "portfolio_rules": (SameApplicant(), *scheme.portfolio),
        "envelope_on": envelope_on,
    }
    if scheme.process is not None:
        extra["process"] = scheme.process

    def evaluator(document: Mapping[str, Any]) -> Decision:
        return evaluate(scheme, document)

    return evaluator, envelope, extra


# The commands that live with their subsystems; the batch commands import neither pyarrow nor
# NumPy until they run, the check command imports z3 only when it runs.
main.add_command(call)
main.add_command(check_command)
main.add_command(sample_command)
main.add_command(simulate_command)
