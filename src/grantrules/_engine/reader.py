"""A generated reader of valid application documents: one pass, no exception when valid.

:mod:`grantrules.serde` reads a document through cattrs with one hook per type and
bookkeeping for its error reports; that costs about a hundred microseconds per document.
For each application model this module generates one Python function per attrs class that
reads a *valid* document straight into the model: each value's JSON type is checked inline,
amounts are parsed once from their string, unknown keys are refused by counting them,
and the classes' own ``__init__`` runs their validators.

It is a happy path only.  On any problem (a missing key, a wrong type, a validator that
refuses) the generated function raises, and :func:`grantrules.serde.structure_application`
reads the document again with the detailed converter, which reports every problem with its
``$.path``: the messages are those of the converter, whatever the generated code saw.  A
model holding a type this module does not know (a converter on a field, a union other than
``X | None``, a factory default that takes the instance) has no generated reader, and its
documents all take the converter's route; :func:`reader` says so by returning ``None``.

Accepting exactly what the converter accepts is the contract: whatever the reader accepts,
the converter accepts with the same result (each check here is the converter's own, or
narrower).  Under ``GRANTRULES_STRICT=1`` a document the reader refuses but the converter
accepts is an error (see :func:`grantrules.serde.structure_application`), so the test suite
sees any narrowing.
"""

from __future__ import annotations

import datetime
import inspect
import itertools
import re
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

import attrs

from grantrules._engine.source import exec_source
from grantrules._input import find_lone_surrogate
from grantrules.errors import GrantRulesError
from grantrules.model import VALUE_CHECKS, validate_not_blank, validate_not_negative
from grantrules.money import Euro, Rate, set_cents

__all__ = ["REFUSED", "Reader", "reader"]

#: ``read(document) -> instance``; raises on anything but a valid document.
Reader = Callable[[Any], Any]

# serde.AMOUNT_PATTERN and its length bound (kept equal by a test).
_AMOUNT = re.compile(r"-?[0-9]+\.[0-9]{2}").fullmatch
_SHORT_AMOUNT = 16
# The inline check of a non-negative amount, without the pattern: ``value.strip(_DIGITS)``
# is "." exactly when the text is ASCII digits, one dot, ASCII digits; with the dot third
# from the end and at least four characters, that is ``[0-9]+\.[0-9]{2}`` (a test checks
# both agree).  It costs about 60% of a pattern match.
_DIGITS = "0123456789"


class Unsupported(Exception):
    """A type the generated reader does not handle: the converter reads such models."""


class _Refused(Exception):
    """Raised by generated code at the first problem; never escapes serde."""


#: What a generated reader raises on a document it does not read: its own refusal, a missing
#: key, and what the model's validators and ``__attrs_post_init__`` raise (ValueError or
#: TypeError, as attrs' own validators and grantrules.model's do).
REFUSED = (_Refused, LookupError, ValueError, TypeError)


def _refuse() -> Any:
    raise _Refused


def _euro(value: Any) -> Euro:
    """The converter's reading of an amount (serde._structure_euro), for what the inline check
    leaves out: a negative amount (Euro normalises -0.00), a str subclass, a long amount."""
    if isinstance(value, str) and _AMOUNT(value):
        if len(value) <= _SHORT_AMOUNT:
            return Euro._of(Decimal(value))
        try:
            return Euro(str(value))
        except GrantRulesError:  # too large: the converter reports why
            raise _Refused from None
    raise _Refused


def _rate(value: Any) -> Rate:
    """The converter's reading of a rate (serde._structure_rate): text, ``"40%"`` or
    ``"0.4"``."""
    if isinstance(value, str):
        try:
            return Rate(value)
        except GrantRulesError:  # the converter says why
            raise _Refused from None
    raise _Refused


def _euro_not_negative(value: Any) -> Euro:
    """:func:`_euro` for a field whose validator (grantrules.model's) refuses a negative
    amount, which the reader then does not call."""
    found = _euro(value)
    if found < Euro.ZERO:
        raise _Refused
    return found


# Validators of grantrules.model that the generated code checks itself, by field type.
_KNOWN: dict[type, tuple[Any, ...]] = {str: (validate_not_blank,), Euro: (validate_not_negative,)}


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch  # dates.parse_date's pattern
_from_iso = datetime.date.fromisoformat


def _date(value: Any) -> datetime.date:
    # dates.parse_date without its messages: a wrong date raises, and the converter reports.
    if isinstance(value, str) and _ISO_DATE(value):
        day = _from_iso(value)
        if value.__class__ is str:
            if len(_DAYS) >= _DAYS_KEPT:
                _DAYS.clear()
            _DAYS[value] = day
        return day
    raise _Refused


