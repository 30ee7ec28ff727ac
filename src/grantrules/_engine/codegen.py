"""Compile expression trees to Python source: the implementation of evaluation.

Closures (``Expr.compile``) are the reference semantics: Kleene logic for missing inputs,
precise errors.  This module turns a tree into Python source using plain ``and``/``or``, so
that evaluating a rule costs one call instead of one call per node.  When no input is missing,
plain short-circuit logic gives exactly the Kleene result; generated code raises
``MissingInput`` or ``Undecided`` (see :mod:`grantrules._engine.runtime`) where it cannot
decide, and only then does the caller ask the reference.  Any other exception is an error.

A node kind this module has no source form for (a scheme's own ``Expr`` subclass) is called
as its closure from generated code: the one explicit interpreter path, listed in
``_Gen.interpreted`` and refused under ``GRANTRULES_STRICT=1``.  Generated source is
registered with :mod:`linecache`, as attrs does, so tracebacks and profilers show it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from grantrules._engine.runtime import RUNTIME, Undecided
from grantrules._engine.source import exec_source
from grantrules._engine.strict import StrictModeError, strict
from grantrules.amounts import Amount
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
    Not,
    Param,
    Round,
    ShiftDate,
    StartsWith,
    Supplied,
    When,
)
from grantrules.money import Euro, Rounding
from grantrules.scheme import field_type

__all__ = ["Fast", "fast", "has_source"]

Fast = Callable[[Env], Any]

_COMPARE = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


# Kinds of prologue locals computed from the parameters alone (see _Gen.local, .function):
# a parameter, its raw amount, its tuple of prefixes, its set of members, a rate's Decimal.
_FROM_PARAMS = frozenset({"p", "r", "t", "m", "q"})


class _Gen:
    """Source being generated: constants and helpers go to a namespace under unique names.

    Fields and parameters are read once, into locals assigned by the function's prologue;
    reading them eagerly can raise where a lazy read would not (an intermediate object that is
    ``None``, a parameter not in force), which only sends the application to the closures.
    An amount computed earlier in the same function is read from its local.
    """

    def __init__(self, model: type | None = None, units: Mapping[str, str] | None = None) -> None:
        self.namespace: dict[str, Any] = dict(RUNTIME)
        # Without the application model or the parameters' units, nothing is known to be
        # money and the generated code works on Euro objects throughout.
        self.model, self.units = model, units or {}
        self.raw_amounts: dict[str, str] = {}
        self._names = itertools.count()
        self._bound: dict[tuple[str, Any], str] = {}
        self.items: dict[str, str] = {}
        self.prologue: dict[str, str] = {}  # local -> expression
        self._kinds: dict[str, str] = {}  # local -> kind (see local)
        self._locals: dict[tuple[str, str], str] = {}
        self.amounts: dict[str, str] = {}  # amount id -> local, once assigned
        # Sums and counts computed by loop statements (_version_function): id -> local.
        self.hoisted: dict[int, str] = {}
        # Inside such a loop: collection -> item attribute -> local read at the loop's head.
        self.item_locals: dict[str, dict[str, str]] = {}
        # The parameters read in the prologue: all must be in force (else Undecided).
        self.params_read: set[str] = set()
        # Node kinds evaluated by their closure (the explicit interpreter path).
        self.interpreted: list[str] = []

    def bind(self, value: Any) -> str:
        """The name of ``value`` in the namespace; one name per object (and per string), so
        that equal expressions give equal sources."""
        key = ("str", value) if value.__class__ is str else ("id", id(value))
        name = self._bound.get(key)
        if name is None:
            name = self._bound[key] = f"_k{next(self._names)}"
            self.namespace[name] = value  # which keeps the object, and so its id, alive
        return name

    def item_var(self, collection: str) -> str:
        return self.items.setdefault(collection, f"_it{len(self.items)}")

    def fresh(self, prefix: str) -> str:
        """A local name no other part of the function uses."""
        return f"{prefix}{next(self._names)}"

    def item_local(self, collection: str, attr: str) -> str | None:
        """The local holding the current item's ``attr``, inside a loop over ``collection``."""
        fields = self.item_locals.get(collection)
        if fields is None:
            return None
        found = fields.get(attr)
        if found is None:
            found = fields[attr] = self.fresh("_i")
        return found

    def param(self, kind: str, name: str, form: str = "{}") -> str:
        """The local holding ``form`` applied to the parameter ``name`` (read once per
        parameter set)."""
        self.params_read.add(name)
        return self.local(kind, form.format(f"P[{name!r}]"))

    def field(self, path: str) -> str:
        """The local holding the field at ``path``, ``None`` when an intermediate object is
        (as the closures read it: the input is then missing)."""
        parts = path.split(".")
        source = f"app.{parts[0]}"
        for part in parts[1:]:
            source = f"(_w.{part} if (_w := {source}) is not None else None)"
        return self.local("f", source)

    def local(self, kind: str, expression: str) -> str:
        """The local holding ``expression`` (read once in the prologue)."""
        key = (kind, expression)
        found = self._locals.get(key)
        if found is None:
            found = self._locals[key] = f"_{kind}{len(self._locals)}"
            self.prologue[found] = expression
            self._kinds[found] = kind
        return found

    def euro_field(self, path: str) -> bool:
        return self.model is not None and field_type(self.model, path) is Euro

    def function(self, body: list[str], params: str = "env") -> list[str]:
        head = [f"def _fast({params}):", "    app, P, A = env.app, env.params, env.amounts"]
        # What depends on the parameters alone is read once per parameter set: evaluations
        # of a day share one (CompiledVersion.params_at), never changed once built.
        from_params = [n for n in self.prologue if self._kinds[n] in _FROM_PARAMS]
        if from_params:
            sources = [self.prologue[n] for n in from_params]
            key = self.bind(object())  # this function's entry in each Params.memo
            reader = self.bind(_params_reader(sources, frozenset(self.params_read)))
            head += [
                f"    _pl = P.memo.get({key}) if P.__class__ is _Params else None",
                f"    if _pl is None: _pl = {reader}(P, {key})",
                f"    {', '.join(from_params)}, = _pl",
            ]
        rest = [(n, v) for n, v in self.prologue.items() if n not in from_params]
        return head + [f"    {name} = {value}" for name, value in rest] + body


