"""Exact money: :class:`Euro` amounts, :class:`Rate` fractions and named :class:`Rounding`.

An amount is a :class:`~decimal.Decimal` quantised to the cent and never a float: floats cannot
hold most cents exactly, so every constructor rejects them and says how to write the value
instead.  Multiplying an amount by anything but a whole number needs a rounding, so that rounding
is always named (``DOWN`` for aid amounts unless the call's text says otherwise).

>>> from grantrules.money import Euro, Rate, DOWN
>>> Rate("60%").apply(Euro("150000.00"), rounding=DOWN)
Euro('90000.00')

Shared with the engine (:mod:`grantrules._engine`) and the expression nodes, and not part of
the public API (outside ``__all__``): the exact context ``EXACT``, the quantum ``CENT``,
``round_decimal``, ``set_cents``, ``check_rounding_rule`` and ``currency_pattern``.

.. versionadded:: 0.1
"""

from __future__ import annotations

import decimal
import enum
import functools
import numbers
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, ClassVar, NoReturn, Self

# Babel (about a fifth of `import grantrules`) loads when an amount is parsed or a rate
# formatted, not with the library: Euro.format applies its patterns by hand.
from grantrules.errors import InvalidArgument, InvalidMoney

__all__ = ["DOWN", "HALF_EVEN", "HALF_UP", "UP", "Euro", "Rate", "Rounding", "RoundingRule"]

_LOCALES = {"fr": "fr_FR", "en": "en"}

#: Money arithmetic must not depend on whatever precision or traps the caller's decimal context
#: holds: with an unbounded precision every sum and product of amounts is exact, and only
#: ``quantize`` (with its explicit rounding) ever discards digits.  The engine's generated code
#: computes in it too.
EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
#: What amounts are quantised to (``Decimal.quantize(CENT, mode, EXACT)`` in generated code).
CENT = Decimal("0.01")
# Inputs beyond a quadrillion euros are certainly a unit mistake, and refusing them keeps a
# hostile Decimal("1E+999999999") from making ``quantize`` allocate a billion digits.
_MAX_INTEGER_DIGITS = 16
_AMOUNT_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]{1,2})?")
_RATE_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)[ \u00a0\u202f]?%")
_RATE_FRACTION = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# (group separator, decimal mark, template) of CLDR's EUR patterns for fr_FR and en.
_CURRENCY_PATTERNS = {
    "fr": ("\u202f", ",", "{}\u00a0€"),
    "en": (",", ".", "€{}"),
}
_SPACES = (" ", "\u00a0", "\u202f")


# The same patterns as Euro.format applies them: (group mark, decimal mark, prefix, suffix),
# the marks None where they are Decimal's own "," and ".".
def _currency_format(
    group: str, mark: str, template: str
) -> tuple[str | None, str | None, str, str]:
    # Euro.format replaces "," before "." (two str.replace cost half of one str.translate
    # with a table): a group mark holding "." would be replaced again.
    assert "." not in group, group
    prefix, suffix = template.split("{}")
    return (None if group == "," else group), (None if mark == "." else mark), prefix, suffix


_CURRENCY_FORMATS = {
    lang: _currency_format(*pattern) for lang, pattern in _CURRENCY_PATTERNS.items()
}


def currency_pattern(lang: str) -> tuple[str | None, str | None, str, str]:
    """How :meth:`Euro.format` writes an amount in ``lang``: (group mark, decimal mark,
    prefix, suffix), a mark ``None`` where it is Decimal's own ``","`` or ``"."``.  The
    engine's generated text writers apply it inline (a property test holds them equal).

    >>> currency_pattern("fr")
    ('\u202f', ',', '', '\xa0€')
    """
    return _CURRENCY_FORMATS[_check_lang(lang)]


def _check_lang(lang: object) -> str:
    if not isinstance(lang, str) or lang not in _LOCALES:
        raise InvalidArgument(
            f"unknown language {lang!r}: expected one of {', '.join(map(repr, _LOCALES))}"
        )
    return lang


def _babel_locale(lang: str) -> str:
    """Map a grantrules language code ("fr" or "en") to the Babel locale used for rendering."""
    return _LOCALES[_check_lang(lang)]


