"""The scheme's own funding invariants (``SchemeVersion.invariants``) as test invariants.

Each :class:`~grantrules.funding.Invariant` a scheme declares becomes a test invariant named
``scheme.<id>``, checked on generated applications like the generic ones: the expression is
evaluated on the application, the parameters in force and the amounts as computed (the award
included).  An example reaches it when the application is eligible (unless the invariant
says ``eligible_only=False``), its ``when`` holds, and every input it reads is given.
"""

from __future__ import annotations

import operator
from typing import Any

from grantrules.decision import Decision
from grantrules.expressions import Env, Input, MissingInput, RenderContext
from grantrules.funding import Invariant as Declared
from grantrules.rules import fill
from grantrules.scheme import Scheme
from grantrules.testing._award import closure_of
from grantrules.testing._subject import InvariantViolation, Subject

__all__ = ["PREFIX", "check_declared", "declared"]

#: Test names of declared invariants: ``scheme.public_cap``.
PREFIX = "scheme."


def declared(scheme: Scheme) -> dict[str, Declared]:
    """The invariants the scheme's versions declare, by test name, the latest version's
    wording first (a version may drop or reword one)."""
    found: dict[str, Declared] = {}
    for version in reversed(scheme.versions):
        for invariant in version.invariants:
            found.setdefault(PREFIX + invariant.id, invariant)
    return dict(sorted(found.items()))


def _values(inputs: frozenset[Input], env: Env) -> dict[str, Any]:
    """The values the message's placeholders may show, read as the rules read them."""
    values: dict[str, Any] = {}
    for found in inputs:
        if found.kind == "param" and found.name in env.params:
            values[found.name] = env.params[found.name]
        elif found.kind == "amount" and env.amounts.get(found.name) is not None:
            values[found.name] = env.amounts[found.name]
        elif found.kind == "field" and "[]" not in found.name:
            try:
                value = operator.attrgetter(found.name)(env.app)
            except AttributeError:
                continue
            if value is not None:
                values[found.name] = value
    return values


def _summary(decision: Decision, env: Env) -> str:
    figures = ", ".join(f"{k}={v}" for k, v in env.amounts.items())
    return (
        f"application {decision.application!r} on {decision.evaluated_on}: "
        f"eligible={decision.eligible}, {figures}"
    )


def check_declared(name: str, subject: Subject, app: Any) -> bool:
    """Check the declared invariant ``name`` (``scheme.<id>``) on ``app``; False when the
    application does not reach it (ineligible, ``when`` false, an input missing, or the
    version in force does not declare it)."""
    decision = subject.decide(app)
    day = decision.evaluated_on
    version = subject.scheme.version_at(day)
    invariant = next((i for i in version.invariants if PREFIX + i.id == name), None)
    if invariant is None or (invariant.eligible_only and not decision.eligible):
        return False
    env = Env(app, version.parameters_at(day), dict(subject.amounts(decision)), day)
    try:
        if invariant.when is not None and not closure_of(invariant.when)(env, None):
            return False
        held = closure_of(invariant.holds)(env, None)
    except MissingInput:
        return False
    if not held:
        labels = version.all_labels()
        rule = invariant.holds.render(RenderContext("en", labels))
        message = fill(invariant.text("en"), _values(invariant.inputs(), env), "en")
        raise InvariantViolation(
            name,
            f"“{message}” does not hold ({invariant.basis}): false that {rule}; "
            f"{_summary(decision, env)}",
            app,
        )
    return True
