"""One command on a call: events emitted against the projection, checked, then written at once.

A command runs inside one ``BEGIN IMMEDIATE`` transaction.  Each emitted event is first checked
against the process in Python (a refused event raises :class:`TransitionRefused` before anything
is posted or written) and applied to the projection, so that later steps of the same command see
its effect (allocation walks the envelope down).  On exit the chain of events of every
application is driven through durable_rules, the events and ledger entries are inserted, and the
ledger invariants are checked in SQL before ``COMMIT``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from grantrules.call._contract import Submission
from grantrules.call._rete import Lifecycle, _refusal
from grantrules.call.journal import Journal, LedgerEntry, NewEvent
from grantrules.call.ledger import to_cents, verify_journal
from grantrules.call.process import GuardValue
from grantrules.call.projection import Projection
from grantrules.errors import CallError, JournalError, TransitionRefused
from grantrules.money import Euro

__all__ = ["Batch"]


class Batch:
    """The events of one command, applied to the projection as they are emitted."""

    def __init__(self, projection: Projection, lifecycle: Lifecycle) -> None:
        self.projection = projection
        self.lifecycle = lifecycle
        self.new: list[NewEvent] = []
        self._start: dict[str, str] = {}
        self._chains: dict[str, list[tuple[str, Mapping[str, GuardValue]]]] = {}
        self.timings: dict[str, float] = {"statechart": 0.0, "sqlite": 0.0}

    def emit(
        self,
        kind: str,
        app_id: str | None,
        payload: Mapping[str, Any],
        *,
        decision: Mapping[str, Any] | str | bytes | None = None,
        commit: Euro = Euro.ZERO,
        release: Euro = Euro.ZERO,
        pay: Euro = Euro.ZERO,
        payload_text: str | None = None,
        submission: Submission | None = None,
    ) -> None:
        """Check and apply one event; it is written when the command ends.

        ``payload_text`` is ``payload`` as JSON text, if the caller has it; ``submission`` the
        contract fields of a ``submitted`` event's document, read already.
        """
        process = self.projection.process
        target = None
        if app_id is not None and kind != "submitted":
            record = self.projection.apps.get(app_id)
            if record is None:
                raise CallError(f"no application {app_id!r} in this call")
            state = record.status.status
            target = process.target(state, kind, payload)
            if target is None:
                raise TransitionRefused(f"{app_id}: {_refusal(process, state, kind, payload)}")
            self._start.setdefault(app_id, state)
            fields = {k: payload[k] for k in process.guard_keys(kind) if k in payload}
            self._chains.setdefault(app_id, []).append((kind, fields))
        ledger: tuple[LedgerEntry, ...] = ()
        if commit or release or pay:
            ledger = tuple(
                LedgerEntry(entry, to_cents(amount))
                for entry, amount in (("commit", commit), ("release", release), ("pay", pay))
                if amount > Euro.ZERO
            )
        new = NewEvent(kind, app_id, payload, decision, ledger, payload_text)
        self.new.append(new)
        seq = self.projection.last_seq + 1
        # The projection never reads decisions: they are only stored.
        self.projection._apply(seq, kind, app_id, payload, submission, target)

    def write(self, journal: Journal) -> list[int]:
        """Verify every chain on durable_rules, append the events, check the ledger in SQL."""
        started = time.perf_counter()
        chains: list[tuple[str, Sequence[tuple[str, Mapping[str, GuardValue]]]]] = [
            (self._start[app], chain) for app, chain in self._chains.items()
        ]
        self.lifecycle.run_many(chains, share=True)
        middle = time.perf_counter()
        first = self.projection.last_seq - len(self.new) + 1
        written = journal.append(self.new)
        # The SQL check comes first: it holds even if the projection were stale.
        ledger = verify_journal(journal, self.projection.envelope)
        if written and (written[0] != first or written[-1] != self.projection.last_seq):
            raise JournalError(
                f"{journal.path}: sequence numbers moved under the command "
                f"({written[0]} != {first}); nothing was written"
            )
        if ledger != self.projection.ledger():
            raise JournalError(
                f"{journal.path}: the ledger table ({ledger.to_json()}) disagrees with the "
                f"events ({self.projection.ledger().to_json()}); nothing was written"
            )
        self.timings["statechart"] += middle - started
        self.timings["sqlite"] += time.perf_counter() - middle
        return written
