"""The scheme's own funding invariants (``SchemeVersion.invariants``), proved.

Each declared invariant becomes the claim ``scheme.<id>`` (the name the property tests give
it): for every application within the bounds that is eligible (unless the invariant says
``eligible_only=False``) and satisfies its ``when``, its ``holds`` expression is true; the
amounts it reads (the award among them) are the computed amounts.  A counterexample is
confirmed as the property test checks it: the expression evaluated on the application, the
parameters and the amounts of the evaluator's decision.
"""

from __future__ import annotations

from typing import Any

import z3

from grantrules.decision import Decision
from grantrules.expressions import Env, MissingInput
from grantrules.prove._claims import Claim, Texts
from grantrules.prove._decision import Symbolic
from grantrules.prove._values import Untranslatable

__all__ = ["PREFIX", "declared_claims"]

#: Names of declared invariants, as the property tests name them: ``scheme.public_cap``.
PREFIX = "scheme."


def _claim(sym: Symbolic, invariant: Any) -> Claim:
    t = sym.translator
    scope = [sym.eligible] if invariant.eligible_only else []
    if invariant.when is not None:
        scope.append(t.condition(invariant.when))
    violation = z3.And(*scope, z3.Not(t.condition(invariant.holds)))

    def check(decision: Decision, env: Env) -> Texts | None:
        if invariant.eligible_only and not decision.eligible:
            return None
        try:
            if invariant.when is not None and not invariant.when.compile()(env, None):
                return None
            held = invariant.holds.compile()(env, None)
        except MissingInput:
            return None
        if held:
            return None
        return {
            "fr": f"« {invariant.text('fr')} » n'est pas vrai ({invariant.basis})",
            "en": f"“{invariant.text('en')}” does not hold ({invariant.basis})",
        }

    return Claim(PREFIX + invariant.id, violation, check)


def declared_claims(sym: Symbolic) -> list[Claim | tuple[str, Texts]]:
    """A claim per invariant the version declares; (name, reason) for one that does not
    translate."""
    found: list[Claim | tuple[str, Texts]] = []
    for invariant in getattr(sym.version, "invariants", ()):
        try:
            found.append(_claim(sym, invariant))
        except Untranslatable as reason:
            found.append(
                (
                    PREFIX + invariant.id,
                    {"fr": f"non traduit : {reason}", "en": f"not translated: {reason}"},
                )
            )
    return found
