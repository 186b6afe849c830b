"""The dashboard keeps each couple's row, and the couple page its review, as drawn while
nothing they show has changed, and draws again exactly what changed (``web.fragments``,
issue #16).

These tests run as production does, without the suite's check that draws every kept row
again (``FRAGMENT_CHECK``), so that what they see is what a counselor sees."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup
from sqlalchemy import select

from domain import review
from extensions import db
from models import PrivateWord
from tests import factories
from tests.test_whats_new import MARK, dashboard_rows
from web import fragments

#: A second look at an unchanged dashboard: the signed-in counselor, the page of couples
#: (with their versions, visits and number) and today's and tomorrow's sessions.
KEPT_QUERIES = 3
#: A second look at an unchanged couple page (34 when its review is drawn: see
#: tests/test_query_counts.py): no kind's rows are read.
KEPT_COUPLE_QUERIES = 12


@pytest.fixture
def kept(app, monkeypatch):
    """Production's store, in one clock period however long the test takes (a period that
    ended mid-test would draw everything again)."""
    period = fragments.Fragments.now_period(fragments.Fragments())
    monkeypatch.setattr(fragments.Fragments, "now_period", lambda self: period)
    app.config["FRAGMENT_CHECK"] = False
    yield app
    app.config["FRAGMENT_CHECK"] = True


@pytest.fixture
def drawn_for(monkeypatch):
    """The names of the couples whose rows were drawn (not kept), per dashboard look."""
    names: list[str] = []
    summarize = review.summarize

    def recording(counselor_id, couples, *args, **kwargs):
        names.extend(c.name for c in couples)
        return summarize(counselor_id, couples, *args, **kwargs)

    monkeypatch.setattr(review, "summarize", recording)

    def look(office) -> tuple[dict[str, str], list[str]]:
        names.clear()
        rows = dashboard_rows(office)
        return rows, sorted(names)

    return look


@pytest.fixture
def two_couples(kept, counselor, couple, with_homework):
    other = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"))
    factories.homework(other)
    db.session.commit()
    return couple, other


def test_an_unchanged_dashboard_is_shown_again_without_reading_the_rows(
    kept, counselor, two_couples, signed_in, queries
):
    office = signed_in(counselor)
    first = office.get("/counselor/").get_data(as_text=True)
    with queries() as q:
        again = office.get("/counselor/").get_data(as_text=True)
    assert without_tokens(again) == without_tokens(first)
    assert "Sam &amp; Alex" in again and "Kim &amp; Jo" in again
    assert q.count == KEPT_QUERIES


def test_a_partners_tick_redraws_their_couples_row_only(
    counselor, two_couples, with_homework, signed_in, drawn_for
):
    couple, _ = two_couples
    sam = signed_in(couple.partner_at(1).user)
    first, second = with_homework["rhythm"].rhythm_items[:2]
    week = with_homework["week"]
    # The first answer ever saves the counselor's policy in force (until then Hearth's
    # default, unsaved), which counts as a change to all of their couples.
    assert sam.post(f"/week/{week}/rhythm/{first.id}/done", data={}).status_code == 302

    office = signed_in(counselor)  # signing in shows the dashboard: both rows drawn
    rows, drawn = drawn_for(office)
    assert drawn == []  # nothing changed since: every row kept
    assert "This week: 1 of" in rows["Sam & Alex"]

    assert sam.post(f"/week/{week}/rhythm/{second.id}/done", data={}).status_code == 302
    rows, drawn = drawn_for(office)
    assert drawn == ["Sam & Alex"]
    assert MARK in rows["Sam & Alex"] and "This week: 2 of" in rows["Sam & Alex"]
    assert MARK not in rows["Kim & Jo"]


def test_opening_a_couple_redraws_its_row_without_new_since(
    counselor, two_couples, with_homework, signed_in, drawn_for
):
    couple, _ = two_couples
    factories.check_in(with_homework, couple.partner_at(2), with_homework["week"], 6, 6, 3)
    db.session.commit()
    office = signed_in(counselor)
    assert MARK in drawn_for(office)[0]["Sam & Alex"]
    assert office.get(f"/counselor/couples/{couple.id}").status_code == 200
    rows, drawn = drawn_for(office)
    assert drawn == ["Sam & Alex"] and MARK not in rows["Sam & Alex"]


def test_a_private_word_shows_at_once_and_goes_when_read(
    counselor, two_couples, signed_in, drawn_for
):
    couple, _ = two_couples
    office = signed_in(counselor)
    assert "private word" not in drawn_for(office)[0]["Sam & Alex"]
    sam = signed_in(couple.partner_at(1).user)
    assert sam.post("/word", data={"text": "Can we talk about the holidays?"}).status_code in (
        200,
        302,
    )
    rows, drawn = drawn_for(office)
    assert drawn == ["Sam & Alex"] and "1 private word to read" in rows["Sam & Alex"]
    word = db.session.scalar(select(PrivateWord.id).where(PrivateWord.couple_id == couple.id))
    office.post(f"/counselor/couples/{couple.id}/words/{word}/read", data={"read": "1"})
    rows, drawn = drawn_for(office)
    assert "private word" not in rows["Sam & Alex"]


def test_renaming_a_couple_shows_at_once(counselor, two_couples, signed_in, drawn_for):
    _, other = two_couples
    office = signed_in(counselor)
    assert "Kim & Jo" in drawn_for(office)[0]
    response = office.post(
        f"/counselor/couples/{other.id}/edit",
        data={"name": "Kim & Jo Park", "timezone": other.timezone, "week_starts_on": "0"},
    )
    assert response.status_code == 302
    rows, drawn = drawn_for(office)
    assert drawn == ["Kim & Jo Park"] and "Kim & Jo Park" in rows


def test_every_row_is_drawn_again_when_the_clock_period_ends(
    counselor, two_couples, signed_in, drawn_for, monkeypatch
):
    office = signed_in(counselor)
    drawn_for(office)
    assert drawn_for(office)[1] == []
    later = fragments.Fragments.now_period(fragments.Fragments()) + 1
    monkeypatch.setattr(fragments.Fragments, "now_period", lambda self: later)
    assert drawn_for(office)[1] == ["Kim & Jo", "Sam & Alex"]


def test_the_suites_check_finds_a_kept_row_that_no_longer_holds(
    app, counselor, two_couples, signed_in
):
    """What the rest of the suite relies on: with ``FRAGMENT_CHECK`` a kept row that
    differs from the one drawn now fails the request."""
    office = signed_in(counselor)
    office.get("/counselor/")
    store = app.extensions["hearth_fragments"]
    key = next(k for k in store._pieces if k[0] == "dashboard")
    store._pieces[key] = Markup("<li>Not what they did</li>")
    app.config["FRAGMENT_CHECK"] = True
    with pytest.raises(fragments.StaleFragment):
        office.get("/counselor/")


def test_the_store_keeps_the_latest_pieces_of_one_period_within_its_budget():
    store = fragments.Fragments(budget=6, period=60)
    store.put("a", Markup("AA"), 1)
    store.put("b", Markup("BB"), 1)
    store.put("c", Markup("CC"), 1)
    assert store.get_many(["a"], 1) == [Markup("AA")]  # "a" used last: "b" goes first
    store.put("d", Markup("DD"), 1)
    assert store.get_many(["a", "b", "c", "d"], 1) == [
        Markup("AA"),
        None,
        Markup("CC"),
        Markup("DD"),
    ]
    store.put("a", Markup("A"), 1)  # drawn again, smaller: room for one more character
    store.put("e", Markup("EEEEEEE"), 1)  # larger than the whole budget: not kept
    assert store.get_many(["a", "e"], 1) == [Markup("A"), None]
    assert store.get_many(["a", "c"], 2) == [None, None]  # the next period starts empty
    assert len(store) == 0


def test_a_kept_page_is_cut_once_and_each_showing_fills_in_its_own_token_and_keys():
    stand_in, token = fragments.STAND_IN, fragments.STAND_IN + "-csrf"
    drawn = (
        f"<p>“Hello” ✓</p><form><input value={token}><input value={stand_in}-key1></form>"
        f"<form><input value={token}><input value={stand_in}-key2></form>"
        f'<script>"X-CSRFToken": "{token}"</script>'
    )
    page = fragments.KeptPage.cut(drawn)
    assert page.keys == 2 and str(page) == drawn
    assert len(page) == len(page.showing("", ["", ""]))  # the budget counts what is kept
    shown = page.showing("TOKEN", ["KEY-A", "KEY-B"]).decode()
    assert shown == (
        "<p>“Hello” ✓</p><form><input value=TOKEN><input value=KEY-A></form>"
        '<form><input value=TOKEN><input value=KEY-B></form><script>"X-CSRFToken": "TOKEN"</script>'
    )
    assert fragments.KeptPage.cut("<p>No form</p>").showing("TOKEN", []) == b"<p>No form</p>"


def test_new_one_time_keys_are_each_their_own_and_shaped_as_one_made_alone(app):
    from forms.base import form_key, form_keys

    keys = form_keys(40)
    assert len(keys) == len(set(keys)) == 40
    with app.test_request_context():
        alone = form_key()  # outside a page drawn to be kept: a real key
    assert {len(k) for k in keys} == {len(alone)} == {32}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", k) for k in [*keys, alone])
    assert form_keys(0) == []


# --- The couple page's review ---------------------------------------------------------------


def review_of(page: str) -> str:
    """The review section of a couple page (the forms after it carry per-request tokens)."""
    return page.split('id="review"')[1].split('class="card status-card"')[0]


TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
ONCE = re.compile(r'name="([a-z-]*once)" type="hidden" value="([^"]+)"')


def without_tokens(html: str) -> str:
    """``html`` with what belongs to one showing blanked: the sign-in's CSRF token (it is
    signed with the second it was made in) and the forms' one-time keys."""
    html = TOKEN.sub('name="csrf_token" value=""', html)
    html = HEADER_TOKEN.sub('"X-CSRFToken": ""', html)
    return ONCE.sub(lambda m: f'name="{m.group(1)}" type="hidden" value=""', html)


