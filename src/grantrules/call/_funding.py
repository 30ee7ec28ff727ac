"""The commands that move money: allocation, decisions, releases, payments, promotions.

Every function here emits events into a :class:`~grantrules.call._command.Batch`; amounts are
computed from the projection, which the batch keeps up to date event by event, and the final
word on the envelope belongs to the SQL check run before the command commits.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from grantrules.call._command import Batch
from grantrules.call.allocation import AllocationPolicy, Step, plan
from grantrules.call.portfolio import Flag
from grantrules.call.projection import ApplicationStatus, Projection
from grantrules.errors import CallError, EnvelopeExceeded, InvalidArgument
from grantrules.money import Euro

__all__ = ["Funding"]

_DECISIONS = ("selected", "waitlisted", "rejected")


def _decided(decision: str, by: str) -> tuple[dict[str, str], str]:
    """A ``decided`` event's payload and its JSON text."""
    return {"decision": decision, "by": by}, f'{{"decision":"{decision}","by":"{by}"}}'


@attrs.frozen
class Funding:
    """The call's allocation settings and the money commands built on them."""

    policy: AllocationPolicy
    partial_awards: bool
    flags: Callable[[Projection], tuple[Flag, ...]]

    def blocked(self, projection: Projection) -> dict[str, Flag]:
        """Applications held back by a blocking portfolio flag."""
        return {
            app: flag
            for flag in self.flags(projection)
            if flag.blocking
            for app in flag.applications
        }

    def _status(self, batch: Batch, app_id: str) -> ApplicationStatus:
        record = batch.projection.apps.get(app_id)
        if record is None:
            raise CallError(f"no application {app_id!r} in this call")
        return record.status

    def _apply(self, batch: Batch, step: Step, by: str) -> None:
        status = self._status(batch, step.application_id).status
        app = step.application_id
        # Each payload's JSON text, written out (compact, in order): an amount, a decision
        # and ``by`` (a word of this module) have nothing to escape.
        if step.action == "commit":
            amount = str(step.amount)
            payload, text = {"amount": amount, "by": by}, f'{{"amount":"{amount}","by":"{by}"}}'
            if status == "waitlisted":
                batch.emit("promoted", app, payload, commit=step.amount, payload_text=text)
                return
            if status != "selected":
                decided, decided_text = _decided("selected", by)
                batch.emit("decided", app, decided, payload_text=decided_text)
            batch.emit("committed", app, payload, commit=step.amount, payload_text=text)
        else:
            decision = "waitlisted" if step.action == "waitlist" else "rejected"
            decided, decided_text = _decided(decision, by)
            batch.emit("decided", app, decided, payload_text=decided_text)

    def plan(self, projection: Projection, flags: tuple[Flag, ...] | None = None) -> list[Step]:
        """The allocation's steps for the eligible, undecided applications, in policy order.

        Pure: nothing is emitted.  ``flags`` are the portfolio flags of ``projection``, when
        the caller has them already (they are computed otherwise).
        """
        candidates = [
            r.status
            for r in projection.apps.values()
            if r.status.status in ("eligible", "selected") and r.status.outcome == "eligible"
        ]
        if flags is None:
            blocked = self.blocked(projection)
        else:
            blocked = {a: f for f in flags if f.blocking for a in f.applications}
        return plan(
            candidates,
            projection.ledger().remaining,
            self.policy,
            partial_awards=self.partial_awards,
            blocked=blocked,
        )

    def apply(self, batch: Batch, steps: list[Step]) -> None:
        """Emit the events of allocation ``steps`` (planned on the batch's projection)."""
        for step in steps:
            self._apply(batch, step, "allocation")

    def allocate(self, batch: Batch) -> list[Step]:
        """Fund the eligible, undecided applications in policy order."""
        steps = self.plan(batch.projection)
        self.apply(batch, steps)
        return steps

    def decide(self, batch: Batch, app_id: str, decision: str) -> None:
        """Record a committee decision; a selection is committed at once if it fits."""
        if decision not in _DECISIONS:
            raise InvalidArgument(
                f"decision must be one of {', '.join(_DECISIONS)}, got {decision!r}"
            )
        status = self._status(batch, app_id)
        if decision != "selected":
            batch.emit("decided", app_id, {"decision": decision, "by": "committee"})
            return
        flag = self.blocked(batch.projection).get(app_id)
        if flag is not None:
            raise CallError(f"{app_id} cannot be selected: {flag.message_en} ({flag.id})")
        remaining = batch.projection.ledger().remaining
        amount = status.award
        if amount > remaining and self.partial_awards and remaining > Euro.ZERO:
            amount = remaining
        if status.status == "waitlisted":
            if amount > remaining:
                raise EnvelopeExceeded(
                    f"{app_id} stays wait-listed: its award {status.award} exceeds the "
                    f"remaining {remaining}"
                )
            self._apply(batch, Step(app_id, "commit", amount), "committee")
            return
        batch.emit("decided", app_id, {"decision": "selected", "by": "committee"})
        if amount <= remaining:
            batch.emit(
                "committed", app_id, {"amount": str(amount), "by": "committee"}, commit=amount
            )
        else:
            batch.emit("decided", app_id, {"decision": "waitlisted", "by": "envelope"})

    def release(self, batch: Batch, app_id: str, kind: str) -> None:
        """``withdrawn``, ``decommitted`` or ``closed``: release what was not paid, promote."""
        status = self._status(batch, app_id)
        released = status.committed - status.paid
        batch.emit(kind, app_id, {"released": str(released)}, release=released)
        if released > Euro.ZERO:
            self.promote(batch)

    def pay(self, batch: Batch, app_id: str, amount: Euro, *, final: bool = False) -> None:
        """Pay part of a commitment; ``final`` closes the file and releases the balance."""
        if not isinstance(amount, Euro) or amount <= Euro.ZERO:
            raise InvalidArgument(f"a payment must be a positive Euro, got {amount!r}")
        status = self._status(batch, app_id)
        unpaid = status.committed - status.paid
        if amount > unpaid and status.status in ("committed", "partly_paid"):
            raise CallError(
                f"{app_id}: a payment of {amount} exceeds what is committed and unpaid "
                f"({unpaid} of {status.committed}); nothing was written"
            )
        batch.emit("paid", app_id, {"amount": str(amount)}, pay=amount)
        if final:
            self.release(batch, app_id, "closed")

    def revise(self, batch: Batch, app_id: str, final_cost: Euro, award: Euro) -> None:
        """Lower an award after the final cost is known and release the difference."""
        status = self._status(batch, app_id)
        award = min(award, status.committed)
        if award < status.paid:
            raise CallError(
                f"{app_id}: the revised award {award} is below what was already paid "
                f"({status.paid}); recovering payments is not supported"
            )
        released = status.committed - award
        payload = {"final_eligible_cost": str(final_cost), "award": str(award)}
        batch.emit("cost_revised", app_id, {**payload, "released": str(released)}, release=released)
        if released > Euro.ZERO:
            self.promote(batch)

    def promote(self, batch: Batch) -> list[Step]:
        """Commit wait-listed awards that now fit, in policy order."""
        projection = batch.projection
        waiting = [r.status for r in projection.apps.values() if r.status.status == "waitlisted"]
        if not waiting:
            return []
        steps = plan(
            waiting,
            projection.ledger().remaining,
            self.policy,
            partial_awards=self.partial_awards,
            blocked=self.blocked(projection),
            waitlist_misfits=False,
        )
        steps = [s for s in steps if s.action == "commit"]
        for step in steps:
            self._apply(batch, step, "promotion")
        return steps
