"""The values of the solver translation: what one expression node stands for as z3 terms.

Each kind keeps money exact: an amount is a whole number of cents (a z3 integer), a rate a
set of exact fractions each under the condition where it applies, a date its year, month and
day (compared in that order, which is the calendar order), a code an index into the finite
domain of values that the rules can tell apart (see :mod:`grantrules.prove._domains`).
Constants stay Python values (:class:`Lit`) until an operation needs them as terms.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Any

import attrs
import z3

from grantrules.money import Euro, Rate

__all__ = [
    "Code",
    "Day",
    "Lit",
    "Money",
    "RateChoice",
    "Untranslatable",
    "Value",
    "Whole",
    "as_bool",
    "as_day",
    "as_money",
    "as_rate",
    "as_whole",
    "cents",
]


class Untranslatable(Exception):
    """A node the translation does not know; ``str()`` names it (the reason of ``unknown``)."""


@attrs.frozen
class Lit:
    """A constant, kept as its Python value: Euro, Rate, date, str, bool, int, a code list."""

    value: Any


@attrs.frozen
class Money:
    """An amount, as a z3 integer of cents."""

    term: Any


@attrs.frozen
class Whole:
    """A whole number (a count, a number of members), as a z3 integer."""

    term: Any


@attrs.frozen
class Day:
    """A date as z3 integers ``year``, ``month``, ``day`` (their order is the calendar's)."""

    year: Any
    month: Any
    day: Any

    def key(self) -> Any:
        # Lexicographic order on (year, month, day) is the calendar order.
        return self.year * 10000 + self.month * 100 + self.day


@attrs.frozen
class Code:
    """A code or text field: an index into ``domain``, one representative value per class of
    values that the rules cannot tell apart."""

    domain: tuple[str, ...]
    index: Any

    def where(self, holds: Any) -> Any:
        """The z3 condition that the code's value satisfies the Python predicate ``holds``."""
        return (
            z3.Or([self.index == i for i, value in enumerate(self.domain) if holds(value)])
            if any(holds(v) for v in self.domain)
            else z3.BoolVal(False)
        )


@attrs.frozen
class RateChoice:
    """A rate that depends on the application (``when(cond, Rate("80%"), Rate("60%"))``): the
    exact fractions with the condition under which each applies, the last one otherwise."""

    options: tuple[tuple[Any, Fraction], ...]


Value = Lit | Money | Whole | Day | Code | RateChoice | Any  # Any: a z3 BoolRef


def cents(amount: Euro) -> int:
    """An exact Euro as a whole number of cents."""
    return int(amount.amount * 100)


def as_money(value: Value, what: str) -> Any:
    if isinstance(value, Money):
        return value.term
    if isinstance(value, Lit) and isinstance(value.value, Euro):
        return z3.IntVal(cents(value.value))
    raise Untranslatable(f"{what}: expected an amount, got {_kind(value)}")


def as_whole(value: Value, what: str) -> Any:
    if isinstance(value, Whole):
        return value.term
    if (
        isinstance(value, Lit)
        and isinstance(value.value, int)
        and not isinstance(value.value, bool)
    ):
        return z3.IntVal(value.value)
    raise Untranslatable(f"{what}: expected a whole number, got {_kind(value)}")


def as_bool(value: Value, what: str) -> Any:
    if z3.is_bool(value):
        return value
    if isinstance(value, Lit) and isinstance(value.value, bool):
        return z3.BoolVal(value.value)
    raise Untranslatable(f"{what}: expected a condition, got {_kind(value)}")


def as_day(value: Value, what: str) -> Day:
    if isinstance(value, Day):
        return value
    if isinstance(value, Lit) and isinstance(value.value, datetime.date):
        d = value.value
        return Day(z3.IntVal(d.year), z3.IntVal(d.month), z3.IntVal(d.day))
    raise Untranslatable(f"{what}: expected a date, got {_kind(value)}")


def as_rate(value: Value, what: str) -> RateChoice:
    if isinstance(value, RateChoice):
        return value
    if isinstance(value, Lit) and isinstance(value.value, Rate):
        return RateChoice(((z3.BoolVal(True), Fraction(value.value.value)),))
    raise Untranslatable(f"{what}: expected a rate, got {_kind(value)}")


def _kind(value: Value) -> str:
    if isinstance(value, Lit):
        return f"the constant {value.value!r}"
    return type(value).__name__
