"""Several processes on one call file, and processes killed in the middle of a command."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import call_workers
from call_support import fake_evaluator, make_document

from grantrules.call import Call
from grantrules.call.journal import Journal
from grantrules.call.projection import CallState
from grantrules.money import Euro

SPAWN = multiprocessing.get_context("spawn")


def check_consistent(path: Path) -> CallState:
    """Check the call file at ``path`` (closed again on return) and return its state."""
    with Call.open(path, evaluator=fake_evaluator) as call:
        state = call.replay()
        assert state == call.status()
    assert state.ledger.remaining >= Euro.ZERO
    for app in state.applications:
        assert app.paid <= app.committed
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    return state


def test_concurrent_writers_never_exceed_the_envelope(tmp_path: Path) -> None:
    path = tmp_path / "call.db"
    Call.create(path, Euro("3000.00")).close_file()
    workers, rounds = 3, 60
    barrier = SPAWN.Manager().Barrier(workers)
    with SPAWN.Pool(workers) as pool:
        results = pool.starmap(
            call_workers.compete, [(str(path), w, rounds, barrier) for w in range(workers)]
        )
    state = check_consistent(path)
    assert sum(r.get("committed", 0) for r in results) > 5
    assert sum(r.get("waitlisted", 0) for r in results) > 0, "the envelope was never exhausted"
    assert len(state.applications) <= workers * rounds
    with Journal.open(path) as journal:
        totals = journal.ledger_totals()
    assert totals["commit"] - totals["release"] <= 300_000


def _wait_for_events(path: Path, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
                found = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            if found >= count:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    raise AssertionError(f"the worker wrote fewer than {count} events in {timeout} s")


def test_killed_between_and_during_commands(tmp_path: Path) -> None:
    path = tmp_path / "call.db"
    Call.create(path, Euro("5000.00")).close_file()
    for target in (60, 150):
        worker = SPAWN.Process(target=call_workers.work_forever, args=(str(path),))
        worker.start()
        _wait_for_events(path, target)
        worker.kill()  # SIGKILL: no cleanup, possibly inside a transaction
        worker.join()
        assert worker.exitcode == -9
        check_consistent(path)  # and the next round resumes on the same file


def test_killed_during_one_long_run_keeps_whole_transactions(tmp_path: Path) -> None:
    # A run writes in short transactions (so a concurrent payment never waits for the whole
    # run): a kill keeps the applications written so far, each one whole, and running the
    # same batch again submits exactly the rest.
    path = tmp_path / "call.db"
    size = 20_000
    Call.create(path, Euro("5000.00")).close_file()
    worker = SPAWN.Process(target=call_workers.run_big_batch, args=(str(path), size))
    worker.start()
    time.sleep(2.5)  # start-up plus a good part of the run, before its last commit
    worker.kill()
    worker.join()
    before = check_consistent(path)
    assert 0 <= len(before.applications) <= size
    if Path(f"{path}.done").exists():
        assert len(before.applications) == size
    call_workers.run_big_batch(str(path), size)
    after = check_consistent(path)
    assert sorted(app.id for app in after.applications) == sorted(
        make_document(i, award="10.00")["id"] for i in range(size)
    )
    assert after.ledger.committed == Euro("5000.00")  # 500 awards of 10.00 fill the envelope
