"""The partner's questionnaire page: one take per partner in each take week, editable while
that week is open. The counselor's library pages are in ``library_routes`` on the same
blueprint."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from domain import confidentiality, versions
from extensions import db
from kinds import actions
from kinds.questionnaire.forms import AnswersForm
from kinds.questionnaire.models import KEY, Questionnaire, QuestionnaireTake, is_take_week
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
SAVED = _l("Thank you for taking a few quiet minutes on this. It's saved.")
NOT_AN_OPTION = _l("Please choose one of the answers listed.")
NOTHING_ANSWERED = _l("Please answer at least one line before saving.")


def _saved(me, week, assignment_id: int) -> QuestionnaireTake | None:
    return db.session.scalar(
        db.select(QuestionnaireTake).where(
            QuestionnaireTake.assignment_id == assignment_id,
            QuestionnaireTake.partner_id == me.id,
            QuestionnaireTake.week_start == week.start,
        )
    )


def read_answers(definition: Questionnaire, form) -> tuple[dict[str, int], dict[int, str], dict]:
    """The item answers sent (item id as text -> points), a problem per item, and what was
    sent for each item as typed (to show it again)."""
    allowed = {o.points for o in definition.options}
    answers, problems, sent = {}, {}, {}
    for item in definition.items:
        raw = (form.get(f"item-{item.id}") or "").strip()
        sent[item.id] = raw
        if not raw:
            continue  # left blank: the score shows as incomplete, never lower
        try:
            points = int(raw)
        except ValueError:
            points = None
        if points not in allowed:
            problems[item.id] = str(NOT_AN_OPTION)
            continue
        answers[str(item.id)] = points
    return answers, problems, sent


@bp.route("/week/<date:week_start>/questionnaire", methods=["GET", "POST"])
@keeps_input
@partner_required
def take(week_start: date):
    """This take week's questionnaire: an answer per item, who may see them, and a note."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = actions.assignment_of(me, KEY, week)
    if assignment is None or not is_take_week(assignment, week.start):
        abort(404)
    existing = _saved(me, week, assignment.id)
    # A take keeps the version it was answered under; a new one gets the couple's current.
    definition = (
        db.session.get(Questionnaire, existing.questionnaire_id)
        if existing is not None
        else assignment.questionnaire_schedule.questionnaire
    )
    problem = actions.writable(assignment, week)
    form = AnswersForm(obj=existing) if existing else AnswersForm()
    chosen = existing.points() if existing else {}
    item_problems: dict[int, str] = {}
    if existing is not None and not form.is_submitted():
        form.version.data = str(existing.version)
    status = 200
    conflict = None
    if form.is_submitted():
        answers, item_problems, sent = read_answers(definition, request.form)
        chosen = {i: v for i, v in sent.items() if v}
        if not answers and not item_problems:
            form.form_errors.append(str(NOTHING_ANSWERED))
    if form.is_submitted() and problem:
        status = 409
    elif form.validate_on_submit() and not item_problems and not form.form_errors:

        def apply(row: QuestionnaireTake) -> None:
            row.answers = answers
            row.score_shared = bool(form.score_shared.data)
            row.note = form.note.data or ""
            row.note_visibility = form.note_visibility.data
            confidentiality.stamp(row, me.couple)

        saved = versions.save(
            existing,
            form.version_number(),
            apply,
            same=lambda row: (
                row.answers == answers
                and row.score_shared == bool(form.score_shared.data)
                and row.note == (form.note.data or "")
                and row.note_visibility == form.note_visibility.data
            ),
            reload=lambda: _saved(me, week, assignment.id),
            new=lambda: QuestionnaireTake(
                assignment_id=assignment.id,
                partner_id=me.id,
                week_start=week.start,
                questionnaire_id=definition.id,
            ),
        )
        if not saved.conflict:
            return actions.back_to_card(me, week, KEY, str(SAVED))
        conflict = saved.row
        form.version.data = str(saved.version)
        status = 409
    elif form.is_submitted():
        status = 422
    return render_template(
        "questionnaire/take.html",
        form=form,
        me=me,
        week=week,
        assignment=assignment,
        existing=existing,
        problem=problem,
        conflict=conflict,
        definition=definition,
        chosen={int(k): str(v) for k, v in chosen.items()},
        item_problems=item_problems,
    ), status


from kinds.questionnaire import library_routes  # noqa: E402,F401  (the library's pages)
