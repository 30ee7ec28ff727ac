"""Run the analysis: proofs, witnesses, and the evaluator's confirmation of each document.

Every document the solver produces (a counterexample, a witness) is evaluated by
:func:`grantrules.evaluate` before it is reported: a counterexample is ``violated`` only when
the evaluator's decision shows the violation, a witness ``found`` only when the evaluator's
decision has the outcome.  Otherwise the solver and the evaluator disagree, which is a bug in
one of them and is reported as such (or, when an untranslated node was involved, the result
is ``unknown`` naming it).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import z3

from grantrules.decision import Decision
from grantrules.errors import EvaluationError, InvalidArgument
from grantrules.evaluate import evaluate
from grantrules.expressions import Env
from grantrules.prove._claims import Claim, Options, Texts, claims
from grantrules.prove._context import fresh_context
from grantrules.prove._decision import Symbolic, symbolic
from grantrules.prove._declared import declared_claims
from grantrules.prove._document import document
from grantrules.prove._metamorphic import ineligible_line_irrelevant
from grantrules.prove._report import (
    CONFIRMED,
    DISAGREES,
    FOUND,
    PROVED,
    UNKNOWN,
    UNREACHABLE,
    VIOLATED,
    InvariantResult,
    Report,
    WitnessResult,
)
from grantrules.prove._values import Untranslatable
from grantrules.prove._witnesses import Goal, eligible_goal, goals
from grantrules.scheme import Scheme
from grantrules.serde import structure_application

__all__ = ["DEFAULT_MAX_ITEMS", "check", "witness_documents"]

#: How many items each collection holds at most, unless told otherwise.
DEFAULT_MAX_ITEMS = 4
#: How long the solver may think about one question, in seconds.
DEFAULT_TIMEOUT = 30.0


def _texts(fr: str, en: str) -> Texts:
    return {"fr": fr, "en": en}


_PRESENCE = _texts(
    "la règle teste si une donnée facultative est fournie ; dans les bornes, elle l'est "
    "toujours : ce cas n'est pas exploré",
    "the rule tests whether an optional input is given; within the bounds it always is, so "
    "this case is not explored",
)


class _Run:
    def __init__(self, scheme: Scheme, sym: Symbolic, timeout: float) -> None:
        self.scheme, self.sym = scheme, sym
        self.solver = z3.Solver()
        self.timeout_ms = int(timeout * 1000)
        self.solver.set(timeout=self.timeout_ms)
        self.solver.add(sym.assumptions())

    def solve(self, condition: Any, solver: Any = None) -> tuple[str, Any]:
        solver = solver or self.solver
        solver.push()
        solver.add(condition)
        try:
            answer = solver.check()
            if answer != z3.sat:
                return str(answer), None
            model = solver.model()
            # A smaller document reads better: one item per collection when that suffices.
            solver.add([c.count <= 1 for c in self.sym.shape.collections.values()])
            if solver.check() == z3.sat:
                model = solver.model()
            return "sat", model
        finally:
            solver.pop()

    def gave_up(self) -> Texts:
        return _texts(
            "le solveur n'a pas conclu dans le temps imparti",
            "the solver did not conclude in the time allowed",
        )

    def opaque_note(self) -> Texts | None:
        if not self.sym.opaque:
            return None
        names = ", ".join(self.sym.opaque)
        return _texts(
            f"dépend de règles non traduites : {names}", f"depends on untranslated rules: {names}"
        )

    def decide(self, model: Any) -> tuple[dict[str, Any], Decision | Exception, Env | None]:
        """The document of ``model`` and the evaluator's decision on it (or its error)."""
        doc = document(self.sym.shape, model)
        try:
            app = structure_application(self.scheme, doc)
            decision = evaluate(self.scheme, app, on=self.sym.on)
        except Exception as error:  # whatever it is, the report shows it
            return doc, error, None
        amounts = {a.id: a.value for a in decision.amounts}
        return doc, decision, Env(app, self.sym.params, amounts, self.sym.on)

    # -- invariants ----------------------------------------------------------------------
    def invariant(self, claim: Claim) -> InvariantResult:
        if claim.violation is None:
            return InvariantResult(claim.id, UNKNOWN, claim.reason)
        answer, model = self.solve(claim.violation)
        if answer == "unsat":
            return InvariantResult(claim.id, PROVED, self.opaque_note())
        if model is None:
            return InvariantResult(claim.id, UNKNOWN, self.gave_up())
        doc, decision, env = self.decide(model)
        if isinstance(decision, Decision) and env is not None:
            shown = claim.check(decision, env)
            if shown is not None:
                return InvariantResult(claim.id, VIOLATED, shown, doc, CONFIRMED)
        return self._unconfirmed(claim.id, doc, decision)

    def _unconfirmed(self, claim_id: str, doc: dict[str, Any], decision: Any) -> InvariantResult:
        seen = (
            f"evaluate() raised {type(decision).__name__}: {decision}"
            if isinstance(decision, Exception)
            else "evaluate() shows no violation"
        )
        if self.sym.opaque:
            note = self.opaque_note()
            assert note is not None
            return InvariantResult(
                claim_id,
                UNKNOWN,
                _texts(f"{note['fr']} ; {seen}", f"{note['en']}; {seen}"),
                doc,
            )
        return InvariantResult(
            claim_id,
            UNKNOWN,
            _texts(
                "désaccord entre le solveur et l'évaluateur : le solveur trouve une violation, "
                f"{seen}",
                f"solver/evaluator disagreement: the solver finds a violation, {seen}",
            ),
            doc,
            DISAGREES,
        )

    def conflicts(self) -> InvariantResult:
        """``exceptions_consistent``: no two exceptions apply and disagree."""
        name = "exceptions_consistent"
        if not self.sym.conflicts:
            return InvariantResult(name, PROVED)
        solver = z3.Solver()
        solver.set(timeout=self.timeout_ms)
        solver.add(self.sym.shape.constraints)
        answer, model = self.solve(z3.Or([c for _, _, c in self.sym.conflicts]), solver)
        if answer == "unsat":
            return InvariantResult(name, PROVED, self.opaque_note())
        if model is None:
            return InvariantResult(name, UNKNOWN, self.gave_up())
        doc, decision, _ = self.decide(model)
        if isinstance(decision, EvaluationError):
            return InvariantResult(
                name, VIOLATED, _texts(str(decision), str(decision)), doc, CONFIRMED
            )
        return self._unconfirmed(name, doc, decision)

    # -- witnesses -----------------------------------------------------------------------
    def witness(self, goal: Goal, unreachable: Texts | None = None) -> WitnessResult:
        answer, model = self.solve(goal.condition)
        if answer == "unsat" and goal.presence:
            return WitnessResult(goal.rule, goal.outcome, UNKNOWN, _PRESENCE)
        if answer == "unsat":
            return WitnessResult(
                goal.rule, goal.outcome, UNREACHABLE, unreachable or goal.unreachable
            )
        if model is None:
            return WitnessResult(goal.rule, goal.outcome, UNKNOWN, self.gave_up())
        doc, decision, _ = self.decide(model)
        if isinstance(decision, Decision) and goal.reached(decision):
            return WitnessResult(goal.rule, goal.outcome, FOUND, None, doc, CONFIRMED)
        seen = (
            f"evaluate() raised {type(decision).__name__}: {decision}"
            if isinstance(decision, Exception)
            else "evaluate() decided otherwise"
        )
        if self.sym.opaque:
            note = self.opaque_note()
            assert note is not None
            return WitnessResult(
                goal.rule,
                goal.outcome,
                UNKNOWN,
                _texts(f"{note['fr']} ; {seen}", f"{note['en']}; {seen}"),
                doc,
            )
        return WitnessResult(
            goal.rule,
            goal.outcome,
            UNKNOWN,
            _texts(
                f"désaccord entre le solveur et l'évaluateur : {seen}",
                f"solver/evaluator disagreement: {seen}",
            ),
            doc,
            DISAGREES,
        )

    def blockers(self) -> Texts:
        """Why no application is eligible: the blocking criteria that cannot pass together."""
        solver = z3.Solver()
        solver.set(timeout=self.timeout_ms)
        solver.add(self.sym.assumptions())
        literals = {}
        for criterion_id, verdict in self.sym.verdicts.items():
            literal = z3.Bool(f"passes#{criterion_id}")
            solver.add(z3.Implies(literal, z3.Not(verdict.failed)))
            literals[criterion_id] = literal
        solver.add(z3.Implies(z3.And(list(literals.values())), self.sym.award > 0))
        names = list(literals)
        if solver.check(*literals.values()) == z3.unsat:
            core = {str(c) for c in solver.unsat_core()}
            names = [n for n in literals if f"passes#{n}" in core]
        listed = ", ".join(names)
        if len(names) == 1:
            return _texts(
                "aucune demande n'est éligible avec une aide positive dans les bornes : le "
                f"critère {listed} ne peut être rempli",
                "no application is eligible with an award above zero within the bounds: "
                f"criterion {listed} can never be met",
            )
        return _texts(
            "aucune demande n'est éligible avec une aide positive dans les bornes : les "
            f"critères {listed} ne peuvent être remplis ensemble",
            "no application is eligible with an award above zero within the bounds: criteria "
            f"{listed} cannot all be met together",
        )


