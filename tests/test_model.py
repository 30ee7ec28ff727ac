"""Tests of grantrules.model: the generic application model and its input checks."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantrules.model import (
    Applicant,
    Application,
    CostLine,
    FinancingLine,
    Project,
    luhn_valid,
)
from grantrules.money import Euro

LILLE = {
    "name": "Ville de Lille",
    "siren": "215903501",
    "legal_category": "7210",
    "commune_code": "59350",
}


def applicant(**changes: Any) -> Applicant:
    return Applicant(**{**LILLE, **changes})


def project(**changes: Any) -> Project:
    fields: dict[str, Any] = {
        "title": "Assistant de rédaction",
        "start_date": datetime.date(2025, 6, 1),
        "end_date": datetime.date(2026, 5, 31),
    }
    return Project(**{**fields, **changes})


# --- SIREN ---------------------------------------------------------------------------------


def test_valid_siren_is_accepted() -> None:
    assert applicant().siren == "215903501"


def test_siren_failing_luhn_is_refused() -> None:
    with pytest.raises(ValueError, match="Luhn"):
        applicant(siren="215903502")


@pytest.mark.parametrize("siren", ["21590350", "2159035010", "21590350A", "", "２１５９０３５０１"])
def test_siren_must_be_nine_ascii_digits(siren: str) -> None:
    with pytest.raises(ValueError, match="9 digits"):
        applicant(siren=siren)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("215903501", True),  # Ville de Lille
        ("775672272", True),
        ("215903502", False),
        ("732829320", True),
        ("732829321", False),
        ("0", True),
        ("18", True),
        ("81", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def _luhn_check_digit(body: str) -> str:
    """The digit that completes ``body`` into a Luhn-valid number (textbook algorithm)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


@given(body=st.text(alphabet="0123456789", max_size=20))
def test_luhn_of_any_length_agrees_with_the_textbook_algorithm(body: str) -> None:
    # luhn_valid sums bytes; the textbook loop gives the check digit of each prefix.
    for end in range(len(body)):
        assert luhn_valid(body[:end] + _luhn_check_digit(body[:end]))
    assert luhn_valid(body) is (body[-1:] == _luhn_check_digit(body[:-1]) if body else True)


def test_luhn_of_non_ascii_digits_takes_the_loop() -> None:
    assert luhn_valid("٢١٥٩٠٣٥٠١") is luhn_valid("215903501") is True  # Arabic-Indic digits


@given(body=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_check_digit_completes_a_siren(body: str) -> None:
    valid = [d for d in "0123456789" if luhn_valid(body + d)]
    assert valid == [_luhn_check_digit(body)]
    if body + valid[0] == "000000000":
        # Luhn-valid, but never allocated: refused on its own (issue 15).
        with pytest.raises(ValueError, match="not a real SIREN"):
            applicant(siren="000000000")
        return
    assert applicant(siren=body + valid[0]).siren == body + valid[0]


# --- Codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["7210", "9220", "0000"])
def test_legal_category_of_four_digits(category: str) -> None:
    assert applicant(legal_category=category).legal_category == category


@pytest.mark.parametrize("category", ["721", "72100", "72A0", "", " 7210", "7210\n"])
def test_legal_category_pattern(category: str) -> None:
    with pytest.raises(ValueError, match="INSEE legal category"):
        applicant(legal_category=category)


@pytest.mark.parametrize("code", ["59350", "2A004", "2B033", "97411", "01001"])
def test_commune_code_accepts_corsica(code: str) -> None:
    assert applicant(commune_code=code).commune_code == code


@pytest.mark.parametrize("code", ["5935", "593500", "2C004", "2a004", "A2004", "59 350", "59350\n"])
def test_commune_code_pattern(code: str) -> None:
    with pytest.raises(ValueError, match="INSEE commune code"):
        applicant(commune_code=code)


# --- Blank texts and negative amounts ---------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_blank_applicant_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        applicant(name=name)


def test_blank_project_title_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        project(title=" ")


def test_blank_cost_label_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        CostLine(category="staff", label="", amount_excl_vat=Euro("1.00"))


def test_blank_application_id_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        Application(
            id=" ",
            submitted_on=datetime.date(2025, 3, 14),
            applicant=applicant(),
            project=project(),
        )


@pytest.mark.parametrize("field_name", ["amount_excl_vat", "vat"])
def test_negative_cost_amounts_are_refused(field_name: str) -> None:
    values: dict[str, Any] = {"amount_excl_vat": Euro("10.00"), field_name: Euro("-0.01")}
    with pytest.raises(ValueError, match="must not be negative"):
        CostLine(category="staff", label="Salaire", **values)


def test_negative_financing_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        FinancingLine(source="feder", amount=Euro("-1.00"))


def test_zero_amounts_are_accepted() -> None:
    line = CostLine(category="staff", label="Bénévolat", amount_excl_vat=Euro("0.00"))
    assert line.vat == Euro("0.00")
    assert line.vat_recoverable is False
    assert FinancingLine(source="own_funds", amount=Euro("0.00")).funder is None


# --- Shape -----------------------------------------------------------------------------------


def test_application_defaults_and_immutability() -> None:
    app = Application(
        id="A-1",
        submitted_on=datetime.date(2025, 3, 14),
        applicant=applicant(),
        project=project(),
    )
    assert (app.costs, app.financing, app.project.tags, app.project.description) == ((), (), (), "")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        app.id = "A-2"  # type: ignore[misc]


def test_fields_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Applicant("Ville de Lille", "215903501", "7210", "59350")  # type: ignore[call-arg]


def test_a_scheme_can_extend_the_model() -> None:
    @attrs.frozen(kw_only=True)
    class ClubApplicant(Applicant):
        members: int | None = None

    club = ClubApplicant(**LILLE, members=12)
    assert isinstance(club, Applicant)
    assert club.members == 12
    with pytest.raises(ValueError, match="Luhn"):
        ClubApplicant(**{**LILLE, "siren": "215903502"}, members=12)
