"""What kernels read: a batch of rows (or the items of one collection) and its parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from grantrules.batch._values import Col, Items, Unsupported, scalar

__all__ = ["Frame", "Source"]


class Source(Protocol):
    """The input columns of a batch, read by dotted path in the application model."""

    def field(self, path: str) -> Col: ...

    def collection(self, path: str) -> tuple[Items, ItemSource, Any]: ...


class ItemSource(Protocol):
    def field(self, attr: str | None) -> Col: ...


class Frame:
    """A row frame (``row is None``) or the frame of one collection's items."""

    __slots__ = (
        "_cache",
        "_lists",
        "_params",
        "amounts",
        "flags",
        "items",
        "n",
        "path",
        "row",
        "source",
    )

    def __init__(
        self, n: int, source: Source, params: Mapping[str, Any], flags: np.ndarray[Any, Any]
    ) -> None:
        self.n = n
        self.source = source
        self._params = params
        self.flags = flags  # rows whose int64 arithmetic might not be exact
        self.amounts: dict[str, Col] = {}
        # Inputs read and, under an int key, compound nodes computed (see kernel()).
        self._cache: dict[Any, Col] = {}
        self.row: Frame | None = None
        self._lists: Items | None = None  # the items' bounds in the row frame
        self.items: ItemSource | None = None
        self.path = ""

    def param(self, name: str) -> Col:
        found = self._cache.get(("param", name))
        if found is None:
            if name not in self._params:
                raise Unsupported(f"parameter {name!r} has no value in force")
            found = self._cache[("param", name)] = scalar(self._params[name])
        return found

    @property
    def parent(self) -> np.ndarray[Any, Any] | None:
        """Each item's row (None in a row frame), computed when an item reads a row value."""
        return self._lists.parent if self._lists is not None else None

    def field(self, path: str) -> Col:
        found = self._cache.get(path)
        if found is None:
            if self.row is not None:
                assert self.parent is not None
                found = self.row.field(path).take(self.parent)
            else:
                found = self.source.field(path)
            self._cache[path] = found
        return found

    def amount(self, amount_id: str) -> Col:
        if self.row is not None:
            assert self.parent is not None
            return self.row.amount(amount_id).take(self.parent)
        return self.amounts[amount_id]

    def item(self, collection: str, attr: str | None) -> Col:
        if self.items is None or collection != self.path:
            raise Unsupported(f"an item of {collection} read outside a sum over it")
        key = ("item", attr)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.items.field(attr)
        return found

    def collection(self, path: str) -> tuple[Items, Frame, Any]:
        """The items of ``path``, the frame to evaluate item expressions in, and the rows
        where the collection itself is missing."""
        if self.row is not None:
            raise Unsupported("a sum inside a sum")
        key = ("collection", path)
        cached = self._cache.get(key)
        if cached is not None:
            return cached.v  # type: ignore[no-any-return]
        items, source, absent = self.source.collection(path)
        inner = Frame(items.count, self.source, self._params, self.flags)
        inner._cache = {
            k: v for k, v in self._cache.items() if isinstance(k, tuple) and k[0] == "param"
        }
        inner.row, inner._lists, inner.items, inner.path = self, items, source, path
        result = (items, inner, absent)
        self._cache[key] = Col("frame", result)
        return result

    def overflow(self, rows: Any) -> None:
        """Mark rows (or the rows of items) whose int64 result may be wrong."""
        if not isinstance(rows, np.ndarray) or not rows.any():
            return
        parent = self.parent
        if parent is not None:
            self.flags[parent[rows]] = True
        else:
            self.flags |= rows
