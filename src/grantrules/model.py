"""The generic application model that schemes extend with their own fields.

Every class is a frozen attrs class with keyword-only fields, so that a scheme can subclass
one and add fields, or narrow a field's type (``category: Literal["staff", "other"]``).
Validators here check what is an *input error* (a SIREN failing its Luhn check, a negative
amount); whatever is a matter of eligibility (dates in order, costs in range) is a criterion.

>>> Applicant(name="Ville de Lille", siren="215903501", legal_category="7210",
...           commune_code="59350").siren
'215903501'

The validators of the generic fields (``validate_siren``, ``validate_application_id``,
``validate_not_blank``, ``validate_not_negative``) and ``VALUE_CHECKS`` are shared with the
engine's document reader, the columnar validation of :mod:`grantrules.batch` and
:mod:`grantrules.schema`, which recognise them by identity; they are not part of the public
API (outside ``__all__``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import re
import typing
import unicodedata
from collections.abc import Mapping
from typing import Any

import attrs

from grantrules.money import Euro

__all__ = [
    "APPLICATION_ID_PATTERN",
    "Applicant",
    "Application",
    "CostLine",
    "FinancingLine",
    "Instruction",
    "Project",
    "check_application_id",
    "code_labels",
    "id_key",
    "luhn_valid",
]

#: What an application id looks like: 1 to 80 ASCII letters, digits, ``.``, ``_`` or ``-``,
#: beginning and ending with a letter or a digit (``AMI-IA-2025-0001``).  Ids are compared
#: without regard to case: ``ami-ia-2025-0001`` is the same application.
APPLICATION_ID_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9])?"
_APPLICATION_ID = re.compile(APPLICATION_ID_PATTERN)


def _character(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}{f' {name}' if name else ''}"


def check_application_id(value: object) -> str:
    """Check an application id against :data:`APPLICATION_ID_PATTERN`; return it.

    An id is how people and the call engine tell applications apart, so one that could print
    like another is refused rather than silently rewritten: white space around it, control
    or invisible characters (a zero-width space, an ANSI escape), look-alike punctuation
    (U+2010 for ``-``), letters that NFKC normalisation would change (full-width digits).

    Raises:
        ValueError: naming the first offending character, its position and code point.

    >>> check_application_id("AMI-IA-2025-0001")
    'AMI-IA-2025-0001'
    >>> check_application_id("AMI\u2010IA-2025-0001")
    Traceback (most recent call last):
    ...
    ValueError: an application id uses only ASCII letters, digits, '.', '_' and '-', like ...

    .. versionadded:: 0.2
    """
    if not isinstance(value, str):
        raise ValueError(f"an application id is a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > 80:
        raise ValueError(f"an application id is at most 80 characters, got {len(value)}")
    if _APPLICATION_ID.fullmatch(value):
        return str(value)
    if value != value.strip():
        raise ValueError(f"an application id has no white space around it, got {value!r}")
    for index, char in enumerate(value):
        if _APPLICATION_ID.fullmatch(f"a{char}a"):
            continue
        where = f"character {index} is {_character(char)}"
        if unicodedata.category(char)[0] in "CZ":
            raise ValueError(
                f"an application id contains no control, invisible or space character; {where}"
            )
        normal = unicodedata.normalize("NFKC", value)
        hint = f" (write {normal!r})" if _APPLICATION_ID.fullmatch(normal) else ""
        raise ValueError(
            "an application id uses only ASCII letters, digits, '.', '_' and '-', like "
            f"'AMI-IA-2025-0001'{hint}; {where}"
        )
    raise ValueError(f"an application id begins and ends with a letter or digit, got {value!r}")


def id_key(application_id: str) -> str:
    """The key under which ids are unique: ids differing only in case are the same.

    >>> id_key("ami-ia-2025-0001") == id_key("AMI-IA-2025-0001")
    True

    .. versionadded:: 0.2
    """
    return application_id.casefold()


def code_labels(codes: Any, labels: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """French and English labels of the values of a ``Literal`` field, keyed for a scheme
    version's ``labels`` (``"code:staff"``), so that rules, messages and the règlement show
    « dépenses de personnel » instead of ``staff``.

    Raises:
        InvalidArgument: ``codes`` is not a ``Literal`` of strings, a label names no value of
            it, or lacks French or English.

    >>> Category = typing.Literal["staff", "equipment"]
    >>> code_labels(Category, {"staff": {"fr": "personnel", "en": "staff costs"}})
    {'code:staff': {'fr': 'personnel', 'en': 'staff costs'}}

    .. versionadded:: 0.2
    """
    from grantrules.errors import InvalidArgument

    values = typing.get_args(codes) if typing.get_origin(codes) is typing.Literal else ()
    if not values or not all(isinstance(v, str) for v in values):
        raise InvalidArgument(f"expected a Literal of strings, got {codes!r}")
    found: dict[str, dict[str, str]] = {}
    for code, texts in labels.items():
        if code not in values:
            raise InvalidArgument(f"{code!r} is not one of the values {list(values)}")
        if not all(isinstance(texts.get(lang), str) and texts[lang] for lang in ("fr", "en")):
            raise InvalidArgument(f"the label of {code!r} needs French and English, got {texts!r}")
        found[f"code:{code}"] = {"fr": texts["fr"], "en": texts["en"]}
    return found


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (all decimal digits) pass the Luhn check used by SIREN and SIRET.

    >>> luhn_valid("215903501"), luhn_valid("215903502")
    (True, False)

    .. versionadded:: 0.1
    """
    if digits.isascii() and digits.isdigit():
        # Every document's SIREN goes through here: byte sums run in C, several times faster
        # than a loop.  From the right, digits count once, and every second one doubled with
        # its digits added (a translation table: 5 -> 10 -> 1); 48 is ord("0").
        data = digits.encode("ascii")
        single, doubled = data[::-2], data[-2::-2].translate(_DOUBLED)
        return (sum(single) + sum(doubled) - 48 * len(data)) % 10 == 0
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


