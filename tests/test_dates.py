"""Tests of grantrules.dates."""

from __future__ import annotations

import datetime
import doctest
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import grantrules.dates
from grantrules.dates import (
    DateRange,
    add_months,
    add_years,
    days_between,
    format_date,
    months_between,
    parse_date,
    years_before,
)
from grantrules.errors import InvalidArgument

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
NOON = datetime.datetime(2024, 1, 1, 12, 0)


class TestParseDate:
    def test_valid(self) -> None:
        assert parse_date("2024-11-01") == date(2024, 11, 1)
        assert parse_date("2024-02-29") == date(2024, 2, 29)

    @pytest.mark.parametrize(
        "text", ["2024-1-01", "20241101", "2024-11-01T00:00", " 2024-11-01", "01/11/2024", ""]
    )
    def test_not_iso(self, text: str) -> None:
        with pytest.raises(InvalidArgument, match=rf"YYYY-MM-DD .*got {text!r}"):
            parse_date(text)

    @pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024-04-31", "0000-01-01"])
    def test_not_a_real_date(self, text: str) -> None:
        with pytest.raises(InvalidArgument, match=rf"{text!r} is not a real date"):
            parse_date(text)

    @pytest.mark.parametrize("value", [date(2024, 1, 1), 20240101, None])
    def test_not_a_string(self, value: object) -> None:
        with pytest.raises(InvalidArgument, match=rf"got the {type(value).__name__}"):
            parse_date(value)  # type: ignore[arg-type]


class TestSteps:
    @pytest.mark.parametrize(
        ("day", "n", "expected"),
        [
            (date(2024, 2, 29), 1, date(2025, 2, 28)),
            (date(2024, 2, 29), 4, date(2028, 2, 29)),
            (date(2024, 2, 29), -1, date(2023, 2, 28)),
            (date(2025, 3, 14), -3, date(2022, 3, 14)),
            (date(2025, 3, 14), 0, date(2025, 3, 14)),
        ],
    )
    def test_add_years(self, day: date, n: int, expected: date) -> None:
        assert add_years(day, n) == expected

    def test_years_before(self) -> None:
        assert years_before(date(2025, 3, 14), 3) == date(2022, 3, 14)
        assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)

    @pytest.mark.parametrize(
        ("day", "n", "expected"),
        [
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2023, 1, 31), 1, date(2023, 2, 28)),
            (date(2024, 3, 31), -1, date(2024, 2, 29)),
            (date(2024, 11, 15), 2, date(2025, 1, 15)),
            (date(2024, 1, 15), -1, date(2023, 12, 15)),
            (date(2024, 5, 31), 0, date(2024, 5, 31)),
            (date(2024, 5, 31), 36, date(2027, 5, 31)),
        ],
    )
    def test_add_months(self, day: date, n: int, expected: date) -> None:
        assert add_months(day, n) == expected

    def test_out_of_range(self) -> None:
        with pytest.raises(InvalidArgument, match=r"9999-12-31 plus 1 years falls outside"):
            add_years(date.max, 1)
        with pytest.raises(InvalidArgument, match=r"0001-01-01 plus -1 months falls outside"):
            add_months(date.min, -1)
        with pytest.raises(InvalidArgument, match=r"outside the years 1 to 9999"):
            years_before(date(2024, 1, 1), 2024)

    @pytest.mark.parametrize("function", [add_years, add_months, years_before])
    def test_refuse_datetimes_and_non_int_steps(self, function: object) -> None:
        with pytest.raises(
            InvalidArgument, match=r"day: expected a datetime.date, got the datetime"
        ):
            function(NOON, 1)  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match=r"\.date\(\) on a datetime"):
            function(NOON, 1)  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match=r"n: expected an int, got the float 1.0"):
            function(date(2024, 1, 1), 1.0)  # type: ignore[operator]
        with pytest.raises(InvalidArgument, match=r"n: expected an int, got the bool True"):
            function(date(2024, 1, 1), True)  # type: ignore[operator]

    def test_days_between(self) -> None:
        assert days_between(date(2024, 2, 28), date(2024, 3, 1)) == 2
        assert days_between(date(2024, 3, 1), date(2024, 2, 28)) == -2
        with pytest.raises(InvalidArgument, match=r"b: expected a datetime.date, got the str"):
            days_between(date(2024, 1, 1), "2024-01-02")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"a: expected a datetime.date"):
            days_between(NOON, date(2024, 1, 2))

    @pytest.mark.parametrize(
        ("a", "b", "expected"),
        [
            (date(2024, 11, 1), date(2027, 12, 31), 37),
            (date(2024, 11, 1), date(2028, 1, 1), 38),
            (date(2024, 1, 31), date(2024, 2, 28), 0),
            (date(2024, 1, 31), date(2024, 2, 29), 1),
            (date(2023, 1, 31), date(2023, 2, 28), 1),
            (date(2024, 1, 15), date(2024, 1, 14), 0),
            (date(2024, 1, 15), date(2023, 12, 15), -1),
            (date(2024, 3, 31), date(2024, 2, 29), -1),
            (date(2024, 1, 15), date(2024, 1, 15), 0),
        ],
    )
    def test_months_between(self, a: date, b: date, expected: int) -> None:
        assert months_between(a, b) == expected

    def test_months_between_refuses_datetimes(self) -> None:
        with pytest.raises(InvalidArgument, match=r"a: expected a datetime.date"):
            months_between(NOON, date(2024, 1, 1))
        with pytest.raises(InvalidArgument, match=r"b: expected a datetime.date"):
            months_between(date(2024, 1, 1), NOON)


