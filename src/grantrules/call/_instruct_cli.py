"""``grantrules call instruct``: record the instructing authority's inputs on an application.

Kept apart from :mod:`grantrules.call.cli` (which mounts it) since it is the one call command
that evaluates again, and so needs the scheme.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from grantrules.call._call import Call
from grantrules.call.cli import _CALL_OPTIONS, _FILE, _errors, _factory, call

__all__ = ["instruct"]


def _value(text: str) -> Any:
    """A JSON value (12, true, null, "40%") or, when the text is not JSON, the text itself.

    A number with a decimal point (``granted_amount=20800.00``) stays the exact text typed:
    on a command line no float ever held it, and the application's converter reads it as the
    field's type says (an amount) or refuses it with the field's path (a whole number).
    """
    try:
        return json.loads(text, parse_float=str)
    except ValueError:
        return text


def _inputs(pairs: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="INPUTS")
        values[name] = _value(text)
    return values


@call.command("instruct")
@_FILE
@click.argument("application")
@click.argument("inputs", nargs=-1, required=True, metavar="NAME=VALUE...")
@click.option("--scheme", required=True, help="Id of the installed scheme.")
@click.pass_context
def instruct(
    ctx: click.Context, file: Path, application: str, inputs: tuple[str, ...], scheme: str
) -> None:
    """Record inputs decided by the instructing authority on APPLICATION, and evaluate it again.

    e.g. ``grantrules call instruct call.db A-1 granted_rate=40% score=12 --scheme S``.
    """
    values = _inputs(inputs)
    with _errors():
        evaluator, _, extra = _factory(ctx)(scheme, {})
        options = {k: extra[k] for k in _CALL_OPTIONS if k in extra}
        with Call.open(file, evaluator=evaluator, **options) as opened:
            result = opened.instruct(application, values)
        click.echo(f"{result.id}: {result.status}, award {result.award}")
