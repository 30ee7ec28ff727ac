"""JSON in and out: applications and decisions, through grantrules' one cattrs converter.

Reading is strict, because an application is an official document: amounts are strings with
two decimals (a JSON number would go through a float), dates are ISO ``YYYY-MM-DD``, unknown
keys are errors, and a string is never read where a number or a boolean is expected (nor the
other way round).  An invalid document raises
:class:`~grantrules.errors.ApplicationInvalid` carrying *every* problem found, each located
by a JSON path::

    $.costs[2].amount_excl_vat: expected an amount string like "1200.00", got the number 30000.0
    $.applicant.siren: SIREN '215903502' fails the Luhn check (a digit is probably mistyped)

>>> from grantrules.serde import parse_application
>>> from grantrules.errors import ApplicationInvalid
>>> from grantrules.testing.examples import example_scheme
>>> try:
...     parse_application(example_scheme(), '{"id": "A-1"}')
... except ApplicationInvalid as exc:
...     print(exc.problems[0])
$.submitted_on: required field missing

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    CattrsError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from grantrules._engine.reader import REFUSED, reader
from grantrules._engine.strict import StrictModeError, strict
from grantrules._input import find_lone_surrogate, lone_surrogate_message
from grantrules.dates import parse_date
from grantrules.decision import Decision
from grantrules.errors import ApplicationInvalid, GrantRulesError, InvalidArgument, Problem
from grantrules.model import Application
from grantrules.money import Euro, Rate

if typing.TYPE_CHECKING:
    from grantrules.scheme import Scheme

__all__ = [
    "AMOUNT_PATTERN",
    "converter",
    "decision_from_json",
    "decision_to_json",
    "loads",
    "make_converter",
    "parse_application",
    "problems",
    "structure_application",
    "unstructure_application",
]

#: How an amount is written in a document: digits, a point and exactly two decimals.
AMOUNT_PATTERN = r"-?[0-9]+\.[0-9]{2}"
_AMOUNT = re.compile(AMOUNT_PATTERN)
_SHORT_AMOUNT = 16  # characters: at most 13 integer digits, well below 10**16 euros
# Problem codes, stable for tools that match on them rather than on messages.
MISSING, UNKNOWN, WRONG_TYPE, INVALID, NOT_JSON = (
    "missing",
    "unknown-field",
    "wrong-type",
    "invalid-value",
    "not-json",
)


_Hook = Callable[[Any, Any], Any]

# What structuring an invalid value raises: the hooks' _Invalid (a ValueError), a missing key,
# cattrs' errors (its exception groups included), and what validators and __attrs_post_init__
# raise, ValueError or TypeError as attrs' own validators do (AttributeError: one that reads
# the instance, which the fast route gives it only in __init__).
_READ_ERRORS = (ValueError, TypeError, LookupError, AttributeError, CattrsError)


class _Invalid(ValueError):
    """A value a hook refuses, with the plain message shown to users and a problem code."""

    def __init__(self, message: str, code: str = WRONG_TYPE) -> None:
        super().__init__(message)
        self.code = code


def _describe(value: object) -> str:
    """Name a JSON value as its author wrote it: ``the number 30000.0``, ``an object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        # ASCII escapes when the text holds a lone surrogate, which no output could encode.
        ascii_only = find_lone_surrogate(value) is not None
        return f"the string {json.dumps(value, ensure_ascii=ascii_only)}"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


# --- hooks: each refuses anything but the one JSON type that its Python type is written as.


def _structure_euro(value: object, _: type) -> Euro:
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise _Invalid(f'expected an amount string like "1200.00", got {_describe(value)}')
    if len(value) <= _SHORT_AMOUNT:
        # The pattern guarantees an exact amount in cents far below Euro's size limit, so
        # Euro's own checks of arbitrary input are skipped (a third of structuring time).
        return Euro._of(Decimal(value))
    try:
        return Euro(value)
    except GrantRulesError as exc:  # too large an amount: Euro says why
        raise _Invalid(str(exc), INVALID) from None


