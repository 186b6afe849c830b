"""The migration chain: from an empty database to head, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from app import create_app
from extensions import db
from tests.conftest import TEST_SECRET

TABLES = {
    "users",
    "couples",
    "partners",
    "invitations",
    "assignments",
    "rhythm_items",
    "rhythm_marks",
    "rhythm_reflections",
    "needs",
    "need_wordings",
    "need_steps",
    "steps_done",
    "need_ratings",
    "check_ins",
    "counseling_sessions",
    "session_assignments",
    "pinned_moments",
    "summary_pdfs",
    "messages",
    "mail_settings",
    "mail_choices",
    "mail_suppressions",
    "password_resets",
    "email_changes",
    "private_words",
}


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new, empty database of the same kind as the test database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    name = f"hearth_migrate_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_from_empty_to_head_then_back(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": TEST_SECRET})
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES

        head = ScriptDirectory.from_config(
            app.extensions["migrate"].migrate.get_config()
        ).get_current_head()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == head
            # The models and the migrations describe the same schema.
            assert compare_metadata(context, db.metadata) == []

        downgrade(revision="base")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        db.engine.dispose()
