"""The explanations of one evaluation, built when they are first asked for.

An evaluation keeps what it read (the environment, each criterion's outcome, notes on the
amounts); this module turns that record into :class:`~grantrules.decision.CriterionResult` and
:class:`~grantrules.decision.AmountResult` objects, or straight into the decision JSON's text.
Both routes share the functions that read the values and fill the messages, so they cannot
disagree; the text route only skips the intermediate objects and joins fragments that are
encoded once per scheme version, language and parameter values (ids, bases, formulas,
parameters), which makes storing a decision several times cheaper.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from grantrules._engine.compiled_rules import (
    _FAILED,
    _NOT_APPLICABLE,
    _PASSED,
    _CompiledAmount,
    _CompiledCriterion,
)
from grantrules._engine.json_text import json_text, json_value, key_text, value_text
from grantrules._engine.runtime import store_amounts
from grantrules._engine.textgen import (
    CriterionText,
    InputsText,
    criterion_text,
    inputs_text,
    value_or_none,
)
from grantrules._engine.writer import DecisionWriter, decision_writer
from grantrules.decision import AmountResult, CriterionResult
from grantrules.expressions import Env
from grantrules.money import Euro
from grantrules.rules import Outcome, Severity

__all__ = ["Explanation", "Outcomes", "Version", "value_or_none"]

Outcomes = tuple[tuple[Outcome, str | None, str | None], ...]
Notes = dict[str, tuple[str | None, str | None]]
_NO_NOTE: tuple[str | None, str | None] = (None, None)
_ABSENT = object()
_BLOCKING = (Outcome.FAILED, Outcome.MISSING)


class Version(Protocol):
    """What explanations read of their compiled version
    (:class:`grantrules._engine.compiled.CompiledVersion`, which depends on this module, not the
    other way round)."""

    @property
    def version(self) -> Any:
        """The :class:`~grantrules.scheme.SchemeVersion`."""

    @property
    def criteria(self) -> tuple[_CompiledCriterion, ...]: ...

    @property
    def amounts(self) -> tuple[_CompiledAmount, ...]: ...

    @property
    def amount_ids(self) -> tuple[str, ...]: ...

    @property
    def criterion_ids(self) -> tuple[str, ...]: ...

    @property
    def criterion_index(self) -> dict[str, int]: ...

    @property
    def missing_shows(self) -> tuple[frozenset[str], ...]:
        """Per criterion, the input names its result shows when an input is missing, that
        ``missing`` member aside."""

    @property
    def blocking(self) -> tuple[int, ...]:
        """The positions of the blocking criteria."""

    @property
    def warning(self) -> tuple[int, ...]:
        """The positions of the warning criteria."""

    def texts(self, lang: str, on: datetime.date) -> dict[str, str]: ...

    def params_json(self, on: datetime.date) -> dict[str, Any]: ...

    def json_fragments(self, lang: str, on: datetime.date) -> Fragments: ...


class Explanation:
    """What one evaluation read, kept to build its explanations when they are asked for."""

    __slots__ = (
        "_env",
        "_pending",
        "_results",
        "day",
        "eligible",
        "lang",
        "notes",
        "outcomes",
        "version",
    )

    def __init__(
        self,
        version: Version,
        env: Env,
        outcomes: Outcomes,
        notes: Notes,
        eligible: bool,
        lang: str,
        day: datetime.date,
        pending: tuple[Any, ...] | None = None,
    ) -> None:
        self.version, self._env, self.outcomes = version, env, outcomes
        self.notes, self.eligible, self.lang, self.day = notes, eligible, lang, day
        # The amounts as the generated function returned them, until an explanation needs
        # them in env.amounts as Euro objects: deciding does not pay for wrapping them.
        self._pending = pending
        # Criterion results built one by one as they are read (decision.failed reads only the
        # failed ones); None until the first.
        self._results: list[CriterionResult | None] | None = None

    @property
    def env(self) -> Env:
        """The evaluation's environment, every amount in ``env.amounts``."""
        if self._pending is not None:
            store_amounts(self.version.amount_ids, self._pending, self._env.amounts)
            self._pending = None
        return self._env

    def outcome_of(self, index: int) -> Outcome:
        """The outcome of the criterion at ``index``: no message, no input read."""
        return self.outcomes[index][0]

    def criterion_count(self) -> int:
        return len(self.outcomes)

    def criterion_id(self, index: int) -> str:
        found: str = self.version.criterion_ids[index]
        return found

    def index(self, criterion_id: str) -> int | None:
        return self.version.criterion_index.get(criterion_id)

    def not_met(self, severity: Severity) -> tuple[int, ...]:
        """The indexes of the criteria of ``severity`` that failed or lacked an input."""
        if severity is Severity.BLOCKING:
            if self.eligible:  # then no blocking criterion failed or lacked an input
                return ()
            indexes = self.version.blocking
        else:
            indexes = self.version.warning
        outcomes = self.outcomes
        return tuple([i for i in indexes if outcomes[i][0] in _BLOCKING])

    def failed_ids(self) -> tuple[str, ...]:
        """The ids of the blocking criteria that failed or lacked an input, in order."""
        if self.eligible:  # then no blocking criterion failed or lacked an input
            return ()
        # not_met's test in the same pass (a verdict path reads this for every refusal).
        ids, outcomes = self.version.criterion_ids, self.outcomes
        return tuple([ids[i] for i in self.version.blocking if outcomes[i][0] in _BLOCKING])

    def pending(self) -> tuple[str, ...]:
        """:attr:`Decision.pending` from the outcomes: the criteria ``instruction.<name>``
        whose outcome is ``missing`` and whose result would show that one input alone (the
        names a result shows are known without reading any value)."""
        if self.eligible:  # a pending criterion is blocking and missing
            return ()
        ids, names = self.version.criterion_ids, self.version.missing_shows
        return tuple(
            [
                ids[i]
                for i, result in enumerate(self.outcomes)
                if result[0] is Outcome.MISSING
                and ids[i].startswith("instruction.")
                and names[i] == {ids[i]}
            ]
        )

    def result(self, index: int) -> CriterionResult:
        """The result of the criterion at ``index`` (message and inputs built on first read)."""
        results = self._results
        if results is None:
            results = self._results = [None] * len(self.outcomes)
        found = results[index]
        if found is None:
            found = results[index] = self._result(index)
        return found

    def criteria(self) -> tuple[CriterionResult, ...]:
        return tuple(self.result(index) for index in range(len(self.outcomes)))

    def _result(self, index: int) -> CriterionResult:
        compiled, result = self.version.criteria[index], self.outcomes[index]
        values, message = self._explain(compiled, result)
        params = self.version.params_json(self.day)
        inputs = {
            k: params[k] if k in params else json_value(v) for k, v in values.items() if k != "rule"
        }
        criterion = compiled.criterion
        return CriterionResult(
            id=criterion.id,
            outcome=result[0],
            severity=criterion.severity,
            message=message,
            basis=criterion.basis,
            inputs=inputs,
            exception=result[1],
        )

    def amounts(self) -> tuple[AmountResult, ...]:
        formulas = self.version.texts(self.lang, self.day)
        return tuple(
            AmountResult(amount_id, value, formulas[f"amount:{amount_id}"], inputs, label, missing)
            for amount_id, value, inputs, label, missing in self._amounts()
        )

    def json_text(self, head: str, middle: str, end: str) -> str:
        """The decision JSON: ``head``, the ``amounts``, ``,"criteria":`` and the
        ``criteria``, ``middle``, the ``traces``, ``end`` (see Decision.to_json_text)."""
        fragments = self.version.json_fragments(self.lang, self.day)
        env = self._env  # the writer reads the amounts from _pending, if not stored yet
        write = fragments.writer(env.app.__class__)
        if write is not None:
            outcomes, eligible, notes = self.outcomes, self.eligible, self.notes
            return write(self, env, self._pending, outcomes, eligible, notes, head, middle, end)
        amounts, criteria, traces = self._parts_one_by_one(fragments)
        return f'{head}{amounts},"criteria":{criteria}{middle}{traces}{end}'

    def _parts_one_by_one(self, fragments: Fragments) -> tuple[str, str, str]:
        """The ``amounts``, ``criteria`` and ``traces`` criterion by criterion and amount by
        amount (the route the generated decision writer must agree with)."""
        criteria = [self.text_of(index) for index in range(len(self.outcomes))]
        amounts, traces = [], []
        for amount_id, value, members, label, missing in self._amount_texts(fragments):
            key, trace_head = fragments.amounts[amount_id]
            amounts.append(key + ("null" if value is None else '"' + str(value) + '"'))
            trace = trace_head + "{" + members + "}"
            if label is not None:
                trace += ',"exception":' + json_text(label)
            if missing is not None:
                trace += ',"missing":' + json_text(missing)
            traces.append(trace + "}")
        return (
            "{" + ",".join(amounts) + "}",
            "[" + ",".join(criteria) + "]",
            "{" + ",".join(traces) + "}",
        )

    def text_of(self, index: int) -> str:
        """The JSON text of the criterion at ``index``: by its generated text function when
        there is one, else by the general route (:meth:`_explain`)."""
        fragments = self.version.json_fragments(self.lang, self.day)
        compiled, result = self.version.criteria[index], self.outcomes[index]
        outcome, label, missing = result
        # An exception that applied may have its own message and rule text: the general
        # route (_explain) writes those, the generated writers only the base rule's.
        if label is None:
            write = fragments.writers[index].get(outcome._value_, _UNBUILT)  # Enum hash: Python
            if write is _UNBUILT:
                write = fragments.criterion_text(compiled, outcome)
            if write is not None:
                text: str = write(self.env, None, missing)
                return text
        values, message = self._explain(compiled, result)
        head, middle = fragments.criteria[compiled.criterion.id]
        params = fragments.params
        members = ",".join(
            [
                key_text(k) + (params[k] if k in params else value_text(v))
                for k, v in values.items()
                if k != "rule"
            ]
        )
        tail = "}}" if label is None else '},"exception":' + json_text(label) + "}"
        return head[outcome] + json_text(message) + middle + members + tail

    def _explain(
        self,
        compiled: _CompiledCriterion,
        result: tuple[Outcome, str | None, str | None],
    ) -> tuple[dict[str, Any], str]:
        """The values one criterion shows and its message (the reference for _textgen)."""
        env = self.env
        outcome, label, missing = result
        values = compiled.inputs.read(env)
        if outcome is not Outcome.NOT_APPLICABLE:
            for name, fn in compiled.details:
                values[name] = value_or_none(fn, env)
        if missing is not None:
            values["missing"] = missing
        if outcome is Outcome.PASSED and compiled.wants:
            rule = f"criterion:{compiled.criterion.id}"
            if label is not None:  # say which rule applied: the exception's
                rule = f"exception:{compiled.criterion.id}:{label.split('+')[0]}"
            # The rendered rules, read only here: most messages do not show one.
            values["rule"] = self.version.texts(self.lang, self.day)[rule]
        return values, compiled.message(outcome, values, self.lang, label, env.params)

    def _amount_texts(
        self, fragments: Fragments
    ) -> Iterator[tuple[str, Euro | None, str, str | None, str | None]]:
        """Per amount: (id, value, its trace's inputs as members text, exception label,
        missing input), by the generated function when it can, else by :meth:`_amounts`."""
        env = self.env
        write = fragments.inputs_text
        generated = None if write is None else write(env)
        if generated is None:
            params, self_params = fragments.params, self.version.params_json(self.day)
            for amount_id, value, inputs, label, missing in self._amounts():
                # Parameters come from params_json (see _amounts): their text is pre-encoded.
                members = ",".join(
                    [
                        key_text(k)
                        + (params[k] if v is self_params.get(k, _ABSENT) else json_text(v))
                        for k, v in inputs.items()
                    ]
                )
                yield amount_id, value, members, label, missing
            return
        # _shown, inline: this loop runs for every amount of every decision written.
        values, notes = env.amounts, self.notes
        award = None if self.eligible else self.version.version.award
        for amount, members in zip(self.version.amounts, generated, strict=True):
            amount_id = amount.id
            label, missing = notes.get(amount_id, _NO_NOTE)
            if amount_id == award:
                computed = key_text("computed") + value_text(values[amount_id])
                members = f"{members},{computed}" if members else computed
                yield amount_id, Euro.ZERO, members, "ineligible", missing
            else:
                yield amount_id, values[amount_id], members, label, missing

    def _amounts(
        self,
    ) -> Iterator[tuple[str, Euro | None, dict[str, Any], str | None, str | None]]:
        """Per amount: (id, value, inputs as JSON values, exception label, missing input)."""
        env, params = self.env, self.version.params_json(self.day)
        for amount in self.version.amounts:
            shown = amount.inputs
            inputs = {
                name: params[name] if name in shown.params else json_value(read)
                for name, read in shown.read(env).items()
            }
            value, label, missing, computed = self._shown(amount.id)
            if computed is not _ABSENT:
                inputs["computed"] = json_value(computed)
            yield amount.id, value, inputs, label, missing

    def _shown(self, amount_id: str) -> tuple[Euro | None, str | None, str | None, Any]:
        """An amount as its trace shows it: (value, exception label, missing input, the
        computed value of an ineligible application's award or ``_ABSENT``), which is 0.00
        with the label ``ineligible``."""
        value = self.env.amounts[amount_id]
        label, missing = self.notes.get(amount_id, _NO_NOTE)
        if amount_id == self.version.version.award and not self.eligible:
            return Euro.ZERO, "ineligible", missing, value
        return value, label, missing, _ABSENT


