"""String columns checked from their bytes (grantrules.batch._text and the validation's byte
checks) against the regular expressions and the Python parsers they replace."""

from __future__ import annotations

import datetime
import re
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grantrules import model
from grantrules.batch._text import amount_refused, date_days, date_refused, strings
from grantrules.batch._validate import _application_id, _blank, _negative, _siren
from grantrules.money import Euro
from grantrules.serde import AMOUNT_PATTERN

AMOUNT = re.compile(AMOUNT_PATTERN)
EPOCH = datetime.date(1970, 1, 1)
# Text near the forms: digits, points, signs, dashes, spaces and a few non-ASCII characters.
NEAR = st.text(st.sampled_from("0123456789.-- eE\u00a0\u0661x"), max_size=18)
AMOUNTS = st.one_of(
    NEAR,
    st.decimals(-(10**14), 10**14, places=2).map(str),
    st.integers(0, 10**15).map(lambda c: f"{c // 100}.{c % 100:02d}"),
)
DATES = st.one_of(
    NEAR,
    st.dates().map(datetime.date.isoformat),
    st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
)


def column(values: list[str | None], sliced: bool) -> pa.Array:
    """The values as a string column, sliced out of a larger one when asked (an offset)."""
    if not sliced:
        return pa.array(values, pa.string())
    return pa.array(["pad", *values, "pad"], pa.string()).slice(1, len(values))


def _real_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@given(st.lists(AMOUNTS, max_size=30), st.booleans())
@example(["0.00", "-0.00", "-.00", "1.5", "12345678901234.56", "1234567890123.45", ""], False)
@example(["1.00", "-2.50", "0.00", "-1234.56"], True)  # all well formed: the fast path
@example(["1.00", "-2.5-0", "0.00"], False)  # a sign out of place: the row by row count
def test_amount_form_is_the_pattern(values: list[str], sliced: bool) -> None:
    got = amount_refused(strings(column(list(values), sliced))).tolist()
    assert got == [not AMOUNT.fullmatch(v) or len(v) > 16 for v in values]


@given(st.lists(DATES, max_size=30), st.booleans())
@example(["2024-02-29", "2025-02-29", "1900-02-29", "2000-02-29", "0000-01-01", "2025-04-31"], True)
@example(["2024-02-29", "2025-0a-01", "2025x03-01"], False)  # ten bytes each: the matrix path
def test_dates_are_the_python_ones(values: list[str], sliced: bool) -> None:
    text = strings(column(list(values), sliced))
    assert date_refused(text).tolist() == [not _real_date(v) for v in values]
    days = date_days(text).tolist()
    for value, day in zip(values, days, strict=True):
        if _real_date(value):
            assert day == (datetime.date.fromisoformat(value) - EPOCH).days


def _refuses(check: Any, value: Any) -> bool:
    try:
        check(None, None, value)
    except ValueError:
        return True
    return False


@given(
    st.lists(
        st.one_of(
            st.text(st.sampled_from("aZ09._- é\n"), max_size=82),
            st.from_regex(model.APPLICATION_ID_PATTERN, fullmatch=True),
        ),
        max_size=20,
    ),
    st.booleans(),
)
@example(["a" * 80, "a" * 81, "-a", "a-", "A", ""], False)
def test_application_ids_are_the_validator(values: list[str], sliced: bool) -> None:
    got = np.asarray(_application_id(column(list(values), sliced))).tolist()
    assert got == [_refuses(model.validate_application_id, v) for v in values]


@given(st.lists(st.text(st.sampled_from("0123456789a "), max_size=10), max_size=20), st.booleans())
@example(["000000000", "215903501", "215903502", "21590350", "2159035011"], False)
def test_siren_is_the_validator(values: list[str], sliced: bool) -> None:
    got = np.asarray(_siren(column(list(values), sliced))).tolist()
    assert got == [_refuses(model.validate_siren, v) for v in values]


@given(st.lists(st.text(st.sampled_from(" \t\n\u00a0\u2003\u3000ab\u00e9\x1c"), max_size=6)))
def test_blank_is_the_validator(values: list[str]) -> None:
    got = np.asarray(_blank(column(list(values), False))).tolist()
    assert got == [_refuses(model.validate_not_blank, v) for v in values]


@given(st.lists(AMOUNTS.filter(lambda v: bool(AMOUNT.fullmatch(v)) and len(v) <= 16)))
@example(["-0.00", "-00.00", "-0.01", "0.00", "-10.00"])
def test_negative_amounts_are_the_validator(values: list[str]) -> None:
    got = np.asarray(_negative(column(list(values), False))).tolist()
    assert got == [_refuses(model.validate_not_negative, Euro(v)) for v in values]


def test_null_rows_are_left_to_the_caller() -> None:
    values = pa.array(["12.00", None, "-x"], pa.string())
    assert amount_refused(strings(values)).tolist() == [False, True, True]
    assert np.asarray(_application_id(values)).tolist() == [False, False, True]
    assert strings(pa.array([], pa.string())).data.size == 0


@pytest.mark.parametrize("kind", [pa.large_string(), pa.string()])
def test_large_strings_are_read_too(kind: pa.DataType) -> None:
    text = strings(pa.array(["2025-03-14", "2025-3-14"], kind))
    assert date_refused(text).tolist() == [False, True]


@given(st.lists(st.lists(st.integers(-(10**6), 10**6), max_size=30), min_size=1, max_size=4))
def test_an_amount_validator_is_asked_once_per_value_and_remembered(
    batches: list[list[int]],
) -> None:
    """A validator the backend does not know, on decimal amounts: its answers are those of
    the validator on each value, across batches that repeat and add values."""
    from decimal import Decimal

    from grantrules.batch._validate import _per_value

    asked: list[Decimal] = []

    def odd_cents(_: Any, __: Any, value: Euro) -> None:
        asked.append(value.amount)
        if int(value.amount.scaleb(2)) % 2:
            raise ValueError("odd")

    for cents in batches:
        amounts = pa.array([Decimal(c).scaleb(-2) for c in cents], pa.decimal128(18, 2))
        got = np.asarray(_per_value(amounts, Euro, odd_cents)).tolist()
        assert got == [c % 2 == 1 for c in cents]
    seen = {c for batch in batches for c in batch}
    assert sorted(asked) == sorted(Decimal(c).scaleb(-2) for c in seen)  # each value once
