"""The :class:`Call`: commands on one call file, each in one transaction."""

from __future__ import annotations

import functools
import gc
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from grantrules._input import check_strings, has_lone_surrogate
from grantrules.call._command import Batch
from grantrules.call._contract import (
    AwardRecomputer,
    DecisionLike,
    Evaluator,
    Scorer,
    Submission,
    project_fingerprint,
    read_submission,
)
from grantrules.call._funding import Funding
from grantrules.call._instruction import Outcome, instruct
from grantrules.call._parallel import parallel_map
from grantrules.call._rete import lifecycle_for
from grantrules.call.allocation import (
    AllocationPolicy,
    FirstComeFirstServed,
    Step,
    policy_from_json,
)
from grantrules.call.journal import Event, Journal, _to_json
from grantrules.call.ledger import sql_ledger
from grantrules.call.portfolio import Flag, Item, PortfolioRule, check_portfolio
from grantrules.call.process import DEFAULT_PROCESS, Process
from grantrules.call.projection import ApplicationStatus, CallState, Projection, replay
from grantrules.errors import (
    ApplicationInvalid,
    CallError,
    InvalidArgument,
    JournalError,
    Problem,
)
from grantrules.model import id_key
from grantrules.money import Euro

__all__ = ["Call", "Refused", "RunReport"]

Decision = Literal["selected", "waitlisted", "rejected"]


@attrs.frozen
class Refused:
    """A document of a batch that could not be submitted (line number from 1).

    :meth:`Call.run` skips such documents and lists them in :attr:`RunReport.refused`.

    Args:
        line: the document's position in the batch, from 1.
        application_id: its ``id``, if it has a string one.
        message: why it was refused, on one line.

    >>> refused = Refused(3, "A1", "application 'A1' was already submitted to this call")
    >>> refused.line, refused.application_id
    (3, 'A1')

    .. versionadded:: 0.1
    """

    line: int
    application_id: str | None
    message: str


@attrs.frozen
class RunReport:
    """What :meth:`Call.run` did: the final state, flags, refusals and a time breakdown.

    Args:
        state: the call's state after the run.
        flags: the portfolio flags raised before the allocation.
        refused: the documents that could not be submitted.
        steps: the allocation's outcomes, in policy order.
        timings: seconds spent in ``evaluation``, ``portfolio``, ``statechart``, ``sqlite``
            and ``other``, and their ``total``; ``longest_lock`` is the longest time one of
            the run's transactions held the call's write lock.
        duplicates: the applications recorded as ``invalid`` because an earlier one of the
            call is the same project (same SIREN, same document apart from its id and
            submission date); each message names the first.
        invalid: the other applications of the batch recorded as ``invalid`` (the evaluator
            refused the document, or its evaluation failed), with their problems.

    >>> import pathlib, tempfile
    >>> from grantrules.call import SameApplicant
    >>> class Grant:
    ...     eligible = True
    ...     def __init__(self, award):
    ...         self.award = award
    ...     def to_json(self):
    ...         return {"eligible": True, "award": str(self.award)}
    >>> def application(app_id, award):
    ...     return {"id": app_id, "submitted_on": "2025-03-14", "award": award,
    ...             "applicant": {"siren": "215903501", "name": "Lille"}}
    >>> tmp = tempfile.TemporaryDirectory()
    >>> call = Call.create(pathlib.Path(tmp.name) / "call.db", Euro("100000.00"),
    ...                    evaluator=lambda document: Grant(Euro(document["award"])),
    ...                    portfolio_rules=[SameApplicant()])
    >>> report = call.run([application("A1", "60000.00"), application("A2", "50000.00"),
    ...                    application("A1", "10000.00")])
    >>> [(step.application_id, step.action) for step in report.steps]
    [('A1', 'commit'), ('A2', 'waitlist')]
    >>> [(refused.line, refused.message) for refused in report.refused]
    [(3, "application 'A1' was already submitted to this call")]
    >>> [flag.message_en for flag in report.flags]
    ['Applicant 215903501 has 2 open applications: A1, A2.']
    >>> report.state.ledger.remaining
    Euro('40000.00')
    >>> sorted(report.timings)
    ['evaluation', 'longest_lock', 'other', 'portfolio', 'sqlite', 'statechart', 'total']
    >>> call.close_file()
    >>> tmp.cleanup()

    .. versionadded:: 0.1
    """

    state: CallState
    flags: tuple[Flag, ...]
    refused: tuple[Refused, ...]
    steps: tuple[Step, ...]
    timings: Mapping[str, float]
    duplicates: tuple[Refused, ...] = ()
    invalid: tuple[Refused, ...] = ()


