"""The one counter of SQL statements, for the tests (the ``queries`` fixture) and the
benchmarks (``bench/run.py``, ``bench/mail.py``) alike."""

from __future__ import annotations

from sqlalchemy import event


class QueryCounter:
    """Counts, and keeps, the SQL statements sent while it is active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)
