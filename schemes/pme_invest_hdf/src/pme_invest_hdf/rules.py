"""The criteria, amounts, derived values and obligations of the SME investment aid.

Every number lives in ``parameters.toml`` with its basis; the reading of the texts (and what
is inferred) is in the scheme's README.  Amounts exclude VAT.
"""

from __future__ import annotations

import typing

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
    Override,
    Rate,
    Severity,
    collection,
    count,
    field,
    instruction,
    list_of,
    lookup,
    maximum,
    minimum,
    param,
    rounded,
    sum_of,
    when,
)
from pme_invest_hdf.model import AidRate

__all__ = [
    "SIZE_CLASS",
    "TO_EURO",
    "amounts",
    "criteria",
    "derived",
    "invariants",
    "obligations",
]

GBER_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX%3A02014R0651-20230701"
ART_17_URL = "https://legislation.gov.uk/eur/2014/651/article/17/adopted"
AMENDMENT_URL = "https://eur-lex.europa.eu/eli/reg/2023/1315"


def _gber(article: str, reliability: str = "verified", url: str = GBER_URL) -> Basis:
    return Basis("Règlement (UE) n° 651/2014", article, url=url, reliability=reliability)


ANNEX_I = _gber("annexe I, art. 2 à 6 (définition des PME)")
ART_17 = _gber("art. 17 (aides à l'investissement en faveur des PME)", url=ART_17_URL)
ART_17_6 = _gber("art. 17(6) (intensité de l'aide)")
ART_8 = _gber("art. 8 (cumul)")
ART_4 = Basis(
    "Règlement (UE) 2023/1315 modifiant le règlement (UE) n° 651/2014",
    "art. 4(1) c) (seuil de notification)",
    url=AMENDMENT_URL,
    reliability="inferred",
)
REGION = Basis(
    "Règlement du dispositif régional d'aide à l'investissement des PME (hypothèse)",
    "modalités d'intervention de la Région",
    reliability="inferred",
)
ZONE = Basis(
    "Règlement du dispositif régional (hypothèse)",
    "majoration en zone d'aide à finalité régionale",
    reliability="inferred",
)

#: Every amount of the aid is rounded down to the euro (the Region's decisions state whole euros).
TO_EURO = DOWN.to_euro()

applicant = field("applicant")
project = field("project")
submitted_on = field("submitted_on")
costs = collection("costs")
financing = collection("financing")
associated = collection("applicant.associated")
aid_rate = instruction("aid_rate")

_linked = associated.relation == "linked"
_partner = associated.relation == "partner"

# --- Annex I: the undertaking's figures with those of its linked and partner enterprises ---

#: Annex I art. 6(2)-(3): linked enterprises count in full; partners' headcounts are
#: declared in proportion to the holding (the library has no fractional count).
consolidated_staff = applicant.staff_headcount + sum_of(associated.staff_headcount, unit="count")

staff_note = {"fr": "l'effectif consolidé (UTA)", "en": "the consolidated headcount (AWU)"}


def _partners(figure: str, label: dict[str, str]) -> Amount:
    """The partners' figure in proportion to the holding (Annex I art. 6(2)), rounded up to
    the cent: the exact comparison with a threshold in whole cents (``x <= T`` iff
    ``ceil(x) <= T``).  Its own amount, so that a reader unable to multiply by a declared
    rate (the analyser) loses only this term."""
    value = associated.share.of(getattr(associated, figure), rounding=UP)
    return Amount(f"partners_{figure}", sum_of(value, where=_partner), basis=ANNEX_I, label=label)


def _consolidated(figure: str, partners: Amount, label: dict[str, str]) -> Amount:
    """The applicant's figure, plus its linked enterprises' in full and its partners' in
    proportion to the holding (Annex I art. 6(2) and (3))."""
    own = getattr(applicant, figure)
    linked = sum_of(getattr(associated, figure), where=_linked)
    return Amount(f"consolidated_{figure}", own + linked + partners, basis=ANNEX_I, label=label)


