"""``evaluate_table``: a whole table of applications through the compiled kernels."""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules._engine.compiled import compiled
from grantrules._engine.strict import StrictModeError, strict
from grantrules.batch._inputs import ArrowSource, filled
from grantrules.batch._output import MONEY, Output, amount_ids
from grantrules.batch._plan import plan_of
from grantrules.batch._rows import decide_rows
from grantrules.batch._validate import suspects
from grantrules.batch._values import Unsupported
from grantrules.errors import InvalidArgument
from grantrules.scheme import Scheme

__all__ = [
    "BATCH_ROWS",
    "REFUSED_KEY",
    "ROUTE_KEY",
    "Shared",
    "evaluate_batches",
    "evaluate_table",
    "evaluated",
    "output_schema",
    "refused_by",
    "route_of",
]

#: Rows evaluated together: large enough for NumPy to pay off, small enough to stay in cache.
BATCH_ROWS = 65_536
#: The schema metadata key saying how the rows were decided (see :func:`route_of`).
ROUTE_KEY = b"grantrules.route"
#: The schema metadata key giving, for route ``rows`` or ``mixed``, what the columnar
#: compiler refused (see :func:`refused_by`).
REFUSED_KEY = b"grantrules.refused"
_EPOCH = datetime.date(1970, 1, 1)
# Per scheme, the version and parameter values in force on each day number seen.
_IN_FORCE: weakref.WeakKeyDictionary[Scheme, dict[int, tuple[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


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
    >>> from grantrules.testing.examples import example_scheme, example_document
    >>> route_of(evaluate_table(example_scheme(), pa.Table.from_pylist([example_document()])))
    'columnar'

    .. versionadded:: 0.3
    """
    metadata = table.schema.metadata or {}
    return str(metadata.get(ROUTE_KEY, b"columnar").decode())


def refused_by(table: pa.Table) -> str | None:
    """What the columnar compiler refused when :func:`evaluate_table` decided rows of its
    result one by one (route ``rows`` or ``mixed``): per scheme version, the node or the
    combination of kinds without a kernel; None when every version ran in the columns.
    With ``GRANTRULES_STRICT=1`` that refusal is an error instead.

    >>> import pyarrow as pa
    >>> from grantrules.testing.examples import example_scheme, example_document
    >>> table = pa.Table.from_pylist([example_document()])
    >>> print(refused_by(evaluate_table(example_scheme(), table)))
    None

    .. versionadded:: 0.3
    """
    metadata = table.schema.metadata or {}
    found = metadata.get(REFUSED_KEY)
    return None if found is None else str(found.decode())


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
    >>> from grantrules.testing.examples import example_scheme, example_document
    >>> scheme, document = example_scheme(), example_document()
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
    return evaluated(scheme, table, on)


def evaluated(
    scheme: Scheme,
    table: pa.Table | pa.RecordBatch,
    on: datetime.date | None,
    shared: Shared | None = None,
) -> pa.Table:
    """:func:`evaluate_table` once its arguments are checked."""
    schema = output_schema(scheme)
    routes: set[str] = set()
    parts = [
        pa.Table.from_batches([b], schema)
        for b in evaluate_batches(scheme, table, on, routes, shared)
    ]
    result = pa.concat_tables(parts) if parts else schema.empty_table()
    refusals = sorted(r for r in routes if r.startswith("version "))
    kinds = {r for r in routes if not r.startswith("version ")}
    route = kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "columnar")
    metadata = {ROUTE_KEY: route.encode()}
    if refusals:
        metadata[REFUSED_KEY] = "; ".join(refusals).encode()
    return result.replace_schema_metadata(metadata)


def evaluate_batches(
    scheme: Scheme,
    table: pa.Table | pa.RecordBatch,
    on: datetime.date | None,
    routes: set[str] | None = None,
    shared: Shared | None = None,
) -> Iterator[pa.RecordBatch]:
    """The output of :func:`evaluate_table`, one record batch per input batch; ``shared``
    (for a single record batch) keeps what another scheme's run over the same batch read.
    ``routes`` receives ``columnar`` and ``rows``, and for each version refused, why."""
    found = routes if routes is not None else set()
    for batch in rebatched(table):
        yield _evaluate_batch(scheme, batch, on, found, shared)


class Shared:
    """What evaluating one record batch reads that does not depend on the rules: the rows
    the validation flags and the input columns, kept for the next scenario of a
    simulation (a what-if reads the same batch)."""

    def __init__(self) -> None:
        self.batch: pa.RecordBatch | None = None
        self.suspects: dict[type, np.ndarray[Any, Any]] = {}
        self.sources: dict[type, ArrowSource] = {}

    def of(self, batch: pa.RecordBatch) -> Shared:
        if self.batch is not batch:
            self.batch, self.suspects, self.sources = batch, {}, {}
        return self

    def bad(self, batch: pa.RecordBatch, model: type) -> np.ndarray[Any, Any]:
        found = self.of(batch).suspects.get(model)
        if found is None:
            found = self.suspects[model] = suspects(batch, model)
        return found

    def source(self, batch: pa.RecordBatch, model: type) -> ArrowSource:
        found = self.of(batch).sources.get(model)
        if found is None:
            found = self.sources[model] = ArrowSource(batch, model)
        return found


def rebatched(table: pa.Table | pa.RecordBatch, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """``table`` in record batches of about ``rows`` rows: readers give small chunks (a JSON
    block is about a thousand rows), and kernels pay per call, not per row."""
    if isinstance(table, pa.RecordBatch):
        if table.num_rows <= rows:
            yield table  # itself: a Shared cache knows it by identity
            return
        table = pa.Table.from_batches([table])
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in table.to_batches(max_chunksize=rows):
        pending.append(batch)
        size += batch.num_rows
        if size >= rows:
            yield from _joined(pending, table.schema)
            pending, size = [], 0
    if size:
        yield from _joined(pending, table.schema)


def _joined(batches: list[pa.RecordBatch], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    if len(batches) == 1:
        yield batches[0]
        return
    yield from pa.Table.from_batches(batches, schema).combine_chunks().to_batches()


def _evaluate_batch(
    scheme: Scheme,
    batch: pa.RecordBatch,
    on: datetime.date | None,
    routes: set[str],
    shared: Shared | None = None,
) -> pa.RecordBatch:
    out = Output(scheme, batch)
    model = scheme.application_type
    bad = shared.bad(batch, model) if shared is not None else suspects(batch, model)
    good = np.flatnonzero(~bad)
    by_rows = [np.flatnonzero(bad)]
    for version, params, rows in _groups(scheme, batch, good, on):
        whole = len(rows) == batch.num_rows
        if whole and shared is not None:
            source = shared.source(batch, model)
        else:
            source = ArrowSource(batch if whole else batch.take(pa.array(rows)), model)
        try:
            plan = plan_of(version)
            result = plan.run(len(rows), source, params)
        except Unsupported as missing:
            if strict():
                raise StrictModeError(
                    f"no column kernel for the rules of version {version.valid_from}: "
                    f"{missing} (GRANTRULES_STRICT is set)"
                ) from None
            routes.add("rows")
            routes.add(f"version {version.valid_from}: {missing}")
            by_rows.append(rows)
            continue
        routes.add("columnar")
        out.put(plan, rows, result)
        by_rows.append(rows[result.by_rows])
    leftover = np.concatenate(by_rows)
    if len(leftover):
        leftover = np.sort(leftover)
        out.put_rows(leftover, decide_rows(scheme, batch, leftover, on))
    return out.batch()


def _in_force(scheme: Scheme, number: int) -> tuple[Any, Any]:
    """The version and the parameter values in force on day ``number`` (remembered)."""
    in_force = _IN_FORCE.get(scheme)
    if in_force is None:
        in_force = _IN_FORCE[scheme] = {}
    found = in_force.get(number)
    if found is None:
        day = _EPOCH + datetime.timedelta(days=number)
        version = scheme.version_at(day)
        found = (version, compiled(version).params_at(max(day, version.valid_from)))
        if len(in_force) < 100_000:
            in_force[number] = found
    return found


def _groups(
    scheme: Scheme, batch: pa.RecordBatch, rows: np.ndarray[Any, Any], on: datetime.date | None
) -> Iterator[tuple[Any, Any, np.ndarray[Any, Any]]]:
    """The rows by scheme version and parameter values in force on their evaluation day."""
    if not len(rows):
        return
    if on is not None:
        version = scheme.version_at(on)
        yield version, compiled(version).params_at(max(on, version.valid_from)), rows
        return
    column = batch.column(batch.schema.get_field_index("submitted_on"))
    if len(rows) < len(column):
        column = column.take(pa.array(rows))
    if not pa.types.is_date32(column.type):
        column = pc.cast(column, pa.date32())  # valid rows only: their dates are real
    day_numbers = filled(column, 0).view(pa.int32()).to_numpy(zero_copy_only=False)
    first, last = int(day_numbers.min()), int(day_numbers.max())
    earliest, latest = _in_force(scheme, first), _in_force(scheme, last)
    if earliest[0] is latest[0] and earliest[1] is latest[1]:
        # Versions and parameter periods are intervals of days: the same ones at both ends
        # are in force on every day between (the usual case, a batch within one period).
        yield earliest[0], earliest[1], rows
        return
    # The distinct days by counting (a call lasts months: a short range), not by sorting.
    span = last - first + 1
    inverse: np.ndarray[Any, Any] | None = None
    if span > 4 * len(day_numbers) + 1024:
        unique, inverse = np.unique(day_numbers, return_inverse=True)
    else:
        unique = np.flatnonzero(np.bincount(day_numbers - first, minlength=span)) + first
    groups: dict[tuple[int, int], tuple[Any, Any, list[int]]] = {}
    for index, number in enumerate(unique.tolist()):
        version, params = _in_force(scheme, number)
        key = (id(version), id(params))
        groups.setdefault(key, (version, params, []))[2].append(index)
    if len(groups) == 1:
        version, params, _ = next(iter(groups.values()))
        yield version, params, rows
        return
    label = np.zeros(len(unique), np.int64)
    for number, (_, _, indices) in enumerate(groups.values()):
        label[indices] = number
    if inverse is None:  # each row's day, by its place in the span
        by_day = np.zeros(span, np.int64)
        by_day[unique - first] = label
        row_label = by_day[day_numbers - first]
    else:
        row_label = label[inverse.reshape(-1)]
    for number, (version, params, _) in enumerate(groups.values()):
        yield version, params, rows[row_label == number]
