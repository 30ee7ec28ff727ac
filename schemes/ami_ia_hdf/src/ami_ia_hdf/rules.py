"""The criteria, amounts, funding invariants, derived values and obligations of the AMI IA
Hauts-de-France.

Ids, amounts and interpretations follow our decisions in ``ami-ia-hdf.md``; every number
lives in ``parameters.toml`` with its basis.
"""

from __future__ import annotations

from ami_ia_hdf.communes import commune_codes
from grantrules.authoring import (
    DOWN,
    UP,
    Amount,
    Basis,
    Criterion,
    Euro,
    Expr,
    Invariant,
    Obligation,
    Severity,
    collection,
    const,
    count,
    field,
    list_of,
    minimum,
    param,
    reference,
    sum_of,
    when,
)

__all__ = ["amounts", "criteria", "derived", "invariants", "obligations"]

PRESS = "https://smartcitymag.fr/article/1536/hauts-de-france-un-ami-pour-encourager-l-experimentation-autour-de-l-ia"
CPR = "https://eur-lex.europa.eu/eli/reg/2021/1060/oj"
AMI = Basis("AMI IA Hauts-de-France (communiqué de presse)", url=PRESS, reliability="press")
AMI_INFERRED = Basis("AMI IA Hauts-de-France (interprétation)", url=PRESS, reliability="inferred")

applicant = field("applicant")
project = field("project")
submitted_on = field("submitted_on")
costs = collection("costs")
financing = collection("financing")
prior_aid = collection("applicant.prior_de_minimis")
legal_category = applicant.legal_category

ZERO = Euro("0.00")


def _line_cost(eligible_only: bool) -> Expr:
    """A cost line's cost: recoverable VAT is never a cost (CPR art. 64(1)(c))."""
    counts_vat = ~costs.vat_recoverable
    if eligible_only:
        counts_vat = counts_vat & param("non_recoverable_vat_eligible")
    return costs.amount_excl_vat + when(counts_vat, costs.vat, ZERO)


def _financed_by(source: str) -> Expr:
    return sum_of(financing.amount, where=financing.source == source)


total_cost = Amount(
    "total_cost",
    sum_of(_line_cost(eligible_only=False)),
    basis=Basis("Règlement (UE) 2021/1060", "art. 64(1)(c)", url=CPR, reliability="verified"),
    label={"fr": "le coût total", "en": "the total cost"},
)
eligible_cost = Amount(
    "eligible_cost",
    sum_of(
        _line_cost(eligible_only=True), where=costs.category.is_in(param("eligible_categories"))
    ),
    basis=AMI,
    label={"fr": "le coût éligible", "en": "the eligible cost"},
)
award = Amount(
    "award",
    minimum(param("feder_rate").of(eligible_cost, rounding=DOWN), param("award_ceiling")),
    rounding=DOWN,
    basis=AMI,
    label={"fr": "l'aide FEDER", "en": "the FEDER award"},
)
financing_total = Amount(
    "financing_total",
    sum_of(financing.amount),
    basis=AMI_INFERRED,
    label={"fr": "le total du plan de financement", "en": "the financing plan's total"},
)
own_funds = Amount(
    "own_funds",
    _financed_by("own_funds"),
    basis=AMI_INFERRED,
    label={"fr": "l'autofinancement", "en": "the own funds"},
)
other_public = Amount(
    "other_public_funding",
    _financed_by("other_public"),
    basis=AMI_INFERRED,
    label={"fr": "les autres financements publics", "en": "the other public funding"},
)
feder_requested = Amount(
    "feder_requested",
    _financed_by("feder"),
    basis=AMI_INFERRED,
    label={"fr": "le FEDER demandé", "en": "the FEDER requested"},
)
DE_MINIMIS = Basis(
    "Règlement (UE) 2023/2831",
    "art. 3(2)",
    url="http://data.europa.eu/eli/reg/2023/2831/oj",
    reliability="verified",
)
prior_de_minimis = Amount(
    "prior_de_minimis",
    sum_of(
        prior_aid.amount,
        where=prior_aid.granted_on.between(
            submitted_on.years_before(param("de_minimis_years")), submitted_on
        ),
    ),
    basis=DE_MINIMIS,
    label={
        "fr": "les aides de minimis reçues sur trois ans",
        "en": "the de minimis aid received over three years",
    },
)


