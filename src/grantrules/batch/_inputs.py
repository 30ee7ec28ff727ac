"""Input columns: an Arrow batch of application documents read as kernel values.

A document's fields are the table's columns (nested structs for objects, lists for arrays),
as :func:`pyarrow.json.read_json` reads a JSONL file or as Parquet keeps them.  Each leaf is
read by the type the application model gives it: amount strings (``"1234.56"``) become int64
cents, dates day numbers, strings dictionary-encoded codes.  A null is an absent key: the
model's default if it has one, else a missing input (an optional field) — rows where a
required field is null never get here, the validation sends them to the converter.
"""

from __future__ import annotations

import datetime
import decimal
import types
import typing
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grantrules.batch._rates import rate_column
from grantrules.batch._text import date_days, strings
from grantrules.batch._values import Codes, Col, Items, Unsupported, cents, days, rate_parts
from grantrules.money import Euro, Rate

__all__ = ["ArrowSource", "Leaf", "field_of", "filled", "leaf_of"]


@attrs.frozen
class Leaf:
    """What the model says of one field: its type, default and whether it may be null."""

    type: Any
    default: Any
    optional: bool


def _strip(tp: Any) -> tuple[Any, bool]:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (types.UnionType, typing.Union) and len(args) < len(
        typing.get_args(tp)
    ):
        if len(args) != 1:
            raise Unsupported(f"the union {tp!r}")
        return args[0], True
    return tp, False


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


_LEAVES: dict[tuple[type, str], Leaf] = {}


def leaf_of(cls: type, name: str) -> Leaf:
    """The field ``name`` of the attrs class ``cls`` (remembered: the model does not change,
    and its defaults are immutable values)."""
    key = (cls, name)
    found = _LEAVES.get(key)
    if found is None:
        found = _LEAVES[key] = _leaf_of(cls, name)
    return found


def _leaf_of(cls: type, name: str) -> Leaf:
    fields = attrs.fields_dict(cls)
    if name not in fields:
        raise Unsupported(f"no field {name!r} in {cls.__name__}")
    default = fields[name].default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()  # type: ignore[union-attr]
    tp, optional = _strip(hints(cls)[name])
    return Leaf(tp, default, optional)


