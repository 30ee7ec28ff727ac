"""Benchmark of the columnar backend: applications per second and peak memory, in one run.

Run with ``make bench`` or ``.venv/bin/python bench/bench_batch.py [--rows 1000000]
[--repeat 3]``.  Prints two tables, each line measured in a fresh process (so that its peak
memory is its own) on the same population.

The AMI (``ami-ia-hdf``), one million applications:

- ``plain Python``: hand-written Python of the AMI's blocking rules and award on parsed JSON
  documents (``bench_evaluate.plain_ami_doc``), the floor of what Python itself costs;
- ``NumPy by hand``: the same rules written directly in NumPy over the typed Arrow table,
  record batch by record batch (its core: the table is in memory), checked against
  ``evaluate_table``;
- ``compiled kernels only``: the kernels compiled from the rules on the same batches, as
  the hand-written line does (verdicts, award and every amount, int64 overflow checked; no
  validation, no output): the line to compare with ``NumPy by hand``, which checks no
  overflow;
- ``validation pre-check only`` and ``output table only``: evaluate_table's two other
  phases alone on the same batches (the pre-check of every field of every document; the
  output Arrow table from the kernels' results computed beforehand), so that the memory
  line is about their sum;
- ``evaluate_table, memory``: ``evaluate_table`` on the typed Arrow table in memory
  (decimal128 amounts, date32 dates, dictionary codes), validation included;
- ``evaluate_table, Parquet``: end to end from a Parquet file of that table, row group by
  row group (read, validate, evaluate, output);
- ``evaluate_table, JSONL``: end to end from the JSONL file (Arrow's JSON reader, amounts
  and dates as strings);
- ``simulate --compare, Parquet``: ``grantrules simulate`` figures of a baseline and one
  what-if from the Parquet file.

The library's test scheme (``grantrules.testing.examples.example_scheme()``: a sum of cost
lines, 50 % of it, one criterion), the same number of applications: plain Python on parsed
documents, the same rules by hand in NumPy (its core), the compiled kernels alone, the
validation and the output alone, and ``evaluate_table`` on the typed table in memory,
validation of every field of the documents included.

Rates are given by wall time and by CPU time (``time.process_time``: every thread of the
process, so "per core" never flatters a multi-threaded reader); on a machine shared with
other jobs the CPU-time rate is the one to compare with the targets.  Each line is the best
of ``--repeat`` runs in its process (at least 7 for the lines that take a few tens of
milliseconds; the first run also pays for the first page faults of its arrays: its rate is
in the notes).  Memory: the peak resident size of the process
(``ru_maxrss``), its resident size before the runs (the interpreter, the libraries and the
input held in memory), and the peak of Arrow's memory pool.

The populations: varied AMI applications (``bench_evaluate.ami_applications``: about three
quarters eligible before the call window), a pool of 20,000 repeated with distinct ids;
test-scheme applications with 0 to 4 cost lines of random amounts.
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
STAGES = (
    "plain",
    "numpy",
    "core",
    "validate",
    "output",
    "memory",
    "parquet",
    "jsonl",
    "simulate",
)
EXAMPLE_STAGES = (
    "example-plain",
    "example-numpy",
    "example-core",
    "example-validate",
    "example-output",
    "example-memory",
)
LABELS = {
    "plain": "plain Python (dicts)",
    "numpy": "NumPy by hand (core)",
    "core": "compiled kernels only (core)",
    "validate": "  validation pre-check only",
    "output": "  output table only",
    "memory": "evaluate_table, memory",
    "parquet": "evaluate_table, Parquet",
    "jsonl": "evaluate_table, JSONL",
    "simulate": "simulate --compare, Parquet",
    "example-plain": "plain Python (dicts)",
    "example-numpy": "NumPy by hand (core)",
    "example-core": "compiled kernels only (core)",
    "example-validate": "  validation pre-check only",
    "example-output": "  output table only",
    "example-memory": "evaluate_table, memory",
}


def pool(n: int) -> list[dict[str, Any]]:
    from bench_evaluate import ami_applications

    from grantrules.serde import unstructure_application

    return [unstructure_application(a) for a in ami_applications(min(n, POOL))]


def example_documents(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """Varied documents of the test scheme: 0 to 4 cost lines (none: the criterion fails)."""
    import random

    from grantrules.testing.examples import example_document

    rng = random.Random(seed)
    base = example_document()
    found = []
    for i in range(n):
        costs = [
            {
                "category": rng.choice(("staff", "equipment", "other")),
                "label": f"line {k}",
                "amount_excl_vat": f"{rng.randrange(0, 10**7) / 100:.2f}",
            }
            for k in range(rng.choice((0, 1, 1, 2, 3, 4)))
        ]
        found.append({**base, "id": f"EX-{i}", "costs": costs})
    return found


def prepare_example(n: int, folder: Path) -> None:
    """The test scheme's population as JSONL and as typed Parquet."""
    from grantrules.batch import typed_table
    from grantrules.batch._export import parquet_writer
    from grantrules.batch._table import BATCH_ROWS
    from grantrules.testing.examples import example_scheme

    docs = example_documents(min(n, POOL))
    with (folder / "example.jsonl").open("w") as handle:
        for i in range(n):
            handle.write(json.dumps({**docs[i % len(docs)], "id": f"EX-{i}"}) + "\n")
    scheme = example_scheme()
    with parquet_writer(folder / "example.parquet", typed_table(scheme, docs[:1]).schema) as out:
        for start in range(0, n, BATCH_ROWS):
            chunk = [
                {**docs[i % len(docs)], "id": f"EX-{i}"}
                for i in range(start, min(n, start + BATCH_ROWS))
            ]
            out.write_table(typed_table(scheme, chunk))


