"""What the ``grantrules`` commands share: click parameter types, common options, error handling.

:mod:`grantrules.cli` and the commands that live beside it (``check`` in
:mod:`grantrules._check_cli`) both import from here, so neither imports the other.

>>> DATE.convert("2025-03-14", None, None)
datetime.date(2025, 3, 14)
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import IO, Any

import click

from grantrules._input import printable
from grantrules.dates import parse_date
from grantrules.errors import ApplicationInvalid, GrantRulesError, SchemeNotFound
from grantrules.i18n import LANGS, default_lang, message
from grantrules.registry import import_scheme, load_scheme
from grantrules.scheme import Scheme

__all__ = [
    "DATE",
    "LANG_OPTION",
    "SCHEME",
    "CommandFailed",
    "DateType",
    "SchemeType",
    "expected_errors",
    "with_overrides",
]


class CommandFailed(click.ClickException):
    """Invalid input or a broken scheme: the message on stderr and exit status 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(printable(self.format_message()), err=True)


class SchemeType(click.ParamType):  # type: ignore[type-arg]
    """An installed scheme id, or ``package.module:NAME`` for a scheme under development."""

    name = "scheme"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Scheme):
            return value
        try:
            return import_scheme(value) if ":" in value else load_scheme(value)
        except SchemeNotFound as exc:
            self.fail(str(exc), param, ctx)
        except GrantRulesError as exc:
            raise CommandFailed(str(exc)) from None
        except Exception as exc:  # a broken scheme package must not show a traceback
            reason = f"{type(exc).__name__}: {exc}"
            text = message("cli.scheme_broken", default_lang(), scheme=value, reason=reason)
            raise CommandFailed(text) from None


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A strict ISO date, ``YYYY-MM-DD``."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(value)
        except GrantRulesError as exc:
            self.fail(str(exc), param, ctx)


SCHEME = SchemeType()
DATE = DateType()
LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=default_lang,
    show_default="fr, or $GRANTRULES_LANG",
    help="Language of texts and number formats.",
)


@contextlib.contextmanager
def expected_errors() -> Iterator[None]:
    """Turn grantrules' errors into a message on stderr and exit status 1, never a traceback."""
    try:
        yield
    except ApplicationInvalid as exc:
        raise CommandFailed("\n".join(str(p) for p in exc.problems)) from None
    except GrantRulesError as exc:
        raise CommandFailed(f"{type(exc).code}: {exc}") from None


def with_overrides(scheme: Scheme, assignments: tuple[str, ...]) -> Scheme:
    """``scheme`` with the ``--set NAME=VALUE`` assignments applied (a usage error if one fails)."""
    values: dict[str, str] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {assignment!r}", param_hint="--set")
        values[name.strip()] = value.strip()
    if not values:
        return scheme
    try:
        return scheme.with_parameters(**values)
    except GrantRulesError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from None
