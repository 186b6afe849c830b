"""Backing up the whole database to one file, and restoring it.

SQLite is copied with its online backup API, which reads one consistent snapshot while
Hearth keeps serving (in WAL mode writers are not held up). PostgreSQL is dumped with
``pg_dump --format=custom`` and restored with ``pg_restore --clean --if-exists`` in a
single transaction, so a restore that fails part-way changes nothing.

A backup holds everything couples wrote, so the file is created readable by its owner
only. Every step checks its result before replacing anything: a backup is written
beside its target and renamed into place once it is known to be whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore are run with argument lists
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, func, inspect, select, text

from extensions import db

ALEMBIC_TABLE = "alembic_version"
SUPPORTED = ("sqlite", "postgresql")


class BackupError(RuntimeError):
    """Why a backup or restore cannot go ahead, in words for the person running it."""


@dataclass(frozen=True)
class BackupFile:
    """What a backup file holds, as far as we can tell without restoring it."""

    path: Path
    taken_at: datetime
    tables: frozenset[str]
    # Rows per table; known for SQLite backups only (a PostgreSQL archive is not queried).
    rows: dict[str, int] = field(default_factory=dict)


def describe_database(engine: Engine) -> str:
    """The database's address without its password, to show in messages."""
    return engine.url.render_as_string(hide_password=True)


def _dialect(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in SUPPORTED:
        raise BackupError(f"Backups work with SQLite and PostgreSQL; this database is {name}.")
    if name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        raise BackupError("This SQLite database lives in memory only; there is no file to copy.")
    return name


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each of Hearth's tables that has any (alembic's bookkeeping left out)."""
    existing = set(inspect(engine).get_table_names())
    counts = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name not in existing:
                continue
            n = connection.scalar(select(func.count()).select_from(table))
            if n:
                counts[table.name] = n
    return counts


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it has none."""
    if ALEMBIC_TABLE not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.scalar(text(f"SELECT version_num FROM {ALEMBIC_TABLE}"))  # noqa: S608


def newest_revision() -> str | None:
    """The newest migration this version of Hearth knows."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    return ScriptDirectory.from_config(config).get_current_head()


def backup(engine: Engine, path: Path, *, overwrite: bool = False) -> BackupFile:
    """Copy the whole database to ``path``; safe while the app is running."""
    dialect = _dialect(engine)
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists. Choose a new name, or pass --overwrite.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial-{secrets.token_hex(4)}")
    # Created empty and private before any data goes in, so no one else can ever read it.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if dialect == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _pg_dump(engine, partial)
        described = inspect_backup(engine, partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupFile(path, described.taken_at, described.tables, described.rows)


def inspect_backup(engine: Engine, path: Path) -> BackupFile:
    """Check that ``path`` is a whole Hearth backup for this kind of database."""
    dialect = _dialect(engine)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    if dialect == "sqlite":
        return _sqlite_inspect(path)
    return _pg_inspect(path)


def restore(engine: Engine, path: Path) -> None:
    """Replace the whole database with the backup in ``path``.

    The caller asks for confirmation first when the database holds data (see
    ``row_counts``); this function only checks that the backup is whole.
    """
    dialect = _dialect(engine)
    described = inspect_backup(engine, path)
    # Our own open transactions would hold locks the restore has to take.
    db.session.remove()
    engine.dispose()
    try:
        if dialect == "sqlite":
            _sqlite_restore(engine, Path(path))
        else:
            _pg_restore(engine, Path(path), described)
    finally:
        engine.dispose()


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_check(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database Hearth can read ({error}).") from None
    if result != [("ok",)]:
        problems = "; ".join(row[0] for row in result[:3])
        raise BackupError(f"{path} is damaged: {problems}")


def _sqlite_backup(engine: Engine, partial: Path) -> None:
    target = sqlite3.connect(partial)
    try:
        with engine.connect() as connection:
            source = connection.connection.dbapi_connection
            # All pages in one step: one consistent snapshot of the database.
            source.backup(target)
        # One self-contained file, without a write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        _sqlite_check(target, partial)
    finally:
        target.close()


def _sqlite_open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def _sqlite_inspect(path: Path) -> BackupFile:
    source = _sqlite_open_read_only(path)
    try:
        _sqlite_check(source, path)
        tables = {
            name
            for (name,) in source.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if ALEMBIC_TABLE not in tables:
            raise BackupError(f"{path} is a SQLite database, but not a Hearth backup.")
        rows = {}
        for name in (t.name for t in db.metadata.sorted_tables if t.name in tables):
            n = source.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            if n:
                rows[name] = n
    finally:
        source.close()
    taken_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return BackupFile(path, taken_at, frozenset(tables), rows)


def _sqlite_restore(engine: Engine, path: Path) -> None:
    source = _sqlite_open_read_only(path)
    try:
        with engine.connect() as connection:
            target = connection.connection.dbapi_connection
            # Page by page into the live file, under its write lock: other connections
            # see either the old database or the restored one, never a mixture.
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"The restore did not go through, nothing was changed: {error}") from None
    finally:
        source.close()
    with engine.connect() as connection:
        result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
    if result != "ok":
        raise BackupError(f"The restored database does not check out: {result}")


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. It comes with PostgreSQL's client tools "
            "(on Debian or Ubuntu: apt-get install postgresql-client); its major version "
            "must be at least the server's."
        )
    return found


def _pg_connection(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the tools, and an environment with the password.

    The password travels in the environment, not on the command line, where any local
    user could read it in the process list.
    """
    from psycopg.conninfo import make_conninfo

    url = engine.url
    params = {
        key: value
        for key, value in {
            "host": url.host,
            "port": str(url.port) if url.port else None,
            "user": url.username,
            "dbname": url.database,
        }.items()
        if value
    }
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return make_conninfo(**params), env


