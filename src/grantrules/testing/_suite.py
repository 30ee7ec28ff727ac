"""The invariant suite as pytest items: one item per (scheme, invariant)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grantrules.testing._resolve import resolve_scheme
from grantrules.testing._subject import Config, Reach
from grantrules.testing.invariants import (
    INVARIANTS,
    Invariant,
    InvariantViolation,
    Subject,
    invariants_for,
)

__all__ = ["REACH", "InvariantItem", "SchemeInvariants", "min_reach_option"]

MARKER = "grantrules_invariant"
#: The user property under which an item records how many examples reached its invariant.
REACH = "grantrules_reach"
#: The ini option setting how many examples must reach each invariant.
MIN_REACH = "grantrules_min_reach"


def min_reach_option(config: pytest.Config, scheme_id: str) -> int | None:
    """The ``grantrules_min_reach`` ini value for ``scheme_id``: a line ``ID=N`` for that
    scheme, else a line ``N`` for every scheme, else None (2 % of the examples, at most 20).
    """
    general: int | None = None
    for line in config.getini(MIN_REACH):
        name, _, number = line.rpartition("=")
        try:
            value = int(number)
        except ValueError:
            raise pytest.UsageError(
                f"{MIN_REACH}: expected a whole number or ID=number, got {line!r}"
            ) from None
        if value < 0:
            raise pytest.UsageError(f"{MIN_REACH}: {line!r} is negative")
        if name == scheme_id:
            return value
        if not name:
            general = value
    return general


class SchemeInvariants(pytest.Collector):
    """The invariants of one scheme, named ``grantrules-invariants[ID]``."""

    def __init__(self, *, scheme_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scheme_id = scheme_id

    def collect(self) -> Iterator[pytest.Item]:
        try:
            known = invariants_for(resolve_scheme(self.scheme_id, Path.cwd()))
        except Exception:
            known = dict(INVARIANTS)
        for invariant in known.values():
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
        config = Config(min_reach=min_reach_option(self.config, self.scheme_id))
        subject = Subject(resolve_scheme(self.scheme_id, Path.cwd()), config)
        reason = self.invariant.applies(subject)
        if reason is not None:
            pytest.skip(reason)
        reach = Reach()
        try:
            self.invariant.test(subject, reach=reach)()
        finally:
            if reach.examples:
                self.user_properties.append((REACH, (reach.reached, reach.examples)))

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
