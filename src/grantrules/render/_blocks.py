"""A tiny document model written out as Markdown or as plain text.

Decisions and schemes are first laid out as blocks (headings, paragraphs, bullet lists,
tables) of inline spans (text, code, links, strong text); two writers then produce Markdown
and plain text from the same layout, so that both say exactly the same things.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from grantrules.i18n import message

__all__ = [
    "Block",
    "Bullets",
    "Code",
    "Heading",
    "Inline",
    "Link",
    "Para",
    "Strong",
    "Table",
    "inline",
    "to_markdown",
    "to_text",
]


@attrs.frozen
class Code:
    """An identifier, shown as code in Markdown."""

    text: str


@attrs.frozen
class Link:
    text: str
    url: str


@attrs.frozen
class Strong:
    text: str


Span = str | Code | Link | Strong
Inline = tuple[Span, ...]


def inline(*parts: Span | Inline) -> Inline:
    """Flatten spans and inline sequences into one inline sequence."""
    spans: list[Span] = []
    for part in parts:
        if isinstance(part, tuple):
            spans.extend(part)
        elif part != "":
            spans.append(part)
    return tuple(spans)


@attrs.frozen
class Heading:
    level: int
    text: Inline


@attrs.frozen
class Para:
    text: Inline


@attrs.frozen
class Bullets:
    """Items, each with optional detail lines shown nested under it."""

    items: tuple[tuple[Inline, tuple[Inline, ...]], ...]


@attrs.frozen
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]


Block = Heading | Para | Bullets | Table

# --- Markdown (CommonMark, as MyST reads it)

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the
# ones that could otherwise start emphasis, links, code, HTML, entities or table cells.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])", re.MULTILINE)


def _md_escape(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m[1] + "\\" + m[2] if m[2][0] in "#+=-" else m[0], text)


def _md_code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_inline(text: Inline) -> str:
    out = []
    for span in text:
        if isinstance(span, Code):
            out.append(_md_code(span.text))
        elif isinstance(span, Link):
            url = span.url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
            out.append(f"[{_md_escape(span.text)}]({url})")
        elif isinstance(span, Strong):
            out.append(f"**{_md_escape(span.text)}**")
        else:
            out.append(_md_escape(span))
    return "".join(out)


def _md_cell(text: Inline) -> str:
    return _md_inline(text).replace("\n", " ") or " "


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + _md_inline(block.text).replace("\n", " ")
    if isinstance(block, Para):
        return _md_inline(block.text)
    if isinstance(block, Bullets):
        lines = []
        for text, details in block.items:
            lines.append("- " + _md_inline(text).replace("\n", " "))
            lines += ["  - " + _md_inline(d).replace("\n", " ") for d in details]
        return "\n".join(lines)
    header = "| " + " | ".join(_md_escape(h) for h in block.header) + " |"
    rule = "|" + "|".join(" --- " for _ in block.header) + "|"
    rows = ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
    return "\n".join([header, rule, *rows])


def to_markdown(blocks: Iterable[Block]) -> str:
    """Write blocks as CommonMark, one blank line between blocks."""
    return "\n\n".join(_md_block(b) for b in blocks) + "\n"


# --- plain text

_UNDERLINES = {1: "=", 2: "-", 3: "~"}
_MAX_TABLE_WIDTH = 100


def _text_inline(text: Inline) -> str:
    out = []
    for span in text:
        if isinstance(span, Link):
            out.append(f"{span.text} <{span.url}>")
        elif isinstance(span, Code | Strong):
            out.append(span.text)
        else:
            out.append(span)
    return "".join(out)


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]], colon: str) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    if sum(widths) + 2 * len(widths) > _MAX_TABLE_WIDTH:
        # Too wide to align: one "header: value" line per cell, rows apart.
        return "\n\n".join(
            "\n".join(f"{h}{colon}{c}" for h, c in zip(header, row, strict=True)) for row in rows
        )
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


def _text_block(block: Block, colon: str) -> str:
    if isinstance(block, Heading):
        title = _text_inline(block.text)
        mark = _UNDERLINES.get(block.level)
        return f"{title}\n{mark * len(title)}" if mark else title
    if isinstance(block, Para):
        return _text_inline(block.text)
    if isinstance(block, Bullets):
        lines = []
        for text, details in block.items:
            lines.append("- " + _text_inline(text))
            lines += ["    " + _text_inline(d) for d in details]
        return "\n".join(lines)
    rows = [[_text_inline(c).replace("\n", " ") for c in row] for row in block.rows]
    return _text_table(block.header, rows, colon)


def to_text(blocks: Iterable[Block], lang: str) -> str:
    """Write blocks as plain text, headings underlined, one blank line between blocks."""
    colon = message("punct.colon", lang)
    return "\n\n".join(_text_block(b, colon) for b in blocks) + "\n"
