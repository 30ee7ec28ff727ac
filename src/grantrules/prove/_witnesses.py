"""The witnesses: an application for every outcome of every rule, or why there is none.

For each criterion and each outcome (passed, failed, and not applicable when it has an
``applies_if``), each labelled exception (applies, does not apply), and "eligible with an
award above zero", one query: the solver gives an application reaching it, or proves that
none does within the bounds, which is reported with its meaning: a criterion that can never
fail is dead, an exception that never applies (or always does) is suspect, and an
eligibility that no application reaches makes the whole scheme vacuous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import z3

from grantrules.decision import Decision
from grantrules.prove._decision import Symbolic

__all__ = ["Goal", "goals"]

Texts = dict[str, str]


@attrs.frozen
class Goal:
    """One outcome to reach: its condition, how the evaluator shows it, and what it means
    when no application reaches it."""

    rule: str
    outcome: str
    condition: Any
    reached: Callable[[Decision], bool]
    unreachable: Texts


def _labels(text: str | None) -> set[str]:
    return set(text.split("+")) if text else set()


def _criterion(decision: Decision, criterion_id: str) -> Any:
    return next(c for c in decision.criteria if c.id == criterion_id)


def _outcome(criterion_id: str, outcome: str) -> Callable[[Decision], bool]:
    return lambda d: _criterion(d, criterion_id).outcome.value == outcome


def _criterion_goals(sym: Symbolic) -> list[Goal]:
    found = []
    for criterion in sym.version.criteria:
        cid, verdict = criterion.id, sym.verdicts[criterion.id]
        found.append(
            Goal(
                cid, "passed", verdict.passed, _outcome(cid, "passed"), _never(cid, "passe", "pass")
            )
        )
        found.append(
            Goal(
                cid,
                "failed",
                verdict.failed,
                _outcome(cid, "failed"),
                _never(cid, "échoue", "fail"),
            )
        )
        if criterion.applies_if is not None:
            found.append(
                Goal(
                    cid,
                    "not_applicable",
                    z3.Not(verdict.applies),
                    _outcome(cid, "not_applicable"),
                    _texts(
                        f"le critère {cid} s'applique toujours dans les bornes",
                        f"criterion {cid} always applies within the bounds",
                    ),
                )
            )
        for label, guard in verdict.exceptions:
            found += _exception_goals(
                cid,
                label,
                z3.And(verdict.applies, guard),
                z3.And(verdict.applies, z3.Not(guard)),
                _recorded_criterion(cid),
                _evaluated_criterion(cid),
            )
    return found


def _recorded_criterion(cid: str) -> Callable[[Decision], str | None]:
    return lambda d: _criterion(d, cid).exception


def _evaluated_criterion(cid: str) -> Callable[[Decision], bool]:
    return lambda d: bool(_criterion(d, cid).outcome.value != "not_applicable")


def _recorded_amount(amount_id: str) -> Callable[[Decision], str | None]:
    return lambda d: next(x for x in d.amounts if x.id == amount_id).exception


def _eligible(decision: Decision) -> bool:
    return decision.eligible


def _always(decision: Decision) -> bool:
    return True


def _amount_goals(sym: Symbolic) -> list[Goal]:
    found = []
    for amount in sym.version.amounts:
        is_award = amount.id == sym.version.award
        # An ineligible decision records no exception for the award ("ineligible").
        scope = sym.eligible if is_award else z3.BoolVal(True)
        for label, guard in sym.amount_exceptions.get(amount.id, ()):
            found += _exception_goals(
                f"amount:{amount.id}",
                label,
                z3.And(scope, guard),
                z3.And(scope, z3.Not(guard)),
                _recorded_amount(amount.id),
                _eligible if is_award else _always,
            )
    return found


def _exception_goals(
    rule: str,
    label: str,
    applies: Any,
    not_applies: Any,
    recorded: Callable[[Decision], str | None],
    evaluated: Callable[[Decision], bool],
) -> list[Goal]:
    return [
        Goal(
            rule,
            f"exception:{label}:applies",
            applies,
            lambda d: evaluated(d) and label in _labels(recorded(d)),
            _texts(
                f"l'exception {label} de {rule} ne s'applique jamais dans les bornes",
                f"exception {label} of {rule} never applies within the bounds",
            ),
        ),
        Goal(
            rule,
            f"exception:{label}:does_not_apply",
            not_applies,
            lambda d: evaluated(d) and label not in _labels(recorded(d)),
            _texts(
                f"l'exception {label} de {rule} s'applique toujours dans les bornes",
                f"exception {label} of {rule} always applies within the bounds",
            ),
        ),
    ]


def _never(cid: str, fr: str, en: str) -> Texts:
    dead = " : la règle est morte" if en == "fail" else ""
    dead_en = ": the rule is dead" if en == "fail" else ""
    return _texts(
        f"le critère {cid} ne {fr} jamais dans les bornes{dead}",
        f"criterion {cid} can never {en} within the bounds{dead_en}",
    )


def _texts(fr: str, en: str) -> Texts:
    return {"fr": fr, "en": en}


def eligible_goal(sym: Symbolic) -> Goal:
    return Goal(
        "eligible",
        "award_above_zero",
        z3.And(sym.eligible, sym.award > 0),
        lambda d: d.eligible and d.award.amount > 0,
        _texts(
            "aucune demande n'est éligible avec une aide positive dans les bornes",
            "no application is eligible with an award above zero within the bounds",
        ),
    )


def goals(sym: Symbolic) -> list[Goal]:
    """Every witness goal of ``sym``'s version, criteria first, then amounts' exceptions."""
    return _criterion_goals(sym) + _amount_goals(sym)
