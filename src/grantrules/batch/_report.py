"""A simulation's figures as JSON data (amounts as strings) or as a text table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from grantrules.batch._simulate import Report
from grantrules.money import Euro

__all__ = ["report_json", "report_text"]


def _scenario_json(report: Report, index: int) -> dict[str, Any]:
    scenario, figures = report.scenarios[index], report.figures[index]
    data: dict[str, Any] = {
        "name": scenario.name,
        "overrides": dict(scenario.scheme.overrides),
        "applications": figures.applications,
        "invalid": figures.invalid,
        "eligible": figures.eligible,
        "total_award": str(figures.award),
        "refused": dict(sorted(figures.refused.items())),
        "warnings": dict(sorted(figures.warnings.items())),
    }
    if report.envelope is not None:
        coverage = figures.envelope(report.envelope)
        data["envelope"] = {k: str(v) if isinstance(v, Euro) else v for k, v in coverage.items()}
    if report.groupings:
        data["groups"] = [
            {
                "key": list(key),
                "applications": apps,
                "eligible": eligible,
                "total_award": str(_euros(cents)),
            }
            for key, (apps, eligible, cents) in sorted(figures.groups.items())
        ]
    return data


def _euros(cents: int) -> Euro:
    return Euro(Decimal(cents).scaleb(-2))


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    scenarios = [_scenario_json(report, i) for i in range(len(report.scenarios))]
    data: dict[str, Any] = {
        "scheme": report.scenarios[0].scheme.id,
        "by": [g.label for g in report.groupings],
        "scenarios": scenarios,
    }
    if len(report.figures) == 2:
        base, other = report.figures
        difference: dict[str, Any] = {
            "eligible": other.eligible - base.eligible,
            "total_award": str(other.award - base.award),
        }
        if report.envelope is not None:
            difference["funded"] = (
                other.envelope(report.envelope)["funded"] - base.envelope(report.envelope)["funded"]
            )
        data["difference"] = difference
    return data


def _row(label: str, values: list[str], width: int = 34) -> str:
    return f"{label:<{width}}" + "".join(f"{v:>22}" for v in values)


def report_text(report: Report, lang: str = "en") -> str:
    """The report as a text table, one column per scenario (and their difference)."""
    figures = list(report.figures)
    names = [s.name for s in report.scenarios]
    both = len(figures) == 2
    header = [*names, "difference"] if both else names
    lines = [f"{report.scenarios[0].scheme.id}: simulation", _row("", header)]

    def line(label: str, values: list[Any], money: bool = False) -> None:
        shown = [v.format(lang) if money else f"{v:,}" for v in values]
        if both:
            delta = values[1] - values[0]
            sign = "+" if (delta > Euro.ZERO if money else delta > 0) else ""
            shown.append(sign + (delta.format(lang) if money else f"{delta:,}"))
        lines.append(_row(label, shown))

    line("applications", [f.applications for f in figures])
    line("invalid", [f.invalid for f in figures])
    line("eligible", [f.eligible for f in figures])
    line("total award", [f.award for f in figures], money=True)
    if report.envelope is not None:
        coverage = [f.envelope(report.envelope) for f in figures]
        lines.append(f"envelope {report.envelope.format(lang)}, in submission order:")
        line("  funded", [c["funded"] for c in coverage])
        line("  waiting", [c["waiting"] for c in coverage])
        line("  committed", [c["committed"] for c in coverage], money=True)
        line("  remaining", [c["remaining"] for c in coverage], money=True)
    criteria = sorted(set().union(*(f.refused for f in figures)))
    if criteria:
        lines.append("refused by criterion (failed or missing an input):")
        for criterion in criteria:
            line(f"  {criterion}", [f.refused.get(criterion, 0) for f in figures])
    if report.groupings:
        lines.append("by " + ", ".join(g.label for g in report.groupings) + ":")
        keys = sorted(set().union(*(f.groups for f in figures)))
        for key in keys:
            label = "  " + " / ".join(k or "-" for k in key)
            rows = [f.groups.get(key, [0, 0, 0]) for f in figures]
            line(label + " eligible", [r[1] for r in rows])
            line(label + " award", [_euros(r[2]) for r in rows], money=True)
    return "\n".join(lines) + "\n"
