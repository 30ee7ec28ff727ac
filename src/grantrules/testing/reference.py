"""The reference interpreter: what a scheme version decides, by the slow and obvious route.

:func:`grantrules.evaluate` runs one generated function per scheme version (see
:doc:`/explanation/compilation`).  This module evaluates the same version the obvious way, one
rule at a time, each expression by its own node semantics (``Expr.compile``, defined with
the node in :mod:`grantrules.expressions` by every type of its ``NODE_TYPES``), with none of
the engine's machinery: no generated code, no caches, no loops shared between rules, no
Decimals standing for amounts.
It is the definition the engine is checked against: the invariant
``compiled_matches_reference`` (:mod:`grantrules.testing.invariants`) requires both to agree
on every generated application of any scheme, so every scheme's test suite runs this
differential test.

The semantics, written out:

- amounts are computed in the order of their dependencies; a labelled exception whose
  condition holds replaces the formula, several that hold must agree (else
  :class:`~grantrules.errors.ExceptionConflict`); an amount that reads a missing input is
  ``None``;
- a criterion whose ``applies_if`` is false is *not applicable*; otherwise its condition (or
  the exception that applies) decides *passed* or *failed*, and a missing input that Kleene
  logic cannot decide around makes it *missing*;
- the application is eligible when no blocking criterion failed or is missing; the award is
  the designated amount when eligible and 0.00 otherwise;
- the obligations whose condition holds apply to an eligible application.

>>> from grantrules.serde import structure_application
>>> from grantrules.testing.examples import example_document, example_scheme
>>> scheme = example_scheme()
>>> reference = decide(scheme, structure_application(scheme, example_document()))
>>> reference.eligible, reference.award, reference.outcomes["cost.positive"]
(True, Euro('600.00'), ('passed', None, None))

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from grantrules.decision import Decision
from grantrules.errors import EvaluationError, ExceptionConflict, GrantRulesError
from grantrules.expressions import Compiled, Env, MissingInput
from grantrules.money import Euro
from grantrules.rules import Criterion, Override, Severity
from grantrules.scheme import Scheme, SchemeVersion
from grantrules.testing._subject import InvariantViolation, Subject

__all__ = ["ReferenceDecision", "compiled_matches_reference", "decide"]

#: (outcome value, label of the exception that applied, name of the missing input).
Verdict = tuple[str, str | None, str | None]


@attrs.frozen
class ReferenceDecision:
    """What the reference interpreter decided on one application.

    Attributes:
        eligible: no blocking criterion failed or lacked an input.
        award: the award amount when eligible, else 0.00.
        amounts: every amount by id, ``None`` when it read a missing input.
        amount_exceptions: the label of the exception that gave each amount, if any.
        outcomes: every criterion's (outcome, exception label, missing input), by id.
        derived: the scheme's derived values, ``None`` when one read a missing input.
        obligations: the ids of the obligations that apply.

    >>> from grantrules.serde import structure_application
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> scheme = example_scheme()
    >>> decide(scheme, structure_application(scheme, example_document())).amounts
    {'total': Euro('1200.00'), 'award': Euro('600.00')}

    .. versionadded:: 0.2
    """

    eligible: bool
    award: Euro
    amounts: Mapping[str, Euro | None]
    amount_exceptions: Mapping[str, str | None]
    outcomes: Mapping[str, Verdict]
    derived: Mapping[str, Any]
    obligations: tuple[str, ...]


def _value(expression: Any, env: Env) -> Any:
    closure: Compiled = expression.compile()
    return closure(env, None)


def _with_exceptions(owner: str, rule: Any, exceptions: tuple[Override, ...], env: Env) -> Any:
    """(value, label) of a rule with its labelled exceptions, as the rules define them."""
    applying = [o for o in exceptions if _value(o.when, env)]
    if not applying:
        return _value(rule, env), None
    values = [(o.label, _value(o.then, env)) for o in applying]
    if any(value != values[0][1] for _, value in values[1:]):
        labels = ", ".join(label for label, _ in values)
        raise ExceptionConflict(f"{owner}: exceptions {labels} both apply and disagree")
    return values[0][1], "+".join(label for label, _ in values)


def _wrapped(owner: str, error: Exception) -> EvaluationError:
    return EvaluationError(f"{owner}: {error}")


def _verdict(criterion: Criterion, env: Env) -> Verdict:
    owner = f"criterion {criterion.id}"
    try:
        if criterion.applies_if is not None and not _value(criterion.applies_if, env):
            return "not_applicable", None, None
        held, label = _with_exceptions(owner, criterion.condition, criterion.exceptions, env)
    except MissingInput as missing:
        return "missing", None, missing.name
    except GrantRulesError:
        raise
    except (TypeError, ValueError, ArithmeticError, AttributeError) as error:
        raise _wrapped(owner, error) from error
    return ("passed" if held else "failed"), label, None


def _caused(verdict: Verdict, causes: Mapping[str, str]) -> Verdict:
    """The verdict naming the input behind a missing amount it read."""
    outcome, label, missing = verdict
    return outcome, label, causes.get(missing, missing) if missing is not None else None


def _or_none(expression: Any, env: Env) -> Any:
    try:
        return _value(expression, env)
    except MissingInput:
        return None


def _parameters(version: SchemeVersion, on: datetime.date) -> dict[str, Any]:
    # Before the first version's first day, its parameters apply as on that day.
    return dict(version.parameters.at(max(on, version.valid_from)))


def decide(scheme: Scheme, application: Any, on: datetime.date | None = None) -> ReferenceDecision:
    """Evaluate ``application`` (an instance of the scheme's model) on ``on`` (its submission
    date by default), by the reference semantics alone.

    Raises:
        EvaluationError: a rule cannot be evaluated (two exceptions conflict, a value of the
            wrong type), as :func:`grantrules.evaluate` raises it.

    >>> from grantrules.serde import structure_application
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> scheme = example_scheme()
    >>> empty = structure_application(scheme, {**example_document(), "costs": []})
    >>> reference = decide(scheme, empty)
    >>> reference.eligible, reference.award, reference.outcomes["cost.positive"]
    (False, Euro('0.00'), ('failed', None, None))

    .. versionadded:: 0.2
    """
    day = application.submitted_on if on is None else on
    version = scheme.version_at(day)
    env = Env(application, _parameters(version, day), {}, day)
    labels: dict[str, str | None] = {}
    # The input each amount lacked: a criterion reading a missing amount names that input,
    # the one someone must give, rather than the amount (``award``).
    causes: dict[str, str] = {}
    for amount in version.amounts:  # in dependency order (SchemeVersion sorts them)
        owner = f"amount {amount.id}"
        try:
            value, labels[amount.id] = _with_exceptions(
                owner, amount.formula, amount.exceptions, env
            )
        except MissingInput as missing:
            value, labels[amount.id] = None, None
            causes[amount.id] = causes.get(missing.name, missing.name)
        except GrantRulesError:
            raise
        except (TypeError, ValueError, ArithmeticError, AttributeError) as error:
            raise _wrapped(owner, error) from error
        if value is not None and not isinstance(value, Euro):
            raise EvaluationError(f"amount {amount.id} gave {value!r}, not a Euro amount")
        env.amounts[amount.id] = value
    outcomes = {c.id: _caused(_verdict(c, env), causes) for c in version.criteria}
    eligible = not any(
        outcomes[c.id][0] in ("failed", "missing")
        for c in version.criteria
        if c.severity is Severity.BLOCKING
    )
    award = env.amounts[version.award] if eligible else Euro.ZERO
    if award is None:
        raise EvaluationError("the award could not be computed: an input is missing")
    obligations = tuple(
        o.id
        for o in version.obligations
        if eligible and (o.applies_if is None or _or_none(o.applies_if, env))
    )
    return ReferenceDecision(
        eligible=eligible,
        award=award,
        amounts=dict(env.amounts),
        amount_exceptions=labels,
        outcomes=outcomes,
        derived={name: _or_none(e, env) for name, e in version.derived.items()},
        obligations=obligations,
    )


def _json(value: Any) -> Any:
    """A derived value as the decision JSON writes it (amounts and dates as strings)."""
    if isinstance(value, tuple | list | frozenset):
        return [_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "start") and hasattr(value, "end"):  # a DateRange
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    return str(value)  # Euro, Rate


def _observed(subject: Subject, decision: Decision) -> dict[str, Any]:
    """What the engine decided, in the reference's terms (every explanation read)."""
    # Read before any criterion's result is built: they come from the outcomes alone then,
    # the route a caller that wants only the verdict takes.
    failed, warnings = decision.failed_ids, tuple(c.id for c in decision.warnings)
    criteria = decision.criteria
    amounts = subject.amounts(decision)
    award = subject.scheme.version_at(decision.evaluated_on).award
    return {
        "eligible": decision.eligible,
        "award": decision.award,
        "amounts": amounts,
        "amount_exceptions": {
            a.id: a.exception
            for a in decision.amounts
            if not (a.id == award and a.exception == "ineligible")
        },
        "outcomes": {
            c.id: (
                c.outcome.value,
                c.exception,
                c.inputs.get("missing") if c.outcome.value == "missing" else None,
            )
            for c in criteria
        },
        "derived": dict(decision.derived),
        "obligations": tuple(o.id for o in decision.obligations),
        "failed": failed,
        "warnings": warnings,
    }


