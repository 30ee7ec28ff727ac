"""The State's rural investment grant to communes and EPCI (DETR), in one département.

The *dotation d'équipement des territoires ruraux* (CGCT L2334-32 ff., R2334-19 ff.) funds
the investments of rural communes and EPCI.  The prefect of the département awards it, within
categories and rates fixed by a commission of elected members, and decides the amount: here
an instructor input, up to a maximum that the rules compute (the commission's maximum rate,
and the 20 % the project owner must keep, CGCT L1111-10 III), rounded down to the euro.

>>> from grantrules import load_scheme
>>> load_scheme("detr").metadata.subvention_rate_upper_bound
80
"""

from __future__ import annotations

import datetime
import functools
from importlib.resources import files

from detr import rules
from detr.model import (
    CostCategory,
    DetrApplication,
    FinancingSource,
    Operation,
    OwnShareDerogation,
)
from grantrules.authoring import (
    Basis,
    MaxPerGroup,
    Metadata,
    Perimeter,
    Scheme,
    SchemeVersion,
    code_labels,
    load_parameters,
)

__all__ = ["DetrApplication", "scheme"]

OPEN_QUESTIONS = (
    {
        "fr": "Les catégories d'opérations prioritaires, les taux minimal et maximal (20 % et "
        "80 % ici, un seul couple pour toutes les catégories), le seuil de dépense et le nombre "
        "de dossiers par demandeur sont fixés chaque année par la commission d'élus du "
        "département : nos valeurs sont des hypothèses.",
        "en": "The priority categories, the minimum and maximum rates (20 % and 80 % here, "
        "one pair for every category), the cost floor and the number of applications per "
        "applicant are set each year by the département's commission: our values are "
        "hypotheses.",
    },
    {
        "fr": "Le seuil de potentiel financier par habitant (1,3 fois la moyenne de la strate) "
        "est celui de 2011 ; la DGCL publie chaque année le chiffre à jour.",
        "en": "The financial-potential threshold (1.3 times the size-class average) is the "
        "2011 figure; the DGCL publishes the current one every year.",
    },
    {
        "fr": "Le critère de densité des EPCI (moins de 150 habitants au km², loi de finances "
        "pour 2019), les syndicats de communes et syndicats mixtes, les communes nouvelles et "
        "l'outre-mer ne sont pas encodés.",
        "en": "The EPCI density criterion (below 150 inhabitants per km², 2019 finance act), "
        "syndicates, new communes and overseas départements are not encoded.",
    },
    {
        "fr": "Une dérogation du préfet pour les monuments, le patrimoine non protégé ou une "
        "calamité publique lève ici toute participation minimale ; le préfet pourrait aussi "
        "fixer une part intermédiaire.",
        "en": "A prefect's derogation for monuments, unprotected heritage or a public "
        "calamity lifts the minimum share entirely here; the prefect could also set an "
        "intermediate share.",
    },
    {
        "fr": "L'arrondi à l'euro inférieur de la subvention suit l'usage des arrêtés "
        "attributifs ; aucun texte ne l'impose.",
        "en": "Rounding the grant down to the euro follows the practice of award decisions; "
        "no text requires it.",
    },
)


