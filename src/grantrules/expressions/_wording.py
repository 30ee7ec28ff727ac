"""The grammar the nodes' words are built with, in French and English.

French verbs agree with a plural subject, told by its article or its label; « de » and « à »
contract with the article that follows (« du taux », « aux dépenses »); comparisons read as
verbs, which need no gender agreement.  Each node's :meth:`~grantrules.expressions.Expr.render`,
beside its definition, says what it reads as; this module says how French writes it.
"""

from __future__ import annotations

from grantrules.expressions._context import RenderContext


def _plural(text: str, ctx: RenderContext | None = None) -> bool:
    """Whether a French noun phrase is plural, as its article says (« les autres
    financements publics ») or its label does (``"number": "plural"``, for a label without
    an article such as « frais de mission »): the verb then agrees in number."""
    if text.startswith(("les ", "des ")):
        return True
    return ctx is not None and text in ctx.plural_labels()


def _feminine(text: str, ctx: RenderContext) -> bool:
    """Whether a French noun phrase is feminine, as its article says or its label does."""
    return text.startswith(("la ", "une ")) or text in ctx.feminine_labels()


def _a(text: str) -> str:
    """French 'à' before a noun phrase, contracted as grammar requires (au, aux)."""
    if text.startswith("le "):
        return "au " + text[3:]
    if text.startswith("les "):
        return "aux " + text[4:]
    return "à " + text


def _binary(ctx: RenderContext, op: str, left: str, right: str, *, plural: bool = False) -> str:
    """``left <op> right`` in words; in French the verb agrees with a plural subject and
    « de » contracts with the article that follows (« en deçà du taux », not « de le »)."""
    if ctx.lang != "fr":
        return f"{left} {_COMPARE_WORDS[op][2]} {right}"
    verb = _COMPARE_WORDS[op][1 if plural or _plural(left, ctx) else 0]
    if verb.endswith(" de"):
        return f"{left} {verb[:-3]} {de(right)}"
    return f"{left} {verb} {right}"


# French verbs rather than adjectives: « la date de fin dépasse la date de dépôt » needs no
# gender agreement, which labels do not carry; the plural form follows a plural subject.
_COMPARE_WORDS = {
    "eq": ("égale", "égalent", "equals"),
    "ne": ("diffère de", "diffèrent de", "differs from"),
    "lt": ("reste en deçà de", "restent en deçà de", "is less than"),
    "le": ("ne dépasse pas", "ne dépassent pas", "is at most"),
    "gt": ("dépasse", "dépassent", "is greater than"),
    "ge": ("atteint au moins", "atteignent au moins", "is at least"),
}


def _verb(ctx: RenderContext, text: str, singular: str, plural: str) -> str:
    return plural if _plural(text, ctx) else singular


def de(text: str) -> str:
    """French 'de' before a noun phrase, contracted as grammar requires (du, des, d')."""
    if text.startswith("le "):
        return "du " + text[3:]
    if text.startswith("les "):
        return "des " + text[4:]
    if text[:1].lower() in "aeiouyéèh":
        return "d'" + text
    return "de " + text