def _describe(value: object) -> str:
    """Name a value and its type for an error message, e.g. ``the float 30000.0``."""
    return f"the {type(value).__name__} {value!r}"


class Rounding(enum.Enum):
    """How an exact product is brought back to the cent.

    Each value is the matching :mod:`decimal` constant.  ``DOWN`` truncates towards zero,
    which for the (non-negative) aid amounts means never awarding more than the exact figure.

    >>> Rounding.HALF_UP.label("en")
    'rounded half up to the cent'
    >>> [Euro("0.05").scale(Decimal("0.5"), rounding) for rounding in (DOWN, HALF_EVEN, UP)]
    [Euro('0.02'), Euro('0.02'), Euro('0.03')]

    .. versionadded:: 0.1
    """

    DOWN = decimal.ROUND_DOWN
    HALF_UP = decimal.ROUND_HALF_UP
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    UP = decimal.ROUND_UP

    def label(self, lang: str = "fr") -> str:
        """Return the short wording used when rendering a rule, in ``lang`` ("fr" or "en").

        >>> DOWN.label("fr")
        'arrondi au centime inférieur'
        """
        return _ROUNDING_LABELS[_check_lang(lang)][self]

    @property
    def mode(self) -> Rounding:
        """The rounding mode: the member itself (a :class:`RoundingRule` has one too)."""
        return self

    @property
    def quantum(self) -> Euro:
        """What the result is a multiple of: one cent for the bare modes.

        >>> DOWN.quantum, DOWN.to_euro().quantum
        (Euro('0.01'), Euro('1.00'))
        """
        return _CENT_EURO

    def to(self, quantum: Euro | int | str) -> Rounding | RoundingRule:
        """This mode rounding to a multiple of ``quantum`` (a positive whole number of cents).

        One cent gives the bare mode back, so that ``DOWN.to("0.01") is DOWN``.

        Raises:
            InvalidArgument: ``quantum`` is not a positive amount.

        >>> DOWN.to(10).label("fr"), DOWN.to("0.05").label("en")
        ('arrondi au multiple de 10,00\xa0€ inférieur', 'rounded down to a multiple of €0.05')

        .. versionadded:: 0.2
        """
        step = quantum if isinstance(quantum, Euro) else Euro(quantum)
        if step <= Euro.ZERO:
            raise InvalidArgument(
                f"a rounding quantum must be a positive amount such as Euro('1.00'), got {step!r}"
            )
        return self if step._d == CENT else RoundingRule(self, step)

    def to_euro(self) -> RoundingRule:
        """This mode rounding to the whole euro: ``DOWN.to_euro()`` for "à l'euro inférieur".

        >>> Rate("60%").apply(Euro("1234.56"), DOWN.to_euro())
        Euro('740.00')
        >>> DOWN.to_euro().label("fr"), DOWN.to_euro().label("en")
        ("arrondi à l'euro inférieur", 'rounded down to the euro')

        .. versionadded:: 0.2
        """
        return RoundingRule(self, _ONE_EURO)

    def round(self, amount: Decimal) -> Decimal:
        """``amount`` (any exact Decimal) brought to the cent with this mode."""
        return _cents(amount, self)


_ROUNDING_LABELS = {
    "fr": {
        Rounding.DOWN: "arrondi au centime inférieur",
        Rounding.HALF_UP: "arrondi au centime le plus proche",
        Rounding.HALF_EVEN: "arrondi au centime le plus proche (au pair)",
        Rounding.UP: "arrondi au centime supérieur",
    },
    "en": {
        Rounding.DOWN: "rounded down to the cent",
        Rounding.HALF_UP: "rounded half up to the cent",
        Rounding.HALF_EVEN: "rounded half to even to the cent",
        Rounding.UP: "rounded up to the cent",
    },
}

# Enum attribute access is slow on hot paths; quantize reads the mode from here.
_MODES = {rounding: rounding.value for rounding in Rounding}

