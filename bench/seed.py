"""A busy practice for benchmarks: counselors, couples and a year of homework.

By default 20 counselors with 25 couples each; both partners of every couple have joined and
have done every registered kind of homework (``Kind.bench_rows``: today the weekly rhythm,
needs with steps and ratings, weekly check-ins, pauses and the pause rule, moments in the
shared journal, the inventory, dates of the connection plan) for 52 weeks, with a session
every two weeks whose summary was released. The same ``--seed`` gives the same people,
answers and gaps (weeks are counted back from the current week of each couple, so the dates
move with the calendar).

Rows go in with bulk inserts (SQLAlchemy Core, explicit ids), so 500 couples and a year of
history take well under a minute on SQLite:

    .venv/bin/python bench/seed.py --database-url sqlite:////tmp/hearth-bench.db --reset
    .venv/bin/python bench/seed.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Every account's password is ``--password`` (printed at the end). The schema is built the
way production builds it (``flask db upgrade``); the database must have no accounts yet,
or pass ``--reset`` to drop every table first (only ever on a benchmark database).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from sqlalchemy import MetaData, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from domain.passwords import hash_password  # noqa: E402
from domain.weeks import current_week  # noqa: E402
from extensions import db  # noqa: E402
from kinds import registry  # noqa: E402  (declares every kind's tables)
from kinds.base import BenchCouple  # noqa: E402
from models import User  # noqa: E402  (importing models declares every table)

DOMAIN = "bench.hearth.example.com"
BENCH_PASSWORD = "bench password for a busy practice"  # noqa: S105 - benchmark data only
BENCH_SECRET_KEY = "bench-secret-key-" + "x" * 40  # noqa: S105 - never a real deployment

TIMEZONES = [
    "Europe/London",
    "America/New_York",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Sydney",
    "America/Chicago",
    "UTC",
]
FIRST_NAMES = [
    "Sam", "Alex", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Jamie", "Robin", "Quinn",
    "Avery", "Charlie", "Dana", "Eli", "Frankie", "Harper", "Kai", "Lee", "Noa", "Parker",
]  # fmt: skip
FOCUS = [
    "Noticing the distance, and choosing small ways back to each other",
    "A hard week, and how you found your way back after it",
    "Repair after arguments: what each of you needs in the first ten minutes",
    "Appreciation before criticism",
    "Planning time together that both of you look forward to",
]


@dataclass
class Ids:
    """The next free id of every table we insert into."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Batch:
    """Rows waiting to be inserted, per table, flushed in foreign-key order."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    count: int = 0
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, table: str, row: dict) -> None:
        self.rows[table].append(row)
        self.count += 1

    def flush(self) -> None:
        for table in db.metadata.sorted_tables:  # parents before children
            rows = self.rows.pop(table.name, None)
            if rows:
                db.session.execute(table.insert(), rows)
                self.total[table.name] += len(rows)
        self.count = 0


@dataclass
class Practice:
    """What a benchmark needs to know about the data it runs on."""

    counselors: int
    couples: int
    weeks: int
    rows: dict[str, int]
    seconds: float


def bench_app(database_url: str) -> Flask:
    """The app on the benchmark database (a throwaway key: no file in instance/)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": BENCH_SECRET_KEY})


