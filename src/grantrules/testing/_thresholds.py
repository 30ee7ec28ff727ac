"""Find the thresholds in a scheme's rules: the values worth generating.

The walk reads every expression of a scheme version and records, for each input it compares
(a field such as ``applicant.members``, an item field such as ``costs[].category`` or an amount
such as ``total_cost``), the values at, just below and just above each threshold, and whether
each value makes a blocking criterion pass or fail.  Keys name inputs the way
:class:`~grantrules.expressions.Input` prints them: ``field:applicant.members``,
``field:costs[].category``, ``amount:total_cost``.
"""

from __future__ import annotations

import datetime
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs

from grantrules.amounts import Amount
from grantrules.dates import DateRange
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
from grantrules.money import Euro, Rate
from grantrules.rules import Severity
from grantrules.scheme import Scheme, SchemeVersion

__all__ = ["Hint", "SumLink", "Thresholds", "find_thresholds"]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_MIRROR = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}
_CENT = Euro("0.01")
_DAY = datetime.timedelta(days=1)
_NON_MEMBERS = 4


@attrs.frozen(order=True)
class Hint:
    """A value worth generating for one input.

    ``passes`` is True when the value makes a blocking criterion hold, False when it makes one
    fail, and None when the rule that gave it does not decide eligibility (a warning, an
    amount formula, a filter).  A ``speculative`` value comes from a guess (an amount
    parameter the award formula does not use, met with its rates): only free examples use it.

    >>> hint = Hint(Euro("70000.00"), passes=True)
    >>> hint.describe()
    '70000.00 (passes)'
    >>> sorted([Hint(Euro("0.00"), passes=False), Hint(Euro("0.01")), hint])[0].passes
    False

    .. versionadded:: 0.1
    """

    value: Any = attrs.field(order=repr)
    passes: bool | None = attrs.field(default=None, order=lambda p: (p is None, p))
    speculative: bool = False

    def describe(self) -> str:
        """The value and what it does, for reports: ``69999.99 (fails)``.

        >>> Hint(Euro("69999.99"), passes=False, speculative=True).describe()
        '69999.99 (fails, speculative)'
        """
        mark = {True: "passes", False: "fails", None: "neutral"}[self.passes]
        return f"{self.value} ({mark}{', speculative' if self.speculative else ''})"


@attrs.frozen
class SumLink:
    """A sum over a collection compared with a computed value (``financing == total_cost``,
    ``own_funds >= 20 % of ...``): generation makes the sum equal to that value, or nearly."""

    aggregate: Aggregate = attrs.field(eq=False)
    op: str
    other: Expr = attrs.field(eq=False)
    offsets: tuple[Hint, ...]


@attrs.frozen
class FieldLink:
    """An input compared with a computed value (``instruction.granted_amount <=
    maximum_award``): generation sets it to that value, nearly, or a share of it."""

    path: str
    op: str
    other: Expr = attrs.field(eq=False)
    offsets: tuple[Hint, ...]