#: No text of the call found (inferred): public money may not fund more than the project costs.
CPR_DOUBLE_FUNDING = Basis(
    "Règlement (UE) 2021/1060",
    "art. 63(9)",
    url=CPR,
    reliability="inferred",
)


def amounts() -> tuple[Amount, ...]:
    return (
        total_cost,
        eligible_cost,
        award,
        financing_total,
        own_funds,
        other_public,
        feder_requested,
        prior_de_minimis,
    )


is_public = legal_category.is_in(param("public_legal_categories"))
needs_mandate = legal_category.is_in(param("mandate_legal_categories"))
period = param("expenditure_period")


def criteria() -> tuple[Criterion, ...]:
    return (
        Criterion(
            "applicant.category",
            is_public | needs_mandate,
            basis=Basis(
                "AMI IA Hauts-de-France (communiqué de presse)",
                "collectivités, groupements, syndicats mixtes, établissements privés gérant une "
                "politique publique",
                url=PRESS,
                reliability="inferred",
            ),
            title={"fr": "Catégorie du porteur", "en": "Applicant category"},
            failed={
                "fr": "La catégorie juridique {applicant.legal_category} n'est pas éligible : "
                "l'AMI s'adresse aux collectivités, à leurs groupements et établissements, et aux "
                "organismes privés gérant une politique publique.",
                "en": "Legal category {applicant.legal_category} is not eligible: the call is "
                "open to local authorities, their groupings and bodies, and private bodies "
                "running a public policy.",
            },
            passed={
                "fr": "La catégorie juridique {applicant.legal_category} est éligible.",
                "en": "Legal category {applicant.legal_category} is eligible.",
            },
        ),
        Criterion(
            "applicant.mandate",
            applicant.public_policy_mandate.is_true(),
            applies_if=needs_mandate,
            basis=Basis(
                "AMI IA Hauts-de-France (communiqué de presse)",
                "« établissements privés gérant une politique publique »",
                url=PRESS,
                reliability="press",
            ),
            title={"fr": "Mandat de politique publique", "en": "Public-policy mandate"},
            failed={
                "fr": "Un organisme privé (catégorie {applicant.legal_category}) n'est éligible "
                "que s'il gère une politique publique (délégation de service public, contrat de "
                "SEM ou de SPL).",
                "en": "A private body (category {applicant.legal_category}) is eligible only "
                "when it runs a public policy (public-service delegation, SEM or SPL contract).",
            },
            passed={
                "fr": "L'organisme privé gère une politique publique.",
                "en": "The private body runs a public policy.",
            },
            not_applicable={
                "fr": "Porteur public : aucun mandat n'est exigé.",
                "en": "Public applicant: no mandate is required.",
            },
        ),
        Criterion(
            "applicant.location",
            applicant.commune_code.is_in(
                reference(
                    commune_codes(),
                    {
                        "fr": "les communes des Hauts-de-France (COG 2025)",
                        "en": "the communes of Hauts-de-France (COG 2025)",
                    },
                )
            ),
            basis=Basis(
                "INSEE, Code officiel géographique 2025",
                "région 32",
                url="https://insee.fr/fr/information/7766585",
                reliability="verified",
            ),
            title={"fr": "Localisation", "en": "Location"},
            failed={
                "fr": "Le siège du porteur (commune {applicant.commune_code}) n'est pas une "
                "commune des Hauts-de-France.",
                "en": "The applicant's seat (commune {applicant.commune_code}) is not a commune "
                "of Hauts-de-France.",
            },
            passed={
                "fr": "Le siège du porteur (commune {applicant.commune_code}) est situé dans les "
                "Hauts-de-France.",
                "en": "The applicant's seat (commune {applicant.commune_code}) is in "
                "Hauts-de-France.",
            },
        ),
        Criterion(
            "call.window",
            submitted_on.within(param("submission_window")),
            basis=AMI_INFERRED,
            title={"fr": "Période de dépôt", "en": "Submission window"},
            failed={
                "fr": "Le dossier, déposé le {submitted_on}, est hors de la période de dépôt "
                "({submission_window}).",
                "en": "The application, submitted on {submitted_on}, is outside the submission "
                "window ({submission_window}).",
            },
            passed={
                "fr": "Dossier déposé le {submitted_on}, dans la période de dépôt.",
                "en": "Submitted on {submitted_on}, within the submission window.",
            },
        ),
        Criterion(
            "project.ai_use_case",
            (count(collection("project.use_cases")) >= 1)
            & (~const("other").is_in(project.use_cases) | (project.description != "")),
            basis=Basis(
                "AMI IA Hauts-de-France (communiqué de presse)",
                "expérimentations de l'intelligence artificielle",
                url="https://cityramag.fr/?p=30375",
                reliability="press",
            ),
            title={"fr": "Cas d'usage d'IA", "en": "AI use case"},
            failed={
                "fr": "Le projet doit viser au moins un cas d'usage d'IA ; « autre » doit être "
                "décrit (cas d'usage : {project.use_cases}).",
                "en": "The project must target at least one AI use case; 'other' must be "
                "described (use cases: {project.use_cases}).",
            },
            passed={
                "fr": "Cas d'usage d'IA : {project.use_cases}.",
                "en": "AI use cases: {project.use_cases}.",
            },
        ),
        Criterion(
            "project.dates",
            (project.start_date <= project.end_date)
            & project.start_date.within(period)
            & project.end_date.within(period),
            basis=Basis("Règlement (UE) 2021/1060", "art. 63(2)", url=CPR, reliability="verified"),
            title={"fr": "Dates du projet", "en": "Project dates"},
            failed={
                "fr": "Le projet ({project.start_date} – {project.end_date}) doit commencer avant "
                "de finir et se dérouler dans la période d'éligibilité des dépenses "
                "({expenditure_period}).",
                "en": "The project ({project.start_date} – {project.end_date}) must start before "
                "it ends and run within the expenditure period ({expenditure_period}).",
            },
            passed={
                "fr": "Le projet se déroule du {project.start_date} au {project.end_date}.",
                "en": "The project runs from {project.start_date} to {project.end_date}.",
            },
        ),
        Criterion(
            "project.not_completed",
            project.end_date > submitted_on,
            basis=Basis("Règlement (UE) 2021/1060", "art. 63(6)", url=CPR, reliability="verified"),
            title={"fr": "Projet non achevé", "en": "Project not completed"},
            failed={
                "fr": "Un projet achevé ({project.end_date}) avant le dépôt du dossier "
                "({submitted_on}) ne peut être sélectionné.",
                "en": "A project completed ({project.end_date}) before the application was "
                "submitted ({submitted_on}) cannot be selected.",
            },
            passed={
                "fr": "Le projet n'est pas achevé au dépôt.",
                "en": "The project is not completed when submitted.",
            },
        ),
        Criterion(
            "project.cost_range",
            total_cost.between(param("min_total_cost"), param("max_total_cost")),
            basis=AMI,
            title={"fr": "Coût du projet", "en": "Project cost"},
            failed={
                "fr": "Le coût total du projet ({total_cost}) doit être compris entre "
                "{min_total_cost} et {max_total_cost}.",
                "en": "The project's total cost ({total_cost}) must lie between "
                "{min_total_cost} and {max_total_cost}.",
            },
            passed={
                "fr": "Le coût total du projet ({total_cost}) est compris entre "
                "{min_total_cost} et {max_total_cost}.",
                "en": "The project's total cost ({total_cost}) lies between {min_total_cost} "
                "and {max_total_cost}.",
            },
        ),
        Criterion(
            "financing.balanced",
            financing_total == total_cost,
            basis=AMI_INFERRED,
            title={"fr": "Plan de financement équilibré", "en": "Balanced financing plan"},
            failed={
                "fr": "Le plan de financement ({financing_total}) doit être égal au coût total "
                "({total_cost}).",
                "en": "The financing plan ({financing_total}) must equal the total cost "
                "({total_cost}).",
            },
            passed={
                "fr": "Le plan de financement est équilibré ({financing_total}).",
                "en": "The financing plan is balanced ({financing_total}).",
            },
        ),
        Criterion(
            "financing.own_share",
            # Rounding the threshold UP to the cent is the exact comparison for cent amounts.
            own_funds >= param("min_own_share").of(own_funds + award + other_public, rounding=UP),
            applies_if=legal_category.starts_with_any(param("own_share_category_prefixes")),
            basis=Basis(
                "Code général des collectivités territoriales",
                "art. L1111-10 III",
                url="https://french-business-law.com/french-legislation-art/article-l1111-10-of-the-french-general-code-of-local-authorities",
                reliability="verified",
            ),
            title={"fr": "Participation minimale", "en": "Minimum own share"},
            failed={
                "fr": "L'autofinancement ({own_funds}) doit atteindre {min_own_share} du total "
                "des financements publics (autofinancement, aide FEDER de {award} et autres "
                "financements publics de {other_public_funding}).",
                "en": "Own funds ({own_funds}) must reach {min_own_share} of total public "
                "funding (own funds, the FEDER award of {award} and other public funding of "
                "{other_public_funding}).",
            },
            passed={
                "fr": "L'autofinancement ({own_funds}) atteint {min_own_share} des financements "
                "publics.",
                "en": "Own funds ({own_funds}) reach {min_own_share} of public funding.",
            },
            not_applicable={
                "fr": "Le porteur n'est ni une collectivité ni un groupement : la participation "
                "minimale ne s'applique pas.",
                "en": "The applicant is neither a local authority nor a grouping: the minimum "
                "share does not apply.",
            },
        ),
        Criterion(
            "financing.within_cost",
            award + other_public <= param("max_public_funding_rate").of(total_cost, rounding=DOWN),
            basis=CPR_DOUBLE_FUNDING,
            title={"fr": "Pas de surfinancement", "en": "No over-funding"},
            failed={
                "fr": "L'aide FEDER ({award}) et les autres financements publics "
                "({other_public_funding}) dépassent ensemble {max_public_funding_rate} du coût "
                "total ({total_cost}).",
                "en": "The FEDER award ({award}) and the other public funding "
                "({other_public_funding}) together exceed {max_public_funding_rate} of the total "
                "cost ({total_cost}).",
            },
            passed={
                "fr": "L'aide FEDER et les autres financements publics ne dépassent pas, "
                "ensemble, {max_public_funding_rate} du coût total ({total_cost}).",
                "en": "The FEDER award and the other public funding stay within "
                "{max_public_funding_rate} of the total cost ({total_cost}).",
            },
        ),
        Criterion(
            "state_aid.de_minimis",
            prior_de_minimis + award
            <= when(
                applicant.sgei.is_true(),
                param("de_minimis_sgei_ceiling"),
                param("de_minimis_ceiling"),
            ),
            applies_if=applicant.economic_activity.is_true(),
            basis=DE_MINIMIS,
            title={"fr": "Plafond de minimis", "en": "De minimis ceiling"},
            failed={
                "fr": "Les aides de minimis des trois dernières années ({prior_de_minimis}) "
                "plus l'aide demandée ({award}) dépassent le plafond.",
                "en": "De minimis aid over the last three years ({prior_de_minimis}) plus this "
                "award ({award}) exceed the ceiling.",
            },
            passed={
                "fr": "Aides de minimis sur trois ans ({prior_de_minimis}) et aide ({award}) "
                "sous le plafond.",
                "en": "De minimis aid over three years ({prior_de_minimis}) and award ({award}) "
                "within the ceiling.",
            },
            not_applicable={
                "fr": "Pas d'activité économique : le porteur n'est pas une entreprise au sens "
                "des aides d'État.",
                "en": "No economic activity: the applicant is not an undertaking for State aid.",
            },
        ),
        Criterion(
            "financing.feder_line",
            feder_requested == award,
            severity=Severity.WARNING,
            basis=AMI,
            title={"fr": "Ligne FEDER", "en": "FEDER line"},
            failed={
                "fr": "Le FEDER demandé ({feder_requested}) diffère de l'aide calculée "
                "({award}) ; le plan de financement sera ajusté.",
                "en": "The FEDER requested ({feder_requested}) differs from the computed award "
                "({award}); the financing plan will be adjusted.",
            },
            passed={
                "fr": "Le montant de FEDER demandé est égal à l'aide calculée ({award}).",
                "en": "The FEDER requested equals the computed award ({award}).",
            },
        ),
        Criterion(
            "costs.ineligible_lines",
            count(costs, where=~costs.category.is_in(param("eligible_categories"))) == 0,
            severity=Severity.WARNING,
            basis=AMI,
            title={"fr": "Dépenses inéligibles", "en": "Ineligible costs"},
            details={
                "ineligible_lines": list_of(
                    costs.label, where=~costs.category.is_in(param("eligible_categories"))
                )
            },
            failed={
                "fr": "Dépenses hors catégories éligibles, exclues de l'assiette : "
                "{ineligible_lines}.",
                "en": "Costs outside the eligible categories, excluded from the base: "
                "{ineligible_lines}.",
            },
            passed={
                "fr": "Toutes les dépenses relèvent des catégories éligibles.",
                "en": "Every cost is in an eligible category.",
            },
        ),
    )


