"""What the counselor reviews: the week grid, trends, and the dashboard's flags."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import review
from domain.homework import couple_week
from extensions import db
from models import utcnow
from tests import factories
from tests.conftest import login, text_of


@pytest.fixture
def two_weeks(app, counselor, couple):
    """Homework that started last week, so there is a previous week to compare with."""
    hw = factories.homework(couple)
    last = hw["week"] - timedelta(weeks=1)
    for kind in ("rhythm", "needs", "checkin"):
        hw[kind].starts_on = last
    hw["last"] = last
    db.session.commit()
    return hw


def test_the_grid_shows_who_did_what_each_week(app, counselor, couple, two_weeks):
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    factories.rhythm_mark(two_weeks, sam, two_weeks["week"])
    factories.check_in(two_weeks, sam, two_weeks["week"], 6)
    factories.check_in(two_weeks, alex, two_weeks["week"], 7)
    factories.check_in(two_weeks, alex, two_weeks["last"], 7)
    db.session.commit()
    result = review.couple_review(couple)
    rows = {r.label: r.cells for r in result.rows}
    assert rows["One real conversation"] == ["none", "S"]  # from the week homework began
    assert rows["Check-in"][-2:] == ["A", "both"]
    assert rows["Needs rated"][-1] == "none"


def test_the_couple_page_draws_the_trend_chart(app, counselor, couple, two_weeks):
    factories.check_in(two_weeks, couple.partner_at(1), two_weeks["last"], 4)
    factories.check_in(two_weeks, couple.partner_at(1), two_weeks["week"], 8)
    db.session.commit()
    client = app.test_client()
    login(client, counselor.email)
    html = client.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    last, this = two_weeks["last"], two_weeks["week"]
    assert f"Sam (partner): {last.day} {last:%b}: 4, {this.day} {this:%b}: 8" in html
    assert "Alex (partner): no check-ins" in html
    assert "<polyline" in html  # a line joins the two weeks


def test_flags_a_drop_of_three_or_more(app, counselor, couple, two_weeks):
    sam = couple.partner_at(1)
    factories.check_in(two_weeks, sam, two_weeks["last"], 8, heard=7, stress=2)
    factories.check_in(two_weeks, sam, two_weeks["week"], 5, heard=6, stress=6)
    db.session.commit()
    [summary] = review.dashboard(counselor.id)
    assert "Sam's connection dropped from 8 to 5" in summary.flags
    assert "Sam's outside stress rose from 2 to 6" in summary.flags
    assert not any("feeling heard" in f for f in summary.flags)


def test_flags_connection_scores_four_apart(app, counselor, couple, two_weeks):
    factories.check_in(two_weeks, couple.partner_at(1), two_weeks["week"], 3)
    factories.check_in(two_weeks, couple.partner_at(2), two_weeks["week"], 8)
    db.session.commit()
    [summary] = review.dashboard(counselor.id)
    assert "Connection scores 5 apart (Sam 3, Alex 8)" in summary.flags


def test_flags_two_quiet_weeks(app, counselor, couple, two_weeks):
    for kind in ("rhythm", "needs", "checkin"):
        two_weeks[kind].created_at = utcnow() - timedelta(days=20)
    factories.rhythm_mark(
        two_weeks, couple.partner_at(1), two_weeks["last"], created_at=utcnow() - timedelta(days=15)
    )
    db.session.commit()
    [summary] = review.dashboard(counselor.id)
    assert "No homework activity for 2 weeks" in summary.flags
    client = app.test_client()
    login(client, counselor.email)
    assert "No homework activity for 2 weeks" in text_of(client.get("/counselor/"))


def test_a_recent_action_means_no_quiet_flag(app, counselor, couple, two_weeks):
    for kind in ("rhythm", "needs", "checkin"):
        two_weeks[kind].created_at = utcnow() - timedelta(days=20)
    factories.rhythm_mark(two_weeks, couple.partner_at(1), two_weeks["week"])
    db.session.commit()
    [summary] = review.dashboard(counselor.id)
    assert summary.flags == []


def test_dashboard_shows_this_weeks_completion_and_last_check_in(app, counselor, couple, two_weeks):
    factories.check_in(two_weeks, couple.partner_at(1), two_weeks["week"], 6)
    db.session.commit()
    client = app.test_client()
    login(client, counselor.email)
    page = text_of(client.get("/counselor/"))
    # 3 rhythm items + 2 needs + 2 check-ins + 2 inventories + 2 questionnaires (this week
    # is the intake); one check-in done.
    assert "This week: 1 of 11 done" in page
    assert "Last inventory: none yet" in page
    week = couple_week(couple).start
    assert f"Last check-in: week of {week.day} {week:%b}" in page
