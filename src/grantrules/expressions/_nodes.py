"""Expressions: the typed, immutable AST that criteria and amounts are written in.

A scheme author builds expressions with Python operators and a few helpers, so that a rule
reads like the call's text::

    >>> from grantrules.expressions import field, param, RenderContext
    >>> rule = field("project.total").between(param("min_cost"), param("max_cost"))
    >>> rule.render(RenderContext("en"))
    'project.total is between min_cost and max_cost, inclusive'
    >>> sorted(str(i) for i in rule.inputs())
    ['field:project.total', 'param:max_cost', 'param:min_cost']

Every node can evaluate itself (through :meth:`Expr.compile`, which turns the tree into nested
Python closures once, so that evaluation never walks the tree), list the inputs it reads and
render itself in French or English.  Operators build nodes instead of computing: ``a == b`` is
a :class:`Compare` node, hence nodes use identity for ``hash`` and :meth:`Expr.same_as` for
structural equality.

Money never meets a float: constants go through :func:`const`, which refuses floats, and a rate
applies to an amount only through :meth:`Expr.of` with a named rounding.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import decimal
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from grantrules._format import format_value, join_and, pick
from grantrules.errors import EvaluationError, InvalidArgument
from grantrules.money import DOWN, Euro, Rate, Rounding, RoundingRule, _check_rounding_rule

__all__ = [
    "Env",
    "Expr",
    "Input",
    "MissingInput",
    "RenderContext",
    "collection",
    "const",
    "count",
    "field",
    "instruction",
    "list_of",
    "maximum",
    "minimum",
    "param",
    "reference",
    "rounded",
    "sum_of",
    "when",
]

Compiled = Callable[["Env", Any], Any]


class MissingInput(Exception):
    """Raised inside evaluation when an optional input is absent; criteria report it as missing.

    ``name`` is the input's dotted path.  Evaluating a scheme catches it: a criterion that read
    the input has the outcome ``missing``, an amount the value ``None``.

    >>> from types import SimpleNamespace
    >>> project = SimpleNamespace(title="Jumeau numérique du réseau de chaleur", end_date=None)
    >>> try:
    ...     field("project.end_date").evaluate(SimpleNamespace(project=project))
    ... except MissingInput as missing:
    ...     print(missing.name)
    project.end_date

    .. versionadded:: 0.1
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@attrs.define(slots=True)
class Env:
    """What compiled expressions read: the application, parameters in force, computed amounts.

    ``on`` is the evaluation date.  Schemes build one per evaluation; build one yourself only to
    call a closure returned by :meth:`Expr.compile`.

    >>> env = Env(app=None, params={"feder_rate": Rate("60%")}, amounts={},
    ...           on=datetime.date(2025, 3, 14))
    >>> param("feder_rate").of(Euro("75000.00")).compile()(env, None)
    Euro('45000.00')

    .. versionadded:: 0.1
    """

    app: Any
    params: Mapping[str, Any]
    amounts: dict[str, Any]
    on: datetime.date


@attrs.frozen(order=True)
class Input:
    """One input an expression reads.

    ``kind`` is ``field`` (a dotted path; ``costs[].category`` for an item field),
    ``collection`` (a collection that is summed or counted), ``param`` or ``amount``.

    >>> rule = field("applicant.legal_category").is_in(param("eligible_legal_categories"))
    >>> [str(i) for i in sorted(rule.inputs())]
    ['field:applicant.legal_category', 'param:eligible_legal_categories']

    .. versionadded:: 0.1
    """

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


