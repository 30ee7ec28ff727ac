"""The compound nodes: comparisons, logic, membership, arithmetic, roundings, extrema,
aggregates over a collection, conditionals, presence and date shifts.

Each node defines its meaning (``compile()``, the reference semantics every reader is checked
against) and its words (``render()``) beside its fields.
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from grantrules._format import join_and
from grantrules.errors import EvaluationError
from grantrules.expressions._context import Compiled, Env, Input, MissingInput, RenderContext
from grantrules.expressions._nodes import Const, Expr, Field, _dotted
from grantrules.expressions._wording import _a, _binary, _feminine, _plural, _verb, de
from grantrules.money import Euro, Rate, Rounding, RoundingRule

#: The comparisons, as the evaluator makes them (the solver translation reads the same).
COMPARE_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


#: The arithmetic of :class:`Arith`, exact on amounts, rates and whole numbers.
ARITH_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
}


def _paren(child: Expr, ctx: RenderContext) -> str:
    # Brackets wherever a compound child would make the sentence ambiguous.
    text = child.render(ctx)
    return f"({text})" if isinstance(child, Logic | When | Not | Arith | Extremum | Round) else text


@attrs.frozen(eq=False)
class Compare(Expr):
    """``left <op> right`` for op in eq, ne, lt, le, gt, ge."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def compile(self) -> Compiled:
        fn, left, right = COMPARE_OPS[self.op], self.left.compile(), self.right.compile()
        return lambda env, item: fn(left(env, item), right(env, item))

    def render(self, ctx: RenderContext) -> str:
        left = _paren(self.left, ctx)
        if self.op in ("eq", "ne") and isinstance(self.right, Const) and self.right.value == "":
            # « la description diffère de '' » says less than « n'est pas vide ».
            if self.op == "ne":
                return ctx.words(f"{left} n'est pas vide", f"{left} is not empty")
            return ctx.words(f"{left} est vide", f"{left} is empty")
        # « (l'aide FEDER + les autres financements publics) ne dépassent pas » : the terms of
        # a sum are the subject, as in « l'aide et les autres financements ne dépassent ».
        terms = isinstance(self.left, Arith) and self.left.op == "add"
        return _binary(ctx, self.op, left, _paren(self.right, ctx), plural=terms)


@attrs.frozen(eq=False)
class Between(Expr):
    """``low <= value <= high``, inclusive."""

    value: Expr
    low: Expr
    high: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.value, self.low, self.high)

    def compile(self) -> Compiled:
        value, low, high = self.value.compile(), self.low.compile(), self.high.compile()
        return lambda env, item: low(env, item) <= value(env, item) <= high(env, item)

    def render(self, ctx: RenderContext) -> str:
        v, lo, hi = (c.render(ctx) for c in self.children())
        situe = _verb(ctx, v, "se situe", "se situent")
        return ctx.words(
            f"{v} {situe} entre {lo} et {hi}, bornes incluses",
            f"{v} is between {lo} and {hi}, inclusive",
        )


@attrs.frozen(eq=False)
class Logic(Expr):
    """``and`` / ``or`` over operands, with Kleene logic for missing inputs.

    A missing operand only makes the result missing when the other operands do not decide
    it: ``False and <missing>`` is False.
    """

    op: str
    operands: tuple[Expr, ...]

    def __attrs_post_init__(self) -> None:
        flat: list[Expr] = []
        for operand in self.operands:
            if isinstance(operand, Logic) and operand.op == self.op:
                flat.extend(operand.operands)
            else:
                flat.append(operand)
        object.__setattr__(self, "operands", tuple(flat))

    def children(self) -> tuple[Expr, ...]:
        return self.operands

    def compile(self) -> Compiled:
        parts = tuple(o.compile() for o in self.operands)
        decisive = self.op == "or"  # the value that settles the result on its own

        def logic(env: Env, item: Any) -> bool:
            missing: MissingInput | None = None
            for part in parts:
                try:
                    if bool(part(env, item)) is decisive:
                        return decisive
                except MissingInput as exc:
                    missing = missing or exc
            if missing is not None:
                raise missing
            return not decisive

        return logic

    def render(self, ctx: RenderContext) -> str:
        joiner = ctx.words(" et ", " and ") if self.op == "and" else ctx.words(" ou ", " or ")
        return joiner.join(_paren(o, ctx) for o in self.operands)


