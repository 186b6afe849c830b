"""What is new: a released summary a partner hasn't opened, and couples with homework
activity since the counselor last opened their page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from extensions import db
from models import utcnow
from tests import factories
from tests.conftest import text_of

NEW_CARD = "Your summary of session 1 is ready"
DOT = 'class="new-dot"'
MARK = "New since you last looked"


def test_a_released_summary_is_new_to_each_partner_until_they_open_it(couple, signed_in):
    released = factories.session(couple, released=True)
    db.session.commit()
    sam, alex = signed_in(couple.partner_at(1).user), signed_in(couple.partner_at(2).user)
    for phone in (sam, alex):
        week = phone.get("/week").get_data(as_text=True)
        assert NEW_CARD in week and DOT in week
        assert f'href="/summaries/{released.id}.pdf"' in week
        assert DOT in phone.get("/needs/").get_data(as_text=True)  # the dot is on every page

    pdf = sam.get(f"/summaries/{released.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    week = sam.get("/week").get_data(as_text=True)
    assert NEW_CARD not in week and DOT not in week
    # Opening it twice is fine, and Alex hasn't opened it yet.
    assert sam.get(f"/summaries/{released.id}.pdf").status_code == 200
    assert NEW_CARD in alex.get("/week").get_data(as_text=True)


def test_the_newest_summary_is_offered_and_the_others_are_counted(couple, signed_in):
    factories.session(couple, released=True)
    factories.session(couple, released=True)
    db.session.commit()
    text = text_of(signed_in(couple.partner_at(1).user).get("/week"))
    assert "Your summary of session 2 is ready" in text
    assert "1 more new on Summaries" in text


def test_a_summary_not_released_is_never_new(couple, signed_in):
    factories.session(couple)
    db.session.commit()
    week = signed_in(couple.partner_at(1).user).get("/week").get_data(as_text=True)
    assert "is ready" not in week and DOT not in week


def test_another_couples_summary_is_not_new_here(counselor, couple, signed_in):
    other = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"))
    factories.session(other, released=True)
    db.session.commit()
    week = signed_in(couple.partner_at(1).user).get("/week").get_data(as_text=True)
    assert "is ready" not in week and DOT not in week


def dashboard_rows(office) -> dict[str, str]:
    """Each couple's row on the dashboard, as text, by couple name."""
    html = office.get("/counselor/").get_data(as_text=True)
    rows = {}
    for chunk in html.split('<li class="card couple-row')[1:]:
        text = text_of_html(chunk)
        name = text.split(" Active")[0].split(" New since")[0].strip()
        rows[name] = text
    return rows


def text_of_html(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", "<" + html)).split())


def test_the_dashboard_marks_couples_with_activity_since_the_last_look(
    counselor, couple, with_homework, signed_in
):
    quiet = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"))
    factories.homework(quiet)
    db.session.commit()
    office = signed_in(counselor)
    rows = dashboard_rows(office)
    assert MARK not in rows["Sam & Alex"] and MARK not in rows["Kim & Jo"]

    # Alex checks in: new for the counselor until they open the couple's page.
    factories.check_in(with_homework, couple.partner_at(2), with_homework["week"], 6, 6, 3)
    db.session.commit()
    rows = dashboard_rows(office)
    assert MARK in rows["Sam & Alex"] and MARK not in rows["Kim & Jo"]
    assert office.get(f"/counselor/couples/{couple.id}").status_code == 200
    assert MARK not in dashboard_rows(office)["Sam & Alex"]

    # Sam ticks off a rhythm item through their phone: new again.
    sam = signed_in(couple.partner_at(1).user)
    item = with_homework["rhythm"].rhythm_items[0]
    response = sam.post(f"/week/{with_homework['week']}/rhythm/{item.id}/done", data={})
    assert response.status_code == 302
    assert MARK in dashboard_rows(office)["Sam & Alex"]


def test_activity_before_the_last_look_is_not_new(counselor, couple, with_homework, signed_in):
    office = signed_in(counselor)
    factories.rhythm_mark(
        with_homework,
        couple.partner_at(1),
        with_homework["week"],
        created_at=utcnow() - timedelta(hours=2),
    )
    db.session.commit()
    assert MARK in dashboard_rows(office)["Sam & Alex"]
    office.get(f"/counselor/couples/{couple.id}")
    assert MARK not in dashboard_rows(office)["Sam & Alex"]
    # Another counselor's visits say nothing about this counselor's couples.
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    assert signed_in(other).get(f"/counselor/couples/{couple.id}").status_code == 404
    assert MARK not in dashboard_rows(office)["Sam & Alex"]
