"""Derandomised generation does not depend on what the process imported before."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from grantrules.scheme import Scheme
from grantrules.serde import unstructure_application
from grantrules.testing import strategies as gst

SAME = settings(max_examples=150, derandomize=True, database=None, deadline=None)


def _examples(scheme: Scheme) -> list[Any]:
    drawn: list[Any] = []

    @SAME
    @given(gst.applications(scheme))
    def collect(app: Any) -> None:
        drawn.append(unstructure_application(app))

    collect()
    return drawn


def test_a_newly_imported_module_does_not_change_the_examples(
    sports: Scheme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: Hypothesis draws, now and then, a literal of the non-test modules loaded in
    # the process; a test importing one (grantrules.testing.invariants...) changed the
    # examples of every derandomised test run after it, and the boundary census failed.
    before = _examples(sports)
    literals = ", ".join(str(n) for n in range(3, 20000, 7))
    (tmp_path / "grantrules_probe_literals.py").write_text(
        f"NUMBERS = [{literals}]\nWORDS = ['equipment', 'Tapis', '999.99']\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "grantrules_probe_literals", raising=False)
    importlib.import_module("grantrules_probe_literals")
    try:
        assert _examples(sports) == before
    finally:
        sys.modules.pop("grantrules_probe_literals", None)
