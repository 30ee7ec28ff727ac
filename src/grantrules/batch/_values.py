"""Column values of the columnar backend and the exact integer arithmetic they use.

A :class:`Col` is what one expression node gives over a batch of rows (or of collection
items): its ``kind``, its values and a mask of the rows where the node read a missing input
(``MissingInput`` in :func:`grantrules.evaluate`).  Values are scalars when they are the same
for every row (constants, parameters), NumPy arrays otherwise:

========  ===================================================================
kind      values
========  ===================================================================
money     int64 cents
int       int64
bool      bool
date      int64 days since 1970-01-01
str       a Python ``str``, or ``Codes``: int32 indices into a dictionary
rate      ``(numerator, denominator)``: an int or int64 array over a power of 10
codes     a frozenset of values (a code list, reference data)
period    ``(first day, last day)`` as day numbers
list      ``Items``: per-row lists (a value column over the items, and offsets)
========  ===================================================================

Every operation is exact; an operation that could leave int64 marks the rows concerned in
``Overflow.rows``, and those rows are decided one by one by :func:`grantrules.evaluate`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pyarrow as pa

from grantrules.money import Euro, Rate, Rounding, RoundingRule

__all__ = ["Codes", "Col", "Items", "Unsupported", "divide_rounded", "rate_parts", "select"]

#: Past this magnitude an int64 product or sum may not be exact: the rows are decided by rows.
LIMIT = 2**62
_EPOCH = datetime.date(1970, 1, 1)


class Unsupported(Exception):
    """A node or a combination of kinds the kernels do not handle: the version's rows are
    decided by :func:`grantrules.evaluate` instead (route ``rows``), never approximated."""


@attrs.define(slots=True)
class Codes:
    """A column of strings, dictionary-encoded: ``dictionary[indices]``."""

    indices: np.ndarray[Any, Any]
    dictionary: pa.Array

    def decode(self) -> np.ndarray[Any, Any]:
        values = np.asarray(self.dictionary.to_pylist(), dtype=object)
        return values[self.indices] if len(values) else np.full(len(self.indices), "", object)

    def lookup(self, table: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Per row, ``table[index]``: a result computed once per distinct value."""
        if not len(table):
            return np.zeros(len(self.indices), table.dtype)
        # np.take: twice as fast as table[indices] with int32 indices.
        found: np.ndarray[Any, Any] = np.take(table, self.indices)
        return found


class Items:
    """Per-row lists: ``values`` over all items, row ``i`` owning ``bounds[i]:bounds[i+1]``;
    ``parent`` (each item's row) is computed when first read: a plain sum never needs it."""

    __slots__ = ("_parent", "bounds", "count", "values")

    def __init__(self, values: Col, bounds: np.ndarray[Any, Any]) -> None:
        self.values = values
        self.bounds = bounds
        self.count = int(bounds[-1]) if len(bounds) else 0
        self._parent: np.ndarray[Any, Any] | None = None

    @property
    def parent(self) -> np.ndarray[Any, Any]:
        if self._parent is None:
            self._parent = np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))
        return self._parent


@attrs.define(slots=True)
class Col:
    kind: str
    v: Any
    m: Any = False  # bool array, or False when no row is missing

    def take(self, index: np.ndarray[Any, Any]) -> Col:
        """The values for ``index`` (each item's row, for a row value read in an item)."""
        m = self.m[index] if isinstance(self.m, np.ndarray) else False
        v = self.v
        if isinstance(v, Codes):
            v = Codes(v.indices[index], v.dictionary)
        elif isinstance(v, np.ndarray):
            v = v[index]
        elif self.kind == "rate" and isinstance(v[0], np.ndarray):
            v = (v[0][index], v[1])
        elif self.kind == "list":
            raise Unsupported("a list read inside another collection")
        return Col(self.kind, v, m)


