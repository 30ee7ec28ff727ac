"""Schemes and their dated versions.

A :class:`Scheme` is the stable identity of a grant programme (id, title, application model);
its :class:`SchemeVersion` objects hold the rules in force from a date: parameters, criteria,
amounts, obligations.  Metadata uses Aides-territoires' vocabulary so that a scheme can be
listed in such a catalogue.

>>> from grantrules.testing.examples import dated_example_scheme
>>> scheme = dated_example_scheme()
>>> scheme.metadata.perimeter
Perimeter(scale='commune', code='99999', name='Exempleville')
>>> scheme.version_at(datetime.date(2025, 3, 14)).valid_from
datetime.date(2024, 11, 1)

.. versionadded:: 0.1
"""

from __future__ import annotations

import bisect
import datetime
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from grantrules._units import Units, check_amount, check_criterion, check_units, field_unit
from grantrules.amounts import Amount, order_amounts
from grantrules.decision import DECISION_KEYS
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.expressions import Expr, pending_inputs
from grantrules.funding import Invariant, check_invariant_ids
from grantrules.model import Application
from grantrules.parameters import ParameterSet
from grantrules.rules import Criterion, Obligation, Texts, pending_criterion

__all__ = ["Metadata", "Perimeter", "Scheme", "SchemeVersion"]

_T = TypeVar("_T")

# Keys of the decision JSON that a scheme's derived values may not shadow.
RESERVED_KEYS = frozenset(DECISION_KEYS)


@attrs.frozen(kw_only=True)
class Perimeter:
    """Where a scheme applies, as Aides-territoires scales it (``region``, code ``32``).

    >>> Perimeter(scale="commune", code="99999", name="Exempleville").name
    'Exempleville'

    .. versionadded:: 0.1
    """

    scale: str
    code: str
    name: str


@attrs.frozen(kw_only=True)
class Metadata:
    """Catalogue description of a scheme, named after Aides-territoires' aid fields.

    Only ``name`` (its texts by language) is required; the fields keep Aides-territoires'
    names and values (``targeted_audiences=("commune", "epci")``, ``aid_types=("grant",)``).

    >>> metadata = Metadata(
    ...     name={"fr": "Appel à projets numérique des communes",
    ...           "en": "Digital call for municipalities"},
    ...     short_title="AAP numérique",
    ...     targeted_audiences=("commune", "epci"),
    ...     perimeter=Perimeter(scale="commune", code="99999", name="Exempleville"),
    ...     is_call_for_project=True,
    ... )
    >>> metadata.aid_types, metadata.perimeter.code
    (('grant',), '99999')

    .. versionadded:: 0.1
    """

    name: Texts
    short_title: str | None = None
    description: Texts = attrs.field(factory=dict)
    targeted_audiences: tuple[str, ...] = ()
    perimeter: Perimeter | None = None
    aid_types: tuple[str, ...] = ("grant",)
    destinations: tuple[str, ...] = ()
    financers: tuple[str, ...] = ()
    instructors: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    subvention_rate_lower_bound: int | None = None
    subvention_rate_upper_bound: int | None = None
    is_call_for_project: bool = False
    recurrence: str | None = None
    origin_url: str | None = None
    open_questions: tuple[Texts, ...] = ()


def _criteria(items: Iterable[Criterion]) -> tuple[Criterion, ...]:
    return tuple(items)


