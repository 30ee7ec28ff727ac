"""Translate an expression tree into z3 terms, node by node, as the reference semantics say.

Each node type of :data:`grantrules.expressions.NODE_TYPES`, and an
:class:`~grantrules.amounts.Amount` read as a value, has one rule here, written from its
``compile()`` (the definition; see :mod:`grantrules.testing.reference`); a node type added to
the language without one fails ``tests/test_node_types.py``.  The dispatch is on
the exact type: a scheme's own :class:`~grantrules.expressions.Expr` subclass, even one
derived from a known node, raises :class:`~grantrules.prove._values.Untranslatable` naming it,
and whatever depends on it is then reported ``unknown`` rather than guessed.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import z3

from grantrules import expressions as ex
from grantrules.amounts import Amount
from grantrules.dates import DateRange
from grantrules.money import Euro, Rate
from grantrules.prove._rounding import quantum_cents, rounded_quanta
from grantrules.prove._shape import Shape
from grantrules.prove._values import (
    Code,
    Day,
    Lit,
    Money,
    RateChoice,
    Untranslatable,
    Value,
    Whole,
    as_bool,
    as_day,
    as_money,
    as_rate,
    as_whole,
)

__all__ = ["Translator", "is_money", "merge"]

Item = tuple[str, int] | None  # the collection and slot an item expression reads

# The comparisons mean what they mean in the evaluator.
_PY_COMPARE = ex.COMPARE_OPS


def is_money(v: Value) -> bool:
    return isinstance(v, Money) or (isinstance(v, Lit) and isinstance(v.value, Euro))


def _is_whole(v: Value) -> bool:
    return isinstance(v, Whole) or (
        isinstance(v, Lit) and isinstance(v.value, int) and not isinstance(v.value, bool)
    )


def _is_day(v: Value) -> bool:
    return isinstance(v, Day) or (
        isinstance(v, Lit)
        and isinstance(v.value, datetime.date)
        and not isinstance(v.value, datetime.datetime)
    )


def _is_text(v: Value) -> bool:
    return isinstance(v, Code) or (isinstance(v, Lit) and isinstance(v.value, str))


def _is_rate(v: Value) -> bool:
    return isinstance(v, RateChoice) or (isinstance(v, Lit) and isinstance(v.value, Rate))


def _equal_text(a: Value, b: Value) -> Any:
    if isinstance(a, Lit) and isinstance(b, Lit):
        return z3.BoolVal(a.value == b.value)
    if isinstance(a, Lit):
        a, b = b, a
    assert isinstance(a, Code)
    if isinstance(b, Lit):
        return a.where(lambda v: v == b.value)
    assert isinstance(b, Code)
    pairs = [
        z3.And(a.index == i, b.index == j)
        for i, x in enumerate(a.domain)
        for j, y in enumerate(b.domain)
        if x == y
    ]
    return z3.Or(pairs) if pairs else z3.BoolVal(False)


class Translator:
    """Translates the expressions of one scheme version at one date.

    Args:
        shape: the application's variables.
        params: the parameters in force (after ``--set`` overrides).
    """

    def __init__(self, shape: Shape, params: Mapping[str, Any]) -> None:
        self.shape, self.params = shape, params
        self.amounts: dict[str, Value] = {}
        self._rules: dict[type, Callable[[Any, Item], Value]] = {
            ex.Const: lambda n, i: Lit(n.value),
            ex.Param: self._param,
            ex.Field: lambda n, i: self.shape.field(n.path),
            ex.Item: self._item,
            ex.AmountRef: lambda n, i: self._amount(n.id),
            Amount: lambda n, i: self._amount(n.id),
            ex.Compare: self._compare,
            ex.Between: self._between,
            ex.Logic: self._logic,
            ex.Not: lambda n, i: z3.Not(self.condition(n.operand, i)),
            ex.In: self._in,
            ex.StartsWith: self._starts_with,
            ex.Arith: self._arith,
            ex.ApplyRate: self._apply_rate,
            ex.Round: self._round,
            ex.Extremum: self._extremum,
            ex.Aggregate: self._aggregate,
            ex.When: self._when,
            # Within the bounds every input is given (see _shape), so these always hold.
            ex.IsSet: lambda n, i: z3.BoolVal(True),
            ex.Supplied: lambda n, i: z3.BoolVal(True),
            ex.ShiftDate: self._shift_date,
        }

    # -- entry points --------------------------------------------------------------------
    def value(self, node: ex.Expr, item: Item = None) -> Value:
        rule = self._rules.get(type(node))
        if rule is None:
            raise Untranslatable(f"the node {type(node).__name__} ({_describe(node)})")
        return rule(node, item)

    def condition(self, node: ex.Expr, item: Item = None) -> Any:
        return as_bool(self.value(node, item), _describe(node))

    def money(self, node: ex.Expr, item: Item = None) -> Any:
        return as_money(self.value(node, item), _describe(node))

    # -- leaves --------------------------------------------------------------------------
    def _param(self, node: ex.Param, item: Item) -> Value:
        if node.name not in self.params:
            raise Untranslatable(f"parameter {node.name} has no value on this date")
        return Lit(self.params[node.name])

    def _item(self, node: ex.Item, item: Item) -> Value:
        if item is None or item[0] != node.collection:
            raise Untranslatable(f"{node.key} read outside a sum or count over {node.collection}")
        return self.shape.item(node.collection, item[1], node.attr)

    def _amount(self, amount_id: str) -> Value:
        if amount_id not in self.amounts:
            raise Untranslatable(f"amount {amount_id} read before it is computed")
        return self.amounts[amount_id]

    # -- comparisons and logic -----------------------------------------------------------
    def _compare(self, node: ex.Compare, item: Item) -> Any:
        return self._compared(node.op, self.value(node.left, item), self.value(node.right, item))

    def _compared(self, op: str, a: Value, b: Value) -> Any:
        what = f"comparison {op}"
        if isinstance(a, Lit) and isinstance(b, Lit):
            return z3.BoolVal(bool(_PY_COMPARE[op](a.value, b.value)))
        fn = _PY_COMPARE[op]
        if is_money(a) or is_money(b):
            return fn(as_money(a, what), as_money(b, what))
        if _is_whole(a) or _is_whole(b):
            return fn(as_whole(a, what), as_whole(b, what))
        if _is_day(a) or _is_day(b):
            return fn(as_day(a, what).key(), as_day(b, what).key())
        if _is_text(a) and _is_text(b) and op in ("eq", "ne"):
            same = _equal_text(a, b)
            return same if op == "eq" else z3.Not(same)
        if op in ("eq", "ne"):
            same = as_bool(a, what) == as_bool(b, what)
            return same if op == "eq" else z3.Not(same)
        raise Untranslatable(f"{what} between {type(a).__name__} and {type(b).__name__}")

    def _between(self, node: ex.Between, item: Item) -> Any:
        value = self.value(node.value, item)
        low, high = self.value(node.low, item), self.value(node.high, item)
        return z3.And(self._compared("le", low, value), self._compared("le", value, high))

    def _logic(self, node: ex.Logic, item: Item) -> Any:
        # Within the bounds no input is missing, so Kleene logic is Boolean logic.
        parts = [self.condition(o, item) for o in node.operands]
        return z3.And(parts) if node.op == "and" else z3.Or(parts)

    def _in(self, node: ex.In, item: Item) -> Any:
        values_node = node.values
        if isinstance(values_node, ex.Field) and self.shape.is_collection(values_node.path):
            value = self.value(node.value, item)
            coll = self.shape.collection(values_node.path)
            return z3.Or(
                [
                    z3.And(
                        coll.active(i),
                        self._compared("eq", self.shape.item(coll.path, i, None), value),
                    )
                    for i in range(coll.size)
                ]
            )
        value, values = self.value(node.value, item), self.value(values_node, item)
        if not isinstance(values, Lit):
            raise Untranslatable(f"membership in {_describe(values_node)}, not a constant")
        if node.period or isinstance(values.value, DateRange):
            period: DateRange = values.value
            day = as_day(value, "a date in a period")
            return z3.And(
                as_day(Lit(period.start), "").key() <= day.key(),
                day.key() <= as_day(Lit(period.end), "").key(),
            )
        members = values.value
        if isinstance(value, Lit):
            return z3.BoolVal(value.value in members)
        if isinstance(value, Code):
            return value.where(lambda v: v in members)
        return z3.Or([self._compared("eq", value, Lit(m)) for m in members] or [False])

    def _starts_with(self, node: ex.StartsWith, item: Item) -> Any:
        value, prefixes = self.value(node.value, item), self.value(node.prefixes, item)
        if not isinstance(prefixes, Lit):
            raise Untranslatable("starts_with_any() with prefixes that are not constants")
        options = tuple(str(p) for p in prefixes.value)
        if isinstance(value, Lit):
            return z3.BoolVal(str(value.value).startswith(options))
        if not isinstance(value, Code):
            raise Untranslatable(f"starts_with_any() on {type(value).__name__}")
        return value.where(lambda v: v.startswith(options))

    # -- arithmetic ----------------------------------------------------------------------
    def _arith(self, node: ex.Arith, item: Item) -> Value:
        a, b = self.value(node.left, item), self.value(node.right, item)
        if isinstance(a, Lit) and isinstance(b, Lit):
            return Lit(ex.ARITH_OPS[node.op](a.value, b.value))
        what = f"arithmetic {node.op}"
        if _is_rate(a) or _is_rate(b):
            ra, rb = as_rate(a, what), as_rate(b, what)
            fn = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}[node.op]
            return RateChoice(
                tuple(
                    (z3.And(ga, gb), fn(fa, fb)) for ga, fa in ra.options for gb, fb in rb.options
                )
            )
        if node.op == "mul":
            raise Untranslatable(f"{what} on {type(a).__name__}")
        fn2 = operator.add if node.op == "add" else operator.sub
        if is_money(a) or is_money(b):
            return Money(fn2(as_money(a, what), as_money(b, what)))
        if _is_whole(a) or _is_whole(b):
            return Whole(fn2(as_whole(a, what), as_whole(b, what)))
        raise Untranslatable(f"{what} on {type(a).__name__} and {type(b).__name__}")

    def _apply_rate(self, node: ex.ApplyRate, item: Item) -> Value:
        rate = as_rate(self.value(node.rate, item), "a rate")
        amount = self.money(node.amount, item)
        quantum = quantum_cents(node.rounding)
        result: Any = None
        for guard, fraction in reversed(rate.options):
            term = quantum * rounded_quanta(
                amount * fraction.numerator, fraction.denominator * quantum, node.rounding.mode
            )
            result = term if result is None else z3.If(guard, term, result)
        return Money(result)

    def _round(self, node: ex.Round, item: Item) -> Value:
        quantum = quantum_cents(node.rounding)
        amount = self.money(node.operand, item)
        return Money(quantum * rounded_quanta(amount, quantum, node.rounding.mode))

    def _extremum(self, node: ex.Extremum, item: Item) -> Value:
        values = [self.value(o, item) for o in node.operands]
        if all(isinstance(v, Lit) for v in values):
            fn = min if node.op == "min" else max
            return Lit(fn(v.value for v in values if isinstance(v, Lit)))
        money = any(is_money(v) for v in values)
        terms = [as_money(v, "min/max") if money else as_whole(v, "min/max") for v in values]
        best = terms[0]
        for term in terms[1:]:
            better = term < best if node.op == "min" else term > best
            best = z3.If(better, term, best)
        return Money(best) if money else Whole(best)

    def _aggregate(self, node: ex.Aggregate, item: Item) -> Value:
        if node.kind == "list":
            raise Untranslatable(f"list_of() over {node.collection}")
        coll = self.shape.collection(node.collection)
        parts = []
        for i in range(coll.size):
            here = (coll.path, i)
            chosen = coll.active(i)
            if node.where is not None:
                chosen = z3.And(chosen, self.condition(node.where, here))
            if node.kind == "count":
                parts.append(z3.If(chosen, 1, 0))
            elif node.unit == "count":  # sum_of(..., unit="count") adds whole numbers
                assert node.value is not None
                whole = as_whole(self.value(node.value, here), "sum_of(unit='count')")
                parts.append(z3.If(chosen, whole, 0))
            else:
                assert node.value is not None
                value = self.value(node.value, here)
                term = (
                    as_whole(value, "a sum")
                    if isinstance(value, Whole)
                    else as_money(value, "a sum")
                )
                parts.append(z3.If(chosen, term, 0))
        total = z3.Sum(parts) if parts else z3.IntVal(0)
        # A sum of whole numbers (unit="count": inhabitants) is a whole number.
        whole = node.kind == "count" or getattr(node, "unit", "EUR") == "count"
        return Whole(total) if whole else Money(total)

    def _when(self, node: ex.When, item: Item) -> Value:
        cond = self.condition(node.condition, item)
        a, b = self.value(node.then, item), self.value(node.otherwise, item)
        return merge(cond, a, b, _describe(node))

    def _shift_date(self, node: ex.ShiftDate, item: Item) -> Value:
        years = self.value(node.years, item)
        if not (isinstance(years, Lit) and isinstance(years.value, int)):
            raise Untranslatable("years_before()/years_after() by a number that is not constant")
        day = as_day(self.value(node.operand, item), "a date")
        year = day.year + node.sign * years.value
        leap = z3.And(year % 4 == 0, z3.Or(year % 100 != 0, year % 400 == 0))
        # 29 February becomes 28 February in a common year (grantrules.dates.add_years).
        clipped = z3.If(z3.And(day.month == 2, day.day == 29, z3.Not(leap)), 28, day.day)
        return Day(year, day.month, clipped)


def merge(cond: Any, a: Value, b: Value, what: str) -> Value:
    """``a`` where ``cond`` holds, else ``b``: the value of a conditional or an exception."""
    if (
        isinstance(a, Lit)
        and isinstance(b, Lit)
        and a.value == b.value
        and type(a.value) is type(b.value)
    ):
        return a
    if is_money(a) or is_money(b):
        return Money(z3.If(cond, as_money(a, what), as_money(b, what)))
    if _is_rate(a) or _is_rate(b):
        ra, rb = as_rate(a, what), as_rate(b, what)
        return RateChoice(
            tuple((z3.And(cond, g), f) for g, f in ra.options)
            + tuple((z3.And(z3.Not(cond), g), f) for g, f in rb.options)
        )
    if _is_whole(a) or _is_whole(b):
        return Whole(z3.If(cond, as_whole(a, what), as_whole(b, what)))
    if _is_day(a) or _is_day(b):
        da, db = as_day(a, what), as_day(b, what)
        return Day(
            z3.If(cond, da.year, db.year),
            z3.If(cond, da.month, db.month),
            z3.If(cond, da.day, db.day),
        )
    if isinstance(a, Code) and isinstance(b, Code) and a.domain == b.domain:
        return Code(a.domain, z3.If(cond, a.index, b.index))
    try:
        return z3.If(cond, as_bool(a, what), as_bool(b, what))
    except Untranslatable:
        raise Untranslatable(f"{what}: a conditional on codes or texts") from None


def _describe(node: Any) -> str:
    try:
        text = node.render(ex.RenderContext("en"))
    except Exception:  # a scheme's own node may not render: its type name is enough
        return type(node).__name__
    return str(text) if len(text) <= 80 else str(text)[:77] + "..."


def fraction(rate: Rate) -> Fraction:
    return Fraction(rate.value)