def _labels() -> dict[str, dict[str, str]]:
    return {
        **code_labels(
            FinancingSource,
            {
                "detr": {"fr": "DETR", "en": "DETR"},
                "own_funds": {"fr": "autofinancement", "en": "own funds"},
                "dsil": {"fr": "DSIL", "en": "DSIL"},
                "region": {"fr": "Région", "en": "Region"},
                "department": {"fr": "Département", "en": "Département"},
                "eu": {"fr": "fonds européens", "en": "EU funds"},
                "other_public": {"fr": "autres financements publics", "en": "other public funding"},
                "private": {"fr": "financements privés", "en": "private funding"},
            },
        ),
        **code_labels(
            CostCategory,
            {
                "operating": {"fr": "fonctionnement", "en": "operating costs"},
                "maintenance": {"fr": "entretien courant", "en": "routine maintenance"},
            },
        ),
        **code_labels(Operation, {"other": {"fr": "autre opération", "en": "other operation"}}),
        **code_labels(
            OwnShareDerogation,
            {
                "school_energy_renovation": {
                    "fr": "rénovation énergétique des bâtiments scolaires",
                    "en": "energy renovation of school buildings",
                },
                "protected_heritage": {"fr": "monument protégé", "en": "protected monument"},
                "unprotected_heritage": {
                    "fr": "patrimoine non protégé",
                    "en": "unprotected heritage",
                },
                "public_calamity": {"fr": "calamité publique", "en": "public calamity"},
            },
        ),
        "field:applicant.legal_category": {
            "fr": "la catégorie juridique",
            "en": "the legal category",
        },
        "field:applicant.commune_code": {"fr": "la commune du siège", "en": "the seat's commune"},
        "field:applicant.population": {"fr": "la population DGF", "en": "the DGF population"},
        "field:applicant.financial_potential_per_inhabitant": {
            "fr": "le potentiel financier par habitant",
            "en": "the financial potential per inhabitant",
        },
        "field:applicant.members": {
            "fr": "les communes membres",
            "en": "the member communes",
            "number": "plural",
        },
        "field:applicant.members[].population": {"fr": "la population", "en": "the population"},
        "field:applicant.members[].commune_code": {"fr": "la commune", "en": "the commune"},
        "field:applicant.single_piece_territory": {
            "fr": "le territoire d'un seul tenant",
            "en": "the territory in one piece",
        },
        "field:submitted_on": {"fr": "la date de dépôt", "en": "the submission date"},
        "field:project.operation": {"fr": "l'opération", "en": "the operation"},
        "field:project.start_date": {"fr": "la date de début", "en": "the start date"},
        "field:project.end_date": {"fr": "la date de fin", "en": "the end date"},
        "field:costs": {"fr": "les dépenses", "en": "the costs", "number": "plural"},
        "field:costs[].amount_excl_vat": {"fr": "le montant HT", "en": "the amount excl. VAT"},
        "field:costs[].category": {"fr": "la catégorie", "en": "the category"},
        "field:costs[].label": {"fr": "le libellé", "en": "the label"},
        "field:financing": {
            "fr": "les financements",
            "en": "the financing lines",
            "number": "plural",
        },
        "field:financing[].amount": {"fr": "le montant", "en": "the amount"},
        "field:financing[].source": {"fr": "la source", "en": "the source"},
        "field:instruction.granted_amount": {
            "fr": "le montant retenu par le préfet",
            "en": "the amount the prefect granted",
        },
        "field:instruction.own_share_derogation": {
            "fr": "la dérogation accordée par le préfet",
            "en": "the derogation the prefect granted",
        },
    }


@functools.cache
def scheme() -> Scheme:
    """The scheme, built once (the entry point of ``grantrules.schemes``)."""
    parameters = load_parameters(files("detr") / "parameters.toml")
    campaign_2025 = datetime.date(2024, 10, 1)
    version = SchemeVersion(
        valid_from=campaign_2025,
        parameters=parameters,
        criteria=rules.criteria(),
        amounts=rules.amounts(),
        award="award",
        obligations=rules.obligations(),
        derived=rules.derived(),
        labels=_labels(),
        note="First encoding, from the CGCT and the DGCL's presentation of the DETR.",
    )
    return Scheme(
        id="detr",
        metadata=Metadata(
            name={
                "fr": "Dotation d'équipement des territoires ruraux (DETR) — Somme",
                "en": "Rural investment grant (DETR) — Somme",
            },
            short_title="DETR 80",
            description={
                "fr": "Subvention de l'État aux investissements des communes rurales et de "
                "leurs groupements, attribuée par le préfet de département.",
                "en": "The State's grant to the investments of rural communes and their "
                "groupings, awarded by the prefect of the département.",
            },
            targeted_audiences=("commune", "epci"),
            perimeter=Perimeter(scale="department", code="80", name="Somme"),
            aid_types=("grant",),
            destinations=("works", "supply"),
            financers=("État (ministère de l'Intérieur, DGCL)",),
            instructors=("Préfecture de la Somme",),
            programs=("Dotation d'équipement des territoires ruraux (DETR)",),
            subvention_rate_lower_bound=20,
            subvention_rate_upper_bound=80,
            is_call_for_project=True,
            recurrence="recurring",
            origin_url=rules.DGCL,
            open_questions=OPEN_QUESTIONS,
        ),
        versions=(version,),
        application_type=DetrApplication,
        allocation="first_come_first_served",
        envelope_parameter="envelope",
        portfolio=(
            MaxPerGroup(
                "portfolio.per_applicant",
                "applicant.siren",
                parameters.value("max_applications_per_applicant", campaign_2025, int),
                Basis(
                    "Règlement départemental de la DETR (hypothèse)",
                    "nombre de dossiers par collectivité",
                    reliability="inferred",
                ),
                message_fr="{count} dossiers du demandeur {key} (au plus {maximum}) : "
                "{applications}.",
                message_en="{count} applications from applicant {key} (at most {maximum}): "
                "{applications}.",
            ),
        ),
    )