#: Validators of this module that read nothing but the value (a string): whether they accept a
#: value never changes, so the generated document reader (grantrules._engine.reader) remembers the
#: values they accepted and skips them next time (the SIREN's Luhn check, say).
VALUE_CHECKS: set[Any] = set()


def validate_siren(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not (len(value) == 9 and value.isascii() and value.isdigit()):
        raise ValueError(f"a SIREN is 9 digits, got {value!r}")
    if value == "000000000":
        # It passes the Luhn check, but INSEE never allocates it.
        raise ValueError("SIREN '000000000' is not a real SIREN")
    if not luhn_valid(value):
        raise ValueError(f"SIREN {value!r} fails the Luhn check (a digit is probably mistyped)")


def _pattern(regex: str, what: str) -> Any:
    compiled = re.compile(regex)

    def check(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
        if not compiled.fullmatch(value):
            raise ValueError(f"expected {what}, got {value!r}")

    VALUE_CHECKS.add(check)
    return check


def validate_application_id(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    check_application_id(value)


VALUE_CHECKS.update((validate_siren, validate_application_id))


def validate_not_blank(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValueError("must not be empty")


def validate_not_negative(_: Any, attribute: attrs.Attribute[Euro], value: Euro) -> None:
    if value < Euro.ZERO:
        raise ValueError(f"must not be negative, got {value}")


@attrs.frozen(kw_only=True)
class Applicant:
    """Who applies: a legal person identified by its SIREN.

    The SIREN must be 9 digits passing the Luhn check, ``legal_category`` an INSEE legal
    category of 4 digits (``7210`` for a commune) and ``commune_code`` an INSEE commune code.

    >>> lille = Applicant(name="Ville de Lille", siren="215903501", legal_category="7210",
    ...                   commune_code="59350")
    >>> lille.legal_category
    '7210'
    >>> try:
    ...     attrs.evolve(lille, siren="215903502")
    ... except ValueError as error:
    ...     print(error)
    SIREN '215903502' fails the Luhn check (a digit is probably mistyped)

    .. versionadded:: 0.1
    """

    name: str = attrs.field(validator=validate_not_blank)
    siren: str = attrs.field(validator=validate_siren)
    legal_category: str = attrs.field(
        validator=_pattern(r"\d{4}", "an INSEE legal category of 4 digits like '7210'")
    )
    commune_code: str = attrs.field(
        validator=_pattern(r"(\d{2}|2A|2B)\d{3}", "an INSEE commune code like '59350'")
    )


@attrs.frozen(kw_only=True)
class Project:
    """What is funded, and when it runs.

    Whether the dates are in order, or the project short enough, is a criterion of the scheme.

    >>> project = Project(title="Assistant de rédaction des délibérations",
    ...                   start_date=datetime.date(2025, 6, 1),
    ...                   end_date=datetime.date(2026, 5, 31))
    >>> (project.end_date - project.start_date).days
    364

    .. versionadded:: 0.1
    """

    title: str = attrs.field(validator=validate_not_blank)
    description: str = ""
    start_date: datetime.date
    end_date: datetime.date
    tags: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class CostLine:
    """One line of the budget; amounts exclude VAT, which is given apart.

    ``category`` is free text here; schemes narrow it (``Literal["staff", ...]``) or check it
    against a code list parameter.  Amounts cannot be negative.

    >>> server = CostLine(category="equipment", label="Serveur d'inférence",
    ...                   amount_excl_vat=Euro("40000.00"), vat=Euro("8000.00"),
    ...                   vat_recoverable=True)
    >>> server.amount_excl_vat + server.vat
    Euro('48000.00')

    .. versionadded:: 0.1
    """

    category: str
    label: str = attrs.field(validator=validate_not_blank)
    amount_excl_vat: Euro = attrs.field(validator=validate_not_negative)
    vat: Euro = attrs.field(default=Euro.ZERO, validator=validate_not_negative)
    vat_recoverable: bool = False


@attrs.frozen(kw_only=True)
class FinancingLine:
    """One resource of the financing plan.

    >>> FinancingLine(source="feder", amount=Euro("60000.00"))
    FinancingLine(source='feder', amount=Euro('60000.00'), funder=None)

    .. versionadded:: 0.1
    """

    source: str
    amount: Euro = attrs.field(validator=validate_not_negative)
    funder: str | None = None


@attrs.frozen(kw_only=True)
class Application:
    """An application to a scheme: applicant, project, budget and financing plan.

    Schemes subclass it (and the classes it holds) to add their own fields; read one from
    its JSON document with :func:`grantrules.serde.structure_application`.

    >>> application = Application(
    ...     id="AMI-IA-2025-0001",
    ...     submitted_on=datetime.date(2025, 3, 14),
    ...     applicant=Applicant(name="Ville de Lille", siren="215903501",
    ...                         legal_category="7210", commune_code="59350"),
    ...     project=Project(title="Assistant de rédaction des délibérations",
    ...                     start_date=datetime.date(2025, 6, 1),
    ...                     end_date=datetime.date(2026, 5, 31)),
    ...     costs=(CostLine(category="staff", label="Cheffe de projet 0,5 ETP",
    ...                     amount_excl_vat=Euro("30000.00")),
    ...            CostLine(category="equipment", label="Serveur d'inférence",
    ...                     amount_excl_vat=Euro("40000.00"))),
    ... )
    >>> Euro.sum(line.amount_excl_vat for line in application.costs)
    Euro('70000.00')

    .. versionadded:: 0.1
    """

    id: str = attrs.field(validator=validate_application_id)
    submitted_on: datetime.date
    applicant: Applicant
    project: Project
    costs: tuple[CostLine, ...] = ()
    financing: tuple[FinancingLine, ...] = ()


@attrs.frozen(kw_only=True)
class Instruction:
    """What the instructing authority decides or finds, not the applicant: the ``instruction``
    section of an application document.

    A scheme subclasses it with one optional field per instructor input (a rate chosen up to
    a cap, a derogation granted, a committee score), each ``None`` until the authority
    supplies it, and adds it to its application model as
    ``instruction: MyInstruction = attrs.field(factory=MyInstruction)``.  Rules read these
    inputs with :func:`grantrules.expressions.instruction`; while one is ``None`` the decision
    has a blocking criterion ``instruction.<name>`` whose outcome is ``missing``, never a
    silent default.  The call engine supplies them as an ``instructed`` event.

    >>> from grantrules.money import Rate
    >>> @attrs.frozen(kw_only=True)
    ... class Committee(Instruction):
    ...     granted_rate: Rate | None = None
    >>> Committee().granted_rate is None, Committee(granted_rate=Rate("40%")).granted_rate
    (True, Rate('0.4'))

    .. versionadded:: 0.2
    """
