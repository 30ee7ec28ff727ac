"""The Hauts-de-France Region's investment aid to SMEs, under the General Block Exemption
Regulation (Regulation (EU) No 651/2014, art. 17, as amended by Regulation (EU) 2023/1315).

An undertaking of Hauts-de-France that is an SME within Annex I (its figures added to those
of its linked and partner enterprises) may receive a grant for its tangible and intangible
investment: the Region chooses the rate (an instructor input), up to the maximum intensity
of the size class (20 % for small enterprises, 10 % for medium-sized ones), within a ceiling
and the room left by the other public aid for the same costs (cumulation, art. 8), rounded
down to the euro.

>>> from grantrules import load_scheme
>>> load_scheme("pme-invest-hdf").metadata.subvention_rate_upper_bound
30
"""

from __future__ import annotations

import datetime
import functools
from importlib.resources import files
from typing import get_args

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
from pme_invest_hdf import rules
from pme_invest_hdf.model import (
    AidRate,
    CostCategory,
    FinancingSource,
    PmeApplication,
    Relation,
    Sector,
    SizeClass,
)

__all__ = ["PmeApplication", "scheme"]

OPEN_QUESTIONS = (
    {
        "fr": "Aucune délibération régionale n'a été consultée : le plafond (200 000 €), le "
        "seuil de dépenses (30 000 €), la fenêtre de dépôt, l'enveloppe et les dépenses "
        "retenues (ni occasion ni crédit-bail) sont des hypothèses.",
        "en": "No regional deliberation was available: the ceiling (EUR 200,000), the cost "
        "floor (EUR 30,000), the submission window, the envelope and the costs kept (no "
        "second-hand assets, no leasing) are hypotheses.",
    },
    {
        "fr": "La majoration de 10 points en zone d'aide à finalité régionale est une "
        "hypothèse documentée : l'article 17 n'en prévoit pas ; une PME en zone AFR "
        "relèverait plutôt de l'article 14.",
        "en": "The 10-point bonus in a regional-aid zone is a documented hypothesis: "
        "art. 17 has none; an SME in such a zone would rather receive aid under art. 14.",
    },
    {
        "fr": "L'effectif d'une entreprise partenaire est déclaré déjà proratisé, en UTA "
        "entières : grantrules n'a pas de nombre fractionnaire ni de produit d'un effectif "
        "par un taux.",
        "en": "A partner's headcount is declared already in proportion to the holding, in "
        "whole AWU: grantrules has no fractional count, nor a product of a count by a rate.",
    },
    {
        "fr": "Le seuil de notification de 8,25 M€ (règlement 2023/1315) n'a pas été lu dans "
        "le texte consolidé ; seul le seuil initial de 7,5 M€ l'a été.",
        "en": "The notification threshold of EUR 8.25 million (Regulation 2023/1315) was not "
        "read in the consolidated text; only the original EUR 7.5 million was.",
    },
    {
        "fr": "Les exercices de référence (Annexe I art. 4(2) : une catégorie ne se perd "
        "qu'après deux exercices consécutifs au-delà des seuils) et le contrôle par des "
        "organismes publics (art. 3(4)) ne sont pas encodés.",
        "en": "The reference periods (Annex I art. 4(2): a class is lost only after two "
        "consecutive periods above the thresholds) and control by public bodies "
        "(art. 3(4)) are not encoded.",
    },
)


