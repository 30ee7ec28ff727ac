"""Instructor inputs as call events: the authority's choices and findings on an application.

An application whose decision waits for an instructor input (a rate chosen up to a cap, a
derogation, a committee score: see :class:`grantrules.model.Instruction`) is evaluated to
``awaiting_instruction``.  :meth:`Call.instruct <grantrules.call.Call.instruct>` journals the
input as an ``instructed`` event, which merges it into the ``instruction`` section of the
document the call holds, and evaluates the application again in the same transaction, so that
the decision, and the ledger after it, follow the authority's input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from grantrules.errors import ApplicationInvalid, InvalidArgument, Problem

if TYPE_CHECKING:  # the projection imports this module, and the batch imports the projection
    from grantrules.call._command import Batch

__all__ = ["INSTRUCTED", "Outcome", "instruct", "merged_document"]

#: The event that carries instructor inputs; its payload is ``{"instruction": {...}}``.
INSTRUCTED = "instructed"
_SECTION = "instruction"


@attrs.frozen
class Outcome:
    """An ``evaluated`` event, made before it is emitted (in a worker process, perhaps).

    Args:
        payload: the event's payload.
        decision: the decision's JSON text in UTF-8, as the journal stores it.
        text: ``payload`` as the journal stores it (compact JSON), when made with it.
    """

    payload: dict[str, Any]
    decision: bytes | None = None
    text: str | None = None


def merged_document(document: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with ``values`` merged into its ``instruction`` section (later wins).

    >>> merged_document({"id": "A1", "instruction": {"score": "12"}}, {"granted_rate": "40%"})
    {'id': 'A1', 'instruction': {'score': '12', 'granted_rate': '40%'}}
    """
    section = document.get(_SECTION) or {}
    return {**document, _SECTION: {**section, **values}}


def _check_values(values: object) -> dict[str, Any]:
    if not isinstance(values, Mapping) or not values:
        raise InvalidArgument(
            "instructor inputs are a non-empty mapping of input name to JSON value, "
            f'e.g. {{"granted_rate": "40%"}}, got {values!r}'
        )
    for name in values:
        if not isinstance(name, str) or not name.isidentifier():
            raise InvalidArgument(f"an instructor input is named by an identifier, got {name!r}")
    return dict(values)


def instruct(
    batch: Batch,
    app_id: str,
    values: object,
    outcome: Callable[[Mapping[str, Any]], Outcome],
) -> None:
    """Emit the ``instructed`` event of ``app_id`` and its new ``evaluated`` event.

    Raises:
        InvalidArgument: ``values`` is not a mapping of identifiers.
        ApplicationInvalid: the document with these inputs is invalid (their ``$.path``
            problems; nothing is written).
        TransitionRefused: the application's status does not take instructor inputs.
    """
    inputs = _check_values(values)
    batch.emit(INSTRUCTED, app_id, {_SECTION: inputs})
    record = batch.projection.app(app_id)
    evaluated = outcome(record.document)
    payload = evaluated.payload
    if payload["outcome"] == "invalid":
        raise ApplicationInvalid(
            [Problem(**p) for p in payload.get("problems", ())]
            or [Problem("$.instruction", "invalid instructor input")]
        )
    batch.emit(
        "evaluated", app_id, payload, decision=evaluated.decision, payload_text=evaluated.text
    )
