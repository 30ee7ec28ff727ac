"""Criteria: eligibility conditions with a legal basis, messages and labelled exceptions.

>>> from grantrules.basis import Basis
>>> from grantrules.expressions import field, RenderContext
>>> rule = Criterion(
...     "applicant.adult",
...     field("applicant.age") >= 18,
...     basis=Basis("Règlement municipal", "art. 2"),
...     failed={"fr": "Le demandeur a {applicant.age} ans.",
...             "en": "The applicant is {applicant.age}."},
... )
>>> rule.render(RenderContext("en"))
'applicant.age is at least 18'

:func:`fill` in two steps, ``template_pieces`` then ``fill_pieces``, is shared with the
engine (which splits each message template once) and the renderer; not part of the public API
(outside ``__all__``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from grantrules._format import LANGS, format_value, pick
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.expressions import Expr, Input, RenderContext, const

__all__ = [
    "Criterion",
    "Obligation",
    "Outcome",
    "Override",
    "Severity",
    "Texts",
    "fill",
    "pending_criterion",
]

#: A text in each language, keyed by ``"fr"`` and ``"en"``: messages, titles, labels.
Texts = Mapping[str, str]


class Outcome(enum.Enum):
    """What a criterion concluded about one application.

    ``MISSING`` means an input the criterion needs is absent; like ``FAILED``, it makes the
    application ineligible when the criterion is blocking.  The values are those of the
    decision JSON.

    >>> [outcome.value for outcome in Outcome]
    ['passed', 'failed', 'not_applicable', 'missing']
    >>> Outcome("not_applicable")
    <Outcome.NOT_APPLICABLE: 'not_applicable'>

    .. versionadded:: 0.1
    """

    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"


class Severity(enum.Enum):
    """A blocking criterion decides eligibility; a warning only informs the instructor.

    >>> Severity("warning"), Severity.BLOCKING.value
    (<Severity.WARNING: 'warning'>, 'blocking')

    .. versionadded:: 0.1
    """

    BLOCKING = "blocking"
    WARNING = "warning"


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.\[\]]*)\}")


def fill(template: str, values: Mapping[str, Any], lang: str) -> str:
    """Fill ``{name}`` placeholders (dotted names allowed) with formatted values.

    >>> from grantrules.money import Euro
    >>> fill("Total: {total_cost}", {"total_cost": Euro("70000.00")}, "en")
    'Total: €70,000.00'

    .. versionadded:: 0.1
    """

    return fill_pieces(template_pieces(template), values, lang)


def fill_pieces(
    pieces: tuple[tuple[str, str | None], ...],
    values: Mapping[str, Any],
    lang: str,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """:func:`fill` for a template already split by :func:`template_pieces`; codes with a label in
    ``labels`` (``"code:staff"``) are written as their label."""
    parts = []
    for literal, name in pieces:
        parts.append(literal)
        if name is not None:
            parts.append(
                format_value(values[name], lang, labels) if name in values else f"{{{name}}}"
            )
    return "".join(parts)


@functools.lru_cache(maxsize=1024)
def template_pieces(template: str) -> tuple[tuple[str, str | None], ...]:
    """``template`` split into (literal text, placeholder name or ``None``) pieces.

    >>> template_pieces("Total: {total_cost}.")
    (('Total: ', 'total_cost'), ('.', None))
    """
    # Templates are few and filled for every decision: split each one once.
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append((template[position : match.start()], match.group(1)))
        position = match.end()
    pieces.append((template[position:], None))
    return tuple(pieces)


def _check_texts(owner: str, what: str, texts: Texts | None, required: bool = True) -> None:
    if texts is None:
        if required:
            raise InvalidArgument(
                f"{owner}: the {what} message is required in {' and '.join(LANGS)}"
            )
        return
    missing = [lang for lang in LANGS if not texts.get(lang)]
    if missing:
        raise InvalidArgument(f"{owner}: the {what} message lacks {', '.join(missing)}")


@attrs.frozen(eq=False)
class Override:
    """A labelled exception in the Catala sense: when ``when`` holds, ``then`` replaces the rule.

    For a criterion ``then`` is the condition that applies instead; for an amount it is the
    formula.  When several overrides apply at once and disagree, evaluation fails with
    :class:`~grantrules.errors.ExceptionConflict`; when two can be seen to conflict without
    any application (same condition, different replacement), the scheme is refused at load.

    >>> from grantrules.expressions import field, RenderContext
    >>> from grantrules.money import Rate
    >>> qpv = Override("quartier_prioritaire", field("project.in_qpv"), Rate("80%"),
    ...                basis=Basis("Règlement d'intervention", "art. 7"))
    >>> qpv.render(RenderContext("en"))
    'by exception (quartier_prioritaire), if project.in_qpv: 80%'

    .. versionadded:: 0.1
    """

    label: str
    when: Expr = attrs.field(converter=const)
    then: Expr = attrs.field(converter=const)
    basis: Basis | None = None
    #: Messages of a criterion when this exception applied (``None``: the criterion's own).
    passed: Texts | None = attrs.field(default=None, kw_only=True)
    failed: Texts | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for what in ("passed", "failed"):
            _check_texts(f"exception {self.label}", what, getattr(self, what), required=False)

    def render(self, ctx: RenderContext) -> str:
        return ctx.words(
            f"par exception ({self.label}), si {self.when.render(ctx)} : {self.then.render(ctx)}",
            f"by exception ({self.label}), if {self.when.render(ctx)}: {self.then.render(ctx)}",
        )


def overrides(items: Iterable[Override]) -> tuple[Override, ...]:
    """The exceptions of a rule as a tuple (an attrs converter mypy can type)."""
    return tuple(items)


def check_overrides(owner: str, overrides: tuple[Override, ...]) -> None:
    """Refuse duplicate labels and overrides that conflict whatever the application."""
    labels = [o.label for o in overrides]
    if len(set(labels)) != len(labels):
        raise SchemeDefinitionError(f"{owner}: duplicate exception labels in {labels}")
    for i, first in enumerate(overrides):
        for second in overrides[i + 1 :]:
            if first.when.same_as(second.when) and not first.then.same_as(second.then):
                raise SchemeDefinitionError(
                    f"{owner}: exceptions {first.label!r} and {second.label!r} apply under the "
                    "same condition and give different results; merge them or make one more "
                    "specific"
                )


_DEFAULT_PASSED = {"fr": "Critère rempli : {rule}.", "en": "Criterion met: {rule}."}
_DEFAULT_NOT_APPLICABLE = {
    "fr": "Critère sans objet pour ce dossier.",
    "en": "Criterion not applicable to this application.",
}
_MISSING = {
    "fr": "Information manquante pour vérifier ce critère : {missing}.",
    "en": "Information missing to check this criterion: {missing}.",
}

#: The messages of the criterion a scheme version adds for each instructor input.
_PENDING = {
    "fr": "En attente de la décision de l'autorité instructrice : {label} ({missing}).",
    "en": "Awaiting the instructing authority's decision: {label} ({missing}).",
}
_NOT_SUPPLIED = {  # never shown: the condition holds once the input is there
    "fr": "En attente de la décision de l'autorité instructrice : {label}.",
    "en": "Awaiting the instructing authority's decision: {label}.",
}
_SUPPLIED = {
    "fr": "Décision de l'autorité instructrice pour {label} : {%s}.",
    "en": "The instructing authority's decision on {label}: {%s}.",
}


@attrs.frozen(eq=False)
class Criterion:
    """An eligibility condition.

    Args:
        id: stable dotted id (``project.cost_range``), used in decisions and test cases.
        condition: a boolean expression; the criterion passes when it holds.
        applies_if: when given and false, the outcome is ``not_applicable``.
        severity: blocking criteria decide eligibility; warnings only inform.
        basis: the legal basis (scheme text, regulation article).
        failed, passed, not_applicable: French and English messages with ``{placeholders}``
            filled from the inputs the criterion read (fields by dotted path, parameters,
            amounts, and ``details``).
        missing: the message when an input is absent, ``{missing}`` naming it (a standard
            message by default).
        details: extra named values computed for messages (e.g. the list of rejected lines).
        exceptions: labelled exceptions that replace ``condition`` when they apply.
        title: a short French and English name for reports (optional).

    Raises:
        InvalidArgument: the id is not dotted identifiers, ``basis`` is not a Basis or a
            message lacks a language.
        SchemeDefinitionError: two exceptions share a label, or conflict whatever the
            application.

    >>> from grantrules.expressions import field, RenderContext
    >>> public_body = Criterion(
    ...     "applicant.public_body",
    ...     field("applicant.legal_category").starts_with_any("72", "73"),
    ...     basis=Basis("Délibération n° 2024-112", "Bénéficiaires"),
    ...     failed={"fr": "La catégorie juridique {applicant.legal_category} est exclue.",
    ...             "en": "Legal category {applicant.legal_category} is excluded."},
    ... )
    >>> public_body.render(RenderContext("fr"))
    'applicant.legal_category commence par (72, 73)'
    >>> public_body.message("failed", {"applicant.legal_category": "5710"}, "fr")
    'La catégorie juridique 5710 est exclue.'

    .. versionadded:: 0.1
    """

    id: str
    condition: Expr = attrs.field(converter=const)
    basis: Basis = attrs.field(kw_only=True)
    failed: Texts = attrs.field(kw_only=True)
    passed: Texts = attrs.field(kw_only=True, default=_DEFAULT_PASSED)
    not_applicable: Texts = attrs.field(kw_only=True, default=_DEFAULT_NOT_APPLICABLE)
    applies_if: Expr | None = attrs.field(kw_only=True, default=None)
    severity: Severity = attrs.field(kw_only=True, default=Severity.BLOCKING)
    details: Mapping[str, Expr] = attrs.field(kw_only=True, factory=dict)
    exceptions: tuple[Override, ...] = attrs.field(kw_only=True, default=(), converter=overrides)
    title: Texts = attrs.field(kw_only=True, factory=dict)
    missing: Texts = attrs.field(kw_only=True, default=_MISSING)

    def __attrs_post_init__(self) -> None:
        if not self.id or not all(p.isidentifier() for p in self.id.split(".")):
            raise InvalidArgument(f"criterion id {self.id!r} must be dotted identifiers")
        if not isinstance(self.basis, Basis):
            raise InvalidArgument(f"criterion {self.id}: basis must be a Basis, got {self.basis!r}")
        for what in ("failed", "passed", "not_applicable", "missing"):
            _check_texts(f"criterion {self.id}", what, getattr(self, what))
        check_overrides(f"criterion {self.id}", self.exceptions)
        self._check_placeholders()
        from grantrules._units import check_criterion

        check_criterion(self)  # what is known here: constants and amounts

    def _check_placeholders(self) -> None:
        """Refuse a placeholder that no evaluation fills: one the criterion does not read
        directly (an input read only through an amount is not shown) nor compute."""
        known = {i.name for i in self.inputs() if i.kind != "collection"} | set(self.details)
        messages: list[tuple[str, Texts, frozenset[str]]] = [
            ("failed", self.failed, frozenset()),
            ("passed", self.passed, frozenset({"rule"})),
            ("not_applicable", self.not_applicable, frozenset()),
            ("missing", self.missing, frozenset({"missing"})),
        ]
        for override in self.exceptions:
            for what in ("passed", "failed"):
                texts = getattr(override, what)
                extra = frozenset({"rule"}) if what == "passed" else frozenset()
                if texts is not None:
                    messages.append((f"{what} message of exception {override.label}", texts, extra))
        for what, texts, extra in messages:
            for lang, template in texts.items():
                for _, name in template_pieces(template):
                    if name is not None and name not in known and name not in extra:
                        readable = ", ".join(sorted(known | extra)) or "none"
                        raise SchemeDefinitionError(
                            f"criterion {self.id}: the {what} message ({lang}) has the "
                            f"placeholder {{{name}}}, which the criterion does not read; "
                            f"placeholders it can fill: {readable} (add a detail to show a "
                            "value read through an amount)"
                        )

    def expressions(self) -> tuple[Expr, ...]:
        """Every expression of the criterion: condition, applicability, details, exceptions."""
        found = [self.condition, *self.details.values()]
        if self.applies_if is not None:
            found.append(self.applies_if)
        for override in self.exceptions:
            found += [override.when, override.then]
        return tuple(found)

    def inputs(self) -> frozenset[Input]:
        """Every field, parameter and amount the criterion may read.

        >>> from grantrules.expressions import field, param
        >>> rule = Criterion("project.duration", field("project.months") <= param("max_months"),
        ...                  basis=Basis("Règlement"),
        ...                  failed={"fr": "Trop long.", "en": "Too long."})
        >>> sorted(str(i) for i in rule.inputs())
        ['field:project.months', 'param:max_months']
        """
        return frozenset().union(*(e.inputs() for e in self.expressions()))

    def render(self, ctx: RenderContext) -> str:
        """The criterion as a sentence of a règlement."""
        text = self.condition.render(ctx)
        if self.applies_if is not None:
            cond = self.applies_if.render(ctx)
            text = ctx.words(f"lorsque {cond} : {text}", f"when {cond}: {text}")
        return text

    def message(self, outcome: str, values: Mapping[str, Any], lang: str) -> str:
        """The message for ``outcome`` in ``lang``, placeholders filled from ``values``.

        ``outcome`` is an :class:`Outcome` value; ``missing`` has a standard message naming
        the ``{missing}`` input.

        >>> from grantrules.expressions import field
        >>> rule = Criterion("project.duration", field("project.months") <= 36,
        ...                  basis=Basis("Règlement"),
        ...                  failed={"fr": "{project.months} mois, c'est trop.",
        ...                          "en": "{project.months} months is too long."})
        >>> rule.message("failed", {"project.months": 48}, "en")
        '48 months is too long.'
        >>> rule.message("missing", {"missing": "project.months"}, "en")
        'Information missing to check this criterion: project.months.'
        """
        return fill(self.template(outcome, lang), values, lang)

    def template(self, outcome: str, lang: str, exception: str | None = None) -> str:
        """The message template for ``outcome`` (an :class:`Outcome` value) in ``lang``;
        when ``exception`` (the label of the exception that applied) carries its own message
        for the outcome, that one.

        >>> from grantrules.expressions import field
        >>> Criterion("project.duration", field("project.months") <= 36,
        ...           basis=Basis("Règlement"), failed={"fr": "Trop long.", "en": "Too long."}
        ...           ).template("failed", "en")
        'Too long.'
        """
        texts: Texts = {
            "passed": self.passed,
            "failed": self.failed,
            "not_applicable": self.not_applicable,
        }.get(outcome, self.missing)
        if exception is not None:
            first = exception.split("+")[0]  # several agreeing exceptions: the first one's
            for override in self.exceptions:
                if override.label == first:
                    own = override.passed if outcome == "passed" else None
                    own = override.failed if outcome == "failed" else own
                    texts = own or texts
        return pick(texts, lang)


@attrs.frozen(eq=False)
class Obligation:
    """A duty attached to an award (publicity, reporting, keeping documents...).

    Every obligation whose ``applies_if`` holds (all when it is ``None``) is listed in the
    decision of an eligible application.

    Raises:
        InvalidArgument: ``text`` lacks a language.

    >>> publicity = Obligation(
    ...     "publicity",
    ...     {"fr": "Mentionner le soutien de l'Union européenne.",
    ...      "en": "Acknowledge the support of the European Union."},
    ...     Basis("Règlement (UE) 2021/1060", "art. 50"),
    ... )
    >>> publicity.text["en"]
    'Acknowledge the support of the European Union.'

    .. versionadded:: 0.1
    """

    id: str
    text: Texts
    basis: Basis
    applies_if: Expr | None = None

    def __attrs_post_init__(self) -> None:
        _check_texts(f"obligation {self.id}", "text", self.text)


def pending_criterion(path: str, basis: Basis, label: Texts | None = None) -> Criterion:
    """The blocking criterion that waits for the instructor input at ``path``.

    A :class:`~grantrules.scheme.SchemeVersion` adds one, with the id ``path``, for every
    instructor input its rules need, unless it already has a criterion of that id.

    >>> rule = pending_criterion("instruction.score", Basis("Règlement", "art. 9"),
    ...                          {"fr": "la note du comité", "en": "the committee's score"})
    >>> rule.id
    'instruction.score'
    >>> print(rule.message("missing", {"missing": "instruction.score"}, "en"))
    Awaiting the instructing authority's decision: the committee's score (instruction.score).
    >>> rule.message("passed", {"instruction.score": 14}, "fr")
    "Décision de l'autorité instructrice pour la note du comité : 14."

    .. versionadded:: 0.2
    """
    from grantrules.expressions import Supplied, field

    def texts(template: Texts) -> dict[str, str]:
        # The label goes into the template itself: it is text, not a value to format.
        return {
            lang: template[lang]
            .replace("{%s}", "{" + path + "}")
            .replace(
                "{label}", pick(label, lang).replace("{", "(").replace("}", ")") if label else path
            )
            for lang in LANGS
        }

    return Criterion(
        path,
        Supplied(field(path)),
        basis=basis,
        failed=texts(_NOT_SUPPLIED),
        passed=texts(_SUPPLIED),
        missing=texts(_PENDING),
        title=dict(label) if label else {},
    )
