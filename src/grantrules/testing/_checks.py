"""The checks behind each invariant of :mod:`grantrules.testing.invariants`.

Each check is named after its invariant, takes the :class:`Subject` and one example, and
raises :class:`InvariantViolation` with the figures that show the problem.
"""

from __future__ import annotations

import copy
import decimal
import json
import re
from typing import Any

import attrs
from hypothesis import strategies as st

from grantrules.decision import Decision
from grantrules.errors import GrantRulesError
from grantrules.evaluate import evaluate
from grantrules.expressions import Aggregate, Env, MissingInput, RenderContext
from grantrules.money import Euro
from grantrules.rules import Outcome
from grantrules.serde import structure_application, unstructure_application
from grantrules.testing._award import Figures, award_amount, branches, figures
from grantrules.testing._build import amounts, field_types
from grantrules.testing._subject import InvariantViolation, Subject
from grantrules.testing.strategies import applications, euros

_EXACT = decimal.Context(prec=60)
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.\[\]]*\}")
_RAW = ("Euro(", "Rate(", "datetime.", "DateRange(", "None")
_UNEXPLAINED = (Outcome.FAILED, Outcome.MISSING)


def _fail(name: str, message: str, example: Any) -> None:
    raise InvariantViolation(name, message, example)


def _summary(decision: Decision) -> str:
    figures = ", ".join(f"{a.id}={a.value}" for a in decision.amounts)
    failed = ", ".join(c.id for c in decision.failed) or "none"
    return (
        f"application {decision.application!r} on {decision.evaluated_on}: "
        f"eligible={decision.eligible}, award={decision.award}, {figures}, failed: {failed}"
    )


# -- applicability ------------------------------------------------------------------------------
def _awards(subject: Subject) -> list[Any]:
    return [b for v in subject.scheme.versions for b in branches(award_amount(v)).values()]


def needs_rate(subject: Subject) -> str | None:
    if any(b.rate is not None for b in _awards(subject)):
        return None
    return "the award formula has no single `rate.of(base)` to check"


def needs_bounded_rounding(subject: Subject) -> str | None:
    """Whether some branch of the award formula has a rate whose rounding can be bounded."""
    reason = needs_rate(subject)
    if reason is not None:
        return reason
    blockers = [b.blocker for b in _awards(subject) if b.rate is not None]
    if any(blocker is None for blocker in blockers):
        return None
    node = blockers[0]
    assert node is not None
    return (
        f"the award formula rounds inside {type(node).__name__} "
        f"({node.render(RenderContext('en'))}), which the exact evaluation cannot follow: "
        "the rounding cannot be bounded"
    )


def needs_rate_and_base(subject: Subject) -> str | None:
    if not subject.has_amount(subject.config.eligible_cost):
        return f"the scheme has no amount {subject.config.eligible_cost!r} (see Config)"
    return needs_rate(subject)


def needs_ceilings(subject: Subject) -> str | None:
    if subject.config.ceilings or any(b.caps for b in _awards(subject)):
        return None
    return "the award formula has no ceiling (name ceiling parameters in Config.ceilings)"


def needs_costs(subject: Subject) -> str | None:
    for amount_id in (subject.config.total_cost, subject.config.eligible_cost):
        if not subject.has_amount(amount_id):
            return f"the scheme has no amount {amount_id!r} (see Config)"
    return None


def needs_line_eligibility(subject: Subject) -> str | None:
    config = subject.config
    if config.costs not in field_types(subject.scheme.application_type):
        return f"the application has no collection {config.costs!r} (see Config)"
    reason = needs_costs(subject)
    if reason is not None:
        return reason
    for version in subject.scheme.versions:
        formula = version.amount(config.eligible_cost).formula
        filtered = isinstance(formula, Aggregate) and formula.where is not None
        if config.eligible_categories not in version.parameters and not filtered:
            return (
                f"no parameter {config.eligible_categories!r} and no filter on the eligible "
                "cost tells eligible lines apart (see Config)"
            )
    return None