def _params_reader(sources: list[str], needed: frozenset[str]) -> Any:
    """A function ``(P, key) -> values of sources``, which it keeps in ``P.memo[key]`` when
    ``P`` is a :class:`~grantrules._engine.runtime.Params` (an explicit cache on the parameters
    object: one entry per generated function).

    The parameters dicts are those of ``CompiledVersion.params_at``, one per span of days,
    never changed once built.  When a parameter read is not in force, the function raises
    :class:`Undecided`: the reference decides whether a rule reads it (and reports).
    """
    source = (
        "def _read(P, key):\n"
        "    if not _needed <= P.keys(): raise _Undecided('a parameter is not in force')\n"
        f"    found = ({', '.join(sources)},)\n"
        "    if P.__class__ is _Params: P.memo[key] = found\n"
        "    return found\n"
    )
    namespace = {**RUNTIME, "_needed": needed, "_Undecided": Undecided}
    exec_source(source, "parameters", namespace)
    return namespace["_read"]


def _present(value: str, name: str) -> str:
    """``value`` (a simple local), or MissingInput when it is None: inline, no call."""
    return f"({value} if {value} is not None else _missing({name!r}))"


@functools.singledispatch
def _src(node: Expr, g: _Gen) -> str:
    return _interpreted(node, g)


def _interpreted(node: Expr, g: _Gen) -> str:
    """The explicit interpreter path: a node kind without a source form (a scheme's own Expr
    subclass) is evaluated by its closure, called from generated code."""
    if strict():
        raise StrictModeError(
            f"no source form for {type(node).__name__} nodes: generated code would call their "
            "closure (GRANTRULES_STRICT is set)"
        )
    g.interpreted.append(type(node).__name__)
    closure = g.bind(node.compile())
    item = next(iter(g.items.values()), "None") if g.items else "None"
    if g.amounts and any(i.kind == "amount" for i in node.inputs()):
        # The closure reads env.amounts, which the generated code does not fill as it goes:
        # store the amounts computed so far first.
        ids, values = g.bind(tuple(g.amounts)), "".join(f"{v}, " for v in g.amounts.values())
        return f"(_store({ids}, ({values}), A), {closure}(env, {item}))[1]"
    return f"{closure}(env, {item})"


