"""Benchmark of the columnar backend: applications per second and peak memory, in one run.

Run with ``make bench`` or ``.venv/bin/python bench/bench_batch.py [--rows 1000000]``.
Prints one table for the AMI, each line measured in a fresh process (so that its peak
resident memory is its own) on the same population:

- ``plain Python``: hand-written Python of the AMI's blocking rules and award on parsed JSON
  documents (``bench_evaluate.plain_ami_doc``), the floor of what Python itself costs;
- ``NumPy by hand``: the same rules written directly in NumPy over the typed Arrow table
  (its core: the table is in memory), checked against ``evaluate_table``;
- ``evaluate_table, memory``: ``evaluate_table`` on the typed Arrow table in memory
  (decimal128 amounts, date32 dates, dictionary codes), validation included;
- ``evaluate_table, Parquet``: end to end from a Parquet file of that table, row group by
  row group (read, validate, evaluate, output);
- ``evaluate_table, JSONL``: end to end from the JSONL file (Arrow's JSON reader, amounts
  and dates as strings);
- ``simulate --compare, Parquet``: ``grantrules simulate`` figures of a baseline and one
  what-if from the Parquet file.

Rates are given by wall time and by CPU time (``time.process_time``: every thread of the
process, so "per core" never flatters a multi-threaded reader); on a machine shared with
other jobs the CPU-time rate is the one to compare with the targets.

The population: varied AMI applications (``bench_evaluate.ami_applications``: about three
quarters eligible before the call window), a pool of 20,000 repeated with distinct ids.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

POOL = 20_000
STAGES = ("plain", "numpy", "memory", "parquet", "jsonl", "simulate")
LABELS = {
    "plain": "plain Python (dicts)",
    "numpy": "NumPy by hand (core)",
    "memory": "evaluate_table, memory",
    "parquet": "evaluate_table, Parquet",
    "jsonl": "evaluate_table, JSONL",
    "simulate": "simulate --compare, Parquet",
}


def pool(n: int) -> list[dict[str, Any]]:
    from bench_evaluate import ami_applications

    from grantrules.serde import unstructure_application

    return [unstructure_application(a) for a in ami_applications(min(n, POOL))]


def prepare(n: int, folder: Path) -> None:
    """The population as JSONL and as typed Parquet (row groups of BATCH_ROWS)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from grantrules import load_scheme
    from grantrules.batch import typed_table
    from grantrules.batch._table import BATCH_ROWS

    scheme = load_scheme("ami-ia-hdf")
    docs = pool(n)
    with (folder / "apps.jsonl").open("w") as handle:
        for i in range(n):
            handle.write(json.dumps({**docs[i % len(docs)], "id": f"BENCH-{i}"}) + "\n")
    typed = typed_table(scheme, docs)
    where = typed.schema.get_field_index("id")
    with pq.ParquetWriter(folder / "apps.parquet", typed.schema) as out:
        for start in range(0, n, BATCH_ROWS):
            rows = np.arange(start, min(n, start + BATCH_ROWS))
            chunk = typed.take(pa.array(rows % len(docs)))
            ids = pa.array([f"BENCH-{i}" for i in rows], pa.string())
            out.write_table(chunk.set_column(where, "id", ids))


