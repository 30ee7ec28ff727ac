"""Fixtures of the columnar backend's tests: the shipped schemes and the sports test scheme
(helpers are in batch_support.py)."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture(scope="session")
def detr() -> Scheme:
    return load_scheme("detr")


@pytest.fixture(scope="session")
def pme() -> Scheme:
    return load_scheme("pme-invest-hdf")
