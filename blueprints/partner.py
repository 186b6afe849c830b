"""A partner's own pages, made for a phone: this week first, past weeks one tap away.

Every action is a plain form POST that redirects back to the week; with HTMX it swaps just
its card and updates the week's counter out of band. Invalid input re-renders with 422 and
keeps what was typed.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from blueprints.rendering import keeps_input, render, wants_fragment
from domain import confidentiality
from domain.access import (
    couple_assignment_for,
    own_need,
    own_partner_place,
    partner_required,
    rhythm_item_for,
    step_asked_of,
)
from domain.homework import couple_week, covering, load
from domain.views import PROMPTS, SCALES, card_for, partner_week
from domain.weeks import Week
from extensions import db
from forms import CheckInForm, RatingForm, ReflectionForm, RhythmMarkForm
from models import (
    Assignment,
    AssignmentStatus,
    CheckIn,
    HomeworkKind,
    NeedRating,
    Partner,
    RhythmMark,
    RhythmReflection,
    StepDone,
    utcnow,
)

bp = Blueprint("partner", __name__)

CLOSED = "This week is closed now, so it stays as it was. This week's card is open for you."
PAUSED = "Your counselor has paused this for now, so nothing can be changed on it."
ENDED = "Your counselor has ended this homework. What you did stays in your history."


def _me() -> Partner:
    return own_partner_place(current_user)


def _week(me: Partner, week_start: date, now: datetime | None = None) -> Week:
    """A week of this couple that has begun, or 404."""
    couple = me.couple
    current = couple_week(couple, now)
    if week_start.weekday() != couple.week_starts_on or week_start > current.start:
        abort(404)
    return Week(week_start, couple.timezone)


def _forms_for(view) -> dict:
    """Empty forms for every card on the week (prefixed: several share a page)."""
    forms = {}
    for card in view.cards:
        if card.kind == HomeworkKind.RHYTHM:
            for item in card.items:
                key = f"mark-{item.item.id}"
                forms[key] = RhythmMarkForm(formdata=None, prefix=key)
            key = f"reflection-{card.assignment.id}"
            mine = card.mine
            forms[key] = ReflectionForm(formdata=None, prefix=key, obj=mine)
            if mine is not None:
                forms[key].version.data = str(mine.version)
        elif card.kind == HomeworkKind.NEEDS:
            for need in card.mine:
                key = f"rating-{need.need.id}"
                forms[key] = RatingForm(formdata=None, prefix=key, obj=need.rating)
    return forms


def _render_week(me: Partner, week: Week, *, status=200, forms=None, kind=None, notes=None):
    """The week page, or (HTMX) just the card of ``kind`` plus the counter."""
    now = utcnow()
    current = couple_week(me.couple, now)
    hw = load(me.couple, week.start, week.start)
    view = partner_week(hw, week, me, current, now)
    all_forms = _forms_for(view)
    all_forms.update(forms or {})
    context = {
        "me": me,
        "other": me.other,
        "couple": me.couple,
        "counselor": me.couple.counselor,
        "view": view,
        "current": current,
        "forms": all_forms,
        "notes": notes or {},
        # Forms the person just sent: everything else on a swapped card keeps what they typed.
        "posted": set(forms or {}),
    }
    if kind and wants_fragment():
        card = next((c for c in view.cards if c.kind == kind), None)
        if card is None:
            card = card_for(hw, kind, week, me, now)
        response = render(
            "partner/home.html", "partner/_card_swap.html", status, card=card, **context
        )
        return response
    return render("partner/home.html", "partner/_week.html", status, **context)


def _done(
    me: Partner, week: Week, kind: str, message: str, *, forms=None, status=200, conflict=False
):
    """After an action: the card (HTMX), or back to the week page with a message."""
    notes = {kind: message, "conflict": conflict}
    if wants_fragment():
        return _render_week(me, week, kind=kind, forms=forms, status=status, notes=notes)
    if status >= 400:
        return _render_week(me, week, forms=forms, status=status, notes=notes)
    flash(message, "success")
    return redirect(_week_url(me, week, kind))


def _week_url(me: Partner, week: Week, kind: str | None = None) -> str:
    anchor = f"card-{kind}" if kind else None
    if week == couple_week(me.couple):
        return url_for("partner.home", _anchor=anchor)
    return url_for("partner.week", week_start=week.start, _anchor=anchor)


def _writable(assignment: Assignment, week: Week) -> str | None:
    """Why this assignment's week cannot take answers now, or None if it can."""
    if assignment.status == AssignmentStatus.PAUSED:
        return PAUSED
    if assignment.status == AssignmentStatus.ENDED:
        return ENDED
    if not assignment.covers(week.start) or not week.is_open():
        return CLOSED
    return None


