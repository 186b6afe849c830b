"""Review point 10: erased words leave the disk, not only the tables.

SQLite kept deleted text in its write-ahead log (``-wal``) until a checkpoint, and in
free pages of the database file. After a partner leaves, or a couple is deleted, the raw
bytes of both files must no longer hold a word only that erased data held. (PostgreSQL
keeps dead rows until VACUUM: see SECURITY.md for the operator's part.)
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import text

from extensions import db
from models import Visibility
from tests import factories
from tests.conftest import login


@pytest.fixture
def sqlite_files(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("about SQLite's files; PostgreSQL's part is the operator's VACUUM")
    path = Path(db.engine.url.database)
    # Every connection overwrites what it deletes (many builds do by default; not all).
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1

    def raw_bytes() -> bytes:
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    return raw_bytes


def _plant(couple, made, word: str, visibility: str) -> None:
    factories.check_in(
        made,
        couple.partner_at(1),
        made["week"],
        connected=4,
        heard=4,
        stress=7,
        felt_off=f"Only for the counselor: {word}",
        felt_off_visibility=visibility,
    )
    db.session.commit()


def test_a_partners_private_words_leave_the_disk_when_they_leave(app, couple, sqlite_files):
    made = factories.homework(couple)
    word = "PLANTED" + secrets.token_hex(8).upper()
    _plant(couple, made, word, Visibility.COUNSELOR)
    assert word.encode() in sqlite_files()  # it was written, so the test can see it go
    sam = app.test_client()
    login(sam, couple.partner_at(1).user.email)
    response = sam.post("/account/leave", data={"password": factories.PASSWORD})
    assert response.status_code == 302
    assert word.encode() not in sqlite_files()


def test_a_deleted_couples_words_leave_the_disk(app, counselor, couple, sqlite_files):
    made = factories.homework(couple)
    word = "PLANTED" + secrets.token_hex(8).upper()
    _plant(couple, made, word, Visibility.SHARED)
    assert word.encode() in sqlite_files()
    dana = app.test_client()
    login(dana, counselor.email)
    response = dana.post(
        f"/counselor/couples/{couple.id}/delete", data={"confirm_name": couple.name}
    )
    assert response.status_code == 302
    assert word.encode() not in sqlite_files()