def _labels() -> dict[str, dict[str, str]]:
    return {
        # « 15 % » with a no-break space, as every rate reads in French.
        **code_labels(
            AidRate,
            {code: {"fr": code.replace("%", "\u00a0%"), "en": code} for code in get_args(AidRate)},
        ),
        **code_labels(
            SizeClass,
            {
                "micro": {"fr": "micro-entreprise", "en": "micro"},
                "small": {"fr": "petite entreprise", "en": "small"},
                "medium": {"fr": "moyenne entreprise", "en": "medium-sized"},
                "large": {"fr": "grande entreprise", "en": "large"},
            },
        ),
        **code_labels(
            Relation,
            {
                "linked": {"fr": "entreprise liée", "en": "linked enterprise"},
                "partner": {"fr": "entreprise partenaire", "en": "partner enterprise"},
            },
        ),
        **code_labels(
            Sector,
            {
                "manufacturing": {"fr": "industrie manufacturière", "en": "manufacturing"},
                "construction": {"fr": "construction", "en": "construction"},
                "trade": {"fr": "commerce", "en": "trade"},
                "services": {"fr": "services", "en": "services"},
                "agrifood_processing": {
                    "fr": "transformation agroalimentaire",
                    "en": "agrifood processing",
                },
            },
        ),
        **code_labels(
            CostCategory,
            {
                "working_capital": {"fr": "besoin en fonds de roulement", "en": "working capital"},
                "operating": {"fr": "fonctionnement", "en": "operating costs"},
                "second_hand": {"fr": "matériel d'occasion", "en": "second-hand assets"},
                "leasing": {"fr": "crédit-bail", "en": "leasing"},
            },
        ),
        **code_labels(
            FinancingSource,
            {
                "region": {"fr": "Région", "en": "Region"},
                "state": {"fr": "État", "en": "State"},
                "bpifrance": {"fr": "Bpifrance", "en": "Bpifrance"},
                "eu": {"fr": "fonds européens", "en": "EU funds"},
                "other_public": {"fr": "autres aides publiques", "en": "other public aid"},
                "own_funds": {"fr": "fonds propres", "en": "own funds"},
                "bank_loan": {"fr": "emprunt bancaire", "en": "bank loan"},
                "private": {"fr": "financements privés", "en": "private funding"},
            },
        ),
        "field:applicant.staff_headcount": {"fr": "l'effectif (UTA)", "en": "the headcount (AWU)"},
        "field:applicant.annual_turnover": {"fr": "le chiffre d'affaires", "en": "the turnover"},
        "field:applicant.balance_sheet_total": {
            "fr": "le total de bilan",
            "en": "the balance-sheet total",
        },
        "field:applicant.associated": {
            "fr": "les entreprises liées et partenaires",
            "en": "the linked and partner enterprises",
            "number": "plural",
        },
        "field:applicant.associated[].name": {"fr": "le nom", "en": "the name"},
        "field:applicant.associated[].relation": {"fr": "la relation", "en": "the relation"},
        "field:applicant.associated[].share": {"fr": "la participation", "en": "the holding"},
        "field:applicant.associated[].staff_headcount": {
            "fr": "l'effectif (UTA)",
            "en": "the headcount (AWU)",
        },
        "field:applicant.associated[].annual_turnover": {
            "fr": "le chiffre d'affaires",
            "en": "the turnover",
        },
        "field:applicant.associated[].balance_sheet_total": {
            "fr": "le total de bilan",
            "en": "the balance-sheet total",
        },
        "field:applicant.in_difficulty": {
            "fr": "l'entreprise en difficulté",
            "en": "the undertaking in difficulty",
        },
        "field:applicant.sector": {"fr": "le secteur", "en": "the sector"},
        "field:submitted_on": {"fr": "la date de dépôt", "en": "the submission date"},
        "field:project.start_date": {"fr": "la date de début", "en": "the start date"},
        "field:project.end_date": {"fr": "la date de fin", "en": "the end date"},
        "field:project.site_commune_code": {
            "fr": "la commune de l'établissement",
            "en": "the site's commune",
        },
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
        "field:instruction.aid_rate": {
            "fr": "le taux retenu par la Région",
            "en": "the rate chosen by the Region",
        },
    }


@functools.cache
def scheme() -> Scheme:
    """The scheme, built once (the entry point of ``grantrules.schemes``)."""
    parameters = load_parameters(files("pme_invest_hdf") / "parameters.toml")
    start = datetime.date(2025, 1, 1)
    version = SchemeVersion(
        valid_from=start,
        parameters=parameters,
        criteria=rules.criteria(),
        amounts=rules.amounts(),
        award="award",
        obligations=rules.obligations(),
        derived=rules.derived(),
        invariants=rules.invariants(),
        labels=_labels(),
        note="First encoding, from the GBER (art. 1, 4, 6, 8, 17 and Annex I).",
    )
    return Scheme(
        id="pme-invest-hdf",
        metadata=Metadata(
            name={
                "fr": "Aide à l'investissement des PME — Région Hauts-de-France",
                "en": "Investment aid to SMEs — Hauts-de-France Region",
            },
            short_title="PME Invest HdF",
            description={
                "fr": "Subvention de la Région aux investissements corporels et incorporels "
                "des PME, au titre de l'article 17 du règlement général d'exemption par "
                "catégorie.",
                "en": "The Region's grant to the tangible and intangible investment of SMEs, "
                "under article 17 of the General Block Exemption Regulation.",
            },
            targeted_audiences=("sme",),
            perimeter=Perimeter(scale="region", code="32", name="Hauts-de-France"),
            aid_types=("grant",),
            destinations=("investment",),
            financers=("Région Hauts-de-France",),
            instructors=("Région Hauts-de-France",),
            programs=("Règlement général d'exemption par catégorie, art. 17",),
            subvention_rate_lower_bound=0,
            subvention_rate_upper_bound=30,
            is_call_for_project=False,
            recurrence="permanent",
            origin_url=rules.GBER_URL,
            open_questions=OPEN_QUESTIONS,
        ),
        versions=(version,),
        application_type=PmeApplication,
        allocation="first_come_first_served",
        envelope_parameter="envelope",
        portfolio=(
            MaxPerGroup(
                "portfolio.per_undertaking",
                "applicant.siren",
                1,
                Basis(
                    "Règlement du dispositif régional (hypothèse)",
                    "un dossier par entreprise et par an",
                    reliability="inferred",
                ),
                message_fr="{count} dossiers de l'entreprise {key} (au plus {maximum}) : "
                "{applications}.",
                message_en="{count} applications from undertaking {key} (at most {maximum}): "
                "{applications}.",
            ),
        ),
    )
