"""Portfolio rules over the projection."""

from __future__ import annotations

import datetime
from typing import Any

from grantrules.basis import Basis
from grantrules.call.portfolio import (
    DeMinimis,
    Item,
    MaxPerGroup,
    SameApplicant,
    check_portfolio,
)
from grantrules.call.projection import ApplicationStatus
from grantrules.money import Euro


def item(
    i: int,
    siren: str,
    status: str = "committed",
    day: str = "2025-03-01",
    award: str = "100000.00",
    **applicant: Any,
) -> Item:
    app = ApplicationStatus(
        f"A{i}",
        "x",
        siren,
        datetime.date.fromisoformat(day),
        i,
        status,
        outcome="eligible",
        award=Euro(award),
    )
    document = {"applicant": {"siren": siren, **applicant}}
    return Item(app, document, status not in ("rejected", "withdrawn", "closed"))


def test_same_applicant_only_counts_open_applications() -> None:
    items = [item(1, "1"), item(2, "1", status="withdrawn"), item(3, "2"), item(4, "2")]
    (flag,) = check_portfolio([SameApplicant()], items)
    assert flag.applications == ("A3", "A4")
    assert not flag.blocking
    assert flag.to_json()["basis"]["title"]


def test_de_minimis_window_and_ceiling() -> None:
    prior = [
        {"granted_on": "2022-03-02", "amount": "150000.00"},
        {"granted_on": "2022-03-01", "amount": "900000.00"},
    ]
    rule = DeMinimis(Euro("300000.00"))
    ok = [item(1, "1", economic_activity=True, prior_de_minimis=prior)]
    assert list(rule.check(ok)) == []
    over = [*ok, item(2, "1", award="50000.01", economic_activity=True, prior_de_minimis=prior)]
    (flag,) = rule.check(over)
    assert "300000.01" in flag.message_en
    assert flag.blocking
    not_concerned = [item(1, "1", award="900000.00", economic_activity=False)]
    assert list(rule.check(not_concerned)) == []
    rejected = [item(1, "1", status="rejected", award="900000.00", economic_activity=True)]
    assert list(rule.check(rejected)) == []
    unreadable = [item(1, "1", economic_activity=True, prior_de_minimis=[{"amount": 1.5}])]
    (flag,) = rule.check(unreadable)
    assert "?" in flag.message_fr


def test_de_minimis_on_29_february() -> None:
    prior = [{"granted_on": "2021-02-28", "amount": "250000.00"}]
    items = [item(1, "1", day="2024-02-29", economic_activity=True, prior_de_minimis=prior)]
    assert list(DeMinimis(Euro("300000.00")).check(items)) == []


def test_max_per_departement() -> None:
    rule = MaxPerGroup(
        "quota.departement",
        "applicant.commune_code",
        1,
        Basis("Règlement de l'appel", "art. 4"),
        key_length=2,
    )
    items = [
        item(1, "1", commune_code="59350"),
        item(2, "2", commune_code="59001"),
        item(3, "3", commune_code="62041"),
        item(4, "4"),
    ]
    (flag,) = rule.check(items)
    assert flag.applications == ("A1", "A2")
    assert "59" in flag.message_en