@attrs.frozen(eq=False)
class Not(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def compile(self) -> Compiled:
        inner = self.operand.compile()
        return lambda env, item: not inner(env, item)

    def render(self, ctx: RenderContext) -> str:
        inner = self.operand
        if isinstance(inner, In) and not inner.period:
            # « la catégorie ne figure pas parmi (…) » rather than « il est faux que … figure ».
            v, vs = inner.value.render(ctx), inner.values.render(ctx)
            figure = _verb(ctx, v, "figure", "figurent")
            return ctx.words(f"{v} ne {figure} pas parmi ({vs})", f"{v} is not one of ({vs})")
        text = _paren(inner, ctx)
        # « il est faux que » would want the subjunctive after it; naming the condition
        # needs no change of mood, whatever the label says.
        return ctx.words(
            f"la condition « {inner.render(ctx)} » n'est pas remplie",
            f"it is not the case that {text}",
        )


@attrs.frozen(eq=False)
class In(Expr):
    """Membership of a value in a collection, or of a date in a period."""

    value: Expr
    values: Expr
    period: bool = False

    def children(self) -> tuple[Expr, ...]:
        return (self.value, self.values)

    def compile(self) -> Compiled:
        value, values = self.value.compile(), self.values.compile()
        return lambda env, item: value(env, item) in values(env, item)

    def render(self, ctx: RenderContext) -> str:
        v, vs = self.value.render(ctx), self.values.render(ctx)
        if self.period:
            # A period renders as its dates ("du … au …") or as its label ("la période …").
            dated = vs.startswith(("du ", "from "))
            return ctx.words(
                f"{v} {_verb(ctx, v, 'se situe', 'se situent')} {vs}"
                if dated
                else f"{v} {_verb(ctx, v, 'se situe', 'se situent')} dans {vs}",
                f"{v} falls {vs}" if dated else f"{v} falls within {vs}",
            )
        figure = _verb(ctx, v, "figure", "figurent")
        return ctx.words(f"{v} {figure} parmi ({vs})", f"{v} is one of ({vs})")


@attrs.frozen(eq=False)
class StartsWith(Expr):
    """The value, as text, starts with one of the prefixes (a code list)."""

    value: Expr
    prefixes: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.value, self.prefixes)

    def compile(self) -> Compiled:
        value, prefixes = self.value.compile(), self.prefixes.compile()
        return lambda env, item: str(value(env, item)).startswith(tuple(prefixes(env, item)))

    def render(self, ctx: RenderContext) -> str:
        v, options = self.value.render(ctx), self.prefixes.render(ctx)
        starts = _verb(ctx, v, "commence", "commencent")
        return ctx.words(f"{v} {starts} par ({options})", f"{v} starts with ({options})")


