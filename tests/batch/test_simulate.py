"""grantrules sample and grantrules simulate (one process and a Dask LocalCluster)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from grantrules.batch._read import partitions
from grantrules.batch._sample import sample_documents
from grantrules.batch._simulate import Grouping, Scenario, simulate
from grantrules.cli import main
from grantrules.evaluate import evaluate
from grantrules.money import Euro
from grantrules.scheme import Scheme


@pytest.fixture(scope="module")
def population(ami: Scheme) -> list[dict[str, Any]]:
    return list(sample_documents(ami, 120, seed=7))


@pytest.fixture
def jsonl(tmp_path: Path, population: list[dict[str, Any]]) -> Path:
    path = tmp_path / "apps.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in population))
    return path


def by_hand(scheme: Scheme, documents: list[dict[str, Any]]) -> dict[str, Any]:
    decisions = [evaluate(scheme, d) for d in documents]
    refused: dict[str, int] = {}
    for decision in decisions:
        for criterion in decision.failed_ids:
            refused[criterion] = refused.get(criterion, 0) + 1
    return {
        "applications": len(decisions),
        "eligible": sum(d.eligible for d in decisions),
        "total_award": str(Euro.sum(d.award for d in decisions)),
        "refused": dict(sorted(refused.items())),
        "decisions": decisions,
    }


def test_sample_is_valid_varied_and_repeatable(ami: Scheme, population: list[Any]) -> None:
    assert len({d["id"] for d in population}) == 120
    outcomes = {evaluate(ami, d).eligible for d in population}
    assert outcomes == {True, False}
    again = CliRunner().invoke(main, ["sample", "ami-ia-hdf", "3", "--seed", "7"])
    assert again.exit_code == 0, again.output
    assert [json.loads(line) for line in again.output.splitlines()] == list(
        sample_documents(ami, 3, seed=7)
    )


def test_sample_as_typed_parquet(tmp_path: Path, ami: Scheme) -> None:
    path = tmp_path / "apps.parquet"
    result = CliRunner().invoke(
        main, ["sample", "ami-ia-hdf", "5", "--seed", "7", "--output", str(path)]
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(path)
    assert table.num_rows == 5
    assert str(table.schema.field("submitted_on").type) == "date32[day]"
    first = next(sample_documents(ami, 5, seed=7))
    row = table.slice(0, 1).to_pylist()[0]
    assert row["id"] == first["id"]
    assert row["submitted_on"].isoformat() == first["submitted_on"]


def test_simulate_json_equals_evaluate(ami: Scheme, jsonl: Path, population: list[Any]) -> None:
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            "--scheme",
            "ami-ia-hdf",
            str(jsonl),
            "--format",
            "json",
            "--compare",
            "feder_rate=50%",
            "--envelope",
            "2000000.00",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    base, what_if = report["scenarios"]
    expected = by_hand(ami, population)
    for key in ("applications", "eligible", "total_award", "refused"):
        assert base[key] == expected[key]
    other = by_hand(ami.with_parameters(feder_rate="50%"), population)
    assert what_if["total_award"] == other["total_award"]
    assert report["difference"]["total_award"] == str(
        Euro(other["total_award"]) - Euro(expected["total_award"])
    )
    # Envelope: eligible applications in submission order until one no longer fits.
    eligible = sorted(
        ((d.evaluated_on, i, d.award) for i, d in enumerate(expected["decisions"]) if d.eligible),
        key=lambda t: (t[0], t[1]),
    )
    spent, funded = Euro.ZERO, 0
    for _, _, award in eligible:
        if spent + award > Euro("2000000.00"):
            break
        spent, funded = spent + award, funded + 1
    assert base["envelope"]["funded"] == funded
    assert base["envelope"]["remaining"] == str(Euro("2000000.00") - spent)


def test_simulate_by_group_adds_up(ami: Scheme, jsonl: Path) -> None:
    scenarios = [Scenario("baseline", ami)]
    groupings = (
        Grouping.parse("applicant.commune_code:department"),
        Grouping.parse("applicant.legal_category:2"),
    )
    report = simulate(scenarios, partitions(jsonl), groupings=groupings)
    figures = report.figures[0]
    assert sum(g[0] for g in figures.groups.values()) == figures.applications
    assert sum(g[2] for g in figures.groups.values()) == figures.award_cents
    assert all(len(k[0]) in (2, 3) and len(k[1]) <= 2 for k in figures.groups)


def test_simulate_text_and_bad_lines(tmp_path: Path, population: list[Any]) -> None:
    path = tmp_path / "mixed.jsonl"
    good = population[:4]
    wrong_type = (
        {**population[4], "costs": [{**population[4]["costs"][0], "vat": 12.5}]}
        if population[4]["costs"]
        else {**population[4], "submitted_on": 20250101}
    )
    path.write_text(
        "".join(json.dumps(d) + "\n" for d in good) + "not json\n" + json.dumps(wrong_type) + "\n"
    )
    result = CliRunner().invoke(main, ["simulate", "--scheme", "ami-ia-hdf", str(path)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1] for line in result.output.splitlines()[2:5]}
    assert lines == {"applications": "6", "invalid": "2", "eligible": lines["eligible"]}


def test_simulate_parquet_results(tmp_path: Path, jsonl: Path, population: list[Any]) -> None:
    out = tmp_path / "results.parquet"
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            "--scheme",
            "ami-ia-hdf",
            str(jsonl),
            "--format",
            "parquet",
            "--output",
            str(out),
            "--compare",
            "feder_rate=50%",
        ],
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == len(population)
    assert {"award", "compare.award", "compare.eligible"} <= set(table.column_names)


def test_simulate_usage_errors(jsonl: Path) -> None:
    runner = CliRunner()
    for args in (
        ["--set", "nonsense"],
        ["--format", "parquet"],
        ["--by", "a..b"],
        ["--workers", "2", "--dask", "tcp://nowhere:1"],
        ["--on", "2025-13-01"],
    ):
        result = runner.invoke(main, ["simulate", "--scheme", "ami-ia-hdf", str(jsonl), *args])
        assert result.exit_code == 2, (args, result.output)
    result = runner.invoke(main, ["simulate", "--scheme", "no-such-scheme", str(jsonl)])
    assert result.exit_code == 2


def test_dask_local_cluster_gives_the_same_totals(ami: Scheme, jsonl: Path) -> None:
    """Two workers (threads: processes=False keeps the test light and reliable on a loaded
    machine; `--workers N` uses processes) over several JSONL chunks."""
    from grantrules.batch.dask import simulate_on_dask

    parts = partitions(jsonl, chunk_bytes=20_000)
    assert len(parts) >= 3
    scenarios = [
        Scenario("baseline", ami),
        Scenario("what-if", ami.with_parameters(feder_rate="50%")),
    ]
    groupings = (Grouping.parse("applicant.legal_category"),)
    envelope = Euro("1500000.00")
    alone = simulate(scenarios, partitions(jsonl), groupings=groupings, envelope=envelope)
    spread = simulate_on_dask(
        "ami-ia-hdf", scenarios, parts, None, groupings, envelope, workers=2, processes=False
    )
    for mine, theirs in zip(alone.figures, spread.figures, strict=True):
        assert mine.award == theirs.award
        assert (mine.applications, mine.eligible, mine.invalid) == (
            theirs.applications,
            theirs.eligible,
            theirs.invalid,
        )
        assert mine.refused == theirs.refused
        assert mine.groups == theirs.groups
        assert mine.envelope(envelope) == theirs.envelope(envelope)
    assert isinstance(alone.figures[0].award.amount, Decimal)


def test_groups_and_envelope_equal_a_count_by_hand(
    ami: Scheme, jsonl: Path, population: list[Any]
) -> None:
    """Keys computed once per distinct value and tallied with NumPy give the figures of a
    plain loop over evaluate(); the envelope's binary search gives the loop's coverage."""
    what_if = ami.with_parameters(feder_rate="50%")
    scenarios = [Scenario("baseline", ami), Scenario("what-if", what_if)]
    groupings = (
        Grouping.parse("applicant.commune_code:department"),
        Grouping.parse("applicant.economic_activity"),
    )
    report = simulate(scenarios, partitions(jsonl), groupings=groupings)
    for scheme, figures in zip((ami, what_if), report.figures, strict=True):
        expected: dict[tuple[str, ...], list[int]] = {}
        for document in population:
            decision = evaluate(scheme, document)
            code = document["applicant"]["commune_code"]
            key = (
                code[:3] if code.startswith("97") else code[:2],
                str(document["applicant"].get("economic_activity", "")),
            )
            mine = expected.setdefault(key, [0, 0, 0])
            mine[0] += 1
            mine[1] += decision.eligible
            mine[2] += int(decision.award.amount.scaleb(2))
        assert figures.groups == expected
        for limit in ("0.00", "150000.00", "2000000.00", "1000000000.00"):
            envelope = figures.envelope(Euro(limit))
            rows = sorted(
                tuple(r) for part in figures.funded for r in part.tolist()
            )  # (day, position, cents)
            spent = funded = 0
            for _, _, cents in rows:
                if spent + cents > int(Decimal(limit) * 100):
                    break
                spent, funded = spent + cents, funded + 1
            assert envelope["funded"] == funded
            assert envelope["committed"] == Euro(Decimal(spent).scaleb(-2))