partners_turnover = _partners(
    "annual_turnover",
    {
        "fr": "le chiffre d'affaires des partenaires au prorata",
        "en": "the partners' turnover pro rata",
    },
)
partners_balance = _partners(
    "balance_sheet_total",
    {
        "fr": "le total de bilan des partenaires au prorata",
        "en": "the partners' balance-sheet total pro rata",
    },
)
turnover = _consolidated(
    "annual_turnover",
    partners_turnover,
    {"fr": "le chiffre d'affaires consolidé", "en": "the consolidated turnover"},
)
balance = _consolidated(
    "balance_sheet_total",
    partners_balance,
    {"fr": "le total de bilan consolidé", "en": "the consolidated balance-sheet total"},
)


def _within(staff: str, max_turnover: str, max_balance: str) -> Expr:
    figures = (turnover <= param(max_turnover)) | (balance <= param(max_balance))
    return (consolidated_staff < param(staff)) & figures


IS_MICRO = _within("micro_max_staff", "micro_max_turnover", "micro_max_balance")
IS_SMALL = _within("small_max_staff", "small_max_turnover", "small_max_balance")
IS_SME = _within("sme_max_staff", "sme_max_turnover", "sme_max_balance")

#: The size class of Annex I, a code with labels (micro, small, medium, large).
SIZE_CLASS = when(IS_MICRO, "micro", when(IS_SMALL, "small", when(IS_SME, "medium", "large")))

#: Art. 17(6): 20 % for small enterprises (micro ones included), 10 % for medium-sized ones.
INTENSITY = when(IS_SMALL, param("intensity_small"), param("intensity_medium"))
#: The Region's rate, chosen in its grid (an instructor input), as a rate: a code rather than
#: a Rate field, so that the analyser can follow it (it draws rates from constants only).
CHOSEN_RATE = lookup(aid_rate, {code: Rate(code) for code in typing.get_args(AidRate)})
IN_ZONE = project.site_commune_code.is_in(param("zone_communes"))

# --- amounts --------------------------------------------------------------------------------

total_cost = Amount(
    "total_cost",
    sum_of(costs.amount_excl_vat),
    basis=REGION,
    label={"fr": "le coût total HT", "en": "the total cost excluding VAT"},
)
eligible_cost = Amount(
    "eligible_cost",
    sum_of(costs.amount_excl_vat, where=costs.category.is_in(param("eligible_categories"))),
    basis=_gber("art. 17(2) a) (actifs corporels et incorporels)", url=ART_17_URL),
    label={"fr": "les dépenses éligibles", "en": "the eligible costs", "number": "plural"},
)
other_public = Amount(
    "other_public_aid",
    sum_of(
        financing.amount,
        where=financing.source.is_in(("state", "bpifrance", "eu", "other_public")),
    ),
    basis=ART_8,
    label={
        "fr": "les autres aides publiques",
        "en": "the other public aid",
        "number": "plural",
    },
)
max_aid = Amount(
    "max_aid",
    INTENSITY.of(eligible_cost, rounding=TO_EURO),
    rounding=TO_EURO,
    basis=ART_17_6,
    label={"fr": "l'aide maximale au taux d'intensité", "en": "the maximum aid at the intensity"},
    exceptions=[
        Override(
            "zone_afr",
            IN_ZONE,
            (INTENSITY + param("zone_bonus")).of(eligible_cost, rounding=TO_EURO),
            basis=ZONE,
        )
    ],
)
cumulation_room = Amount(
    "cumulation_room",
    # Rounded down to the euro: the other aid may have cents, the award has none.
    rounded(maximum(max_aid - other_public, Euro.ZERO), TO_EURO),
    rounding=TO_EURO,
    basis=ART_8,
    label={"fr": "la marge sous le plafond de cumul", "en": "the room left under cumulation"},
)
# The Region's rate, its ceiling and the room under cumulation are the operands of one
# minimum, so that the award formula shows its rate and base to every reader.
award = Amount(
    "award",
    rounded(
        minimum(
            CHOSEN_RATE.of(eligible_cost, rounding=TO_EURO),
            param("award_ceiling"),
            cumulation_room,
        ),
        TO_EURO,
    ),
    rounding=TO_EURO,
    basis=ART_17,
    label={"fr": "l'aide régionale", "en": "the regional aid"},
)


