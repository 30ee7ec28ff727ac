"""The Hauts-de-France Region's AI-experimentation call (AMI IA, FEDER 2021-2027).

>>> from grantrules import load_scheme
>>> load_scheme("ami-ia-hdf").metadata.subvention_rate_upper_bound
60
"""

from __future__ import annotations

import datetime
import functools
from importlib.resources import files

from ami_ia_hdf import rules
from ami_ia_hdf.model import AmiApplication, FinancingSource
from grantrules.authoring import (
    DeMinimis,
    Euro,
    Metadata,
    Perimeter,
    Scheme,
    SchemeVersion,
    code_labels,
    load_parameters,
)

__all__ = ["AmiApplication", "scheme"]

OPEN_QUESTIONS = (
    {
        "fr": "Dates d'ouverture et de clôture : la période de dépôt (1er novembre 2024 – 31 "
        "décembre 2027) est déduite de la réservation FEDER 2023-2027 et du dépôt « au fil de "
        "l'eau ».",
        "en": "Opening and closing dates: the window (1 November 2024 – 31 December 2027) is "
        "inferred from the 2023-2027 FEDER reservation and the rolling reception.",
    },
    {
        "fr": "Le taux de 60 % est-il fixe ou maximal, et s'applique-t-il au coût HT ou TTC ? "
        "Nous l'appliquons, fixe, au coût éligible y compris la TVA non récupérable.",
        "en": "Is the 60 % rate fixed or a maximum, on costs with or without VAT? We apply it, "
        "fixed, to the eligible cost including non-recoverable VAT.",
    },
    {
        "fr": "L'enveloppe de 5 M€ est-elle entièrement du FEDER ? La presse dit « en partie », "
        "l'offre d'emploi de la Région « 5 M€ de FEDER ».",
        "en": "Is the 5 M€ envelope all FEDER? The press says 'partly', the Region's job offer "
        "'5 M€ of FEDER'.",
    },
    {
        "fr": "« Associations d'intérêt public » désigne-t-il les GIP (7410) ou des "
        "associations ? Nous retenons les GIP comme publics, et les associations avec un mandat.",
        "en": "Does 'associations d'intérêt public' mean GIP (7410) or associations? We take "
        "GIP as public and associations with a mandate.",
    },
    {
        "fr": "La participation minimale de 20 % (CGCT L1111-10) vise les opérations "
        "d'investissement ; nous l'appliquons à tout projet d'une collectivité ou d'un "
        "groupement, sur la base autofinancement + FEDER + autres financements publics.",
        "en": "The 20 % minimum share (CGCT L1111-10) is for investment operations; we apply it "
        "to every project of a local authority or grouping, on own funds + FEDER + other public "
        "funding.",
    },
    {
        "fr": "Quelle option de coûts simplifiés la Région utilise-t-elle ? Nous indiquons le "
        "projet de budget (art. 53(3)(b)) sous 200 000 €.",
        "en": "Which simplified cost option does the Region use? We indicate the draft budget "
        "(art. 53(3)(b)) below 200,000 €.",
    },
    {
        "fr": "La participation aux ateliers d'experts est-elle une condition du financement ? "
        "Nous l'inscrivons comme obligation.",
        "en": "Is attending the expert workshops a funding condition? We record it as an "
        "obligation.",
    },
    {
        "fr": "Durée des projets, critères de sélection et priorité du programme (OS 1(ii), "
        "domaine d'intervention 016) : non publiés.",
        "en": "Project duration, selection criteria and programme priority (SO 1(ii), "
        "intervention field 016): not published.",
    },
)


