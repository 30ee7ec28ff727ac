"""Application documents for the testing tools: ``grantrules.serde`` when it is installed.

The testing tools read and write application JSON documents (case files, malformed documents,
round trips).  They use the library's one converter, :mod:`grantrules.serde`; while it is not
available they fall back on the small strict converter below, which knows exactly the types the
generic model uses (attrs classes, str, int, bool, dates, Euro, Literal, optional values and
tuples) and refuses floats, unknown keys and missing keys.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from grantrules.dates import DateRange
from grantrules.errors import ApplicationInvalid, GrantRulesError, Problem
from grantrules.money import Euro, Rate
from grantrules.scheme import Scheme
from grantrules.testing._build import _is_optional, field_types

__all__ = ["has_serde", "structure", "unstructure"]


def _serde() -> Any:
    try:
        return importlib.import_module("grantrules.serde")
    except ImportError:
        return None


def has_serde() -> bool:
    """Whether ``grantrules.serde`` provides the application converter."""
    module = _serde()
    return module is not None and hasattr(module, "structure_application")


def unstructure(scheme: Scheme, app: Any) -> dict[str, Any]:
    """The JSON document of ``app`` (amounts as strings, dates ISO 8601)."""
    module = _serde()
    if module is not None and hasattr(module, "unstructure_application"):
        return dict(module.unstructure_application(app))
    result = _plain(app)
    assert isinstance(result, dict)
    return result


def structure(scheme: Scheme, document: Mapping[str, Any]) -> Any:
    """The application of ``scheme`` that ``document`` describes.

    Raises:
        ApplicationInvalid: the document is malformed (every problem, with its path).
    """
    module = _serde()
    if module is not None and hasattr(module, "structure_application"):
        return module.structure_application(scheme, document)
    problems: list[Problem] = []
    app = _build(scheme.application_type, document, "$", problems)
    if problems:
        raise ApplicationInvalid(problems)
    return app


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {a.name: _plain(getattr(value, a.name)) for a in attrs.fields(type(value)) if a.init}
    if isinstance(value, Euro | Rate):
        return str(value)
    if isinstance(value, DateRange):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


class _Invalid(Exception):
    pass


def _build(tp: Any, data: Any, path: str, problems: list[Problem]) -> Any:
    try:
        return _convert(tp, data, path, problems)
    except _Invalid as exc:
        problems.append(Problem(path, str(exc)))
        return None


def _convert(tp: Any, data: Any, path: str, problems: list[Problem]) -> Any:
    optional, tp = _is_optional(tp)
    if data is None:
        if optional:
            return None
        raise _Invalid("expected a value, got null")
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        if data not in typing.get_args(tp) or isinstance(data, bool):
            raise _Invalid(f"expected one of {list(typing.get_args(tp))}, got {data!r}")
        return data
    if origin is tuple:
        if not isinstance(data, list):
            raise _Invalid(f"expected an array, got {type(data).__name__}")
        element = typing.get_args(tp)[0]
        return tuple(_build(element, v, f"{path}[{i}]", problems) for i, v in enumerate(data))
    if attrs.has(tp):
        return _instance(tp, data, path, problems)
    return _scalar(tp, data)


def _scalar(tp: Any, data: Any) -> Any:
    if tp is Euro:
        if not isinstance(data, str | int) or isinstance(data, bool):
            raise _Invalid(f'expected an amount as a string like "1200.00", got {data!r}')
        try:
            return Euro(data)
        except GrantRulesError as exc:
            raise _Invalid(str(exc)) from None
    if tp is datetime.date:
        if not isinstance(data, str):
            raise _Invalid(f"expected a date like '2025-03-14', got {data!r}")
        try:
            return datetime.date.fromisoformat(data)
        except ValueError:
            raise _Invalid(f"{data!r} is not a real date written YYYY-MM-DD") from None
    if tp in (str, int, bool) and type(data) is tp:
        return data
    raise _Invalid(f"expected {getattr(tp, '__name__', tp)}, got {type(data).__name__} {data!r}")


def _instance(cls: type, data: Any, path: str, problems: list[Problem]) -> Any:
    if not isinstance(data, Mapping):
        raise _Invalid(f"expected an object, got {type(data).__name__}")
    fields = {a.name: a for a in attrs.fields(cls) if a.init}
    types = field_types(cls)
    for key in data:
        if key not in fields:
            problems.append(Problem(f"{path}.{key}", "unknown key", "unknown-key"))
    values: dict[str, Any] = {}
    for name, attribute in fields.items():
        if name in data:
            values[name] = _build(types[name], data[name], f"{path}.{name}", problems)
        elif attribute.default is attrs.NOTHING:
            problems.append(Problem(f"{path}.{name}", "missing key", "missing-key"))
    if problems:
        return None
    try:
        return cls(**values)
    except (ValueError, TypeError, GrantRulesError) as exc:
        raise _Invalid(str(exc)) from None