def amounts() -> tuple[Amount, ...]:
    return (
        partners_turnover,
        partners_balance,
        turnover,
        balance,
        total_cost,
        eligible_cost,
        other_public,
        max_aid,
        cumulation_room,
        award,
    )


# --- criteria -------------------------------------------------------------------------------

_SIZE_DETAILS = {
    "size_class": SIZE_CLASS,
    "consolidated_staff": consolidated_staff,
    "associated_enterprises": list_of(associated.name),
}


def _applicant() -> tuple[Criterion, ...]:
    return (
        Criterion(
            "applicant.sme",
            IS_SME,
            basis=ANNEX_I,
            title={"fr": "Petite ou moyenne entreprise", "en": "Small or medium-sized enterprise"},
            details=_SIZE_DETAILS,
            failed={
                "fr": "L'entreprise n'est pas une PME : une PME compte moins de "
                "{sme_max_staff} UTA et ne dépasse pas {sme_max_turnover} de chiffre "
                "d'affaires ou {sme_max_balance} de total de bilan ; ses entreprises liées et "
                "partenaires comprises, elle compte {consolidated_staff} UTA, "
                "{consolidated_annual_turnover} de chiffre d'affaires et "
                "{consolidated_balance_sheet_total} de total de bilan.",
                "en": "The undertaking is not an SME: an SME has fewer than {sme_max_staff} AWU "
                "and at most {sme_max_turnover} of turnover or {sme_max_balance} of "
                "balance-sheet total; its linked and partner enterprises included, it has "
                "{consolidated_staff} AWU, "
                "{consolidated_annual_turnover} of turnover and "
                "{consolidated_balance_sheet_total} of balance-sheet total.",
            },
            passed={
                "fr": "Catégorie d'entreprise : {size_class} ({consolidated_staff} UTA, "
                "chiffre d'affaires {consolidated_annual_turnover}, total de bilan "
                "{consolidated_balance_sheet_total}, entreprises liées et partenaires "
                "comprises).",
                "en": "Size class: {size_class} ({consolidated_staff} AWU, turnover "
                "{consolidated_annual_turnover}, balance-sheet total "
                "{consolidated_balance_sheet_total}, linked and partner enterprises "
                "included).",
            },
        ),
        Criterion(
            "applicant.not_in_difficulty",
            applicant.in_difficulty.is_false(),
            basis=_gber("art. 1(4) c) et art. 2(18) (entreprise en difficulté)"),
            title={"fr": "Entreprise saine", "en": "Not in difficulty"},
            failed={
                "fr": "Une entreprise en difficulté ne peut recevoir d'aide au titre du "
                "règlement général d'exemption.",
                "en": "An undertaking in difficulty may not receive aid under the General "
                "Block Exemption Regulation.",
            },
            passed={
                "fr": "L'entreprise déclare ne pas être en difficulté.",
                "en": "The undertaking declares it is not in difficulty.",
            },
        ),
        Criterion(
            "applicant.sector",
            ~applicant.sector.is_in(param("excluded_sectors")),
            basis=_gber("art. 1(3) (secteurs exclus)"),
            title={"fr": "Secteur d'activité", "en": "Sector of activity"},
            failed={
                "fr": "Le secteur de l'entreprise ({applicant.sector}) est exclu du règlement "
                "général d'exemption.",
                "en": "The undertaking's sector ({applicant.sector}) is excluded from the "
                "General Block Exemption Regulation.",
            },
            passed={
                "fr": "Le secteur de l'entreprise ({applicant.sector}) n'est pas exclu.",
                "en": "The undertaking's sector ({applicant.sector}) is not excluded.",
            },
        ),
        Criterion(
            "project.location",
            project.site_commune_code.starts_with_any(param("region_departments")),
            basis=REGION,
            title={"fr": "Établissement en Hauts-de-France", "en": "Site in Hauts-de-France"},
            failed={
                "fr": "L'établissement (commune {project.site_commune_code}) n'est pas en "
                "Hauts-de-France ({region_departments}).",
                "en": "The site (commune {project.site_commune_code}) is not in "
                "Hauts-de-France ({region_departments}).",
            },
            passed={
                "fr": "L'établissement (commune {project.site_commune_code}) est en "
                "Hauts-de-France.",
                "en": "The site (commune {project.site_commune_code}) is in Hauts-de-France.",
            },
        ),
    )