@attrs.frozen(eq=False)
class Thresholds:
    """What the walk found in one scheme (for one evaluation date, or for all of them).

    Attributes:
        hints: values worth generating, by input key.
        prefixes: code prefixes a field is tested against (``starts_with_any``).
        dates: dates where something changes: windows, parameter values, scheme versions.
        year_shifts: the ``n`` of every ``years_before(n)`` in the rules.
        aggregates: sums that generation can aim at, by key (``amount:total_cost``).
        links: sums compared with an amount, that generation makes (nearly) equal.

    Built by :func:`find_thresholds`; keys are those of
    :class:`~grantrules.expressions.Input` (``amount:total_cost``, ``field:costs[].category``).

    >>> from grantrules.testing.examples import example_scheme
    >>> thresholds = find_thresholds(example_scheme())
    >>> thresholds.describe()[0]
    'amount:total: 0.01 (passes), 0.00 (fails)'
    >>> [hint.value for hint in thresholds.for_key("amount:total", passing=True)]
    [Euro('0.01')]

    .. versionadded:: 0.1
    """

    hints: Mapping[str, tuple[Hint, ...]]
    prefixes: Mapping[str, tuple[str, ...]]
    dates: tuple[Hint, ...]
    year_shifts: tuple[int, ...]
    aggregates: Mapping[str, Aggregate]
    links: tuple[SumLink, ...]
    field_links: tuple[FieldLink, ...] = ()

    def for_key(self, key: str, *, passing: bool = False) -> tuple[Hint, ...]:
        """The hints of ``key``; with ``passing``, only those that pass or are neutral.

        Speculative hints are left out with ``passing``; an unknown key has no hints.

        >>> from grantrules.testing.examples import example_scheme
        >>> find_thresholds(example_scheme()).for_key("field:project.title")
        ()
        """
        found = self.hints.get(key, ())
        if passing:
            return tuple(h for h in found if h.passes is not False and not h.speculative)
        return found

    def describe(self) -> list[str]:
        """One line per input: the values found, for reports and debugging.

        >>> from grantrules.testing.examples import example_scheme
        >>> print("\\n".join(find_thresholds(example_scheme()).describe()))
        amount:total: 0.01 (passes), 0.00 (fails)
        dates: 2024-12-31, 2025-01-01, 2025-01-02
        """
        lines = [
            f"{key}: "
            + ", ".join(h.describe() for h in hints[:12])
            + (f" ... ({len(hints)} values)" if len(hints) > 12 else "")
            for key, hints in sorted(self.hints.items())
        ]
        lines += [f"{key}: prefixes {', '.join(p)}" for key, p in sorted(self.prefixes.items())]
        lines.append("dates: " + ", ".join(str(h.value) for h in self.dates))
        lines += [
            f"link: sum over {link.aggregate.collection} {link.op} {_name(link.other)}"
            for link in self.links
        ]
        return lines


