"""A worker killed mid-write loses nothing it said was saved, and breaks nothing.

Gunicorn serves Hearth from a SQLite file while a counselor keeps creating couples (each
one a transaction of several rows: the couple, two partner places, two invitation links).
Half-way through, the worker is killed with SIGKILL, twice; the master starts a new one
and the writes go on. Afterwards the database passes SQLite's integrity check, every couple
the server confirmed is there, and no couple is missing a part of its transaction.

Loopback only, bounded in requests and time; every process started here is stopped.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from bench.client import Client, free_port, stop, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EMAIL = "crash-test@example.com"
PASSWORD = "a long enough crash test password"
KILLS = 2
WRITES_BETWEEN_KILLS = 12
MAX_WRITES = 200
TIME_LIMIT = 60.0

pytestmark = pytest.mark.skipif(
    os.environ.get("HEARTH_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="kills a worker writing to a SQLite file; PostgreSQL's crash safety is the server's "
    "own, and this test already runs in the SQLite pass",
)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers, for its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: fields follow the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _is_ours(pid: int, port: int) -> bool:
    """Still a gunicorn process of this test (a finished process's id may be reused)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return f"--bind=127.0.0.1:{port}".encode() in command


@pytest.fixture
def server(tmp_path):
    """Gunicorn with one worker on a fresh SQLite file, with one counselor in it."""
    database = tmp_path / "crash.db"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HEARTH_", "GUNICORN_", "WEB_CONCURRENCY", "REDIS_URL"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY="crash-test-secret-key-that-is-long-enough",
        HEARTH_ENV="development",
        HEARTH_PASSWORD_HASH_PROFILE="fast",
        HEARTH_COUNSELOR_PASSWORD=PASSWORD,
        HEARTH_ACCESS_LOG="",
        PYTHONDONTWRITEBYTECODE="1",
    )
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["db", "upgrade"], ["create-counselor", EMAIL, "--name", "Robin Crash"]):
        done = subprocess.run(  # noqa: S603 - our own CLI
            flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr + done.stdout

    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    master = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, loopback only
        [
            str(BIN / "gunicorn"),
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--graceful-timeout=5",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started: set[int] = set()
    try:
        wait_until_answering(master, port, tmp_path / "gunicorn.log")
        yield {"port": port, "database": database, "master": master, "workers": started}
    finally:
        started.update(_children(master.pid))
        stop(master)
        for pid in started:  # workers that outlived their master (and are still ours)
            if _is_ours(pid, port):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        log.close()


def test_a_killed_worker_loses_no_confirmed_write(server):
    port, master = server["port"], server["master"]
    browser = Client(port, timeout=10)
    browser.sign_in(EMAIL, PASSWORD)
    token = browser.csrf_token("/counselor/couples/new")

    confirmed: list[str] = []
    attempted: list[str] = []
    failures: list[str] = []
    stop = threading.Event()
    deadline = time.monotonic() + TIME_LIMIT

    def write_loop():
        while not stop.is_set() and len(attempted) < MAX_WRITES and time.monotonic() < deadline:
            name = f"Crash {uuid.uuid4().hex[:12]}"
            attempted.append(name)
            form = {"csrf_token": token, "name": name, "timezone": "UTC", "week_starts_on": "0"}
            try:
                answer = browser.post("/counselor/couples/new", form)
            except (OSError, http.client.HTTPException) as error:
                # The worker died under this request, or is being replaced: not confirmed.
                failures.append(type(error).__name__)
                time.sleep(0.05)
                continue
            if answer.status == 302 and "/counselor/couples/" in answer.headers.get("Location", ""):
                confirmed.append(name)
            else:
                failures.append(str(answer.status))

    writer = threading.Thread(target=write_loop)
    writer.start()
    killed = []
    try:
        for _ in range(KILLS):
            goal = len(confirmed) + WRITES_BETWEEN_KILLS
            while len(confirmed) < goal and writer.is_alive():
                time.sleep(0.01)
            workers = _children(master.pid)
            assert len(workers) == 1, workers
            server["workers"].update(workers)
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
        # Writes go on with the worker the master started in its place.
        goal = len(confirmed) + WRITES_BETWEEN_KILLS
        while len(confirmed) < goal and writer.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert not [f for f in failures if f.startswith("5")], f"server errors: {failures}"

    replacements = _children(master.pid)
    server["workers"].update(replacements)
    assert replacements and not set(replacements) & set(killed), "the master should respawn"
    assert len(confirmed) >= (KILLS + 1) * WRITES_BETWEEN_KILLS, (
        f"only {len(confirmed)} writes confirmed of {len(attempted)}; failures: {failures}"
    )

    connection = sqlite3.connect(server["database"])
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        saved = {
            name: (partners, links)
            for name, partners, links in connection.execute(
                "SELECT c.name,"
                " (SELECT count(*) FROM partners p WHERE p.couple_id = c.id),"
                " (SELECT count(*) FROM invitations i JOIN partners p ON p.id = i.partner_id"
                "   WHERE p.couple_id = c.id)"
                " FROM couples c"
            )
        }
    finally:
        connection.close()
    missing = [name for name in confirmed if name not in saved]
    assert not missing, f"{len(missing)} confirmed couples are missing: {missing[:5]}"
    # A couple is saved whole or not at all, even the one whose request was cut off.
    assert all(parts == (2, 2) for parts in saved.values()), saved
    assert set(saved) <= set(attempted)
