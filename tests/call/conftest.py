"""Fixtures for the call engine tests: call files that are always closed at teardown."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest
from call_support import fake_evaluator

from grantrules.call import Call
from grantrules.money import Euro

_Opened = TypeVar("_Opened", bound=AbstractContextManager[Any])


@pytest.fixture
def autoclose() -> Iterator[Callable[[_Opened], _Opened]]:
    """Register a :class:`Call` or :class:`Journal` to be closed at teardown, even on failure.

    ``call = autoclose(Call.open(path))``: an unclosed SQLite connection is a ResourceWarning
    (an error in this suite) when it is garbage-collected, in whichever test that happens.
    """
    with ExitStack() as stack:

        def register(opened: _Opened) -> _Opened:
            stack.enter_context(opened)
            return opened

        yield register


@pytest.fixture
def call_path(tmp_path: Path) -> Path:
    return tmp_path / "call.db"


@pytest.fixture
def new_call(call_path: Path, autoclose: Callable[[Call], Call]) -> Callable[..., Call]:
    """Create the call at ``call_path`` with the fake evaluator; it is closed at teardown."""

    def make(envelope: str = "1000.00", **options: Any) -> Call:
        options.setdefault("evaluator", fake_evaluator)
        return autoclose(Call.create(call_path, Euro(envelope), **options))

    return make


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """Every SQLite connection opened during the test, to check that they all get closed."""
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", recording)
    return opened
