"""Small schemes and documents for examples and tests, needing no installed scheme.

The docstring examples of grantrules read them (they lived in the production modules as
private fixtures); tests and a scheme author's own examples may too.  Each call builds new
objects, so that a test may change one without touching another's.

>>> from grantrules.evaluate import evaluate
>>> evaluate(example_scheme(), example_document(), lang="en").award
Euro('600.00')

.. versionadded:: 0.3
"""

from __future__ import annotations

import datetime
from typing import Any

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.expressions import collection, const, param, sum_of
from grantrules.money import Euro, Rate
from grantrules.parameters import DatedValue, Parameter, ParameterSet
from grantrules.rules import Criterion
from grantrules.scheme import Metadata, Perimeter, Scheme, SchemeVersion

__all__ = ["dated_example_scheme", "example_document", "example_parameters", "example_scheme"]


def example_scheme() -> Scheme:
    """A one-criterion scheme with no parameter: half of the total cost, which must be
    positive (criterion ``cost.positive``); its application model is the generic one.

    >>> scheme = example_scheme()
    >>> scheme.id, [c.id for c in scheme.versions[0].criteria]
    ('example', ['cost.positive'])
    """
    costs = collection("costs")
    total = Amount("total", sum_of(costs.amount_excl_vat), basis=Basis("Example"))
    award = Amount("award", const(Rate("50%")).of(total), basis=Basis("Example"))
    version = SchemeVersion(
        valid_from=datetime.date(2025, 1, 1),
        parameters=ParameterSet({}),
        criteria=[
            Criterion(
                "cost.positive",
                total > Euro.ZERO,
                basis=Basis("Example"),
                failed={"fr": "Aucun coût.", "en": "No cost."},
            )
        ],
        amounts=[total, award],
        award="award",
    )
    return Scheme(
        id="example", metadata=Metadata(name={"fr": "Exemple", "en": "Example"}), versions=[version]
    )


def example_document() -> dict[str, Any]:
    """A valid application document of :func:`example_scheme` (and of
    :func:`dated_example_scheme`): one cost line of 1,200.00, submitted on 14 March 2025.

    >>> example_document()["costs"]
    [{'category': 'staff', 'label': 'Staff', 'amount_excl_vat': '1200.00'}]
    """
    return {
        "id": "A-1",
        "submitted_on": "2025-03-14",
        "applicant": {
            "name": "Ville de Lille",
            "siren": "215903501",
            "legal_category": "7210",
            "commune_code": "59350",
        },
        "project": {"title": "T", "start_date": "2025-06-01", "end_date": "2026-05-31"},
        "costs": [{"category": "staff", "label": "Staff", "amount_excl_vat": "1200.00"}],
    }


def example_parameters() -> ParameterSet:
    """One parameter, ``feder_rate``: 60 % from 1 November 2024.

    >>> example_parameters().at(datetime.date(2025, 3, 14))
    {'feder_rate': Rate('0.6')}
    """
    value = DatedValue(
        datetime.date(2024, 11, 1), Rate("60%"), "rate", Basis("Délibération n° 2024-112")
    )
    return ParameterSet({"feder_rate": Parameter("feder_rate", (value,), "rate")})


def dated_example_scheme() -> Scheme:
    """A municipal equipment grant at a dated rate (:func:`example_parameters`) of the total
    cost, which must be positive (criterion ``project.has_costs``).

    >>> dated_example_scheme().metadata.perimeter
    Perimeter(scale='commune', code='99999', name='Exempleville')
    """
    basis = Basis("Délibération n° 2024-112", "art. 3")
    costs = collection("costs")
    total = Amount(
        "total_cost",
        sum_of(costs.amount_excl_vat),
        basis=basis,
        label={"fr": "le coût total", "en": "the total cost"},
    )
    award = Amount("award", param("feder_rate").of(total), basis=basis)
    version = SchemeVersion(
        valid_from=datetime.date(2024, 11, 1),
        parameters=example_parameters(),
        criteria=[
            Criterion(
                "project.has_costs",
                total > Euro.ZERO,
                basis=basis,
                failed={"fr": "Aucune dépense.", "en": "No cost."},
            )
        ],
        amounts=[total, award],
        award="award",
    )
    return Scheme(
        id="exempleville-equipement",
        metadata=Metadata(
            name={"fr": "Aide à l'équipement", "en": "Equipment grant"},
            perimeter=Perimeter(scale="commune", code="99999", name="Exempleville"),
        ),
        versions=[version],
    )