def check(
    scheme: Scheme,
    on: datetime.date | None = None,
    max_items: int = DEFAULT_MAX_ITEMS,
    timeout: float = DEFAULT_TIMEOUT,
    eligible_cost: str = "eligible_cost",
    ceilings: tuple[str, ...] = (),
) -> Report:
    """Prove the generic invariants of the version of ``scheme`` in force on ``on`` (today
    by default) and find a witness for every outcome, within ``max_items`` items per
    collection.

    Args:
        scheme: the scheme (with any ``with_parameters`` overrides already applied).
        on: the evaluation date: the version and parameters in force that day.
        max_items: how many items each collection holds at most.
        timeout: how long the solver may think about one question, in seconds.
        eligible_cost: the amount holding the eligible base, which the award's rate must
            bound besides what it applies to in the formula (as
            :class:`grantrules.testing.invariants.Config` names it).
        ceilings: parameters that cap the award besides those its formula shows.

    Returns:
        The :class:`~grantrules.prove.Report`.

    Raises:
        InvalidArgument: ``max_items`` is not a whole number from 0 to 64.

    .. versionadded:: 0.3
    """
    _check_bound(max_items)
    return _analyse(
        scheme, on or datetime.date.today(), max_items, timeout, Options(eligible_cost, ceilings)
    )


