"""The call journal: one SQLite file per call, append-only, one transaction per command.

Layout (schema version :data:`SCHEMA_VERSION`, kept in ``PRAGMA user_version``; the file is
marked with ``PRAGMA application_id`` and a ``meta`` row ``format = grantrules-call``):

* ``meta(key, value)``: envelope, allocation policy and process definition of the call;
* ``events(seq, ts, kind, application_id, payload, decision)``: the source of truth; ``payload``
  is JSON with amounts as strings, ``decision`` the evaluator's decision JSON;
* ``ledger(seq, application_id, entry, cents)``: commitments, releases and payments in integer
  cents, written in the same transaction as their event so that the envelope can be checked in
  SQL inside that transaction (never from an in-memory cache).

Triggers make both tables append-only.  Writers take ``BEGIN IMMEDIATE`` so concurrent commands
on one file serialise; WAL mode lets readers proceed meanwhile.  New files use 64 kB pages, on
which a decision's JSON text fits in its row's page.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from grantrules.errors import CallError, CallFileError, JournalError

__all__ = ["SCHEMA_VERSION", "Event", "Journal", "LedgerEntry"]

SCHEMA_VERSION = 1
_APPLICATION_ID = 0x47524E54  # "GRNT": lets `file` and our own check recognise a call file.
_FORMAT = "grantrules-call"
_BUSY_TIMEOUT_S = 30.0
_PAGE_SIZE = 65536  # SQLite's largest
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    kind TEXT NOT NULL,
    application_id TEXT,
    payload TEXT NOT NULL,
    decision TEXT
) STRICT;
CREATE INDEX events_by_application ON events (application_id, seq);
CREATE TABLE ledger (
    seq INTEGER NOT NULL REFERENCES events (seq),
    application_id TEXT NOT NULL,
    entry TEXT NOT NULL CHECK (entry IN ('commit', 'release', 'pay')),
    cents INTEGER NOT NULL CHECK (cents > 0)
) STRICT;
CREATE INDEX ledger_by_application ON ledger (application_id);
CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the events table is append-only'); END;
CREATE TRIGGER events_append_only_d BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the events table is append-only'); END;
CREATE TRIGGER ledger_append_only_u BEFORE UPDATE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger table is append-only'); END;
CREATE TRIGGER ledger_append_only_d BEFORE DELETE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger table is append-only'); END;
"""


@attrs.frozen
class LedgerEntry:
    """A money movement attached to an event: ``commit``, ``release`` or ``pay``, in cents."""

    entry: str
    cents: int


