"""Dated parameters: values that change on given dates, each with a unit and a legal basis.

A :class:`Parameter` holds the successive values of one figure (a rate, a ceiling, a list of
eligible categories...), each in force from its start date until the next one starts.  A
:class:`ParameterSet` gathers the parameters of a scheme and is read from a strict TOML file::

    [feder_rate]
    unit = "rate"
    description = { fr = "Taux de cofinancement FEDER", en = "FEDER co-financing rate" }
    until = 2029-12-31            # optional: last day the parameter is in force

    [[feder_rate.values]]
    from = 2024-11-01             # a TOML date
    value = "60%"
    basis = { title = "Délibération n° 2024-112", article = "communiqué", reliability = "press" }
    note = "press only, to confirm with the call text"   # optional

Units and how their values are written in TOML:

============  =====================  ==================================================
unit          Python type            TOML value
============  =====================  ==================================================
EUR           :class:`Euro`          ``"5000000.00"`` or an integer (never a float)
rate          :class:`Rate`          ``"60%"``, ``"0.6"`` or a decimal in [0, 1]
count         int >= 0               an integer (also units ``years`` and ``days``)
bool          bool                   ``true`` / ``false``
text          str                    a string
date          date                   ``2024-11-01``
date_range    :class:`DateRange`     ``{ start = 2024-11-01, end = 2027-12-31 }``
codes         tuple[str, ...]        ``["A", "B"]``, distinct, kept in the order given
============  =====================  ==================================================

Each unit carries its domain, checked for the values of the file and for what-if overrides
(``--set``) alike: an amount is >= 0 unless the parameter declares ``signed = true`` (a
correction, a clawback); a rate lies within [0 %, 100 %] (a :class:`Rate` cannot be anything
else: use an amount or a count for other figures); counts, years and days are whole numbers
>= 0.

Any unknown key, missing key, unknown unit, value outside its unit's domain, wrongly typed
value or unsorted or repeated start date is a :class:`~grantrules.errors.ParameterError`
naming the file, the parameter and what was expected.

>>> from datetime import date
>>> params = parse_parameters('''
... [feder_rate]
... unit = "rate"
... [[feder_rate.values]]
... from = 2024-11-01
... value = "60%"
... basis = { title = "Délibération n° 2024-112" }
... ''', source="example.toml")
>>> params["feder_rate"].at(date(2025, 3, 14))
Rate('0.6')

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import os
import re
import types
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs

from grantrules.basis import Basis
from grantrules.dates import DateRange, check_date, parse_date
from grantrules.errors import (
    GrantRulesError,
    InvalidArgument,
    ParameterError,
    ParameterNotInForce,
    UnknownParameter,
)
from grantrules.money import Euro, Rate

if TYPE_CHECKING:  # importlib.resources loads pathlib, tempfile, zipfile...: not at import
    from importlib.resources.abc import Traversable

_T = TypeVar("_T")

__all__ = [
    "UNITS",
    "DatedValue",
    "ParamValue",
    "Parameter",
    "ParameterSet",
    "load_parameters",
    "parse_parameters",
    "parse_value",
]

#: The Python types a parameter value may have, one per unit (see :data:`UNITS`).
ParamValue: TypeAlias = Euro | Rate | int | bool | str | date | DateRange | tuple[str, ...]

#: Each unit and how its values are written, as error messages quote it.
UNITS: Mapping[str, str] = types.MappingProxyType(
    {
        "EUR": 'an amount as a string like "5000000.00" or an integer',
        "rate": 'a rate like "60%" or "0.6"',
        "count": "a whole number >= 0",
        "years": "a whole number of years >= 0",
        "days": "a whole number of days >= 0",
        "bool": "true or false",
        "text": "a string",
        "date": "a date like 2024-11-01",
        "date_range": "a table like { start = 2024-11-01, end = 2027-12-31 }",
        "codes": 'an array of distinct strings like ["A", "B"]',
    }
)
_INT_UNITS = ("count", "years", "days")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_LANGS = ("fr", "en")
_PARAM_KEYS = ("unit", "description", "until", "signed", "values", "labels")
_VALUE_KEYS = ("from", "value", "basis", "note")
_OVERRIDE = Basis("what-if override")


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime.datetime)


def _matches(unit: str, value: object) -> bool:
    """Whether ``value`` already has the Python type that ``unit`` stands for."""
    if unit in _INT_UNITS:
        return type(value) is int and value >= 0
    if unit == "codes":
        return (
            isinstance(value, tuple)
            and all(isinstance(code, str) for code in value)
            and len(set(value)) == len(value)
        )
    expected: type = {
        "EUR": Euro,
        "rate": Rate,
        "bool": bool,
        "text": str,
        "date_range": DateRange,
    }.get(unit, date)
    return _is_date(value) if expected is date else isinstance(value, expected)


def _describe(value: object) -> str:
    """Name a value as its TOML reader sees it, e.g. ``the float 0.6``."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, Decimal | float):
        return f"the float {value}"
    if isinstance(value, date):
        kind = "date-time" if isinstance(value, datetime.datetime) else "date"
        return f"the {kind} {value.isoformat()}"
    kind = {int: "integer", str: "string", list: "array", dict: "table"}.get(type(value), "")
    return f"the {kind or type(value).__name__} {value!r}"


