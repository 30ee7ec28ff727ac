"""Compile expression trees to Python source, for the fast path of evaluation.

Closures (``Expr.compile``) are the reference semantics: Kleene logic for missing inputs,
precise errors.  This module turns a tree into one Python function whose body is a single
expression using plain ``and``/``or``, so that evaluating a rule costs one call instead of one
call per node.  When no input is missing, plain short-circuit logic gives exactly the Kleene
result; when anything goes wrong (a missing input, an error) the caller runs the closure instead,
which decides with full semantics.  Nodes this module does not know are called as closures.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

from grantrules.amounts import Amount
from grantrules.dates import add_years
from grantrules.errors import EvaluationError
from grantrules.expressions import (
    Aggregate,
    AmountRef,
    ApplyRate,
    Arith,
    Between,
    Compare,
    Const,
    Env,
    Expr,
    Extremum,
    Field,
    In,
    IsSet,
    Item,
    Logic,
    MissingInput,
    Not,
    Param,
    ShiftDate,
    StartsWith,
    When,
)
from grantrules.money import Euro, Rate

__all__ = ["Fast", "fast", "fast_reader", "fast_version"]

Fast = Callable[[Env], Any]

_COMPARE = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def _req(value: Any, name: str) -> Any:
    if value is None:
        raise MissingInput(name)
    return value


def _apply(rate: Any, amount: Any, rounding: Any) -> Euro:
    if not isinstance(rate, Rate):
        raise EvaluationError(f"expected a rate to apply, got {rate!r}")
    result: Euro = rate.apply(amount, rounding)
    return result


class _Gen:
    """Source being generated: constants and helpers go to a namespace under unique names."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "_req": _req,
            "_apply": _apply,
            "_sum": Euro.sum,
            "_add_years": add_years,
        }
        self._names = itertools.count()
        self.items: dict[str, str] = {}

    def bind(self, value: Any) -> str:
        name = f"_k{next(self._names)}"
        self.namespace[name] = value
        return name

    def item_var(self, collection: str) -> str:
        return self.items.setdefault(collection, f"_it{len(self.items)}")


@functools.singledispatch
def _src(node: Expr, g: _Gen) -> str:
    # A node kind without a source form (e.g. a scheme's own Expr subclass): call its closure.
    closure = g.bind(node.compile())
    item = next(iter(g.items.values()), "None") if g.items else "None"
    return f"{closure}(env, {item})"


@_src.register
def _(node: Const, g: _Gen) -> str:
    return g.bind(node.value)


@_src.register
def _(node: Field, g: _Gen) -> str:
    return f"_req(app.{node.path}, {node.path!r})"


@_src.register
def _(node: Param, g: _Gen) -> str:
    return f"P[{node.name!r}]"


@_src.register(AmountRef)
@_src.register(Amount)
def _amount_ref(node: AmountRef | Amount, g: _Gen) -> str:
    return f"_req(A.get({node.id!r}), {node.id!r})"


@_src.register
def _(node: Item, g: _Gen) -> str:
    var = g.items.get(node.collection)
    if var is None:
        return _src.dispatch(Expr)(node, g)
    if node.attr is None:
        return var
    return f"_req({var}.{node.attr}, {node.key!r})"


@_src.register
def _(node: Compare, g: _Gen) -> str:
    return f"({_src(node.left, g)} {_COMPARE[node.op]} {_src(node.right, g)})"


@_src.register
def _(node: Between, g: _Gen) -> str:
    return f"({_src(node.low, g)} <= {_src(node.value, g)} <= {_src(node.high, g)})"


@_src.register
def _(node: Logic, g: _Gen) -> str:
    joiner = " and " if node.op == "and" else " or "
    return "bool(" + joiner.join(_src(o, g) for o in node.operands) + ")"


@_src.register
def _(node: Not, g: _Gen) -> str:
    return f"(not {_src(node.operand, g)})"


@_src.register
def _(node: In, g: _Gen) -> str:
    return f"({_src(node.value, g)} in {_src(node.values, g)})"


@_src.register
def _(node: StartsWith, g: _Gen) -> str:
    return f"str({_src(node.value, g)}).startswith(tuple({_src(node.prefixes, g)}))"


@_src.register
def _(node: Arith, g: _Gen) -> str:
    sign = "+" if node.op == "add" else "-"
    return f"({_src(node.left, g)} {sign} {_src(node.right, g)})"


@_src.register
def _(node: ApplyRate, g: _Gen) -> str:
    rounding = g.bind(node.rounding)
    return f"_apply({_src(node.rate, g)}, {_src(node.amount, g)}, {rounding})"


