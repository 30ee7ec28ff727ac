"""What the call engine needs from the evaluation core, as protocols.

The call engine does not import the evaluator: any callable taking an application's JSON
document and returning an object with ``eligible``, ``award`` and ``to_json()`` will do (the
core's ``Decision`` does).  The evaluator may raise
:class:`~grantrules.errors.ApplicationInvalid` for a document it cannot evaluate.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from grantrules.errors import ApplicationInvalid, Problem
from grantrules.model import APPLICATION_ID_PATTERN, check_application_id
from grantrules.money import Euro

__all__ = [
    "DecisionLike",
    "Evaluator",
    "Scorer",
    "Submission",
    "project_fingerprint",
    "read_submission",
]

#: The fields of a document that say when and under which id it was submitted: two documents
#: equal apart from them describe the same project.
SUBMISSION_FIELDS = frozenset({"id", "submitted_on", "submitted_at", "received_on"})


@runtime_checkable
class DecisionLike(Protocol):
    """The part of an evaluation result the call engine reads.

    The core's :class:`~grantrules.decision.Decision` has it; so does any object with
    ``eligible``, ``award`` and ``to_json()`` (checked with ``isinstance`` at run time).

    >>> class Grant:
    ...     eligible = True
    ...     award = Euro("60000.00")
    ...     def to_json(self):
    ...         return {"eligible": self.eligible, "award": str(self.award)}
    >>> isinstance(Grant(), DecisionLike)
    True

    .. versionadded:: 0.1
    """

    @property
    def eligible(self) -> bool:
        """Whether the application meets every criterion."""

    @property
    def award(self) -> Euro:
        """The aid amount if eligible."""

    def to_json(self) -> dict[str, Any]:
        """The full decision, stored in the journal next to the evaluation event."""


class Evaluator(Protocol):
    """Evaluate one application document (may raise ``ApplicationInvalid``).

    Any callable taking the document and returning a :class:`DecisionLike` will do, such as
    ``functools.partial(grantrules.evaluate, scheme)``.  Pass it to
    :meth:`Call.create <grantrules.call.Call.create>` or
    :meth:`Call.open <grantrules.call.Call.open>` as ``evaluator``: an eligible application
    gets the decision's ``award``, a document the evaluator raises ``ApplicationInvalid`` for
    gets the ``invalid`` status.

    >>> import pathlib, tempfile
    >>> from grantrules.call import Call
    >>> class Grant:
    ...     def __init__(self, award):
    ...         self.eligible, self.award = award > Euro.ZERO, award
    ...     def to_json(self):
    ...         return {"eligible": self.eligible, "award": str(self.award)}
    >>> def evaluator(document):
    ...     if "award" not in document:
    ...         raise ApplicationInvalid([Problem("$.award", "expected an amount")])
    ...     return Grant(Euro(document["award"]))
    >>> tmp = tempfile.TemporaryDirectory()
    >>> call = Call.create(pathlib.Path(tmp.name) / "call.db", Euro("100000.00"),
    ...                    evaluator=evaluator)
    >>> for app_id, award in [("A1", "60000.00"), ("A2", "0.00"), ("A3", None)]:
    ...     document = {"id": app_id, "submitted_on": "2025-03-14",
    ...                 "applicant": {"siren": "215903501", "name": "Lille"}}
    ...     if award is not None:
    ...         document["award"] = award
    ...     _ = call.submit(document)
    >>> [(app.status, str(app.award)) for app in call.evaluate_pending()]
    [('eligible', '60000.00'), ('ineligible', '0.00'), ('invalid', '0.00')]
    >>> call.close_file()
    >>> tmp.cleanup()

    .. versionadded:: 0.1
    """

    def __call__(self, document: Mapping[str, Any], /) -> DecisionLike: ...


class Scorer(Protocol):
    """Give an application its ranking score (``None``: not scored)."""

    def __call__(
        self, document: Mapping[str, Any], decision: DecisionLike, /
    ) -> Decimal | None: ...


class AwardRecomputer(Protocol):
    """Recompute an award from the final eligible cost (used by ``revise_cost``)."""

    def __call__(self, document: Mapping[str, Any], final_eligible_cost: Euro, /) -> Euro: ...


@attrs.frozen
class Submission:
    """The fields of an application document the call engine itself relies on."""

    id: str
    submitted_on: datetime.date
    siren: str
    name: str


def _text(document: Mapping[str, Any], path: str, problems: list[Problem]) -> str:
    node: Any = document
    for part in path.split("."):
        # dict first: the Mapping ABC check is slow, and documents are almost always dicts.
        node = node.get(part) if isinstance(node, dict | Mapping) else None
    if not isinstance(node, str) or not node.strip():
        problems.append(Problem(f"$.{path}", "expected a non-empty string", "missing-field"))
        return ""
    return node


def read_submission(document: object, *, check_id: bool = True) -> Submission:
    """Read and check the contract fields of an application document.

    The id must follow :data:`grantrules.model.APPLICATION_ID_PATTERN` (``check_id=False``
    reads the files of earlier versions, which did not check it).

    Raises:
        ApplicationInvalid: listing every missing or malformed field with its JSON path.

    >>> read_submission({"id": "A1", "submitted_on": "2025-03-14",
    ...                  "applicant": {"siren": "215903501", "name": "Lille"}}).submitted_on
    datetime.date(2025, 3, 14)
    """
    if type(document) is dict:
        plain = _read_plain(document, check_id)
        if plain is not None:
            return plain
    if not isinstance(document, Mapping):
        raise ApplicationInvalid([Problem("$", "expected a JSON object", "not-an-object")])
    problems: list[Problem] = []
    app_id = _text(document, "id", problems)
    day = _text(document, "submitted_on", problems)
    siren = _text(document, "applicant.siren", problems)
    name = _text(document, "applicant.name", problems)
    if app_id and check_id:
        try:
            check_application_id(app_id)
        except ValueError as error:
            problems.insert(0, Problem("$.id", str(error), "invalid-id"))
    submitted_on = datetime.date.min
    if day:
        try:
            submitted_on = datetime.date.fromisoformat(day)
        except ValueError:
            problems.append(Problem("$.submitted_on", f"expected an ISO date, got {day!r}"))
    if problems:
        raise ApplicationInvalid(problems)
    return Submission(app_id, submitted_on, siren, name)


def _read_plain(document: dict[str, Any], check_id: bool) -> Submission | None:
    """:func:`read_submission` of a valid document made of plain dicts and strings (as a
    JSON parser makes them), in one pass; ``None`` for any other, read the long way."""
    app_id, day = document.get("id"), document.get("submitted_on")
    applicant = document.get("applicant")
    if type(app_id) is not str or type(day) is not str or type(applicant) is not dict:
        return None
    siren, name = applicant.get("siren"), applicant.get("name")
    if type(siren) is not str or type(name) is not str or not siren.strip() or not name.strip():
        return None
    if not (_APPLICATION_ID(app_id) if check_id else app_id.strip()):
        return None
    try:
        return Submission(app_id, datetime.date.fromisoformat(day), siren, name)
    except ValueError:
        return None


_APPLICATION_ID = re.compile(APPLICATION_ID_PATTERN).fullmatch

# Runs of white space (written or escaped in JSON text), and a space next to a quote: the
# white space at either end of a string.
_SPACES = re.compile(r"(?:\s|\\[nrt])+")
_SPACE_BY_QUOTE = re.compile(r'" | "')
# Whether a text holds either, as searches for a literal prefix, which SRE runs several times
# faster than ``in`` runs on JSON text (about 3 us of a document's 22).
_ESCAPED_SPACE = re.compile(r"\\[nrt]").search
_SPACE_AFTER_QUOTE = re.compile('" ').search
_QUOTE_AFTER_SPACE = re.compile(' "').search
# json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":")) without building
# an encoder for every document.
_SORTED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def project_fingerprint(document: Mapping[str, Any]) -> str:
    """A digest of what a document says about its project, whoever submits it and when.

    The document without its :data:`SUBMISSION_FIELDS`, NFKC-normalised, case folded, with
    runs of white space collapsed and white space at the ends of strings dropped: two
    submissions of one project under different ids (or ids that only look alike) have the
    same fingerprint.

    Raises:
        TypeError, ValueError: the document is not JSON data.

    >>> a = {"id": "A1", "submitted_on": "2025-03-14", "project": {"title": "Archives IA"}}
    >>> b = {"id": "A2", "submitted_on": "2025-03-20", "project": {"title": "ARCHIVES  IA "}}
    >>> project_fingerprint(a) == project_fingerprint(b)
    True

    .. versionadded:: 0.2
    """
    content = {k: v for k, v in document.items() if k not in SUBMISSION_FIELDS}
    # Normalising the JSON text as a whole (rather than string by string) runs in C: a few
    # microseconds per document, which a call of 40,000 applications notices.
    text = _SORTED_JSON(content)
    text = unicodedata.normalize("NFKC", text).casefold()
    # Without escapes, str.split does the same several times faster: it and ``\s`` agree on
    # what white space is, and the text starts with "{" and ends with "}".
    text = _SPACES.sub(" ", text) if _ESCAPED_SPACE(text) else " ".join(text.split())
    if _SPACE_AFTER_QUOTE(text) or _QUOTE_AFTER_SPACE(text):
        text = _SPACE_BY_QUOTE.sub('"', text)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
