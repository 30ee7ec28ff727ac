"""A scheme version compiled once, and the evaluation of one application.

The implementation is the version's generated function (:mod:`grantrules._engine.version_function`).
The closures of the expressions (``Expr.compile``), the reference semantics, serve on two
explicit, documented routes and nowhere else:

- a criterion (or derived value, or obligation condition) the generated function marks SLOW,
  because it read a missing input (Kleene logic may still decide it) or several of its
  exceptions apply, is decided by its closures;
- an application whose amounts cannot be computed by the generated function (``MissingInput``
  or ``Undecided``: an amount reads a missing input, a parameter is not in force) is decided
  rule by rule by the closures.

Any other exception from generated code is an error: the closures then run only to report it
precisely (naming the rule), and if they decide without error, generated code and reference
disagree, which is raised as an :class:`~grantrules.errors.EvaluationError` and never hidden.
Nothing is caught with ``except Exception``.
"""

from __future__ import annotations

import bisect
import datetime
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from grantrules._engine.compiled_rules import (
    _FAILED,
    _NOT_APPLICABLE,
    _PASSED,
    _CompiledAmount,
    _CompiledCriterion,
    _with_overrides,
)
from grantrules._engine.explanation import Explanation, Fragments, Outcomes
from grantrules._engine.json_text import json_value
from grantrules._engine.runtime import UNDECIDED, Params, _euro, store_amounts
from grantrules._engine.textgen import value_or_none
from grantrules._engine.version_function import SLOW, VersionResult, fast_version
from grantrules._format import pick
from grantrules._version import __version__
from grantrules.decision import (
    Decision,
    ObligationResult,
    Provenance,
)
from grantrules.errors import EvaluationError, GrantRulesError
from grantrules.expressions import AmountRef, Compiled, Env, MissingInput, RenderContext
from grantrules.money import Euro
from grantrules.rules import Outcome

__all__ = ["CompiledVersion", "Day", "compiled"]

#: amount id -> (exception label, missing input), for the amounts that have one.
Notes = dict[str, tuple[str | None, str | None]]
_PARAM_CACHE_SIZE = 4096


