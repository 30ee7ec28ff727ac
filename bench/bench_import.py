"""Benchmark of ``import grantrules``: how long a fresh interpreter takes to import the library.

Run with ``make bench`` or ``.venv/bin/python bench/bench_import.py [--runs 7] [--top 12]``.
Each run is a new interpreter; the figures are the best of the runs.  ``import`` is what
``python -X importtime`` reports for the ``grantrules`` package (wall clock, the issue's
measure: the target is under 150 ms); ``CPU`` is ``time.process_time()`` around the import.
Two rows: with the bytecode of every module already compiled (what an installed library
costs), and with grantrules compiled from source on every run (what a checkout with
``PYTHONDONTWRITEBYTECODE=1`` costs).  Then the modules that cost most, by their own time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_CODE = "import time; t = time.process_time(); import grantrules; print(time.process_time() - t)"


def _run(env: dict[str, str]) -> tuple[float, float, dict[str, float]]:
    """One fresh interpreter: the import's wall and CPU seconds, and each module's own time."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _CODE],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    own: dict[str, float] = {}
    wall = 0.0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        own[name.strip()] = int(self_us) / 1e6
        if name.strip() == "grantrules":
            wall = int(cumulative_us) / 1e6
    return wall, float(done.stdout), own


def _best(env: dict[str, str], runs: int) -> tuple[float, float, dict[str, float]]:
    results = [_run(env) for _ in range(runs)]
    fastest = min(results, key=lambda result: result[0])
    return fastest[0], min(cpu for _, cpu, _ in results), fastest[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    spec = importlib.util.find_spec("grantrules")  # finds the package without importing it
    assert spec is not None
    assert spec.submodule_search_locations
    package = Path(spec.submodule_search_locations[0]).resolve()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _run(env)  # writes the bytecode of every module into the temporary cache
        rows = [("bytecode cached", _best(env, args.runs))]
        # The cache mirrors absolute paths: without grantrules' part of it, and writing none,
        # grantrules compiles from source on every run while the rest keeps its bytecode.
        shutil.rmtree(Path(cache) / package.relative_to(package.anchor))
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        rows.append(("grantrules from source", _best(env, args.runs)))
    print(f"{'import grantrules':<24} {'import ms':>10} {'CPU ms':>8} {'modules':>8}")
    for label, (wall, cpu, own) in rows:
        print(f"{label:<24} {wall * 1e3:>10.1f} {cpu * 1e3:>8.1f} {len(own):>8}")
    for label, (_, _, own) in rows:
        print(f"\nmodules that cost most, {label} (own time of the fastest run)")
        for name, seconds in sorted(own.items(), key=lambda item: -item[1])[: args.top]:
            print(f"  {name:<40} {seconds * 1e3:>6.1f} ms")


if __name__ == "__main__":
    main()