def _check_unit(unit: object) -> str:
    if not isinstance(unit, str) or unit not in UNITS:
        raise InvalidArgument(f"unknown unit {unit!r}: expected one of {', '.join(UNITS)}")
    return unit


def _mismatch(unit: str, value: object) -> InvalidArgument:
    return InvalidArgument(f"expected {UNITS[unit]}, got {_describe(value)}")


def _codes(items: Iterable[object]) -> tuple[str, ...]:
    codes: list[str] = []
    for code in items:
        if not isinstance(code, str) or not code:
            raise InvalidArgument(f"expected codes as non-empty strings, got {_describe(code)}")
        if code in codes:
            raise InvalidArgument(f"the code {code!r} appears twice: list each code once")
        codes.append(code)
    return tuple(codes)


def parse_value(unit: str, text: str) -> ParamValue:
    """Read a value of ``unit`` written as text, as on a command line.

    Amounts and rates as for :class:`Euro` and :class:`Rate`, ``true``/``false``, ISO dates,
    ranges as ``2024-11-01/2027-12-31`` and codes separated by commas.

    >>> parse_value("codes", "A, B")
    ('A', 'B')

    .. versionadded:: 0.1
    """
    _check_unit(unit)
    if not isinstance(text, str):
        raise InvalidArgument(f"expected the value as a string, got {_describe(text)}")
    if unit == "EUR":
        return Euro(text)
    if unit == "rate":
        return Rate(text)
    if unit in _INT_UNITS and re.fullmatch(r"[0-9]+", text):
        return int(text)
    if unit == "bool" and text in ("true", "false"):
        return text == "true"
    if unit == "date":
        return parse_date(text)
    if unit == "date_range" and text.count("/") == 1:
        start, end = text.split("/")
        return DateRange(parse_date(start), parse_date(end))
    if unit == "codes":
        return _codes(code.strip() for code in text.split(","))
    if unit == "text":
        return text
    hint = {"bool": "true or false", "date_range": "2024-11-01/2027-12-31"}.get(unit, "12")
    raise InvalidArgument(f"expected {UNITS[unit]}, written like {hint}, got the text {text!r}")


def _coerce(unit: str, value: object) -> ParamValue:
    """Turn a Python value or a string into a value of ``unit``, or say why it cannot."""
    if unit == "EUR":
        return Euro(value)  # type: ignore[arg-type]  # Euro names any bad value itself
    if unit == "rate":
        return Rate(value)  # type: ignore[arg-type]
    if isinstance(value, str) and unit != "text":
        return parse_value(unit, value)
    if not _matches(unit, value):
        raise _mismatch(unit, value)
    return value  # type: ignore[return-value]  # _matches checked the type


def _from_toml(unit: str, raw: object) -> ParamValue:
    """Turn a value read by tomllib (floats arrive as Decimal) into a value of ``unit``."""
    if isinstance(raw, Decimal) and unit == "EUR":
        raise InvalidArgument(
            f"expected {UNITS[unit]}, got {_describe(raw)}: quote the amount, "
            f'e.g. "{raw:.2f}", so that no digit is lost'
        )
    if unit == "EUR" and isinstance(raw, str | int) and not isinstance(raw, bool):
        return Euro(raw)
    if unit == "rate" and isinstance(raw, str | int | Decimal) and not isinstance(raw, bool):
        return Rate(raw)
    if unit == "date_range" and isinstance(raw, dict):
        if sorted(raw) != ["end", "start"] or not all(map(_is_date, raw.values())):
            raise _mismatch(unit, raw)
        return DateRange(raw["start"], raw["end"])
    if unit == "codes" and isinstance(raw, list):
        return _codes(raw)
    if not _matches(unit, raw):
        raise _mismatch(unit, raw)
    return raw  # type: ignore[return-value]  # _matches checked the type