@attrs.frozen(eq=False)
class Arith(Expr):
    """``left + right`` or ``left - right`` on amounts, rates or whole numbers, or
    ``left × right`` on rates (``op`` add, sub, mul): exact, no rounding."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def compile(self) -> Compiled:
        fn = ARITH_OPS[self.op]
        left, right = self.left.compile(), self.right.compile()
        return lambda env, item: fn(left(env, item), right(env, item))

    def render(self, ctx: RenderContext) -> str:
        sign = {"add": "+", "sub": "−", "mul": "×"}[self.op]
        # Sums read left to right: « a + b + c », not « (a + b) + c ».
        left = self.left
        if isinstance(left, Arith) and left.op in ("add", "sub") and self.op in ("add", "sub"):
            text = left.render(ctx)
        else:
            text = _paren(left, ctx)
        return f"{text} {sign} {_paren(self.right, ctx)}"


@attrs.frozen(eq=False)
class ApplyRate(Expr):
    """A rate applied to an amount, rounded with a named rounding (to the cent or its quantum)."""

    rate: Expr
    amount: Expr
    rounding: Rounding | RoundingRule

    def children(self) -> tuple[Expr, ...]:
        return (self.rate, self.amount)

    def compile(self) -> Compiled:
        rate, amount, rounding = self.rate.compile(), self.amount.compile(), self.rounding

        def apply_rate(env: Env, item: Any) -> Euro:
            r = rate(env, item)
            if not isinstance(r, Rate):
                raise EvaluationError(f"expected a rate to apply, got {r!r}")
            result: Euro = r.apply(amount(env, item), rounding)
            return result

        return apply_rate

    def render(self, ctx: RenderContext) -> str:
        r, base = _rate_text(self.rate, ctx), _paren(self.amount, ctx)
        how = self.rounding.label(ctx.lang)
        if ctx.lang == "fr" and not r[:1].isdigit() and not r.startswith("("):
            # A rate by its name: « le taux FEDER appliqué au coût éligible », where « le taux
            # FEDER du coût éligible » would read as the rate belonging to the cost.
            applied = "appliquée" if _feminine(r, ctx) else "appliqué"
            if _plural(r, ctx):
                applied += "s"
            return f"{r} {applied} {_a(base)} ({how})"
        return ctx.words(f"{r} {de(base)} ({how})", f"{r} of {base} ({how})")


def _rate_text(rate: Expr, ctx: RenderContext) -> str:
    """A rate in words: a combination of rates in brackets, its numbers 0 and 1 as rates
    (« (100 % − la participation minimale) du coût », not « 1 − la participation minimale
    du coût »)."""
    if isinstance(rate, Arith):
        return f"({_rate_terms(rate, ctx)})"
    if isinstance(rate, Const) and type(rate.value) is int and rate.value in (0, 1):
        return Rate(decimal.Decimal(rate.value)).format(ctx.lang)
    return rate.render(ctx)


def _rate_terms(node: Arith, ctx: RenderContext) -> str:
    sign = {"add": "+", "sub": "−", "mul": "×"}[node.op]
    left = node.left
    if isinstance(left, Arith) and left.op != "mul" and node.op != "mul":
        text = _rate_terms(left, ctx)  # « a − b − c » reads left to right
    else:
        text = _rate_text(left, ctx)
    return f"{text} {sign} {_rate_text(node.right, ctx)}"


@attrs.frozen(eq=False)
class Round(Expr):
    """An amount rounded to a multiple of a rounding's quantum (the euro, ten euros...)."""

    operand: Expr
    rounding: Rounding | RoundingRule

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def compile(self) -> Compiled:
        inner, rounding = self.operand.compile(), self.rounding

        def round_amount(env: Env, item: Any) -> Euro:
            value = inner(env, item)
            if not isinstance(value, Euro):
                raise EvaluationError(f"expected an amount to round, got {value!r}")
            return value.rounded(rounding)

        return round_amount

    def render(self, ctx: RenderContext) -> str:
        text, how = self.operand.render(ctx), self.rounding.label(ctx.lang)
        if not self.operand.children():
            return f"{text} ({how})"
        # "le tout" says the rounding applies to the whole formula, not to its last term.
        return ctx.words(f"{text}, le tout {how}", f"{text}, the whole {how}")


@attrs.frozen(eq=False)
class Extremum(Expr):
    """The least (``min``) or greatest (``max``) of its operands."""

    op: str
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands

    def compile(self) -> Compiled:
        fn, parts = (min if self.op == "min" else max), tuple(o.compile() for o in self.operands)
        return lambda env, item: fn(p(env, item) for p in parts)

    def render(self, ctx: RenderContext) -> str:
        parts = join_and([_paren(o, ctx) for o in self.operands], ctx.lang)
        # A list announced by a colon, nested lists in brackets: « le plus petit du taux du
        # coût éligible et du plafond » reads as if the rate were compared, and « le plus
        # grand du plus petit de A et B et C » two ways.
        if ctx.lang == "fr":
            which = "le plus petit" if self.op == "min" else "le plus grand"
            return f"{which} des montants suivants\u00a0: {parts}"
        which = "least" if self.op == "min" else "greatest"
        if len(self.operands) > 2 or any(isinstance(o, Extremum) for o in self.operands):
            return f"the {which} of the following: {parts}"
        return f"the {which} of {parts}"


