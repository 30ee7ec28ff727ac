"""One scheme version at one date, as z3 terms: amounts, criteria, eligibility and award.

It follows :func:`grantrules.testing.reference.decide` step by step: amounts in dependency
order, each replaced by the labelled exception that applies; a criterion *not applicable*
when its ``applies_if`` is false, else *passed* or *failed* by its condition or the exception
that applies; eligible when no blocking criterion fails; the award is the award amount when
eligible and 0 otherwise.  Two exceptions that apply and disagree make the evaluator raise,
so the applications the proofs range over are those where they do not (``consistent``); the
conflicts themselves are looked for as witnesses.

A rule that does not translate becomes an unconstrained term (any value), and its reason is
kept in ``opaque``: a proof that holds whatever that term is still holds, and anything the
solver finds is checked by the evaluator before it is reported.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import attrs
import z3

from grantrules.expressions import Expr
from grantrules.prove._domains import Facts, collect
from grantrules.prove._shape import Shape
from grantrules.prove._translate import Translator, is_money, merge
from grantrules.prove._values import Money, Untranslatable, Value, as_bool, as_money
from grantrules.rules import Override, Severity
from grantrules.scheme import Scheme, SchemeVersion

__all__ = ["Symbolic", "Verdict", "symbolic"]


@attrs.frozen
class Verdict:
    """A criterion as terms: whether it applies, whether it holds, each exception's guard."""

    applies: Any
    held: Any
    exceptions: tuple[tuple[str, Any], ...]

    @property
    def passed(self) -> Any:
        return z3.And(self.applies, self.held)

    @property
    def failed(self) -> Any:
        return z3.And(self.applies, z3.Not(self.held))


@attrs.define
class Symbolic:
    """The symbolic decision of one scheme version on one date."""

    scheme: Scheme
    version: SchemeVersion
    on: datetime.date
    params: Any
    shape: Shape
    translator: Translator
    amounts: dict[str, Any] = attrs.field(factory=dict)
    amount_exceptions: dict[str, tuple[tuple[str, Any], ...]] = attrs.field(factory=dict)
    verdicts: dict[str, Verdict] = attrs.field(factory=dict)
    conflicts: list[tuple[str, str, Any]] = attrs.field(factory=list)
    opaque: dict[str, str] = attrs.field(factory=dict)
    eligible: Any = None
    award: Any = None

    @property
    def award_amount(self) -> Any:
        return self.amounts[self.version.award]

    def assumptions(self) -> list[Any]:
        """The bounds, and no two exceptions that apply and disagree."""
        return [*self.shape.constraints, *(z3.Not(c) for _, _, c in self.conflicts)]


def _with_exceptions(
    t: Translator, owner: str, rule: Value, exceptions: tuple[Override, ...], out: Symbolic
) -> tuple[Value, tuple[tuple[str, Any], ...]]:
    guards = tuple((o.label, t.condition(o.when)) for o in exceptions)
    values = [t.value(o.then) for o in exceptions]
    result = rule
    for (_, guard), value in reversed(list(zip(guards, values, strict=True))):
        result = merge(guard, value, result, owner)
    pairs = list(zip(guards, values, strict=True))
    for ((la, ga), va), ((lb, gb), vb) in itertools.combinations(pairs, 2):
        differ = (
            as_money(va, owner) != as_money(vb, owner)
            if is_money(va) or is_money(vb)
            else as_bool(va, owner) != as_bool(vb, owner)
        )
        out.conflicts.append((owner, f"{la}+{lb}", z3.And(ga, gb, differ)))
    return result, guards


def symbolic(
    scheme: Scheme, on: datetime.date, max_items: int, removed: tuple[str, int] | None = None
) -> Symbolic:
    """Translate the version of ``scheme`` in force on ``on``; with ``removed`` (a collection
    and a slot), the same application without that item, over the same variables."""
    version = scheme.version_at(on)
    params = dict(version.parameters_at(on))
    exprs: list[Expr] = list(version.expressions())
    probe = Shape(scheme.application_type, max_items, on, Facts())
    facts = collect(exprs, params, probe.is_collection)
    shape = Shape(scheme.application_type, max_items, on, facts, removed)
    t = Translator(shape, params)
    out = Symbolic(scheme, version, on, params, shape, t)
    for amount in version.amounts:
        owner = f"amount {amount.id}"
        try:
            value, guards = _with_exceptions(
                t, owner, t.value(amount.formula), amount.exceptions, out
            )
            term = as_money(value, owner)
        except Untranslatable as reason:
            out.opaque[owner] = str(reason)
            term, guards = z3.Int(f"{owner}#opaque"), ()
        t.amounts[amount.id] = Money(term)
        out.amounts[amount.id] = term
        out.amount_exceptions[amount.id] = guards
    for criterion in version.criteria:
        owner = f"criterion {criterion.id}"
        try:
            applies = (
                z3.BoolVal(True)
                if criterion.applies_if is None
                else t.condition(criterion.applies_if)
            )
            held, guards = _with_exceptions(
                t, owner, t.value(criterion.condition), criterion.exceptions, out
            )
            verdict = Verdict(applies, as_bool(held, owner), guards)
        except Untranslatable as reason:
            out.opaque[owner] = str(reason)
            verdict = Verdict(z3.Bool(f"{owner}#applies"), z3.Bool(f"{owner}#held"), ())
        out.verdicts[criterion.id] = verdict
    out.eligible = z3.And(
        [
            z3.Not(out.verdicts[c.id].failed)
            for c in version.criteria
            if c.severity is Severity.BLOCKING
        ]
    )
    out.award = z3.If(out.eligible, out.award_amount, 0)
    return out
