"""Benchmark of evaluation: decisions per second, beside a plain-Python baseline, in one run.

Run with ``make bench`` or ``.venv/bin/python bench/bench_evaluate.py [--sizes 1000 100000]``.
Prints two tables.  The first follows the path users take, from parsed JSON documents (what
``json.loads`` gives) to an answer, for each scheme and size:

- ``plain dicts``: hand-written Python of the same blocking rules reading the documents
  themselves (Decimal from the amount strings, ``date.fromisoformat``): verdict, the ids of
  the rules that failed, and the award.  The floor of what Python itself costs;
- ``docs→verdict``: ``evaluate(scheme, document)`` then ``eligible``, ``failed_ids`` and
  ``award``;
- ``+fr messages``: the same, then the French message of every failed criterion;
- ``docs→JSON``: ``evaluate(scheme, document).to_json_text()``, the complete decision JSON.

The second starts from instances of the application model, already built:

- ``evaluate()``: decisions whose explanations are built on first read;
- ``+ messages``: then every criterion's message and every amount's trace read;
- ``+ JSON text``: then ``Decision.to_json_text()``;
- ``plain Python``: hand-written functions of the same rules on the instances, verdict and
  award only;

and the peak memory of streaming the applications one at a time (tracemalloc, separate run).
Each rate is the best of three passes over the same applications when they are short (see
``rate``); caches filled by the first pass (parameters per day, say) then serve the next.
The plain-Python functions are checked against ``evaluate()`` on the first applications.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

# The library's own test scheme lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "schemes"))

import sports

from ami_ia_hdf.communes import commune_codes
from ami_ia_hdf.model import (
    AmiApplicant,
    AmiApplication,
    AmiCostLine,
    AmiFinancingLine,
    AmiProject,
    PriorAid,
)
from grantrules import Euro, Scheme, evaluate, load_scheme
from grantrules.model import Project, luhn_valid
from grantrules.serde import unstructure_application

CENT = Decimal("0.01")
HDF = sorted(commune_codes())


def siren(rng: random.Random) -> str:
    while True:
        digits = f"{rng.randrange(10**8):08d}"
        for check in "0123456789":
            if luhn_valid(digits + check):
                return digits + check


def money(rng: random.Random, low: int, high: int) -> Euro:
    return Euro(Decimal(rng.randrange(low * 100, high * 100)) / 100)


def ami_applications(n: int, seed: int = 1) -> Iterator[AmiApplication]:
    """Varied AMI applications, about three quarters of them eligible."""
    rng = random.Random(seed)
    categories = ["7210", "7348", "7346", "7220", "7354", "9220", "5515", "1000"]
    sirens = [siren(rng) for _ in range(500)]
    for k in range(n):
        submitted = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(700))
        lines = tuple(
            AmiCostLine(
                category=rng.choice(["staff", "equipment", "operating", "operating", "other"]),
                label=f"Ligne {i}",
                amount_excl_vat=money(rng, 5_000, 80_000),
                vat=money(rng, 0, 10_000),
                vat_recoverable=rng.random() < 0.5,
            )
            for i in range(rng.randrange(1, 6))
        )
        total = Euro.sum(
            line.amount_excl_vat + (Euro.ZERO if line.vat_recoverable else line.vat)
            for line in lines
        )
        feder = Euro(
            (total.amount * Decimal("0.6")).quantize(CENT, ROUND_DOWN).min(Decimal(150000))
        )
        category = rng.choice(categories)
        yield AmiApplication(
            id=f"BENCH-{k}",
            submitted_on=submitted,
            applicant=AmiApplicant(
                name="Commune",
                siren=rng.choice(sirens),
                legal_category=category,
                commune_code=rng.choice(HDF) if rng.random() < 0.97 else "75056",
                public_policy_mandate=rng.random() < 0.8,
                economic_activity=category.startswith("5"),
                prior_de_minimis=(PriorAid(granted_on=submitted, amount=money(rng, 0, 200_000)),)
                if category.startswith("5")
                else (),
            ),
            project=AmiProject(
                title="Projet",
                start_date=submitted + datetime.timedelta(days=30),
                end_date=submitted + datetime.timedelta(days=rng.randrange(60, 500)),
                use_cases=("deliberations",),
            ),
            costs=lines,
            financing=(
                AmiFinancingLine(source="feder", amount=feder),
                AmiFinancingLine(source="own_funds", amount=total - feder),
            ),
        )


def sports_applications(n: int, seed: int = 2) -> Iterator[Any]:
    rng = random.Random(seed)
    base = sports.application()
    for k in range(n):
        yield base.__class__(
            id=f"SPORT-{k}",
            submitted_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(700)),
            applicant=sports.SportsApplicant(
                name="Club",
                siren=base.applicant.siren,
                legal_category=rng.choice(["9220", "9230", "7210"]),
                commune_code="99999",
                members=rng.choice([None, 3, 12, 25, 120]),
                youth_club=rng.random() < 0.3,
            ),
            project=Project(
                title="Équipement",
                start_date=datetime.date(2025, 4, 1),
                end_date=datetime.date(2025, 9, 30),
                tags=("handisport",) if rng.random() < 0.2 else (),
            ),
            costs=tuple(
                sports.SportsCostLine(
                    category=rng.choice(["equipment", "installation", "travel"]),
                    label="Ligne",
                    amount_excl_vat=money(rng, 100, 30_000),
                )
                for _ in range(rng.randrange(1, 4))
            ),
        )


def plain_ami(app: AmiApplication, _codes: frozenset[str] = frozenset(HDF)) -> tuple[bool, Decimal]:
    """The AMI's blocking rules and award in plain Python, without explanations."""
    public = {"7210", "7220", "7229", "7230", "7340", "7343", "7344", "7345", "7346", "7348"}
    public |= {"7349", "7353", "7354", "7355", "7357", "7361", "7367", "7372", "7373", "7378"}
    public |= {"7379", "7410"}
    mandate = {"9220", "9230", "9300", "5515", "5615", "5599", "5699", "5710", "4140", "4150"}
    total = eligible = Decimal(0)
    for line in app.costs:
        cost = line.amount_excl_vat.amount + (0 if line.vat_recoverable else line.vat.amount)
        total += cost
        if line.category != "other":
            eligible += cost
    award = min((eligible * Decimal("0.6")).quantize(CENT, ROUND_DOWN), Decimal(150000))
    a, p = app.applicant, app.project
    plan = sum((f.amount.amount for f in app.financing), Decimal(0))
    own = sum((f.amount.amount for f in app.financing if f.source == "own_funds"), Decimal(0))
    other = sum((f.amount.amount for f in app.financing if f.source == "other_public"), Decimal(0))
    ok = (
        (a.legal_category in public or a.legal_category in mandate)
        and (a.legal_category not in mandate or a.public_policy_mandate)
        and a.commune_code in _codes
        and datetime.date(2024, 11, 1) <= app.submitted_on <= datetime.date(2027, 12, 31)
        and bool(p.use_cases)
        and p.start_date <= p.end_date
        and datetime.date(2021, 1, 1) <= p.start_date <= datetime.date(2029, 12, 31)
        and datetime.date(2021, 1, 1) <= p.end_date <= datetime.date(2029, 12, 31)
        and p.end_date > app.submitted_on
        and Decimal(70000) <= total <= Decimal(250000)
        and plan == total
        and (
            not a.legal_category.startswith(("72", "73")) or own * 5 >= own + award + Decimal(other)
        )
    )
    if ok and a.economic_activity:
        since = app.submitted_on.replace(year=app.submitted_on.year - 3)
        prior = sum(
            (x.amount.amount for x in a.prior_de_minimis if since <= x.granted_on),
            Decimal(0),
        )
        ok = prior + award <= (Decimal(750000) if a.sgei else Decimal(300000))
    return ok, award if ok else Decimal(0)


