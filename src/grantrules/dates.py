"""Calendar arithmetic for grant rules: strict ISO dates, year and month steps, date ranges.

Rules reason in calendar days, months and years (``3 rolling years``, ``36 months``), never in
clock time, so every helper takes :class:`datetime.date` and refuses :class:`datetime.datetime`
(a subclass of ``date`` whose comparisons with dates raise or mislead).

>>> from datetime import date
>>> add_months(date(2024, 1, 31), 1)
datetime.date(2024, 2, 29)

``check_date`` (the check of a day argument, with the message it refuses a value with) is
shared with the parameters and the renderer; it is not part of the public API (outside
``__all__``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime
import functools
import re
from datetime import date

import attrs

from grantrules.errors import InvalidArgument
from grantrules.money import _babel_locale

__all__ = [
    "DateRange",
    "add_months",
    "add_years",
    "days_between",
    "format_date",
    "months_between",
    "parse_date",
    "years_before",
]

_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_date(value: object, name: str = "day") -> date:
    """``value`` if it is a date and not a datetime, else ``InvalidArgument`` naming ``name``."""
    if not isinstance(value, date) or isinstance(value, datetime.datetime):
        raise InvalidArgument(
            f"{name}: expected a datetime.date, got the {type(value).__name__} {value!r}; "
            "pass date(2024, 11, 1) or parse_date('2024-11-01') (use .date() on a datetime)"
        )
    return value


def _check_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument(f"{name}: expected an int, got the {type(value).__name__} {value!r}")
    return value


def parse_date(text: str) -> date:
    """Read a strict ISO ``YYYY-MM-DD`` date.

    >>> parse_date("2024-11-01")
    datetime.date(2024, 11, 1)

    Raises:
        InvalidArgument: ``text`` is not a string or not a real ``YYYY-MM-DD`` date.

    .. versionadded:: 0.1
    """
    if not isinstance(text, str):
        raise InvalidArgument(
            f"expected a date as a string like '2024-11-01', got the {type(text).__name__} {text!r}"
        )
    if not _ISO_DATE.fullmatch(text):
        raise InvalidArgument(f"expected a date written YYYY-MM-DD like '2024-11-01', got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidArgument(
            f"{text!r} is not a real date ({exc}): check the day and month"
        ) from None


def _days_in_month(year: int, month: int) -> int:
    # calendar.monthrange goes through datetime and fails for year 10000, which the month count of
    # a range ending on date.max needs to look at; and the calendar module loads locale with it.
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _MONTH_DAYS[month] + (month == 2 and leap)


def _shift_month(year: int, month: int, n: int) -> tuple[int, int]:
    year, month0 = divmod(year * 12 + month - 1 + n, 12)
    return year, month0 + 1


def add_years(day: date, n: int) -> date:
    """Move ``day`` by ``n`` calendar years; 29 February becomes 28 February in common years.

    >>> add_years(date(2024, 2, 29), 1)
    datetime.date(2025, 2, 28)

    .. versionadded:: 0.1
    """
    check_date(day)
    year = day.year + _check_int(n, "n")
    if not date.min.year <= year <= date.max.year:
        raise InvalidArgument(f"{day} plus {n} years falls outside the years 1 to 9999")
    return day.replace(year=year, day=min(day.day, _days_in_month(year, day.month)))


def years_before(day: date, n: int) -> date:
    """The same day ``n`` years earlier (see :func:`add_years`).

    >>> years_before(date(2025, 3, 14), 3)
    datetime.date(2022, 3, 14)

    .. versionadded:: 0.1
    """
    return add_years(day, -_check_int(n, "n"))


def add_months(day: date, n: int) -> date:
    """Move ``day`` by ``n`` calendar months, clamped to the end of a shorter month.

    >>> add_months(date(2024, 3, 31), -1)
    datetime.date(2024, 2, 29)

    .. versionadded:: 0.1
    """
    check_date(day)
    year, month = _shift_month(day.year, day.month, _check_int(n, "n"))
    if not date.min.year <= year <= date.max.year:
        raise InvalidArgument(f"{day} plus {n} months falls outside the years 1 to 9999")
    return date(year, month, min(day.day, _days_in_month(year, month)))


def days_between(a: date, b: date) -> int:
    """Number of days from ``a`` to ``b`` (negative when ``b`` is earlier).

    >>> days_between(date(2024, 2, 28), date(2024, 3, 1))
    2

    .. versionadded:: 0.1
    """
    return (check_date(b, "b") - check_date(a, "a")).days


def _whole_months(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """Largest n with add_months(a, n) <= b, for a <= b given as (year, month, day)."""
    n = (b[0] - a[0]) * 12 + b[1] - a[1]
    if min(a[2], _days_in_month(b[0], b[1])) > b[2]:
        n -= 1
    return n


def months_between(a: date, b: date) -> int:
    """Whole calendar months from ``a`` to ``b``, negative when ``b`` is earlier.

    It is the largest ``n`` with ``add_months(a, n) <= b`` (month ends clamp, so 31 January to
    28 February is one month), and ``months_between(b, a) == -months_between(a, b)``.

    >>> months_between(date(2024, 11, 1), date(2027, 12, 31))
    37

    .. versionadded:: 0.1
    """
    check_date(a, "a")
    check_date(b, "b")
    if b < a:
        return -months_between(b, a)
    return _whole_months((a.year, a.month, a.day), (b.year, b.month, b.day))


def format_date(day: date, lang: str = "fr") -> str:
    """Write ``day`` in words, e.g. ``1er novembre 2024`` or ``1 November 2024``.

    French writes the first day of a month as an ordinal (« le 1er novembre »).

    >>> format_date(date(2024, 11, 1)), format_date(date(2024, 11, 1), "en")
    ('1er novembre 2024', '1 November 2024')

    .. versionadded:: 0.1
    """
    return _format_date(check_date(day), lang)


@functools.lru_cache(maxsize=4096)
def _format_date(day: date, lang: str) -> str:
    # Cached: decisions of a call mention the same few dates thousands of times.
    from babel.dates import format_date  # Babel loads in ~50 ms: on first use

    text = format_date(day, "d MMMM y", locale=_babel_locale(lang))
    if lang == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def _valid_date(_: object, attribute: attrs.Attribute[date], value: object) -> None:
    check_date(value, attribute.name)


@attrs.frozen
class DateRange:
    """The days from ``start`` to ``end``, both included.

    >>> period = DateRange(date(2024, 11, 1), date(2027, 12, 31))
    >>> date(2027, 12, 31) in period, period.months
    (True, 38)

    .. versionadded:: 0.1
    """

    start: date = attrs.field(validator=_valid_date)
    end: date = attrs.field(validator=_valid_date)

    def __attrs_post_init__(self) -> None:
        if self.start > self.end:
            raise InvalidArgument(
                f"a date range cannot end ({self.end}) before it starts ({self.start}): "
                "swap the two dates"
            )

    @classmethod
    def within_years_before(cls, reference: date, years: int) -> DateRange:
        """The ``years`` rolling years that end on ``reference``, both ends included.

        This is the de minimis look-back: aid granted on ``reference`` itself or on the same
        calendar day ``years`` years earlier counts, so the range spans ``years`` years and one
        day; the inclusive choice errs on the side of counting an aid rather than missing it.

        >>> DateRange.within_years_before(date(2025, 3, 14), 3)
        DateRange(start=datetime.date(2022, 3, 14), end=datetime.date(2025, 3, 14))
        """
        if _check_int(years, "years") < 0:
            raise InvalidArgument(f"years: expected a number of years >= 0, got {years}")
        return cls(add_years(reference, -years), reference)

    def __contains__(self, day: object) -> bool:
        return self.start <= check_date(day) <= self.end

    def overlaps(self, other: DateRange) -> bool:
        """Whether the two ranges share at least one day.

        >>> DateRange(date(2024, 1, 1), date(2024, 6, 30)).overlaps(
        ...     DateRange(date(2024, 6, 30), date(2024, 12, 31)))
        True
        """
        if not isinstance(other, DateRange):
            raise InvalidArgument(f"expected a DateRange, got the {type(other).__name__} {other!r}")
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        """Number of days in the range, both ends counted.

        >>> DateRange(date(2024, 1, 1), date(2024, 12, 31)).days
        366
        """
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int:
        """Whole calendar months covered, counting the end day itself.

        >>> DateRange(date(2024, 1, 1), date(2024, 12, 31)).months
        12
        """
        end = self.end
        if end.day < _days_in_month(end.year, end.month):
            following = (end.year, end.month, end.day + 1)
        else:
            following = (*_shift_month(end.year, end.month, 1), 1)
        return _whole_months((self.start.year, self.start.month, self.start.day), following)

    def format(self, lang: str = "fr") -> str:
        """Write the range in words.

        >>> DateRange(date(2024, 11, 1), date(2027, 12, 31)).format("fr")
        'du 1er novembre 2024 au 31 décembre 2027'
        """
        start, end = format_date(self.start, lang), format_date(self.end, lang)
        return f"du {start} au {end}" if lang == "fr" else f"from {start} to {end}"