@attrs.frozen
class RenderContext:
    """How to render: the language, labels of inputs, and optionally parameter values.

    ``labels`` maps ``"field:applicant.siren"``, ``"amount:total_cost"`` or
    ``"param:feder_rate"`` to ``{"fr": ..., "en": ...}``.  When ``params`` is given, parameters
    render as their value on that date ("70 000,00 €"), else as their label.

    >>> rule = field("project.total_cost") <= param("ceiling")
    >>> labels = {"field:project.total_cost": {"fr": "le coût total", "en": "the total cost"}}
    >>> rule.render(RenderContext("fr", labels))
    'le coût total ne dépasse pas ceiling'
    >>> rule.render(RenderContext("en", labels, params={"ceiling": Euro("200000.00")}))
    'the total cost is at most €200,000.00'

    .. versionadded:: 0.1
    """

    lang: str = "fr"
    labels: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    params: Mapping[str, Any] | None = None

    def label(self, key: str, default: str) -> str:
        texts = self.labels.get(key)
        return pick(texts, self.lang) if texts else default

    def plural_labels(self) -> frozenset[str]:
        """The French labels that say they are plural (``"number": "plural"``)."""
        return frozenset(
            texts["fr"]
            for texts in self.labels.values()
            if texts.get("number") == "plural" and "fr" in texts
        )

    def feminine_labels(self) -> frozenset[str]:
        """The French labels that say they are feminine (``"gender": "feminine"``), for a
        label whose article does not tell (« l'intensité maximale »)."""
        return frozenset(
            texts["fr"]
            for texts in self.labels.values()
            if texts.get("gender") == "feminine" and "fr" in texts
        )

    def words(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en


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


def reference(values: Any, label: Mapping[str, str]) -> Expr:
    """Reference data (e.g. a list of 3,782 communes) as a constant that renders as its label.

    >>> reference(frozenset({"59350"}), {"fr": "les communes", "en": "the communes"}).render(
    ...     RenderContext("en"))
    'the communes'

    .. versionadded:: 0.1
    """
    if not isinstance(values, frozenset | tuple):
        raise InvalidArgument(f"reference data must be a frozenset or tuple, got {type(values)}")
    return Const(values, dict(label))


class Expr:
    """Base class of expression nodes, with the operators that build new nodes.

    Comparisons (``==``, ``<``...), ``&``, ``|``, ``~``, ``+`` and ``-`` build nodes instead of
    computing; multiplying is refused, since a rate applies only through :meth:`of` with a
    named rounding.  :meth:`same_as` compares two trees.

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

        >>> field("applicant.sgei").is_true().render(RenderContext("en"))
        'applicant.sgei equals yes'

        .. versionadded:: 0.2
        """
        return Compare("eq", self, Const(True))

    def is_false(self) -> Expr:
        """The boolean input is false (and given: a missing input stays missing).

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
        return ApplyRate(self, const(amount), _check_rounding_rule(rounding))

    def times(self, other: Any) -> Expr:
        """This rate times another rate, exactly (60 % of 50 % is 30 %).

        Only rates multiply in a rule: an amount takes a rate through :meth:`of`, with a
        named rounding; the units are checked when the rule is defined.

        >>> param("intensity").times(param("share")).render(RenderContext("en"))
        'intensity × share'

        .. versionadded:: 0.2
        """
        return Arith("mul", self, const(other))

    def rounded(self, rounding: Rounding | RoundingRule) -> Expr:
        """This amount rounded to the quantum of ``rounding`` (``DOWN.to_euro()``...).

        >>> award = minimum(field("requested"), param("ceiling")).rounded(DOWN.to_euro())
        >>> award.render(RenderContext("en"))
        'the least of requested and ceiling, the whole rounded down to the euro'
        >>> field("asked").rounded(Rounding.HALF_UP.to(10)).render(RenderContext("en"))
        'asked (rounded half up to a multiple of €10.00)'

        .. versionadded:: 0.2
        """
        return Round(self, _check_rounding_rule(rounding))

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


def _plural(text: str, ctx: RenderContext | None = None) -> bool:
    """Whether a French noun phrase is plural, as its article says (« les autres
    financements publics ») or its label does (``"number": "plural"``, for a label without
    an article such as « frais de mission »): the verb then agrees in number."""
    if text.startswith(("les ", "des ")):
        return True
    return ctx is not None and text in ctx.plural_labels()


def _feminine(text: str, ctx: RenderContext) -> bool:
    """Whether a French noun phrase is feminine, as its article says or its label does."""
    return text.startswith(("la ", "une ")) or text in ctx.feminine_labels()


def _a(text: str) -> str:
    """French 'à' before a noun phrase, contracted as grammar requires (au, aux)."""
    if text.startswith("le "):
        return "au " + text[3:]
    if text.startswith("les "):
        return "aux " + text[4:]
    return "à " + text


def _binary(ctx: RenderContext, op: str, left: str, right: str, *, plural: bool = False) -> str:
    """``left <op> right`` in words; in French the verb agrees with a plural subject and
    « de » contracts with the article that follows (« en deçà du taux », not « de le »)."""
    if ctx.lang != "fr":
        return f"{left} {_COMPARE_WORDS[op][2]} {right}"
    verb = _COMPARE_WORDS[op][1 if plural or _plural(left, ctx) else 0]
    if verb.endswith(" de"):
        return f"{left} {verb[:-3]} {de(right)}"
    return f"{left} {verb} {right}"


# French verbs rather than adjectives: « la date de fin dépasse la date de dépôt » needs no
# gender agreement, which labels do not carry; the plural form follows a plural subject.
_COMPARE_WORDS = {
    "eq": ("égale", "égalent", "equals"),
    "ne": ("diffère de", "diffèrent de", "differs from"),
    "lt": ("reste en deçà de", "restent en deçà de", "is less than"),
    "le": ("ne dépasse pas", "ne dépassent pas", "is at most"),
    "gt": ("dépasse", "dépassent", "is greater than"),
    "ge": ("atteint au moins", "atteignent au moins", "is at least"),
}


def _verb(ctx: RenderContext, text: str, singular: str, plural: str) -> str:
    return plural if _plural(text, ctx) else singular


_ARITH_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
}
_COMPARE_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def de(text: str) -> str:
    """French 'de' before a noun phrase, contracted as grammar requires (du, des, d')."""
    if text.startswith("le "):
        return "du " + text[3:]
    if text.startswith("les "):
        return "des " + text[4:]
    if text[:1].lower() in "aeiouyéèh":
        return "d'" + text
    return "de " + text


def _paren(child: Expr, ctx: RenderContext) -> str:
    # Brackets wherever a compound child would make the sentence ambiguous.
    text = child.render(ctx)
    return f"({text})" if isinstance(child, Logic | When | Not | Arith | Extremum | Round) else text


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


def field(path: str) -> Field:
    """A reference to an application field by dotted path.

    Attributes extend the path: ``field("applicant").siren`` is ``field("applicant.siren")``.
    A field that is ``None`` (or read through a ``None`` value) is a missing input.

    Raises:
        InvalidArgument: ``path`` is not dotted identifiers.

    >>> from types import SimpleNamespace
    >>> app = SimpleNamespace(applicant=SimpleNamespace(commune_code="59350"))
    >>> (field("applicant").commune_code == "59350").evaluate(app)
    True

    .. versionadded:: 0.1
    """
    if not path or not all(part.isidentifier() for part in path.split(".")):
        raise InvalidArgument(f"field path {path!r} must be dotted identifiers like 'a.b'")
    return Field(path)


#: The section of an application document that the instructing authority fills in.
INSTRUCTION = "instruction"


def instruction(name: str) -> Field:
    """An input decided by the instructing authority, read from the ``instruction`` section.

    The application model declares it in a subclass of
    :class:`~grantrules.model.Instruction`.  Until the authority supplies it the input is
    missing: the scheme version adds a blocking criterion ``instruction.<name>`` whose outcome
    is then ``missing``, naming it (see :func:`pending_inputs`).

    >>> from types import SimpleNamespace
    >>> rate = instruction("granted_rate")
    >>> rate.of(field("eligible_cost")).evaluate(SimpleNamespace(
    ...     eligible_cost=Euro("1000.00"), instruction=SimpleNamespace(granted_rate=Rate("40%"))))
    Euro('400.00')
    >>> str(sorted(rate.inputs())[0])
    'field:instruction.granted_rate'

    .. versionadded:: 0.2
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidArgument(f"an instructor input is named by an identifier, got {name!r}")
    return Field(f"{INSTRUCTION}.{name}")


def pending_inputs(expr: Expr) -> frozenset[str]:
    """The instructor inputs ``expr`` needs (their dotted paths), leaving out those read only
    to test whether they are given (``is_set()``), which never wait for the authority.

    >>> sorted(pending_inputs(instruction("score") >= 12))
    ['instruction.score']
    >>> sorted(pending_inputs(when(instruction("derogation").is_set(), 1, 0)))
    []

    .. versionadded:: 0.2
    """
    found: set[str] = set()
    todo = [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, IsSet):
            continue
        if isinstance(node, Field) and node.path.startswith(INSTRUCTION + "."):
            found.add(node.path)
        todo.extend(node.children())
    return frozenset(found)


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


def param(name: str) -> Param:
    """A reference to a dated parameter.

    It reads the value in force on the evaluation date; the scheme refuses, when it loads, a
    rule reading a parameter that its parameter set does not define.

    >>> from types import SimpleNamespace
    >>> app = SimpleNamespace(submitted_on=datetime.date(2025, 3, 14))
    >>> param("feder_rate").evaluate(app, {"feder_rate": Rate("60%")})
    Rate('0.6')
    >>> param("ceiling").render(RenderContext("en", params={"ceiling": Euro("200000.00")}))
    '€200,000.00'

    .. versionadded:: 0.1
    """
    return Param(name)


def collection(path: str) -> Collection:
    """A collection field of the application whose items rules can sum, count or filter.

    Its attributes are the fields of one item (``costs.category``); ``costs.item`` is the item
    itself, for a collection of plain values.

    Raises:
        InvalidArgument: ``path`` is not dotted identifiers.

    >>> costs = collection("costs")
    >>> sum_of(costs.amount_excl_vat, where=costs.category == "staff").render(
    ...     RenderContext("en"))
    "the sum of costs[].amount_excl_vat over costs where costs[].category equals 'staff'"

    .. versionadded:: 0.1
    """
    field(path)  # validates the path
    return Collection(path)


@attrs.frozen(eq=False)
class Compare(Expr):
    """``left <op> right`` for op in eq, ne, lt, le, gt, ge."""

    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def compile(self) -> Compiled:
        fn, left, right = _COMPARE_OPS[self.op], self.left.compile(), self.right.compile()
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
        fn = _ARITH_OPS[self.op]
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


def rounded(amount: Any, rounding: Rounding | RoundingRule) -> Expr:
    """``amount`` rounded to the quantum of ``rounding``: ``rounded(award, DOWN.to_euro())``.

    >>> from types import SimpleNamespace
    >>> rounded(field("asked"), DOWN.to_euro()).evaluate(SimpleNamespace(asked=Euro("99.99")))
    Euro('99.00')

    .. versionadded:: 0.2
    """
    return const(amount).rounded(rounding)


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


def minimum(*operands: Any) -> Expr:
    """The least of the operands, e.g. an award capped by a ceiling.

    Raises:
        InvalidArgument: fewer than two operands.

    >>> from types import SimpleNamespace
    >>> award = minimum(param("feder_rate").of(field("eligible_cost")), param("ceiling"))
    >>> award.evaluate(SimpleNamespace(eligible_cost=Euro("450000.00")),
    ...                {"feder_rate": Rate("60%"), "ceiling": Euro("200000.00")})
    Euro('200000.00')

    .. versionadded:: 0.1
    """
    return _extremum("min", operands)


def maximum(*operands: Any) -> Expr:
    """The greatest of the operands.

    Raises:
        InvalidArgument: fewer than two operands.

    >>> from types import SimpleNamespace
    >>> gap = maximum(field("total_cost") - field("resources"), Euro.ZERO)
    >>> gap.evaluate(SimpleNamespace(total_cost=Euro("80000.00"), resources=Euro("95000.00")))
    Euro('0.00')
    >>> gap.render(RenderContext("en"))
    'the greatest of (total_cost − resources) and €0.00'

    .. versionadded:: 0.1
    """
    return _extremum("max", operands)


def _extremum(op: str, operands: Sequence[Any]) -> Expr:
    if len(operands) < 2:
        raise InvalidArgument(f"{op}imum() needs at least two operands, got {len(operands)}")
    return Extremum(op, tuple(const(o) for o in operands))


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
            return _sum_counts(values) if counts else Euro.sum(values)

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


def _collection_of(*exprs: Expr | None) -> str:
    names = {e.collection for x in exprs if x is not None for e in x.walk() if isinstance(e, Item)}
    if len(names) != 1:
        raise InvalidArgument(
            "an aggregate must read the items of exactly one collection, "
            f"found {sorted(names) or 'none'}"
        )
    return names.pop()


def _sum_counts(values: Sequence[Any]) -> int:
    total = 0
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool):
            raise EvaluationError(f"sum_of(..., unit='count') adds whole numbers, got {value!r}")
        total += value
    return total


def sum_of(value: Expr, where: Expr | None = None, *, unit: str = "EUR") -> Expr:
    """The exact sum of ``value`` over the items of its collection that satisfy ``where``.

    ``unit`` says what is added up: amounts (``"EUR"``, the default; the sum of no item is
    ``Euro.ZERO``) or whole numbers (``"count"``, such as the inhabitants of an EPCI's member
    communes; the sum of no item is ``0``).  The scheme is refused when it is defined if the
    values are not of that unit.

    Raises:
        InvalidArgument: ``value`` and ``where`` do not read the items of exactly one
            collection, or ``unit`` is neither ``"EUR"`` nor ``"count"``.

    >>> from types import SimpleNamespace
    >>> costs = collection("costs")
    >>> app = SimpleNamespace(costs=(
    ...     SimpleNamespace(category="staff", amount_excl_vat=Euro("45000.00")),
    ...     SimpleNamespace(category="travel", amount_excl_vat=Euro("2500.00"))))
    >>> sum_of(costs.amount_excl_vat).evaluate(app)
    Euro('47500.00')
    >>> sum_of(costs.amount_excl_vat, where=costs.category != "travel").evaluate(app)
    Euro('45000.00')
    >>> members = collection("applicant.members")
    >>> epci = SimpleNamespace(applicant=SimpleNamespace(members=(
    ...     SimpleNamespace(population=1200), SimpleNamespace(population=14850))))
    >>> sum_of(members.population, unit="count").evaluate(epci)
    16050

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 ``unit="count"`` sums whole numbers.
    """
    if unit not in ("EUR", "count"):
        raise InvalidArgument(
            f"sum_of() adds up amounts (unit='EUR') or whole numbers "
            f"(unit='count'), got unit={unit!r}"
        )
    return Aggregate("sum", _collection_of(value, where), value, where, unit)


def count(items: Collection | Expr, where: Expr | None = None) -> Expr:
    """How many items of a collection satisfy ``where``.

    ``items`` is the collection (``collection("costs")``) or an expression on its items.

    >>> from types import SimpleNamespace
    >>> costs = collection("costs")
    >>> app = SimpleNamespace(costs=(
    ...     SimpleNamespace(category="staff", amount_excl_vat=Euro("45000.00")),
    ...     SimpleNamespace(category="travel", amount_excl_vat=Euro("2500.00"))))
    >>> count(costs, where=costs.amount_excl_vat >= Euro("10000.00")).evaluate(app)
    1

    .. versionadded:: 0.1
    """
    first = items.item if isinstance(items, Collection) else items
    return Aggregate("count", _collection_of(first, where), None, where)


def list_of(value: Expr, where: Expr | None = None) -> Expr:
    """The values of ``value`` over the items that satisfy ``where``, as a tuple.

    Useful in a criterion's ``details``, to name the rejected lines in its message.

    >>> from types import SimpleNamespace
    >>> costs = collection("costs")
    >>> app = SimpleNamespace(costs=(
    ...     SimpleNamespace(label="Data scientist", category="staff"),
    ...     SimpleNamespace(label="Salon VivaTech", category="travel")))
    >>> list_of(costs.label, where=~costs.category.is_in(("staff",))).evaluate(app)
    ('Salon VivaTech',)

    .. versionadded:: 0.1
    """
    return Aggregate("list", _collection_of(value, where), value, where)


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


def when(condition: Expr, then: Any, otherwise: Any) -> Expr:
    """A conditional expression: ``then`` where ``condition`` holds, else ``otherwise``.

    ``then`` and ``otherwise`` may be expressions or constants (floats are refused).

    >>> from types import SimpleNamespace
    >>> rate = when(field("applicant.legal_category").starts_with_any("72"),
    ...             Rate("80%"), Rate("60%"))
    >>> rate.evaluate(SimpleNamespace(applicant=SimpleNamespace(legal_category="7210")))
    Rate('0.8')
    >>> rate.render(RenderContext("en"))
    '80% if applicant.legal_category starts with (72), otherwise 60%'

    .. versionadded:: 0.1
    """
    return When(condition, const(then), const(otherwise))


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
