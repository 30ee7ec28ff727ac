"""Schemes the command-line tests name as ``prove_cli_schemes:NAME``."""

from __future__ import annotations

from pathlib import Path

from prove_variants import infeasible

from grantrules.testing._resolve import _module

_SPORTS = _module(str(Path(__file__).parent.parent / "schemes" / "sports.py"), Path(__file__))

SPORTS = _SPORTS.SCHEME
INFEASIBLE = infeasible(_SPORTS)