class Fragments:
    """The parts of a decision's JSON text that depend only on the scheme version, the
    language and the parameter values: encoded once, joined for every decision."""

    __slots__ = (
        "_index",
        "_lang",
        "_raw",
        "_textgen",
        "_texts",
        "_version",
        "_writers",
        "amounts",
        "criteria",
        "inputs_text",
        "params",
        "writers",
    )

    def __init__(
        self,
        version: Version,
        lang: str,
        params: Mapping[str, Any],
        params_json: Mapping[str, Any],
        texts: Mapping[str, str],
    ) -> None:
        self._lang, self._raw, self._texts = lang, params, texts
        self._version = version
        self._writers: dict[type | None, DecisionWriter | None] = {}
        self._textgen: dict[tuple[str, str], CriterionText | None] = {}
        self._index = version.criterion_index
        #: Per criterion, in order: its writer (or None) by outcome value, as criterion_text
        #: finds it.
        self.writers: tuple[dict[str, CriterionText | None], ...] = tuple(
            {} for _ in version.criteria
        )
        self.params = {name: json_text(value) for name, value in params_json.items()}
        self.criteria: dict[str, tuple[dict[Outcome, str], str]] = {}
        for compiled in version.criteria:
            criterion = compiled.criterion
            severity = ',"severity":' + json_text(criterion.severity.value) + ',"message":'
            heads = {
                outcome: '{"id":'
                + json_text(criterion.id)
                + ',"outcome":'
                + json_text(outcome.value)
                + severity
                for outcome in Outcome
            }
            middle = ',"basis":' + json_text(criterion.basis.to_dict()) + ',"inputs":{'
            self.criteria[criterion.id] = (heads, middle)
        self.amounts = {
            amount.id: (
                key_text(amount.id),
                key_text(amount.id)
                + '{"formula":'
                + json_text(texts[f"amount:{amount.id}"])
                + ',"inputs":',
            )
            for amount in version.amounts
        }
        award = next(a for a in version.amounts if a.id == version.version.award)
        # The general route (Explanation._amounts) writes the inputs when no function is
        # generated: an input named like the trace's "computed" member, two inputs sharing a
        # name (ValueError), a parameter not in force on the day (KeyError).
        self.inputs_text: InputsText | None = None
        if not any(name == "computed" for _, name in award.inputs.shown):
            with contextlib.suppress(KeyError, ValueError):
                self.inputs_text = inputs_text(
                    [a.inputs.shown for a in version.amounts], self.params
                )

    def writer(self, model: type | None = None) -> DecisionWriter | None:
        """The generated writer of the decisions' amounts, criteria and traces for
        applications of the class ``model`` (built on first use); ``None`` when the traces
        show what only the general route writes."""
        found: DecisionWriter | None = self._writers.get(model, _UNBUILT)
        if found is _UNBUILT:
            version = self._version
            try:
                found = decision_writer(
                    version.criteria,
                    self.criteria,
                    (_PASSED, _FAILED, _NOT_APPLICABLE),
                    [(a.id, a.inputs.shown) for a in version.amounts],
                    version.version.award,
                    self._lang,
                    self._raw,
                    self.params,
                    self._texts,
                    model,
                )
            except (KeyError, ValueError):
                found = None  # kept, so that generation is not retried for every decision
            # One entry per application class evaluated: a scheme's model, in practice.
            self._writers[model] = found
        return found

    def criterion_text(
        self, compiled: _CompiledCriterion, outcome: Outcome
    ) -> CriterionText | None:
        """The generated text function of ``compiled`` for ``outcome`` (built on first use);
        ``None`` when the general route writes it (a parameter value that cannot be encoded
        or formatted)."""
        key = (compiled.criterion.id, outcome._value_)  # Enum.__hash__ is Python code
        found: CriterionText | None = self._textgen.get(key, _UNBUILT)
        if found is _UNBUILT:
            heads, middle = self.criteria[compiled.criterion.id]
            try:
                found = criterion_text(
                    compiled,
                    outcome,
                    self._lang,
                    (heads[outcome], middle),
                    self._raw,
                    self.params,
                    self._texts[f"criterion:{compiled.criterion.id}"],
                )
            except (KeyError, TypeError, ValueError):
                found = None  # kept, so that generation is not retried for every decision
            self._textgen[key] = found
            self.writers[self._index[compiled.criterion.id]][key[1]] = found
        return found


_UNBUILT: Any = object()