def _refused(me, week, kind, problem, *, key=None, form=None, invalid=""):
    """The answer when an action cannot go ahead, or None when it can.

    A closed or paused week is a 409, invalid input a 422; either way the card comes
    back with a message and the form keeps what was typed.
    """
    forms = {key: form} if form is not None else None
    if problem:
        return _done(me, week, kind, problem, forms=forms, status=409)
    if form is not None and not form.validate():
        return _done(me, week, kind, invalid, forms=forms, status=422)
    return None


def _assignment_of(me: Partner, kind: str, week: Week) -> Assignment | None:
    """The couple's assignment of ``kind`` that covers ``week``, if any."""
    return covering(me.couple.assignments, kind, week.start)


# --- Pages -------------------------------------------------------------------------------


@bp.get("/week")
@partner_required
def home():
    """This week: a greeting, who is in this with them, and one card per homework."""
    me = _me()
    return _render_week(me, couple_week(me.couple))


@bp.get("/week/<date:week_start>")
@partner_required
def week(week_start: date):
    """An earlier week, as it was (still editable for two days after it ends)."""
    me = _me()
    return _render_week(me, _week(me, week_start))


# --- Weekly rhythm -----------------------------------------------------------------------


@bp.post("/week/<date:week_start>/rhythm/<int:item_id>/done")
@keeps_input
@partner_required
def mark_done(week_start: date, item_id: int):
    """Tick off a rhythm item for the two of you, with an optional note."""
    me = _me()
    week = _week(me, week_start)
    item = rhythm_item_for(me, item_id)
    key = f"mark-{item.id}"
    form = RhythmMarkForm(prefix=key)
    refused = _refused(
        me,
        week,
        HomeworkKind.RHYTHM,
        _writable(item.assignment, week),
        key=key,
        form=form,
        invalid="Please look at the note.",
    )
    if refused:
        return refused
    existing = db.session.scalar(
        db.select(RhythmMark).where(
            RhythmMark.item_id == item.id, RhythmMark.week_start == week.start
        )
    )
    if existing is not None:
        return _already_marked(me, week, existing, form, key)
    mark = RhythmMark(
        item_id=item.id,
        week_start=week.start,
        partner_id=me.id,
        note=form.note.data or "",
        note_visibility=form.note_visibility.data,
    )
    confidentiality.stamp(mark, me.couple)
    db.session.add(mark)
    try:
        db.session.commit()
    except IntegrityError:
        # A double tap, or the other partner a moment earlier: one mark stands.
        db.session.rollback()
        existing = db.session.scalar(
            db.select(RhythmMark).where(
                RhythmMark.item_id == item.id, RhythmMark.week_start == week.start
            )
        )
        return _already_marked(me, week, existing, form, key)
    return _done(me, week, HomeworkKind.RHYTHM, "Marked as done. Nice work, you two.")


def _already_marked(me, week, existing: RhythmMark, form, key):
    if existing.partner_id == me.id and (existing.note or "") == (form.note.data or ""):
        return _done(me, week, HomeworkKind.RHYTHM, "Marked as done. Nice work, you two.")
    who = "You" if existing.partner_id == me.id else me.other.name
    message = f"{who} marked this done a moment ago."
    if form.note.data:
        message += " Your note wasn't saved; it's still in the box below if you'd like to keep it."
        return _done(me, week, HomeworkKind.RHYTHM, message, forms={key: form}, status=409)
    return _done(me, week, HomeworkKind.RHYTHM, message)


@bp.post("/week/<date:week_start>/rhythm/<int:item_id>/undo")
@partner_required
def mark_undo(week_start: date, item_id: int):
    """Take back your own mark (the other partner's stays theirs to undo)."""
    me = _me()
    week = _week(me, week_start)
    item = rhythm_item_for(me, item_id)
    problem = _writable(item.assignment, week)
    if problem:
        return _done(me, week, HomeworkKind.RHYTHM, problem, status=409)
    mark = db.session.scalar(
        db.select(RhythmMark).where(
            RhythmMark.item_id == item.id, RhythmMark.week_start == week.start
        )
    )
    if mark is None:
        return _done(me, week, HomeworkKind.RHYTHM, "That wasn't marked anymore.")
    if mark.partner_id != me.id:
        return _done(
            me,
            week,
            HomeworkKind.RHYTHM,
            f"{me.other.name} marked this one, so only they can undo it.",
            status=409,
        )
    db.session.delete(mark)
    db.session.commit()
    return _done(me, week, HomeworkKind.RHYTHM, "Undone. It's back on the list.")


