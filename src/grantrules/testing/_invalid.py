"""Defects that turn a valid application document into a malformed one."""

from __future__ import annotations

import copy
import datetime
import typing
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st

from grantrules.money import Euro
from grantrules.testing._build import _is_optional, field_types

__all__ = ["mutations"]

Path = tuple[str | int, ...]
Mutation = Callable[[st.DrawFn, type, dict[str, Any]], dict[str, Any]]


@attrs.frozen
class _Slot:
    """One place in a document: its path, the declared type and whether it may be omitted."""

    path: Path
    type: Any
    required: bool


def _slots(cls: type, data: Any, path: Path = ()) -> list[_Slot]:
    found: list[_Slot] = []
    if not isinstance(data, dict):
        return found
    types = field_types(cls)
    for attribute in attrs.fields(cls):
        if attribute.name not in data:
            continue
        here = (*path, attribute.name)
        _, tp = _is_optional(types[attribute.name])
        found.append(_Slot(here, tp, attribute.default is attrs.NOTHING))
        value = data[attribute.name]
        if attrs.has(tp):
            found += _slots(tp, value, here)
        elif typing.get_origin(tp) is tuple and isinstance(value, list):
            element = typing.get_args(tp)[0]
            for index, item in enumerate(value):
                if attrs.has(element):
                    found += _slots(element, item, (*here, index))
                else:
                    found.append(_Slot((*here, index), element, True))
    return found


def _get(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


def _set(document: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(document)
    _get(result, path[:-1])[path[-1]] = value
    return result


def _choose(draw: st.DrawFn, slots: list[_Slot]) -> _Slot | None:
    return draw(st.sampled_from(slots)) if slots else None


def _unknown_key(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    objects: list[Path] = [()] + [s.path for s in _slots(cls, document) if attrs.has(s.type)]
    objects += [
        (*s.path, i)
        for s in _slots(cls, document)
        if typing.get_origin(s.type) is tuple
        for i, item in enumerate(_get(document, s.path))
        if isinstance(item, dict)
    ]
    where = draw(st.sampled_from(objects))
    key = draw(st.from_regex(r"unexpected_[a-z]{1,8}", fullmatch=True))
    result = copy.deepcopy(document)
    _get(result, where)[key] = "surprise"
    return result


def _missing_key(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    slot = _choose(
        draw, [s for s in _slots(cls, document) if s.required and isinstance(s.path[-1], str)]
    )
    if slot is None:
        return _unknown_key(draw, cls, document)
    result = copy.deepcopy(document)
    del _get(result, slot.path[:-1])[slot.path[-1]]
    return result


def _of_type(cls: type, document: dict[str, Any], tp: Any) -> list[_Slot]:
    return [s for s in _slots(cls, document) if s.type is tp]


def _float_amount(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    slot = _choose(draw, _of_type(cls, document, Euro))
    if slot is None:
        return _wrong_type(draw, cls, document)
    return _set(document, slot.path, float(_get(document, slot.path)))


def _negative_amount(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    slot = _choose(draw, [s for s in _of_type(cls, document, Euro) if s.path[-1] != "vat"])
    if slot is None:
        return _wrong_type(draw, cls, document)
    value = Euro(_get(document, slot.path))
    negative = -value if value else Euro("-0.01")
    return _set(document, slot.path, str(negative))


def _bad_siren(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    slot = _choose(draw, [s for s in _slots(cls, document) if s.path[-1] == "siren"])
    if slot is None:
        return _unknown_key(draw, cls, document)
    siren = str(_get(document, slot.path))
    step = draw(st.integers(1, 9))
    broken = siren[:-1] + str((int(siren[-1]) + step) % 10)
    return _set(document, slot.path, broken)


def _impossible_date(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    slot = _choose(draw, _of_type(cls, document, datetime.date))
    if slot is None:
        return _wrong_type(draw, cls, document)
    text = draw(
        st.sampled_from(["2025-02-30", "2025-13-01", "2024-04-31", "2025-00-10", "14/03/2025"])
    )
    return _set(document, slot.path, text)


def _wrong_type(draw: st.DrawFn, cls: type, document: dict[str, Any]) -> dict[str, Any]:
    slot = _choose(draw, [s for s in _slots(cls, document) if s.path[-1] != "description"])
    assert slot is not None, "an application document always has fields"
    value = _get(document, slot.path)
    if isinstance(value, bool):
        wrong: Any = "yes"
    elif isinstance(value, dict):
        wrong = "an object was expected"
    elif isinstance(value, list):
        wrong = {"not": "a list"}
    elif isinstance(value, int):
        wrong = "twelve"
    elif slot.type is Euro:
        wrong = True
    elif slot.type is datetime.date:
        wrote = datetime.date.fromisoformat(value)
        wrong = wrote.year * 10000 + wrote.month * 100 + wrote.day
    else:
        wrong = [value]
    return _set(document, slot.path, wrong)


_MUTATIONS: tuple[tuple[str, Mutation], ...] = (
    ("float amount", _float_amount),
    ("unknown key", _unknown_key),
    ("missing key", _missing_key),
    ("bad SIREN", _bad_siren),
    ("impossible date", _impossible_date),
    ("negative amount", _negative_amount),
    ("wrong type", _wrong_type),
)


def mutations() -> tuple[tuple[str, Mutation], ...]:
    """The named defects :func:`~grantrules.testing.strategies.invalid_applications` uses."""
    return _MUTATIONS