# Dates read, by their text: the documents of a call share few dates (submission days,
# project starts), and a dict lookup costs a tenth of a pattern match and a parse.  Dates are
# immutable, so documents may share them.
_DAYS: dict[str, datetime.date] = {}
_DAYS_KEPT = 4096


def _accepted(seen: set[str], value: str) -> None:
    """Remember that a validator of ``model.VALUE_CHECKS`` accepted ``value``."""
    if len(seen) >= _ACCEPTED_KEPT:
        seen.clear()
    seen.add(value)


# Strings each such validator accepted (SIRENs, legal categories, commune codes, ids): the
# documents of a call repeat most of them, and a set lookup costs a fraction of a Luhn check
# or a pattern match.  Bounded per validated field.
_ACCEPTED_KEPT = 4096


def _text(value: Any) -> str:
    """The converter's reading of a string (serde._structure_str) where the inline check
    cannot decide: a str subclass is text, a lone surrogate is refused."""
    if not isinstance(value, str) or find_lone_surrogate(value):
        raise _Refused
    return str(value)


class _Gen:
    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "_refuse": _refuse,
            "_euro": _euro,
            "_digits": _DIGITS,
            "_euro_not_negative": _euro_not_negative,
            "_rate": _rate,
            "_new": object.__new__,
            "_set_cents": set_cents,
            "_validators_disabled": attrs.validators.get_disabled,
            "_Decimal": Decimal,
            "_date": _date,
            "_days": _DAYS,
            "_text": _text,
            "_lone_surrogate": find_lone_surrogate,
            "_accepted": _accepted,
            "_Euro": Euro,
            "_ZERO": Euro.ZERO,
            "_dict": dict,
            "_list": list,
            "_str": str,
            "_int": int,
            "_bool": bool,
            "_tuple": tuple,
        }
        self.functions: dict[type, str] = {}
        self.sources: list[str] = []
        self._names = itertools.count()

    def bind(self, value: Any) -> str:
        name = f"_k{next(self._names)}"
        self.namespace[name] = value
        return name

    def value(
        self, tp: Any, var: str, lines: list[str], indent: str, *, not_negative: bool = False
    ) -> str:
        """Statements checking the JSON value in ``var`` against ``tp``; the expression of the
        converted value.  ``not_negative``: the field's validator refuses a negative amount
        (grantrules.model's), which the statements then check instead."""
        if tp is str:
            # ASCII text (nearly all of it) needs no surrogate search; other text, one search
            # (French titles: no call); anything but a str, _text.
            lines.append(f"{indent}if {var}.__class__ is not _str: {var} = _text({var})")
            lines.append(f"{indent}elif not {var}.isascii() and _lone_surrogate({var}): _refuse()")
            return var
        if tp is int or tp is bool:
            lines.append(f"{indent}if {var}.__class__ is not _{tp.__name__}: _refuse()")
            return var
        if tp is Euro:
            # serde._structure_euro's shortcut, inline: a non-negative amount of the pattern
            # (checked by _DIGITS) is exact in cents within Euro's bounds, so its Decimal
            # (parsed once) is the amount, set straight into a new Euro; a negative one (Euro
            # normalises -0.00), a long one or a str subclass takes the converter's reading
            # (_euro, or _euro_not_negative when the field's validator refuses a negative
            # amount, which the shortcut never is).
            # "0.00", the default of every optional amount that unstructure_application
            # writes out, is the shared Euro.ZERO (Euro objects are immutable).
            slow = "_euro_not_negative" if not_negative else "_euro"
            lines.append(f"{indent}if {var} == '0.00' and {var}.__class__ is _str: {var} = _ZERO")
            lines.append(
                f"{indent}elif {var}.__class__ is not _str "
                f"or not 3 < len({var}) <= {_SHORT_AMOUNT} "
                f"or {var}[-3] != '.' or {var}.strip(_digits) != '.': {var} = {slow}({var})"
            )
            lines.append(
                f"{indent}else: _e = _new(_Euro); _set_cents(_e, _Decimal({var})); {var} = _e"
            )
            return var
        if tp is Rate:
            return f"_rate({var})"
        if tp is datetime.date:
            # A date read before, found by its text (the class checked first: a list is not
            # hashable), else _date, which checks, parses and keeps it.
            found = f"(_days.get({var}) or _date({var}))"
            return f"({found} if {var}.__class__ is _str else _date({var}))"
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is Literal:
            # The converter compares types too (the JSON 1 is not the literal True); checking
            # the class first also keeps an unhashable value (an array) from raising.
            if all(type(a) is str for a in args):
                allowed = self.bind(frozenset(args))
                lines.append(
                    f"{indent}if {var}.__class__ is not _str or {var} not in {allowed}: _refuse()"
                )
                return var
            kinds = {type(a) for a in args}
            if not kinds <= {str, int, bool, type(None)}:
                raise Unsupported(f"the literal {tp!r}")
            allowed, classes = self.bind(frozenset((type(a), a) for a in args)), self.bind(kinds)
            lines.append(
                f"{indent}if {var}.__class__ not in {classes} "
                f"or ({var}.__class__, {var}) not in {allowed}: _refuse()"
            )
            return var
        if origin is typing.Union or origin is types.UnionType:
            others = [a for a in args if a is not type(None)]
            if len(others) != 1 or len(args) != 2:
                raise Unsupported(f"the union {tp!r}")
            inner: list[str] = []
            converted = self.value(others[0], var, inner, indent + "    ")
            lines.append(f"{indent}if {var} is not None:")
            lines += inner or [f"{indent}    pass"]
            return converted if converted == var else f"(None if {var} is None else {converted})"
        if origin in (tuple, list) and (origin is list or (len(args) == 2 and args[1] is ...)):
            item = f"_x{next(self._names)}"
            inner = []
            converted = self.value(args[0], item, inner, "")
            lines.append(f"{indent}if {var}.__class__ is not _list: _refuse()")
            build = "_tuple" if origin is tuple else "_list"
            # One function per item, mapped (a comprehension is a function call of its own
            # in Python 3.11); a value expression that is not one call, in a comprehension.
            call = f"({item})"
            if not inner and converted.endswith(call) and converted[: -len(call)].isidentifier():
                built = f"{build}(map({converted[: -len(call)]}, {var}))"
            elif not inner:
                built = f"{build}([{converted} for {item} in {var}])"
            else:
                built = f"{build}(map({self.function_of(args[0], inner, item, converted)}, {var}))"
            # An empty array (often: no prior aid, no tag) is the empty tuple, without a call.
            return f"({built} if {var} else ())" if origin is tuple else built
        if attrs.has(tp):
            return f"{self.reader_of(tp)}({var})"
        raise Unsupported(f"the type {tp!r}")

    def function_of(self, tp: Any, lines: list[str], var: str, converted: str) -> str:
        """A function checking and converting one item (statements ``lines``)."""
        name = f"_item{next(self._names)}"
        body = [f"def {name}({var}):", *(f"    {line}" for line in lines)]
        body.append(f"    return {converted}")
        self.sources.append("\n".join(body))
        return name

    def reader_of(self, cls: type, *, entry: bool = False) -> str:
        name = self.functions.get(cls)
        if name is not None:
            return name
        name = self.functions[cls] = f"_read_{cls.__name__}_{next(self._names)}"
        hints = typing.get_type_hints(cls)
        fields = [a for a in attrs.fields(cls) if a.init]
        lines = [f"def {name}(d):", "    if d.__class__ is not _dict: _refuse()"]
        if entry:
            # attrs.validators.set_disabled(True): the classes' __init__ (the converter's
            # route) skips validators, which the statements below run.
            lines.append("    if _validators_disabled(): _refuse()")
        known = self.bind(frozenset(a.name for a in fields))
        optional = any(a.default is not attrs.NOTHING for a in fields)
        if optional:
            lines.append("    _left_out = False")  # set when an optional key is absent
        direct = _plain_init(cls)
        missing = self.bind(object())
        checks: list[str] = []  # validators, once the instance is built
        read: list[tuple[attrs.Attribute[Any], str]] = []  # each field and its value
        for index, a in enumerate(fields):
            if a.converter is not None:
                raise Unsupported(f"a converter on {cls.__name__}.{a.name}")
            var, tp = f"v{index}", hints[a.name]
            # grantrules.model's own validators are checked inline (or, for amounts, by the
            # reading itself); any other runs as attrs runs it, on the built instance.
            known_check = direct and tp in (str, Euro) and a.validator in _KNOWN[tp]
            if direct and a.validator is not None and not known_check:
                check = f"{self.bind(a.validator)}(o, {self.bind(a)}, {var})"
                if tp is str and a.validator in VALUE_CHECKS:
                    # The value is a str here (_text converts a subclass): a value the
                    # validator accepted once, it accepts again.
                    seen = self.bind(set[str]())
                    check = f"if {var} not in {seen}: {check}; _accepted({seen}, {var})"
                checks.append(f"    {check}")
            not_negative = known_check and tp is Euro
            if a.default is attrs.NOTHING:
                lines.append(f"    {var} = d[{a.name!r}]")
                converted = self.value(tp, var, lines, "    ", not_negative=not_negative)
            else:
                if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                    if a.default.takes_self:
                        raise Unsupported(f"a factory taking self on {cls.__name__}.{a.name}")
                    # A new value per document, as attrs' __init__ makes one (an Instruction
                    # section left out, say).
                    default = f"{self.bind(a.default.factory)}()"
                else:
                    default = self.bind(a.default)
                inner: list[str] = []
                value = self.value(tp, var, inner, "        ", not_negative=not_negative)
                lines.append(f"    {var} = d.get({a.name!r}, {missing})")
                lines.append(f"    if {var} is {missing}: {var} = {default}; _left_out = True")
                lines.append("    else:")
                lines += inner or ["        pass"]
                if value != var:
                    lines.append(f"        {var} = {value}")
                converted = var
            if known_check and tp is str:
                # model.validate_not_blank; the value is a str here (_text converts a subclass).
                lines.append(f"    if not {converted}.strip(): _refuse()")
            if direct and converted != var:
                lines.append(f"    {var} = {converted}")
                converted = var
            read.append((a, converted))
        # No unknown key: every required key was read, so a document holding every key of
        # the class and nothing else has exactly as many; a set comparison (three times the
        # cost) decides otherwise.
        if optional:
            lines.append(
                f"    if (_left_out or len(d) != {len(fields)}) "
                f"and not {known}.issuperset(d): _refuse()"
            )
        else:
            lines.append(f"    if len(d) != {len(fields)}: _refuse()")
        if direct:
            # What attrs' generated __init__ does (see _plain_init), without its call and
            # keyword arguments: a new instance, each slot set through its descriptor, then
            # the validators in field order and __attrs_post_init__.
            lines.append(f"    o = _new({self.bind(cls)})")
            lines += [
                f"    {self.bind(_slot(cls, a.name).__set__)}(o, {value})" for a, value in read
            ]
            lines += checks
            if hasattr(cls, "__attrs_post_init__"):
                lines.append("    o.__attrs_post_init__()")
            lines.append("    return o")
        else:
            arguments = ", ".join(f"{a.alias}={value}" for a, value in read)
            lines.append(f"    return {self.bind(cls)}({arguments})")
        self.sources.append("\n".join(lines))
        return name