def plain_example_doc(doc: dict[str, Any]) -> tuple[bool, Any]:
    """The test scheme's rules on a parsed JSON document: verdict and award."""
    from decimal import ROUND_DOWN, Decimal

    total = sum((Decimal(line["amount_excl_vat"]) for line in doc["costs"]), Decimal(0))
    eligible = total > 0
    half = (total * Decimal("0.5")).quantize(Decimal("0.01"), ROUND_DOWN)
    return eligible, half if eligible else Decimal("0.00")


def numpy_example(batch: Any) -> tuple[Any, Any]:
    """The test scheme's rules by hand in NumPy on one record batch: (eligible, award cents)."""
    import numpy as np
    import pyarrow.compute as pc

    costs = batch.column(batch.schema.get_field_index("costs"))
    lengths = pc.list_value_length(costs).to_numpy(zero_copy_only=False)
    bounds = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=bounds[1:])
    amounts = costs.flatten().field("amount_excl_vat")
    words = np.frombuffer(amounts.buffers()[1], np.int64)
    cents = words[2 * amounts.offset : 2 * (amounts.offset + len(amounts)) : 2]
    running = np.zeros(len(cents) + 1, np.int64)
    np.cumsum(cents, out=running[1:])
    total = running[bounds[1:]] - running[bounds[:-1]]
    eligible = total > 0
    return eligible, np.where(eligible, total * 5 // 10, 0)  # 50 %, rounded down


def prepare(n: int, folder: Path) -> None:
    """The population as JSONL and as typed Parquet (row groups of BATCH_ROWS)."""
    import numpy as np
    import pyarrow as pa

    from grantrules import load_scheme
    from grantrules.batch import typed_table
    from grantrules.batch._export import parquet_writer
    from grantrules.batch._table import BATCH_ROWS

    scheme = load_scheme("ami-ia-hdf")
    docs = pool(n)
    with (folder / "apps.jsonl").open("w") as handle:
        for i in range(n):
            handle.write(json.dumps({**docs[i % len(docs)], "id": f"BENCH-{i}"}) + "\n")
    typed = typed_table(scheme, docs)
    where = typed.schema.get_field_index("id")
    with parquet_writer(folder / "apps.parquet", typed.schema) as out:
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

    table = pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table
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


def timed(run: Any, n: int, repeat: int) -> dict[str, Any]:
    """The best of ``repeat`` runs of ``run()`` (``n`` applications each), by CPU time."""
    found: dict[str, Any] = {}
    for attempt in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        value = run()
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        if attempt == 0:
            found["first_cpu_rate"] = round(n / used)
        if "cpu_rate" not in found or n / used > found["cpu_rate"]:
            found.update(rate=n / wall, cpu_rate=n / used, value=value)
    return found


def phase(name: str, scheme: Any, path: Path, n: int, repeat: int) -> dict[str, Any]:
    """One of evaluate_table's two phases around the kernels, alone, on the batches of the
    typed table in memory: ``validate`` (the columnar pre-check of every field of every
    document) or ``output`` (the output table built from the kernels' results, computed
    beforehand)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from grantrules.batch._inputs import ArrowSource
    from grantrules.batch._output import Output
    from grantrules.batch._plan import plan_of
    from grantrules.batch._table import _groups
    from grantrules.batch._validate import suspects

    batches = pq.read_table(path).to_batches()
    model = scheme.application_type
    if name == "validate":
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        def run() -> int:
            return sum(int(suspects(batch, model).sum()) for batch in batches)

        found = timed(run, n, repeat)
        found["suspects"] = found.pop("value")
        found["rss_before"] = rss_before
        return found
    decided = []
    for batch in batches:
        rows = np.arange(batch.num_rows)
        for version, params, chosen in _groups(scheme, batch, rows, None):
            sub = batch if len(chosen) == len(rows) else batch.take(pa.array(chosen))
            plan = plan_of(version)
            outcome = plan.run(len(chosen), ArrowSource(sub, model), params)
            decided.append((batch, plan, chosen, outcome))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def build() -> int:
        rows = 0
        for batch, plan, chosen, outcome in decided:
            out = Output(scheme, batch)
            out.put(plan, chosen, outcome)
            rows += out.batch().num_rows  # freed before the next batch, as in a stream
        return rows

    found = timed(build, n, repeat)
    found.pop("value")
    found["rss_before"] = rss_before
    return found


def run_stage(stage: str, folder: Path, n: int, repeat: int) -> dict[str, Any]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from grantrules import load_scheme
    from grantrules.batch import evaluate_table
    from grantrules.batch._inputs import decimal_cents
    from grantrules.testing.examples import example_scheme

    example = stage.startswith("example")
    if example or stage in ("numpy", "core", "validate", "output"):
        # Lines of a few tens of milliseconds: more runs, or one busy moment decides.
        repeat = max(repeat, 7)
    scheme = example_scheme() if example else load_scheme("ami-ia-hdf")
    stem = "example" if example else "apps"
    # Compile the kernels first (once per scheme version in a process).
    evaluate_table(
        scheme, pq.ParquetFile(folder / f"{stem}.parquet").read_row_group(0).slice(0, 1000)
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result: dict[str, Any] = {}
    if stage in ("plain", "example-plain"):
        from bench_evaluate import plain_ami_doc

        decide = plain_example_doc if example else plain_ami_doc
        sample = [
            json.loads(line)
            for _, line in zip(
                range(min(n, 200_000)), (folder / f"{stem}.jsonl").open(), strict=False
            )
        ]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        found = timed(lambda: [decide(doc) for doc in sample], len(sample), repeat)
        found.pop("value")
        result.update(found)
    elif stage in ("core", "example-core"):
        from grantrules.batch._inputs import ArrowSource
        from grantrules.batch._plan import plan_of
        from grantrules.batch._table import _groups

        table = pq.read_table(folder / f"{stem}.parquet")
        batches = table.to_batches()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        def core() -> int:
            # What the hand-written line does, by the kernels compiled from the rules: the
            # versions in force, then verdicts, award and every amount of each batch (no
            # validation, no output columns).
            eligible = 0
            model = scheme.application_type
            for batch in batches:
                rows = np.arange(batch.num_rows)
                for version, params, chosen in _groups(scheme, batch, rows, None):
                    sub = batch if len(chosen) == len(rows) else batch.take(pa.array(chosen))
                    result = plan_of(version).run(len(chosen), ArrowSource(sub, model), params)
                    eligible += int(result.eligible.sum())
            return eligible

        found = timed(core, n, repeat)
        found["eligible"] = found.pop("value")
        result.update(found)
    elif stage.endswith(("validate", "output")):
        found = phase(stage.rsplit("-", 1)[-1], scheme, folder / f"{stem}.parquet", n, repeat)
        rss_before = found.pop("rss_before")
        result.update(found)
    elif stage in ("numpy", "memory", "example-numpy", "example-memory"):
        table = pq.read_table(folder / f"{stem}.parquet")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if stage.endswith("numpy"):
            by_hand = numpy_example if example else numpy_ami

            def run() -> Any:
                parts = [by_hand(b) for b in table.to_batches()]
                return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

            found = timed(run, n, repeat)
            eligible, award = found.pop("value")
            check = evaluate_table(scheme, table.slice(0, min(n, 100_000)))
            rows = check.num_rows
            verdicts = check.column("eligible").to_numpy(zero_copy_only=False) == eligible[:rows]
            paid = decimal_cents(check.column("award").combine_chunks()) == award[:rows]
            found["agrees"] = bool(verdicts.all() and paid.all())
        else:

            def whole() -> tuple[int, str]:
                out = evaluate_table(scheme, table)  # freed before the next run
                eligible = int(out.column("eligible").to_numpy(zero_copy_only=False).sum())
                return eligible, out.schema.metadata[b"grantrules.route"].decode()

            found = timed(whole, n, repeat)
            found["eligible"], found["route"] = found.pop("value")
        result.update(found)
    elif stage in ("parquet", "jsonl"):
        from grantrules.batch._read import partitions, read_partition

        def run() -> int:
            eligible = 0
            for part in partitions(folder / f"apps.{stage}"):
                for batch in read_partition(scheme, part):
                    out = evaluate_table(scheme, batch)
                    eligible += int(out.column("eligible").to_numpy(zero_copy_only=False).sum())
            return eligible

        found = timed(run, n, repeat)
        found["eligible"] = found.pop("value")
        result.update(found)
    else:
        from grantrules.batch._read import partitions
        from grantrules.batch._simulate import Scenario, simulate

        scenarios = [
            Scenario("baseline", scheme),
            Scenario("what-if", scheme.with_parameters(feder_rate="50%")),
        ]
        found = timed(lambda: simulate(scenarios, partitions(folder / "apps.parquet")), n, repeat)
        found["eligible"] = found.pop("value").figures[0].eligible
        result.update(found)
    # ru_maxrss is in KiB on Linux.
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["rss_before_mib"] = rss_before
    result["arrow_peak_mib"] = pa.default_memory_pool().max_memory() / 2**20
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per line (the best is kept)")
    parser.add_argument("--stage", choices=STAGES + EXAMPLE_STAGES)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.folder, args.rows, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        prepare(args.rows, folder)
        prepare_example(args.rows, folder)
        print(
            f"{args.rows:,} applications (prepared in {time.perf_counter() - start:.0f} s), "
            f"best of {args.repeat} runs a line"
        )
        for title, stages in (
            ("AMI (ami-ia-hdf)", STAGES),
            ("test scheme (grantrules.testing.examples.example_scheme)", EXAMPLE_STAGES),
        ):
            print(f"\n{title}")
            print(
                f"{'':<30} {'apps/s (wall)':>14} {'apps/s per core':>16} {'peak RSS MiB':>13}"
                f" {'RSS before':>11} {'Arrow peak':>11}  notes"
            )
            for stage in stages:
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
                        "--repeat",
                        str(args.repeat),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                result = json.loads(found.stdout.strip().splitlines()[-1])
                shown = ("rate", "cpu_rate", "peak_mib", "rss_before_mib", "arrow_peak_mib")
                notes = ", ".join(f"{k} {v}" for k, v in result.items() if k not in shown)
                print(
                    f"{LABELS[stage]:<30} {result['rate']:>14,.0f} {result['cpu_rate']:>16,.0f}"
                    f" {result['peak_mib']:>13,.0f} {result['rss_before_mib']:>11,.0f}"
                    f" {result['arrow_peak_mib']:>11,.0f}  {notes}"
                )


if __name__ == "__main__":
    main()
