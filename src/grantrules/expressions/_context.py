"""What evaluation and rendering read: the environment a closure evaluates in, the signal of
a missing input, the inputs a node reads, and how to render (language, labels, values).

These names are re-exported by :mod:`grantrules.expressions`, where users import them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from grantrules._format import pick

__all__ = ["Compiled", "Env", "Input", "MissingInput", "RenderContext"]

Compiled = Callable[["Env", Any], Any]


class MissingInput(Exception):
    """Raised inside evaluation when an optional input is absent; criteria report it as missing.

    ``name`` is the input's dotted path.  Evaluating a scheme catches it: a criterion that read
    the input has the outcome ``missing``, an amount the value ``None``.

    >>> from grantrules.expressions import field
    >>> from types import SimpleNamespace
    >>> project = SimpleNamespace(title="Jumeau numérique du réseau de chaleur", end_date=None)
    >>> try:
    ...     field("project.end_date").evaluate(SimpleNamespace(project=project))
    ... except MissingInput as missing:
    ...     print(missing.name)
    project.end_date

    .. versionadded:: 0.1
    """

    # Tracebacks name the signal where it is imported from, not the private module.
    __module__ = "grantrules.expressions"

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@attrs.define(slots=True)
class Env:
    """What compiled expressions read: the application, parameters in force, computed amounts.

    ``on`` is the evaluation date.  Schemes build one per evaluation; build one yourself only to
    call a closure returned by :meth:`Expr.compile`.

    >>> from grantrules.expressions import param
    >>> from grantrules.money import Euro, Rate
    >>> env = Env(app=None, params={"feder_rate": Rate("60%")}, amounts={},
    ...           on=datetime.date(2025, 3, 14))
    >>> param("feder_rate").of(Euro("75000.00")).compile()(env, None)
    Euro('45000.00')

    .. versionadded:: 0.1
    """

    app: Any
    params: Mapping[str, Any]
    amounts: dict[str, Any]
    on: datetime.date


@attrs.frozen(order=True)
class Input:
    """One input an expression reads.

    ``kind`` is ``field`` (a dotted path; ``costs[].category`` for an item field),
    ``collection`` (a collection that is summed or counted), ``param`` or ``amount``.

    >>> from grantrules.expressions import field, param
    >>> rule = field("applicant.legal_category").is_in(param("eligible_legal_categories"))
    >>> [str(i) for i in sorted(rule.inputs())]
    ['field:applicant.legal_category', 'param:eligible_legal_categories']

    .. versionadded:: 0.1
    """

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


@attrs.frozen
class RenderContext:
    """How to render: the language, labels of inputs, and optionally parameter values.

    ``labels`` maps ``"field:applicant.siren"``, ``"amount:total_cost"`` or
    ``"param:feder_rate"`` to ``{"fr": ..., "en": ...}``.  When ``params`` is given, parameters
    render as their value on that date ("70 000,00 €"), else as their label.

    >>> from grantrules.expressions import field, param
    >>> from grantrules.money import Euro
    >>> rule = field("project.total_cost") <= param("ceiling")
    >>> labels = {"field:project.total_cost": {"fr": "le coût total", "en": "the total cost"}}
    >>> rule.render(RenderContext("fr", labels))
    'le coût total ne dépasse pas ceiling'
    >>> rule.render(RenderContext("en", labels, params={"ceiling": Euro("200000.00")}))
    'the total cost is at most €200,000.00'

    .. versionadded:: 0.1
    """

    lang: str = "fr"
    labels: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    params: Mapping[str, Any] | None = None

    def label(self, key: str, default: str) -> str:
        texts = self.labels.get(key)
        return pick(texts, self.lang) if texts else default

    def plural_labels(self) -> frozenset[str]:
        """The French labels that say they are plural (``"number": "plural"``)."""
        return frozenset(
            texts["fr"]
            for texts in self.labels.values()
            if texts.get("number") == "plural" and "fr" in texts
        )

    def feminine_labels(self) -> frozenset[str]:
        """The French labels that say they are feminine (``"gender": "feminine"``), for a
        label whose article does not tell (« l'intensité maximale »)."""
        return frozenset(
            texts["fr"]
            for texts in self.labels.values()
            if texts.get("gender") == "feminine" and "fr" in texts
        )

    def words(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en
