"""Hearth under gunicorn as production runs it: several workers, one signed-in person.

The app keeps nothing in a worker's memory that the next request needs: the session is a
signed cookie, the CSRF token is checked against it, and summary PDFs are cached in the
database. So a person signed in by one worker is signed in on every other worker, a form
rendered by one is accepted by another, and both hand out the same PDF.

The serving tests start real gunicorn (``gunicorn.conf.py``, two workers, a free port on
127.0.0.1) with ``bench.serving``, which adds the answering worker's pid as a header; on a
temporary SQLite file always, and on PostgreSQL too when HEARTH_TEST_DATABASE_URL points
there. Each is bounded in time and always stops gunicorn.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.http.wsgi import Response as GunicornResponse

from app import create_app
from bench.client import Answer, Client, csrf_from, run_gunicorn
from extensions import db
from tests import factories
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# --- the settings themselves ---------------------------------------------------------------


def gunicorn_settings(monkeypatch, **env) -> Config:
    for name in ("HEARTH_WORKERS", "WEB_CONCURRENCY", "HEARTH_BIND", "HEARTH_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    namespace: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    for key, value in namespace.items():
        if key in config.settings:
            config.set(key, value)
    return config


def test_gunicorn_settings_fit_a_pdf_render_and_recycle_workers(monkeypatch):
    config = gunicorn_settings(monkeypatch)
    assert config.workers == 2 * os.cpu_count() + 1
    assert config.bind == ["127.0.0.1:8000"]
    assert config.max_requests >= 500 and config.max_requests_jitter > 0
    assert config.timeout >= 30  # a long summary takes seconds to draw
    assert config.preload_app is False  # each worker builds its app (and pool) after the fork


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    config = gunicorn_settings(monkeypatch, HEARTH_WORKERS="3", HEARTH_BIND="10.0.0.5:8000")
    assert config.workers == 3
    assert config.bind == ["10.0.0.5:8000"]


def test_access_log_leaves_invitation_tokens_out(monkeypatch):
    config = gunicorn_settings(monkeypatch)
    logger = config.logger_class(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/join/secret-token-123?x=1",
        "PATH_INFO": "/join/secret-token-123",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": "https://hearth.example/join/secret-token-123",
    }
    response = GunicornResponse.__new__(GunicornResponse)
    response.status, response.headers, response.sent = "200 OK", [], 10
    atoms = logger.atoms(response, [], environ, _Elapsed())
    line = config.access_log_format % atoms
    assert "secret-token-123" not in line
    assert "/join/[token]" in line


class _Elapsed:
    seconds, microseconds = 0, 1500


def test_building_the_app_opens_no_database_connection(tmp_path):
    """Gunicorn may build the app before it forks: no connection may exist to be shared."""
    database = tmp_path / "never-opened.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "k" * 40})
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
    assert not database.exists()  # SQLite creates the file on the first connection


# --- real gunicorn, two workers ------------------------------------------------------------


@contextmanager
def gunicorn(database_url: str, log_path: Path, workers: int = 2, **settings: str):
    """Run ``make serve``'s gunicorn command (plus a pid header) until the block ends."""
    with run_gunicorn(
        database_url,
        log_path,
        workers,
        SECRET_KEY=TEST_SECRET,
        HEARTH_PASSWORD_HASH_PROFILE="fast",
        **settings,
    ) as server:
        yield server.port


def until_both_workers(make_request, check, rounds: int = 25, at_once: int = 6) -> dict:
    """Send requests a few at a time until two workers have answered; check every answer.

    Returns the answers by worker pid. Concurrent requests keep one worker busy so the
    other takes the next connection.
    """
    by_worker: dict[str, list[Answer]] = {}
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        for _ in range(rounds):
            for answer in pool.map(lambda _: make_request(), range(at_once)):
                check(answer)
                by_worker.setdefault(answer.worker, []).append(answer)
            if len(by_worker) >= 2:
                return by_worker
    pytest.fail(f"only worker(s) {sorted(by_worker)} answered {rounds * at_once} requests")


def practice(app) -> dict:
    """A counselor with a couple and a recorded session, committed for gunicorn to see."""
    with app.test_request_context():
        counselor = factories.counselor("Dana Rivera")
        couple = factories.couple(counselor)
        made = factories.homework(couple)
        factories.history(couple, made, 3)
        session = factories.session(couple, focus="Three weeks in")
        db.session.commit()
        return {"email": counselor.email, "couple": couple.id, "session": session.id}


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, tmp_path):
    """``(database_url, seeded)``: a migrated database with a practice in it."""
    if request.param == "postgresql":
        url = os.environ.get("HEARTH_TEST_DATABASE_URL", "")
        if not url.startswith("postgres"):
            pytest.skip("set HEARTH_TEST_DATABASE_URL to a PostgreSQL database to run this")
        app = request.getfixturevalue("app")  # migrated; emptied again after the test
        yield url, practice(app)
        return
    url = f"sqlite:///{tmp_path / 'served.db'}"
    # The schema as production builds it: ``flask db upgrade``, as ``make serve`` runs it.
    subprocess.run(  # noqa: S603 - our own flask command
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET},
        check=True,
        capture_output=True,
        timeout=120,
    )
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET, "PASSWORD_HASH_PROFILE": "fast"}
    )
    with app.app_context():
        seeded = practice(app)
        db.session.remove()
        db.engine.dispose()
    yield url, seeded


