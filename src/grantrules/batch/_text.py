"""String columns read from their bytes with NumPy: amounts, dates, ids and SIREN numbers.

Arrow's regular expressions and casts go through each string one at a time; the forms
checked here are fixed ASCII ones (``"1234.56"``, ``"2025-03-14"``), so a few NumPy passes
over the whole data buffer check every row (and read dates) at once:

- a per-row count of "wrong" bytes is the difference of a running count at the row's two
  offsets (one cumulative sum for the whole column);
- a byte at a fixed place from the start or the end of each row is one gather.

Every function takes a ``string`` array (a ``large_string`` array is first cast) and
ignores its null rows (the caller masks them).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pyarrow as pa

__all__ = [
    "Strings",
    "amount_refused",
    "date_days",
    "date_refused",
    "strings",
]

_DIGIT = np.zeros(256, bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_DOT, _MINUS, _ZERO = ord("."), ord("-"), ord("0")
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


@attrs.frozen
class Strings:
    """The bytes of a string column: row ``i`` is ``data[start[i]:end[i]]``."""

    data: np.ndarray[Any, Any]  # uint8
    start: np.ndarray[Any, Any]  # int32 (a string column's offsets)
    end: np.ndarray[Any, Any]

    @property
    def length(self) -> np.ndarray[Any, Any]:
        found: np.ndarray[Any, Any] = self.end - self.start
        return found

    def count(self, table: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Per row, how many of its bytes ``table`` (a bool per byte value) marks."""
        # int32: a column's data buffer is below 2**31 bytes (int32 offsets).
        running = np.zeros(len(self.data) + 1, np.int32)
        np.cumsum(table[self.data], out=running[1:], dtype=np.int32)
        counted: np.ndarray[Any, Any] = running[self.end] - running[self.start]
        return counted

    def at(self, position: np.ndarray[Any, Any], valid: np.ndarray[Any, Any]) -> Any:
        """Per row, the byte at ``position`` (an index into ``data``), 0 where not ``valid``."""
        if not len(self.data):
            return np.zeros(len(position), np.uint8)
        if valid.all():  # the usual case: one gather
            return self.data[position]
        return np.where(valid, self.data[np.where(valid, position, 0)], 0)


def strings(array: pa.Array) -> Strings:
    """The bytes and row bounds of a ``string`` (or ``large_string``) array, zero copy."""
    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    buffers = array.buffers()
    n = len(array)
    offsets = np.frombuffer(buffers[1], np.int32)[array.offset : array.offset + n + 1]
    if buffers[2] is None or n == 0:
        zeros = np.zeros(n, np.int64)
        return Strings(np.zeros(0, np.uint8), zeros, zeros)
    base = int(offsets[0])
    data = np.frombuffer(buffers[2], np.uint8)[base : int(offsets[-1])]
    # The int32 offsets themselves (zero copy when the array starts its data buffer).
    bounds = offsets - np.int32(base) if base else offsets
    return Strings(data, bounds[:-1], bounds[1:])


def amount_refused(text: Strings) -> np.ndarray[Any, Any]:
    """Rows not written ``-?[0-9]+\\.[0-9]{2}`` in at most 16 characters."""
    length = text.length
    fits = (length >= 4) & (length <= 16)
    first = text.at(text.start, fits)
    point = text.at(text.end - 3, fits)
    negative = first == _MINUS
    refused: np.ndarray[Any, Any] = ~fits | (point != _DOT) | (negative & (length < 5))
    # Every byte is a digit except the point and a leading minus sign.
    expected = np.sort(np.concatenate([text.start[negative & fits], text.end[fits] - 3]))
    # (An empty row, or a null one, is refused already and has no bytes.)
    settled = not (refused & (length > 0)).any()
    if settled and np.array_equal(np.flatnonzero(~_DIGIT[text.data]), expected):
        return refused  # the usual case: the other bytes are where they should be
    found: np.ndarray[Any, Any] = refused | (text.count(~_DIGIT) != 1 + negative)
    return found


def _number(text: Strings, first: int, width: int, valid: np.ndarray[Any, Any]) -> Any:
    value = np.zeros(len(text.start), np.int64)
    for place in range(first, first + width):
        value = value * 10 + (text.at(text.start + place, valid).astype(np.int64) - _ZERO)
    return value


def _parts(text: Strings) -> tuple[Any, Any, Any, Any]:
    """(year, month, day, refused) of ``YYYY-MM-DD`` strings."""
    fits = text.length == 10
    if len(text.data) == 10 * len(fits) and fits.all():
        # Every row has ten bytes: the column is a (rows, 10) matrix, read by columns.
        grid = text.data.reshape(-1, 10)
        dashes = (grid[:, 4] == _MINUS) & (grid[:, 7] == _MINUS)
        values = grid - np.uint8(_ZERO)  # a byte below "0" wraps above 9
        is_digit = values <= 9
        digits = is_digit[:, :4].all(axis=1) & is_digit[:, 5:7].all(axis=1)
        digits &= is_digit[:, 8:].all(axis=1)

        def number(first: int, width: int) -> Any:
            found = values[:, first].astype(np.int64)
            for place in range(first + 1, first + width):
                found = found * 10 + values[:, place]
            return found

        year, month, day = number(0, 4), number(5, 2), number(8, 2)
    else:
        dashes = (text.at(text.start + 4, fits) == _MINUS) & (
            text.at(text.start + 7, fits) == _MINUS
        )
        digits = text.count(_DIGIT) == 8
        year, month, day = (_number(text, f, w, fits) for f, w in ((0, 4), (5, 2), (8, 2)))
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    last = _MONTH_DAYS[np.where((month >= 0) & (month <= 12), month, 0)] + ((month == 2) & leap)
    real = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= last)
    return year, month, day, ~(fits & dashes & digits & real)


def date_refused(text: Strings) -> np.ndarray[Any, Any]:
    """Rows that are not a real date written ``YYYY-MM-DD`` (year 1 to 9999)."""
    refused: np.ndarray[Any, Any] = _parts(text)[3]
    return refused


def date_days(text: Strings) -> np.ndarray[Any, Any]:
    """Days since 1970-01-01 of the dates :func:`date_refused` accepts (others: 0)."""
    year, month, day, refused = _parts(text)
    # Howard Hinnant's days_from_civil, in integers.
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    of_era = year - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    of_cycle = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    days: np.ndarray[Any, Any] = np.where(refused, 0, era * 146097 + of_cycle - 719468)
    return days
