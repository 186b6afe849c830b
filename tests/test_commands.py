"""The command-line tasks: create-counselor and seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from commands import DEMO_COUNSELOR, DEMO_PARTNERS
from domain.accounts import authenticate
from extensions import db
from models import Couple, Role, User
from tests import factories

PASSWORD = "a counselor's long password"


def run(app, *args, env=None, input=None):
    return app.test_cli_runner().invoke(args=list(args), env=env or {}, input=input)


def test_create_counselor_reads_the_password_from_the_environment(app):
    result = run(
        app,
        "create-counselor",
        "Dana@Example.com",
        "--name",
        "Dana Rivera",
        env={"HEARTH_COUNSELOR_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert "Counselor Dana Rivera <dana@example.com> created" in result.output
    user = authenticate("dana@example.com", PASSWORD)
    assert user is not None and user.role == Role.COUNSELOR


def test_create_counselor_asks_for_the_password_twice(app, monkeypatch):
    monkeypatch.delenv("HEARTH_COUNSELOR_PASSWORD", raising=False)
    result = run(
        app,
        "create-counselor",
        "lee@example.com",
        "--name",
        "Lee",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert authenticate("lee@example.com", PASSWORD) is not None


def test_create_counselor_refuses_a_short_password(app):
    result = run(
        app,
        "create-counselor",
        "lee@example.com",
        "--name",
        "Lee",
        env={"HEARTH_COUNSELOR_PASSWORD": "short"},
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_counselor_refuses_a_taken_or_bad_email(app, counselor):
    env = {"HEARTH_COUNSELOR_PASSWORD": PASSWORD}
    taken = run(app, "create-counselor", counselor.email, "--name", "Again", env=env)
    assert taken.exit_code != 0 and "already exists" in taken.output
    bad = run(app, "create-counselor", "not-an-email", "--name", "X", env=env)
    assert bad.exit_code != 0 and "not an e-mail address" in bad.output


def test_seed_demo_creates_a_joined_couple_and_an_invited_one(app):
    result = run(app, "seed-demo", env={"HEARTH_DEMO_PASSWORD": "demo password 2026"})
    assert result.exit_code == 0, result.output
    assert DEMO_COUNSELOR in result.output and "demo password 2026" in result.output
    couples = {c.name: c for c in db.session.scalars(select(Couple))}
    assert all(p.joined for p in couples["Sam & Alex"].partners)
    assert not any(p.joined for p in couples["Jordan & Riley"].partners)
    for _name, email in DEMO_PARTNERS:
        assert authenticate(email, "demo password 2026") is not None


def test_seed_demo_writes_no_answer_in_the_future(app):
    """The demo couple's answers of this week are dated today at the latest: a counselor
    trying Hearth on a Thursday must not read words "written" on Saturday."""
    from datetime import datetime

    from kinds import registry
    from models import utcnow

    assert run(app, "seed-demo", env={"HEARTH_DEMO_PASSWORD": "demo password 2026"}).exit_code == 0
    now = utcnow()
    checked = 0
    for kind in registry.REGISTRY:
        for model in kind.models:
            for column in model.__table__.columns:
                if getattr(column.type, "impl", column.type).python_type is datetime:
                    latest = db.session.scalar(select(func.max(column)))
                    if latest is not None:
                        checked += 1
                        assert latest.replace(tzinfo=now.tzinfo) <= now, (
                            model.__name__,
                            column.name,
                        )
    assert checked >= 3


def test_seed_demo_generates_and_prints_a_password(app, monkeypatch):
    monkeypatch.delenv("HEARTH_DEMO_PASSWORD", raising=False)
    result = run(app, "seed-demo")
    assert result.exit_code == 0
    password = result.output.split("password", 1)[1].split()[0]
    assert authenticate(DEMO_COUNSELOR, password) is not None


def test_seed_demo_refuses_a_database_with_real_users(app):
    factories.counselor()
    db.session.commit()
    result = run(app, "seed-demo", env={"HEARTH_DEMO_PASSWORD": "demo password 2026"})
    assert result.exit_code != 0
    assert "--force" in result.output
    assert db.session.scalar(select(func.count(Couple.id))) == 0
    forced = run(app, "seed-demo", "--force", env={"HEARTH_DEMO_PASSWORD": "demo password 2026"})
    assert forced.exit_code == 0
    assert db.session.scalar(select(func.count(Couple.id))) == 2


def test_seed_demo_if_empty_leaves_a_used_database_alone(app):
    env = {"HEARTH_DEMO_PASSWORD": "demo password 2026"}
    assert run(app, "seed-demo", "--if-empty", env=env).exit_code == 0
    again = run(app, "seed-demo", "--if-empty", env=env)
    assert again.exit_code == 0
    assert "already here" in again.output
    assert db.session.scalar(select(func.count(Couple.id))) == 2
