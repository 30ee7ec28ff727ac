"""The durable_rules adapter: compile-time refusals, transitions, and a stress test."""

from __future__ import annotations

import random
from typing import Any

import attrs
import pytest

from grantrules.call._rete import Lifecycle, check_chart, compile_chart, lifecycle_for
from grantrules.call.process import DEFAULT_PROCESS, Process, Transition
from grantrules.errors import CallError, SchemeDefinitionError, TransitionRefused

GOOD = {"all": [{"m": {"$and": [{"event": "go"}]}}], "to": "s"}


@pytest.mark.parametrize(
    "start", [s for s in DEFAULT_PROCESS.states if s not in DEFAULT_PROCESS.finals]
)
def test_default_charts_pass_the_checks(start: str) -> None:
    chart = compile_chart(DEFAULT_PROCESS, start)
    check_chart(chart)
    # The entry state has the start status's triggers; every other state can be reached.
    leaving = [tr for tr in DEFAULT_PROCESS.transitions if tr.source == start]
    assert len(chart["$entry"]) == len(leaving) + 1  # and the $hold trigger
    targets = {t["to"] for triggers in chart.values() for t in triggers.values()}
    assert set(chart) - {"$entry"} <= targets
    assert {tr.target for tr in leaving} <= set(chart)


def test_a_chain_needs_no_post_besides_its_events() -> None:
    lifecycle = lifecycle_for(DEFAULT_PROCESS)
    before = lifecycle.posts
    assert lifecycle.run("eligible", [("decided", {"decision": "selected"})]) == ["selected"]
    assert lifecycle.posts == before + 1


@pytest.mark.parametrize(
    ("trigger", "match"),
    [
        ({**GOOD, "pri": -1}, "unsupported keys"),
        ({**GOOD, "count": 2}, "unsupported keys"),
        ({**GOOD, "run": "action"}, "unsupported keys"),
        # A join on another fact's field (the probe_joins.py pattern).
        (
            {
                "all": [{"first": {"t": "app"}}, {"second": {"siren": {"first": "siren"}}}],
                "to": "s",
            },
            "exactly one message pattern",
        ),
        (
            {"all": [{"m": {"$and": [{"event": "go"}, {"siren": {"first": "siren"}}]}}], "to": "s"},
            "constant",
        ),
        ({"all": [{"m": {"$and": [{"event": "go"}, {"$gt": {"x": 1}}]}}], "to": "s"}, "operator"),
        ({"all": [{"m": {"$and": [{"event": "go"}, {"$t": "timer"}]}}], "to": "s"}, "operator"),
        # Without an event test the pattern could match the session state record.
        ({"all": [{"m": {"$and": [{"label": "x"}]}}], "to": "s"}, "reserved"),
        ({"all": [{"m": {"$and": [{"x": 1}]}}], "to": "s"}, "must test 'event'"),
        ({"all": [{"m": {"$and": [{"event": 0.5}]}}], "to": "s"}, "constant"),
        ({"all": [{"m": {"$or": [{"event": "go"}]}}], "to": "s"}, r"\$and"),
        ({"all": [{"x": {"$and": [{"event": "go"}]}}], "to": "s"}, "named 'm'"),
        ({**GOOD, "to": "nowhere"}, "unknown target"),
    ],
)
def test_unsafe_rules_are_refused(trigger: dict[str, Any], match: str) -> None:
    with pytest.raises(SchemeDefinitionError, match=match):
        check_chart({"s": {"t": trigger}})


def test_events_run_through_durable_rules() -> None:
    lifecycle = lifecycle_for(DEFAULT_PROCESS)
    events: list[tuple[str, dict[str, Any]]] = [
        ("evaluated", {"outcome": "eligible"}),
        ("decided", {"decision": "selected", "by": "x"}),
        ("committed", {}),
        ("paid", {}),
        ("paid", {}),
        ("closed", {}),
    ]
    path = lifecycle.run("submitted", events)
    assert path == ["eligible", "selected", "committed", "partly_paid", "partly_paid", "closed"]
    assert lifecycle.run("committed", []) == []


def test_refused_event_posts_nothing() -> None:
    lifecycle = lifecycle_for(DEFAULT_PROCESS)
    before = lifecycle.posts
    with pytest.raises(TransitionRefused, match="not allowed in status 'eligible'"):
        lifecycle.run("submitted", [("evaluated", {"outcome": "eligible"}), ("paid", {})])
    assert lifecycle.posts == before
    with pytest.raises(CallError, match="unknown status"):
        lifecycle.run("nowhere", [])


