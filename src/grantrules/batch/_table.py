"""``evaluate_table``: a whole table of applications through the compiled kernels."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules._compiled import compiled
from grantrules._strict import StrictModeError, strict
from grantrules.batch._inputs import ArrowSource
from grantrules.batch._plan import FAILED, MISSING, Plan, plan_of
from grantrules.batch._rows import RowOutcome, decide_rows
from grantrules.batch._validate import suspects
from grantrules.batch._values import Unsupported, days
from grantrules.errors import InvalidArgument
from grantrules.scheme import Scheme

__all__ = [
    "BATCH_ROWS",
    "ROUTE_KEY",
    "evaluate_batches",
    "evaluate_table",
    "output_schema",
    "route_of",
]

#: Rows evaluated together: large enough for NumPy to pay off, small enough to stay in cache.
BATCH_ROWS = 65_536
#: The schema metadata key saying how the rows were decided (see :func:`route_of`).
ROUTE_KEY = b"grantrules.route"
_EPOCH = datetime.date(1970, 1, 1)
MONEY = pa.decimal128(18, 2)


def amount_ids(scheme: Scheme) -> list[str]:
    """Every amount id of every version, in the order the versions define them."""
    seen: dict[str, None] = {}
    for version in scheme.versions:
        for amount in version.amounts:
            seen.setdefault(amount.id, None)
    return list(seen)


def output_schema(scheme: Scheme) -> pa.Schema:
    """The columns :func:`evaluate_table` returns for ``scheme``, in order."""
    fields = [
        pa.field("id", pa.string()),
        pa.field("scheme_version", pa.string()),
        pa.field("eligible", pa.bool_()),
        pa.field("award", MONEY),
        pa.field("failed", pa.list_(pa.string())),
        pa.field("warnings", pa.list_(pa.string())),
        *(pa.field(f"amount.{a}", MONEY) for a in amount_ids(scheme)),
        pa.field("error", pa.string()),
    ]
    return pa.schema(fields)


def route_of(table: pa.Table) -> str:
    """How :func:`evaluate_table` decided the rows of its result: ``columnar`` (compiled
    kernels; the few rows they leave, such as invalid documents, go through ``evaluate()``),
    ``rows`` (every row by ``evaluate()``: a rule has a node without a kernel) or ``mixed``
    (some versions each way).

    >>> import pyarrow as pa
    >>> from grantrules.serde import _example_scheme, _example_document
    >>> route_of(evaluate_table(_example_scheme(), pa.Table.from_pylist([_example_document()])))
    'columnar'

    .. versionadded:: 0.3
    """
    metadata = table.schema.metadata or {}
    return str(metadata.get(ROUTE_KEY, b"columnar").decode())


def _check(scheme: object, table: object, on: object, overrides: object) -> None:
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"expected a Scheme, got {type(scheme).__name__}")
    if not isinstance(table, pa.Table | pa.RecordBatch):
        raise InvalidArgument(f"expected a pyarrow Table, got {type(table).__name__}")
    if on is not None and (not isinstance(on, datetime.date) or isinstance(on, datetime.datetime)):
        raise InvalidArgument(f"on must be a datetime.date, got {on!r}")
    if overrides is not None and not isinstance(overrides, Mapping):
        raise InvalidArgument(f"overrides must be a mapping of NAME to value, got {overrides!r}")


def evaluate_table(
    scheme: Scheme,
    table: pa.Table | pa.RecordBatch,
    on: datetime.date | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Decide every row of ``table`` (application documents) with compiled column kernels.

    Row for row the same verdict, award, amounts and failed and warning criteria as
    :func:`grantrules.evaluate`; :func:`decision_of` explains any row.

    Args:
        scheme: the scheme.
        table: one application document per row, with the document's field names (nested
            structs and lists), as :func:`pyarrow.json.read_json` or Parquet give it;
            amounts are strings like ``"1234.56"``.  A null is an absent key.
        on: the evaluation date; by default each row's ``submitted_on``.
        overrides: parameter values for a what-if (``{"feder_rate": "50%"}``), as
            :meth:`grantrules.scheme.Scheme.with_parameters` takes them.

    Returns:
        A table with the columns of :func:`output_schema`: ``id``, ``scheme_version``,
        ``eligible``, ``award``, ``failed``, ``warnings``, one ``amount.<id>`` per amount and
        ``error`` (the message of an invalid row, whose results are null).
        :func:`route_of` tells how the rows were decided.

    Raises:
        InvalidArgument: an argument has the wrong type.

    >>> import pyarrow as pa
    >>> from grantrules.serde import _example_scheme, _example_document
    >>> scheme, document = _example_scheme(), _example_document()
    >>> result = evaluate_table(scheme, pa.Table.from_pylist([document, {**document, "costs": []}]))
    >>> result.column("award").to_pylist()
    [Decimal('600.00'), Decimal('0.00')]
    >>> result.column("failed").to_pylist()
    [[], ['cost.positive']]

    .. versionadded:: 0.3
    """
    _check(scheme, table, on, overrides)
    if overrides:
        scheme = scheme.with_parameters(**overrides)
    schema = output_schema(scheme)
    routes: set[str] = set()
    parts = [
        pa.Table.from_batches([b], schema) for b in evaluate_batches(scheme, table, on, routes)
    ]
    result = pa.concat_tables(parts) if parts else schema.empty_table()
    route = routes.pop() if len(routes) == 1 else ("mixed" if routes else "columnar")
    return result.replace_schema_metadata({ROUTE_KEY: route.encode()})


