"""A made-up municipal sports-equipment grant: the library's own test scheme.

It exercises every feature without the AMI: dated parameters (the rate drops from 50 % to
40 % on 2025-07-01), two scheme versions, a rate with a labelled exception (youth clubs), a
per-beneficiary ceiling, an optional input (membership), a criterion exception (handisport
clubs need fewer members), a warning, a derived value and an obligation.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

import attrs

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.expressions import collection, const, count, field, minimum, param, sum_of, when
from grantrules.model import Applicant, Application, CostLine, Project
from grantrules.money import DOWN, Euro
from grantrules.parameters import load_parameters
from grantrules.rules import Criterion, Obligation, Override, Severity
from grantrules.scheme import Metadata, Perimeter, Scheme, SchemeVersion

HERE = Path(__file__).parent
BASIS = Basis("Délibération du conseil municipal n° 2024-112", url="https://example.org/delib")


@attrs.frozen(kw_only=True)
class SportsApplicant(Applicant):
    members: int | None = None
    youth_club: bool = False


@attrs.frozen(kw_only=True)
class SportsCostLine(CostLine):
    category: Literal["equipment", "installation", "travel"]


@attrs.frozen(kw_only=True)
class SportsApplication(Application):
    applicant: SportsApplicant
    costs: tuple[SportsCostLine, ...] = ()


costs = collection("costs")
applicant = field("applicant")

total_cost = Amount(
    "total_cost",
    sum_of(costs.amount_excl_vat),
    basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 5"),
    label={"fr": "le coût total", "en": "the total cost"},
)
eligible_cost = Amount(
    "eligible_cost",
    sum_of(costs.amount_excl_vat, where=costs.category.is_in(param("eligible_categories"))),
    basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 5"),
    label={"fr": "le coût éligible", "en": "the eligible cost"},
)
award = Amount(
    "award",
    minimum(param("grant_rate").of(eligible_cost, rounding=DOWN), param("ceiling")),
    rounding=DOWN,
    basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 3 et 4"),
    label={"fr": "la subvention", "en": "the grant"},
    exceptions=[
        Override(
            "youth",
            when=applicant.youth_club == True,  # noqa: E712 - builds an expression
            then=minimum(param("youth_rate").of(eligible_cost, rounding=DOWN), param("ceiling")),
        )
    ],
)

CRITERIA = (
    Criterion(
        "applicant.association",
        applicant.legal_category.is_in(param("eligible_legal_categories")),
        basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 1"),
        failed={
            "fr": "La catégorie juridique {applicant.legal_category} n'est pas associative.",
            "en": "Legal category {applicant.legal_category} is not an association.",
        },
    ),
    Criterion(
        "applicant.members",
        applicant.members >= param("min_members"),
        basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 2"),
        failed={
            "fr": "Le club compte {applicant.members} adhérents, il en faut {min_members}.",
            "en": "The club has {applicant.members} members; {min_members} are required.",
        },
        exceptions=[
            Override(
                "handisport",
                when=const("handisport").is_in(field("project.tags")),
                then=applicant.members >= param("min_members_handisport"),
            )
        ],
    ),
    Criterion(
        "call.window",
        field("submitted_on").within(param("window")),
        basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 6"),
        failed={
            "fr": "Demande hors délai ({submitted_on}).",
            "en": "Late application ({submitted_on}).",
        },
    ),
    Criterion(
        "project.min_cost",
        total_cost >= param("min_cost"),
        basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 2"),
        failed={
            "fr": "Le coût total ({total_cost}) est inférieur à {min_cost}.",
            "en": "The total cost ({total_cost}) is below {min_cost}.",
        },
    ),
    Criterion(
        "costs.travel",
        count(costs, where=costs.category == "travel") == 0,
        severity=Severity.WARNING,
        basis=Basis("Délibération du conseil municipal n° 2024-112", "art. 5"),
        failed={
            "fr": "Les frais de déplacement ne sont pas subventionnés.",
            "en": "Travel costs are not funded.",
        },
    ),
)

OBLIGATIONS = (
    Obligation(
        "publicity.logo",
        {
            "fr": "Apposer le logo de la ville sur les équipements financés.",
            "en": "Display the city's logo on the funded equipment.",
        },
        Basis("Délibération du conseil municipal n° 2024-112", "art. 8"),
    ),
)

PARAMETERS = load_parameters(HERE / "sports.toml")

VERSION_2025 = SchemeVersion(
    valid_from=datetime.date(2025, 1, 1),
    parameters=PARAMETERS,
    criteria=CRITERIA,
    amounts=(award, total_cost, eligible_cost),
    award="award",
    obligations=OBLIGATIONS,
    derived={"size": when(total_cost >= Euro("10000.00"), "large", "small")},
    labels={
        "field:applicant.legal_category": {
            "fr": "la catégorie juridique",
            "en": "the legal category",
        },
        "field:applicant.members": {"fr": "le nombre d'adhérents", "en": "the membership"},
    },
)

# From 2026 the city also funds clubs' first aid kits: a second version with one more rule.
VERSION_2026 = attrs.evolve(
    VERSION_2025,
    valid_from=datetime.date(2026, 1, 1),
    criteria=(
        *CRITERIA,
        Criterion(
            "applicant.insured",
            field("applicant.youth_club") | (total_cost <= Euro("50000.00")),
            basis=Basis("Délibération du conseil municipal n° 2025-200", "art. 1"),
            failed={"fr": "Projet trop important.", "en": "Project too large."},
        ),
    ),
)

SCHEME = Scheme(
    id="sports-equipment",
    metadata=Metadata(
        name={"fr": "Aide à l'équipement sportif", "en": "Sports equipment grant"},
        targeted_audiences=("association",),
        perimeter=Perimeter(scale="commune", code="99999", name="Exempleville"),
        financers=("Ville d'Exempleville",),
        subvention_rate_lower_bound=40,
        subvention_rate_upper_bound=70,
    ),
    versions=(VERSION_2025, VERSION_2026),
    application_type=SportsApplication,
)


def application(**changes: object) -> SportsApplication:
    """An eligible application; keyword arguments replace top-level fields."""
    base = SportsApplication(
        id="SPORT-1",
        submitted_on=datetime.date(2025, 3, 14),
        applicant=SportsApplicant(
            name="Union sportive d'Exempleville",
            siren="775672272",
            legal_category="9220",
            commune_code="99999",
            members=120,
        ),
        project=Project(
            title="Tapis de judo",
            start_date=datetime.date(2025, 4, 1),
            end_date=datetime.date(2025, 9, 30),
        ),
        costs=(
            SportsCostLine(category="equipment", label="Tapis", amount_excl_vat=Euro("8000.00")),
            SportsCostLine(category="installation", label="Pose", amount_excl_vat=Euro("2000.01")),
        ),
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]
