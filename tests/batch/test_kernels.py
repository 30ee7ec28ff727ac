"""The exact integer arithmetic of the kernels, against Decimal and the scalar helpers."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from grantrules.batch import evaluate_table, route_of
from grantrules.batch._kernels import add_years
from grantrules.batch._values import divide_rounded, rate_parts, round_cents
from grantrules.dates import add_years as scalar_add_years
from grantrules.evaluate import evaluate
from grantrules.money import DOWN, HALF_EVEN, HALF_UP, UP, Euro, Rate, Rounding
from grantrules.testing.examples import example_document, example_scheme

MODES = st.sampled_from([DOWN, UP, HALF_UP, HALF_EVEN])
CENTS = st.integers(-(10**17), 10**17)


@given(st.lists(CENTS, min_size=1, max_size=20), st.integers(1, 10**6), MODES)
def test_divide_rounded_is_decimal_rounding(values: list[int], y: int, mode: Rounding) -> None:
    got = divide_rounded(np.array(values, np.int64), y, mode)
    for x, result in zip(values, got.tolist(), strict=True):
        exact = (Decimal(x) / Decimal(y)).quantize(Decimal(1), rounding=mode.value)
        assert result == int(exact)
        assert divide_rounded(x, y, mode) == int(exact)


@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=10), st.data(), MODES)
def test_rate_of_amount_as_euro_scale(values: list[int], data: Any, mode: Rounding) -> None:
    rate = data.draw(st.decimals(0, 1, places=data.draw(st.integers(0, 6))))
    numerator, denominator = rate_parts(Rate(rate))
    quantum = data.draw(st.sampled_from([None, "1.00", "10.00", "0.05"]))
    rounding = mode if quantum is None else mode.to(quantum)
    got = round_cents(np.array(values, np.int64) * numerator, denominator, rounding)
    for cents, result in zip(values, got.tolist(), strict=True):
        expected = Euro(Decimal(cents).scaleb(-2)).scale(rate, rounding)
        assert Decimal(result).scaleb(-2) == expected.amount


@given(
    st.lists(st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)), min_size=1),
    st.integers(-50, 50),
)
def test_add_years_is_the_scalar_one(days: list[datetime.date], years: int) -> None:
    epoch = datetime.date(1970, 1, 1)
    numbers = np.array([(d - epoch).days for d in days], np.int64)
    got = add_years(numbers, years)
    for day, number in zip(days, got.tolist(), strict=True):
        assert epoch + datetime.timedelta(days=number) == scalar_add_years(day, years)


def test_sums_beyond_int64_go_to_evaluate() -> None:
    """A row whose sum could leave int64 is decided by evaluate(): exact, never wrapped."""
    scheme, document = example_scheme(), example_document()
    line = document["costs"][0]
    # Each amount passes the columnar pre-check (16 characters); their sum leaves int64.
    huge = [{**line, "amount_excl_vat": "9999999999999.99"}] * 10_000
    rows = [document, {**document, "id": "HUGE-1", "costs": huge}]
    result = evaluate_table(scheme, pa.Table.from_pylist(rows))
    assert route_of(result) == "columnar"
    assert evaluate(scheme, rows[1]).amount("total").amount == Decimal("99999999999999900.00")
    first, second = result.to_pylist()
    assert first["amount.total"] == Decimal("1200.00")
    # 10**17 euros: evaluate() computes it exactly, no decimal128(18, 2) holds it.
    assert second["id"] == "HUGE-1"
    assert second["award"] is None
    assert "does not fit the output's decimal128(18, 2)" in second["error"]


def test_large_sums_within_int64_stay_columnar_and_exact() -> None:
    scheme, document = example_scheme(), example_document()
    line = document["costs"][0]
    big = [{**line, "amount_excl_vat": "99999999999.99"}] * 3000
    rows = [{**document, "costs": big}]
    result = evaluate_table(scheme, pa.Table.from_pylist(rows)).to_pylist()[0]
    assert result["amount.total"] == evaluate(scheme, rows[0]).amount("total").amount


def test_a_sliced_table_reads_its_own_rows_and_items() -> None:
    """Bounds come from a list column's own offsets: a slice (offsets not starting at 0, the
    child array whole) reads exactly its rows' items, in every amount."""
    scheme, document = example_scheme(), example_document()
    line = document["costs"][0]
    rows = [
        {**document, "id": f"S-{i}", "costs": [{**line, "amount_excl_vat": f"{i}.0{i}"}] * i}
        for i in range(6)
    ]
    table = pa.Table.from_pylist(rows).combine_chunks()
    whole = evaluate_table(scheme, table).to_pylist()
    assert evaluate_table(scheme, table.slice(2, 3)).to_pylist() == whole[2:5]
    for row, document_ in zip(whole, rows, strict=True):
        assert row["amount.total"] == evaluate(scheme, document_).amount("total").amount
