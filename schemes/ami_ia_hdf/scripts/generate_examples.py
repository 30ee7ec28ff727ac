"""Generate the example applications of the AMI IA Hauts-de-France scheme, with their verdicts.

Every file of ``schemes/ami_ia_hdf/examples/`` is written by this script from the hand-written
tables below (edit the tables, not the generated files):

- one pretty-printed ``*.json`` file per single example (``SINGLES``);
- ``call.jsonl``: a realistic call of 45 applications (``CALL``), one JSON object per line, in
  submission order;
- ``expected.json``: for each call application (by ``id``) and each single example (by file
  name), ``{"eligible", "failed", "total_cost", "eligible_cost", "award"}``;
- ``README.md``: the same verdicts as tables, with warnings, cost option and totals.

The verdicts are computed here, independently of the scheme implementation, from the rules of
``ami-ia-hdf-as-encoded.md`` beside this script (the "as we encode it" file), and checked
twice: against the criteria each table row is *meant* to fail (``expect``), and against a
second computation of the amounts in integer cents. The financing plan is derived from the
costs (FEDER line = the computed award, own funds = the balance) unless a row says otherwise.

How to run it, from the repository root (standard library only; its only input outside this
file is the communes table ``src/ami_ia_hdf/data/communes_hdf.csv`` written by
``generate_communes.py``; everything it reads is in the repository)::

    .venv/bin/python schemes/ami_ia_hdf/scripts/generate_examples.py [--out DIR]

``--out`` writes the files to another folder (the test suite regenerates them in a temporary
folder and compares them with ``examples/``).

The output is deterministic (no clock, no randomness): running it twice gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

SCHEME_DIR = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = SCHEME_DIR / "examples"
COMMUNES_CSV = SCHEME_DIR / "src/ami_ia_hdf/data/communes_hdf.csv"

# --- Parameters of the scheme (domain file, valid from 2024-11-01) ------------------------------
CENT = Decimal("0.01")
ENVELOPE = Decimal("5000000.00")
FEDER_RATE = Decimal("0.60")
MIN_TOTAL_COST = Decimal("70000.00")
MAX_TOTAL_COST = Decimal("250000.00")
AWARD_CEILING = Decimal("150000.00")
ELIGIBLE_CATEGORIES = frozenset({"staff", "equipment", "operating"})
COST_CATEGORIES = ELIGIBLE_CATEGORIES | {"other"}
EXPENDITURE_PERIOD = (date(2021, 1, 1), date(2029, 12, 31))
SUBMISSION_WINDOW = (date(2024, 11, 1), date(2027, 12, 31))
SCO_THRESHOLD = Decimal("200000.00")
MIN_OWN_SHARE = Decimal("0.20")
DE_MINIMIS_CEILING = Decimal("300000.00")
DE_MINIMIS_SGEI_CEILING = Decimal("750000.00")
DE_MINIMIS_YEARS = 3

PUBLIC_CATEGORIES = frozenset(
    {
        *("7210", "7220", "7229", "7230"),  # collectivités territoriales
        *("7340", "7343", "7344", "7345", "7346", "7348", "7349"),  # groupements
        *("7353", "7354", "7355", "7357"),  # syndicats, PETR
        *("7361", "7367", "7372", "7373", "7378", "7379"),  # local public establishments
        "7410",  # GIP
    }
)
PRIVATE_CATEGORIES = frozenset(
    {
        *("9220", "9230", "9300"),  # associations, foundations
        *("5515", "5615", "5599", "5699", "5710"),  # SEM, SPL and other companies
        *("4140", "4150"),  # local EPIC
    }
)
USE_CASES = (
    "deliberations",
    "correspondence",
    "speeches",
    "meeting_minutes",
    "citizen_chatbot",
    "public_procurement",
    "human_resources",
    "water_management",
    "energy_management",
    "urban_planning",
    "mobility",
    "security",
    "citizen_relations",
    "other",
)
FINANCING_SOURCES = ("feder", "own_funds", "other_public", "private")

# Criterion ids, in the order of the domain file (``failed`` lists keep this order).
CRITERIA = (
    "applicant.category",
    "applicant.mandate",
    "applicant.location",
    "call.window",
    "project.ai_use_case",
    "project.dates",
    "project.not_completed",
    "project.cost_range",
    "financing.balanced",
    "financing.own_share",
    "state_aid.de_minimis",
)
WARNINGS = ("financing.feder_line", "costs.ineligible_lines")


# --- Identifiers ---------------------------------------------------------------------------------
def luhn_valid(digits: str) -> bool:
    """Return whether ``digits`` passes the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def luhn_complete(base: str) -> str:
    """Append the Luhn check digit to ``base``."""
    (digits,) = [base + d for d in "0123456789" if luhn_valid(base + d)]
    return digits


def siren(base_or_full: str) -> str:
    """An invented SIREN from 8 digits (check digit added), or a real one (checked)."""
    if len(base_or_full) == 8:
        return luhn_complete(base_or_full)
    assert len(base_or_full) == 9, base_or_full
    assert luhn_valid(base_or_full), base_or_full
    return base_or_full


def commune_siren(code: str) -> str:
    """The SIREN of a commune by the observed pattern ``21`` + dept + ``0`` + commune + check."""
    return luhn_complete(f"21{code[:2]}0{code[2:]}")


# --- Builders for the tables ---------------------------------------------------------------------
@dataclass(frozen=True)
class Applicant:
    name: str
    siren: str
    legal_category: str
    commune_code: str
    public_policy_mandate: bool = False
    economic_activity: bool = False
    sgei: bool = False
    prior_de_minimis: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "siren": self.siren,
            "legal_category": self.legal_category,
            "commune_code": self.commune_code,
            "public_policy_mandate": self.public_policy_mandate,
            "economic_activity": self.economic_activity,
            "sgei": self.sgei,
            "prior_de_minimis": [
                {"granted_on": granted_on, "amount": amount}
                for granted_on, amount in self.prior_de_minimis
            ],
        }


def commune(name: str, code: str) -> Applicant:
    """A commune (7210), SIREN derived from its INSEE code."""
    return Applicant(name, commune_siren(code), "7210", code)


def body(name: str, siren_digits: str, legal_category: str, seat: str, **kw: Any) -> Applicant:
    """Any other applicant; ``siren_digits`` is 8 digits (invented) or 9 (real, checked)."""
    return Applicant(name, siren(siren_digits), legal_category, seat, **kw)


Line = dict[str, Any]