def counted(monkeypatch, owner, name: str) -> dict[str, int]:
    """Count the calls of ``owner.name`` (in ``["n"]``) for the rest of the test."""
    count = {"n": 0}
    function = getattr(owner, name)

    def counting(*args, **kwargs):
        count["n"] += 1
        return function(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return count


@pytest.fixture
def reviews(monkeypatch):
    """How many times the couple page's review was read and drawn."""
    return counted(monkeypatch, review, "couple_review")


def test_an_unchanged_couple_page_shows_its_review_without_reading_it(
    kept, counselor, couple, with_homework, signed_in, queries, reviews
):
    office = signed_in(counselor)
    page = f"/counselor/couples/{couple.id}"
    first = office.get(page).get_data(as_text=True)
    assert reviews["n"] == 1 and 'id="review"' in first
    with queries() as q:
        again = office.get(page).get_data(as_text=True)
    assert reviews["n"] == 1
    assert review_of(again) == review_of(first)
    assert q.count == KEPT_COUPLE_QUERIES


def mark_done_with_words(client, made: dict, words: str):
    """The partner of ``client`` marks the week's first rhythm item done, with ``words``
    shared with the other partner."""
    item = made["rhythm"].rhythm_items[0]
    key = f"mark-{item.id}"
    return client.post(
        f"/week/{made['week']}/rhythm/{item.id}/done",
        data={f"{key}-note": words, f"{key}-note_visibility": "shared"},
    )


def test_a_partners_words_reach_the_couple_page_at_once(
    kept, counselor, couple, with_homework, signed_in, reviews
):
    office = signed_in(counselor)
    page = f"/counselor/couples/{couple.id}"
    office.get(page)
    sam = signed_in(couple.partner_at(1).user)
    words = "We walked by the river after dinner"
    response = mark_done_with_words(sam, with_homework, words)
    assert response.status_code == 302
    shown = office.get(page).get_data(as_text=True)
    assert reviews["n"] == 2
    assert words in review_of(shown)
    # Another couple's page is its own: reading it draws its own review.
    other = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"))
    factories.homework(other)
    db.session.commit()
    assert words not in office.get(f"/counselor/couples/{other.id}").get_data(as_text=True)
    assert reviews["n"] == 3
