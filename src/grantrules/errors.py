"""The exceptions grantrules raises.

Every exception derives from :class:`GrantRulesError` and from the builtin that matches
its meaning, so that ``except ValueError`` keeps working for callers who do not know
grantrules.  Every class carries a stable machine ``code`` that tools may match on
instead of parsing messages.

>>> from grantrules.errors import GrantRulesError, InvalidMoney
>>> issubclass(InvalidMoney, ValueError) and issubclass(InvalidMoney, GrantRulesError)
True

.. versionadded:: 0.1
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
    """Base class of every error raised by grantrules.

    Catch it to handle any grantrules failure; ``code`` tells them apart without parsing the
    message.

    >>> from grantrules.money import Euro
    >>> try:
    ...     Euro(1200.5)
    ... except GrantRulesError as error:
    ...     print(error.code)
    invalid-money

    .. versionadded:: 0.1
    """

    code = "grantrules"


class InvalidArgument(GrantRulesError, TypeError):
    """A public function was called with an argument of the wrong type or value.

    Also a :class:`TypeError`; the message names the argument, what was expected and what came.

    >>> from grantrules.basis import Basis
    >>> try:
    ...     Basis("Règlement", reliability="sure")
    ... except TypeError as error:
    ...     print(error.code)
    invalid-argument

    .. versionadded:: 0.1
    """

    code = "invalid-argument"


class InvalidMoney(GrantRulesError, ValueError):
    """A value cannot be an amount or a rate (float, NaN, too many decimals...).

    >>> from grantrules.money import Rate
    >>> try:
    ...     Rate("150%")
    ... except InvalidMoney as error:
    ...     print(error.code, "-", str(error).split(":")[0])
    invalid-money - expected a rate between 0 and 1 (0% to 100%), got '150%'

    .. versionadded:: 0.1
    """

    code = "invalid-money"


class ParameterError(GrantRulesError, ValueError):
    """A parameter file is malformed; the message names the file, parameter and expectation.

    >>> from grantrules.parameters import parse_parameters
    >>> try:
    ...     parse_parameters('plafond = { unit = "EUR" }', source="aides.toml")
    ... except ParameterError as error:
    ...     print(error)
    aides.toml: plafond: missing key(s) 'values': expected a table [plafond] with a unit and values

    .. versionadded:: 0.1
    """

    code = "parameter-invalid"


class ParameterNotInForce(GrantRulesError, LookupError):
    """A dated parameter has no value on the requested day.

    >>> from datetime import date
    >>> from grantrules.testing.examples import example_parameters
    >>> try:
    ...     example_parameters()["feder_rate"].at(date(2024, 1, 1))
    ... except ParameterNotInForce as error:
    ...     print(error)
    parameter 'feder_rate' is not in force on 2024-01-01: its first value starts on 2024-11-01

    .. versionadded:: 0.1
    """

    code = "parameter-not-in-force"


class UnknownParameter(GrantRulesError, LookupError):
    """A rule refers to a parameter the parameter set does not define.

    Also a :class:`LookupError`; the message suggests the closest known name.

    >>> from grantrules.testing.examples import example_parameters
    >>> try:
    ...     example_parameters()["feder_rat"]
    ... except LookupError as error:
    ...     print(error)
    unknown parameter 'feder_rat' (did you mean 'feder_rate'?); known parameters: feder_rate

    .. versionadded:: 0.1
    """

    code = "parameter-unknown"


class SchemeNotFound(GrantRulesError, LookupError):
    """No installed scheme has the requested id; the message lists the installed ones.

    >>> from grantrules.registry import load_scheme
    >>> try:
    ...     load_scheme("ami-ia-idf")
    ... except SchemeNotFound as error:
    ...     print(error.code)
    scheme-not-found

    .. versionadded:: 0.1
    """

    code = "scheme-not-found"


class SchemeDefinitionError(GrantRulesError, ValueError):
    """A scheme is inconsistent: a cycle between amounts, a duplicate id, a static conflict.

    Raised when the scheme is built or loaded, before any application is evaluated.

    >>> from grantrules.amounts import Amount, order_amounts
    >>> from grantrules.basis import Basis
    >>> from grantrules.money import Euro
    >>> basis = Basis("Règlement d'intervention", "art. 5")
    >>> try:
    ...     order_amounts([Amount("award", Euro("5000.00"), basis=basis),
    ...                    Amount("award", Euro("8000.00"), basis=basis)])
    ... except SchemeDefinitionError as error:
    ...     print(error)
    two amounts have the id 'award'

    .. versionadded:: 0.1
    """

    code = "scheme-invalid"


class EvaluationError(GrantRulesError, ArithmeticError):
    """A rule could not be evaluated on a (valid) application.

    >>> from datetime import date
    >>> from types import SimpleNamespace
    >>> from grantrules.expressions import param
    >>> try:
    ...     param("feder_rate").evaluate(SimpleNamespace(submitted_on=date(2025, 3, 14)))
    ... except EvaluationError as error:
    ...     print(error)
    parameter 'feder_rate' has no value in force on 2025-03-14

    .. versionadded:: 0.1
    """

    code = "evaluation-failed"


class ExceptionConflict(EvaluationError):
    """Two labelled exceptions of one rule both apply and disagree.

    An :class:`EvaluationError`: it depends on the application, so the scheme cannot refuse
    the two exceptions when it loads (see :class:`~grantrules.rules.Override`).

    >>> issubclass(ExceptionConflict, EvaluationError), ExceptionConflict.code
    (True, 'exception-conflict')

    .. versionadded:: 0.1
    """

    code = "exception-conflict"


@attrs.frozen
class Problem:
    """One thing wrong with an input document, located by a JSON path such as ``$.costs[2]``.

    >>> print(Problem("$.costs[2].amount_excl_vat", "must not be negative, got -5.00"))
    $.costs[2].amount_excl_vat: must not be negative, got -5.00

    .. versionadded:: 0.1
    """

    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ApplicationInvalid(GrantRulesError, ValueError):
    """An application document is invalid.

    ``problems`` holds *every* problem found, not only the first, each with its JSON path.

    >>> error = ApplicationInvalid([Problem("$.applicant.siren", "required field missing")])
    >>> print(error)
    $.applicant.siren: required field missing
    >>> isinstance(error, ValueError), error.problems[0].path
    (True, '$.applicant.siren')

    .. versionadded:: 0.1
    """

    code = "application-invalid"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid application")


class CallError(GrantRulesError, RuntimeError):
    """A command on a call cannot be carried out; nothing was written.

    The base of the call engine's errors (:mod:`grantrules.call`); also a :class:`RuntimeError`.

    >>> [cls.code for cls in (TransitionRefused, EnvelopeExceeded, JournalError)
    ...  if issubclass(cls, CallError)]
    ['transition-refused', 'envelope-exceeded', 'journal-invalid']

    .. versionadded:: 0.1
    """

    code = "call-error"


class TransitionRefused(CallError):
    """An event is not allowed in the application's current status.

    >>> try:
    ...     raise TransitionRefused("application A-1 is closed: it cannot be paid")
    ... except CallError as error:
    ...     print(error.code)
    transition-refused

    .. versionadded:: 0.1
    """

    code = "transition-refused"


class EnvelopeExceeded(CallError):
    """A commitment would take the envelope's remaining amount below zero.

    >>> issubclass(EnvelopeExceeded, CallError), EnvelopeExceeded.code
    (True, 'envelope-exceeded')

    .. versionadded:: 0.1
    """

    code = "envelope-exceeded"


class JournalError(CallError):
    """A call file is corrupted, foreign or of an unsupported schema version.

    >>> issubclass(JournalError, CallError), JournalError.code
    (True, 'journal-invalid')

    .. versionadded:: 0.1
    """

    code = "journal-invalid"


class CallFileError(CallError):
    """The call file cannot be written now; nothing was written and the file is unchanged.

    Raised when another command holds the file's write lock for too long (``database is
    locked``), when the file or its folder is read-only, or when the disk is full.  The
    message names the file and the cause; the command can be run again once it is fixed.

    >>> issubclass(CallFileError, CallError), CallFileError.code
    (True, 'call-file-unwritable')

    .. versionadded:: 0.2
    """

    code = "call-file-unwritable"