# How a rounding to a multiple other than the cent reads: the euro has its own words, other
# steps name the multiple ("au multiple de 10,00 € inférieur").
_QUANTUM_LABELS = {
    "fr": {
        Rounding.DOWN: "arrondi {unit} inférieur",
        Rounding.HALF_UP: "arrondi {unit} le plus proche",
        Rounding.HALF_EVEN: "arrondi {unit} le plus proche (au pair)",
        Rounding.UP: "arrondi {unit} supérieur",
    },
    "en": {
        Rounding.DOWN: "rounded down to {unit}",
        Rounding.HALF_UP: "rounded half up to {unit}",
        Rounding.HALF_EVEN: "rounded half to even to {unit}",
        Rounding.UP: "rounded up to {unit}",
    },
}


class RoundingRule:
    """A rounding mode and the step it rounds to: the euro, or any positive multiple of a cent.

    Built from a mode with :meth:`Rounding.to_euro` or :meth:`Rounding.to`; it is accepted
    wherever a :class:`Rounding` is (``Rate.apply``, ``Expr.of``, ``Amount(rounding=...)``),
    and renders its step in both languages.

    >>> to_ten = HALF_UP.to(10)
    >>> Euro("1234.99").scale(Decimal("1"), to_ten), to_ten.mode is HALF_UP
    (Euro('1230.00'), True)
    >>> to_ten == HALF_UP.to("10.00"), DOWN.to_euro() == UP.to_euro()
    (True, False)

    .. versionadded:: 0.2
    """

    __slots__ = ("mode", "quantum")
    mode: Rounding
    quantum: Euro

    def __init__(self, mode: Rounding, quantum: Euro) -> None:
        if not isinstance(mode, Rounding):
            raise InvalidArgument(f"expected a Rounding mode such as DOWN, got {_describe(mode)}")
        if not isinstance(quantum, Euro) or quantum <= Euro.ZERO:
            raise InvalidArgument(
                f"a rounding quantum must be a positive Euro such as Euro('1.00'), got {quantum!r}"
            )
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "quantum", quantum)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"RoundingRule is immutable: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RoundingRule):
            return self.mode is other.mode and self.quantum == other.quantum
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.mode, self.quantum))

    def __reduce__(self) -> tuple[type[RoundingRule], tuple[Rounding, Euro]]:
        return (RoundingRule, (self.mode, self.quantum))

    def __repr__(self) -> str:
        if self.quantum._d == _ONE_EURO._d:
            return f"{self.mode.name}.to_euro()"
        return f"{self.mode.name}.to({str(self.quantum)!r})"

    @property
    def name(self) -> str:
        """The mode's name and the step, e.g. ``DOWN to 1.00`` (for messages)."""
        return f"{self.mode.name} to {self.quantum}"

    def label(self, lang: str = "fr") -> str:
        """The wording used when rendering a rule ("arrondi à l'euro inférieur").

        >>> UP.to("100").label("fr")
        'arrondi au multiple de 100,00\xa0€ supérieur'
        """
        lang = _check_lang(lang)
        if self.quantum._d == _ONE_EURO._d:
            unit = "à l'euro" if lang == "fr" else "the euro"
        else:
            step = self.quantum.format(lang)
            unit = f"au multiple de {step}" if lang == "fr" else f"a multiple of {step}"
        return _QUANTUM_LABELS[lang][self.mode].format(unit=unit)

    def round(self, amount: Decimal) -> Decimal:
        """``amount`` (any exact Decimal) brought to a multiple of the quantum with the mode.

        >>> DOWN.to_euro().round(Decimal("-12.5")), HALF_EVEN.to("0.05").round(Decimal("0.125"))
        (Decimal('-12.00'), Decimal('0.10'))
        """
        return _to_multiple(amount, self.quantum._d, self.mode)


def _to_multiple(amount: Decimal, step: Decimal, mode: Rounding) -> Decimal:
    """``amount`` rounded to a multiple of ``step`` exactly, however the division falls.

    A whole quotient and an exact remainder decide; dividing in decimal could need endless
    digits (a step of 0.03).
    """
    quotient = EXACT.divide_int(amount, step)
    remainder = EXACT.subtract(amount, EXACT.multiply(quotient, step))
    if remainder:
        twice = EXACT.multiply(EXACT.abs(remainder), 2)
        if mode is Rounding.DOWN:
            away = False
        elif mode is Rounding.UP:
            away = True
        elif mode is Rounding.HALF_UP:
            away = twice >= step
        else:  # HALF_EVEN: a tie goes to the even multiple
            away = twice > step or (twice == step and EXACT.remainder(quotient, 2) != 0)
        if away:
            quotient += 1 if amount > 0 else -1
    return _cents(EXACT.multiply(quotient, step))


