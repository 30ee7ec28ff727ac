"""A scheme version compiled to kernels: amounts, criteria, verdict and award over a batch.

The steps are those of the reference interpreter (:mod:`grantrules.testing.reference`):
amounts in dependency order, each with its labelled exceptions; criteria with ``applies_if``
and exceptions; eligible when no blocking criterion failed or lacked an input; the award
when eligible, else 0.00.  Rows the kernels cannot decide exactly (two exceptions that
disagree, an eligible row whose award lacks an input, int64 arithmetic that might overflow)
are returned in ``Outcome.by_rows``, to be decided by :func:`grantrules.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from grantrules.batch._frame import Frame, Source
from grantrules.batch._kernels import Kernel, kernel
from grantrules.batch._values import Col, Unsupported, either, mask, select
from grantrules.rules import Override, Severity
from grantrules.scheme import SchemeVersion

__all__ = ["Plan", "Result", "plan_of", "refusal"]


@attrs.frozen
class Rule:
    """One rule with its labelled exceptions, as kernels."""

    main: Kernel
    exceptions: tuple[tuple[Kernel, Kernel], ...]


def _rule(main: Any, exceptions: tuple[Override, ...]) -> Rule:
    return Rule(kernel(main), tuple((kernel(o.when), kernel(o.then)) for o in exceptions))


@attrs.frozen
class Result:
    """What one version decided over a batch (arrays of the batch's length)."""

    not_met: np.ndarray[Any, Any]  # (criteria, rows): failed, or missing an input
    eligible: np.ndarray[Any, Any]
    award: np.ndarray[Any, Any]  # cents
    # cents, and missing (a bool array, or False when no row misses an input)
    amounts: dict[str, tuple[np.ndarray[Any, Any], Any]]
    by_rows: np.ndarray[Any, Any]  # rows to decide one by one


@attrs.frozen
class Plan:
    version: SchemeVersion
    amounts: tuple[tuple[str, Rule], ...]
    criteria: tuple[tuple[Kernel | None, Rule], ...]
    blocking: np.ndarray[Any, Any]  # per criterion
    ids: tuple[str, ...]

    def run(self, n: int, source: Source, params: Mapping[str, Any]) -> Result:
        flags = np.zeros(n, bool)
        frame = Frame(n, source, params, flags)
        conflicts = np.zeros(n, bool)
        for amount_id, rule in self.amounts:
            col = _with_exceptions(frame, rule, conflicts)
            if col.kind != "money":
                raise Unsupported(f"amount {amount_id} is a {col.kind}")
            # The mask stays False when no row misses an input: no array per amount.
            frame.amounts[amount_id] = Col("money", _full(n, col.v, np.int64), col.m)
        # One row per criterion (contiguous): each verdict is written in one pass.
        not_met = np.empty((len(self.criteria), n), bool)
        refused: Any = False
        for index, (applies, rule) in enumerate(self.criteria):
            _verdict(frame, applies, rule, conflicts, not_met[index])
            if self.blocking[index]:
                refused = not_met[index] if refused is False else refused | not_met[index]
        eligible = ~refused if refused is not False else np.ones(n, bool)
        award = frame.amounts[self.version.award]
        by_rows = flags | conflicts
        if award.m is not False:
            by_rows |= eligible & award.m
        amounts = {a: (c.v, c.m) for a, c in frame.amounts.items()}
        return Result(not_met, eligible, award.v * eligible, amounts, by_rows)


def _full(n: int, value: Any, dtype: Any) -> np.ndarray[Any, Any]:
    array = np.asarray(value, dtype)
    return array if array.shape == (n,) else np.full(n, array, dtype)


def _with_exceptions(frame: Frame, rule: Rule, conflicts: np.ndarray[Any, Any]) -> Col:
    """A rule's value with its labelled exceptions: the exceptions' conditions are all read
    (one missing makes the result missing), the replacement of those that apply, else the
    rule itself; exceptions that apply together and disagree are a conflict."""
    if not rule.exceptions:
        return rule.main(frame)
    n = frame.n
    whens = [when(frame) for when, _ in rule.exceptions]
    missing: Any = False
    for col in whens:
        if col.kind != "bool":
            raise Unsupported(f"an exception's condition is a {col.kind}")
        missing = either(missing, col.m)
    applying = [mask(n, np.asarray(col.v)) & ~mask(n, col.m) for col in whens]
    count = np.sum(applying, axis=0)
    value = rule.main(frame)
    result_v = _full(n, value.v, _dtype(value)) if value.kind != "str" else None
    if result_v is None:
        raise Unsupported("an exception on a text value")
    result_m = mask(n, value.m) & (count == 0)
    seen = np.zeros(n, bool)
    reference = np.zeros(n, _dtype(value))
    for (_, then), applies in zip(rule.exceptions, applying, strict=True):
        if not applies.any():
            continue
        col = then(frame)
        if col.kind != value.kind:
            raise Unsupported(f"an exception gives a {col.kind}, the rule a {value.kind}")
        v = _full(n, col.v, _dtype(col))
        # Exceptions that apply together must agree with the first of them.
        conflicts |= applies & seen & (v != reference)
        reference = select(applies & ~seen, v, reference)
        seen |= applies
        result_v = select(applies, v, result_v)
        result_m = result_m | (applies & mask(n, col.m))
    return Col(value.kind, result_v, either(missing, result_m))


def _dtype(col: Col) -> Any:
    if col.kind == "rate":
        raise Unsupported("an exception on a rate")
    return bool if col.kind == "bool" else np.int64


def _verdict(
    frame: Frame,
    applies: Kernel | None,
    rule: Rule,
    conflicts: np.ndarray[Any, Any],
    out: np.ndarray[Any, Any],
) -> None:
    """Write in ``out`` the rows where the criterion is not met: it applies and failed, or
    it (or its ``applies_if``) lacks an input."""
    live: Any = True
    missing: Any = False
    if applies is not None:
        col = applies(frame)
        if col.kind != "bool":
            raise Unsupported(f"applies_if is a {col.kind}")
        missing = col.m
        live = _and_not(col.v, missing)
    held = _with_exceptions(frame, rule, conflicts)
    if held.kind != "bool":
        raise Unsupported(f"a criterion's condition is a {held.kind}")
    # Rows where the criterion does not apply never read its condition.
    failed = _and_not(live, held.v)
    if held.m is not False:
        failed = _or(failed, _and(live, held.m))
    out[...] = _or(missing, failed)


def _and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return np.logical_and(a, b)


def _or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return np.logical_or(a, b)


def _and_not(a: Any, b: Any) -> Any:
    """``a and not b`` for bool arrays or plain bools, without building full arrays."""
    if a is False or b is True:
        return False
    if b is False:
        return a
    negated = ~b if isinstance(b, np.ndarray) else not b
    return negated if a is True else _and(a, negated)


def plan_of(version: SchemeVersion) -> Plan:
    """The kernels of ``version``, compiled once and kept with it.

    Raises:
        Unsupported: a node has no kernel; the version is then decided row by row.
    """
    found = version.cached("batch_plan", _plan_or_refusal)
    if isinstance(found, Unsupported):
        raise found
    return found


def _plan_or_refusal(version: SchemeVersion) -> Plan | Unsupported:
    try:
        return _compile(version)
    except Unsupported as refused:  # remembered, so a refused version is not compiled again
        return refused


def refusal(version: SchemeVersion) -> str | None:
    """Why the columnar compiler refuses ``version`` (the node or the combination of kinds
    it has no kernel for), or None when the version compiles.

    Compiling is the first check; a kind met only on data (a parameter of another type on
    some day) is refused when a batch first reads it, as :func:`route_of` then reports.
    """
    try:
        plan_of(version)
    except Unsupported as refused:
        return str(refused)
    return None


def _compile(version: SchemeVersion) -> Plan:
    amounts = tuple((a.id, _rule(a.formula, a.exceptions)) for a in version.amounts)
    criteria = tuple(
        (
            kernel(c.applies_if) if c.applies_if is not None else None,
            _rule(c.condition, c.exceptions),
        )
        for c in version.criteria
    )
    blocking = np.array([c.severity is Severity.BLOCKING for c in version.criteria], bool)
    return Plan(version, amounts, criteria, blocking, tuple(c.id for c in version.criteria))
