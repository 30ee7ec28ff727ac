"""Fixtures for the call engine tests: a fake evaluator and document factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from call_support import fake_evaluator

from grantrules.call import Call
from grantrules.money import Euro


@pytest.fixture
def call_path(tmp_path: Path) -> Path:
    return tmp_path / "call.db"


@pytest.fixture
def new_call(call_path: Path) -> Iterator[Callable[..., Call]]:
    calls: list[Call] = []

    def make(envelope: str = "1000.00", **options: Any) -> Call:
        options.setdefault("evaluator", fake_evaluator)
        call = Call.create(call_path, Euro(envelope), **options)
        calls.append(call)
        return call

    yield make
    for call in calls:
        call.close_file()
