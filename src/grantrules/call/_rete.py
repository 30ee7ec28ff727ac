"""The hardened durable_rules adapter that runs a :class:`~grantrules.call.process.Process`.

durable_rules 2.0.28 has failure modes that must never reach users (see DESIGN.md): joins on
another fact's field give wrong answers or crash, non-matching events stay pending and fire later,
exceptions in actions are swallowed, sessions are capped at 1,024 per ruleset, and every ``Host``
starts two timer threads that call into the (lock-free) C core.  This module therefore:

* builds the statechart *definition dict* itself from :class:`Process` objects (never the
  module-level ``durable.lang`` registry) and checks it with :func:`check_chart` before
  compiling: single-message patterns of constant equality tests only, each naming an ``event``
  (so no pattern can match the session state record), no priorities, counts, caps or timers;
* runs it on a private :class:`_QuietHost` (no timer threads: we never use timers or async
  actions, and a background ``dispatch`` could otherwise run an action concurrently with ours),
  one per process, behind a :class:`threading.Lock`;
* checks in Python that an event is allowed *before* posting anything (:class:`TransitionRefused`);
* compiles one chart per status a chain can start from (the status lives in the journal, not in
  durable_rules): its start state ``$entry`` has the triggers of that status, and it holds the
  statuses reachable from there, so a new session is at the stored status without a post of its
  own; it posts the event chain, and after every post checks ``state['exception']``, that
  nothing is left pending, and that the chart context names exactly the status the process
  definition predicts;
* deletes the session when done, so at most one session is ever alive.

Within one command, chains that post the same messages from the same status share one session
(``run_many(..., share=True)``): a batch of 10,000 applications posts a handful of distinct
chains (``evaluated[outcome=eligible]``, ``decided[decision=selected]`` then ``committed``...),
and a session costs about 100 µs of durable_rules whatever its size.  What durable_rules does
depends only on the chart and the messages, which are the same, and each chain's own plan must
equal the path the engine confirmed.  :meth:`Call.replay <grantrules.call.Call.replay>` still
drives every application's whole history in a session of its own.

Each real status also gets a ``$hold`` transition to a ``$sink`` status that is never posted: it
keeps the chart context of a status without outgoing transitions readable (durable_rules drops
the context of a status nothing can leave).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from durable import engine
from durable.engine import MessageNotHandledException, MessageObservedException

from grantrules.call.process import RESERVED_KEYS, GuardValue, Process
from grantrules.errors import CallError, SchemeDefinitionError, TransitionRefused

__all__ = ["Lifecycle", "check_chart", "compile_chart", "lifecycle_for"]

_ENTRY, _SINK, _HOLD = "$entry", "$sink", "$hold"
_TRIGGER_KEYS = frozenset({"all", "to"})

Event = tuple[str, Mapping[str, GuardValue]]
# A posted message as a hashable value: the event and its (field, type, value) tests.
_Message = tuple[str, tuple[tuple[str, type, GuardValue], ...]]
_Key = tuple[str, tuple[_Message, ...]]  # the start status and the messages of a chain


class _QuietHost(engine.Host):  # type: ignore[misc]
    """A Host without the two background timer threads (we use neither timers nor queues)."""

    def _run(self) -> None:
        return None


def _pattern(event: str, guard: Iterable[tuple[str, GuardValue]]) -> dict[str, Any]:
    tests: list[dict[str, Any]] = [{"event": event}, *({k: v} for k, v in guard)]
    return {"all": [{"m": {"$and": tests}}]}


def compile_chart(process: Process, start: str) -> dict[str, Any]:
    """Build the durable_rules statechart of ``process`` for chains starting at ``start``.

    Its start state, ``$entry``, has the triggers of ``start``; the other states are the
    statuses reachable from there (durable_rules takes the one state without incoming
    transitions as the start state, so no other may be left without one).  Not yet checked.

    >>> from grantrules.call.process import DEFAULT_PROCESS
    >>> chart = compile_chart(DEFAULT_PROCESS, "submitted")
    >>> sorted(chart["$entry"]), "submitted" in chart  # an instructor input returns to it
    (['hold', 't0', 't1', 't25', 't3', 't5', 't6'], True)
    """

    def triggers(state: str) -> dict[str, Any]:
        found: dict[str, Any] = {"hold": {**_pattern(_HOLD, []), "to": _SINK}}
        for index, tr in enumerate(process.transitions):
            if tr.source == state:
                found[f"t{index}"] = {**_pattern(tr.event, tr.guard), "to": tr.target}
        return found

    chart: dict[str, Any] = {_ENTRY: triggers(start), _SINK: {}}
    pending = [trigger["to"] for trigger in chart[_ENTRY].values()]
    while pending:
        state = pending.pop()
        if state not in chart:
            chart[state] = triggers(state)
            pending += [trigger["to"] for trigger in chart[state].values()]
    return chart


def _refuse(where: str, why: str) -> SchemeDefinitionError:
    return SchemeDefinitionError(f"statechart rule {where}: {why}; it is not compiled")


def _check_test(where: str, test: object) -> str | None:
    """Check one ``{field: constant}`` test; return the field name."""
    if not isinstance(test, dict) or len(test) != 1:
        raise _refuse(where, f"expected one {{field: constant}} test, got {test!r}")
    ((key, value),) = test.items()
    if not isinstance(key, str) or key.startswith("$") or key in RESERVED_KEYS - {"event"}:
        # '$'-operators ($gt, $nex, $t ...), timers and the engine's own record keys.
        raise _refuse(where, f"the test {test!r} uses an operator or a reserved field")
    if type(value) not in (str, bool, int):
        # A dict value such as {"first": "siren"} references another fact's field (a join).
        raise _refuse(where, f"{key!r} must be compared with a constant, not {value!r}")
    return key if key == "event" else None


def check_chart(chart: Mapping[str, Any]) -> None:
    """Refuse any rule durable_rules 2.0.28 cannot run safely.

    Raises:
        SchemeDefinitionError: on joins (several patterns, references to another fact's field),
            patterns without an ``event`` test (which could match the session state record),
            priorities (negative ones reorder the chart), counts, caps, timers, actions.

    >>> check_chart({"s": {"t": {"all": [{"m": {"$and": [{"event": "a"}]}}], "to": "s",
    ...                           "pri": -1}}})
    Traceback (most recent call last):
    ...
    grantrules.errors.SchemeDefinitionError: statechart rule s.t: unsupported keys ['pri']; ...
    """
    for state, triggers in chart.items():
        if not isinstance(triggers, dict):
            raise _refuse(str(state), "expected a mapping of triggers")
        for name, trigger in triggers.items():
            where = f"{state}.{name}"
            extra = sorted(set(trigger) - _TRIGGER_KEYS)
            if extra:
                raise _refuse(where, f"unsupported keys {extra}")
            patterns = trigger.get("all")
            if not isinstance(patterns, list) or len(patterns) != 1:
                raise _refuse(where, "exactly one message pattern is allowed (no joins)")
            (pattern,) = patterns
            if not isinstance(pattern, dict) or list(pattern) != ["m"]:
                raise _refuse(where, f"expected a single pattern named 'm', got {pattern!r}")
            tests = pattern["m"].get("$and") if isinstance(pattern["m"], dict) else None
            if not isinstance(tests, list) or len(pattern["m"]) != 1:
                raise _refuse(where, "expected {'$and': [tests...]}")
            if "event" not in {_check_test(where, test) for test in tests}:
                raise _refuse(where, "every pattern must test 'event' (or it may match the state)")
            if trigger.get("to") not in chart:
                raise _refuse(where, f"unknown target status {trigger.get('to')!r}")


class Lifecycle:
    """A process compiled on its own durable_rules Host; thread-safe.

    >>> from grantrules.call.process import DEFAULT_PROCESS
    >>> lifecycle_for(DEFAULT_PROCESS).run("submitted", [("evaluated", {"outcome": "eligible"})])
    ['eligible']
    """

    def __init__(self, process: Process) -> None:
        self.process = process
        # One ruleset per status a chain of events can start from (final ones cannot).
        self._rulesets: dict[str, str] = {}
        charts = {}
        for index, start in enumerate(process.states):
            if any(tr.source == start for tr in process.transitions):
                chart = compile_chart(process, start)
                check_chart(chart)
                self._rulesets[start] = f"lifecycle{index}"
                charts[f"lifecycle{index}$state"] = chart
        self._lock = threading.Lock()
        self._host = _QuietHost(charts)
        self._sids = itertools.count()
        self._keys = {tr.event: sorted(process.guard_keys(tr.event)) for tr in process.transitions}
        self.posts = 0

    def plan(self, start: str, events: Sequence[Event]) -> list[str]:
        """Return the statuses ``events`` lead to from ``start`` in Python, posting nothing.

        Raises:
            TransitionRefused: if an event is not allowed in the status it would reach.
        """
        if start not in self.process.states:
            raise CallError(f"unknown status {start!r} for process {self.process.name!r}")
        path, state = [], start
        for event, fields in events:
            target = self.process.target(state, event, fields)
            if target is None:
                raise TransitionRefused(_refusal(self.process, state, event, fields))
            path.append(target)
            state = target
        return path

    def run(self, start: str, events: Sequence[Event]) -> list[str]:
        """Run ``events`` from ``start`` through durable_rules; return the statuses reached.

        Raises:
            TransitionRefused: an event is not allowed (checked before anything is posted).
            CallError: durable_rules disagreed with the process definition or failed.
        """
        return self.run_many([(start, events)])[0]

    def run_many(
        self, chains: Iterable[tuple[str, Sequence[Event]]], *, share: bool = False
    ) -> list[list[str]]:
        """Run several independent chains under one lock acquisition; return their paths.

        Every chain is planned in Python first, so a refused event raises
        :class:`TransitionRefused` before anything is posted.  Each chain runs in its own
        session; with ``share``, chains that post the same messages from the same status (the
        thousands of ``evaluated[outcome=eligible]`` of a batch) run in one session, whose
        path must then equal the plan of every one of them: what durable_rules does depends
        only on the chart and the messages posted, and the adapter posts nothing else.

        Raises:
            TransitionRefused: an event is not allowed (checked before anything is posted).
            CallError: durable_rules disagreed with the process definition or failed.
        """
        planned: list[tuple[_Key, list[str]]] = []
        plans: dict[_Key, list[str]] = {}
        for start, events in chains:
            key = (start, tuple(self._message(e, f) for e, f in events))
            if not share:
                planned.append((key, self.plan(start, events)))
                continue
            try:
                path = plans.get(key)
            except TypeError:  # a list or a mapping in a guarded field: no guard matches it
                self.plan(start, events)  # which refuses it, unless its transition tests
                raise CallError(  # another field; durable_rules is fed constants only
                    f"{events!r}: the fields guards test must be strings, booleans or integers"
                ) from None
            # A plan reads only the fields the guards test, which the key holds: chains with
            # one key have one plan (the first refused chain still raises, with its fields).
            if path is None:
                path = plans[key] = self.plan(start, events)
            planned.append((key, path))
        with self._lock:
            if not share:
                return [self._drive(key, path) for key, path in planned]
            for key, path in plans.items():
                self._drive(key, path)
        return [path for _, path in planned]

    def _message(self, event: str, fields: Mapping[str, GuardValue]) -> _Message:
        """What is posted for ``event``: its name and the fields its guards test, as a
        hashable tuple (a value's type is part of it: ``True == 1`` in Python only)."""
        keys = self._keys.get(event, ())  # an event of no transition: plan() refuses it
        return (event, tuple((k, type(fields[k]), fields[k]) for k in keys if k in fields))

    def _drive(self, key: _Key, path: list[str]) -> list[str]:
        start, messages = key
        if not messages:
            return []
        ruleset, sid = self._rulesets[start], f"s{next(self._sids)}"
        try:
            for (event, fields), expected in zip(messages, path, strict=True):
                self._post(ruleset, sid, {"event": event, **{k: v for k, _, v in fields}})
                self._expect(ruleset, sid, expected, event)
        finally:
            self._host.delete_state(ruleset, sid)
        return path

    def _post(self, ruleset: str, sid: str, message: dict[str, Any]) -> None:
        self.posts += 1
        try:
            self._host.post(ruleset, {"sid": sid, **message})
        except (MessageNotHandledException, MessageObservedException) as error:
            raise CallError(
                f"durable_rules did not handle {message!r} although the process "
                f"{self.process.name!r} allows it ({type(error).__name__}); nothing was written"
            ) from None
        exception = self._host.get_state(ruleset, sid).get("exception")
        if exception:
            raise CallError(f"durable_rules raised inside an action: {exception}")

    def _expect(self, ruleset: str, sid: str, expected: str, event: str) -> None:
        facts = self._host.get_facts(ruleset, sid)
        pending = self._host.get_pending_events(ruleset, sid)
        contexts = [r.get("label") for r in facts + pending if r.get("chart") == 1]
        leftovers = [r for r in facts + pending if r.get("chart") != 1]
        if contexts != [expected] or leftovers:
            raise CallError(
                f"statechart {self.process.name!r} reached {contexts} after {event!r} "
                f"(left pending: {leftovers}) where the process definition says {expected!r}; "
                "nothing was written"
            )


def _refusal(process: Process, state: str, event: str, fields: Mapping[str, Any]) -> str:
    allowed = sorted({tr.describe() for tr in process.transitions if tr.source == state})
    shown = ", ".join(f"{k}={v}" for k, v in fields.items())
    return (
        f"{event!r}{f' ({shown})' if shown else ''} is not allowed in status {state!r}; "
        f"allowed from {state!r}: {'; '.join(allowed) or 'nothing (final status)'}"
    )


_CACHE: dict[Process, Lifecycle] = {}
_CACHE_LOCK = threading.Lock()


def lifecycle_for(process: Process) -> Lifecycle:
    """Return the (cached) compiled lifecycle of ``process``: one Host per process."""
    with _CACHE_LOCK:
        found = _CACHE.get(process)
        if found is None:
            found = _CACHE[process] = Lifecycle(process)
        return found