def _check_bound(max_items: object) -> None:
    if isinstance(max_items, bool) or not isinstance(max_items, int) or not 0 <= max_items <= 64:
        raise InvalidArgument(f"max_items must be a whole number from 0 to 64, got {max_items!r}")


def _analyse(
    scheme: Scheme,
    day: datetime.date,
    max_items: int,
    timeout: float,
    options: Options,
    proofs: bool = True,
) -> Report:
    with fresh_context():
        return _analysis(scheme, day, max_items, timeout, options, proofs)


def _analysis(
    scheme: Scheme,
    day: datetime.date,
    max_items: int,
    timeout: float,
    options: Options,
    proofs: bool,
) -> Report:
    started = time.perf_counter()
    sym = symbolic(scheme, day, max_items)
    run = _Run(scheme, sym, timeout)
    results = []
    if proofs:
        for claim in claims(sym, options):
            if isinstance(claim, tuple):
                results.append(InvariantResult(claim[0], UNKNOWN, claim[1]))
            else:
                results.append(run.invariant(claim))
        try:
            line = ineligible_line_irrelevant(sym, options)
        except Untranslatable as reason:
            text = _texts(f"non traduit : {reason}", f"not translated: {reason}")
            results.append(InvariantResult("ineligible_line_irrelevant", UNKNOWN, text))
        else:
            if line is not None:
                results.append(run.invariant(line))
        results.append(run.conflicts())
        for claim in declared_claims(sym):
            if isinstance(claim, tuple):
                results.append(InvariantResult(claim[0], UNKNOWN, claim[1]))
            else:
                results.append(run.invariant(claim))
    witnesses = tuple(run.witness(g) for g in goals(sym))
    eligible = run.witness(eligible_goal(sym))
    if eligible.status == UNREACHABLE:
        eligible = WitnessResult(eligible.criterion, eligible.outcome, UNREACHABLE, run.blockers())
    return Report(
        scheme=scheme.id,
        scheme_version=sym.version.valid_from.isoformat(),
        evaluated_on=day.isoformat(),
        max_items=max_items,
        invariants=tuple(results),
        witnesses=witnesses,
        eligible=eligible,
        opaque=dict(sym.opaque),
        seconds=time.perf_counter() - started,
    )


def witness_documents(
    scheme: Scheme, on: datetime.date | None = None, max_items: int = 2
) -> tuple[dict[str, Any], ...]:
    """Application documents reaching every reachable outcome of every rule of ``scheme``
    (the eligible one first), each confirmed by :func:`grantrules.evaluate`; no proof is
    attempted.  Property tests can start from them: they reach every criterion outcome, for
    any scheme.

    >>> import datetime
    >>> from grantrules.testing.examples import example_scheme
    >>> documents = witness_documents(example_scheme(), on=datetime.date(2025, 3, 14))
    >>> len(documents), documents[0]["costs"][0]["amount_excl_vat"]
    (3, '0.02')

    .. versionadded:: 0.3
    """
    _check_bound(max_items)
    report = _analyse(
        scheme, on or datetime.date.today(), max_items, DEFAULT_TIMEOUT, Options(), proofs=False
    )
    found = [report.eligible, *report.witnesses]
    return tuple(
        w.application for w in found if w.application is not None and w.evaluator == CONFIRMED
    )