def _structure_rate(value: object, _: type) -> Rate:
    # A rate is written as text, like amounts: "40%" or "0.4", never a JSON number.
    if not isinstance(value, str):
        raise _Invalid(f'expected a rate string like "40%" or "0.4", got {_describe(value)}')
    try:
        return Rate(value)
    except GrantRulesError as exc:
        raise _Invalid(str(exc), INVALID) from None


def _structure_date(value: object, _: type) -> datetime.date:
    if not isinstance(value, str):
        raise _Invalid(f'expected a date string like "2025-03-14", got {_describe(value)}')
    try:
        return parse_date(value)
    except GrantRulesError as exc:
        raise _Invalid(str(exc), INVALID) from None


def _strict(kind: type, name: str) -> Callable[[object, type], Any]:
    def structure(value: object, _: type) -> Any:
        # bool is an int subclass, and JSON true must not count as the number 1.
        if type(value) is not kind:
            raise _Invalid(f"expected {name}, got {_describe(value)}")
        return value

    return structure


def _structure_str(value: object, _: type) -> str:
    # isinstance: a str subclass (an enum member, a tagged id) is text like any other.
    if not isinstance(value, str):
        raise _Invalid(f"expected a string, got {_describe(value)}")
    found = find_lone_surrogate(value)
    if found:
        raise _Invalid(lone_surrogate_message(found), INVALID)
    return str(value)


def _is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is Literal


def _literal_hook(tp: Any) -> Callable[[object, type], Any]:
    allowed = typing.get_args(tp)
    expected = ", ".join(repr(a) for a in allowed)

    def structure(value: object, _: type) -> Any:
        # Compare types too: 1 == True, and the JSON 1 is not the literal True.
        if not any(value == a and type(value) is type(a) for a in allowed):
            raise _Invalid(f"expected one of {expected}, got {_describe(value)}", INVALID)
        return value

    return structure


