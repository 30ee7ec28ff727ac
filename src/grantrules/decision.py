"""Decisions: what evaluating one application concluded, why, and how much.

A :class:`Decision` is plain data: every value it holds is already in its JSON form (amounts
as :class:`~grantrules.money.Euro`, inputs as JSON values), so that ``to_json`` and
``from_json`` are exact inverses.  The JSON form is the contract other applications rely on::

    {"scheme": "...", "scheme_version": "2024-11-01", "application": "...",
     "evaluated_on": "2025-03-14", "eligible": true, "award": "60000.00",
     "amounts": {"total_cost": "100000.00", ...}, "criteria": [...], "obligations": [...],
     "provenance": {...}, "traces": {...}, "lang": "fr", <derived values>}

>>> from grantrules.evaluate import evaluate
>>> from grantrules.testing.examples import example_document, example_scheme
>>> decision = evaluate(example_scheme(), example_document())
>>> Decision.from_json(decision.to_json()) == decision
True

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs

from grantrules._engine.json_text import json_text, key_text
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument
from grantrules.money import Euro
from grantrules.rules import Outcome, Severity

__all__ = [
    "DECISION_KEYS",
    "AmountResult",
    "CriterionResult",
    "Decision",
    "ObligationResult",
    "Provenance",
]

Json = Any


@attrs.frozen
class CriterionResult:
    """One criterion's outcome, message, basis and the inputs it read.

    ``inputs`` maps each field, parameter or amount the criterion read to its JSON value;
    ``exception`` is the label of the exception that applied, if any.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> result = evaluate(example_scheme(), example_document(), lang="en").criteria[0]
    >>> result.id, result.outcome, result.inputs
    ('cost.positive', <Outcome.PASSED: 'passed'>, {'total': '1200.00'})
    >>> result.message
    'Criterion met: total is greater than €0.00.'

    .. versionadded:: 0.1
    """

    id: str
    outcome: Outcome
    severity: Severity
    message: str
    basis: Basis
    inputs: Mapping[str, Json]
    exception: str | None = None

    @property
    def blocks(self) -> bool:
        """True when this result makes the application ineligible.

        That is, a blocking criterion that failed or lacked an input.

        >>> result = CriterionResult("project.duration", Outcome.MISSING, Severity.BLOCKING,
        ...                          "Information manquante.", Basis("Règlement"), {})
        >>> result.blocks, attrs.evolve(result, severity=Severity.WARNING).blocks
        (True, False)
        """
        return self.severity is Severity.BLOCKING and self.outcome in _BLOCKING_OUTCOMES

    def to_json(self) -> dict[str, Json]:
        """The result as in the decision JSON's ``criteria`` list.

        >>> CriterionResult("cost.positive", Outcome.PASSED, Severity.BLOCKING, "Critère rempli.",
        ...                 Basis("Règlement", "art. 4"), {"total": "1200.00"}).to_json()["basis"]
        {'title': 'Règlement', 'article': 'art. 4'}
        """
        data: dict[str, Json] = {
            "id": self.id,
            "outcome": self.outcome._value_,
            "severity": self.severity._value_,
            "message": self.message,
            "basis": self.basis.to_dict(),
            "inputs": dict(self.inputs),
        }
        if self.exception is not None:
            data["exception"] = self.exception
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> CriterionResult:
        """Read back what :meth:`to_json` wrote.

        >>> result = CriterionResult("cost.positive", Outcome.FAILED, Severity.BLOCKING,
        ...                          "Aucun coût.", Basis("Règlement"), {"total": "0.00"})
        >>> CriterionResult.from_json(result.to_json()) == result
        True
        """
        return cls(
            id=data["id"],
            outcome=Outcome(data["outcome"]),
            severity=Severity(data["severity"]),
            message=data["message"],
            basis=Basis.from_dict(data["basis"]),
            inputs=dict(data["inputs"]),
            exception=data.get("exception"),
        )


_BLOCKING_OUTCOMES = (Outcome.FAILED, Outcome.MISSING)


@attrs.frozen
class AmountResult:
    """One amount's value with the trace of how it was computed.

    ``value`` is ``None`` when an input was missing (``missing`` names it).  ``formula`` is
    the formula in words, in the decision's language, and ``inputs`` the values it read.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> award = evaluate(example_scheme(), example_document(), lang="en").amounts[-1]
    >>> award.id, award.value, award.formula
    ('award', Euro('600.00'), '50% of total (rounded down to the cent)')

    .. versionadded:: 0.1
    """

    id: str
    value: Euro | None
    formula: str
    inputs: Mapping[str, Json]
    exception: str | None = None
    missing: str | None = None

    def trace_json(self) -> dict[str, Json]:
        """The trace as in the decision JSON's ``traces`` (the value goes to ``amounts``).

        >>> AmountResult("award", None, "50% of total", {}, missing="costs").trace_json()
        {'formula': '50% of total', 'inputs': {}, 'missing': 'costs'}
        """
        data: dict[str, Json] = {"formula": self.formula, "inputs": dict(self.inputs)}
        if self.exception is not None:
            data["exception"] = self.exception
        if self.missing is not None:
            data["missing"] = self.missing
        return data


@attrs.frozen
class ObligationResult:
    """An obligation that applies to an eligible application, its text in the decision's
    language.

    >>> ObligationResult("publicity", "Mentionner le soutien de l'Union européenne.",
    ...                  Basis("Règlement (UE) 2021/1060", "art. 50")).to_json()["id"]
    'publicity'

    .. versionadded:: 0.1
    """

    id: str
    text: str
    basis: Basis
    # The JSON text, once written (see _text_of): not part of the value.
    _text: str | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def to_json(self) -> dict[str, Json]:
        """The obligation as in the decision JSON's ``obligations`` list.

        >>> reporting = ObligationResult("reporting", "Rapport final sous 3 mois.", Basis("CPO"))
        >>> reporting.to_json()
        {'id': 'reporting', 'text': 'Rapport final sous 3 mois.', 'basis': {'title': 'CPO'}}
        """
        return {"id": self.id, "text": self.text, "basis": self.basis.to_dict()}


@attrs.frozen
class Provenance:
    """Where a decision comes from, so that it can be reproduced.

    The grantrules version, the scheme and the distribution (with its version) that provides
    it, the scheme version applied, the evaluation date and any what-if parameter overrides.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> provenance = evaluate(example_scheme(), example_document()).provenance
    >>> provenance.scheme, provenance.scheme_version, provenance.evaluated_on
    ('example', '2025-01-01', '2025-03-14')

    .. versionadded:: 0.1
    """

    grantrules_version: str
    scheme: str
    distribution: str | None
    distribution_version: str | None
    scheme_version: str
    evaluated_on: str
    overrides: Mapping[str, str] = attrs.field(factory=dict)
    # The JSON text, once written (see _text_of): not part of the value.
    _text: str | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def to_json(self) -> dict[str, Json]:
        """The provenance as in the decision JSON (``grantrules_version`` as ``grantrules``).

        >>> Provenance("0.1.0", "sports-equipment", "grantrules-sports", "2025.1.0",
        ...            "2024-11-01", "2025-03-14", {"feder_rate": "50%"}).to_json()["overrides"]
        {'feder_rate': '50%'}
        """
        return {
            "grantrules": self.grantrules_version,
            "scheme": self.scheme,
            "distribution": self.distribution,
            "distribution_version": self.distribution_version,
            "scheme_version": self.scheme_version,
            "evaluated_on": self.evaluated_on,
            "overrides": dict(self.overrides),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> Provenance:
        """Read back what :meth:`to_json` wrote.

        >>> provenance = Provenance("0.1.0", "sports-equipment", None, None, "2024-11-01",
        ...                         "2025-03-14")
        >>> Provenance.from_json(provenance.to_json()) == provenance
        True
        """
        return cls(
            grantrules_version=data["grantrules"],
            scheme=data["scheme"],
            distribution=data["distribution"],
            distribution_version=data["distribution_version"],
            scheme_version=data["scheme_version"],
            evaluated_on=data["evaluated_on"],
            overrides=dict(data["overrides"]),
        )


#: The keys of the decision JSON, in order; a scheme's derived values may not use them.
DECISION_KEYS = (
    "scheme",
    "scheme_version",
    "application",
    "evaluated_on",
    "eligible",
    "award",
    "amounts",
    "criteria",
    "obligations",
    "provenance",
    "traces",
    "lang",
)


def _string(value: Any) -> str:
    """``json_text(value)`` for a value that is a string but for an odd caller."""
    return _encode_string(value) if value.__class__ is str else json_text(value)


_encode_string: Callable[[str], str] = json.encoder.encode_basestring


def _text_of(value: ObligationResult | Provenance) -> str:
    """The JSON text of an obligation or provenance, kept on the object itself: evaluations
    share these objects (see _compiled), so each is encoded once."""
    text = value._text
    if text is None:
        text = json_text(value.to_json())
        object.__setattr__(value, "_text", text)
    return text


class Explanation(Protocol):
    """Builds a decision's explanations on demand from what the evaluation read."""

    def criteria(self) -> tuple[CriterionResult, ...]: ...

    def amounts(self) -> tuple[AmountResult, ...]: ...

    def json_text(self, head: str, middle: str, end: str) -> str:
        """The decision JSON as compact text: ``head`` (up to ``"amounts":``), the amounts,
        ``,"criteria":`` and the criteria, ``middle`` (up to ``"traces":``), the traces,
        ``end``."""
        ...

    # Outcomes before words: what the evaluation decided, without building any message.
    def outcome_of(self, index: int) -> Outcome:
        """The outcome of the criterion at ``index``, in the scheme's order."""
        ...

    def criterion_count(self) -> int: ...

    def criterion_id(self, index: int) -> str: ...

    def index(self, criterion_id: str) -> int | None:
        """The position of ``criterion_id`` among the criteria, ``None`` if it has none."""
        ...

    def not_met(self, severity: Severity) -> tuple[int, ...]:
        """Positions of the criteria of ``severity`` that failed or lacked an input."""
        ...

    def failed_ids(self) -> tuple[str, ...]:
        """The ids of the blocking criteria that failed or lacked an input, in order."""
        ...

    def pending(self) -> tuple[str, ...]:
        """The ids of the criteria waiting for an instructor input (``Decision.pending``)."""
        ...

    def result(self, index: int) -> CriterionResult:
        """The result of one criterion, its message and inputs built on first read."""
        ...


