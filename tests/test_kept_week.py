"""A partner's This week is kept as drawn while nothing it shows has changed, and each
showing still gets its own tokens (``web.fragments.kept_page``, issue #16).

These tests run as production does, without the suite's check that draws every kept page
again (``FRAGMENT_CHECK``), so that what they see is what a partner sees."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from kinds import actions
from kinds.needs.models import Need
from tests import factories
from tests.conftest import text_of
from tests.test_kept_pieces import (  # noqa: F401 - kept: every test's fixture
    HEADER_TOKEN,
    ONCE,
    TOKEN,
    counted,
    kept,
    mark_done_with_words,
    without_tokens,
)

pytestmark = pytest.mark.usefixtures("kept")

#: A second look at an unchanged This week: the partner signed in (with their place,
#: couple and counselor), the confidentiality check (the policy in force and their last
#: confirmation, in one query), and the summaries new to them.
KEPT_WEEK_QUERIES = 3


@pytest.fixture
def drawings(monkeypatch):
    """How many times This week was drawn (not shown from a kept copy)."""
    return counted(monkeypatch, actions, "render_week")


def test_an_unchanged_week_is_shown_again_without_drawing_it(
    couple, with_homework, signed_in, queries, drawings
):
    sam = signed_in(couple.partner_at(1).user)
    first = sam.get("/week")
    assert first.status_code == 200 and drawings["n"] == 1
    with queries() as q:
        again = sam.get("/week")
    assert again.status_code == 200 and drawings["n"] == 1
    assert q.count == KEPT_WEEK_QUERIES, "\n".join(s[:150] for s in q.statements)
    assert without_tokens(again.get_data(as_text=True)) == without_tokens(
        first.get_data(as_text=True)
    )
    assert again.headers["Content-Type"].startswith("text/html")
    assert "HX-Request" in again.headers["Vary"]
    # With HTMX's boosted navigation (a whole page) too; a piece of the page is drawn.
    boosted = sam.get("/week", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert drawings["n"] == 1 and 'class="topbar"' in boosted.get_data(as_text=True)
    sam.get("/week", headers={"HX-Request": "true"})
    assert drawings["n"] == 2


def test_each_showing_has_its_own_one_time_keys_and_the_sign_ins_token(
    couple, with_homework, signed_in, drawings
):
    sam = signed_in(couple.partner_at(1).user)
    one = sam.get("/week").get_data(as_text=True)
    two = sam.get("/week").get_data(as_text=True)
    assert drawings["n"] == 1
    keys_one, keys_two = dict(ONCE.findall(one)), dict(ONCE.findall(two))
    assert keys_one and keys_one.keys() == keys_two.keys()
    every = list(keys_one.values()) + list(keys_two.values())
    assert len(set(every)) == len(every), "a one-time key shown twice"
    assert "kept-" not in one and "kept-" not in two
    # Each token in the page is this sign-in's: the forms of both showings post.
    week = with_homework["week"]
    for html, wording in ((one, "A slower morning together"), (two, "Time to talk at night")):
        (token,) = set(TOKEN.findall(html)) | set(HEADER_TOKEN.findall(html))
        response = sam.post(
            f"/week/{week}/needs/new",
            csrf=False,
            data={
                "csrf_token": token,
                "new-need-once": ONCE_OF(html),
                "new-need-wording": wording,
                "new-need-steps": "Ask me first",
                "new-need-visibility": "shared",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # Two tabs open on the same kept page: the second need is a new one, not a repeat.
    wordings = set(db.session.scalars(select(Need.wording)))
    assert {"A slower morning together", "Time to talk at night"} <= wordings


def ONCE_OF(html: str) -> str:  # noqa: N802 - reads as the field it finds
    return dict(ONCE.findall(html))["new-need-once"]


def test_another_sign_in_gets_its_own_token_and_the_other_partner_their_own_page(
    couple, with_homework, signed_in, drawings
):
    user = couple.partner_at(1).user
    phone, laptop = signed_in(user), signed_in(user)
    on_phone = phone.get("/week").get_data(as_text=True)
    on_laptop = laptop.get("/week").get_data(as_text=True)
    assert drawings["n"] == 1  # one page kept for Sam...
    phone_tokens = set(TOKEN.findall(on_phone)) | set(HEADER_TOKEN.findall(on_phone))
    laptop_tokens = set(TOKEN.findall(on_laptop)) | set(HEADER_TOKEN.findall(on_laptop))
    assert len(phone_tokens) == len(laptop_tokens) == 1
    assert phone_tokens != laptop_tokens  # ...and each sign-in's token in its own copy
    alex = signed_in(couple.partner_at(2).user)
    theirs = text_of(alex.get("/week"))
    assert drawings["n"] == 2
    assert "Hi Alex" in theirs and "Hi Sam" not in theirs


def test_a_partners_words_reach_the_other_at_once(couple, with_homework, signed_in, drawings):
    alex = signed_in(couple.partner_at(2).user)
    alex.get("/week")
    sam = signed_in(couple.partner_at(1).user)
    words = "We walked by the river after dinner"
    response = mark_done_with_words(sam, with_homework, words)
    assert response.status_code == 302
    assert words in text_of(alex.get("/week"))


def test_a_released_summary_shows_at_once_and_goes_when_opened(
    couple, with_homework, signed_in, drawings
):
    sam = signed_in(couple.partner_at(1).user)
    assert "is ready" not in text_of(sam.get("/week"))
    session = factories.session(couple, released=True)
    db.session.commit()
    page = text_of(sam.get("/week"))
    assert f"Your summary of session {session.number} is ready" in page
    assert sam.get(f"/summaries/{session.id}.pdf").status_code == 200
    assert "is ready" not in text_of(sam.get("/week"))


def test_a_message_after_an_action_is_shown_on_a_page_drawn_for_it(
    couple, with_homework, signed_in, drawings
):
    sam = signed_in(couple.partner_at(1).user)
    sam.get("/week")
    item = with_homework["rhythm"].rhythm_items[0]
    week = with_homework["week"]
    response = sam.post(f"/week/{week}/rhythm/{item.id}/done", follow_redirects=True)
    assert response.status_code == 200
    assert drawings["n"] == 2
    assert "Marked as done." in text_of(response)
