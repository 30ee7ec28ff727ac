"""Rule values as JSON data, and JSON data as compact text.

``json_text(data)`` is exactly ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``
but several times faster on the small values a decision holds: ``json.dumps`` builds an
encoder per call, which costs more than encoding a short string.  Decisions are written
from pre-encoded fragments joined with such values (see ``_explanation``), so the two must
agree byte for byte; a property test checks it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from grantrules.dates import DateRange
from grantrules.money import Euro, Rate

__all__ = ["COMPACT", "json_text", "json_value", "key_text", "value_text"]

#: The ``json.dumps`` options of every JSON text grantrules writes.
COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}

# The C string encoder json.dumps itself uses when ensure_ascii is false.
_encode: Callable[[str], str] = json.encoder.encode_basestring


def json_value(value: Any) -> Any:
    """A rule value as JSON data: amounts and rates as strings, dates ISO 8601.

    >>> json_value((Euro("12.50"), datetime.date(2025, 3, 14)))
    ['12.50', '2025-03-14']
    """
    kind = value.__class__
    # Exact-type shortcuts first (explanations encode thousands of values), then the checks.
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is Euro:
        return str(value)
    if kind is datetime.date:
        return value.isoformat()
    if isinstance(value, Euro | Rate):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, DateRange):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    if isinstance(value, tuple | list | frozenset):
        return [json_value(v) for v in value]
    return value


def json_text(data: Any) -> str:
    """``data`` (JSON data) as compact text, equal to ``json.dumps(data, **COMPACT)``.

    >>> json_text({"award": "600.00", "eligible": True, "inputs": ["é", 3, None]})
    '{"award":"600.00","eligible":true,"inputs":["é",3,null]}'
    """
    kind = type(data)
    if kind is str:
        return _encode(data)
    if data is True:
        return "true"
    if data is False:
        return "false"
    if data is None:
        return "null"
    if kind is int:
        return int.__repr__(data)
    if kind is list or kind is tuple:
        return "[" + ",".join([json_text(item) for item in data]) + "]"
    if kind is dict and all(type(key) is str for key in data):
        return "{" + ",".join([_encode(k) + ":" + json_text(v) for k, v in data.items()]) + "}"
    # Floats, subclasses, non-string keys: json.dumps decides (and refuses what it must).
    return json.dumps(data, **COMPACT)


def value_text(value: Any) -> str:
    """A rule value as compact JSON text: ``json_text(json_value(value))``, with shortcuts
    for the common kinds.

    >>> value_text(Euro("12.50")), value_text(datetime.date(2025, 3, 14)), value_text("7210")
    ('"12.50"', '"2025-03-14"', '"7210"')
    """
    kind = type(value)
    if kind is str:
        return _encode(value)
    if kind is Euro:
        return f'"{value}"'
    if kind is datetime.date:
        return f'"{value.isoformat()}"'
    return json_text(json_value(value))


# Member names come from scheme definitions (inputs, details), so this cache stays small.
_KEYS: dict[str, str] = {}


def key_text(key: str) -> str:
    """``"key":``, the start of an object member."""
    found = _KEYS.get(key)
    if found is None:
        found = _KEYS[key] = _encode(key) + ":"
    return found
