"""The counselor assigns homework, rewords it, pauses, resumes and ends it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.homework import couple_week
from extensions import db
from models import Assignment, AssignmentStatus
from tests.conftest import text_of


def form(couple, **overrides):
    data = {
        "starts_on": couple_week(couple).start.isoformat(),
        "weeks": "6",
        "instructions": "Three small things this week.",
        "item1": "Talk about Sunday",
        "item2": "Bake bread together",
        "item3": "A hug at the door",
    }
    data.update(overrides)
    return data


def test_the_form_starts_from_this_week_and_the_template_words(dana, couple):
    html = dana.get(f"/counselor/couples/{couple.id}/homework/new/rhythm").get_data(as_text=True)
    assert "One real conversation: about repair, not blame" in html
    assert "Each week, make room for three small things together" in html
    assert "Weeks start on Monday" in text_of(
        dana.get(f"/counselor/couples/{couple.id}/homework/new/rhythm")
    )


def test_assigning_the_weekly_rhythm_in_the_counselors_words(dana, couple, signed_in):
    response = dana.post(f"/counselor/couples/{couple.id}/homework/new/rhythm", data=form(couple))
    assert response.status_code == 302
    rhythm = db.session.scalar(select(Assignment))
    assert rhythm.weeks == 6 and rhythm.status == AssignmentStatus.ACTIVE
    assert [i.wording for i in rhythm.rhythm_items][1] == "Bake bread together"
    sam = signed_in(couple.partner_at(1).user)
    page = text_of(sam.get("/week"))
    assert "Bake bread together" in page and "Three small things this week." in page


def test_a_start_in_the_middle_of_a_week_begins_with_that_week(dana, couple):
    wednesday = couple_week(couple).start + timedelta(days=2)
    dana.post(
        f"/counselor/couples/{couple.id}/homework/new/checkin",
        data=form(couple, starts_on=wednesday.isoformat()),
    )
    assert db.session.scalar(select(Assignment.starts_on)) == couple_week(couple).start


def test_the_same_kind_twice_at_once_is_refused(dana, couple):
    url = f"/counselor/couples/{couple.id}/homework/new/needs"
    assert dana.post(url, data=form(couple)).status_code == 302
    again = dana.post(url, data=form(couple, instructions="A second needs list"))
    assert again.status_code == 422
    assert "already has a needs list" in text_of(again)
    assert "A second needs list" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weeks": "0"}, "between 1 and 104 weeks"),
        ({"weeks": "many"}, "Not a valid integer value."),
        ({"instructions": ""}, "Please write a few words for the couple."),
        ({"instructions": "i" * 2001}, "Please keep it to 2000 characters."),
        ({"item2": ""}, "Please word the second item."),
        ({"starts_on": "next tuesday"}, "Please pick the date the homework starts."),
    ],
)
def test_bad_assignment_input_is_explained_and_kept(dana, couple, fields, message):
    response = dana.post(
        f"/counselor/couples/{couple.id}/homework/new/rhythm", data=form(couple, **fields)
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert "Talk about Sunday" in response.get_data(as_text=True)


def test_pause_resume_end_and_assign_again(dana, couple, signed_in):
    dana.post(f"/counselor/couples/{couple.id}/homework/new/rhythm", data=form(couple))
    rhythm = db.session.scalar(select(Assignment))
    status_url = f"/counselor/couples/{couple.id}/homework/{rhythm.id}/status"
    sam = signed_in(couple.partner_at(1).user)

    assert "is paused" in text_of(
        dana.post(status_url, data={"status": "paused"}, follow_redirects=True)
    )
    assert "Weekly rhythm is paused" in text_of(sam.get("/week"))
    dana.post(status_url, data={"status": "active"})
    assert "Mark as done" in text_of(sam.get("/week"))

    dana.post(status_url, data={"status": "ended"})
    assert "Weekly rhythm" not in text_of(sam.get("/week"))
    resumed = dana.post(status_url, data={"status": "active"})
    assert resumed.status_code == 409  # the couple page, the reason on that homework's card
    assert f'id="assignment-{rhythm.id}-error"' in resumed.get_data(as_text=True)
    assert "assign it again" in text_of(resumed)
    unknown = dana.post(status_url, data={"status": "finished-ish"})
    assert unknown.status_code == 422
    assert "nothing was changed" in text_of(unknown)
    again = dana.post(f"/counselor/couples/{couple.id}/homework/new/rhythm", data=form(couple))
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Assignment.id))) == 2


def test_rewording_an_assignment(dana, couple, signed_in):
    dana.post(f"/counselor/couples/{couple.id}/homework/new/rhythm", data=form(couple))
    rhythm = db.session.scalar(select(Assignment))
    edit = dana.get(f"/counselor/couples/{couple.id}/homework/{rhythm.id}/edit")
    assert "Talk about Sunday" in edit.get_data(as_text=True)
    dana.post(
        f"/counselor/couples/{couple.id}/homework/{rhythm.id}/edit",
        data=form(couple, item1="One honest talk, no phones", weeks=""),
    )
    db.session.refresh(rhythm)
    assert rhythm.weeks is None
    sam = signed_in(couple.partner_at(1).user)
    assert "One honest talk, no phones" in text_of(sam.get("/week"))


def test_an_assignment_past_its_last_week_makes_room_for_a_new_one(dana, couple):
    dana.post(f"/counselor/couples/{couple.id}/homework/new/checkin", data=form(couple, weeks="2"))
    old = db.session.scalar(select(Assignment))
    old.starts_on = couple_week(couple).start - timedelta(weeks=5)
    db.session.commit()
    response = dana.post(f"/counselor/couples/{couple.id}/homework/new/checkin", data=form(couple))
    assert response.status_code == 302
    db.session.refresh(old)
    assert old.status == AssignmentStatus.ENDED


def test_a_partner_checks_in_on_the_new_run_after_the_old_one_ended(dana, couple, signed_in):
    url = f"/counselor/couples/{couple.id}/homework/new/checkin"
    dana.post(url, data=form(couple, weeks=""))  # open-ended
    old = db.session.scalar(select(Assignment))
    old.starts_on = couple_week(couple).start - timedelta(weeks=3)
    db.session.commit()
    dana.post(f"/counselor/couples/{couple.id}/homework/{old.id}/status", data={"status": "ended"})
    db.session.refresh(old)
    assert old.weeks == 4  # it ran until this week, and no longer covers the weeks to come
    assert not old.covers(couple_week(couple).start + timedelta(weeks=1))
    assert dana.post(url, data=form(couple)).status_code == 302

    sam = signed_in(couple.partner_at(1).user)
    week = couple_week(couple).start
    response = sam.post(
        f"/week/{week}/check-in",
        data={"connected": "6", "heard": "6", "stress": "4", "version": "0"},
    )
    assert response.status_code == 302
    assert "You checked in" in text_of(sam.get("/week"))
