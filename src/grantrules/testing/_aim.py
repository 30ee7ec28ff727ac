"""Make a sum over a collection hit a target exactly, by adjusting the items' amounts.

Thresholds on amounts such as ``total_cost >= 1000.00`` are reached by generating cost lines
whose sum is the target: the lines counted by the sum are rescaled in proportion, then the
largest one absorbs what is left (VAT and other non-linear parts included).
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

import attrs

from grantrules.decision import Decision
from grantrules.errors import GrantRulesError
from grantrules.evaluate import evaluate
from grantrules.expressions import Aggregate, Compare, Compiled, Const, Env, Item, MissingInput
from grantrules.money import Euro
from grantrules.scheme import Scheme
from grantrules.testing._award import closure_of
from grantrules.testing._build import field_types

__all__ = ["aim_sum", "amounts_of", "computed_amounts", "evaluate_expr", "replace_path"]

_CENT = Decimal("0.01")


def computed_amounts(decision: Decision) -> dict[str, Euro | None]:
    """Every amount as its formula computed it, even the award of an ineligible application.

    >>> computed_amounts(decision)["award"]  # doctest: +SKIP
    Euro('5000.00')
    """
    values: dict[str, Euro | None] = {}
    for result in decision.amounts:
        value = result.value
        if result.exception == "ineligible" and "computed" in result.inputs:
            computed = result.inputs["computed"]
            value = None if computed is None else Euro(computed)
        values[result.id] = value
    return values


def replace_path(obj: Any, path: str, value: Any) -> Any:
    """A copy of the attrs instance ``obj`` with the dotted ``path`` set to ``value``."""
    head, _, rest = path.partition(".")
    if not rest:
        return attrs.evolve(obj, **{head: value})
    return attrs.evolve(obj, **{head: replace_path(getattr(obj, head), rest, value)})


# Expression nodes compare and hash by identity (``eq=False``): the cache holds the node
# itself, so an entry can never answer for another node that reuses a freed id.
@functools.lru_cache(maxsize=1024)
def _closures(aggregate: Aggregate) -> tuple[Compiled, Compiled | None, Compiled | None]:
    value = aggregate.value.compile() if aggregate.value is not None else None
    where = aggregate.where.compile() if aggregate.where is not None else None
    return aggregate.compile(), value, where


def _euro_attribute(aggregate: Aggregate, item_type: type) -> str | None:
    """The first field of the items that the summed value reads, of the sum's unit (a Euro
    field for a sum of amounts, an int field for a sum of counts)."""
    if aggregate.value is None:
        return None
    wanted = int if aggregate.unit == "count" else Euro
    types = field_types(item_type)
    for node in aggregate.value.walk():
        if isinstance(node, Item) and node.attr and types.get(node.attr) is wanted:
            return node.attr
    return None


def _as_number(value: Any) -> Decimal:
    return value.amount if isinstance(value, Euro) else Decimal(value)


class _Context:
    """Evaluates an aggregate over successive versions of one application."""

    def __init__(self, scheme: Scheme, day: datetime.date, amounts: dict[str, Any]) -> None:
        version = scheme.version_at(day)
        self.params = version.parameters_at(day)
        self.day = day
        self.amounts = amounts

    def env(self, app: Any) -> Env:
        return Env(app, self.params, dict(self.amounts), self.day)


def _counted(where: Compiled | None, env: Env, items: Sequence[Any]) -> list[int]:
    counted = []
    for index, item in enumerate(items):
        try:
            if where is None or where(env, item):
                counted.append(index)
        except (MissingInput, GrantRulesError, TypeError):
            continue
    return counted


def _matching_item(aggregate: Aggregate, model: Any, attribute: str) -> Any:
    """A copy of ``model`` that a filter ``item.field == constant`` counts, worth nothing."""
    where = aggregate.where
    if not isinstance(where, Compare) or where.op != "eq":
        return None
    for side, other in ((where.left, where.right), (where.right, where.left)):
        if isinstance(side, Item) and side.attr and isinstance(other, Const):
            try:
                zero = 0 if aggregate.unit == "count" else Euro.ZERO
                return attrs.evolve(model, **{side.attr: other.value, attribute: zero})
            except (ValueError, TypeError, GrantRulesError):
                return None
    return None


def _rescale(values: list[Decimal], total: Decimal, step: Decimal = _CENT) -> list[Decimal]:
    """Split ``total`` in proportion to ``values`` (to the ``step``, remainder on the
    largest)."""
    weight = sum(values)
    if weight == 0:
        return [total] + [Decimal(0)] * (len(values) - 1)
    shares = [(total * v / weight).quantize(step, rounding=ROUND_DOWN) for v in values]
    largest = max(range(len(values)), key=values.__getitem__)
    shares[largest] += total - sum(shares)
    return shares


def aim_sum(
    scheme: Scheme,
    app: Any,
    aggregate: Aggregate,
    target: Euro | int,
    *,
    day: datetime.date,
    amounts: dict[str, Any],
    pinned: frozenset[int] = frozenset(),
) -> tuple[Any, frozenset[int]]:
    """``app`` with the items counted by ``aggregate`` adjusted so that it sums to ``target``
    (an amount, or a whole number for a sum of counts).

    Items in ``pinned`` (already aimed at another target) are left alone.  Returns the new
    application and the indices of the items it adjusted; when no item can carry the target
    the application comes back unchanged.
    """
    context = _Context(scheme, day, amounts)
    total_fn, _, where = _closures(aggregate)
    get = operator.attrgetter(aggregate.collection)
    items = list(get(app))
    if not items:
        return app, frozenset()
    attribute = _euro_attribute(aggregate, type(items[0]))
    every = _counted(where, context.env(app), items)
    if not every and attribute is not None:
        # No item is counted (no own-funds line in the plan): add one the filter counts.
        extra = _matching_item(aggregate, items[0], attribute)
        if extra is not None:
            items.append(extra)
            app = replace_path(app, aggregate.collection, tuple(items))
            every = _counted(where, context.env(app), items)
    # Items pinned by an earlier aim are kept, unless no other item can carry this one.
    counted = [i for i in every if i not in pinned] or every
    if attribute is None or not counted:
        return app, frozenset()
    try:
        current = total_fn(context.env(app), None)
    except (MissingInput, GrantRulesError, TypeError):
        return app, frozenset()
    whole = aggregate.unit == "count"
    if whole != isinstance(target, int):
        return app, frozenset()
    make: Any = int if whole else Euro
    own = [_as_number(getattr(items[i], attribute)) for i in counted]
    wanted = sum(own) + (_as_number(target) - _as_number(current))
    if wanted < 0:
        return app, frozenset()
    shares = _rescale(own, wanted, Decimal(1) if whole else _CENT)
    for index, share in zip(counted, shares, strict=True):
        items[index] = attrs.evolve(items[index], **{attribute: make(share)})
    app = replace_path(app, aggregate.collection, tuple(items))
    # Non-linear parts (VAT added when not recoverable...) may leave a gap: close it once.
    gap = _as_number(target) - _as_number(total_fn(context.env(app), None))
    if gap:
        largest = max(counted, key=lambda i: _as_number(getattr(items[i], attribute)))
        fixed = _as_number(getattr(items[largest], attribute)) + gap
        if fixed >= 0:
            items[largest] = attrs.evolve(items[largest], **{attribute: make(fixed)})
            app = replace_path(app, aggregate.collection, tuple(items))
    return app, frozenset(counted)


def amounts_of(scheme: Scheme, app: Any, day: datetime.date) -> dict[str, Euro | None]:
    """The computed amounts of ``app`` on ``day`` (empty when evaluation fails)."""
    try:
        return computed_amounts(evaluate(scheme, app, on=day))
    except GrantRulesError:
        return {}


def evaluate_expr(
    scheme: Scheme, app: Any, day: datetime.date, expr: Any, amounts: dict[str, Any]
) -> Any:
    """Evaluate ``expr`` on ``app`` with the computed ``amounts`` (None when it cannot)."""
    context = _Context(scheme, day, amounts)
    try:
        return closure_of(expr)(context.env(app), None)
    except (MissingInput, GrantRulesError, TypeError):
        return None
