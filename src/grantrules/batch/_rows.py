"""The row route: table rows back to documents, decided one by one by ``evaluate()``.

Used for the rows the kernels leave to the scalar engine (invalid documents, exception
conflicts, possible int64 overflow), for a whole version whose rules have a node without a
kernel, and by :func:`decision_of` to explain any row.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pyarrow as pa

from grantrules.decision import Decision
from grantrules.errors import ApplicationInvalid, EvaluationError, InvalidArgument, InvalidMoney
from grantrules.evaluate import evaluate
from grantrules.scheme import Scheme

__all__ = ["RowOutcome", "decide_documents", "decide_rows", "decision_of", "document"]


def document(value: Any) -> Any:
    """A row as its JSON document: nulls are absent keys, typed dates ISO strings."""
    if isinstance(value, Mapping):
        return {k: document(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [document(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            return value.isoformat()  # refused by the reader, as it should be
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


@attrs.frozen
class RowOutcome:
    """One row decided by ``evaluate()``: the decision, or the error message."""

    decision: Decision | None
    error: str | None
    raw_id: str | None


def _raw_id(doc: Any) -> str | None:
    found = doc.get("id") if isinstance(doc, Mapping) else None
    return found if isinstance(found, str) else None


def decide_rows(
    scheme: Scheme, batch: pa.RecordBatch, rows: Any, on: datetime.date | None
) -> list[RowOutcome]:
    """Decide ``rows`` (indices into ``batch``) with :func:`grantrules.evaluate`."""
    documents = [document(d) for d in batch.take(pa.array(rows, pa.int64())).to_pylist()]
    return decide_documents(scheme, documents, on)


def decide_documents(
    scheme: Scheme, documents: list[Any], on: datetime.date | None
) -> list[RowOutcome]:
    """Decide JSON documents with :func:`grantrules.evaluate`, errors as messages."""
    outcomes = []
    for doc in documents:
        unread = getattr(doc, "error", None)  # a JSONL line that is not JSON
        if isinstance(unread, str):
            outcomes.append(RowOutcome(None, unread, None))
            continue
        try:
            decision = evaluate(scheme, doc, on)
        # InvalidMoney: a value the rules compute that Rate or Euro refuses (a what-if
        # raising a rate past 100 %): that row's error, the other rows still decided.
        except (ApplicationInvalid, EvaluationError, InvalidArgument, InvalidMoney) as error:
            outcomes.append(RowOutcome(None, str(error), _raw_id(doc)))
        else:
            outcomes.append(RowOutcome(decision, None, _raw_id(doc)))
    return outcomes


def decision_of(
    scheme: Scheme,
    row: Mapping[str, Any] | pa.Table | pa.RecordBatch,
    on: datetime.date | None = None,
    *,
    lang: str = "fr",
) -> Decision:
    """The explained :class:`~grantrules.decision.Decision` of one row of an input table.

    :func:`~grantrules.batch.evaluate_table` gives verdicts and amounts, not explanations:
    pass the row it came from (a one-row table, or ``table.slice(i, 1).to_pylist()[0]``)
    to get every criterion's message, basis and inputs, as :func:`grantrules.evaluate`
    gives them.

    Raises:
        ApplicationInvalid: the row is not a valid application.
        InvalidArgument: ``row`` is neither a mapping nor a one-row table.

    >>> import pyarrow as pa
    >>> from grantrules.testing.examples import example_scheme, example_document
    >>> table = pa.Table.from_pylist([example_document()])
    >>> decision_of(example_scheme(), table).award
    Euro('600.00')

    .. versionadded:: 0.3
    """
    if isinstance(row, pa.Table | pa.RecordBatch):
        if row.num_rows != 1:
            raise InvalidArgument(f"decision_of() takes one row, got a table of {row.num_rows}")
        row = row.to_pylist()[0]
    if not isinstance(row, Mapping):
        raise InvalidArgument(f"decision_of() takes a row (a mapping), got {type(row).__name__}")
    return evaluate(scheme, document(row), on, lang=lang)