def derived() -> dict[str, Expr]:
    """Values a decision carries besides amounts: the cost option of CPR art. 53."""
    return {
        "cost_option": when(
            (total_cost <= param("sco_threshold")) & applicant.economic_activity.is_false(),
            "draft_budget",
            "real_costs",
        )
    }


def obligations() -> tuple[Obligation, ...]:
    return (
        Obligation(
            "workshops",
            {
                "fr": "Participer au cycle d'ateliers d'experts de la Région (choix "
                "technologiques, cybersécurité, souveraineté).",
                "en": "Take part in the Region's cycle of expert workshops (technology "
                "choices, cybersecurity, sovereignty).",
            },
            Basis("AMI IA Hauts-de-France (communiqué de presse)", url=PRESS, reliability="press"),
        ),
        Obligation(
            "eu_visibility",
            {
                "fr": "Assurer la visibilité du soutien de l'Union européenne (emblème, mention "
                "du FEDER).",
                "en": "Acknowledge the European Union's support (emblem, FEDER mention).",
            },
            Basis("Règlement (UE) 2021/1060", "art. 47 et 50", url=CPR, reliability="verified"),
        ),
        Obligation(
            "final_report",
            {
                "fr": "Remettre un rapport final sur la preuve de concept.",
                "en": "Submit a final report on the proof of concept.",
            },
            Basis("AMI IA Hauts-de-France (interprétation)", url=PRESS, reliability="inferred"),
        ),
        Obligation(
            "keep_documents",
            {
                "fr": "Conserver les pièces justificatives pendant la durée réglementaire.",
                "en": "Keep the supporting documents for the regulatory period.",
            },
            Basis("Règlement (UE) 2021/1060", "art. 82", url=CPR, reliability="verified"),
        ),
    )


