"""Units of expressions, checked when a rule is defined: one more reader of the tree.

Every node has a unit: ``EUR``, ``rate``, ``count``, ``date``, ``bool``, ``code``, ``text``, or
a collection unit (``codes``, ``list``, ``period``); ``None`` means not known yet (a field read
without the application model, a parameter without its parameter set).  Each level of
definition checks what it knows: a :class:`~grantrules.rules.Criterion` or an
:class:`~grantrules.amounts.Amount` its constants and amounts, a
:class:`~grantrules.scheme.SchemeVersion` also its parameters' units, a
:class:`~grantrules.scheme.Scheme` also the application model's field types.  So that
``const(Rate("100%")) - amount`` is refused when it is written, not with a bare ``TypeError``
when an application is evaluated.

>>> from grantrules.expressions import const, param
>>> from grantrules.money import Rate
>>> unit_of(const(1) - param("min_own_share"), Units(params={"min_own_share": "rate"}))
'rate'
"""

from __future__ import annotations

import datetime
import functools
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from grantrules.dates import DateRange
from grantrules.errors import SchemeDefinitionError
from grantrules.expressions import (
    Aggregate,
    AmountRef,
    ApplyRate,
    Arith,
    Between,
    Compare,
    Const,
    Expr,
    Extremum,
    Field,
    In,
    IsSet,
    Item,
    Logic,
    Not,
    Param,
    RenderContext,
    Round,
    ShiftDate,
    StartsWith,
    Supplied,
    When,
)
from grantrules.money import Euro, Rate

__all__ = ["Units", "check_amount", "check_criterion", "check_units", "field_unit", "unit_of"]

# Parameter units (parameters.UNITS) as expression units.
_PARAM_UNITS = {
    "EUR": "EUR",
    "rate": "rate",
    "count": "count",
    "years": "count",
    "days": "count",
    "bool": "bool",
    "text": "text",
    "date": "date",
    "date_range": "period",
    "codes": "codes",
}
# What a unit is called in messages.
_WORDS = {
    "EUR": "an amount (EUR)",
    "rate": "a rate",
    "count": "a whole number",
    "date": "a date",
    "bool": "a condition (true or false)",
    "code": "a code",
    "text": "a text",
    "codes": "a list of codes",
    "list": "a list",
    "period": "a period",
}
_TEXTS = frozenset({"code", "text"})


@attrs.frozen
class Units:
    """What is known of the units of inputs: parameters' units and fields' units."""

    params: Mapping[str, str] = attrs.field(factory=dict)
    fields: Callable[[str], str | None] = lambda path: None


class _Mismatch(Exception):
    def __init__(self, node: Expr, problem: str) -> None:
        super().__init__(problem)
        self.node, self.problem = node, problem


def _word(unit: str | None) -> str:
    return _WORDS.get(unit or "", "a value")


def _same(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b or {a, b} <= _TEXTS


def _expect(node: Expr, unit: str | None, wanted: str, what: str) -> None:
    if unit is not None and not _same(unit, wanted):
        raise _Mismatch(node, f"{what} must be {_word(wanted)}, not {_word(unit)}")


def _type_unit(tp: Any) -> str | None:
    """The unit of values of the Python type ``tp`` (a field's annotation)."""
    if tp is Euro:
        return "EUR"
    if tp is Rate:
        return "rate"
    if tp is bool:
        return "bool"
    if tp is int:
        return "count"
    if tp is datetime.date:
        return "date"
    if tp is str:
        return "text"
    if tp is DateRange:
        return "period"
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return "code"
    if origin in (tuple, list, frozenset):
        return "list"
    return None


def field_unit(model: type) -> Callable[[str], str | None]:
    """The units of the fields of the application model ``model``, by dotted path."""
    from grantrules.scheme import field_type

    @functools.cache
    def unit(path: str) -> str | None:
        return _type_unit(field_type(model, path))

    return unit


@functools.singledispatch
def _unit(node: Expr, units: Units) -> str | None:
    """A node this reader does not know (a scheme's own node): not checked.  An
    :class:`~grantrules.amounts.Amount` used in a formula reads its value: money."""
    children = node.children()
    if not children and any(i.kind == "amount" for i in node.own_inputs()):
        return "EUR"
    for child in children:
        _unit(child, units)
    return None


def unit_of(expr: Expr, units: Units | None = None) -> str | None:
    """The unit of ``expr``; raises ``_Mismatch`` (see :func:`check_units`)."""
    return _unit(expr, units or Units())


@_unit.register
def _(node: Const, units: Units) -> str | None:
    value = node.value
    if isinstance(value, Euro):
        return "EUR"
    if isinstance(value, Rate):
        return "rate"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "count"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, str):
        return "code"
    if isinstance(value, DateRange):
        return "period"
    if isinstance(value, tuple | frozenset):
        return "codes"
    return None


