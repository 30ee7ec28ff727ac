"""The generic funding invariants, each as a solver condition and as an evaluator check.

Every claim states what a *violation* is twice: as a z3 condition over the symbolic decision
(the solver looks for an application satisfying it) and as a check on a real
:class:`~grantrules.decision.Decision` (so that a counterexample is confirmed by
:func:`grantrules.evaluate`, not only by the translation).  The award's shape (its rate, the
ceilings above it) is read as the Hypothesis invariants read it: one branch per labelled
exception, the ``minimum(...)`` operands on the path to the rate are its ceilings, and a
ceiling of any branch binds them all.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import z3

from grantrules.amounts import Amount
from grantrules.decision import Decision
from grantrules.expressions import AmountRef, ApplyRate, Env, Expr, Extremum, Param, When
from grantrules.money import Euro, Rate
from grantrules.prove._decision import Symbolic
from grantrules.prove._rounding import quantum_cents
from grantrules.prove._values import Untranslatable, as_rate

__all__ = ["Claim", "Options", "claims"]

Texts = dict[str, str]
#: A check on the evaluator's decision: the violation it shows (fr, en), or None.
Check = Callable[[Decision, Env], Texts | None]


@attrs.frozen
class Claim:
    """One invariant: ``violation`` (None when there is nothing to prove, see ``reason``)."""

    id: str
    violation: Any
    check: Check
    reason: Texts | None = None


@attrs.frozen
class Options:
    """Names the claims use, as :class:`grantrules.testing.invariants.Config` has them:
    ``eligible_cost``, the amount holding the eligible base (the rate's bound applies to it
    too, when the scheme has it); ``ceilings``, parameters that cap the award besides those
    its formula shows."""

    eligible_cost: str = "eligible_cost"
    ceilings: tuple[str, ...] = ()


@attrs.frozen
class _Branch:
    guard: Any
    rate: ApplyRate | None
    caps: tuple[Expr, ...]
    plain: bool


def _path(node: Expr, target: Expr) -> list[Expr]:
    if node is target:
        return [node]
    for child in node.children():
        found = _path(child, target)
        if found:
            return [node, *found]
    return []


def _branches(sym: Symbolic) -> list[_Branch]:
    award: Amount = sym.version.amount(sym.version.award)
    guards = sym.amount_exceptions.get(award.id, ())
    none_applies = z3.And([z3.Not(g) for _, g in guards]) if guards else z3.BoolVal(True)
    found = []
    formulas = [(none_applies, award.formula)]
    formulas += [(g, o.then) for (_, g), o in zip(guards, award.exceptions, strict=False)]
    for guard, formula in formulas:
        rates = [n for n in formula.walk() if isinstance(n, ApplyRate)]
        if len(rates) != 1:
            found.append(_Branch(guard, None, (), False))
            continue
        caps: list[Expr] = []
        plain = True
        for parent, child in itertools.pairwise(_path(formula, rates[0])):
            if isinstance(parent, Extremum) and parent.op == "min":
                caps += [o for o in parent.operands if o is not child]
            elif isinstance(parent, When | Extremum):
                plain = False
        found.append(_Branch(guard, rates[0], tuple(caps), plain))
    return found


def _value(expr: Expr, env: Env) -> Any:
    return expr.compile()(env, None)


def _texts(fr: str, en: str) -> Texts:
    return {"fr": fr, "en": en}


def _non_negative(sym: Symbolic, options: Options) -> Claim:
    def check(decision: Decision, env: Env) -> Texts | None:
        if decision.award < Euro.ZERO:
            return _texts(f"aide négative : {decision.award}", f"negative award: {decision.award}")
        return None

    return Claim("award_non_negative", sym.award < 0, check)


def _zero_when_ineligible(sym: Symbolic, options: Options) -> Claim:
    def check(decision: Decision, env: Env) -> Texts | None:
        if not decision.eligible and decision.award != Euro.ZERO:
            return _texts(
                f"inéligible mais aide de {decision.award}",
                f"ineligible but awarded {decision.award}",
            )
        return None

    return Claim("award_zero_when_ineligible", z3.And(z3.Not(sym.eligible), sym.award != 0), check)


def _cents(sym: Symbolic, expr: Expr) -> Any:
    return sym.translator.money(expr)


def _within_ceilings(sym: Symbolic, options: Options) -> Claim:
    caps = [c for b in _branches(sym) for c in b.caps]
    caps += [Param(name) for name in options.ceilings if name in sym.params]
    unique = list({id(c): c for c in caps}.values())
    if not unique:
        return Claim(
            "award_within_ceilings",
            None,
            _no_check,
            _texts(
                "la formule de l'aide ne la plafonne par aucun plafond",
                "the award formula caps it by no ceiling",
            ),
        )
    terms = [_cents(sym, c) for c in unique]
    violation = z3.And(sym.eligible, z3.Or([sym.award > t for t in terms]))

    def check(decision: Decision, env: Env) -> Texts | None:
        for cap in unique:
            value = _value(cap, env)
            if decision.eligible and isinstance(value, Euro) and decision.award > value:
                return _texts(
                    f"aide {decision.award} > plafond {value}",
                    f"award {decision.award} > ceiling {value}",
                )
        return None

    return Claim("award_within_ceilings", violation, check)


def _bases(sym: Symbolic, branch: _Branch, options: Options) -> list[Expr]:
    """What the branch's rate must bound: the amount it applies to in the formula, and the
    scheme's eligible base (a rate applied to the total cost exceeds the latter)."""
    assert branch.rate is not None
    found = [branch.rate.amount]
    if options.eligible_cost in sym.amounts:
        found.append(AmountRef(options.eligible_cost))
    return found