def _slot(cls: type, name: str) -> Any:
    return inspect.getattr_static(cls, name, None)


def _plain_init(cls: type) -> bool:
    """Whether ``cls.__init__`` is attrs' own, doing nothing but set each slot and run the
    validators (and ``__attrs_post_init__``): the reader then does that itself, without the
    call.  Its source is compared with what it must be, line by line, so that any other
    behaviour (a pre-init hook, a cached hash, a default factory, a converter, an attrs
    version writing it otherwise) keeps the class's own ``__init__``."""
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if code is None or not code.co_filename.startswith("<attrs generated"):
        return False
    fields = attrs.fields(cls)
    if not all(type(_slot(cls, a.name)) is types.MemberDescriptorType for a in fields):
        return False  # not slotted
    expected = ["_setattr = _cached_setattr_get(self)"]
    expected += [f"_setattr({a.name!r}, {a.alias})" for a in fields]
    validated = [a.name for a in fields if a.validator is not None]
    if validated:
        expected.append("if _config._run_validators is True:")
        expected += [f"__attr_validator_{n}(self, __attr_{n}, self.{n})" for n in validated]
    if hasattr(cls, "__attrs_post_init__"):
        expected.append("self.__attrs_post_init__()")
    try:
        source = inspect.getsource(init)  # type: ignore[arg-type]
    except (OSError, TypeError):  # no source registered: nothing to compare with
        return False
    body = [line.strip() for line in source.splitlines()[1:] if line.strip()]
    return body == expected


