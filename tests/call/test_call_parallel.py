"""Evaluating a call's applications on several processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from call_support import fake_evaluator, make_document

from grantrules.call import Call
from grantrules.call._parallel import can_fork, parallel_map
from grantrules.errors import InvalidArgument
from grantrules.money import Euro

HERE = Path(__file__).parent


def run_fresh(code: str) -> str:
    """Run ``code`` in a new interpreter: single-threaded, unlike a pytest-xdist worker."""
    done = subprocess.run(
        [sys.executable, "-c", f"import call_workers; call_workers.{code}"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_parallel_map_forks_keeps_order_and_recovers_from_failed_workers() -> None:
    assert run_fresh("check_parallel_map()").strip() == "parallel_map ok"


def test_a_parallel_run_writes_the_journal_of_a_serial_run(tmp_path: Path) -> None:
    assert run_fresh(f"check_parallel_run({str(tmp_path)!r})").strip() == "parallel run ok"


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        # Still correct, in the calling process.
        assert parallel_map(lambda x: x + 1, list(range(1000)), 2) == list(range(1, 1001))
    finally:
        stop.set()
        thread.join()


def test_small_batches_and_one_job_stay_in_process() -> None:
    assert parallel_map(str, [1, 2, 3], 8) == ["1", "2", "3"]
    assert parallel_map(str, list(range(500)), 1) == [str(i) for i in range(500)]


@pytest.mark.parametrize("jobs", [0, -1, True, 1.5, "2"])
def test_jobs_must_be_a_positive_whole_number(tmp_path: Path, jobs: object) -> None:
    with Call.create(tmp_path / "c.db", Euro("100.00"), evaluator=fake_evaluator) as call:
        with pytest.raises(InvalidArgument, match="jobs must be a whole number"):
            call.run([make_document(1)], jobs=jobs)  # type: ignore[arg-type]
        assert call.status().applications == ()
