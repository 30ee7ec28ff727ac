"""The SQLite journal: creation, refusal of foreign or corrupted files, append-only."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from call_support import fake_evaluator, is_closed, make_document

from grantrules.call import Call, FirstComeFirstServed
from grantrules.call.journal import SCHEMA_VERSION, Journal, LedgerEntry, NewEvent
from grantrules.errors import CallFileError, InvalidArgument, JournalError
from grantrules.money import Euro

AutoClose = Callable[[Journal], Journal]
Connections = list[sqlite3.Connection]


def all_closed(connections: Connections) -> bool:
    return bool(connections) and all(is_closed(db) for db in connections)


def test_create_append_read(tmp_path: Path, autoclose: AutoClose) -> None:
    journal = autoclose(Journal.create(tmp_path / "c.db", {"envelope": "10.00"}))
    assert journal.meta()["format"] == "grantrules-call"
    with journal.transaction():
        written = journal.append(
            [
                NewEvent("submitted", "A", {"document": {"x": "1"}}),
                NewEvent(
                    "committed", "A", {"amount": "5.00"}, ledger=(LedgerEntry("commit", 500),)
                ),
            ]
        )
    assert written == [1, 2]
    assert [e.payload for e in journal.events()] == [{"document": {"x": "1"}}, {"amount": "5.00"}]
    assert [e.kind for e in journal.events(after=1)] == ["committed"]
    assert journal.ledger_totals() == {"commit": 500, "release": 0, "pay": 0}
    assert journal.overdrawn_applications() == []
    journal.close()
    assert os.listdir(tmp_path) == ["c.db"]


def test_seq_numbers_follow_autoincrement_after_a_rollback(
    tmp_path: Path, autoclose: AutoClose
) -> None:
    journal = autoclose(Journal.create(tmp_path / "c.db", {}))
    with journal.transaction():
        assert journal.append([NewEvent("submitted", "A", {}), NewEvent("x", "A", {})]) == [1, 2]

    def rolled_back() -> None:
        with journal.transaction():
            journal.append([NewEvent("x", "A", {})])
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        rolled_back()
    with journal.transaction():
        assert journal.append([NewEvent("y", "A", {}, payload_text='{"z":1}')]) == [3]
    assert [(e.seq, e.kind, e.payload) for e in journal.events(after=1)] == [
        (2, "x", {}),
        (3, "y", {"z": 1}),
    ]
    assert journal.page_size() == 65536
    assert journal._db.execute("PRAGMA wal_autocheckpoint").fetchone() == (62,)


def test_what_runs_while_a_transaction_commits_sees_it_committed_after(
    tmp_path: Path, autoclose: AutoClose
) -> None:
    # Call.run evaluates the next documents while a transaction commits in a helper thread;
    # the transaction is committed whatever that work does, and the thread is always joined.
    journal = autoclose(Journal.create(tmp_path / "c.db", {}))
    seen: list[str] = []
    with journal.transaction(meanwhile=lambda: seen.append("evaluating")):
        journal.append([NewEvent("submitted", "A", {})])
    with pytest.raises(KeyboardInterrupt), journal.transaction(meanwhile=_interrupt):
        journal.append([NewEvent("submitted", "B", {}, decision='{"m":"\u00e9"}'.encode())])
    assert seen == ["evaluating"]
    assert [(e.application_id, e.decision) for e in journal.events()] == [
        ("A", None),
        ("B", {"m": "\u00e9"}),
    ]
    assert "grantrules-commit" not in [t.name for t in threading.enumerate()]
    with journal.transaction():  # the connection is usable again, in no transaction
        assert journal.append([NewEvent("submitted", "C", {})]) == [3]


def _interrupt() -> None:
    raise KeyboardInterrupt


class _FailingCommit:
    """A connection whose COMMIT fails as on a full disk."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def commit(self) -> None:
        raise sqlite3.OperationalError("database or disk is full")


def test_a_commit_that_fails_while_the_run_evaluates_writes_nothing(
    tmp_path: Path, autoclose: Callable[[Call], Call], monkeypatch: pytest.MonkeyPatch
) -> None:
    call = autoclose(Call.create(tmp_path / "c.db", Euro("100.00"), evaluator=fake_evaluator))
    call.run([make_document(0, award="10.00")])
    journal = call._journal
    monkeypatch.setattr(journal, "_db", _FailingCommit(journal._db))
    with pytest.raises(CallFileError, match="disk is full"):
        call.run([make_document(i, award="10.00") for i in range(1, 300)])
    monkeypatch.undo()
    # Nothing of the failed transaction is in the file, nor in what the call shows.
    assert [a.id for a in call.status().applications] == ["A00000"]
    assert call.replay() == call.status()


def test_a_submitted_document_is_stored_as_json_dumps_writes_it(
    tmp_path: Path, autoclose: Callable[[Call], Call]
) -> None:
    document = {
        "id": "A1",
        "submitted_on": "2025-03-14",
        "applicant": {"siren": "215903501", "name": 'Ville d\u2019Évreux "Nord"\n'},
        "nested": [{"b": 1, "a": [True, None, 1.5]}, "\u2028\\"],
        "award": "10.00",
    }
    call = autoclose(Call.create(tmp_path / "c.db", Euro("100.00"), evaluator=fake_evaluator))
    call.run([document])
    with closing(sqlite3.connect(tmp_path / "c.db")) as db:
        (stored,) = db.execute("SELECT payload FROM events WHERE kind = 'submitted'").fetchone()
    (event,) = [e for e in call.events() if e.kind == "submitted"]
    assert event.payload["document"] == document
    assert stored == json.dumps(event.payload, ensure_ascii=False, separators=(",", ":"))