class _Walk:
    """Accumulates hints while walking the expressions of one or more scheme versions."""

    def __init__(self, versions: tuple[SchemeVersion, ...], on: datetime.date | None) -> None:
        self.versions = versions
        self.on = on
        self.hints: dict[str, dict[Any, set[bool | None]]] = {}
        self.prefixes: dict[str, set[str]] = {}
        self.year_shifts: set[int] = set()
        self.aggregates: dict[str, Aggregate] = {}
        self.links: list[SumLink] = []
        self.field_links: dict[tuple[str, int], FieldLink] = {}
        self.solid: dict[str, set[Any]] = {}

    # -- values of threshold expressions --------------------------------------------------
    def values(self, node: Expr) -> list[Any]:
        """The values a threshold expression can take: a constant, or a parameter's values."""
        if isinstance(node, Const):
            return [node.value]
        if isinstance(node, Param):
            found: list[Any] = []
            for version in self.versions:
                if node.name not in version.parameters:
                    continue
                parameter = version.parameters[node.name]
                if self.on is not None:
                    found += [
                        v for k, v in version.parameters.at(self.on).items() if k == node.name
                    ]
                else:
                    found += [dated.value for dated in parameter.values]
            return _unique(found)
        return []

    def add(self, key: str, value: Any, passes: bool | None, speculative: bool = False) -> None:
        try:
            hash(value)
        except TypeError:
            return
        self.hints.setdefault(key, {}).setdefault(value, set()).add(passes)
        if not speculative:
            self.solid.setdefault(key, set()).add(value)

    # -- the walk ---------------------------------------------------------------------------
    def visit(self, node: Expr, polarity: int) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, polarity)
        else:
            for child in node.children():
                self.visit(child, 0)

    def compare(self, node: Compare, polarity: int) -> None:
        for subject, other, op in (
            (node.left, node.right, node.op),
            (node.right, node.left, _MIRROR[node.op]),
        ):
            key = _key(subject)
            if key is not None:
                for threshold in self.values(other):
                    self.around(key, threshold, _compared(op, threshold), polarity)
                self.aggregate_key(subject, key)
                if isinstance(subject, Field) and isinstance(other, Amount | AmountRef):
                    offsets = tuple(
                        Hint(offset, _passes(_OPS[op](offset, Euro.ZERO), polarity))
                        for offset in (-_CENT, Euro.ZERO, _CENT)
                    )
                    link = FieldLink(subject.path, op, other, offsets)
                    self.field_links.setdefault((subject.path, id(other)), link)
            summed = _sum_of(subject)
            if summed is not None:
                self.link(subject, summed, other, op, polarity)
            elif _is_count_sum(subject) and self.values(other):
                # Inhabitants of member communes against a ceiling: aimed like a total cost.
                assert isinstance(subject, Aggregate)
                key = f"sum:{subject.collection}:{len(self.aggregates)}"
                self.aggregates[key] = subject
                for threshold in self.values(other):
                    self.around(key, threshold, _compared(op, threshold), polarity)
        for child in node.children():
            self.visit(child, self.none_wanted(node, child, polarity))

    @staticmethod
    def none_wanted(node: Compare, child: Expr, polarity: int) -> int:
        """``count(items, where=w) == 0``: an item that passes wants ``w`` to fail."""
        other = node.right if child is node.left else node.left
        if (
            isinstance(child, Aggregate)
            and child.kind == "count"
            and child.where is not None
            and node.op == "eq"
            and isinstance(other, Const)
            and other.value == 0
        ):
            return -polarity
        return 0

    def link(
        self, subject: Expr, aggregate: Aggregate, other: Expr, op: str, polarity: int
    ) -> None:
        """A sum compared with a computed value (a link), or with thresholds."""
        if not self.values(other):
            offsets = tuple(
                Hint(offset, _passes(_OPS[op](offset, Euro.ZERO), polarity))
                for offset in (-_CENT, Euro.ZERO, _CENT)
            )
            self.links.append(SumLink(aggregate, op, other, offsets))
        elif _key(subject) is None:
            key = f"sum:{aggregate.collection}:{len(self.aggregates)}"
            self.aggregates[key] = aggregate
            for threshold in self.values(other):
                self.around(key, threshold, _compared(op, threshold), polarity)

    def aggregate_key(self, subject: Expr, key: str) -> None:
        summed = _sum_of(subject) if isinstance(subject, Amount) else None
        if summed is not None:
            self.aggregates[key] = summed

    def between(self, node: Between, polarity: int) -> None:
        key = _key(node.value)
        if key is not None:
            pairs = [(lo, hi) for lo in self.values(node.low) for hi in self.values(node.high)]
            for lo, hi in pairs:
                for threshold in (lo, hi):
                    self.around(key, threshold, _within(lo, hi), polarity)
            self.aggregate_key(node.value, key)
        for child in node.children():
            self.visit(child, 0)

    def membership(self, node: In, polarity: int) -> None:
        key = _key(node.value)
        if key is not None:
            for values in self.values(node.values):
                if node.period and isinstance(values, DateRange):
                    self.around(key, values.start, values.__contains__, polarity)
                    self.around(key, values.end, values.__contains__, polarity)
                elif isinstance(values, tuple | frozenset):
                    members = sorted(values, key=repr)
                    for member in members:
                        self.add(key, member, _passes(True, polarity))
                    for other in _non_members(members, values):
                        self.add(key, other, _passes(False, polarity))
        container = _key(node.values)
        if container is not None and not node.period:
            # A constant looked for inside a collection field (``"x" in project.tags``).
            for value in self.values(node.value):
                self.add(container, value, _passes(True, polarity))
        for child in node.children():
            self.visit(child, 0)

    def starts_with(self, node: StartsWith, polarity: int) -> None:
        key = _key(node.value)
        prefixes: Any = node.prefixes
        found = self.values(prefixes) if isinstance(prefixes, Expr) else [prefixes]
        if key is not None:
            for options in found:
                if isinstance(options, tuple | list | frozenset):
                    self.prefixes.setdefault(key, set()).update(map(str, options))
        for child in node.children():
            self.visit(child, 0)

    def ceilings(self, amount: Amount) -> None:
        """``min(rate.of(base), ceiling)``: the bases where a ceiling starts to bind.

        Every rate of the amount (formula and exceptions) meets every ceiling of the amount,
        and every amount parameter of the scheme, so that a branch that forgot its ceiling is
        still pushed past it.
        """
        nodes = [n for e in amount.expressions() for n in e.walk()]
        applied = [n for n in nodes if isinstance(n, ApplyRate)]
        rates = [r for n in applied for r in self.values(n.rate) if isinstance(r, Rate)]
        caps = [
            v
            for n in nodes
            if isinstance(n, Extremum) and n.op == "min"
            for o in n.operands
            if not isinstance(o, ApplyRate)
            for v in self.values(o)
            if isinstance(v, Euro)
        ]
        guesses = [v for name in self.euro_parameters() for v in self.values(Param(name))]
        for node in applied:
            key = _key(node.amount)
            if key is None:
                continue
            self.aggregate_key(node.amount, key)
            for rate in _unique(rates):
                for cap in _unique(caps + guesses):
                    for base in _kink(cap, rate):
                        self.add(key, base, None, speculative=cap not in caps)

    def euro_parameters(self) -> list[str]:
        return sorted(
            {n for v in self.versions for n in v.parameters if v.parameters[n].unit == "EUR"}
        )

    def around(
        self, key: str, threshold: Any, holds: Callable[[Any], bool] | None, polarity: int
    ) -> None:
        """Add the threshold and its neighbours (a cent, a day or one unit either side)."""
        for candidate in _neighbours(threshold):
            passes = None if holds is None else _passes(_safe(holds, candidate), polarity)
            self.add(key, candidate, passes)