@attrs.frozen(eq=False)
class Aggregate(Expr):
    """Sum, count or list of the items of a collection that satisfy ``where``.

    A sum adds up amounts (``unit="EUR"``) or whole numbers (``unit="count"``: inhabitants,
    employees); the unit is part of the rule, so that the sum of no item is ``Euro.ZERO`` or
    ``0`` and the unit checker can refuse a sum of the wrong kind of values.
    """

    kind: str  # "sum" | "count" | "list"
    collection: str = attrs.field(validator=_dotted)
    value: Expr | None
    where: Expr | None
    unit: str = "EUR"  # of a sum: "EUR" or "count"

    def children(self) -> tuple[Expr, ...]:
        return tuple(e for e in (self.value, self.where) if e is not None)

    def own_inputs(self) -> frozenset[Input]:
        return frozenset({Input("collection", self.collection)})

    def compile(self) -> Compiled:
        items = Field(self.collection).compile()
        value = self.value.compile() if self.value is not None else None
        where = self.where.compile() if self.where is not None else None
        kind = self.kind
        counts = self.unit == "count"

        def aggregate(env: Env, _: Any) -> Any:
            selected = [i for i in items(env, None) if where is None or where(env, i)]
            if kind == "count":
                return len(selected)
            assert value is not None
            values = [value(env, i) for i in selected]
            if kind != "sum":
                return tuple(values)
            return sum_counts(values) if counts else Euro.sum(values)

        return aggregate

    def render(self, ctx: RenderContext) -> str:
        coll = ctx.label(f"field:{self.collection}", self.collection)
        cond = ""
        if self.where is not None:
            cond = ctx.words(" dont ", " where ") + self.where.render(ctx)
        if self.kind == "count":
            return ctx.words(f"le nombre {de(coll)}{cond}", f"the number of {coll}{cond}")
        assert self.value is not None
        v = self.value.render(ctx)
        if self.kind == "sum":
            # The condition qualifies the items, so it follows the collection: « la somme, sur
            # les dépenses dont …, du montant », not « la somme du montant sur les dépenses dont ».
            return ctx.words(
                f"la somme, sur {coll}{cond}, {de(v)}", f"the sum of {v} over {coll}{cond}"
            )
        return ctx.words(f"la liste {de(v)} sur {coll}{cond}", f"the list of {v} over {coll}{cond}")


def sum_counts(values: Sequence[Any]) -> int:
    """The sum of whole numbers (``sum_of(..., unit="count")``), refusing anything else; the
    generated code calls it too, so that both routes refuse alike."""
    total = 0
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool):
            raise EvaluationError(f"sum_of(..., unit='count') adds whole numbers, got {value!r}")
        total += value
    return total


@attrs.frozen(eq=False)
class When(Expr):
    """``then`` if ``condition`` holds, else ``otherwise``."""

    condition: Expr
    then: Expr
    otherwise: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.condition, self.then, self.otherwise)

    def compile(self) -> Compiled:
        cond, then, other = (c.compile() for c in self.children())
        return lambda env, item: then(env, item) if cond(env, item) else other(env, item)

    def render(self, ctx: RenderContext) -> str:
        c, t, o = (x.render(ctx) for x in self.children())
        si = "s'" if c.startswith(("il ", "ils ")) else "si "
        return ctx.words(f"{t} {si}{c}, sinon {o}", f"{t} if {c}, otherwise {o}")


@attrs.frozen(eq=False)
class IsSet(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def compile(self) -> Compiled:
        inner = self.operand.compile()

        def is_set(env: Env, item: Any) -> bool:
            try:
                return inner(env, item) is not None
            except MissingInput:
                return False

        return is_set

    def render(self, ctx: RenderContext) -> str:
        text = self.operand.render(ctx)
        # A verb that needs no agreement with the label's gender.
        return ctx.words(f"{text} figure au dossier", f"{text} is given")


@attrs.frozen(eq=False)
class ShiftDate(Expr):
    """A date moved by a whole number of years, forwards (``sign`` 1) or backwards (-1)."""

    operand: Expr
    years: Expr
    sign: int = 1

    def children(self) -> tuple[Expr, ...]:
        return (self.operand, self.years)

    def compile(self) -> Compiled:
        from grantrules.dates import add_years

        inner, years, sign = self.operand.compile(), self.years.compile(), self.sign
        return lambda env, item: add_years(inner(env, item), sign * years(env, item))

    def render(self, ctx: RenderContext) -> str:
        text, n = _paren(self.operand, ctx), self.years.render(ctx)
        if not n[:1].isdigit():  # a parameter named by its label: « la durée de cumul »
            sign = ctx.words("moins", "minus") if self.sign < 0 else ctx.words("plus", "plus")
            return ctx.words(f"{text} {sign} {n} (en années)", f"{text} {sign} {n} (in years)")
        if self.sign < 0:
            return ctx.words(f"{n} ans avant {text}", f"{n} years before {text}")
        return ctx.words(f"{n} ans après {text}", f"{n} years after {text}")


@attrs.frozen(eq=False)
class Supplied(Expr):
    """True once the instructing authority has supplied an input; missing until then."""

    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def compile(self) -> Compiled:
        inner = self.operand.compile()

        def supplied(env: Env, item: Any) -> bool:
            inner(env, item)  # raises MissingInput while the input is None
            return True

        return supplied

    def render(self, ctx: RenderContext) -> str:
        text = self.operand.render(ctx)
        return ctx.words(
            f"l'autorité instructrice a statué sur {text}",
            f"the instructing authority has decided {text}",
        )
