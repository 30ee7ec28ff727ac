"""Read the shape of a scheme's award formula: its rate, what the rate applies to, its ceilings.

The award invariants need to know, for one application, which rate applied and to what base,
and which ceilings capped it.  They are found by walking the award :class:`Amount`'s formula
and each labelled exception's replacement (a *branch*): the branch's one
:class:`~grantrules.expressions.ApplyRate` node gives the rate and its base, and the other
operands of every ``minimum(...)`` above it are the ceilings.  A branch with no rate, or with
several, has no recognised shape and the rate invariants skip it.

The rounding invariants compare the award with the *exact* value of the same branch: the tree
evaluated with every rounding disabled (:func:`exact_value`), so that whatever surrounds the
rate (a subtraction, a ``maximum``, a conditional) is followed rather than guessed.  A
rounding hidden under a node this evaluation does not follow (a sum over items of rounded
products, a scheme's own node) leaves the branch unbounded, and those invariants skip it.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import itertools
from decimal import Decimal
from typing import Any

import attrs

from grantrules.amounts import Amount
from grantrules.decision import Decision
from grantrules.errors import GrantRulesError
from grantrules.expressions import (
    ApplyRate,
    Arith,
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
_EXACT = decimal.Context(prec=60)
_ROUNDING = ApplyRate | Round


@attrs.frozen(eq=False)
class Branch:
    """One way the award is computed: the rate node, the ceilings above it, and whether the
    path from the top of the formula to the rate holds only ``minimum`` and arithmetic."""

    rate: ApplyRate | None
    caps: tuple[Expr, ...]
    plain: bool
    # The largest step the branch rounds to (a cent, a euro...): what rounding may take off.
    quantum: Euro = _ONE_CENT
    #: The branch's formula (what :func:`exact_value` evaluates without rounding).
    formula: Expr | None = None
    #: The node that hides a rounding from the exact evaluation, if any.
    blocker: Expr | None = None


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
        exact: the branch's formula evaluated with every rounding disabled (None when a
            rounding hides where that evaluation cannot follow, or an input is missing).
        slack: what the branch's roundings may take off (or add to) ``exact`` at most,
            exclusive: the sum of the steps of the roundings the value went through.
    """

    rate: Rate | None
    base: Euro | None
    caps: tuple[Euro, ...]
    all_caps: tuple[Euro, ...]
    plain: bool
    all_rates: tuple[Rate, ...] = ()
    quantum: Euro = _ONE_CENT
    exact: Decimal | None = None
    slack: Decimal | None = None


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
    blocker = rounding_blocker(formula)
    if len(rates) != 1:
        return Branch(None, (), False, quantum, formula, blocker)
    path = _path_to(formula, rates[0]) or []
    caps: list[Expr] = []
    plain = True
    for parent, child in itertools.pairwise(path):
        if isinstance(parent, Extremum) and parent.op == "min":
            caps += [o for o in parent.operands if o is not child]
        elif isinstance(parent, When | Extremum):
            plain = False
    return Branch(rates[0], tuple(caps), plain, quantum, formula, blocker)


def rounding_blocker(formula: Expr) -> Expr | None:
    """The node under which a rounding hides from :func:`exact_value`, or None.

    >>> from grantrules.expressions import collection, param, sum_of, minimum
    >>> costs = collection("costs")
    >>> print(rounding_blocker(minimum(param("rate").of(param("base")), param("cap"))))
    None
    >>> type(rounding_blocker(sum_of(param("rate").of(costs.amount)))).__name__
    'Aggregate'
    """
    if isinstance(formula, When):  # the condition is read as it is, rounded or not
        return rounding_blocker(formula.then) or rounding_blocker(formula.otherwise)
    if isinstance(formula, ApplyRate):
        return rounding_blocker(formula.amount)
    if isinstance(formula, Round | Arith | Extremum):
        for child in formula.children():
            found = rounding_blocker(child)
            if found is not None:
                return found
        return None
    if any(isinstance(node, _ROUNDING) for node in formula.walk()):
        return formula
    return None


