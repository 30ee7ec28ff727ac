"""Fixtures of the analyser's tests: the sports test scheme and the tutorial's scheme."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from grantrules.testing._resolve import _module

HERE = Path(__file__).parent
SPORTS_FILE = (HERE.parent / "schemes" / "sports.py").resolve()
TUTORIAL_FILE = (HERE.parent.parent / "docs" / "tutorial" / "devantures.py").resolve()


@pytest.fixture(scope="session")
def sports_module() -> ModuleType:
    return _module(str(SPORTS_FILE), HERE)


@pytest.fixture(scope="session")
def tutorial_module() -> ModuleType:
    return _module(str(TUTORIAL_FILE), HERE)