def evaluate_batches(
    scheme: Scheme,
    table: pa.Table | pa.RecordBatch,
    on: datetime.date | None,
    routes: set[str] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The output of :func:`evaluate_table`, one record batch per input batch."""
    batches = [table] if isinstance(table, pa.RecordBatch) else table.to_batches(BATCH_ROWS)
    found = routes if routes is not None else set()
    for batch in batches:
        yield _evaluate_batch(scheme, batch, on, found)


def _evaluate_batch(
    scheme: Scheme, batch: pa.RecordBatch, on: datetime.date | None, routes: set[str]
) -> pa.RecordBatch:
    out = _Output(scheme, batch.num_rows)
    out.raw_ids(batch)
    bad = suspects(batch, scheme.application_type)
    good = np.flatnonzero(~bad)
    by_rows = [np.flatnonzero(bad)]
    for version, params, rows in _groups(scheme, batch, good, on):
        sub = batch if len(rows) == batch.num_rows else batch.take(pa.array(rows))
        try:
            plan = plan_of(version)
            result = plan.run(len(rows), ArrowSource(sub, scheme.application_type), params)
        except Unsupported as missing:
            if strict():
                raise StrictModeError(
                    f"no column kernel for the rules of version {version.valid_from}: "
                    f"{missing} (GRANTRULES_STRICT is set)"
                ) from None
            routes.add("rows")
            by_rows.append(rows)
            continue
        routes.add("columnar")
        out.put(plan, rows, result)
        by_rows.append(rows[result.by_rows])
    leftover = np.concatenate(by_rows)
    if len(leftover):
        out.put_rows(np.sort(leftover), decide_rows(scheme, batch, np.sort(leftover), on))
    return out.batch()


def _groups(
    scheme: Scheme, batch: pa.RecordBatch, rows: np.ndarray[Any, Any], on: datetime.date | None
) -> Iterator[tuple[Any, Any, np.ndarray[Any, Any]]]:
    """The rows by scheme version and parameter values in force on their evaluation day."""
    if not len(rows):
        return
    if on is not None:
        day_numbers = np.full(len(rows), days(on))
    else:
        column = batch.column(batch.schema.get_field_index("submitted_on"))
        column = column.take(pa.array(rows))
        if not pa.types.is_date32(column.type):
            column = pc.cast(column, pa.date32())
        day_numbers = column.to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
    unique, inverse = np.unique(day_numbers, return_inverse=True)
    groups: dict[tuple[int, int], tuple[Any, Any, list[int]]] = {}
    for index, number in enumerate(unique):
        day = _EPOCH + datetime.timedelta(days=int(number))
        version = scheme.version_at(day)
        params = compiled(version).params_at(max(day, version.valid_from))
        key = (id(version), id(params))
        groups.setdefault(key, (version, params, []))[2].append(index)
    for version, params, indices in groups.values():
        yield version, params, rows[np.isin(inverse, indices)]


class _Output:
    """The output columns of one batch, filled by groups of rows."""

    def __init__(self, scheme: Scheme, n: int) -> None:
        self.scheme, self.n = scheme, n
        self.amount_ids = amount_ids(scheme)
        self.eligible = np.zeros(n, bool)
        self.award = np.zeros(n, np.int64)
        self.valid = np.zeros(n, bool)
        self.version: list[str | None] = [None] * n
        self.failed: list[list[str] | None] = [None] * n
        self.warnings: list[list[str] | None] = [None] * n
        self.amounts = {a: (np.zeros(n, np.int64), np.zeros(n, bool)) for a in self.amount_ids}
        self.error: list[str | None] = [None] * n
        self.ids: Any = None

    def raw_ids(self, batch: pa.RecordBatch) -> None:
        index = batch.schema.get_field_index("id")
        column = batch.column(index) if index >= 0 else None
        if column is None or not pa.types.is_string(column.type):
            column = pa.nulls(self.n, pa.string())
        self.ids = column

    def put(self, plan: Plan, rows: np.ndarray[Any, Any], result: Any) -> None:
        keep = ~result.by_rows
        at = rows[keep]
        self.valid[at] = True
        self.eligible[at] = result.eligible[keep]
        self.award[at] = result.award[keep]
        label = plan.version.valid_from.isoformat()
        for row in at:
            self.version[row] = label
        not_met = (result.outcomes == FAILED) | (result.outcomes == MISSING)
        for target, which in ((self.failed, plan.blocking), (self.warnings, ~plan.blocking)):
            ids = np.array(plan.ids, object)[which]
            hits = not_met[:, which][keep]
            for position, row in enumerate(at):
                target[row] = list(ids[hits[position]])
        for amount_id, (cents, missing) in result.amounts.items():
            values, absent = self.amounts[amount_id]
            shown = (
                np.where(result.eligible, cents, 0) if amount_id == plan.version.award else cents
            )
            values[at] = np.broadcast_to(shown, (len(rows),))[keep]
            absent[at] = np.broadcast_to(missing, (len(rows),))[keep] & ~(
                (amount_id == plan.version.award) & ~result.eligible[keep]
            )
        for amount_id in set(self.amount_ids) - set(result.amounts):
            self.amounts[amount_id][1][at] = True

    def put_rows(self, rows: np.ndarray[Any, Any], outcomes: list[RowOutcome]) -> None:
        ids: list[str | None] = self.ids.to_pylist()
        for row, outcome in zip(rows, outcomes, strict=True):
            decision = outcome.decision
            ids[row] = outcome.raw_id
            if decision is None:
                self.error[row] = outcome.error
                self.valid[row] = False
                continue
            self.valid[row] = True
            self.eligible[row] = decision.eligible
            self.award[row] = _cents(decision.award)
            self.version[row] = decision.provenance.scheme_version
            self.failed[row] = list(decision.failed_ids)
            self.warnings[row] = [c.id for c in decision.warnings]
            known = {a.id: a.value for a in decision.amounts}
            for amount_id, (values, absent) in self.amounts.items():
                value = known.get(amount_id)
                absent[row] = value is None
                values[row] = 0 if value is None else _cents(value)
        self.ids = pa.array(ids, pa.string())

    def batch(self) -> pa.RecordBatch:
        invalid = ~self.valid
        columns = [
            self.ids,
            pa.array(self.version, pa.string()),
            pa.array(self.eligible, mask=invalid),
            money(self.award, invalid),
            pa.array(self.failed, pa.list_(pa.string())),
            pa.array(self.warnings, pa.list_(pa.string())),
            *(money(v, a | invalid) for v, a in self.amounts.values()),
            pa.array(self.error, pa.string()),
        ]
        return pa.RecordBatch.from_arrays(columns, schema=output_schema(self.scheme))


def _cents(amount: Any) -> int:
    return int(Decimal(str(amount)).scaleb(2))


def money(cents: np.ndarray[Any, Any], null: np.ndarray[Any, Any]) -> pa.Array:
    """int64 cents as ``decimal128(18, 2)``, built from its 128-bit words (no Decimal)."""
    words = np.empty((len(cents), 2), np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63
    validity = pa.array(~null).buffers()[1] if null.any() else None
    return pa.Array.from_buffers(
        MONEY, len(cents), [validity, pa.py_buffer(words)], null_count=int(null.sum())
    )
