"""Text, JSON and Markdown renderings of a call's state for the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from grantrules.call._call import RunReport
from grantrules.call.journal import Event
from grantrules.call.portfolio import Flag
from grantrules.call.projection import ApplicationStatus, CallState
from grantrules.money import Euro

__all__ = ["events_text", "summary_json", "summary_markdown", "summary_text"]

_FUNDED = frozenset({"committed", "partly_paid", "closed"})
_COLUMNS = ("application", "applicant", "verdict", "award", "status")


def _row(app: ApplicationStatus) -> tuple[str, ...]:
    return (app.id, app.applicant, app.outcome or "-", str(app.award), app.status)


def _group(state: CallState, statuses: Iterable[str]) -> tuple[int, Euro]:
    wanted = set(statuses)
    apps = [a for a in state.applications if a.status in wanted]
    return len(apps), Euro.sum(a.award for a in apps)


def summary_json(state: CallState) -> dict[str, Any]:
    """The ``--format json`` object: counts and amounts as strings, and every application."""
    ledger = state.ledger
    funded = _group(state, _FUNDED)
    waitlisted = _group(state, ["waitlisted"])
    ineligible = _group(state, ["ineligible", "invalid"])
    return {
        "envelope": str(ledger.envelope),
        "committed": str(ledger.committed),
        "paid": str(ledger.paid),
        "remaining": str(ledger.remaining),
        "applications_count": str(len(state.applications)),
        "eligible": str(sum(1 for a in state.applications if a.outcome == "eligible")),
        "funded": {"count": str(funded[0]), "amount": str(funded[1])},
        "waitlisted": {"count": str(waitlisted[0]), "amount": str(waitlisted[1])},
        "ineligible": {"count": str(ineligible[0])},
        "applications": [
            {"id": a.id, "status": a.status, "award": str(a.award)} for a in state.applications
        ],
    }


def _summary_lines(state: CallState) -> list[tuple[str, str]]:
    data = summary_json(state)
    return [
        ("applications", data["applications_count"]),
        ("eligible", data["eligible"]),
        ("funded", f"{data['funded']['count']} ({data['funded']['amount']})"),
        ("committed", data["committed"]),
        ("remaining", data["remaining"]),
        ("wait-listed", f"{data['waitlisted']['count']} ({data['waitlisted']['amount']})"),
    ]


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


def summary_text(state: CallState, flags: Sequence[Flag] = ()) -> str:
    """A table of applications, then the summary and any portfolio flags."""
    lines = _table([_row(a) for a in state.applications], _COLUMNS)
    lines.append("")
    width = max(len(k) for k, _ in _summary_lines(state))
    lines += [f"{k.ljust(width)}  {v}" for k, v in _summary_lines(state)]
    if flags:
        lines += ["", f"portfolio flags ({len(flags)}):"]
        lines += [f"  [{f.id}{', blocking' if f.blocking else ''}] {f.message_en}" for f in flags]
    return "\n".join(lines)


def summary_markdown(report: RunReport, title: str) -> str:
    """A Markdown report of a run."""

    def cells(row: Iterable[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    state = report.state
    lines = [f"# {title}", "", "## Summary", "", "| | |", "|---|---|"]
    lines += [cells(pair) for pair in _summary_lines(state)]
    lines += ["", "## Applications", "", cells(_COLUMNS), "|" + "---|" * len(_COLUMNS)]
    lines += [cells(_row(a)) for a in state.applications]
    if report.flags:
        lines += ["", "## Portfolio flags", ""]
        for flag in report.flags:
            basis = " ".join(p for p in (flag.basis.title, flag.basis.article) if p)
            lines.append(
                f"- **{flag.id}**{' (blocking)' if flag.blocking else ''}: "
                f"{flag.message_fr} / {flag.message_en} — {basis}"
            )
    if report.refused:
        lines += ["", "## Refused documents", ""]
        lines += [f"- line {r.line}: {r.message}" for r in report.refused]
    return "\n".join(lines) + "\n"


def events_text(events: Iterable[Event]) -> str:
    """One line per event."""
    rows = [
        (
            str(e.seq),
            e.ts,
            e.kind,
            e.application_id or "-",
            ", ".join(f"{k}={v}" for k, v in e.payload.items() if k not in ("document", "process")),
        )
        for e in events
    ]
    return "\n".join(_table(rows, ("seq", "time", "event", "application", "details")))