class CompiledVersion:
    """One :class:`~grantrules.scheme.SchemeVersion`, ready to evaluate applications.

    ``generated=False`` evaluates every application rule by rule with the closures (the
    reference semantics), without any generated function: the explicit interpreter route,
    for tests that compare both.
    """

    def __init__(self, version: Any, *, generated: bool = True) -> None:
        self.version = version
        codes = {k: v for k, v in version.all_labels().items() if k.startswith("code:")}
        self.generated = generated
        #: Node kinds the generated functions evaluate by their closure (see _codegen).
        self.interpreted: list[str] = []
        self.criteria = tuple(
            _CompiledCriterion(c, codes, self.interpreted) for c in version.criteria
        )
        self.blocking = tuple(i for i, c in enumerate(self.criteria) if c.blocking)
        self.warning = tuple(i for i, c in enumerate(self.criteria) if not c.blocking)
        self.criterion_ids = tuple(c.id for c in version.criteria)
        self.criterion_index = {c.id: i for i, c in enumerate(version.criteria)}
        # What Explanation._explain puts in a missing criterion's inputs: the inputs shown and
        # the details (the missing input's name apart), whatever the application.
        self.missing_shows = tuple(
            frozenset(name for _, name in c.inputs.shown)
            .union(name for name, _ in c.details)
            .difference({"missing"})
            for c in self.criteria
        )
        self.scheme_version = version.valid_from.isoformat()
        self._first, self._award_id = version.valid_from, version.award
        self.amounts = tuple(_CompiledAmount(a) for a in version.amounts)
        self.amount_ids = tuple(a.id for a in version.amounts)
        self.award_index = self.amount_ids.index(version.award)
        self.obligations = tuple(
            (o, o.applies_if.compile() if o.applies_if is not None else None)
            for o in version.obligations
        )
        # Closures, for when the generated version function could not tell (SLOW).
        self.derived = tuple((name, e.compile()) for name, e in version.derived.items())
        self._fast_all: dict[type, Callable[[Env, dict[str, Any]], VersionResult]] = {}
        self.labels = version.all_labels()
        self._params: dict[datetime.date, tuple[Params, Any]] = {}
        self._boundaries = version.parameters.boundaries()
        self._spans: dict[int, tuple[Params, Any]] = {}
        self._texts: dict[tuple[Any, ...], Any] = {}
        self._lang_obligations: dict[str, Any] = {}
        self._all_obligations: dict[str, tuple[ObligationResult, ...]] = {}

    def fast_all(self, model: type) -> Callable[[Env, dict[str, Any]], VersionResult] | None:
        """The generated function computing every amount and criterion for applications of
        ``model`` (built on first use); ``None`` when built with ``generated=False``."""
        if not self.generated:
            return None
        found = self._fast_all.get(model)
        if found is None:
            version = self.version

            def exceptions(rule: Any) -> tuple[tuple[str, Any, Any], ...]:
                return tuple((o.label, o.when, o.then) for o in rule.exceptions)

            found = self._fast_all[model] = fast_version(
                [(a.id, a.formula, exceptions(a)) for a in version.amounts],
                [(c.applies_if, c.condition, exceptions(c)) for c in version.criteria],
                (_PASSED, _FAILED, _NOT_APPLICABLE),
                model,
                {name: version.parameters[name].unit for name in version.parameters},
                self.blocking,
                _BLOCKING,
                version.derived,
                tuple(o.applies_if for o in version.obligations if o.applies_if is not None),
                self.interpreted,
                tuple(
                    compiled.by_closures if _reads_no_amount(compiled.criterion) else None
                    for compiled in self.criteria
                ),
            )
        return found

    def _evaluate(self, env: Env, model: type) -> Evaluation:
        """Amounts (as notes), criteria outcomes, eligibility, derived values, the truth of
        the obligations' conditions and the amounts not yet stored in ``env`` (None when
        they are): by the generated function, and the reference where it could not decide."""
        fast_all = self.fast_all(model)
        if fast_all is None:
            return self._by_closures(env)
        notes: Notes = {}
        try:
            result = fast_all(env, notes)
        except UNDECIDED:
            # An amount read a missing input, a parameter is not in force...: the reference
            # decides every rule (env.amounts may hold amounts a closure needed; the
            # reference computes every amount again, in order, over them).
            return self._by_closures(env)
        except (GrantRulesError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
            self._report(env, error)
        outcomes, eligible, values, holds, amounts, slow = result
        if not slow:  # then eligible is a bool
            return Evaluation(notes, outcomes, eligible is True, values, holds, amounts)
        return self._finish(env, notes, result)

    def _finish(self, env: Env, notes: Notes, result: VersionResult) -> Evaluation:
        """The evaluation when the generated function marked some rule SLOW: the reference
        decides those (it reads env.amounts)."""
        outcomes, eligible, values, holds, amounts, _ = result
        store_amounts(self.amount_ids, amounts, env.amounts)
        derived = {
            name: json_value(value_or_none(fn, env)) if value is SLOW else value
            for (name, fn), value in zip(self.derived, values.values(), strict=True)
        }
        if eligible is None:
            outcomes = tuple(
                _caused(compiled.by_closures(env), notes) if outcome is SLOW else outcome
                for compiled, outcome in zip(self.criteria, outcomes, strict=True)
            )
            eligible = self._eligible(outcomes)
        return Evaluation(notes, outcomes, eligible, derived, holds, None)

    def _by_closures(self, env: Env) -> Evaluation:
        """The evaluation by the reference semantics alone, rule by rule."""
        notes = self._amounts(env)
        outcomes = tuple(_caused(compiled.by_closures(env), notes) for compiled in self.criteria)
        derived = {name: json_value(value_or_none(fn, env)) for name, fn in self.derived}
        holds = tuple(SLOW for _, applies in self.obligations if applies is not None)
        return Evaluation(notes, outcomes, self._eligible(outcomes), derived, holds, None)

    def _report(self, env: Env, error: Exception) -> typing.NoReturn:
        """Generated code raised ``error``: let the reference report it, naming the rule."""
        env.amounts.clear()
        self._by_closures(env)  # raises the precise error when the application has one
        raise EvaluationError(
            "generated code and the reference semantics disagree: the generated function "
            f"raised {type(error).__name__}: {error}, the reference decided (please report)"
        ) from error

    def _eligible(self, outcomes: Outcomes) -> bool:
        return not any(outcomes[i][0] in _BLOCKING for i in self.blocking)

    def params_at(self, on: datetime.date) -> Params:
        """The parameters in force on ``on`` (cached: a call evaluates many on the same day)."""
        found = self._params.get(on)
        if found is None:
            if len(self._params) >= _PARAM_CACHE_SIZE:
                self._params.clear()
            # Days between two boundaries share one dict, and the texts and generated
            # parameter reads cached for it (keyed by its values, and by its identity).
            span = bisect.bisect_right(self._boundaries, on)
            found = self._spans.get(span)
            if found is None:
                params = Params(self.version.parameters.at(on))
                values = tuple((name, repr(value)) for name, value in sorted(params.items()))
                found = self._spans[span] = (params, values)
            self._params[on] = found
        return found[0]

    def params_key(self, on: datetime.date) -> tuple[tuple[str, str], ...]:
        """The parameter values in force on ``on`` as a hashable key."""
        self.params_at(on)
        key: tuple[tuple[str, str], ...] = self._params[on][1]
        return key

    # The three caches below are keyed by the parameter values (spans with equal values share
    # them), and found again through the memo of the day's Params, keyed by this version (a
    # key of all the values costs a hash of each of them).

    def params_json(self, on: datetime.date) -> dict[str, Any]:
        """The parameters in force on ``on`` as JSON values (cached with the texts)."""
        memo = self.params_at(on).memo
        found: dict[str, Any] | None = memo.get((self, "json"))
        if found is None:
            key = ("json", self.params_key(on))
            found = self._texts.get(key)
            if found is None:
                found = {k: json_value(v) for k, v in self.params_at(on).items()}
                self._texts[key] = found
            memo[(self, "json")] = found
        return found

    def json_fragments(self, lang: str, on: datetime.date) -> Fragments:
        """The static parts of decision JSON texts in ``lang`` on ``on`` (cached)."""
        memo = self.params_at(on).memo
        found = memo.get((self, "fragments", lang))
        if found is None:
            key = ("fragments", lang, self.params_key(on))
            found = self._texts.get(key)
            if found is None:
                found = self._texts[key] = Fragments(
                    self, lang, self.params_at(on), self.params_json(on), self.texts(lang, on)
                )
            memo[(self, "fragments", lang)] = found
        assert isinstance(found, Fragments)
        return found

    def texts(self, lang: str, on: datetime.date) -> dict[str, str]:
        """Rendered formulas and rules for ``lang`` with the parameters of ``on`` (cached)."""
        params = self.params_at(on)
        found: dict[str, str] | None = params.memo.get((self, "texts", lang))
        if found is not None:
            return found
        key = (lang, self.params_key(on))
        found = self._texts.get(key)
        if found is None:
            ctx = RenderContext(lang, self.labels, params)
            found = {f"amount:{a.id}": a.formula.render(ctx) for a in self.version.amounts}
            found.update({f"criterion:{c.id}": c.render(ctx) for c in self.version.criteria})
            # The rule a message shows when an exception applied is the exception's.
            found.update(
                {
                    f"exception:{c.id}:{o.label}": o.render(ctx)
                    for c in self.version.criteria
                    for o in c.exceptions
                }
            )
            self._texts[key] = found
        params.memo[(self, "texts", lang)] = found
        return found

    def _amounts(self, env: Env) -> dict[str, tuple[str | None, str | None]]:
        notes: dict[str, tuple[str | None, str | None]] = {}
        for amount in self.amounts:
            try:
                value, label = _with_overrides(
                    f"amount {amount.id}", amount.formula, amount.overrides, env
                )
                notes[amount.id] = (label, None)
            except MissingInput as missing:
                # An amount lacking an earlier amount lacks what that one lacked: name the
                # input the applicant or the instructor must give, not an intermediate sum.
                value, notes[amount.id] = None, (None, _cause(notes, missing.name))
            except GrantRulesError:
                raise
            except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
                raise EvaluationError(f"amount {amount.id}: {exc}") from exc
            if value is not None and not isinstance(value, Euro):
                raise EvaluationError(f"amount {amount.id} gave {value!r}, not a Euro amount")
            env.amounts[amount.id] = value
        return notes

    def day(self, scheme: Any, on: datetime.date) -> Day:
        """What every decision of ``scheme`` evaluated on ``on`` shares (evaluate() keeps one
        per scheme and day)."""
        # Before the first version, its parameters apply as on its first day: a too-early
        # application then fails its criteria instead of crashing on a missing parameter.
        params_day = max(on, self._first)
        return Day(
            self,
            self.provenance(scheme, on),
            self.params_at(params_day),
            params_day,
            self.fast_all(scheme.application_type),
        )

    def decide(
        self, scheme: Any, app: Any, on: datetime.date, lang: str, day: Day | None = None
    ) -> Decision:
        """The decision on ``app``, evaluated on ``on``; ``day`` is ``self.day(scheme, on)``,
        built here when not given."""
        if day is None:
            day = self.day(scheme, on)
        env = Env(app, day.params, {}, on)
        fast_all = day.fast_all
        result = None
        if fast_all is not None:
            # _evaluate's commonest case inline (every rule decided by the generated
            # function): a decision pays for no call and no intermediate tuple.
            notes: dict[str, tuple[str | None, str | None]] = {}
            try:
                result = fast_all(env, notes)
            except UNDECIDED:
                pass  # _evaluate below: the reference decides every rule
            except (GrantRulesError, TypeError, ValueError, ArithmeticError, AttributeError) as e:
                self._report(env, e)
        outcomes: Outcomes
        pending: tuple[Any, ...] | None
        if result is not None and not result[5]:  # then eligible is a bool
            outcomes, eligible, derived, holds, pending, _ = result
            eligible = eligible is True
        else:
            if result is not None:
                evaluation = self._finish(env, notes, result)
            else:
                evaluation = self._by_closures(env)
            notes, outcomes, eligible, derived, holds, pending = evaluation
        award = _ZERO
        obligations: tuple[ObligationResult, ...] = ()
        if eligible:
            if pending is None:
                computed: Euro | None = env.amounts.get(self._award_id)
            else:
                raw = pending[self.award_index]
                computed = _euro(raw) if raw.__class__ is Decimal else raw
            if computed is None:
                raise EvaluationError(
                    f"the award could not be computed: input {notes[self._award_id][1]} is missing"
                )
            award = computed
            obligations = self._obligations_of(lang, env, holds)
        return _decision(
            (  # in the order of decision._STATE
                scheme.id,
                self.scheme_version,
                app.id,
                on,
                eligible,
                award,
                obligations,
                day.provenance,
                derived,
                lang,
                Explanation(self, env, outcomes, notes, eligible, lang, day.params_day, pending),
            )
        )

    def _obligations_of(
        self, lang: str, env: Env, holds: tuple[Any, ...]
    ) -> tuple[ObligationResult, ...]:
        """The obligations whose condition holds (``holds``: the generated function's truth of
        each condition, in order, SLOW where it could not tell)."""
        if not holds:  # no obligation has a condition
            return self._unconditional(lang)
        found, conditions = [], iter(holds)
        for result, applies in self._obligations(lang):
            if applies is not None:
                held = next(conditions)
                if not (value_or_none(applies, env) if held is SLOW else held):
                    continue
            found.append(result)
        return tuple(found)

    def _unconditional(self, lang: str) -> tuple[ObligationResult, ...]:
        found = self._all_obligations.get(lang)
        if found is None:
            found = self._all_obligations[lang] = tuple(r for r, _ in self._obligations(lang))
        return found

    def _obligations(self, lang: str) -> tuple[tuple[ObligationResult, Compiled | None], ...]:
        found = self._lang_obligations.get(lang)
        if found is None:
            found = self._lang_obligations[lang] = tuple(
                (ObligationResult(o.id, pick(o.text, lang), o.basis), applies)
                for o, applies in self.obligations
            )
        return found

    def provenance(self, scheme: Any, on: datetime.date) -> Provenance:
        """The provenance stamp of decisions of ``scheme`` evaluated on ``on`` (evaluate()
        keeps one per scheme and day, which decisions share)."""
        distribution = scheme.distribution or (None, None)
        return Provenance(
            grantrules_version=__version__,
            scheme=scheme.id,
            distribution=distribution[0],
            distribution_version=distribution[1],
            scheme_version=self.scheme_version,
            evaluated_on=on.isoformat(),
            overrides=dict(scheme.overrides),
        )


_BLOCKING = (Outcome.FAILED, Outcome.MISSING)
_ZERO = Euro.ZERO
_decision = Decision._evaluated


def _reads_no_amount(criterion: Any) -> bool:
    """Whether the closures of ``criterion`` never read ``env.amounts``: every node is one of
    the expression tree's own (a node defined elsewhere may read anything), none an amount.
    The generated function may then run them itself (see fast_version's ``deciders``)."""
    return all(
        type(node).__module__.startswith("grantrules.expressions")
        and not isinstance(node, AmountRef)
        for expression in criterion.expressions()
        for node in expression.walk()
    )


def _cause(notes: dict[str, tuple[str | None, str | None]], name: str) -> str:
    """The input behind ``name``: the one the amount ``name`` lacked, else ``name`` itself."""
    note = notes.get(name)
    return name if note is None or note[1] is None else note[1]


def _caused(
    result: tuple[Outcome, str | None, str | None], notes: dict[str, tuple[str | None, str | None]]
) -> tuple[Outcome, str | None, str | None]:
    """A criterion's result naming the input behind a missing amount it read."""
    missing = result[2]
    if missing is None:
        return result
    return result[0], result[1], _cause(notes, missing)


class Day(NamedTuple):
    """What the decisions of one scheme evaluated on one day share."""

    version: CompiledVersion
    provenance: Provenance
    #: The parameters in force on ``params_day``.
    params: Params
    #: The evaluation day, or the version's first day for an earlier one.
    params_day: datetime.date
    #: The generated function for the scheme's application model (None: closures only).
    fast_all: Callable[[Env, dict[str, Any]], VersionResult] | None


class Evaluation(NamedTuple):
    """What evaluating one application found, before any explanation is built."""

    #: amount id -> (exception label, missing input), for the amounts that have one.
    notes: dict[str, tuple[str | None, str | None]]
    outcomes: Outcomes
    eligible: bool
    derived: dict[str, Any]
    #: The truth of the obligations' conditions, SLOW where the closures must tell.
    holds: tuple[Any, ...]
    #: The amounts not yet stored in env.amounts (as the generated function gave them).
    pending: tuple[Any, ...] | None


def compiled(version: Any) -> CompiledVersion:
    """The compiled form of ``version``, built on first use and kept with the version."""
    found: CompiledVersion = version.cached("compiled", CompiledVersion)
    return found
