"""The process definition: validation and queries."""

from __future__ import annotations

import pytest

from grantrules.call.process import DEFAULT_PROCESS, Process, Transition
from grantrules.errors import InvalidArgument, SchemeDefinitionError

T = Transition


def tiny(*transitions: Transition, finals: tuple[str, ...] = ("b",)) -> Process:
    return Process("tiny", "a", ("a", "b"), finals, transitions)


def test_default_process_paths() -> None:
    p = DEFAULT_PROCESS
    assert p.target("submitted", "evaluated", {"outcome": "ineligible"}) == "ineligible"
    assert p.target("waitlisted", "promoted", {}) == "committed"
    assert p.target("partly_paid", "paid", {"amount": "1.00"}) == "partly_paid"
    assert not p.allows("submitted", "evaluated", {"outcome": "maybe"})
    assert not p.allows("submitted", "evaluated", {"outcome": True})
    assert all(p.allows(s, "withdrawn", {}) for s in p.states if p.is_open(s))
    assert not any(p.allows(s, "withdrawn", {}) for s in p.finals)
    assert p.guard_keys("decided") == {"decision"}


def test_json_round_trip() -> None:
    assert Process.from_json(DEFAULT_PROCESS.to_json()) == DEFAULT_PROCESS


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: tiny(T("go", "a", "c")), "unknown status 'c'"),
        (lambda: Process("p", "a", ("a", "b"), ("b",), ()), r"cannot be reached"),
        (lambda: tiny(T("go", "a", "b"), T("go", "a", "b")), "can fire on the same event"),
        (
            lambda: tiny(T("go", "a", "b", {"x": "1"}), T("go", "a", "b", {"y": "2"})),
            "can fire on the same event",
        ),
        (lambda: tiny(T("go", "a", "b"), T("back", "b", "a")), "leaves the final status"),
        (lambda: tiny(T("go", "a", "b", {"sid": "1"})), "reserved"),
        (lambda: tiny(T("go", "a", "b", {"x": 0.5})), "constant string, boolean or integer"),
        (lambda: tiny(T("go", "a", "b", {"x": {"other": "siren"}})), "constant"),
        (lambda: tiny(T("Go!", "a", "b")), "not a valid name"),
        (lambda: Process("p", "z", ("a",), (), ()), "'z' is not among"),
        (lambda: Process("p", "a", ("a", "a"), (), ()), "twice"),
        (lambda: Process.from_json({"name": "x"}), "malformed"),
    ],
)
def test_invalid_processes_are_refused(build: object, match: str) -> None:
    with pytest.raises(SchemeDefinitionError, match=match):
        build()  # type: ignore[operator]


def test_transitions_must_be_transition_objects() -> None:
    with pytest.raises(InvalidArgument):
        Process("p", "a", ("a",), (), ("nope",))  # type: ignore[arg-type]


def test_exclusive_guards_are_accepted() -> None:
    p = tiny(T("go", "a", "b", {"x": "1"}), T("go", "a", "a", {"x": "2"}))
    assert p.target("a", "go", {"x": "2"}) == "a"
    assert "a --go[x=1]--> b" in {t.describe() for t in p.transitions}