def _refused(line: int, document: object, error: Exception) -> Refused:
    app_id = document.get("id") if isinstance(document, Mapping) else None
    message = "; ".join(str(error).splitlines())
    return Refused(line, app_id if isinstance(app_id, str) else None, message)


def _check_euro(name: str, value: object) -> Euro:
    if not isinstance(value, Euro):
        raise InvalidArgument(f"{name} must be a Euro such as Euro('150000.00'), got {value!r}")
    if value < Euro.ZERO:
        raise InvalidArgument(f"{name} must not be negative, got {value}")
    return value


class Call:
    """A call for applications: an envelope, a journal and the life cycle of its applications.

    Not thread-safe: use one ``Call`` per thread or process (several may share one file).

    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> call = Call.create(pathlib.Path(tmp.name) / "call.db", Euro("100000.00"))
    >>> call.status().ledger.remaining
    Euro('100000.00')
    >>> call.close_file()
    >>> tmp.cleanup()

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        journal: Journal,
        *,
        evaluator: Evaluator | None = None,
        portfolio_rules: Sequence[PortfolioRule] = (),
        scorer: Scorer | None = None,
        recompute_award: AwardRecomputer | None = None,
    ) -> None:
        # The call owns ``journal`` from here on: close it if the call cannot be built.
        try:
            meta = journal.meta()
            try:
                self.process = Process.from_json(json.loads(meta["process"]))
                self.policy: AllocationPolicy = policy_from_json(json.loads(meta["policy"]))
                self.envelope = Euro(meta["envelope"])
                self.partial_awards = meta["partial_awards"] == "true"
            except (KeyError, ValueError) as error:
                raise JournalError(f"{journal.path}: unreadable call settings: {error}") from None
            self._journal = journal
            self._lifecycle = lifecycle_for(self.process)
        except BaseException:
            journal.close()
            raise
        self.evaluator = evaluator
        self.portfolio_rules = tuple(portfolio_rules)
        self.scorer = scorer
        self.recompute_award = recompute_award
        self._projection: Projection | None = None
        #: The longest time a command held the write lock, in seconds (reset by ``run``).
        self._longest_lock = 0.0
        #: How long the last command held it (until its COMMIT ended).
        self._last_lock = 0.0
        self._funding = Funding(self.policy, self.partial_awards, self._flags)

    @classmethod
    def _adopt(cls, journal: Journal, options: Mapping[str, Any]) -> Call:
        """``cls(journal, **options)``, closing ``journal`` if even the arguments are wrong."""
        try:
            return cls(journal, **options)
        except BaseException:
            journal.close()
            raise

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        envelope: Euro,
        *,
        process: Process = DEFAULT_PROCESS,
        policy: AllocationPolicy | None = None,
        partial_awards: bool = False,
        **options: Any,
    ) -> Call:
        """Create a call file with its envelope, process and allocation policy.

        ``options`` are those of :meth:`open` (``evaluator``, ``portfolio_rules``, ...).

        Raises:
            InvalidArgument: for a bad envelope, process or policy.
            JournalError: if ``path`` exists.
        """
        _check_euro("envelope", envelope)
        if not isinstance(process, Process):
            raise InvalidArgument(f"process must be a Process, got {process!r}")
        policy = policy or FirstComeFirstServed()
        # The file stores the policy as JSON: refuse one it could not read back, before writing.
        policy_from_json(policy.to_json())
        meta = {
            "envelope": str(envelope),
            "process": json.dumps(process.to_json()),
            "policy": json.dumps(policy.to_json()),
            "partial_awards": "true" if partial_awards else "false",
        }
        journal = Journal.create(path, meta)
        try:
            call = cls._adopt(journal, options)
        except BaseException:
            _remove_call_file(path)  # a mistyped option must not leave a half-made call behind
            raise
        try:
            with call._command() as batch:
                batch.emit("call_created", None, {**meta, "process": process.to_json()})
        except BaseException:
            call.close_file()
            _remove_call_file(path)
            raise
        return call

    @classmethod
    def open(cls, path: str | os.PathLike[str], **options: Any) -> Call:
        """Open an existing call file.

        Args:
            path: the call file.
            options: ``evaluator``, ``portfolio_rules``, ``scorer``, ``recompute_award``.

        Raises:
            JournalError: the file is missing, foreign, corrupted or newer.
        """
        return cls._adopt(Journal.open(path), options)

    def __enter__(self) -> Call:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_file()

    def close_file(self) -> None:
        """Close the call file (closing twice is harmless); ``with Call.open(...)`` does it."""
        self._journal.close()

    # -- reading ----------------------------------------------------------------------------

    def _current(self) -> Projection:
        """The projection, caught up with every event in the file."""
        if self._projection is None:
            self._projection = Projection(self.process, self.envelope)
        self._projection.apply_all(
            self._journal.events(after=self._projection.last_seq, decisions=False)
        )
        return self._projection

    def status(self) -> CallState:
        """The current state of the call."""
        return self._current().state()

    def events(self) -> list[Event]:
        """Every event of the journal, in order."""
        return list(self._journal.events())

    def replay(self, *, statechart: bool = True) -> CallState:
        """Rebuild the state from the journal alone and check it.

        Args:
            statechart: also drive each application's events through durable_rules.

        Raises:
            JournalError: the journal and its ledger table disagree, or hold a refused event.
        """
        events = self.events()
        state = replay(events, self.process, self.envelope)
        if sql_ledger(self._journal, state.ledger.envelope) != state.ledger:
            raise JournalError(f"{self._journal.path}: the ledger table disagrees with the events")
        if statechart:
            chains: dict[str, list[tuple[str, dict[str, Any]]]] = {}
            for e in events:
                if e.application_id is not None and e.kind != "submitted":
                    keys = self.process.guard_keys(e.kind)
                    fields = {k: e.payload[k] for k in keys if k in e.payload}
                    chains.setdefault(e.application_id, []).append((e.kind, fields))
            self._lifecycle.run_many((self.process.initial, c) for c in chains.values())
        return state

    def flags(self) -> tuple[Flag, ...]:
        """Run the portfolio rules over the current state."""
        return self._flags(self._current())

    def _flags(self, projection: Projection) -> tuple[Flag, ...]:
        if not self.portfolio_rules:
            return ()
        items = [
            Item(r.status, r.document, self.process.is_open(r.status.status))
            for r in projection.apps.values()
        ]
        return check_portfolio(self.portfolio_rules, items)

    # -- commands ---------------------------------------------------------------------------

    @contextmanager
    def _command(self, meanwhile: Callable[[], object] | None = None) -> Iterator[Batch]:
        """One command: the events emitted into the batch, written in one transaction.

        ``meanwhile`` runs while the transaction commits (see :meth:`Journal.transaction`);
        the commit's time beyond it is counted as ``sqlite``.
        """
        locked = time.perf_counter()
        spent = 0.0

        def timed() -> None:
            nonlocal spent
            began = time.perf_counter()
            try:
                assert meanwhile is not None
                meanwhile()
            finally:
                spent = time.perf_counter() - began

        written = 0.0
        try:
            with self._journal.transaction(None if meanwhile is None else timed):
                try:
                    batch = Batch(self._current(), self._lifecycle)
                    yield batch
                    batch.write(self._journal)
                except BaseException:
                    # The projection may hold events that are being rolled back: rebuild it.
                    self._projection = None
                    raise
                written = time.perf_counter()
        except BaseException:
            # The COMMIT failed (or what ran meanwhile was interrupted): read the file again.
            self._projection = None
            self._longest_lock = max(self._longest_lock, time.perf_counter() - locked)
            raise
        self._last_lock = written - locked + self._journal.commit_seconds
        self._longest_lock = max(self._longest_lock, self._last_lock)
        batch.timings["sqlite"] += time.perf_counter() - written - spent  # the COMMIT

    def _record(self, app_id: object) -> ApplicationStatus:
        if not isinstance(app_id, str):
            raise InvalidArgument(f"application id must be a string, got {app_id!r}")
        record = self._current().apps.get(app_id)
        if record is None:
            raise CallError(f"no application {app_id!r} in this call")
        return record.status

    def submit(self, document: Mapping[str, Any]) -> ApplicationStatus:
        """Submit one application document.

        A document describing the same project as an earlier application (same SIREN, same
        content apart from its id and submission date) is recorded as ``invalid``, its
        problem naming the first.

        Raises:
            ApplicationInvalid: the document lacks ``id``, ``submitted_on`` or the applicant,
                its id does not follow :data:`~grantrules.model.APPLICATION_ID_PATTERN`, or
                a string is not valid Unicode.
            CallError: an application with this id (ignoring case) was already submitted.
        """
        entry = _screen(0, document)
        with self._command() as batch:
            self._write(batch, entry, None)
        return self._record(entry.sub.id)

    def _write(
        self,
        batch: Batch,
        entry: _Entry,
        outcome: Outcome | None,
    ) -> str | None:
        """Emit the submission of ``entry`` (and its evaluation); the id of the project's
        first application if this is a duplicate of it, else ``None``."""
        projection = batch.projection
        app_id = entry.sub.id
        first = projection.by_key.get(id_key(app_id))
        if first is not None:
            raise CallError(_already(app_id, first))
        original = projection.projects.get((entry.sub.siren, entry.fingerprint))
        payload = {"document": entry.document, "fingerprint": entry.fingerprint}
        # json.dumps(payload) with the document's text already made (the fingerprint is hex).
        text = f'{{"document":{entry.text},"fingerprint":"{entry.fingerprint}"}}'
        batch.emit("submitted", app_id, payload, payload_text=text, submission=entry.sub)
        if original is not None:
            problem = Problem("$", _duplicate_message(app_id, original), _DUPLICATE)
            invalid = _invalid([problem], entry.line)
            batch.emit("evaluated", app_id, {**invalid, "duplicate_of": original})
            return original
        if outcome is not None:
            result, result_text = outcome.payload, outcome.text
            if result["outcome"] == "invalid" and entry.line:  # its text would lack the line
                result, result_text = {**result, "line": entry.line}, None
            batch.emit(
                "evaluated", app_id, result, decision=outcome.decision, payload_text=result_text
            )
        return None

    def evaluate_pending(self) -> list[ApplicationStatus]:
        """Evaluate every submitted application not yet evaluated.

        The evaluations run before the call's write lock is taken; the results are then
        written in short transactions.
        """
        if self.evaluator is None:
            raise InvalidArgument("this call has no evaluator: pass evaluator= to Call.open")
        return [self._record(app) for app in self._evaluate_pending(1)]

    def _evaluate_pending(self, jobs: int) -> list[str]:
        pending = [
            (r.status.id, r.document)
            for r in self._current().apps.values()
            if r.status.status == self.process.initial
        ]
        if not pending:
            return []
        outcomes = parallel_map(self._outcome, [document for _, document in pending], jobs)
        done: list[str] = []
        results = list(zip((app for app, _ in pending), outcomes, strict=True))
        for chunk in _Chunks(self._journal, results):
            with self._command() as batch:
                for app, outcome in chunk:
                    record = batch.projection.apps.get(app)
                    # Another process may have evaluated it while this one was evaluating.
                    if record is not None and record.status.status == self.process.initial:
                        batch.emit(
                            "evaluated",
                            app,
                            outcome.payload,
                            decision=outcome.decision,
                            payload_text=outcome.text,
                        )
                        done.append(app)
        return done

    def _outcome(self, document: Mapping[str, Any]) -> Outcome:
        """The ``evaluated`` event of one document: its payload and decision (pure).

        The decision is its JSON text encoded in UTF-8, as SQLite stores it: encoding it here
        checks that it holds no lone surrogate, and the journal binds these bytes as they are
        (a text would be encoded a second time).  Whatever goes wrong with one application
        (the evaluator raises, returns something that is not a decision, a date overflows)
        makes it ``invalid`` with the message; it never stops the others.
        """
        assert self.evaluator is not None
        try:
            decision = self.evaluator(document)
            # Only an ineligible decision can wait for an input (its criterion is blocking).
            pending = () if decision.eligible else getattr(decision, "pending", ())
            if pending:  # waits for the instructing authority, see call/_instruction.py
                text = _decision_text(decision).encode("utf-8")
                waiting = {"outcome": "pending", "award": "0.00", "pending": list(pending)}
                return Outcome(waiting, text)
            score = (
                self.scorer(document, decision) if self.scorer else getattr(decision, "score", None)
            )
            outcome = "eligible" if decision.eligible else "ineligible"
            award = str(_check_euro("award", decision.award) if decision.eligible else Euro.ZERO)
            score_text = None if score is None else str(Decimal(score))
            text = _decision_text(decision).encode("utf-8")  # no lone surrogate
        except ApplicationInvalid as error:
            return Outcome(_invalid(error.problems))
        except Exception as error:  # one application's failure must not stop the batch
            reason = "; ".join(f"{type(error).__name__}: {error}".splitlines())
            problem = Problem("$", f"the evaluation failed: {reason}", "evaluation-failed")
            return Outcome(_invalid([problem]))
        payload: dict[str, Any] = {"outcome": outcome, "award": award, "score": score_text}
        # _to_json(payload), written out: the strings of an amount, a Decimal and the outcome
        # have nothing to escape.
        score_json = "null" if score_text is None else f'"{score_text}"'
        payload_text = f'{{"outcome":"{outcome}","award":"{award}","score":{score_json}}}'
        return Outcome(payload, text, payload_text)

    def score(self, app_id: str, score: Decimal | int | str) -> ApplicationStatus:
        """Record a committee score (used by :class:`RankedByScore`)."""
        self._record(app_id)
        if isinstance(score, float | bool):
            raise InvalidArgument(f"a score must be a Decimal, an int or a string, got {score!r}")
        try:
            value = Decimal(score)
        except ArithmeticError:
            raise InvalidArgument(f"a score must be a number, got {score!r}") from None
        with self._command() as batch:
            batch.emit("scored", app_id, {"score": str(value)})
        return self._record(app_id)

    def instruct(self, app_id: str, values: Mapping[str, Any]) -> ApplicationStatus:
        """Record inputs decided by the instructing authority and evaluate again.

        ``values`` maps instructor inputs (fields of the scheme's
        :class:`~grantrules.model.Instruction`) to their JSON values, e.g.
        ``{"granted_rate": "40%"}``; they are journalled as an ``instructed`` event.

        Raises:
            ApplicationInvalid: a value is invalid (nothing is written).
            TransitionRefused: the application is past evaluation.
        """
        if self.evaluator is None:
            raise InvalidArgument("this call has no evaluator: pass evaluator= to Call.open")
        self._record(app_id)
        with self._command() as batch:
            instruct(batch, app_id, values, self._outcome)
        return self._record(app_id)

    def allocate(self) -> list[Step]:
        """Apply the allocation policy to every eligible, undecided application."""
        with self._command() as batch:
            return self._funding.allocate(batch)

    def record_decision(self, app_id: str, decision: Decision) -> ApplicationStatus:
        """Record a committee decision: ``selected``, ``waitlisted`` or ``rejected``.

        A selection is committed at once if its award fits the envelope, wait-listed otherwise
        (or committed in part if the call allows partial awards).

        Raises:
            TransitionRefused: the decision is not allowed in the application's status.
            CallError: a blocking portfolio flag holds the application back.
        """
        self._record(app_id)
        with self._command() as batch:
            self._funding.decide(batch, app_id, decision)
        return self._record(app_id)

    def withdraw(self, app_id: str) -> ApplicationStatus:
        """The applicant withdraws; unpaid commitments are released and promote the wait list."""
        return self._release(app_id, "withdrawn")

    def decommit(self, app_id: str) -> ApplicationStatus:
        """Cancel a commitment; the unpaid part is released and promotes the wait list."""
        return self._release(app_id, "decommitted")

    def close(self, app_id: str) -> ApplicationStatus:
        """Close a funded application; its unpaid balance is released."""
        return self._release(app_id, "closed")

    def _release(self, app_id: str, kind: str) -> ApplicationStatus:
        self._record(app_id)
        with self._command() as batch:
            self._funding.release(batch, app_id, kind)
        return self._record(app_id)

    def pay(self, app_id: str, amount: Euro, *, final: bool = False) -> ApplicationStatus:
        """Record a payment (never more than committed and unpaid); ``final`` also closes.

        Raises:
            CallError: the payment exceeds the unpaid commitment.
            TransitionRefused: the application is not committed.
        """
        self._record(app_id)
        with self._command() as batch:
            self._funding.pay(batch, app_id, amount, final=final)
        return self._record(app_id)

    def revise_cost(self, app_id: str, final_eligible_cost: Euro) -> ApplicationStatus:
        """Lower the award after the final eligible cost is known, releasing the difference.

        The new award is ``recompute_award(document, final_eligible_cost)``, never more than
        the current commitment.
        """
        if self.recompute_award is None:
            raise InvalidArgument("this call has no recompute_award: pass it to Call.open")
        _check_euro("final_eligible_cost", final_eligible_cost)
        self._record(app_id)
        with self._command() as batch:
            record = batch.projection.app(app_id)
            award = _check_euro(
                "recomputed award", self.recompute_award(record.document, final_eligible_cost)
            )
            self._funding.revise(batch, app_id, final_eligible_cost, award)
        return self._record(app_id)

    def run(self, documents: Iterable[Mapping[str, Any]], *, jobs: int = 1) -> RunReport:
        """Submit, evaluate, check the portfolio and allocate a whole batch.

        Documents that cannot be submitted (missing id, an id already used, ignoring case)
        are reported in ``RunReport.refused`` and skipped; documents the evaluator finds
        invalid, or whose evaluation fails, are recorded with the ``invalid`` status and
        their problems (with the document's ``line``); a document describing the same
        project as an earlier one is recorded as ``invalid`` too, naming the first
        (``RunReport.duplicates``), and is never funded.

        Every document is checked, and evaluated, *before* the write lock is taken for the
        transaction that writes it: the results are written, and the envelope allocated, in
        short transactions (each holding the lock about 0.25 s), so that other commands on
        the file (a payment) wait a fraction of a second, not the whole run.  While one
        transaction commits (SQLite writing and syncing the file, in a helper thread), the
        documents of the next one are evaluated.  Each transaction is atomic; a run
        interrupted between two of them leaves the applications written so far, and running
        the same batch again submits the rest (the others are refused as already submitted).

        With ``jobs`` above 1, the evaluations are spread over that many processes (at most
        one per core), forked from this one when it has a single thread, on Linux, all before
        the first transaction; the evaluator and scorer must then be pure.  The journal
        written is the same.
        """
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise InvalidArgument(f"jobs must be a whole number of processes >= 1, got {jobs!r}")
        if self.evaluator is None:
            raise InvalidArgument("this call has no evaluator: pass evaluator= to Call.open")
        self._longest_lock = 0.0
        timings = {"evaluation": 0.0, "portfolio": 0.0, "statechart": 0.0, "sqlite": 0.0}
        started = time.perf_counter()
        with _collector_paused():
            refused, entries = self._screen_all(documents)
        evaluations = _Evaluations(self._outcome, entries, collect=gc.isenabled())
        if jobs > 1:  # all at once, in forked workers (a COMMIT's thread would prevent forking)
            evaluations.upto(len(entries), jobs)
        duplicates: list[Refused] = []
        invalid: list[Refused] = []
        with _collector_paused():
            chunks = _Chunks(self._journal, entries)
            for chunk in chunks:
                end = chunks.start + len(chunk)
                evaluations.upto(end)  # done already, but for the first chunk
                # While this chunk commits, the next one is evaluated.
                ahead = functools.partial(evaluations.upto, end + len(chunk))
                with self._command(meanwhile=ahead) as batch:
                    for entry in chunk:
                        try:
                            first = self._write(batch, entry, evaluations.done.get(entry.line))
                        except CallError as error:  # the id was taken meanwhile, by another run
                            refused.append(_refused(entry.line, entry.document, error))
                            continue
                        if first is not None:
                            message = f"$: {_duplicate_message(entry.sub.id, first)}"
                            duplicates.append(Refused(entry.line, entry.sub.id, message))
                            continue
                        payload = evaluations.done[entry.line].payload
                        if payload["outcome"] == "invalid":
                            message = "; ".join(
                                f"{p['path']}: {p['message']}" for p in payload["problems"]
                            )
                            invalid.append(Refused(entry.line, entry.sub.id, message))
                chunks.held(self._last_lock)
                self._add_timings(timings, batch)
        timings["evaluation"] = evaluations.seconds
        tick = time.perf_counter()
        self._evaluate_pending(jobs)  # applications submitted earlier with Call.submit
        timings["evaluation"] += time.perf_counter() - tick
        with _collector_paused():
            flags, steps = self._allocate_all(timings)
        timings["total"] = time.perf_counter() - started
        timings["other"] = timings["total"] - sum(
            timings[k] for k in ("evaluation", "portfolio", "statechart", "sqlite")
        )
        timings["longest_lock"] = self._longest_lock
        refused.sort(key=lambda r: r.line)
        return RunReport(
            self.status(),
            flags,
            tuple(refused),
            tuple(steps),
            timings,
            tuple(duplicates),
            tuple(invalid),
        )

    def _screen_all(
        self, documents: Iterable[Mapping[str, Any]]
    ) -> tuple[list[Refused], list[_Entry]]:
        """Check a batch against itself and the call, without the lock (rechecked under it)."""
        projection = self._current()
        keys = dict(projection.by_key)
        refused: list[Refused] = []
        entries: list[_Entry] = []
        for line, document in enumerate(documents, 1):
            try:
                entry = _screen(line, document)
            except ApplicationInvalid as error:
                refused.append(_refused(line, document, error))
                continue
            key = id_key(entry.sub.id)
            if key in keys:
                refused.append(Refused(line, entry.sub.id, _already(entry.sub.id, keys[key])))
                continue
            keys[key] = entry.sub.id
            entries.append(entry)
        return refused, entries

    def _allocate_all(self, timings: dict[str, float]) -> tuple[tuple[Flag, ...], list[Step]]:
        """Plan the allocation without the lock, then apply it in short transactions.

        The portfolio flags and the plan are computed on the state as last read; each
        transaction applies the next steps (as many as fit in about 0.25 s).  Applying the
        first steps of a plan and then the rest gives the same state as applying it at once,
        since each step depends only on the applications before it in policy order and the
        money left.  If another process wrote to the call in between something that can
        change the plan (a withdrawal released money, another run submitted applications; a
        payment cannot), the flags and the plan are computed again without the lock, on the
        new state, and after ``_REPLANS`` such attempts, under it.
        """
        tick = time.perf_counter()
        projection = self._current()
        flags = self._flags(projection)
        todo = self._funding.plan(projection, flags)
        seen = projection.last_seq
        timings["portfolio"] += time.perf_counter() - tick
        steps: list[Step] = []
        size, stale = _CHUNK, 0
        while todo:
            began = time.perf_counter()
            with self._command() as batch:
                changed = self._changed_since(seen)
                if changed and stale >= _REPLANS:  # others keep writing: plan under the lock
                    flags = self._flags(batch.projection)
                    todo = self._funding.plan(batch.projection, flags)
                    changed = False
                if not changed:
                    chunk, todo = todo[:size], todo[size:]
                    self._funding.apply(batch, chunk)
                    steps += chunk
            self._add_timings(timings, batch)
            if changed:
                # Plan again on the new state, without the lock, and try again.
                stale += 1
                projection = self._current()
                flags = self._flags(projection)
                todo = self._funding.plan(projection, flags)
                seen = projection.last_seq
                continue
            seen = batch.projection.last_seq
            rate = len(chunk) / max(time.perf_counter() - began, 1e-6)
            size = max(20, min(5000, int(rate * _LOCK_TARGET_S)))
            if todo:
                self._journal.let_waiting_in()
        return flags, steps

    def _changed_since(self, seq: int) -> bool:
        """Whether another process wrote, after ``seq``, an event that can change the
        allocation (a payment cannot: it moves no commitment)."""
        if self._current().last_seq == seq:
            return False
        return any(e.kind != "paid" for e in self._journal.events(after=seq, decisions=False))

    @staticmethod
    def _add_timings(timings: dict[str, float], batch: Batch) -> None:
        for key, seconds in batch.timings.items():
            timings[key] = timings.get(key, 0.0) + seconds


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a run screens, writes and allocates.

    Those stages build hundreds of thousands of objects (events, payloads, statuses) and no
    reference cycles, so every full collection they trigger walks all of them, and the run's
    documents, for nothing: four of them took a quarter of a second in a run of 10,000 AMI
    applications.  The evaluations (the scheme's code, or the caller's) run with the
    collector as the caller left it; so does everything after the run.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_CHUNK = 200  # applications in the first write transaction of a run; then sized by _Chunks
_LOCK_TARGET_S = 0.25  # how long one transaction of a run aims to hold the write lock
_REPLANS = 3  # times the allocation is planned again without the lock before it is under it


class _Chunks:
    """Slices of a list for successive transactions, each sized to hold the lock about
    ``_LOCK_TARGET_S`` (the time per item is measured on the previous transaction: the time
    the caller reports with :meth:`held`, else the time it took to come back)."""

    def __init__(self, journal: Journal, items: Sequence[Any]) -> None:
        self.journal, self.items, self.start, self.size = journal, items, 0, _CHUNK
        self._held: float | None = None

    def held(self, seconds: float) -> None:
        """The time the transaction of the current slice held the lock."""
        self._held = seconds

    def __iter__(self) -> Iterator[Sequence[Any]]:
        while self.start < len(self.items):
            if self.start:
                self.journal.let_waiting_in()
            chunk = self.items[self.start : self.start + self.size]
            began = time.perf_counter()
            self._held = None
            yield chunk
            seconds = time.perf_counter() - began if self._held is None else self._held
            self.start += len(chunk)
            rate = len(chunk) / max(seconds, 1e-6)
            self.size = max(20, min(5000, int(rate * _LOCK_TARGET_S)))


class _Evaluations:
    """The outcomes of a run's entries, evaluated in order as the transactions need them.

    Only the first application of a project is evaluated; its duplicates never are.  The
    evaluations run with the cyclic garbage collector as the run's caller left it
    (``collect``), even inside the stages that pause it.
    """

    def __init__(
        self,
        outcome: Callable[[Mapping[str, Any]], Outcome],
        entries: Sequence[_Entry],
        *,
        collect: bool,
    ) -> None:
        firsts: dict[tuple[str, str], int] = {}
        for entry in entries:
            firsts.setdefault((entry.sub.siren, entry.fingerprint), entry.line)
        #: (position in ``entries``, entry) of each entry to evaluate, in order.
        self._todo = [
            (i, e) for i, e in enumerate(entries) if firsts[(e.sub.siren, e.fingerprint)] == e.line
        ]
        self._next = 0
        self._outcome, self._collect = outcome, collect
        #: The outcome of each evaluated entry, by line.
        self.done: dict[int, Outcome] = {}
        #: The time spent evaluating, in seconds.
        self.seconds = 0.0

    def upto(self, end: int, jobs: int = 1) -> None:
        """Evaluate the entries before position ``end`` not evaluated yet, on ``jobs``
        processes."""
        stop = self._next
        while stop < len(self._todo) and self._todo[stop][0] < end:
            stop += 1
        if stop == self._next:
            return
        began = time.perf_counter()
        todo, self._next = self._todo[self._next : stop], stop
        paused = self._collect and not gc.isenabled()
        if paused:
            gc.enable()
        try:
            results = parallel_map(self._outcome, [e.document for _, e in todo], jobs)
        finally:
            if paused:
                gc.disable()
        self.done.update((e.line, result) for (_, e), result in zip(todo, results, strict=True))
        self.seconds += time.perf_counter() - began


_DUPLICATE = "duplicate-project"


@attrs.frozen
class _Entry:
    """A document of a batch that passed the checks that need no evaluation."""

    line: int
    document: Mapping[str, Any]
    sub: Submission
    fingerprint: str
    #: The document's JSON text, as the journal stores it.
    text: str


def _screen(line: int, document: object) -> _Entry:
    """The contract fields, the strings and the fingerprint of one document.

    Raises:
        ApplicationInvalid: with the path of each problem.
    """
    sub = read_submission(document)
    assert isinstance(document, Mapping)  # read_submission refuses anything else
    try:
        # The text the journal stores; searched for lone surrogates in C, as check_strings
        # does first (it walks the document only when there is one, or no JSON text).
        text = _to_json(document)
        unreadable = None
    except (TypeError, ValueError, RecursionError) as error:
        text, unreadable = "", error
    if unreadable is not None or has_lone_surrogate(text):
        problems = check_strings(document)
        if problems:
            raise ApplicationInvalid(problems)
    try:
        fingerprint = project_fingerprint(document)
    except (TypeError, ValueError, RecursionError) as error:
        unreadable = error
    if unreadable is not None:
        problem = Problem("$", f"not JSON data: {unreadable}", "not-json")
        raise ApplicationInvalid([problem]) from None
    return _Entry(line, document, sub, fingerprint, text)


def _already(app_id: str, first: str) -> str:
    if first == app_id:
        return f"application {app_id!r} was already submitted to this call"
    return (
        f"application {app_id!r} was already submitted to this call as {first!r} "
        "(ids differing only in case are the same application)"
    )


def _duplicate_message(app_id: str, first: str) -> str:
    return (
        f"{app_id} is the same project as {first} (same SIREN, same document apart from its "
        f"id and submission date): only {first} is considered"
    )


def _invalid(problems: Iterable[Problem], line: int = 0) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "outcome": "invalid",
        "award": "0.00",
        "problems": [attrs.asdict(p) for p in problems],
    }
    if line:
        payload["line"] = line
    return payload


def _decision_text(decision: DecisionLike) -> str:
    # The core's Decision writes its JSON text several times faster than json.dumps does.
    to_text = getattr(decision, "to_json_text", None)
    if callable(to_text):
        text = to_text()
        if isinstance(text, str):
            return text
    return json.dumps(decision.to_json(), ensure_ascii=False, separators=(",", ":"))


def _remove_call_file(path: str | os.PathLike[str]) -> None:
    """Delete a call file that was just created, with its SQLite WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{os.fspath(path)}{suffix}").unlink(missing_ok=True)