@_unit.register
def _(node: Field, units: Units) -> str | None:
    return units.fields(node.path)


@_unit.register
def _(node: Item, units: Units) -> str | None:
    return units.fields(node.key) if node.attr is not None else None


@_unit.register
def _(node: Param, units: Units) -> str | None:
    unit = units.params.get(node.name)
    return _PARAM_UNITS.get(unit) if unit is not None else None


@_unit.register(AmountRef)
def _(node: Expr, units: Units) -> str | None:
    return "EUR"


def _bool(node: Expr, units: Units) -> str:
    for child in node.children():
        _expect(child, _unit(child, units), "bool", "each operand of and / or / not")
    return "bool"


_unit.register(Logic, _bool)
_unit.register(Not, _bool)


@_unit.register
def _(node: Compare, units: Units) -> str:
    left, right = _unit(node.left, units), _unit(node.right, units)
    if not _same(left, right) and not {left, right} <= {"rate", "count"} - {None}:
        raise _Mismatch(node, f"cannot compare {_word(left)} with {_word(right)}")
    if {left, right} == {"rate", "count"}:
        _whole_rate(node, node.left if left == "count" else node.right)
    return "bool"


def _whole_rate(node: Expr, number: Expr) -> None:
    # Only the constants 0 and 1 stand for rates (1 - rate, rate > 0).
    if not (isinstance(number, Const) and number.value in (0, 1)):
        raise _Mismatch(node, "a rate combines with other rates, or with the numbers 0 and 1")


@_unit.register
def _(node: Between, units: Units) -> str:
    value, low, high = (_unit(c, units) for c in node.children())
    for bound in (low, high):
        if not _same(value, bound):
            raise _Mismatch(node, f"cannot compare {_word(value)} with {_word(bound)}")
    return "bool"


@_unit.register(In)
@_unit.register(StartsWith)
@_unit.register(IsSet)
@_unit.register(Supplied)
def _(node: Expr, units: Units) -> str:
    for child in node.children():
        _unit(child, units)
    return "bool"


@_unit.register
def _(node: Arith, units: Units) -> str | None:
    left, right = _unit(node.left, units), _unit(node.right, units)
    verb = {"add": "add", "sub": "subtract", "mul": "multiply"}[node.op]
    if node.op == "mul":
        _expect(node.left, left, "rate", "a product's operands (rate x rate)")
        _expect(node.right, right, "rate", "a product's operands (rate x rate)")
        return "rate"
    if {left, right} == {"rate", "count"}:
        _whole_rate(node, node.left if left == "count" else node.right)
        return "rate"
    if not _same(left, right):
        raise _Mismatch(node, f"cannot {verb} {_word(left)} and {_word(right)}")
    if None in (left, right) and isinstance(node.left if left else node.right, Const):
        return None  # 1 - param(...): the constant does not tell whether it is a rate
    unit = left or right
    if unit not in (None, "EUR", "rate", "count"):
        raise _Mismatch(node, f"cannot {verb} {_word(unit)}s")
    return unit


@_unit.register
def _(node: ApplyRate, units: Units) -> str:
    _expect(node.rate, _unit(node.rate, units), "rate", "what .of() applies")
    _expect(node.amount, _unit(node.amount, units), "EUR", "what a rate applies to")
    return "EUR"


