"""A scheme as a *règlement*: catalogue sheet, rules in words, amounts, dated parameters.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
from typing import Any

from grantrules._format import check_lang, format_value, pick
from grantrules.dates import check_date, format_date
from grantrules.errors import InvalidArgument
from grantrules.expressions import RenderContext
from grantrules.funding import Invariant
from grantrules.i18n import message
from grantrules.parameters import Parameter
from grantrules.render._blocks import (
    Block,
    Bullets,
    Code,
    Heading,
    Inline,
    Link,
    Para,
    Table,
    inline,
    to_markdown,
    to_text,
)
from grantrules.render._common import basis_inline, field
from grantrules.rules import Criterion, Override, template_pieces
from grantrules.scheme import Metadata, Scheme, SchemeVersion

__all__ = ["scheme_blocks", "scheme_markdown", "scheme_text"]

Item = tuple[Inline, tuple[Inline, ...]]


def _heading(level: int, key: str, lang: str, **values: object) -> Heading:
    return Heading(level, (message(key, lang, **values),))


#: Aides-territoires' field names and code values in words (their own wording on the site);
#: a code missing here is shown as it is.
_CATALOGUE: dict[str, tuple[str, str]] = {
    "name": ("Intitulé", "Name"),
    "short_title": ("Titre court", "Short title"),
    "targeted_audiences": ("Bénéficiaires", "Beneficiaries"),
    "perimeter": ("Périmètre", "Area"),
    "aid_types": ("Types d'aide", "Aid types"),
    "destinations": ("Actions concernées", "Eligible actions"),
    "financers": ("Porteurs d'aide", "Funders"),
    "instructors": ("Instructeurs", "Instructing bodies"),
    "programs": ("Programmes", "Programmes"),
    "subvention_rate_lower_bound": ("Taux de subvention minimal", "Minimum grant rate"),
    "subvention_rate_upper_bound": ("Taux de subvention maximal", "Maximum grant rate"),
    "is_call_for_project": ("Appel à projets", "Call for projects"),
    "recurrence": ("Récurrence", "Recurrence"),
    "origin_url": ("Source", "Source"),
}
_CODES: dict[str, tuple[str, str]] = {
    # targeted_audiences
    "commune": ("communes", "municipalities"),
    "epci": ("EPCI", "inter-municipal bodies (EPCI)"),
    "department": ("départements", "départements"),
    "region": ("régions", "regions"),
    "special_status": ("collectivités à statut particulier", "authorities with special status"),
    "association": ("associations", "associations"),
    "private_person": ("particuliers", "individuals"),
    "farmer": ("agriculteurs", "farmers"),
    "private_sector": ("entreprises privées", "private companies"),
    "public_cies": ("entreprises publiques locales", "local public companies"),
    "public_org": ("établissements publics", "public bodies"),
    "researcher": ("recherche", "research"),
    # aid_types
    "grant": ("subvention", "grant"),
    "loan": ("prêt", "loan"),
    "recoverable_advance": ("avance récupérable", "recoverable advance"),
    "other": ("autre aide financière", "other financial aid"),
    "technical": ("ingénierie technique", "technical engineering"),
    "financial": ("ingénierie financière", "financial engineering"),
    "legal": ("ingénierie juridique et administrative", "legal and administrative engineering"),
    # destinations
    "supply": ("fournitures", "supplies"),
    "service": ("prestations de services", "services"),
    "works": ("travaux", "works"),
    "investment": ("dépenses d'investissement", "investment expenditure"),
    # recurrence
    "oneoff": ("ponctuelle", "one-off"),
    "ongoing": ("permanente", "ongoing"),
    "recurring": ("récurrente", "recurring"),
}
# Perimeter scales are singular: « Somme (département 80) ».
_SCALES: dict[str, tuple[str, str]] = {
    "commune": ("commune", "municipality"),
    "epci": ("EPCI", "EPCI"),
    "department": ("département", "département"),
    "region": ("région", "region"),
    "country": ("pays", "country"),
}


def _word(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    words = table.get(code)
    return code if words is None else words[0 if lang == "fr" else 1]


def _catalogue(metadata: Metadata, lang: str) -> list[Block]:
    """The Aides-territoires fields that are set, in words, each with its Aides-territoires
    name (the key of an export to that catalogue)."""
    rows: list[tuple[Inline, ...]] = []
    for name, words in _CATALOGUE.items():
        value: Any = getattr(metadata, name)
        if value is None or value == ():
            continue
        cell: Inline
        if name == "name":
            cell = (pick(value, lang),)
        elif name == "perimeter":
            cell = (f"{value.name} ({_word(_SCALES, value.scale, lang)} {value.code})",)
        elif name == "origin_url":
            cell = (Link(value, value),)
        elif name.startswith("subvention_rate"):
            cell = (f"{value}\u00a0%" if lang == "fr" else f"{value}%",)  # as Rate.format
        elif name in ("targeted_audiences", "aid_types", "destinations"):
            cell = (", ".join(_word(_CODES, code, lang) for code in value),)
        elif name == "recurrence":
            cell = (_word(_CODES, value, lang),)
        else:
            cell = (format_value(value, lang),)
        label = words[0 if lang == "fr" else 1]
        rows.append(((f"{label} (", Code(name), ")"), cell))
    header = (message("scheme.field", lang), message("label.value", lang))
    return [_heading(2, "scheme.catalogue", lang), Table(header, tuple(rows))]


def _versions(scheme: Scheme, lang: str) -> list[Block]:
    rows = []
    versions = scheme.versions
    for i, version in enumerate(versions):
        if i + 1 < len(versions):
            end = format_date(versions[i + 1].valid_from - datetime.timedelta(days=1), lang)
        else:
            end = message("scheme.open_ended", lang)
        rows.append(((format_date(version.valid_from, lang),), (end,), (version.note,)))
    header = tuple(
        message(k, lang) for k in ("scheme.valid_from", "scheme.valid_to", "scheme.note")
    )
    return [_heading(2, "scheme.versions", lang), Table(header, tuple(rows))]


def _exceptions(overrides: tuple[Override, ...], ctx: RenderContext) -> list[Inline]:
    lines = []
    for override in overrides:
        text: Inline = (override.render(ctx),)
        if override.basis is not None:
            text = inline(text, " — ", basis_inline(override.basis, ctx.lang))
        lines.append(field("scheme.exceptions", ctx.lang, text))
    return lines


def _criterion(criterion: Criterion, ctx: RenderContext) -> list[Block]:
    lang = ctx.lang
    title = pick(criterion.title, lang) if criterion.title else ""
    applies = message("scheme.always", lang)
    if criterion.applies_if is not None:
        applies = message("scheme.when", lang, condition=criterion.applies_if.render(ctx))
    lines = [
        field("scheme.rule", lang, criterion.condition.render(ctx)),
        field("label.severity", lang, message(f"severity.{criterion.severity.value}", lang)),
        field("scheme.applies", lang, applies),
        *_exceptions(criterion.exceptions, ctx),
        field("label.basis", lang, basis_inline(criterion.basis, lang)),
    ]
    heading = Heading(4, inline(Code(criterion.id), f" — {title}" if title else ""))
    return [heading, Bullets(tuple((line, ()) for line in lines))]


def _amounts(version: SchemeVersion, ctx: RenderContext) -> list[Block]:
    lang = ctx.lang
    blocks: list[Block] = [_heading(3, "scheme.amounts", lang)]
    for amount in version.amounts:
        label = pick(amount.label, lang) if amount.label else ""
        if amount.id == version.award:
            label = (
                f"{label} ({message('scheme.award', lang)})"
                if label
                else message("scheme.award", lang)
            )
        rounding = (
            amount.rounding.label(lang) if amount.rounding else message("scheme.no_rounding", lang)
        )
        lines = [
            field("label.formula", lang, amount.formula.render(ctx)),
            field("scheme.rounding", lang, rounding),
            *_exceptions(amount.exceptions, ctx),
            field("label.basis", lang, basis_inline(amount.basis, lang)),
        ]
        blocks.append(Heading(4, inline(Code(amount.id), f" — {label}" if label else "")))
        blocks.append(Bullets(tuple((line, ()) for line in lines)))
    return blocks


def _statement(invariant: Invariant, ctx: RenderContext) -> str:
    """The invariant's message, each placeholder written as the value it names on the day
    rendered (parameters), else as its label: a règlement has no application to fill it."""
    kinds = {i.name: i.kind for i in invariant.inputs()}
    parts = []
    for literal, name in template_pieces(invariant.text(ctx.lang)):
        parts.append(literal)
        if name is None:
            continue
        kind = kinds.get(name, "field")
        if kind == "param" and ctx.params is not None and name in ctx.params:
            parts.append(format_value(ctx.params[name], ctx.lang, ctx.labels))
        else:
            parts.append(ctx.label(f"{kind}:{name}", name))
    return "".join(parts)


def _invariants(version: SchemeVersion, ctx: RenderContext) -> list[Block]:
    """The funding invariants: what the text promises of every award, with its basis."""
    lang = ctx.lang
    if not version.invariants:
        return []
    blocks: list[Block] = [_heading(3, "scheme.invariants", lang)]
    for invariant in version.invariants:
        lines = [
            field("scheme.statement", lang, _statement(invariant, ctx)),
            field("scheme.rule", lang, invariant.render(ctx)),
            field("label.basis", lang, basis_inline(invariant.basis, lang)),
        ]
        blocks.append(Heading(4, (Code(invariant.id),)))
        blocks.append(Bullets(tuple((line, ()) for line in lines)))
    return blocks


def _duties(version: SchemeVersion, ctx: RenderContext) -> list[Block]:
    lang, colon = ctx.lang, message("punct.colon", ctx.lang)
    blocks: list[Block] = []
    if version.derived:
        items: tuple[Item, ...] = tuple(
            (inline(Code(name), colon, expr.render(ctx)), ())
            for name, expr in version.derived.items()
        )
        blocks += [_heading(3, "scheme.derived", lang), Bullets(items)]
    if version.obligations:
        items = tuple(
            (
                inline(Code(o.id), colon, pick(o.text, lang)),
                tuple(
                    (
                        [field("scheme.condition", lang, o.applies_if.render(ctx))]
                        if o.applies_if is not None
                        else []
                    )
                    + [field("label.basis", lang, basis_inline(o.basis, lang))]
                ),
            )
            for o in version.obligations
        )
        blocks += [_heading(3, "scheme.obligations", lang), Bullets(items)]
    return blocks


def _parameter_value(parameter: Parameter, value: Any, lang: str) -> str:
    """A value as the table shows it: labelled codes as « label (code) »."""
    if not parameter.labels or not isinstance(value, tuple):
        return format_value(value, lang)
    return ", ".join(
        f"{pick(parameter.labels[code], lang)} ({code})" if code in parameter.labels else code
        for code in value
    )


def _parameter(parameter: Parameter, lang: str) -> list[Block]:
    description = pick(parameter.description, lang) if parameter.description else ""
    rows = tuple(
        (
            (format_date(v.start, lang) if v.start != datetime.date.min else "—",),
            (_parameter_value(parameter, v.value, lang),),
            (message(f"unit.{v.unit}", lang),),
            basis_inline(v.basis, lang),
            (v.note or "",),
        )
        for v in parameter.values
    )
    header = tuple(
        message(k, lang)
        for k in ("scheme.from", "label.value", "scheme.unit", "label.basis", "scheme.note")
    )
    blocks: list[Block] = [
        Heading(4, inline(Code(parameter.name), f" — {description}" if description else "")),
        Table(header, rows),
    ]
    if parameter.until is not None:
        until = format_date(parameter.until, lang)
        blocks.append(Para((message("scheme.until", lang, date=until),)))
    return blocks


def _version(version: SchemeVersion, lang: str, on: datetime.date | None) -> list[Block]:
    params = None if on is None else version.parameters.at(on)
    ctx = RenderContext(lang, version.all_labels(), params)
    start = format_date(version.valid_from, lang)
    blocks: list[Block]
    if on is None:
        blocks = [_heading(2, "scheme.rules_from", lang, date=start)]
    else:
        on_text = format_date(on, lang)
        blocks = [_heading(2, "scheme.rules_on", lang, date=on_text, version=start)]
    if version.criteria:
        blocks.append(_heading(3, "scheme.criteria", lang))
        for criterion in version.criteria:
            blocks += _criterion(criterion, ctx)
    blocks += _amounts(version, ctx)
    blocks += _invariants(version, ctx)
    blocks += _duties(version, ctx)
    if len(version.parameters):
        blocks.append(_heading(3, "scheme.parameters", lang))
        for name in version.parameters:
            blocks += _parameter(version.parameters[name], lang)
    return blocks


def scheme_blocks(scheme: Scheme, lang: str = "fr", on: datetime.date | None = None) -> list[Block]:
    """The règlement of ``scheme`` as blocks (see :func:`scheme_markdown`).

    >>> from grantrules.testing.examples import example_scheme
    >>> scheme_blocks(example_scheme(), "fr")[0]
    Heading(level=1, text=('Exemple',))

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"expected a Scheme, got the {type(scheme).__name__}")
    check_lang(lang)
    metadata = scheme.metadata
    blocks: list[Block] = [Heading(1, (pick(metadata.name, lang),))]
    if metadata.description:
        blocks.append(Para((pick(metadata.description, lang),)))
    blocks += _catalogue(metadata, lang)
    blocks += _versions(scheme, lang)
    if on is None:
        for version in scheme.versions:
            blocks += _version(version, lang, None)
    else:
        blocks += _version(scheme.version_at(check_date(on, "on")), lang, on)
    if metadata.open_questions:
        items = tuple(((pick(q, lang),), ()) for q in metadata.open_questions)
        blocks += [_heading(2, "scheme.open_questions", lang), Bullets(items)]
    return blocks


