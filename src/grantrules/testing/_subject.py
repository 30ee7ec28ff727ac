"""What the invariant checks share: the scheme under test, its configuration, the failure."""

from __future__ import annotations

import collections
import datetime
from typing import Any

import attrs

from grantrules.decision import Decision
from grantrules.errors import GrantRulesError, InvalidArgument
from grantrules.evaluate import evaluate
from grantrules.money import Euro
from grantrules.scheme import Scheme
from grantrules.testing._aim import computed_amounts

__all__ = ["Config", "InvariantViolation", "Reach", "Subject", "VacuousInvariant", "min_reach"]


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


class VacuousInvariant(InvariantViolation):
    """Too few generated examples met an invariant's precondition for its pass to mean much.

    An award invariant speaks of eligible applications: when the generator makes none, it
    holds vacuously, and a green suite would test nothing.  The message names the criteria
    that blocked the examples, most frequent first.

    >>> error = VacuousInvariant("award_within_rate", "reached by 0 of 300 examples")
    >>> isinstance(error, InvariantViolation), error.code
    (True, 'invariant-vacuous')

    .. versionadded:: 0.3
    """

    code = "invariant-vacuous"


@attrs.define
class Reach:
    """How many generated examples an invariant checked, and what stopped the others.

    ``blocked`` counts, over the examples that did not meet the precondition, each blocking
    criterion that failed or lacked an input (or the precondition itself, for an eligible
    application).

    >>> reach = Reach()
    >>> reach.count(True); reach.count(False, ["project.cost_range"])
    >>> reach.describe()
    'reached by 1 of 2 examples'
    >>> reach.blockers()
    'project.cost_range (1)'

    .. versionadded:: 0.3
    """

    examples: int = 0
    reached: int = 0
    blocked: collections.Counter[str] = attrs.field(factory=collections.Counter)

    def count(self, reached: bool, blockers: list[str] | tuple[str, ...] = ()) -> None:
        """Record one example."""
        self.examples += 1
        if reached:
            self.reached += 1
        else:
            self.blocked.update(blockers)

    def reset(self) -> None:
        self.examples, self.reached = 0, 0
        self.blocked.clear()

    def describe(self) -> str:
        return f"reached by {self.reached} of {self.examples} examples"

    def blockers(self, most: int = 8) -> str:
        """The most frequent blockers, with their counts."""
        return ", ".join(f"{name} ({n})" for name, n in self.blocked.most_common(most))


def min_reach(config: Config, max_examples: int) -> int:
    """How many examples must reach an invariant: ``config.min_reach`` if set, else 2 % of
    ``max_examples``, at least 1 and at most 20 (20 under the ``ci`` profile's 1,000).

    >>> min_reach(Config(), 1000), min_reach(Config(), 100), min_reach(Config(), 10)
    (20, 2, 1)
    >>> min_reach(Config(min_reach=0), 1000)
    0
    """
    if config.min_reach is not None:
        return config.min_reach
    return min(20, max(1, max_examples * 2 // 100))


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
        min_reach: how many generated examples must meet an invariant's precondition
            (eligibility, its condition...) for its pass to count; by default 2 % of the
            examples, between 1 and 20 (see :func:`min_reach`); 0 turns the guard off.

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
    min_reach: int | None = attrs.field(default=None)

    @min_reach.validator
    def _check_min_reach(self, _: Any, value: int | None) -> None:
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise InvalidArgument(f"min_reach must be a whole number >= 0, got {value!r}")


@attrs.frozen(eq=False, repr=False)
class Subject:
    """A scheme under test, with the configuration and helpers the checks share.

    >>> from grantrules.serde import structure_application
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> subject = Subject(example_scheme())
    >>> application = structure_application(subject.scheme, example_document())
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

        >>> from grantrules.testing.examples import example_document, example_scheme
        >>> subject = Subject(example_scheme())
        >>> subject.amounts(evaluate(subject.scheme, example_document()))
        {'total': Euro('1200.00'), 'award': Euro('600.00')}
        """
        return computed_amounts(decision)

    def has_amount(self, amount_id: str) -> bool:
        """Whether every version of the scheme has an amount with this id."""
        return all(amount_id in {a.id for a in v.amounts} for v in self.scheme.versions)
