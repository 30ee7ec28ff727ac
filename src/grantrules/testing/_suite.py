"""The invariant suite as pytest items: one item per (scheme, invariant)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grantrules.testing._resolve import resolve_scheme
from grantrules.testing.invariants import INVARIANTS, Invariant, InvariantViolation, Subject

__all__ = ["InvariantItem", "SchemeInvariants"]

MARKER = "grantrules_invariant"


class SchemeInvariants(pytest.Collector):
    """The invariants of one scheme, named ``grantrules-invariants[ID]``."""

    def __init__(self, *, scheme_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scheme_id = scheme_id

    def collect(self) -> Iterator[pytest.Item]:
        for invariant in INVARIANTS.values():
            item = InvariantItem.from_parent(
                self, name=invariant.name, scheme_id=self.scheme_id, invariant=invariant
            )
            item.add_marker(MARKER)
            yield item


class InvariantItem(pytest.Item):
    """Runs one invariant on one scheme with the active Hypothesis profile."""

    def __init__(self, *, scheme_id: str, invariant: Invariant, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scheme_id = scheme_id
        self.invariant = invariant

    def runtest(self) -> None:
        subject = Subject(resolve_scheme(self.scheme_id, Path.cwd()))
        reason = self.invariant.applies(subject)
        if reason is not None:
            pytest.skip(reason)
        self.invariant.test(subject)()

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        error = excinfo.value
        # Duck-typed: a test run that re-imports grantrules (pytester) has its own class.
        if isinstance(error, InvariantViolation) or hasattr(error, "invariant"):
            notes = "\n".join(getattr(error, "__notes__", ()))
            return (
                f"invariant {self.invariant.name} fails on scheme {self.scheme_id!r}: "
                f"{self.invariant.description}\n{error}\n{notes}"
            )
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"grantrules invariant {self.invariant.name} [{self.scheme_id}]"


def invariant_items(session: pytest.Session, scheme_ids: list[str]) -> list[pytest.Item]:
    """Items for every invariant of every scheme in ``scheme_ids``."""
    items: list[pytest.Item] = []
    for scheme_id in scheme_ids:
        name = f"grantrules-invariants[{scheme_id}]"
        collector = SchemeInvariants.from_parent(
            session, name=name, nodeid=name, scheme_id=scheme_id
        )
        items += list(collector.collect())
    return items