@bp.post("/week/<date:week_start>/rhythm/<int:assignment_id>/reflection")
@keeps_input
@partner_required
def reflection(week_start: date, assignment_id: int):
    """What helped and what didn't, this week: each partner's own words."""
    me = _me()
    week = _week(me, week_start)
    assignment = couple_assignment_for(me, assignment_id)
    if assignment.kind != HomeworkKind.RHYTHM:
        abort(404)
    key = f"reflection-{assignment.id}"
    form = ReflectionForm(prefix=key)
    refused = _refused(
        me,
        week,
        HomeworkKind.RHYTHM,
        _writable(assignment, week),
        key=key,
        form=form,
        invalid="Please look at your reflection.",
    )
    if refused:
        return refused
    row = db.session.scalar(
        db.select(RhythmReflection).where(
            RhythmReflection.assignment_id == assignment.id,
            RhythmReflection.week_start == week.start,
            RhythmReflection.partner_id == me.id,
        )
    )
    if row is not None and row.version != form.version_number():
        if (row.helped, row.didnt_help, row.visibility) == (
            form.helped.data or "",
            form.didnt_help.data or "",
            form.visibility.data,
        ):  # the same words again: a double tap
            return _done(me, week, HomeworkKind.RHYTHM, "Thank you. Your reflection is saved.")
        return _conflict(
            me, week, assignment, key, form, "You changed this in another tab or on another device."
        )
    if row is None:
        row = RhythmReflection(assignment_id=assignment.id, week_start=week.start, partner_id=me.id)
        db.session.add(row)
    row.helped = form.helped.data or ""
    row.didnt_help = form.didnt_help.data or ""
    row.visibility = form.visibility.data
    confidentiality.stamp(row, me.couple)
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        return _conflict(
            me,
            week,
            assignment,
            key,
            form,
            "This was saved from somewhere else at the same moment.",
        )
    return _done(me, week, HomeworkKind.RHYTHM, "Thank you. Your reflection is saved.")


def _conflict(me, week, assignment, key, form, why: str):
    """A second writer: keep their text in the form and show what is saved now."""
    form.version.data = str(
        db.session.scalar(
            db.select(RhythmReflection.version).where(
                RhythmReflection.assignment_id == assignment.id,
                RhythmReflection.week_start == week.start,
                RhythmReflection.partner_id == me.id,
            )
        )
        or 0
    )
    message = (
        f"{why} What's saved now is shown on the card; your text is still in the boxes. "
        "Save again to keep yours."
    )
    return _done(
        me, week, HomeworkKind.RHYTHM, message, forms={key: form}, status=409, conflict=True
    )


# --- Needs -------------------------------------------------------------------------------