def check_rounding_rule(rounding: object) -> Rounding | RoundingRule:
    """``rounding`` if it is a :class:`Rounding` or a :class:`RoundingRule`, else
    :class:`~grantrules.errors.InvalidArgument` saying how to name one (for the arguments of
    ``Euro.scale``, ``Amount`` and the expression builders)."""
    if isinstance(rounding, RoundingRule):
        return rounding
    return _check_rounding(rounding)


def round_decimal(amount: Decimal, rounding: Rounding | RoundingRule) -> Decimal:
    """``amount`` rounded as ``rounding`` says: to the cent, or to its quantum (what the
    engine's generated code calls for a rounding, with no Euro built)."""
    if rounding.__class__ is RoundingRule:
        return rounding.round(amount)
    return _cents(amount, rounding)  # type: ignore[arg-type]


#: Truncate towards zero: an aid amount is then never more than the exact figure.  The
#: default of :meth:`Rate.apply` and of rate applications in rules.
DOWN = Rounding.DOWN
#: Round to the nearest cent, a half cent away from zero (``0.005`` becomes ``0.01``).
HALF_UP = Rounding.HALF_UP
#: Round to the nearest cent, a half cent to the even cent (``0.005`` becomes ``0.00``).
HALF_EVEN = Rounding.HALF_EVEN
#: Round away from zero, to the next cent (``0.001`` becomes ``0.01``).
UP = Rounding.UP


def _check_rounding(rounding: object) -> Rounding:
    if not isinstance(rounding, Rounding):
        raise InvalidArgument(
            f"expected a Rounding such as DOWN or HALF_UP, got {_describe(rounding)}; "
            "import them with `from grantrules.money import DOWN, HALF_UP, HALF_EVEN, UP` "
            "(and round to the euro with DOWN.to_euro())"
        )
    return rounding


def _check_size(value: Decimal) -> Decimal:
    if value and value.adjusted() >= _MAX_INTEGER_DIGITS:
        raise InvalidMoney(
            f"expected an amount below 10**{_MAX_INTEGER_DIGITS} euros, got {value!r}: "
            "check the unit and the number of digits"
        )
    return value


def _cents(amount: Decimal, rounding: Rounding = Rounding.HALF_EVEN) -> Decimal:
    amount = amount.quantize(CENT, rounding=_MODES[rounding], context=EXACT)
    # Normalise -0.00 to 0.00 so that str() and format() never show a negative zero.
    return amount if amount else abs(amount)


