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
