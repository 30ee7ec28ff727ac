"""Portfolio rules: checks across the applications of a call, in Python over the projection.

durable_rules 2.0.28 cannot be trusted with joins between facts, so rules that look at several
applications at once (same applicant twice, cumulated de minimis aid, quotas) are plain objects
evaluated here.  Each is data: an id, message templates in French and English, a legal basis and
its parameters.  A scheme adds its own by passing any object with ``id`` and ``check(items)``.

>>> SameApplicant().id
'portfolio.same_applicant'
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from grantrules.basis import Basis
from grantrules.call.projection import ApplicationStatus
from grantrules.dates import years_before
from grantrules.errors import CallError, GrantRulesError, InvalidMoney
from grantrules.money import Euro

__all__ = [
    "Basis",
    "DeMinimis",
    "Flag",
    "Item",
    "MaxPerGroup",
    "PortfolioRule",
    "SameApplicant",
    "check_portfolio",
]


_ONE_APPLICATION = Basis("Règlement de l'appel", "une candidature par porteur")
_DE_MINIMIS = Basis(
    "Règlement (UE) 2023/2831 de la Commission (de minimis)",
    "art. 3, paragraphe 2",
    "https://eur-lex.europa.eu/eli/reg/2023/2831/oj",
    reliability="verified",
)


@attrs.frozen
class Flag:
    """A portfolio finding on one or more applications; ``blocking`` ones are not allocated.

    Args:
        id: the id of the rule that raised it.
        applications: the applications concerned.
        message_fr: the finding in French.
        message_en: the finding in English.
        basis: the legal basis of the rule.
        blocking: whether the applications are held back from allocation.

    >>> flag = Flag("portfolio.same_applicant", ("A1", "A2"),
    ...             "Le porteur 215903501 a 2 candidatures ouvertes : A1, A2.",
    ...             "Applicant 215903501 has 2 open applications: A1, A2.",
    ...             Basis("Règlement de l'appel", "une candidature par porteur"))
    >>> flag.to_json()["basis"]
    {'title': "Règlement de l'appel", 'article': 'une candidature par porteur'}

    .. versionadded:: 0.1
    """

    id: str
    applications: tuple[str, ...]
    message_fr: str
    message_en: str
    basis: Basis
    blocking: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "id": self.id,
            "applications": list(self.applications),
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "basis": self.basis.to_dict(),
            "blocking": self.blocking,
        }


@attrs.frozen
class Item:
    """What a portfolio rule sees of one application: its status and document."""

    status: ApplicationStatus
    document: Mapping[str, Any]
    open: bool


class PortfolioRule(Protocol):
    """Any rule over the whole call.

    Pass rules to :meth:`Call.create <grantrules.call.Call.create>` or
    :meth:`Call.open <grantrules.call.Call.open>` as ``portfolio_rules``; the call runs them
    (:meth:`Call.flags <grantrules.call.Call.flags>`) before each allocation and leaves the
    applications of a ``blocking`` flag undecided.

    >>> import datetime
    >>> class NoSaturday:
    ...     id = "portfolio.no_saturday"
    ...     def check(self, items):
    ...         ids = tuple(i.status.id for i in items if i.status.submitted_on.weekday() == 5)
    ...         if ids:
    ...             yield Flag(self.id, ids, "Déposé un samedi.", "Submitted on a Saturday.",
    ...                        Basis("Règlement de l'appel"))
    >>> items = [Item(ApplicationStatus(f"A{day}", "x", "1", datetime.date(2025, 3, day), day,
    ...                                 "submitted"), {}, True) for day in (14, 15)]
    >>> [flag.applications for flag in check_portfolio([NoSaturday()], items)]
    [('A15',)]

    .. versionadded:: 0.1
    """

    @property
    def id(self) -> str:
        """Stable rule id, e.g. ``portfolio.same_applicant``."""

    def check(self, items: Sequence[Item]) -> Iterable[Flag]:
        """The flags this rule raises."""


def _flag(rule: Any, applications: Iterable[str], values: Mapping[str, Any]) -> Flag:
    """The flag a built-in rule raises, its messages filled with ``values``."""
    return Flag(
        rule.id,
        tuple(applications),
        rule.message_fr.format(**values),
        rule.message_en.format(**values),
        rule.basis,
        rule.blocking,
    )


_LOST = frozenset({"ineligible", "invalid", "rejected", "withdrawn", "decommitted"})


def _counts(item: Item) -> bool:
    """Whether an application's award counts as (prospective) aid: eligible and not lost."""
    return item.status.outcome == "eligible" and item.status.status not in _LOST