def _amount_from(value: object) -> Decimal:
    """Validate any accepted input and return the exact Decimal it stands for."""
    expected = 'expected an amount as a string like "1200.00", an int or a Decimal'
    if isinstance(value, float):
        raise InvalidMoney(
            f"{expected}, got {_describe(value)}: floats cannot hold cents exactly, "
            f'write the amount as a string instead, e.g. Euro("{value:.2f}")'
        )
    if isinstance(value, str):
        if not _AMOUNT_TEXT.fullmatch(value):
            raise InvalidMoney(
                f"{expected}, got the string {value!r}: write digits with an optional leading "
                '"-" and at most 2 decimals after a "." (use Euro.parse for "1 200,00 €")'
            )
        return _check_size(Decimal(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return _check_size(Decimal(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidMoney(f"expected a finite amount, got {value!r}")
        _check_size(value)
        if value.quantize(CENT, rounding=decimal.ROUND_DOWN, context=EXACT) != value:
            raise InvalidMoney(
                f"expected at most 2 decimals (whole cents), got {value!r}: round it first, "
                "e.g. Euro(Decimal(...).quantize(Decimal('0.01'), ROUND_DOWN)), "
                "or use Euro.scale with a named rounding"
            )
        return value
    raise InvalidMoney(f"{expected}, got {_describe(value)}")


class _Exact:
    """Immutable holder of one Decimal, comparable only with values of its own class."""

    __slots__ = ("_d",)
    #: The Decimal.  Outside this module only the engine's generated code reads it (through
    #: grantrules._engine.runtime and the source _codegen writes: an attribute load is the cheapest
    #: way to the Decimal of an amount in a hot loop), and writes it with set_cents below.
    _d: Decimal

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(
            f"{type(self).__name__} is immutable: cannot set {name!r}, build a new value instead"
        )

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[_Exact], tuple[str]]:
        return (type(self), (format(self._d, "f"),))

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._d == other._d
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self), self._d))

    def __lt__(self, other: Self) -> bool:
        if type(other) is type(self):
            return self._d < other._d
        return NotImplemented

    def __le__(self, other: Self) -> bool:
        if type(other) is type(self):
            return self._d <= other._d
        return NotImplemented

    def __gt__(self, other: Self) -> bool:
        if type(other) is type(self):
            return self._d > other._d
        return NotImplemented

    def __ge__(self, other: Self) -> bool:
        if type(other) is type(self):
            return self._d >= other._d
        return NotImplemented


_new_object = object.__new__
#: ``set_cents(euro, amount)`` stores the Decimal of a Euro built with ``object.__new__``,
#: skipping every check: for the engine's generated code only (document readers, version
#: functions), with a Decimal already exact in cents and within bounds.  Setting the slot
#: through its descriptor costs a third of ``Euro._exact``'s call.
set_cents: Callable[[Any, Decimal], None] = _Exact.__dict__["_d"].__set__