# -- helpers --------------------------------------------------------------------------------------
def _line_eligibility(subject: Subject, app: Any, decision: Decision) -> list[bool | None]:
    """For each cost line, whether it is eligible (None: cannot tell on that day)."""
    config = subject.config
    day = decision.evaluated_on
    version = subject.scheme.version_at(day)
    params = version.parameters_at(day)
    lines = getattr(app, config.costs)
    if config.eligible_categories in version.parameters:
        codes = params.get(config.eligible_categories)
        if not isinstance(codes, tuple | frozenset):
            return [None] * len(lines)  # the code list is not in force that day
        return [getattr(line, config.category, None) in codes for line in lines]
    formula = version.amount(config.eligible_cost).formula
    assert isinstance(formula, Aggregate)
    assert formula.where is not None
    where = formula.where.compile()
    env = Env(app, params, subject.amounts(decision), day)
    verdicts: list[bool | None] = []
    for line in lines:
        try:
            verdicts.append(bool(where(env, line)))
        except (MissingInput, GrantRulesError):
            verdicts.append(None)
    return verdicts


def _eligible_figures(subject: Subject, app: Any) -> tuple[Decision, Figures] | None:
    decision = subject.decide(app)
    if not decision.eligible:
        return None
    fig = figures(subject.scheme, app, decision, subject.amounts(decision), subject.config.ceilings)
    return decision, fig


# -- the checks -----------------------------------------------------------------------------------
def evaluation_total(subject: Subject, app: Any) -> None:
    for lang in subject.config.languages:
        try:
            subject.decide(app, lang)
        except GrantRulesError as exc:
            _fail("evaluation_total", f"{type(exc).__name__}: {exc}", app)


def award_non_negative(subject: Subject, app: Any) -> None:
    decision = subject.decide(app)
    if decision.award < Euro.ZERO:
        _fail("award_non_negative", f"negative award; {_summary(decision)}", app)


def award_whole_cents(subject: Subject, app: Any) -> None:
    decision = subject.decide(app)
    data = decision.to_json()
    texts = [data["award"], *(v for v in data["amounts"].values() if v is not None)]
    for text in texts:
        if not re.fullmatch(r"-?[0-9]+\.[0-9]{2}", text):
            _fail("award_whole_cents", f"{text!r} is not whole cents; {_summary(decision)}", app)
    # An amount that declares a coarser rounding (DOWN.to_euro()) is a multiple of its step.
    version = subject.scheme.version_at(decision.evaluated_on)
    for amount in version.amounts:
        value = decision.amount(amount.id)
        if amount.rounding is None or value is None:
            continue
        if not value.is_multiple_of(amount.rounding.quantum):
            _fail(
                "award_whole_cents",
                f"{amount.id} = {value} is not a multiple of {amount.rounding.quantum}, although "
                f"it is declared {amount.rounding.label('en')}; {_summary(decision)}",
                app,
            )


def award_zero_when_ineligible(subject: Subject, app: Any) -> None:
    decision = subject.decide(app)
    if not decision.eligible and decision.award != Euro.ZERO:
        _fail("award_zero_when_ineligible", f"ineligible but awarded; {_summary(decision)}", app)


def award_within_rate(subject: Subject, app: Any) -> bool:
    found = _eligible_figures(subject, app)
    if found is None:
        return False
    decision, fig = found
    # The rate of the branch that applied; when it shows none, the highest of the scheme's.
    rate = fig.rate or max(fig.all_rates, default=None)
    base = subject.amounts(decision).get(subject.config.eligible_cost)
    if base is None or rate is None:
        return False
    bound = _EXACT.multiply(rate.value, base.amount)
    if decision.award.amount > bound:
        _fail(
            "award_within_rate",
            f"award {decision.award} > {rate} × {subject.config.eligible_cost} {base} "
            f"= {bound}; {_summary(decision)}",
            app,
        )
    return True


def award_within_ceilings(subject: Subject, app: Any) -> bool:
    found = _eligible_figures(subject, app)
    if found is None or not found[1].all_caps:
        return False
    decision, fig = found
    for cap in fig.all_caps:
        if decision.award > cap:
            _fail(
                "award_within_ceilings",
                f"award {decision.award} > ceiling {cap}; {_summary(decision)}",
                app,
            )
    return True


def rounding_never_favours_beneficiary(subject: Subject, app: Any) -> bool:
    found = _eligible_figures(subject, app)
    if found is None or (exact := found[1].exact) is None:
        return False
    decision, fig = found
    if decision.award.amount > exact:
        _fail(
            "rounding_never_favours_beneficiary",
            f"award {decision.award} > {exact}, the award formula evaluated without rounding "
            f"({fig.rate} × {fig.base}); {_summary(decision)}",
            app,
        )
    return True