def _compared(op: str, threshold: Any) -> Callable[[Any], bool]:
    """Whether a candidate value satisfies ``candidate <op> threshold``."""

    def holds(candidate: Any) -> bool:
        return _OPS[op](candidate, threshold)

    return holds


def _within(low: Any, high: Any) -> Callable[[Any], bool]:
    def holds(candidate: Any) -> bool:
        return bool(low <= candidate <= high)

    return holds


def _safe(holds: Callable[[Any], bool], candidate: Any) -> bool:
    try:
        return bool(holds(candidate))
    except TypeError:
        return False


def _passes(holds: bool, polarity: int) -> bool | None:
    if polarity == 0:
        return None
    return holds if polarity > 0 else not holds


def _visit_not(walk: _Walk, node: Expr, polarity: int) -> None:
    assert isinstance(node, Not)
    walk.visit(node.operand, -polarity)


def _visit_logic(walk: _Walk, node: Expr, polarity: int) -> None:
    for child in node.children():
        walk.visit(child, polarity)


def _visit_when(walk: _Walk, node: Expr, polarity: int) -> None:
    assert isinstance(node, When)
    walk.visit(node.condition, 0)
    walk.visit(node.then, polarity)
    walk.visit(node.otherwise, polarity)


def _visit_aggregate(walk: _Walk, node: Expr, polarity: int) -> None:
    # Only a count passes a polarity down (see _Walk.none_wanted): to its filter.
    assert isinstance(node, Aggregate)
    if node.value is not None:
        walk.visit(node.value, 0)
    if node.where is not None:
        walk.visit(node.where, polarity if node.kind == "count" else 0)


def _visit_shift(walk: _Walk, node: Expr, polarity: int) -> None:
    assert isinstance(node, ShiftDate)
    sign = getattr(node, "sign", 1)
    years: Any = node.years
    for value in walk.values(years) if isinstance(years, Expr) else [years]:
        if isinstance(value, int) and not isinstance(value, bool):
            walk.year_shifts.add(sign * value)
    for child in node.children():
        walk.visit(child, 0)


def _handler(method: Callable[[_Walk, Any, int], None]) -> Callable[[_Walk, Expr, int], None]:
    return method


# The nodes that hold thresholds or pass a polarity down to their operands.
_HANDLERS: dict[type, Callable[[_Walk, Expr, int], None]] = {
    Compare: _handler(_Walk.compare),
    Between: _handler(_Walk.between),
    In: _handler(_Walk.membership),
    StartsWith: _handler(_Walk.starts_with),
    Logic: _visit_logic,
    Not: _visit_not,
    When: _visit_when,
    ShiftDate: _visit_shift,
    Aggregate: _visit_aggregate,
}
# The nodes with no threshold of their own: the walk goes on into their operands, which lose
# the polarity (a rate applied, a least amount or a presence test decides nothing alone;
# the comparison that reads them finds their values).  A scheme's own node type, in neither
# table, is walked the same way: a threshold missed costs generated examples, not a wrong
# verdict.  Every node type of expressions.NODE_TYPES is in one table or the other
# (tests/test_node_types.py).
_WALKED_THROUGH: frozenset[type] = frozenset(
    {
        Const,
        Field,
        Param,
        AmountRef,
        Amount,
        Item,
        Arith,
        ApplyRate,
        Round,
        Extremum,
        IsSet,
        Supplied,
    }
)


