"""The connection plan (7-7-7): either partner plans a date, a night away or a trip (when,
what, who arranges it), both see it on This week and in their calendar feeds (under a
generic title), either marks it done with a note kept by the visibility rule, and the
counselor reads what was planned and kept, week by week."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from domain.homework import couple_week
from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build
from domain.weeks import local_today
from extensions import db
from kinds.plan.models import PlannedTime, PlanSettings
from models import Assignment, AssignmentStatus, utcnow
from tests import factories
from tests.conftest import text_of
from tests.test_calendar_feed import feed_address, fetch

WHAT = "Dinner at the little Italian place"
PRIVATE_NOTE = "I felt far away all evening and did not say so."
SHARED_NOTE = "We laughed about the waiter for an hour."


def plan(day, what=WHAT, at="19:30", who="partner", occasion="date") -> dict:
    return {
        f"plan-{occasion}-on_day": day.isoformat() if day else "",
        f"plan-{occasion}-at_time": at,
        f"plan-{occasion}-what": what,
        f"plan-{occasion}-arranged_by": who,
    }


def change(p: PlannedTime, day, what=WHAT, at="", who="both", version=None) -> dict:
    key = f"change-{p.id}"
    return {
        f"{key}-on_day": day.isoformat(),
        f"{key}-at_time": at,
        f"{key}-what": what,
        f"{key}-arranged_by": who,
        f"{key}-version": str(p.version if version is None else version),
    }


def kept(p: PlannedTime, note="", visibility="shared") -> dict:
    return {f"kept-{p.id}-note": note, f"kept-{p.id}-visibility": visibility}


def base(with_homework) -> str:
    return f"/week/{with_homework['week']}/plan"


def plans() -> list[PlannedTime]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlannedTime).order_by(PlannedTime.id)))


def today_of(couple):
    return local_today(couple.timezone)


def test_one_plans_a_date_and_both_phones_show_it(sam, alex, couple, with_homework):
    day = today_of(couple) + timedelta(days=2)
    response = sam.post(base(with_homework) + "/date", data=plan(day))
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-plan"
    [made] = plans()
    assert (made.occasion, made.on_day, made.at_time.isoformat(), made.what) == (
        "date",
        day,
        "19:30:00",
        WHAT,
    )
    assert made.arranger_id == couple.partner_at(2).id
    when = f"{day:%a} {day.day} {day:%b}, 19:30"
    mine, theirs = text_of(sam.get("/week")), text_of(alex.get("/week"))
    assert WHAT in mine and "Alex (partner) arranges it" in mine
    assert WHAT in theirs and "You arrange it · planned by Sam (partner)" in theirs
    # The plain "what's planned" line at the top of This week, on both phones.
    for page in (mine, theirs):
        assert f"Planned: Date on {when}: {WHAT}" in page


def test_a_plan_with_gaps_or_in_the_past_is_explained_and_kept(sam, couple, with_homework):
    yesterday = today_of(couple) - timedelta(days=1)
    past = sam.post(base(with_homework) + "/away", data=plan(yesterday, occasion="away"))
    assert past.status_code == 422
    page = text_of(past)
    assert "That day has passed. Please choose today or a day to come." in page
    assert WHAT in past.get_data(as_text=True)
    empty = sam.post(
        base(with_homework) + "/trip",
        data=plan(today_of(couple), what="", at="25:99", who="", occasion="trip"),
    )
    assert empty.status_code == 422
    page = text_of(empty)
    assert "Please say in a few words what you'll do." in page
    assert "Please give a time like 19:30, or leave it empty." in page
    assert "Please say who arranges it." in page
    no_day = sam.post(base(with_homework) + "/date", data=plan(None, what="A picnic"))
    assert no_day.status_code == 422
    assert "Please choose the day" in text_of(no_day)
    assert "A picnic" in no_day.get_data(as_text=True)
    assert plans() == []
    # An occasion that is not one of the three is no route at all.
    assert sam.post(base(with_homework) + "/cruise", data=plan(today_of(couple))).status_code == 404


def test_either_changes_it_and_a_change_from_an_old_page_keeps_both(
    sam, alex, couple, with_homework
):
    day = today_of(couple) + timedelta(days=3)
    sam.post(base(with_homework) + "/date", data=plan(day))
    [made] = plans()
    opened = made.version
    later = day + timedelta(days=1)
    answer = alex.post(
        base(with_homework) + f"/{made.id}/change", data=change(made, later, what="Cinema")
    )
    assert answer.status_code == 302
    [now] = plans()
    assert (now.on_day, now.what, now.at_time, now.arranger_id) == (later, "Cinema", None, None)
    assert "Cinema" in text_of(sam.get("/week")) and "You both arrange it" in text_of(
        sam.get("/week")
    )
    # Sam's page was opened before Alex's change: nothing is overwritten, Sam's words stay.
    stale = sam.post(
        base(with_homework) + f"/{made.id}/change",
        data=change(now, day, what="Bowling", version=opened),
    )
    assert stale.status_code == 409
    assert "This plan was changed a moment ago." in text_of(stale)
    assert "Bowling" in stale.get_data(as_text=True)
    assert plans()[0].what == "Cinema"


def test_marking_done_keeps_a_counselor_only_note_from_the_partner(
    sam, alex, dana, couple, with_homework
):
    today = today_of(couple)
    sam.post(base(with_homework) + "/date", data=plan(today, at=""))
    sam.post(base(with_homework) + "/away", data=plan(today + timedelta(days=9), occasion="away"))
    date_plan, away = plans()
    # A night away still to come cannot be marked done yet.
    early = alex.post(base(with_homework) + f"/{away.id}/done", data=kept(away))
    assert early.status_code == 409
    assert "That day hasn't come yet." in text_of(early)
    done = sam.post(
        base(with_homework) + f"/{date_plan.id}/done",
        data=kept(date_plan, PRIVATE_NOTE, "counselor"),
    )
    assert done.status_code == 302
    # A second tap (or Alex at the same moment) leaves the first mark and note standing.
    again = alex.post(
        base(with_homework) + f"/{date_plan.id}/done", data=kept(date_plan, SHARED_NOTE)
    )
    assert again.status_code == 302
    date_plan = plans()[0]
    assert date_plan.done and date_plan.note == PRIVATE_NOTE
    assert date_plan.done_by == couple.partner_at(1).id
    mine = text_of(sam.get("/week"))
    assert PRIVATE_NOTE in mine and "Only Dana can read this" in mine
    theirs = alex.get("/week").get_data(as_text=True)
    assert PRIVATE_NOTE not in theirs
    assert "marked done by Sam (partner)" in text_of(alex.get("/week"))
    review = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Planned and kept, week by week" in review
    assert PRIVATE_NOTE in review and "Counselor only" in review
    assert "Coming up" in review and "Night away" in review


def test_both_calendar_feeds_hold_the_plan_under_a_generic_title(
    app, sam, alex, couple, with_homework
):
    day = today_of(couple) + timedelta(days=2)
    sam.post(base(with_homework) + "/date", data=plan(day))
    sam.post(
        base(with_homework) + "/away",
        data=plan(day + timedelta(days=20), what="The coast", at="", occasion="away"),
    )
    for client in (sam, alex):
        response = fetch(app, feed_address(client))
        assert response.status_code == 200
        assert WHAT.encode() not in response.data and b"coast" not in response.data
        assert b"Sam" not in response.data and b"Alex" not in response.data
        cal = Calendar.from_ical(response.data)
        ours = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT") if "planned" in e["SUMMARY"]}
        assert set(ours) == {"Date (planned together)", "Night away (planned together)"}
        dated = ours["Date (planned together)"]
        start = dated["DTSTART"].dt
        assert (
            start.tzinfo is not None
            and start.utcoffset() == start.astimezone(ZoneInfo(couple.timezone)).utcoffset()
        )
        assert (start.date(), start.hour, start.minute) == (day, 19, 30)
        away = ours["Night away (planned together)"]
        assert away["DTSTART"].dt == day + timedelta(days=20)
        assert away["DTEND"].dt == day + timedelta(days=22)


def test_a_private_note_never_reaches_the_partners_feed_or_export(
    app, sam, alex, couple, with_homework
):
    today = today_of(couple)
    sam.post(base(with_homework) + "/date", data=plan(today, at=""))
    [p] = plans()
    sam.post(base(with_homework) + f"/{p.id}/done", data=kept(p, PRIVATE_NOTE, "counselor"))
    feed = fetch(app, feed_address(alex))
    assert PRIVATE_NOTE.encode() not in feed.data
    export = alex.post("/account/export")
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.data)) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert PRIVATE_NOTE.encode() not in everything
    assert WHAT.encode() in everything  # the plan itself is theirs too


def test_the_counselor_chooses_the_three_numbers_and_hears_about_a_wrong_one(
    dana, couple, counselor
):
    url = f"/counselor/couples/{couple.id}/homework/new/plan"
    page = text_of(dana.get(url))
    assert "A date every … days" in page and "A trip every … months" in page
    form = {
        "starts_on": couple_week(couple).start.isoformat(),
        "instructions": "Plan your time together.",
        "date_days": "0",
        "away_weeks": "seven",
        "trip_months": "6",
    }
    wrong = dana.post(url, data=form)
    assert wrong.status_code == 422
    page = text_of(wrong)
    assert "Please choose between 1 and 31 days." in page
    assert "Please choose between 1 and 52 weeks." in page
    assert "Plan your time together." in wrong.get_data(as_text=True)
    right = dana.post(url, data=form | {"date_days": "14", "away_weeks": "8"})
    assert right.status_code == 302
    settings = db.session.scalar(select(PlanSettings))
    assert (settings.date_days, settings.away_weeks, settings.trip_months) == (14, 8, 6)
    assignment = db.session.scalar(select(Assignment).where(Assignment.kind == "plan"))
    edit = f"/counselor/couples/{couple.id}/homework/{assignment.id}/edit"
    assert 'value="14"' in dana.get(edit).get_data(as_text=True)
    # The partner's card says the new numbers.
    from domain.homework import load
    from domain.visibility import Viewer
    from kinds import registry
    from models import utcnow

    week = couple_week(couple)
    hw = load(couple, week.start, week.start)
    me = couple.partner_at(1)
    card = registry.named("plan").card(hw, assignment, week, me, Viewer.for_partner(me), utcnow())
    assert [o.every for o in card.occasions] == ["every 14 days", "every 8 weeks", "every 6 months"]


def test_a_paused_plan_takes_nothing(sam, couple, with_homework):
    with_homework["plan"].status = AssignmentStatus.PAUSED
    db.session.commit()
    day = today_of(couple) + timedelta(days=1)
    assert sam.post(base(with_homework) + "/date", data=plan(day)).status_code == 409
    assert plans() == []


def test_the_summary_says_what_was_planned_and_kept_by_the_visibility_rule(
    sam, alex, couple, with_homework
):
    today = today_of(couple)
    sam.post(base(with_homework) + "/date", data=plan(today, at=""))
    alex.post(
        base(with_homework) + "/trip", data=plan(today, what="A day by the sea", occasion="trip")
    )
    date_plan, trip = plans()
    sam.post(
        base(with_homework) + f"/{date_plan.id}/done",
        data=kept(date_plan, PRIVATE_NOTE, "counselor"),
    )
    alex.post(base(with_homework) + f"/{trip.id}/done", data=kept(trip, SHARED_NOTE))
    session = factories.session(couple)
    db.session.commit()
    [couples] = [s for k, s in build(session, COUPLE_COPY).sections if k.key == "plan"]
    [week] = couples.weeks
    assert (week.planned, week.kept) == (2, 2)
    assert [n for _, n in week.plans if n] == [SHARED_NOTE]
    [counselors] = [s for k, s in build(session, COUNSELOR_COPY).sections if k.key == "plan"]
    assert {n for _, n in counselors.weeks[0].plans} == {PRIVATE_NOTE, SHARED_NOTE}


def test_this_week_counts_one_errand_and_a_week_gone_by_shows_only_its_own_plans(
    sam, couple, with_homework
):
    # At the start all three are due: one errand on the week, not three.
    page = text_of(sam.get("/week"))
    assert "Connection plan Plan your time together" in page
    # Last week's date, planned and never marked: that week shows it, and nothing due.
    week = with_homework["week"]
    with_homework["plan"].starts_on = week - timedelta(weeks=1)
    last_week = week - timedelta(weeks=1)
    db.session.add(
        PlannedTime(
            assignment_id=with_homework["plan"].id,
            occasion="date",
            on_day=last_week + timedelta(days=2),
            what="Bowling with the neighbours",
            planned_by=couple.partner_at(2).id,
        )
    )
    db.session.commit()
    before = text_of(sam.get(f"/week/{last_week}"))
    assert "Bowling with the neighbours" in before and "Time to plan" not in before
    # This week: the date can be marked done now, and the night away and trip are due.
    now = text_of(sam.get("/week"))
    assert "Bowling with the neighbours" in now and "Mark it done" in now
    assert "Time to plan a night away" in now and "Connection plan Plan or mark done" in now


def test_the_dashboard_counts_this_week_and_names_the_next_plan(dana, couple, with_homework):
    """Plans of earlier weeks, even never marked done, change neither the count nor the
    next date."""
    week = with_homework["week"]
    today = local_today(couple.timezone)
    sam = couple.partner_at(1)

    def add(day, done=False):
        row = PlannedTime(
            assignment_id=with_homework["plan"].id,
            occasion="date",
            on_day=day,
            what="Out together",
            planned_by=sam.id,
        )
        if done:
            row.done_by, row.done_at = sam.id, utcnow()
        db.session.add(row)

    add(week - timedelta(weeks=30))  # long ago, never marked done
    add(week - timedelta(weeks=2), done=True)
    add(week, done=True)
    add(today + timedelta(days=9))
    db.session.commit()
    page = text_of(dana.get("/counselor/"))
    nxt = (today + timedelta(days=9)).strftime("%-d %b")
    assert f"Next planned: {nxt}" in page
    from kinds import registry

    row = registry.named("plan").dashboard([couple], {couple.id: week}, utcnow())
    progress = row(couple, with_homework["plan"])
    assert (progress.done, progress.total) == (1, 1)
    assert progress.facts == [f"Next planned: {nxt}"]