class TestFormatDate:
    def test_languages(self) -> None:
        assert format_date(date(2024, 11, 1)) == "1er novembre 2024"
        assert format_date(date(2024, 11, 2)) == "2 novembre 2024"
        assert format_date(date(2027, 12, 31), "en") == "31 December 2027"

    def test_errors(self) -> None:
        with pytest.raises(InvalidArgument, match=r"unknown language 'de'"):
            format_date(date(2024, 1, 1), "de")
        with pytest.raises(InvalidArgument, match=r"got the datetime"):
            format_date(NOON)


class TestDateRange:
    def test_basic(self) -> None:
        period = DateRange(date(2024, 11, 1), date(2027, 12, 31))
        assert date(2024, 11, 1) in period
        assert date(2027, 12, 31) in period
        assert date(2024, 10, 31) not in period
        assert date(2028, 1, 1) not in period
        assert period.days == 1156
        assert period.months == 38

    def test_single_day(self) -> None:
        day = DateRange(date(2024, 1, 1), date(2024, 1, 1))
        assert day.days == 1
        assert day.months == 0

    @pytest.mark.parametrize(
        ("start", "end", "months"),
        [
            (date(2024, 1, 1), date(2024, 12, 31), 12),
            (date(2024, 1, 31), date(2024, 2, 28), 1),
            (date(2024, 1, 31), date(2024, 2, 27), 0),
            (date(2024, 1, 15), date(2024, 2, 13), 0),
            (date(2024, 1, 15), date(2024, 2, 14), 1),
            (date(9999, 1, 1), date.max, 12),
            (date(9999, 12, 1), date.max, 1),
            (date(9999, 12, 2), date.max, 0),
            (date.min, date.max, 9999 * 12),
        ],
    )
    def test_months(self, start: date, end: date, months: int) -> None:
        assert DateRange(start, end).months == months

    def test_frozen(self) -> None:
        period = DateRange(date(2024, 1, 1), date(2024, 1, 2))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            period.start = date(2023, 1, 1)  # type: ignore[misc]
        assert hash(period) == hash(DateRange(date(2024, 1, 1), date(2024, 1, 2)))

    def test_reversed(self) -> None:
        with pytest.raises(InvalidArgument, match=r"cannot end \(2024-01-01\) before it starts"):
            DateRange(date(2024, 1, 2), date(2024, 1, 1))

    def test_refuses_datetimes_and_strings(self) -> None:
        with pytest.raises(
            InvalidArgument, match=r"start: expected a datetime.date, got the datetime"
        ):
            DateRange(NOON, date(2025, 1, 1))
        with pytest.raises(InvalidArgument, match=r"end: expected a datetime.date, got the str"):
            DateRange(date(2024, 1, 1), "2025-01-01")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"got the datetime"):
            assert NOON in DateRange(date(2024, 1, 1), date(2025, 1, 1))

    def test_overlaps(self) -> None:
        first = DateRange(date(2024, 1, 1), date(2024, 6, 30))
        assert first.overlaps(DateRange(date(2024, 6, 30), date(2024, 12, 31)))
        assert not first.overlaps(DateRange(date(2024, 7, 1), date(2024, 12, 31)))
        assert first.overlaps(first)
        with pytest.raises(InvalidArgument, match=r"expected a DateRange, got the tuple"):
            first.overlaps((date(2024, 1, 1), date(2024, 2, 1)))  # type: ignore[arg-type]

    def test_within_years_before(self) -> None:
        period = DateRange.within_years_before(date(2025, 3, 14), 3)
        assert period == DateRange(date(2022, 3, 14), date(2025, 3, 14))
        assert date(2022, 3, 14) in period
        assert date(2022, 3, 13) not in period
        assert DateRange.within_years_before(date(2024, 2, 29), 1).start == date(2023, 2, 28)
        assert DateRange.within_years_before(date(2024, 2, 29), 0).days == 1

    def test_within_years_before_errors(self) -> None:
        with pytest.raises(
            InvalidArgument, match=r"years: expected a number of years >= 0, got -1"
        ):
            DateRange.within_years_before(date(2025, 3, 14), -1)
        with pytest.raises(InvalidArgument, match=r"years: expected an int, got the str"):
            DateRange.within_years_before(date(2025, 3, 14), "3")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"got the datetime"):
            DateRange.within_years_before(NOON, 3)

    def test_format(self) -> None:
        period = DateRange(date(2024, 11, 1), date(2027, 12, 31))
        assert period.format() == "du 1er novembre 2024 au 31 décembre 2027"
        assert period.format("en") == "from 1 November 2024 to 31 December 2027"
        with pytest.raises(InvalidArgument, match=r"unknown language"):
            period.format("de")


