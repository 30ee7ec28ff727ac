"""What the invariant checks share: the scheme under test, its configuration, the failure."""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from grantrules.decision import Decision
from grantrules.errors import GrantRulesError
from grantrules.evaluate import evaluate
from grantrules.money import Euro
from grantrules.scheme import Scheme
from grantrules.testing._aim import computed_amounts

__all__ = ["Config", "InvariantViolation", "Subject"]


class InvariantViolation(GrantRulesError, AssertionError):
    """An invariant does not hold; ``example`` is the (shrunk) input that shows it.

    Also an :class:`AssertionError`, so that pytest reports it as a test failure.

    >>> violation = InvariantViolation("award_non_negative", "the award is -0.01")
    >>> print(violation)
    [award_non_negative] the award is -0.01
    >>> violation.invariant, isinstance(violation, AssertionError)
    ('award_non_negative', True)

    .. versionadded:: 0.1
    """

    code = "invariant-violated"

    def __init__(self, invariant: str, message: str, example: Any = None) -> None:
        self.invariant = invariant
        self.example = example
        super().__init__(f"[{invariant}] {message}")


@attrs.frozen
class Config:
    """Names the invariants use to find things in a scheme; the defaults suit most schemes.

    Attributes:
        total_cost: id of the amount holding the project's total cost.
        eligible_cost: id of the amount holding the eligible base.
        costs: the application's collection of cost lines.
        cost_amount: the Euro field of a cost line that adding cost increases.
        category: the field of a cost line that decides its eligibility.
        eligible_categories: the code-list parameter of eligible categories.
        ceilings: parameters that cap the award, besides those the award formula shows.
        languages: the languages every message must exist in.
        on: the evaluation date; by default each application's submission date.

    >>> config = Config(eligible_cost="eligible_base", ceilings=("ceiling",))
    >>> config.total_cost, config.eligible_cost, config.ceilings
    ('total_cost', 'eligible_base', ('ceiling',))

    .. versionadded:: 0.1
    """

    total_cost: str = "total_cost"
    eligible_cost: str = "eligible_cost"
    costs: str = "costs"
    cost_amount: str = "amount_excl_vat"
    category: str = "category"
    eligible_categories: str = "eligible_categories"
    ceilings: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("fr", "en")
    on: datetime.date | None = None


@attrs.frozen(eq=False, repr=False)
class Subject:
    """A scheme under test, with the configuration and helpers the checks share.

    >>> from grantrules.serde import _example_scheme, _example_document, structure_application
    >>> subject = Subject(_example_scheme())
    >>> application = structure_application(subject.scheme, _example_document())
    >>> subject.decide(application)
    <Decision example A-1: eligible, award 600.00>
    >>> subject.has_amount("total"), subject.has_amount("total_cost")
    (True, False)

    .. versionadded:: 0.1
    """

    scheme: Scheme
    config: Config = Config()

    def __repr__(self) -> str:
        return f"Subject({self.scheme.id!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis' pretty printer shows attrs fields; show the short form instead."""
        printer.text(repr(self))

    def decide(self, app: Any, lang: str = "fr") -> Decision:
        """Evaluate ``app`` on the configured date (its submission date by default)."""
        return evaluate(self.scheme, app, on=self.config.on, lang=lang)

    def amounts(self, decision: Decision) -> dict[str, Euro | None]:
        """The decision's amounts as computed, the award included even when ineligible.

        >>> from grantrules.serde import _example_scheme, _example_document
        >>> subject = Subject(_example_scheme())
        >>> subject.amounts(evaluate(subject.scheme, _example_document()))
        {'total': Euro('1200.00'), 'award': Euro('600.00')}
        """
        return computed_amounts(decision)

    def has_amount(self, amount_id: str) -> bool:
        """Whether every version of the scheme has an amount with this id."""
        return all(amount_id in {a.id for a in v.amounts} for v in self.scheme.versions)