@bp.post("/week/<date:week_start>/steps/<int:step_id>/done")
@partner_required
def step_done(week_start: date, step_id: int):
    """'I did this': a step the other partner asked for, taken this week."""
    me = _me()
    week = _week(me, week_start)
    step = step_asked_of(me, step_id)
    problem = _needs_writable(me, week)
    if problem:
        return _done(me, week, HomeworkKind.NEEDS, problem, status=409)
    db.session.add(StepDone(step_id=step.id, week_start=week.start, partner_id=me.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already marked: a double tap makes one mark
    return _done(me, week, HomeworkKind.NEEDS, f"Noted. {me.other.name} will see you did this.")


@bp.post("/week/<date:week_start>/steps/<int:step_id>/undo")
@partner_required
def step_undo(week_start: date, step_id: int):
    me = _me()
    week = _week(me, week_start)
    step = step_asked_of(me, step_id)
    problem = _needs_writable(me, week)
    if problem:
        return _done(me, week, HomeworkKind.NEEDS, problem, status=409)
    done = db.session.scalar(
        db.select(StepDone).where(StepDone.step_id == step.id, StepDone.week_start == week.start)
    )
    if done is not None:
        db.session.delete(done)
        db.session.commit()
    return _done(me, week, HomeworkKind.NEEDS, "Undone.")


def _needs_writable(me: Partner, week: Week) -> str | None:
    assignment = _assignment_of(me, HomeworkKind.NEEDS, week)
    return _writable(assignment, week) if assignment else CLOSED


@bp.post("/week/<date:week_start>/needs/<int:need_id>/rating")
@keeps_input
@partner_required
def rate_need(week_start: date, need_id: int):
    """The owner's weekly word on a need: met, partly or not yet."""
    me = _me()
    week = _week(me, week_start)
    need = own_need(me, need_id)
    key = f"rating-{need.id}"
    form = RatingForm(prefix=key)
    refused = _refused(
        me,
        week,
        HomeworkKind.NEEDS,
        _needs_writable(me, week),
        key=key,
        form=form,
        invalid="Please look at your rating.",
    )
    if refused:
        return refused
    rating = db.session.scalar(
        db.select(NeedRating).where(
            NeedRating.need_id == need.id, NeedRating.week_start == week.start
        )
    )
    if rating is None:
        rating = NeedRating(need_id=need.id, week_start=week.start)
        db.session.add(rating)
    rating.rating = form.rating.data
    rating.comment = form.comment.data or ""
    rating.comment_visibility = form.comment_visibility.data
    confidentiality.stamp(rating, me.couple)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same rating from a double tap: one row stands
    return _done(me, week, HomeworkKind.NEEDS, "Saved. Thank you for checking in on it.")


# --- Check-in ----------------------------------------------------------------------------


@bp.route("/week/<date:week_start>/check-in", methods=["GET", "POST"])
@keeps_input
@partner_required
def check_in(week_start: date):
    """This week's check-in: one per partner per week, editable while the week is open."""
    me = _me()
    week = _week(me, week_start)
    assignment = _assignment_of(me, HomeworkKind.CHECKIN, week)
    if assignment is None:
        abort(404)
    existing = db.session.scalar(
        db.select(CheckIn).where(
            CheckIn.assignment_id == assignment.id,
            CheckIn.partner_id == me.id,
            CheckIn.week_start == week.start,
        )
    )
    problem = _writable(assignment, week)
    form = CheckInForm(obj=existing) if existing else CheckInForm()
    if existing is not None and not form.is_submitted():
        form.version.data = str(existing.version)
    status = 200
    conflict = None
    if form.is_submitted() and problem:
        status = 409
    elif form.validate_on_submit():
        if existing is not None and existing.version != form.version_number():
            if _same_check_in(existing, form):  # the same answers again: a double tap
                flash("Thank you for checking in. It's saved.", "success")
                return redirect(_week_url(me, week, HomeworkKind.CHECKIN))
            conflict = existing
            form.version.data = str(existing.version)
            status = 409
        else:
            row = existing or CheckIn(
                assignment_id=assignment.id, partner_id=me.id, week_start=week.start
            )
            for name in ("connected", "heard", "stress", "scales_shared"):
                setattr(row, name, getattr(form, name).data)
            for name in PROMPTS:
                setattr(row, name, getattr(form, name).data or "")
                setattr(row, f"{name}_visibility", getattr(form, f"{name}_visibility").data)
            confidentiality.stamp(row, me.couple)
            if existing is None:
                db.session.add(row)
            try:
                db.session.commit()
            except (IntegrityError, StaleDataError):
                db.session.rollback()
                conflict = db.session.scalar(
                    db.select(CheckIn).where(
                        CheckIn.assignment_id == assignment.id,
                        CheckIn.partner_id == me.id,
                        CheckIn.week_start == week.start,
                    )
                )
                form.version.data = str(conflict.version) if conflict else "0"
                status = 409
            else:
                flash("Thank you for checking in. It's saved.", "success")
                return redirect(_week_url(me, week, HomeworkKind.CHECKIN))
    elif form.is_submitted():
        status = 422
    return render_template(
        "partner/check_in.html",
        form=form,
        me=me,
        week=week,
        assignment=assignment,
        existing=existing,
        problem=problem,
        conflict=conflict,
        scales=SCALES,
        prompts=PROMPTS,
    ), status


def _same_check_in(row: CheckIn, form: CheckInForm) -> bool:
    """Does the form hold exactly the answers already saved in ``row``?"""
    scales = ("connected", "heard", "stress", "scales_shared")
    if any(getattr(row, name) != getattr(form, name).data for name in scales):
        return False
    return all(
        getattr(row, name) == (getattr(form, name).data or "")
        and getattr(row, f"{name}_visibility") == getattr(form, f"{name}_visibility").data
        for name in PROMPTS
    )