class Euro(_Exact):
    """An exact amount of euros, always quantised to the cent.

    Accepts a strict string (``"150000.00"``, ``"12"``, ``"-12.5"``), an int, a finite
    Decimal with at most 2 decimals, or another Euro.  Floats and booleans are refused.

    >>> Euro("150000") + Euro("0.5")
    Euro('150000.50')
    >>> Euro("150000.00").format("fr")
    '150\\u202f000,00\\xa0€'

    .. versionadded:: 0.1
    """

    __slots__ = ()
    ZERO: ClassVar[Euro]

    def __init__(self, value: Euro | Decimal | int | str) -> None:
        amount = value._d if isinstance(value, Euro) else _cents(_amount_from(value))
        object.__setattr__(self, "_d", amount)

    @classmethod
    def _of(cls, amount: Decimal, rounding: Rounding | RoundingRule = Rounding.HALF_EVEN) -> Euro:
        """Build from an internal Decimal, skipping input validation."""
        result = object.__new__(cls)
        object.__setattr__(result, "_d", round_decimal(amount, rounding))
        return result

    @classmethod
    def _exact(cls, amount: Decimal) -> Euro:
        """Wrap a Decimal already in cents, such as a sum or difference of amounts."""
        result = _new_object(cls)
        set_cents(result, amount)
        return result

    @property
    def amount(self) -> Decimal:
        """The amount as a Decimal with exactly two decimals.

        >>> Euro(12).amount
        Decimal('12.00')
        """
        return self._d

    @classmethod
    def sum(cls, amounts: Iterable[Euro]) -> Euro:
        """Add up ``amounts`` exactly; the sum of nothing is ``Euro.ZERO``.

        >>> Euro.sum([Euro("0.10"), Euro("0.20")])
        Euro('0.30')
        """
        total = Decimal(0)
        for amount in amounts:
            if not isinstance(amount, Euro):
                _refuse("add", amount)
            total = EXACT.add(total, amount._d)
        return cls._of(total) if not total else cls._exact(total)

    def times(self, n: int) -> Euro:
        """Multiply by a whole number, exactly.

        >>> Euro("19.99").times(3)
        Euro('59.97')
        """
        if not isinstance(n, int) or isinstance(n, bool):
            raise InvalidArgument(
                f"Euro.times expects an int, got {_describe(n)}; "
                "for a fraction use Rate.apply(amount, rounding=...) or Euro.scale"
            )
        return Euro._of(EXACT.multiply(self._d, Decimal(n)))

    def scale(self, factor: Decimal, rounding: Rounding | RoundingRule) -> Euro:
        """Multiply by an exact Decimal ``factor`` and round with ``rounding`` (to the cent, or
        to the rounding's quantum).

        >>> Euro("100.00").scale(Decimal("0.333"), rounding=DOWN)
        Euro('33.30')
        """
        if isinstance(factor, int) and not isinstance(factor, bool):
            factor = Decimal(factor)
        if not isinstance(factor, Decimal) or not factor.is_finite():
            raise InvalidArgument(
                f"Euro.scale expects a finite Decimal factor, got {_describe(factor)}; "
                'write it as Decimal("0.6")'
            )
        return Euro._of(EXACT.multiply(self._d, factor), check_rounding_rule(rounding))

    def rounded(self, rounding: Rounding | RoundingRule) -> Euro:
        """This amount rounded to a multiple of the rounding's quantum.

        >>> Euro("1234.56").rounded(DOWN.to_euro()), Euro("1234.56").rounded(HALF_UP.to(100))
        (Euro('1234.00'), Euro('1200.00'))

        .. versionadded:: 0.2
        """
        return Euro._of(self._d, check_rounding_rule(rounding))

    def is_multiple_of(self, quantum: Euro) -> bool:
        """Whether this amount is a whole number of ``quantum`` (one euro, ten euros...).

        >>> Euro("1230.00").is_multiple_of(Euro(10)), Euro("1230.50").is_multiple_of(Euro(1))
        (True, False)

        .. versionadded:: 0.2
        """
        if not isinstance(quantum, Euro) or quantum <= Euro.ZERO:
            raise InvalidArgument(f"expected a positive Euro quantum, got {_describe(quantum)}")
        return not EXACT.remainder(self._d, quantum._d)

    def __add__(self, other: Euro) -> Euro:
        if isinstance(other, Euro):
            # A sum of cents is in cents: no rounding, and x + y is never -0.00 here.
            total = EXACT.add(self._d, other._d)
            return Euro._exact(total) if total else Euro._of(total)
        _refuse_numbers("add", other)
        return NotImplemented

    def __radd__(self, other: int) -> Euro:
        # The builtin sum() starts from the int 0; accepting exactly that keeps sum(euros) usable.
        if type(other) is int and other == 0:
            return self
        _refuse_numbers("add", other)
        return NotImplemented

    def __sub__(self, other: Euro) -> Euro:
        if isinstance(other, Euro):
            difference = EXACT.subtract(self._d, other._d)
            return Euro._exact(difference) if difference else Euro._of(difference)
        _refuse_numbers("subtract", other)
        return NotImplemented

    def __rsub__(self, other: object) -> Euro:
        _refuse_numbers("subtract", other)
        return NotImplemented

    def __mul__(self, other: int) -> Euro:
        if isinstance(other, int) and not isinstance(other, bool):
            return self.times(other)
        if isinstance(other, numbers.Number | Rate | Euro | str):
            raise InvalidArgument(
                f"cannot multiply {self!r} by {_describe(other)}: only whole numbers are exact; "
                "use rate.apply(amount, rounding=DOWN) or amount.scale(Decimal(...), rounding=...) "
                "so that the rounding is explicit"
            )
        return NotImplemented

    __rmul__ = __mul__

    def __neg__(self) -> Euro:
        return Euro._of(-self._d)

    def __abs__(self) -> Euro:
        return Euro._of(abs(self._d))

    def __bool__(self) -> bool:
        return bool(self._d)

    def __str__(self) -> str:
        # str() of a Decimal is format(d, "f") unless it chooses scientific notation, which
        # it marks with an "E" (never for an amount in cents); four times faster.
        text = str(self._d)
        return format(self._d, "f") if "E" in text else text

    def __repr__(self) -> str:
        return f"Euro('{self}')"

    def format(self, lang: str = "fr") -> str:
        """Render for people as Babel does, in ``lang`` ("fr" or "en").

        Babel's CLDR patterns for EUR are applied by hand: messages format thousands of
        amounts, and Babel takes ~20 µs each.  A property test holds this equal to
        :func:`babel.numbers.format_currency` for every amount.

        >>> Euro("150000").format("en"), Euro("-1234.5").format("fr")
        ('€150,000.00', '-1\u202f234,50\xa0€')
        """
        pattern = _CURRENCY_FORMATS.get(lang)
        if pattern is None:
            _check_lang(lang)
        group, mark, prefix, suffix = pattern  # type: ignore[misc]
        # Decimal's own "," format groups thousands in C; the language's marks then replace
        # "," and ".".
        amount = self._d
        sign = ""
        if amount < 0:
            sign, amount = "-", -amount
        text = format(amount, ",f")
        if group is not None:
            text = text.replace(",", group)
        if mark is not None:
            text = text.replace(".", mark)
        return sign + prefix + text + suffix

    @classmethod
    def parse(cls, text: str, lang: str = "fr") -> Euro:
        """Read back an amount written as :meth:`format` writes it.

        Ordinary and no-break spaces are all accepted as French thousands separators.

        >>> Euro.parse("150 000,00 €")
        Euro('150000.00')
        """
        from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

        locale = _babel_locale(lang)
        if not isinstance(text, str):
            raise InvalidArgument(f"Euro.parse expects a string, got {_describe(text)}")
        number = text.replace("€", "").strip()
        group = get_group_symbol(locale=locale)
        if group in _SPACES:
            for space in _SPACES:
                number = number.replace(space, group)
        try:
            value = parse_decimal(number, locale=locale, strict=True)
        except NumberFormatError:
            raise InvalidMoney(
                f"cannot read {text!r} as an amount in {lang!r}: expected text like "
                f'"{Euro("1234.56").format(lang)}"'
            ) from None
        return cls(value)