def _not_met(
    version: SchemeVersion, reference: ReferenceDecision, severity: Severity
) -> tuple[str, ...]:
    """The ids of the criteria of ``severity`` that failed or lacked an input, in order."""
    return tuple(
        c.id
        for c in version.criteria
        if c.severity is severity and reference.outcomes[c.id][0] in ("failed", "missing")
    )


def _expected(
    version: SchemeVersion, reference: ReferenceDecision, eligible: bool
) -> dict[str, Any]:
    award = version.award
    exceptions = dict(reference.amount_exceptions)
    if not eligible:
        exceptions.pop(award, None)
    return {
        "eligible": reference.eligible,
        "award": reference.award,
        "amounts": dict(reference.amounts),
        "amount_exceptions": exceptions,
        "outcomes": dict(reference.outcomes),
        "derived": {name: _json(value) for name, value in reference.derived.items()},
        "obligations": reference.obligations,
        "failed": _not_met(version, reference, Severity.BLOCKING),
        "warnings": _not_met(version, reference, Severity.WARNING),
    }


def compiled_matches_reference(subject: Subject, application: Any) -> None:
    """The invariant ``compiled_matches_reference``: :func:`grantrules.evaluate` and
    :func:`decide` agree on ``application``: verdict, award, every amount and exception
    label, every criterion's outcome, the ids of the failed blocking criteria
    (``Decision.failed_ids``, read before any message is built) and of the warnings,
    derived values and obligations; or both raise an
    :class:`~grantrules.errors.EvaluationError`.

    Raises:
        InvariantViolation: they disagree (the message shows how).

    >>> from grantrules.serde import structure_application
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> subject = Subject(example_scheme())
    >>> compiled_matches_reference(subject, structure_application(subject.scheme,
    ...                                                          example_document()))

    .. versionadded:: 0.2
    """
    name = "compiled_matches_reference"
    try:
        decision = subject.decide(application)
    except EvaluationError as error:
        try:
            decide(subject.scheme, application, subject.config.on)
        except EvaluationError:
            return  # both refuse: evaluation_total says whether that is acceptable
        raise InvariantViolation(
            name, f"evaluate() raised {error}, the reference decided", application
        ) from error
    try:
        reference = decide(subject.scheme, application, subject.config.on)
    except EvaluationError as error:
        raise InvariantViolation(
            name, f"the reference raised {error}, evaluate() decided", application
        ) from error
    version = subject.scheme.version_at(decision.evaluated_on)
    observed, expected = (
        _observed(subject, decision),
        _expected(version, reference, decision.eligible),
    )
    for key, value in expected.items():
        if observed[key] != value:
            raise InvariantViolation(
                name,
                f"{key}: evaluate() gave {observed[key]!r}, the reference {value!r}",
                application,
            )
