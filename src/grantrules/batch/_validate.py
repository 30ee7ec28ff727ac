"""The columnar pre-check: which rows might not be valid application documents.

It walks the application model as the converter does and flags, with Arrow compute, every
row where a value could be refused: a required field null, a value of the wrong Arrow type,
an amount not written ``"1234.56"``, a date not ``YYYY-MM-DD``, a code outside its
``Literal``, a key the model does not know, a value its field validator refuses.  Flagged
rows are read by :func:`grantrules.serde.structure_application`, which gives the error with
its ``$.path`` (or finds the row valid after all, and ``evaluate()`` decides it): the
pre-check may flag too much, never too little.

Field validators known to grantrules (SIREN, patterns, non-blank text, non-negative amounts,
application ids) have column versions; any other validator runs once per distinct value.
"""

from __future__ import annotations

import datetime
import re
import typing
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules import model
from grantrules.batch._inputs import Leaf, decimal_words, field_of, filled, leaf_of
from grantrules.batch._rates import rate_column
from grantrules.batch._text import amount_refused, date_refused, strings
from grantrules.money import Euro, Rate
from grantrules.serde import AMOUNT_PATTERN

__all__ = ["suspects"]

_AMOUNT = f"^(?:{AMOUNT_PATTERN})$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_SHORT_AMOUNT = 16
# What Python's str.strip() removes: RE2's \s is narrower.
_SPACE = (
    r"\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)
_ID = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9])?$"
# The byte checks of grantrules.batch._text know this amount form (and ISO dates) only.
_BYTES_CHECK = AMOUNT_PATTERN == r"-?[0-9]+\.[0-9]{2}" and _SHORT_AMOUNT == 16


def suspects(batch: pa.RecordBatch, model: type) -> np.ndarray[Any, Any]:
    """Rows of ``batch`` that might not be valid documents of ``model``."""
    n = batch.num_rows
    bad = np.zeros(n, bool)
    top = pa.StructArray.from_arrays(batch.columns, names=batch.schema.names) if n else None
    if top is None:
        return bad
    _struct(top, model, np.arange(n), bad)
    return bad


class _Owners:
    """Each value's row in the batch (the items of a list), found the first time one of the
    values is flagged: valid batches never pay for it."""

    __slots__ = ("_found", "_make")

    def __init__(self, make: Any) -> None:
        self._make = make
        self._found: np.ndarray[Any, Any] | None = None

    def get(self) -> np.ndarray[Any, Any]:
        if self._found is None:
            self._found = self._make()
        return self._found


def _rows(owners: Any) -> np.ndarray[Any, Any]:
    found: np.ndarray[Any, Any] = owners.get() if isinstance(owners, _Owners) else owners
    return found


def _flag(bad: np.ndarray[Any, Any], owners: Any, hit: Any) -> None:
    if isinstance(hit, pa.Array | pa.ChunkedArray):
        hit = filled(hit, False).to_numpy(zero_copy_only=False)
    hit = np.asarray(hit, bool)
    if hit.ndim == 0:  # every value, or none
        if hit:
            bad[_rows(owners)] = True
    elif hit.any():
        bad[_rows(owners)[hit]] = True


_ALL = np.True_
_NONE = np.False_


def _present(array: pa.Array) -> Any:
    """Where ``array`` has a value: a bool array, or ``True`` for all rows and ``False`` for
    none (an optional field nobody filled in), without allocating."""
    nulls = array.null_count
    if nulls == 0:
        return _ALL
    if nulls == len(array):
        return _NONE
    found: np.ndarray[Any, Any] = array.is_valid().to_numpy(zero_copy_only=False)
    return found


def _struct(array: pa.Array, cls: type, owners: np.ndarray[Any, Any], bad: Any) -> None:
    if "__attrs_post_init__" in vars(cls) or not attrs.has(cls):
        _flag(bad, owners, _present(array))  # checks no column can replay
        return
    if not pa.types.is_struct(array.type):
        _flag(bad, owners, _present(array))
        return
    known = attrs.fields_dict(cls)
    for index in range(array.type.num_fields):
        name = array.type.field(index).name
        if name not in known:  # the converter refuses unknown keys
            _flag(bad, owners, _present(field_of(array, index)))
    present = _present(array)
    for name in known:
        index = array.type.get_field_index(name)
        leaf = leaf_of(cls, name)
        value = field_of(array, index) if index >= 0 else None
        _leaf(value, leaf, present, owners, bad, getattr(attrs.fields(cls), name).validator)


