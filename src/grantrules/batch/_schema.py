"""The typed Arrow form of a scheme's application documents, for Parquet and memory.

A JSONL file read by :func:`pyarrow.json.read_json` keeps amounts as strings and dates as
text or timestamps; :func:`arrow_schema` gives the same documents typed: amounts
``decimal128(18, 2)``, dates ``date32``, closed code lists dictionary-encoded.  Tables of
either form go into :func:`~grantrules.batch.evaluate_table`; the typed one needs no string
parsing, which is most of the cost of reading a document.
"""

from __future__ import annotations

import datetime
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import pyarrow as pa

from grantrules.batch._inputs import _strip, hints
from grantrules.errors import InvalidArgument
from grantrules.money import Euro, Rate
from grantrules.scheme import Scheme

__all__ = ["arrow_schema", "typed_table"]

_CODES = pa.dictionary(pa.int32(), pa.string())


def _arrow_type(tp: Any, name: str = "", typed: bool = True) -> pa.DataType:
    tp, _ = _strip(tp)
    if attrs.has(tp):
        return pa.struct(
            [
                pa.field(a.name, _arrow_type(hints(tp)[a.name], a.name, typed))
                for a in attrs.fields(tp)
            ]
        )
    if typing.get_origin(tp) is tuple:
        return pa.list_(_arrow_type(typing.get_args(tp)[0], "", typed))
    if tp is bool:
        return pa.bool_()
    if tp is int:
        return pa.int64()
    if not typed:
        return pa.string()  # the JSON document's form: amounts, dates and codes as text
    if tp is Euro:
        return pa.decimal128(18, 2)
    if tp is datetime.date:
        return pa.date32()
    if tp is bool:
        return pa.bool_()
    if tp is int:
        return pa.int64()
    if typing.get_origin(tp) is typing.Literal or (tp is str and name != "id") or tp is Rate:
        # Codes, texts and rates repeat (communes, categories, names, shares): each distinct
        # value is stored, validated and read once.  Ids are unique: plain strings.
        return _CODES
    return pa.string()  # ids


def arrow_schema(scheme: Scheme, *, typed: bool = True) -> pa.Schema:
    """The typed Arrow schema of ``scheme``'s application documents; with ``typed=False``,
    their JSON form (amounts, dates and codes as strings), for reading JSONL.

    >>> from grantrules.testing.examples import example_scheme
    >>> arrow_schema(example_scheme()).field("costs").type.value_type.field("amount_excl_vat")
    pyarrow.Field<amount_excl_vat: decimal128(18, 2)>

    .. versionadded:: 0.3
    """
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"expected a Scheme, got {type(scheme).__name__}")
    struct = _arrow_type(scheme.application_type, typed=typed)
    return pa.schema([struct.field(i) for i in range(struct.num_fields)])


def _typed(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_struct(kind):
        return {
            kind.field(i).name: _typed(value.get(kind.field(i).name), kind.field(i).type)
            for i in range(kind.num_fields)
        }
    if pa.types.is_list(kind):
        return [_typed(v, kind.value_type) for v in value]
    if pa.types.is_decimal(kind):
        return Decimal(value)
    if pa.types.is_date32(kind):
        return datetime.date.fromisoformat(value)
    return value


def typed_table(scheme: Scheme, documents: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Valid application documents (JSON form) as a table of :func:`arrow_schema`.

    >>> from grantrules.testing.examples import example_scheme, example_document
    >>> typed_table(example_scheme(), [example_document()]).column("submitted_on")[0]
    <pyarrow.Date32Scalar: datetime.date(2025, 3, 14)>

    .. versionadded:: 0.3
    """
    schema = arrow_schema(scheme)
    struct = pa.struct(list(schema))
    rows = [_typed(dict(d), struct) for d in documents]
    return pa.Table.from_pylist(rows, schema=schema)