def _project() -> tuple[Criterion, ...]:
    return (
        Criterion(
            "call.window",
            submitted_on.within(param("submission_window")),
            basis=REGION,
            title={"fr": "Période de dépôt", "en": "Submission window"},
            failed={
                "fr": "Le dossier, déposé le {submitted_on}, est hors de la période de dépôt "
                "({submission_window}).",
                "en": "The application, submitted on {submitted_on}, is outside the "
                "submission window ({submission_window}).",
            },
            passed={
                "fr": "Dossier déposé le {submitted_on}, dans la période de dépôt.",
                "en": "Submitted on {submitted_on}, within the submission window.",
            },
        ),
        Criterion(
            "project.incentive_effect",
            (project.start_date > submitted_on) & (project.start_date <= project.end_date),
            basis=_gber("art. 6(2) (effet incitatif)"),
            title={"fr": "Effet incitatif", "en": "Incentive effect"},
            failed={
                "fr": "Les travaux ({project.start_date} – {project.end_date}) doivent "
                "commencer après le dépôt de la demande ({submitted_on}) et finir après avoir "
                "commencé.",
                "en": "Work ({project.start_date} – {project.end_date}) must start after the "
                "application ({submitted_on}) and end after it starts.",
            },
            passed={
                "fr": "Les travaux commencent le {project.start_date}, après le dépôt de la "
                "demande.",
                "en": "Work starts on {project.start_date}, after the application.",
            },
        ),
        Criterion(
            "project.min_cost",
            eligible_cost >= param("min_eligible_cost"),
            basis=REGION,
            title={"fr": "Dépenses minimales", "en": "Minimum cost"},
            failed={
                "fr": "Les dépenses éligibles ({eligible_cost}) n'atteignent pas "
                "{min_eligible_cost}.",
                "en": "The eligible costs ({eligible_cost}) are below {min_eligible_cost}.",
            },
            passed={
                "fr": "Les dépenses éligibles ({eligible_cost}) atteignent {min_eligible_cost}.",
                "en": "The eligible costs ({eligible_cost}) reach {min_eligible_cost}.",
            },
        ),
    )


