"""The call engine: applications meeting one envelope, event-sourced in a SQLite journal.

>>> import tempfile, pathlib
>>> from grantrules.money import Euro
>>> tmp = tempfile.TemporaryDirectory()
>>> call = Call.create(pathlib.Path(tmp.name) / "c.db", Euro("100.00"))
>>> call.status().ledger.envelope
Euro('100.00')
>>> call.close_file()
>>> tmp.cleanup()

.. versionadded:: 0.1
"""

from grantrules.call._call import Call, Refused, RunReport
from grantrules.call._contract import DecisionLike, Evaluator
from grantrules.call.allocation import AllocationPolicy, FirstComeFirstServed, RankedByScore, Step
from grantrules.call.journal import Event
from grantrules.call.ledger import Ledger
from grantrules.call.portfolio import (
    DeMinimis,
    Flag,
    MaxPerGroup,
    PortfolioRule,
    SameApplicant,
)
from grantrules.call.process import DEFAULT_PROCESS, Process, Transition
from grantrules.call.projection import ApplicationStatus, CallState

__all__ = [
    "DEFAULT_PROCESS",
    "AllocationPolicy",
    "ApplicationStatus",
    "Call",
    "CallState",
    "DeMinimis",
    "DecisionLike",
    "Evaluator",
    "Event",
    "FirstComeFirstServed",
    "Flag",
    "Ledger",
    "MaxPerGroup",
    "PortfolioRule",
    "Process",
    "RankedByScore",
    "Refused",
    "RunReport",
    "SameApplicant",
    "Step",
    "Transition",
]
