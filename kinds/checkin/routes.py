"""The partner's check-in page: one per partner per week, editable while the week is open."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from domain import confidentiality, versions
from extensions import db
from kinds import actions
from kinds.checkin.forms import field_name, for_questions
from kinds.checkin.models import KEY, PROMPTS, SCALES, CheckIn, CheckInAnswer
from kinds.checkin.questions import answers_of, load_answers, set_for
from models import utcnow
from web.guards import partner_required
from web.rendering import keeps_input, render, wants_fragment

bp = Blueprint(KEY, __name__, template_folder="templates")
SAVED = _l("Thank you for checking in. It's saved.")
CHANGED = _l(
    "This check-in was changed somewhere else a moment ago (another tab or device). "
    "Your answers are still below. Save again to keep yours."
)


def _saved(me, week, assignment_id: int) -> CheckIn | None:
    return db.session.scalar(
        db.select(CheckIn).where(
            CheckIn.assignment_id == assignment_id,
            CheckIn.partner_id == me.id,
            CheckIn.week_start == week.start,
        )
    )


@bp.route("/week/<date:week_start>/check-in", methods=["GET", "POST"])
@keeps_input
@partner_required
def check_in(week_start: date):
    """This week's check-in: one per partner per week, editable while the week is open."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = actions.assignment_of(me, KEY, week)
    if assignment is None:
        abort(404)
    existing = _saved(me, week, assignment.id)
    problem = actions.writable(assignment, week)
    # The questions in force that week; a check-in already saved keeps the ones it was
    # written under (a version is never changed once its week has begun).
    question_set = existing.question_set if existing else set_for(assignment, week.start)
    questions = question_set.questions if question_set else None
    form_class = for_questions(questions) if questions else for_questions_standard()
    rows = load_answers([existing]).get(existing.id, {}) if existing else {}
    if existing:
        kept = {
            field_name(q): a.number if q.kind == "scale" else a.text
            for q, a in _kept(existing, rows)
        }
        kept.update(
            {
                f"{field_name(q)}_visibility": a.visibility
                for q, a in _kept(existing, rows)
                if q.kind != "scale"
            }
        )
        form = form_class(obj=existing, data=kept)
    else:
        form = form_class()
    if existing is not None and not form.is_submitted():
        form.version.data = str(existing.version)
    status = 200
    conflict = None
    if form.is_submitted() and problem:
        if wants_fragment():
            return actions.done(me, week, KEY, problem, status=409)
        status = 409
    elif form.validate_on_submit():

        def apply(row: CheckIn) -> None:
            write(row, form, question_set, me.id)
            confidentiality.stamp(row, me.couple)

        saved = versions.save(
            existing,
            form.version_number(),
            apply,
            same=lambda row: _same_check_in(row, form, question_set),
            reload=lambda: _saved(me, week, assignment.id),
            new=lambda: CheckIn(
                assignment_id=assignment.id, partner_id=me.id, week_start=week.start
            ),
        )
        if not saved.conflict:
            return actions.done(me, week, KEY, str(SAVED))
        conflict = saved.row
        form.version.data = str(saved.version)
        status = 409
        if wants_fragment():
            # Sent from the card: the card again, with what was typed and what is saved.
            return actions.done(me, week, KEY, str(CHANGED), forms={KEY: form}, status=409)
    elif form.is_submitted():
        status = 422
        if wants_fragment():
            return actions.done(
                me,
                week,
                KEY,
                gettext("Please look at the answers marked below."),
                forms={KEY: form},
                status=422,
            )
    return render(
        "checkin/check_in.html",
        form=form,
        me=me,
        week=week,
        assignment=assignment,
        existing=existing,
        problem=problem,
        conflict=conflict,
        conflict_answers=answers_of(conflict, load_answers([conflict]).get(conflict.id))
        if conflict is not None
        else [],
        status=status,
    )


def for_questions_standard():
    from kinds.checkin.forms import StandardCheckInForm

    return StandardCheckInForm


def _kept(row: CheckIn, rows: dict) -> list:
    """(question, answer row) for each answer of ``row`` kept in ``check_in_answers``."""
    if not row.question_set_id:
        return []
    return [(q, rows[q.id]) for q in row.question_set.questions if q.id in rows]


def write(row: CheckIn, form, question_set, writer_id: int) -> None:
    """Write the form's answers onto ``row``: a question with a standard column into it,
    every other one into its ``CheckInAnswer`` (made or changed here)."""
    row.question_set = question_set
    row.scales_shared = bool(form.scales_shared.data)
    numbers = "shared" if row.scales_shared else "counselor"
    asked = {q.key: q for q, _name in form.scales + form.prompts}
    # Standard columns the version does not ask stay empty.
    for key in SCALES:
        q = asked.get(key)
        if q is None or q.column != key:
            setattr(row, key, None)
    for key in PROMPTS:
        if key not in asked:
            setattr(row, key, "")
            setattr(row, f"{key}_visibility", "counselor")
    kept = {a.question_id: a for a in row.answers} if row.id else {}
    for q, name in form.scales + form.prompts:
        if q.kind == "scale":
            value, text, visibility = form[name].data, "", numbers
        else:
            value = None
            text = form[name].data or ""
            visibility = form[f"{name}_visibility"].data
        if q.column:
            if q.kind == "scale":
                setattr(row, q.column, value)
            else:
                setattr(row, q.column, text)
                setattr(row, f"{q.column}_visibility", visibility)
            continue
        answer = kept.get(q.id)
        if answer is None:
            answer = CheckInAnswer(question_id=q.id, partner_id=writer_id)
            row.answers.append(answer)
        answer.number, answer.text, answer.visibility = value, text, visibility
    # The answers live in their own rows: the check-in's version moves with them.
    row.updated_at = utcnow()


def _same_check_in(row: CheckIn, form, question_set) -> bool:
    """Does the form hold exactly the answers already saved in ``row``?"""
    if row.question_set_id != (question_set.id if question_set else None):
        return False
    if row.scales_shared != bool(form.scales_shared.data):
        return False
    rows = load_answers([row]).get(row.id, {})
    for q, name in form.scales + form.prompts:
        if q.column:
            stored = getattr(row, q.column)
            vis = None if q.kind == "scale" else getattr(row, f"{q.column}_visibility")
        else:
            a = rows.get(q.id)
            stored = (a.number if q.kind == "scale" else a.text) if a else None
            vis = a.visibility if a and q.kind != "scale" else None
        if q.kind == "scale":
            if stored != form[name].data:
                return False
        elif (stored or "") != (form[name].data or "") or vis != form[f"{name}_visibility"].data:
            return False
    return True