def _obligations(items: Iterable[Obligation]) -> tuple[Obligation, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True, eq=False)
class SchemeVersion:
    """The rules of a scheme in force from ``valid_from`` until the next version.

    Construction checks the version is consistent: unique ids, the award is one of the
    amounts, amounts form no cycle, every parameter a rule reads is defined, derived values
    do not shadow keys of the decision JSON, and every funding invariant (``invariants``) is
    a boolean expression over known amounts, with a unique id.

    Raises:
        SchemeDefinitionError: the version is inconsistent (the message says how).

    >>> from grantrules.amounts import Amount
    >>> from grantrules.basis import Basis
    >>> from grantrules.expressions import collection, param, sum_of
    >>> from grantrules.testing.examples import example_parameters
    >>> basis = Basis("Délibération n° 2024-112")
    >>> total = Amount("total_cost", sum_of(collection("costs").amount_excl_vat), basis=basis)
    >>> award = Amount("award", param("feder_rate").of(total), basis=basis)
    >>> version = SchemeVersion(valid_from=datetime.date(2024, 11, 1),
    ...                         parameters=example_parameters(), criteria=[],
    ...                         amounts=[award, total], award="award")
    >>> [amount.id for amount in version.amounts]
    ['total_cost', 'award']
    >>> try:
    ...     attrs.evolve(version, award="grant")
    ... except SchemeDefinitionError as error:
    ...     print(error)
    the award 'grant' is not one of the amounts ['award', 'total_cost']

    .. versionadded:: 0.1
    """

    valid_from: datetime.date
    parameters: ParameterSet
    criteria: tuple[Criterion, ...] = attrs.field(converter=_criteria)
    amounts: tuple[Amount, ...] = attrs.field(converter=order_amounts)
    award: str
    obligations: tuple[Obligation, ...] = attrs.field(default=(), converter=_obligations)
    derived: Mapping[str, Expr] = attrs.field(factory=dict)
    labels: Mapping[str, Texts] = attrs.field(factory=dict)
    note: str = ""
    #: Funding invariants the scheme's text promises (see :class:`~grantrules.Invariant`).
    invariants: tuple[Invariant, ...] = attrs.field(default=(), converter=check_invariant_ids)
    _cache: dict[str, Any] = attrs.field(init=False, factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "criteria", self.criteria + self._pending_criteria())
        ids = [c.id for c in self.criteria]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise SchemeDefinitionError(f"criteria ids used twice: {duplicates}")
        if self.award not in {a.id for a in self.amounts}:
            raise SchemeDefinitionError(
                f"the award {self.award!r} is not one of the amounts "
                f"{sorted(a.id for a in self.amounts)}"
            )
        clash = RESERVED_KEYS & self.derived.keys()
        if clash:
            raise SchemeDefinitionError(f"derived values shadow decision keys: {sorted(clash)}")
        amount_ids = {a.id for a in self.amounts}
        for invariant in self.invariants:
            stray = {i.name for i in invariant.inputs() if i.kind == "amount"} - amount_ids
            if stray:
                raise SchemeDefinitionError(
                    f"invariant {invariant.id} reads unknown amounts {sorted(stray)}; "
                    f"known: {sorted(amount_ids)}"
                )
        unknown = {i.name for e in self.expressions() for i in e.inputs() if i.kind == "param"}
        unknown -= set(self.parameters)
        if unknown:
            raise SchemeDefinitionError(
                f"rules read parameters that are not defined: {sorted(unknown)}"
            )
        self.check_units()

    def check_units(self, fields: Callable[[str], str | None] | None = None) -> None:
        """Check every rule's units, knowing the parameters' units (and the fields' units when
        the scheme gives them): a rate subtracted from an amount is refused here.

        Raises:
            SchemeDefinitionError: naming the rule, the problem and the expression.
        """
        units = Units(
            params={name: self.parameters[name].unit for name in self.parameters},
            **({"fields": fields} if fields is not None else {}),
        )
        for criterion in self.criteria:
            check_criterion(criterion, units)
        for amount in self.amounts:
            check_amount(amount, units)
        for name, expr in self.derived.items():
            check_units(f"derived value {name}", expr, None, units)
        for obligation in self.obligations:
            if obligation.applies_if is not None:
                check_units(f"obligation {obligation.id}", obligation.applies_if, "bool", units)
        for invariant in self.invariants:
            invariant.check_units(units)

    def _pending_criteria(self) -> tuple[Criterion, ...]:
        """A blocking criterion per instructor input the rules need and no criterion has as
        its id: a decision lacking the input is then ``missing`` it, by name."""
        readers: list[tuple[tuple[Expr, ...], Any]] = [
            (c.expressions(), c.basis) for c in self.criteria
        ]
        readers += [(a.expressions(), a.basis) for a in self.amounts]
        readers += [
            ((o.applies_if,), o.basis) for o in self.obligations if o.applies_if is not None
        ]
        ids = {c.id for c in self.criteria}
        added: dict[str, Criterion] = {}
        for expressions, basis in readers:
            for expr in expressions:
                for path in sorted(pending_inputs(expr) - ids - added.keys()):
                    label = self.labels.get(f"field:{path}")
                    added[path] = pending_criterion(path, basis, label)
        return tuple(added[path] for path in sorted(added))

    def expressions(self) -> tuple[Expr, ...]:
        """Every expression of this version (for analysis: inputs, thresholds, rendering).

        >>> from grantrules.testing.examples import example_scheme
        >>> version = example_scheme().versions[0]
        >>> sorted({str(i) for e in version.expressions() for i in e.inputs()})
        ['amount:total', 'collection:costs', 'field:costs[].amount_excl_vat']
        """
        found: list[Expr] = []
        for criterion in self.criteria:
            found += criterion.expressions()
        for amount in self.amounts:
            found += amount.expressions()
        found += [o.applies_if for o in self.obligations if o.applies_if is not None]
        found += self.derived.values()
        for invariant in self.invariants:
            found += invariant.expressions()
        return tuple(found)

    def all_labels(self) -> dict[str, Texts]:
        """Labels of fields, parameters and amounts for rendering.

        Parameters are labelled by their description, amounts by their label, and the
        version's own ``labels`` come last, so that they win.

        >>> from grantrules.testing.examples import dated_example_scheme
        >>> version = dated_example_scheme().versions[0]
        >>> labels = version.all_labels()
        >>> labels["amount:total_cost"]["fr"]
        'le coût total'
        """
        merged: dict[str, Texts] = {}
        for name in self.parameters:
            description = self.parameters[name].description
            if description:
                merged[f"param:{name}"] = description
            merged.update(self.parameters[name].code_labels())
        for amount in self.amounts:
            merged.update(amount.labels())
        merged.update(self.labels)
        return merged

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id.

        Raises:
            InvalidArgument: no criterion has this id (the message lists them).

        >>> from grantrules.testing.examples import example_scheme
        >>> str(example_scheme().versions[0].criterion("cost.positive").basis)
        'Example'
        """
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise InvalidArgument(
            f"no criterion {criterion_id!r}; known: {', '.join(c.id for c in self.criteria)}"
        )

    def cached(self, key: str, build: Callable[[SchemeVersion], _T]) -> _T:
        """``build(self)``, computed on first use and kept with this version under ``key``.

        The one place where readers of the expression tree keep what they derive from a
        version (the compiled function under ``"compiled"``, the columnar plan under
        ``"batch_plan"``): one entry per reader, never stale (a version is frozen), freed with
        the version.  ``build`` may return an exception instance to remember a refusal.

        >>> from grantrules.testing.examples import example_scheme
        >>> version = example_scheme().versions[0]
        >>> version.cached("criteria count", lambda v: len(v.criteria))
        1
        >>> version.cached("criteria count", lambda v: 99)  # built once
        1

        .. versionadded:: 0.3
        """
        if key in self._cache:
            return typing.cast(_T, self._cache[key])
        found = self._cache[key] = build(self)
        return found

    def parameters_at(self, day: datetime.date) -> Mapping[str, Any]:
        """The values of the parameters in force on ``day``, read-only (computed once per
        span of days between two parameter boundaries, and shared).

        >>> from grantrules.testing.examples import example_scheme
        >>> dict(example_scheme().versions[0].parameters_at(datetime.date(2025, 3, 14)))
        {}

        .. versionadded:: 0.2
        """
        from grantrules._engine.compiled import compiled

        return types.MappingProxyType(compiled(self).params_at(day))

    def amount(self, amount_id: str) -> Amount:
        """The amount with this id.

        Raises:
            InvalidArgument: no amount has this id (the message lists them).

        >>> from grantrules.testing.examples import example_scheme
        >>> sorted(example_scheme().versions[0].amount("award").depends_on())
        ['total']
        """
        for amount in self.amounts:
            if amount.id == amount_id:
                return amount
        raise InvalidArgument(
            f"no amount {amount_id!r}; known: {', '.join(a.id for a in self.amounts)}"
        )


def _sorted_versions(versions: Any) -> tuple[SchemeVersion, ...]:
    result = tuple(sorted(versions, key=lambda v: v.valid_from))
    if not result:
        raise SchemeDefinitionError("a scheme needs at least one version")
    dates = [v.valid_from for v in result]
    if len(set(dates)) != len(dates):
        raise SchemeDefinitionError(f"two versions start on the same day: {dates}")
    return result


@attrs.frozen(kw_only=True, eq=False)
class Scheme:
    """A grant scheme: identity, application model and dated versions of its rules.

    Args:
        id: the registry id (``sports-equipment``).
        metadata: catalogue description (Aides-territoires vocabulary).
        versions: rule sets, each in force from its ``valid_from``.
        application_type: the scheme's application model (a subclass of
            :class:`~grantrules.model.Application`).
        process: the call life cycle (a ``grantrules.call.Process``); ``None`` for the default.
        allocation: how a call allocates its envelope (``first_come_first_served`` or
            ``ranked_by_score``).
        portfolio: rules across the applications of a call (``grantrules.call`` portfolio
            rules such as ``DeMinimis``), run by the call engine besides its defaults.
        envelope_parameter: the parameter holding a call's envelope.
        distribution: the installed distribution that provides the scheme, with its version.
        overrides: parameters overridden for a what-if simulation (recorded in decisions).

    Raises:
        SchemeDefinitionError: no version, two versions on one day, or rules reading fields
            that ``application_type`` does not have.

    >>> from grantrules.amounts import Amount
    >>> from grantrules.basis import Basis
    >>> from grantrules.expressions import collection, sum_of
    >>> from grantrules.parameters import ParameterSet
    >>> total = Amount("total_cost", sum_of(collection("costs").amount_excl_vat),
    ...                basis=Basis("Règlement"))
    >>> version = SchemeVersion(valid_from=datetime.date(2025, 1, 1),
    ...                         parameters=ParameterSet({}), criteria=[], amounts=[total],
    ...                         award="total_cost")
    >>> scheme = Scheme(id="cout-total", metadata=Metadata(name={"fr": "Coût total"}),
    ...                 versions=[version])
    >>> scheme.title, scheme.application_type.__name__
    ('Coût total', 'Application')

    .. versionadded:: 0.1
    """

    id: str
    metadata: Metadata
    versions: tuple[SchemeVersion, ...] = attrs.field(converter=_sorted_versions)
    application_type: type[Application] = Application
    process: Any = None
    allocation: str = "first_come_first_served"
    envelope_parameter: str | None = None
    portfolio: tuple[Any, ...] = ()
    distribution: tuple[str, str] | None = None
    overrides: Mapping[str, str] = attrs.field(factory=dict)
    # The versions' first days, for version_at (looked up once per evaluation).
    _starts: tuple[datetime.date, ...] = attrs.field(init=False, repr=False, eq=False)
    # Per evaluation date, what evaluate() runs (the compiled version in force): a cache.
    _by_day: dict[datetime.date, Any] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(v.valid_from for v in self.versions))
        object.__setattr__(self, "_by_day", {})
        problems = sorted(
            {
                f"{path}: {problem}"
                for version in self.versions
                for expr in version.expressions()
                for found in expr.inputs()
                if found.kind in ("field", "collection")
                for path in [found.name]
                if (problem := _path_problem(self.application_type, path))
            }
        )
        if problems:
            raise SchemeDefinitionError(
                f"scheme {self.id}: rules read fields that {self.application_type.__name__} "
                "does not have: " + "; ".join(problems)
            )
        fields = field_unit(self.application_type)
        for version in self.versions:
            version.check_units(fields)

    @property
    def title(self) -> str:
        """The French name of the scheme, else its first name.

        >>> from grantrules.testing.examples import example_scheme
        >>> example_scheme().title
        'Exemple'
        """
        return self.metadata.name.get("fr") or next(iter(self.metadata.name.values()))

    def version_at(self, day: datetime.date) -> SchemeVersion:
        """The version in force on ``day``; before the first version, the first one.

        Using the first version for earlier dates makes "submitted before the call opened"
        a failed criterion rather than a crash.

        Raises:
            InvalidArgument: ``day`` is not a ``datetime.date``.

        >>> from grantrules.testing.examples import example_scheme
        >>> example_scheme().version_at(datetime.date(2020, 1, 1)).valid_from
        datetime.date(2025, 1, 1)
        """
        if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
            raise InvalidArgument(f"expected a datetime.date, got {day!r}")
        index = bisect.bisect_right(self._starts, day) - 1
        return self.versions[max(index, 0)]

    def with_parameters(self, **values: Any) -> Scheme:
        """A copy where parameters take the given values on every date (what-if simulation).

        Values may be strings parsed according to each parameter's unit (``"50%"``,
        ``"4000000.00"``).  The decisions of the copy record the overrides.

        Raises:
            UnknownParameter: a name is not a parameter of every version.
            InvalidMoney: an amount or rate value cannot be read (``"150%"``).
            InvalidArgument: another value does not fit the parameter's unit.

        >>> from grantrules.testing.examples import dated_example_scheme
        >>> what_if = dated_example_scheme().with_parameters(feder_rate="50%")
        >>> what_if.overrides
        {'feder_rate': '50%'}
        >>> what_if.version_at(datetime.date(2025, 3, 14)).parameters["feder_rate"].at(
        ...     datetime.date(2025, 3, 14))
        Rate('0.5')
        """
        versions = []
        for version in self.versions:
            parameters = version.parameters
            for name, value in values.items():
                parameters = parameters.override(name, value)
            versions.append(attrs.evolve(version, parameters=parameters))
        recorded = {**self.overrides, **{k: _text(v) for k, v in values.items()}}
        return attrs.evolve(self, versions=versions, overrides=recorded)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _path_problem(model: type, path: str) -> str | None:
    """Why ``path`` (``costs[].category``) does not name a field of ``model``, or None."""
    return _walk(model, path)[1]


def field_type(model: type, path: str) -> Any:
    """The type of the field at ``path`` in ``model`` (``Optional`` stripped), or ``None``
    when ``path`` names no field.

    >>> from grantrules.model import Application
    >>> field_type(Application, "costs[].amount_excl_vat").__name__
    'Euro'
    """
    found, problem = _walk(model, path)
    return None if problem else found


def _walk(model: type, path: str) -> tuple[Any, str | None]:
    current: Any = model
    for part in path.split("."):
        name, item = (part[:-2], True) if part.endswith("[]") else (part, False)
        current = _strip_optional(current)
        if not attrs.has(current):
            return None, f"{name!r} is read inside a value that has no fields"
        hints = typing.get_type_hints(current)
        if name not in hints:
            known = ", ".join(a.name for a in attrs.fields(current))
            return None, f"no field {name!r} in {current.__name__} (fields: {known})"
        current = _strip_optional(hints[name])
        if item:
            args = typing.get_args(current)
            if typing.get_origin(current) is not tuple or not args:
                return None, f"{name!r} is not a collection"
            current = args[0]
    return current, None


def _strip_optional(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (types.UnionType, typing.Union) and len(args) == 1:
        return args[0]
    return tp