def _local(day: date, hour: int, tz: str) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _next_ids() -> Ids:
    ids = Ids()
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            ids.next[table.name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return ids


def _couple(batch: Batch, ids: Ids, rng: random.Random, counselor_id: int, n: int, args) -> None:
    """One couple, both partners joined, ``args.weeks`` weeks of homework and sessions."""
    tz = rng.choice(TIMEZONES)
    week_starts_on = rng.choice([0, 0, 0, 6, 5, 1])  # mostly Mondays
    current = current_week(tz, week_starts_on, args.now).start
    first = current - timedelta(weeks=args.weeks - 1)
    created = _local(first, 9, tz) - timedelta(days=3)
    names = rng.sample(FIRST_NAMES, 2)
    couple_id = ids.take("couples")
    batch.add(
        "couples",
        {
            "id": couple_id,
            "counselor_id": counselor_id,
            "name": f"{names[0]} & {names[1]} {n}",
            "timezone": tz,
            "week_starts_on": week_starts_on,
            "status": "active",
            "created_at": created,
        },
    )
    partners = []
    for place, name in enumerate(names, start=1):
        user_id = ids.take("users")
        batch.add(
            "users",
            {
                "id": user_id,
                "email": f"p{couple_id}-{place}@{DOMAIN}",
                "display_name": name,
                "password_hash": args.password_hash,
                "role": "partner",
                "active": True,
                "created_at": created,
            },
        )
        partner_id = ids.take("partners")
        batch.add(
            "partners",
            {
                "id": partner_id,
                "couple_id": couple_id,
                "place": place,
                "label": name,
                "user_id": user_id,
                "joined_at": created + timedelta(hours=place),
            },
        )
        partners.append(partner_id)

    # Each couple has its own habits: some do a lot, some little; some go quiet at the end.
    keen = rng.uniform(0.35, 0.95)
    quiet_from = args.weeks - 2 if rng.random() < 0.06 else args.weeks
    active_weeks = [first + timedelta(weeks=i) for i in range(min(quiet_from, args.weeks))]
    assignment = {}
    for kind in registry.REGISTRY:
        assignment[kind.key] = ids.take("assignments")
        batch.add(
            "assignments",
            {
                "id": assignment[kind.key],
                "couple_id": couple_id,
                "kind": kind.key,
                "starts_on": first,
                "weeks": None,
                "instructions": kind.default_instructions,
                "status": "active",
                "reveal_after_both": False,
                "created_at": created,
                "ended_at": None,
            },
        )
        kind.bench_rows(
            BenchCouple(
                batch=batch,
                ids=ids,
                rng=rng,
                assignment_id=assignment[kind.key],
                partners=partners,
                created=created,
                weeks=active_weeks,
                keen=keen,
                at=lambda day, hour: _local(day, hour, tz),
            )
        )

    # Now and then a private word to the counselor, the last one often still unread (the
    # dashboard and the digest count those).
    for week in active_weeks:
        written = _local(week, 21, tz)
        if rng.random() < 0.1 and written < args.now:
            batch.add(
                "private_words",
                {
                    "id": ids.take("private_words"),
                    "couple_id": couple_id,
                    "partner_id": rng.choice(partners),
                    "text": "Something I'd like you to know before our next session.",
                    "created_at": written,
                    "read_at": written + timedelta(days=2) if rng.random() < 0.7 else None,
                },
            )

    # A session every other week, its summary released to the couple the same evening.
    held_at = [_local(first + timedelta(weeks=i, days=1), 17, tz) for i in range(0, args.weeks, 2)]
    for number, held in enumerate((h for h in held_at if h < args.now), start=1):
        session_id = ids.take("counseling_sessions")
        batch.add(
            "counseling_sessions",
            {
                "id": session_id,
                "couple_id": couple_id,
                "number": number,
                "held_at": held,
                "attended": rng.choice(["both", "both", "both", "partner1", "partner2"]),
                "focus": rng.choice(FOCUS),
                "shareable_notes": "You both described evenings that pass side by side.\n"
                "We agreed to start small: three things a week.",
                "private_notes": "Withdrawal on both sides; watch for work stress.",
                "homework_notes": "Keep the rhythm; rate each need on Sunday.",
                "next_session_at": held + timedelta(weeks=2),
                "released_at": held + timedelta(hours=2),
                "created_at": held,
                "updated_at": held + timedelta(hours=2),
                "version": 1,
            },
        )
        for assignment_id in assignment.values():
            batch.add(
                "session_assignments", {"session_id": session_id, "assignment_id": assignment_id}
            )


def seed(args) -> Practice:
    """Insert the practice described by ``args``; the caller commits."""
    started = time.perf_counter()
    ids = _next_ids()
    batch = Batch()
    rng = random.Random(args.seed)  # noqa: S311 - reproducible made-up data, not secrets
    for c in range(1, args.counselors + 1):
        counselor_id = ids.take("users")
        batch.add(
            "users",
            {
                "id": counselor_id,
                "email": f"counselor{c}@{DOMAIN}",
                "display_name": f"Counselor {c}",
                "password_hash": args.password_hash,
                "role": "counselor",
                "active": True,
                "created_at": args.now - timedelta(weeks=args.weeks + 1),
            },
        )
        for n in range(1, args.couples + 1):
            _couple(batch, ids, rng, counselor_id, n, args)
            if batch.count > 20_000:
                batch.flush()
    batch.flush()
    _after_bulk_insert()
    return Practice(
        counselors=args.counselors,
        couples=args.counselors * args.couples,
        weeks=args.weeks,
        rows=dict(batch.total),
        seconds=time.perf_counter() - started,
    )


def add_counselor(app: Flask, email: str, couples: int, args) -> bool:
    """One more counselor with ``couples`` couples (``args.weeks`` weeks each), for
    comparing dashboards of different sizes in the same practice. False if already there."""
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            return False
        args.password_hash = hash_password(args.password)
        ids = _next_ids()
        batch = Batch()
        rng = random.Random(args.seed + couples)  # noqa: S311 - made-up data, not secrets
        counselor_id = ids.take("users")
        batch.add(
            "users",
            {
                "id": counselor_id,
                "email": email,
                "display_name": f"Counselor of {couples}",
                "password_hash": args.password_hash,
                "role": "counselor",
                "active": True,
                "created_at": args.now - timedelta(weeks=args.weeks + 1),
            },
        )
        for n in range(1, couples + 1):
            _couple(batch, ids, rng, counselor_id, n, args)
            if batch.count > 20_000:
                batch.flush()
        batch.flush()
        _after_bulk_insert()
        db.session.commit()
        tune_postgresql()
        db.session.remove()
        db.engine.dispose()
    return True


def _after_bulk_insert() -> None:
    """PostgreSQL: move each id sequence past the ids we chose, and refresh statistics."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            # Table names come from our own metadata, never from input.
            highest = f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}"  # noqa: S608
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence(:t, 'id'), ({highest}), false)"),
                {"t": table.name},
            )


def tune_postgresql() -> None:
    """The database settings docs/DEPLOY.md recommends, then fresh planner statistics.

    No parallel workers: every Hearth query reads a few hundred rows through an index, and
    starting workers for it costs more than it saves (see bench/RESULTS.md). ANALYZE:
    autovacuum would get there within a minute; a benchmark cannot wait.
    """
    if db.engine.dialect.name != "postgresql":
        return
    name = db.engine.url.database
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET max_parallel_workers_per_gather = 0'))
        connection.execute(text("ANALYZE"))


def reset_database() -> None:
    """Drop every table (a benchmark database only), then build it with the migrations."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)
    db.session.commit()


def prepare(app: Flask, args) -> Practice:
    """Migrate, refuse a database with accounts in it, seed, commit."""
    from flask_migrate import upgrade

    with app.app_context():
        if args.reset:
            reset_database()
        upgrade()
        existing = db.session.scalar(select(func.count(User.id)))
        if existing:
            raise SystemExit(
                f"This database already has {existing} account(s); use an empty one, or "
                "--reset to drop everything in it first."
            )
        args.password_hash = hash_password(args.password)
        practice = seed(args)
        db.session.commit()
        tune_postgresql()
        db.session.remove()
        db.engine.dispose()
    return practice


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", required=True, help="SQLAlchemy URL of the bench database")
    p.add_argument("--counselors", type=int, default=20)
    p.add_argument("--couples", type=int, default=25, help="couples per counselor")
    p.add_argument("--weeks", type=int, default=52, help="weeks of history per couple")
    p.add_argument("--seed", type=int, default=7, help="random seed: same seed, same data")
    p.add_argument("--password", default=BENCH_PASSWORD)
    p.add_argument("--reset", action="store_true", help="drop every table first")
    return p


def main() -> None:
    args = parser().parse_args()
    args.now = datetime.now(UTC)
    practice = prepare(bench_app(args.database_url), args)
    print(
        f"{practice.counselors} counselors, {practice.couples} couples, {practice.weeks} weeks: "
        f"{sum(practice.rows.values()):,} rows in {practice.seconds:.1f} s"
    )
    for table, count in sorted(practice.rows.items()):
        print(f"  {table:22} {count:>10,}")
    print(f"Sign in as counselor1@{DOMAIN} (or p<couple id>-1@{DOMAIN}) with {args.password!r}")


if __name__ == "__main__":
    main()
