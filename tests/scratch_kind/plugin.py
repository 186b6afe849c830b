"""A pytest plugin that registers the throwaway kind, as its one registry line would.

``tests/test_scratch_kind.py`` runs ``tests/test_kinds.py`` again with it
(``-p tests.scratch_kind.plugin``) in a process of its own, so the rest of the suite never
sees the kind. The test database gets its table with ``create_all``, standing in for the
kind's migration (a throwaway must not enter the real chain of migrations).
"""

from __future__ import annotations

import pytest

from kinds import registry
from tests.scratch_kind.gratitude.kind import GratitudeKind
from tests.scratch_kind.gratitude.models import GratitudeNote

registry.REGISTRY.append(GratitudeKind())


@pytest.fixture(scope="session", autouse=True)
def _scratch_table(_migrated, database_url):
    from app import create_app
    from extensions import db
    from tests.conftest import _test_config

    app = create_app(_test_config(database_url))
    with app.app_context():
        GratitudeNote.__table__.create(db.engine, checkfirst=True)
        db.engine.dispose()
    yield


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line("registered kinds: " + ", ".join(registry.keys()))
