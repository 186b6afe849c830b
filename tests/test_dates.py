"""Review point 6: every date a person can enter, or name in a URL, stays in one range.

A session dated 9999-12-31 used to be saved and then broke the summary page, the PDFs and
both exports; 0001-01-01 and ``/week/0001-01-01`` were server errors. Now every date
field refuses a day outside ``domain.weeks``' range (422, a message next to the field,
the typed value kept) and every date in a URL outside it is a 404.
"""

from __future__ import annotations

import inspect
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from wtforms import DateField
from wtforms.fields.core import UnboundField

from domain.homework import couple_week
from domain.weeks import DAY_RANGE_MESSAGE, EARLIEST_DAY, LATEST_DAY
from extensions import db
from forms.base import all_forms, day_in_range_check
from models import Assignment, CounselingSession
from tests.conftest import session_form

FAR_OFF = ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"]


def _date_fields():
    for cls in all_forms():
        for field_name, unbound in inspect.getmembers(cls):
            if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, DateField):
                yield cls, field_name, unbound


def test_every_date_field_of_every_form_has_the_shared_bound():
    found = list(_date_fields())
    names = {(cls.__name__, name) for cls, name, _ in found}
    assert {("AssignmentForm", "starts_on"), ("SessionForm", "held_on")} <= names
    assert {("SessionForm", "next_on"), ("AuditFilterForm", "start")} <= names
    for cls, name, unbound in found:
        assert day_in_range_check in unbound.kwargs["validators"], (cls.__name__, name)
        assert unbound.kwargs["render_kw"]["max"] == LATEST_DAY.isoformat()


def _error_next_to(page: str, field_id: str) -> str:
    at = page.index(f'id="{field_id}-error"')
    return page[at : at + 300].replace("&#39;", "'")


@pytest.mark.parametrize("day", FAR_OFF)
@pytest.mark.parametrize("field", ["held_on", "next_on"])
def test_a_session_date_out_of_range_is_refused_and_kept(dana, couple, with_homework, field, day):
    response = dana.post(
        f"/counselor/couples/{couple.id}/sessions/new",
        data=session_form(with_homework, **{field: day, "next_time": "17:30"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert DAY_RANGE_MESSAGE in _error_next_to(page, field)
    assert f'value="{day}"' in page
    assert db.session.scalar(select(func.count(CounselingSession.id))) == 0


@pytest.mark.parametrize("day", FAR_OFF)
def test_a_homework_start_out_of_range_is_refused_and_kept(dana, couple, day):
    response = dana.post(
        f"/counselor/couples/{couple.id}/homework/new/checkin",
        data={"starts_on": day, "weeks": "6", "instructions": "Once a week, five minutes."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert DAY_RANGE_MESSAGE in _error_next_to(page, "starts_on")
    assert f'value="{day}"' in page
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


@pytest.mark.parametrize("day", FAR_OFF)
@pytest.mark.parametrize("field", ["start", "end"])
def test_an_audit_filter_out_of_range_is_refused_and_kept(dana, couple, field, day):
    response = dana.get(f"/counselor/couples/{couple.id}/audit?{field}={day}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert DAY_RANGE_MESSAGE in _error_next_to(page, field)
    assert f'value="{day}"' in page


def test_the_edges_of_the_range_work_everywhere(dana, couple, with_homework, signed_in):
    """A session on the last day there is: its summary, PDFs and both exports all work.

    (A next session is booked as an appointment, at most two years ahead and never in the
    past: ``tests/test_appointments.py`` covers its edges.)"""
    soon = date.today() + timedelta(days=30)
    for held, nxt in ((LATEST_DAY, soon), (EARLIEST_DAY, None)):
        data = session_form(with_homework, held_on=held.isoformat(), focus=f"On {held}")
        if nxt:
            data.update(next_on=nxt.isoformat(), next_time="23:59")
        response = dana.post(f"/counselor/couples/{couple.id}/sessions/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    sam = signed_in(couple.partner_at(1).user)
    sessions = db.session.scalars(select(CounselingSession)).all()
    for s in sessions:
        base = f"/counselor/couples/{couple.id}/sessions/{s.id}"
        assert dana.get(base).status_code == 200
        assert dana.get(base + "?copy=counselor").status_code == 200
        assert dana.get(base + "/summary-counselor.pdf").status_code == 200
        assert dana.post(base + "/release").status_code == 302
        assert sam.get(f"/summaries/{s.id}.pdf").status_code == 200
    assert dana.get(f"/counselor/couples/{couple.id}/sessions").status_code == 200
    assert dana.post(f"/counselor/couples/{couple.id}/export").status_code == 200
    assert sam.post("/account/export").status_code == 200
    assert sam.get("/summaries").status_code == 200
    assert dana.get(f"/counselor/couples/{couple.id}").status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-27", "2100-01-04", "9999-12-27"])
def test_a_week_out_of_range_in_a_url_is_404(couple, with_homework, signed_in, day):
    sam = signed_in(couple.partner_at(1).user)
    item = with_homework["rhythm"].rhythm_items[0].id
    step = with_homework["need_2"].steps[0].id
    assert sam.get(f"/week/{day}").status_code == 404
    assert sam.get(f"/week/{day}/check-in").status_code == 404
    for post in (
        f"/week/{day}/check-in",
        f"/week/{day}/rhythm/{item}/done",
        f"/week/{day}/rhythm/{item}/undo",
        f"/week/{day}/rhythm/{with_homework['rhythm'].id}/reflection",
        f"/week/{day}/steps/{step}/done",
        f"/week/{day}/needs/{with_homework['need_1'].id}/rating",
    ):
        assert sam.post(post).status_code == 404, post
    # The range itself is no obstacle to the weeks people actually have.
    assert sam.get(f"/week/{couple_week(couple).start - timedelta(weeks=1)}").status_code == 200
