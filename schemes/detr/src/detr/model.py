"""The DETR application format: the generic model with the dotation's own fields.

A commune declares its DGF population and its financial potential per inhabitant (the two
figures of CGCT L2334-33 2°); an EPCI declares its member communes with their population
(L2334-33 1°).  What the prefect decides (the amount granted, a derogation to the owner's
minimum share) is the ``instruction`` section, never the applicant's to fill in.
"""

from __future__ import annotations

from typing import Literal

import attrs

from grantrules.authoring import (
    Applicant,
    Application,
    CostLine,
    Euro,
    FinancingLine,
    Instruction,
    Project,
)

__all__ = [
    "CostCategory",
    "DetrApplicant",
    "DetrApplication",
    "DetrCostLine",
    "DetrFinancingLine",
    "DetrInstruction",
    "DetrProject",
    "FinancingSource",
    "MemberCommune",
    "Operation",
    "OwnShareDerogation",
]

CostCategory = Literal["works", "studies", "equipment", "land", "operating", "maintenance"]
FinancingSource = Literal[
    "detr", "own_funds", "dsil", "region", "department", "eu", "other_public", "private"
]
Operation = Literal[
    "school_buildings",
    "school_energy_renovation",
    "public_buildings",
    "roads_and_safety",
    "water_and_sanitation",
    "heritage",
    "sports_and_culture",
    "public_services",
    "other",
]
#: The derogations to the owner's minimum share that the prefect may grant (CGCT L1111-10 III).
OwnShareDerogation = Literal[
    "school_energy_renovation", "protected_heritage", "unprotected_heritage", "public_calamity"
]


_NOT_NEGATIVE = attrs.validators.ge(0)
_NOT_NEGATIVE_EURO = attrs.validators.ge(Euro.ZERO)


@attrs.frozen(kw_only=True)
class MemberCommune:
    """A member commune of an EPCI, with its population (INSEE, CGCT R2151-1)."""

    # A regular expression (not a function) so that test strategies can draw valid codes.
    commune_code: str = attrs.field(validator=attrs.validators.matches_re(r"(\d{2}|2A|2B)\d{3}"))
    population: int = attrs.field(validator=_NOT_NEGATIVE)


@attrs.frozen(kw_only=True)
class DetrApplicant(Applicant):
    #: A commune's DGF population (CGCT L2334-2); not used for an EPCI.
    population: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_NOT_NEGATIVE)
    )
    #: A commune's financial potential per inhabitant, as notified by the DGCL.
    financial_potential_per_inhabitant: Euro | None = attrs.field(
        default=None, validator=attrs.validators.optional(_NOT_NEGATIVE_EURO)
    )
    #: An EPCI's member communes; empty for a commune.
    members: tuple[MemberCommune, ...] = ()
    #: An EPCI's territory is in one piece, without enclave (CGCT L2334-33 1°).
    single_piece_territory: bool = True


@attrs.frozen(kw_only=True)
class DetrProject(Project):
    operation: Operation


@attrs.frozen(kw_only=True)
class DetrCostLine(CostLine):
    category: CostCategory


@attrs.frozen(kw_only=True)
class DetrFinancingLine(FinancingLine):
    source: FinancingSource


@attrs.frozen(kw_only=True)
class DetrInstruction(Instruction):
    """What the prefect decides: the amount granted, and a derogation if any."""

    #: The amount the prefect grants, up to the maximum the rules allow.
    granted_amount: Euro | None = attrs.field(
        default=None, validator=attrs.validators.optional(_NOT_NEGATIVE_EURO)
    )
    #: A derogation to the owner's minimum share granted by the prefect (none by default).
    own_share_derogation: OwnShareDerogation | None = None


@attrs.frozen(kw_only=True)
class DetrApplication(Application):
    applicant: DetrApplicant
    project: DetrProject
    costs: tuple[DetrCostLine, ...] = ()
    financing: tuple[DetrFinancingLine, ...] = ()
    instruction: DetrInstruction = attrs.field(factory=DetrInstruction)
