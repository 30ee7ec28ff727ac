"""Rate columns: rates written as text (``"12.5%"``, ``"0.125"``) read exactly.

An input field of type :class:`~grantrules.money.Rate` (a partner's share of capital) comes
as a string column (a dictionary of strings in the typed form).  Each distinct text is read
once by :class:`~grantrules.money.Rate` itself, the constructor the converter calls, so a
row reads the very fraction :func:`grantrules.evaluate` reads, or is refused where it would
be; the column is then the kernels' ``rate`` value: int64 numerators over one power of ten.

Rates finer than :data:`MAX_DENOMINATOR` (more than nine decimals of the fraction) stay out
of the kernels: the validation flags their rows, which :func:`grantrules.evaluate` decides,
so that a numerator times a denominator (a comparison of two rates) and cents times a
numerator stay far inside int64.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules.batch._values import rate_parts
from grantrules.errors import GrantRulesError
from grantrules.money import Rate

__all__ = ["MAX_DENOMINATOR", "RateColumn", "rate_column"]

#: The finest rate the kernels read from an input: 10**-9.
MAX_DENOMINATOR = 10**9
# Texts read so far: (numerator, denominator), or None for a text the kernels leave alone
# (refused by Rate, or finer than MAX_DENOMINATOR).  Bounded: memory must not grow with
# the number of rows, only the reading of texts never seen is repeated.
_READ: dict[str, tuple[int, int] | None] = {}
_READ_MAX = 100_000


def _read(text: str) -> tuple[int, int] | None:
    if text in _READ:
        return _READ[text]
    try:
        parts: tuple[int, int] | None = rate_parts(Rate(text))
    except GrantRulesError:
        parts = None
    if parts is not None and parts[1] > MAX_DENOMINATOR:
        parts = None
    if len(_READ) >= _READ_MAX:
        _READ.clear()
    _READ[text] = parts
    return parts


class RateColumn:
    """A rate column: ``numerators / denominator`` per row, and the rows left to
    :func:`grantrules.evaluate` (``refused``: not a rate, or too fine; 0 in ``numerators``).
    Null rows read 0 and are not refused (the caller masks them)."""

    __slots__ = ("denominator", "numerators", "refused")

    def __init__(
        self, numerators: np.ndarray[Any, Any], denominator: int, refused: np.ndarray[Any, Any]
    ) -> None:
        self.numerators, self.denominator, self.refused = numerators, denominator, refused


def rate_column(array: pa.Array) -> RateColumn:
    """``array`` (strings, or a dictionary of strings) as exact fractions, each distinct
    text read once."""
    if pa.types.is_dictionary(array.type):
        dictionary, indices = array.dictionary.cast(pa.string()), array.indices
    else:
        encoded = pc.dictionary_encode(array.cast(pa.string()))
        dictionary, indices = encoded.dictionary, encoded.indices
    read = [_read(text) for text in dictionary.to_pylist()]
    known = [parts for parts in read if parts is not None]
    denominator = max((d for _, d in known), default=1)
    numerators = np.array(
        [0 if p is None else p[0] * (denominator // p[1]) for p in read] or [0], np.int64
    )
    refused = np.array([p is None for p in read] or [False], bool)
    rows = np.asarray(indices.fill_null(0).to_numpy(zero_copy_only=False), np.intp)
    present = array.is_valid().to_numpy(zero_copy_only=False)
    return RateColumn(numerators[rows], denominator, refused[rows] & present)
