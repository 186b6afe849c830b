"""Fixtures: a migrated database per test run, emptied after every test.

SQLite by default; set HEARTH_TEST_DATABASE_URL (postgresql+psycopg://…) for PostgreSQL.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from datetime import date
from html import unescape

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import MetaData, inspect

from app import create_app
from extensions import db
from tests import factories
from tests.query_counter import QueryCounter

TEST_SECRET = "test-secret-key-that-is-long-enough-for-anything"


def _test_config(database_url: str, instance_path: str | None = None) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_PROFILE": "fast",
        # Messages are sent in the test's own process, at once, into a private outbox
        # (tests/test_mail*.py give them a real SMTP server, or a real consumer).
        "TASKS_IMMEDIATE": True,
        "MAIL_OUTBOX": os.path.join(tempfile.gettempdir(), f"hearth-test-outbox-{os.getpid()}"),
        # Every kept piece of a page is drawn again and compared (web.fragments).
        "FRAGMENT_CHECK": True,
    }


def empty_database() -> None:
    """Drop every table, including ones a model no longer declares and alembic's own."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)


class CsrfClient(FlaskClient):
    """A test client whose POSTs carry a valid CSRF token, as a browser's form would.

    Pass ``csrf=False`` to post without one.
    """

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = secrets.token_hex(20)
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, **kwargs):
        # Each request gets its own application context, as in production: its own
        # database session and its own ``g`` (the signed-in user, the CSRF token). The
        # test's session then forgets what it had loaded, so it reads fresh rows.
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("HEARTH_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "hearth-test.db")


@pytest.fixture(scope="session")
def _migrated(database_url):
    """Build the schema once, the way production does: ``flask db upgrade`` from empty."""
    app = create_app(_test_config(database_url))
    with app.app_context():
        empty_database()
        upgrade()
        db.engine.dispose()
    return True


@pytest.fixture
def app(database_url, _migrated):
    app = create_app(_test_config(database_url))
    app.test_client_class = CsrfClient
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def counselor(app):
    user = factories.counselor()
    db.session.commit()
    return user


@pytest.fixture
def couple(app, counselor):
    c = factories.couple(counselor)
    db.session.commit()
    return c


def login(client: FlaskClient, email: str, password: str = factories.PASSWORD):
    """Sign in through the real form; returns the response after redirects."""
    return client.post("/login", data={"email": email, "password": password}, follow_redirects=True)


def session_form(hw: dict | None = None, **fields) -> dict:
    """The counselor's form for recording (or editing) a session, filled in validly: held
    today at 17:30 with both partners there; with ``hw``, its weekly rhythm agreed on.
    ``fields`` change or add fields."""
    data = {
        "held_on": date.today().isoformat(),
        "held_time": "17:30",
        "attended": "both",
        "focus": "Repair after arguments",
        "version": "0",
    }
    if hw is not None:
        data["agreed"] = [hw["rhythm"].id]
    return data | fields


def text_of(response) -> str:
    """The visible text of an HTML response, tags removed, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


@pytest.fixture
def queries(app):
    """``with queries() as q: ...; q.count`` counts the statements of a block."""
    return lambda: QueryCounter(db.engine)


def week_page(client, path: str = "/week") -> str:
    return text_of(client.get(path))


@pytest.fixture
def with_homework(app, counselor, couple):
    """A couple with all three kinds assigned from this week and a shared need each."""
    made = factories.homework(couple)
    db.session.commit()
    return made


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a fresh client already signed in as ``user``."""

    def make(user):
        c = app.test_client()
        login(c, user.email)
        return c

    return make


@pytest.fixture
def dana(client, counselor):
    """Dana, the counselor, signed in on ``client``."""
    login(client, counselor.email)
    return client


@pytest.fixture
def sam(signed_in, couple, with_homework):
    """Sam, the couple's first partner, signed in on a client of their own; homework assigned."""
    return signed_in(couple.partner_at(1).user)


@pytest.fixture
def alex(signed_in, couple, with_homework):
    """Alex, the couple's second partner, signed in on a client of their own; homework assigned."""
    return signed_in(couple.partner_at(2).user)


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 that the app sends to; yields its ``Inbox``."""
    from tests import smtp_server

    controller, inbox, port = smtp_server.start()
    app.config["MAIL_SMTP_URL"] = f"smtp://127.0.0.1:{port}?starttls=off"
    inbox.url = app.config["MAIL_SMTP_URL"]
    try:
        yield inbox
    finally:
        controller.stop()


# --- Spanish (#19): Sam reads Spanish and Alex English ---------------------------------------


@pytest.fixture
def spanish_homework(app, counselor, couple):
    """Every kind assigned from this week, a shared need each; Sam reads Spanish, Alex
    English. A Spanish test module names what it needs as ``made`` (this, or more)."""
    from tests import factories

    app.config["LANGUAGES"] = ["en", "es"]
    made = factories.homework(couple)
    couple.partner_at(1).user.locale = "es"
    db.session.commit()
    return made


@pytest.fixture
def sam_es(signed_in, couple, made):
    """Sam, who reads Spanish, signed in (after the module's ``made``)."""
    return signed_in(couple.partner_at(1).user)


@pytest.fixture
def alex_en(signed_in, couple, made):
    """Alex, who reads English, signed in (after the module's ``made``)."""
    return signed_in(couple.partner_at(2).user)