@attrs.frozen
class SameApplicant:
    """The same SIREN with two or more open applications in one call.

    Args:
        id: the rule id, in the flags it raises.
        basis: the legal basis (by default, the call's one-application-per-applicant rule).
        message_fr, message_en: templates filled with ``{siren}``, ``{count}`` and
            ``{applications}``.
        blocking: whether the flagged applications are held back from allocation.

    >>> import datetime
    >>> items = [Item(ApplicationStatus(app_id, "Lille", siren, datetime.date(2025, 3, 14), seq,
    ...                                 "submitted"), {}, True)
    ...          for app_id, siren, seq in [("A1", "215903501", 2), ("A2", "215903501", 3),
    ...                                     ("A3", "200093201", 4)]]
    >>> [flag.message_en for flag in SameApplicant().check(items)]
    ['Applicant 215903501 has 2 open applications: A1, A2.']

    .. versionadded:: 0.1
    """

    id: str = "portfolio.same_applicant"
    basis: Basis = _ONE_APPLICATION
    message_fr: str = "Le porteur {siren} a {count} candidatures ouvertes : {applications}."
    message_en: str = "Applicant {siren} has {count} open applications: {applications}."
    blocking: bool = False

    def check(self, items: Sequence[Item]) -> Iterable[Flag]:
        """Flag each SIREN with several open applications."""
        groups: dict[str, list[str]] = defaultdict(list)
        for item in items:
            if item.open:
                groups[item.status.siren].append(item.status.id)
        for siren, ids in groups.items():
            if len(ids) > 1:
                values = {"siren": siren, "count": len(ids), "applications": ", ".join(ids)}
                yield _flag(self, ids, values)


def _prior_aid(document: Mapping[str, Any], since: datetime.date) -> Euro | None:
    """Prior de minimis aid granted after ``since``; ``None`` if the list is unreadable."""
    total = Euro.ZERO
    items = (document.get("applicant") or {}).get("prior_de_minimis") or []
    try:
        for aid in items:
            if datetime.date.fromisoformat(aid["granted_on"]) > since:
                total += Euro(aid["amount"])
    except (KeyError, TypeError, ValueError, InvalidMoney):
        return None
    return total


@attrs.frozen
class DeMinimis:
    """Awards of the call plus prior de minimis aid over ``years`` may not exceed ``ceiling``.

    Only applicants with ``applicant.economic_activity`` true are concerned.  Awards counted are
    those of eligible applications not rejected, withdrawn or decommitted.  Applicants with
    ``applicant.sgei`` true use ``sgei_ceiling`` when it is given (Regulation 2023/2832).
    Prior aid is read from ``applicant.prior_de_minimis`` (``granted_on``, ``amount``) of the
    applicant's latest application; an unreadable list raises the flag with a total of ``?``.

    Args:
        ceiling: the most de minimis aid one applicant may cumulate over ``years``.
        years: the period, counted back from the latest submission date.
        id: the rule id, in the flags it raises.
        basis: the legal basis (by default, Regulation (EU) 2023/2831, art. 3(2)).
        sgei_ceiling: the ceiling for services of general economic interest, if different.
        message_fr, message_en: templates filled with ``{siren}``, ``{total}``, ``{years}``,
            ``{ceiling}`` and ``{applications}``.
        blocking: whether the flagged applications are held back from allocation.

    >>> import datetime
    >>> document = {"applicant": {"economic_activity": True, "prior_de_minimis": [
    ...     {"granted_on": "2023-06-01", "amount": "250000.00"}]}}
    >>> status = ApplicationStatus("A1", "Lille", "215903501", datetime.date(2025, 3, 14), 2,
    ...                            "eligible", "eligible", award=Euro("60000.00"))
    >>> [flag] = DeMinimis(Euro("300000.00")).check([Item(status, document, True)])
    >>> print(flag.message_en)  # doctest: +NORMALIZE_WHITESPACE
    Applicant 215903501 would cumulate 310000.00 of de minimis aid over 3 years
    (ceiling 300000.00): A1.
    >>> flag.applications, flag.blocking
    (('A1',), True)

    .. versionadded:: 0.1
    """

    ceiling: Euro
    years: int = 3
    id: str = "portfolio.de_minimis"
    basis: Basis = _DE_MINIMIS
    sgei_ceiling: Euro | None = None
    message_fr: str = (
        "Le porteur {siren} cumulerait {total} d'aides de minimis sur {years} ans "
        "(plafond {ceiling}) : {applications}."
    )
    message_en: str = (
        "Applicant {siren} would cumulate {total} of de minimis aid over {years} years "
        "(ceiling {ceiling}): {applications}."
    )
    blocking: bool = True

    def check(self, items: Sequence[Item]) -> Iterable[Flag]:
        """Flag each SIREN whose cumulated aid exceeds the ceiling."""
        groups: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            activity = (item.document.get("applicant") or {}).get("economic_activity")
            if activity is True and _counts(item):
                groups[item.status.siren].append(item)
        for siren, group in groups.items():
            latest = max(group, key=lambda i: (i.status.submitted_on, i.status.submission))
            try:
                since = years_before(latest.status.submitted_on, self.years)
            except GrantRulesError:  # a date near year 1: the aid cannot be counted, hold it
                prior = None
            else:
                prior = _prior_aid(latest.document, since)
            awarded = Euro.sum(i.status.committed or i.status.award for i in group)
            total = None if prior is None else prior + awarded
            sgei = (latest.document.get("applicant") or {}).get("sgei") is True
            ceiling = self.sgei_ceiling if sgei and self.sgei_ceiling is not None else self.ceiling
            if total is None or total > ceiling:
                values = {
                    "siren": siren,
                    "total": "?" if total is None else str(total),
                    "years": self.years,
                    "ceiling": str(ceiling),
                    "applications": ", ".join(i.status.id for i in group),
                }
                yield _flag(self, [i.status.id for i in group], values)