@_src.register
def _(node: Const, g: _Gen) -> str:
    return g.bind(node.value)


@_src.register
def _(node: Field, g: _Gen) -> str:
    return _present(g.field(node.path), node.path)


@_src.register
def _(node: Param, g: _Gen) -> str:
    return g.param("p", node.name)


@_src.register(AmountRef)
@_src.register(Amount)
def _amount_ref(node: AmountRef | Amount, g: _Gen) -> str:
    if node.id in g.amounts:
        return g.amounts[node.id]
    return f"_req(A.get({node.id!r}), {node.id!r})"


@_src.register
def _(node: Item, g: _Gen) -> str:
    var = g.items.get(node.collection)
    if var is None:
        return _src.dispatch(Expr)(node, g)
    if node.attr is None:
        return var
    local = g.item_local(node.collection, node.attr)
    if local is not None:
        return _present(local, node.key)
    # An assignment expression keeps the None check inline (no call per item).
    return f"(_v if (_v := {var}.{node.attr}) is not None else _missing({node.key!r}))"


def _operands(nodes: tuple[Expr, ...], g: _Gen) -> list[str]:
    """Sources of operands compared together: raw when they all are money."""
    form = _raw_src if all(_money(n, g) for n in nodes) else _src
    return [form(n, g) for n in nodes]


@_src.register
def _(node: Compare, g: _Gen) -> str:
    left, right = _operands((node.left, node.right), g)
    return f"({left} {_COMPARE[node.op]} {right})"


@_src.register
def _(node: Between, g: _Gen) -> str:
    low, value, high = _operands((node.low, node.value, node.high), g)
    return f"({low} <= {value} <= {high})"


@_src.register
def _(node: Logic, g: _Gen) -> str:
    joiner = " and " if node.op == "and" else " or "
    return "bool(" + joiner.join(_src(o, g) for o in node.operands) + ")"


@_src.register
def _(node: Supplied, g: _Gen) -> str:
    # The operand's source raises MissingInput while the input is None; its value is unused.
    return f"({_src(node.operand, g)}, True)[1]"


@_src.register
def _(node: Not, g: _Gen) -> str:
    return f"(not {_src(node.operand, g)})"


@_src.register
def _(node: In, g: _Gen) -> str:
    value = _src(node.value, g)
    if isinstance(node.values, Param) and not node.period:
        # A tuple of values searched as a set (the same answers: see _members).
        return f"({value} in {g.param('m', node.values.name, '_members({})')})"
    values = _src(node.values, g)
    if node.period and values.isidentifier():
        # A date within a period: compared inline when both are what they should be (the
        # operands are locals or constants, cheap to read twice), DateRange.__contains__
        # (which checks the date) otherwise.
        return (
            f"(({values}.start <= {value} <= {values}.end) if {values}.__class__ is _DateRange "
            f"and {value}.__class__ is _date else ({value} in {values}))"
        )
    return f"({value} in {values})"


@_src.register
def _(node: StartsWith, g: _Gen) -> str:
    if isinstance(node.prefixes, Param):
        prefixes = g.param("t", node.prefixes.name, "tuple({})")
    else:
        prefixes = f"tuple({_src(node.prefixes, g)})"
    return f"str({_src(node.value, g)}).startswith({prefixes})"


def _wrapped(generate: Callable[[Any, _Gen], str]) -> Callable[[Any, _Gen], str]:
    """A node giving money is computed raw and wrapped into a Euro once, at its top."""

    @functools.wraps(generate)
    def source(node: Any, g: _Gen) -> str:
        return f"_euro({_raw_src(node, g)})" if _money(node, g) else generate(node, g)

    return source


@_src.register
@_wrapped
def _(node: Arith, g: _Gen) -> str:
    sign = {"add": "+", "sub": "-", "mul": "*"}[node.op]
    return f"({_src(node.left, g)} {sign} {_src(node.right, g)})"


