"""The base class of expression nodes and the leaves of a tree.

:class:`Expr` gives every node its operators (which build nodes instead of computing), its
inputs and structural equality; the leaves read a value: a constant (:class:`Const`, built by
:func:`const`, which refuses floats), an application field (:class:`Field`), a dated
parameter (:class:`Param`), another amount (:class:`AmountRef`) or a field of a collection's
current item (:class:`Item`).  The compound nodes are in :mod:`._operators`.  Each node
defines, beside its fields, its meaning (``compile()``: the reference semantics) and its words
(``render()``).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from grantrules._format import format_value, pick
from grantrules.errors import EvaluationError, InvalidArgument
from grantrules.expressions._context import Compiled, Env, Input, MissingInput, RenderContext
from grantrules.money import DOWN, Rounding, RoundingRule, check_rounding_rule


class Expr:
    """Base class of expression nodes, with the operators that build new nodes.

    Comparisons (``==``, ``<``...), ``&``, ``|``, ``~``, ``+`` and ``-`` build nodes instead of
    computing; multiplying is refused, since a rate applies only through :meth:`of` with a
    named rounding.  :meth:`same_as` compares two trees.

    >>> from grantrules.expressions import RenderContext, field
    >>> rule = (field("applicant.legal_category") == "7210") & (field("project.months") <= 36)
    >>> rule.render(RenderContext("en"))
    "applicant.legal_category equals '7210' and project.months is at most 36"
    >>> rule.same_as((field("applicant.legal_category") == "7210")
    ...              & (field("project.months") <= 36))
    True

    .. versionadded:: 0.1
    """

    __slots__ = ()
    __hash__ = object.__hash__

    def children(self) -> tuple[Expr, ...]:
        return ()

    def compile(self) -> Compiled:
        """Turn this tree into a closure ``f(env, item)``; done once per scheme version."""
        raise NotImplementedError

    def render(self, ctx: RenderContext) -> str:
        """This expression as words in ``ctx.lang``."""
        raise NotImplementedError

    def own_inputs(self) -> frozenset[Input]:
        return frozenset()

    def inputs(self) -> frozenset[Input]:
        """Every field, parameter and amount this expression reads."""
        found = set(self.own_inputs())
        for child in self.children():
            found |= child.inputs()
        return frozenset(found)

    def walk(self) -> Iterator[Expr]:
        """This node and all its descendants, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()

    def same_as(self, other: Expr) -> bool:
        """Structural equality, recursively (``==`` builds a comparison node instead)."""
        if type(self) is not type(other):
            return False
        mine = [getattr(self, a.name) for a in attrs.fields(type(self))]  # type: ignore[arg-type]
        theirs = [getattr(other, a.name) for a in attrs.fields(type(other))]  # type: ignore[arg-type]
        return all(_same(a, b) for a, b in zip(mine, theirs, strict=True))

    def evaluate(self, app: Any, params: Mapping[str, Any] | None = None) -> Any:
        """Evaluate once, without a scheme: handy in tests and at the REPL.

        Compiles on every call; schemes compile once and reuse the closures.
        """
        on = getattr(app, "submitted_on", datetime.date.today())
        return self.compile()(Env(app, params or {}, {}, on), None)

    # Comparisons, logic and arithmetic build nodes.
    def __eq__(self, other: object) -> Compare:  # type: ignore[override]
        return Compare("eq", self, const(other))

    def __ne__(self, other: object) -> Compare:  # type: ignore[override]
        return Compare("ne", self, const(other))

    def __lt__(self, other: Any) -> Compare:
        return Compare("lt", self, const(other))

    def __le__(self, other: Any) -> Compare:
        return Compare("le", self, const(other))

    def __gt__(self, other: Any) -> Compare:
        return Compare("gt", self, const(other))

    def __ge__(self, other: Any) -> Compare:
        return Compare("ge", self, const(other))

    def __and__(self, other: Expr) -> Expr:
        return Logic("and", (self, const(other)))

    def __or__(self, other: Expr) -> Expr:
        return Logic("or", (self, const(other)))

    def __invert__(self) -> Expr:
        return Not(self)

    def __add__(self, other: Any) -> Expr:
        return Arith("add", self, const(other))

    def __radd__(self, other: Any) -> Expr:
        return Arith("add", const(other), self)

    def __sub__(self, other: Any) -> Expr:
        return Arith("sub", self, const(other))

    def __rsub__(self, other: Any) -> Expr:
        return Arith("sub", const(other), self)

    def __mul__(self, other: Any) -> Expr:
        raise InvalidArgument(
            "multiplying in a rule must name its rounding: write rate.of(amount, rounding=DOWN)"
            " (and rate.times(other_rate) for a product of rates)"
        )

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        raise InvalidArgument(
            "an expression has no truth value at definition time: use & | ~ instead of "
            "and/or/not, and a.between(lo, hi) instead of lo <= a <= hi"
        )

    def is_true(self) -> Expr:
        """The boolean input holds: ``applicant.sgei.is_true()`` rather than ``== True``,
        which linters flag (E712) although it builds a node.

        >>> from grantrules.expressions import RenderContext, field
        >>> field("applicant.sgei").is_true().render(RenderContext("en"))
        'applicant.sgei equals yes'

        .. versionadded:: 0.2
        """
        return Compare("eq", self, Const(True))

    def is_false(self) -> Expr:
        """The boolean input is false (and given: a missing input stays missing).

        >>> from grantrules.expressions import RenderContext, field
        >>> field("applicant.sgei").is_false().render(RenderContext("fr"))
        'applicant.sgei égale non'

        .. versionadded:: 0.2
        """
        return Compare("eq", self, Const(False))

    def between(self, low: Any, high: Any) -> Expr:
        """``low <= self <= high``, both bounds inclusive."""
        return Between(self, const(low), const(high))

    def is_in(self, values: Any) -> Expr:
        """Membership in a parameter's code list or a constant collection."""
        return In(self, const(values))

    def within(self, period: Any) -> Expr:
        """The date lies inside a :class:`~grantrules.dates.DateRange` (bounds included)."""
        return In(self, const(period), period=True)

    def starts_with_any(self, *prefixes: Any) -> Expr:
        """The value (a code) starts with one of ``prefixes``: strings, or one code list."""
        if len(prefixes) == 1 and isinstance(prefixes[0], Expr):
            return StartsWith(self, prefixes[0])
        if not prefixes or not all(isinstance(p, str) for p in prefixes):
            raise InvalidArgument(
                f"starts_with_any() takes strings or one expression: {prefixes!r}"
            )
        return StartsWith(self, Const(tuple(prefixes)))

    def of(self, amount: Any, rounding: Rounding | RoundingRule = DOWN) -> Expr:
        """This rate applied to ``amount``, rounded as named: to the cent (DOWN by default),
        or to the quantum of a rule such as ``DOWN.to_euro()``."""
        return ApplyRate(self, const(amount), check_rounding_rule(rounding))

    def times(self, other: Any) -> Expr:
        """This rate times another rate, exactly (60 % of 50 % is 30 %).

        Only rates multiply in a rule: an amount takes a rate through :meth:`of`, with a
        named rounding; the units are checked when the rule is defined.

        >>> from grantrules.expressions import RenderContext, param
        >>> param("intensity").times(param("share")).render(RenderContext("en"))
        'intensity × share'

        .. versionadded:: 0.2
        """
        return Arith("mul", self, const(other))

    def rounded(self, rounding: Rounding | RoundingRule) -> Expr:
        """This amount rounded to the quantum of ``rounding`` (``DOWN.to_euro()``...).

        >>> from grantrules.expressions import RenderContext, field, minimum, param
        >>> from grantrules.money import DOWN, Rounding
        >>> award = minimum(field("requested"), param("ceiling")).rounded(DOWN.to_euro())
        >>> award.render(RenderContext("en"))
        'the least of requested and ceiling, the whole rounded down to the euro'
        >>> field("asked").rounded(Rounding.HALF_UP.to(10)).render(RenderContext("en"))
        'asked (rounded half up to a multiple of €10.00)'

        .. versionadded:: 0.2
        """
        return Round(self, check_rounding_rule(rounding))

    def years_after(self, years: Any) -> Expr:
        """The date ``years`` years after this date."""
        return ShiftDate(self, const(years), 1)

    def is_set(self) -> Expr:
        """True when the (optional) input is present; never reports it as missing."""
        return IsSet(self)

    def years_before(self, years: Any) -> Expr:
        """The date ``years`` years before this date (29 February becomes 28 February)."""
        return ShiftDate(self, const(years), -1)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Expr) and isinstance(b, Expr):
        return a.same_as(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def const(value: Any) -> Expr:
    """Wrap a Python value as an expression; expressions pass through unchanged.

    Floats are refused: money and rates must be exact.

    >>> const("60%").render(RenderContext("en"))
    "'60%'"

    .. versionadded:: 0.1
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, float):
        raise InvalidArgument(
            f"the float {value!r} cannot be a rule constant: write amounts as Euro('...') "
            "and rates as Rate('...')"
        )
    if isinstance(value, list):
        value = tuple(value)
    elif isinstance(value, set):
        value = frozenset(value)
    return Const(value)


@attrs.frozen(eq=False)
class Const(Expr):
    """A constant: Euro, Rate, date, string, boolean, integer or a tuple of codes."""

    value: Any
    label: Mapping[str, str] | None = None

    def compile(self) -> Compiled:
        value = self.value
        return lambda env, item: value

    def render(self, ctx: RenderContext) -> str:
        if self.label:
            return pick(self.label, ctx.lang)
        if isinstance(self.value, str):
            code = ctx.labels.get(f"code:{self.value}")  # a code with a label reads as it
            return (
                f"« {pick(code, 'fr')} »"
                if code and ctx.lang == "fr"
                else (f"“{pick(code, ctx.lang)}”" if code else repr(self.value))
            )
        return format_value(self.value, ctx.lang, ctx.labels)


def _attr_chain(path: str) -> Callable[[Any], Any]:
    getter = operator.attrgetter(path)

    def get(obj: Any) -> Any:
        try:
            return getter(obj)
        except AttributeError:
            # An intermediate optional object is None: the input is missing, not a bug.
            return None

    return get


def _dotted(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    # Paths end up in generated source (see _codegen): only identifiers may pass.
    if not isinstance(value, str) or not all(p.isidentifier() for p in value.split(".")):
        raise InvalidArgument(f"{attribute.name} {value!r} must be dotted identifiers like 'a.b'")


def _identifier(_: Any, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and not (isinstance(value, str) and value.isidentifier()):
        raise InvalidArgument(f"{attribute.name} {value!r} must be an identifier")


@attrs.frozen(eq=False)
class Field(Expr):
    """A dotted path into the application, like ``applicant.legal_category``."""

    path: str = attrs.field(validator=_dotted)

    def __getattr__(self, name: str) -> Field:
        if name.startswith("_"):
            raise AttributeError(name)
        return Field(f"{self.path}.{name}")

    def own_inputs(self) -> frozenset[Input]:
        return frozenset({Input("field", self.path)})

    def compile(self) -> Compiled:
        get, path = _attr_chain(self.path), self.path

        def field_value(env: Env, item: Any) -> Any:
            value = get(env.app)
            if value is None:
                raise MissingInput(path)
            return value

        return field_value

    def render(self, ctx: RenderContext) -> str:
        return ctx.label(f"field:{self.path}", self.path)


@attrs.frozen(eq=False)
class Param(Expr):
    """A dated parameter, read on the evaluation date."""

    name: str

    def own_inputs(self) -> frozenset[Input]:
        return frozenset({Input("param", self.name)})

    def compile(self) -> Compiled:
        name = self.name

        def param_value(env: Env, item: Any) -> Any:
            try:
                return env.params[name]
            except KeyError:
                raise EvaluationError(
                    f"parameter {name!r} has no value in force on {env.on.isoformat()}"
                ) from None

        return param_value

    def render(self, ctx: RenderContext) -> str:
        # A yes/no parameter reads by its label: « … et l'éligibilité de la TVA », not « … et oui ».
        if ctx.params is not None and self.name in ctx.params:
            value = ctx.params[self.name]
            if not isinstance(value, bool) or f"param:{self.name}" not in ctx.labels:
                return format_value(value, ctx.lang, ctx.labels)
        return ctx.label(f"param:{self.name}", self.name)


@attrs.frozen(eq=False)
class AmountRef(Expr):
    """The value of another named amount of the scheme."""

    id: str

    def own_inputs(self) -> frozenset[Input]:
        return frozenset({Input("amount", self.id)})

    def compile(self) -> Compiled:
        amount_id = self.id

        def amount_value(env: Env, item: Any) -> Any:
            value = env.amounts.get(amount_id)
            if value is None:
                raise MissingInput(amount_id)
            return value

        return amount_value

    def render(self, ctx: RenderContext) -> str:
        return ctx.label(f"amount:{self.id}", self.id)


@attrs.frozen(eq=False)
class Item(Expr):
    """A field of the current item of a collection (``costs[].category``), or the item itself."""

    collection: str = attrs.field(validator=_dotted)
    attr: str | None = attrs.field(default=None, validator=_identifier)

    @property
    def key(self) -> str:
        return f"{self.collection}[]" + (f".{self.attr}" if self.attr else "")

    def own_inputs(self) -> frozenset[Input]:
        return frozenset({Input("field", self.key)})

    def compile(self) -> Compiled:
        attr, key = self.attr, self.key
        if attr is None:
            return lambda env, item: item
        get = _attr_chain(attr)

        def item_value(env: Env, item: Any) -> Any:
            value = get(item)
            if value is None:
                raise MissingInput(key)
            return value

        return item_value

    def render(self, ctx: RenderContext) -> str:
        return ctx.label(f"field:{self.key}", self.key)


class Collection:
    """A collection of the application (``collection("costs")``): attributes are item fields.

    >>> from grantrules.expressions import RenderContext, collection
    >>> costs = collection("costs")
    >>> costs.category.render(RenderContext("en"))
    'costs[].category'
    """

    __slots__ = ("_path",)

    def __init__(self, path: str) -> None:
        self._path = path

    @property
    def item(self) -> Item:
        """The item itself, for collections of plain values such as a list of codes."""
        return Item(self._path)

    def __getattr__(self, name: str) -> Item:
        if name.startswith("_"):
            raise AttributeError(name)
        return Item(self._path, name)


# The operators of Expr build the compound nodes, which derive from Expr: they are imported
# once Expr exists.  Every import of the package runs its __init__ first, which reaches this
# module before _operators (through _builders), so _operators always finds Expr defined.
from grantrules.expressions._operators import (  # noqa: E402
    ApplyRate,
    Arith,
    Between,
    Compare,
    In,
    IsSet,
    Logic,
    Not,
    Round,
    ShiftDate,
    StartsWith,
)
