"""Generated applications start, one in ten, from the solver's witnesses; the invariant suite
tries each witness as it is."""

from __future__ import annotations

import sys
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from grantrules import evaluate, load_scheme
from grantrules.testing import strategies as gst
from grantrules.testing.invariants import INVARIANTS, Reach, Subject

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
    @given(gst.applications(scheme))
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


def test_without_witnesses_no_example_is_a_witness() -> None:
    scheme = load_scheme("detr")
    witnesses = gst._witnesses(scheme, None)
    seen: list[Any] = []

    @COUNT
    @given(gst.applications(scheme, from_witnesses=False))
    def collect(app: Any) -> None:
        seen.append(app)

    collect()
    assert not any(app in witnesses for app in seen)


def test_the_suite_tries_every_witness_as_it_is() -> None:
    scheme = load_scheme("detr")
    witnesses = gst._witnesses(scheme, None)
    seen: list[Any] = []
    reach = Reach()

    def record(subject: Subject, app: Any) -> bool:
        seen.append(app)
        return subject.decide(app).eligible

    invariant = attrs.evolve(INVARIANTS["award_non_negative"], check=record)
    invariant.test(Subject(scheme), settings(max_examples=5, database=None), reach=reach)()
    assert all(any(app is witness for app in seen) for witness in witnesses)
    assert reach.examples == len(seen) >= len(witnesses) + 1
    assert reach.reached >= 1  # the eligible witness, whatever the five draws give


def test_the_witnesses_depend_on_the_scheme_only() -> None:
    """Each analysis has its own solver context: what ran before changes nothing."""
    import datetime

    from grantrules.prove import check, witness_documents
    from grantrules.testing.examples import example_scheme

    detr = load_scheme("detr")
    day = datetime.date(2026, 6, 1)
    first = witness_documents(detr, day)
    check(load_scheme("ami-ia-hdf"), day, max_items=2)
    check(example_scheme(), datetime.date(2025, 3, 14), max_items=2)
    assert witness_documents(detr, day) == first
