"""Two real Huey consumers at once, on one queue: every message goes out exactly once.

Not immediate mode: the test hands tasks to a SQLite queue file, and two separate
``huey_consumer`` processes (two worker threads each) take them, talk to the test's
database and send to a real SMTP server. Every message is handed on twice, and the
periodic pass is queued twice as well, so both consumers race for every row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey.storage import SqliteStorage
from sqlalchemy import func, select

import tasks
from domain import mail
from domain.homework import couple_week
from extensions import db
from models import AuditEvent, Message
from tests import factories
from tests.conftest import TEST_SECRET
from tests.mail_helpers import no_quiet_hours

ROOT = Path(__file__).resolve().parent.parent
CONSUMER = Path(sys.executable).with_name("huey_consumer")


@pytest.fixture
def task_file(tmp_path):
    """Point this process's task queue at a file the consumers read."""
    saved = (tasks.huey.storage, tasks.huey._immediate)
    path = tmp_path / "tasks.db"
    tasks.huey._immediate = False
    tasks.huey.storage = SqliteStorage(tasks.huey.name, filename=str(path))
    try:
        yield path
    finally:
        tasks.huey.storage, tasks.huey._immediate = saved


def _consumer(task_file: Path, database_url: str, smtp_url: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "HEARTH_TASKS_FILE": str(task_file),
        "HEARTH_SMTP_URL": smtp_url,
        "HEARTH_PASSWORD_HASH_PROFILE": "fast",
        "HEARTH_TASKS_IMMEDIATE": "off",
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(  # noqa: S603 (our own consumer, fixed arguments)
        [
            str(CONSUMER),
            "tasks.huey",
            "--workers",
            "2",
            "--worker-type",
            "thread",
            "--delay",
            "0.05",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_two_consumers_at_once_send_each_message_exactly_once(
    app, counselor, smtp, task_file, database_url, tmp_path
):
    ids, recipients = [], []
    for n in range(3):
        couple = factories.couple(counselor, name=f"Couple {n}", names=(f"A{n}", f"B{n}"))
        factories.homework(couple)
        db.session.commit()
        week = couple_week(couple).start.isoformat()
        for partner in couple.partners:
            no_quiet_hours(partner.user)
            ids.append(
                mail.queue("week_started", user=partner.user, couple_id=couple.id, period=week)
            )
            recipients.append(partner.user.email)
    db.session.commit()
    for message_id in ids * 2:  # every message handed on twice…
        tasks.send_message(message_id)
    tasks.send_due()  # …and two periodic passes besides
    tasks.send_due()

    logs = [tmp_path / "consumer-1.log", tmp_path / "consumer-2.log"]
    files = [log.open("w") for log in logs]
    consumers = [_consumer(task_file, database_url, smtp.url, f) for f in files]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            left = db.session.scalar(
                select(func.count()).where(Message.id.in_(ids), Message.status != "sent")
            )
            if left == 0 and tasks.huey.pending_count() == 0:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # anything sent twice would have arrived by now
    finally:
        for consumer in consumers:
            consumer.send_signal(signal.SIGINT)
        for consumer in consumers:
            try:
                consumer.wait(timeout=20)
            except subprocess.TimeoutExpired:
                consumer.kill()
                consumer.wait()
        for f in files:
            f.close()
    output = "\n".join(log.read_text() for log in logs)
    assert all("hearth.send_message" in log.read_text() for log in logs), output  # both worked

    statuses = db.session.scalars(select(Message.status).where(Message.id.in_(ids))).all()
    assert statuses == ["sent"] * len(ids), output
    week_mails = [m for m in smtp.messages if "a new week" in m["Subject"]]
    pairs = zip(smtp.recipients, smtp.messages, strict=True)
    received = sorted(rcpt for (rcpt,), m in pairs if m in week_mails)
    assert received == sorted(recipients)  # each partner once, nobody twice
    assert len({m["Message-ID"] for m in week_mails}) == len(ids)
    sent_rows = db.session.scalar(select(func.count()).where(AuditEvent.kind == "message_sent"))
    assert sent_rows == len(smtp.messages)


def test_the_queue_lives_in_redis_when_redis_url_is_set(monkeypatch):
    import uuid

    from huey import RedisHuey

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("HEARTH_TASKS_NAME", f"hearth-mail-test-{uuid.uuid4().hex[:8]}")
    queue = tasks.make_huey()
    assert isinstance(queue, RedisHuey)
    import redis

    @queue.task()
    def ping():
        return "pong"

    try:
        ping()
        assert queue.pending_count() == 1
    except redis.ConnectionError as error:  # pragma: no cover - no Redis on this machine
        pytest.skip(f"Redis is not reachable: {error}")
    finally:
        queue.flush()
    assert queue.pending_count() == 0


def test_without_redis_the_queue_is_a_file_in_instance(monkeypatch, tmp_path):
    from huey import SqliteHuey

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("HEARTH_TASKS_FILE", str(tmp_path / "q.db"))
    queue = tasks.make_huey()
    assert isinstance(queue, SqliteHuey)

    @queue.task()
    def ping():
        return "pong"

    ping()
    assert queue.pending_count() == 1 and (tmp_path / "q.db").exists()