def item_type(tp: Any) -> Any:
    """The item type of a ``tuple[X, ...]`` field."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) is not tuple or not args:
        raise Unsupported(f"{tp!r} is not a collection")
    return args[0]


def child(array: pa.Array | None, name: str) -> pa.Array | None:
    """The struct field ``name`` of ``array``, null where the struct is null."""
    if array is None or not pa.types.is_struct(array.type):
        return None
    index = array.type.get_field_index(name)
    if index < 0:
        return None
    return field_of(array, index)


def field_of(array: pa.StructArray, index: int) -> pa.Array:
    """The struct's field ``index``, null where the struct is null: the child itself when
    the struct has no null (``struct_field`` would combine validity bitmaps and copy)."""
    if not array.null_count:
        return array.field(index)
    return pc.struct_field(array, [index])


def filled(array: Any, value: Any) -> Any:
    """``array`` with its nulls replaced by ``value``: the array itself when it has none
    (pyarrow's fill_null copies even then, a measurable cost per column)."""
    return array.fill_null(value) if array.null_count else array


def _is_absent(array: pa.Array | None) -> bool:
    return array is None or pa.types.is_null(array.type)


def _null_mask(array: pa.Array) -> np.ndarray[Any, Any]:
    if array.null_count == 0:
        return np.zeros(len(array), bool)
    found: np.ndarray[Any, Any] = array.is_null().to_numpy(zero_copy_only=False)
    return found


def convert(array: pa.Array | None, leaf: Leaf, n: int) -> Col:
    """A leaf column as a kernel value; nulls take the default, or are missing."""
    has_default = leaf.default is not attrs.NOTHING and leaf.default is not None
    if _is_absent(array):
        if has_default:
            return _constant(leaf.default, leaf.type)
        return Col(_kind(leaf.type), _filler(leaf.type, n), np.ones(n, bool))
    assert array is not None
    missing: Any = False
    if array.null_count:
        if has_default:
            if pa.types.is_dictionary(array.type):
                array = array.dictionary_decode()
            array = pc.fill_null(array, _arrow_default(leaf.default, array.type))
        else:
            missing = _null_mask(array)
    return Col(_kind(leaf.type), _values(array, leaf.type), missing)


def _kind(tp: Any) -> str:
    if tp is Euro:
        return "money"
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is datetime.date:
        return "date"
    if tp is Rate:
        return "rate"
    if tp is str or typing.get_origin(tp) is typing.Literal:
        return "str"
    raise Unsupported(f"an input of type {tp!r}")


def _filler(tp: Any, n: int) -> Any:
    kind = _kind(tp)
    if kind == "str":
        return Codes(np.zeros(n, np.int32), pa.array([""], pa.string()))
    if kind == "rate":
        return (np.zeros(n, np.int64), 1)
    return np.zeros(n, bool if kind == "bool" else np.int64)


def _constant(value: Any, tp: Any) -> Col:
    kind = _kind(tp)
    if kind == "money":
        return Col(kind, cents(value))
    if kind == "date":
        return Col(kind, days(value))
    if kind == "rate":
        return Col(kind, rate_parts(value))
    return Col(kind, value)


def _arrow_default(value: Any, arrow_type: pa.DataType) -> pa.Scalar:
    if isinstance(value, Euro):
        if pa.types.is_decimal(arrow_type):
            return pa.scalar(value.amount, arrow_type)
        return pa.scalar(str(value), arrow_type)
    if isinstance(value, Rate):
        return pa.scalar(str(value), arrow_type)
    if isinstance(value, datetime.date) and pa.types.is_string(arrow_type):
        return pa.scalar(value.isoformat(), arrow_type)
    return pa.scalar(value, arrow_type)


def _values(array: pa.Array, tp: Any) -> Any:
    kind = _kind(tp)
    if kind == "money" and array.null_count:
        # An optional amount not given (the amount an instructor has not granted yet): its
        # rows are masked as missing; a zero in their place keeps the cents integers, where
        # a null would come out of NumPy as a float NaN.
        zero = "0" if not pa.types.is_decimal(array.type) else decimal.Decimal(0)
        array = pc.fill_null(array, pa.scalar(zero, array.type))
    if kind == "money" and pa.types.is_decimal(array.type):
        return decimal_cents(array)
    if kind == "money":
        digits = pc.replace_substring(array, pattern=".", replacement="", max_replacements=1)
        # Nulls (missing inputs, masked apart) become 0: to_numpy would make them NaN floats.
        cents: np.ndarray[Any, Any] = filled(pc.cast(digits, pa.int64()), 0).to_numpy(
            zero_copy_only=False
        )
        if cents.dtype != np.int64:
            raise Unsupported(f"amounts read as {cents.dtype}, not int64 cents")
        return cents
    if kind == "rate":
        # Rows whose text is not a rate the kernels read (refused) were flagged by the
        # validation and are decided by evaluate(): their numerator here is 0.
        rates = rate_column(array)
        return (rates.numerators, rates.denominator)
    if kind == "date" and _plain_text(array):
        return date_days(strings(array))
    if kind == "date":
        if not pa.types.is_date32(array.type):
            array = pc.cast(array, pa.date32())
        return (
            filled(array, 0).to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
        )
    if kind == "str" and pa.types.is_dictionary(array.type):
        indices = filled(array.indices, 0).to_numpy(zero_copy_only=False)
        dictionary = array.dictionary
        if not len(dictionary):
            dictionary = pa.array([""], pa.string())
        return Codes(indices, dictionary.cast(pa.string()))
    if kind == "str":
        encoded = pc.dictionary_encode(filled(array, ""))
        return Codes(encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary)
    if kind == "bool":
        return filled(array, False).to_numpy(zero_copy_only=False)
    return filled(array, 0).to_numpy(zero_copy_only=False).astype(np.int64)


def _plain_text(array: pa.Array) -> bool:
    """A string column whose rows the validation checked byte by byte (the rows that reach
    the kernels have the form of grantrules.batch._text)."""
    return bool(pa.types.is_string(array.type) or pa.types.is_large_string(array.type))


def decimal_words(array: pa.Array) -> np.ndarray[Any, Any]:
    """The (low, high) 64-bit words of a ``decimal128`` array's unscaled values."""
    words = np.frombuffer(array.buffers()[1], np.int64)
    start = 2 * array.offset
    return words[start : start + 2 * len(array)].reshape(len(array), 2)


def decimal_cents(array: pa.Array) -> np.ndarray[Any, Any]:
    """A ``decimal128(p, 2)`` array as int64 cents (the validation checked that every value
    is below 10**18 cents, so the high word is only the sign).

    The low words are copied out, contiguous: NumPy runs a cumulative sum or a min/max over
    a 16-byte stride two to five times slower than over packed int64, and a kernel reads
    an amount column several times (a sum, its overflow bound)."""
    if array.type.scale != 2 or array.type.bit_width != 128:
        raise Unsupported(f"amounts of type {array.type}")
    return np.ascontiguousarray(decimal_words(array)[:, 0])


def _list(array: pa.Array | None, n: int, optional: bool) -> tuple[pa.Array, np.ndarray, Any]:
    """(flattened items, per-row bounds, rows where the list is missing)."""
    if _is_absent(array):
        empty = pa.array([], pa.null())
        return empty, np.zeros(n + 1, np.int64), (np.ones(n, bool) if optional else False)
    assert array is not None
    if not array.null_count and pa.types.is_list(array.type):
        # The list's own offsets are the bounds (a null list may own items: not here).
        offsets = array.offsets.to_numpy(zero_copy_only=False)
        first, last = int(offsets[0]), int(offsets[-1])
        bounds = offsets - first if first else offsets
        return array.values.slice(first, last - first), bounds, False
    lengths = filled(pc.list_value_length(array), 0).to_numpy(zero_copy_only=False)
    bounds = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=bounds[1:])
    missing: Any = _null_mask(array) if optional and array.null_count else False
    return array.flatten(), bounds, missing