def scalar(value: Any) -> Col:
    """A constant or parameter value as a column value."""
    if isinstance(value, bool):
        return Col("bool", value)
    if isinstance(value, int):
        return Col("int", value)
    if isinstance(value, Euro):
        return Col("money", cents(value))
    if isinstance(value, Rate):
        return Col("rate", rate_parts(value))
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return Col("date", days(value))
    if isinstance(value, str):
        return Col("str", value)
    if isinstance(value, frozenset | tuple) and all(isinstance(x, str) for x in value):
        return Col("codes", frozenset(value))
    if hasattr(value, "start") and hasattr(value, "end"):  # a DateRange
        return Col("period", (days(value.start), days(value.end)))
    raise Unsupported(f"a value of type {type(value).__name__}")


def cents(amount: Euro) -> int:
    return int(amount.amount.scaleb(2))


def days(day: datetime.date) -> int:
    return (day - _EPOCH).days


def rate_parts(rate: Rate) -> tuple[int, int]:
    """A rate as an exact fraction over a power of ten: 60 % is (6, 10)."""
    value: Decimal = rate.value
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    return int(value.scaleb(scale)), 10**scale


def mask(n: int, m: Any) -> np.ndarray[Any, Any]:
    """``m`` (a bool array, or one value for every row) as a bool array of length ``n``."""
    if isinstance(m, np.ndarray) and m.ndim == 1:
        return m
    return np.full(n, bool(m))


def either(a: Any, b: Any) -> Any:
    if a is False:
        return b
    if b is False:
        return a
    return a | b


def divide_rounded(x: Any, y: int, rounding: Rounding) -> Any:
    """``x / y`` (ints or int64 arrays, ``y > 0``) rounded to a whole number as ``rounding``
    says, exactly like :mod:`decimal`: DOWN towards zero, UP away from it, HALF_UP ties away
    from zero, HALF_EVEN ties to the even neighbour."""
    if not isinstance(x, np.ndarray):
        negative = x < 0
        quotient, remainder = divmod(abs(x), y)
        quotient += _away(quotient, remainder, y, rounding)
        return -quotient if negative else quotient
    # Amounts are seldom negative: then the sign costs one reduction, not three passes.
    signed = bool(x.size) and int(x.min()) < 0
    magnitude = np.abs(x) if signed else x
    quotient = magnitude // y
    if rounding is not Rounding.DOWN:  # DOWN keeps the quotient of the magnitude as it is
        # NumPy divides by a constant quickly but computes % slowly: the remainder by product.
        remainder = magnitude - quotient * y
        quotient = quotient + _away(quotient, remainder, y, rounding)
    return select(x < 0, -quotient, quotient) if signed else quotient


def _away(quotient: Any, remainder: Any, y: int, rounding: Rounding) -> Any:
    """Whether each quotient moves one away from zero."""
    if rounding is Rounding.DOWN:
        return False
    if rounding is Rounding.UP:
        return remainder > 0
    if rounding is Rounding.HALF_UP:
        return 2 * remainder >= y
    return (2 * remainder > y) | ((2 * remainder == y) & (quotient & 1 == 1))


def select(condition: Any, a: Any, b: Any) -> Any:
    """``np.where(condition, a, b)`` for int64 or bool values, by arithmetic: twice as fast
    on a mask that changes from row to row, and exact (int64 arithmetic wraps modulo 2**64,
    so ``b + (a - b) * 1`` is ``a`` even when ``a - b`` wraps)."""
    if condition is True or condition is False:
        return a if condition else b
    if (isinstance(a, np.ndarray) and a.dtype == bool) or isinstance(a, bool | np.bool_):
        return (condition & a) | (~condition & b)
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    return b + (a - b) * condition


def round_cents(x: Any, denominator: int, rounding: Rounding | RoundingRule) -> Any:
    """``x / denominator`` cents brought to a whole cent, or to the rule's quantum."""
    if isinstance(rounding, RoundingRule):
        step = cents(rounding.quantum)
        return divide_rounded(x, denominator * step, rounding.mode) * step
    if denominator == 1:
        return x
    return divide_rounded(x, denominator, rounding)