@attrs.frozen
class MaxPerGroup:
    """At most ``maximum`` eligible applications per value of a document field.

    ``path`` is a dotted path (``applicant.commune_code``); ``key_length`` keeps only the first
    characters of its value (2 turns a commune code into its département for mainland France).
    Applications counted are those of eligible applications not rejected, withdrawn or
    decommitted; those without a string at ``path`` are not counted.

    Args:
        id: the rule id, in the flags it raises.
        path: the dotted path of the grouping field.
        maximum: the most applications allowed per group.
        basis: the legal basis of the quota.
        message_fr, message_en: templates filled with ``{key}``, ``{count}``, ``{maximum}``
            and ``{applications}``.
        key_length: how many leading characters of the field's value make the group key.
        blocking: whether the flagged applications are held back from allocation.

    >>> import datetime
    >>> rule = MaxPerGroup("portfolio.per_departement", "applicant.commune_code", 1,
    ...                    Basis("Règlement de l'appel", "un projet par département"),
    ...                    key_length=2)
    >>> items = [Item(ApplicationStatus(f"A{i}", "x", "1", datetime.date(2025, 3, 14), i,
    ...                                 "eligible", "eligible"),
    ...               {"applicant": {"commune_code": code}}, True)
    ...          for i, code in [(1, "59350"), (2, "59512"), (3, "62041")]]
    >>> [flag.message_en for flag in rule.check(items)]
    ['2 projects for 59 (at most 1): A1, A2.']

    .. versionadded:: 0.1
    """

    id: str
    path: str
    maximum: int
    basis: Basis
    message_fr: str = "{count} projets pour {key} (au plus {maximum}) : {applications}."
    message_en: str = "{count} projects for {key} (at most {maximum}): {applications}."
    key_length: int | None = None
    blocking: bool = False

    def _key(self, document: Mapping[str, Any]) -> str | None:
        node: Any = document
        for part in self.path.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if not isinstance(node, str):
            return None
        return node[: self.key_length] if self.key_length else node

    def check(self, items: Sequence[Item]) -> Iterable[Flag]:
        """Flag groups above the maximum."""
        groups: dict[str, list[str]] = defaultdict(list)
        for item in items:
            key = self._key(item.document)
            if key is not None and _counts(item):
                groups[key].append(item.status.id)
        for key, ids in groups.items():
            if len(ids) > self.maximum:
                values = {
                    "key": key,
                    "count": len(ids),
                    "maximum": self.maximum,
                    "applications": ", ".join(ids),
                }
                yield _flag(self, ids, values)


def check_portfolio(rules: Iterable[PortfolioRule], items: Sequence[Item]) -> tuple[Flag, ...]:
    """Run every rule over ``items``.

    Raises:
        CallError: a rule failed (naming it and why); nothing is written then.
    """
    flags: list[Flag] = []
    for rule in rules:
        try:
            flags += rule.check(items)
        except GrantRulesError as error:
            raise CallError(f"portfolio rule {rule.id!r} failed: {error}") from None
        except (ArithmeticError, LookupError, TypeError, ValueError) as error:
            raise CallError(
                f"portfolio rule {rule.id!r} failed: {type(error).__name__}: {error}"
            ) from None
    return tuple(flags)