class ArrowSource:
    """The columns of one record batch, read through the application model."""

    def __init__(self, batch: pa.RecordBatch, model: type) -> None:
        self.batch = batch
        self.model = model
        self.n = batch.num_rows
        # Columns read once per batch, even when several scenarios (a what-if) read them.
        self._fields: dict[str, Col] = {}
        self._collections: dict[str, tuple[Items, ArrowItems, Any]] = {}

    def _locate(self, path: str) -> tuple[pa.Array | None, Leaf]:
        parts = path.split(".")
        cls: Any = self.model
        array: pa.Array | None = None
        leaf = Leaf(cls, attrs.NOTHING, False)
        for depth, name in enumerate(parts):
            if not attrs.has(cls):
                raise Unsupported(f"{path} reads inside a value that has no fields")
            leaf = leaf_of(cls, name)
            if depth == 0:
                index = self.batch.schema.get_field_index(name)
                array = self.batch.column(index) if index >= 0 else None
            else:
                array = child(array, name)
            cls = leaf.type
        return array, leaf

    def field(self, path: str) -> Col:
        found = self._fields.get(path)
        if found is None:
            found = self._fields[path] = self._field(path)
        return found

    def _field(self, path: str) -> Col:
        array, leaf = self._locate(path)
        if typing.get_origin(leaf.type) is tuple:
            flat, bounds, missing = _list(array, self.n, leaf.optional)
            inner = Leaf(item_type(leaf.type), attrs.NOTHING, False)
            values = convert(None if _is_absent(flat) else flat, inner, int(bounds[-1]))
            return Col("list", Items(values, bounds), missing)
        return convert(array, leaf, self.n)

    def collection(self, path: str) -> tuple[Items, ArrowItems, Any]:
        found = self._collections.get(path)
        if found is None:
            array, leaf = self._locate(path)
            flat, bounds, missing = _list(array, self.n, leaf.optional)
            items = ArrowItems(flat, item_type(leaf.type), int(bounds[-1]))
            found = (Items(Col("items", None), bounds), items, missing)
            self._collections[path] = found
        return found


class ArrowItems:
    """The items of one collection, flattened."""

    def __init__(self, array: pa.Array, tp: Any, n: int) -> None:
        self.array, self.type, self.n = array, tp, n
        self._fields: dict[str | None, Col] = {}

    def field(self, attr: str | None) -> Col:
        found = self._fields.get(attr)
        if found is None:
            found = self._fields[attr] = self._field(attr)
        return found

    def _field(self, attr: str | None) -> Col:
        if attr is None:
            return convert(
                None if _is_absent(self.array) else self.array,
                Leaf(self.type, attrs.NOTHING, False),
                self.n,
            )
        if not attrs.has(self.type):
            raise Unsupported(f"field {attr} of an item without fields")
        leaf = leaf_of(self.type, attr)
        if typing.get_origin(leaf.type) is tuple or attrs.has(leaf.type):
            raise Unsupported(f"the item field {attr} is not a plain value")
        return convert(child(self.array, attr), leaf, self.n)
