"""Source encoding one value of a decision, specialised by the type the model declares.

The generated text writers (:mod:`grantrules._engine.textgen`, :mod:`grantrules._engine.writer`)
write each value a criterion or a trace shows twice at most: as JSON (``value_text``) and
formatted in a message (``format_value``, as the content of a JSON string).  Both functions
test the value's type at run time, through a chain of checks and calls.  The application
model says which type a field holds (a code, an amount, a date, a flag, a list of codes), so
the source written here tests that one class first and writes the text inline, with
everything that depends only on the language and the code labels (a label's escaped text,
``oui``/``non``, ``—``) computed once, when the writer is generated.  Any other value (a model
that holds something else, a computed detail whose type is not known) takes the general
functions, so the text is always theirs, byte for byte.
"""

from __future__ import annotations

import datetime
import functools
import json
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

from grantrules._engine.json_text import json_text, value_text
from grantrules._engine.runtime import _euro
from grantrules._format import format_value, pick
from grantrules.dates import format_date
from grantrules.money import Euro, currency_pattern

__all__ = ["INLINE", "RAW", "Kind", "escaped", "formatted_source", "json_source", "kind_of"]

#: What the source knows of a value: its class (``str`` for a code or any text, ``Euro``,
#: ``datetime.date``, ``bool``, ``int``), ``tuple`` for a tuple of codes, :data:`RAW` for an
#: amount as the version function returns it, or ``None``.
Kind = type | None

#: The kind of an amount as the generated version function returns it, before
#: :func:`grantrules._engine.runtime.store_amounts` makes a Euro of it: a Decimal (the
#: Euro's, or ``Euro.ZERO`` for any zero), else what is stored as it is (a Euro, ``None``).
RAW: type = Decimal

#: ``bind(value) -> name``: a name for ``value`` in the generated function's namespace.
Bind = Callable[[Any], str]


def kind_of(declared: Any) -> Kind:
    """The :data:`Kind` of a field the model declares as ``declared`` (``Optional``
    stripped, as :func:`grantrules.scheme.field_type` gives it)."""
    if declared in (str, Euro, datetime.date, bool, int):
        return typing.cast(type, declared)
    if _is_text(declared):
        return str
    args = typing.get_args(declared)
    if typing.get_origin(declared) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return tuple if _is_text(args[0]) else None
    return None


def _is_text(declared: Any) -> bool:
    if declared is str:
        return True
    origin = typing.get_origin(declared)
    if origin is Literal:
        return all(type(arg) is str for arg in typing.get_args(declared))
    if origin in (typing.Union, types.UnionType):
        return all(_is_text(arg) for arg in typing.get_args(declared))
    return False


def escaped(text: str) -> str:
    """``text`` as the content of a JSON string: its ``json_text`` without the quotes."""
    return json_text(text)[1:-1]


def json_source(value: str, kind: Kind) -> str:
    """Source equal to ``value_text(value)``, ``value`` the name of a local."""
    v = value
    if kind is str:
        return (
            f"(_encode_str({v}) if {v}.__class__ is _str else 'null' if {v} is None else _vt({v}))"
        )
    if kind is Euro or kind is RAW:
        euro = (
            f"({_euro_json(v)} if {v}.__class__ is _Euro else 'null' if {v} is None else _vt({v}))"
        )
        if kind is Euro:
            return euro
        # A raw amount's text is its Euro's (store_amounts), without making the Euro.
        return (
            f"(({_ZERO_JSON!r} if not {v} else {_decimal_json(v, v)}) "
            f"if {v}.__class__ is _Decimal else {euro})"
        )
    if kind is datetime.date:
        return (
            f"(f'\"{{{v}.isoformat()}}\"' if {v}.__class__ is _date "
            f"else 'null' if {v} is None else _vt({v}))"
        )
    if kind is bool:
        return (
            f"('true' if {v} is True else 'false' if {v} is False "
            f"else 'null' if {v} is None else _vt({v}))"
        )
    if kind is int:
        return f"(_int_repr({v}) if {v}.__class__ is _int else 'null' if {v} is None else _vt({v}))"
    if kind is tuple:
        return f"(_texts_json({v}) if {v}.__class__ is _tuple else _vt({v}))"
    return (
        f"(_encode_str({v}) if {v}.__class__ is _str "
        f"else {_euro_json(v)} if {v}.__class__ is _Euro "
        f"else f'\"{{{v}.isoformat()}}\"' if {v}.__class__ is _date "
        f"else 'true' if {v} is True else 'false' if {v} is False "
        f"else 'null' if {v} is None else _vt({v}))"
    )