@_src.register
@_wrapped
def _(node: ApplyRate, g: _Gen) -> str:
    rounding = g.bind(node.rounding)
    return f"_apply({_src(node.rate, g)}, {_src(node.amount, g)}, {rounding})"


@_src.register
@_wrapped
def _(node: Round, g: _Gen) -> str:
    return f"_rounded({_src(node.operand, g)}, {g.bind(node.rounding)})"


@_src.register
@_wrapped
def _(node: Extremum, g: _Gen) -> str:
    return f"{node.op}(" + ", ".join(_src(o, g) for o in node.operands) + ")"


@_src.register
@_wrapped
def _(node: When, g: _Gen) -> str:
    cond, then, other = (_src(x, g) for x in (node.condition, node.then, node.otherwise))
    return f"({then} if {cond} else {other})"


def _listing(node: Aggregate, g: _Gen, form: Callable[[Expr, _Gen], str]) -> str:
    """``[value for item in collection if where]``, the value in ``form``."""
    collection = f"_req(app.{node.collection}, {node.collection!r})"
    outer = dict(g.items)
    var = g.item_var(node.collection)
    cond = f" if {_src(node.where, g)}" if node.where is not None else ""
    value = form(node.value, g) if node.value is not None else "1"
    g.items = outer
    return f"[{value} for {var} in {collection}{cond}]"


@_wrapped
def _aggregate(node: Aggregate, g: _Gen) -> str:
    if id(node) in g.hoisted:
        return g.hoisted[id(node)]
    if node.kind == "count" and node.where is None:
        return f"len(_req(app.{node.collection}, {node.collection!r}))"
    listing = _listing(node, g, _src)
    if node.kind == "count":
        return f"len({listing})"
    if node.kind == "sum":
        return f"_sum({listing})" if node.unit == "EUR" else f"_sum_counts({listing})"
    return f"tuple({listing})"


@_src.register
def _(node: ShiftDate, g: _Gen) -> str:
    return f"_add_years({_src(node.operand, g)}, {node.sign} * {_src(node.years, g)})"


_src.register(Aggregate, _aggregate)


@_src.register
def _(node: IsSet, g: _Gen) -> str:
    # IsSet swallows a missing input, which an expression cannot: it has a source form for
    # the operands whose None-ness is a plain test, and goes the interpreter path otherwise.
    operand = node.operand
    if isinstance(operand, Field):
        return f"({g.field(operand.path)} is not None)"
    if isinstance(operand, AmountRef | Amount):
        local = g.amounts.get(operand.id)
        if local is not None:
            return f"({g.raw_amounts.get(operand.id, local)} is not None)"
        return f"(A.get({operand.id!r}) is not None)"
    if isinstance(operand, Item) and operand.attr is not None and operand.collection in g.items:
        local = g.item_local(operand.collection, operand.attr)
        if local is not None:
            return f"({local} is not None)"
        return f"({g.items[operand.collection]}.{operand.attr} is not None)"
    return _interpreted(node, g)


def has_source(kind: type) -> bool:
    """Whether nodes of ``kind`` have a source form (the others call their closure)."""
    return _src.dispatch(kind) is not _src.dispatch(Expr)


@functools.singledispatch
def _money(node: Expr, g: _Gen) -> bool:
    """Whether ``node`` is known to give a Euro amount (so that it has a raw form)."""
    return False


_money.register(Const, lambda node, g: isinstance(node.value, Euro))
_money.register(Field, lambda node, g: g.euro_field(node.path))
_money.register(Item, lambda node, g: node.attr is not None and g.euro_field(node.key))
_money.register(Param, lambda node, g: g.units.get(node.name) == "EUR")
_money.register(AmountRef, lambda node, g: True)
_money.register(Amount, lambda node, g: True)
_money.register(Arith, lambda node, g: _money(node.left, g) and _money(node.right, g))
_money.register(ApplyRate, lambda node, g: _money(node.amount, g))
_money.register(Extremum, lambda node, g: all(_money(o, g) for o in node.operands))
_money.register(Round, lambda node, g: _money(node.operand, g))
_money.register(When, lambda node, g: _money(node.then, g) and _money(node.otherwise, g))
_money.register(
    Aggregate,
    lambda node, g: (
        node.kind == "sum"
        and node.unit == "EUR"
        and node.value is not None
        and _money(node.value, g)
    ),
)


