"""The state of a call as a projection of its journal, and :func:`replay`.

Every figure here is derived from events only, so rebuilding from an empty projection
(:func:`replay`) must give exactly the live state; the tests check it after every command.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from grantrules.call._contract import Submission, project_fingerprint, read_submission
from grantrules.call._instruction import INSTRUCTED, merged_document
from grantrules.call.journal import Event
from grantrules.call.ledger import Ledger
from grantrules.call.process import Process
from grantrules.errors import JournalError
from grantrules.model import id_key
from grantrules.money import Euro

__all__ = ["ApplicationStatus", "CallState", "Projection", "replay"]

# The amount each event moves, by ledger entry kind; events not listed move no money.
_COMMITS, _PAYS = {"committed", "promoted"}, {"paid"}


@attrs.frozen
class ApplicationStatus:
    """One application as the call sees it.

    Args:
        id: the application's ``id``.
        applicant: the applicant's name (``applicant.name``).
        siren: the applicant's SIREN (``applicant.siren``).
        submitted_on: the document's ``submitted_on`` date.
        submission: the journal ``seq`` of its ``submitted`` event (breaks date ties).
        status: its status in the call's :class:`~grantrules.call.Process`.
        outcome: ``eligible``, ``ineligible`` or ``invalid`` once evaluated.
        award: the aid amount (as evaluated, committed or revised).
        score: its ranking score, if any.
        committed: what is currently reserved on the envelope for it.
        paid: what was paid to it.

    >>> import datetime
    >>> app = ApplicationStatus("A1", "Lille", "215903501", datetime.date(2025, 3, 14), 2,
    ...                         "committed", "eligible", award=Euro("60000.00"),
    ...                         committed=Euro("60000.00"))
    >>> app.to_json()["committed"]
    '60000.00'

    .. versionadded:: 0.1
    """

    id: str
    applicant: str
    siren: str
    submitted_on: datetime.date
    submission: int
    status: str
    outcome: str | None = None
    award: Euro = Euro.ZERO
    score: Decimal | None = None
    committed: Euro = Euro.ZERO
    paid: Euro = Euro.ZERO

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data, amounts as strings."""
        return {
            "id": self.id,
            "applicant": self.applicant,
            "siren": self.siren,
            "submitted_on": self.submitted_on.isoformat(),
            "status": self.status,
            "outcome": self.outcome,
            "award": str(self.award),
            "score": None if self.score is None else str(self.score),
            "committed": str(self.committed),
            "paid": str(self.paid),
        }


@attrs.frozen
class CallState:
    """Statuses, awards and the ledger at one point of the journal (comparable with ``==``).

    :meth:`Call.status <grantrules.call.Call.status>` returns the current one and
    :meth:`Call.replay <grantrules.call.Call.replay>` the one rebuilt from the events alone.

    Args:
        ledger: the envelope's figures.
        applications: every application, in order of submission.
        last_seq: the ``seq`` of the last event applied.

    >>> import datetime
    >>> apps = tuple(ApplicationStatus(f"A{i}", "x", "1", datetime.date(2025, 1, 1), i, status)
    ...              for i, status in [(2, "eligible"), (3, "rejected"), (4, "eligible")])
    >>> state = CallState(Ledger.of(Euro("100.00"), commitments=Euro.ZERO,
    ...                             released=Euro.ZERO, paid=Euro.ZERO), apps, 4)
    >>> state.by_status()
    {'eligible': 2, 'rejected': 1}
    >>> state.to_json()["remaining"]
    '100.00'

    .. versionadded:: 0.1
    """

    ledger: Ledger
    applications: tuple[ApplicationStatus, ...]
    last_seq: int

    def by_status(self) -> dict[str, int]:
        """How many applications are in each status."""
        counts: dict[str, int] = {}
        for app in self.applications:
            counts[app.status] = counts.get(app.status, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            **self.ledger.to_json(),
            "statuses": self.by_status(),
            "applications": [a.to_json() for a in self.applications],
        }


@attrs.define
class _App:
    status: ApplicationStatus
    document: Mapping[str, Any]
    commitments: Euro = Euro.ZERO
    released: Euro = Euro.ZERO


def _euro(payload: Mapping[str, Any], key: str, seq: int, kind: str) -> Euro:
    try:
        return Euro(payload[key])
    except (KeyError, ValueError, TypeError) as error:
        raise JournalError(f"event {seq} ({kind}): bad amount {key!r}: {error}") from None


