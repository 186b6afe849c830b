"""Who reaches what: every route, for every kind of visitor, with CSRF switched on.

Foreign or unknown IDs answer 404, exactly like things that do not exist. A partner who
opens a counselor page gets 403; a visitor who is not signed in is sent to sign in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain import invitations
from extensions import db
from models import Couple
from tests import factories
from tests.conftest import login

ANON, COUNSELOR_A, COUNSELOR_B, PARTNER_X, PARTNER_Y = (
    "anonymous",
    "counselor A",
    "counselor B",
    "partner of X",
    "partner of Y",
)
VISITORS = [ANON, COUNSELOR_A, COUNSELOR_B, PARTNER_X, PARTNER_Y]
LOGIN = "login"  # a redirect to the sign-in page

# Couple X belongs to counselor A, couple Y to counselor B. {x} is X's ID.
# Each row: method, path, expected status per visitor (in the order of VISITORS).
TABLE = [
    ("GET", "/counselor/", [LOGIN, 200, 200, 403, 403]),
    ("GET", "/counselor/couples/new", [LOGIN, 200, 200, 403, 403]),
    ("POST", "/counselor/couples/new", [LOGIN, 422, 422, 403, 403]),
    ("GET", "/counselor/couples/{x}", [LOGIN, 200, 404, 403, 403]),
    ("GET", "/counselor/couples/{missing}", [LOGIN, 404, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/edit", [LOGIN, 200, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/edit", [LOGIN, 302, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/status", [LOGIN, 302, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/partners/1/link", [LOGIN, 302, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/partners/3/link", [LOGIN, 404, 404, 403, 403]),
    ("GET", "/week", [LOGIN, 403, 403, 200, 200]),
    ("GET", "/", [LOGIN, 302, 302, 302, 302]),
    ("GET", "/login", [200, 302, 302, 302, 302]),
    ("POST", "/login", [422, 302, 302, 302, 302]),
    ("POST", "/logout", [302, 302, 302, 302, 302]),
    ("GET", "/join/{token}", [200, 409, 409, 409, 409]),
    ("POST", "/join/{token}", [422, 409, 409, 409, 409]),
    ("GET", "/healthz", [200, 200, 200, 200, 200]),
    # Homework, counselor side: X has all three kinds assigned.
    ("GET", "/counselor/couples/{x}/homework/new/rhythm", [LOGIN, 200, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/homework/new/nonsense", [LOGIN, 404, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/homework/new/checkin", [LOGIN, 422, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/homework/{rhythm}/edit", [LOGIN, 200, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/homework/{rhythm}/edit", [LOGIN, 422, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/homework/{rhythm}/status", [LOGIN, 302, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/homework/{missing}/edit", [LOGIN, 404, 404, 403, 403]),
    # Homework, partner side: the partner of Y has no homework and none of X's objects.
    ("GET", "/week/{week}", [LOGIN, 403, 403, 200, 200]),
    ("GET", "/week/{not_a_week_start}", [LOGIN, 403, 403, 404, 404]),
    ("GET", "/week/{week}/check-in", [LOGIN, 403, 403, 200, 404]),
    ("POST", "/week/{week}/check-in", [LOGIN, 403, 403, 422, 404]),
    ("POST", "/week/{week}/rhythm/{item}/done", [LOGIN, 403, 403, 302, 404]),
    ("POST", "/week/{week}/rhythm/{item}/undo", [LOGIN, 403, 403, 302, 404]),
    ("POST", "/week/{week}/rhythm/{rhythm}/reflection", [LOGIN, 403, 403, 422, 404]),
    ("POST", "/week/{week}/steps/{step}/done", [LOGIN, 403, 403, 302, 404]),
    ("POST", "/week/{week}/steps/{step}/undo", [LOGIN, 403, 403, 302, 404]),
    ("POST", "/week/{week}/steps/{own_step}/done", [LOGIN, 403, 403, 404, 404]),
    ("POST", "/week/{week}/needs/{need}/rating", [LOGIN, 403, 403, 422, 404]),
    ("POST", "/week/{week}/needs/{their_need}/rating", [LOGIN, 403, 403, 404, 404]),
    ("GET", "/needs/", [LOGIN, 403, 403, 200, 200]),
    ("GET", "/needs/new", [LOGIN, 403, 403, 200, 200]),
    ("POST", "/needs/new", [LOGIN, 403, 403, 422, 422]),
    ("GET", "/needs/{need}/edit", [LOGIN, 403, 403, 200, 404]),
    ("POST", "/needs/{need}/edit", [LOGIN, 403, 403, 422, 404]),
    ("GET", "/needs/{their_need}/edit", [LOGIN, 403, 403, 404, 404]),
    # Sessions and summaries: X has session {session} (released) and {draft} (not released).
    ("GET", "/counselor/couples/{x}/sessions", [LOGIN, 200, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/sessions/new", [LOGIN, 200, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/sessions/new", [LOGIN, 422, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/sessions/{session}", [LOGIN, 200, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/sessions/{session}/edit", [LOGIN, 200, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/sessions/{session}/edit", [LOGIN, 422, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/sessions/{session}/pins", [LOGIN, 302, 404, 403, 403]),
    (
        "GET",
        "/counselor/couples/{x}/sessions/{session}/summary-couple.pdf",
        [LOGIN, 200, 404, 403, 403],
    ),
    (
        "GET",
        "/counselor/couples/{x}/sessions/{session}/summary-counselor.pdf",
        [LOGIN, 200, 404, 403, 403],
    ),
    (
        "GET",
        "/counselor/couples/{x}/sessions/{session}/summary-other.pdf",
        [LOGIN, 404, 404, 403, 403],
    ),
    ("POST", "/counselor/couples/{x}/sessions/{session}/release", [LOGIN, 302, 404, 403, 403]),
    ("GET", "/counselor/settings", [LOGIN, 200, 200, 403, 403]),
    ("POST", "/counselor/settings", [LOGIN, 422, 422, 403, 403]),
    ("GET", "/summaries", [LOGIN, 403, 403, 200, 200]),
    ("GET", "/summaries/{session}.pdf", [LOGIN, 403, 403, 200, 404]),
    ("GET", "/summaries/{draft}.pdf", [LOGIN, 403, 403, 404, 404]),
    ("POST", "/needs/{need}/retire", [LOGIN, 403, 403, 302, 404]),
    # Accounts: everyone signed in has their own, and nobody else's.
    ("GET", "/account/", [LOGIN, 200, 200, 200, 200]),
    ("POST", "/account/password", [LOGIN, 422, 422, 422, 422]),
    ("POST", "/account/email", [LOGIN, 422, 422, 422, 422]),
    ("POST", "/account/sign-out-everywhere", [LOGIN, 302, 302, 302, 302]),
    ("GET", "/account/two-step", [LOGIN, 200, 200, 200, 200]),
    ("POST", "/account/two-step", [LOGIN, 422, 422, 422, 422]),
    ("POST", "/account/two-step/off", [LOGIN, 422, 422, 422, 422]),
    ("POST", "/account/two-step/codes", [LOGIN, 302, 302, 302, 302]),
    ("GET", "/login/code", [LOGIN, LOGIN, LOGIN, LOGIN, LOGIN]),
    ("POST", "/login/code", [LOGIN, LOGIN, LOGIN, LOGIN, LOGIN]),
    ("POST", "/counselor/couples/{x}/partners/1/sign-out", [LOGIN, 302, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/partners/2/sign-out", [LOGIN, 404, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/audit", [LOGIN, 200, 404, 403, 403]),
    # The couple's data: a partner's own export and leaving; the counselor's export and delete.
    ("GET", "/account/export", [LOGIN, 403, 403, 200, 200]),
    ("POST", "/account/export", [LOGIN, 403, 403, 200, 200]),
    ("GET", "/account/leave", [LOGIN, 403, 403, 200, 200]),
    ("POST", "/account/leave", [LOGIN, 403, 403, 422, 422]),
    ("GET", "/counselor/couples/{x}/export", [LOGIN, 200, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/export", [LOGIN, 200, 404, 403, 403]),
    ("GET", "/counselor/couples/{missing}/export", [LOGIN, 404, 404, 403, 403]),
    ("GET", "/counselor/couples/{x}/delete", [LOGIN, 200, 404, 403, 403]),
    ("POST", "/counselor/couples/{x}/delete", [LOGIN, 422, 404, 403, 403]),
    ("POST", "/counselor/couples/{missing}/delete", [LOGIN, 404, 404, 403, 403]),
]

# Which url_map rule each table row exercises: a new route without a row fails below.
COVERED_RULES = {
    "/counselor/",
    "/counselor/couples/new",
    "/counselor/couples/<int:couple_id>",
    "/counselor/couples/<int:couple_id>/edit",
    "/counselor/couples/<int:couple_id>/status",
    "/counselor/couples/<int:couple_id>/partners/<int:place>/link",
    "/week",
    "/",
    "/login",
    "/logout",
    "/join/<token>",
    "/healthz",
    "/static/<path:filename>",
    "/counselor/couples/<int:couple_id>/homework/new/<kind>",
    "/counselor/couples/<int:couple_id>/homework/<int:assignment_id>/edit",
    "/counselor/couples/<int:couple_id>/homework/<int:assignment_id>/status",
    "/week/<date:week_start>",
    "/week/<date:week_start>/check-in",
    "/week/<date:week_start>/rhythm/<int:item_id>/done",
    "/week/<date:week_start>/rhythm/<int:item_id>/undo",
    "/week/<date:week_start>/rhythm/<int:assignment_id>/reflection",
    "/week/<date:week_start>/steps/<int:step_id>/done",
    "/week/<date:week_start>/steps/<int:step_id>/undo",
    "/week/<date:week_start>/needs/<int:need_id>/rating",
    "/needs/",
    "/needs/new",
    "/needs/<int:need_id>/edit",
    "/needs/<int:need_id>/retire",
    "/counselor/couples/<int:couple_id>/sessions",
    "/counselor/couples/<int:couple_id>/sessions/new",
    "/counselor/couples/<int:couple_id>/sessions/<int:session_id>",
    "/counselor/couples/<int:couple_id>/sessions/<int:session_id>/edit",
    "/counselor/couples/<int:couple_id>/sessions/<int:session_id>/pins",
    "/counselor/couples/<int:couple_id>/sessions/<int:session_id>/release",
    "/counselor/couples/<int:couple_id>/sessions/<int:session_id>/summary-<copy>.pdf",
    "/counselor/settings",
    "/summaries",
    "/summaries/<int:session_id>.pdf",
    "/account/",
    "/account/password",
    "/account/email",
    "/account/sign-out-everywhere",
    "/account/two-step",
    "/account/two-step/off",
    "/account/two-step/codes",
    "/login/code",
    "/counselor/couples/<int:couple_id>/partners/<int:place>/sign-out",
    "/counselor/couples/<int:couple_id>/audit",
    "/account/export",
    "/account/leave",
    "/counselor/couples/<int:couple_id>/export",
    "/counselor/couples/<int:couple_id>/delete",
}


@pytest.fixture
def world(app):
    """Two counselors, each with one couple, and an open invitation for couple X."""
    counselor_a = factories.counselor("Dana Rivera")
    counselor_b = factories.counselor("Lee Okafor")
    couple_x = factories.couple(counselor_a, "Sam & Alex", joined=(True, False))
    couple_y = factories.couple(counselor_b, "Kim & Jo", names=("Kim", "Jo"))
    homework = factories.homework(couple_x)
    released = factories.session(couple_x, released=True)
    draft = factories.session(couple_x)
    db.session.commit()
    token = invitations.token_of(invitations.current_for(couple_x.partner_at(2)))
    return {
        "users": {
            COUNSELOR_A: counselor_a.email,
            COUNSELOR_B: counselor_b.email,
            PARTNER_X: couple_x.partner_at(1).user.email,
            PARTNER_Y: couple_y.partner_at(1).user.email,
        },
        "ids": {
            "x": couple_x.id,
            "missing": couple_x.id + couple_y.id + 1000,
            "token": token,
            "week": homework["week"].isoformat(),
            "not_a_week_start": (homework["week"] + timedelta(days=1)).isoformat(),
            "rhythm": homework["rhythm"].id,
            "item": homework["rhythm"].rhythm_items[0].id,
            "need": homework["need_1"].id,
            "their_need": homework["need_2"].id,
            "step": homework["need_2"].steps[0].id,
            "own_step": homework["need_1"].steps[0].id,
            "session": released.id,
            "draft": draft.id,
        },
    }


def test_every_route_is_in_the_access_table(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules == COVERED_RULES, "add the new route to TABLE and COVERED_RULES"


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_table(app, world, visitor):
    tried = 0
    for method, path, expected_by_visitor in TABLE:
        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = True
        if visitor != ANON:
            login(client, world["users"][visitor])
        url = path.format(**world["ids"])
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        expected = expected_by_visitor[VISITORS.index(visitor)]
        if expected == LOGIN:
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/login"), (method, url)
        else:
            assert response.status_code == expected, (visitor, method, url)
        tried += 1
    print(f"{visitor}: {tried} cases")


def test_posts_without_a_csrf_token_are_refused(app, world):
    client = app.test_client()
    login(client, world["users"][COUNSELOR_A])
    x = world["ids"]["x"]
    for url in (f"/counselor/couples/{x}/status", f"/counselor/couples/{x}/partners/2/link"):
        response = client.post(url, data={"status": "paused"}, csrf=False)
        assert response.status_code == 400, url
        assert "For your safety we didn't save that" in response.get_data(as_text=True).replace(
            "&#39;", "'"
        )
    assert db.session.get(Couple, x).status == "active"


def test_a_stale_token_shows_the_form_again_with_what_was_typed(app, world):
    client = app.test_client()
    login(client, world["users"][COUNSELOR_A])
    before = db.session.scalar(select(func.count()).select_from(Couple))
    response = client.post(
        "/counselor/couples/new",
        data={"name": "Robin & Ash", "csrf_token": "stale"},
        csrf=False,
    )
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert 'value="Robin &amp; Ash"' in page
    assert "we haven't saved it yet" in page
    assert db.session.scalar(select(func.count()).select_from(Couple)) == before


def test_a_stale_token_after_signing_out_still_shows_the_text(app, world):
    client = app.test_client()
    login(client, world["users"][PARTNER_X])
    week = world["ids"]["week"]
    client.post("/logout")
    response = client.post(
        f"/week/{week}/check-in",
        data={"checkin-heard_note": "I felt <b>listened</b> to on Tuesday", "csrf_token": "x"},
        csrf=False,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "I felt &lt;b&gt;listened&lt;/b&gt; to on Tuesday" in page
