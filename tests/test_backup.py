"""Backups and restores: ``flask backup PATH`` and ``flask restore PATH``.

A restore must bring back every row of every table exactly, refuse to overwrite data
without ``--yes``, and leave the database untouched when the file is not a whole backup.
Runs on SQLite and, with HEARTH_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import stat
import threading

import pytest
from sqlalchemy import MetaData, select, text, update

from commands import seed_demo
from domain import backup
from extensions import db
from models import CounselingSession, Couple, SummaryPdf, User
from tests import factories

ALEMBIC = "alembic_version"


def run(app, *args):
    # The test's own session must not hold locks the restore has to take.
    db.session.commit()
    db.session.close()
    return app.test_cli_runner().invoke(args=list(args))


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table in the database, in primary-key order."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    rows = {}
    with db.engine.connect() as connection:
        for table in meta.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [
                tuple(r) for r in connection.execute(select(table).order_by(*order))
            ]
    return rows


@pytest.fixture
def seeded(app):
    """The demo practice, a name in several scripts, and a cached PDF with binary content."""
    made = seed_demo("a long demo password")
    made["joined"].name = "Zoë & 李 · שלום 💛"
    db.session.flush()
    session = db.session.scalars(
        select(CounselingSession).where(CounselingSession.couple_id == made["joined"].id)
    ).first()
    db.session.add(
        SummaryPdf(
            session_id=session.id, copy="couple", content_hash="0" * 64, pdf=bytes(range(256))
        )
    )
    db.session.commit()
    before = snapshot()
    # Every table the models declare, and alembic's, is there to compare.
    assert {t.name for t in db.metadata.sorted_tables} | {ALEMBIC} <= set(before)
    assert before[ALEMBIC], "the schema should have a migration revision"
    assert sum(bool(rows) for rows in before.values()) >= 15, "most tables should have rows"
    return before


def wipe_and_alter() -> None:
    """What a bad day looks like: rows changed, rows gone, rows that should not be there."""
    db.session.execute(update(User).values(display_name="Someone else"))
    db.session.add(
        Couple(counselor=db.session.scalars(select(User)).first(), name="Not ours", timezone="UTC")
    )
    db.session.commit()
    with db.engine.begin() as connection:
        for name in ("check_ins", "need_ratings", "rhythm_marks", "summary_pdfs"):
            connection.execute(db.metadata.tables[name].delete())


def test_restore_brings_back_every_row_of_every_table(app, seeded, tmp_path):
    path = tmp_path / "hearth.backup"
    result = run(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and str(path) in result.output
    # It holds everything couples wrote: readable by its owner only.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    wipe_and_alter()
    assert snapshot() != seeded

    result = run(app, "restore", "--yes", str(path))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert snapshot() == seeded

    # The database keeps working after a restore: new rows get fresh ids.
    factories.counselor(email="after-restore@example.com")
    db.session.commit()
    assert db.session.scalar(select(User).where(User.email == "after-restore@example.com"))


def test_restore_refuses_to_replace_data_without_yes(app, seeded, tmp_path):
    path = tmp_path / "hearth.backup"
    assert run(app, "backup", str(path)).exit_code == 0
    wipe_and_alter()
    altered = snapshot()

    result = run(app, "restore", str(path))

    assert result.exit_code != 0
    # It says what would be replaced, by what, and how to go ahead.
    assert "already holds data" in result.output
    assert "users 3" in result.output and "couples 3" in result.output
    assert str(path) in result.output and "--yes" in result.output
    assert "Nothing was changed" in result.output
    assert snapshot() == altered


def test_restore_into_an_empty_database_needs_no_confirmation(app, seeded, tmp_path):
    path = tmp_path / "hearth.backup"
    assert run(app, "backup", str(path)).exit_code == 0
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())

    result = run(app, "restore", str(path))

    assert result.exit_code == 0, result.output
    assert snapshot() == seeded


def test_restore_drops_tables_the_backup_does_not_have(app, seeded, tmp_path):
    """A newer schema's table (pointing at an old one) must not block or outlive a restore."""
    path = tmp_path / "hearth.backup"
    assert run(app, "backup", str(path)).exit_code == 0
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE later_feature (id INTEGER PRIMARY KEY, "
                "user_id INTEGER REFERENCES users (id))"
            )
        )
        connection.execute(
            text("INSERT INTO later_feature (id, user_id) SELECT 1, min(id) FROM users")
        )
    try:
        result = run(app, "restore", "--yes", str(path))
        assert result.exit_code == 0, result.output
        assert snapshot() == seeded
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS later_feature"))


def test_a_file_that_is_not_a_backup_changes_nothing(app, seeded, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"SQLite format 3\x00 but not really" * 40)

    result = run(app, "restore", "--yes", str(path))

    assert result.exit_code != 0
    assert str(path) in result.output
    assert "Traceback" not in result.output
    assert snapshot() == seeded


def test_a_missing_file_is_named(app, seeded, tmp_path):
    result = run(app, "restore", "--yes", str(tmp_path / "nowhere.backup"))
    assert result.exit_code != 0
    assert "There is no file at" in result.output


def test_backup_never_overwrites_an_existing_file_unasked(app, seeded, tmp_path):
    path = tmp_path / "hearth.backup"
    path.write_bytes(b"an older backup")

    result = run(app, "backup", str(path))

    assert result.exit_code != 0
    assert "already exists" in result.output and "--overwrite" in result.output
    assert path.read_bytes() == b"an older backup"
    assert [p.name for p in tmp_path.iterdir()] == ["hearth.backup"]  # no partial file left

    result = run(app, "backup", "--overwrite", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes() != b"an older backup"


def test_sqlite_backup_is_consistent_while_someone_writes(app, seeded, tmp_path):
    """The online backup reads one snapshot while the app keeps writing."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite online backup API; PostgreSQL's pg_dump reads one snapshot")
    stop = threading.Event()
    started = threading.Event()
    written = []
    database = db.engine.url.database

    def writer():
        connection = sqlite3.connect(database, timeout=10)
        n = 0
        while not stop.is_set() and n < 5000:
            n += 1
            with connection:
                connection.execute(
                    "UPDATE users SET display_name = ? WHERE id = (SELECT min(id) FROM users)",
                    (f"writer {n}",),
                )
            written.append(n)
            started.set()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(timeout=10)
        paths = []
        for i in range(3):
            path = tmp_path / f"during-{i}.backup"
            backup.backup(db.engine, path)
            paths.append(path)
        during = len(written)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert during > 1, "the writer should have been writing while the backups ran"
    for path in paths:
        copy = sqlite3.connect(path)
        try:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute("SELECT count(*) FROM users").fetchone() == (3,)
        finally:
            copy.close()