@functools.singledispatch
def _raw_src(node: Expr, g: _Gen) -> str:
    """Source of the Decimal of a node for which ``_money`` holds."""
    return f"_raw({_src(node, g)})"


@_raw_src.register
def _(node: Const, g: _Gen) -> str:
    return g.bind(node.value.amount)  # a Euro (see _money)


@_raw_src.register
def _(node: Param, g: _Gen) -> str:
    return g.param("r", node.name, "_raw({})")


@_raw_src.register
def _(node: Field, g: _Gen) -> str:
    return f"_raw_input({g.field(node.path)}, {node.path!r})"


@_raw_src.register
def _(node: Item, g: _Gen) -> str:
    var = g.items.get(node.collection)
    if var is None:
        return f"_raw({_src(node, g)})"
    local = g.item_local(node.collection, node.attr) if node.attr is not None else None
    if local is not None:
        return f"({local}._d if {local}.__class__ is _Euro else _raw_input({local}, {node.key!r}))"
    return (
        f"(_v._d if (_v := {var}.{node.attr}).__class__ is _Euro else _raw_input(_v, {node.key!r}))"
    )


@_raw_src.register(AmountRef)
@_raw_src.register(Amount)
def _(node: AmountRef | Amount, g: _Gen) -> str:
    return g.raw_amounts.get(node.id) or f"_raw({_amount_ref(node, g)})"


@_raw_src.register
def _(node: Arith, g: _Gen) -> str:
    operation = "_add" if node.op == "add" else "_sub"
    return f"{operation}({_raw_src(node.left, g)}, {_raw_src(node.right, g)})"


@_raw_src.register
def _(node: ApplyRate, g: _Gen) -> str:
    amount = _raw_src(node.amount, g)
    if isinstance(node.rate, Param) and isinstance(node.rounding, Rounding):
        # A rate parameter is checked once per parameter set; the rounding is inline.
        rate = g.param("q", node.rate.name, "_rate({})")
        mode = g.bind(node.rounding.value)
        product = f"_mul({amount}, {rate}).quantize(_CENT, {mode}, _EXACT)"
        return f"(_q if (_q := {product}) else _ZERO_CENTS)"  # no -0.00, as _cents
    return f"_apply_raw({_src(node.rate, g)}, {amount}, {g.bind(node.rounding)})"


@_raw_src.register
def _(node: Round, g: _Gen) -> str:
    return f"_round({_raw_src(node.operand, g)}, {g.bind(node.rounding)})"


@_raw_src.register
def _(node: Extremum, g: _Gen) -> str:
    return f"{node.op}(" + ", ".join(_raw_src(o, g) for o in node.operands) + ")"


@_raw_src.register
def _(node: When, g: _Gen) -> str:
    then, other = _raw_src(node.then, g), _raw_src(node.otherwise, g)
    return f"({then} if {_src(node.condition, g)} else {other})"


@_raw_src.register
def _(node: Aggregate, g: _Gen) -> str:
    if id(node) in g.hoisted:
        return g.hoisted[id(node)]
    return f"_dsum({_listing(node, g, _raw_src)})"


def fast(expr: Expr, interpreted: list[str] | None = None) -> Fast:
    """One Python function evaluating ``expr`` with plain short-circuit logic; the kinds of
    the nodes it evaluates by their closure (the explicit interpreter path) are added to
    ``interpreted``.

    >>> from grantrules.expressions import field
    >>> import types
    >>> rule = (field("a") > 1) & (field("b") == "x")
    >>> env = Env(types.SimpleNamespace(a=2, b="x"), {}, {}, None)
    >>> fast(rule)(env)
    True
    """
    g = _Gen()
    body = _src(expr, g)
    exec_source("\n".join(g.function([f"    return {body}"])) + "\n", "rule", g.namespace)
    function: Fast = g.namespace["_fast"]
    if interpreted is not None:
        interpreted += g.interpreted
    return function