def _is_array(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        return len(args) == 2 and args[1] is Ellipsis
    return origin is list


def _array_hook(tp: Any, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    item_type = typing.get_args(tp)[0]
    item_hook = conv.get_structure_hook(item_type)
    build = typing.get_origin(tp)

    def structure(value: object, _: type) -> Any:
        # cattrs would iterate a string or an object's keys; a JSON array is required.
        if not isinstance(value, list | tuple):
            raise _Invalid(f"expected an array, got {_describe(value)}")
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except _READ_ERRORS as exc:
                exc.add_note(IterableValidationNote(f"item {index}", index, item_type))
                errors.append(exc)
        if errors:
            raise IterableValidationError("invalid items", errors, tp)
        return build(items)

    return structure


def _validated(
    attribute: attrs.Attribute[Any], hook: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    """Structure a field, then run its attrs validator so that the error lands on the field.

    attrs runs validators in ``__init__`` and stops at the first failure, which would report
    one problem at the class's path; running each field's validator here reports every
    failing field at its own path.  The instance does not exist yet, so validators that read
    it are left to ``__init__``.
    """
    validator = attribute.validator
    assert validator is not None

    def structure(value: object, tp: Any) -> Any:
        result = hook(value, tp)
        try:
            validator(None, attribute, result)
        except (ValueError, TypeError) as exc:
            raise _Invalid(str(exc), INVALID) from None
        except AttributeError:  # a validator that reads the instance: __init__ runs it
            pass
        return result

    return structure


def _attrs_hook(cls: type, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    attrs.resolve_types(cls)
    # The fast reader skips cattrs' error bookkeeping: any failure is read again below.
    fast: _Hook = make_dict_structure_fn(cls, conv, _cattrs_detailed_validation=False)
    hints = typing.get_type_hints(cls)
    thorough: _Hook = make_dict_structure_fn(
        cls,
        conv,
        **{  # type: ignore[arg-type]  # field overrides share **kwargs with the options
            a.name: override(struct_hook=_validated(a, conv.get_structure_hook(hints[a.name])))
            for a in attrs.fields(cls)
            if a.init and a.validator is not None
        },
    )

    def structure(value: object, tp: type) -> Any:
        if not isinstance(value, Mapping):
            raise _Invalid(f"expected an object, got {_describe(value)}")
        try:
            return fast(value, tp)
        except _READ_ERRORS:
            # Valid documents pay for each validator once, in __init__; only an invalid one
            # is read again, validating field by field, so that every problem is reported.
            return thorough(value, tp)

    return structure


def _unstructure_date(value: datetime.date) -> str:
    return value.isoformat()


def make_converter() -> cattrs.Converter:
    """Build a new converter with grantrules' strict JSON hooks.

    Most callers want :func:`converter`, which builds it once; a new one helps only to
    register extra hooks without touching the shared one.

    >>> make_converter().unstructure(Euro("12"))
    '12.00'
    """
    conv = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=True,
        unstruct_collection_overrides={tuple: list},
    )
    conv.register_structure_hook(Euro, _structure_euro)
    conv.register_structure_hook(datetime.date, _structure_date)
    conv.register_structure_hook(Rate, _structure_rate)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _strict(int, "a whole number"))
    conv.register_structure_hook(bool, _strict(bool, "true or false"))
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    conv.register_structure_hook_factory(_is_array, _array_hook)
    conv.register_structure_hook_factory(attrs.has, _attrs_hook)
    conv.register_unstructure_hook(Euro, str)
    conv.register_unstructure_hook(Rate, str)
    conv.register_unstructure_hook(datetime.date, _unstructure_date)
    return conv


@functools.cache
def converter() -> cattrs.Converter:
    """The converter every grantrules function uses, built on first use (never at import).

    >>> converter() is converter()
    True
    """
    return make_converter()


# --- errors: cattrs' exception groups become Problems with JSON paths.


def _key_path(path: str, key: int | str) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}[{json.dumps(key)}]"


def _unknown_keys(exc: ForbiddenExtraKeysError, path: str) -> Iterator[Problem]:
    known = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
    expected = ", ".join(repr(k) for k in known)
    # A Python caller may pass a key that is not a string ({1: 2}): name it, do not crash.
    for key in sorted(exc.extra_fields, key=str):
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        yield Problem(f"{path}.{key}", f"unknown field ({hint}expected one of {expected})", UNKNOWN)


def problems(exc: BaseException, path: str = "$") -> list[Problem]:
    """Every problem an exception raised by :func:`converter` stands for, with its path.

    >>> try:
    ...     converter().structure("12", Euro)
    ... except ValueError as exc:  # a hook's refusal; a class gives a ClassValidationError
    ...     print(problems(exc)[0])
    $: expected an amount string like "1200.00", got the string "12"
    """
    if isinstance(exc, ClassValidationError | IterableValidationError):
        found: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                found += problems(inner, f"{path}.{note.name}")
            else:
                found += problems(inner, _key_path(path, note.index))
        for inner in without:
            found += problems(inner, path)
        return found
    if isinstance(exc, ForbiddenExtraKeysError):
        return list(_unknown_keys(exc, path))
    if isinstance(exc, KeyError):
        return [Problem(path, "required field missing", MISSING)]
    if isinstance(exc, _Invalid):
        return [Problem(path, str(exc), exc.code)]
    if isinstance(exc, ValueError | TypeError):
        # A check in a class's __attrs_post_init__, spanning several fields.
        return [Problem(path, str(exc), INVALID)]
    return [Problem(path, f"cannot be read ({exc})", INVALID)]


# --- public API


def _check_scheme(scheme: object) -> Scheme:
    from grantrules.scheme import Scheme

    if not isinstance(scheme, Scheme):
        raise InvalidArgument(
            f"expected a Scheme such as load_scheme('...'), got the {type(scheme).__name__} "
            f"{scheme!r}"
        )
    return scheme


def structure_application(scheme: Scheme, document: Mapping[str, Any]) -> Application:
    """Read an application document (parsed JSON) into the scheme's application model.

    Args:
        scheme: the scheme whose ``application_type`` the document follows.
        document: the parsed JSON object.

    Returns:
        An instance of ``scheme.application_type``.

    Raises:
        ApplicationInvalid: with every problem found, each with its JSON path.

    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> app = structure_application(example_scheme(), example_document())
    >>> app.costs[0].amount_excl_vat
    Euro('1200.00')
    """
    app_type = _check_scheme(scheme).application_type
    if not isinstance(document, Mapping):
        raise ApplicationInvalid(
            [Problem("$", f"expected a JSON object, got {_describe(document)}", WRONG_TYPE)]
        )
    return _read_document(app_type, document)


def _read_document(app_type: type[Application], document: Mapping[str, Any]) -> Application:
    """:func:`structure_application` once its arguments are checked (``evaluate()`` has
    checked them already): the generated reader, else the detailed converter."""
    read = reader(app_type)
    if read is not None:
        try:
            found: Application = read(document)
            return found
        except REFUSED:  # any problem: the converter below reads and reports it
            pass
    try:
        application = converter().structure(document, app_type)
    except _READ_ERRORS as exc:  # at the top, a ClassValidationError grouping every problem
        raise ApplicationInvalid(problems(exc)) from None
    if read is not None and strict():
        # A valid document the generated reader refused: it is narrower than the converter.
        raise StrictModeError(
            f"the generated reader of {app_type.__name__} refused a valid document"
        )
    return application


def unstructure_application(app: Application) -> dict[str, Any]:
    """The JSON document of an application: amounts as ``"1200.00"``, dates ISO 8601.

    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> scheme = example_scheme()
    >>> doc = unstructure_application(structure_application(scheme, example_document()))
    >>> doc["costs"][0]["amount_excl_vat"], doc["submitted_on"]
    ('1200.00', '2025-03-14')
    """
    if not isinstance(app, Application):
        raise InvalidArgument(f"expected an Application, got the {type(app).__name__} {app!r}")
    document: dict[str, Any] = converter().unstructure(app)
    return document


def loads(text: str | bytes, source: str = "<string>") -> Any:
    """Parse JSON strictly: no NaN or Infinity, no key twice in an object.

    The input policy of :mod:`grantrules._input` applies: UTF-8 (a leading byte order mark
    allowed), at most 64 levels of nesting, a size limit, no lone surrogate in any string.

    Raises:
        ApplicationInvalid: a single problem at ``$`` saying why the text is not JSON (or the
            path of a string that is not valid Unicode).

    >>> loads('{"a": 1}')
    {'a': 1}
    """
    from grantrules._input import loads as strict_loads

    return strict_loads(text, source)


def parse_application(scheme: Scheme, text: str | bytes, source: str = "<string>") -> Application:
    """Read an application from JSON text (or UTF-8 bytes).

    Args:
        scheme: the scheme whose application model the text follows.
        text: the JSON text.
        source: how messages name the text (a file name, ``line 12``...).

    Raises:
        ApplicationInvalid: the text is not JSON (a problem at ``$``) or the document is
            invalid (every problem, with its path).

    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> parse_application(example_scheme(), json.dumps(example_document())).id
    'A-1'
    """
    return structure_application(scheme, loads(text, source))


def decision_to_json(decision: Decision) -> str:
    """The decision as compact JSON text: :meth:`Decision.to_json_text`, the documented
    contract of :meth:`Decision.to_json` without spaces.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> text = decision_to_json(evaluate(example_scheme(), example_document()))
    >>> json.loads(text)["award"]
    '600.00'
    """
    if not isinstance(decision, Decision):
        raise InvalidArgument(f"expected a Decision, got the {type(decision).__name__}")
    return decision.to_json_text()


def decision_from_json(text: str | bytes) -> Decision:
    """Read back a decision written by :func:`decision_to_json`.

    Raises:
        InvalidArgument: the text is not a decision document.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> decision = evaluate(example_scheme(), example_document())
    >>> decision_from_json(decision_to_json(decision)) == decision
    True
    """
    try:
        data = loads(text, "the decision")
    except ApplicationInvalid as exc:
        raise InvalidArgument(str(exc.problems[0].message)) from None
    if not isinstance(data, Mapping):
        raise InvalidArgument(f"expected a decision object, got {_describe(data)}")
    try:
        return Decision.from_json(data)
    except InvalidArgument:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidArgument(f"not a decision document: {type(exc).__name__} {exc}") from None
