"""The body of ``grantrules simulate``: options read, scenarios built, the run, the output."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import click

from grantrules.batch._plan import refusal
from grantrules.batch._progress import progress
from grantrules.batch._read import Partition, partitions
from grantrules.batch._report import report_json, report_text
from grantrules.batch._simulate import Grouping, Report, Scenario, simulate
from grantrules.errors import GrantRulesError, InvalidArgument
from grantrules.i18n import default_lang
from grantrules.money import Euro
from grantrules.scheme import Scheme

__all__ = ["run"]


def _assignments(values: tuple[str, ...], option: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for assignment in values:
        name, sep, value = assignment.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {assignment!r}", param_hint=option)
        found[name.strip()] = value.strip()
    return found


def _what_if(scheme: Scheme, values: dict[str, str], option: str) -> Scheme:
    if not values:
        return scheme
    try:
        return scheme.with_parameters(**values)
    except GrantRulesError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _date(text: str | None) -> datetime.date | None:
    from grantrules.dates import parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except GrantRulesError as error:
        raise click.BadParameter(str(error), param_hint="--on") from None


def _total(parts: list[Partition]) -> int | None:
    """How many applications a Parquet input holds (its metadata says); None for JSONL."""
    if not parts or parts[0].group is None:
        return None
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(parts[0].path).metadata.num_rows)


def _note_refusals(chosen: list[Scenario]) -> None:
    """Say on stderr which versions the columnar compiler refuses: their rows are decided
    one by one by evaluate() (the same figures, far slower), never silently."""
    seen: set[str] = set()
    for scenario in chosen:
        for version in scenario.scheme.versions:
            reason = refusal(version)
            text = f"version {version.valid_from}: {reason}"
            if reason is not None and text not in seen:
                seen.add(text)
                click.echo(
                    f"note: no column kernel for {scenario.scheme.id} {text}; its rows are "
                    "decided one by one by evaluate() (same results, slower)",
                    err=True,
                )


def scenarios_of(
    scheme: Scheme, assignments: tuple[str, ...], compare: tuple[str, ...]
) -> list[Scenario]:
    """The baseline (with ``--set``) and, with ``--compare``, the what-if."""
    baseline = _what_if(scheme, _assignments(assignments, "--set"), "--set")
    found = [Scenario("baseline", baseline)]
    changes = _assignments(compare, "--compare")
    if changes:
        label = ", ".join(f"{k}={v}" for k, v in changes.items())
        found.append(Scenario(f"what-if ({label})", _what_if(baseline, changes, "--compare")))
    return found


def run(scheme: Scheme, **options: Any) -> None:
    fmt, output = options["fmt"], options["output"]
    try:
        groupings = tuple(Grouping.parse(b) for b in options["by"])
        envelope = Euro(options["envelope"]) if options["envelope"] is not None else None
    except GrantRulesError as error:
        raise click.UsageError(str(error)) from None
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a file: give --output PATH")
    distributed = options["workers"] is not None or options["address"] is not None
    if options["workers"] is not None and options["address"] is not None:
        raise click.UsageError(
            "--workers (a local cluster) and --dask (an existing one) exclude each other"
        )
    if fmt == "parquet" and distributed:
        raise click.UsageError("--format parquet runs in this process: drop --workers/--dask")
    chosen = scenarios_of(scheme, options["assignments"], options["compare"])
    _note_refusals(chosen)
    on = _date(options["on"])
    try:
        parts = partitions(options["source"])
    except (OSError, InvalidArgument) as error:
        raise click.ClickException(str(error)) from None
    if fmt == "parquet":
        from grantrules.batch._export import write_results

        write_results(chosen, parts, on, Path(output))
        return
    if distributed:
        from grantrules.batch.dask import simulate_on_dask

        report = simulate_on_dask(
            options["scheme_ref"],
            chosen,
            parts,
            on,
            groupings,
            envelope,
            workers=options["workers"],
            address=options["address"],
        )
    else:
        with progress(_total(parts)) as advance:
            report = simulate(chosen, parts, on, groupings, envelope, advance)
    _write(report, fmt, output)


def _write(report: Report, fmt: str, output: Path | None) -> None:
    text = (
        json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
        if fmt == "json"
        else report_text(report, default_lang())
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
