"""The :class:`Call`: commands on one call file, each in one transaction."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from grantrules.call._command import Batch
from grantrules.call._contract import (
    AwardRecomputer,
    DecisionLike,
    Evaluator,
    Scorer,
    read_submission,
)
from grantrules.call._funding import Funding
from grantrules.call._instruction import instruct
from grantrules.call._parallel import parallel_map
from grantrules.call._rete import lifecycle_for
from grantrules.call.allocation import (
    AllocationPolicy,
    FirstComeFirstServed,
    Step,
    policy_from_json,
)
from grantrules.call.journal import Event, Journal
from grantrules.call.ledger import sql_ledger
from grantrules.call.portfolio import Flag, Item, PortfolioRule, check_portfolio
from grantrules.call.process import DEFAULT_PROCESS, Process
from grantrules.call.projection import ApplicationStatus, CallState, Projection, replay
from grantrules.errors import (
    ApplicationInvalid,
    CallError,
    InvalidArgument,
    JournalError,
)
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
            and ``other``, and their ``total``.

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
    ['evaluation', 'other', 'portfolio', 'sqlite', 'statechart', 'total']
    >>> call.close_file()
    >>> tmp.cleanup()

    .. versionadded:: 0.1
    """

    state: CallState
    flags: tuple[Flag, ...]
    refused: tuple[Refused, ...]
    steps: tuple[Step, ...]
    timings: Mapping[str, float]


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
        self._projection.apply_all(self._journal.events(after=self._projection.last_seq))
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
    def _command(self) -> Iterator[Batch]:
        with self._journal.transaction():
            try:
                batch = Batch(self._current(), self._lifecycle)
                yield batch
                batch.write(self._journal)
            except BaseException:
                # The projection may hold events that are being rolled back: rebuild it.
                self._projection = None
                raise

    def _record(self, app_id: object) -> ApplicationStatus:
        if not isinstance(app_id, str):
            raise InvalidArgument(f"application id must be a string, got {app_id!r}")
        record = self._current().apps.get(app_id)
        if record is None:
            raise CallError(f"no application {app_id!r} in this call")
        return record.status

    def submit(self, document: Mapping[str, Any]) -> ApplicationStatus:
        """Submit one application document.

        Raises:
            ApplicationInvalid: the document lacks ``id``, ``submitted_on`` or the applicant.
            CallError: an application with this id was already submitted.
        """
        with self._command() as batch:
            self._submit(batch, document)
        return self._record(read_submission(document).id)

    def _submit(self, batch: Batch, document: Mapping[str, Any]) -> None:
        sub = read_submission(document)
        if sub.id in batch.projection.apps:
            raise CallError(f"application {sub.id!r} was already submitted to this call")
        batch.emit("submitted", sub.id, {"document": document})

    def evaluate_pending(self) -> list[ApplicationStatus]:
        """Evaluate every submitted application not yet evaluated."""
        if self.evaluator is None:
            raise InvalidArgument("this call has no evaluator: pass evaluator= to Call.open")
        with self._command() as batch:
            done = self._evaluate(batch)
        return [self._record(app) for app in done]

    def _evaluate(self, batch: Batch, jobs: int = 1) -> list[str]:
        pending = [
            r for r in batch.projection.apps.values() if r.status.status == self.process.initial
        ]
        outcomes = parallel_map(self._outcome, [r.document for r in pending], jobs)
        for record, (payload, decision) in zip(pending, outcomes, strict=True):
            batch.emit("evaluated", record.status.id, payload, decision=decision)
        return [r.status.id for r in pending]

    def _outcome(self, document: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The ``evaluated`` event of one document: its payload and decision text (pure)."""
        assert self.evaluator is not None
        try:
            decision = self.evaluator(document)
        except ApplicationInvalid as error:
            problems = [attrs.asdict(p) for p in error.problems]
            return {"outcome": "invalid", "award": "0.00", "problems": problems}, None
        score = self.scorer(document, decision) if self.scorer else getattr(decision, "score", None)
        # Only an ineligible decision can wait for an input (its criterion is blocking).
        pending = () if decision.eligible else getattr(decision, "pending", ())
        if pending:  # waits for the instructing authority, see call/_instruction.py
            return {"outcome": "pending", "award": "0.00", "pending": list(pending)}, (
                _decision_text(decision)
            )
        payload = {
            "outcome": "eligible" if decision.eligible else "ineligible",
            "award": str(decision.award if decision.eligible else Euro.ZERO),
            "score": None if score is None else str(score),
        }
        return payload, _decision_text(decision)

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
        """Submit, evaluate, check the portfolio and allocate a whole batch in one transaction.

        Documents that cannot be submitted (missing id, duplicate) are reported in
        ``RunReport.refused`` and skipped; documents the evaluator finds invalid are recorded
        with the ``invalid`` status.

        With ``jobs`` above 1, the evaluations are spread over that many processes (at most
        one per core), forked from this one when it has a single thread, on Linux; the
        evaluator and scorer must then be pure.  The journal written is the same.
        """
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise InvalidArgument(f"jobs must be a whole number of processes >= 1, got {jobs!r}")
        if self.evaluator is None:
            raise InvalidArgument("this call has no evaluator: pass evaluator= to Call.open")
        timings = {"evaluation": 0.0, "portfolio": 0.0}
        refused: list[Refused] = []
        started = time.perf_counter()
        with self._command() as batch:
            for line, document in enumerate(documents, 1):
                try:
                    self._submit(batch, document)
                except (ApplicationInvalid, CallError) as error:
                    refused.append(_refused(line, document, error))
            tick = time.perf_counter()
            self._evaluate(batch, jobs)
            timings["evaluation"] = time.perf_counter() - tick
            tick = time.perf_counter()
            flags = self._flags(batch.projection)
            timings["portfolio"] = time.perf_counter() - tick
            steps = self._funding.allocate(batch)
        commit_done = time.perf_counter()
        timings.update(batch.timings)
        timings["total"] = commit_done - started
        timings["other"] = timings["total"] - sum(
            timings[k] for k in ("evaluation", "portfolio", "statechart", "sqlite")
        )
        return RunReport(self.status(), flags, tuple(refused), tuple(steps), timings)


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