# --- properties -------------------------------------------------------------------------------


@st.composite
def ranges(draw: st.DrawFn, within: st.SearchStrategy[date] = days) -> DateRange:
    a, b = draw(within), draw(within)
    return DateRange(min(a, b), max(a, b))


recent = st.dates(min_value=date(2020, 1, 1), max_value=date(2023, 12, 31))


@given(ranges(), days)
def test_containment_is_naive_containment(period: DateRange, day: date) -> None:
    assert (day in period) == any(
        period.start + datetime.timedelta(i) == day for i in range(period.days)
    )


@given(ranges(recent), ranges(recent))
def test_overlap_is_a_shared_day(a: DateRange, b: DateRange) -> None:
    shared = {a.start + datetime.timedelta(i) for i in range(a.days)} & {
        b.start + datetime.timedelta(i) for i in range(b.days)
    }
    assert a.overlaps(b) == b.overlaps(a) == bool(shared)


@given(ranges())
def test_days_and_months_are_consistent(period: DateRange) -> None:
    assert period.days == days_between(period.start, period.end) + 1
    following = period.end + datetime.timedelta(1)
    assert period.months == months_between(period.start, following)


@given(days, st.integers(min_value=-150, max_value=150))
def test_add_years_round_trips_except_on_29_february(day: date, n: int) -> None:
    moved = add_years(day, n)
    assert moved.year == day.year + n
    assert moved.month == day.month
    if (day.month, day.day) != (2, 29):
        assert add_years(moved, -n) == day
        assert years_before(moved, n) == day
    else:
        assert moved.day in (28, 29)


@given(days, st.integers(min_value=-1200, max_value=1200))
def test_add_months_lands_in_the_right_month(day: date, n: int) -> None:
    moved = add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day == day.day or (
        moved.day < day.day == day.day and (moved + datetime.timedelta(1)).day == 1
    )
    if day.day <= 28:
        assert add_months(moved, -n) == day


@given(days, days)
def test_months_between_is_the_largest_whole_step(a: date, b: date) -> None:
    n = months_between(a, b)
    assert months_between(b, a) == -n
    if b >= a:
        assert add_months(a, n) <= b < add_months(a, n + 1)


def test_docstring_examples() -> None:
    results = doctest.testmod(grantrules.dates, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0
