"""The output columns of one batch, assembled from the groups of rows that decided them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from grantrules.batch._memory import pooled
from grantrules.batch._plan import Plan, Result
from grantrules.batch._rows import RowOutcome
from grantrules.scheme import Scheme

__all__ = ["MONEY", "Output", "amount_ids", "money"]

#: Amounts in the output: exact, two decimals, up to 10**16 euros.
MONEY = pa.decimal128(18, 2)
_TOO_LARGE = Decimal(10) ** 16


def amount_ids(scheme: Scheme) -> list[str]:
    """Every amount id of every version, in the order the versions define them."""
    seen: dict[str, None] = {}
    for version in scheme.versions:
        for amount in version.amounts:
            seen.setdefault(amount.id, None)
    return list(seen)


def money(cents: np.ndarray[Any, Any], null: np.ndarray[Any, Any] | None = None) -> pa.Array:
    """int64 cents as ``decimal128(18, 2)``, built from its 128-bit words (no Decimal)."""
    cents = np.asarray(cents, np.int64)
    words = pooled((len(cents), 2), np.int64)  # kept in the result: see _memory
    words[:, 0] = cents
    np.right_shift(cents, 63, out=words[:, 1])
    nulls = int(np.count_nonzero(null)) if null is not None else 0
    validity = (
        pa.py_buffer(np.packbits(~null, bitorder="little")) if nulls and null is not None else None
    )
    return pa.Array.from_buffers(MONEY, len(cents), [validity, pa.py_buffer(words)], nulls)


def _lists(not_met: np.ndarray[Any, Any], ids: list[str]) -> pa.Array:
    """Per row, the ids (one per row of ``not_met``, a (criteria, rows) bool array) whose
    criterion is not met, in order, as a list<string> built from its offsets."""
    count, n = not_met.shape
    offsets = pooled(n + 1, np.int32)
    offsets[0] = 0
    if count == 0 or n == 0:
        offsets[1:] = 0
        return _list_array(offsets, pa.array([], pa.string()))
    if count == 1:  # one criterion (a scheme's only warning, say): a running count
        np.cumsum(not_met[0], out=offsets[1:], dtype=np.int32)
        return _list_array(offsets, repeated(ids[0], int(offsets[-1])))
    # Counts per row as bytes (fewer than 256 criteria): summed a vector of rows at a time.
    small = np.uint8 if count < 256 else np.int32
    np.cumsum(not_met.view(np.uint8).sum(axis=0, dtype=small), out=offsets[1:], dtype=np.int32)
    # Criterion by criterion (a few dozen at most), each hit goes to its row's next place:
    # the ids come out in the scheme's order within each row.
    which = np.empty(int(offsets[-1]), np.int32)
    filled_in = offsets[:-1].copy()
    for index in range(count):
        rows = np.flatnonzero(not_met[index])
        if len(rows):
            places = filled_in[rows]
            which[places] = index
            filled_in[rows] = places + 1
    # A dictionary array decoded by Arrow's cast: four times faster than take() here.
    values = pa.DictionaryArray.from_arrays(pa.array(which), pa.array(ids, pa.string()))
    return _list_array(offsets, values.cast(pa.string()))


def _list_array(offsets: np.ndarray[Any, Any], values: pa.Array) -> pa.Array:
    return pa.ListArray.from_arrays(
        pa.Array.from_buffers(pa.int32(), len(offsets), [None, pa.py_buffer(offsets)]), values
    )


# Per text, the longest column of it built so far: a batch takes a slice (zero copy).
_REPEATED: dict[str, pa.Array] = {}


def repeated(text: str, n: int) -> pa.Array:
    """``text`` ``n`` times as a string array, built from its buffers (and kept: the
    version's name is the same in every batch)."""
    found = _REPEATED.get(text)
    if found is None or len(found) < n:
        data = text.encode()
        size = max(n, 1024)
        offsets = np.arange(size + 1, dtype=np.int64) * len(data)
        if offsets[-1] >= 2**31:  # string offsets are int32: not kept beyond
            offsets = offsets[: n + 1]
            size = n
        offsets = offsets.astype(np.int32)
        found = pa.Array.from_buffers(
            pa.string(), size, [None, pa.py_buffer(offsets), pa.py_buffer(data * size)]
        )
        if len(_REPEATED) >= 16:
            _REPEATED.clear()
        _REPEATED[text] = found
    return found.slice(0, n)


class Output:
    """Pieces of output (rows and their columns), put in the input's order at the end."""

    def __init__(self, scheme: Scheme, batch: pa.RecordBatch) -> None:
        self.schema = _schema(scheme)
        self.amount_ids = amount_ids(scheme)
        index = batch.schema.get_field_index("id")
        ids = batch.column(index) if index >= 0 else None
        if ids is None or not pa.types.is_string(ids.type):
            ids = pa.nulls(batch.num_rows, pa.string())
        self.ids = ids
        self.pieces: list[tuple[np.ndarray[Any, Any], pa.RecordBatch]] = []

    def put(self, plan: Plan, rows: np.ndarray[Any, Any], result: Result) -> None:
        keep = ~result.by_rows
        everything = bool(keep.all())
        at = rows if everything else rows[keep]
        k = len(at)
        not_met = result.not_met if everything else result.not_met[:, keep]
        blocking = plan.blocking
        ids = np.asarray(plan.ids, object)
        eligible = result.eligible if everything else result.eligible[keep]
        award = result.award if everything else result.award[keep]
        everyone = k == len(self.ids) and (k == 0 or (at[0] == 0 and at[-1] == k - 1))
        columns = [
            self.ids if everyone else self.ids.take(pa.array(at, pa.int64())),
            repeated(plan.version.valid_from.isoformat(), k),
            pa.array(eligible),
            money(award),
            _lists(not_met[blocking], list(ids[blocking])),
            _lists(not_met[~blocking], list(ids[~blocking])),
        ]
        for amount_id in self.amount_ids:
            if amount_id not in result.amounts:
                columns.append(pa.nulls(k, MONEY))
                continue
            cents, missing = result.amounts[amount_id]
            if not everything:
                cents = cents[keep]
                missing = missing[keep] if missing is not False else False
            if amount_id == plan.version.award:  # as decision.amount(): 0.00 when ineligible
                cents = cents * eligible
                missing = missing & eligible if missing is not False else False
            columns.append(money(cents, missing if missing is not False else None))
        columns.append(pa.nulls(k, pa.string()))
        self.pieces.append((at, pa.RecordBatch.from_arrays(columns, schema=self.schema)))

    def put_rows(self, rows: np.ndarray[Any, Any], outcomes: list[RowOutcome]) -> None:
        records = [self._record(o) for o in outcomes]
        batch = pa.RecordBatch.from_pylist(records, schema=self.schema)
        self.pieces.append((rows, batch))

    def _record(self, outcome: RowOutcome) -> dict[str, Any]:
        record: dict[str, Any] = {"id": outcome.raw_id, "error": outcome.error}
        decision = outcome.decision
        if decision is None:
            return record
        record.update(
            scheme_version=decision.provenance.scheme_version,
            eligible=decision.eligible,
            award=_decimal(decision.award),
            failed=list(decision.failed_ids),
            warnings=[c.id for c in decision.warnings],
        )
        for result in decision.amounts:
            record[f"amount.{result.id}"] = None if result.value is None else _decimal(result.value)
        for key, value in record.items():
            if isinstance(value, Decimal) and abs(value) >= _TOO_LARGE:
                # evaluate() computed it, but no decimal128(18, 2) can hold it.
                return {
                    "id": outcome.raw_id,
                    "error": f"{key} = {value} does not fit the output's decimal128(18, 2) "
                    "(amounts below 10**16 euros): evaluate this application alone",
                }
        return record

    def batch(self) -> pa.RecordBatch:
        if len(self.pieces) == 1:
            return self.pieces[0][1]
        if not self.pieces:
            return pa.RecordBatch.from_pylist([], schema=self.schema)
        order = np.argsort(np.concatenate([rows for rows, _ in self.pieces]), kind="stable")
        table = pa.Table.from_batches([b for _, b in self.pieces], self.schema)
        return table.take(pa.array(order)).combine_chunks().to_batches()[0]


def _decimal(amount: Any) -> Decimal:
    return Decimal(str(amount))


def _schema(scheme: Scheme) -> pa.Schema:
    from grantrules.batch._table import output_schema

    return output_schema(scheme)
