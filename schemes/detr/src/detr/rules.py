"""The criteria, amounts, derived values and obligations of the DETR.

Every number lives in ``parameters.toml`` with its basis; the reading of the texts (and what
is inferred) is in the scheme's README.  Amounts exclude VAT (the DETR funds the cost
excluding taxes; the VAT is recovered through the FCTVA).
"""

from __future__ import annotations

from grantrules.authoring import (
    DOWN,
    UP,
    Amount,
    Basis,
    Criterion,
    Euro,
    Expr,
    Obligation,
    Override,
    Severity,
    collection,
    count,
    field,
    instruction,
    list_of,
    maximum,
    minimum,
    param,
    rounded,
    sum_of,
)

__all__ = ["TO_EURO", "amounts", "criteria", "derived", "obligations"]

DGCL = "https://www.collectivites-locales.gouv.fr/finances-locales/dotation-dequipement-des-territoires-ruraux-detr"
L1111_10 = "http://www.vaucluse.gouv.fr/participation-minimale-du-maitre-d-ouvrage-a12423.html"
LOI_2024_279 = "https://www.vie-publique.fr/loi/294681-loi-29-mars-2024-renovation-batiments-scolaires-par-les-collectivites"

DETR = Basis(
    "Code général des collectivités territoriales",
    "art. L2334-32 ss.",
    url=DGCL,
    reliability="verified",
)
L2334_33 = Basis(
    "Code général des collectivités territoriales",
    "art. L2334-33",
    url=DGCL,
    reliability="verified",
)
L2334_37 = Basis(
    "Code général des collectivités territoriales",
    "art. L2334-37",
    url=DGCL,
    reliability="verified",
)
OWN_SHARE = Basis(
    "Code général des collectivités territoriales",
    "art. L1111-10 III",
    url=L1111_10,
    reliability="verified",
)
DEROGATION = Basis(
    "Code général des collectivités territoriales",
    "art. L1111-10 III, al. 3 et 4 (dérogations accordées par le préfet)",
    url=L1111_10,
    reliability="verified",
)
SCHOOLS = Basis(
    "Loi n° 2024-279 du 29 mars 2024",
    "article unique (CGCT L1111-10 III)",
    url=LOI_2024_279,
    reliability="verified",
)
RULES = Basis(
    "Règlement départemental de la DETR (interprétation)",
    "art. R2334-19 ss. du CGCT",
    url=DGCL,
    reliability="inferred",
)

#: Every DETR amount is rounded down to the euro (the prefect's arrêté states whole euros).
TO_EURO = DOWN.to_euro()

applicant = field("applicant")
project = field("project")
submitted_on = field("submitted_on")
costs = collection("costs")
financing = collection("financing")
members = collection("applicant.members")
granted_amount = instruction("granted_amount")
derogation = instruction("own_share_derogation")

is_commune = applicant.legal_category.is_in(param("commune_legal_categories"))
is_epci = applicant.legal_category.is_in(param("epci_legal_categories"))


def _financed_by(where: Expr) -> Expr:
    return sum_of(financing.amount, where=where)


total_cost = Amount(
    "total_cost",
    sum_of(costs.amount_excl_vat),
    basis=RULES,
    label={"fr": "le coût total HT", "en": "the total cost excluding VAT"},
)
eligible_cost = Amount(
    "eligible_cost",
    sum_of(costs.amount_excl_vat, where=costs.category.is_in(param("eligible_categories"))),
    basis=RULES,
    label={"fr": "la dépense subventionnable", "en": "the eligible cost"},
)
financing_total = Amount(
    "financing_total",
    sum_of(financing.amount),
    basis=RULES,
    label={"fr": "le total du plan de financement", "en": "the financing plan's total"},
)
detr_requested = Amount(
    "detr_requested",
    _financed_by(financing.source == "detr"),
    basis=RULES,
    label={"fr": "la DETR demandée", "en": "the DETR requested"},
)
other_public = Amount(
    "other_public_funding",
    _financed_by(financing.source.is_in(("dsil", "region", "department", "eu", "other_public"))),
    basis=OWN_SHARE,
    label={
        "fr": "les autres financements publics",
        "en": "the other public funding",
        "number": "plural",
    },
)
private_funding = Amount(
    "private_funding",
    _financed_by(financing.source == "private"),
    basis=OWN_SHARE,
    label={"fr": "les financements privés", "en": "the private funding", "number": "plural"},
)
# What public persons finance (the owner included), read in the financing plan: the base of
# L1111-10 III, « le montant total des financements apportés par des personnes publiques ».
# (With a balanced plan it is the total cost less private funding; read from the plan, it
# does not move when a cost line that no one funds is added or removed.)
public_base = Amount(
    "public_base",
    _financed_by(financing.source != "private"),
    basis=OWN_SHARE,
    label={"fr": "le financement public du projet", "en": "the project's public funding"},
)