def test_every_payload_is_stored_as_json_dumps_writes_it(
    tmp_path: Path, autoclose: Callable[[Call], Call]
) -> None:
    # The run writes the payloads of its commonest events (evaluated, decided, committed,
    # promoted) from texts made along with them, and each decision as UTF-8 bytes: what is
    # stored must be what json.dumps writes, a text, as for every other event.
    def scorer(document: Any, decision: Any) -> Any:
        return document.get("score")

    call = autoclose(
        Call.create(
            tmp_path / "c.db",
            Euro("150.00"),
            evaluator=fake_evaluator,
            scorer=scorer,
            policy=FirstComeFirstServed(),
        )
    )
    documents = [
        {**make_document(1, award="100.00"), "score": "12.5"},
        make_document(2, award="100.00"),
        make_document(3, award="40.00", eligible=False),
        make_document(4, broken=True),
        {**make_document(5, award="10.00"), "score": "1E+1"},
    ]
    call.run(documents)
    call.withdraw("A00001")  # promotes A00002 from the wait list
    with closing(sqlite3.connect(tmp_path / "c.db")) as db:
        rows = db.execute(
            "SELECT kind, payload, decision, typeof(decision) FROM events ORDER BY seq"
        ).fetchall()
    kinds = {kind for kind, *_ in rows}
    assert {"evaluated", "decided", "committed", "promoted"} <= kinds
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    for kind, payload, decision, decision_type in rows:
        assert payload == json.dumps(json.loads(payload), **compact), kind
        if decision is not None:
            assert decision_type == "text"
            assert decision == json.dumps(json.loads(decision), **compact)
    assert call.replay() == call.status()


def test_existing_file_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "c.db").write_text("keep me")
    with pytest.raises(JournalError, match="file exists"):
        Journal.create(tmp_path / "c.db", {})
    assert (tmp_path / "c.db").read_text() == "keep me"


def test_rollback_writes_nothing(tmp_path: Path, autoclose: AutoClose) -> None:
    journal = autoclose(Journal.create(tmp_path / "c.db", {}))

    def failing_command() -> None:
        with journal.transaction():
            journal.append([NewEvent("submitted", "A", {})])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_command()
    assert list(journal.events()) == []
    with pytest.raises(JournalError, match="inside a transaction"):
        journal.append([NewEvent("submitted", "A", {})])


def test_append_only(tmp_path: Path) -> None:
    with Journal.create(tmp_path / "c.db", {}) as journal, journal.transaction():
        journal.append([NewEvent("paid", "A", {}, ledger=(LedgerEntry("pay", 1),))])
    with closing(sqlite3.connect(tmp_path / "c.db")) as db:
        for sql in ("UPDATE events SET kind = 'x'", "DELETE FROM events", "DELETE FROM ledger"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(sql)


def test_failed_creation_closes_and_removes_its_file(
    tmp_path: Path, connections: Connections
) -> None:
    with pytest.raises(JournalError, match="cannot create"):
        Journal.create(tmp_path / "c.db", {"envelope": object()})  # type: ignore[dict-item]
    assert all_closed(connections)
    assert os.listdir(tmp_path) == []


def test_random_bytes_are_refused(tmp_path: Path, connections: Connections) -> None:
    path = tmp_path / "noise.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(JournalError, match="not a grantrules call file"):
        Journal.open(path)
    assert all_closed(connections)


def test_foreign_sqlite_file_is_refused(tmp_path: Path, connections: Connections) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE events (x)")
    with pytest.raises(JournalError, match="application_id"):
        Journal.open(path)
    assert all_closed(connections)


def test_newer_and_damaged_files_are_refused(tmp_path: Path, connections: Connections) -> None:
    path = tmp_path / "c.db"
    Journal.create(path, {}).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(JournalError, match="newer grantrules"):
        Journal.open(path)
    with pytest.raises(JournalError, match="no such call file"):
        Journal.open(tmp_path / "missing.db")
    assert all_closed(connections)


def test_missing_meta_is_refused(tmp_path: Path, connections: Connections) -> None:
    path = tmp_path / "c.db"
    Journal.create(path, {}).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DROP TABLE meta")
    with pytest.raises(JournalError, match=r"corrupted|does not identify"):
        Journal.open(path)
    assert all_closed(connections)


def test_truncated_file_is_refused(tmp_path: Path, connections: Connections) -> None:
    path = tmp_path / "c.db"
    with Journal.create(path, {}) as journal, journal.transaction():
        journal.append([NewEvent("submitted", f"A{i}", {"pad": "x" * 500}) for i in range(200)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + os.urandom(4096))
    with pytest.raises(JournalError):
        Journal.open(path)
    assert all_closed(connections)


def test_a_mistyped_option_leaves_no_call_file_behind(
    tmp_path: Path, connections: Connections
) -> None:
    path = tmp_path / "c.db"
    with pytest.raises(TypeError):
        Call.create(path, Euro("1000.00"), evaluatr=fake_evaluator)  # type: ignore[call-arg]
    assert all_closed(connections)
    assert os.listdir(tmp_path) == []
    Call.create(path, Euro("1000.00"), evaluator=fake_evaluator).close_file()  # the name is free


def test_a_policy_the_file_cannot_store_is_refused_before_writing(tmp_path: Path) -> None:
    class Alphabetical(FirstComeFirstServed):
        def to_json(self) -> dict[str, Any]:
            return {"policy": "alphabetical"}

    with pytest.raises(InvalidArgument, match="unknown allocation policy"):
        Call.create(tmp_path / "c.db", Euro("1000.00"), policy=Alphabetical())
    assert os.listdir(tmp_path) == []
