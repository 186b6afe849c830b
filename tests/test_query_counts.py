"""Pages issue a fixed number of queries, however many couples and weeks there are."""

from __future__ import annotations

import pytest

from domain.homework import couple_week
from extensions import db
from tests import factories
from tests.conftest import login


def practice(counselor, couples: int, weeks: int):
    """``couples`` couples of one counselor, each with ``weeks`` weeks of history."""
    made = []
    for n in range(couples):
        couple = factories.couple(counselor, f"Couple {n}", names=(f"Sam{n}", f"Alex{n}"))
        hw = factories.homework(couple)
        factories.history(couple, hw, weeks)
        made.append(couple)
    db.session.commit()
    return made


def count(app, queries, user, path: str) -> int:
    client = app.test_client()
    login(client, user.email)
    client.get(path)  # warm: the first request may load things once per process
    with queries() as q:
        response = client.get(path)
    assert response.status_code == 200, path
    return q.count


# The exact number per page: a change that adds a query shows up here, on purpose.
# (The couple page's count includes the audit row recording that it was viewed, and one
# query for which messages each partner gets.)
# Between sessions: the dashboard reads the counselor's visits and today's and tomorrow's
# sessions (+2); the couple page its next session and records the visit (+2); every
# partner page asks once whether a summary is new, for the dot on "Summaries" (+1), and
# This week also reads the next session (+1). A partner's pages include three for the
# confidentiality policy: their place, the policy in force and which versions they
# confirmed (+3). The couple page's "Since the last session" asks once for the last
# recorded session (+1); its words come from what the grid already loaded.
# The dashboard loads each partner with their name in one query, and links only for places
# nobody joined yet (none here): -2. Each place comes with its person (-1 on the couple
# page), and a partner's place, couple and counselor with the signed-in user, which the
# page and the confidentiality policy's check then share (-2). The dashboard counts the
# unread private words of all the couples at once, and the couple page lists the couple's
# (+1 each). The shared journal reads its moments and the check-ins' numbers that say a
# week was hard (+2 on every page that loads homework), and who wrote this week on the
# dashboard (+1). The pause agreement reads its rule's wordings and its pauses (+2), and
# the week's pauses on the dashboard (+1). The disconnection inventory adds two to each
# page that loads homework: its schedules (with the assignments) and its takes (or, on the
# dashboard, their totals). The connection plan adds two as well: its numbers (with the
# assignments) and its planned times (or, on the dashboard, this week's and the next).
# Appreciation notes read the couple's notes on every page that loads homework (+1), and who
# wrote how many this week on the dashboard (+1).
EXPECTED = {
    "dashboard": 20,
    "couple": 30,
    "partner home": 26,
    "needs": 27,
    "past week": 25,
    "check-in": 7,
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_query_count_does_not_grow_with_couples_or_weeks(app, queries, page):
    counts = {}
    for couples, weeks in ((2, 2), (20, 2), (2, 30)):
        counselor = factories.counselor(f"Counselor {couples}-{weeks}")
        made = practice(counselor, couples, weeks)
        couple = made[0]
        this_week = couple_week(couple).start
        last_week = this_week.fromordinal(this_week.toordinal() - 7)
        path, user = {
            "dashboard": ("/counselor/", counselor),
            "couple": (f"/counselor/couples/{couple.id}", counselor),
            "partner home": ("/week", couple.partner_at(1).user),
            "needs": ("/needs/", couple.partner_at(1).user),
            "past week": (f"/week/{last_week}", couple.partner_at(2).user),
            "check-in": (f"/week/{this_week}/check-in", couple.partner_at(2).user),
        }[page]
        counts[(couples, weeks)] = count(app, queries, user, path)
    print(page, counts)
    assert len(set(counts.values())) == 1, counts
    assert set(counts.values()) == {EXPECTED[page]}, counts