def _name(node: Expr) -> str:
    return node.id if isinstance(node, Amount | AmountRef) else type(node).__name__


def _sum_of(node: Expr) -> Aggregate | None:
    """The sum a node stands for: a sum aggregate, or an amount whose formula is one."""
    if isinstance(node, Amount):
        node = node.formula
    if isinstance(node, Aggregate) and node.kind == "sum" and node.unit == "EUR":
        return node  # sums of counts (inhabitants) are reached through their items
    return None


def _is_count_sum(node: Expr) -> bool:
    return isinstance(node, Aggregate) and node.kind == "sum" and node.unit == "count"


def _key(node: Expr) -> str | None:
    """The input key of a node that reads one input, else None."""
    if isinstance(node, Field):
        return f"field:{node.path}"
    if isinstance(node, Item):
        return f"field:{node.key}"
    if isinstance(node, AmountRef | Amount):
        return f"amount:{node.id}"
    return None


def _neighbours(value: Any) -> list[Any]:
    if isinstance(value, Euro):
        return [v for v in (value - _CENT, value, value + _CENT) if v >= Euro.ZERO]
    if isinstance(value, bool):
        return [value, not value]
    if isinstance(value, int):
        return [v for v in (value - 1, value, value + 1) if v >= 0]
    if isinstance(value, datetime.date):
        return list(_shifted(value, (-1, 0, 1)))
    if isinstance(value, str):
        return [value]
    return []


def _shifted(day: datetime.date, offsets: Iterable[int]) -> Iterator[datetime.date]:
    for offset in offsets:
        try:
            yield day + offset * _DAY
        except OverflowError:
            continue


def _kink(cap: Euro, rate: Rate) -> list[Euro]:
    """The bases around ``cap / rate``, where ``min(rate × base, cap)`` stops growing.

    Bases whose product lands on the ceiling and a cent above it are both included,
    so that whatever the rounding, some base gives a product just over the ceiling.
    """
    if not rate.value:
        return []
    found = []
    for target in (cap, cap + _CENT):
        exact = target.amount / rate.value
        for rounding in (ROUND_FLOOR, ROUND_CEILING):
            base = exact.quantize(Decimal("0.01"), rounding=rounding)
            if base >= 0:
                found.append(Euro(base))
    return _unique(found)


