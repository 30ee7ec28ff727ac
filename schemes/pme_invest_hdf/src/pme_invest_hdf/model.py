"""The application format of the SME investment aid: the generic model with an undertaking's
own fields.

An undertaking declares the figures of Annex I to the GBER (staff headcount in annual work
units, annual turnover, balance-sheet total) and the enterprises it is linked to or partnered
with (Annex I art. 3), each with the relation, the holding and that enterprise's own
figures; the rules add them up (art. 6).  What the Region decides (the aid rate) is the
``instruction`` section, never the applicant's to fill in.
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
    Rate,
)

__all__ = [
    "AidRate",
    "AssociatedEnterprise",
    "CostCategory",
    "FinancingSource",
    "PmeApplicant",
    "PmeApplication",
    "PmeCostLine",
    "PmeFinancingLine",
    "PmeInstruction",
    "PmeProject",
    "Relation",
    "Sector",
    "SizeClass",
]

#: Tangible and intangible investment are eligible (GBER art. 17(2)(a)); the rest is not.
CostCategory = Literal[
    "tangible", "intangible", "working_capital", "operating", "second_hand", "leasing"
]
FinancingSource = Literal[
    "region", "state", "bpifrance", "eu", "other_public", "own_funds", "bank_loan", "private"
]
#: Annex I art. 3: a linked enterprise (a majority of the capital or voting rights, either
#: way) is counted in full; a partner (25 % to 50 %) in proportion to the holding.
Relation = Literal["linked", "partner"]
#: The undertaking's activity, as far as the GBER's exclusions are concerned (art. 1(3)).
Sector = Literal[
    "manufacturing",
    "construction",
    "trade",
    "services",
    "agrifood_processing",
    "fisheries_aquaculture",
    "primary_agriculture",
    "coal_mines_closure",
]
#: The rates the Region may choose for a project (the grid of its deliberation, up to the
#: intensity raised in a regional-aid zone): an instructor input.
AidRate = Literal["5%", "10%", "15%", "20%", "25%", "30%"]
#: The size classes of Annex I art. 2, and ``large`` for an undertaking above them.
SizeClass = Literal["micro", "small", "medium", "large"]

_NOT_NEGATIVE = attrs.validators.ge(0)
_NOT_NEGATIVE_EURO = attrs.validators.ge(Euro.ZERO)


@attrs.frozen(kw_only=True)
class AssociatedEnterprise:
    """An enterprise linked to or partnered with the applicant, with its own figures.

    ``share`` is the holding (the greater of the share of capital and of voting rights,
    Annex I art. 6(2)), in either direction; a partner's turnover and balance-sheet total
    are counted in that proportion.  The library has no fractional count, so a partner's
    ``staff_headcount`` is declared already in proportion to the holding, in whole annual
    work units (see the README's open questions).
    """

    name: str
    relation: Relation
    share: Rate
    staff_headcount: int = attrs.field(validator=_NOT_NEGATIVE)
    annual_turnover: Euro = attrs.field(validator=_NOT_NEGATIVE_EURO)
    balance_sheet_total: Euro = attrs.field(validator=_NOT_NEGATIVE_EURO)


@attrs.frozen(kw_only=True)
class PmeApplicant(Applicant):
    #: The undertaking's own staff headcount, in whole annual work units (Annex I art. 5).
    staff_headcount: int = attrs.field(validator=_NOT_NEGATIVE)
    #: Of the last approved accounting period (Annex I art. 4(1)), excluding VAT.
    annual_turnover: Euro = attrs.field(validator=_NOT_NEGATIVE_EURO)
    balance_sheet_total: Euro = attrs.field(validator=_NOT_NEGATIVE_EURO)
    #: Linked and partner enterprises (Annex I art. 3); empty for an autonomous enterprise.
    associated: tuple[AssociatedEnterprise, ...] = ()
    #: An undertaking in difficulty within the meaning of GBER art. 2(18).
    in_difficulty: bool
    sector: Sector


@attrs.frozen(kw_only=True)
class PmeProject(Project):
    #: The INSEE code of the commune of the establishment where the investment is made.
    site_commune_code: str = attrs.field(
        validator=attrs.validators.matches_re(r"(\d{2}|2A|2B)\d{3}")
    )


@attrs.frozen(kw_only=True)
class PmeCostLine(CostLine):
    category: CostCategory


@attrs.frozen(kw_only=True)
class PmeFinancingLine(FinancingLine):
    source: FinancingSource


@attrs.frozen(kw_only=True)
class PmeInstruction(Instruction):
    """What the Region decides: the aid rate, up to the maximum intensity."""

    #: The rate the Region applies to the eligible costs, chosen in its grid (its
    #: discretion, up to the maximum intensity of GBER art. 17(6)).
    aid_rate: AidRate | None = None


@attrs.frozen(kw_only=True)
class PmeApplication(Application):
    applicant: PmeApplicant
    project: PmeProject
    costs: tuple[PmeCostLine, ...] = ()
    financing: tuple[PmeFinancingLine, ...] = ()
    instruction: PmeInstruction = attrs.field(factory=PmeInstruction)