#: What a decision's state tuple holds, in order (Decision._evaluated takes it so).
_STATE = (
    "scheme",
    "scheme_version",
    "application",
    "evaluated_on",
    "eligible",
    "award",
    "obligations",
    "provenance",
    "derived",
    "lang",
    "_explanation",
)


def _member(name: str, doc: str) -> Any:
    """The read-only attribute ``name`` of a :class:`Decision`, kept in its state tuple."""
    index = _STATE.index(name)

    def read(self: Decision) -> Any:
        return self._state[index]

    return property(read, doc=doc)


class Decision:
    """The explained result of evaluating one application.

    ``eligible`` is true when no blocking criterion failed or lacked an input; ``award`` is
    the designated amount when eligible and ``0.00`` otherwise.

    The explanations (``criteria`` with their messages and inputs, ``amounts`` with their
    traces) are built from the evaluation record the first time they are read, then kept:
    a call that only needs verdicts and awards does not pay for messages it never shows.
    Decisions are immutable and compare equal when their JSON forms are equal.

    Build one with :func:`~grantrules.evaluate.evaluate`, or read one back with
    :meth:`from_json`.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> decision = evaluate(example_scheme(), example_document())
    >>> decision
    <Decision example A-1: eligible, award 600.00>
    >>> decision.eligible, decision.award, decision.failed
    (True, Euro('600.00'), ())
    >>> decision.to_json()["amounts"]
    {'total': '1200.00', 'award': '600.00'}

    .. versionadded:: 0.1
    """

    # One slot for what every decision has, set with one call per decision (a call decides
    # thousands a second); the explanations' slots are set when first read.
    __slots__ = ("_amounts", "_criteria", "_state")

    scheme: str = _member("scheme", "The scheme's id.")
    scheme_version: str = _member("scheme_version", "The version in force, by its first day.")
    application: str = _member("application", "The application's id.")
    evaluated_on: datetime.date = _member("evaluated_on", "The evaluation date.")
    eligible: bool = _member("eligible", "Whether no blocking criterion failed or lacked an input.")
    award: Euro = _member("award", "The designated amount if eligible, else 0.00.")
    obligations: tuple[ObligationResult, ...] = _member("obligations", "What the award obliges.")
    provenance: Provenance = _member("provenance", "What produced the decision.")
    derived: Mapping[str, Json] = _member("derived", "The scheme's derived values, by name.")
    lang: str = _member("lang", "The language of the messages.")
    _explanation: Explanation | None = _member("_explanation", "The evaluation record, if any.")
    _state: tuple[Any, ...]
    _criteria: tuple[CriterionResult, ...]
    _amounts: tuple[AmountResult, ...]

    def __init__(
        self,
        *,
        scheme: str,
        scheme_version: str,
        application: str,
        evaluated_on: datetime.date,
        eligible: bool,
        award: Euro,
        obligations: tuple[ObligationResult, ...],
        provenance: Provenance,
        criteria: tuple[CriterionResult, ...] | None = None,
        amounts: tuple[AmountResult, ...] | None = None,
        explanation: Explanation | None = None,
        derived: Mapping[str, Json] | None = None,
        lang: str = "fr",
    ) -> None:
        if explanation is None and (criteria is None or amounts is None):
            raise InvalidArgument("a Decision needs its criteria and amounts, or an explanation")
        _set_state(
            self,
            (
                scheme,
                scheme_version,
                application,
                evaluated_on,
                eligible,
                award,
                obligations,
                provenance,
                dict(derived) if derived else {},
                lang,
                explanation,
            ),
        )
        if criteria is not None:
            _set_criteria(self, criteria)
        if amounts is not None:
            _set_amounts(self, amounts)

    @classmethod
    def _evaluated(cls, state: tuple[Any, ...]) -> Decision:
        """The constructor of ``evaluate()``: ``state`` holds the values named by ``_STATE``,
        in that order, already checked, ``derived`` the decision's own dict."""
        decision: Decision = _new(cls)
        _set_state(decision, state)
        return decision

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Decision is immutable: cannot set {name}")

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """Every criterion's outcome, message, basis and inputs, in the scheme's order."""
        found: tuple[CriterionResult, ...] | None = getattr(self, "_criteria", None)
        if found is None:
            assert self._explanation is not None
            found = self._explanation.criteria()
            _set_criteria(self, found)
        return found

    @property
    def amounts(self) -> tuple[AmountResult, ...]:
        """Every amount with its value and the trace of how it was computed."""
        found: tuple[AmountResult, ...] | None = getattr(self, "_amounts", None)
        if found is None:
            assert self._explanation is not None
            found = self._explanation.amounts()
            _set_amounts(self, found)
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        verdict = "eligible" if self.eligible else "ineligible"
        return f"<Decision {self.scheme} {self.application}: {verdict}, award {self.award}>"

    def _unexplained(self) -> Explanation | None:
        """The evaluation record of an evaluated decision, ``None`` for one read back.

        Its answers are those of the built criteria, whether they were built or not: it keeps
        each result it builds, and :attr:`criteria` is made of them."""
        explanation: Explanation | None = self._state[10]  # _explanation, without its call
        return explanation

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        """Blocking criteria that failed or lacked an input: the reasons for ineligibility.

        Only these criteria's messages and inputs are built (see :attr:`failed_ids` for the
        ids alone).
        """
        explanation = self._unexplained()
        if explanation is not None:
            return tuple(map(explanation.result, explanation.not_met(Severity.BLOCKING)))
        return tuple(c for c in self.criteria if c.blocks)

    @property
    def pending(self) -> tuple[str, ...]:
        """The instructor inputs this decision waits for (``instruction.<name>``), in order.

        Each is a blocking criterion, added by the scheme version, whose outcome is
        ``missing``: the application cannot be eligible until the instructing authority
        supplies it (see :class:`~grantrules.model.Instruction`).
        """
        # A waiting criterion is named after the one input it reads (rules.pending_criterion);
        # a scheme's own criterion about the instruction is not one.
        explanation = self._unexplained()
        if explanation is not None:  # from the outcomes, without building any message
            return explanation.pending()
        return tuple(
            c.id
            for c in self.criteria
            if c.outcome is Outcome.MISSING
            and c.id.startswith("instruction.")
            and set(c.inputs) - {"missing"} == {c.id}
        )

    @property
    def failed_ids(self) -> tuple[str, ...]:
        """The ids of :attr:`failed`, known without building any message.

        >>> from grantrules.evaluate import evaluate
        >>> from grantrules.testing.examples import example_document, example_scheme
        >>> evaluate(example_scheme(), {**example_document(), "costs": []}).failed_ids
        ('cost.positive',)

        .. versionadded:: 0.2
        """
        explanation: Explanation | None = self._state[10]  # _explanation, without its call
        if explanation is not None:
            return explanation.failed_ids()
        return tuple(c.id for c in self.criteria if c.blocks)

    @property
    def outcomes(self) -> dict[str, Outcome]:
        """Every criterion's outcome by id, in the scheme's order, without any message.

        >>> from grantrules.evaluate import evaluate
        >>> from grantrules.testing.examples import example_document, example_scheme
        >>> evaluate(example_scheme(), example_document()).outcomes
        {'cost.positive': <Outcome.PASSED: 'passed'>}

        .. versionadded:: 0.2
        """
        explanation = self._unexplained()
        if explanation is not None:
            return {
                explanation.criterion_id(i): explanation.outcome_of(i)
                for i in range(explanation.criterion_count())
            }
        return {c.id: c.outcome for c in self.criteria}

    @property
    def warnings(self) -> tuple[CriterionResult, ...]:
        """Warning criteria that did not pass."""
        explanation = self._unexplained()
        if explanation is not None:
            return tuple(map(explanation.result, explanation.not_met(Severity.WARNING)))
        return tuple(
            c
            for c in self.criteria
            if c.severity is Severity.WARNING and c.outcome in _BLOCKING_OUTCOMES
        )

    def criterion(self, criterion_id: str) -> CriterionResult:
        """The result of the criterion ``criterion_id``.

        Raises:
            InvalidArgument: the decision has no such criterion.

        >>> from grantrules.evaluate import evaluate
        >>> from grantrules.testing.examples import example_document, example_scheme
        >>> decision = evaluate(example_scheme(), example_document())
        >>> decision.criterion("cost.positive").outcome
        <Outcome.PASSED: 'passed'>
        """
        explanation = self._unexplained()
        if explanation is not None:
            index = explanation.index(criterion_id)
            if index is not None:
                return explanation.result(index)
        else:
            for result in self.criteria:
                if result.id == criterion_id:
                    return result
        raise InvalidArgument(f"the decision has no criterion {criterion_id!r}")

    def amount(self, amount_id: str) -> Euro | None:
        """The value of the amount ``amount_id``; ``None`` when an input was missing.

        Raises:
            InvalidArgument: the decision has no such amount.

        >>> from grantrules.evaluate import evaluate
        >>> from grantrules.testing.examples import example_document, example_scheme
        >>> evaluate(example_scheme(), example_document()).amount("total")
        Euro('1200.00')
        """
        for result in self.amounts:
            if result.id == amount_id:
                return result.value
        raise InvalidArgument(f"the decision has no amount {amount_id!r}")

    def to_json(self) -> dict[str, Json]:
        """The decision as JSON-ready data: amounts are strings, dates ISO 8601.

        An evaluated decision has one writer: this is its :meth:`to_json_text`, parsed, so
        that the data and the text cannot differ.  A decision read back with
        :meth:`from_json` writes its result objects.
        """
        if self._explanation is not None:
            data: dict[str, Json] = json.loads(self.to_json_text())
            return data
        return self._objects_json()

    def _objects_json(self) -> dict[str, Json]:
        """The JSON data written from the result objects."""
        data: dict[str, Json] = {
            "scheme": self.scheme,
            "scheme_version": self.scheme_version,
            "application": self.application,
            "evaluated_on": self.evaluated_on.isoformat(),
            "eligible": self.eligible,
            "award": str(self.award),
            "amounts": {a.id: None if a.value is None else str(a.value) for a in self.amounts},
            "criteria": [c.to_json() for c in self.criteria],
            "obligations": [o.to_json() for o in self.obligations],
            "provenance": self.provenance.to_json(),
            "traces": {a.id: a.trace_json() for a in self.amounts},
            "lang": self.lang,
        }
        data.update(self.derived)
        return data

    def to_json_text(self) -> str:
        """The decision JSON as compact text, for storing or sending.

        Equal, byte for byte, to ``json.dumps(decision.to_json(), ensure_ascii=False,
        separators=(",", ":"))``.  An evaluated decision joins its messages and inputs with
        fragments encoded once per scheme version and language, without building any result
        object, whether its explanations were read or not.

        >>> import json
        >>> from grantrules.evaluate import evaluate
        >>> from grantrules.testing.examples import example_document, example_scheme
        >>> text = evaluate(example_scheme(), example_document()).to_json_text()
        >>> text[:60]
        '{"scheme":"example","scheme_version":"2025-01-01","applicati'
        >>> Decision.from_json(json.loads(text)).award
        Euro('600.00')

        .. versionadded:: 0.1
        """
        # The state read once (each property is a call); an evaluated decision's text is one
        # f-string of its generated writer, the parts around its explanations given.
        (scheme, version, application, on, eligible, award, obligations, provenance) = self._state[
            :8
        ]
        derived, lang, explanation = self._state[8:]
        head = (
            f'{{"scheme":{_string(scheme)},"scheme_version":{_string(version)},'
            f'"application":{_string(application)},"evaluated_on":"{on.isoformat()}",'
            f'"eligible":{"true" if eligible else "false"},"award":"{award}","amounts":'
        )
        # Obligations and provenance are shared by the evaluations of a version and a day:
        # each keeps its text once written.
        obligations_text = ",".join([o._text or _text_of(o) for o in obligations])
        middle = (
            f',"obligations":[{obligations_text}],'
            f'"provenance":{provenance._text or _text_of(provenance)},"traces":'
        )
        end = f',"lang":{_string(lang)}'
        if derived:
            end += "".join([f",{key_text(k)}{json_text(v)}" for k, v in derived.items()])
        end += "}"
        if explanation is not None:
            text: str = explanation.json_text(head, middle, end)
            return text
        amounts = json_text({a.id: None if a.value is None else str(a.value) for a in self.amounts})
        criteria = json_text([c.to_json() for c in self.criteria])
        traces = json_text({a.id: a.trace_json() for a in self.amounts})
        return f'{head}{amounts},"criteria":{criteria}{middle}{traces}{end}'

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> Decision:
        """Read back what :meth:`to_json` wrote."""
        missing = [k for k in DECISION_KEYS if k not in data]
        if missing:
            raise InvalidArgument(f"not a decision document: missing keys {missing}")
        traces = data["traces"]
        amounts = tuple(
            AmountResult(
                id=key,
                value=None if value is None else Euro(value),
                formula=traces[key]["formula"],
                inputs=dict(traces[key]["inputs"]),
                exception=traces[key].get("exception"),
                missing=traces[key].get("missing"),
            )
            for key, value in data["amounts"].items()
        )
        return cls(
            scheme=data["scheme"],
            scheme_version=data["scheme_version"],
            application=data["application"],
            evaluated_on=datetime.date.fromisoformat(data["evaluated_on"]),
            eligible=data["eligible"],
            award=Euro(data["award"]),
            amounts=amounts,
            criteria=tuple(CriterionResult.from_json(c) for c in data["criteria"]),
            obligations=tuple(
                ObligationResult(o["id"], o["text"], Basis.from_dict(o["basis"]))
                for o in data["obligations"]
            ),
            provenance=Provenance.from_json(data["provenance"]),
            derived={k: v for k, v in data.items() if k not in DECISION_KEYS},
            lang=data["lang"],
        )


# Each state property returns what its class annotation says (for the API reference).
for _name in _STATE:
    Decision.__dict__[_name].fget.__annotations__["return"] = Decision.__annotations__[_name]
del _name

_new = object.__new__
_set_state = Decision.__dict__["_state"].__set__
_set_criteria = Decision.__dict__["_criteria"].__set__
_set_amounts = Decision.__dict__["_amounts"].__set__
