"""Decisions: what evaluating one application concluded, why, and how much.

A :class:`Decision` is plain data: every value it holds is already in its JSON form (amounts
as :class:`~grantrules.money.Euro`, inputs as JSON values), so that ``to_json`` and
``from_json`` are exact inverses.  The JSON form is the contract other applications rely on::

    {"scheme": "...", "scheme_version": "2024-11-01", "application": "...",
     "evaluated_on": "2025-03-14", "eligible": true, "award": "60000.00",
     "amounts": {"total_cost": "100000.00", ...}, "criteria": [...], "obligations": [...],
     "provenance": {...}, "traces": {...}, "lang": "fr", <derived values>}
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

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
    """One criterion's outcome, message, basis and the inputs it read."""

    id: str
    outcome: Outcome
    severity: Severity
    message: str
    basis: Basis
    inputs: Mapping[str, Json]
    exception: str | None = None

    @property
    def blocks(self) -> bool:
        """True when this result makes the application ineligible."""
        return self.severity is Severity.BLOCKING and self.outcome in _BLOCKING_OUTCOMES

    def to_json(self) -> dict[str, Json]:
        data: dict[str, Json] = {
            "id": self.id,
            "outcome": self.outcome.value,
            "severity": self.severity.value,
            "message": self.message,
            "basis": self.basis.to_dict(),
            "inputs": dict(self.inputs),
        }
        if self.exception is not None:
            data["exception"] = self.exception
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> CriterionResult:
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

    ``value`` is ``None`` when an input was missing (``missing`` names it).
    """

    id: str
    value: Euro | None
    formula: str
    inputs: Mapping[str, Json]
    exception: str | None = None
    missing: str | None = None

    def trace_json(self) -> dict[str, Json]:
        data: dict[str, Json] = {"formula": self.formula, "inputs": dict(self.inputs)}
        if self.exception is not None:
            data["exception"] = self.exception
        if self.missing is not None:
            data["missing"] = self.missing
        return data


@attrs.frozen
class ObligationResult:
    id: str
    text: str
    basis: Basis

    def to_json(self) -> dict[str, Json]:
        return {"id": self.id, "text": self.text, "basis": self.basis.to_dict()}


@attrs.frozen
class Provenance:
    """Where a decision comes from, so that it can be reproduced."""

    grantrules_version: str
    scheme: str
    distribution: str | None
    distribution_version: str | None
    scheme_version: str
    evaluated_on: str
    overrides: Mapping[str, str] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Json]:
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
        return cls(
            grantrules_version=data["grantrules"],
            scheme=data["scheme"],
            distribution=data["distribution"],
            distribution_version=data["distribution_version"],
            scheme_version=data["scheme_version"],
            evaluated_on=data["evaluated_on"],
            overrides=dict(data["overrides"]),
        )


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


class Explanation(Protocol):
    """Builds a decision's explanations on demand from what the evaluation read."""

    def criteria(self) -> tuple[CriterionResult, ...]: ...

    def amounts(self) -> tuple[AmountResult, ...]: ...


class Decision:
    """The explained result of evaluating one application.

    ``eligible`` is true when no blocking criterion failed or lacked an input; ``award`` is
    the designated amount when eligible and ``0.00`` otherwise.

    The explanations (``criteria`` with their messages and inputs, ``amounts`` with their
    traces) are built from the evaluation record the first time they are read, then kept:
    a call that only needs verdicts and awards does not pay for messages it never shows.
    Decisions are immutable and compare equal when their JSON forms are equal.
    """

    __slots__ = (
        "_amounts",
        "_criteria",
        "_explanation",
        "application",
        "award",
        "derived",
        "eligible",
        "evaluated_on",
        "lang",
        "obligations",
        "provenance",
        "scheme",
        "scheme_version",
    )

    scheme: str
    scheme_version: str
    application: str
    evaluated_on: datetime.date
    eligible: bool
    award: Euro
    obligations: tuple[ObligationResult, ...]
    provenance: Provenance
    derived: Mapping[str, Json]
    lang: str
    _criteria: tuple[CriterionResult, ...] | None
    _amounts: tuple[AmountResult, ...] | None
    _explanation: Explanation | None

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
        setter = object.__setattr__
        for name, value in (
            ("scheme", scheme),
            ("scheme_version", scheme_version),
            ("application", application),
            ("evaluated_on", evaluated_on),
            ("eligible", eligible),
            ("award", award),
            ("obligations", obligations),
            ("provenance", provenance),
            ("derived", dict(derived or {})),
            ("lang", lang),
            ("_criteria", criteria),
            ("_amounts", amounts),
            ("_explanation", explanation),
        ):
            setter(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Decision is immutable: cannot set {name}")

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """Every criterion's outcome, message, basis and inputs, in the scheme's order."""
        if self._criteria is None:
            assert self._explanation is not None
            object.__setattr__(self, "_criteria", self._explanation.criteria())
        assert self._criteria is not None
        return self._criteria

    @property
    def amounts(self) -> tuple[AmountResult, ...]:
        """Every amount with its value and the trace of how it was computed."""
        if self._amounts is None:
            assert self._explanation is not None
            object.__setattr__(self, "_amounts", self._explanation.amounts())
        assert self._amounts is not None
        return self._amounts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        verdict = "eligible" if self.eligible else "ineligible"
        return f"<Decision {self.scheme} {self.application}: {verdict}, award {self.award}>"

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        """Blocking criteria that failed or lacked an input: the reasons for ineligibility."""
        return tuple(c for c in self.criteria if c.blocks)

    @property
    def warnings(self) -> tuple[CriterionResult, ...]:
        """Warning criteria that did not pass."""
        return tuple(
            c
            for c in self.criteria
            if c.severity is Severity.WARNING and c.outcome in _BLOCKING_OUTCOMES
        )

    def criterion(self, criterion_id: str) -> CriterionResult:
        for result in self.criteria:
            if result.id == criterion_id:
                return result
        raise InvalidArgument(f"the decision has no criterion {criterion_id!r}")

    def amount(self, amount_id: str) -> Euro | None:
        for result in self.amounts:
            if result.id == amount_id:
                return result.value
        raise InvalidArgument(f"the decision has no amount {amount_id!r}")

    def to_json(self) -> dict[str, Json]:
        """The decision as JSON-ready data: amounts are strings, dates ISO 8601."""
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