def _leaf(
    array: pa.Array | None, leaf: Leaf, present: Any, owners: Any, bad: Any, validator: Any
) -> None:
    required = leaf.default is attrs.NOTHING and not leaf.optional
    if array is None or pa.types.is_null(array.type):
        if required:
            _flag(bad, owners, present)
        return
    given = _present(array)
    if required:
        _flag(bad, owners, present & ~given)
    if not given.any():
        return
    tp = leaf.type
    if pa.types.is_dictionary(array.type) and not attrs.has(tp):
        _dictionary(array, tp, owners, bad, validator)
        return
    if attrs.has(tp):
        _struct(array, tp, owners, bad)
        return
    if typing.get_origin(tp) is tuple:
        _list(array, tp, owners, bad)
        return
    if not _typed(array, tp, owners, bad):
        return
    if validator is not None:
        _validated(array, tp, validator, owners, bad)


def _dictionary(array: pa.Array, tp: Any, owners: Any, bad: Any, validator: Any) -> None:
    """A dictionary-encoded leaf: its distinct values checked once each."""
    values = array.dictionary
    refused = np.zeros(len(values), bool)
    each = _Owners(lambda: np.arange(len(values)))  # built only if a value is refused
    if _typed(values, tp, each, refused) and validator is not None:
        _validated(values, tp, validator, each, refused)
    if refused.any():
        indices = filled(array.indices, 0).to_numpy(zero_copy_only=False)
        _flag(bad, owners, refused[indices] & _present(array))


def _list(array: pa.Array, tp: Any, owners: Any, bad: Any) -> None:
    args = typing.get_args(tp)
    if (
        not (pa.types.is_list(array.type) or pa.types.is_large_list(array.type))
        or len(args) != 2
        or args[1] is not Ellipsis
    ):
        _flag(bad, owners, _present(array))
        return
    items = array.flatten()
    item_owners = _Owners(
        lambda: _rows(owners)[pc.list_parent_indices(array).to_numpy(zero_copy_only=False)]
    )
    item = Leaf(args[0], attrs.NOTHING, False)
    _leaf(items, item, _ALL, item_owners, bad, None)


def _typed(array: pa.Array, tp: Any, owners: Any, bad: Any) -> bool:
    """Flag values of the wrong type or form; whether the validators should run."""
    kind = array.type
    text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if tp is bool or tp is int:
        ok = bool(pa.types.is_boolean(kind) if tp is bool else pa.types.is_integer(kind))
        if not ok:
            _flag(bad, owners, _present(array))
        return ok
    if tp is Euro and pa.types.is_decimal(kind):
        if kind.scale != 2 or kind.bit_width != 128:
            _flag(bad, owners, _present(array))
            return False
        words = decimal_words(array)
        low, high = words[:, 0], words[:, 1]
        if len(low) and (
            int(low.min()) >= 0 and int(low.max()) < 10**18 and not high.any()
        ):  # the usual case, in three reductions: every value from 0 to 10**16 euros
            return True
        # Beyond 16 integer digits the converter decides (Euro's own limit is 10**16 euros).
        _flag(bad, owners, (high != (low >> 63)) | (np.abs(low) >= 10**18) | (low == -(2**63)))
        return True
    if tp is Euro or tp is datetime.date:
        if tp is datetime.date and (pa.types.is_date32(kind) or pa.types.is_timestamp(kind)):
            if pa.types.is_timestamp(kind):  # a date is a midnight
                _flag(bad, owners, pc.not_equal(pc.cast(pc.cast(array, pa.date32()), kind), array))
            return True
        if not text:
            _flag(bad, owners, _present(array))
            return False
        if _BYTES_CHECK:
            text = strings(array)
            refused = amount_refused(text) if tp is Euro else date_refused(text)
            _flag(bad, owners, refused & _present(array))
            return True
        pattern = _AMOUNT if tp is Euro else _DATE
        _flag(bad, owners, pc.invert(pc.match_substring_regex(array, pattern)))
        if tp is Euro:
            _flag(bad, owners, pc.greater(pc.utf8_length(array), _SHORT_AMOUNT))
        else:
            # strptime takes 2025-02-30 as 2 March: a real date reads back the same.
            parsed = pc.strptime(array, format="%Y-%m-%d", unit="s", error_is_null=True)
            again = pc.strftime(parsed, format="%Y-%m-%d")
            _flag(
                bad,
                owners,
                pc.and_(array.is_valid(), pc.invert(pc.fill_null(pc.equal(again, array), False))),
            )
        return True
    if tp is Rate:
        if not text:
            _flag(bad, owners, _present(array))
            return False
        # A text Rate refuses, or a rate finer than the kernels read: the converter decides.
        _flag(bad, owners, rate_column(array).refused)
        return True
    if tp is str or typing.get_origin(tp) is typing.Literal:
        if not text:
            _flag(bad, owners, _present(array))
            return False
        if tp is not str:
            allowed = pa.array([str(a) for a in typing.get_args(tp)], pa.string())
            _flag(bad, owners, pc.and_(array.is_valid(), pc.invert(pc.is_in(array, allowed))))
        return True
    _flag(bad, owners, _present(array))  # a type without a column check: the converter reads it
    return False


