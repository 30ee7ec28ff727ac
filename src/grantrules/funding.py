"""Funding invariants: what a scheme's text promises about every award, stated as data.

A scheme version lists its :class:`Invariant` objects (``SchemeVersion.invariants``): a
boolean expression over the same tree as the rules (the award and the other amounts, the
application's fields, the parameters), with a legal basis and a message in French and
English.  The règlement renders them; the invariant suite of :mod:`grantrules.testing`
checks each one on generated applications as ``scheme.<id>``; they add nothing to a decision.

>>> from grantrules.amounts import Amount
>>> from grantrules.basis import Basis
>>> from grantrules.expressions import param, RenderContext
>>> from grantrules.money import Euro
>>> basis = Basis("Règlement (UE) 2021/1060", "art. 73")
>>> award = Amount("award", Euro("100.00"), basis=basis,
...                label={"fr": "l'aide", "en": "the award"})
>>> cap = Invariant(
...     "award_below_ceiling",
...     award <= param("ceiling"),
...     basis=basis,
...     message={"fr": "L'aide ne dépasse jamais {ceiling}.",
...              "en": "The award never exceeds {ceiling}."},
... )
>>> cap.render(RenderContext("en", award.labels()))
'when the application is eligible: the award is at most ceiling'

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from grantrules._format import LANGS, pick
from grantrules.basis import Basis
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.expressions import Expr, Input, RenderContext, const
from grantrules.rules import Texts, template_pieces

__all__ = ["Invariant", "check_invariant_ids"]


def _optional_expr(value: Any) -> Expr | None:
    return None if value is None else const(value)


@attrs.frozen(eq=False)
class Invariant:
    """A property every decision of the scheme must have, as the scheme's text states it.

    Args:
        id: stable dotted id (``public_cap``); the test suite names it ``scheme.<id>``.
        holds: a boolean expression that must hold, over the amounts (the award among them),
            the application's fields and the parameters.
        basis: the legal basis of the promise.
        message: what holds, in French and English, with ``{placeholders}`` for the values
            the expressions read (fields by dotted path, parameters, amounts); shown in the
            règlement and, filled, when a generated application breaks the invariant.
        when: the applications it speaks of (all by default).
        eligible_only: whether it speaks only of eligible applications (the default: an
            ineligible application's amounts are computed but not awarded).

    Raises:
        InvalidArgument: the id is not dotted identifiers, ``basis`` is not a Basis, or the
            message lacks a language.
        SchemeDefinitionError: ``holds`` or ``when`` is not a boolean expression, or the
            message has a placeholder that no expression of the invariant reads.

    >>> from grantrules.amounts import Amount
    >>> from grantrules.expressions import field, param
    >>> from grantrules.money import Euro
    >>> basis = Basis("Code général des collectivités territoriales", "art. L1111-10 III")
    >>> award = Amount("award", Euro("60000.00"), basis=basis)
    >>> other_public = Amount("other_public", Euro("10000.00"), basis=basis)
    >>> own_funds = Amount("own_funds", Euro("30000.00"), basis=basis)
    >>> public_cap = Invariant(
    ...     "financing.public_cap",
    ...     award + other_public <= param("max_public_share").of(
    ...         own_funds + award + other_public),
    ...     when=field("applicant.legal_category").starts_with_any("72", "73"),
    ...     basis=basis,
    ...     message={"fr": "Les aides publiques ne dépassent pas {max_public_share}.",
    ...              "en": "Public funding never exceeds {max_public_share}."},
    ... )
    >>> sorted(i.name for i in public_cap.inputs() if i.kind == "amount")
    ['award', 'other_public', 'own_funds']

    .. versionadded:: 0.3
    """

    id: str
    holds: Expr = attrs.field(converter=const)
    basis: Basis = attrs.field(kw_only=True)
    message: Texts = attrs.field(kw_only=True)
    when: Expr | None = attrs.field(kw_only=True, default=None, converter=_optional_expr)
    eligible_only: bool = attrs.field(kw_only=True, default=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.id, str) or not all(p.isidentifier() for p in self.id.split(".")):
            raise InvalidArgument(f"invariant id {self.id!r} must be dotted identifiers")
        if not isinstance(self.basis, Basis):
            raise InvalidArgument(f"invariant {self.id}: basis must be a Basis, got {self.basis!r}")
        missing = [lang for lang in LANGS if not (self.message or {}).get(lang)]
        if missing:
            raise InvalidArgument(f"invariant {self.id}: the message lacks {', '.join(missing)}")
        if not isinstance(self.eligible_only, bool):
            raise InvalidArgument(f"invariant {self.id}: eligible_only must be True or False")
        self._check_placeholders()
        self.check_units()  # what is known here: constants and amounts

    def check_units(self, units: Any = None) -> None:
        """Refuse ``holds`` or ``when`` unless boolean (units as the scheme version knows them).

        Raises:
            SchemeDefinitionError: naming the invariant, the problem and the expression.
        """
        from grantrules._units import check_units

        check_units(f"invariant {self.id}", self.holds, "bool", units)
        if self.when is not None:
            check_units(f"invariant {self.id} (when)", self.when, "bool", units)

    def _check_placeholders(self) -> None:
        known = {i.name for i in self.inputs() if i.kind != "collection"}
        for lang, template in self.message.items():
            for _, name in template_pieces(template):
                if name is not None and name not in known:
                    readable = ", ".join(sorted(known)) or "none"
                    raise SchemeDefinitionError(
                        f"invariant {self.id}: the message ({lang}) has the placeholder "
                        f"{{{name}}}, which the invariant does not read; placeholders it can "
                        f"fill: {readable}"
                    )

    def expressions(self) -> tuple[Expr, ...]:
        """``holds``, and ``when`` if given."""
        return (self.holds,) if self.when is None else (self.holds, self.when)

    def inputs(self) -> frozenset[Input]:
        """Every field, parameter and amount the invariant reads."""
        return frozenset().union(*(e.inputs() for e in self.expressions()))

    def render(self, ctx: RenderContext) -> str:
        """The invariant in words: ``holds``, preceded by ``when`` and by eligibility."""
        text = self.holds.render(ctx)
        conditions = []
        if self.eligible_only:
            conditions.append(ctx.words("le dossier est éligible", "the application is eligible"))
        if self.when is not None:
            conditions.append(self.when.render(ctx))
        if not conditions:
            return text
        joined = ctx.words(" et ", " and ").join(conditions)
        return ctx.words(f"lorsque {joined} : {text}", f"when {joined}: {text}")

    def text(self, lang: str) -> str:
        """The message in ``lang``, placeholders unfilled (as the règlement shows it)."""
        return pick(self.message, lang)


def check_invariant_ids(invariants: Iterable[Invariant]) -> tuple[Invariant, ...]:
    """The invariants as a tuple, refusing anything else and duplicate ids.

    Raises:
        InvalidArgument: an item is not an :class:`Invariant`.
        SchemeDefinitionError: two invariants share an id.
    """
    found = tuple(invariants)
    for item in found:
        if not isinstance(item, Invariant):
            raise InvalidArgument(f"invariants: expected Invariant objects, got {item!r}")
    ids = [i.id for i in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SchemeDefinitionError(f"invariant ids used twice: {duplicates}")
    return found