def _valid_start(_: object, attribute: attrs.Attribute[date], value: object) -> None:
    check_date(value, attribute.name)


@attrs.frozen
class DatedValue:
    """One value of a parameter, in force from ``start`` until the next value starts.

    >>> DatedValue(date(2024, 11, 1), Rate("60%"), "rate", Basis("AMI")).value
    Rate('0.6')

    .. versionadded:: 0.1
    """

    start: date = attrs.field(validator=_valid_start)
    value: ParamValue
    unit: str
    basis: Basis = attrs.field(validator=attrs.validators.instance_of(Basis))
    note: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )

    def __attrs_post_init__(self) -> None:
        if not _matches(_check_unit(self.unit), self.value):
            raise InvalidArgument(
                f"value for unit {self.unit!r}: {_mismatch(self.unit, self.value)}"
            )


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    # A read-only copy, so that the frozen classes holding it really cannot change.
    if not isinstance(mapping, Mapping):
        raise InvalidArgument(f"expected a mapping, got the {type(mapping).__name__} {mapping!r}")
    return types.MappingProxyType(dict(mapping))


def _start(value: DatedValue) -> date:
    return value.start


@attrs.frozen
class Parameter:
    """The successive values of one named figure.

    >>> p = Parameter("ceiling", (DatedValue(date(2024, 11, 1), Euro(200000), "EUR",
    ...                                      Basis("AMI")),), "EUR")
    >>> p.at(date(2025, 1, 1)).format("en")
    '€200,000.00'

    .. versionadded:: 0.1
    """

    name: str
    values: tuple[DatedValue, ...]
    unit: str
    description: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze, hash=False)
    until: date | None = None
    #: Whether an ``EUR`` parameter may be negative (by default an amount is >= 0).
    signed: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def _check_domain(self, value: ParamValue) -> None:
        """Refuse a value outside the domain of this parameter's unit."""
        if self.unit == "EUR" and not self.signed and isinstance(value, Euro) and value < Euro.ZERO:
            raise ParameterError(
                f"the amount {value} is negative; an amount parameter is >= 0 "
                "unless it declares signed = true"
            )

    #: For a ``codes`` parameter: the French and English label of each code, used wherever a
    #: code is shown to people (rules, messages, the règlement) instead of the raw code.
    labels: Mapping[str, Mapping[str, str]] = attrs.field(
        factory=dict, converter=_freeze, hash=False, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise InvalidArgument(
                f"invalid parameter name {self.name!r}: use letters, digits and underscores, "
                "starting with a letter"
            )
        where = self.name
        _check_unit(self.unit)
        if not set(self.description) <= set(_LANGS) or not all(
            isinstance(text, str) for text in self.description.values()
        ):
            raise InvalidArgument(
                f"{where}.description: expected texts keyed by 'fr' and 'en', "
                f"got {dict(self.description)!r}"
            )
        if not isinstance(self.values, tuple) or not self.values:
            raise ParameterError(f"{where}.values: expected a non-empty tuple of DatedValue")
        for i, value in enumerate(self.values):
            if not isinstance(value, DatedValue) or value.unit != self.unit:
                raise InvalidArgument(
                    f"{where}.values[{i}]: expected a DatedValue of unit {self.unit!r}, "
                    f"got {value!r}"
                )
            try:
                self._check_domain(value.value)
            except ParameterError as exc:
                raise ParameterError(f"{where}.values[{i}].value: {exc}") from None
            previous = self.values[i - 1].start
            if i and value.start <= previous:
                problem = "repeats" if value.start == previous else "comes before"
                raise ParameterError(
                    f"{where}.values[{i}]: its start date {value.start} {problem} the start "
                    f"date {previous} of values[{i - 1}]: list one value per date, oldest first"
                )
        self._check_labels()
        if self.until is not None and (
            not _is_date(self.until) or self.until < self.values[-1].start
        ):
            raise ParameterError(
                f"{where}.until: expected a date on or after the last start date "
                f"{self.values[-1].start}, got {self.until!r}"
            )

    def _check_labels(self) -> None:
        if not self.labels:
            return
        where = f"{self.name}.labels"
        if self.unit != "codes":
            raise InvalidArgument(f"{where}: only a parameter of unit 'codes' labels its codes")
        codes = {code for value in self.values for code in value.value}  # type: ignore[union-attr]
        for code, texts in self.labels.items():
            if code not in codes:
                raise InvalidArgument(f"{where}: {code!r} is not one of the codes {sorted(codes)}")
            if not isinstance(texts, Mapping) or set(texts) != set(_LANGS):
                raise InvalidArgument(
                    f"{where}.{code}: expected {{ fr = ..., en = ... }}, got {texts!r}"
                )

    def code_labels(self) -> dict[str, Mapping[str, str]]:
        """The labels of the codes keyed for rendering (``"code:staff"``).

        >>> dated = DatedValue(date(2024, 11, 1), ("staff",), "codes", Basis("AMI"))
        >>> Parameter("categories", (dated,), "codes",
        ...           labels={"staff": {"fr": "personnel", "en": "staff"}}).code_labels()
        {'code:staff': {'fr': 'personnel', 'en': 'staff'}}

        .. versionadded:: 0.2
        """
        return {f"code:{code}": dict(texts) for code, texts in self.labels.items()}

    def dated_at(self, day: date) -> DatedValue:
        """The dated value in force on ``day``, with its basis.

        Raises:
            ParameterNotInForce: ``day`` is before the first value or after ``until``.

        >>> from grantrules.testing.examples import example_parameters
        >>> str(example_parameters()["feder_rate"].dated_at(date(2025, 3, 14)).basis)
        'Délibération n° 2024-112'
        """
        check_date(day)
        if self.until is not None and day > self.until:
            raise ParameterNotInForce(
                f"parameter {self.name!r} is not in force on {day}: it ended on {self.until}"
            )
        index = bisect_right(self.values, day, key=_start)
        if not index:
            raise ParameterNotInForce(
                f"parameter {self.name!r} is not in force on {day}: its first value starts on "
                f"{self.values[0].start}"
            )
        return self.values[index - 1]

    def at(self, day: date) -> ParamValue:
        """The value in force on ``day``: that of the last start date on or before it.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters()["feder_rate"].at(date(2024, 11, 1))
        Rate('0.6')
        """
        return self.dated_at(day).value

    def change_dates(self) -> tuple[date, ...]:
        """The start dates, oldest first; an override's ``date.min`` is not a change.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters()["feder_rate"].change_dates()
        (datetime.date(2024, 11, 1),)
        """
        return tuple(value.start for value in self.values if value.start != date.min)

    def override(self, value: ParamValue, basis: Basis = _OVERRIDE) -> Parameter:
        """This parameter with ``value`` in force on every date, for what-if simulations.

        A string is read according to the unit, as :func:`parse_value` does.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters()["feder_rate"].override("50%").at(date(1990, 1, 1))
        Rate('0.5')
        """
        try:
            coerced = _coerce(self.unit, value)
            self._check_domain(coerced)
        except GrantRulesError as exc:
            raise type(exc)(f"override of {self.name!r}: {exc}") from None
        dated = DatedValue(date.min, coerced, self.unit, basis, note="what-if override")
        return attrs.evolve(self, values=(dated,), until=None)


@attrs.frozen
class ParameterSet:
    """The parameters of a scheme, by name.

    >>> from grantrules.testing.examples import example_parameters
    >>> sorted(example_parameters().at(date(2025, 3, 14)).items())
    [('feder_rate', Rate('0.6'))]

    .. versionadded:: 0.1
    """

    parameters: Mapping[str, Parameter] = attrs.field(converter=_freeze, hash=False)

    def __attrs_post_init__(self) -> None:
        for name, parameter in self.parameters.items():
            if not isinstance(parameter, Parameter) or parameter.name != name:
                raise InvalidArgument(
                    f"parameters[{name!r}]: expected the Parameter named {name!r}, "
                    f"got {parameter!r}"
                )

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except (KeyError, TypeError):
            import difflib  # only for this message: not with every import of grantrules

            close = difflib.get_close_matches(str(name), self.parameters, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UnknownParameter(
                f"unknown parameter {name!r}{hint}; known parameters: "
                f"{', '.join(sorted(self.parameters)) or 'none'}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.parameters

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.parameters))

    def __len__(self) -> int:
        return len(self.parameters)

    def value(self, name: str, day: date, kind: type[_T]) -> _T:
        """The value of ``name`` in force on ``day``, checked to be a ``kind``: a typed read
        for code outside the rules (a portfolio rule's ceiling, its number of years).

        Raises:
            UnknownParameter: no parameter ``name``.
            InvalidArgument: its value is not a ``kind``.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters().value("feder_rate", date(2025, 3, 14), Rate)
        Rate('0.6')
        >>> example_parameters().value("feder_rate", date(2025, 3, 14), int)
        Traceback (most recent call last):
          ...
        grantrules.errors.InvalidArgument: parameter 'feder_rate' is a Rate on 2025-03-14, not a int

        .. versionadded:: 0.2
        """
        found = self[name].at(day)
        if not isinstance(found, kind) or (kind is int and isinstance(found, bool)):
            raise InvalidArgument(
                f"parameter {name!r} is a {type(found).__name__} on {day.isoformat()}, "
                f"not a {kind.__name__}"
            )
        return found

    def at(self, day: date) -> dict[str, ParamValue]:
        """The value of every parameter in force on ``day``; the others are left out.

        Reading one parameter that is not in force raises, through :meth:`Parameter.at`.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters().at(date(2025, 3, 14)), example_parameters().at(date(2024, 1, 1))
        ({'feder_rate': Rate('0.6')}, {})
        """
        check_date(day)
        snapshot: dict[str, ParamValue] = {}
        for name in self:
            try:
                snapshot[name] = self.parameters[name].at(day)
            except ParameterNotInForce:
                continue
        return snapshot

    def override(self, name: str, value: ParamValue, basis: Basis = _OVERRIDE) -> ParameterSet:
        """A copy where ``name`` has ``value`` on every date (a string is parsed per unit).

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters().override("feder_rate", "50%")["feder_rate"].at(date(2025, 1, 1))
        Rate('0.5')
        """
        parameter = self[name].override(value, basis)
        return ParameterSet({**self.parameters, name: parameter})

    def boundaries(self) -> tuple[date, ...]:
        """The days on which the values in force may differ from the day before, oldest first:
        every start date, and the day after each ``until``.  Between two boundaries
        :meth:`at` gives the same values, which lets callers compute them once per span.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters().boundaries()
        (datetime.date(2024, 11, 1),)
        """
        days: set[date] = set()
        for parameter in self.parameters.values():
            days.update(value.start for value in parameter.values)
            if parameter.until is not None and parameter.until < date.max:
                days.add(parameter.until + timedelta(days=1))
        return tuple(sorted(days))

    def change_dates(self) -> tuple[date, ...]:
        """Every date on which some parameter changes, oldest first.

        >>> from grantrules.testing.examples import example_parameters
        >>> example_parameters().change_dates()
        (datetime.date(2024, 11, 1),)
        """
        dates = {day for parameter in self.parameters.values() for day in parameter.change_dates()}
        return tuple(sorted(dates))


def load_parameters(path: str | os.PathLike[str] | Traversable) -> ParameterSet:
    """Read a parameter file in the format described in this module's documentation.

    Args:
        path: the TOML file, as a string, a :class:`~pathlib.Path`, or a file of an installed
            package (``importlib.resources.files("my_scheme") / "parameters.toml"``).

    Returns:
        The :class:`ParameterSet` of every parameter the file defines.

    Raises:
        OSError: the file cannot be read.
        ParameterError: the file is not valid UTF-8 TOML in the expected format.

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder, "parametres.toml")
    ...     _ = path.write_text('''
    ... [ceiling]
    ... unit = "EUR"
    ... description = { fr = "Plafond de l'aide", en = "Aid ceiling" }
    ... [[ceiling.values]]
    ... from = 2024-11-01
    ... value = "200000.00"
    ... basis = { title = "Délibération n° 2024-112" }
    ... ''', encoding="utf-8")
    ...     params = load_parameters(path)
    >>> params["ceiling"].at(date(2025, 3, 14))
    Euro('200000.00')
    >>> params["ceiling"].description["fr"]
    "Plafond de l'aide"

    .. versionadded:: 0.1
    """
    from pathlib import Path  # loaded with a scheme's parameters, not with the library

    if isinstance(path, str | os.PathLike):
        path = Path(path)
    # A package resource may live in a zip: it is read through its own read_text, and named
    # by its file name in messages.
    source = str(path) if isinstance(path, Path) else path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{source}: not UTF-8 text ({exc.reason}): save it as UTF-8") from None
    return parse_parameters(text, source)


def parse_parameters(text: str, source: str) -> ParameterSet:
    """Read parameters from TOML ``text``; ``source`` names it in error messages.

    >>> len(parse_parameters("", source="empty.toml"))
    0

    .. versionadded:: 0.1
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"expected the TOML text as a string, got {_describe(text)}")
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{source}: invalid TOML: {exc}") from exc
    return ParameterSet(
        {name: _load_parameter(source, name, table) for name, table in data.items()}
    )


def _fail(where: str, message: str) -> ParameterError:
    return ParameterError(f"{where}: {message}")


def _check_keys(where: str, table: object, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise _fail(where, f"expected {what}, got {_describe(table)}")
    unknown = [key for key in table if key not in allowed]
    if unknown:
        raise _fail(
            where,
            f"unknown key(s) {', '.join(map(repr, unknown))}: expected only "
            f"{', '.join(allowed)} (check the spelling)",
        )
    required = [
        key for key in allowed if key not in ("description", "until", "signed", "note", "labels")
    ]
    missing = [key for key in required if key not in table]
    if missing:
        raise _fail(where, f"missing key(s) {', '.join(map(repr, missing))}: expected {what}")
    return table


def _load_parameter(source: str, name: str, table: object) -> Parameter:
    where = f"{source}: {name}"
    if not _NAME.fullmatch(name):
        raise _fail(
            where, "invalid name: use letters, digits and underscores, starting with a letter"
        )
    table = _check_keys(where, table, _PARAM_KEYS, f"a table [{name}] with a unit and values")
    unit = table["unit"]
    if unit not in UNITS:
        raise _fail(f"{where}.unit", f"unknown unit {unit!r}: expected one of {', '.join(UNITS)}")
    description = table.get("description", {})
    if not isinstance(description, dict):
        raise _fail(
            f"{where}.description", f"expected {{ fr = ..., en = ... }}, got {description!r}"
        )
    signed = table.get("signed", False)
    if not isinstance(signed, bool) or (signed and unit != "EUR"):
        raise _fail(
            f"{where}.signed",
            f"expected true or false for an EUR parameter, got "
            f"{_describe(signed)} for unit {unit!r}",
        )
    until = table.get("until")
    if until is not None and not _is_date(until):
        raise _fail(f"{where}.until", f"expected a date like 2029-12-31, got {_describe(until)}")
    raw_values = table["values"]
    if not isinstance(raw_values, list) or not raw_values:
        raise _fail(f"{where}.values", f"expected one or more [[{name}.values]] tables")
    values = tuple(
        _load_value(f"{where}.values[{i}]", unit, raw) for i, raw in enumerate(raw_values)
    )
    labels = table.get("labels", {})
    try:
        return Parameter(name, values, unit, description, until, signed, labels=labels)
    except GrantRulesError as exc:
        raise ParameterError(f"{source}: {exc}") from None


def _load_value(where: str, unit: str, raw: object) -> DatedValue:
    table = _check_keys(where, raw, _VALUE_KEYS, "a table with from, value and basis")
    start, note, basis = table["from"], table.get("note"), table["basis"]
    if not _is_date(start):
        raise _fail(f"{where}.from", f"expected a date like 2024-11-01, got {_describe(start)}")
    if note is not None and not isinstance(note, str):
        raise _fail(f"{where}.note", f"expected a string, got {_describe(note)}")
    try:
        value = _from_toml(unit, table["value"])
    except GrantRulesError as exc:
        raise _fail(f"{where}.value", str(exc)) from None
    try:
        return DatedValue(start, value, unit, Basis.from_dict(basis), note)
    except GrantRulesError as exc:
        raise _fail(f"{where}.basis", str(exc)) from None
