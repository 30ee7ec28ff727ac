"""The communes of Hauts-de-France, from the official geographic code shipped with the scheme.

See ``data/PROVENANCE.md`` for the source, vintage, licence and how to regenerate the file.
"""

from __future__ import annotations

import csv
import functools
from importlib.resources import files

import attrs

__all__ = ["Commune", "commune_codes", "communes"]


@attrs.frozen
class Commune:
    code: str
    name: str
    departement: str
    epci: str
    epci_name: str


@functools.cache
def communes() -> dict[str, Commune]:
    """The 3,782 communes of the 2025 COG in Hauts-de-France, by INSEE code."""
    text = (files("ami_ia_hdf") / "data" / "communes_hdf.csv").read_text(encoding="utf-8")
    return {row["code"]: Commune(**row) for row in csv.DictReader(text.splitlines())}


def commune_codes() -> frozenset[str]:
    """The INSEE codes of the communes of Hauts-de-France."""
    return frozenset(communes())