def _public_room(min_share: Expr) -> Expr:
    """What State aid may add to the other public funding, leaving the owner ``min_share``."""
    return rounded(
        maximum((1 - min_share).of(public_base, rounding=TO_EURO) - other_public, Euro.ZERO),
        TO_EURO,
    )


# The derogations the prefect grants (an instructor input): the owner's minimum share is
# lowered to 10 % for the energy renovation of schools, lifted for the other cases.
_SCHOOL_DEROGATION = derogation.is_set() & (derogation == "school_energy_renovation")
_OTHER_DEROGATION = derogation.is_set() & derogation.is_in(
    ("protected_heritage", "unprotected_heritage", "public_calamity")
)

public_room = Amount(
    "public_room",
    _public_room(param("min_own_share")),
    rounding=TO_EURO,
    basis=OWN_SHARE,
    label={"fr": "la marge d'aide publique", "en": "the room for public aid"},
    exceptions=[
        Override(
            "derogation_ecoles",
            _SCHOOL_DEROGATION,
            _public_room(param("min_own_share_school_energy")),
            basis=SCHOOLS,
        ),
        Override(
            "derogation_prefet",
            _OTHER_DEROGATION,
            _public_room(param("min_own_share_derogated")),
            basis=DEROGATION,
        ),
    ],
)
maximum_award = Amount(
    "maximum_award",
    minimum(param("max_rate").of(eligible_cost, rounding=TO_EURO), public_room),
    rounding=TO_EURO,
    basis=RULES,
    label={"fr": "l'aide maximale", "en": "the maximum award"},
)
# The rate, the room and the amount granted are the operands of one minimum (rather than
# the amount granted capped by ``maximum_award``) so that the award formula shows its rate
# and its base to every reader: the règlement, and the invariants on rates and ceilings.
award = Amount(
    "award",
    rounded(
        minimum(param("max_rate").of(eligible_cost, rounding=TO_EURO), public_room, granted_amount),
        TO_EURO,
    ),
    rounding=TO_EURO,
    basis=DETR,
    label={"fr": "la subvention DETR", "en": "the DETR grant"},
)
# The owner's share once the award is known: what neither the State, the other public
# funders nor private funders pay.
owner_share = Amount(
    "owner_share",
    maximum(public_base - award - other_public, Euro.ZERO),
    basis=OWN_SHARE,
    label={"fr": "la participation du maître d'ouvrage", "en": "the owner's share"},
)


def amounts() -> tuple[Amount, ...]:
    return (
        total_cost,
        eligible_cost,
        financing_total,
        detr_requested,
        other_public,
        private_funding,
        public_base,
        public_room,
        maximum_award,
        award,
        owner_share,
    )


def _owner_covers(min_share: Expr) -> Expr:
    # Rounding the threshold UP to the cent is the exact comparison for cent amounts.
    return owner_share >= min_share.of(owner_share + award + other_public, rounding=UP)


