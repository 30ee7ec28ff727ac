"""From an application to the solver: the constraints that pin every variable to its values.

The inverse of :mod:`grantrules.prove._document`, for the agreement test: pinned to a real
application, the translated decision must be the evaluator's (eligibility, award, every
criterion's outcome).  A code is pinned to the representative of its class (the value the
rules cannot tell apart from it).  ``None`` when the application lies outside the bounds
(more items than slots, a missing input, a date too far, a code of no known class).
"""

from __future__ import annotations

import operator
from typing import Any

import z3

from grantrules.money import Euro
from grantrules.prove._domains import _holds
from grantrules.prove._shape import Shape
from grantrules.prove._values import Code, Day, Money, Value, Whole, cents

__all__ = ["bind"]


def _pin(shape: Shape, key: str, var: Value, value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(var, Money):
        return [var.term == cents(value)] if isinstance(value, Euro) else None
    if isinstance(var, Whole):
        return [var.term == value]
    if isinstance(var, Day):
        if abs(value.year - shape.on.year) > 30:
            return None
        return [var.year == value.year, var.month == value.month, var.day == value.day]
    if isinstance(var, Code):
        predicates = shape.facts.predicates.get(key, [])
        wanted = tuple(_holds(p, str(value)) for p in predicates)
        for index, candidate in enumerate(var.domain):
            if tuple(_holds(p, candidate) for p in predicates) == wanted:
                return [var.index == index]
        return None
    return [var == z3.BoolVal(bool(value))]


def bind(shape: Shape, app: Any) -> list[Any] | None:
    """The constraints that pin ``shape``'s variables to ``app``'s values, or None."""
    found: list[Any] = []
    for path, var in shape.scalars.items():
        try:
            value = operator.attrgetter(path)(app)
        except AttributeError:
            return None
        pinned = _pin(shape, path, var, value)
        if pinned is None:
            return None
        found += pinned
    for path, coll in shape.collections.items():
        items = operator.attrgetter(path)(app) or ()
        if len(items) > coll.size:
            return None
        found.append(coll.count == len(items))
        for item, slot in zip(items, coll.slots, strict=False):
            for attr, var in slot.items():
                value = item if attr is None else getattr(item, attr, None)
                key = f"{path}[]" + (f".{attr}" if attr else "")
                pinned = _pin(shape, key, var, value)
                if pinned is None:
                    return None
                found += pinned
    return found
