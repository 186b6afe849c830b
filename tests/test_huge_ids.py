"""Review point 7: numbers too large for the database in a URL are a plain 404.

Every route with a number in its path is walked, with every method it takes, by an
anonymous visitor, a counselor and a partner, with IDs just beyond the integer columns'
range and far beyond 64 bits. None may answer anything but 404 (before, SQLite could not
bind such a number and the page was a server error).
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from extensions import db
from tests import factories
from tests.conftest import login
from web.converters import ID_MAX, IdConverter

HUGE = [ID_MAX + 1, 2**63, 2**64, 10**40]
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _routes_with_numbers(app):
    for rule in app.url_map.iter_rules():
        numbers = [
            name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)
        ]
        if numbers:
            yield rule, numbers


def _path(rule, numbers, huge: int, week: str, which: str) -> str:
    """The rule's path with ``huge`` in one number (``which``), sensible values elsewhere."""

    def fill(match):
        converter, name = match.group(1), match.group(2)
        if name in numbers:
            return str(huge) if name == which else "1"
        if converter == "date":
            return week
        return {"copy": "couple", "kind": "rhythm"}.get(name, "x")

    return PLACEHOLDER.sub(fill, rule.rule)


def test_every_number_route_uses_the_id_converter(app):
    routes = list(_routes_with_numbers(app))
    assert len(routes) >= 20
    for rule, numbers in routes:
        for name in numbers:
            assert isinstance(rule._converters[name], IdConverter), rule.rule


@pytest.fixture
def visitors(app):
    dana = factories.counselor()
    couple = factories.couple(dana)
    made = factories.homework(couple)
    db.session.commit()
    clients = {"anonymous": app.test_client()}
    for name, user in (("counselor", dana), ("partner", couple.partner_at(1).user)):
        clients[name] = app.test_client()
        assert login(clients[name], user.email).status_code == 200
    return clients, made["week"].isoformat()


def test_ids_beyond_the_databases_integers_are_404_on_every_route(app, visitors):
    clients, week = visitors
    wrong, cases = [], 0
    for rule, numbers in _routes_with_numbers(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for which in numbers:
                for huge in HUGE:
                    url = _path(rule, numbers, huge, week, which)
                    for visitor, client in clients.items():
                        if method == "GET":
                            response = client.get(url)
                        else:
                            response = client.open(
                                url, method=method, data={"csrf_token": client.csrf_token()}
                            )
                        cases += 1
                        if response.status_code != 404:
                            wrong.append(f"{visitor} {method} {url}: {response.status_code}")
    assert cases > 100
    assert not wrong, "\n".join(wrong)
