"""Tests of grantrules.registry: installed schemes found through entry points."""

from __future__ import annotations

import pytest

from grantrules.errors import GrantRulesError, SchemeNotFound
from grantrules.registry import installed_schemes, load_scheme
from grantrules.scheme import Scheme


def test_installed_schemes_lists_the_ami() -> None:
    found = installed_schemes()
    assert "ami-ia-hdf" in found
    assert list(found) == sorted(found)


def test_load_scheme_gives_the_scheme_with_its_distribution() -> None:
    scheme = load_scheme("ami-ia-hdf")
    assert isinstance(scheme, Scheme)
    assert scheme.id == "ami-ia-hdf"
    assert scheme.distribution is not None
    assert scheme.distribution[0] == "grantrules-ami-ia-hdf"
    assert scheme.distribution[1]  # a version string


def test_load_scheme_is_cached() -> None:
    assert load_scheme("ami-ia-hdf") is load_scheme("ami-ia-hdf")


def test_unknown_scheme_lists_the_installed_ones() -> None:
    with pytest.raises(SchemeNotFound, match="'nope'") as info:
        load_scheme("nope")
    for scheme_id in installed_schemes():
        assert scheme_id in str(info.value)
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, GrantRulesError)
    assert info.value.code == "scheme-not-found"


def test_unknown_scheme_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        load_scheme("ami-ia")
