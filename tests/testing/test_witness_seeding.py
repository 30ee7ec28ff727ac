"""With from_witnesses, generated applications start, one in ten, from the solver's witnesses."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import given, settings

from grantrules import evaluate, load_scheme
from grantrules.testing import strategies as gst

COUNT = settings(max_examples=300, derandomize=True, database=None, deadline=None)


def _outcomes(scheme: Any, apps: Any) -> set[tuple[str, str]]:
    return {
        (criterion, str(outcome))
        for app in apps
        for criterion, outcome in evaluate(scheme, app).outcomes.items()
    }


def test_every_outcome_a_witness_reaches_is_generated() -> None:
    scheme = load_scheme("detr")
    witnesses = gst._witnesses(scheme, None)
    assert len(witnesses) > 10
    wanted = _outcomes(scheme, witnesses)
    seen: list[Any] = []

    @COUNT
    @given(gst.applications(scheme, from_witnesses=True))
    def collect(app: Any) -> None:
        seen.append(app)

    collect()
    assert witnesses[0] in seen, "the eligible witness was never drawn"
    drawn = {witnesses.index(app) for app in seen if app in witnesses}
    assert len(drawn) >= 5, f"only witnesses {drawn} were drawn as they are"
    # One example in ten starts from a witness (half of them moved): nearly every outcome a
    # witness reaches comes out in 300 examples, most of them through the generator itself.
    assert len(wanted - _outcomes(scheme, seen)) <= len(wanted) // 10


def test_without_the_solver_the_generator_alone_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "z3", None)  # import z3 raises ImportError
    gst._witnesses.cache_clear()
    try:
        assert "grantrules[prove]" in (gst.witness_seeding() or "")
        assert gst._witnesses(load_scheme("detr"), None) == ()
    finally:
        gst._witnesses.cache_clear()


def test_by_default_no_example_is_a_witness() -> None:
    scheme = load_scheme("detr")
    witnesses = gst._witnesses(scheme, None)
    seen: list[Any] = []

    @COUNT
    @given(gst.applications(scheme))
    def collect(app: Any) -> None:
        seen.append(app)

    collect()
    assert not any(app in witnesses for app in seen)