Euro.ZERO = Euro(0)
_CENT_EURO = Euro("0.01")
_ONE_EURO = Euro(1)


def _refuse(verb: str, other: object) -> NoReturn:
    raise InvalidArgument(
        f"cannot {verb} {_describe(other)} and a Euro: wrap the amount first, "
        'e.g. Euro("1200.00") (floats are refused, write amounts as strings)'
    )


def _refuse_numbers(verb: str, other: object) -> None:
    # Plain numbers get a helpful error; any other type may implement the reflected operator
    # (an expression node, say), so the caller gives it its chance by returning NotImplemented.
    if isinstance(other, numbers.Number | str | Rate):
        _refuse(verb, other)


class Rate(_Exact):
    """An exact fraction between 0 and 1, such as a co-financing rate.

    Accepts ``"60%"``, ``"60 %"``, ``"12.5%"``, ``"0.6"``, a Decimal, the ints 0 and 1, or
    another Rate.  Floats and booleans are refused.

    >>> Rate("60%") == Rate("0.6") == Rate(Decimal("0.60"))
    True
    >>> Rate("12.5%").apply(Euro("1000.01"))
    Euro('125.00')

    .. versionadded:: 0.1
    """

    __slots__ = ()

    def __init__(self, value: Rate | Decimal | int | str) -> None:
        object.__setattr__(self, "_d", _rate_from(value))

    @property
    def value(self) -> Decimal:
        """The fraction, e.g. ``Decimal('0.6')``.

        >>> Rate("60%").value
        Decimal('0.6')
        """
        return self._d

    @property
    def percent(self) -> Decimal:
        """The rate in percent, e.g. ``Decimal('60')``.

        >>> Rate("0.125").percent
        Decimal('12.5')
        """
        return _tidy(self._d.scaleb(2, context=EXACT))

    def apply(self, amount: Euro, rounding: Rounding | RoundingRule = DOWN) -> Euro:
        """Return ``amount`` times this rate, rounded with ``rounding`` (to the cent, or to the
        quantum of a :class:`RoundingRule` such as ``DOWN.to_euro()``).

        >>> Rate("60%").apply(Euro("0.05"), rounding=HALF_UP)
        Euro('0.03')
        """
        if not isinstance(amount, Euro):
            raise InvalidArgument(
                f"Rate.apply expects a Euro, got {_describe(amount)}; "
                'wrap it first, e.g. Euro("1200.00")'
            )
        return amount.scale(self._d, rounding)

    # Rates combine exactly: 80 % = 1 - 20 %, 60 % x 50 % = 30 %.  A result outside [0, 1]
    # is refused like any other rate, and only whole 0 and 1 mix with rates ("1 - rate").
    def __add__(self, other: Rate | int) -> Rate:
        try:
            return Rate(EXACT.add(self._d, _rate_operand("add", other)))
        except _NotARate:
            return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Rate | int) -> Rate:
        try:
            return Rate(EXACT.subtract(self._d, _rate_operand("subtract", other)))
        except _NotARate:
            return NotImplemented

    def __rsub__(self, other: Rate | int) -> Rate:
        try:
            return Rate(EXACT.subtract(_rate_operand("subtract", other), self._d))
        except _NotARate:  # pragma: no cover - Euro.__sub__ refuses a rate before this
            return NotImplemented

    def __mul__(self, other: Rate) -> Rate:
        if isinstance(other, Euro):
            return NotImplemented
        if not isinstance(other, Rate):
            raise InvalidArgument(
                f"a rate multiplies only another rate, got {_describe(other)}; apply a rate to "
                "an amount with rate.apply(amount, rounding=DOWN)"
            )
        return Rate(EXACT.multiply(self._d, other._d))

    def __str__(self) -> str:
        return f"{format(self.percent, 'f')}%"

    def __repr__(self) -> str:
        return f"Rate('{format(self._d, 'f')}')"

    def format(self, lang: str = "fr") -> str:
        """Render for people with Babel, keeping every decimal of the rate.

        >>> Rate("12.5%").format("en")
        '12.5%'
        """
        return _format_rate(self._d, lang)


