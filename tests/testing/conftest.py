"""Fixtures of the testing-toolkit tests: the sports test scheme, loaded the way case files do."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from grantrules.scheme import Scheme
from grantrules.testing._resolve import _module, resolve_scheme

HERE = Path(__file__).parent
SPORTS_FILE = (HERE.parent / "schemes" / "sports.py").resolve()
SPORTS = f"{SPORTS_FILE}:SCHEME"


@pytest.fixture(scope="session")
def sports_module() -> ModuleType:
    return _module(str(SPORTS_FILE), HERE)


@pytest.fixture(scope="session")
def sports(sports_module: ModuleType) -> Scheme:
    scheme = resolve_scheme(SPORTS, HERE)
    assert scheme is sports_module.SCHEME
    return scheme
