"""The exceptions grantrules raises.

Every exception derives from :class:`GrantRulesError` and from the builtin that matches
its meaning, so that ``except ValueError`` keeps working for callers who do not know
grantrules.  Every class carries a stable machine ``code`` that tools may match on
instead of parsing messages.

>>> from grantrules.errors import GrantRulesError, InvalidMoney
>>> issubclass(InvalidMoney, ValueError) and issubclass(InvalidMoney, GrantRulesError)
True
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "ApplicationInvalid",
    "CallError",
    "EnvelopeExceeded",
    "EvaluationError",
    "ExceptionConflict",
    "GrantRulesError",
    "InvalidArgument",
    "InvalidMoney",
    "JournalError",
    "ParameterError",
    "ParameterNotInForce",
    "Problem",
    "SchemeDefinitionError",
    "SchemeNotFound",
    "TransitionRefused",
    "UnknownParameter",
]


class GrantRulesError(Exception):
    """Base class of every error raised by grantrules."""

    code = "grantrules"


class InvalidArgument(GrantRulesError, TypeError):
    """A public function was called with an argument of the wrong type or value."""

    code = "invalid-argument"


class InvalidMoney(GrantRulesError, ValueError):
    """A value cannot be an amount or a rate (float, NaN, too many decimals...)."""

    code = "invalid-money"


class ParameterError(GrantRulesError, ValueError):
    """A parameter file is malformed; the message names the file, parameter and expectation."""

    code = "parameter-invalid"


class ParameterNotInForce(GrantRulesError, LookupError):
    """A dated parameter has no value on the requested day."""

    code = "parameter-not-in-force"


class UnknownParameter(GrantRulesError, LookupError):
    """A rule refers to a parameter the parameter set does not define."""

    code = "parameter-unknown"


class SchemeNotFound(GrantRulesError, LookupError):
    """No installed scheme has the requested id; the message lists the installed ones."""

    code = "scheme-not-found"


class SchemeDefinitionError(GrantRulesError, ValueError):
    """A scheme is inconsistent: a cycle between amounts, a duplicate id, a static conflict."""

    code = "scheme-invalid"


class EvaluationError(GrantRulesError, ArithmeticError):
    """A rule could not be evaluated on a (valid) application."""

    code = "evaluation-failed"


class ExceptionConflict(EvaluationError):
    """Two labelled exceptions of one rule both apply and disagree."""

    code = "exception-conflict"


@attrs.frozen
class Problem:
    """One thing wrong with an input document, located by a JSON path such as ``$.costs[2]``."""

    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ApplicationInvalid(GrantRulesError, ValueError):
    """An application document is invalid.

    ``problems`` holds *every* problem found, not only the first, each with its JSON path.
    """

    code = "application-invalid"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid application")


class CallError(GrantRulesError, RuntimeError):
    """A command on a call cannot be carried out; nothing was written."""

    code = "call-error"


class TransitionRefused(CallError):
    """An event is not allowed in the application's current status."""

    code = "transition-refused"


class EnvelopeExceeded(CallError):
    """A commitment would take the envelope's remaining amount below zero."""

    code = "envelope-exceeded"


class JournalError(CallError):
    """A call file is corrupted, foreign or of an unsupported schema version."""

    code = "journal-invalid"