def test_disagreement_with_the_engine_fails_loudly() -> None:
    """If durable_rules reached another status than the definition says, we refuse."""
    t = Transition
    real = Process("flip", "a", ("a", "b", "c"), ("b", "c"), (t("go", "a", "b"), t("x", "a", "c")))
    lifecycle = Lifecycle(real)
    lifecycle.process = attrs.evolve(real, transitions=(t("go", "a", "c"), t("x", "a", "b")))
    with pytest.raises(CallError, match=r"reached \['b'\] after 'go'"):
        lifecycle.run("a", [("go", {})])


def test_identical_chains_of_a_command_share_one_session() -> None:
    lifecycle = lifecycle_for(DEFAULT_PROCESS)
    eligible = ("submitted", [("evaluated", {"outcome": "eligible", "award": "10.00"})])
    ineligible = ("submitted", [("evaluated", {"outcome": "ineligible"})])
    funded = [
        ("eligible", [("decided", {"decision": "selected", "by": by}), ("committed", {})])
        for by in ("allocation", "committee")  # not a guard key: not posted, same messages
    ]
    chains = [eligible] * 500 + [ineligible] * 300 + funded
    before = lifecycle.posts
    paths = lifecycle.run_many(chains, share=True)
    assert paths == [["eligible"]] * 500 + [["ineligible"]] * 300 + [["selected", "committed"]] * 2
    assert lifecycle.posts == before + 1 + 1 + 2
    # Without sharing, every chain has its session.
    before = lifecycle.posts
    assert lifecycle.run_many(chains[:3] + funded) == paths[:3] + paths[-2:]
    assert lifecycle.posts == before + 3 + 4


def test_a_refused_chain_among_shared_ones_posts_nothing() -> None:
    lifecycle = lifecycle_for(DEFAULT_PROCESS)
    before = lifecycle.posts
    with pytest.raises(TransitionRefused, match="not allowed in status 'submitted'"):
        lifecycle.run_many(
            [("submitted", [("evaluated", {"outcome": "eligible"})])] * 10
            + [("submitted", [("paid", {})])],
            share=True,
        )
    assert lifecycle.posts == before


def test_shared_chains_tell_true_from_1_and_refuse_lists() -> None:
    t = Transition
    process = Process(
        "typed",
        "a",
        ("a", "b", "c", "d"),
        ("b", "d"),
        (t("x", "a", "b", {"k": 1}), t("y", "a", "c"), t("x", "c", "d")),
    )
    lifecycle = Lifecycle(process)
    assert lifecycle.run_many([("a", [("x", {"k": 1})])] * 3, share=True) == [["b"]] * 3
    for value in (True, "1", [1]):
        with pytest.raises(TransitionRefused, match="not allowed in status 'a'"):
            lifecycle.run_many([("a", [("x", {"k": 1})]), ("a", [("x", {"k": value})])], share=True)
    # From c, x tests no field: a list there would have been posted to durable_rules.
    with pytest.raises(CallError, match="must be strings, booleans or integers"):
        lifecycle.run_many([("c", [("x", {"k": [1]})])], share=True)
    assert lifecycle.run_many([("c", [("x", {"k": 2})])], share=True) == [["d"]]


def test_shared_sessions_still_catch_a_disagreement() -> None:
    t = Transition
    real = Process("flip", "a", ("a", "b", "c"), ("b", "c"), (t("go", "a", "b"), t("x", "a", "c")))
    lifecycle = Lifecycle(real)
    lifecycle.process = attrs.evolve(real, transitions=(t("go", "a", "c"), t("x", "a", "b")))
    with pytest.raises(CallError, match=r"reached \['b'\] after 'go'"):
        lifecycle.run_many([("a", [("go", {})])] * 100, share=True)


def _random_walk(rng: random.Random, process: Process) -> tuple[list[tuple[str, Any]], str]:
    state, events = process.initial, []
    while state not in process.finals and len(events) < 8:
        options = [tr for tr in process.transitions if tr.source == state]
        tr = rng.choice(options)
        events.append((tr.event, dict(tr.guard)))
        state = tr.target
    return events, state


def test_stress_thousands_of_sessions_follow_the_process() -> None:
    rng = random.Random(7)
    lifecycle = lifecycle_for(DEFAULT_PROCESS)
    walks = [_random_walk(rng, DEFAULT_PROCESS) for _ in range(3000)]
    starts = [rng.choice(DEFAULT_PROCESS.states) for _ in range(300)]
    paths = lifecycle.run_many(("submitted", events) for events, _ in walks)
    for (events, final), path in zip(walks, paths, strict=True):
        assert path[-1] == final
        assert len(path) == len(events)
    # Restoring every status works, and final statuses refuse everything.
    for start in starts:
        for tr in DEFAULT_PROCESS.transitions:
            if tr.source == start:
                assert lifecycle.run(start, [(tr.event, dict(tr.guard))]) == [tr.target]
    # Sessions were deleted: far more than 1,024 ran without MemoryError.
    assert lifecycle.run("submitted", [("withdrawn", {})]) == ["withdrawn"]
