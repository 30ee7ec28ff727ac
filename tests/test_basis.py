"""Tests of grantrules.basis."""

from __future__ import annotations

import doctest

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import grantrules.basis
from grantrules.basis import RELIABILITIES, Basis
from grantrules.errors import InvalidArgument

CPR = Basis(
    "Règlement (UE) 2021/1060",
    "art. 63(2)",
    url="https://eur-lex.europa.eu/eli/reg/2021/1060/oj",
    reliability="verified",
)


def test_str() -> None:
    assert str(CPR) == "Règlement (UE) 2021/1060, art. 63(2)"
    assert str(Basis("AMI IA Hauts-de-France")) == "AMI IA Hauts-de-France"


def test_to_dict_keeps_only_set_fields() -> None:
    assert CPR.to_dict() == {
        "title": "Règlement (UE) 2021/1060",
        "article": "art. 63(2)",
        "url": "https://eur-lex.europa.eu/eli/reg/2021/1060/oj",
        "reliability": "verified",
    }
    assert Basis("CGCT", reliability="inferred").to_dict() == {
        "title": "CGCT",
        "reliability": "inferred",
    }


def test_from_dict_round_trip() -> None:
    assert Basis.from_dict(CPR.to_dict()) == CPR
    assert Basis.from_dict({"title": "CGCT"}) == Basis("CGCT")


def test_frozen_and_hashable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        CPR.title = "other"  # type: ignore[misc]
    assert len({CPR, Basis.from_dict(CPR.to_dict())}) == 1


@pytest.mark.parametrize("title", ["", "   ", None, 12])
def test_title_required(title: object) -> None:
    with pytest.raises(
        InvalidArgument, match=rf"Basis.title: expected the non-empty .*got {title!r}"
    ):
        Basis(title)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["article", "url"])
def test_optional_fields_are_strings(field: str) -> None:
    with pytest.raises(
        InvalidArgument, match=rf"Basis.{field}: expected a string or None, got the int 63"
    ):
        Basis("CGCT", **{field: 63})  # type: ignore[arg-type]


@pytest.mark.parametrize("reliability", ["V", "sure", "", 1])
def test_reliability(reliability: object) -> None:
    with pytest.raises(
        InvalidArgument, match=r"Basis.reliability: expected None or one of 'verified', 'press'"
    ) as info:
        Basis("CGCT", reliability=reliability)  # type: ignore[arg-type]
    assert repr(reliability) in str(info.value)


def test_from_dict_errors() -> None:
    with pytest.raises(InvalidArgument, match=r"unknown basis key.*'articel'.*expected only title"):
        Basis.from_dict({"title": "CGCT", "articel": "L1111-10"})
    with pytest.raises(InvalidArgument, match=r"a basis needs a title, got only \['article'\]"):
        Basis.from_dict({"article": "L1111-10"})
    with pytest.raises(
        InvalidArgument, match=r"expected a basis as a table with a title, got the str"
    ):
        Basis.from_dict("CGCT")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"Basis.url: expected a string or None"):
        Basis.from_dict({"title": "CGCT", "url": 1})
    with pytest.raises(InvalidArgument, match=r"unknown basis key"):
        Basis.from_dict({"title": "CGCT", 1: "x", "b": "y"})  # type: ignore[dict-item]


text = st.text(min_size=1).filter(str.strip)


@given(
    text,
    st.none() | st.text(),
    st.none() | st.text(),
    st.none() | st.sampled_from(RELIABILITIES),
)
def test_dict_round_trip(title: str, article: str | None, url: str | None, rel: str | None) -> None:
    basis = Basis(title, article, url, rel)
    assert Basis.from_dict(basis.to_dict()) == basis
    assert all(isinstance(value, str) for value in basis.to_dict().values())


def test_docstring_examples() -> None:
    results = doctest.testmod(grantrules.basis, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0