@attrs.frozen
class Event:
    """One journal record.  ``payload`` amounts are strings such as ``"60000.00"``.

    :meth:`Call.events <grantrules.call.Call.events>` returns them in order.

    Args:
        seq: the position in the journal, from 1.
        ts: when the event was written (ISO 8601, UTC).
        kind: ``call_created``, ``submitted``, or an event of the process (``evaluated``...).
        application_id: the application concerned (``None`` for ``call_created``).
        payload: the event's fields.
        decision: the evaluator's decision JSON, on ``evaluated`` events.

    >>> event = Event(5, "2025-03-14T09:00:00.000000+00:00", "paid", "A1",
    ...               {"amount": "10000.00"})
    >>> event.to_json()["payload"]
    {'amount': '10000.00'}

    .. versionadded:: 0.1
    """

    seq: int
    ts: str
    kind: str
    application_id: str | None
    payload: Mapping[str, Any]
    decision: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The event as JSON-ready data."""
        data = attrs.asdict(self, recurse=False)
        data["payload"], data["decision"] = dict(self.payload), self.decision
        return data


@attrs.frozen
class NewEvent:
    """An event to append, with its ledger entries."""

    kind: str
    application_id: str | None
    payload: Mapping[str, Any]
    #: The decision JSON, as data, as text (``Decision.to_json_text``) or as that text's
    #: UTF-8 bytes (stored as the same text: see :meth:`Journal.append`).
    decision: Mapping[str, Any] | str | bytes | None = None
    ledger: tuple[LedgerEntry, ...] = ()
    #: ``payload`` as JSON text, when the caller has it already (a submitted document's).
    payload_text: str | None = None


def _file_error(path: Path, error: sqlite3.Error, doing: str) -> CallError:
    """A SQLite error while writing, as a message that says what to do (never a traceback)."""
    name = getattr(error, "sqlite_errorname", "")
    text = str(error)
    if name.startswith("SQLITE_BUSY") or "locked" in text:
        return CallFileError(
            f"{path}: another command has held the call's write lock for more than "
            f"{_BUSY_TIMEOUT_S:.0f} s (cannot {doing}: {text}); nothing was written: run the "
            "command again when the other one is done"
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return CallFileError(
            f"{path}: the call file or its folder is read-only ({text}); nothing was written: "
            "make both writable, or copy the file somewhere writable"
        )
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return CallFileError(
            f"{path}: the disk is full ({text}); nothing was written: free some space and run "
            "the command again"
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM")):
        return CallFileError(f"{path}: cannot write the call file ({text}); nothing was written")
    return JournalError(f"{path}: cannot {doing} ({text}); nothing was written")


_WAITING = ".waiting."
#: The compact JSON text of a payload: json.dumps(value, ensure_ascii=False,
#: separators=(",", ":")), without building an encoder for every event.
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _alive_marker(marker: Path, name: str) -> bool:
    pid = marker.name[len(name) + len(_WAITING) :]
    if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
        return True
    if pid.isdigit() and not _alive(int(pid)):
        marker.unlink(missing_ok=True)  # left by a process that was killed while waiting
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _remove_stale_builds(target: Path) -> None:
    """Remove the ``.creating`` files of creations killed before they could clean up."""
    for leftover in target.parent.glob(f".{target.name}.*.creating*"):
        pid = leftover.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _join(thread: threading.Thread) -> None:
    """Wait for ``thread`` to end, even through Ctrl-C (raised once it has ended)."""
    interrupted: BaseException | None = None
    while thread.is_alive():
        try:
            thread.join()
        except BaseException as error:  # KeyboardInterrupt: wait all the same, then raise it
            interrupted = error
    if interrupted is not None:
        raise interrupted


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Journal:
    """An open call file.  Use :meth:`create` or :meth:`open`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._in_transaction = False
        #: How long the last COMMIT took (writing and syncing the file), in seconds.
        self.commit_seconds = 0.0

    @classmethod
    def create(cls, path: str | os.PathLike[str], meta: Mapping[str, str]) -> Journal:
        """Create a new call file at ``path`` (which must not exist).

        Raises:
            JournalError: if the file exists or cannot be created.
        """
        target = Path(path)
        if target.exists():
            raise JournalError(
                f"{target}: file exists; open it with Call.open or choose a new path"
            )
        # Build the file under a temporary name and move it in place once complete, so that a
        # crash during creation never leaves a half-initialised call file behind.
        building = target.with_name(f".{target.name}.{os.getpid()}.creating")
        _remove_stale_builds(target)
        try:
            with closing(_connect(building)) as db:
                # Decisions are JSON texts of about 10 kB: on 64 kB pages each fits in its row's
                # page instead of a chain of overflow pages, which halves the time (and CPU)
                # SQLite takes to write a batch.  Fixed at creation, before WAL mode.
                db.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(
                    f"BEGIN; {_SCHEMA} PRAGMA application_id = {_APPLICATION_ID}; "
                    f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                )
                with db:
                    db.execute("BEGIN")
                    db.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [("format", _FORMAT), *meta.items()],
                    )
            if target.exists():
                raise JournalError(f"{target}: file appeared while the call was being created")
            os.replace(building, target)
        except sqlite3.Error as error:
            raise _file_error(target, error, "create the call file") from None
        except OSError as error:
            raise CallFileError(
                f"{target}: cannot create the call file ({error.strerror or error})"
            ) from None
        finally:
            for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
                leftover.unlink(missing_ok=True)
        return cls.open(target)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Journal:
        """Open an existing call file, refusing foreign, corrupted or newer files.

        Raises:
            JournalError: with a message naming the file and what is wrong with it.
        """
        target = Path(path)
        if not target.is_file():
            raise JournalError(f"{target}: no such call file")
        try:
            db = _connect(target)
        except sqlite3.DatabaseError as error:
            raise JournalError(f"{target}: not a grantrules call file ({error})") from None
        try:
            return cls._checked(target, db)
        except BaseException:
            # Whatever refused the file (or interrupted the checks), the connection is ours.
            db.close()
            raise

    @classmethod
    def _checked(cls, target: Path, db: sqlite3.Connection) -> Journal:
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise JournalError(f"{target}: not a grantrules call file ({error})") from None
        if app_id != _APPLICATION_ID:
            raise JournalError(
                f"{target}: not a grantrules call file (SQLite application_id {app_id:#x}, "
                f"expected {_APPLICATION_ID:#x}); create calls with `grantrules call run`"
            )
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"{target}: written by a newer grantrules (schema {version}, this one reads up "
                f"to {SCHEMA_VERSION}); upgrade grantrules to open it"
            )
        journal = cls(target, db)
        journal._verify()
        # SQLite copies the WAL into the file every 1,000 pages: 4 MB on the 4 kB pages of
        # earlier files, 64 MB on 64 kB ones.  Keep it about 4 MB (as fast, measured).
        db.execute(f"PRAGMA wal_autocheckpoint = {max(1, 4_096_000 // journal.page_size())}")
        return journal

    def _verify(self) -> None:
        try:
            problems = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
            fmt = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError as error:
            raise JournalError(f"{self.path}: corrupted call file ({error})") from None
        if problems != ["ok"]:
            raise JournalError(f"{self.path}: corrupted call file: {'; '.join(problems)}")
        if fmt is None or fmt[0] != _FORMAT:
            raise JournalError(f"{self.path}: the meta table does not identify a grantrules call")

    def close(self) -> None:
        """Close the connection (closing twice is harmless)."""
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        try:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as error:
            raise JournalError(f"{self.path}: unreadable call settings ({error})") from None

    @contextmanager
    def transaction(self, meanwhile: Callable[[], object] | None = None) -> Iterator[None]:
        """Run a command in one ``BEGIN IMMEDIATE`` transaction; roll back on any error.

        ``meanwhile``, if given, runs in this thread while another thread runs the COMMIT
        (SQLite writing and syncing the file, with the GIL released): a long run evaluates
        its next applications during it.  It must not use this journal.  The transaction
        is committed, or rolled back, whatever ``meanwhile`` does; its exception comes out
        once the commit is over.
        """
        if self._in_transaction:
            raise JournalError("nested transaction: a command is already running on this call")
        try:
            self._begin()
        except sqlite3.Error as error:
            raise _file_error(self.path, error, "start a command") from None
        self._in_transaction = True
        try:
            yield
        except sqlite3.Error as error:
            self._rollback()
            raise _file_error(self.path, error, "write the command's events") from None
        except BaseException:
            self._rollback()
            raise
        else:
            self._commit(meanwhile)
        finally:
            self._in_transaction = False

    def _commit(self, meanwhile: Callable[[], object] | None) -> None:
        started = time.perf_counter()
        failure: list[sqlite3.Error] = []

        def commit() -> None:
            try:
                self._db.commit()
            except sqlite3.Error as error:
                self._rollback()
                failure.append(error)
            self.commit_seconds = time.perf_counter() - started

        if meanwhile is None:
            commit()
        else:
            thread = threading.Thread(target=commit, name="grantrules-commit", daemon=True)
            thread.start()
            try:
                meanwhile()
            finally:
                _join(thread)  # the connection is this thread's again
        if failure:
            raise _file_error(self.path, failure[0], "commit") from None

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``; a command that has to wait for the lock says so in a marker file.

        A long run writes in many short transactions and, between two of them, lets every
        command that has announced itself take the lock first (:meth:`let_waiting_in`):
        without that, SQLite's busy handler (which polls) could starve a payment for the
        whole run.
        """
        self._db.execute("PRAGMA busy_timeout = 0")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
        marker: Path | None = self.path.with_name(f"{self.path.name}{_WAITING}{os.getpid()}")
        try:
            marker.touch()  # type: ignore[union-attr]  # set just above
        except OSError:  # a read-only folder: wait without announcing it
            marker = None
        try:
            self._db.execute("BEGIN IMMEDIATE")
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)

    def let_waiting_in(self, patience: float = 2.0) -> None:
        """Between two transactions of a long command: wait (at most ``patience`` seconds)
        while other live processes wait for the write lock, so that they get it first."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            waiting = [
                m
                for m in self.path.parent.glob(f"{glob.escape(self.path.name)}{_WAITING}*")
                if _alive_marker(m, self.path.name)
            ]
            if not waiting:
                return
            time.sleep(0.005)

    def _rollback(self) -> None:
        # A failed write (disk full) may have ended the transaction already: SQLite rolled it
        # back itself, and a second rollback must not hide the first error.
        with contextlib.suppress(sqlite3.Error):
            self._db.rollback()

    def append(self, events: Iterable[NewEvent]) -> list[int]:
        """Append ``events`` (inside :meth:`transaction`); return their ``seq`` numbers.

        The numbers are the ones ``AUTOINCREMENT`` would give, one after the other (the
        transaction holds the write lock and rows are never deleted), given explicitly so that
        all the rows go in one ``executemany``.
        """
        if not self._in_transaction:
            raise JournalError("events can only be appended inside a transaction")
        ts = _now()
        (last,) = self._db.execute(
            "SELECT MAX(COALESCE((SELECT MAX(seq) FROM events), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0))"
        ).fetchone()
        rows: list[tuple[int, str, str, str | None, str, str | bytes | None]] = []
        ledger_rows: list[tuple[int, str | None, str, int]] = []
        for seq, new in enumerate(events, last + 1):
            payload = new.payload_text
            if payload is None:
                payload = _to_json(new.payload)
            decision = new.decision
            if decision is not None and not isinstance(decision, str | bytes):
                decision = _to_json(decision)
            rows.append((seq, ts, new.kind, new.application_id, payload, decision))
            ledger_rows += [(seq, new.application_id, e.entry, e.cents) for e in new.ledger]
        # A decision given as UTF-8 bytes is stored as the text they encode, the same bytes
        # as if it were given as text, which SQLite would encode once more (CAST of a text,
        # or of NULL, leaves it as it is).
        self._db.executemany(
            "INSERT INTO events (seq, ts, kind, application_id, payload, decision) "
            "VALUES (?, ?, ?, ?, ?, CAST(? AS TEXT))",
            rows,
        )
        self._db.executemany(
            "INSERT INTO ledger (seq, application_id, entry, cents) VALUES (?, ?, ?, ?)",
            ledger_rows,
        )
        return [row[0] for row in rows]

    def events(self, after: int = 0, *, decisions: bool = True) -> Iterator[Event]:
        """Yield the events with ``seq > after`` in order (without their decision JSON if
        ``decisions`` is false: the projection never reads them, and they are most of the
        bytes)."""
        decision_column = "decision" if decisions else "NULL"
        try:
            rows = self._db.execute(
                f"SELECT seq, ts, kind, application_id, payload, {decision_column} FROM events "
                "WHERE seq > ? ORDER BY seq",
                (after,),
            )
            for seq, ts, kind, app, payload, decision in rows:
                data = json.loads(payload)
                if not isinstance(data, dict):
                    raise JournalError(
                        f"{self.path}: event {seq} ({kind}): its payload is not a JSON object"
                    )
                yield Event(
                    seq,
                    ts,
                    kind,
                    app,
                    data,
                    None if decision is None else json.loads(decision),
                )
        except (sqlite3.DatabaseError, json.JSONDecodeError, RecursionError) as error:
            raise JournalError(f"{self.path}: unreadable event: {error}") from None

    def page_size(self) -> int:
        """SQLite's page size for this file (64 kB for the files this version creates)."""
        return int(self._db.execute("PRAGMA page_size").fetchone()[0])

    def ledger_totals(self) -> dict[str, int]:
        """Sum the ledger in SQL: cents per entry kind (``commit``, ``release``, ``pay``)."""
        rows = self._db.execute("SELECT entry, SUM(cents) FROM ledger GROUP BY entry")
        totals = {"commit": 0, "release": 0, "pay": 0}
        totals.update({entry: int(total) for entry, total in rows})
        return totals

    def overdrawn_applications(self) -> list[str]:
        """Applications whose payments exceed their net commitment (must always be empty)."""
        rows = self._db.execute(
            "SELECT application_id FROM ledger GROUP BY application_id HAVING "
            "SUM(CASE entry WHEN 'commit' THEN cents WHEN 'release' THEN -cents ELSE 0 END) < "
            "SUM(CASE entry WHEN 'pay' THEN cents ELSE 0 END) OR "
            "SUM(CASE entry WHEN 'commit' THEN cents WHEN 'release' THEN -cents ELSE 0 END) < 0"
        )
        return [row[0] for row in rows]


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so the sqlite3 module never opens
    # a deferred transaction that would fail to upgrade to a write lock under contention.
    # check_same_thread=False: a run's COMMIT may run in a helper thread while the command's
    # own thread waits for it (Journal.transaction); the two never use the connection at once.
    db = sqlite3.connect(
        path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        db.execute("PRAGMA synchronous=FULL")
    except BaseException:
        db.close()
        raise
    return db