class Projection:
    """Applies events one by one, checking each transition against the process."""

    def __init__(self, process: Process, envelope: Euro) -> None:
        self.process = process
        self.envelope = envelope
        self.apps: dict[str, _App] = {}
        #: The first id submitted under each case-insensitive key (``id_key``).
        self.by_key: dict[str, str] = {}
        #: The first application of each project: (SIREN, fingerprint) -> id.
        self.projects: dict[tuple[str, str], str] = {}
        self.commitments = self.released = self.paid = Euro.ZERO
        self.last_seq = 0

    def app(self, app_id: str) -> _App:
        """The live record of ``app_id`` (``KeyError`` if unknown)."""
        return self.apps[app_id]

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply ``events`` in order."""
        for event in events:
            self.apply(event)

    def apply(self, event: Event, submission: Submission | None = None) -> None:
        """Apply one event (``submission``: the contract fields of a ``submitted`` event's
        document, if the caller has read them already).

        Raises:
            JournalError: the journal holds an event the process does not allow.
        """
        self._apply(event.seq, event.kind, event.application_id, event.payload, submission, None)

    def _apply(
        self,
        seq: int,
        kind: str,
        app_id: str | None,
        payload: Mapping[str, Any],
        submission: Submission | None,
        target: str | None,
    ) -> None:
        """:meth:`apply`, for an event given by its fields, and the status it leads to when
        the caller (a command, which checked the event against the same process) has it."""
        if type(payload) is not dict and not isinstance(payload, Mapping):
            raise JournalError(f"event {seq} ({kind}): its payload is not an object")
        if seq <= self.last_seq:
            raise JournalError(f"event {seq} applied out of order after {self.last_seq}")
        self.last_seq = seq
        if app_id is None:
            if kind == "call_created":
                self.envelope = _euro(payload, "envelope", seq, kind)
            return
        if kind == "submitted":
            self._submit(seq, payload, submission)
            return
        record = self.apps.get(app_id)
        if record is None:
            raise JournalError(f"event {seq}: unknown application {app_id!r}")
        status = record.status
        if target is None:
            target = self.process.target(status.status, kind, payload)
            if target is None:
                raise JournalError(
                    f"event {seq}: {kind!r} is not allowed in status "
                    f"{status.status!r} of {app_id!r}"
                )
        try:
            committed = self._money(record, seq, kind, payload)
            if kind == INSTRUCTED:  # the authority's inputs join the document evaluated
                record.document = merged_document(record.document, payload["instruction"])
            changes = self._changes(record, seq, kind, payload)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise JournalError(f"event {seq} ({kind}): unreadable payload: {error!r}") from None
        # attrs.evolve, spelt out: three times faster, and every event of a call comes here.
        get = changes.get
        record.status = ApplicationStatus(
            status.id,
            status.applicant,
            status.siren,
            status.submitted_on,
            status.submission,
            target,
            get("outcome", status.outcome),
            get("award", status.award),
            get("score", status.score),
            status.committed if committed is None else committed,
            get("paid", status.paid),
        )

    def _submit(self, seq: int, payload: Mapping[str, Any], sub: Submission | None) -> None:
        try:
            document = payload["document"]
            if sub is None:
                sub = read_submission(document, check_id=False)
            fingerprint = payload.get("fingerprint")
            if not isinstance(fingerprint, str):  # written before fingerprints were stored
                fingerprint = project_fingerprint(document)
        except (KeyError, TypeError, ValueError, RecursionError) as error:
            raise JournalError(f"event {seq}: bad submission: {error}") from None
        if sub.id in self.apps:
            raise JournalError(f"event {seq}: application {sub.id!r} submitted twice")
        status = ApplicationStatus(
            sub.id, sub.name, sub.siren, sub.submitted_on, seq, self.process.initial
        )
        self.apps[sub.id] = _App(status, document)
        self.by_key.setdefault(id_key(sub.id), sub.id)
        self.projects.setdefault((sub.siren, fingerprint), sub.id)

    def _money(self, record: _App, seq: int, kind: str, payload: Mapping[str, Any]) -> Euro | None:
        """Move the event's money; what is then committed to the application, if it moved."""
        moved = False
        if kind in _COMMITS:
            amount = _euro(payload, "amount", seq, kind)
            record.commitments += amount
            self.commitments += amount
            moved = True
        if "released" in payload:
            amount = _euro(payload, "released", seq, kind)
            record.released += amount
            self.released += amount
            moved = True
        if kind in _PAYS:
            self.paid += _euro(payload, "amount", seq, kind)
        return record.commitments - record.released if moved else None

    def _changes(
        self, record: _App, seq: int, kind: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        if kind == "evaluated":
            score = payload.get("score")
            return {
                "outcome": payload["outcome"],
                "award": _euro(payload, "award", seq, kind),
                "score": None if score is None else Decimal(score),
            }
        if kind == "scored":
            return {"score": Decimal(payload["score"])}
        if kind in _COMMITS:
            return {"award": _euro(payload, "amount", seq, kind)}
        if kind == "cost_revised":
            return {"award": _euro(payload, "award", seq, kind)}
        if kind == "paid":
            return {"paid": record.status.paid + _euro(payload, "amount", seq, kind)}
        return {}

    def ledger(self) -> Ledger:
        """The ledger figures."""
        return Ledger(self.envelope, self.commitments, self.released, self.paid)

    def state(self) -> CallState:
        """A frozen snapshot."""
        apps = sorted((r.status for r in self.apps.values()), key=lambda a: a.submission)
        return CallState(self.ledger(), tuple(apps), self.last_seq)


def replay(events: Iterable[Event], process: Process, envelope: Euro) -> CallState:
    """Rebuild the state of a call from its events alone."""
    projection = Projection(process, envelope)
    projection.apply_all(events)
    return projection.state()
