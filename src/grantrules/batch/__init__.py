"""Columnar evaluation: a whole table of applications at once, compiled from the same rules.

``evaluate_table(scheme, table)`` decides every row of an Arrow table of application
documents with NumPy and Arrow kernels compiled from the scheme's expression trees (money as
int64 cents, every rounding exact), row for row as :func:`grantrules.evaluate` would;
:func:`decision_of` gives the explained decision of any row.  Requires the ``batch`` extra
(``pip install 'grantrules[batch]'``: pyarrow and NumPy).

The names load on first use, so that ``grantrules.batch.cli`` (the ``sample`` and
``simulate`` commands) can be imported without pyarrow.

.. versionadded:: 0.3
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grantrules.batch._rows import decision_of
    from grantrules.batch._schema import arrow_schema, typed_table
    from grantrules.batch._table import evaluate_table, output_schema, refused_by, route_of

__all__ = [
    "arrow_schema",
    "decision_of",
    "evaluate_table",
    "output_schema",
    "refused_by",
    "route_of",
    "typed_table",
]

_HOMES = {
    "arrow_schema": "_schema",
    "decision_of": "_rows",
    "evaluate_table": "_table",
    "output_schema": "_table",
    "refused_by": "_table",
    "route_of": "_table",
    "typed_table": "_schema",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'grantrules.batch' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"grantrules.batch.{home}"), name)
    globals()[name] = value
    return value
