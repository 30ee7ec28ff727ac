"""The columnar compiler: each expression node becomes a kernel over a batch of rows.

:func:`kernel` turns a tree into nested closures ``k(frame) -> Col`` once per scheme
version, as :meth:`grantrules.expressions.Expr.compile` does for one application; a kernel
computes a whole column with NumPy or Arrow compute.  The semantics are those of the node
(see :mod:`grantrules.testing.reference`), missing inputs included: a node's ``m`` mask is
set exactly where the scalar closure would raise ``MissingInput`` (Kleene ``and``/``or``,
a conditional reading only its chosen branch, ``low <= v <= high`` reading ``high`` only
when ``low <= v``).  A node type or a combination of kinds without a kernel raises
:class:`~grantrules.batch._values.Unsupported` and the version is decided row by row.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules.amounts import Amount
from grantrules.batch._frame import Frame
from grantrules.batch._values import (
    LIMIT,
    Codes,
    Col,
    Items,
    Unsupported,
    either,
    rate_parts,
    round_cents,
    scalar,
    select,
)
from grantrules.errors import GrantRulesError
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
    Round,
    ShiftDate,
    StartsWith,
    Supplied,
    When,
)
from grantrules.money import Rate

__all__ = ["Kernel", "kernel"]

Kernel = Callable[[Frame], Col]
_ORDERED = ("money", "int", "date", "bool")
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def kernel(expr: Expr) -> Kernel:
    """The kernel of ``expr``; raises Unsupported for a node without one.

    A compound node's column is computed once per frame (a batch, or a collection's items):
    the same subexpression written in several rules (a cost line's amount with its VAT, in
    the total and in the eligible cost) is read from the frame the second time.  Nodes are
    known by their ``repr``, which writes every field with its type (``Const(value=1)`` and
    ``Const(value=True)`` differ, where ``==`` would confuse them).
    """
    build = _BUILDERS.get(type(expr))
    if build is None:
        raise Unsupported(f"no kernel for {type(expr).__name__}")
    inner = build(expr)
    if type(expr) in _READS:
        return inner  # reading an input, a parameter or an amount: cached already, or cheap
    text = repr(expr)
    key = _SHARED.get(text)
    if key is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()  # keys are never reused: only the sharing is lost
        key = _SHARED[text] = next(_KEYS)

    def shared(f: Frame) -> Col:
        found = f._cache.get(key)
        if found is None:
            found = f._cache[key] = inner(f)
        return found

    return shared


_KEYS = itertools.count()
_SHARED: dict[str, int] = {}
_SHARED_MAX = 100_000


def _const(e: Const) -> Kernel:
    value = scalar(e.value)
    return lambda f: value


def _param(e: Param) -> Kernel:
    return lambda f: f.param(e.name)


def _field(e: Field) -> Kernel:
    return lambda f: f.field(e.path)


def _amount(e: AmountRef | Amount) -> Kernel:
    return lambda f: f.amount(e.id)


def _item(e: Item) -> Kernel:
    return lambda f: f.item(e.collection, e.attr)


def _bool(col: Col) -> Col:
    if col.kind != "bool":
        raise Unsupported(f"a {col.kind} used as a condition")
    return col


def compare(op: str, a: Col, b: Col) -> Any:
    """``a <op> b`` values (the masks are the caller's business)."""
    if a.kind != b.kind:
        raise Unsupported(f"comparing {a.kind} with {b.kind}")
    fn = _OPS[op]
    if a.kind in _ORDERED:
        return fn(a.v, b.v)
    if a.kind == "rate":
        (an, ad), (bn, bd) = a.v, b.v
        # Cross products: numerators are at most their denominators (rates lie in [0, 1]).
        if (isinstance(an, np.ndarray) or isinstance(bn, np.ndarray)) and ad * bd >= LIMIT:
            raise Unsupported(f"comparing rates over {ad} and {bd} (beyond int64)")
        return fn(an * bd, bn * ad)
    if a.kind == "str" and op in ("eq", "ne"):
        return _str_compare(op, a.v, b.v)
    raise Unsupported(f"{op} on {a.kind}")


def _str_compare(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, str) and isinstance(b, str):
        return _OPS[op](a, b)
    if isinstance(b, Codes) and isinstance(a, str):
        a, b = b, a
    if isinstance(a, Codes) and isinstance(b, str):
        table = pc.equal(a.dictionary, pa.scalar(b, pa.string())).to_numpy(zero_copy_only=False)
        found = a.lookup(table)
        return found if op == "eq" else ~found
    return _OPS[op](a.decode(), b.decode())


def _compare(e: Compare) -> Kernel:
    left, right, op = kernel(e.left), kernel(e.right), e.op

    def run(f: Frame) -> Col:
        a, b = left(f), right(f)
        return Col("bool", compare(op, a, b), either(a.m, b.m))

    return run


def _between(e: Between) -> Kernel:
    value, low, high = kernel(e.value), kernel(e.low), kernel(e.high)

    def run(f: Frame) -> Col:
        lo, v = low(f), value(f)
        hi = high(f)
        first = compare("le", lo, v)
        second = compare("le", v, hi)
        # Python's chained comparison reads `high` only when `low <= value` held.
        late = first & hi.m if hi.m is not False else False
        return Col("bool", first & second, either(either(lo.m, v.m), late))

    return run


def _logic(e: Logic) -> Kernel:
    parts = tuple(kernel(o) for o in e.operands)
    decisive = e.op == "or"

    def run(f: Frame) -> Col:
        settled: Any = False
        missing: Any = False
        for part in parts:
            col = _bool(part(f))
            hit = col.v if decisive else ~np.asarray(col.v)
            if col.m is not False:
                hit = hit & ~col.m
            settled = settled | hit
            missing = either(missing, col.m)
        if missing is not False:
            missing = missing & ~np.asarray(settled)
        value = settled if decisive else ~np.asarray(settled)
        return Col("bool", value, missing)

    return run


def _not(e: Not) -> Kernel:
    inner = kernel(e.operand)

    def run(f: Frame) -> Col:
        col = _bool(inner(f))
        return Col(
            "bool", ~np.asarray(col.v) if isinstance(col.v, np.ndarray) else not col.v, col.m
        )

    return run


def _in(e: In) -> Kernel:
    value, values, period = kernel(e.value), kernel(e.values), e.period
    sets: dict[frozenset[Any], pa.Array] = {}  # code lists as Arrow arrays, built once

    def run(f: Frame) -> Col:
        v, vs = value(f), values(f)
        m = either(v.m, vs.m)
        if period or vs.kind == "period":
            if vs.kind != "period" or v.kind != "date":
                raise Unsupported(f"a {v.kind} within a {vs.kind}")
            start, end = vs.v
            return Col("bool", (start <= v.v) & (v.v <= end), m)
        if vs.kind == "codes":
            return Col("bool", _member(v, vs.v, sets), m)
        if vs.kind == "list":
            return Col("bool", _in_list(f, v, vs.v), m)
        raise Unsupported(f"membership in a {vs.kind}")

    return run


def _member(v: Col, codes: frozenset[Any], sets: dict[frozenset[Any], pa.Array]) -> Any:
    if v.kind != "str":
        raise Unsupported(f"a {v.kind} in a code list")
    if isinstance(v.v, str):
        return v.v in codes
    value_set = sets.get(codes)
    if value_set is None:
        if len(sets) > 16:  # a parameter with many values over time: keep a few
            sets.clear()
        value_set = sets[codes] = pa.array(sorted(codes), pa.string())
    return v.v.lookup(pc.is_in(v.v.dictionary, value_set=value_set).to_numpy(zero_copy_only=False))


def _in_list(f: Frame, v: Col, items: Items) -> Any:
    row = v.take(items.parent) if not _is_scalar(v) else v
    equal = np.asarray(compare("eq", items.values, row))
    equal = np.broadcast_to(equal, (items.count,))
    found = np.zeros(f.n, bool)
    found[items.parent[equal]] = True
    return found


def _is_scalar(col: Col) -> bool:
    return not isinstance(col.v, np.ndarray | Codes) and not (
        col.kind == "rate" and isinstance(col.v[0], np.ndarray)
    )


def _starts_with(e: StartsWith) -> Kernel:
    value, prefixes = kernel(e.value), kernel(e.prefixes)

    def run(f: Frame) -> Col:
        v, p = value(f), prefixes(f)
        if v.kind != "str" or p.kind != "codes":
            raise Unsupported(f"a {v.kind} starting with a {p.kind}")
        options = tuple(p.v)
        if isinstance(v.v, str):
            return Col("bool", v.v.startswith(options), either(v.m, p.m))
        table = np.zeros(len(v.v.dictionary), bool)
        for prefix in options:
            table |= pc.starts_with(v.v.dictionary, pattern=prefix).to_numpy(zero_copy_only=False)
        return Col("bool", v.v.lookup(table), either(v.m, p.m))

    return run


def _arith(e: Arith) -> Kernel:
    left, right, op = kernel(e.left), kernel(e.right), e.op

    def run(f: Frame) -> Col:
        a, b = left(f), right(f)
        m = either(a.m, b.m)
        kinds = {a.kind, b.kind}
        if "rate" in kinds and kinds <= {"rate", "int"}:
            if _is_scalar(a) and _is_scalar(b):
                return Col("rate", _rate_arith(op, a, b), m)
            return Col("rate", _rate_columns(f, op, a, b), m)
        if a.kind != b.kind or a.kind not in ("money", "int") or op == "mul":
            raise Unsupported(f"{op} of {a.kind} and {b.kind}")
        if _is_scalar(a) and _is_scalar(b):
            result = a.v + b.v if op == "add" else a.v - b.v
            if abs(result) >= LIMIT:
                raise Unsupported("a constant beyond the int64 range")
            return Col(a.kind, result, m)
        x, y = np.asarray(a.v, np.int64), np.asarray(b.v, np.int64)
        if op == "sub":
            y = -y  # y is above -2**63: validated amounts are below 10**18 cents
        result = x + y
        # Two reductions each tell when no row can leave int64 (the usual case); only then
        # are the rows checked one by one (a sign change that the operands do not explain).
        if magnitude(x) + magnitude(y) >= LIMIT:
            f.overflow(((x ^ result) & (y ^ result)) < 0)
        return Col(a.kind, result, m)

    return run


def magnitude(values: Any) -> int:
    """The largest absolute value of an int64 array (or of an int), as a Python int."""
    if not isinstance(values, np.ndarray):
        return abs(int(values))
    if not values.size:
        return 0
    return max(abs(int(values.min())), abs(int(values.max())))


def _rate_arith(op: str, a: Col, b: Col) -> tuple[int, int]:
    """Rates (and the whole numbers 0 and 1, as in ``1 - rate``) combined by Rate itself,
    which refuses a result outside [0, 1] as evaluate() does: parameters and constants,
    once per batch."""

    def value(col: Col) -> Any:
        if col.kind == "int":
            return col.v
        return Rate(Decimal(col.v[0]) / Decimal(col.v[1]))

    ops = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}
    try:
        result = ops[op](value(a), value(b))
    except (TypeError, ArithmeticError, GrantRulesError) as refused:
        raise Unsupported(f"{op} of {a.kind} and {b.kind}: {refused}") from None
    if not isinstance(result, Rate):
        raise Unsupported(f"{op} of {a.kind} and {b.kind} is not a rate")
    return rate_parts(result)


