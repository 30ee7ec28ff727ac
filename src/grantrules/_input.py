"""Raw input documents: bytes from a file or a line, to a JSON value, with hostile input refused.

One policy for every reader of application documents (``grantrules evaluate FILE.json``,
``FILE.jsonl`` and ``grantrules call run``, and :func:`grantrules.serde.loads`):

* **Encoding**: UTF-8 only.  A byte order mark (``EF BB BF``) is allowed at the start of
  every document: a ``.json`` file, each line of a ``.jsonl`` file (files joined with
  ``cat`` keep theirs); any other byte sequence that is not UTF-8 (latin-1, UTF-16, an
  encoded surrogate) is refused with its byte offset.
* **Size**: a document (a ``.json`` file or one line of a ``.jsonl`` file) is at most
  :data:`MAX_DOCUMENT_BYTES`; a longer one is refused without being read whole.
* **Depth**: objects and arrays nest at most :data:`MAX_DEPTH` levels, checked on the text
  *before* the JSON parser recurses into it (a 2 KB file of 1,000 ``[`` would otherwise raise
  ``RecursionError``).
* **Strictness**: no ``NaN``/``Infinity``, no key twice in an object, integers of at most
  4,300 digits (Python's own limit), and no lone surrogate (``"\\ud800"``) in any string: it
  is not a Unicode character and could not be written back as UTF-8.
* **Files**: only regular files are read; a FIFO, a device (``/dev/zero``) or a directory is
  refused before it is opened, since reading one may never end.

Every refusal is an :class:`~grantrules.errors.ApplicationInvalid` whose problems carry the
JSON path (``$`` for the document as a whole, ``$.project.title`` for a surrogate).

>>> loads('{"id": "A-1"}')
{'id': 'A-1'}
>>> try:
...     loads("[" * 100 + "]" * 100, "deep.json")
... except ApplicationInvalid as error:
...     print(error.problems[0])
$: deep.json nests objects and arrays deeper than 64 levels: an application is at most 64 deep

.. versionadded:: 0.2
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from grantrules.errors import ApplicationInvalid, InvalidArgument, Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "NotARegularFile",
    "check_strings",
    "decode",
    "has_lone_surrogate",
    "iter_lines",
    "loads",
    "printable",
    "read_file",
]

#: The deepest nesting of objects and arrays accepted in a document.
MAX_DEPTH = 64
#: The largest document accepted, in bytes of UTF-8 (a ``.json`` file or one JSON line).
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
NOT_JSON = "not-json"
_BOM = b"\xef\xbb\xbf"
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
#: The first lone surrogate of a str (a ``re.Match``), or None: Python accepts one in a str,
#: no UTF-8 output (a file, SQLite) can carry it.  The document readers share it.
find_lone_surrogate = re.compile("[\ud800-\udfff]").search
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


# Control and invisible characters (ANSI escapes, bidi overrides, zero-width spaces) and lone
# surrogates: text that quotes input must not send them to a terminal raw.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff]"
)


def printable(text: str) -> str:
    r"""``text`` with control, invisible and surrogate characters escaped, for a terminal.

    >>> print(printable("A1\x1b[31m\u200b"))
    A1\x1b[31m\u200b
    """
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def _refuse(message: str, path: str = "$", code: str = NOT_JSON) -> ApplicationInvalid:
    return ApplicationInvalid([Problem(path, message, code)])


def decode(data: bytes, source: str = "<bytes>", *, bom: bool = True) -> str:
    """UTF-8 bytes to text; a leading byte order mark is dropped when ``bom`` allows it.

    Raises:
        ApplicationInvalid: the bytes are not UTF-8 (the byte offset is named).

    >>> decode(b"\\xef\\xbb\\xbf{}"), decode("é".encode())
    ('{}', 'é')
    """
    if bom and data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = "" if data[:2] not in (b"\xff\xfe", b"\xfe\xff") else " (it looks like UTF-16)"
        raise _refuse(
            f"{source} is not UTF-8 text{hint}: {exc.reason} at byte {exc.start}; save it as UTF-8"
        ) from None


def _check_depth(text: str, source: str) -> None:
    # Counting brackets is done in C: only a document with many of them is scanned, and the
    # scan skips strings, so that "[[[" inside a title is not nesting.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for bracket in _BRACKETS.findall(_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            raise _refuse(
                f"{source} nests objects and arrays deeper than {MAX_DEPTH} levels: "
                f"an application is at most {MAX_DEPTH} deep"
            )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # A repeated key would silently keep its last value, e.g. a second "amount".
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _key(path: str, key: object) -> str:
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key) if isinstance(key, str) else key}]"


def lone_surrogate_message(found: re.Match[str]) -> str:
    """What a reader says of the lone surrogate ``found`` by :data:`find_lone_surrogate`.

    >>> lone_surrogate_message(find_lone_surrogate("ab\\udc00"))
    'not valid Unicode: a lone surrogate (U+DC00) at character 2'
    """
    return (
        f"not valid Unicode: a lone surrogate (U+{ord(found.group()):04X}) "
        f"at character {found.start()}"
    )


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which no UTF-8 output (a file, SQLite) can carry.

    Most texts are ASCII, which Python knows without reading them: those are answered at once,
    the others by one search in C.

    >>> has_lone_surrogate('{"title": "Archives IA"}'), has_lone_surrogate("caf\\u00e9 \\ud800")
    (False, True)
    """
    return not text.isascii() and find_lone_surrogate(text) is not None


def check_strings(value: object, path: str = "$") -> list[Problem]:
    """Every string (and object key) of a JSON value that holds a lone surrogate.

    The walk is iterative: a value nested deeper than the interpreter's recursion limit is
    walked like any other.  It only runs when the value's JSON text holds a surrogate: most
    values are cleared by one search in C.

    >>> [str(p) for p in check_strings({"project": {"title": "\\ud800"}})]
    ['$.project.title: not valid Unicode: a lone surrogate (U+D800) at character 0']
    """
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = "\ud800"  # not JSON data: walk it
    if not has_lone_surrogate(text):
        return []
    problems: list[Problem] = []
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            found = find_lone_surrogate(node)
            if found:
                problems.append(Problem(where, lone_surrogate_message(found), "invalid-value"))
        elif isinstance(node, dict):
            for key, item in node.items():
                if isinstance(key, str) and find_lone_surrogate(key):
                    stack.append((key, f"{where} (a key)"))
                    continue
                stack.append((item, _key(where, key)))
        elif isinstance(node, list | tuple):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node))
    problems.sort(key=lambda p: p.path)
    return problems