@functools.cache
def scheme() -> Scheme:
    """The scheme, built once (the entry point of ``grantrules.schemes``)."""
    parameters = load_parameters(files("ami_ia_hdf") / "parameters.toml")
    version = SchemeVersion(
        valid_from=datetime.date(2024, 11, 1),
        parameters=parameters,
        criteria=rules.criteria(),
        amounts=rules.amounts(),
        award="award",
        obligations=rules.obligations(),
        derived=rules.derived(),
        invariants=rules.invariants(),
        labels=LABELS,
        note="First encoding, from the press release and the Region's job offer.",
    )
    return Scheme(
        id="ami-ia-hdf",
        metadata=Metadata(
            name={
                "fr": "AMI Intelligence artificielle des collectivités — Hauts-de-France",
                "en": "AI experimentation call for local authorities — Hauts-de-France",
            },
            short_title="AMI IA HdF",
            description={
                "fr": "Expérimentations (preuves de concept) de l'IA par les collectivités, "
                "financées par le FEDER 2021-2027, avec un cycle d'ateliers d'experts.",
                "en": "AI proofs of concept by local authorities, funded by FEDER 2021-2027, "
                "with a cycle of expert workshops.",
            },
            targeted_audiences=(
                "commune",
                "epci",
                "department",
                "region",
                "public_org",
                "public_cies",
                "association",
            ),
            perimeter=Perimeter(scale="region", code="32", name="Hauts-de-France"),
            aid_types=("grant", "technical"),
            destinations=("service", "supply"),
            financers=("Région Hauts-de-France", "Union européenne (FEDER)"),
            instructors=("Région Hauts-de-France, Mission Transition Numérique",),
            programs=("Programme Hauts-de-France FEDER-FSE+-FTJ 2021-2027 (2021FR16FFPR010)",),
            subvention_rate_lower_bound=None,
            subvention_rate_upper_bound=60,
            is_call_for_project=True,
            recurrence="ongoing",
            origin_url=rules.PRESS,
            open_questions=OPEN_QUESTIONS,
        ),
        versions=(version,),
        application_type=AmiApplication,
        allocation="first_come_first_served",
        envelope_parameter="envelope",
        portfolio=(
            # De minimis is cumulated across the call's awards too, not only per application.
            DeMinimis(
                ceiling=parameters.value("de_minimis_ceiling", version.valid_from, Euro),
                sgei_ceiling=parameters.value("de_minimis_sgei_ceiling", version.valid_from, Euro),
                years=parameters.value("de_minimis_years", version.valid_from, int),
            ),
        ),
    )


LABELS = {
    # Codes of the financing plan, as the règlement and the messages name them.
    **code_labels(
        FinancingSource,
        {
            "feder": {"fr": "FEDER", "en": "ERDF"},
            "own_funds": {"fr": "autofinancement", "en": "own funds"},
            "other_public": {"fr": "autres financements publics", "en": "other public funding"},
            "private": {"fr": "financements privés", "en": "private funding"},
        },
    ),
    "field:applicant.legal_category": {"fr": "la catégorie juridique", "en": "the legal category"},
    "field:applicant.commune_code": {"fr": "la commune du siège", "en": "the seat's commune"},
    "field:applicant.public_policy_mandate": {
        "fr": "le mandat de politique publique",
        "en": "the public-policy mandate",
    },
    "field:applicant.economic_activity": {
        "fr": "l'activité économique",
        "en": "the economic activity",
    },
    "field:applicant.sgei": {"fr": "le statut SIEG", "en": "the SGEI status"},
    "field:submitted_on": {"fr": "la date de dépôt", "en": "the submission date"},
    "field:project.start_date": {"fr": "la date de début", "en": "the start date"},
    "field:project.end_date": {"fr": "la date de fin", "en": "the end date"},
    "field:project.use_cases": {"fr": "les cas d'usage", "en": "the use cases"},
    "field:project.description": {"fr": "la description", "en": "the description"},
    "field:costs": {"fr": "les dépenses", "en": "the costs"},
    "field:financing": {"fr": "les financements", "en": "the financing lines"},
    "field:applicant.prior_de_minimis": {"fr": "les aides antérieures", "en": "the prior aid"},
    "field:project.use_cases[]": {"fr": "le cas d'usage", "en": "the use case"},
    "field:costs[].amount_excl_vat": {"fr": "le montant HT", "en": "the amount excluding VAT"},
    "field:costs[].vat": {"fr": "la TVA", "en": "the VAT"},
    "field:costs[].vat_recoverable": {
        "fr": "la TVA est récupérable",
        "en": "the VAT is recoverable",
    },
    "field:costs[].category": {"fr": "la catégorie", "en": "the category"},
    "field:costs[].label": {"fr": "le libellé", "en": "the label"},
    "field:financing[].amount": {"fr": "le montant", "en": "the amount"},
    "field:financing[].source": {"fr": "la source", "en": "the source"},
    "field:applicant.prior_de_minimis[].amount": {"fr": "le montant", "en": "the amount"},
    "field:applicant.prior_de_minimis[].granted_on": {
        "fr": "la date d'octroi",
        "en": "the grant date",
    },
}