@_src.register
def _(node: Extremum, g: _Gen) -> str:
    return f"{node.op}(" + ", ".join(_src(o, g) for o in node.operands) + ")"


@_src.register
def _(node: When, g: _Gen) -> str:
    cond, then, other = (_src(x, g) for x in (node.condition, node.then, node.otherwise))
    return f"({then} if {cond} else {other})"


def _aggregate(node: Aggregate, g: _Gen) -> str:
    collection = f"_req(app.{node.collection}, {node.collection!r})"
    outer = dict(g.items)
    var = g.item_var(node.collection)
    cond = f" if {_src(node.where, g)}" if node.where is not None else ""
    value = _src(node.value, g) if node.value is not None else "1"
    g.items = outer
    listing = f"[{value} for {var} in {collection}{cond}]"
    if node.kind == "count":
        return f"len({listing})"
    if node.kind == "sum":
        return f"_sum({listing})"
    return f"tuple({listing})"


@_src.register
def _(node: ShiftDate, g: _Gen) -> str:
    return f"_add_years({_src(node.operand, g)}, {node.sign} * {_src(node.years, g)})"


_src.register(Aggregate, _aggregate)
# IsSet must swallow a missing input, which an expression cannot: keep its closure.
_src.register(IsSet, _src.dispatch(Expr))


def fast(expr: Expr) -> Fast:
    """One Python function evaluating ``expr`` with plain short-circuit logic.

    >>> from grantrules.expressions import field
    >>> import types
    >>> rule = (field("a") > 1) & (field("b") == "x")
    >>> env = Env(types.SimpleNamespace(a=2, b="x"), {}, {}, None)
    >>> fast(rule)(env)
    True
    """
    g = _Gen()
    body = _src(expr, g)
    source = (
        f"def _fast(env):\n    app, P, A = env.app, env.params, env.amounts\n    return {body}\n"
    )
    code = compile(source, f"<rule {body[:60]}>", "exec")
    exec(code, g.namespace)  # source built from our own node classes
    function: Fast = g.namespace["_fast"]
    return function


def fast_version(
    amounts: list[tuple[str, Expr]],
    criteria: list[tuple[Expr | None, Expr]],
    outcomes: tuple[Any, Any, Any],
) -> Fast:
    """One function computing every amount (into ``env.amounts``) and every criterion.

    ``criteria`` are (applies_if, condition) pairs; the function returns, per criterion, one
    of ``outcomes`` = (passed, failed, not applicable).  For versions without labelled
    exceptions; the caller falls back to rule-by-rule evaluation when it raises.
    """
    g = _Gen()
    passed, failed, not_applicable = (g.bind(o) for o in outcomes)
    lines = ["def _fast(env):", "    app, P, A = env.app, env.params, env.amounts"]
    for amount_id, formula in amounts:
        lines.append(f"    A[{amount_id!r}] = {_src(formula, g)}")
    results = []
    for applies, condition in criteria:
        verdict = f"({passed} if {_src(condition, g)} else {failed})"
        if applies is not None:
            verdict = f"({verdict} if {_src(applies, g)} else {not_applicable})"
        results.append(verdict)
    lines.append("    return (" + "".join(f"{r}, " for r in results) + ")")
    exec(compile("\n".join(lines), "<scheme version>", "exec"), g.namespace)
    function: Fast = g.namespace["_fast"]
    return function


def fast_reader(inputs: list[tuple[str, str]]) -> Callable[[Env], dict[str, Any]]:
    """One function reading every (kind, name) input into a dict, ``None`` when unset.

    Field paths are read with plain attribute access: it raises ``AttributeError`` where an
    intermediate object is ``None``, and the caller then reads input by input instead.

    >>> import types
    >>> read = fast_reader([("field", "applicant.age"), ("param", "minimum_age")])
    >>> read(Env(types.SimpleNamespace(applicant=types.SimpleNamespace(age=17)),
    ...          {"minimum_age": 18}, {}, None))
    {'applicant.age': 17, 'minimum_age': 18}
    """
    sources = {"param": "P.get({!r})", "amount": "A.get({!r})"}
    members = [
        f"{name!r}: " + (sources[kind].format(name) if kind in sources else f"app.{name}")
        for kind, name in inputs
    ]
    source = (
        "def _read(env):\n    app, P, A = env.app, env.params, env.amounts\n"
        f"    return {{{', '.join(members)}}}\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<inputs>", "exec"), namespace)  # names checked by Field/Param
    function: Callable[[Env], dict[str, Any]] = namespace["_read"]
    return function
