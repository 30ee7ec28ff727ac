"""From a solver model to an application document that :func:`grantrules.evaluate` accepts.

The fields the rules read take the model's values; every other field keeps its default or
gets a plain valid value (a name, a SIREN that passes the Luhn check, the evaluation date),
so that the document is a valid application of the scheme's model: it is built as an
instance of the attrs classes (their validators run) and written out as JSON.
"""

from __future__ import annotations

import datetime
import typing
from decimal import Decimal
from typing import Any, Literal

import attrs
import z3

from grantrules.model import Application
from grantrules.money import Euro, Rate
from grantrules.prove._shape import Shape, _hints, _is_tuple, _item_type, _strip_optional
from grantrules.prove._values import Code, Day, Money, Value, Whole
from grantrules.serde import unstructure_application

__all__ = ["document"]

_TEXTS = ("CHECK-1", "Exemple", "215903501", "0000", "00000", "59350", "7210", "x")


class _Build:
    def __init__(self, shape: Shape, model: Any) -> None:
        self.shape, self.model = shape, model

    def _eval(self, term: Any) -> Any:
        return self.model.eval(term, model_completion=True)

    def concrete(self, value: Value) -> Any:
        if isinstance(value, Money):
            return Euro(Decimal(self._eval(value.term).as_long()) / 100)
        if isinstance(value, Whole):
            return self._eval(value.term).as_long()
        if isinstance(value, Day):
            parts = (self._eval(t).as_long() for t in (value.year, value.month, value.day))
            return datetime.date(*parts)
        if isinstance(value, Code):
            return value.domain[self._eval(value.index).as_long()]
        return z3.is_true(self._eval(value))

    def instance(self, cls: type, prefix: str, values: dict[str | None, Value] | None) -> Any:
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        for attribute in attrs.fields(cls):
            if not attribute.init:
                continue
            name = attribute.alias or attribute.name
            path = f"{prefix}{attribute.name}"
            tp, optional = _strip_optional(hints[attribute.name])
            if values is not None:
                symbolic = values.get(attribute.name)
            else:
                symbolic = self.shape.scalars.get(path)
            if symbolic is not None:
                kwargs[name] = self.concrete(symbolic)
            elif values is None and path in self.shape.collections:
                kwargs[name] = self.items(path)
            elif attrs.has(tp) and (self._reads(path) or attribute.default is attrs.NOTHING):
                kwargs[name] = self.instance(tp, f"{path}.", None)
            elif attribute.default is attrs.NOTHING:
                kwargs[name] = None if optional else filler(tp, attribute, self.shape.on)
        return cls(**kwargs)

    def _reads(self, prefix: str) -> bool:
        dotted = prefix + "."
        return any(p.startswith(dotted) for p in [*self.shape.scalars, *self.shape.collections])

    def items(self, path: str) -> tuple[Any, ...]:
        coll = self.shape.collections[path]
        count = self._eval(coll.count).as_long()
        item_type, _ = _strip_optional(coll.item_type)
        found = []
        for slot in coll.slots[:count]:
            if attrs.has(item_type):
                found.append(self.instance(item_type, f"{path}[].", dict(slot)))
            elif None in slot:
                found.append(self.concrete(slot[None]))
            else:
                found.append(filler(item_type, None, self.shape.on))
        return tuple(found)


def filler(tp: Any, attribute: Any, on: datetime.date) -> Any:
    """A plain valid value of type ``tp`` for a field the rules do not read."""
    if typing.get_origin(tp) is Literal:
        return typing.get_args(tp)[0]
    if _is_tuple(tp):
        return ()
    if tp is bool:
        return False
    if tp is int:
        return 0
    if tp is Euro:
        return Euro.ZERO
    if tp is Rate:
        return Rate("0")
    if tp is datetime.date:
        return on
    if tp is str:
        for text in _TEXTS:
            try:
                if attribute is not None and attribute.validator is not None:
                    attribute.validator(None, attribute, text)
            except (ValueError, TypeError, AttributeError):
                continue
            return text
    if attrs.has(tp):
        return _Build(Shape(tp, 0, on, _no_facts()), None).instance(tp, "", {})
    return None


def _no_facts() -> Any:
    from grantrules.prove._domains import Facts

    return Facts()


def document(shape: Shape, model: Any) -> dict[str, Any]:
    """The application document the model describes (raises ``ValueError``/``TypeError``
    when the model's own validators refuse it)."""
    app: Application = _Build(shape, model).instance(shape.app_type, "", None)
    return unstructure_application(app)


_ = _item_type  # the item type is read through Collection.item_type