def plain_sports(app: Any) -> tuple[bool, Decimal]:
    rate = Decimal("0.5") if app.submitted_on < datetime.date(2025, 7, 1) else Decimal("0.4")
    if app.applicant.youth_club:
        rate = Decimal("0.7")
    total = sum((c.amount_excl_vat.amount for c in app.costs), Decimal(0))
    eligible = sum(
        (c.amount_excl_vat.amount for c in app.costs if c.category != "travel"), Decimal(0)
    )
    minimum = 5 if "handisport" in app.project.tags else 20
    ok = (
        app.applicant.legal_category in ("9220", "9230")
        and app.applicant.members is not None
        and app.applicant.members >= minimum
        and datetime.date(2025, 1, 15) <= app.submitted_on <= datetime.date(2026, 12, 31)
        and total >= 1000
        and (
            app.submitted_on < datetime.date(2026, 1, 1)
            or app.applicant.youth_club
            or total <= 50000
        )
    )
    award = min((eligible * rate).quantize(CENT, ROUND_DOWN), Decimal(20000))
    return ok, award if ok else Decimal(0)


_PUBLIC = frozenset(
    [
        "7210",
        "7220",
        "7229",
        "7230",
        "7340",
        "7343",
        "7344",
        "7345",
        "7346",
        "7348",
        "7349",
        "7353",
        "7354",
        "7355",
        "7357",
        "7361",
        "7367",
        "7372",
        "7373",
        "7378",
        "7379",
        "7410",
    ]
)
_MANDATE = frozenset(
    ["9220", "9230", "9300", "5515", "5615", "5599", "5699", "5710", "4140", "4150"]
)
_D = Decimal
_DAY = datetime.date.fromisoformat


