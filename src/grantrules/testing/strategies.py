"""Hypothesis strategies for grantrules values and for the applications of any scheme.

>>> from hypothesis import find
>>> from grantrules.testing.strategies import euros
>>> find(euros("0.00", "10.00"), lambda amount: amount >= Euro("9.99"))
Euro('9.99')

:func:`applications` generates instances of a scheme's own application model and concentrates
on the boundaries of its rules: every threshold found by walking the rule objects (cost bounds,
ceilings, code lists, date windows, parameter changes) is generated at, just below and just
above its value.  Arguments are checked eagerly: a wrong one raises
:class:`~grantrules.errors.InvalidArgument` when the strategy is built, not when it is drawn.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import event
from hypothesis import strategies as st

from grantrules.amounts import Amount
from grantrules.dates import DateRange
from grantrules.errors import GrantRulesError, InvalidArgument
from grantrules.expressions import AmountRef
from grantrules.model import CostLine
from grantrules.money import Euro, Rate
from grantrules.scheme import Scheme
from grantrules.serde import unstructure_application
from grantrules.testing._aim import aim_sum, amounts_of, evaluate_expr, replace_path
from grantrules.testing._build import (
    Builder,
    amounts,
    euro_strategy,
    field_types,
    ints,
    sample,
    siren_strategy,
)
from grantrules.testing._constants import pin_local_constants
from grantrules.testing._invalid import mutations
from grantrules.testing._thresholds import FieldLink, Hint, SumLink, Thresholds, find_thresholds

__all__ = [
    "Hint",
    "Thresholds",
    "applications",
    "cost_lines",
    "date_ranges",
    "dates",
    "euros",
    "find_thresholds",
    "invalid_applications",
    "rates",
    "sirens",
    "witness_seeding",
]

_MAX_EURO = Euro("9999999999999999.99")
_LINK_ROUNDS = 3
# Whether an example aims at eligibility (True) or roams freely.
_AIM = st.booleans()
_DEFAULT_MAX_AMOUNT = Euro("100000.00")


def _describe(value: object) -> str:
    return f"the {type(value).__name__} {value!r}"


def _euro_bound(name: str, value: object) -> Euro | None:
    if value is None:
        return None
    if isinstance(value, float | bool) or not isinstance(value, Euro | Decimal | int | str):
        raise InvalidArgument(
            f'{name}: expected an amount as a Euro, a string like "1200.00" or an int, '
            f"got {_describe(value)}"
        )
    try:
        return Euro(value)
    except GrantRulesError as exc:
        raise InvalidArgument(f"{name}: {exc}") from None


def _check_order(low: Any, high: Any, what: str) -> None:
    if low is not None and high is not None and low > high:
        raise InvalidArgument(
            f"min_value={low!r} is greater than max_value={high!r}: no {what} lies between"
        )


def euros(
    min_value: Euro | Decimal | int | str | None = None,
    max_value: Euro | Decimal | int | str | None = None,
) -> st.SearchStrategy[Euro]:
    """Amounts in euros between ``min_value`` and ``max_value``, both included.

    Bounds may be :class:`~grantrules.money.Euro`, strings such as ``"1200.00"``, ints or
    Decimals with at most two decimals; floats are refused.  Without bounds, any amount
    :class:`Euro` accepts (below 10**16 in absolute value).  Values are drawn as cent-exact
    decimals, never through ``from_type(Decimal)``, which yields NaN and infinities.

    Args:
        min_value: the least amount, or None.
        max_value: the greatest amount, or None.

    Raises:
        InvalidArgument: a bound is not an amount, or ``min_value > max_value``.

    >>> from hypothesis import find
    >>> find(euros("10.00", "20.00"), lambda e: e > Euro("15.00"))
    Euro('15.01')

    .. versionadded:: 0.1
    """
    low = _euro_bound("min_value", min_value)
    high = _euro_bound("max_value", max_value)
    _check_order(low, high, "amount")
    return st.decimals(
        # `is None`, not `or`: a zero bound (Euro.ZERO is falsy) is a bound.
        min_value=(-_MAX_EURO if low is None else low).amount,
        max_value=(_MAX_EURO if high is None else high).amount,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ).map(Euro)


def _rate_bound(name: str, value: object, default: Rate) -> Rate:
    if value is None:
        return default
    if isinstance(value, float | bool) or not isinstance(value, Rate | Decimal | int | str):
        raise InvalidArgument(
            f'{name}: expected a rate as a Rate, a string like "60%" or "0.6", '
            f"got {_describe(value)}"
        )
    try:
        return Rate(value)
    except GrantRulesError as exc:
        raise InvalidArgument(f"{name}: {exc}") from None


def rates(
    min_value: Rate | Decimal | int | str | None = None,
    max_value: Rate | Decimal | int | str | None = None,
) -> st.SearchStrategy[Rate]:
    """Rates between ``min_value`` and ``max_value`` (0 % and 100 % by default), to 0.01 %.

    Raises:
        InvalidArgument: a bound is not a rate, or ``min_value > max_value``.

    >>> from hypothesis import find
    >>> find(rates("50%", "60%"), lambda r: True)
    Rate('0.5')

    .. versionadded:: 0.1
    """
    low = _rate_bound("min_value", min_value, Rate(0))
    high = _rate_bound("max_value", max_value, Rate(1))
    _check_order(low, high, "rate")
    return st.decimals(min_value=low.value, max_value=high.value, places=4).map(Rate)


def _date_bound(name: str, value: object, default: datetime.date) -> datetime.date:
    if value is None:
        return default
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidArgument(f"{name}: expected a datetime.date, got {_describe(value)}")
    return value


def dates(
    min_value: datetime.date | None = None, max_value: datetime.date | None = None
) -> st.SearchStrategy[datetime.date]:
    """Calendar dates between ``min_value`` and ``max_value``, both included.

    Raises:
        InvalidArgument: a bound is not a ``datetime.date`` (a ``datetime`` is refused), or
            ``min_value > max_value``.

    >>> from hypothesis import find
    >>> find(dates(datetime.date(2024, 2, 28)), lambda d: d.month == 3)
    datetime.date(2024, 3, 1)

    .. versionadded:: 0.1
    """
    low = _date_bound("min_value", min_value, datetime.date.min)
    high = _date_bound("max_value", max_value, datetime.date.max)
    _check_order(low, high, "date")
    return st.dates(low, high)


def date_ranges(
    min_value: datetime.date | None = None, max_value: datetime.date | None = None
) -> st.SearchStrategy[DateRange]:
    """Ranges of days lying between ``min_value`` and ``max_value``.

    >>> from hypothesis import find
    >>> find(date_ranges(datetime.date(2025, 1, 1)), lambda r: r.days > 1)
    DateRange(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 2))

    .. versionadded:: 0.1
    """
    days = dates(min_value, max_value)
    return st.tuples(days, days).map(lambda pair: DateRange(*sorted(pair)))


def sirens() -> st.SearchStrategy[str]:
    """SIREN numbers: nine digits that pass the Luhn check, as the model requires.

    >>> from grantrules.model import luhn_valid
    >>> from hypothesis import find
    >>> luhn_valid(find(sirens(), lambda s: True))
    True

    .. versionadded:: 0.1
    """
    return siren_strategy()


def _check_scheme(scheme: object, name: str = "scheme") -> Scheme:
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(
            f"{name}: expected a grantrules Scheme, got {_describe(scheme)}; "
            'load one with grantrules.load_scheme("...")'
        )
    return scheme


def _check_on(on: object) -> datetime.date | None:
    return None if on is None else _date_bound("on", on, datetime.date.min)


@functools.lru_cache(maxsize=64)
def _analysis(scheme: Scheme, on: datetime.date | None) -> tuple[Thresholds, Euro]:
    thresholds = find_thresholds(scheme, on)
    amounts = [
        h.value for hints in thresholds.hints.values() for h in hints if isinstance(h.value, Euro)
    ]
    largest = max(amounts, default=Euro.ZERO)
    return thresholds, max(largest.times(2), _DEFAULT_MAX_AMOUNT)


def _cost_line_type(scheme: Scheme | None) -> type:
    if scheme is None:
        return CostLine
    costs = field_types(scheme.application_type).get("costs")
    args = getattr(costs, "__args__", ())
    return args[0] if args and attrs.has(args[0]) else CostLine


def cost_lines(scheme: Scheme | None = None) -> st.SearchStrategy[Any]:
    """Cost lines of ``scheme``'s model (the generic :class:`~grantrules.model.CostLine`
    when ``scheme`` is None), with categories and amounts taken from its rules' thresholds.

    >>> from hypothesis import find
    >>> find(cost_lines(), lambda line: True).amount_excl_vat >= Euro.ZERO
    True

    .. versionadded:: 0.1
    """
    line_type = _cost_line_type(None if scheme is None else _check_scheme(scheme))
    pin_local_constants()
    if scheme is None:
        empty = Thresholds({}, {}, (Hint(datetime.date(2025, 1, 1)),), (), {}, ())
        thresholds, top = empty, _DEFAULT_MAX_AMOUNT
    else:
        thresholds, top = _analysis(scheme, None)

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        builder = Builder(draw, thresholds, draw(st.booleans()), top)
        return builder.instance(line_type, "costs[].")

    return build()


def applications(
    scheme: Scheme, on: datetime.date | None = None, *, from_witnesses: bool = True
) -> st.SearchStrategy[Any]:
    """Applications to ``scheme``: instances of ``scheme.application_type``.

    The model's attrs classes are walked generically (str, int, bool, dates, Euro, Literal,
    optional values, tuples and nested attrs classes); SIRENs pass the Luhn check and strings
    match the patterns their validators check.  Half of the examples aim at eligibility (they
    prefer values that pass the blocking criteria), the other half roam freely, so that both
    eligible and ineligible applications come out; every threshold of the rules is generated
    at, just below and just above its value, and sums such as ``total_cost`` are reached
    exactly by splitting the target into cost lines.

    With the solver installed (``grantrules[prove]``), one example in ten starts from an
    application :func:`grantrules.prove.witness_documents` built to reach an outcome of a rule
    (each criterion passed, failed or not applicable, each exception applied or not, an
    eligible award), about half of them then moved a cent or a day around the rules'
    thresholds: eligibility and the rules' outcomes come out for schemes the generator alone
    does not reach.  Each analysis has a solver context of its own, so the witnesses depend on
    the scheme and the date only and derandomised runs stay reproducible.  Without the solver
    the generator alone draws (:func:`witness_seeding` says why, and so does the invariant
    suite's summary).

    Args:
        scheme: the scheme whose applications to generate.
        on: the evaluation date the applications are meant for; only the rules in force on
            that day then provide thresholds.  By default every version's do.
        from_witnesses: also start from the solver's witnesses (see above); ``False`` for
            the generator alone.

    Raises:
        InvalidArgument: ``scheme`` is not a Scheme or ``on`` not a date.

    >>> from grantrules import evaluate
    >>> from grantrules.testing.examples import example_scheme
    >>> from hypothesis import find
    >>> scheme = example_scheme()
    >>> refused = find(applications(scheme), lambda a: not evaluate(scheme, a).eligible)
    >>> evaluate(scheme, refused).award
    Euro('0.00')

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       Starts from the solver's witnesses by default.
    """
    _check_scheme(scheme)
    day = _check_on(on)
    # Derandomised examples must not depend on the modules other tests imported.
    pin_local_constants()
    thresholds, top = _analysis(scheme, day)
    witnesses = _witnesses(scheme, day) if from_witnesses else ()
    return _applications(_Target(scheme, day, thresholds, top, witnesses))


def witness_seeding() -> str | None:
    """Why :func:`applications` cannot start from the solver's witnesses, or None when it does.

    >>> witness_seeding() is None  # grantrules[prove] is installed here
    True
    """
    try:
        import z3  # noqa: F401
    except ImportError:
        return "the solver is not installed (pip install 'grantrules[prove]')"
    return None


@functools.lru_cache(maxsize=64)
def _witnesses(scheme: Scheme, on: datetime.date | None) -> tuple[Any, ...]:
    """The solver's confirmed witnesses of ``scheme`` on ``on`` (today by default), as instances;
    none without the solver, or when it cannot analyse the scheme (it names why in
    ``grantrules check``; generation then relies on the generator alone)."""
    if witness_seeding() is not None:
        return ()
    from grantrules.prove import witness_documents
    from grantrules.serde import structure_application

    try:
        documents = witness_documents(scheme, on)
    except GrantRulesError:
        return ()
    return tuple(structure_application(scheme, document) for document in documents)


@attrs.frozen(repr=False)
class _Target:
    """What :func:`applications` draws for, with a short repr for Hypothesis' reports."""

    scheme: Scheme
    on: datetime.date | None
    thresholds: Thresholds
    top: Euro
    witnesses: tuple[Any, ...] = attrs.field(default=(), eq=False)

    def __repr__(self) -> str:
        return f"{self.scheme.id!r}" + (f", on={self.on!r}" if self.on else "")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis' pretty printer shows attrs fields; show the short form instead."""
        printer.text(repr(self))


@st.composite
def _applications(draw: st.DrawFn, target: _Target) -> Any:
    scheme, on, thresholds, top = target.scheme, target.on, target.thresholds, target.top
    aim = draw(_AIM)
    if target.witnesses and draw(ints(0, 9)) == 0:
        # The first witness, the eligible one with an award when there is one, is also the
        # simplest draw: Hypothesis prefers it, and the award invariants need it most.
        app = draw(sample(target.witnesses))
        if not draw(st.booleans()):
            return app
        day = on or app.submitted_on
        app = _aim_amounts(draw, scheme, app, thresholds, day, aim, top)
        return _aim_links(draw, scheme, app, thresholds, day, aim)
    builder = Builder(draw, thresholds, aim, top)
    app = builder.instance(scheme.application_type)
    day = on or app.submitted_on
    app = _aim_amounts(draw, scheme, app, thresholds, day, aim, top)
    return _aim_links(draw, scheme, app, thresholds, day, aim)


def _aim_amounts(
    draw: st.DrawFn,
    scheme: Scheme,
    app: Any,
    thresholds: Thresholds,
    day: datetime.date,
    aim: bool,
    top: Euro,
) -> Any:
    """Aim sums (``eligible_cost``, then ``total_cost``...) at thresholds or random values.

    Filtered sums come first; the items they adjusted are then left alone, so that an
    unfiltered sum reaches its own target through the other items (unless those items
    already carry more than the target: the later target then rescales them all).
    """
    pinned: dict[str, frozenset[int]] = {}
    ordered = sorted(thresholds.aggregates.items(), key=lambda kv: (kv[1].where is None, kv[0]))
    for key, aggregate in ordered:
        hints = thresholds.for_key(key, passing=aim)
        decisive = any(h.passes for h in hints)
        # Aiming at eligibility, neutral targets (where a ceiling binds...) often break a
        # decisive one (the cost range): aim at them less often (30 %).
        if not hints or draw(ints(0, 9)) >= (9 if decisive or not aim else 3):
            continue
        passing = sorted(h.value for h in hints if h.passes and isinstance(h.value, Euro))
        if aggregate.unit == "count":
            # A sum of counts (inhabitants): its boundary, or anywhere below the largest hint.
            largest = max(h.value for h in hints)
            target = draw(sample(hints)).value if draw(st.booleans()) else draw(ints(0, largest))
        elif draw(ints(0, 9)) < 6:
            failing = tuple(h for h in hints if h.passes is False)
            # Roaming, half the hinted targets are the failing ones (a total cost one cent
            # below the minimum), which aiming never picks: one draw among all the hints
            # reaches them too rarely, Hypothesis' choices being far from uniform.
            pool = failing if failing and not aim and draw(st.booleans()) else hints
            target = draw(sample(pool)).value
        elif aim and len(passing) > 1:
            # Anywhere between the passing bounds (a total cost inside the cost range).
            target = draw(euro_strategy(passing[0], passing[-1]))
        else:
            target = draw(amounts(top))
        collection = aggregate.collection
        kept = pinned.get(collection, frozenset())
        app, adjusted = aim_sum(scheme, app, aggregate, target, day=day, amounts={}, pinned=kept)
        if not adjusted and kept:
            # The items an earlier sum set carry more than this target (an eligible cost
            # above a total cost one cent below the minimum): both cannot hold, this one wins.
            app, adjusted = aim_sum(scheme, app, aggregate, target, day=day, amounts={})
        pinned[collection] = kept | adjusted
    return app


def _link_target(
    scheme: Scheme, app: Any, day: datetime.date, link: SumLink | FieldLink
) -> Euro | None:
    """The value a linked sum should take: the other side of its comparison, evaluated."""
    figures = amounts_of(scheme, app, day)
    other = link.other
    if isinstance(other, Amount | AmountRef):
        return figures.get(other.id)
    value = evaluate_expr(scheme, app, day, other, figures)
    return value if isinstance(value, Euro) else None


def _aim_links(
    draw: st.DrawFn,
    scheme: Scheme,
    app: Any,
    thresholds: Thresholds,
    day: datetime.date,
    aim: bool,
) -> Any:
    """Make sums compared with computed values (financing plan == total cost) equal, or nearly.

    Filtered sums (the FEDER line, own funds) come first and keep their items; the unfiltered
    sum (the whole plan) then reaches its target through the other items.
    """
    chosen: list[tuple[SumLink, Euro]] = []
    for link in thresholds.links:
        if draw(ints(0, 9)) >= (9 if aim else 7):
            continue
        offsets = [h.value for h in link.offsets if not aim or h.passes is not False]
        if offsets:
            offset = Euro.ZERO if draw(st.booleans()) else draw(sample(tuple(offsets)))
            chosen.append((link, offset))
    # A target may depend on the sum it sets (own funds >= 20 % of a total that includes
    # them) or on another linked sum: a few rounds settle them.
    for _ in range(_LINK_ROUNDS if chosen else 0):
        pinned: dict[str, frozenset[int]] = {}
        for link, offset in chosen:
            base = _link_target(scheme, app, day, link)
            if base is None or base + offset < Euro.ZERO:
                continue
            collection = link.aggregate.collection
            app, adjusted = aim_sum(
                scheme,
                app,
                link.aggregate,
                base + offset,
                day=day,
                amounts={},
                pinned=pinned.get(collection, frozenset()),
            )
            pinned[collection] = pinned.get(collection, frozenset()) | adjusted
    return _aim_fields(draw, scheme, app, thresholds, day, aim)


def _aim_fields(
    draw: st.DrawFn,
    scheme: Scheme,
    app: Any,
    thresholds: Thresholds,
    day: datetime.date,
    aim: bool,
) -> Any:
    """Set inputs compared with a computed value (the amount an instructor grants, up to the
    maximum the rules allow) to that value, one cent either side, or a share of it."""
    for link in thresholds.field_links:
        if draw(ints(0, 9)) >= (8 if aim else 5):
            continue
        base = _link_target(scheme, app, day, link)
        if base is None:
            continue
        offsets = [h.value for h in link.offsets if not aim or h.passes is not False]
        if draw(st.booleans()) or not offsets:
            value = Rate(Decimal(draw(ints(1, 100))) / 100).apply(base)
        else:
            value = base + draw(sample(tuple(offsets)))
        if value >= Euro.ZERO:
            try:
                app = replace_path(app, link.path, value)
            except (ValueError, TypeError, GrantRulesError):
                continue
    return app


def invalid_applications(scheme: Scheme) -> st.SearchStrategy[dict[str, Any]]:
    """Malformed JSON documents of ``scheme``'s applications, for the error path.

    Each document is a valid application's JSON with one defect: an amount written as a
    float, an unknown key, a missing required key, a SIREN failing its Luhn check, an
    impossible date, a negative amount, or a value of the wrong type.

    >>> from hypothesis import given, settings
    >>> from grantrules.errors import ApplicationInvalid
    >>> from grantrules.serde import structure_application
    >>> from grantrules.testing.examples import example_scheme
    >>> scheme = example_scheme()
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(invalid_applications(scheme))
    ... def test_refused(document):
    ...     try:
    ...         structure_application(scheme, document)
    ...     except ApplicationInvalid:
    ...         return
    ...     raise AssertionError(f"accepted {document}")
    >>> test_refused()

    .. versionadded:: 0.1
    """
    _check_scheme(scheme)
    valid = applications(scheme)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        document = unstructure_application(draw(valid))
        name, mutate = draw(st.sampled_from(mutations()))
        event(f"defect: {name}")
        return mutate(draw, scheme.application_type, document)

    return build()
