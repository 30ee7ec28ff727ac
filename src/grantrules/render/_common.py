"""Pieces shared by the renderings of decisions and schemes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grantrules._format import format_value
from grantrules.basis import Basis
from grantrules.i18n import message
from grantrules.render._blocks import Inline, Link, inline

__all__ = ["basis_inline", "field", "json_text"]


def basis_inline(basis: Basis, lang: str) -> Inline:
    """``title, article`` (a link when the basis has a URL), with its reliability if known."""
    text = str(basis)
    spans: Inline = (Link(text, basis.url),) if basis.url else (text,)
    if basis.reliability:
        reliability = message(f"reliability.{basis.reliability}", lang)
        label = message("label.reliability", lang) + message("punct.colon", lang)
        spans = inline(spans, f" ({label}{reliability})")
    return spans


def field(key: str, lang: str, *value: Any) -> Inline:
    """``Label : value`` with the label of ``key`` in ``lang``."""
    return inline(message(key, lang), message("punct.colon", lang), *value)


def json_text(value: Any, lang: str, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A JSON value of a decision (inputs, derived values) in words; codes with a label in
    ``labels`` (``"code:staff"``) by their label."""
    if isinstance(value, Mapping):
        if set(value) == {"start", "end"}:
            return f"{value['start']} → {value['end']}"
        return ", ".join(f"{k} = {json_text(v, lang, labels)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(json_text(v, lang, labels) for v in value) + "]"
    return format_value(value, lang, labels)