def plain_ami_doc(
    doc: dict[str, Any], _codes: frozenset[str] = frozenset(HDF)
) -> tuple[bool, list[str], Decimal]:
    """The AMI's blocking rules on a parsed JSON document: verdict, failed rule ids, award."""
    total = eligible = _D(0)
    for line in doc["costs"]:
        cost = _D(line["amount_excl_vat"])
        if not line["vat_recoverable"]:
            cost += _D(line.get("vat", "0.00"))
        total += cost
        if line["category"] != "other":
            eligible += cost
    award = min((eligible * _D("0.6")).quantize(CENT, ROUND_DOWN), _D(150000))
    a, p = doc["applicant"], doc["project"]
    plan = own = other = _D(0)
    for f in doc["financing"]:
        amount = _D(f["amount"])
        plan += amount
        if f["source"] == "own_funds":
            own += amount
        elif f["source"] == "other_public":
            other += amount
    category, submitted = a["legal_category"], _DAY(doc["submitted_on"])
    start, end = _DAY(p["start_date"]), _DAY(p["end_date"])
    low, high = datetime.date(2021, 1, 1), datetime.date(2029, 12, 31)
    mandate = a.get("public_policy_mandate", False)
    failed = [
        rule
        for rule, ok in (
            ("applicant.category", category in _PUBLIC or category in _MANDATE),
            ("applicant.mandate", category not in _MANDATE or mandate),
            ("applicant.location", a["commune_code"] in _codes),
            ("call.window", datetime.date(2024, 11, 1) <= submitted <= datetime.date(2027, 12, 31)),
            ("project.ai_use_case", bool(p["use_cases"])),
            ("project.dates", start <= end and low <= start <= high and low <= end <= high),
            ("project.not_completed", end > submitted),
            ("project.cost_range", _D(70000) <= total <= _D(250000)),
            ("financing.balanced", plan == total),
            (
                "financing.own_share",
                not category.startswith(("72", "73")) or own * 5 >= own + award + other,
            ),
        )
        if not ok
    ]
    if not failed and a["economic_activity"]:
        since = submitted.replace(year=submitted.year - 3)
        prior = sum(
            (_D(x["amount"]) for x in a["prior_de_minimis"] if since <= _DAY(x["granted_on"])),
            _D(0),
        )
        if prior + award > (_D(750000) if a.get("sgei") else _D(300000)):
            failed.append("state_aid.de_minimis")
    return not failed, failed, award if not failed else _D(0)


def plain_sports_doc(doc: dict[str, Any]) -> tuple[bool, list[str], Decimal]:
    """The test scheme's blocking rules on a parsed JSON document."""
    submitted, a = _DAY(doc["submitted_on"]), doc["applicant"]
    youth = a.get("youth_club", False)
    rate = _D("0.5") if submitted < datetime.date(2025, 7, 1) else _D("0.4")
    if youth:
        rate = _D("0.7")
    total = eligible = _D(0)
    for c in doc["costs"]:
        amount = _D(c["amount_excl_vat"])
        total += amount
        if c["category"] != "travel":
            eligible += amount
    minimum = 5 if "handisport" in doc["project"].get("tags", ()) else 20
    members = a.get("members")
    failed = [
        rule
        for rule, ok in (
            ("applicant.association", a["legal_category"] in ("9220", "9230")),
            ("applicant.members", members is not None and members >= minimum),
            ("call.window", datetime.date(2025, 1, 15) <= submitted <= datetime.date(2026, 12, 31)),
            ("project.min_cost", total >= 1000),
            (
                "applicant.insured",
                submitted < datetime.date(2026, 1, 1) or youth or total <= 50000,
            ),
        )
        if not ok
    ]
    award = min((eligible * rate).quantize(CENT, ROUND_DOWN), _D(20000))
    return not failed, failed, award if not failed else _D(0)


def verdict(scheme: Scheme, doc: Any) -> tuple[bool, tuple[str, ...], Euro]:
    decision = evaluate(scheme, doc)
    return decision.eligible, decision.failed_ids, decision.award


