"""A fake evaluator and document factory for the call engine tests.

Kept out of ``conftest.py`` because several test folders have one and only one of them can be
imported under the name ``conftest``; spawned worker processes import this module by name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

import attrs

from grantrules.errors import ApplicationInvalid, Problem
from grantrules.money import Euro


@attrs.frozen
class FakeDecision:
    """Eligible iff ``eligible`` is true in the document; the award is ``award``."""

    eligible: bool
    award: Euro

    def to_json(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "award": str(self.award)}


def fake_evaluator(document: Mapping[str, Any]) -> FakeDecision:
    if document.get("broken"):
        raise ApplicationInvalid([Problem("$.broken", "this document is broken")])
    return FakeDecision(bool(document.get("eligible", True)), Euro(document.get("award", "0")))


def make_document(
    index: int,
    *,
    award: str = "100.00",
    eligible: bool = True,
    siren: str | None = None,
    day: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": f"A{index:05d}",
        "submitted_on": f"2025-03-{(day if day is not None else index % 28) + 1:02d}",
        "applicant": {"name": f"Applicant {index}", "siren": siren or f"{index:09d}"},
        "eligible": eligible,
        "award": award,
        **extra,
    }


def is_closed(db: sqlite3.Connection) -> bool:
    """Whether ``db`` was closed (Python 3.13 warns about connections collected while open)."""
    try:
        db.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False
