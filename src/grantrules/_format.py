"""Render any rule value (amount, rate, date, code list...) as French or English text."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from grantrules.dates import DateRange, format_date
from grantrules.errors import InvalidArgument
from grantrules.money import Euro, Rate

__all__ = ["LANGS", "check_lang", "format_value", "pick"]

LANGS = ("fr", "en")

_BOOLS = {"fr": ("oui", "non"), "en": ("yes", "no")}
_AND = {"fr": " et ", "en": " and "}


def check_lang(lang: str) -> str:
    """Return ``lang`` if grantrules speaks it, else raise :class:`InvalidArgument`."""
    if lang not in LANGS:
        raise InvalidArgument(f"unsupported language {lang!r}: expected one of {', '.join(LANGS)}")
    return lang


def pick(texts: Mapping[str, str], lang: str) -> str:
    """Pick the text in ``lang``, falling back to French (the schemes' legal language)."""
    return texts.get(lang) or texts.get("fr") or next(iter(texts.values()), "")


def format_value(
    value: Any, lang: str, labels: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """Format a value the way a règlement would write it.

    ``labels`` may name codes (``"code:staff"``: ``{"fr": "personnel", ...}``): a code with
    a label is written as its label.

    >>> from grantrules.money import Euro
    >>> format_value(Euro("70000.00"), "en")
    '€70,000.00'
    >>> format_value(("staff", "equipment"), "en")
    'staff, equipment'
    >>> format_value(("staff", "equipment"), "fr", {"code:staff": {"fr": "personnel"}})
    'personnel, equipment'
    >>> format_value(50000, "en"), format_value(2000, "fr")
    ('50,000', '2000')
    """
    kind = type(value)
    # Exact-type shortcuts first: messages format thousands of codes and amounts.
    if kind is str:
        if labels:
            texts = labels.get("code:" + value)
            if texts:
                return pick(texts, lang)
        return value  # type: ignore[no-any-return]
    if kind is Euro:
        return value.format(lang)  # type: ignore[no-any-return]
    if isinstance(value, Euro | Rate | DateRange):
        return value.format(lang)
    if isinstance(value, bool):
        return _BOOLS[lang][0 if value else 1]
    if isinstance(value, datetime.date):
        return format_date(value, lang)
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return ", ".join(format_value(v, lang, labels) for v in items)
    if value is None:
        return "—"
    if kind is int and abs(value) >= 10_000:
        # « 20 000 habitants », "20,000 inhabitants": grouped from five digits, as French
        # typography does (a four-digit number such as 2025 or 1250 stays whole).
        return _group(value, lang)
    return str(value)


def _group(value: int, lang: str) -> str:
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if lang == "fr" else grouped


def join_and(parts: list[str], lang: str) -> str:
    """Join parts as 'a, b et c' / 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + _AND[lang] + parts[-1]
