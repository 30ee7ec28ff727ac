"""The functions a scheme author builds expressions with, beside the operators of
:class:`~grantrules.expressions.Expr` and :func:`~grantrules.expressions.const`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from grantrules.errors import InvalidArgument
from grantrules.expressions._nodes import Collection, Const, Expr, Field, Item, Param, const
from grantrules.expressions._operators import Aggregate, Extremum, IsSet, When
from grantrules.money import Rounding, RoundingRule


def reference(values: Any, label: Mapping[str, str]) -> Expr:
    """Reference data (e.g. a list of 3,782 communes) as a constant that renders as its label.

    >>> from grantrules.expressions import RenderContext
    >>> reference(frozenset({"59350"}), {"fr": "les communes", "en": "the communes"}).render(
    ...     RenderContext("en"))
    'the communes'

    .. versionadded:: 0.1
    """
    if not isinstance(values, frozenset | tuple):
        raise InvalidArgument(f"reference data must be a frozenset or tuple, got {type(values)}")
    return Const(values, dict(label))


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


def param(name: str) -> Param:
    """A reference to a dated parameter.

    It reads the value in force on the evaluation date; the scheme refuses, when it loads, a
    rule reading a parameter that its parameter set does not define.

    >>> import datetime
    >>> from grantrules.expressions import RenderContext
    >>> from grantrules.money import Euro, Rate
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

    >>> from grantrules.expressions import RenderContext
    >>> costs = collection("costs")
    >>> sum_of(costs.amount_excl_vat, where=costs.category == "staff").render(
    ...     RenderContext("en"))
    "the sum of costs[].amount_excl_vat over costs where costs[].category equals 'staff'"

    .. versionadded:: 0.1
    """
    field(path)  # validates the path
    return Collection(path)


#: The section of an application document that the instructing authority fills in.
INSTRUCTION = "instruction"


def instruction(name: str) -> Field:
    """An input decided by the instructing authority, read from the ``instruction`` section.

    The application model declares it in a subclass of
    :class:`~grantrules.model.Instruction`.  Until the authority supplies it the input is
    missing: the scheme version adds a blocking criterion ``instruction.<name>`` whose outcome
    is then ``missing``, naming it (see :func:`pending_inputs`).

    >>> from grantrules.money import Euro, Rate
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


def rounded(amount: Any, rounding: Rounding | RoundingRule) -> Expr:
    """``amount`` rounded to the quantum of ``rounding``: ``rounded(award, DOWN.to_euro())``.

    >>> from grantrules.money import DOWN, Euro
    >>> from types import SimpleNamespace
    >>> rounded(field("asked"), DOWN.to_euro()).evaluate(SimpleNamespace(asked=Euro("99.99")))
    Euro('99.00')

    .. versionadded:: 0.2
    """
    return const(amount).rounded(rounding)


def minimum(*operands: Any) -> Expr:
    """The least of the operands, e.g. an award capped by a ceiling.

    Raises:
        InvalidArgument: fewer than two operands.

    >>> from grantrules.money import Euro, Rate
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

    >>> from grantrules.expressions import RenderContext
    >>> from grantrules.money import Euro
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


def _collection_of(*exprs: Expr | None) -> str:
    names = {e.collection for x in exprs if x is not None for e in x.walk() if isinstance(e, Item)}
    if len(names) != 1:
        raise InvalidArgument(
            "an aggregate must read the items of exactly one collection, "
            f"found {sorted(names) or 'none'}"
        )
    return names.pop()


def sum_of(value: Expr, where: Expr | None = None, *, unit: str = "EUR") -> Expr:
    """The exact sum of ``value`` over the items of its collection that satisfy ``where``.

    ``unit`` says what is added up: amounts (``"EUR"``, the default; the sum of no item is
    ``Euro.ZERO``) or whole numbers (``"count"``, such as the inhabitants of an EPCI's member
    communes; the sum of no item is ``0``).  The scheme is refused when it is defined if the
    values are not of that unit.

    Raises:
        InvalidArgument: ``value`` and ``where`` do not read the items of exactly one
            collection, or ``unit`` is neither ``"EUR"`` nor ``"count"``.

    >>> from grantrules.money import Euro
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

    >>> from grantrules.money import Euro
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


def when(condition: Expr, then: Any, otherwise: Any) -> Expr:
    """A conditional expression: ``then`` where ``condition`` holds, else ``otherwise``.

    ``then`` and ``otherwise`` may be expressions or constants (floats are refused).

    >>> from grantrules.expressions import RenderContext
    >>> from grantrules.money import Rate
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