def _build(model: type) -> Reader:
    g = _Gen()
    attrs.resolve_types(model)
    entry = g.reader_of(model, entry=True)
    exec_source("\n\n".join(g.sources) + "\n", f"reader {model.__qualname__}", g.namespace)
    function: Reader = g.namespace[entry]
    return function


# Generated readers by application model: a few per process (one per scheme), kept for good.
_READERS: dict[type, Reader | None] = {}
_MAX_READERS = 256
_UNBUILT = object()


def reader(model: type) -> Reader | None:
    """The generated reader of documents of ``model``, or ``None`` when the model holds a
    type it does not handle (its documents then take the converter's route).

    >>> from grantrules.model import CostLine
    >>> read = reader(CostLine)
    >>> read({"category": "staff", "label": "Salaires", "amount_excl_vat": "1200.00"})
    CostLine(category='staff', label='Salaires', amount_excl_vat=Euro('1200.00'), vat=Euro('0.00'), vat_recoverable=False)
    """  # noqa: E501
    found_before = _READERS.get(model, _UNBUILT)
    if found_before is not _UNBUILT:
        return found_before  # type: ignore[return-value]
    try:
        found: Reader | None = _build(model)
    except Unsupported:
        found = None
    if len(_READERS) >= _MAX_READERS:
        _READERS.clear()
    _READERS[model] = found
    return found
