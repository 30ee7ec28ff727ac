"""``grantrules check SCHEME``: prove a scheme's invariants and find a witness for every rule.

The command's body; :mod:`grantrules.cli` mounts it, and both take their parameter types from
:mod:`grantrules._cli_params`.  The analyser needs the ``prove`` extra (z3); without it the
command says which extra to install and exits with status 2.
"""

from __future__ import annotations

import datetime
import json
import sys

import click

from grantrules._cli_params import DATE, LANG_OPTION, SCHEME, expected_errors, with_overrides
from grantrules.scheme import Scheme

__all__ = ["check_command"]

_MISSING = {
    "fr": "grantrules check a besoin du solveur z3 : installez l'extra « prove » "
    "(pip install 'grantrules[prove]').",
    "en": "grantrules check needs the z3 solver: install the 'prove' extra "
    "(pip install 'grantrules[prove]').",
}


@click.command("check")
@click.argument("scheme", type=SCHEME)
@click.option(
    "--on",
    type=DATE,
    default=None,
    help="The version and parameters in force on this day (YYYY-MM-DD); default: today.",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help='Override a parameter before proving, e.g. --set grant_rate="50%".',
)
@click.option(
    "--max-items",
    type=click.IntRange(0, 64),
    default=4,
    show_default=True,
    help="How many items each collection (cost lines, financing lines...) holds at most.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A report for people, or JSON.",
)
@LANG_OPTION
def check_command(
    scheme: Scheme,
    on: datetime.date | None,
    assignments: tuple[str, ...],
    max_items: int,
    fmt: str,
    lang: str,
) -> None:
    """Prove the funding invariants of SCHEME and find an application for every outcome.

    Exit status 0 when no invariant is violated and some application can be eligible; 1
    when an invariant is violated (a counterexample is shown), no application can be
    eligible, or the solver and the evaluator disagree; 2 on a usage error (or when the
    'prove' extra is not installed).
    """
    scheme = with_overrides(scheme, assignments)
    try:
        from grantrules.prove import check
    except ModuleNotFoundError as exc:
        if exc.name != "z3":
            raise  # a broken analyser is a bug to show, not an extra to install
        click.echo(_MISSING[lang], err=True)
        sys.exit(2)
    with expected_errors():
        report = check(scheme, on=on, max_items=max_items)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(report.text(lang))
    sys.exit(report.exit_code)