class _NotARate(Exception):
    """An operand that the other side's operator handles (an amount)."""


def _rate_operand(verb: str, other: object) -> Decimal:
    if isinstance(other, Euro):  # Euro's own operators explain, when NotImplemented reaches them
        raise _NotARate
    if isinstance(other, Rate):
        return other._d
    if type(other) is int and other in (0, 1):
        return Decimal(other)
    raise InvalidArgument(
        f"cannot {verb} {_describe(other)} and a Rate: rates combine with rates and with the "
        "whole numbers 0 and 1 (1 - rate); apply a rate to an amount with rate.apply()"
    )


@functools.lru_cache(maxsize=256)
def _format_rate(value: Decimal, lang: str) -> str:
    # Cached: a scheme has a handful of rates, quoted in every decision's messages.
    from babel.numbers import format_percent

    return format_percent(value, locale=_babel_locale(lang), decimal_quantization=False)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (``60``, not ``6E+1``)."""
    value = EXACT.normalize(value) if value else Decimal(0)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite by construction
    return value.quantize(Decimal(1), context=EXACT) if exponent > 0 else value


def _rate_from(value: object) -> Decimal:
    expected = 'expected a rate like "60%" or "0.6", a Decimal or the int 0 or 1'
    if isinstance(value, Rate):
        return value._d
    if isinstance(value, float):
        raise InvalidMoney(
            f"{expected}, got {_describe(value)}: floats are inexact, "
            f'write the rate as a string instead, e.g. Rate("{value}")'
        )
    if isinstance(value, str):
        if match := _RATE_PERCENT.fullmatch(value):
            fraction = Decimal(match[1]).scaleb(-2, context=EXACT)
        elif _RATE_FRACTION.fullmatch(value):
            fraction = Decimal(value)
        else:
            raise InvalidMoney(f"{expected}, got the string {value!r}")
    elif isinstance(value, int) and not isinstance(value, bool):
        fraction = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidMoney(f"{expected}, got {value!r}: a rate must be a finite number")
        fraction = value
    else:
        raise InvalidMoney(f"{expected}, got {_describe(value)}")
    if not 0 <= fraction <= 1:
        raise InvalidMoney(
            f"expected a rate between 0 and 1 (0% to 100%), got {value!r}: "
            'write percentages with a "%" sign, e.g. Rate("60%")'
        )
    return _tidy(fraction)
