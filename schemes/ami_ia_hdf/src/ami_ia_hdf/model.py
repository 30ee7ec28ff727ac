"""The AMI IA application format: the generic model with the call's own fields.

Unknown keys are refused by the converter; the literal types below are the closed lists of
the domain decisions (cost categories, financing sources, AI use cases).
"""

from __future__ import annotations

import datetime
from typing import Literal

import attrs

from grantrules.authoring import Applicant, Application, CostLine, Euro, FinancingLine, Project

__all__ = [
    "AmiApplicant",
    "AmiApplication",
    "AmiCostLine",
    "AmiFinancingLine",
    "AmiProject",
    "CostCategory",
    "FinancingSource",
    "PriorAid",
    "UseCase",
]

UseCase = Literal[
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
]


CostCategory = Literal["staff", "equipment", "operating", "other"]
FinancingSource = Literal["feder", "own_funds", "other_public", "private"]


def _not_negative(_: object, attribute: attrs.Attribute[Euro], value: Euro) -> None:
    if value < Euro.ZERO:
        raise ValueError(f"must not be negative, got {value}")


@attrs.frozen(kw_only=True)
class PriorAid:
    """De minimis aid the applicant received before, as declared."""

    granted_on: datetime.date
    amount: Euro = attrs.field(validator=_not_negative)


@attrs.frozen(kw_only=True)
class AmiApplicant(Applicant):
    public_policy_mandate: bool = False
    economic_activity: bool
    sgei: bool = False
    prior_de_minimis: tuple[PriorAid, ...] = ()


@attrs.frozen(kw_only=True)
class AmiProject(Project):
    use_cases: tuple[UseCase, ...]


@attrs.frozen(kw_only=True)
class AmiCostLine(CostLine):
    category: CostCategory
    vat_recoverable: bool


@attrs.frozen(kw_only=True)
class AmiFinancingLine(FinancingLine):
    source: FinancingSource


@attrs.frozen(kw_only=True)
class AmiApplication(Application):
    applicant: AmiApplicant
    project: AmiProject
    costs: tuple[AmiCostLine, ...] = ()
    financing: tuple[AmiFinancingLine, ...] = ()