def _run(args: list[str], env: dict[str, str], failure: str) -> str:
    """Run a PostgreSQL tool; ``failure`` starts the message if it does not succeed."""
    result = subprocess.run(  # noqa: S603 - a fixed tool with our own arguments, no shell
        args, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        raise BackupError(f"{failure}. {Path(args[0]).name} said: {detail}")
    return result.stdout


def _pg_dump(engine: Engine, partial: Path) -> None:
    conninfo, env = _pg_connection(engine)
    _run(
        [_pg_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={conninfo}"],
        env,
        "The backup did not go through",
    )


_CREATED = re.compile(r"^;\s+Archive created at (.+)$", re.M)
_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.M)


def _pg_inspect(path: Path) -> BackupFile:
    listing = _run(
        [_pg_tool("pg_restore"), "--list", str(path)],
        dict(os.environ),
        f"{path} could not be read as a PostgreSQL backup",
    )
    tables = {name for schema, name in _TABLE.findall(listing) if schema == "public"}
    if ALEMBIC_TABLE not in tables:
        raise BackupError(f"{path} is a PostgreSQL backup, but not of a Hearth database.")
    taken_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    created = _CREATED.search(listing)
    stamp = created.group(1).strip() if created else ""
    if stamp.endswith((" UTC", " GMT")):  # else the server's zone: the file's time will do
        with contextlib.suppress(ValueError):
            taken_at = datetime.strptime(stamp[:-4], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return BackupFile(path, taken_at, frozenset(tables))


def extra_tables(engine: Engine, backup_file: BackupFile) -> list[str]:
    """Tables in the database that the backup does not have (from a newer schema)."""
    return sorted(set(inspect(engine).get_table_names()) - backup_file.tables)


def _pg_restore(engine: Engine, path: Path, described: BackupFile) -> None:
    extras = extra_tables(engine, described)
    if extras:
        # Made by a newer migration than the backup's: they would keep the restored
        # tables from being dropped, and block the next upgrade. (This step is not part
        # of pg_restore's transaction; the restore itself is all or nothing.)
        quote_name = engine.dialect.identifier_preparer.quote
        with engine.begin() as connection:
            for name in extras:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quote_name(name)} CASCADE")
    conninfo, env = _pg_connection(engine)
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={conninfo}",
            str(path),
        ],
        env,
        "The restore did not go through, and nothing was changed",
    )