def _non_members(members: list[Any], values: tuple[Any, ...] | frozenset[Any]) -> list[Any]:
    """A few strings shaped like the members (same length and alphabet) but not among them."""
    found: list[Any] = []
    picks = (
        [members[i] for i in sorted({0, len(members) // 2, len(members) - 1})] if members else []
    )
    for member in picks:
        if not isinstance(member, str) or not member:
            continue
        for candidate in _variants(member):
            if candidate not in values and candidate not in found:
                found.append(candidate)
                break
        if len(found) >= _NON_MEMBERS:
            break
    return found


def _variants(member: str) -> Iterator[str]:
    if member.isascii() and member.isdigit():
        number = int(member)
        for step in (1, -1, 2, -2, 10, -10, 100, -100):
            if 0 <= number + step < 10 ** len(member):
                yield str(number + step).zfill(len(member))
    yield member[:-1] + ("x" if member[-1] != "x" else "y")
    yield member + "_x"


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _important_dates(walk: _Walk) -> tuple[Hint, ...]:
    """Version starts, parameter changes and ends, and every date value of the parameters."""
    days: set[datetime.date] = set()
    for version in walk.versions:
        days.add(version.valid_from)
        days.update(version.parameters.change_dates())
        for name in version.parameters:
            parameter = version.parameters[name]
            if parameter.until is not None:
                days.add(parameter.until + _DAY)
            for dated in parameter.values:
                if isinstance(dated.value, DateRange):
                    days.update((dated.value.start, dated.value.end))
                elif isinstance(dated.value, datetime.date):
                    days.add(dated.value)
    if walk.on is not None:
        days.add(walk.on)
    return tuple(Hint(d) for d in sorted({s for day in days for s in _shifted(day, (-1, 0, 1))}))


def _start(walk: _Walk) -> None:
    for version in walk.versions:
        for criterion in version.criteria:
            blocking = criterion.severity is Severity.BLOCKING
            walk.visit(criterion.condition, 1 if blocking else 0)
            for override in criterion.exceptions:
                walk.visit(override.when, 0)
                walk.visit(override.then, 1 if blocking else 0)
            if criterion.applies_if is not None:
                walk.visit(criterion.applies_if, 0)
            for detail in criterion.details.values():
                walk.visit(detail, 0)
        for amount in version.amounts:
            for expression in amount.expressions():
                walk.visit(expression, 0)
            walk.ceilings(amount)
            # (an amount is money: a sum it is is a sum of euros)
            if isinstance(amount.formula, Aggregate) and amount.formula.kind == "sum":
                walk.aggregates.setdefault(f"amount:{amount.id}", amount.formula)
                if amount.formula.where is not None:
                    # An item an amount counts (an eligible cost line) is the item an
                    # application aiming at eligibility wants.
                    walk.visit(amount.formula.where, 1)
        for extra in version.derived.values():
            walk.visit(extra, 0)
        for obligation in version.obligations:
            if obligation.applies_if is not None:
                walk.visit(obligation.applies_if, 0)


def _scatter(hint: Hint) -> bytes:
    """A fixed but arbitrary order: Hypothesis draws the first options of a list most often,
    so a sorted list would favour the smallest threshold of every input."""
    return hashlib.blake2b(repr(hint.value).encode(), digest_size=8).digest()


def _merge(options: set[bool | None]) -> bool | None:
    """One verdict for a value several rules produced: a failure anywhere wins."""
    if False in options:
        return False
    return True if True in options else None


def find_thresholds(scheme: Scheme, on: datetime.date | None = None) -> Thresholds:
    """Walk ``scheme``'s rules and return the values worth generating.

    With ``on``, only the version and parameter values in force on that day count; without,
    every version and every dated value does.

    Args:
        scheme: the scheme whose rules to walk.
        on: the evaluation date, or None for every version and every dated value.

    Returns:
        The :class:`Thresholds` found.

    The example scheme's one criterion is ``total > 0.00``: its thresholds are the cent above,
    which passes, and zero, which fails.

    >>> from grantrules.testing.examples import example_scheme
    >>> for hint in find_thresholds(example_scheme()).for_key("amount:total"):
    ...     print(hint)
    Hint(value=Euro('0.01'), passes=True, speculative=False)
    Hint(value=Euro('0.00'), passes=False, speculative=False)

    .. versionadded:: 0.1
    """
    versions = scheme.versions if on is None else (scheme.version_at(on),)
    walk = _Walk(versions, on)
    _start(walk)
    hints = {
        key: tuple(
            sorted(
                (
                    Hint(v, _merge(o), speculative=v not in walk.solid.get(key, ()))
                    for v, o in found.items()
                ),
                key=_scatter,
            )
        )
        for key, found in walk.hints.items()
    }
    # Collections aimed at thresholds (the costs) drive; only the others (the financing plan)
    # follow the values they are compared with.
    driving = {agg.collection for key, agg in walk.aggregates.items() if hints.get(key)}
    links: dict[tuple[int, int], SumLink] = {}
    for link in walk.links:
        if link.aggregate.collection not in driving:
            links.setdefault((id(link.aggregate), id(link.other)), link)
    return Thresholds(
        hints=hints,
        prefixes={key: tuple(sorted(p)) for key, p in walk.prefixes.items()},
        dates=_important_dates(walk),
        year_shifts=tuple(sorted(walk.year_shifts)),
        aggregates=dict(walk.aggregates),
        links=tuple(sorted(links.values(), key=lambda link: link.aggregate.where is None)),
        field_links=tuple(walk.field_links.values()),
    )
