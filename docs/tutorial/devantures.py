"""Aide à la rénovation des devantures commerciales: the scheme of the tutorial.

A made-up municipal grant of the Ville d'Exempleville: 50 % of the eligible works (40 % from
2026), 70 % in the heritage area, at most 8,000.00 per shop, for businesses of at most 10
employees.  The documentation builds it step by step (docs/tutorial/first-scheme.md); the
comments ``# [name]`` / ``# [/name]`` delimit the parts it shows.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

import attrs

from grantrules import (
    DOWN,
    Amount,
    Applicant,
    Application,
    Basis,
    CostLine,
    Criterion,
    Metadata,
    Obligation,
    Override,
    Perimeter,
    Scheme,
    SchemeVersion,
    Severity,
    collection,
    count,
    field,
    load_parameters,
    minimum,
    param,
    sum_of,
)

HERE = Path(__file__).parent


# [model]
@attrs.frozen(kw_only=True)
class ShopApplicant(Applicant):
    """The business that owns or rents the shop."""

    employees: int | None = None  # optional in the form: a missing value is reported
    heritage_area: bool = False  # the shop lies in the site patrimonial remarquable


@attrs.frozen(kw_only=True)
class ShopCostLine(CostLine):
    """One quote for the works."""

    category: Literal["facade", "signage", "lighting", "furniture"]


@attrs.frozen(kw_only=True)
class ShopApplication(Application):
    """An application to the shop-front grant."""

    applicant: ShopApplicant
    costs: tuple[ShopCostLine, ...] = ()


# [/model]

# [parameters]
PARAMETERS = load_parameters(HERE / "devantures.toml")
# [/parameters]

# [bases]
DELIBERATION = "Délibération n° 2024-57 du conseil municipal d'Exempleville"
ART_2 = Basis(DELIBERATION, "art. 2", url="https://exempleville.example/deliberations/2024-57")
ART_3 = Basis(DELIBERATION, "art. 3", url="https://exempleville.example/deliberations/2024-57")
ART_4 = Basis(DELIBERATION, "art. 4 et 5", url="https://exempleville.example/deliberations/2024-57")
ART_4_2 = Basis(DELIBERATION, "art. 4-2", url="https://exempleville.example/deliberations/2024-57")
ART_6 = Basis(DELIBERATION, "art. 6", url="https://exempleville.example/deliberations/2024-57")
ART_7 = Basis(DELIBERATION, "art. 7", url="https://exempleville.example/deliberations/2024-57")
# [/bases]

# [amounts]
applicant = field("applicant")
costs = collection("costs")
is_eligible_work = costs.category.is_in(param("eligible_categories"))

total_cost = Amount(
    "total_cost",
    sum_of(costs.amount_excl_vat),
    basis=ART_3,
    label={"fr": "le coût total", "en": "the total cost"},
)
eligible_cost = Amount(
    "eligible_cost",
    sum_of(costs.amount_excl_vat, where=is_eligible_work),
    basis=ART_3,
    label={"fr": "le coût éligible", "en": "the eligible cost"},
)
# [/amounts]

# [award]
award = Amount(
    "award",
    minimum(param("rate").of(eligible_cost, rounding=DOWN), param("ceiling")),
    rounding=DOWN,
    basis=ART_4,
    label={"fr": "l'aide", "en": "the award"},
    exceptions=[
        Override(
            "heritage",
            when=applicant.heritage_area.is_true(),
            then=minimum(param("heritage_rate").of(eligible_cost, rounding=DOWN), param("ceiling")),
            basis=ART_4_2,
        )
    ],
)
# [/award]

# [criteria]
CRITERIA = (
    Criterion(
        "applicant.small_business",
        applicant.employees <= param("max_employees"),
        basis=ART_2,
        title={"fr": "Petite entreprise", "en": "Small business"},
        failed={
            "fr": "L'entreprise compte {applicant.employees} salariés ; "
            "l'aide est réservée aux entreprises de {max_employees} salariés au plus.",
            "en": "The business has {applicant.employees} employees; "
            "the grant is for businesses of at most {max_employees}.",
        },
        passed={
            "fr": "L'entreprise compte {applicant.employees} salariés.",
            "en": "The business has {applicant.employees} employees.",
        },
    ),
    Criterion(
        "applicant.location",
        applicant.commune_code == param("commune"),
        basis=ART_2,
        title={"fr": "Commerce situé à Exempleville", "en": "Shop in Exempleville"},
        failed={
            "fr": "Le commerce (commune {applicant.commune_code}) n'est pas à Exempleville.",
            "en": "The shop (commune {applicant.commune_code}) is not in Exempleville.",
        },
    ),
    Criterion(
        "call.window",
        field("submitted_on").within(param("window")),
        basis=ART_6,
        title={"fr": "Période de dépôt", "en": "Submission window"},
        failed={
            "fr": "Demande déposée le {submitted_on}, hors de la période {window}.",
            "en": "Application submitted on {submitted_on}, outside the window {window}.",
        },
    ),
    Criterion(
        "project.min_cost",
        total_cost >= param("min_cost"),
        basis=ART_3,
        title={"fr": "Montant minimal des travaux", "en": "Minimum cost of the works"},
        failed={
            "fr": "Le coût total ({total_cost}) n'atteint pas {min_cost}.",
            "en": "The total cost ({total_cost}) is below {min_cost}.",
        },
    ),
    Criterion(
        "costs.furniture",
        count(costs, where=~is_eligible_work) == 0,
        severity=Severity.WARNING,
        basis=ART_3,
        title={"fr": "Mobilier", "en": "Furniture"},
        failed={
            "fr": "Le mobilier n'est pas subventionné : il est exclu du coût éligible.",
            "en": "Furniture is not funded: it is left out of the eligible cost.",
        },
    ),
)
# [/criteria]

# [scheme]
VERSION_2025 = SchemeVersion(
    valid_from=datetime.date(2025, 1, 1),
    parameters=PARAMETERS,
    criteria=CRITERIA,
    amounts=(total_cost, eligible_cost, award),
    award="award",
    obligations=(
        Obligation(
            "keep_shopfront",
            {
                "fr": "Conserver la devanture rénovée en l'état pendant cinq ans.",
                "en": "Keep the renovated shop front unchanged for five years.",
            },
            ART_7,
        ),
    ),
    labels={
        "field:applicant.employees": {"fr": "l'effectif", "en": "the headcount"},
        "field:applicant.commune_code": {"fr": "la commune", "en": "the commune"},
        "field:applicant.heritage_area": {
            "fr": "la situation en site patrimonial",
            "en": "the heritage-area location",
        },
        "field:submitted_on": {"fr": "la date de dépôt", "en": "the submission date"},
        "field:costs": {"fr": "les devis", "en": "the quotes"},
        "field:costs[].category": {"fr": "la catégorie", "en": "the category"},
        "field:costs[].amount_excl_vat": {"fr": "le montant HT", "en": "the amount excl. VAT"},
    },
)

scheme = Scheme(
    id="devantures-exempleville",
    metadata=Metadata(
        name={
            "fr": "Aide à la rénovation des devantures commerciales",
            "en": "Shop-front renovation grant",
        },
        targeted_audiences=("private_sector",),
        perimeter=Perimeter(scale="commune", code="99999", name="Exempleville"),
        financers=("Ville d'Exempleville",),
        subvention_rate_lower_bound=40,
        subvention_rate_upper_bound=70,
    ),
    versions=[VERSION_2025],
    application_type=ShopApplication,
)
# [/scheme]
