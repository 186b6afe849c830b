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


def test_a_questionnaire_assignment_keeps_which_questionnaire_in_its_template(
    dana,
    counselor,
    couple,
    second_couple,  # noqa: F811
):
    from kinds.questionnaire import library as questionnaires

    mine = questionnaires.build(
        {
            "name": "Evening calm",
            "source": "Written for this practice.",
            "options": [[0, "Never"], [1, "Sometimes"], [2, "Often"]],
            "items": [["We wound down together", False], ["Evenings felt tense", True]],
            "score_as": "sum",
        },
        owner_id=counselor.id,
    )
    db.session.add(mine)
    db.session.commit()

    new = f"/counselor/couples/{couple.id}/homework/new/questionnaire"
    form = _assign_form(dana.get(new).get_data(as_text=True))
    form |= {"questionnaire_id": str(mine.id), "every_weeks": "3"}
    form["csrf_token"] = dana.csrf_token()
    assert dana.post(new, data=form).status_code == 302
    made = db.session.scalar(
        select(Assignment).where(
            Assignment.couple_id == couple.id, Assignment.kind == "questionnaire"
        )
    )
    assert (
        _save(dana, couple, made, name="Calm, every 3 weeks", instructions="x").status_code == 302
    )
    template = db.session.scalar(
        select(AssignmentTemplate).where(AssignmentTemplate.kind == "questionnaire")
    )
    assert template.settings == {"every_weeks": 3, "questionnaire": "Evening calm"}

    new = f"/counselor/couples/{second_couple.id}/homework/new/questionnaire"
    page = dana.get(f"{new}?template={template.id}").get_data(as_text=True)
    assert re.search(rf'<option\b(?=[^>]*\bselected\b)[^>]*value="{mine.id}"', page)
    assert _assign_form(page)["every_weeks"] == "3"
