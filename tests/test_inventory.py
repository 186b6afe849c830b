"""The disconnection inventory: ten signs rated 0 to 4, taken at intake and every few
weeks, for the counselor unless shared; the change between takes, never the answers,
in the couple's copy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from kinds.inventory.kind import change
from kinds.inventory.models import SIGN_KEYS, InventoryTake, is_take_week, next_take
from tests import factories
from tests.conftest import text_of

NOTE = "Money is the thing we never get to"


def answers(**overrides):
    data = {key: "2" for key in SIGN_KEYS}
    data.update({"note": NOTE, "note_visibility": "counselor", "version": "0"})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def take(client, week, **overrides):
    return client.post(f"/week/{week}/inventory", data=answers(**overrides))


def earlier_take(with_homework, partner, weeks_back: int, **ratings) -> InventoryTake:
    """A take ``weeks_back`` weeks ago, the assignment moved back so that week is a take week."""
    assignment = with_homework["inventory"]
    week = with_homework["week"] - timedelta(weeks=weeks_back)
    assignment.starts_on = week
    row = InventoryTake(
        assignment_id=assignment.id,
        partner_id=partner.id,
        week_start=week,
        **{key: ratings.get(key, 3) for key in SIGN_KEYS},
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_answers_are_for_the_counselor_unless_shared(sam, with_homework):
    response = sam.get(f"/week/{with_homework['week']}/inventory")
    html = response.get_data(as_text=True)
    assert "I've felt lonely even when we're together" in text_of(response)
    assert "4 · Very much" in html and "0 · Not at all" in html
    assert 'name="ratings_shared" type="checkbox" value="y">' in html
    assert (
        'checked id="note_visibility-1" name="note_visibility" type="radio" value="counselor"'
        in html
    )


def test_taking_it_and_what_the_partner_sees(sam, alex, couple, with_homework):
    week = with_homework["week"]
    before = text_of(sam.get("/week"))
    assert "Disconnection inventory Take the inventory" in before  # in "Left this week"
    response = take(sam, week, lonely="4")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/week#card-inventory")
    mine = text_of(sam.get("/week"))
    assert "You took it on" in mine and "Only Dana can read this" in mine
    assert "Thank you for taking a quiet look" in mine
    assert "Disconnection inventory Take the inventory" not in mine
    theirs = alex.get("/week").get_data(as_text=True)
    assert "Sam (partner) has taken it." in text_of(alex.get("/week"))
    assert NOTE not in theirs and "Lonely together" not in theirs


def test_shared_answers_show_on_the_partners_card(sam, alex, with_homework):
    take(sam, with_homework["week"], lonely="4", ratings_shared="y")
    page = text_of(alex.get("/week"))
    assert "Lonely together: very much" in page
    assert "Keeping feelings in: somewhat" in page
    assert NOTE not in page


def test_taking_it_again_the_same_week_changes_the_first(sam, with_homework):
    week = with_homework["week"]
    take(sam, week)
    assert take(sam, week, future="0", version="1").status_code == 302
    rows = db.session.scalars(select(InventoryTake)).all()
    assert len(rows) == 1 and rows[0].future == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lonely", None, "Please choose how true this has felt lately."),
        ("future", "7", "Please choose how true this has felt lately."),
        ("conflict", "lots", "Please choose how true this has felt lately."),
        ("note", "n" * 501, "Please keep it to 500 characters."),
    ],
)
def test_bad_answers_are_explained_next_to_the_field_and_kept(
    sam, with_homework, field, value, message
):
    response = take(sam, with_homework["week"], **{field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error_at = html.index(f'id="{field}-error"')
    assert message in html[error_at : error_at + 200]
    if field != "note":
        assert NOTE in html  # nothing typed is lost
    assert db.session.scalar(select(func.count(InventoryTake.id))) == 0


def test_between_takes_the_card_says_when_the_next_one_comes(sam, couple, with_homework):
    week = with_homework["week"]
    earlier_take(with_homework, couple.partner_at(1), 2)
    assignment = with_homework["inventory"]
    assert not is_take_week(assignment, week)
    assert next_take(assignment, week) == week + timedelta(weeks=4)
    page = text_of(sam.get("/week"))
    assert "Take the inventory" not in page
    assert f"Next one: the week of {(week + timedelta(weeks=4)).day}" in page
    assert sam.get(f"/week/{week}/inventory").status_code == 404


def test_the_change_is_counted_sign_by_sign():
    before = InventoryTake(week_start=factories.utcnow().date(), **dict.fromkeys(SIGN_KEYS, 3))
    now = InventoryTake(**dict.fromkeys(SIGN_KEYS, 3))
    now.lonely, now.future, now.resentment = 1, 2, 4
    c = change(now, before)
    assert (c.lighter, c.heavier, c.same) == (2, 1, 7)
    assert c.words.startswith("lighter on 2 signs and heavier on 1 sign than in the week of")
    assert change(now, None) is None


def test_the_counselor_sees_both_side_by_side_and_the_change(
    dana, sam, alex, couple, with_homework
):
    earlier_take(with_homework, couple.partner_at(1), 6, lonely=4)
    take(sam, with_homework["week"], lonely="1")
    take(alex, with_homework["week"], separate="4", note="")
    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Latest takes, side by side" in page
    now, then = with_homework["week"], with_homework["week"] - timedelta(weeks=6)
    assert (
        f"Sam (partner) week of {now.day} {now:%b}, was {then.day} {then:%b} Counselor only" in page
    )
    assert f"Alex (partner) week of {now.day} {now:%b} Counselor only" in page
    assert "1 a little (was 4, lighter)" in page
    assert "4 very much" in page
    assert NOTE in page and "Counselor only" in page
    assert "Totals over time" in page  # two take weeks to compare


def test_the_couples_copy_shows_the_change_not_the_answers(dana, sam, alex, couple, with_homework):
    earlier_take(with_homework, couple.partner_at(1), 6, lonely=4)
    take(sam, with_homework["week"], lonely="1")
    session = factories.session(couple, released=True)
    session.held_at += timedelta(days=1)
    db.session.commit()
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    couple_copy = text_of(dana.get(url))
    assert "Disconnection inventory" in couple_copy
    then = with_homework["week"] - timedelta(weeks=6)
    assert f"Lighter on 10 signs than in the week of {then.day} {then:%b}." in couple_copy
    assert "Lonely together" not in couple_copy and NOTE not in couple_copy
    counselor_copy = text_of(dana.get(url + "?copy=counselor"))
    assert "Lonely together: a little" in counselor_copy and NOTE in counselor_copy


def test_shared_answers_are_in_the_couples_copy(dana, sam, couple, with_homework):
    take(sam, with_homework["week"], lonely="3", ratings_shared="y")
    session = factories.session(couple, released=True)
    session.held_at += timedelta(days=1)
    db.session.commit()
    couple_copy = text_of(dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}"))
    assert "Lonely together: quite a bit" in couple_copy
    assert "The first take." in couple_copy


def test_the_counselor_chooses_how_often_to_ask_again(dana, couple, signed_in):
    url = f"/counselor/couples/{couple.id}/homework/new/inventory"
    form = {
        "starts_on": (factories.utcnow().date()).isoformat(),
        "weeks": "",
        "instructions": "Once now, and again in a while.",
        "every_weeks": "0",
    }
    bad = dana.post(url, data=form)
    assert bad.status_code == 422
    assert "Please choose between 1 and 26 weeks." in text_of(bad)
    assert "Once now, and again in a while." in bad.get_data(as_text=True)
    assert dana.post(url, data={**form, "every_weeks": "4"}).status_code == 302
    from models import Assignment

    assignment = db.session.scalar(select(Assignment).where(Assignment.kind == "inventory"))
    assert assignment.inventory_schedule.every_weeks == 4
    sam = signed_in(couple.partner_at(1).user)
    assert "Once now, and again in a while." in text_of(sam.get("/week"))


def test_the_dashboard_flags_a_heavier_latest_take_against_the_one_before(
    dana, couple, with_homework
):
    """The flag compares each partner's last two takes; older ones are not read."""
    sam = couple.partner_at(1)
    light = dict.fromkeys(SIGN_KEYS, 0)
    earlier_take(with_homework, sam, 12, **dict.fromkeys(SIGN_KEYS, 4))  # the heaviest
    earlier_take(with_homework, sam, 8, **light)
    earlier_take(with_homework, sam, 4, **light)
    earlier_take(with_homework, sam, 0, **dict(light, **{SIGN_KEYS[0]: 4, SIGN_KEYS[1]: 4}))
    page = text_of(dana.get("/counselor/"))
    assert f"Sam's inventory felt heavier than last time (0 to 8 of {4 * len(SIGN_KEYS)})" in (page)
