"""Read the shape of a scheme's award formula: its rate, what the rate applies to, its ceilings.

The award invariants need to know, for one application, which rate applied and to what base,
and which ceilings capped it.  They are found by walking the award :class:`Amount`'s formula
and each labelled exception's replacement (a *branch*): the branch's one
:class:`~grantrules.expressions.ApplyRate` node gives the rate and its base, and the other
operands of every ``minimum(...)`` above it are the ceilings.  A branch with no rate, or with
several, has no recognised shape and the rate invariants skip it; a branch where the rate sits
under a conditional or a ``maximum`` is not *plain*, and the rounding invariants skip it.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import attrs

from grantrules.amounts import Amount
from grantrules.decision import Decision
from grantrules.errors import GrantRulesError
from grantrules.expressions import (
    ApplyRate,
    Compiled,
    Env,
    Expr,
    Extremum,
    MissingInput,
    Param,
    Round,
    When,
)
from grantrules.money import Euro, Rate
from grantrules.scheme import Scheme, SchemeVersion

__all__ = ["Branch", "Figures", "branches", "figures"]

_ONE_CENT = Euro("0.01")


@attrs.frozen(eq=False)
class Branch:
    """One way the award is computed: the rate node, the ceilings above it, and whether the
    path from the top of the formula to the rate holds only ``minimum`` and arithmetic."""

    rate: ApplyRate | None
    caps: tuple[Expr, ...]
    plain: bool
    # The largest step the branch rounds to (a cent, a euro...): what rounding may take off.
    quantum: Euro = _ONE_CENT


@attrs.frozen
class Figures:
    """The award's figures for one application, evaluated exactly.

    Attributes:
        rate: the rate of the branch that applied (None when the shape is not recognised).
        base: what that rate applies to in the formula (``eligible_cost`` in a sound scheme).
        caps: ceilings of the branch that applied.
        all_caps: ceilings of every branch (a per-beneficiary ceiling binds them all).
        plain: whether only ``minimum`` and arithmetic sit above the rate.
        all_rates: the rates of every branch (the scheme's rates, when the branch that
            applied shows none).
        quantum: the largest step the branch that applied rounds to (one cent by default).
    """

    rate: Rate | None
    base: Euro | None
    caps: tuple[Euro, ...]
    all_caps: tuple[Euro, ...]
    plain: bool
    all_rates: tuple[Rate, ...] = ()
    quantum: Euro = _ONE_CENT


def _path_to(node: Expr, target: Expr) -> list[Expr] | None:
    if node is target:
        return [node]
    for child in node.children():
        found = _path_to(child, target)
        if found is not None:
            return [node, *found]
    return None


def _branch(formula: Expr) -> Branch:
    rates = [n for n in formula.walk() if isinstance(n, ApplyRate)]
    quantum = max(
        (n.rounding.quantum for n in formula.walk() if isinstance(n, ApplyRate | Round)),
        default=_ONE_CENT,
    )
    if len(rates) != 1:
        return Branch(None, (), False, quantum)
    path = _path_to(formula, rates[0]) or []
    caps: list[Expr] = []
    plain = True
    for parent, child in itertools.pairwise(path):
        if isinstance(parent, Extremum) and parent.op == "min":
            caps += [o for o in parent.operands if o is not child]
        elif isinstance(parent, When | Extremum):
            plain = False
    return Branch(rates[0], tuple(caps), plain, quantum)


_BRANCHES: dict[int, tuple[Amount, dict[str | None, Branch]]] = {}


def branches(amount: Amount) -> dict[str | None, Branch]:
    """The branches of ``amount``: ``None`` for the formula, each exception's label else."""
    cached = _BRANCHES.get(id(amount))
    if cached is not None and cached[0] is amount:
        return cached[1]
    found: dict[str | None, Branch] = {None: _branch(amount.formula)}
    for override in amount.exceptions:
        found[override.label] = _branch(override.then)
    _BRANCHES[id(amount)] = (amount, found)
    return found


_CLOSURES: dict[int, tuple[Expr, Compiled]] = {}


def _closure(expr: Expr) -> Compiled:
    cached = _CLOSURES.get(id(expr))
    if cached is None or cached[0] is not expr:
        cached = _CLOSURES[id(expr)] = (expr, expr.compile())
    return cached[1]


def _value(expr: Expr, env: Env) -> Any:
    try:
        return _closure(expr)(env, None)
    except (MissingInput, GrantRulesError, TypeError):
        return None


def _euros(exprs: tuple[Expr, ...], env: Env) -> tuple[Euro, ...]:
    return tuple(v for v in (_value(e, env) for e in exprs) if isinstance(v, Euro))


def award_amount(version: SchemeVersion) -> Amount:
    return version.amount(version.award)


def ceiling_params(version: SchemeVersion, names: tuple[str, ...]) -> tuple[Expr, ...]:
    return tuple(Param(name) for name in names if name in version.parameters)


def figures(
    scheme: Scheme,
    app: Any,
    decision: Decision,
    amounts: dict[str, Euro | None],
    extra_ceilings: tuple[str, ...] = (),
) -> Figures:
    """Evaluate the award's rate, base and ceilings for ``app`` as ``decision`` decided it."""
    day: datetime.date = decision.evaluated_on
    version = scheme.version_at(day)
    env = Env(app, version.parameters_at(day), dict(amounts), day)
    award = award_amount(version)
    trace = next(a for a in decision.amounts if a.id == award.id)
    label = None if trace.exception in (None, "ineligible") else trace.exception
    if trace.exception == "ineligible":
        label = _label_when_ineligible(award, env)
    every = branches(award)
    branch = every.get(label.split("+")[0] if label else None, every[None])
    extra = ceiling_params(version, extra_ceilings)
    all_caps = _euros(tuple(c for b in every.values() for c in b.caps) + extra, env)
    all_rates = tuple(
        r
        for b in every.values()
        if b.rate is not None
        for r in [_value(b.rate.rate, env)]
        if isinstance(r, Rate)
    )
    if branch.rate is None:
        caps = _euros(branch.caps + extra, env)
        return Figures(None, None, caps, all_caps, False, all_rates, branch.quantum)
    rate = _value(branch.rate.rate, env)
    base = _value(branch.rate.amount, env)
    return Figures(
        rate if isinstance(rate, Rate) else None,
        base if isinstance(base, Euro) else None,
        _euros(branch.caps + extra, env),
        all_caps,
        branch.plain,
        all_rates,
        branch.quantum,
    )


def _label_when_ineligible(award: Amount, env: Env) -> str | None:
    """The exception that would have applied (an ineligible decision does not record it)."""
    for override in award.exceptions:
        if _value(override.when, env):
            return override.label
    return None
