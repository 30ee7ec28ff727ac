"""Evaluate one application against a scheme: a pure, deterministic function.

>>> from grantrules.testing.examples import example_document, example_scheme
>>> evaluate(example_scheme(), example_document())
<Decision example A-1: eligible, award 600.00>

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from grantrules._format import LANGS, check_lang
from grantrules.decision import Decision
from grantrules.errors import InvalidArgument
from grantrules.scheme import Scheme

__all__ = ["evaluate"]


def evaluate(
    scheme: Scheme,
    application: Any,
    on: datetime.date | None = None,
    *,
    lang: str = "fr",
) -> Decision:
    """Decide whether ``application`` is eligible to ``scheme`` and compute its award.

    Args:
        scheme: the scheme, e.g. ``load_scheme("my-scheme")``.
        application: an instance of the scheme's application model, or its JSON document
            (a mapping), which is validated first.
        on: the evaluation date; defaults to the application's submission date.  The scheme
            version in force on that date applies (the first version for earlier dates).
        lang: the language of messages, ``"fr"`` or ``"en"``.

    Returns:
        The :class:`~grantrules.decision.Decision`, with every criterion's outcome and the
        trace of every amount.

    Raises:
        ApplicationInvalid: the JSON document is invalid (every problem, with its path).
        EvaluationError: a rule cannot be evaluated (for instance two exceptions conflict).
        InvalidArgument: ``scheme`` is not a Scheme, ``application`` not of its model, or
            ``on`` or ``lang`` invalid.

    >>> from grantrules.testing.examples import example_document, example_scheme
    >>> scheme, document = example_scheme(), example_document()
    >>> decision = evaluate(scheme, document, lang="en")
    >>> decision.eligible, decision.award
    (True, Euro('600.00'))
    >>> refused = evaluate(scheme, {**document, "costs": []}, lang="en")
    >>> refused.award, [result.message for result in refused.failed]
    (Euro('0.00'), ['No cost.'])

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"expected a Scheme, got {type(scheme).__name__}")
    if lang not in LANGS:
        check_lang(lang)  # raises
    if application.__class__ is dict:  # a document, as json.loads gives it: read it
        application = (_read or _reader())(scheme.application_type, application)
    elif isinstance(application, scheme.application_type):
        pass
    elif isinstance(application, Mapping):
        application = (_read or _reader())(scheme.application_type, application)
    else:
        raise InvalidArgument(
            f"expected a {scheme.application_type.__name__} or its JSON document, "
            f"got {type(application).__name__}"
        )
    if on is None:
        on = application.submitted_on
    elif not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise InvalidArgument(f"on must be a datetime.date, got {on!r}")
    # Per evaluation date: the compiled version in force, its parameters, the provenance
    # stamp (a Day).  The cache lives on the Scheme so that a what-if copy (with_parameters)
    # never shares it.
    day = scheme._by_day.get(on)
    if day is None:
        # The compiler loads on the first evaluation, not with `import grantrules`.
        from grantrules._engine.compiled import compiled

        if len(scheme._by_day) >= _DAYS_CACHED:
            scheme._by_day.clear()
        day = scheme._by_day[on] = compiled(scheme.version_at(on)).day(scheme, on)
    return day.version.decide(scheme, application, on, lang, day)


_read: Callable[[type[Any], Mapping[str, Any]], Any] | None = None


def _reader() -> Callable[[type[Any], Mapping[str, Any]], Any]:
    """The document reader of :mod:`grantrules.serde`, imported on the first document (it
    loads cattrs): kept in a global, since an import statement costs a lookup per call."""
    global _read
    from grantrules.serde import _read_document

    _read = _read_document
    return _read


# Days evaluated on, per scheme, whose compiled version and provenance are kept (about 11
# years of submission dates); beyond that the cache starts again.
_DAYS_CACHED = 4096