def loads(text: str | bytes, source: str = "<string>", *, parse_float: Any = None) -> Any:
    """Parse one JSON document under the policy of this module.

    Args:
        text: JSON text, or UTF-8 bytes (a leading byte order mark is allowed).
        source: how messages name the text (a file name, ``line 12``...).
        parse_float: as for :func:`json.loads` (the call engine refuses floats with it).

    Raises:
        ApplicationInvalid: with the problem at ``$`` (or at a string's path for a surrogate).

    >>> loads(b'\\xef\\xbb\\xbf{"a": 1}')
    {'a': 1}
    """
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise _too_large(source)
        text = decode(bytes(text), source)
    if not isinstance(text, str):
        raise InvalidArgument(f"expected JSON text as str or bytes, got {type(text).__name__}")
    if len(text) > MAX_DOCUMENT_BYTES:
        raise _too_large(source)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _refuse(f"{source} is empty: expected a JSON object (the application)")
    _check_depth(text, source)
    try:
        value = json.loads(
            text,
            parse_constant=_reject_constant,
            object_pairs_hook=_refuse_duplicates,
            parse_float=parse_float,
        )
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}"
        if "\n" in text.strip():
            where = f"line {exc.lineno}, {where}"
        raise _refuse(f"{source} is not JSON: {exc.msg} ({where})") from None
    except (ValueError, RecursionError) as exc:
        # ValueError: a constant, a repeated key, an integer of more than 4,300 digits.
        raise _refuse(f"{source}: {exc}") from None
    # A lone surrogate can only come from a \\uD800-style escape (or a str argument).
    if _ESCAPED_SURROGATE.search(text) or has_lone_surrogate(text):
        problems = check_strings(value)
        if problems:
            raise ApplicationInvalid(problems)
    return value


def _too_large(source: str) -> ApplicationInvalid:
    return _refuse(
        f"{source} is larger than {MAX_DOCUMENT_BYTES:,} bytes: "
        "an application document is at most that size"
    )


class NotARegularFile(OSError):
    """The path is a device, a FIFO or a socket: reading it may never end."""


def _regular(path: Path) -> None:
    """Refuse what is not a regular file before opening it (a FIFO would block the open)."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if not stat.S_ISREG(mode):
        raise NotARegularFile(
            errno.EINVAL,
            "not a regular file (a device, a FIFO or a socket): save the applications to a file",
            str(path),
        )


def read_file(path: str | os.PathLike[str], limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises:
        OSError: the path cannot be read, or is not a regular file (:class:`NotARegularFile`,
            :class:`IsADirectoryError`): callers word it in the user's language.
        ApplicationInvalid: the file is larger than ``limit``.
    """
    target = Path(path)
    _regular(target)
    with target.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(str(target))
    return data


def _skip_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(MAX_DOCUMENT_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


def iter_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str | ApplicationInvalid]]:
    """The non-blank lines of a JSON Lines file, numbered from 1, as text or as the problem.

    Each line is decoded on its own (a leading byte order mark is allowed, as for a file) and
    bounded by :data:`MAX_DOCUMENT_BYTES`, so one bad line never hides the others.

    Raises:
        OSError: as for :func:`read_file`.
    """
    target = Path(path)
    _regular(target)
    with target.open("rb") as stream:
        number = 0
        while True:
            raw = stream.readline(MAX_DOCUMENT_BYTES + 1)
            if not raw:
                return
            number += 1
            source = f"line {number}"
            if len(raw) > MAX_DOCUMENT_BYTES and not raw.endswith(b"\n"):
                _skip_line(stream)
                yield number, _too_large(source)
                continue
            try:
                text = decode(raw, source)
            except ApplicationInvalid as exc:
                yield number, exc
                continue
            if text.strip():
                yield number, text
