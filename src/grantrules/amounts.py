"""Amounts: named money formulas with a basis and a named rounding.

An :class:`Amount` is itself an expression: using it inside another formula or a criterion
reads its computed value, so that amounts form a graph (checked acyclic when the scheme loads).

>>> from grantrules.basis import Basis
>>> from grantrules.expressions import collection, sum_of, RenderContext
>>> costs = collection("costs")
>>> total = Amount("total_cost", sum_of(costs.amount), basis=Basis("Règlement", "art. 4"))
>>> total.formula.render(RenderContext("en"))
'the sum of costs[].amount over costs'

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from graphlib import CycleError, TopologicalSorter
from typing import Any

import attrs

from grantrules._format import LANGS
from grantrules._units import check_amount
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.expressions import (
    AmountRef,
    ApplyRate,
    Compiled,
    Expr,
    Input,
    RenderContext,
    Round,
    const,
)
from grantrules.money import Rounding, RoundingRule, check_rounding_rule
from grantrules.rules import Override, check_overrides, overrides

__all__ = ["Amount", "order_amounts"]


@attrs.frozen(eq=False)
class Amount(Expr):
    """A named formula giving a euro amount.

    Args:
        id: stable identifier (``eligible_cost``), a key of the decision's ``amounts``.
        formula: the expression that computes it.
        basis: its legal basis.
        rounding: the rounding the formula applies (``DOWN``, or ``DOWN.to_euro()`` to round
            to the euro); every rate application and ``rounded(...)`` inside the formula must
            name this same rounding, so that the rule's rounding is stated once and true.
        label: how texts name it ({"fr": "le coût total", "en": "the total cost"}).
        exceptions: labelled exceptions replacing the formula when they apply.

    Raises:
        InvalidArgument: the id is not an identifier, ``basis`` is not a Basis or ``label``
            lacks a language.
        SchemeDefinitionError: a rate application rounds otherwise than ``rounding`` says, or
            two exceptions conflict whatever the application.

    >>> from grantrules.expressions import collection, minimum, param, sum_of, RenderContext
    >>> from grantrules.money import DOWN
    >>> costs = collection("costs")
    >>> total = Amount("total_cost", sum_of(costs.amount_excl_vat),
    ...                basis=Basis("Délibération n° 2024-112"),
    ...                label={"fr": "le coût total", "en": "the total cost"})
    >>> award = Amount("award", minimum(param("feder_rate").of(total), param("ceiling")),
    ...                basis=Basis("Délibération n° 2024-112"), rounding=DOWN)
    >>> award.formula.render(RenderContext("en", total.labels()))
    'the least of feder_rate of the total cost (rounded down to the cent) and ceiling'
    >>> sorted(award.depends_on())
    ['total_cost']

    .. versionadded:: 0.1
    """

    id: str
    formula: Expr = attrs.field(converter=const)
    basis: Basis = attrs.field(kw_only=True)
    rounding: Rounding | RoundingRule | None = attrs.field(kw_only=True, default=None)
    label: Mapping[str, str] = attrs.field(kw_only=True, factory=dict)
    exceptions: tuple[Override, ...] = attrs.field(kw_only=True, default=(), converter=overrides)

    def __attrs_post_init__(self) -> None:
        if not self.id.isidentifier():
            raise InvalidArgument(f"amount id {self.id!r} must be an identifier like 'total_cost'")
        if not isinstance(self.basis, Basis):
            raise InvalidArgument(f"amount {self.id}: basis must be a Basis, got {self.basis!r}")
        if self.label and any(not self.label.get(lang) for lang in LANGS):
            raise InvalidArgument(f"amount {self.id}: label needs {' and '.join(LANGS)}")
        if self.rounding is not None:
            check_rounding_rule(self.rounding)
        for node in (n for e in self.expressions() for n in e.walk()):
            if isinstance(node, ApplyRate | Round) and self.rounding not in (None, node.rounding):
                raise SchemeDefinitionError(
                    f"amount {self.id} declares rounding {self.rounding.name} but its formula "
                    f"rounds {node.rounding.name}: state the rule's rounding once, e.g. "
                    "ROUNDING = DOWN.to_euro(), and use it in every rate.of(...)"
                )
        check_overrides(f"amount {self.id}", self.exceptions)
        check_amount(self)  # what is known here: constants and other amounts

    # As an expression, an amount is a reference to its own computed value.
    def own_inputs(self) -> frozenset[Input]:
        return frozenset({Input("amount", self.id)})

    def compile(self) -> Compiled:
        return AmountRef(self.id).compile()

    def render(self, ctx: RenderContext) -> str:
        return ctx.label(f"amount:{self.id}", self.id)

    def expressions(self) -> tuple[Expr, ...]:
        """The formula and every exception's condition and replacement."""
        found = [self.formula]
        for override in self.exceptions:
            found += [override.when, override.then]
        return tuple(found)

    def depends_on(self) -> frozenset[str]:
        """Ids of the amounts this one reads."""
        return frozenset(
            i.name for e in self.expressions() for i in e.inputs() if i.kind == "amount"
        )

    def labels(self) -> dict[str, Mapping[str, str]]:
        """The amount's label keyed for :class:`~grantrules.expressions.RenderContext`.

        >>> from grantrules.money import Euro
        >>> Amount("total_cost", Euro.ZERO, basis=Basis("Règlement"),
        ...        label={"fr": "le coût total", "en": "the total cost"}).labels()
        {'amount:total_cost': {'fr': 'le coût total', 'en': 'the total cost'}}
        """
        return {f"amount:{self.id}": self.label} if self.label else {}


def order_amounts(amounts: Iterable[Amount]) -> tuple[Amount, ...]:
    """Amounts in an order where each comes after those it reads; cycles are refused.

    :class:`~grantrules.scheme.SchemeVersion` orders its amounts so on construction.

    Args:
        amounts: the amounts of one scheme version, in any order.

    Returns:
        The same amounts, each after every amount it reads.

    Raises:
        SchemeDefinitionError: two amounts share an id, an amount reads an unknown amount, or
            the amounts form a cycle.

    >>> from grantrules.expressions import collection, param, sum_of
    >>> basis = Basis("Délibération n° 2024-112")
    >>> total = Amount("total_cost", sum_of(collection("costs").amount_excl_vat), basis=basis)
    >>> award = Amount("award", param("feder_rate").of(total), basis=basis)
    >>> [amount.id for amount in order_amounts([award, total])]
    ['total_cost', 'award']

    .. versionadded:: 0.1
    """
    by_id: dict[str, Amount] = {}
    for amount in amounts:
        if amount.id in by_id:
            raise SchemeDefinitionError(f"two amounts have the id {amount.id!r}")
        by_id[amount.id] = amount
    graph: dict[str, Any] = {}
    for amount in by_id.values():
        unknown = amount.depends_on() - by_id.keys()
        if unknown:
            raise SchemeDefinitionError(
                f"amount {amount.id} reads unknown amounts {sorted(unknown)}; "
                f"known: {sorted(by_id)}"
            )
        graph[amount.id] = amount.depends_on()
    try:
        order = tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise SchemeDefinitionError(f"amounts form a cycle: {cycle}") from None
    return tuple(by_id[i] for i in order)