def _eligibility() -> tuple[Criterion, ...]:
    return (
        Criterion(
            "applicant.category",
            is_commune | is_epci,
            basis=Basis(
                "Code général des collectivités territoriales",
                "art. L2334-33, 1° et 2°",
                url=DGCL,
                reliability="verified",
            ),
            title={"fr": "Catégorie du demandeur", "en": "Applicant category"},
            failed={
                "fr": "La catégorie juridique {applicant.legal_category} n'est pas éligible : "
                "la DETR est réservée aux communes et aux EPCI à fiscalité propre.",
                "en": "Legal category {applicant.legal_category} is not eligible: the DETR "
                "is for communes and EPCI with own taxation.",
            },
            passed={
                "fr": "Le demandeur ({applicant.legal_category}) peut bénéficier de la DETR.",
                "en": "The applicant ({applicant.legal_category}) may receive the DETR.",
            },
        ),
        Criterion(
            "applicant.location",
            applicant.commune_code.starts_with_any(param("departement_prefixes")),
            basis=Basis(
                "Code général des collectivités territoriales",
                "art. L2334-36 (attribution par le préfet de département)",
                url=DGCL,
                reliability="inferred",
            ),
            title={"fr": "Département", "en": "Département"},
            failed={
                "fr": "Le siège du demandeur (commune {applicant.commune_code}) n'est pas dans "
                "le département ({departement_prefixes}).",
                "en": "The applicant's seat (commune {applicant.commune_code}) is not in the "
                "département ({departement_prefixes}).",
            },
            passed={
                "fr": "Le siège du demandeur (commune {applicant.commune_code}) est dans le "
                "département.",
                "en": "The applicant's seat (commune {applicant.commune_code}) is in the "
                "département.",
            },
        ),
        Criterion(
            "applicant.commune_size",
            (applicant.population <= param("small_commune_max_population"))
            | (
                (applicant.population <= param("commune_max_population"))
                & (applicant.financial_potential_per_inhabitant < param("max_financial_potential"))
            ),
            applies_if=is_commune,
            basis=L2334_33,
            title={"fr": "Population et richesse de la commune", "en": "Commune size and wealth"},
            failed={
                "fr": "Une commune de {applicant.population} habitants n'est éligible que si "
                "elle compte au plus {small_commune_max_population} habitants, ou au plus "
                "{commune_max_population} habitants avec un potentiel financier par habitant "
                "({applicant.financial_potential_per_inhabitant}) inférieur à "
                "{max_financial_potential}.",
                "en": "A commune of {applicant.population} inhabitants is eligible only with at "
                "most {small_commune_max_population} inhabitants, or at most "
                "{commune_max_population} with a financial potential per inhabitant "
                "({applicant.financial_potential_per_inhabitant}) below "
                "{max_financial_potential}.",
            },
            passed={
                "fr": "La commune ({applicant.population} habitants) remplit les conditions de "
                "population et de potentiel financier.",
                "en": "The commune ({applicant.population} inhabitants) meets the population "
                "and financial-potential conditions.",
            },
            not_applicable={
                "fr": "Le demandeur n'est pas une commune.",
                "en": "The applicant is not a commune.",
            },
        ),
        Criterion(
            "applicant.epci_size",
            (count(members) >= 1)
            & (sum_of(members.population, unit="count") <= param("epci_max_population"))
            & (count(members, where=members.population > param("epci_max_member_population")) == 0)
            & applicant.single_piece_territory.is_true(),
            applies_if=is_epci,
            basis=L2334_33,
            title={"fr": "Population de l'EPCI", "en": "EPCI population"},
            details={
                "epci_population": sum_of(members.population, unit="count"),
                "large_members": list_of(
                    members.commune_code,
                    where=members.population > param("epci_max_member_population"),
                ),
            },
            failed={
                "fr": "Un EPCI n'est éligible que s'il compte au plus {epci_max_population} "
                "habitants ({epci_population} déclarés), sans commune membre de plus de "
                "{epci_max_member_population} habitants (au-delà : {large_members}), sur un "
                "territoire d'un seul tenant et sans enclave.",
                "en": "An EPCI is eligible only with at most {epci_max_population} inhabitants "
                "({epci_population} declared), no member commune above "
                "{epci_max_member_population} inhabitants (above: {large_members}), on a "
                "territory in one piece without enclave.",
            },
            passed={
                "fr": "L'EPCI ({epci_population} habitants) remplit les conditions de population.",
                "en": "The EPCI ({epci_population} inhabitants) meets the population conditions.",
            },
            not_applicable={
                "fr": "Le demandeur n'est pas un EPCI à fiscalité propre.",
                "en": "The applicant is not an EPCI with own taxation.",
            },
        ),
        Criterion(
            "call.window",
            submitted_on.within(param("submission_window")),
            basis=RULES,
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
            "project.priority_operation",
            project.operation.is_in(param("priority_operations")),
            basis=L2334_37,
            title={"fr": "Opération prioritaire", "en": "Priority operation"},
            failed={
                "fr": "L'opération ({project.operation}) ne relève d'aucune catégorie "
                "prioritaire fixée par la commission d'élus.",
                "en": "The operation ({project.operation}) is in none of the priority "
                "categories set by the commission of elected members.",
            },
            passed={
                "fr": "Opération prioritaire : {project.operation}.",
                "en": "Priority operation: {project.operation}.",
            },
        ),
    )


