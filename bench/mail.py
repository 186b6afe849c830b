"""What one periodic e-mail pass costs for a busy practice.

Seeds the practice of ``bench/seed.py`` (20 counselors x 25 couples by default, a year of
homework), books every couple's next session on one of the coming fourteen days (so some
fall tomorrow), then runs the function behind ``flask mail send-due`` once at a fixed
moment, a Monday 11:00 UTC, with no SMTP server configured, so messages are written to
an outbox folder as they are in development. Prints the time of the pass (planning and
sending apart), database queries per message (counted with an SQLAlchemy event
listener), how many messages were planned, sent to the outbox, waiting for quiet hours
or skipped, by kind; then runs a second pass at the same moment and fails unless it sends
nothing.

    .venv/bin/python bench/mail.py                                   # SQLite file in /tmp
    .venv/bin/python bench/mail.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

The database is emptied first (every table dropped): only ever point it at a benchmark
database.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from bench import seed as seeding  # noqa: E402
from domain.mail import delivery  # noqa: E402
from domain.mail import plan as planning  # noqa: E402
from extensions import db  # noqa: E402
from models import Appointment, Couple, Message  # noqa: E402
from tests.query_counter import QueryCounter  # noqa: E402


def pass_moment(now: datetime) -> datetime:
    """The first Monday 11:00 UTC after ``now``: week starts, check-in reminders (weeks
    starting on Tuesday end today), digests and session reminders all fall due in some
    time zones and not yet, or in quiet hours, in others."""
    day = now.date() + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime.combine(day, clock(11, 0), tzinfo=UTC)


def book_next_sessions(moment: datetime, rng: random.Random) -> int:
    """Each couple's next session, 17:00 to 19:00 where they live, 1 to 14 days ahead."""
    rows = []
    for couple_id, tz in db.session.execute(select(Couple.id, Couple.timezone)):
        local_day = moment.astimezone(ZoneInfo(tz)).date() + timedelta(days=rng.randint(1, 14))
        local = datetime.combine(local_day, clock(rng.choice([17, 18, 19])), tzinfo=ZoneInfo(tz))
        rows.append(
            {
                "couple_id": couple_id,
                "uid": f"session-{secrets.token_hex(12)}@hearth",
                "starts_at": local.astimezone(UTC),
                "minutes": 50,
                "status": "scheduled",
                "sequence": 0,
                "created_at": moment - timedelta(days=7),
                "updated_at": moment - timedelta(days=7),
            }
        )
    db.session.execute(Appointment.__table__.insert(), rows)
    db.session.commit()
    return len(rows)


def timed(function, queries: QueryCounter, into: dict):
    def wrapper(*args, **kwargs):
        before, start = queries.count, time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            into["seconds"] = into.get("seconds", 0) + time.perf_counter() - start
            into["queries"] = into.get("queries", 0) + queries.count - before

    return wrapper


def main() -> None:
    parser = seeding.parser()
    parser.description = __doc__.splitlines()[0]
    parser.set_defaults(database_url=None)
    for action in parser._actions:
        if action.dest == "database_url":
            action.required = False
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-mail-"))
    args.database_url = args.database_url or f"sqlite:///{folder}/bench.db"
    args.reset = True
    load_before = os.getloadavg()
    moment = pass_moment(datetime.now(UTC))
    args.now = moment
    practice = seeding.prepare(seeding.bench_app(args.database_url), args)

    outbox = folder / "outbox"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": seeding.BENCH_SECRET_KEY,
            "MAIL_SMTP_URL": "",
            "MAIL_OUTBOX": str(outbox),
            "BASE_URL": "https://hearth.example.com",
        }
    )
    logging.getLogger("hearth.mail").setLevel(logging.ERROR)  # one warning per outbox file
    # Only differences of the count are reported, so the booking's statements count for nothing.
    with app.app_context(), QueryCounter(db.engine) as queries:
        booked = book_next_sessions(moment, random.Random(args.seed))  # noqa: S311
        planned_cost: dict = {}
        planning.plan = timed(planning.plan, queries, planned_cost)

        start, before = time.perf_counter(), queries.count
        first = delivery.send_due(moment)
        seconds, statements = time.perf_counter() - start, queries.count - before
        files = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0

        by_kind = Counter(
            (kind, status)
            for kind, status in db.session.execute(select(Message.kind, Message.status))
        )
        again_start, again_before = time.perf_counter(), queries.count
        second = delivery.send_due(moment)
        again_seconds = time.perf_counter() - again_start
        again_statements = queries.count - again_before
        files_after = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
        rows = db.session.scalar(select(func.count(Message.id)))
        dialect = db.engine.dialect.name

    saved = first["outcomes"].get("saved", 0)
    sending_seconds = seconds - planned_cost["seconds"]
    sending_queries = statements - planned_cost["queries"]
    load_after = os.getloadavg()
    print(
        f"mail pass at {moment:%Y-%m-%d %H:%M} UTC (a Monday), {dialect}, "
        f"{practice.counselors} counselors x {practice.couples // practice.counselors} couples, "
        f"{practice.weeks} weeks, {booked} next sessions booked"
    )
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    print(f"first pass   {seconds:7.2f} s, {statements:,} queries")
    print(f"  planning   {planned_cost['seconds']:7.2f} s, {planned_cost['queries']:,} queries")
    print(f"  sending    {sending_seconds:7.2f} s, {sending_queries:,} queries")
    print(f"  planned {first['planned']}, due {first['due']}, outcomes {first['outcomes']}")
    print(f"  outbox files {files}")
    if saved:
        print(
            f"  per message sent: {sending_seconds / saved * 1000:.1f} ms, "
            f"{sending_queries / saved:.1f} queries sending, {statements / saved:.1f} in all"
        )
    print("  messages by kind and state after the pass:")
    for (kind, status), count in sorted(by_kind.items()):
        print(f"    {kind:18} {status:8} {count:5}")
    print(
        f"second pass  {again_seconds:7.2f} s, {again_statements:,} queries: planned "
        f"{second['planned']}, outcomes {second['outcomes']}, outbox files {files_after}"
    )
    # A second pass at the same moment must add and send nothing.
    assert second["planned"] == 0, second
    assert "saved" not in second["outcomes"] and "sent" not in second["outcomes"], second
    assert files_after == files == saved, (files, files_after, saved)
    assert rows == sum(by_kind.values())
    print("second pass sent nothing: ok")


if __name__ == "__main__":
    main()