def exact_value(formula: Expr, env: Env) -> tuple[Decimal, Decimal] | None:
    """``formula`` evaluated with every rounding disabled, and the most its roundings move it.

    Returns ``(exact, slack)``: the rounded formula lies strictly within ``slack`` of
    ``exact``, since ``minimum``, ``maximum``, ``+`` and ``-`` move their result by no more
    than they move their operands, a rate of at most 100 % shrinks what it applies to, and each
    rounding adds less than its step.  None when an input is missing, the formula does not give
    an amount, or a rounding hides under a node this evaluation does not follow (see
    :func:`rounding_blocker`).

    >>> from grantrules.expressions import param, minimum
    >>> formula = minimum(param("asked"), param("rate").of(param("base")) - param("other"))
    >>> env = Env(None, {"asked": Euro("9000.00"), "rate": Rate("60%"), "base": Euro("1000.01"),
    ...                  "other": Euro("100.00")}, {}, datetime.date(2025, 3, 14))
    >>> exact_value(formula, env)
    (Decimal('500.006'), Decimal('0.01'))
    """
    if rounding_blocker(formula) is not None:
        return None
    try:
        found = _exact(formula, env)
    except (MissingInput, GrantRulesError, TypeError, ArithmeticError):
        return None
    return found if isinstance(found[0], Decimal) else None


def _exact(node: Expr, env: Env) -> tuple[Any, Decimal]:
    if isinstance(node, When):
        return _exact(node.then if closure_of(node.condition)(env, None) else node.otherwise, env)
    actual = closure_of(node)(env, None)
    if not isinstance(actual, Euro):
        return actual, Decimal(0)
    if isinstance(node, ApplyRate):
        rate = closure_of(node.rate)(env, None)
        amount, slack = _exact(node.amount, env)
        scaled = _EXACT.multiply(abs(rate.value), slack)
        return _EXACT.multiply(rate.value, amount), scaled + node.rounding.quantum.amount
    if isinstance(node, Round):
        value, slack = _exact(node.operand, env)
        return value, slack + node.rounding.quantum.amount
    if isinstance(node, Arith) and node.op in ("add", "sub"):
        (left, a), (right, b) = _exact(node.left, env), _exact(node.right, env)
        combine = _EXACT.add if node.op == "add" else _EXACT.subtract
        return combine(left, right), a + b
    if isinstance(node, Extremum):
        parts = [_exact(o, env) for o in node.operands]
        pick = min if node.op == "min" else max
        return pick(value for value, _ in parts), max(slack for _, slack in parts)
    return actual.amount, Decimal(0)


# Amounts and expression nodes compare and hash by identity (``eq=False``): these caches
# hold the node itself, so an entry never answers for another node that reuses a freed id.
@functools.lru_cache(maxsize=1024)
def branches(amount: Amount) -> dict[str | None, Branch]:
    """The branches of ``amount``: ``None`` for the formula, each exception's label else."""
    found: dict[str | None, Branch] = {None: _branch(amount.formula)}
    for override in amount.exceptions:
        found[override.label] = _branch(override.then)
    return found


@functools.lru_cache(maxsize=4096)
def closure_of(expr: Expr) -> Compiled:
    """``expr`` compiled to a closure, once per node (the reference reads of the toolkit)."""
    return expr.compile()


def _value(expr: Expr, env: Env) -> Any:
    try:
        return closure_of(expr)(env, None)
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
    exact = exact_value(branch.formula, env) if branch.formula is not None else None
    exact_value_, slack = exact if exact is not None else (None, None)
    if branch.rate is None:
        caps = _euros(branch.caps + extra, env)
        return Figures(
            None, None, caps, all_caps, False, all_rates, branch.quantum, exact_value_, slack
        )
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
        exact_value_,
        slack,
    )


def _label_when_ineligible(award: Amount, env: Env) -> str | None:
    """The exception that would have applied (an ineligible decision does not record it)."""
    for override in award.exceptions:
        if _value(override.when, env):
            return override.label
    return None