def _validated(array: pa.Array, tp: Any, validator: Any, owners: Any, bad: Any) -> None:
    for check in getattr(validator, "_validators", (validator,)):
        fast = _FAST.get(check)
        pattern = _closure_pattern(check)
        if pattern is not None:
            _flag(bad, owners, pc.invert(pc.match_substring_regex(array, f"^(?:{pattern})$")))
        elif fast is not None and (tp is Euro) == (fast is _negative):
            _flag(bad, owners, fast(array))
        else:
            _flag(bad, owners, _per_value(array, tp, check))


def _closure_pattern(check: Any) -> str | None:
    # grantrules.model._pattern(regex, what) keeps its compiled regex in the closure.
    if not getattr(check, "__qualname__", "").startswith("_pattern."):
        return None
    for cell in check.__closure__ or ():
        if isinstance(cell.cell_contents, re.Pattern):
            return str(cell.cell_contents.pattern)
    return None


def _blank(array: pa.Array) -> Any:
    if not _BYTES_CHECK or not pa.types.is_string(array.type):
        return pc.invert(pc.match_substring_regex(array, f"[^{_SPACE}]"))
    # A row with an ASCII byte that is not white space is not blank; the few others (only
    # spaces, or only non-ASCII characters) are checked by the regular expression.
    text = strings(array)
    # A row whose first byte is an ASCII character other than a space is not blank: only the
    # others (empty, or starting with white space or a non-ASCII character) are looked at.
    nonempty = text.length > 0
    first = text.at(text.start, nonempty)
    maybe = np.flatnonzero((~nonempty | ~_SOLID[first]) & _present(array))
    refused = np.zeros(len(array), bool)
    if len(maybe):
        subset = array.take(pa.array(maybe))
        found = pc.invert(pc.match_substring_regex(subset, f"[^{_SPACE}]"))
        refused[maybe] = filled(found, False).to_numpy(zero_copy_only=False)
    return refused


def _negative(array: pa.Array) -> Any:
    if pa.types.is_decimal(array.type):
        return decimal_words(array)[:, 0] < 0
    if _BYTES_CHECK and pa.types.is_string(array.type):
        text = strings(array)
        signed = text.at(text.start, text.length > 0) == ord("-")
        if not signed.any():  # the usual case
            return signed
        # "-0.00" is zero: negative means a minus sign and a digit that is not 0.
        return signed & (text.count(_NONZERO) > 0) & _present(array)
    return pc.and_(
        pc.starts_with(array, "-"), pc.invert(pc.match_substring_regex(array, r"^-0+\.00$"))
    )


def _siren(array: pa.Array) -> Any:
    if _BYTES_CHECK and pa.types.is_string(array.type):
        text = strings(array)
        nine = text.length == 9
        if len(text.data) == 9 * len(array) and nine.all():  # a (rows, 9) matrix of bytes
            grid = text.data.reshape(-1, 9) - np.uint8(ord("0"))  # below "0" wraps above 9
            form = (grid <= 9).all(axis=1)
            digits = [grid[:, position].astype(np.int64) for position in range(9)]
        else:
            form = nine & (text.count(_DIGITS) == 9)
            digits = [
                text.at(text.start + position, form).astype(np.int64) - ord("0")
                for position in range(9)
            ]
        total = np.zeros(len(array), np.int64)
        for position, digit in enumerate(digits):
            value = digit * (2 if position % 2 else 1)
            total += np.where(value > 9, value - 9, value)
        return (~form | (total % 10 != 0) | (total == 0)) & _present(array)
    form = filled(pc.match_substring_regex(array, r"^[0-9]{9}$"), True)
    text = pc.if_else(form, array, "000000000")
    total = np.zeros(len(array), np.int64)
    for position in range(9):
        digit = pc.cast(pc.utf8_slice_codeunits(text, position, position + 1), pa.int64())
        value = digit.to_numpy(zero_copy_only=False) * (2 if position % 2 else 1)
        total += np.where(value > 9, value - 9, value)
    refused = pc.invert(form).to_numpy(zero_copy_only=False) | (total % 10 != 0)
    return refused | pc.equal(text, "000000000").to_numpy(zero_copy_only=False)


def _byte_table(characters: bytes) -> np.ndarray[Any, Any]:
    table = np.zeros(256, bool)
    table[np.frombuffer(characters, np.uint8)] = True
    return table


_DIGITS = _byte_table(b"0123456789")
_NONZERO = _byte_table(b"123456789")
# ASCII bytes str.strip() keeps: printable characters other than the space.
_SOLID = _byte_table(bytes(range(0x21, 0x7F)))


