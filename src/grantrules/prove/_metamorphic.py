"""``ineligible_line_irrelevant``, proved: removing an ineligible cost line changes neither
the eligible base nor the award.

The property compares two applications, so the solver compares two translations over the
same variables: the application, and the same application with one cost slot left out (one
translation per slot).  A line is ineligible when the eligible base's filter rejects it (the
``where`` of ``sum_of(...)``), or, when the base has no filter, when its category is not in
the ``eligible_categories`` code list (as :class:`grantrules.testing.invariants.Config`
names them).
"""

from __future__ import annotations

from typing import Any

import attrs
import z3

from grantrules.decision import Decision
from grantrules.evaluate import evaluate
from grantrules.expressions import Aggregate, Env, Expr, In, Item, Param
from grantrules.prove._claims import Claim, Options, Texts
from grantrules.prove._decision import Symbolic, symbolic

__all__ = ["ineligible_line_irrelevant"]

NAME = "ineligible_line_irrelevant"


def _filter(sym: Symbolic, options: Options) -> tuple[str, Expr] | None:
    """The collection of cost lines and the condition that makes a line eligible."""
    if options.eligible_cost not in sym.amounts:
        return None
    formula = sym.version.amount(options.eligible_cost).formula
    if type(formula) is Aggregate and formula.where is not None:
        return formula.collection, formula.where
    if "eligible_categories" in sym.params and sym.shape.is_collection("costs"):
        return "costs", In(Item("costs", "category"), Param("eligible_categories"))
    return None


def _key(decision: Decision, eligible_cost: str) -> tuple[Any, Any]:
    base = next((a.value for a in decision.amounts if a.id == eligible_cost), None)
    return base, decision.award if decision.eligible else None


def ineligible_line_irrelevant(sym: Symbolic, options: Options) -> Claim | None:
    """The claim, or None when the scheme shows no eligible base with a line filter."""
    found = _filter(sym, options)
    if found is None:
        return None
    path, where = found
    if "." in path:
        return None  # a nested collection: the check below rebuilds top-level fields only
    coll = sym.shape.collection(path)
    violations = []
    for slot in range(coll.size):
        other = symbolic(sym.scheme, sym.on, coll.size, removed=(path, slot))
        ineligible = z3.Not(sym.translator.condition(where, (path, slot)))
        base, base_without = (
            sym.amounts[options.eligible_cost],
            other.amounts[options.eligible_cost],
        )
        both = z3.And(sym.eligible, other.eligible)
        changed = z3.Or(base != base_without, z3.And(both, sym.award != other.award))
        consistent = [z3.Not(c) for _, _, c in other.conflicts]
        violations.append(z3.And(coll.active(slot), ineligible, changed, *consistent))

    def check(decision: Decision, env: Env) -> Texts | None:
        lines = getattr(env.app, path)
        condition = where.compile()
        before = _key(decision, options.eligible_cost)
        for index, line in enumerate(lines):
            if condition(env, line):
                continue
            smaller = attrs.evolve(env.app, **{path: lines[:index] + lines[index + 1 :]})
            after = _key(evaluate(sym.scheme, smaller, on=sym.on), options.eligible_cost)
            if after != before:
                return {
                    "fr": f"retirer la ligne inéligible {index} change (base, aide) de "
                    f"{before} à {after}",
                    "en": f"removing ineligible line {index} changes (base, award) from "
                    f"{before} to {after}",
                }
        return None

    return Claim(NAME, z3.Or(violations), check)
