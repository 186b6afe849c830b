"""Pages issue a fixed number of queries, however many couples and weeks there are."""

from __future__ import annotations

import pytest

from domain.homework import couple_week
from extensions import db
from kinds.needs.models import Need
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
# A need's earlier wordings are read only by the needs page (and the export), not by every
# page that loads the needs (-1 on the couple page, This week, a past week). The dashboard's
# couples come without the kinds' own loads: the inventory reads every couple's schedule in
# one query of its own (the same count, and it no longer grows with the couples).
# The couple page lists the counselor's live templates to assign from (+1).
# The check-in's versions of a counselor's own questions come with the assignments, with
# their questions, in one query (+1 on every page that loads homework); the answers to
# them in one more, asked only when a loaded check-in was written under such a version.
# Questionnaires add three to each page that loads homework: the schedules (with the
# assignments), the takes, and the versions they were answered under with their items and
# options (one query); on the dashboard the takes' answers, the versions and the schedules.
# A partner's place no longer comes with the couple's assignments: a page that shows
# homework reads them once, with each kind's own rows (-1 on This week, a past week and the
# needs page); the check-in page reads them when it asks which assignment covers its week.
# The dashboard reads the page's couple ids, versions and the counselor's visits in one
# query, then the couples to draw (the same count). These counts are of rows drawn anew
# (the suite checks every kept row by drawing it again); a row kept from an earlier look
# reads nothing (tests/test_kept_pieces.py: three queries in all).
EXPECTED = {
    "dashboard": 22,
    "couple": 34,
    "partner home": 27,
    "needs": 29,
    "past week": 26,
    "check-in": 6,
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


# A tap on a rating with HTMX: signing in, the place and the homework, the need, the
# rating, the policy it is written under, the write (the rating, its audit row, the
# couple's data version), then this week's answers of every kind for the counter and the
# card. The commit keeps what the action read, so nothing is read twice (it was 26).
# The five newer kinds each read their week's answers for the counter (+9). The
# check-in's versions of its questions come with the homework (+1); questionnaires
# their schedule, takes and versions (+3).
HTMX_RATING = 32


def test_an_htmx_rating_reads_nothing_twice(app, queries):
    counselor = factories.counselor("Counselor of one")
    couple = practice(counselor, 2, 30)[0]
    need = db.session.scalar(
        db.select(Need).where(Need.owner_id == couple.partner_at(1).id).order_by(Need.id)
    )
    week = couple_week(couple).start
    client = app.test_client()
    login(client, couple.partner_at(1).user.email)
    key = f"rating-{need.id}"
    path = f"/week/{week}/needs/{need.id}/rating"
    counts = []
    for word in ("met", "partly", "met"):
        body = {f"{key}-rating": word, f"{key}-comment": "", f"{key}-comment_visibility": "shared"}
        with queries() as q:
            response = client.post(path, data=body, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert 'id="card-needs"' in response.text and 'id="week-progress"' in response.text
        counts.append(q.count)
    # The first tap inserts the week's rating; each one after changes it.
    assert counts[1:] == [HTMX_RATING, HTMX_RATING], counts


def test_questionnaire_pages_do_not_grow_with_items_or_rounds(app, queries):
    """The couple page and the partner's week read the same number of queries whether the
    questionnaire has three items or thirty, and one round of answers or ten."""
    from datetime import timedelta

    from kinds.questionnaire import library
    from kinds.questionnaire.models import QuestionnaireTake

    counts = {}
    for items, rounds in ((3, 1), (30, 1), (3, 10)):
        counselor = factories.counselor(f"Counselor q{items}-{rounds}")
        couple = practice(counselor, 1, 2)[0]
        q = library.build(
            {
                "name": f"Q {items}",
                "options": [[0, "No"], [1, "Yes"]],
                "items": [[f"Item {n}", n % 3 == 0] for n in range(items)],
                "cutoff": 2,
                "cutoff_meaning": "a look",
                "reliable_change": 1,
            },
            owner_id=counselor.id,
        )
        db.session.add(q)
        db.session.flush()
        assignment = next(a for a in couple.assignments if a.kind == "questionnaire")
        this_week = couple_week(couple).start
        assignment.starts_on = this_week - timedelta(weeks=rounds - 1)
        assignment.questionnaire_schedule.questionnaire = q
        assignment.questionnaire_schedule.every_weeks = 1
        for r in range(rounds):
            for partner in couple.partners:
                db.session.add(
                    QuestionnaireTake(
                        assignment_id=assignment.id,
                        partner_id=partner.id,
                        questionnaire_id=q.id,
                        week_start=assignment.starts_on + timedelta(weeks=r),
                        answers={str(i.id): (r + i.id) % 2 for i in q.items},
                        score_shared=partner.place == 1,
                    )
                )
        db.session.commit()
        for page, (path, user) in {
            "couple": (f"/counselor/couples/{couple.id}", counselor),
            "partner home": ("/week", couple.partner_at(2).user),
            "questionnaire": (f"/week/{this_week}/questionnaire", couple.partner_at(1).user),
        }.items():
            counts.setdefault(page, set()).add(count(app, queries, user, path))
    assert all(len(c) == 1 for c in counts.values()), counts
    assert counts["couple"] == {EXPECTED["couple"]}
    assert counts["partner home"] == {EXPECTED["partner home"]}
