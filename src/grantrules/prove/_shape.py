"""The application as solver variables: its fields' types, bounds, and unrolled collections.

Only the fields the rules read become variables; the document builder
(:mod:`grantrules.prove._document`) fills in the others.  The bounds are the analyser's
stated limits (see :doc:`/explanation/proof-bounds`): every collection holds at most
``max_items`` items, amounts lie between 0 and :data:`MAX_CENTS` cents (negative only where
the model allows it), whole numbers between 0 and :data:`MAX_WHOLE`, dates within
:data:`YEARS` years of the evaluation date, and optional inputs are always given.
"""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Callable
from typing import Any, Literal

import attrs
import z3

from grantrules.money import Euro
from grantrules.prove._domains import Facts, representatives
from grantrules.prove._values import Code, Day, Money, Untranslatable, Value, Whole

__all__ = ["MAX_CENTS", "MAX_WHOLE", "YEARS", "Collection", "Shape"]

#: The largest amount a field may hold, in cents (ten billion euros).
MAX_CENTS = 10**12
#: The largest whole number a field may hold.
MAX_WHOLE = 10**9
#: How many years before and after the evaluation date a date field may lie.
YEARS = 30


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception as error:  # an annotation that does not resolve: say which class
        raise Untranslatable(f"the types of {cls.__name__} ({error})") from None


def _is_tuple(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple


def _item_type(tp: Any) -> Any:
    return typing.get_args(tp)[0]


@attrs.frozen
class Slot:
    """Where a field lives: its type, and the attrs attribute that validates it."""

    type: Any
    attribute: attrs.Attribute[Any] | None


def _refuses_negative(attribute: attrs.Attribute[Any] | None) -> bool:
    from grantrules.schema import refuses_negative

    return attribute is not None and refuses_negative(attribute)


class Collection:
    """A collection unrolled into ``size`` slots; the first ``count`` are its items."""

    def __init__(self, path: str, item_type: Any, size: int, removed: int | None = None) -> None:
        self.path, self.item_type, self.size = path, item_type, size
        # A slot left out: the same application without that item (same variables).
        self.removed = removed
        self.count = z3.Int(f"{path}#count")
        self.slots: list[dict[str | None, Value]] = [{} for _ in range(size)]

    def active(self, index: int) -> Any:
        if index == self.removed:
            return z3.BoolVal(False)
        return self.count > index


class Shape:
    """The solver variables of one application of ``app_type``, created as rules read them."""

    def __init__(
        self,
        app_type: type,
        max_items: int,
        on: datetime.date,
        facts: Facts,
        removed: tuple[str, int] | None = None,
    ) -> None:
        self.app_type, self.max_items, self.on, self.facts = app_type, max_items, on, facts
        self.removed = removed
        self.scalars: dict[str, Value] = {}
        self.collections: dict[str, Collection] = {}
        self.constraints: list[Any] = []

    # -- types ---------------------------------------------------------------------------
    def slot(self, path: str, root: Any = None) -> Slot:
        """The type of the field at dotted ``path`` (from ``root``, the application)."""
        tp: Any = root or self.app_type
        attribute = None
        for part in path.split("."):
            tp, _ = _strip_optional(tp)
            if not attrs.has(tp):
                raise Untranslatable(f"field {path}: {part!r} is not a field of {tp!r}")
            fields = {a.name: a for a in attrs.fields(tp)}
            if part not in fields:
                raise Untranslatable(f"field {path}: {tp.__name__} has no field {part!r}")
            attribute = fields[part]
            tp = _hints(tp)[part]
        tp, _ = _strip_optional(tp)
        return Slot(tp, attribute)

    def is_collection(self, path: str) -> bool:
        try:
            return _is_tuple(self.slot(path).type)
        except Untranslatable:
            return False

    # -- variables -----------------------------------------------------------------------
    def field(self, path: str) -> Value:
        if path not in self.scalars:
            slot = self.slot(path)
            if _is_tuple(slot.type):
                raise Untranslatable(f"field {path} is a collection, read as one value")
            self.scalars[path] = self._variable(path, path, slot)
        return self.scalars[path]

    def collection(self, path: str) -> Collection:
        if path not in self.collections:
            slot = self.slot(path)
            if not _is_tuple(slot.type):
                raise Untranslatable(f"field {path} is summed or counted but is not a collection")
            gone = self.removed[1] if self.removed and self.removed[0] == path else None
            coll = Collection(path, _item_type(slot.type), self.max_items, gone)
            self.constraints += [coll.count >= 0, coll.count <= self.max_items]
            self.collections[path] = coll
        return self.collections[path]

    def item(self, path: str, index: int, attr: str | None) -> Value:
        coll = self.collection(path)
        values = coll.slots[index]
        if attr not in values:
            item_type, _ = _strip_optional(coll.item_type)
            name = f"{path}[{index}]" + (f".{attr}" if attr else "")
            key = f"{path}[]" + (f".{attr}" if attr else "")
            slot = Slot(item_type, None) if attr is None else self.slot(attr, item_type)
            if _is_tuple(slot.type):
                raise Untranslatable(f"field {key}: a collection inside a collection")
            values[attr] = self._variable(name, key, slot)
        return values[attr]

    def _variable(self, name: str, key: str, slot: Slot) -> Value:
        tp = slot.type
        if tp is bool:
            return z3.Bool(name)
        if tp is Euro:
            term = z3.Int(name)
            low = 0 if slot.attribute is None or _refuses_negative(slot.attribute) else -MAX_CENTS
            self.constraints += [term >= low, term <= MAX_CENTS]
            return Money(term)
        if tp is int:
            term = z3.Int(name)
            self.constraints += [term >= 0, term <= MAX_WHOLE]
            return Whole(term)
        if tp is datetime.date:
            return self._date(name)
        if tp is str or typing.get_origin(tp) is Literal:
            return self._code(name, key, slot)
        raise Untranslatable(f"field {key} of type {getattr(tp, '__name__', tp)}")

    def _date(self, name: str) -> Day:
        y, m, d = z3.Int(f"{name}#y"), z3.Int(f"{name}#m"), z3.Int(f"{name}#d")
        leap = z3.And(y % 4 == 0, z3.Or(y % 100 != 0, y % 400 == 0))
        length = z3.If(
            m == 2, z3.If(leap, 29, 28), z3.If(z3.Or(m == 4, m == 6, m == 9, m == 11), 30, 31)
        )
        self.constraints += [
            y >= self.on.year - YEARS,
            y <= self.on.year + YEARS,
            m >= 1,
            m <= 12,
            d >= 1,
            d <= length,
        ]
        return Day(y, m, d)

    def _code(self, name: str, key: str, slot: Slot) -> Code:
        literal = None
        if typing.get_origin(slot.type) is Literal:
            literal = tuple(str(v) for v in typing.get_args(slot.type))
        domain = representatives(
            self.facts.predicates.get(key, []), _validator(slot.attribute), literal
        )
        if not domain:
            raise Untranslatable(f"field {key}: no valid value found for it")
        index = z3.Int(name)
        self.constraints += [index >= 0, index < len(domain)]
        return Code(domain, index)


def _validator(attribute: attrs.Attribute[Any] | None) -> Callable[[str], bool]:
    def valid(value: str) -> bool:
        if attribute is None or attribute.validator is None:
            return True
        try:
            attribute.validator(None, attribute, value)
        except (ValueError, TypeError, AttributeError):
            return False
        return True

    return valid
