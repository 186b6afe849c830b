"""A check-in with the counselor's own questions, saved as a template and assigned to
another couple from it: the questions travel, through the pages a counselor uses."""

from __future__ import annotations

import re

from sqlalchemy import select

from extensions import db
from kinds.checkin import questions as qs
from models import Assignment, AssignmentTemplate
from tests.test_checkin_questions import CLOSE, TRY, edit_url, editor
from tests.test_templates import _assign_form, _save, second_couple  # noqa: F401 (fixture)


def test_a_checkins_own_questions_travel_in_its_template(
    dana,
    couple,
    with_homework,
    second_couple,  # noqa: F811
):
    checkin = with_homework["checkin"]
    asked = [qs.STANDARD[0], CLOSE, TRY]
    assert dana.post(edit_url(couple, checkin), data=editor(asked)).status_code == 302

    assert (
        _save(dana, couple, checkin, name="Closeness check-in", instructions="Weekly.").status_code
        == 302
    )
    template = db.session.scalar(select(AssignmentTemplate))
    assert template.kind == "checkin"

    new = f"/counselor/couples/{second_couple.id}/homework/new/checkin"
    page = dana.get(f"{new}?template={template.id}").get_data(as_text=True)
    assert "How close we felt" in page and "One thing to try next week" in page
    form = _assign_form(page)
    # Selects too (a scale's lowest number), as the browser sends what is selected.
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option\b(?=[^>]*\bselected\b)[^>]*value="([^"]*)"', options)
        if chosen:
            form[name] = chosen.group(1)
    form["csrf_token"] = dana.csrf_token()
    assert dana.post(new, data=form).status_code == 302

    made = db.session.scalar(
        select(Assignment).where(
            Assignment.couple_id == second_couple.id, Assignment.kind == "checkin"
        )
    )
    [qset] = made.checkin_question_sets
    wanted = [(q.kind, q.label, q.low, q.high) for q in asked]
    assert [(q.kind, q.label, q.low, q.high) for q in qset.questions] == wanted