def rounding_loses_less_than_a_cent(subject: Subject, app: Any) -> bool:
    found = _eligible_figures(subject, app)
    if found is None or (exact := found[1].exact) is None or (slack := found[1].slack) is None:
        return False
    decision, fig = found
    # Each rounding the award went through takes less than its step off: a cent for DOWN,
    # a euro for DOWN.to_euro(); one rounding in a plain `minimum(rate.of(base), ceiling)`.
    loss = exact - decision.award.amount
    if loss > 0 and loss >= slack:  # without any rounding (slack 0), nothing may be lost
        _fail(
            "rounding_loses_less_than_a_cent",
            f"award {decision.award} is {slack} (what its roundings may take off) or "
            f"more below {exact}, the award formula evaluated without rounding "
            f"({fig.rate} × {fig.base}); {_summary(decision)}",
            app,
        )
    return True


def eligible_base_within_total(subject: Subject, app: Any) -> None:
    decision = subject.decide(app)
    figures_ = subject.amounts(decision)
    total = figures_.get(subject.config.total_cost)
    base = figures_.get(subject.config.eligible_cost)
    if total is not None and base is not None and base > total:
        _fail("eligible_base_within_total", f"{base} > {total}; {_summary(decision)}", app)


def _key_figures(subject: Subject, decision: Decision) -> tuple[Euro | None, Euro | None]:
    figures_ = subject.amounts(decision)
    award_id = subject.scheme.version_at(decision.evaluated_on).award
    return figures_.get(subject.config.eligible_cost), figures_.get(award_id)


def ineligible_line_irrelevant(subject: Subject, app: Any) -> bool:
    decision = subject.decide(app)
    lines = getattr(app, subject.config.costs)
    verdicts = _line_eligibility(subject, app, decision)
    if False not in verdicts:
        return False
    before = _key_figures(subject, decision)
    for index in [i for i, ok in enumerate(verdicts) if ok is False][:3]:
        smaller = attrs.evolve(app, **{subject.config.costs: lines[:index] + lines[index + 1 :]})
        after = _key_figures(subject, subject.decide(smaller))
        if after != before:
            _fail(
                "ineligible_line_irrelevant",
                f"removing ineligible line {index} ({lines[index]!r}) changed "
                f"(eligible base, award) from {before} to {after}; {_summary(decision)}",
                app,
            )
    return True


def with_extra_cost(subject: Subject) -> st.SearchStrategy[Any]:
    return st.tuples(applications(subject.scheme, subject.config.on), euros("0.01", "100000.00"))


def more_eligible_cost_never_lowers_award(subject: Subject, example: Any) -> bool:
    app, extra = example
    config = subject.config
    decision = subject.decide(app)
    verdicts = _line_eligibility(subject, app, decision)
    if True not in verdicts:
        return False
    index = verdicts.index(True)
    lines = list(getattr(app, config.costs))
    line = lines[index]
    lines[index] = attrs.evolve(
        line, **{config.cost_amount: getattr(line, config.cost_amount) + extra}
    )
    bigger = attrs.evolve(app, **{config.costs: tuple(lines)})
    (base1, award1), (base2, award2) = (
        _key_figures(subject, decision),
        _key_figures(subject, subject.decide(bigger)),
    )
    lowered = (base1 is not None and base2 is not None and base2 < base1) or (
        award1 is not None and award2 is not None and award2 < award1
    )
    if lowered:
        _fail(
            "more_eligible_cost_never_lowers_award",
            f"adding {extra} to eligible line {index} took (eligible base, award) from "
            f"{(base1, award1)} to {(base2, award2)}; {_summary(decision)}",
            example,
        )
    return True


def deterministic(subject: Subject, app: Any) -> None:
    first = subject.decide(app).to_json()
    for again in (subject.decide(app), subject.decide(copy.deepcopy(app))):
        if again.to_json() != first:
            _fail("deterministic", f"two evaluations differ: {first} / {again.to_json()}", app)


def _collections(app: Any) -> list[str]:
    return [
        a.name
        for a in attrs.fields(type(app))
        if isinstance(value := getattr(app, a.name), tuple)
        and len(value) > 1
        and attrs.has(type(value[0]))
    ]


