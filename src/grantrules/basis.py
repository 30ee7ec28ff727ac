"""The legal basis of a rule or a parameter: which text, which article, how sure we are.

>>> from grantrules.basis import Basis
>>> str(Basis("Règlement (UE) 2021/1060", "art. 63(2)"))
'Règlement (UE) 2021/1060, art. 63(2)'

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

from grantrules.errors import InvalidArgument

__all__ = ["RELIABILITIES", "Basis"]

#: How a fact was established: read in the official text, reported by the press only, or
#: inferred from neighbouring texts (the V/P/I marks of the domain notes).
RELIABILITIES = ("verified", "press", "inferred")
_FIELDS = ("title", "article", "url", "reliability")


def _optional_text(_: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidArgument(
            f"Basis.{attribute.name}: expected a string or None, "
            f"got the {type(value).__name__} {value!r}"
        )


def _valid_title(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(
            f"Basis.title: expected the non-empty name of a legal text, got {value!r}; "
            'e.g. Basis("Règlement (UE) 2021/1060", "art. 63(2)")'
        )


def _valid_reliability(_: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and value not in RELIABILITIES:
        raise InvalidArgument(
            f"Basis.reliability: expected None or one of {', '.join(map(repr, RELIABILITIES))}, "
            f"got {value!r}"
        )


@functools.lru_cache(maxsize=1024)
def _as_dict(basis: Basis) -> dict[str, str]:
    # A scheme has a few dozen bases, each quoted in every decision; callers get copies.
    return {name: value for name in _FIELDS if (value := getattr(basis, name)) is not None}


@attrs.frozen(cache_hash=True)
class Basis:
    """A legal basis: the text's ``title``, optionally an ``article``, a ``url`` and a
    ``reliability`` (``"verified"``, ``"press"`` or ``"inferred"``).

    >>> Basis("Délibération n° 2024-112", reliability="press").to_dict()
    {'title': 'Délibération n° 2024-112', 'reliability': 'press'}

    .. versionadded:: 0.1
    """

    title: str = attrs.field(validator=_valid_title)
    article: str | None = attrs.field(default=None, validator=_optional_text)
    url: str | None = attrs.field(default=None, validator=_optional_text)
    reliability: str | None = attrs.field(default=None, validator=_valid_reliability)

    def __str__(self) -> str:
        return f"{self.title}, {self.article}" if self.article else self.title

    def to_dict(self) -> dict[str, str]:
        """The fields that are set, ready for JSON.

        >>> Basis("CGCT", "art. L1111-10 III").to_dict()
        {'title': 'CGCT', 'article': 'art. L1111-10 III'}
        """
        return dict(_as_dict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Basis:
        """Build from a mapping such as :meth:`to_dict` returns; unknown keys are errors.

        >>> Basis.from_dict({"title": "CGCT", "article": "art. L1111-10 III"})
        Basis(title='CGCT', article='art. L1111-10 III', url=None, reliability=None)
        """
        if not isinstance(data, Mapping):
            raise InvalidArgument(
                f"expected a basis as a table with a title, got the {type(data).__name__} {data!r}"
            )
        unknown = sorted(set(data) - set(_FIELDS), key=repr)
        if unknown:
            raise InvalidArgument(
                f"unknown basis key(s) {', '.join(map(repr, unknown))}: "
                f"expected only {', '.join(_FIELDS)}"
            )
        if "title" not in data:
            raise InvalidArgument(f"a basis needs a title, got only {sorted(data)}")
        return cls(**data)  # type: ignore[arg-type]  # the validators check each type
