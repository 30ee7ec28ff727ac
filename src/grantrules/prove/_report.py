"""The analyser's report: results, their JSON form and a readable text in French or English.

The JSON form is the one ``grantrules check --format json`` prints (documented in
:doc:`/reference/cli`)::

    {"scheme", "scheme_version", "evaluated_on", "bounds": {"max_items": K},
     "invariants": [{"id", "status", "reason", "counterexample", "evaluator"}],
     "witnesses": [{"criterion", "outcome", "status", "reason", "application", "evaluator"}],
     "eligible": {"status", "reason", "application", "evaluator"}}

``evaluator`` says what :func:`grantrules.evaluate` made of the document the solver built:
``confirmed``, ``disagrees`` (a bug in the translation or in the evaluator), or ``null``
when there is no document.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

__all__ = ["InvariantResult", "Report", "WitnessResult"]

Texts = dict[str, str]

PROVED, VIOLATED, UNKNOWN = "proved", "violated", "unknown"
FOUND, UNREACHABLE = "found", "unreachable"
CONFIRMED, DISAGREES = "confirmed", "disagrees"


def _pick(texts: Texts | None, lang: str) -> str | None:
    return None if texts is None else texts.get(lang, texts.get("en"))


@attrs.frozen
class InvariantResult:
    """One invariant: ``proved``, ``violated`` (with the counterexample document) or
    ``unknown`` (with the reason).

    .. versionadded:: 0.3
    """

    id: str
    status: str
    reason: Texts | None = None
    counterexample: dict[str, Any] | None = None
    evaluator: str | None = None

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "reason": _pick(self.reason, lang),
            "counterexample": self.counterexample,
            "evaluator": self.evaluator,
        }


@attrs.frozen
class WitnessResult:
    """One outcome of one rule: ``found`` (with an application reaching it),
    ``unreachable`` within the bounds (with the reason) or ``unknown``.

    .. versionadded:: 0.3
    """

    criterion: str
    outcome: str
    status: str
    reason: Texts | None = None
    application: dict[str, Any] | None = None
    evaluator: str | None = None

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "outcome": self.outcome,
            "status": self.status,
            "reason": _pick(self.reason, lang),
            "application": self.application,
            "evaluator": self.evaluator,
        }


@attrs.frozen
class Report:
    """What ``grantrules check`` found on one scheme version at one date.

    .. versionadded:: 0.3
    """

    scheme: str
    scheme_version: str
    evaluated_on: str
    max_items: int
    invariants: tuple[InvariantResult, ...]
    witnesses: tuple[WitnessResult, ...]
    eligible: WitnessResult
    opaque: dict[str, str] = attrs.field(factory=dict)
    seconds: float = 0.0

    @property
    def disagreements(self) -> int:
        every: list[InvariantResult | WitnessResult] = [
            *self.invariants,
            *self.witnesses,
            self.eligible,
        ]
        return sum(1 for r in every if r.evaluator == DISAGREES)

    @property
    def exit_code(self) -> int:
        """1 when an invariant is violated, no application can be eligible, or the solver
        and the evaluator disagree; 0 otherwise."""
        bad = any(r.status == VIOLATED for r in self.invariants)
        return 1 if bad or self.eligible.status == UNREACHABLE or self.disagreements else 0

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        eligible = self.eligible.to_json(lang)
        del eligible["criterion"], eligible["outcome"]
        return {
            "scheme": self.scheme,
            "scheme_version": self.scheme_version,
            "evaluated_on": self.evaluated_on,
            "bounds": {"max_items": self.max_items},
            "invariants": [r.to_json(lang) for r in self.invariants],
            "witnesses": [w.to_json(lang) for w in self.witnesses],
            "eligible": eligible,
        }

    def text(self, lang: str = "en") -> str:
        """A readable report in ``lang`` (``fr`` or ``en``)."""
        fr = lang == "fr"
        lines = [
            (
                f"Vérification de {self.scheme} (version du {self.scheme_version}), au "
                f"{self.evaluated_on}, jusqu'à {self.max_items} éléments par liste"
            )
            if fr
            else (
                f"Checking {self.scheme} (version of {self.scheme_version}) on "
                f"{self.evaluated_on}, up to {self.max_items} items per collection"
            ),
            "",
            "Invariants :" if fr else "Invariants:",
        ]
        words = _WORDS_FR if fr else _WORDS_EN
        for r in self.invariants:
            line = f"  {words[r.status]:<12} {r.id}"
            if r.reason:
                line += f" — {_pick(r.reason, lang)}"
            if r.evaluator:
                line += f" [{words[r.evaluator]}]"
            lines.append(line)
            if r.counterexample is not None:
                shown = json.dumps(r.counterexample, ensure_ascii=False, sort_keys=True)
                lines.append(f"      {'contre-exemple :' if fr else 'counterexample:'} {shown}")
        lines += ["", "Témoins :" if fr else "Witnesses:"]
        for w in (*self.witnesses, self.eligible):
            line = f"  {words[w.status]:<12} {w.criterion} {w.outcome}"
            if w.status != FOUND and w.reason:
                line += f" — {_pick(w.reason, lang)}"
            if w.evaluator == DISAGREES:
                line += f" [{words[DISAGREES]}]"
            lines.append(line)
        for owner, reason in self.opaque.items():
            lines.append(
                f"Non traduit : {owner} ({reason})" if fr else f"Not translated: {owner} ({reason})"
            )
        return "\n".join(lines)


_WORDS_EN = {
    PROVED: "proved",
    VIOLATED: "VIOLATED",
    UNKNOWN: "unknown",
    FOUND: "found",
    UNREACHABLE: "UNREACHABLE",
    CONFIRMED: "confirmed by evaluate()",
    DISAGREES: "solver and evaluator DISAGREE",
}
_WORDS_FR = {
    PROVED: "prouvé",
    VIOLATED: "VIOLÉ",
    UNKNOWN: "inconnu",
    FOUND: "trouvé",
    UNREACHABLE: "INATTEIGNABLE",
    CONFIRMED: "confirmé par evaluate()",
    DISAGREES: "le solveur et l'évaluateur DIVERGENT",
}