def _aid() -> tuple[Criterion, ...]:
    return (
        Criterion(
            "financing.cumulation",
            other_public + award <= max_aid,
            basis=ART_8,
            title={"fr": "Cumul des aides", "en": "Cumulation of aid"},
            failed={
                "fr": "Les autres aides publiques pour les mêmes dépenses ({other_public_aid}) "
                "dépassent déjà l'aide maximale au taux d'intensité ({max_aid}).",
                "en": "The other public aid for the same costs ({other_public_aid}) already "
                "exceeds the maximum aid at the intensity ({max_aid}).",
            },
            passed={
                "fr": "Les aides publiques cumulées ({other_public_aid} et l'aide régionale "
                "{award}) restent dans l'aide maximale ({max_aid}).",
                "en": "The public aid together ({other_public_aid} and the regional aid "
                "{award}) stays within the maximum aid ({max_aid}).",
            },
        ),
        Criterion(
            "award.positive",
            # An aid of 0.00 is a refusal: say why rather than call the project eligible.
            award > Euro.ZERO,
            basis=ART_8,
            title={"fr": "Aide non nulle", "en": "An aid above zero"},
            details={"other_aid": other_public, "maximum": max_aid},
            failed={
                "fr": "L'aide calculée ({award}) est nulle : les autres aides publiques "
                "({other_aid}) ne laissent aucune marge sous l'aide maximale ({maximum}).",
                "en": "The computed aid ({award}) is zero: the other public aid "
                "({other_aid}) leaves no room under the maximum aid ({maximum}).",
            },
            passed={
                "fr": "L'aide calculée ({award}) est positive.",
                "en": "The computed aid ({award}) is above zero.",
            },
        ),
        Criterion(
            "award.notification_threshold",
            other_public + award <= param("notification_threshold"),
            basis=ART_4,
            title={"fr": "Seuil de notification", "en": "Notification threshold"},
            failed={
                "fr": "Les aides au projet ({other_public_aid} et {award}) dépassent le seuil "
                "de notification de {notification_threshold} par entreprise et par projet : "
                "le règlement général d'exemption ne s'applique pas.",
                "en": "The aid to the project ({other_public_aid} and {award}) exceeds the "
                "notification threshold of {notification_threshold} per undertaking and "
                "project: the General Block Exemption Regulation does not apply.",
            },
            passed={
                "fr": "Les aides au projet restent sous le seuil de notification "
                "({notification_threshold}).",
                "en": "The aid to the project stays below the notification threshold "
                "({notification_threshold}).",
            },
        ),
        Criterion(
            "instruction.rate_within_intensity",
            # A rate above the intensity is capped by the room under cumulation: a warning.
            CHOSEN_RATE.of(eligible_cost, rounding=TO_EURO) <= max_aid,
            severity=Severity.WARNING,
            basis=ART_17_6,
            title={"fr": "Taux retenu par la Région", "en": "Rate chosen by the Region"},
            details={"size_class": SIZE_CLASS, "bonus": param("zone_bonus")},
            failed={
                "fr": "Le taux retenu ({instruction.aid_rate}) dépasse l'intensité maximale "
                "pour une {size_class} : l'aide est plafonnée à {max_aid}.",
                "en": "The rate chosen ({instruction.aid_rate}) exceeds the maximum intensity "
                "for a {size_class} enterprise: the aid is capped at {max_aid}.",
            },
            passed={
                "fr": "Le taux retenu ({instruction.aid_rate}) respecte l'intensité maximale "
                "pour une {size_class}.",
                "en": "The rate chosen ({instruction.aid_rate}) is within the maximum "
                "intensity for a {size_class} enterprise.",
            },
            exceptions=[
                Override(
                    "zone_afr",
                    IN_ZONE,
                    CHOSEN_RATE.of(eligible_cost, rounding=TO_EURO) <= max_aid,
                    basis=ZONE,
                    passed={
                        "fr": "Établissement en zone d'aide à finalité régionale "
                        "({project.site_commune_code}) : le taux retenu "
                        "({instruction.aid_rate}) respecte l'intensité majorée de "
                        "{bonus}.",
                        "en": "Site in a regional-aid zone ({project.site_commune_code}): the "
                        "rate chosen ({instruction.aid_rate}) is within the intensity raised "
                        "by {bonus}.",
                    },
                    failed={
                        "fr": "Même majorée de {bonus} en zone d'aide à finalité "
                        "régionale, l'intensité maximale est dépassée par le taux retenu "
                        "({instruction.aid_rate}) : l'aide est plafonnée à {max_aid}.",
                        "en": "Even raised by {bonus} in a regional-aid zone, the "
                        "maximum intensity is exceeded by the rate chosen "
                        "({instruction.aid_rate}): the aid is capped at {max_aid}.",
                    },
                )
            ],
        ),
        Criterion(
            "costs.ineligible_lines",
            count(costs, where=~costs.category.is_in(param("eligible_categories"))) == 0,
            severity=Severity.WARNING,
            basis=ART_17,
            title={"fr": "Dépenses non éligibles", "en": "Ineligible costs"},
            details={
                "ineligible_lines": list_of(
                    costs.label, where=~costs.category.is_in(param("eligible_categories"))
                )
            },
            failed={
                "fr": "Dépenses exclues des dépenses éligibles (ni investissement corporel ni "
                "incorporel) : {ineligible_lines}.",
                "en": "Costs left out of the eligible costs (neither tangible nor intangible "
                "investment): {ineligible_lines}.",
            },
            passed={
                "fr": "Toutes les dépenses sont éligibles.",
                "en": "Every cost is eligible.",
            },
        ),
    )


