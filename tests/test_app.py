"""The app factory and configuration."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app import create_app
from config import ConfigError, load_config
from extensions import db
from tests.conftest import login

STRONG_KEY = "k" * 48


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HEARTH_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))


@pytest.mark.parametrize("weak", ["dev", "change-me", "short-but-random-xyz"])
def test_production_refuses_a_weak_secret_key(monkeypatch, tmp_path, weak):
    monkeypatch.setenv("HEARTH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", weak)
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def test_production_with_a_real_key_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("HEARTH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    settings = load_config(str(tmp_path))
    assert settings["SECRET_KEY"] == STRONG_KEY
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_laptop_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("HEARTH_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    second = load_config(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_is_the_default_database(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{tmp_path}/hearth.db"


@pytest.mark.parametrize("given", ["postgres://u@db:5432/hearth", "postgresql://u@db:5432/hearth"])
def test_postgres_urls_use_psycopg_3(monkeypatch, tmp_path, given):
    monkeypatch.setenv("DATABASE_URL", given)
    url = load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"]
    assert url == "postgresql+psycopg://u@db:5432/hearth"


def test_config_argument_overrides_the_environment(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INVITATION_DAYS": 3})
    assert app.config["INVITATION_DAYS"] == 3


def test_sqlite_runs_with_wal_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_every_page_carries_security_headers(client, counselor):
    login(client, counselor.email)
    for path in ("/login", "/counselor/", "/healthz", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


def test_timestamps_come_back_in_utc(app, counselor):
    db.session.expire_all()
    assert counselor.created_at.utcoffset().total_seconds() == 0


def test_an_unexpected_error_gets_a_friendly_page(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 40})

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "a bug" not in page and "Traceback" not in page


def test_a_given_secret_key_leaves_no_key_file(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = load_config(str(tmp_path), {"SECRET_KEY": "given-by-the-caller-" + "x" * 20})
    assert settings["SECRET_KEY"].startswith("given-by-the-caller-")
    assert not (tmp_path / "secret_key").exists()