def scheme_markdown(scheme: Scheme, lang: str = "fr", on: datetime.date | None = None) -> str:
    """The scheme as a Markdown *règlement*, ready for the Sphinx docs (MyST).

    It holds the catalogue sheet (Aides-territoires fields), the versions and their
    validity, and for each version its criteria in words (with severity, applicability,
    exceptions and legal basis with its reliability), amounts (formula, rounding, basis),
    funding invariants (statement, rule, basis), derived values, obligations and parameter
    tables by date; then the open questions.

    Args:
        scheme: the scheme.
        lang: ``"fr"`` or ``"en"``.
        on: when given, only the version in force on that day, its parameters written as
            their values on that day ("70 000,00 €"); otherwise every version, parameters
            named by their labels (their values are in the tables).  The output depends on
            nothing else, so it is deterministic.

    >>> from grantrules.testing.examples import example_scheme
    >>> print(scheme_markdown(example_scheme(), "en").splitlines()[0])
    # Example

    .. versionadded:: 0.1
    """
    return to_markdown(scheme_blocks(scheme, lang, on))


def scheme_text(scheme: Scheme, lang: str = "fr", on: datetime.date | None = None) -> str:
    """The règlement of :func:`scheme_markdown` as plain text, for a terminal.

    >>> from grantrules.testing.examples import example_scheme
    >>> print(scheme_text(example_scheme(), "en").splitlines()[1])
    =======

    .. versionadded:: 0.1
    """
    return to_text(scheme_blocks(scheme, lang, on), lang)