def criteria() -> tuple[Criterion, ...]:
    return (*_applicant(), *_project(), *_aid())


def derived() -> dict[str, Expr]:
    """The size class of Annex I, and whether the exception for regional-aid zones applies."""
    return {"size_class": SIZE_CLASS, "in_regional_aid_zone": IN_ZONE}


def obligations() -> tuple[Obligation, ...]:
    return (
        Obligation(
            "keep_investment",
            {
                "fr": "Maintenir l'investissement aidé dans l'établissement des Hauts-de-France "
                "pendant au moins trois ans après son achèvement.",
                "en": "Keep the aided investment in the Hauts-de-France site for at least "
                "three years after its completion.",
            },
            REGION,
        ),
        Obligation(
            "publication",
            {
                "fr": "L'aide dépassant 100 000 euros, ses informations sont publiées sur le "
                "site de transparence des aides d'État.",
                "en": "The aid being above EUR 100,000, its details are published on the "
                "State aid transparency website.",
            },
            _gber("art. 9(1) c) (publication des aides individuelles)", reliability="inferred"),
            applies_if=award > Euro("100000.00"),
        ),
        Obligation(
            "keep_documents",
            {
                "fr": "Conserver pendant dix ans les pièces justifiant le respect du règlement "
                "général d'exemption (taille de l'entreprise, cumul, effet incitatif).",
                "en": "Keep for ten years the records showing compliance with the GBER "
                "(size class, cumulation, incentive effect).",
            },
            _gber("art. 12(1) (contrôle)", reliability="inferred"),
        ),
    )


def invariants() -> tuple[Invariant, ...]:
    """What the GBER and the Region promise of every award, checked on generated applications
    and proved by ``grantrules check``.

    They restate the award formula and the criteria from the other side (the intensity
    applied to the cent rather than the euro, the bonus as a conditional rate rather than an
    exception), so that a change to one that breaks the promise is caught.
    """
    intensity = when(IN_ZONE, INTENSITY + param("zone_bonus"), INTENSITY)
    return (
        Invariant(
            "aid.cumulation",
            other_public + award <= intensity.of(eligible_cost, rounding=DOWN),
            basis=ART_8,
            message={
                "fr": "L'aide régionale et les autres aides publiques ne dépassent jamais, "
                "ensemble, l'intensité de la catégorie d'entreprise ({intensity_small} pour "
                "une petite entreprise, {intensity_medium} pour une moyenne, majorée de "
                "{zone_bonus} en zone d'aide à finalité régionale) des dépenses éligibles.",
                "en": "The regional aid and the other public aid together never exceed the "
                "intensity of the size class ({intensity_small} for a small enterprise, "
                "{intensity_medium} for a medium-sized one, raised by {zone_bonus} in a "
                "regional-aid zone) of the eligible costs.",
            },
        ),
        Invariant(
            "award.within_ceiling",
            award <= param("award_ceiling"),
            basis=REGION,
            message={
                "fr": "L'aide régionale ne dépasse jamais {award_ceiling}.",
                "en": "The regional aid never exceeds {award_ceiling}.",
            },
        ),
        Invariant(
            "aid.notification_threshold",
            other_public + award <= param("notification_threshold"),
            basis=ART_4,
            message={
                "fr": "Les aides au projet ne dépassent jamais le seuil de notification "
                "({notification_threshold}).",
                "en": "The aid to the project never exceeds the notification threshold "
                "({notification_threshold}).",
            },
        ),
    )
