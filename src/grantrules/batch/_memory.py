"""NumPy arrays in Arrow's memory pool, for the large arrays a batch keeps or rebuilds.

A fresh NumPy array of a batch's size (65,536 int64 values: 512 KiB) comes from the C
allocator, which maps it from the system and gives it back on free: every one of its pages
is then faulted in and zeroed again, batch after batch.  Measured on the output's money
columns (three per batch, kept in the result), that costs five times the computation itself
(34 ms against 6 ms a million rows).  Arrow's pool (mimalloc or jemalloc) keeps freed pages
for the next batch; an array over one of its buffers is an ordinary NumPy array, and the
output's columns are built on those buffers without a copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["pooled"]


def pooled(shape: int | tuple[int, ...], dtype: Any) -> np.ndarray[Any, Any]:
    """An uninitialised array of ``shape`` in Arrow's default memory pool; its ``base``
    is the Arrow buffer (``pa.py_buffer(array)`` wraps it without a copy)."""
    kind = np.dtype(dtype)
    count = int(np.prod(shape))
    buffer = pa.allocate_buffer(max(count * kind.itemsize, 1))
    found: np.ndarray[Any, Any] = np.frombuffer(buffer, kind, count).reshape(shape)
    return found