@st.composite
def _permuted(draw: st.DrawFn, subject: Subject) -> tuple[Any, Any]:
    app = draw(applications(subject.scheme, subject.config.on))
    changes = {}
    for name in _collections(app):
        items = getattr(app, name)
        order = draw(st.permutations(range(len(items))))
        changes[name] = tuple(items[i] for i in order)
    return app, attrs.evolve(app, **changes)


def with_permutations(subject: Subject) -> st.SearchStrategy[Any]:
    return _permuted(subject)


def _essence(subject: Subject, decision: Decision) -> dict[str, Any]:
    return {
        "eligible": decision.eligible,
        "award": decision.award,
        "amounts": subject.amounts(decision),
        "outcomes": {c.id: c.outcome for c in decision.criteria},
        "derived": dict(decision.derived),
    }


def order_independent(subject: Subject, example: Any) -> None:
    app, permuted = example
    before = _essence(subject, subject.decide(app))
    after = _essence(subject, subject.decide(permuted))
    if before != after:
        _fail("order_independent", f"reordering lines changed {before} into {after}", example)


def application_json_round_trip(subject: Subject, app: Any) -> None:
    document = json.loads(json.dumps(unstructure_application(app)))
    back = structure_application(subject.scheme, document)
    if back != app:
        _fail("application_json_round_trip", f"{app!r} came back as {back!r}", app)
    direct = subject.decide(app).to_json()
    from_json = evaluate(subject.scheme, document, on=subject.config.on).to_json()
    if direct != from_json:
        _fail("application_json_round_trip", f"decisions differ: {direct} / {from_json}", app)


def decision_json_round_trip(subject: Subject, app: Any) -> None:
    for lang in subject.config.languages:
        decision = subject.decide(app, lang)
        # Before anything reads the explanations, the text comes from pre-encoded fragments.
        text = decision.to_json_text()
        data = json.loads(json.dumps(decision.to_json()))
        again = Decision.from_json(data)
        if again != decision or again.to_json() != data:
            _fail(
                "decision_json_round_trip",
                f"the {lang} decision changed through JSON: {decision!r} / {again!r}",
                app,
            )
        if text != json.dumps(data, ensure_ascii=False, separators=(",", ":")):
            _fail(
                "decision_json_round_trip",
                f"the {lang} decision's JSON text differs from its JSON form: {decision!r}",
                app,
            )


def failed_criteria_explained(subject: Subject, app: Any) -> None:
    for lang in subject.config.languages:
        for result in subject.decide(app, lang).criteria:
            if result.outcome not in _UNEXPLAINED:
                continue
            problems = []
            if not result.basis.title.strip():
                problems.append("no basis")
            if not result.message.strip():
                problems.append("an empty message")
            if _PLACEHOLDER.search(result.message):
                problems.append("an unfilled placeholder")
            problems += [f"a raw {raw!r}" for raw in _RAW if raw in result.message]
            if problems:
                _fail(
                    "failed_criteria_explained",
                    f"criterion {result.id} ({result.outcome.value}, {lang}) has "
                    f"{', '.join(problems)}: {result.message!r}",
                    app,
                )


@st.composite
def _call(draw: st.DrawFn, subject: Subject) -> tuple[list[Any], Euro]:
    apps = draw(st.lists(applications(subject.scheme, subject.config.on), min_size=1, max_size=3))
    envelope = None
    name = subject.scheme.envelope_parameter
    if name is not None:
        day = subject.config.on or apps[0].submitted_on
        envelope = subject.scheme.version_at(day).parameters_at(day).get(name)
    if not isinstance(envelope, Euro):
        envelope = draw(amounts(Euro("500000.00")))
    return apps, envelope


def with_envelope(subject: Subject) -> st.SearchStrategy[Any]:
    return _call(subject)


def envelope_never_exceeded(subject: Subject, example: Any) -> None:
    apps, envelope = example
    remaining, committed = envelope, []
    for app in sorted(apps, key=lambda a: a.submitted_on):
        decision = subject.decide(app)
        if decision.eligible and Euro.ZERO <= decision.award <= remaining:
            committed.append(decision.award)
            remaining -= decision.award
    if Euro.sum(committed) > envelope or remaining < Euro.ZERO:
        _fail(
            "envelope_never_exceeded",
            f"committed {Euro.sum(committed)} of an envelope of {envelope}",
            example,
        )