def _rate_columns(f: Frame, op: str, a: Col, b: Col) -> tuple[Any, int]:
    """Rates of a column combined exactly as Rate does (``when(small, 20 %, 10 %) + bonus``,
    ``1 - share``), over a common power of ten; rows whose result leaves [0, 1], which Rate
    refuses, are decided by evaluate() (it reports them as it does any refused value)."""

    def parts(col: Col) -> tuple[Any, int]:
        if col.kind == "rate":
            return col.v  # type: ignore[no-any-return]
        if not _is_scalar(col) or col.v not in (0, 1):  # only whole 0 and 1 mix with rates
            raise Unsupported(f"{op} of a rate column and the whole number {col.v!r}")
        return col.v, 1

    (an, ad), (bn, bd) = parts(a), parts(b)
    if op == "mul":
        if "int" in (a.kind, b.kind):
            raise Unsupported("a rate column times a whole number")
        denominator = ad * bd
        if denominator >= LIMIT:
            raise Unsupported(f"a product of rates over {denominator} (beyond int64)")
        return np.asarray(an, np.int64) * bn, denominator
    denominator = max(ad, bd)  # powers of ten: the larger is a multiple of the other
    if 2 * denominator >= LIMIT:
        raise Unsupported(f"rates over {denominator} (beyond int64)")
    x = np.asarray(an, np.int64) * (denominator // ad)
    y = np.asarray(bn, np.int64) * (denominator // bd)
    numerator = x + y if op == "add" else x - y
    f.overflow((numerator < 0) | (numerator > denominator))
    return numerator, denominator


def _apply_rate(e: ApplyRate) -> Kernel:
    rate, amount, rounding = kernel(e.rate), kernel(e.amount), e.rounding

    def run(f: Frame) -> Col:
        r, a = rate(f), amount(f)
        if r.kind != "rate" or a.kind != "money":
            raise Unsupported(f"{r.kind} of {a.kind}")
        numerator, denominator = r.v
        top = magnitude(numerator)
        cents = np.asarray(a.v, np.int64)
        if top and cents.size and magnitude(cents) > LIMIT // top:
            f.overflow(np.abs(cents) > LIMIT // top)
        return Col("money", round_cents(cents * numerator, denominator, rounding), either(r.m, a.m))

    return run


def _round(e: Round) -> Kernel:
    inner, rounding = kernel(e.operand), e.rounding

    def run(f: Frame) -> Col:
        col = inner(f)
        if col.kind != "money":
            raise Unsupported(f"rounding a {col.kind}")
        return Col("money", round_cents(np.asarray(col.v, np.int64), 1, rounding), col.m)

    return run


def _extremum(e: Extremum) -> Kernel:
    parts = tuple(kernel(o) for o in e.operands)
    pick = np.minimum if e.op == "min" else np.maximum

    def run(f: Frame) -> Col:
        cols = [p(f) for p in parts]
        kinds = {c.kind for c in cols}
        if len(kinds) != 1 or not kinds <= {"money", "int", "date"}:
            raise Unsupported(f"{e.op} of {sorted(kinds)}")
        value = cols[0].v
        missing = cols[0].m
        for col in cols[1:]:
            value = pick(value, col.v)
            missing = either(missing, col.m)
        return Col(cols[0].kind, value, missing)

    return run


def _when(e: When) -> Kernel:
    cond, then, other = kernel(e.condition), kernel(e.then), kernel(e.otherwise)

    def run(f: Frame) -> Col:
        c = _bool(cond(f))
        if not isinstance(c.v, np.ndarray):
            chosen = then(f) if c.v else other(f)
            return Col(chosen.kind, chosen.v, either(c.m, chosen.m))
        t, o = then(f), other(f)
        # Only the branch chosen is read: the other's missing inputs do not count.
        m = either(
            c.m,
            either(
                c.v & t.m if t.m is not False else False, ~c.v & o.m if o.m is not False else False
            ),
        )
        return Col(t.kind, _choose(f, c.v, t, o), m)

    return run


def _choose(f: Frame, cond: np.ndarray[Any, Any], t: Col, o: Col) -> Any:
    if t.kind != o.kind:
        raise Unsupported(f"a conditional between {t.kind} and {o.kind}")
    if t.kind in _ORDERED:
        return select(cond, t.v, o.v)
    if t.kind == "rate":
        (tn, td), (on, od) = t.v, o.v
        common = max(td, od)
        return (select(cond, tn * (common // td), on * (common // od)), common)
    if t.kind == "str":
        a, b = _codes(t.v, f.n), _codes(o.v, f.n)
        dictionary = pa.concat_arrays([a.dictionary, b.dictionary])
        indices = select(cond, a.indices, b.indices + len(a.dictionary)).astype(np.int32)
        return Codes(indices, dictionary)
    raise Unsupported(f"a conditional on {t.kind}")


def _codes(value: Any, n: int) -> Codes:
    if isinstance(value, Codes):
        return value
    return Codes(np.zeros(n, np.int32), pa.array([value], pa.string()))


def _is_set(e: IsSet) -> Kernel:
    inner = kernel(e.operand)

    def run(f: Frame) -> Col:
        m = inner(f).m
        return Col("bool", ~m if isinstance(m, np.ndarray) else not m)

    return run


def _supplied(e: Supplied) -> Kernel:
    inner = kernel(e.operand)
    return lambda f: Col("bool", True, inner(f).m)


def _shift(e: ShiftDate) -> Kernel:
    inner, years, sign = kernel(e.operand), kernel(e.years), e.sign

    def run(f: Frame) -> Col:
        d, n = inner(f), years(f)
        if d.kind != "date" or n.kind != "int":
            raise Unsupported(f"shifting a {d.kind} by a {n.kind}")
        return Col("date", add_years(d.v, sign * n.v), either(d.m, n.m))

    return run


def add_years(day: Any, n: Any) -> Any:
    """Day numbers moved by ``n`` calendar years; 29 February becomes 28 February."""
    stamp = np.asarray(day, np.int64).astype("datetime64[D]")
    years = stamp.astype("datetime64[Y]")
    months = stamp.astype("datetime64[M]")
    month = (months - years.astype("datetime64[M]")).astype(np.int64)
    dom = (stamp - months.astype("datetime64[D]")).astype(np.int64)
    year = years.astype(np.int64) + 1970 + n
    if np.any((year < 1) | (year > 9999)):
        raise Unsupported("a date shifted outside the years 1 to 9999")
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dom = np.where((month == 1) & (dom == 28) & ~leap, 27, dom)
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + month
    result = (start.astype("datetime64[D]") + dom).astype(np.int64)
    return result if isinstance(day, np.ndarray) else int(result)


def _aggregate(e: Aggregate) -> Kernel:
    if e.kind == "list":
        raise Unsupported("list_of() outside a message")
    value = kernel(e.value) if e.value is not None else None
    where = kernel(e.where) if e.where is not None else None
    kind, path, unit = e.kind, e.collection, getattr(e, "unit", "EUR")

    def run(f: Frame) -> Col:
        items, inner, absent = f.collection(path)
        bounds = items.bounds
        selected: Any = True
        missing: Any = absent
        if where is not None:
            w = _bool(where(inner))
            selected = np.broadcast_to(np.asarray(w.v), (items.count,))
            missing = either(missing, _any(w.m, bounds))
        if kind == "count":
            if selected is True:
                return Col("int", np.diff(bounds), missing)
            return Col("int", segment_sum(np.asarray(selected, np.int64), bounds), missing)
        assert value is not None
        val = value(inner)
        # An amount sum gives money; a sum with unit="count" adds whole numbers.
        if val.kind != ("int" if unit == "count" else "money"):
            raise Unsupported(f"a sum of {val.kind} (unit {unit})")
        if val.m is not False:
            missing = either(missing, _any(val.m & selected, bounds))
        amounts = np.broadcast_to(np.asarray(val.v, np.int64), (items.count,))
        amounts = amounts * selected if selected is not True else amounts  # exact: 0 or 1
        total = segment_sum(amounts, bounds)
        if magnitude(amounts) * amounts.size >= LIMIT:
            f.overflow(segment_sum(np.abs(amounts).astype(np.float64), bounds) >= LIMIT / 2)
        return Col(val.kind, total, missing)

    return run


def segment_sum(values: np.ndarray[Any, Any], bounds: np.ndarray[Any, Any]) -> Any:
    """Per row, the sum of ``values[bounds[i]:bounds[i+1]]`` (exact in int64: a running sum
    wraps modulo 2**64, and the difference of two is exact whenever the true sum fits)."""
    running = np.empty(len(values) + 1, values.dtype)
    running[0] = 0
    np.cumsum(values, out=running[1:])
    ends = running.take(bounds)  # one gather of every bound, then neighbours subtracted
    return ends[1:] - ends[:-1]


def _any(m: Any, bounds: np.ndarray[Any, Any]) -> Any:
    if m is False:
        return False
    return segment_sum(np.asarray(m, np.int64), bounds) > 0


_READS = (Const, Param, Field, AmountRef, Amount, Item)
_BUILDERS: dict[type, Callable[[Any], Kernel]] = {
    Const: _const,
    Param: _param,
    Field: _field,
    AmountRef: _amount,
    Amount: _amount,
    Item: _item,
    Compare: _compare,
    Between: _between,
    Logic: _logic,
    Not: _not,
    In: _in,
    StartsWith: _starts_with,
    Arith: _arith,
    ApplyRate: _apply_rate,
    Round: _round,
    Extremum: _extremum,
    When: _when,
    IsSet: _is_set,
    Supplied: _supplied,
    ShiftDate: _shift,
    Aggregate: _aggregate,
}