def _project() -> tuple[Criterion, ...]:
    return (
        Criterion(
            "project.not_started",
            (project.start_date >= submitted_on) & (project.start_date <= project.end_date),
            basis=Basis(
                "Code général des collectivités territoriales",
                "art. R2334-24 (aucun commencement d'exécution avant le dépôt)",
                url=DGCL,
                reliability="inferred",
            ),
            title={"fr": "Projet non commencé", "en": "Project not started"},
            failed={
                "fr": "Le projet ({project.start_date} – {project.end_date}) ne peut commencer "
                "avant le dépôt du dossier ({submitted_on}) ni finir avant de commencer.",
                "en": "The project ({project.start_date} – {project.end_date}) may not start "
                "before the application ({submitted_on}) nor end before it starts.",
            },
            passed={
                "fr": "Le projet commence le {project.start_date}, après le dépôt.",
                "en": "The project starts on {project.start_date}, after the application.",
            },
        ),
        Criterion(
            "project.min_cost",
            eligible_cost >= param("min_eligible_cost"),
            basis=RULES,
            title={"fr": "Dépense minimale", "en": "Minimum cost"},
            failed={
                "fr": "La dépense subventionnable ({eligible_cost}) n'atteint pas "
                "{min_eligible_cost}.",
                "en": "The eligible cost ({eligible_cost}) is below {min_eligible_cost}.",
            },
            passed={
                "fr": "La dépense subventionnable ({eligible_cost}) atteint {min_eligible_cost}.",
                "en": "The eligible cost ({eligible_cost}) reaches {min_eligible_cost}.",
            },
        ),
        Criterion(
            "financing.balanced",
            financing_total == total_cost,
            basis=RULES,
            title={"fr": "Plan de financement équilibré", "en": "Balanced financing plan"},
            failed={
                "fr": "Le plan de financement ({financing_total}) doit être égal au coût total HT "
                "({total_cost}).",
                "en": "The financing plan ({financing_total}) must equal the total cost "
                "excluding VAT ({total_cost}).",
            },
            passed={
                "fr": "Le plan de financement est équilibré ({financing_total}).",
                "en": "The financing plan is balanced ({financing_total}).",
            },
        ),
    )


def _own_share() -> Criterion:
    return Criterion(
        "financing.own_share",
        _owner_covers(param("min_own_share")),
        basis=OWN_SHARE,
        title={"fr": "Participation minimale", "en": "Minimum own share"},
        failed={
            "fr": "La participation du maître d'ouvrage ({owner_share}) doit atteindre "
            "{min_own_share} des financements publics : les autres financements publics "
            "({other_public_funding}) et la subvention DETR ({award}) ne lui laissent pas cette "
            "part.",
            "en": "The owner's share ({owner_share}) must reach {min_own_share} of the public "
            "funding: the other public funding ({other_public_funding}) and the DETR grant "
            "({award}) do not leave it that share.",
        },
        passed={
            "fr": "La participation du maître d'ouvrage ({owner_share}) atteint "
            "{min_own_share} des financements publics.",
            "en": "The owner's share ({owner_share}) reaches {min_own_share} of the public "
            "funding.",
        },
        exceptions=[
            Override(
                "derogation_ecoles",
                _SCHOOL_DEROGATION,
                _owner_covers(param("min_own_share_school_energy")),
                basis=SCHOOLS,
                passed={
                    "fr": "Dérogation du préfet (rénovation énergétique des bâtiments "
                    "scolaires) : la participation du maître d'ouvrage ({owner_share}) atteint "
                    "{min_own_share_school_energy} des financements publics.",
                    "en": "Prefect's derogation (energy renovation of school buildings): the "
                    "owner's share ({owner_share}) reaches {min_own_share_school_energy} of "
                    "the public funding.",
                },
                failed={
                    "fr": "Même abaissée à {min_own_share_school_energy} par dérogation du "
                    "préfet, la participation du maître d'ouvrage ({owner_share}) n'est pas "
                    "atteinte : les autres financements publics ({other_public_funding}) "
                    "dépassent la part permise.",
                    "en": "Even lowered to {min_own_share_school_energy} by the prefect's "
                    "derogation, the owner's share ({owner_share}) is not reached: the other "
                    "public funding ({other_public_funding}) exceeds the share allowed.",
                },
            ),
            Override(
                "derogation_prefet",
                _OTHER_DEROGATION,
                _owner_covers(param("min_own_share_derogated")),
                basis=DEROGATION,
                passed={
                    "fr": "Dérogation du préfet ({instruction.own_share_derogation}) : la "
                    "participation minimale de {min_own_share} ne s'applique pas.",
                    "en": "Prefect's derogation ({instruction.own_share_derogation}): the "
                    "minimum share of {min_own_share} does not apply.",
                },
            ),
        ],
    )


