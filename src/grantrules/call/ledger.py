"""The envelope ledger: commitments, releases and payments, always exact.

``committed`` is what is currently reserved on the envelope (commitments minus releases, paid
parts included), ``remaining = envelope - committed`` and ``paid <= committed`` per application.
Money is :class:`~grantrules.money.Euro` in Python and integer cents in SQLite, where the final
check of every command runs inside its ``BEGIN IMMEDIATE`` transaction (:func:`verify_journal`),
so two processes writing to one call file can never commit more than the envelope.

>>> Ledger.of(Euro("100.00"), commitments=Euro("80.00"), released=Euro("30.00"),
...           paid=Euro("10.00")).remaining
Euro('50.00')
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from grantrules.call.journal import Journal
from grantrules.errors import EnvelopeExceeded, JournalError
from grantrules.money import Euro

__all__ = ["Ledger", "from_cents", "to_cents", "verify_journal"]


def to_cents(amount: Euro) -> int:
    """Exact integer cents of ``amount``.

    >>> to_cents(Euro("12.34"))
    1234
    """
    return int(amount.amount.scaleb(2))


def from_cents(cents: int) -> Euro:
    """The Euro worth ``cents`` cents.

    >>> from_cents(1234)
    Euro('12.34')
    """
    return Euro(Decimal(cents).scaleb(-2))


@attrs.frozen
class Ledger:
    """The envelope's figures at one point of the journal.

    Args:
        envelope: the call's envelope.
        commitments: every amount ever committed (commitments and promotions).
        released: every amount given back (withdrawals, decommitments, closures, revisions).
        paid: every payment.

    >>> ledger = Ledger.of(Euro("100000.00"), commitments=Euro("90000.00"),
    ...                    released=Euro("20000.00"), paid=Euro("30000.00"))
    >>> ledger.committed, ledger.remaining
    (Euro('70000.00'), Euro('30000.00'))
    >>> ledger.to_json()["remaining"]
    '30000.00'

    .. versionadded:: 0.1
    """

    envelope: Euro
    commitments: Euro
    released: Euro
    paid: Euro

    @classmethod
    def of(cls, envelope: Euro, *, commitments: Euro, released: Euro, paid: Euro) -> Ledger:
        """Build a ledger from its totals."""
        return cls(envelope, commitments, released, paid)

    @property
    def committed(self) -> Euro:
        """Currently reserved on the envelope: commitments minus releases."""
        return self.commitments - self.released

    @property
    def remaining(self) -> Euro:
        """What can still be committed."""
        return self.envelope - self.committed

    def to_json(self) -> dict[str, str]:
        """Amounts as strings."""
        return {
            "envelope": str(self.envelope),
            "committed": str(self.committed),
            "released": str(self.released),
            "paid": str(self.paid),
            "remaining": str(self.remaining),
        }


def sql_ledger(journal: Journal, envelope: Euro) -> Ledger:
    """The ledger as summed by SQLite from the ``ledger`` table (not from any cache)."""
    totals = journal.ledger_totals()
    return Ledger(
        envelope,
        from_cents(totals["commit"]),
        from_cents(totals["release"]),
        from_cents(totals["pay"]),
    )


def verify_journal(journal: Journal, envelope: Euro) -> Ledger:
    """Check the ledger invariants in SQL; call it inside the command's transaction.

    Raises:
        EnvelopeExceeded: more than the envelope is committed (the transaction rolls back).
        JournalError: an application was paid more than committed to it.
    """
    ledger = sql_ledger(journal, envelope)
    if ledger.remaining < Euro.ZERO:
        raise EnvelopeExceeded(
            f"this command would commit {ledger.committed} on an envelope of {envelope} "
            f"({-ledger.remaining} too much); nothing was written"
        )
    overdrawn = journal.overdrawn_applications()
    if overdrawn:
        raise JournalError(
            f"payments would exceed the commitment of {', '.join(overdrawn[:5])}; "
            "nothing was written"
        )
    return ledger