@_unit.register
def _(node: Round, units: Units) -> str:
    _expect(node.operand, _unit(node.operand, units), "EUR", "what is rounded")
    return "EUR"


@_unit.register
def _(node: Extremum, units: Units) -> str | None:
    known = [u for u in (_unit(o, units) for o in node.operands) if u is not None]
    for unit in known[1:]:
        if not _same(unit, known[0]):
            raise _Mismatch(node, f"cannot compare {_word(known[0])} with {_word(unit)}")
    return known[0] if known else None


@_unit.register
def _(node: When, units: Units) -> str | None:
    _expect(node.condition, _unit(node.condition, units), "bool", "the condition of when()")
    then, other = _unit(node.then, units), _unit(node.otherwise, units)
    if not _same(then, other):
        raise _Mismatch(node, f"both branches of when() must agree: {_word(then)}, {_word(other)}")
    return then or other


@_unit.register
def _(node: Aggregate, units: Units) -> str:
    if node.where is not None:
        _expect(node.where, _unit(node.where, units), "bool", "the filter of an aggregate")
    value = _unit(node.value, units) if node.value is not None else None
    if node.kind == "sum":
        if value is not None and not _same(value, node.unit):
            hint = ""
            if value in ("EUR", "count"):
                hint = f": write sum_of(..., unit={value!r})"
            raise _Mismatch(
                node,
                f"what sum_of(unit={node.unit!r}) adds up must be {_word(node.unit)}, "
                f"not {_word(value)}{hint}",
            )
        return node.unit
    return "count" if node.kind == "count" else "list"


@_unit.register
def _(node: ShiftDate, units: Units) -> str:
    _expect(node.operand, _unit(node.operand, units), "date", "what is moved by years")
    _expect(node.years, _unit(node.years, units), "count", "a number of years")
    return "date"


def check_units(
    owner: str, expr: Expr, expected: str | None = None, units: Units | None = None
) -> None:
    """Refuse ``expr`` if its units do not agree (or it is not ``expected``).

    Raises:
        SchemeDefinitionError: naming ``owner``, the problem and the expression, rendered.

    >>> from grantrules.expressions import AmountRef, const
    >>> try:
    ...     check_units("amount award", AmountRef("base") - const(Rate("20%")), "EUR")
    ... except SchemeDefinitionError as error:
    ...     print(error)
    amount award: cannot subtract an amount (EUR) and a rate in: base − 20%
    """
    try:
        unit = unit_of(expr, units)
        if expected is not None and unit is not None and not _same(unit, expected):
            raise _Mismatch(expr, f"must give {_word(expected)}, not {_word(unit)}")
    except _Mismatch as mismatch:
        ctx = RenderContext("en")
        where = mismatch.node.render(ctx)
        whole = expr.render(ctx)
        context = "" if where == whole else f" (in: {whole})"
        raise SchemeDefinitionError(f"{owner}: {mismatch.problem} in: {where}{context}") from None


def check_criterion(criterion: Any, units: Units | None = None) -> None:
    """Check the units of every expression of a :class:`~grantrules.rules.Criterion`."""
    owner = f"criterion {criterion.id}"
    check_units(owner, criterion.condition, "bool", units)
    if criterion.applies_if is not None:
        check_units(f"{owner} (applies_if)", criterion.applies_if, "bool", units)
    for name, detail in criterion.details.items():
        check_units(f"{owner} (detail {name})", detail, None, units)
    for override in criterion.exceptions:
        check_units(f"{owner} (exception {override.label})", override.when, "bool", units)
        check_units(f"{owner} (exception {override.label})", override.then, "bool", units)


def check_amount(amount: Any, units: Units | None = None) -> None:
    """Check the units of every expression of an :class:`~grantrules.amounts.Amount`."""
    owner = f"amount {amount.id}"
    check_units(owner, amount.formula, "EUR", units)
    for override in amount.exceptions:
        check_units(f"{owner} (exception {override.label})", override.when, "bool", units)
        check_units(f"{owner} (exception {override.label})", override.then, "EUR", units)