def verdict_fr(scheme: Scheme, doc: Any) -> tuple[bool, list[str], Euro]:
    decision = evaluate(scheme, doc)
    return decision.eligible, [c.message for c in decision.failed], decision.award


def explained(scheme: Scheme, app: Any) -> Any:
    decision = evaluate(scheme, app)
    for criterion in decision.criteria:
        criterion.message  # noqa: B018 - reading is the point
    decision.amounts  # noqa: B018
    return decision


def as_json(scheme: Scheme, app: Any) -> Any:
    return evaluate(scheme, app).to_json_text()


def rate(run: Callable[[Any], Any], apps: list[Any]) -> float:
    """Applications per second: the best of three passes when they take under a second
    together (one pass over 1,000 applications lasts milliseconds, which a timer tick or a
    garbage collection can skew), of one pass otherwise."""
    timings: list[float] = []
    while not timings or (len(timings) < 3 and sum(timings) < 1.0):
        start = time.perf_counter()
        for app in apps:
            run(app)
        timings.append(time.perf_counter() - start)
    return len(apps) / min(timings)


def peak_streaming(scheme: Scheme, make: Callable[[int], Iterator[Any]], n: int) -> float:
    """Peak traced memory (MiB) evaluating ``n`` applications generated one at a time."""
    tracemalloc.start()
    eligible = 0
    for app in make(n):
        eligible += evaluate(scheme, app).eligible
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def check_documents(
    scheme: Scheme, docs: list[dict[str, Any]], plain: Callable[[Any], Any]
) -> None:
    """The plain-Python baseline gives evaluate()'s answers (blocking failures, award)."""
    for doc in docs[:200]:
        decision = evaluate(scheme, doc)
        eligible, _, award = plain(doc)
        assert (decision.eligible, decision.award.amount) == (eligible, award), doc["id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    args = parser.parse_args()
    schemes = [
        ("sports (test)", sports.SCHEME, sports_applications, plain_sports, plain_sports_doc),
        ("ami-ia-hdf", load_scheme("ami-ia-hdf"), ami_applications, plain_ami, plain_ami_doc),
    ]
    header = (
        f"{'scheme':<14} {'documents':>9} {'plain dicts/s':>13} {'docs→verdict/s':>14} "
        f"{'+fr messages/s':>14} {'docs→JSON/s':>12} {'verdict x plain':>15}"
    )
    print("From parsed JSON documents (one core):")
    print(header)
    print("-" * len(header))
    for name, scheme, make, _, plain_doc in schemes:
        for n in args.sizes:
            docs = [unstructure_application(app) for app in make(n)]
            check_documents(scheme, docs, plain_doc)
            baseline = rate(plain_doc, docs)
            fast = rate(lambda d, s=scheme: verdict(s, d), docs)
            messages = rate(lambda d, s=scheme: verdict_fr(s, d), docs[: min(n, 20_000)])
            dumped = rate(lambda d, s=scheme: as_json(s, d), docs[: min(n, 20_000)])
            del docs
            print(
                f"{name:<14} {n:>9,} {baseline:>13,.0f} {fast:>14,.0f} {messages:>14,.0f} "
                f"{dumped:>12,.0f} {fast / baseline:>15.3f}"
            )
    header = (
        f"{'scheme':<14} {'apps':>8} {'eligible':>8} {'evaluate()/s':>13} {'+messages/s':>12} "
        f"{'+JSON text/s':>12} {'plain/s':>9} {'stream peak MiB':>16}"
    )
    print()
    print("From built instances of the application model (one core):")
    print(header)
    print("-" * len(header))
    for name, scheme, make, plain, _ in schemes:
        for n in args.sizes:
            apps = list(make(n))
            for app in apps[:50]:  # compile, fill caches, and check the baseline agrees
                decision = evaluate(scheme, app)
                expected = plain(app)
                assert (decision.eligible, decision.award.amount) == expected, (app.id, expected)
            share = sum(evaluate(scheme, a).eligible for a in apps[:2000]) / min(n, 2000)
            fast = rate(lambda a, s=scheme: evaluate(s, a), apps)
            messages = rate(lambda a, s=scheme: explained(s, a), apps[: min(n, 20_000)])
            dumped = rate(lambda a, s=scheme: as_json(s, a), apps[: min(n, 20_000)])
            baseline = rate(plain, apps)
            del apps
            peak = peak_streaming(scheme, make, n)
            print(
                f"{name:<14} {n:>8,} {share:>8.0%} {fast:>13,.0f} {messages:>12,.0f} "
                f"{dumped:>12,.0f} {baseline:>9,.0f} {peak:>16.2f}"
            )


if __name__ == "__main__":
    main()
