"""Write ``examples/call.jsonl``: a DETR call of the Somme over two campaigns.

Run from the repository root::

    .venv/bin/python schemes/detr/scripts/generate_call.py

Applicants are real communes of the Somme (INSEE COG codes, commune SIRENs built on the
observed ``21`` + département + ``0`` + commune + Luhn digit pattern); populations, costs and
financing plans are illustrative.  Each row of ``ROWS`` says what it shows.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def luhn_digit(stem: str) -> str:
    for digit in "0123456789":
        total = 0
        for index, char in enumerate(reversed(stem + digit)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digit
    raise AssertionError(stem)


def siren(commune: str) -> str:
    stem = f"21{commune[:2]}0{commune[2:]}"
    return stem + luhn_digit(stem)


# (id, submitted_on, commune code, name, population, operation, works, studies, other
#  public funding, prefect's amount or None, derogation or None, what it shows)
ROWS = [
    (
        "DETR-2025-0101",
        "2024-10-07",
        "80136",
        "Bray-sur-Somme",
        1250,
        "school_buildings",
        "210000.00",
        "14000.00",
        "40000.00",
        "90000.00",
        None,
        "A school extension.",
    ),
    (
        "DETR-2025-0102",
        "2024-10-15",
        "80184",
        "Cerisy",
        560,
        "heritage",
        "86000.00",
        "6000.00",
        "18400.00",
        "36800.00",
        None,
        "Church roof.",
    ),
    (
        "DETR-2025-0103",
        "2024-10-23",
        "80410",
        "Ham",
        4600,
        "public_buildings",
        "320000.00",
        "25000.00",
        "69000.00",
        "138000.00",
        None,
        "2,001-20,000 inhabitants with a low financial potential; commission's opinion.",
    ),
    (
        "DETR-2025-0104",
        "2024-11-04",
        "80465",
        "Languevoisin-Quiquery",
        300,
        "water_and_sanitation",
        "48000.00",
        "4000.00",
        "10400.00",
        None,
        None,
        "Awaiting the prefect's decision: pending.",
    ),
    (
        "DETR-2025-0105",
        "2024-11-12",
        "80212",
        "Corbie",
        6310,
        "school_energy_renovation",
        "410000.00",
        "30000.00",
        "360000.00",
        "60000.00",
        "school_energy_renovation",
        "Heavy co-funding; the 10 % derogation for a school's energy renovation.",
    ),
    (
        "DETR-2025-0106",
        "2024-11-20",
        "80021",
        "Amiens",
        133000,
        "public_buildings",
        "900000.00",
        "60000.00",
        "0.00",
        "200000.00",
        None,
        "Too large a commune: ineligible.",
    ),
    (
        "DETR-2025-0107",
        "2024-12-02",
        "80016",
        "Albert",
        9800,
        "roads_and_safety",
        "180000.00",
        "12000.00",
        "0.00",
        "76800.00",
        None,
        "Roads; the DETR line as granted.",
    ),
    (
        "DETR-2025-0108",
        "2025-01-13",
        "80253",
        "Doullens",
        6000,
        "sports_and_culture",
        "240000.00",
        "16000.00",
        "51200.00",
        "102400.00",
        None,
        "Sports hall; commission.",
    ),
    (
        "DETR-2025-0109",
        "2025-02-10",
        "80620",
        "Péronne",
        7600,
        "public_services",
        "150000.00",
        "10000.00",
        "0.00",
        "64000.00",
        None,
        "After the 2025 campaign closed.",
    ),
    (
        "DETR-2026-0101",
        "2025-10-06",
        "80561",
        "Montdidier",
        6100,
        "public_buildings",
        "260000.00",
        "20000.00",
        "56000.00",
        "112000.00",
        None,
        "2026 campaign.",
    ),
    (
        "DETR-2026-0102",
        "2025-10-20",
        "80685",
        "Roye",
        5900,
        "school_buildings",
        "300000.00",
        "24000.00",
        "64800.00",
        "129600.00",
        None,
        "2026 campaign.",
    ),
    (
        "DETR-2026-0103",
        "2025-11-03",
        "80688",
        "Rue",
        3000,
        "heritage",
        "120000.00",
        "9000.00",
        "25800.00",
        "51600.00",
        None,
        "2026 campaign.",
    ),
]

TITLES = {
    "school_buildings": "Constructions scolaires",
    "school_energy_renovation": "Rénovation énergétique du groupe scolaire",
    "public_buildings": "Rénovation de la mairie",
    "roads_and_safety": "Voirie et sécurité routière",
    "water_and_sanitation": "Réseau d'eau potable",
    "heritage": "Restauration de l'église",
    "sports_and_culture": "Salle de sports",
    "public_services": "Maison de services au public",
}

# Financial potential per inhabitant: low (eligible) for the communes of 2,001 to 20,000.
POTENTIAL = "905.30"


def _of(name: str) -> str:
    """« de Rue », « d'Amiens »: French elides *de* before a vowel."""
    return f"d'{name}" if name[0] in "AEIOUÉ" else f"de {name}"


def document(row: tuple[object, ...]) -> dict[str, object]:
    (
        app_id,
        day,
        code,
        name,
        population,
        operation,
        works,
        studies,
        other_public,
        granted,
        derogation,
        _,
    ) = row
    assert isinstance(works, str)
    assert isinstance(studies, str)
    assert isinstance(other_public, str)
    total = Decimal(works) + Decimal(studies)
    detr = Decimal(granted) if isinstance(granted, str) else Decimal("0.00")
    own = total - detr - Decimal(other_public)
    financing = [{"source": "detr", "amount": f"{detr:.2f}"}]
    if Decimal(other_public):
        financing.append(
            {"source": "department", "amount": other_public, "funder": "Département de la Somme"}
        )
    financing.append({"source": "own_funds", "amount": f"{own:.2f}"})
    instruction: dict[str, str] = {}
    if granted is not None:
        instruction["granted_amount"] = str(granted)
    if derogation is not None:
        instruction["own_share_derogation"] = str(derogation)
    year = int(str(day)[:4]) + 1
    return {
        "id": app_id,
        "submitted_on": day,
        "applicant": {
            "name": f"Commune {_of(str(name))}",
            "siren": siren(str(code)),
            "legal_category": "7210",
            "commune_code": code,
            "population": population,
            "financial_potential_per_inhabitant": POTENTIAL,
        },
        "project": {
            "title": f"{TITLES[str(operation)]} ({name})",
            "operation": operation,
            "start_date": f"{year}-04-01",
            "end_date": f"{year}-12-18",
        },
        "costs": [
            {"category": "works", "label": "Travaux", "amount_excl_vat": works},
            {
                "category": "studies",
                "label": "Études et maîtrise d'œuvre",
                "amount_excl_vat": studies,
            },
        ],
        "financing": financing,
        "instruction": instruction,
    }


def main() -> None:
    lines = [json.dumps(document(row), ensure_ascii=False) for row in ROWS]
    (HERE / "examples" / "call.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
