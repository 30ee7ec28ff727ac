"""Allocation policies: who gets the envelope, in which order, and who is wait-listed.

A policy only *orders* and *admits* applications; the money arithmetic is the same for every
policy (:func:`plan`): in policy order, an award that fits is committed, one that does not is
wait-listed (or, if the call allows partial awards, committed for what remains), and the walk
goes on, so a smaller later award may still fit.  Released money promotes the wait list in the
same order with the same rule.

>>> FirstComeFirstServed().to_json()
{'policy': 'first_come_first_served'}
>>> policy_from_json({"policy": "ranked_by_score", "threshold": "12.5"})
RankedByScore(threshold=Decimal('12.5'))
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import attrs

from grantrules.call.projection import ApplicationStatus
from grantrules.errors import InvalidArgument
from grantrules.money import Euro

__all__ = [
    "AllocationPolicy",
    "FirstComeFirstServed",
    "RankedByScore",
    "Step",
    "plan",
    "policy_from_json",
]


class AllocationPolicy(Protocol):
    """Orders candidates and says which may be funded at all.

    :func:`plan` accepts any object with these three methods.  A call file stores its policy
    as :meth:`to_json` and rebuilds it with :func:`policy_from_json`, which knows only
    :class:`FirstComeFirstServed` and :class:`RankedByScore`: those are the policies a
    :class:`~grantrules.call.Call` can use.

    >>> import datetime
    >>> from grantrules.call.projection import ApplicationStatus
    >>> class LargestFirst:
    ...     def order(self, apps):
    ...         return sorted(apps, key=lambda app: app.award, reverse=True)
    ...     def admits(self, app):
    ...         return True
    ...     def to_json(self):
    ...         return {"policy": "largest_first"}
    >>> apps = [ApplicationStatus(f"A{i}", "x", "1", datetime.date(2025, 1, i), i, "eligible",
    ...                           award=Euro(award)) for i, award in [(1, 30), (2, 80)]]
    >>> [(s.application_id, s.action) for s in plan(apps, Euro(100), LargestFirst())]
    [('A2', 'commit'), ('A1', 'waitlist')]

    .. versionadded:: 0.1
    """

    def order(self, apps: Iterable[ApplicationStatus]) -> list[ApplicationStatus]:
        """The candidates that can be ranked, best first."""

    def admits(self, app: ApplicationStatus) -> bool:
        """Whether ``app`` may be funded (False: rejected by the allocation)."""

    def to_json(self) -> dict[str, str]:
        """The policy as data, stored in the call file."""


@attrs.frozen
class FirstComeFirstServed:
    """By submission date, then by order of submission in the journal (the AMI's rule).

    The default policy of :meth:`Call.create <grantrules.call.Call.create>`.  Every
    application is admitted; one whose award does not fit is wait-listed.

    >>> import datetime
    >>> from grantrules.call.projection import ApplicationStatus
    >>> late = ApplicationStatus("A1", "Lille", "1", datetime.date(2025, 3, 2), 2, "eligible")
    >>> early = ApplicationStatus("A2", "Roubaix", "2", datetime.date(2025, 3, 1), 3, "eligible")
    >>> [app.id for app in FirstComeFirstServed().order([late, early])]
    ['A2', 'A1']
    >>> FirstComeFirstServed().to_json()
    {'policy': 'first_come_first_served'}

    .. versionadded:: 0.1
    """

    def order(self, apps: Iterable[ApplicationStatus]) -> list[ApplicationStatus]:
        """Oldest submission first."""
        return sorted(apps, key=lambda a: (a.submitted_on, a.submission))

    def admits(self, app: ApplicationStatus) -> bool:
        """Every eligible application may be funded."""
        return True

    def to_json(self) -> dict[str, str]:
        """The policy as data."""
        return {"policy": "first_come_first_served"}


def _decimal(value: object) -> Decimal:
    if isinstance(value, float | bool):
        raise InvalidArgument(f"threshold must be a Decimal, an int or a string, got {value!r}")
    try:
        result = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidArgument(f"threshold must be a number, got {value!r}") from None
    if not result.is_finite():
        raise InvalidArgument(f"threshold must be finite, got {value!r}")
    return result


@attrs.frozen
class RankedByScore:
    """Highest score first (ties: first come); below ``threshold`` is rejected.

    Applications without a score are not ranked: they stay eligible until scored (see
    :meth:`Call.score <grantrules.call.Call.score>`).

    Args:
        threshold: the lowest score that may be funded, as a Decimal, an int or a string.

    Raises:
        InvalidArgument: the threshold is a float, not a number or not finite.

    >>> import datetime
    >>> from decimal import Decimal
    >>> from grantrules.call.projection import ApplicationStatus
    >>> policy = RankedByScore("12")
    >>> apps = [ApplicationStatus(f"A{i}", "x", "1", datetime.date(2025, 1, i), i, "eligible",
    ...                           score=score) for i, score in
    ...         [(1, Decimal("11.5")), (2, Decimal("15")), (3, None)]]
    >>> [(app.id, policy.admits(app)) for app in policy.order(apps)]
    [('A2', True), ('A1', False)]
    >>> policy.to_json()
    {'policy': 'ranked_by_score', 'threshold': '12'}

    .. versionadded:: 0.1
    """

    threshold: Decimal = attrs.field(converter=_decimal)

    def order(self, apps: Iterable[ApplicationStatus]) -> list[ApplicationStatus]:
        """Scored applications, best first."""
        scored = [a for a in apps if a.score is not None]
        return sorted(scored, key=lambda a: (-(a.score or 0), a.submitted_on, a.submission))

    def admits(self, app: ApplicationStatus) -> bool:
        """Whether the score reaches the threshold."""
        return app.score is not None and app.score >= self.threshold

    def to_json(self) -> dict[str, str]:
        """The policy as data."""
        return {"policy": "ranked_by_score", "threshold": str(self.threshold)}


def policy_from_json(data: Mapping[str, Any]) -> AllocationPolicy:
    """Rebuild a policy stored by ``to_json``.

    Raises:
        InvalidArgument: for an unknown policy.
    """
    kind = data.get("policy")
    if kind == "first_come_first_served":
        return FirstComeFirstServed()
    if kind == "ranked_by_score":
        return RankedByScore(data.get("threshold"))
    raise InvalidArgument(
        f"unknown allocation policy {kind!r}: expected first_come_first_served or ranked_by_score"
    )


@attrs.frozen
class Step:
    """One allocation outcome: ``commit`` (``amount``), ``waitlist`` or ``reject``.

    :meth:`Call.allocate <grantrules.call.Call.allocate>` and :func:`plan` return them, in
    policy order; only a ``commit`` carries an amount.

    >>> Step("A1", "commit", Euro("60000.00"))
    Step(application_id='A1', action='commit', amount=Euro('60000.00'))
    >>> Step("A2", "waitlist").amount
    Euro('0.00')

    .. versionadded:: 0.1
    """

    application_id: str
    action: str
    amount: Euro = Euro.ZERO


def plan(
    candidates: Iterable[ApplicationStatus],
    remaining: Euro,
    policy: AllocationPolicy,
    *,
    partial_awards: bool = False,
    blocked: Collection[str] = (),
    waitlist_misfits: bool = True,
) -> list[Step]:
    """Decide, in policy order, which candidates are committed, wait-listed or rejected.

    Args:
        candidates: applications that may be funded now.
        remaining: what the envelope still holds.
        policy: the order and admission rule.
        partial_awards: commit what remains when an award does not fit entirely.
        blocked: applications held back by a blocking portfolio flag (left untouched).
        waitlist_misfits: emit ``waitlist`` for awards that do not fit (False when promoting
            the wait list itself).

    >>> from grantrules.call.projection import ApplicationStatus
    >>> import datetime
    >>> a = [ApplicationStatus(f"A{i}", "x", "1", datetime.date(2025, 1, i), i, "eligible",
    ...                        award=Euro(award)) for i, award in [(1, 60), (2, 50), (3, 30)]]
    >>> [(s.application_id, s.action) for s in plan(a, Euro(100), FirstComeFirstServed())]
    [('A1', 'commit'), ('A2', 'waitlist'), ('A3', 'commit')]
    """
    steps: list[Step] = []
    candidates = list(candidates)
    for app in policy.order(candidates):
        if app.id in blocked:
            continue
        if not policy.admits(app):
            steps.append(Step(app.id, "reject"))
        elif app.award <= remaining:
            steps.append(Step(app.id, "commit", app.award))
            remaining -= app.award
        elif partial_awards and remaining > Euro.ZERO:
            steps.append(Step(app.id, "commit", remaining))
            remaining = Euro.ZERO
        elif waitlist_misfits:
            steps.append(Step(app.id, "waitlist"))
    return steps