def test_two_workers_serve_one_signed_in_counselor(served, tmp_path):
    url, seeded = served
    with gunicorn(url, tmp_path / "gunicorn.log") as port:
        browser = Client(port)
        signed_in = browser.sign_in(seeded["email"], factories.PASSWORD)

        # Sign in on one worker; the pages of the next requests come from both, signed in.
        def dashboard_is_signed_in(answer: Answer) -> None:
            assert answer.status == 200, answer.status
            assert "Sam &amp; Alex" in answer.text  # the counselor's couple, not the login page

        by_worker = until_both_workers(lambda: browser.get("/counselor/"), dashboard_is_signed_in)
        assert set(by_worker) - {signed_in.worker}, "no other worker served the signed-in person"

        # A form rendered by one worker is accepted by the other: the CSRF token is checked
        # against the session cookie, not against anything a worker remembers.
        form_page = browser.get("/counselor/settings")
        token = csrf_from(form_page.body)
        rendered_by = form_page.worker

        def saved(answer: Answer) -> None:
            assert answer.status == 302, (answer.status, answer.text[:300])

        by_worker = until_both_workers(
            lambda: browser.post(
                "/counselor/settings", {"csrf_token": token, "paper_size": "letter"}
            ),
            saved,
        )
        assert set(by_worker) - {rendered_by}

        # The summary PDF is drawn once and cached in the database: every worker hands out
        # the very same file.
        pdf = f"/counselor/couples/{seeded['couple']}/sessions/{seeded['session']}/"
        pdf += "summary-counselor.pdf"

        def a_pdf(answer: Answer) -> None:
            assert answer.status == 200, answer.status
            assert answer.body.startswith(b"%PDF")

        first = browser.get(pdf)
        a_pdf(first)
        by_worker = until_both_workers(lambda: browser.get(pdf), a_pdf, rounds=10, at_once=4)
        bodies = {a.body for answers in by_worker.values() for a in answers}
        assert bodies == {first.body}


REDIS_URL = "redis://127.0.0.1:6379/14"


def test_two_workers_count_failed_sign_ins_together_through_redis(served, tmp_path):
    """With REDIS_URL set, a worker knows the failures the other one saw."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    url, seeded = served
    prefix = f"hearth-serve-test-{os.getpid()}-{time.monotonic_ns()}"
    # Room for several rounds, so the second worker surely takes some of them on a busy
    # machine; the address and account-wide limits are lifted so only the count of this
    # account from this address is measured.
    limit = 60
    redis.Redis.from_url(REDIS_URL).flushdb()
    with gunicorn(
        url,
        tmp_path / "gunicorn.log",
        REDIS_URL=REDIS_URL,
        HEARTH_RATELIMIT_PREFIX=prefix,
        HEARTH_LOGIN_LIMIT_ACCOUNT=f"{limit} per 15 minutes",
        HEARTH_LOGIN_LIMIT_ADDRESS="1000 per 15 minutes",
        HEARTH_LOGIN_LIMIT_ACCOUNT_ALL="1000 per 1 hour",
    ) as port:
        browser = Client(port)
        token = browser.csrf_token("/login")
        wrong = {"csrf_token": token, "email": seeded["email"], "password": "not it at all"}

        def refused(answer: Answer) -> None:
            assert answer.status == 422, (answer.status, answer.text[:300])

        # Both workers refuse some of the wrong passwords (so neither alone sees them all)...
        by_worker = until_both_workers(
            lambda: browser.post("/login", wrong), refused, rounds=9, at_once=6
        )
        sent = sum(len(answers) for answers in by_worker.values())
        for _ in range(limit - sent):
            refused(browser.post("/login", wrong))
        # ...and together they reach the limit: the next try is paused, on either worker.
        right = {**wrong, "password": factories.PASSWORD}
        answers = [browser.post("/login", right) for _ in range(4)]
        assert {a.status for a in answers} == {429}, [a.status for a in answers]
        assert "try again in 15 minutes" in answers[0].text
    redis.Redis.from_url(REDIS_URL).flushdb()