def _line(category: str, label: str, excl_vat: str, vat_rate: str, recoverable: bool) -> Line:
    amount = Decimal(excl_vat)
    vat = (amount * Decimal(vat_rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return {
        "category": category,
        "label": label,
        "amount_excl_vat": f"{amount:.2f}",
        "vat": f"{vat:.2f}",
        "vat_recoverable": recoverable,
    }


def staff(label: str, amount: str) -> Line:
    """Staff cost: no VAT."""
    return _line("staff", label, amount, "0", False)


def equipment(label: str, excl_vat: str, recoverable: bool = True) -> Line:
    """Equipment at 20 % VAT."""
    return _line("equipment", label, excl_vat, "0.20", recoverable)


def operating(label: str, excl_vat: str, recoverable: bool = True) -> Line:
    """Operating expense at 20 % VAT."""
    return _line("operating", label, excl_vat, "0.20", recoverable)


def other(label: str, excl_vat: str, recoverable: bool = True) -> Line:
    """A cost outside the eligible categories, at 20 % VAT."""
    return _line("other", label, excl_vat, "0.20", recoverable)


@dataclass(frozen=True)
class Spec:
    """One application as written in the tables below."""

    submitted_on: str
    applicant: Applicant
    title: str
    use_cases: tuple[str, ...]
    start_date: str
    end_date: str
    costs: tuple[Line, ...]
    other_public: tuple[tuple[str, str], ...] = ()  # (funder, amount)
    description: str = ""
    feder: str | None = None  # FEDER line requested, if not the computed award
    financing_gap: str = "0.00"  # own funds short of the balance by this amount
    expect: tuple[str, ...] = ()  # criteria this application is meant to fail
    note: str = ""  # what it illustrates (README)
    file: str = ""  # file name of a single example
    id: str = ""  # id of a single example (call ids are numbered by submission order)


def award_of(eligible_cost: Decimal) -> Decimal:
    """60 % of the eligible cost rounded down to the cent, capped at the ceiling."""
    return min((eligible_cost * FEDER_RATE).quantize(CENT, rounding=ROUND_DOWN), AWARD_CEILING)


def line_cost(line: Line) -> Decimal:
    cost = Decimal(line["amount_excl_vat"])
    return cost if line["vat_recoverable"] else cost + Decimal(line["vat"])


def build(spec: Spec, app_id: str) -> dict[str, Any]:
    """The application JSON of a table row, with its financing plan."""
    total = sum((line_cost(line) for line in spec.costs), Decimal(0))
    eligible = sum(
        (line_cost(line) for line in spec.costs if line["category"] in ELIGIBLE_CATEGORIES),
        Decimal(0),
    )
    feder = Decimal(spec.feder) if spec.feder is not None else award_of(eligible)
    others = sum((Decimal(amount) for _, amount in spec.other_public), Decimal(0))
    own = total - feder - others - Decimal(spec.financing_gap)
    assert own > 0, (app_id, own)
    financing: list[dict[str, str]] = [
        {"source": "feder", "amount": f"{feder:.2f}"},
        {"source": "own_funds", "amount": f"{own:.2f}"},
    ]
    financing += [
        {"source": "other_public", "funder": funder, "amount": f"{Decimal(amount):.2f}"}
        for funder, amount in spec.other_public
    ]
    return {
        "id": app_id,
        "submitted_on": spec.submitted_on,
        "applicant": spec.applicant.to_json(),
        "project": {
            "title": spec.title,
            "use_cases": list(spec.use_cases),
            "description": spec.description,
            "start_date": spec.start_date,
            "end_date": spec.end_date,
        },
        "costs": [dict(line) for line in spec.costs],
        "financing": financing,
    }


# --- The single examples -------------------------------------------------------------------------
SINGLES: tuple[Spec, ...] = (
    Spec(
        file="lille-deliberations.json",
        id="AMI-IA-2025-0001",
        note="The example of the domain file: a commune, VAT recoverable on equipment only.",
        submitted_on="2025-03-14",
        applicant=Applicant("Ville de Lille", "215903501", "7210", "59350"),
        title="Assistant de rédaction des délibérations",
        use_cases=("deliberations", "meeting_minutes"),
        start_date="2025-06-01",
        end_date="2026-05-31",
        costs=(
            staff("Cheffe de projet 0,5 ETP", "30000.00"),
            equipment("Serveur d'inférence", "40000.00"),
            operating("Licences et hébergement", "25000.00", recoverable=False),
        ),
    ),
    Spec(
        file="ca-beauvaisis-urbanisme.json",
        id="AMI-IA-2025-0002",
        note=(
            "Communauté d'agglomération (7348), staff + equipment, total cost exactly 250,000.00"
            " (inclusive upper bound): award 150,000.00 = the ceiling; real costs (> 200,000)."
        ),
        submitted_on="2025-04-02",
        applicant=body("Communauté d'agglomération du Beauvaisis", "200067999", "7348", "60057"),
        title="Assistant d'instruction des autorisations d'urbanisme pour les 53 communes",
        use_cases=("urban_planning", "citizen_relations"),
        start_date="2025-07-01",
        end_date="2026-12-31",
        costs=(
            staff("Chef de projet IA 1 ETP (18 mois)", "84600.00"),
            staff("Instructrice du droit des sols 0,5 ETP (18 mois)", "38250.00"),
            staff("Data scientist 0,5 ETP (12 mois)", "36150.00"),
            equipment("Serveur d'inférence GPU hébergé sur site", "62000.00"),
            equipment("Postes de travail des instructeurs", "29000.00"),
        ),
    ),
    Spec(
        file="sem-mobilite-amiens-de-minimis.json",
        id="AMI-IA-2025-0003",
        note=(
            "SEM (5515) with a public-service delegation and an economic activity: de minimis"
            " applies; the 180,000.00 granted in 2021 is outside the 3 years and must not count"
            " (75,000.00 + award inside). Real costs because it is an undertaking."
        ),
        submitted_on="2025-05-20",
        applicant=body(
            "SEM Amiens Stationnement et Mobilités",
            "43218756",
            "5515",
            "80021",
            public_policy_mandate=True,
            economic_activity=True,
            prior_de_minimis=(
                ("2021-03-15", "180000.00"),
                ("2023-09-12", "45000.00"),
                ("2024-06-03", "30000.00"),
            ),
        ),
        title="Prévision de l'occupation des parkings et information des usagers en temps réel",
        use_cases=("mobility", "citizen_chatbot"),
        start_date="2025-09-01",
        end_date="2026-08-31",
        costs=(
            staff("Data scientist 1 ETP (12 mois)", "64800.00"),
            staff("Chef de projet 0,3 ETP (12 mois)", "17820.00"),
            equipment("Capteurs de comptage des entrées et sorties", "38450.00"),
            operating("Développement de l'agent conversationnel (prestation)", "46200.00"),
            operating("Hébergement et licences (12 mois)", "19730.00"),
        ),
    ),
    Spec(
        file="lyon-hors-region.json",
        id="AMI-IA-2025-0004",
        note="A commune outside Hauts-de-France (Lyon, 69123): fails applicant.location only.",
        expect=("applicant.location",),
        submitted_on="2025-06-11",
        applicant=Applicant("Ville de Lyon", "216901231", "7210", "69123"),
        title="Assistant de réponse aux courriers des habitants",
        use_cases=("correspondence",),
        start_date="2025-10-01",
        end_date="2026-09-30",
        costs=(
            staff("Chargée de mission relation usagers 0,6 ETP", "38400.00"),
            operating("Licences du modèle de langage et hébergement", "52750.00"),
            operating("Formation des agents", "8600.00"),
        ),
    ),
    Spec(
        file="dunkerque-ligne-autre.json",
        id="AMI-IA-2025-0005",
        note=(
            "A cost line of category `other` (launch reception): counted in the total cost,"
            " excluded from the eligible cost and the award; warning costs.ineligible_lines."
        ),
        submitted_on="2025-07-08",
        applicant=commune("Ville de Dunkerque", "59183"),
        title="Transcription et synthèse automatiques des conseils de quartier",
        use_cases=("meeting_minutes", "citizen_relations"),
        start_date="2025-10-06",
        end_date="2026-10-30",
        costs=(
            staff("Chargé de démocratie participative 0,5 ETP (12 mois)", "27350.00"),
            equipment("Micros de conférence et enregistreurs", "14890.50"),
            operating("Service de transcription et de synthèse (12 mois)", "41275.00"),
            other("Réception de lancement avec les conseils de quartier", "3480.00", False),
        ),
    ),
    Spec(
        file="cc-pays-noyonnais-tva.json",
        id="AMI-IA-2025-0006",
        note=(
            "Non-recoverable VAT counts as a cost: 66,000.00 excl. VAT (below the 70,000.00"
            " minimum) but 73,200.00 with VAT, so the project is in range and eligible."
        ),
        submitted_on="2025-09-23",
        applicant=body("Communauté de communes du Pays Noyonnais", "246000756", "7346", "60471"),
        title="Agent conversationnel pour les demandes de collecte des déchets",
        use_cases=("citizen_chatbot",),
        start_date="2026-01-05",
        end_date="2026-12-18",
        costs=(
            staff("Chargée de mission numérique 0,5 ETP (12 mois)", "30000.00"),
            equipment("Serveur et stockage", "20000.00", recoverable=False),
            operating("Licence et paramétrage de l'agent conversationnel", "16000.00", False),
        ),
    ),
    Spec(
        file="departement-pas-de-calais-feder-line.json",
        id="AMI-IA-2025-0007",
        note=(
            "The FEDER line asked for (80,000.00) differs from 60 % of the eligible cost:"
            " warning financing.feder_line; the award is the computed one and the project is"
            " eligible (own share passes with either amount)."
        ),
        submitted_on="2025-10-14",
        applicant=body("Département du Pas-de-Calais", "226200012", "7220", "62041"),
        title="Aide à l'instruction des demandes d'allocation personnalisée d'autonomie",
        use_cases=("correspondence", "citizen_relations"),
        start_date="2026-01-12",
        end_date="2027-03-31",
        costs=(
            staff("Cheffe de projet 0,5 ETP (15 mois)", "39375.00"),
            staff("Travailleurs sociaux référents 0,4 ETP", "25630.40"),
            equipment("Serveur d'inférence", "21500.00"),
            operating("Intégration au logiciel métier (prestation)", "31845.60"),
        ),
        feder="80000.00",
    ),
)

# --- The call -------------------------------------------------------------------------------------
AMIENS = commune("Ville d'Amiens", "80021")  # applies twice (portfolio rule)

CALL: tuple[Spec, ...] = (
    Spec(
        submitted_on="2024-10-21",
        applicant=commune("Ville de Soissons", "02722"),
        title="Assistant de recherche dans les archives municipales numérisées",
        use_cases=("citizen_relations",),
        start_date="2025-01-06",
        end_date="2025-12-19",
        costs=(
            staff("Archiviste 0,4 ETP (12 mois)", "19840.00"),
            equipment("Numériseur et stockage", "24300.00"),
            operating("Indexation et moteur de recherche sémantique (prestation)", "51950.00"),
        ),
        expect=("call.window",),
        note="Submitted before the call opened (2024-11-01).",
    ),
    Spec(
        submitted_on="2024-11-18",
        applicant=body("Métropole Européenne de Lille", "200093201", "7344", "59350"),
        title="Aide à la rédaction des comptes rendus du conseil métropolitain",
        use_cases=("meeting_minutes", "deliberations"),
        start_date="2025-02-03",
        end_date="2026-06-30",
        costs=(
            staff("Chef de projet IA 1 ETP (17 mois)", "81260.00"),
            staff("Juriste des assemblées 0,3 ETP", "21480.00"),
            equipment("Serveur d'inférence GPU", "58900.00"),
            operating("Transcription et hébergement souverain (17 mois)", "64315.75"),
            other("Frais de déplacement vers les ateliers régionaux", "1840.00"),
        ),
        note="Métropole (7344); an `other` line; real costs (> 200,000).",
    ),
    Spec(
        submitted_on="2024-12-09",
        applicant=commune("Ville de Roubaix", "59512"),
        title="Chatbot d'accueil des usagers de la médiathèque",
        use_cases=("citizen_chatbot",),
        start_date="2025-03-03",
        end_date="2025-12-31",
        costs=(
            staff("Bibliothécaire référente 0,3 ETP (10 mois)", "12375.00"),
            operating("Conception de l'agent conversationnel (prestation)", "48600.00"),
            operating("Licences et hébergement (10 mois)", "14250.00", recoverable=False),
        ),
        other_public=(("Département du Nord", "10000.00"),),
    ),
    Spec(
        submitted_on="2025-01-14",
        applicant=body("Département de l'Aisne", "220200026", "7220", "02408"),
        title="Tri et orientation automatiques du courrier entrant des services départementaux",
        use_cases=("correspondence",),
        start_date="2025-04-01",
        end_date="2026-03-31",
        costs=(
            staff("Chef de projet 0,5 ETP (12 mois)", "31420.00"),
            staff("Agents du bureau du courrier 0,4 ETP", "17280.00"),
            equipment("Scanners à haut débit", "36750.00"),
            operating("Moteur de classification et intégration à la GED", "78615.33"),
        ),
    ),
    Spec(
        submitted_on="2025-01-22",
        applicant=body("Communauté urbaine de Dunkerque", "245900428", "7343", "59183"),
        title="Assistant juridique pour l'instruction des permis de construire",
        use_cases=("urban_planning",),
        start_date="2025-04-14",
        end_date="2026-07-31",
        costs=(
            staff("Instructeurs du droit des sols 0,8 ETP (15 mois)", "54900.00"),
            staff("Chef de projet 0,4 ETP (15 mois)", "28125.00"),
            equipment("Serveur d'inférence", "44380.00"),
            operating("Base documentaire PLUi et réglementaire (prestation)", "77915.40"),
        ),
        note="Communauté urbaine (7343); real costs (> 200,000).",
    ),
    Spec(
        submitted_on="2025-01-29",
        applicant=body("Syndicat mixte de l'eau de Lens-Liévin", "25620417", "7355", "62498"),
        title="Analyse prédictive des fuites du réseau d'eau",
        use_cases=("water_management",),
        start_date="2025-05-05",
        end_date="2026-10-30",
        costs=(
            staff("Ingénieur réseaux 0,5 ETP (18 mois)", "42750.00"),
            equipment("Capteurs acoustiques de détection de fuites", "96400.00"),
            operating("Plateforme d'analyse et modèle prédictif (18 mois)", "72860.00"),
        ),
        other_public=(("Agence de l'eau Artois-Picardie", "30000.00"),),
        note="Syndicat mixte ouvert (7355) co-funded by the water agency; real costs.",
    ),
    Spec(
        submitted_on="2025-02-11",
        applicant=AMIENS,
        title="Assistant de rédaction des délibérations et des arrêtés",
        use_cases=("deliberations",),
        start_date="2025-05-12",
        end_date="2026-05-29",
        costs=(
            staff("Juriste 0,5 ETP (12 mois)", "28960.00"),
            equipment("Serveur d'inférence", "35200.00"),
            operating("Modèle de langage et intégration au logiciel d'actes", "67315.85"),
        ),
        note="First of two applications of the Ville d'Amiens (same SIREN).",
    ),
    Spec(
        submitted_on="2025-02-26",
        applicant=commune("Ville d'Hirson", "02381"),
        title="Agent conversationnel pour le portail famille",
        use_cases=("citizen_chatbot",),
        start_date="2025-05-05",
        end_date="2025-12-19",
        costs=(
            staff("Agent du service scolaire 0,2 ETP", "8120.00"),
            operating("Agent conversationnel (licence et paramétrage)", "41500.00", False),
        ),
        expect=("project.cost_range",),
        note="Total cost 57,920.00, below the 70,000.00 minimum.",
    ),
    Spec(
        submitted_on="2025-03-06",
        applicant=body("CCAS de Tourcoing", "26590134", "7361", "59599"),
        title="Pré-instruction des demandes d'aide sociale facultative",
        use_cases=("citizen_relations", "correspondence"),
        start_date="2025-06-02",
        end_date="2026-05-29",
        costs=(
            staff("Travailleuse sociale référente 0,5 ETP", "24680.00"),
            equipment("Postes de travail et scanners", "12460.00"),
            operating("Outil de pré-instruction (prestation)", "52140.00"),
            operating("Hébergement de données de santé (12 mois)", "6890.00", False),
        ),
        note="CCAS (7361).",
    ),
    Spec(
        submitted_on="2025-03-12",
        applicant=commune("Ville de Laon", "02408"),
        title="Aide à la rédaction des procès-verbaux du conseil municipal",
        use_cases=("meeting_minutes",),
        start_date="2025-06-02",
        end_date="2026-01-30",
        costs=(
            staff("Assistante des assemblées 0,3 ETP", "11940.00"),
            equipment("Système de captation audio de la salle du conseil", "18600.00"),
            operating("Service de transcription et de rédaction assistée", "41725.00"),
        ),
    ),
    Spec(
        submitted_on="2025-03-19",
        applicant=body(
            "Service départemental d'incendie et de secours de la Somme",
            "28800012",
            "7372",
            "80021",
        ),
        title="Prévision de l'activité opérationnelle par apprentissage automatique",
        use_cases=("security",),
        start_date="2025-06-16",
        end_date="2026-12-18",
        costs=(
            staff("Data scientist 0,8 ETP (18 mois)", "67320.00"),
            equipment("Serveur de calcul", "31250.00"),
            operating("Données météorologiques et hébergement", "27488.90"),
            operating("Formation des officiers", "9350.00"),
        ),
        note="SDIS (7372).",
    ),
    Spec(
        submitted_on="2025-03-31",
        applicant=body("Communauté urbaine d'Arras", "200033579", "7343", "62041"),
        title="Optimisation des itinéraires du réseau de bus par l'analyse de la fréquentation",
        use_cases=("mobility",),
        start_date="2025-07-01",
        end_date="2026-06-30",
        costs=(
            staff("Chargé d'études mobilité 0,6 ETP", "33450.00"),
            equipment("Compteurs de passagers embarqués", "71280.00"),
            operating("Plateforme d'analyse de la fréquentation", "58615.20"),
            operating("Enquêtes de validation terrain", "22300.00"),
        ),
    ),
    Spec(
        submitted_on="2025-04-08",
        applicant=body(
            "Association Lille Accueil Numérique",
            "79412386",
            "9220",
            "59000",
            public_policy_mandate=True,
        ),
        title="Traduction automatique pour l'accueil multilingue des primo-arrivants",
        use_cases=("citizen_relations",),
        start_date="2025-07-01",
        end_date="2026-06-30",
        costs=(
            staff("Médiatrice numérique 0,5 ETP", "21350.00"),
            equipment("Tablettes de traduction", "9480.00"),
            operating("Licences de traduction et d'interprétariat automatique", "54200.00"),
        ),
        expect=("applicant.location",),
        note="Seat given as 59000 (Lille's postal code), not an INSEE commune code.",
    ),
    Spec(
        submitted_on="2025-04-17",
        applicant=body("GIP e-administration de l'Oise", "13002178", "7410", "60057"),
        title="Assistant mutualisé d'aide à la commande publique pour les communes rurales",
        use_cases=("public_procurement",),
        start_date="2025-09-01",
        end_date="2027-02-26",
        costs=(
            staff("Acheteuse publique 0,8 ETP (18 mois)", "61200.00"),
            staff("Chef de projet 0,4 ETP (18 mois)", "32400.00"),
            equipment("Infrastructure d'hébergement mutualisée", "48750.00"),
            operating("Modèle de langage spécialisé marchés publics", "71930.60"),
            operating("Formation des secrétaires de mairie", "14100.00"),
        ),
        note="GIP (7410); real costs (> 200,000).",
    ),
    Spec(
        submitted_on="2025-04-29",
        applicant=commune("Ville de Beauvais", "60057"),
        title="Détection des anomalies de consommation énergétique des bâtiments communaux",
        use_cases=("energy_management",),
        start_date="2025-09-01",
        end_date="2026-08-31",
        costs=(
            staff("Économe de flux 0,5 ETP", "26870.00"),
            equipment("Compteurs communicants et passerelles", "58420.00"),
            operating("Plateforme d'analyse des consommations", "57340.00"),
        ),
        other_public=(("Département de l'Oise", "15000.00"),),
    ),
    Spec(
        submitted_on="2025-05-07",
        applicant=body(
            "Direction départementale des territoires et de la mer du Pas-de-Calais",
            "13001725",
            "7172",
            "62041",
        ),
        title="Classification des demandes d'autorisation au titre de la loi sur l'eau",
        use_cases=("water_management",),
        start_date="2025-09-01",
        end_date="2026-08-31",
        costs=(
            staff("Inspecteur de l'environnement 0,5 ETP", "29650.00"),
            operating("Outil de classification documentaire (prestation)", "84300.00"),
            operating("Hébergement", "17920.00"),
        ),
        expect=("applicant.category",),
        note="A deconcentrated State service (7172): not an eligible legal category.",
    ),
    Spec(
        submitted_on="2025-05-15",
        applicant=body(
            "Communauté d'agglomération du Saint-Quentinois", "200071892", "7348", "02691"
        ),
        title="Assistant de préparation des marchés publics",
        use_cases=("public_procurement",),
        start_date="2025-09-01",
        end_date="2026-08-31",
        costs=(
            staff("Juriste commande publique 0,5 ETP", "27940.00"),
            equipment("Serveur d'inférence", "33600.00"),
            operating("Base de clauses types et modèle de langage (prestation)", "73480.00"),
            operating("Accompagnement RGPD et cybersécurité", "18750.00"),
        ),
    ),
    Spec(
        submitted_on="2025-05-20",
        applicant=body(
            "SPL Territoires Aménagement Artois",
            "81947325",
            "5599",
            "62041",
            public_policy_mandate=True,
        ),
        title="Analyse automatique des pièces des dossiers de consultation des entreprises",
        use_cases=("public_procurement",),
        start_date="2025-09-15",
        end_date="2026-09-15",
        costs=(
            staff("Chargé d'opérations 0,5 ETP", "31200.00"),
            operating("Outil d'analyse documentaire (prestation)", "68450.00"),
            operating("Hébergement et licences", "36380.50"),
        ),
        note="SPL (5599) acting under a mandate of its shareholders; no economic activity.",
    ),
    Spec(
        submitted_on="2025-05-27",
        applicant=body(
            "Association Douaisis Emploi Insertion",
            "45213698",
            "9220",
            "59178",
            public_policy_mandate=True,
        ),
        title="Rapprochement des offres d'emploi et des profils des personnes accompagnées",
        use_cases=("human_resources",),
        start_date="2025-09-01",
        end_date="2026-12-18",
        costs=(
            staff("Conseillère en insertion référente 0,5 ETP (15 mois)", "30625.00"),
            staff("Chef de projet 0,3 ETP (15 mois)", "19125.00"),
            operating("Outil de rapprochement (prestation)", "55870.00", recoverable=False),
            operating("Formation des conseillers", "7450.00", recoverable=False),
        ),
        note="Association (9220) with a public-policy mandate, no economic activity.",
    ),
    Spec(
        submitted_on="2025-06-04",
        applicant=body(
            "Julien Marchal (entrepreneur individuel)",
            "83214567",
            "1000",
            "59606",
            economic_activity=True,
        ),
        title="Prototype de chatbot pour les mairies rurales",
        use_cases=("citizen_chatbot",),
        start_date="2025-09-01",
        end_date="2026-02-27",
        costs=(
            staff("Développeur 0,6 ETP (6 mois)", "21600.00"),
            equipment("Ordinateur et serveur", "6800.00"),
            operating("Licences et hébergement", "18400.00"),
        ),
        expect=("applicant.category", "project.cost_range"),
        note="An individual (1000) and a total cost of 46,800.00 below the minimum.",
    ),
    Spec(
        submitted_on="2025-06-10",
        applicant=body(
            "SEM Eau et Assainissement de la Haute Somme",
            "34789214",
            "5515",
            "80620",
            public_policy_mandate=True,
            economic_activity=True,
            sgei=True,
            prior_de_minimis=(("2023-04-11", "210000.00"), ("2024-09-30", "110000.00")),
        ),
        title="Détection des fuites et des branchements défectueux par analyse des télérelevés",
        use_cases=("water_management",),
        start_date="2025-10-01",
        end_date="2026-09-30",
        costs=(
            staff("Technicien réseau 0,5 ETP", "26400.00"),
            equipment("Compteurs à télérelève", "61830.00"),
            operating("Modèle de détection et tableau de bord", "49260.00"),
        ),
        note=(
            "SEM (5515) in charge of an SGEI: 320,000.00 of prior aid + award exceeds 300,000"
            " but not the SGEI ceiling of 750,000: eligible. Real costs (undertaking)."
        ),
    ),
    Spec(
        submitted_on="2025-06-16",
        applicant=commune("Ville de Calais", "62193"),
        title="Analyse des signalements citoyens et priorisation des interventions de voirie",
        use_cases=("citizen_relations", "urban_planning"),
        start_date="2025-09-01",
        end_date="2026-08-31",
        costs=(
            staff("Responsable de la relation usagers 0,5 ETP", "28750.00"),
            equipment("Tablettes des agents de terrain", "22140.00"),
            operating("Plateforme de traitement des signalements", "81365.00"),
            operating("Formation des agents", "6200.00", recoverable=False),
        ),
    ),
    Spec(
        submitted_on="2025-06-25",
        applicant=body(
            "Communauté de communes du Pays du Coquelicot", "248000747", "7346", "80016"
        ),
        title="Assistant de rédaction des actes administratifs",
        use_cases=("deliberations",),
        start_date="2025-09-15",
        end_date="2026-06-30",
        costs=(
            staff("Secrétaire générale adjointe 0,3 ETP", "14870.00"),
            operating("Modèle de langage et modèles d'actes (prestation)", "62400.00"),
            operating("Formation des secrétaires de mairie", "9300.00", recoverable=False),
        ),
        financing_gap="1250.00",
        expect=("financing.balanced",),
        note="The financing plan is 1,250.00 short of the total cost.",
    ),
    Spec(
        submitted_on="2025-07-03",
        applicant=body("Syndicat mixte du SCoT du Boulonnais", "25620981", "7354", "62160"),
        title="Analyse automatique des documents d'urbanisme pour le suivi du SCoT",
        use_cases=("urban_planning",),
        start_date="2025-10-01",
        end_date="2026-09-30",
        costs=(
            staff("Urbaniste 0,5 ETP", "27350.00"),
            operating("Extraction et analyse des PLU (prestation)", "63900.00"),
            operating("Hébergement", "11480.00"),
        ),
        note="Syndicat mixte fermé (7354).",
    ),
    Spec(
        submitted_on="2025-07-15",
        applicant=body("Association Intelligence Citoyenne Nord", "75318642", "9220", "59009"),
        title="Plateforme de transcription des débats publics",
        use_cases=("meeting_minutes",),
        start_date="2025-10-01",
        end_date="2026-09-30",
        costs=(
            staff("Coordinatrice 0,5 ETP", "22400.00"),
            equipment("Matériel d'enregistrement", "11750.00"),
            operating("Service de transcription", "57980.00"),
        ),
        expect=("applicant.mandate",),
        note="A private association (9220) without a public-policy mandate.",
    ),
    Spec(
        submitted_on="2025-07-24",
        applicant=commune("Ville de Valenciennes", "59606"),
        title="Aide à la réponse au courrier des administrés",
        use_cases=("correspondence",),
        start_date="2025-10-01",
        end_date="2026-09-30",
        costs=(
            staff("Agent du cabinet du maire 0,4 ETP", "18960.00"),
            equipment("Serveur d'inférence", "27400.00"),
            operating("Modèle de langage et intégration au courrier", "55735.45"),
        ),
    ),
    Spec(
        submitted_on="2025-08-05",
        applicant=body("Département du Nord", "225900018", "7220", "59350"),
        title="Aide à la rédaction des rapports de l'assemblée départementale",
        use_cases=("deliberations", "speeches"),
        start_date="2025-11-03",
        end_date="2027-04-30",
        costs=(
            staff("Chef de projet IA 1 ETP (18 mois)", "86400.00"),
            staff("Rédacteurs de l'assemblée 0,5 ETP (18 mois)", "43200.00"),
            equipment("Serveur d'inférence GPU", "54300.00"),
            operating("Modèle de langage et hébergement souverain (18 mois)", "63750.00"),
        ),
        note="Département (7220), total 247,650.00 just below the maximum; real costs.",
    ),
    Spec(
        submitted_on="2025-08-19",
        applicant=commune("Ville de Tourcoing", "59599"),
        title="Analyse de la fréquentation des équipements sportifs pour attribuer les créneaux",
        use_cases=("citizen_relations", "energy_management"),
        start_date="2025-11-03",
        end_date="2026-10-30",
        costs=(
            staff("Chargé de mission sports 0,3 ETP", "13620.00"),
            equipment("Capteurs de présence", "24880.00"),
            operating("Plateforme d'analyse et de planification", "44375.00"),
        ),
    ),
    Spec(
        submitted_on="2025-08-27",
        applicant=commune("Ville de Guise", "02361"),
        title="Agent conversationnel pour les démarches d'état civil",
        use_cases=("citizen_chatbot",),
        start_date="2025-11-03",
        end_date="2026-10-30",
        costs=(
            staff("Agent d'état civil 0,3 ETP", "12600.00"),
            equipment("Bornes d'accueil", "32400.00"),
            operating("Agent conversationnel (licence et paramétrage)", "75000.00"),
        ),
        other_public=(
            ("Département de l'Aisne", "22000.00"),
            ("Communauté de communes Thiérache Sambre et Oise", "12000.00"),
        ),
        expect=("financing.own_share",),
        note="Own funds 14,000.00 = 11.67 % of the public funding (120,000.00), below 20 %.",
    ),
    Spec(
        submitted_on="2025-09-09",
        applicant=commune("Ville de Compiègne", "60159"),
        title="Assistant d'écriture des discours et des communiqués du maire",
        use_cases=("speeches", "correspondence"),
        start_date="2025-12-01",
        end_date="2026-11-30",
        costs=(
            staff("Plume du cabinet 0,3 ETP", "17400.00"),
            equipment("Postes de travail", "8600.00"),
            operating("Modèle de langage et hébergement", "52000.00"),
        ),
        other_public=(("Département de l'Oise", "15600.00"),),
        note="Own funds exactly 20 % of the public funding (15,600.00 of 78,000.00): passes.",
    ),
    Spec(
        submitted_on="2025-09-18",
        applicant=body(
            "SEM Énergies Creil Sud Oise",
            "52347819",
            "5515",
            "60175",
            public_policy_mandate=True,
            economic_activity=True,
            prior_de_minimis=(("2023-02-14", "120000.00"), ("2024-05-21", "80000.00")),
        ),
        title="Pilotage prédictif du réseau de chaleur urbain",
        use_cases=("energy_management",),
        start_date="2026-01-05",
        end_date="2026-12-18",
        costs=(
            staff("Ingénieur énergie 0,5 ETP", "32600.00"),
            equipment("Sondes de température et de débit", "74250.00"),
            operating("Modèle prédictif et supervision", "61480.00"),
        ),
        expect=("state_aid.de_minimis",),
        note="SEM, undertaking: 200,000.00 of de minimis in the 3 years + 100,998.00 > 300,000.",
    ),
    Spec(
        submitted_on="2025-09-30",
        applicant=body("CCAS d'Abbeville", "26800137", "7361", "80001"),
        title="Chatbot d'information sur les aides sociales",
        use_cases=("citizen_chatbot",),
        start_date="2026-01-05",
        end_date="2026-10-30",
        costs=(
            staff("Travailleuse sociale 0,3 ETP", "12960.00"),
            operating("Agent conversationnel (licence et paramétrage)", "48250.00"),
            operating("Formation et accompagnement au changement", "9400.00", recoverable=False),
        ),
    ),
    Spec(
        submitted_on="2025-10-08",
        applicant=AMIENS,
        title="Assistant conversationnel pour les démarches d'état civil",
        use_cases=("citizen_chatbot", "citizen_relations"),
        start_date="2026-01-05",
        end_date="2026-12-18",
        costs=(
            staff("Responsable état civil 0,3 ETP", "15840.00"),
            equipment("Bornes d'accueil en mairie de quartier", "28650.00"),
            operating("Agent conversationnel (licence et intégration)", "64980.00"),
            other("Campagne d'affichage", "4200.00"),
        ),
        note="Second application of the Ville d'Amiens (same SIREN); an `other` line.",
    ),
    Spec(
        submitted_on="2025-10-16",
        applicant=commune("Ville de Lens", "62498"),
        title="Transcription automatique des conseils municipaux",
        use_cases=("meeting_minutes",),
        start_date="2024-03-01",
        end_date="2025-06-30",
        costs=(
            staff("Assistante des assemblées 0,3 ETP", "15300.00"),
            equipment("Captation audio", "16900.00"),
            operating("Service de transcription", "49750.00"),
        ),
        expect=("project.not_completed",),
        note="Ended on 2025-06-30, before its submission: already completed.",
    ),
    Spec(
        submitted_on="2025-10-22",
        applicant=body("Communauté de communes Retz-en-Valois", "200071991", "7346", "02810"),
        title="Assistant de réponse aux questions d'urbanisme des habitants",
        use_cases=("urban_planning", "citizen_chatbot"),
        start_date="2026-01-05",
        end_date="2026-12-18",
        costs=(
            staff("Instructrice du droit des sols 0,3 ETP", "14250.00"),
            operating("Agent conversationnel sur le PLUi", "58600.00"),
            operating("Hébergement", "8940.00", recoverable=False),
        ),
    ),
    Spec(
        submitted_on="2025-10-28",
        applicant=body("Communauté d'agglomération de Cambrai", "200068500", "7348", "59122"),
        title="Détection des fuites chez les abonnés par l'analyse des consommations d'eau",
        use_cases=("water_management",),
        start_date="2026-02-02",
        end_date="2027-01-29",
        costs=(
            staff("Technicien eau potable 0,5 ETP", "24300.00"),
            equipment("Compteurs communicants", "57840.00"),
            operating("Plateforme d'analyse", "48215.00"),
            operating("Information des abonnés", "8900.00"),
        ),
        other_public=(("Agence de l'eau Artois-Picardie", "20000.00"),),
    ),
    Spec(
        submitted_on="2025-11-06",
        applicant=body(
            "Office de tourisme du Touquet-Paris-Plage",
            "42876513",
            "4140",
            "62826",
            public_policy_mandate=True,
            economic_activity=True,
            prior_de_minimis=(("2024-02-20", "15000.00"),),
        ),
        title="Assistant multilingue d'information touristique",
        use_cases=("citizen_chatbot",),
        start_date="2026-02-02",
        end_date="2026-12-18",
        costs=(
            staff("Conseillère en séjour 0,4 ETP", "14880.00"),
            equipment("Bornes interactives", "23650.00"),
            operating("Agent conversationnel multilingue", "57390.00"),
        ),
        note="Local EPIC (4140) with a mandate and an economic activity: de minimis passes.",
    ),
    Spec(
        submitted_on="2025-11-19",
        applicant=commune("Ville de Boulogne-sur-Mer", "62160"),
        title="Expérimentation de l'intelligence artificielle dans les services",
        use_cases=("other",),
        start_date="2026-02-02",
        end_date="2026-12-18",
        costs=(
            staff("Chef de projet 0,5 ETP", "26500.00"),
            operating("Licences d'outils d'IA générative", "48600.00"),
            operating("Formation des agents", "14900.00"),
        ),
        expect=("project.ai_use_case",),
        note="Only the use case `other`, with an empty description.",
    ),
    Spec(
        submitted_on="2025-11-27",
        applicant=body("Communauté de communes du Clermontois", "246000376", "7346", "60157"),
        title="Aide à la rédaction des comptes rendus du conseil communautaire",
        use_cases=("meeting_minutes",),
        start_date="2026-02-02",
        end_date="2026-09-30",
        costs=(
            staff("Assistante des assemblées 0,3 ETP", "12450.00"),
            equipment("Captation audio", "15300.00"),
            operating("Service de transcription et de synthèse", "42250.00"),
        ),
        note="Total cost exactly 70,000.00 (inclusive lower bound).",
    ),
    Spec(
        submitted_on="2025-12-04",
        applicant=commune("Ville de Saint-Quentin", "02691"),
        title="Détection automatique des dépôts sauvages par analyse d'images",
        use_cases=("other",),
        description=(
            "Détection des dépôts sauvages sur l'espace public à partir des images des"
            " véhicules de propreté."
        ),
        start_date="2026-03-02",
        end_date="2027-02-26",
        costs=(
            staff("Responsable propreté urbaine 0,3 ETP", "14580.00"),
            equipment("Caméras embarquées sur les véhicules", "36900.00"),
            operating("Modèle de vision par ordinateur (prestation)", "62480.00"),
            operating("Hébergement des images", "12317.65"),
        ),
        note="Only the use case `other`, with a description: passes.",
    ),
    Spec(
        submitted_on="2025-12-11",
        applicant=body("Département de l'Oise", "226000016", "7220", "60057"),
        title="Plateforme d'IA générative pour les agents départementaux",
        use_cases=("human_resources", "correspondence"),
        start_date="2026-03-02",
        end_date="2027-06-30",
        costs=(
            staff("Chef de projet IA 1 ETP (16 mois)", "78400.00"),
            staff("Formateurs internes 0,5 ETP", "31600.00"),
            equipment("Serveurs d'inférence GPU", "92500.00"),
            operating("Licences et hébergement (16 mois)", "84950.00"),
        ),
        expect=("project.cost_range",),
        note="Total cost 287,450.00, above the 250,000.00 maximum (FEDER line capped at 150k).",
    ),
    Spec(
        submitted_on="2025-12-17",
        applicant=body(
            "Syndicat intercommunal à vocation multiple de la vallée de la Lys",
            "25590863",
            "7345",
            "59017",
        ),
        title="Prévision des crues et gestion des vannages de la Lys",
        use_cases=("water_management", "security"),
        start_date="2026-03-02",
        end_date="2027-08-31",
        costs=(
            staff("Technicien rivières 0,5 ETP (18 mois)", "36450.00"),
            equipment("Capteurs de niveau et stations de mesure", "68920.00"),
            operating("Modèle de prévision (prestation)", "54780.00"),
            operating("Hébergement et données", "22130.00"),
        ),
        note="SIVOM (7345).",
    ),
    Spec(
        submitted_on="2025-12-23",
        applicant=commune("Ville de Douai", "59178"),
        title="Analyse des demandes de subventions des associations",
        use_cases=("correspondence", "citizen_relations"),
        start_date="2026-03-02",
        end_date="2026-12-18",
        costs=(
            staff("Chargée de la vie associative 0,4 ETP", "17280.00"),
            operating("Outil d'analyse des dossiers (prestation)", "54650.00"),
            operating("Hébergement", "6420.00"),
            operating("Formation des agents", "12875.30", recoverable=False),
        ),
    ),
    Spec(
        submitted_on="2026-01-13",
        applicant=body(
            "Communauté d'agglomération de Béthune-Bruay, Artois-Lys Romane",
            "200072460",
            "7348",
            "62119",
        ),
        title="Optimisation énergétique de l'éclairage public",
        use_cases=("energy_management",),
        start_date="2026-04-01",
        end_date="2027-06-30",
        costs=(
            staff("Ingénieur éclairage public 0,5 ETP (15 mois)", "33750.00"),
            equipment("Contrôleurs connectés des armoires d'éclairage", "98460.00"),
            operating("Plateforme de pilotage prédictif", "66920.00"),
            operating("Étude d'impact sur la biodiversité nocturne", "21870.00"),
        ),
        other_public=(("Fédération départementale d'énergie du Pas-de-Calais", "25000.00"),),
        note="Real costs (> 200,000); co-funded.",
    ),
    Spec(
        submitted_on="2026-02-05",
        applicant=commune("Ville de Maubeuge", "59392"),
        title="Jumeau numérique des réseaux urbains",
        use_cases=("urban_planning",),
        start_date="2026-05-04",
        end_date="2030-06-28",
        costs=(
            staff("Chef de projet SIG 0,5 ETP", "58400.00"),
            equipment("Relevés par drone et capteurs", "62750.00"),
            operating("Plateforme de jumeau numérique", "71360.00"),
        ),
        expect=("project.dates",),
        note="Ends on 2030-06-28, after the end of the expenditure period (2029-12-31).",
    ),
    Spec(
        submitted_on="2026-02-24",
        applicant=commune("Ville d'Abbeville", "80001"),
        title="Aide à l'élaboration du plan de mobilité par l'analyse des données de comptage",
        use_cases=("mobility", "urban_planning"),
        start_date="2026-05-04",
        end_date="2027-04-30",
        costs=(
            staff("Chargé de mission mobilité 0,4 ETP", "19640.00"),
            equipment("Capteurs de comptage multimodal", "34870.00"),
            operating("Analyse des données et modélisation", "44985.83"),
        ),
        other_public=(("Département de la Somme", "8000.00"),),
    ),
)


# --- Evaluation (the rules of the domain file) ----------------------------------------------------
AMOUNT = re.compile(r"^\d+\.\d{2}$")


@dataclass(frozen=True)
class Verdict:
    failed: tuple[str, ...]
    warnings: tuple[str, ...]
    total_cost: Decimal
    eligible_cost: Decimal
    award: Decimal
    cost_option: str

    @property
    def eligible(self) -> bool:
        return not self.failed

    def to_json(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "failed": list(self.failed),
            "total_cost": f"{self.total_cost:.2f}",
            "eligible_cost": f"{self.eligible_cost:.2f}",
            "award": f"{self.award:.2f}",
        }


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def is_undertaking(applicant: dict[str, Any]) -> bool:
    return bool(applicant["economic_activity"])


def evaluate(app: dict[str, Any], communes: dict[str, dict[str, str]]) -> Verdict:
    """Apply the criteria of the domain file to one application (parsed JSON)."""
    applicant, project = app["applicant"], app["project"]
    category = applicant["legal_category"]
    submitted = date.fromisoformat(app["submitted_on"])
    start = date.fromisoformat(project["start_date"])
    end = date.fromisoformat(project["end_date"])

    total = sum((line_cost(line) for line in app["costs"]), Decimal(0))
    eligible_cost = sum(
        (line_cost(line) for line in app["costs"] if line["category"] in ELIGIBLE_CATEGORIES),
        Decimal(0),
    )
    candidate_award = award_of(eligible_cost)

    def funding(source: str) -> Decimal:
        lines = app["financing"]
        return sum((Decimal(f["amount"]) for f in lines if f["source"] == source), Decimal(0))

    own, other_public, feder_line = funding("own_funds"), funding("other_public"), funding("feder")
    financing_total = sum((Decimal(f["amount"]) for f in app["financing"]), Decimal(0))

    window_start = years_before(submitted, DE_MINIMIS_YEARS)
    prior = sum(
        (
            Decimal(aid["amount"])
            for aid in applicant["prior_de_minimis"]
            if window_start < date.fromisoformat(aid["granted_on"]) <= submitted
        ),
        Decimal(0),
    )
    ceiling = DE_MINIMIS_SGEI_CEILING if applicant["sgei"] else DE_MINIMIS_CEILING
    uses = project["use_cases"]

    checks = {
        "applicant.category": category in PUBLIC_CATEGORIES | PRIVATE_CATEGORIES,
        "applicant.mandate": category not in PRIVATE_CATEGORIES
        or applicant["public_policy_mandate"],
        "applicant.location": applicant["commune_code"] in communes,
        "call.window": SUBMISSION_WINDOW[0] <= submitted <= SUBMISSION_WINDOW[1],
        "project.ai_use_case": bool(uses)
        and (uses != ["other"] or bool(project["description"].strip())),
        "project.dates": start <= end
        and all(EXPENDITURE_PERIOD[0] <= d <= EXPENDITURE_PERIOD[1] for d in (start, end)),
        "project.not_completed": end > submitted,
        "project.cost_range": MIN_TOTAL_COST <= total <= MAX_TOTAL_COST,
        "financing.balanced": financing_total == total,
        "financing.own_share": not category.startswith(("72", "73"))
        or own >= MIN_OWN_SHARE * (own + candidate_award + other_public),
        "state_aid.de_minimis": not is_undertaking(applicant) or prior + candidate_award <= ceiling,
    }
    failed = tuple(c for c in CRITERIA if not checks[c])
    award = candidate_award if not failed else Decimal("0.00")
    warnings = []
    if feder_line != candidate_award:
        warnings.append("financing.feder_line")
    if any(line["category"] not in ELIGIBLE_CATEGORIES for line in app["costs"]):
        warnings.append("costs.ineligible_lines")
    sco = total <= SCO_THRESHOLD and not is_undertaking(applicant)
    return Verdict(
        failed=failed,
        warnings=tuple(warnings),
        total_cost=total,
        eligible_cost=eligible_cost,
        award=award,
        cost_option="draft_budget" if sco else "real_costs",
    )


def cents(amount: str) -> int:
    units, hundredths = amount.split(".")
    return int(units) * 100 + int(hundredths)


def second_check(app: dict[str, Any], verdict: Verdict) -> None:
    """Recompute the amounts in integer cents and test the interpretation-sensitive criteria."""
    total = eligible = 0
    for line in app["costs"]:
        cost = cents(line["amount_excl_vat"]) + (
            0 if line["vat_recoverable"] else cents(line["vat"])
        )
        total += cost
        eligible += cost if line["category"] != "other" else 0
    award = min(eligible * 60 // 100, 15_000_000)
    assert total == cents(f"{verdict.total_cost:.2f}"), app["id"]
    assert eligible == cents(f"{verdict.eligible_cost:.2f}"), app["id"]
    assert award * (1 if verdict.eligible else 0) == cents(f"{verdict.award:.2f}"), app["id"]
    by_source: dict[str, int] = {}
    for f in app["financing"]:
        by_source[f["source"]] = by_source.get(f["source"], 0) + cents(f["amount"])
    # Own share and de minimis must not depend on whether the scheme uses the computed award or
    # the FEDER line asked for, nor on the boundary of the 3-year window: the examples avoid
    # those ambiguities.
    if app["applicant"]["legal_category"][:2] in ("72", "73"):
        own, others = by_source.get("own_funds", 0), by_source.get("other_public", 0)
        outcomes = {5 * own >= own + a + others for a in (award, by_source.get("feder", 0))}
        assert len(outcomes) == 1, ("own share depends on the reading", app["id"])
        assert outcomes == {"financing.own_share" not in verdict.failed}, app["id"]
    applicant = app["applicant"]
    submitted = date.fromisoformat(app["submitted_on"])
    for aid in applicant["prior_de_minimis"]:
        granted = date.fromisoformat(aid["granted_on"])
        assert granted < submitted, app["id"]
        boundary = years_before(submitted, DE_MINIMIS_YEARS)
        assert abs((granted - boundary).days) > 45, ("de minimis aid near the boundary", app["id"])
    if is_undertaking(applicant):
        prior = sum(
            cents(aid["amount"])
            for aid in applicant["prior_de_minimis"]
            if date.fromisoformat(aid["granted_on"]) > submitted - timedelta(days=3 * 365 + 1)
        )
        ceiling = 75_000_000 if applicant["sgei"] else 30_000_000
        outcomes = {prior + a <= ceiling for a in (award, by_source.get("feder", 0))}
        assert len(outcomes) == 1, ("de minimis depends on the reading", app["id"])
        assert outcomes == {"state_aid.de_minimis" not in verdict.failed}, app["id"]


def validate_format(app: dict[str, Any], communes: dict[str, dict[str, str]]) -> None:
    """Check the shape of an application (keys, amounts, dates, SIREN, names)."""
    assert list(app) == ["id", "submitted_on", "applicant", "project", "costs", "financing"]
    applicant, project = app["applicant"], app["project"]
    assert list(applicant) == [
        "name",
        "siren",
        "legal_category",
        "commune_code",
        "public_policy_mandate",
        "economic_activity",
        "sgei",
        "prior_de_minimis",
    ]
    assert list(project) == ["title", "use_cases", "description", "start_date", "end_date"]
    sid = applicant["siren"]
    assert re.fullmatch(r"\d{9}", sid), (app["id"], sid)
    assert luhn_valid(sid), (app["id"], sid)
    assert re.fullmatch(r"\d{4}", applicant["legal_category"]), app["id"]
    assert re.fullmatch(r"\d{5}|2[AB]\d{3}", applicant["commune_code"]), app["id"]
    for aid in applicant["prior_de_minimis"]:
        assert list(aid) == ["granted_on", "amount"], app["id"]
        assert AMOUNT.match(aid["amount"]), app["id"]
        date.fromisoformat(aid["granted_on"])
    for key in ("submitted_on",):
        date.fromisoformat(app[key])
    for key in ("start_date", "end_date"):
        date.fromisoformat(project[key])
    assert all(use in USE_CASES for use in project["use_cases"]), app["id"]
    # "other" with an empty description only ever comes alone (no ambiguous reading).
    if "other" in project["use_cases"] and not project["description"].strip():
        assert project["use_cases"] == ["other"], app["id"]
    assert len(set(project["use_cases"])) == len(project["use_cases"]), app["id"]
    for line in app["costs"]:
        assert list(line) == ["category", "label", "amount_excl_vat", "vat", "vat_recoverable"]
        assert line["category"] in COST_CATEGORIES, app["id"]
        assert AMOUNT.match(line["amount_excl_vat"]), app["id"]
        assert AMOUNT.match(line["vat"]), app["id"]
        assert isinstance(line["vat_recoverable"], bool)
    for f in app["financing"]:
        assert f["source"] in FINANCING_SOURCES, app["id"]
        assert AMOUNT.match(f["amount"]), app["id"]
        keys = ["source", "funder", "amount"] if f["source"] == "other_public" else None
        assert list(f) == (keys or ["source", "amount"]), app["id"]
    # A commune applying in the region must be named after its INSEE name.
    seat = communes.get(applicant["commune_code"])
    if applicant["legal_category"] == "7210" and seat is not None:
        assert applicant["name"].endswith(seat["name"]), (applicant["name"], seat["name"])
        assert applicant["siren"] == commune_siren(applicant["commune_code"]), app["id"]


# --- Output ---------------------------------------------------------------------------------------
def load_communes() -> dict[str, dict[str, str]]:
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def call_ids(specs: Iterable[Spec]) -> list[str]:
    """``AMI-IA-<year of submission>-<n>``, numbered from 0101 within each year."""
    counters: dict[str, int] = {}
    ids = []
    for spec in specs:
        year = spec.submitted_on[:4]
        counters[year] = counters.get(year, 100) + 1
        ids.append(f"AMI-IA-{year}-{counters[year]:04d}")
    return ids


def euros(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def seat_label(app: dict[str, Any], communes: dict[str, dict[str, str]]) -> str:
    code = app["applicant"]["commune_code"]
    seat = communes.get(code)
    return f"{seat['name']} ({code})" if seat else f"{code} (not in the HdF table)"


def readme(
    singles: list[tuple[Spec, dict[str, Any], Verdict]],
    call: list[tuple[Spec, dict[str, Any], Verdict]],
    communes: dict[str, dict[str, str]],
) -> str:
    header = (
        "| {key} | applicant (legal category) | seat | total cost | eligible cost | award |"
        " verdict | failed | warnings | cost option | what it shows |\n"
        "|---|---|---|---:|---:|---:|---|---|---|---|---|\n"
    )

    def row(key: str, spec: Spec, app: dict[str, Any], v: Verdict) -> str:
        a = app["applicant"]
        cells = [
            key,
            f"{a['name']} ({a['legal_category']})",
            seat_label(app, communes),
            euros(v.total_cost),
            euros(v.eligible_cost),
            euros(v.award),
            "eligible" if v.eligible else "**ineligible**",
            ", ".join(f"`{c}`" for c in v.failed),
            ", ".join(f"`{w}`" for w in v.warnings) if v.eligible else "",
            v.cost_option,
            spec.note,
        ]
        return "| " + " | ".join(cells) + " |\n"

    eligible = [(s, a, v) for s, a, v in call if v.eligible]
    ineligible = [(s, a, v) for s, a, v in call if not v.eligible]
    total_award = sum((v.award for _, _, v in call), Decimal(0))
    requested_all = sum(
        (
            Decimal(f["amount"])
            for _, a, _ in call
            for f in a["financing"]
            if f["source"] == "feder"
        ),
        Decimal(0),
    )
    requested_eligible = sum(
        (
            Decimal(f["amount"])
            for _, a, v in eligible
            for f in a["financing"]
            if f["source"] == "feder"
        ),
        Decimal(0),
    )
    reasons: dict[str, int] = {}
    for _, _, v in ineligible:
        for c in v.failed:
            reasons[c] = reasons.get(c, 0) + 1
    departements = sorted({a["applicant"]["commune_code"][:2] for _, a, _ in call})
    sirens: dict[str, list[str]] = {}
    for _, a, _ in call:
        sirens.setdefault(a["applicant"]["siren"], []).append(a["id"])
    duplicates = {s: ids for s, ids in sirens.items() if len(ids) > 1}

    out = [
        "# Example applications of the AMI IA Hauts-de-France\n\n",
        "Generated by `scripts/generate_examples.py` from its hand-written tables: do not edit"
        " the files here by hand, edit the script and run\n\n",
        "```sh\n.venv/bin/python schemes/ami_ia_hdf/scripts/generate_examples.py\n```\n\n",
        "The format is the application JSON of the domain file (`ami-ia-hdf.md`). Verdicts are"
        " computed by the script from the rules of that file, independently of the scheme"
        " implementation, and recorded in `expected.json` (call applications by `id`, single"
        " examples by file name): `eligible`, `failed` (criterion ids, in the order of the"
        " domain file), `total_cost`, `eligible_cost` and `award` (60 % of the eligible cost"
        " rounded down to the cent, capped at 150,000.00; 0.00 when ineligible). Warnings and"
        " the cost option are listed below only (warnings for eligible applications).\n\n",
        "Conventions: SIRENs pass the Luhn check; communes use the observed pattern"
        " `21` + département + `0` + commune + check digit; the other SIRENs are real where"
        " known (EPCI from the COG table, départements, MEL) and invented otherwise. Seats are"
        " real commune codes of `src/ami_ia_hdf/data/communes_hdf.csv`. The financing plans"
        " ask for a FEDER line equal to the computed award unless said otherwise. No example"
        " depends on reading the own-share and de minimis rules with the computed award or with"
        " the FEDER line asked for (the script checks both), and no prior de minimis aid lies"
        " near the 3-year boundary.\n\n",
        "## Single examples\n\n",
        header.format(key="file (id)"),
    ]
    for spec, app, v in singles:
        out.append(row(f"`{spec.file}` ({app['id']})", spec, app, v))
    out += [
        "\n## The call (`call.jsonl`)\n\n",
        f"{len(call)} applications in submission order (one JSON object per line, distinct"
        f" submission dates so that first come, first served is unambiguous), from all five"
        f" départements ({', '.join(departements)} plus out-of-region seats).\n\n",
        header.format(key="id (submitted on)"),
    ]
    for spec, app, v in call:
        out.append(row(f"{app['id']} ({app['submitted_on']})", spec, app, v))
    out += [
        "\n## Totals of the call\n\n",
        f"- Applications: {len(call)}; eligible: {len(eligible)}; ineligible: {len(ineligible)}.\n",
        "- Failed criteria among the ineligible ones: "
        + "; ".join(
            f"`{c}` × {n}" for c, n in sorted(reasons.items(), key=lambda x: CRITERIA.index(x[0]))
        )
        + ".\n",
        f"- FEDER requested (sum of the `feder` lines): {euros(requested_all)} for all"
        f" applications, {euros(requested_eligible)} for the eligible ones.\n",
        f"- Total award of the eligible applications: **{euros(total_award)}** of the"
        f" {euros(ENVELOPE)} envelope ({total_award / ENVELOPE:.1%}); the envelope is not"
        f" exhausted, so every eligible application is funded and none is wait-listed"
        f" (remaining: {euros(ENVELOPE - total_award)}). With at most 150,000.00 per project,"
        f" at least 34 eligible projects would be needed to exhaust it.\n",
        "- Same applicant twice (portfolio rule): "
        + "; ".join(f"SIREN {s}: {', '.join(ids)}" for s, ids in duplicates.items())
        + ".\n",
        "- Single examples (not part of the call): total award "
        + euros(sum((v.award for _, _, v in singles), Decimal(0)))
        + ".\n",
    ]
    return "".join(out)


def dump(app: dict[str, Any]) -> str:
    return json.dumps(app, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES_DIR, help="output folder")
    out: Path = parser.parse_args(argv).out
    communes = load_communes()
    assert len(communes) == 3782, len(communes)

    def process(
        specs: Iterable[Spec], ids: Iterable[str]
    ) -> list[tuple[Spec, dict[str, Any], Verdict]]:
        results = []
        for spec, app_id in zip(specs, ids, strict=True):
            # Evaluate the serialised form, so that what is checked is what is written.
            app = json.loads(json.dumps(build(spec, app_id)))
            validate_format(app, communes)
            verdict = evaluate(app, communes)
            assert verdict.failed == spec.expect, (app_id, verdict.failed, spec.expect)
            second_check(app, verdict)
            results.append((spec, app, verdict))
        return results

    singles = process(SINGLES, [spec.id for spec in SINGLES])
    dates = [spec.submitted_on for spec in CALL]
    assert dates == sorted(dates), "call not in submission order"
    assert len(set(dates)) == len(dates), "two applications submitted on the same day"
    call = process(CALL, call_ids(CALL))
    all_ids = [app["id"] for _, app, _ in singles + call]
    assert len(set(all_ids)) == len(all_ids), "duplicate ids"

    # The domain file's example, exactly.
    lille = singles[0]
    assert lille[2].total_cost == lille[2].eligible_cost == Decimal("100000.00")
    assert lille[2].award == Decimal("60000.00")
    assert lille[2].cost_option == "draft_budget"
    assert lille[2].eligible

    out.mkdir(parents=True, exist_ok=True)
    for spec, app, _ in singles:
        (out / spec.file).write_text(dump(app), encoding="utf-8", newline="\n")
    lines = [json.dumps(app, ensure_ascii=False) + "\n" for _, app, _ in call]
    (out / "call.jsonl").write_text("".join(lines), encoding="utf-8", newline="\n")
    expected = {spec.file: v.to_json() for spec, _, v in singles}
    expected |= {app["id"]: v.to_json() for _, app, v in call}
    (out / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )
    (out / "README.md").write_text(readme(singles, call, communes), encoding="utf-8", newline="\n")

    eligible = [v for _, _, v in call if v.eligible]
    print(f"singles: {len(singles)}; call: {len(call)} ({len(eligible)} eligible)")
    print(f"call award total: {sum((v.award for v in eligible), Decimal(0)):,.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