def _application_id(array: pa.Array) -> Any:
    """Ids that do not match :data:`_ID`, read from the string's bytes with NumPy (a regular
    expression over a million ids costs ten times more): 1 to 80 characters of
    ``[A-Za-z0-9._-]``, the first and the last a letter or a digit."""
    if not pa.types.is_string(array.type) or array.buffers()[2] is None:
        return pc.invert(pc.match_substring_regex(array, _ID))
    text = strings(array)
    data, start, end = text.data, text.start, text.end
    # 1 to 80 characters: length - 1 below 80, an empty row wrapping to a large unsigned.
    refused = (end - start - 1).astype(np.uint32, copy=False) >= 80
    # bytes.translate deletes the allowed bytes at memory speed: usually nothing is left.
    if data.tobytes().translate(None, _ID_CHARACTERS):
        refused |= text.count(~_ID_BYTES) > 0
    if len(data):
        fits = ~refused
        first, last = text.at(start, fits), text.at(end - 1, fits)
        refused |= _NOT_ALNUM[first] | _NOT_ALNUM[last]
    present = _present(array)
    return refused if present is _ALL else refused & present


def _byte_set(characters: str) -> np.ndarray[Any, Any]:
    table = np.zeros(256, bool)
    table[np.frombuffer(characters.encode(), np.uint8)] = True
    return table


_ID_CHARACTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
_ALNUM = _byte_set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_NOT_ALNUM = ~_ALNUM
_ID_BYTES = _byte_set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


# By identity: a scheme's own validator of the same name may mean something else.
_FAST: dict[Any, Any] = {
    model.validate_not_blank: _blank,
    model.validate_not_negative: _negative,
    model.validate_siren: _siren,
    model.validate_application_id: _application_id,
}
_SEEN: dict[tuple[Any, type, Any], bool] = {}
# Per amount validator: the cents seen, sorted, and whether refused.
_CENTS: dict[Any, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {}
_SEEN_MAX = 100_000  # bounded: memory must not grow with the number of rows


def _per_value(array: pa.Array, tp: Any, check: Any) -> np.ndarray[Any, Any]:
    """An unknown validator, once per distinct value (and remembered)."""
    if tp is Euro and pa.types.is_decimal(array.type):
        return _per_cents(array, check)
    encoded = pc.dictionary_encode(array)
    keys = encoded.dictionary.to_pylist()
    indices = filled(encoded.indices, 0).to_numpy(zero_copy_only=False)
    refused = []
    for key in keys:
        seen = (check, type(key), key)
        found = _SEEN.get(seen)
        if found is None:
            if len(_SEEN) >= _SEEN_MAX:
                _SEEN.clear()
            found = _SEEN[seen] = _refuses(check, key, tp)
        refused.append(found)
    table = np.asarray(refused, bool)
    return table[indices] & _present(array) if len(table) else np.zeros(len(array), bool)


def _per_cents(array: pa.Array, check: Any) -> np.ndarray[Any, Any]:
    """An unknown validator of amounts: the cents it was asked about are kept sorted with
    its answers, so a batch looks its distinct values up with one binary search and calls
    the validator (with a Decimal) only for the values never seen."""
    distinct, inverse = np.unique(decimal_words(array)[:, 0], return_inverse=True)
    known, answers = _CENTS.get(check, (np.zeros(0, np.int64), np.zeros(0, bool)))
    place = np.searchsorted(known, distinct)
    seen = place < len(known)
    seen[seen] = known[place[seen]] == distinct[seen]
    refused = np.zeros(len(distinct), bool)
    refused[seen] = answers[place[seen]]
    new = np.flatnonzero(~seen)
    if len(new):
        fresh = [_refuses(check, Decimal(c).scaleb(-2), Euro) for c in distinct[new].tolist()]
        refused[new] = fresh
        if len(_CENTS) >= 64 and check not in _CENTS:
            _CENTS.clear()  # validators are few; a process that makes many starts afresh
        if len(known) + len(new) <= _SEEN_MAX:  # bounded: beyond, new values are not kept
            merged = np.concatenate([known, distinct[new]])
            order = np.argsort(merged, kind="stable")
            _CENTS[check] = (
                merged[order],
                np.concatenate([answers, np.asarray(fresh, bool)])[order],
            )
    found: np.ndarray[Any, Any] = refused[inverse.reshape(-1)] & _present(array)
    return found


def _domain(value: Any, tp: Any) -> Any:
    if tp is Euro and isinstance(value, str | Decimal):
        return Euro(value)
    if tp is datetime.date and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if tp is Rate and isinstance(value, str):
        return Rate(value)
    return value


def _refuses(check: Any, value: Any, tp: Any) -> bool:
    try:
        check(None, None, _domain(value, tp))
    except Exception:
        return True
    return False
