"""Write ``examples/call.jsonl``: a call of the SME investment aid over 2025 and 2026.

Run from the repository root::

    .venv/bin/python schemes/pme_invest_hdf/scripts/generate_call.py

Undertakings, SIRENs (9 digits passing the Luhn check) and figures are illustrative; the
communes are real INSEE codes of Hauts-de-France.  Each row of ``ROWS`` says what it shows.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

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


# (id, submitted_on, SIREN stem, name, commune, staff, turnover, balance sheet, sector,
#  tangible, intangible, other public aid, the Region's rate or None, what it shows)
ROWS: list[tuple[Any, ...]] = [
    (
        "PME-2025-0001",
        "2025-02-03",
        "81234567",
        "Usinage de Picardie",
        "80021",
        32,
        "6200000.00",
        "4100000.00",
        "manufacturing",
        "380000.00",
        "45000.00",
        "20000.00",
        "15%",
        "A small manufacturer (the example).",
    ),
    (
        "PME-2025-0002",
        "2025-02-17",
        "79845612",
        "Verrerie du Hainaut",
        "59392",
        140,
        "31000000.00",
        "24000000.00",
        "manufacturing",
        "1200000.00",
        "80000.00",
        "0.00",
        "20%",
        "A medium-sized one in a regional-aid zone (Maubeuge): 20 % with the bonus.",
    ),
    (
        "PME-2025-0003",
        "2025-03-04",
        "84231567",
        "Boulangerie Artois",
        "62041",
        7,
        "900000.00",
        "600000.00",
        "trade",
        "60000.00",
        "0.00",
        "0.00",
        "20%",
        "A micro enterprise (Arras).",
    ),
    (
        "PME-2025-0004",
        "2025-03-18",
        "90215487",
        "Conserverie du Boulonnais",
        "62160",
        45,
        "8000000.00",
        "5000000.00",
        "fisheries_aquaculture",
        "300000.00",
        "0.00",
        "0.00",
        "15%",
        "An excluded sector (fisheries and aquaculture).",
    ),
    (
        "PME-2025-0005",
        "2025-04-07",
        "52013478",
        "Logistique de l'Oise",
        "60057",
        320,
        "70000000.00",
        "52000000.00",
        "services",
        "2000000.00",
        "0.00",
        "0.00",
        "10%",
        "Not an SME: 320 AWU.",
    ),
    (
        "PME-2025-0006",
        "2025-05-12",
        "53124689",
        "Imprimerie Saint-Quentinoise",
        "02691",
        24,
        "3100000.00",
        "2200000.00",
        "manufacturing",
        "250000.00",
        "30000.00",
        "0.00",
        None,
        "Awaiting the Region's rate (instruct it with `call instruct`).",
    ),
    (
        "PME-2025-0007",
        "2025-06-02",
        "81234567",
        "Usinage de Picardie",
        "80021",
        32,
        "6200000.00",
        "4100000.00",
        "manufacturing",
        "90000.00",
        "0.00",
        "0.00",
        "15%",
        "A second application from the same undertaking in the year.",
    ),
    (
        "PME-2025-0008",
        "2025-09-15",
        "54235790",
        "Menuiserie du Soissonnais",
        "02722",
        18,
        "2400000.00",
        "1500000.00",
        "construction",
        "140000.00",
        "12000.00",
        "30400.00",
        "20%",
        "Other public aid at the maximum aid: no room left, refused.",
    ),
    (
        "PME-2026-0001",
        "2026-01-19",
        "55346801",
        "Textiles de Roubaix",
        "59512",
        60,
        "9000000.00",
        "7000000.00",
        "manufacturing",
        "500000.00",
        "60000.00",
        "0.00",
        "10%",
        "A medium-sized enterprise in 2026 (the 2026 envelope).",
    ),
    (
        "PME-2026-0002",
        "2026-02-09",
        "56457912",
        "Agroalimentaire de Thiérache",
        "02381",
        12,
        "1800000.00",
        "2600000.00",
        "agrifood_processing",
        "210000.00",
        "0.00",
        "0.00",
        "15%",
        "Agrifood processing: not excluded.",
    ),
]


def document(row: tuple[Any, ...]) -> dict[str, Any]:
    (
        ident,
        submitted,
        stem,
        name,
        commune,
        staff,
        turnover,
        balance,
        sector,
        tangible,
        intangible,
        other,
        rate,
        _,
    ) = row
    # Work starts two months after the application (the incentive effect, GBER art. 6(2)).
    start = datetime.date.fromisoformat(submitted) + datetime.timedelta(days=60)
    end = start.replace(year=start.year + 1)
    total = Decimal(tangible) + Decimal(intangible)
    costs = [
        {"category": "tangible", "label": "Équipements de production", "amount_excl_vat": tangible}
    ]
    if Decimal(intangible):
        costs.append(
            {
                "category": "intangible",
                "label": "Logiciels et brevets",
                "amount_excl_vat": intangible,
            }
        )
    financing = [{"source": "own_funds", "amount": f"{total - Decimal(other):.2f}"}]
    if Decimal(other):
        financing.append({"source": "bpifrance", "amount": other})
    return {
        "id": ident,
        "submitted_on": submitted,
        "applicant": {
            "name": name,
            "siren": stem + luhn_digit(stem),
            "legal_category": "5710",
            "commune_code": commune,
            "staff_headcount": staff,
            "annual_turnover": turnover,
            "balance_sheet_total": balance,
            "in_difficulty": False,
            "sector": sector,
        },
        "project": {
            "title": f"Investissement productif ({name})",
            "site_commune_code": commune,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        "costs": costs,
        "financing": financing,
        "instruction": {"aid_rate": rate} if rate else {},
    }


def main() -> None:
    lines = [json.dumps(document(row), ensure_ascii=False) for row in ROWS]
    (HERE / "examples" / "call.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
