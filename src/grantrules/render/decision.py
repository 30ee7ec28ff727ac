"""A decision as a report an instructor can paste: verdict, reasons, amounts, duties.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from grantrules._format import check_lang, pick
from grantrules.dates import format_date
from grantrules.decision import AmountResult, CriterionResult, Decision
from grantrules.errors import GrantRulesError, InvalidArgument
from grantrules.i18n import message
from grantrules.money import Euro, Rate
from grantrules.render._blocks import (
    Block,
    Bullets,
    Code,
    Heading,
    Inline,
    Para,
    Strong,
    Table,
    inline,
    to_markdown,
    to_text,
)
from grantrules.render._common import basis_inline, field, json_text
from grantrules.scheme import Scheme, SchemeVersion

__all__ = ["decision_blocks", "decision_markdown", "decision_text"]


class _Context:
    """What the report knows beyond the decision: labels and units, when the scheme is given."""

    def __init__(self, decision: Decision, lang: str, scheme: Scheme | None) -> None:
        self.lang = lang
        self.title = decision.scheme
        self.labels: Mapping[str, Mapping[str, str]] = {}
        # "computed" is what an ineligible application's award would have been.
        self.money: set[str] = {"computed", *(a.id for a in decision.amounts)}
        version = _version(scheme, decision.scheme_version)
        if scheme is not None:
            self.title = f"{scheme.title} ({scheme.id})"
        self.rates: set[str] = set()
        # Fields of the application model: an amount granted or a rate an instructor chose
        # reads as money or as a rate, like the parameters.
        self.field_unit: Callable[[str], str | None] = lambda name: None
        if scheme is not None:
            self.field_unit = _field_units(scheme.application_type)
        if version is not None:
            self.labels = version.all_labels()
            self.money |= {n for n in version.parameters if version.parameters[n].unit == "EUR"}
            self.rates = {n for n in version.parameters if version.parameters[n].unit == "rate"}

    def amount_name(self, amount_id: str) -> Inline:
        label = self.labels.get(f"amount:{amount_id}")
        return inline(Code(amount_id), f" ({pick(label, self.lang)})" if label else "")

    def value(self, name: str, value: Any) -> str:
        # Amounts travel as strings in decisions; the scheme tells which names are money.
        unit = self.field_unit(name) if isinstance(value, str) else None
        if (name in self.money or unit == "EUR") and isinstance(value, str):
            try:
                return Euro(value).format(self.lang)
            except ValueError:
                return value
        if unit == "date" and isinstance(value, str):
            return _day(value, self.lang)
        if (name in self.rates or unit == "rate") and isinstance(value, str):  # « 60 % »
            try:
                return Rate(value).format(self.lang)
            except ValueError:
                return value
        return json_text(value, self.lang, self.labels)

    def inputs(self, inputs: Mapping[str, Any]) -> tuple[Inline, ...]:
        if not inputs:
            return ()
        listed = message("punct.semicolon", self.lang).join(
            f"{k} = {self.value(k, v)}" for k, v in inputs.items() if k != "missing"
        )
        return (field("label.inputs", self.lang, listed),)


def _field_units(model: type) -> Callable[[str], str | None]:
    from grantrules._units import field_unit

    units = field_unit(model)

    def unit(name: str) -> str | None:
        try:
            return units(name)
        except GrantRulesError:  # not a field of the model (a detail, a parameter)
            return None

    return unit


def _version(scheme: Scheme | None, valid_from: str) -> SchemeVersion | None:
    if scheme is None:
        return None
    for version in scheme.versions:
        if version.valid_from.isoformat() == valid_from:
            return version
    return None


def _day(text: str, lang: str) -> str:
    try:
        return format_date(datetime.date.fromisoformat(text), lang)
    except ValueError:
        return text


def _summary(decision: Decision, ctx: _Context) -> list[Block]:
    lang = ctx.lang
    verdict = message("verdict.eligible" if decision.eligible else "verdict.ineligible", lang)
    lines: list[Block] = [
        Heading(1, (message("decision.title", lang, application=decision.application),)),
        Para(
            (
                message(
                    "decision.scheme",
                    lang,
                    scheme=ctx.title,
                    version=_day(decision.scheme_version, lang),
                ),
            )
        ),
        Para(
            (message("decision.evaluated_on", lang, date=format_date(decision.evaluated_on, lang)),)
        ),
        Para((Strong(message("decision.verdict", lang, verdict=verdict)),)),
        Para((message("decision.award", lang, award=decision.award.format(lang)),)),
    ]
    overrides = decision.provenance.overrides
    if overrides:
        listed = ", ".join(f"{k} = {v}" for k, v in sorted(overrides.items()))
        lines.append(Para((message("decision.overrides", lang, overrides=listed),)))
    return lines


def _criterion_item(result: CriterionResult, ctx: _Context) -> tuple[Inline, tuple[Inline, ...]]:
    lang = ctx.lang
    outcome = message(f"outcome.{result.outcome.value}", lang)
    head = inline(Code(result.id), f" ({outcome})", message("punct.colon", lang), result.message)
    details = [field("label.basis", lang, basis_inline(result.basis, lang))]
    if result.exception:
        details.append(field("label.exception", lang, result.exception))
    details += ctx.inputs(result.inputs)
    return head, tuple(details)


def _criteria(decision: Decision, ctx: _Context) -> list[Block]:
    lang = ctx.lang
    blocks: list[Block] = []
    for key, results in (
        ("decision.failed", decision.failed),
        ("decision.warnings", decision.warnings),
    ):
        if results:
            blocks.append(Heading(2, (message(key, lang),)))
            blocks.append(Bullets(tuple(_criterion_item(r, ctx) for r in results)))
    rows = []
    for result in decision.criteria:
        outcome = message(f"outcome.{result.outcome.value}", lang)
        if result.exception:
            outcome += f" ({result.exception})"
        rows.append(
            ((Code(result.id),), (outcome,), (message(f"severity.{result.severity.value}", lang),))
        )
    if rows:
        header = tuple(
            message(k, lang) for k in ("label.criterion", "label.outcome", "label.severity")
        )
        blocks += [Heading(2, (message("decision.criteria", lang),)), Table(header, tuple(rows))]
    return blocks


def _amount_item(result: AmountResult, ctx: _Context) -> tuple[Inline, tuple[Inline, ...]]:
    lang = ctx.lang
    value = "—" if result.value is None else result.value.format(lang)
    details = [field("label.formula", lang, result.formula)]
    if result.exception:
        details.append(field("label.exception", lang, result.exception))
    if result.missing:
        details.append(field("label.missing", lang, Code(result.missing)))
    details += ctx.inputs(result.inputs)
    head = inline(ctx.amount_name(result.id), message("punct.colon", lang), value)
    return head, tuple(details)


def _rest(decision: Decision, ctx: _Context) -> list[Block]:
    lang = ctx.lang
    colon = message("punct.colon", lang)
    blocks: list[Block] = []
    if decision.amounts:
        blocks.append(Heading(2, (message("decision.amounts", lang),)))
        blocks.append(Bullets(tuple(_amount_item(a, ctx) for a in decision.amounts)))
    items: tuple[tuple[Inline, tuple[Inline, ...]], ...]
    if decision.derived:
        items = tuple(
            (inline(Code(k), colon, json_text(v, lang, ctx.labels)), ())
            for k, v in decision.derived.items()
        )
        blocks += [Heading(2, (message("decision.derived", lang),)), Bullets(items)]
    if decision.obligations:
        items = tuple(
            (
                inline(Code(o.id), colon, o.text),
                (field("label.basis", lang, basis_inline(o.basis, lang)),),
            )
            for o in decision.obligations
        )
        blocks += [Heading(2, (message("decision.obligations", lang),)), Bullets(items)]
    p = decision.provenance
    facts = [f"grantrules {p.grantrules_version}", f"{p.scheme} {p.scheme_version}"]
    if p.distribution:
        facts.append(f"{p.distribution} {p.distribution_version or ''}".strip())
    blocks += [
        Heading(2, (message("decision.provenance", lang),)),
        Para((message("punct.semicolon", lang).join(facts),)),
    ]
    return blocks


def decision_blocks(decision: Decision, lang: str, scheme: Scheme | None = None) -> list[Block]:
    """The report of ``decision`` as blocks (see :func:`decision_text`).

    Headings, paragraphs, lists and tables that :func:`~grantrules.render._blocks.to_text` and
    :func:`~grantrules.render._blocks.to_markdown` write out.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> decision_blocks(evaluate(example_scheme(), example_document()), "en")[0]
    Heading(level=1, text=('Application A-1',))

    .. versionadded:: 0.1
    """
    if not isinstance(decision, Decision):
        raise InvalidArgument(f"expected a Decision, got the {type(decision).__name__}")
    ctx = _Context(decision, check_lang(lang), scheme)
    return [*_summary(decision, ctx), *_criteria(decision, ctx), *_rest(decision, ctx)]


def decision_text(decision: Decision, lang: str = "fr", *, scheme: Scheme | None = None) -> str:
    """A plain-text report of a decision, to paste into an instruction report.

    It gives the verdict, the award formatted for ``lang`` (``60 000,00 €``), each criterion
    not met with its message, basis and the values it read, warnings, every amount with how
    it was computed, derived values, obligations and provenance.  Criterion messages are in
    the language the decision was evaluated in.

    Args:
        decision: the decision, e.g. from :func:`~grantrules.evaluate`.
        lang: the language of headings and number formats, ``"fr"`` or ``"en"``.
        scheme: the scheme, when known: amounts are then named by their labels.

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> report = decision_text(evaluate(example_scheme(), example_document()), "fr")
    >>> next(line for line in report.splitlines() if line.startswith("Montant"))
    "Montant de l'aide\\xa0: 600,00\\xa0€"

    .. versionadded:: 0.1
    """
    return to_text(decision_blocks(decision, lang, scheme), lang)


def decision_markdown(decision: Decision, lang: str = "fr", *, scheme: Scheme | None = None) -> str:
    """The report of :func:`decision_text` in Markdown (a ``#`` title, ``##`` sections).

    >>> from grantrules.evaluate import evaluate
    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> print(decision_markdown(evaluate(example_scheme(), example_document()), "en")
    ...       .splitlines()[0])
    # Application A-1

    .. versionadded:: 0.1
    """
    return to_markdown(decision_blocks(decision, lang, scheme))
