"""Worker functions run in spawned processes by the concurrency and crash tests."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from call_support import fake_evaluator, make_document

from grantrules.call import Call
from grantrules.errors import CallError
from grantrules.money import Euro


def compete(path: str, worker: int, rounds: int, barrier: Any) -> dict[str, int]:
    """Submit, evaluate and select applications as fast as possible against one file."""
    rng = random.Random(worker)
    outcome = {"committed": 0, "waitlisted": 0, "refused": 0}
    barrier.wait()
    with Call.open(path, evaluator=fake_evaluator) as call:
        mine: list[str] = []
        for round_ in range(rounds):
            doc = make_document(worker * 100_000 + round_, award=f"{rng.randrange(50, 400)}.00")
            try:
                call.submit(doc)
                call.evaluate_pending()
                status = call.record_decision(doc["id"], "selected").status
                outcome[status] = outcome.get(status, 0) + 1
                mine.append(doc["id"])
                if round_ % 7 == 6:
                    call.withdraw(mine[rng.randrange(len(mine))])
            except CallError:
                # Another worker evaluated or moved the application first: refused, not lost.
                outcome["refused"] += 1
    return outcome


def work_forever(path: str) -> None:
    """Keep issuing commands until killed."""
    rng = random.Random(1)
    with Call.open(path, evaluator=fake_evaluator) as call:
        start = len(call.status().applications)
        for index in range(start, 10**9):
            doc = make_document(index, award=f"{rng.randrange(1, 500)}.00")
            call.submit(doc)
            call.evaluate_pending()
            try:
                call.record_decision(doc["id"], "selected")
                call.pay(doc["id"], Euro("1.00"))
            except CallError:
                pass
            if index % 5 == 4:
                call.withdraw(doc["id"])


def run_big_batch(path: str, size: int) -> None:
    """One long `run` command (one transaction), to be killed in the middle."""
    with Call.open(path, evaluator=fake_evaluator) as call:
        call.run(make_document(i, award="10.00") for i in range(size))
    Path(path + ".done").write_text("done")


def check_parallel_map() -> None:
    """Run in a fresh single-threaded interpreter: parallel_map forks there."""
    import os

    from grantrules.call._parallel import can_fork, parallel_map

    assert can_fork()
    parent = os.getpid()
    items = list(range(1000))
    assert parallel_map(lambda x: x * x, items, 2) == [x * x for x in items]
    pids = parallel_map(lambda _: os.getpid(), items, 2)
    assert pids[:500] == [parent] * 500
    assert set(pids[500:]) == {pids[500]}
    assert pids[500] != parent, "no worker was forked"

    def fails(x: int) -> int:
        if x == 900:
            raise ValueError("item 900 is bad")
        return x

    raised = ""
    try:
        parallel_map(fails, items, 2)
    except ValueError as error:  # raised again by the caller, as in a serial run
        raised = str(error)
    assert raised == "item 900 is bad", "the worker's failure was lost"

    def dies(x: int) -> int:
        if x == 800 and os.getpid() != parent:
            os._exit(3)  # a worker killed in the middle: the caller does its share
        return x

    assert parallel_map(dies, items, 2) == items
    import multiprocessing

    assert multiprocessing.active_children() == []
    print("parallel_map ok")


def check_parallel_run(folder: str) -> None:
    """A call run on two processes writes the journal a serial run writes."""
    from grantrules.call.journal import Journal

    documents = [
        make_document(i, award=f"{100 + i % 50}.00", eligible=i % 3 != 0, broken=i % 97 == 0)
        for i in range(1200)
    ]
    journals = []
    for jobs in (1, 2):
        path = Path(folder) / f"jobs{jobs}.db"
        with Call.create(path, Euro("50000.00"), evaluator=fake_evaluator) as call:
            report = call.run(documents, jobs=jobs)
        assert report.state.ledger.committed <= Euro("50000.00")
        with Journal.open(path) as journal:
            journals.append(
                [(e.kind, e.application_id, e.payload, e.decision) for e in journal.events()]
            )
    assert journals[0] == journals[1]
    assert sum(kind == "evaluated" for kind, *_ in journals[0]) == 1200
    print("parallel run ok")