def formatted_source(
    value: str, kind: Kind, lang: str, codes: Mapping[str, Mapping[str, str]], bind: Bind
) -> str:
    """Source equal to ``format_value(value, lang, codes)`` as JSON string content (escaped,
    without its quotes), ``value`` the name of a local; the generated function's namespace
    has :data:`INLINE` and ``_lang`` (``lang``)."""
    v = value
    general = f"_encode_str(_fmt({v}, _lang, {bind(codes)}))[1:-1]"
    if kind is tuple:
        raw = bind(_labels(codes, lang, raw=True))
        return (
            f"(_texts_text({v}, {raw}, {bind(codes)}, _lang) if {v}.__class__ is _tuple "
            f"else {general})"
        )
    if kind is str:
        labels = _labels(codes, lang, raw=False)
        if not labels:
            return f"(_encode_str({v})[1:-1] if {v}.__class__ is _str else {general})"
        found = bind(labels)
        return (
            f"(({found}[{v}] if {v} in {found} else _encode_str({v})[1:-1]) "
            f"if {v}.__class__ is _str else {general})"
        )
    if kind is bool:
        yes, no = (escaped(format_value(flag, lang)) for flag in (True, False))
        return f"({yes!r} if {v} is True else {no!r} if {v} is False else {general})"
    none = escaped(format_value(None, lang))
    # What Euro.format writes (digits, marks, spaces, the euro sign) needs no escaping, and
    # dates are escaped once (cached): an amount or a date of unknown kind is tested first.
    if kind is Euro or kind is RAW:
        euro = (
            f"({_euro_format(v, lang)} if {v}.__class__ is _Euro "
            f"else {none!r} if {v} is None else {general})"
        )
        if kind is Euro:
            return euro
        zero = escaped(Euro.ZERO.format(lang))
        return (
            f"(({zero!r} if not {v} else {_decimal_format(v, v, lang)}) "
            f"if {v}.__class__ is _Decimal else {euro})"
        )
    if kind is datetime.date:
        return f"(_date_text({v}, _lang) if {v}.__class__ is _date else {general})"
    return (
        f"({_euro_format(v, lang)} if {v}.__class__ is _Euro "
        f"else _date_text({v}, _lang) if {v}.__class__ is _date "
        f"else {none!r} if {v} is None else {general})"
    )


def _euro_json(euro: str) -> str:
    """Source of ``'"' + str(euro) + '"'`` for a local holding a Euro, without the call,
    as generated code reads money (``Euro._d``, see grantrules.money)."""
    return _decimal_json(f"{euro}._d", euro)


def _decimal_json(amount: str, euro: str) -> str:
    """Source of the JSON text of the Euro whose Decimal is ``amount``: ``Euro.__str__`` is
    ``str()`` of its Decimal unless that is in scientific notation (see there); the Euro
    itself then writes it (``euro``: its local, or a raw Decimal's, made a Euro as
    store_amounts makes it)."""
    made = f"_euro({euro})" if euro == amount else euro
    return f"(f'\"{{_t}}\"' if 'E' not in (_t := _str({amount})) else f'\"{{_str({made})}}\"')"


def _euro_format(euro: str, lang: str) -> str:
    """Source of ``euro.format(lang)`` for a local holding a Euro, without the call."""
    return _decimal_format(f"{euro}._d", euro, lang)


def _decimal_format(amount: str, euro: str, lang: str) -> str:
    """Source of ``format(lang)`` of the Euro whose Decimal is ``amount``: the same format
    of the Decimal and the same marks (``money.currency_pattern``).  With no prefix the
    Decimal's own sign is where Euro.format puts it; with one, a negative amount takes
    Euro.format itself (``euro`` as in _decimal_json)."""
    group, mark, prefix, suffix = currency_pattern(lang)
    text = f"_format({amount}, ',f')"
    if group is not None:
        text += f".replace(',', {group!r})"
    if mark is not None:
        text += f".replace('.', {mark!r})"
    if not prefix:
        return f"({text} + {suffix!r})"
    made = f"_euro({euro})" if euro == amount else euro
    return f"({prefix!r} + {text} + {suffix!r} if {amount} >= 0 else {made}.format(_lang))"


_ZERO_JSON = value_text(Euro.ZERO)


def _labels(codes: Mapping[str, Mapping[str, str]], lang: str, raw: bool) -> dict[str, str]:
    """Code -> its label in ``lang`` (escaped unless ``raw``), for the codes ``format_value``
    writes as a label: those with a non-empty entry in ``codes``."""
    return {
        name[len("code:") :]: (pick(texts, lang) if raw else escaped(pick(texts, lang)))
        for name, texts in codes.items()
        if name.startswith("code:") and texts
    }


def _texts_json(values: tuple[Any, ...]) -> str:
    """``value_text`` of a tuple, in one join when it holds only strings."""
    for item in values:
        if item.__class__ is not str:
            return value_text(values)
    return "[" + ",".join(map(_encode_str, values)) + "]"


def _texts_text(
    values: tuple[Any, ...],
    labels: Mapping[str, str],
    codes: Mapping[str, Mapping[str, str]],
    lang: str,
) -> str:
    """``format_value(values, lang, codes)`` of a tuple, escaped; ``labels`` holds the raw
    texts of the codes written as their label.  For strings: one join and one escape
    (escaping joined texts is joining their escapes, and ", " needs none)."""
    for item in values:
        if item.__class__ is not str:
            return escaped(format_value(values, lang, codes))
    if labels:
        return _encode_str(", ".join([labels.get(item, item) for item in values]))[1:-1]
    return _encode_str(", ".join(values))[1:-1]


_encode_str: Callable[[str], str] = json.encoder.encode_basestring


@functools.lru_cache(maxsize=4096)
def _date_text(day: datetime.date, lang: str) -> str:
    """A date as a message writes it (``format_date``), as JSON string content (cached, as
    ``format_date`` is: decisions of a call mention the same few dates thousands of times)."""
    return escaped(format_date(day, lang))


#: What the sources written here call, by the names they use.
INLINE: dict[str, Any] = {
    "_join": "".join,
    "_vt": value_text,
    "_fmt": format_value,
    "_Euro": Euro,
    "_str": str,
    "_tuple": tuple,
    "_encode_str": _encode_str,
    "_quote": '"',
    "_format": format,
    "_Decimal": Decimal,
    "_euro": _euro,
    "_date": datetime.date,
    "_date_text": _date_text,
    "_texts_json": _texts_json,
    "_texts_text": _texts_text,
    "_int": int,
    "_int_repr": int.__repr__,
}