def _within_rate(sym: Symbolic, options: Options) -> Claim:
    plain = [b for b in _branches(sym) if b.rate is not None and b.plain]
    if not plain:
        return Claim(
            "award_within_rate",
            None,
            _no_check,
            _texts(
                "aucune branche de l'aide n'applique un taux sous des seuls minimum()",
                "no branch of the award applies one rate under minimum() only",
            ),
        )
    violations = []
    for branch in plain:
        assert branch.rate is not None
        rate = as_rate(sym.translator.value(branch.rate.rate), "the award's rate")
        for expr in _bases(sym, branch, options):
            base = sym.translator.money(expr)
            # Exact: award x q > base x p means the award exceeds rate x base before rounding.
            over = [
                z3.And(g, sym.award * f.denominator > base * f.numerator) for g, f in rate.options
            ]
            violations.append(z3.And(sym.eligible, branch.guard, z3.Or(over)))

    def check(decision: Decision, env: Env) -> Texts | None:
        if not decision.eligible:
            return None
        for branch in plain:
            assert branch.rate is not None
            rate = _value(branch.rate.rate, env)
            for expr in _bases(sym, branch, options):
                base = _value(expr, env)
                if not (isinstance(rate, Rate) and isinstance(base, Euro)):
                    continue
                exact = Fraction(rate.value) * Fraction(base.amount)
                if Fraction(decision.award.amount) > exact and _branch_applies(branch, env, sym):
                    shown = Decimal(exact.numerator) / exact.denominator
                    return _texts(
                        f"aide {decision.award} > {rate} × {base} = {shown}",
                        f"award {decision.award} > {rate} × {base} = {shown}",
                    )
        return None

    return Claim("award_within_rate", z3.Or(violations), check)


def _within_rate_bound(sym: Symbolic, options: Options) -> Claim | None:
    """The award never exceeds the scheme's maximum rate (its metadata's
    ``subvention_rate_upper_bound``) of what its rate applies to, whichever branch applied:
    an exception that raises the rate above the cap is caught here."""
    bound = sym.scheme.metadata.subvention_rate_upper_bound
    plain = [b for b in _branches(sym) if b.rate is not None and b.plain]
    if bound is None or not plain:
        return None
    violations = []
    for branch in plain:
        assert branch.rate is not None
        base = sym.translator.money(branch.rate.amount)
        violations.append(z3.And(sym.eligible, branch.guard, sym.award * 100 > base * bound))

    def check(decision: Decision, env: Env) -> Texts | None:
        if not decision.eligible:
            return None
        for branch in plain:
            assert branch.rate is not None
            base = _value(branch.rate.amount, env)
            if not isinstance(base, Euro) or not _branch_applies(branch, env, sym):
                continue
            if decision.award.amount * 100 > base.amount * bound:
                return _texts(
                    f"aide {decision.award} > {bound} % de {base} (taux maximal du dispositif)",
                    f"award {decision.award} > {bound}% of {base} (the scheme's maximum rate)",
                )
        return None

    return Claim("award_within_rate_bound", z3.Or(violations), check)


def _branch_applies(branch: _Branch, env: Env, sym: Symbolic) -> bool:
    award = sym.version.amount(sym.version.award)
    applying = [o for o in award.exceptions if _value(o.when, env)]
    rates = [n for o in applying for n in o.then.walk() if isinstance(n, ApplyRate)]
    if not applying:
        rates = [n for n in award.formula.walk() if isinstance(n, ApplyRate)]
    return any(r is branch.rate for r in rates)  # nodes compare by identity


def _whole_quantum(sym: Symbolic, options: Options) -> Claim:
    declared = [a for a in sym.version.amounts if a.rounding is not None]
    parts = []
    for amount in declared:
        assert amount.rounding is not None
        quantum = quantum_cents(amount.rounding)
        if quantum == 1:
            continue  # amounts are whole cents by construction
        term = sym.award if amount.id == sym.version.award else sym.amounts[amount.id]
        parts.append(term % quantum != 0)

    def check(decision: Decision, env: Env) -> Texts | None:
        values = {a.id: a.value for a in decision.amounts}
        values[sym.version.award] = decision.award
        for amount in declared:
            assert amount.rounding is not None
            value = values.get(amount.id)
            if value is not None and not value.is_multiple_of(amount.rounding.quantum):
                return _texts(
                    f"{amount.id} = {value} n'est pas un multiple de {amount.rounding.quantum}",
                    f"{amount.id} = {value} is not a multiple of {amount.rounding.quantum}",
                )
        return None

    return Claim("award_whole_cents", z3.Or(parts) if parts else z3.BoolVal(False), check)


def _no_check(decision: Decision, env: Env) -> Texts | None:
    return None


def claims(sym: Symbolic, options: Options | None = None) -> list[Claim | tuple[str, Texts]]:
    """The generic invariants of ``sym``'s version; a claim that cannot be stated is given
    as (id, reason)."""
    found: list[Claim | tuple[str, Texts]] = []
    for name, build in _BUILDERS:
        try:
            claim = build(sym, options or Options())
            if claim is not None:
                found.append(claim)
        except Untranslatable as reason:
            found.append((name, _texts(f"non traduit : {reason}", f"not translated: {reason}")))
    return found


_BUILDERS: tuple[tuple[str, Callable[[Symbolic, Options], Claim | None]], ...] = (
    ("award_non_negative", _non_negative),
    ("award_zero_when_ineligible", _zero_when_ineligible),
    ("award_within_ceilings", _within_ceilings),
    ("award_within_rate", _within_rate),
    ("award_within_rate_bound", _within_rate_bound),
    ("award_whole_cents", _whole_quantum),
)
