"""Reading applications from JSONL or Parquet files, in partitions and streamed batches.

A partition is a unit of work that fits in memory: one Parquet row group, or one chunk of a
JSONL file (a byte range cut at line ends).  Each is read in record batches of about
:data:`~grantrules.batch._table.BATCH_ROWS` rows, so memory does not grow with the file.

A JSONL chunk is parsed by :func:`pyarrow.json.read_json` with the scheme's document schema
(:func:`~grantrules.batch.arrow_schema` with ``typed=False``).  Arrow refuses a whole block
when one line has a value of the wrong JSON type (a number where the model wants an amount
string); such a chunk's lines are then read one by one and decided by ``evaluate()``, each
invalid line getting its own error, as ``grantrules evaluate`` reports it.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.json as pj
import pyarrow.parquet as pq

from grantrules.batch._schema import arrow_schema
from grantrules.batch._table import BATCH_ROWS
from grantrules.errors import InvalidArgument
from grantrules.scheme import Scheme

__all__ = ["Lines", "Partition", "partitions", "read_partition"]

#: Bytes of JSONL per partition: about 16,000 AMI applications.
CHUNK_BYTES = 32 * 1024 * 1024


@attrs.frozen
class Partition:
    """A Parquet row group (``group``) or a JSONL byte range (``start``, ``end``)."""

    path: str
    index: int
    group: int | None = None
    start: int = 0
    end: int = 0


@attrs.frozen
class Lines:
    """JSONL lines Arrow could not read as a table: JSON documents (or the error of a line
    that is not JSON), decided one by one."""

    documents: list[Any]


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InvalidArgument(
        f"{path}: expected a JSON Lines file (.jsonl) or a Parquet file (.parquet)"
    )


def partitions(path: str | os.PathLike[str], chunk_bytes: int = CHUNK_BYTES) -> list[Partition]:
    """The partitions of the file at ``path``."""
    where = Path(path)
    if _kind(where) == "parquet":
        groups = pq.ParquetFile(where).num_row_groups
        return [Partition(str(where), i, group=i) for i in range(groups)]
    size = where.stat().st_size
    found: list[Partition] = []
    with where.open("rb") as handle:
        start = 0
        while start < size:
            handle.seek(min(start + chunk_bytes, size))
            handle.readline()  # to the end of the line the cut falls in
            end = min(handle.tell(), size) if start + chunk_bytes < size else size
            found.append(Partition(str(where), len(found), start=start, end=end))
            start = end
    return found


def read_partition(scheme: Scheme, part: Partition) -> Iterator[pa.RecordBatch | Lines]:
    """The record batches of one partition (or lines to decide one by one)."""
    if part.group is not None:
        parquet = pq.ParquetFile(part.path)
        # One thread: Arrow's pool costs more CPU than it saves on one row group (measured:
        # twice the CPU time to read the same batches), and workers are parallel already.
        yield from parquet.iter_batches(
            batch_size=BATCH_ROWS, row_groups=[part.group], use_threads=False
        )
        return
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        text = handle.read(part.end - part.start)
    yield from _jsonl(scheme, text)


def _jsonl(scheme: Scheme, text: bytes) -> Iterator[pa.RecordBatch | Lines]:
    options = pj.ParseOptions(
        explicit_schema=arrow_schema(scheme, typed=False), unexpected_field_behavior="infer"
    )
    read = pj.ReadOptions(use_threads=False, block_size=max(1 << 20, min(len(text) + 1, 64 << 20)))
    try:
        table = pj.read_json(io.BytesIO(text), read_options=read, parse_options=options)
    except pa.ArrowInvalid:
        yield Lines([_document(line) for line in text.splitlines() if line.strip()])
        return
    yield from table.to_batches(max_chunksize=BATCH_ROWS)


def _document(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError as error:
        return _NotJson(f"$: not valid JSON ({error})")


class _NotJson(dict):  # type: ignore[type-arg]
    """A line that is not JSON: an empty document carrying the parse error."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
