"""Fixtures of the columnar backend's tests: the AMI and the sports test scheme, and helpers
that turn generated applications into Arrow tables and decisions into expected rows."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from grantrules.registry import load_scheme  # noqa: E402
from grantrules.scheme import Scheme  # noqa: E402
from grantrules.testing._resolve import resolve_scheme  # noqa: E402

HERE = Path(__file__).parent
SPORTS = f"{(HERE.parent / 'schemes' / 'sports.py').resolve()}:SCHEME"


@pytest.fixture(scope="session")
def sports() -> Scheme:
    return resolve_scheme(SPORTS, HERE)


@pytest.fixture(scope="session")
def ami() -> Scheme:
    return load_scheme("ami-ia-hdf")


def jsonl_table(documents: Iterable[dict[str, Any]]) -> Any:
    """The documents as pyarrow.json reads their JSONL file."""
    import pyarrow.json as pj

    text = "\n".join(json.dumps(d) for d in documents).encode()
    return pj.read_json(io.BytesIO(text))