CGCT_L1111_10 = Basis(
    "Code général des collectivités territoriales",
    "art. L1111-10 III",
    url="https://french-business-law.com/french-legislation-art/article-l1111-10-of-the-french-general-code-of-local-authorities",
    reliability="verified",
)


def invariants() -> tuple[Invariant, ...]:
    """What the call promises of every award, checked on generated applications.

    They restate the award formula and the own-share criterion from the other side, so that a
    change to one that breaks the promise is caught: a rounding turned UP, a ceiling dropped,
    the own share's threshold rounded down to the cent.
    """
    public_funding = award + other_public
    return (
        Invariant(
            "award.within_rate",
            award <= param("feder_rate").of(eligible_cost, rounding=DOWN),
            basis=AMI,
            message={
                "fr": "L'aide FEDER ne dépasse jamais {feder_rate} du coût éligible, arrondi "
                "au centime inférieur.",
                "en": "The FEDER award never exceeds {feder_rate} of the eligible cost, "
                "rounded down to the cent.",
            },
        ),
        Invariant(
            "award.within_ceiling",
            award <= param("award_ceiling"),
            basis=AMI_INFERRED,
            message={
                "fr": "L'aide FEDER ne dépasse jamais {award_ceiling}.",
                "en": "The FEDER award never exceeds {award_ceiling}.",
            },
        ),
        Invariant(
            "financing.within_cost",
            public_funding <= total_cost,
            basis=CPR_DOUBLE_FUNDING,
            message={
                "fr": "L'aide FEDER et les autres financements publics ne dépassent jamais, "
                "ensemble, le coût total du projet.",
                "en": "The FEDER award and the other public funding never exceed, together, "
                "the project's total cost.",
            },
        ),
        Invariant(
            "financing.public_cap",
            # The own share seen from the funders' side: own funds of at least 20 % leave at
            # most 80 % to public co-funders, rounded down to the cent.
            public_funding
            <= (1 - param("min_own_share")).of(own_funds + public_funding, rounding=DOWN),
            when=legal_category.starts_with_any(param("own_share_category_prefixes")),
            basis=CGCT_L1111_10,
            message={
                "fr": "Pour une collectivité ou un groupement, l'aide FEDER et les autres "
                "financements publics ne dépassent jamais, ensemble, 100 % moins "
                "{min_own_share} des financements publics du projet (autofinancement "
                "compris).",
                "en": "For a local authority or a grouping, the FEDER award and the other "
                "public funding never exceed, together, 100 % less {min_own_share} of the "
                "project's public funding (own funds included).",
            },
        ),
    )
