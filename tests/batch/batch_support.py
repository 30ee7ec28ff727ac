"""Helpers of the columnar backend's tests (a module of its own: several test folders have a
``conftest`` module, so ``from conftest import`` would find whichever loaded first)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def jsonl_table(documents: Iterable[dict[str, Any]]) -> Any:
    """The documents as pyarrow.json reads their JSONL file."""
    import pyarrow.json as pj

    text = "\n".join(json.dumps(d) for d in documents).encode()
    return pj.read_json(io.BytesIO(text))
