"""Broken variants of the sports test scheme for the analyser, beyond ``sports_variants``:
a criterion that can never fail, an exception that raises the rate above the scheme's cap,
and a scheme whose criteria cannot all be met."""

from __future__ import annotations

from types import ModuleType

import attrs

from grantrules.amounts import Amount
from grantrules.expressions import const, minimum, param
from grantrules.money import DOWN, Euro, Rate
from grantrules.rules import Criterion, Override
from grantrules.scheme import Scheme


def _versions(sports: ModuleType, **changes: object) -> Scheme:
    versions = [attrs.evolve(v, **changes) for v in sports.SCHEME.versions]  # type: ignore[arg-type]
    return attrs.evolve(sports.SCHEME, versions=versions)


def never_fails(sports: ModuleType) -> Scheme:
    """``project.min_cost`` reads ``total_cost >= 0.00``: cost lines are never negative."""
    criteria = [
        attrs.evolve(
            c,
            condition=sports.total_cost >= Euro("0.00"),
            failed={"fr": "Coût négatif.", "en": "Negative cost."},
        )
        if c.id == "project.min_cost"
        else c
        for c in sports.CRITERIA
    ]
    return _versions(sports, criteria=criteria)


def rate_above_cap(sports: ModuleType) -> Scheme:
    """The youth exception applies 90 %, above the scheme's 70 % maximum rate."""
    award: Amount = sports.award
    youth = Override(
        "youth",
        when=award.exceptions[0].when,
        then=minimum(const(Rate("90%")).of(sports.eligible_cost, rounding=DOWN), param("ceiling")),
    )
    amounts = [attrs.evolve(award, exceptions=[youth]), sports.total_cost, sports.eligible_cost]
    return _versions(sports, amounts=amounts)


def infeasible(sports: ModuleType) -> Scheme:
    """A second cost criterion that contradicts ``project.min_cost``."""
    cap = Criterion(
        "project.max_cost",
        sports.total_cost <= Euro("10.00"),
        basis=sports.BASIS,
        failed={"fr": "Projet trop coûteux.", "en": "Project too costly."},
    )
    return _versions(sports, criteria=[*sports.CRITERIA, cap])
