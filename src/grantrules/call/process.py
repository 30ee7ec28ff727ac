"""The life cycle of an application in a call, declared as data.

A :class:`Process` is a finite state machine: statuses, an initial status, final statuses and
:class:`Transition` objects ``source --event[guard]--> target``.  A guard is a set of equality
tests on constant strings, booleans or integers carried by the event (``outcome == "eligible"``),
which is exactly what the durable_rules adapter can run safely (see :mod:`grantrules.call._rete`).

The default process (:data:`DEFAULT_PROCESS`)::

    submitted   --evaluated[outcome=eligible]-->    eligible
    submitted   --evaluated[outcome=ineligible]-->  ineligible (final)
    submitted   --evaluated[outcome=invalid]-->     invalid (final)
    eligible    --scored-->                         eligible
    eligible    --decided[decision=selected]-->     selected
    eligible    --decided[decision=waitlisted]-->   waitlisted
    eligible    --decided[decision=rejected]-->     rejected (final)
    selected    --committed-->                      committed
    selected    --decided[decision=waitlisted]-->   waitlisted   (selected, but no money left)
    selected    --decided[decision=rejected]-->     rejected
    waitlisted  --scored-->                         waitlisted
    waitlisted  --promoted-->                       committed    (released money)
    waitlisted  --decided[decision=rejected]-->     rejected
    committed   --paid-->                           partly_paid
    partly_paid --paid-->                           partly_paid
    committed, partly_paid --cost_revised-->        (same status)
    committed, partly_paid --closed-->              closed (final)
    committed, partly_paid --decommitted-->         decommitted (final)
    any open status --withdrawn-->                  withdrawn (final)

>>> DEFAULT_PROCESS.target("submitted", "evaluated", {"outcome": "eligible"})
'eligible'
>>> DEFAULT_PROCESS.allows("closed", "paid", {})
False

.. versionadded:: 0.1
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from grantrules.errors import InvalidArgument, SchemeDefinitionError

__all__ = ["DEFAULT_PROCESS", "GuardValue", "Process", "Transition"]

GuardValue = str | bool | int
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
# Keys durable_rules writes into the session state record or the chart context: a guard on one
# of them could match the engine's own records and make a rule fire forever.
RESERVED_KEYS = frozenset({"sid", "id", "running", "label", "chart", "event", "exception"})


def _check_name(what: str, name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise SchemeDefinitionError(
            f"{what} {name!r} is not a valid name: use lower-case letters, digits and '_', "
            "starting with a letter (e.g. 'partly_paid')"
        )
    return name


def _guard(
    value: Mapping[str, GuardValue] | Iterable[tuple[str, GuardValue]],
) -> tuple[tuple[str, GuardValue], ...]:
    """Normalise a guard to sorted ``(key, constant)`` pairs, refusing anything but constants."""
    items = list(value.items()) if isinstance(value, Mapping) else list(value)
    for key, constant in items:
        _check_name("guard key", key)
        if key in RESERVED_KEYS:
            raise SchemeDefinitionError(
                f"guard key {key!r} is reserved by the statechart engine "
                f"({', '.join(sorted(RESERVED_KEYS))}); choose another name"
            )
        # A dict here would be a reference to another fact's field (a join), which durable_rules
        # 2.0.28 evaluates wrongly; floats lose cents.  Only plain constants are compiled.
        if type(constant) not in (str, bool, int):
            raise SchemeDefinitionError(
                f"guard {key!r} must compare with a constant string, boolean or integer, "
                f"got the {type(constant).__name__} {constant!r}"
            )
    return tuple(sorted(items))


@attrs.frozen
class Transition:
    """``source --event[guard]--> target``.

    Args:
        event: the event name, e.g. ``"evaluated"``.
        source: the status the application must be in.
        target: the status it moves to (may equal ``source``).
        guard: equality tests on the event's fields, e.g. ``{"outcome": "eligible"}``.

    >>> Transition("decided", "eligible", "rejected", guard={"decision": "rejected"}).guard
    (('decision', 'rejected'),)

    .. versionadded:: 0.1
    """

    event: str = attrs.field(validator=lambda _i, _a, v: _check_name("event", v))
    source: str = attrs.field(validator=lambda _i, _a, v: _check_name("status", v))
    target: str = attrs.field(validator=lambda _i, _a, v: _check_name("status", v))
    guard: tuple[tuple[str, GuardValue], ...] = attrs.field(default=(), converter=_guard)

    def matches(self, event: str, fields: Mapping[str, Any]) -> bool:
        """Whether an ``event`` carrying ``fields`` fires this transition (from its source)."""
        if event != self.event:
            return False
        for key, constant in self.guard:
            value = fields.get(key)
            if value != constant or type(value) is not type(constant):
                return False
        return True

    def describe(self) -> str:
        """Render as ``source --event[k=v]--> target``."""
        guard = ",".join(f"{k}={v}" for k, v in self.guard)
        return f"{self.source} --{self.event}{f'[{guard}]' if guard else ''}--> {self.target}"


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _string_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _transitions(values: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(values)


def _exclusive(a: Transition, b: Transition) -> bool:
    """Two guards are exclusive when some key is tested against different constants."""
    other = dict(b.guard)
    return any(key in other and other[key] != value for key, value in a.guard)


@attrs.frozen
class Process:
    """A validated life cycle: statuses and the transitions between them.

    Give one to :meth:`Call.create <grantrules.call.Call.create>` as ``process``.  The call
    engine itself emits the events of :data:`DEFAULT_PROCESS` (``evaluated``, ``decided``,
    ``committed``...) and reads its statuses (``eligible``, ``selected``, ``waitlisted``,
    ``committed``...): a process for a call keeps them and adds its own.

    Args:
        name: the process's name.
        initial: the status of a newly submitted application.
        states: every status, initial and final ones included.
        finals: the statuses no transition leaves.
        transitions: the allowed moves between statuses.

    Raises:
        SchemeDefinitionError: on unknown or unreachable statuses, transitions out of a final
            status, or two transitions that the same event could both fire.

    >>> review = Process("review", "submitted", ["submitted", "accepted", "refused"],
    ...                  finals=["accepted", "refused"],
    ...                  transitions=[Transition("decided", "submitted", "accepted",
    ...                                          {"decision": "yes"}),
    ...                               Transition("decided", "submitted", "refused",
    ...                                          {"decision": "no"})])
    >>> review.target("submitted", "decided", {"decision": "no"})
    'refused'
    >>> review.is_open("accepted")
    False
    >>> Process.from_json(review.to_json()) == review
    True

    .. versionadded:: 0.1
    """

    name: str = attrs.field(validator=lambda _i, _a, v: _check_name("process name", v))
    initial: str
    states: tuple[str, ...] = attrs.field(converter=_strings)
    finals: frozenset[str] = attrs.field(converter=_string_set)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions)
    # Indexes built once: every event of a call looks its transition up.
    _moves: dict[tuple[str, str], tuple[Transition, ...]] = attrs.field(
        init=False, repr=False, eq=False
    )
    _guard_keys: dict[str, frozenset[str]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        for state in self.states:
            _check_name("status", state)
        known = set(self.states)
        if len(known) != len(self.states):
            raise SchemeDefinitionError(f"process {self.name!r} lists a status twice")
        for state in [self.initial, *sorted(self.finals)]:
            if state not in known:
                raise SchemeDefinitionError(
                    f"process {self.name!r}: status {state!r} is not among {sorted(known)}"
                )
        for tr in self.transitions:
            if not isinstance(tr, Transition):
                raise InvalidArgument(f"expected Transition objects, got {tr!r}")
            for state in (tr.source, tr.target):
                if state not in known:
                    raise SchemeDefinitionError(
                        f"process {self.name!r}: transition {tr.describe()} uses unknown "
                        f"status {state!r}; declare it in states={sorted(known)}"
                    )
            if tr.source in self.finals:
                raise SchemeDefinitionError(
                    f"process {self.name!r}: {tr.describe()} leaves the final status {tr.source!r}"
                )
        self._check_guards()
        self._check_reachable()
        moves: dict[tuple[str, str], list[Transition]] = {}
        keys: dict[str, set[str]] = {}
        for tr in self.transitions:
            moves.setdefault((tr.source, tr.event), []).append(tr)
            keys.setdefault(tr.event, set()).update(k for k, _ in tr.guard)
        object.__setattr__(self, "_moves", {k: tuple(v) for k, v in moves.items()})
        object.__setattr__(self, "_guard_keys", {k: frozenset(v) for k, v in keys.items()})

    def _check_guards(self) -> None:
        by_key: dict[tuple[str, str], list[Transition]] = {}
        for tr in self.transitions:
            by_key.setdefault((tr.source, tr.event), []).append(tr)
        for group in by_key.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if not _exclusive(a, b):
                        raise SchemeDefinitionError(
                            f"process {self.name!r}: {a.describe()} and {b.describe()} can fire "
                            "on the same event; give them guards that exclude each other"
                        )

    def _check_reachable(self) -> None:
        seen, todo = {self.initial}, deque([self.initial])
        while todo:
            state = todo.popleft()
            for tr in self.transitions:
                if tr.source == state and tr.target not in seen:
                    seen.add(tr.target)
                    todo.append(tr.target)
        unreachable = [s for s in self.states if s not in seen]
        if unreachable:
            raise SchemeDefinitionError(
                f"process {self.name!r}: statuses {unreachable} cannot be reached "
                f"from {self.initial!r}"
            )

    def transition(self, state: str, event: str, fields: Mapping[str, Any]) -> Transition | None:
        """Return the transition that ``event`` fires in ``state``, or ``None``."""
        for tr in self._moves.get((state, event), ()):
            if tr.matches(event, fields):
                return tr
        return None

    def allows(self, state: str, event: str, fields: Mapping[str, Any]) -> bool:
        """Whether ``event`` with ``fields`` is allowed in ``state``."""
        return self.transition(state, event, fields) is not None

    def target(self, state: str, event: str, fields: Mapping[str, Any]) -> str | None:
        """The status ``event`` leads to from ``state``, or ``None`` if it is not allowed."""
        tr = self.transition(state, event, fields)
        return None if tr is None else tr.target

    def is_open(self, state: str) -> bool:
        """Whether ``state`` is not final."""
        return state not in self.finals

    def guard_keys(self, event: str) -> frozenset[str]:
        """The field names any guard of ``event`` tests (the only fields fed to the engine)."""
        return self._guard_keys.get(event, frozenset())

    def to_json(self) -> dict[str, Any]:
        """Serialise as JSON-ready data (stored in each call file)."""
        return {
            "name": self.name,
            "initial": self.initial,
            "states": list(self.states),
            "finals": sorted(self.finals),
            "transitions": [
                {"event": t.event, "source": t.source, "target": t.target, "guard": dict(t.guard)}
                for t in self.transitions
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Process:
        """Rebuild a process from :meth:`to_json` output."""
        try:
            return cls(
                name=data["name"],
                initial=data["initial"],
                states=data["states"],
                finals=data["finals"],
                transitions=[Transition(**t) for t in data["transitions"]],
            )
        except (KeyError, TypeError) as error:
            raise SchemeDefinitionError(f"malformed process definition: {error}") from None


def _default() -> Process:
    t = Transition
    open_states = (
        "submitted",
        "awaiting_instruction",
        "eligible",
        "selected",
        "waitlisted",
        "committed",
        "partly_paid",
    )
    transitions = [
        t("evaluated", "submitted", "eligible", {"outcome": "eligible"}),
        # A decision waiting for an instructor input (grantrules.model.Instruction) waits for
        # it; supplying one sends the application back to evaluation (call/_instruction.py).
        t("evaluated", "submitted", "awaiting_instruction", {"outcome": "pending"}),
        t("instructed", "awaiting_instruction", "submitted"),
        t("instructed", "submitted", "submitted"),
        t("instructed", "eligible", "submitted"),
        t("evaluated", "submitted", "ineligible", {"outcome": "ineligible"}),
        t("evaluated", "submitted", "invalid", {"outcome": "invalid"}),
        t("scored", "eligible", "eligible"),
        t("decided", "eligible", "selected", {"decision": "selected"}),
        t("decided", "eligible", "waitlisted", {"decision": "waitlisted"}),
        t("decided", "eligible", "rejected", {"decision": "rejected"}),
        t("committed", "selected", "committed"),
        t("decided", "selected", "waitlisted", {"decision": "waitlisted"}),
        t("decided", "selected", "rejected", {"decision": "rejected"}),
        t("scored", "waitlisted", "waitlisted"),
        t("promoted", "waitlisted", "committed"),
        t("decided", "waitlisted", "rejected", {"decision": "rejected"}),
        t("paid", "committed", "partly_paid"),
        t("paid", "partly_paid", "partly_paid"),
    ]
    for state in ("committed", "partly_paid"):
        transitions += [
            t("cost_revised", state, state),
            t("closed", state, "closed"),
            t("decommitted", state, "decommitted"),
        ]
    transitions += [t("withdrawn", state, "withdrawn") for state in open_states]
    finals = ("ineligible", "invalid", "rejected", "closed", "decommitted", "withdrawn")
    return Process("default", "submitted", open_states + finals, finals, transitions)


#: The life cycle drawn in this module's docstring, from ``submitted`` to ``closed``; the
#: process of a call created without ``process=``.
DEFAULT_PROCESS = _default()