def _instruction() -> tuple[Criterion, ...]:
    matches = (
        (
            (derogation == "school_energy_renovation")
            & (project.operation == "school_energy_renovation")
        )
        | (
            derogation.is_in(("protected_heritage", "unprotected_heritage"))
            & (project.operation == "heritage")
        )
        | (derogation == "public_calamity")
    )
    return (
        Criterion(
            "instruction.own_share_derogation",
            matches,
            applies_if=derogation.is_set(),
            severity=Severity.WARNING,
            basis=DEROGATION,
            title={
                "fr": "Dérogation à la participation minimale",
                "en": "Derogation to the minimum share",
            },
            failed={
                "fr": "La dérogation accordée ({instruction.own_share_derogation}) ne "
                "correspond pas à l'objet du projet ({project.operation}) : à vérifier.",
                "en": "The derogation granted ({instruction.own_share_derogation}) does not "
                "match the project's object ({project.operation}): to be checked.",
            },
            passed={
                "fr": "Dérogation accordée par le préfet : {instruction.own_share_derogation}.",
                "en": "Derogation granted by the prefect: {instruction.own_share_derogation}.",
            },
            not_applicable={
                "fr": "Aucune dérogation : la participation minimale de droit commun s'applique.",
                "en": "No derogation: the ordinary minimum share applies.",
            },
        ),
        Criterion(
            "award.positive",
            # A grant of 0.00 is a refusal: say why rather than call the project eligible.
            award > Euro.ZERO,
            basis=RULES,
            title={"fr": "Subvention non nulle", "en": "A grant above zero"},
            failed={
                "fr": "La subvention calculée ({award}) est nulle : la place laissée à l'aide de "
                "l'État par le plan de financement, ou le montant retenu par le préfet, est "
                "nul.",
                "en": "The computed grant ({award}) is zero: the room the financing plan leaves "
                "for State aid, or the amount the prefect granted, is zero.",
            },
            passed={
                "fr": "La subvention calculée ({award}) est positive.",
                "en": "The computed grant ({award}) is above zero.",
            },
        ),
        Criterion(
            "award.within_maximum",
            granted_amount <= maximum_award,
            severity=Severity.WARNING,
            basis=RULES,
            title={"fr": "Montant retenu", "en": "Amount granted"},
            failed={
                "fr": "Le montant retenu par le préfet ({instruction.granted_amount}) dépasse "
                "l'aide maximale ({maximum_award}) : la subvention est plafonnée à l'aide "
                "maximale.",
                "en": "The amount the prefect granted ({instruction.granted_amount}) exceeds "
                "the maximum award ({maximum_award}): the grant is capped at the maximum.",
            },
            passed={
                "fr": "Le montant retenu ({instruction.granted_amount}) ne dépasse pas l'aide "
                "maximale ({maximum_award}).",
                "en": "The amount granted ({instruction.granted_amount}) is within the "
                "maximum award ({maximum_award}).",
            },
        ),
        Criterion(
            "award.min_rate",
            # UP: the exact comparison for cent amounts (the threshold is not an award).
            award >= param("min_rate").of(eligible_cost, rounding=UP),
            severity=Severity.WARNING,
            basis=RULES,
            title={"fr": "Taux minimal", "en": "Minimum rate"},
            failed={
                "fr": "La subvention ({award}) est inférieure au taux minimal de {min_rate} de "
                "la dépense subventionnable ({eligible_cost}).",
                "en": "The grant ({award}) is below the minimum rate of {min_rate} of the "
                "eligible cost ({eligible_cost}).",
            },
            passed={
                "fr": "La subvention ({award}) représente au moins {min_rate} de la dépense "
                "subventionnable ({eligible_cost}), le taux minimal.",
                "en": "The grant ({award}) reaches the minimum rate of {min_rate}.",
            },
        ),
    )


