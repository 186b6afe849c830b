"""The pause agreement: a rule worded together (proposed, accepted or changed, shown on both
phones), the "We paused" log, and what the counselor reads week by week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.homework import couple_week
from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build
from extensions import db
from kinds.pause.models import ACCEPTED, PROPOSED, REPLACED, PausedMoment, PauseRule
from models import AssignmentStatus
from tests import factories
from tests.conftest import text_of

PRIVATE_NOTE = "I was scared to come back and did not say so."
SHARED_NOTE = "The walk helped and we made a plan."


def rule(word="timeout", minutes="20", calming="goes for a walk", back="at the table") -> dict:
    return {
        "rule-word": word,
        "rule-minutes": minutes,
        "rule-calming": calming,
        "rule-coming_back": back,
    }


def paused(day, came_back="yes", rating="4", note="", visibility="shared") -> dict:
    return {
        "paused-paused_on": day.isoformat(),
        "paused-came_back": came_back,
        "paused-return_rating": rating,
        "paused-note": note,
        "paused-visibility": visibility,
    }


def base(with_homework) -> str:
    return f"/week/{with_homework['week']}/pause"


def rules() -> list[PauseRule]:
    return list(db.session.scalars(select(PauseRule).order_by(PauseRule.id)))


def test_one_proposes_the_other_accepts_and_both_phones_show_the_rule(sam, alex, with_homework):
    response = sam.post(base(with_homework) + "/rule", data=rule())
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-pause"
    assert "waiting for Alex (partner) to accept" in text_of(sam.get("/week"))
    page = text_of(alex.get("/week"))
    assert "Sam (partner) proposed" in page and "“timeout”" in page
    # The writer cannot accept their own wording.
    [proposed] = rules()
    refused = sam.post(base(with_homework) + f"/rule/{proposed.id}/accept")
    assert refused.status_code == 409
    assert alex.post(base(with_homework) + f"/rule/{proposed.id}/accept").status_code == 302
    sentence = "When either of us says “timeout”, we stop for 20 minutes."
    for client in (sam, alex):
        assert sentence in text_of(client.get("/week"))
    db.session.expire_all()
    assert rules()[0].status == ACCEPTED


def test_a_suggested_change_replaces_the_waiting_wording_and_the_rule_stays(
    sam, alex, with_homework
):
    sam.post(base(with_homework) + "/rule", data=rule())
    alex.post(base(with_homework) + f"/rule/{rules()[0].id}/accept")
    sam.post(base(with_homework) + "/rule", data=rule(minutes="30"))
    alex.post(base(with_homework) + "/rule", data=rule(minutes="25"))
    db.session.expire_all()
    assert [r.status for r in rules()] == [ACCEPTED, REPLACED, PROPOSED]
    # Until Sam accepts Alex's change, the agreed rule is still the first one.
    assert "we stop for 20 minutes" in text_of(sam.get("/week"))
    sam.post(base(with_homework) + f"/rule/{rules()[2].id}/accept")
    db.session.expire_all()
    assert [r.status for r in rules()] == [REPLACED, REPLACED, ACCEPTED]
    assert "we stop for 25 minutes" in text_of(alex.get("/week"))


def test_a_rule_with_gaps_is_explained_and_kept(sam, with_homework):
    response = sam.post(base(with_homework) + "/rule", data=rule(word="", minutes="2"))
    assert response.status_code == 422
    page = text_of(response)
    assert "Please choose a word or a short phrase." in page
    assert "Please say how many minutes, from 5 to 240." in page
    assert "goes for a walk" in response.get_data(as_text=True)
    assert rules() == []


def test_a_pause_is_logged_and_a_private_return_stays_from_the_partner(
    sam, alex, dana, couple, with_homework
):
    today = couple_week(couple).start
    sam.post(
        base(with_homework) + "/log",
        data=paused(today, rating="2", note=PRIVATE_NOTE, visibility="counselor"),
    )
    alex.post(base(with_homework) + "/log", data=paused(today, rating="4", note=SHARED_NOTE))
    mine = text_of(sam.get("/week"))
    assert PRIVATE_NOTE in mine and "Only Dana can read this" in mine
    assert SHARED_NOTE in mine
    theirs = alex.get("/week").get_data(as_text=True)
    assert PRIVATE_NOTE not in theirs and "2 of 5" not in theirs
    assert "Came back to it" in text_of(alex.get("/week"))
    review = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Pauses, week by week" in review and PRIVATE_NOTE in review
    assert "Counselor only" in review
    # Two pauses, both came back, returns 2 and 4: 3.0 on average.
    assert f"{today.day} {today:%b} 2 2 3.0" in review


def test_came_back_needs_a_rating_and_the_day_cannot_be_to_come(sam, couple, with_homework):
    today = couple_week(couple).start
    missing = sam.post(base(with_homework) + "/log", data=paused(today, rating=""))
    assert missing.status_code == 422
    assert "Please choose how the return went, from 1 to 5." in text_of(missing)
    later = sam.post(base(with_homework) + "/log", data=paused(today + timedelta(days=30)))
    assert later.status_code == 422
    assert "That day hasn't come yet." in text_of(later)
    not_back = sam.post(base(with_homework) + "/log", data=paused(today, came_back="no", rating=""))
    assert not_back.status_code == 302
    assert db.session.scalar(select(func.count(PausedMoment.id))) == 1


def test_a_paused_assignment_takes_nothing(sam, with_homework):
    with_homework["pause"].status = AssignmentStatus.PAUSED
    db.session.commit()
    assert sam.post(base(with_homework) + "/rule", data=rule()).status_code == 409
    assert rules() == []


def test_the_summary_counts_pauses_and_keeps_private_returns_for_the_counselor(
    sam, alex, couple, with_homework
):
    today = couple_week(couple).start
    sam.post(
        base(with_homework) + "/log",
        data=paused(today, rating="2", note=PRIVATE_NOTE, visibility="counselor"),
    )
    alex.post(base(with_homework) + "/log", data=paused(today, rating="4", note=SHARED_NOTE))
    session = factories.session(couple)
    db.session.commit()
    [couples] = [s for k, s in build(session, COUPLE_COPY).sections if k.key == "pause"]
    [week] = couples.weeks
    assert (week.count, week.came_back, week.average) == (2, 2, "4.0")
    assert [note for *_, note in couples.notes] == [SHARED_NOTE]
    [counselors] = [s for k, s in build(session, COUNSELOR_COPY).sections if k.key == "pause"]
    assert counselors.weeks[0].average == "3.0"
    assert {note for *_, note in counselors.notes} == {SHARED_NOTE, PRIVATE_NOTE}
