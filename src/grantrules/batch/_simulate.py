"""Budget simulation: a scheme (and a what-if) over a population of applications.

The figures of one run are a :class:`Figures` per scenario: applications, invalid ones,
eligible ones, the total award, refusals by criterion, figures by group, and the award of
every eligible application with its submission day, from which the envelope coverage is
computed.  Figures of partitions :meth:`~Figures.merge` exactly (integer cents), so a run
can be split over processes or a Dask cluster and give the same totals.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules.batch._inputs import decimal_words, filled
from grantrules.batch._kernels import segment_sum
from grantrules.batch._output import Output
from grantrules.batch._read import Lines, Partition, read_partition
from grantrules.batch._rows import decide_documents
from grantrules.batch._table import Shared, evaluated
from grantrules.errors import InvalidArgument
from grantrules.money import Euro
from grantrules.scheme import Scheme

__all__ = ["Figures", "Grouping", "Report", "Scenario", "outcomes", "run_partition", "simulate"]

_EPOCH = datetime.date(1970, 1, 1)


@attrs.frozen
class Grouping:
    """``--by FIELD[:HOW]``: a dotted input path, optionally cut: ``:N`` keeps the first N
    characters, ``:department`` maps an INSEE commune code to its department (2 characters,
    3 overseas)."""

    path: str
    how: str | None = None

    @classmethod
    def parse(cls, text: str) -> Grouping:
        path, _, how = text.partition(":")
        parts = path.split(".")
        if not path or not all(p.isidentifier() for p in parts):
            raise InvalidArgument(
                f"--by expects a dotted field like applicant.legal_category, got {text!r}"
            )
        if how and how != "department" and not how.isdigit():
            raise InvalidArgument(f"--by {text}: after ':' write a length or 'department'")
        return cls(path, how or None)

    @property
    def label(self) -> str:
        return self.path + (f":{self.how}" if self.how else "")

    def keys(self, values: list[Any]) -> list[str]:
        return [self._key(v) for v in values]

    def codes(self, values: pa.Array) -> tuple[np.ndarray[Any, Any], list[str]]:
        """Per row, the index of its key in the returned list of distinct keys: the key
        function runs once per distinct value, not once per row."""
        try:
            encoded = (
                values
                if pa.types.is_dictionary(values.type)
                else pc.dictionary_encode(values, null_encoding="encode")
            )
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # a column without a hash
            text = [None if v is None else str(v) for v in values.to_pylist()]
            encoded = pc.dictionary_encode(pa.array(text, pa.string()), null_encoding="encode")
        labels = self.keys(encoded.dictionary.to_pylist())
        distinct: dict[str, int] = {}
        remap = np.array([distinct.setdefault(k, len(distinct)) for k in labels], np.int64)
        indices = encoded.indices
        if indices.null_count:  # a null row: the key of None
            none = distinct.setdefault(self._key(None), len(distinct))
            remap = np.append(remap, none)
            indices = filled(indices, len(labels))
        index = np.asarray(indices.to_numpy(zero_copy_only=False), np.int64)
        return remap[index] if len(remap) else np.zeros(len(values), np.int64), list(distinct)

    def _key(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if self.how == "department":
            return text[:3] if text.startswith("97") else text[:2]
        if self.how:
            return text[: int(self.how)]
        return text


@attrs.define
class Figures:
    """What one scenario decided over the applications seen so far (mergeable)."""

    applications: int = 0
    invalid: int = 0
    eligible: int = 0
    award_cents: int = 0
    refused: Counter[str] = attrs.field(factory=Counter)
    warnings: Counter[str] = attrs.field(factory=Counter)
    groups: dict[tuple[str, ...], list[int]] = attrs.field(factory=dict)  # apps, eligible, cents
    # Eligible applications' (submission day, position in the input, award in cents).
    funded: list[np.ndarray[Any, Any]] = attrs.field(factory=list)

    def merge(self, other: Figures) -> Figures:
        self.applications += other.applications
        self.invalid += other.invalid
        self.eligible += other.eligible
        self.award_cents += other.award_cents
        self.refused.update(other.refused)
        self.warnings.update(other.warnings)
        for key, (apps, eligible, cents) in other.groups.items():
            mine = self.groups.setdefault(key, [0, 0, 0])
            mine[0] += apps
            mine[1] += eligible
            mine[2] += cents
        self.funded.extend(other.funded)
        return self

    @property
    def award(self) -> Euro:
        """The total award, summed exactly in cents."""
        return Euro(Decimal(self.award_cents).scaleb(-2))

    def envelope(self, envelope: Euro) -> dict[str, Any]:
        """Eligible applications funded in submission order until the first one that no
        longer fits (the rest wait), and what remains of the envelope."""
        rows = np.concatenate(self.funded) if self.funded else np.zeros((0, 3), np.int64)
        rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
        limit = int(envelope.amount.scaleb(2))
        awards = rows[:, 2]
        funded = spent = 0
        if len(awards) and awards.min() >= 0 and int(awards.max()) * len(awards) < 2**63:
            # Awards are not negative: the running total only grows, and in int64 it is
            # exact (bounded above); the first one past the envelope is a binary search.
            running = np.cumsum(awards)
            funded = int(np.searchsorted(running, limit, side="right"))
            spent = int(running[funded - 1]) if funded else 0
        else:
            for cents in awards.tolist():  # Python ints: exact whatever the sums
                if spent + cents > limit:
                    break
                spent += cents
                funded += 1
        return {
            "envelope": envelope,
            "funded": funded,
            "waiting": len(rows) - funded,
            "committed": Euro(Decimal(spent).scaleb(-2)),
            "remaining": Euro(Decimal(limit - spent).scaleb(-2)),
        }


@attrs.frozen
class Scenario:
    """A scheme as simulated: the baseline (with ``--set``) or a what-if (``--compare``)."""

    name: str
    scheme: Scheme


@attrs.frozen
class Report:
    scenarios: tuple[Scenario, ...]
    figures: tuple[Figures, ...]
    groupings: tuple[Grouping, ...]
    envelope: Euro | None


def _path_values(batch: pa.RecordBatch, path: str) -> pa.Array:
    head, *rest = path.split(".")
    index = batch.schema.get_field_index(head)
    if index < 0:
        return pa.nulls(batch.num_rows)
    array = batch.column(index)
    for name in rest:
        if not pa.types.is_struct(array.type) or array.type.get_field_index(name) < 0:
            return pa.nulls(batch.num_rows)
        array = pc.struct_field(array, [name])
    return array


def _days(values: pa.Array) -> np.ndarray[Any, Any]:
    if not pa.types.is_date32(values.type):
        try:
            values = pc.cast(values, pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return np.zeros(len(values), np.int64)  # the invalid rows are not funded anyway
    found: np.ndarray[Any, Any] = (
        filled(values, 0).to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
    )
    return found


class _Input:
    """What the figures need from the input rows: group keys and submission days."""

    def __init__(self, part: pa.RecordBatch | Lines, groupings: Sequence[Grouping]) -> None:
        if isinstance(part, Lines):
            docs = part.documents
            self.keys = [
                g.codes(pa.array([_text(_dig(d, g.path)) for d in docs], pa.string()))
                for g in groupings
            ]
            self.days = np.array([_day(d.get("submitted_on")) for d in docs], np.int64)
        else:
            self.keys = [g.codes(_path_values(part, g.path)) for g in groupings]
            self.days = _days(_path_values(part, "submitted_on"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _dig(document: Any, path: str) -> Any:
    for name in path.split("."):
        document = document.get(name) if isinstance(document, Mapping) else None
    return document


def _day(value: Any) -> int:
    try:
        return (datetime.date.fromisoformat(value) - _EPOCH).days
    except (TypeError, ValueError):
        return 0


def outcomes(
    scheme: Scheme,
    part: pa.RecordBatch | Lines,
    on: datetime.date | None,
    shared: Shared | None = None,
) -> pa.Table:
    """The results of ``part`` (``shared``: what another scenario read of the same batch)."""
    if isinstance(part, Lines):
        ids = pa.array([None] * len(part.documents), pa.string())
        out = Output(scheme, pa.record_batch([ids], names=["id"]))
        out.put_rows(np.arange(len(part.documents)), decide_documents(scheme, part.documents, on))
        return pa.Table.from_batches([out.batch()])
    return evaluated(scheme, part, on, shared)


def _tally(figures: Figures, result: pa.Table, rows: _Input, first: int) -> None:
    n = result.num_rows
    error = result.column("error").is_valid().to_numpy(zero_copy_only=False)
    eligible = filled(result.column("eligible"), False).to_numpy(zero_copy_only=False)
    award = result.column("award").combine_chunks()
    cents = np.where(eligible, decimal_words(award)[:, 0] if n else np.zeros(0, np.int64), 0)
    figures.applications += n
    figures.invalid += int(error.sum())
    figures.eligible += int(eligible.sum())
    figures.award_cents += int(cents.sum(dtype=np.int64)) if n else 0
    for column, counter in (("failed", figures.refused), ("warnings", figures.warnings)):
        flat = pc.list_flatten(result.column(column))
        for value in pc.value_counts(flat).to_pylist():
            counter[value["values"]] += value["counts"]
    if rows.keys:
        _tally_groups(figures, rows.keys, eligible, cents)
    chosen = np.flatnonzero(eligible)
    figures.funded.append(
        np.stack([rows.days[chosen], chosen + first, cents[chosen]], axis=1).astype(np.int64)
    )


def _tally_groups(
    figures: Figures,
    keys: list[tuple[np.ndarray[Any, Any], list[str]]],
    eligible: Any,
    cents: Any,
) -> None:
    # One code per combination of the groupings' keys (mixed radix), then the combinations
    # present, counted and summed with NumPy.
    combined = np.zeros(len(eligible), np.int64)
    for codes, labels in keys:
        combined = combined * len(labels) + codes
    present, index = np.unique(combined, return_inverse=True)
    index = index.reshape(-1)
    counts = np.bincount(index, minlength=len(present))
    chosen = np.bincount(index[eligible], minlength=len(present))
    bounds = np.zeros(len(present) + 1, np.int64)
    np.cumsum(counts, out=bounds[1:])
    # Exact: each group's cents are summed as integers (not through bincount's float weights).
    sums = segment_sum(np.asarray(cents, np.int64)[np.argsort(index, kind="stable")], bounds)
    for code, value in enumerate(present.tolist()):
        parts: list[str] = []
        for _, labels in reversed(keys):
            value, digit = divmod(value, len(labels))
            parts.append(labels[digit])
        mine = figures.groups.setdefault(tuple(reversed(parts)), [0, 0, 0])
        mine[0] += int(counts[code])
        mine[1] += int(chosen[code])
        mine[2] += int(sums[code])


def run_partition(
    scenarios: Sequence[Scenario],
    part: Partition,
    on: datetime.date | None,
    groupings: Sequence[Grouping],
    progress: Callable[[int], None] | None = None,
) -> list[Figures]:
    """The figures of every scenario over one partition."""
    figures = [Figures() for _ in scenarios]
    first = part.index << 32  # positions stay in input order across partitions
    shared = Shared()
    for batch in read_partition(scenarios[0].scheme, part):
        rows = _Input(batch, groupings)
        for scenario, mine in zip(scenarios, figures, strict=True):
            _tally(mine, outcomes(scenario.scheme, batch, on, shared), rows, first)
        count = len(batch.documents) if isinstance(batch, Lines) else batch.num_rows
        first += count
        if progress is not None:
            progress(count)
    return figures


def simulate(
    scenarios: Sequence[Scenario],
    parts: Iterable[Partition],
    on: datetime.date | None = None,
    groupings: Sequence[Grouping] = (),
    envelope: Euro | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Simulate every scenario over the partitions, in this process."""
    totals = [Figures() for _ in scenarios]
    for part in parts:
        for total, found in zip(
            totals, run_partition(scenarios, part, on, groupings, progress), strict=True
        ):
            total.merge(found)
    return Report(tuple(scenarios), tuple(totals), tuple(groupings), envelope)