def numpy_ami(table: Any) -> tuple[Any, Any]:
    """The AMI's blocking rules and award, by hand in NumPy: (eligible, award in cents)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from bench_evaluate import _MANDATE, _PUBLIC, HDF

    def cents(array: Any) -> Any:
        words = np.frombuffer(array.buffers()[1], np.int64)
        return words[2 * array.offset : 2 * (array.offset + len(array)) : 2]

    def days(array: Any) -> Any:
        return array.to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)

    def codes(array: Any, allowed: Any) -> Any:
        table = pc.is_in(array.dictionary, value_set=pa.array(sorted(allowed))).to_numpy(
            zero_copy_only=False
        )
        return table[array.indices.to_numpy(zero_copy_only=False)]

    def segments(lists: Any) -> Any:
        lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
        bounds = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=bounds[1:])
        return bounds

    def segsum(values: Any, bounds: Any) -> Any:
        running = np.zeros(len(values) + 1, np.int64)
        np.cumsum(values, out=running[1:])
        return running[bounds[1:]] - running[bounds[:-1]]

    table = table.combine_chunks()
    costs = table.column("costs").chunk(0)
    bounds, items = segments(costs), costs.flatten()
    cost = cents(items.field("amount_excl_vat")) + np.where(
        items.field("vat_recoverable").to_numpy(zero_copy_only=False),
        0,
        cents(items.field("vat")),
    )
    total = segsum(cost, bounds)
    eligible_cost = segsum(np.where(codes(items.field("category"), {"other"}), 0, cost), bounds)
    award = np.minimum(eligible_cost * 6 // 10, 15_000_000)
    financing = table.column("financing").chunk(0)
    fbounds, lines = segments(financing), financing.flatten()
    amount = cents(lines.field("amount"))
    plan = segsum(amount, fbounds)
    own = segsum(np.where(codes(lines.field("source"), {"own_funds"}), amount, 0), fbounds)
    other = segsum(np.where(codes(lines.field("source"), {"other_public"}), amount, 0), fbounds)
    applicant, project = table.column("applicant").chunk(0), table.column("project").chunk(0)
    category = applicant.field("legal_category")
    public, mandated = codes(category, _PUBLIC), codes(category, _MANDATE)
    local = codes(category, {c for c in _PUBLIC | _MANDATE if c.startswith(("72", "73"))})
    submitted = days(table.column("submitted_on").chunk(0))
    start, end = days(project.field("start_date")), days(project.field("end_date"))
    low, high = (
        np.datetime64("2021-01-01").astype(np.int64),
        np.datetime64("2029-12-31").astype(np.int64),
    )
    window = (submitted >= np.datetime64("2024-11-01").astype(np.int64)) & (
        submitted <= np.datetime64("2027-12-31").astype(np.int64)
    )
    ok = (
        (public | mandated)
        & (~mandated | applicant.field("public_policy_mandate").to_numpy(zero_copy_only=False))
        & codes(applicant.field("commune_code"), set(HDF))
        & window
        & (pc.list_value_length(project.field("use_cases")).to_numpy(zero_copy_only=False) > 0)
        & (start <= end)
        & (start >= low)
        & (end <= high)
        & (end > submitted)
        & (total >= 7_000_000)
        & (total <= 25_000_000)
        & (plan == total)
        & (~local | (own * 5 >= own + award + other))
    )
    prior_list = applicant.field("prior_de_minimis")
    pbounds, prior = segments(prior_list), prior_list.flatten()
    owner = np.repeat(np.arange(len(submitted)), np.diff(pbounds))
    granted = days(prior.field("granted_on"))
    recent = (granted >= submitted[owner] - 1095) & (granted <= submitted[owner])
    prior_total = segsum(np.where(recent, cents(prior.field("amount")), 0), pbounds)
    economic = applicant.field("economic_activity").to_numpy(zero_copy_only=False)
    ok &= ~economic | (prior_total + award <= 30_000_000)
    return ok, np.where(ok, award, 0)


def run_stage(stage: str, folder: Path, n: int) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from grantrules import load_scheme
    from grantrules.batch import evaluate_table

    scheme = load_scheme("ami-ia-hdf")
    # Compile the kernels first (once per scheme version in a process).
    evaluate_table(scheme, pq.ParquetFile(folder / "apps.parquet").read_row_group(0).slice(0, 1000))
    result: dict[str, Any] = {}
    if stage == "plain":
        from bench_evaluate import plain_ami_doc

        sample = [
            json.loads(line)
            for _, line in zip(range(min(n, 200_000)), (folder / "apps.jsonl").open(), strict=False)
        ]
        start, cpu = time.perf_counter(), time.process_time()
        for doc in sample:
            plain_ami_doc(doc)
        result["rate"] = len(sample) / (time.perf_counter() - start)
        result["cpu_rate"] = len(sample) / (time.process_time() - cpu)
    elif stage in ("numpy", "memory"):
        table = pq.read_table(folder / "apps.parquet")
        start, cpu = time.perf_counter(), time.process_time()
        if stage == "numpy":
            eligible, award = numpy_ami(table)
        else:
            out = evaluate_table(scheme, table)
        result["rate"] = n / (time.perf_counter() - start)
        result["cpu_rate"] = n / (time.process_time() - cpu)
        if stage == "numpy":
            check = evaluate_table(scheme, table.slice(0, min(n, 100_000)))
            from grantrules.batch._inputs import decimal_cents

            rows = check.num_rows
            verdicts = check.column("eligible").to_numpy(zero_copy_only=False) == eligible[:rows]
            paid = decimal_cents(check.column("award").combine_chunks()) == award[:rows]
            result["agrees"] = bool(verdicts.all() and paid.all())
        else:
            result["eligible"] = int(out.column("eligible").to_numpy(zero_copy_only=False).sum())
    elif stage in ("parquet", "jsonl"):
        from grantrules.batch._read import partitions, read_partition

        start, cpu = time.perf_counter(), time.process_time()
        eligible = 0
        for part in partitions(folder / f"apps.{stage}"):
            for batch in read_partition(scheme, part):
                out = evaluate_table(scheme, batch)
                eligible += int(out.column("eligible").to_numpy(zero_copy_only=False).sum())
        result["rate"] = n / (time.perf_counter() - start)
        result["cpu_rate"] = n / (time.process_time() - cpu)
        result["eligible"] = eligible
    else:
        from grantrules.batch._read import partitions
        from grantrules.batch._simulate import Scenario, simulate

        scenarios = [
            Scenario("baseline", scheme),
            Scenario("what-if", scheme.with_parameters(feder_rate="50%")),
        ]
        start, cpu = time.perf_counter(), time.process_time()
        report = simulate(scenarios, partitions(folder / "apps.parquet"))
        result["rate"] = n / (time.perf_counter() - start)
        result["cpu_rate"] = n / (time.process_time() - cpu)
        result["eligible"] = report.figures[0].eligible
    # ru_maxrss is in KiB on Linux.
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stage", choices=STAGES)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.folder, args.rows)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        prepare(args.rows, folder)
        print(f"AMI, {args.rows:,} applications (prepared in {time.perf_counter() - start:.0f} s)")
        print(f"{'':<30} {'apps/s (wall)':>14} {'apps/s per core':>16} {'peak RSS MiB':>13}  notes")
        for stage in STAGES:
            found = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--stage",
                    stage,
                    "--folder",
                    str(folder),
                    "--rows",
                    str(args.rows),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(found.stdout.strip().splitlines()[-1])
            notes = ", ".join(
                f"{k} {v}" for k, v in result.items() if k not in ("rate", "cpu_rate", "peak_mib")
            )
            print(
                f"{LABELS[stage]:<30} {result['rate']:>14,.0f} {result['cpu_rate']:>16,.0f}"
                f" {result['peak_mib']:>13,.0f}  {notes}"
            )


if __name__ == "__main__":
    main()
