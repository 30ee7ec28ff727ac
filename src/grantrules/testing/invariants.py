"""The funding invariants: properties every scheme's decisions must have, whatever the scheme.

Each invariant is a named, documented :class:`Invariant` in :data:`INVARIANTS`; run them all
with :func:`check_invariants`, one with :meth:`Invariant.run`, or the single-application ones on
an application you already have with :func:`check_application`.  The pytest plugin runs them
as test items with ``pytest --grantrules-scheme=ID``.

The invariants are generic: they find what they need in the scheme itself.

* Amount ids: the total and eligible costs are the amounts named by :class:`Config`
  (``total_cost`` and ``eligible_cost`` by default).
* The rate, the base it applies to and the ceilings come from walking the award amount's
  formula (see :mod:`grantrules.testing._award`): the ``rate.of(base)`` node of each branch
  and the other operands of the ``minimum(...)`` above it.
* An *ineligible cost line* is a line whose category is not in the code list parameter named
  by ``Config.eligible_categories`` (``eligible_categories``), or, when the scheme has no such
  parameter, a line that the eligible-cost sum's own filter leaves out.

>>> from grantrules.testing.invariants import INVARIANTS
>>> INVARIANTS["award_non_negative"].description
'The award is never negative.'

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import hypothesis
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from grantrules.errors import EvaluationError, InvalidArgument
from grantrules.expressions import RenderContext
from grantrules.scheme import Scheme
from grantrules.testing import _batch, _checks, _declared, _stateful, reference
from grantrules.testing._subject import (
    Config,
    InvariantViolation,
    Reach,
    Subject,
    VacuousInvariant,
    min_reach,
)
from grantrules.testing.strategies import _witnesses, applications

__all__ = [
    "INVARIANTS",
    "Config",
    "Invariant",
    "InvariantViolation",
    "Reach",
    "Subject",
    "VacuousInvariant",
    "check_application",
    "check_invariants",
    "invariants_for",
]


#: ``check(subject, example)`` raises on a violation; it returns ``False`` when the example
#: does not meet the invariant's precondition (not counted as reaching it), else None or True.
Check = Callable[[Subject, Any], bool | None]
Strategy = Callable[[Subject], st.SearchStrategy[Any]]
Runner = Callable[[Subject, hypothesis.settings | None], Callable[[], None]]


def _applications_of(subject: Subject) -> st.SearchStrategy[Any]:
    return applications(subject.scheme, subject.config.on)


def _always(subject: Subject) -> str | None:
    return None


def _without_clocks(settings: hypothesis.settings | None) -> hypothesis.settings:
    """``settings`` (the active profile's by default) with no wall-clock check.

    Every example builds and evaluates whole applications; on a loaded machine that can exceed
    Hypothesis' 200 ms deadline or trip its "input generation is slow" health check, which
    would make the suite's verdict depend on the machine's load rather than on the scheme.
    """
    base = settings if settings is not None else hypothesis.settings()
    slow = HealthCheck.too_slow
    kept = tuple(base.suppress_health_check)
    return hypothesis.settings(
        base, deadline=None, suppress_health_check=kept if slow in kept else (*kept, slow)
    )


@attrs.frozen
class Invariant:
    """A named property of a scheme's decisions.

    Attributes:
        name: stable identifier, used for test ids and selection.
        description: what holds, in one sentence.
        check: ``check(subject, example)`` raises :class:`InvariantViolation` when it fails.
        strategy: what examples to draw (applications of the scheme by default).
        applies: returns why the invariant does not apply to a scheme, or None.
        runner: builds the test itself, for invariants that are not a plain property
            (the state machine over a call).

    >>> from grantrules.money import Euro
    >>> from grantrules.testing.examples import example_scheme
    >>> def award_within_costs(subject, application):
    ...     award = subject.decide(application).award
    ...     costs = Euro.sum(line.amount_excl_vat for line in application.costs)
    ...     if award > costs:
    ...         raise InvariantViolation("award_within_costs", f"{award} > {costs}", application)
    >>> invariant = Invariant("award_within_costs", "The award never exceeds the costs.",
    ...                       award_within_costs)
    >>> quick = hypothesis.settings(max_examples=10, database=None, derandomize=True)
    >>> invariant.run(example_scheme(), settings=quick) is None
    True

    .. versionadded:: 0.1
    """

    name: str
    description: str
    check: Check
    strategy: Strategy = _applications_of
    applies: Callable[[Subject], str | None] = _always
    runner: Runner | None = None
    #: Whether only eligible applications reach the check (the criteria then block the rest).
    eligible_only: bool = False
    #: What an example lacked when the check did not reach it (for the vacuity message).
    unmet: str = "its precondition did not hold"

    def test(
        self,
        subject: Subject,
        settings: hypothesis.settings | None = None,
        *,
        reach: Reach | None = None,
    ) -> Callable[[], None]:
        """A Hypothesis test function checking this invariant on ``subject``.

        The test counts the examples that reached the check (a check returns ``False`` for
        an example that does not meet its precondition, such as an ineligible application)
        into ``reach``, and fails with :class:`VacuousInvariant` when fewer than
        :func:`~grantrules.testing._subject.min_reach` did.

        >>> from grantrules.testing.examples import example_scheme
        >>> reach = Reach()
        >>> test = INVARIANTS["deterministic"].test(
        ...     Subject(example_scheme()),
        ...     hypothesis.settings(max_examples=5, database=None, derandomize=True),
        ...     reach=reach)
        >>> test()
        >>> reach.describe()  # five drawn, and the solver's three witnesses as they are
        'reached by 8 of 8 examples'
        """
        if self.runner is not None:
            return self.runner(subject, settings)
        counted = reach if reach is not None else Reach()
        run_one = self._run_one(subject, counted)
        chosen = _without_clocks(settings)
        hypothesis_test = given(self.strategy(subject))(run_one)
        if self.strategy is _applications_of:
            # Every outcome the solver could reach is tried as it is, whatever the draws.
            for witness in _witnesses(subject.scheme, subject.config.on):
                hypothesis_test = hypothesis.example(witness)(hypothesis_test)
        hypothesis_test = chosen(hypothesis_test)
        needed = min_reach(subject.config, chosen.max_examples)

        def test() -> None:
            counted.reset()
            hypothesis_test()
            if counted.reached < needed:
                raise VacuousInvariant(self.name, self._vacuity(subject, counted, needed))

        test.__name__ = test.__qualname__ = run_one.__qualname__
        return test

    def _run_one(self, subject: Subject, counted: Reach) -> Callable[[Any], None]:
        check, total = self.check, self.name == "evaluation_total"

        def run_one(example: Any) -> None:
            try:
                reached = check(subject, example)
            except EvaluationError:
                if total:
                    raise
                # Crashes are the business of `evaluation_total`; the other invariants look
                # at the applications that do get a decision.
                hypothesis.reject()
            if reached is False:
                counted.count(False, self._blockers(subject, example))
            else:
                counted.count(True)

        run_one.__name__ = "check_" + self.name.replace(".", "_")  # scheme.<id> too
        run_one.__qualname__ = f"{self.name}[{subject.scheme.id}]"
        digest = f"grantrules:{subject.scheme.id}:{self.name}".encode()
        run_one._hypothesis_internal_add_digest = digest  # type: ignore[attr-defined]
        return run_one

    def _blockers(self, subject: Subject, example: Any) -> list[str]:
        """Why ``example`` did not reach the check: the blocking criteria that failed or
        lacked an input when only eligible applications reach it, else :attr:`unmet`."""
        app = example[0] if isinstance(example, tuple) else example
        if not self.eligible_only or not attrs.has(type(app)):
            return [self.unmet]
        try:
            decision = subject.decide(app)
        except EvaluationError:
            return ["an evaluation error"]
        if not decision.eligible:
            return list(decision.failed_ids)
        return [f"(eligible, but {self.unmet})"]

    def _vacuity(self, subject: Subject, counted: Reach, needed: int) -> str:
        blockers = counted.blockers() or "none recorded"
        return (
            f"vacuous on scheme {subject.scheme.id!r}: {counted.describe()}, fewer than the "
            f"{needed} required, so its pass would mean nothing. What blocked the others "
            f"(examples per criterion): {blockers}. Make the generator reach it (explicit "
            "examples, a scheme-specific strategy) or lower the threshold (Config.min_reach, "
            "the ini option grantrules_min_reach)."
        )

    def run(
        self,
        scheme: Scheme,
        *,
        config: Config | None = None,
        settings: hypothesis.settings | None = None,
        reach: Reach | None = None,
    ) -> str | None:
        """Check the invariant on many generated examples; return why it was skipped, if so.

        Raises:
            InvariantViolation: on the smallest example Hypothesis found.
            VacuousInvariant: too few examples reached the check (see :meth:`test`).

        >>> from grantrules.testing.examples import example_scheme
        >>> print(INVARIANTS["award_within_ceilings"].run(example_scheme()))
        the award formula has no ceiling (name ceiling parameters in Config.ceilings)
        """
        subject = Subject(scheme, config or Config())
        reason = self.applies(subject)
        if reason is not None:
            return reason
        self.test(subject, settings, reach=reach)()
        return None


def _invariant(
    name: str,
    description: str,
    strategy: Strategy = _applications_of,
    applies: Callable[[Subject], str | None] = _always,
    unmet: str = "its precondition did not hold",
    eligible_only: bool = False,
) -> Invariant:
    check = getattr(_checks, name)
    return Invariant(
        name, description, check, strategy, applies, eligible_only=eligible_only, unmet=unmet
    )


#: Every invariant, by name, in the order they run.
INVARIANTS: Mapping[str, Invariant] = {
    invariant.name: invariant
    for invariant in (
        _invariant(
            "evaluation_total",
            "Every valid application gets a decision: evaluation never raises.",
        ),
        Invariant(
            "compiled_matches_reference",
            "evaluate() agrees with the reference interpreter: verdict, award, amounts, "
            "outcomes, exceptions, failed and warning criteria, derived values and "
            "obligations.",
            reference.compiled_matches_reference,
        ),
        Invariant(
            "batch_matches_evaluate",
            "The columnar backend (evaluate_table) decides every row of a batch as evaluate() "
            "does: verdict, award, amounts, failed and warning criteria.",
            _batch.batch_matches_evaluate,
            applies=_batch.needs_pyarrow,
            runner=_batch.run_batches,
        ),
        _invariant("award_non_negative", "The award is never negative."),
        _invariant(
            "award_whole_cents",
            "The award and every amount are whole cents, or whole multiples of the step their "
            "rounding declares (the euro for DOWN.to_euro()).",
        ),
        _invariant("award_zero_when_ineligible", "The award is 0.00 when ineligible."),
        _invariant(
            "award_within_rate",
            "The award never exceeds the rate applied to the eligible base (exact product).",
            applies=_checks.needs_rate_and_base,
            unmet="no rate or eligible base could be read",
            eligible_only=True,
        ),
        _invariant(
            "award_within_ceilings",
            "The award never exceeds any ceiling of the award formula.",
            applies=_checks.needs_ceilings,
            unmet="no ceiling could be read",
            eligible_only=True,
        ),
        _invariant(
            "rounding_never_favours_beneficiary",
            "The award never exceeds its formula evaluated without rounding (the exact "
            "product of its rate and base, capped).",
            applies=_checks.needs_bounded_rounding,
            unmet="its formula could not be evaluated without rounding",
            eligible_only=True,
        ),
        _invariant(
            "rounding_loses_less_than_a_cent",
            "Rounding takes less than one cent (or the rule's rounding step) off the award "
            "formula evaluated without rounding.",
            applies=_checks.needs_bounded_rounding,
            unmet="its formula could not be evaluated without rounding",
            eligible_only=True,
        ),
        _invariant(
            "eligible_base_within_total",
            "The eligible base never exceeds the total cost.",
            applies=_checks.needs_costs,
        ),
        _invariant(
            "ineligible_line_irrelevant",
            "Removing an ineligible cost line changes neither the eligible base nor the award "
            "(the award only when it reads the lines through the eligible base alone).",
            strategy=_checks.with_left_out_line,
            applies=_checks.needs_line_eligibility,
            unmet="no ineligible cost line",
        ),
        _invariant(
            "more_eligible_cost_never_lowers_award",
            "Adding eligible cost never lowers the eligible base nor the award.",
            strategy=_checks.with_extra_cost,
            applies=_checks.needs_line_eligibility,
            unmet="no eligible cost line",
        ),
        _invariant("deterministic", "Evaluating twice gives the same decision."),
        _invariant(
            "order_independent",
            "The order of cost and financing lines does not change the decision.",
            strategy=_checks.with_permutations,
        ),
        _invariant(
            "application_json_round_trip",
            "An application survives a JSON round trip, and so does its decision.",
        ),
        _invariant(
            "decision_json_round_trip",
            "A decision survives a JSON round trip, in every language, and its JSON text is "
            "that JSON.",
        ),
        _invariant(
            "failed_criteria_explained",
            "Every failed criterion carries a basis and a filled message in each language.",
        ),
        _invariant(
            "envelope_never_exceeded",
            "Awards committed first come, first served never exceed the envelope.",
            strategy=_checks.with_envelope,
        ),
        Invariant(
            "envelope_never_exceeded_in_call",
            "In a call (the real engine: submissions, allocation, withdrawals), commitments "
            "never exceed the envelope.",
            _checks.envelope_never_exceeded,
            runner=_stateful.run_envelope_machine,
        ),
    )
}


def invariants_for(scheme: Scheme) -> dict[str, Invariant]:
    """Every invariant to check on ``scheme``: the generic ones of :data:`INVARIANTS`, then
    those the scheme declares (``SchemeVersion.invariants``), named ``scheme.<id>``.

    >>> from grantrules.testing.examples import example_scheme
    >>> list(invariants_for(example_scheme())) == list(INVARIANTS)
    True

    .. versionadded:: 0.3
    """
    found = dict(INVARIANTS)
    for name, invariant in _declared.declared(scheme).items():
        unmet = "an input it reads was missing"
        if invariant.when is not None:
            when = invariant.when.render(RenderContext("en"))
            unmet = f"its condition ({when}) did not hold, or an input was missing"
        found[name] = Invariant(
            name,
            invariant.text("en"),
            functools.partial(_declared.check_declared, name),
            eligible_only=invariant.eligible_only,
            unmet=unmet,
        )
    return found


def _select(scheme: Scheme, names: Iterable[str] | None) -> list[Invariant]:
    known = invariants_for(scheme)
    if names is None:
        return list(known.values())
    if isinstance(names, str):
        raise InvalidArgument(f"invariants: expected a list of names, got the string {names!r}")
    chosen = list(names)
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise InvalidArgument(
            f"invariants: unknown {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
        )
    return [known[n] for n in chosen]


def check_invariants(
    scheme: Scheme,
    *,
    invariants: Iterable[str] | None = None,
    config: Config | None = None,
    settings: hypothesis.settings | None = None,
    max_examples: int | None = None,
    reach: dict[str, Reach] | None = None,
) -> dict[str, str]:
    """Run invariants on ``scheme``; return each one's status (``passed`` or why skipped).

    Args:
        scheme: the scheme to check.
        invariants: names of the invariants to run (those the scheme declares are named
            ``scheme.<id>``); all by default.
        config: where to find costs, categories and ceilings (see :class:`Config`).
        settings: Hypothesis settings; the active profile's by default.
        max_examples: overrides ``settings.max_examples``.
        reach: when given, receives each invariant's :class:`Reach` (how many examples
            reached it), by name.

    Raises:
        ExceptionGroup: of :class:`InvariantViolation`, one per failing invariant (a
            :class:`VacuousInvariant` for one that too few examples reached).

    >>> from grantrules.testing.examples import example_scheme
    >>> quick = hypothesis.settings(max_examples=10, database=None, derandomize=True)
    >>> statuses = check_invariants(example_scheme(), settings=quick,
    ...                             invariants=["award_non_negative", "award_within_ceilings"])
    >>> statuses["award_non_negative"]
    'passed'
    >>> print(statuses["award_within_ceilings"])
    skipped: the award formula has no ceiling (name ceiling parameters in Config.ceilings)

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"scheme: expected a Scheme, got {type(scheme).__name__}")
    base = settings if settings is not None else hypothesis.settings()
    changes: dict[str, Any] = {"report_multiple_bugs": False}
    if max_examples is not None:
        changes["max_examples"] = max_examples
    chosen = hypothesis.settings(base, **changes)
    statuses: dict[str, str] = {}
    failures: list[InvariantViolation] = []
    for invariant in _select(scheme, invariants):
        counted = Reach()
        if reach is not None:
            reach[invariant.name] = counted
        try:
            reason = invariant.run(scheme, config=config, settings=chosen, reach=counted)
        except InvariantViolation as violation:
            failures.append(violation)
            statuses[invariant.name] = "failed"
        else:
            statuses[invariant.name] = "passed" if reason is None else f"skipped: {reason}"
    if failures:
        raise ExceptionGroup(
            f"{len(failures)} invariant(s) fail on scheme {scheme.id!r}: "
            + ", ".join(f.invariant for f in failures),
            failures,
        )
    return statuses


#: The strategies whose examples are one application (the others draw pairs, calls...).
_ONE_APPLICATION = frozenset({_applications_of, _checks.with_left_out_line})


def check_application(scheme: Scheme, application: Any, config: Config | None = None) -> None:
    """Check every single-application invariant on one application you already have.

    Raises:
        ExceptionGroup: of :class:`InvariantViolation`, one per failing invariant.

    >>> from grantrules.serde import structure_application
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> scheme = example_scheme()
    >>> check_application(scheme, structure_application(scheme, example_document()))

    .. versionadded:: 0.1
    """
    subject = Subject(scheme, config or Config())
    failures: list[InvariantViolation] = []
    for invariant in invariants_for(scheme).values():
        single = invariant.strategy in _ONE_APPLICATION and invariant.runner is None
        if not single or invariant.applies(subject):
            continue
        try:
            invariant.check(subject, application)
        except InvariantViolation as violation:
            failures.append(violation)
    if failures:
        raise ExceptionGroup(f"{len(failures)} invariant(s) fail on {application.id!r}", failures)
