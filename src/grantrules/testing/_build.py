"""Build instances of a scheme's attrs application model from Hypothesis draws.

The builder walks the attrs classes field by field and picks, for every field, either a value
the rules' thresholds suggest (see :mod:`grantrules.testing._thresholds`) or a value of the
field's type.  In *aiming* mode (half of the examples) it prefers values that pass the blocking
criteria, so that both eligible and ineligible applications come out in useful proportions.
Dates other than the submission date are drawn relative to it, so that comparisons between
date fields (``end_date > submitted_on``) hit their boundaries too.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import reject
from hypothesis import strategies as st

from grantrules.dates import DateRange
from grantrules.errors import GrantRulesError
from grantrules.model import luhn_valid
from grantrules.money import Euro, Rate
from grantrules.testing._thresholds import Hint, Thresholds

__all__ = ["Builder", "amounts", "euro_strategy", "field_types", "ints", "sample", "siren_strategy"]

Draw = Callable[[st.SearchStrategy[Any]], Any]
_ASCII = st.characters(min_codepoint=32, max_codepoint=126)
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "Pd", "Po")),
    min_size=1,
    max_size=24,
).filter(lambda s: bool(s.strip()))
_WORDS = st.sampled_from(
    (
        "Union sportive",
        "Ville d'Exempleville",
        "Tapis de judo",
        "Licences et hébergement",
        "Cheffe de projet 0,5 ETP",
        "Serveur d'inférence",
        "Communauté d'agglomération",
        "Assistant de rédaction",
    )
)
_YEAR = 365


@functools.lru_cache(maxsize=4096)
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """``st.integers(low, high)``, built once: building strategies in a draw loop is slow."""
    return st.integers(low, high)


@functools.lru_cache(maxsize=4096)
def sample(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """``st.sampled_from(options)``, built once per tuple of options."""
    return st.sampled_from(options)


@functools.lru_cache(maxsize=256)
def _regex(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True, alphabet=_ASCII)


_ID = st.tuples(st.sampled_from(("APP", "DOSSIER", "AMI-IA", "SPORT")), st.integers(1, 99999)).map(
    lambda parts: f"{parts[0]}-{parts[1]}"
)
_BOOLS = st.booleans()


def _siren(body: str) -> str:
    """Complete 8 digits with the Luhn check digit."""
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable: one of ten digits always completes a Luhn number")


def siren_strategy() -> st.SearchStrategy[str]:
    """SIREN numbers: 9 ASCII digits passing the Luhn check."""
    return _SIRENS


_SIRENS = st.integers(0, 10**8 - 1).map(lambda n: _siren(f"{n:08d}"))


_TYPES: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """The resolved type of every attrs field of ``cls`` (cached)."""
    found = _TYPES.get(cls)
    if found is None:
        found = _TYPES[cls] = typing.get_type_hints(cls)
    return found


def _patterns(validator: Any) -> list[re.Pattern[str]]:
    """Regular expressions a validator checks, found in ``matches_re`` or in closures."""
    found: list[re.Pattern[str]] = []
    todo = [validator]
    while todo:
        current = todo.pop()
        if current is None:
            continue
        todo += list(getattr(current, "_validators", ()))
        pattern = getattr(current, "pattern", None)
        if isinstance(pattern, re.Pattern):
            found.append(pattern)
        for cell in getattr(current, "__closure__", None) or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(content, re.Pattern):
                found.append(content)
    return found


def _is_optional(tp: Any) -> tuple[bool, Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        others = tuple(a for a in args if a is not type(None))
        if len(others) < len(args):
            inner = others[0] if len(others) == 1 else typing.Union[others]  # noqa: UP007
            return True, inner
    return False, tp


@attrs.define
class Builder:
    """Draws one application (or one item) for a given set of thresholds."""

    draw: Draw
    thresholds: Thresholds
    aim: bool
    max_euro: Euro
    anchor: datetime.date | None = None
    _previous_date: datetime.date | None = None

    # -- choosing among hints ---------------------------------------------------------------
    def hints(self, key: str) -> tuple[Hint, ...]:
        return self.thresholds.for_key(key, passing=self.aim)

    def pick(self, key: str, fallback: st.SearchStrategy[Any], allowed: Any = None) -> Any:
        """A hinted value most of the time, else one drawn from ``fallback``."""
        hints = self.hints(key)
        if allowed is not None:
            hints = tuple(h for h in hints if allowed(h.value))
        decisive = self.aim and any(h.passes for h in hints)
        odds = 19 if decisive else 9 if self.aim else 3
        # Rare branches are taken on the *largest* value: Hypothesis copies values between
        # draws of one kind, and small values are the common ones to copy.
        if hints and self.draw(ints(0, odds)) != odds:
            return self.draw(sample(hints)).value
        return self.draw(fallback)

    # -- instances ---------------------------------------------------------------------------
    def instance(self, cls: type, prefix: str = "") -> Any:
        """An instance of the attrs class ``cls``; fields are keyed ``prefix + name``."""
        saved, self._previous_date = self._previous_date, None
        values: dict[str, Any] = {}
        hints = field_types(cls)
        fields = attrs.fields(cls)
        # The submission date anchors every other date: draw it first.
        ordered = sorted(fields, key=lambda a: a.name != "submitted_on")
        for attribute in ordered:
            if not attribute.init:
                continue
            values[attribute.name] = self.value(
                hints.get(attribute.name, Any), prefix + attribute.name, attribute
            )
        self._previous_date = saved
        try:
            return cls(**values)
        except (ValueError, TypeError, GrantRulesError):
            reject()  # a validator this builder does not know refused the value

    def value(self, tp: Any, path: str, attribute: attrs.Attribute[Any] | None = None) -> Any:
        """A value of type ``tp`` for the field at ``path``."""
        optional, tp = _is_optional(tp)
        rare = 39 if self.aim else 7
        if optional and self.draw(ints(0, rare)) == rare:
            return None
        key = f"field:{path}"
        origin = typing.get_origin(tp)
        if origin is typing.Literal:
            options = typing.get_args(tp)
            return self.pick(key, sample(options), allowed=options.__contains__)
        if origin is tuple:
            return self.sequence(typing.get_args(tp), path)
        if attrs.has(tp):
            return self.instance(tp, path + ".")
        if isinstance(tp, type):
            return self.scalar(tp, path, key, attribute)
        return self.draw(st.from_type(tp))

    def sequence(self, args: tuple[Any, ...], path: str) -> tuple[Any, ...]:
        if len(args) != 2 or args[1] is not Ellipsis:
            return tuple(self.value(arg, path) for arg in args)
        element = args[0]
        if attrs.has(element):
            size = self.draw(ints(1 if self.aim else 0, 5))
            return tuple(self.instance(element, f"{path}[].") for _ in range(size))
        size = self.draw(ints(1 if self.aim else 0, 3))
        items = [self.value(element, path) for _ in range(size)]
        return tuple(dict.fromkeys(items))  # codes lists hold each code once

    def scalar(self, tp: type, path: str, key: str, attribute: attrs.Attribute[Any] | None) -> Any:
        if tp is bool:
            return self.pick(key, _BOOLS)
        if issubclass(tp, enum.Enum):
            return self.pick(key, sample(tuple(tp)))
        if tp is int:
            top = max([h.value for h in self.hints(key) if isinstance(h.value, int)] + [50])
            return self.pick(key, ints(0, 2 * top))
        if tp is str:
            return self.text(path, key, attribute)
        if tp is Euro:
            return self.pick(key, amounts(self.max_euro))
        if tp is Rate:
            return self.draw(st.decimals(0, 1, places=4).map(Rate))
        if tp is datetime.date:
            return self.date(path, key)
        if tp is DateRange:
            start = self.date(path, key)
            return DateRange(start, start + datetime.timedelta(days=self.draw(ints(0, 800))))
        if tp is Decimal:
            return self.draw(st.decimals(0, 10**6, places=2))
        return self.draw(st.from_type(tp))

    def text(self, path: str, key: str, attribute: attrs.Attribute[Any] | None) -> str:
        name = path.rsplit(".", 1)[-1]
        patterns = _patterns(attribute.validator) if attribute is not None else []
        if name == "siren":
            fallback: st.SearchStrategy[str] = siren_strategy()
        elif patterns:
            fallback = _regex(patterns[0])
        elif path == "id":
            fallback = _ID
        else:
            fallback = _WORDS if self.draw(ints(0, 3)) else _TEXT
        prefixes = self.thresholds.prefixes.get(key, ())
        # Aiming, a field with exact hints (a code list) takes them; a field known only by
        # its prefixes (a département's commune codes) takes a prefix most of the time.
        rarely = 19 if self.hints(key) else 3
        if prefixes and self.draw(ints(0, 19)) >= (rarely if self.aim else 12):
            prefix = self.draw(sample(prefixes))
            drawn = self.draw(fallback)
            candidate = str(prefix) + str(drawn)[len(prefix) :]
            if all(p.fullmatch(candidate) for p in patterns):
                return candidate
            return str(drawn)
        allowed = (lambda v: all(p.fullmatch(v) for p in patterns)) if patterns else None
        return str(self.pick(key, fallback, allowed=allowed))

    def date(self, path: str, key: str) -> datetime.date:
        if self.anchor is None:
            day = self.submission_date(key)
            self.anchor = day
        elif self.aim:
            base = self._previous_date or self.anchor
            hints = [
                h.value
                for h in self.hints(key)
                if isinstance(h.value, datetime.date) and h.value > base
            ]
            if hints and self.draw(ints(0, 9)) == 9:
                day = self.draw(sample(tuple(hints)))
            else:
                day = base + datetime.timedelta(days=self.draw(ints(1, 400)))
        else:
            day = self.relative_date(key)
        self._previous_date = day
        return day

    def submission_date(self, key: str) -> datetime.date:
        dates = self.thresholds.dates
        own = self.hints(key)
        if self.aim and own and self.draw(ints(0, 19)) != 19:
            if self.draw(_BOOLS) or len(own) < 2:
                return typing.cast(datetime.date, self.draw(sample(own)).value)
            # Any day between two neighbouring passing bounds: every rate and version of a
            # window, and not the gap between two yearly windows.
            days: list[datetime.date] = sorted({h.value for h in own})
            index = self.draw(ints(0, len(days) - 2))
            low, high = days[index], days[index + 1]
            return low + datetime.timedelta(days=self.draw(ints(0, (high - low).days)))
        if self.draw(_BOOLS):
            return typing.cast(datetime.date, self.draw(sample((*own, *dates))).value)
        first, last = dates[0].value, dates[-1].value
        offset = self.draw(ints(-60, (last - first).days + 60))
        return typing.cast(datetime.date, first + datetime.timedelta(days=offset))

    def relative_date(self, key: str) -> datetime.date:
        assert self.anchor is not None
        hints = [h.value for h in self.hints(key) if isinstance(h.value, datetime.date)]
        offsets = [-1, 0, 1]
        for years in self.thresholds.year_shifts:
            offsets += [years * _YEAR + d for d in (-2, -1, 0, 1, 2)]
        choice = self.draw(ints(0, 3))
        if choice == 0 and hints:
            return typing.cast(datetime.date, self.draw(sample(tuple(hints))))
        if choice == 1:
            offset = self.draw(sample(tuple(offsets)))
            if offset in offsets[3:]:
                return self.anchor_years(offset)
            return self.anchor + datetime.timedelta(days=offset)
        return self.anchor + datetime.timedelta(days=self.draw(ints(-800, 800)))

    def anchor_years(self, offset: int) -> datetime.date:
        """The anchor moved by whole years (exactly, as ``years_before`` does) and a few days."""
        from grantrules.dates import add_years

        assert self.anchor is not None
        years = round(offset / _YEAR)
        days = offset - years * _YEAR
        return add_years(self.anchor, years) + datetime.timedelta(days=days)


@functools.lru_cache(maxsize=256)
def amounts(top: Euro) -> st.SearchStrategy[Euro]:
    """Amounts from 0.00 to ``top`` spread over every order of magnitude, not only small ones."""
    digits = len(str(int(top.amount)))

    @st.composite
    def spread(draw: Draw) -> Euro:
        magnitude = draw(ints(0, digits))
        cents = draw(ints(0, min(10**magnitude * 100, int(top.amount * 100))))
        return Euro(Decimal(cents).scaleb(-2))

    return spread()


@functools.lru_cache(maxsize=256)
def euro_strategy(low: Euro, high: Euro) -> st.SearchStrategy[Euro]:
    """Euros between ``low`` and ``high`` inclusive, drawn as cents-exact decimals."""
    return st.decimals(
        min_value=low.amount,
        max_value=high.amount,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ).map(Euro)