def _warnings() -> tuple[Criterion, ...]:
    ineligible = ~costs.category.is_in(param("eligible_categories"))
    return (
        Criterion(
            "costs.ineligible_lines",
            count(costs, where=ineligible) == 0,
            severity=Severity.WARNING,
            basis=RULES,
            title={"fr": "Dépenses non subventionnables", "en": "Ineligible costs"},
            details={"ineligible_lines": list_of(costs.label, where=ineligible)},
            failed={
                "fr": "Dépenses exclues de la dépense subventionnable (fonctionnement, "
                "entretien) : {ineligible_lines}.",
                "en": "Costs left out of the eligible cost (operating, maintenance): "
                "{ineligible_lines}.",
            },
            passed={
                "fr": "Toutes les dépenses sont subventionnables.",
                "en": "Every cost is eligible.",
            },
        ),
        Criterion(
            "financing.detr_line",
            detr_requested == award,
            severity=Severity.WARNING,
            basis=RULES,
            title={"fr": "Ligne DETR", "en": "DETR line"},
            failed={
                "fr": "La DETR demandée ({detr_requested}) diffère de la subvention "
                "({award}) : le plan de financement sera ajusté.",
                "en": "The DETR requested ({detr_requested}) differs from the grant "
                "({award}); the financing plan will be adjusted.",
            },
            passed={
                "fr": "La DETR demandée est égale à la subvention calculée ({award}).",
                "en": "The DETR requested equals the grant ({award}).",
            },
        ),
    )


def criteria() -> tuple[Criterion, ...]:
    return (*_eligibility(), *_project(), _own_share(), *_instruction(), *_warnings())


def derived() -> dict[str, Expr]:
    """Whether the commission of elected members must give its opinion (L2334-37)."""
    return {"commission_opinion": award > param("commission_threshold")}


def obligations() -> tuple[Obligation, ...]:
    return (
        Obligation(
            "start_within_two_years",
            {
                "fr": "Commencer l'opération dans un délai de deux ans à compter de la "
                "notification de la subvention, faute de quoi la subvention devient caduque.",
                "en": "Start the operation within two years of the grant's notification, "
                "or the grant lapses.",
            },
            Basis(
                "Code général des collectivités territoriales",
                "art. R2334-28",
                url=DGCL,
                reliability="inferred",
            ),
        ),
        Obligation(
            "state_support_visibility",
            {
                "fr": "Faire état du soutien de l'État (panneau de chantier, communication).",
                "en": "Acknowledge the State's support (site sign, communication).",
            },
            RULES,
        ),
        Obligation(
            "commission_opinion",
            {
                "fr": "La subvention dépassant le seuil de saisine, elle est soumise pour avis "
                "à la commission d'élus avant l'arrêté attributif.",
                "en": "The grant being above the threshold, it goes to the commission of "
                "elected members for its opinion before the award decision.",
            },
            L2334_37,
            applies_if=award > param("commission_threshold"),
        ),
        Obligation(
            "keep_documents",
            {
                "fr": "Conserver les pièces justificatives des dépenses jusqu'au solde et "
                "pendant la durée réglementaire.",
                "en": "Keep the supporting documents of the costs until the final payment and "
                "for the regulatory period.",
            },
            RULES,
        ),
    )
