"""The rhythm's partner actions: tick an item off (with a note), take it back, and the
end-of-week reflection."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain import confidentiality, versions
from domain.access import NotVisible, couple_assignment_for
from extensions import commit_keeping_loaded, db
from kinds import actions
from kinds.rhythm.forms import ReflectionForm, RhythmMarkForm
from kinds.rhythm.models import KEY, RhythmItem, RhythmMark, RhythmReflection
from models import Assignment, Partner
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")


def rhythm_item_for(me: Partner, item_id: int) -> RhythmItem:
    """A rhythm item of the partner's own couple."""
    item = db.session.scalar(
        select(RhythmItem)
        .join(Assignment, Assignment.id == RhythmItem.assignment_id)
        .where(RhythmItem.id == item_id, Assignment.couple_id == me.couple_id)
    )
    if item is None:
        raise NotVisible()
    return item


def _mark_action(week_start: date, item_id: int, prefix: str):
    """What ticking an item off and changing its note share: the partner, the week, the
    item, its form (named ``prefix-<item id>``), the refusal if any, and this week's mark."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    item = rhythm_item_for(me, item_id)
    key = f"{prefix}-{item.id}"
    form = RhythmMarkForm(prefix=key)
    refused = actions.refused(
        me,
        week,
        KEY,
        actions.writable(item.assignment, week),
        key=key,
        form=form,
        invalid=gettext("Please look at the note."),
    )
    mark = None
    if not refused:
        mark = db.session.scalar(
            db.select(RhythmMark).where(
                RhythmMark.item_id == item.id, RhythmMark.week_start == week.start
            )
        )
    return me, week, item, key, form, refused, mark


@bp.post("/week/<date:week_start>/rhythm/<int:item_id>/done")
@keeps_input
@partner_required
def mark_done(week_start: date, item_id: int):
    """Tick off a rhythm item for the two of you, with an optional note."""
    me, week, item, key, form, refused, existing = _mark_action(week_start, item_id, "mark")
    if refused:
        return refused
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
        commit_keeping_loaded()
    except IntegrityError:
        # A double tap, or the other partner a moment earlier: one mark stands.
        db.session.rollback()
        existing = db.session.scalar(
            db.select(RhythmMark).where(
                RhythmMark.item_id == item.id, RhythmMark.week_start == week.start
            )
        )
        return _already_marked(me, week, existing, form, key)
    return actions.done(me, week, KEY, marked(me))


def marked(me) -> str:
    """ "Nice work, you two" only once there are two: before the other partner joins, the
    mark is simply noted."""
    if me.other.joined:
        return gettext("Marked as done. Nice work, you two.")
    return gettext("Marked as done.")


def _already_marked(me, week, existing: RhythmMark, form, key):
    if existing.partner_id == me.id and (existing.note or "") == (form.note.data or ""):
        return actions.done(me, week, KEY, marked(me))
    if existing.partner_id == me.id:
        message = gettext("You marked this done a moment ago.")
    else:
        message = gettext("%(name)s marked this done a moment ago.", name=me.other.name)
    if form.note.data:
        message += " " + gettext(
            "Your note wasn't saved; it's still in the box below if you'd like to keep it."
        )
        return actions.done(me, week, KEY, message, forms={key: form}, status=409)
    return actions.done(me, week, KEY, message)


@bp.post("/week/<date:week_start>/rhythm/<int:item_id>/note")
@keeps_input
@partner_required
def mark_note(week_start: date, item_id: int):
    """Change the note on your own mark, or who can read it (the tick itself stays)."""
    me, week, item, key, form, refused, mark = _mark_action(week_start, item_id, "note")
    if refused:
        return refused
    if mark is None or mark.partner_id != me.id:
        return actions.done(
            me, week, KEY, gettext("That mark isn't yours to change anymore."), status=409
        )
    mark.note = form.note.data or ""
    mark.note_visibility = form.note_visibility.data
    confidentiality.stamp(mark, me.couple)
    commit_keeping_loaded()
    return actions.done(me, week, KEY, gettext("Your note is saved."), forms={key: form})


@bp.post("/week/<date:week_start>/rhythm/<int:item_id>/undo")
@partner_required
def mark_undo(week_start: date, item_id: int):
    """Take back your own mark (the other partner's stays theirs to undo)."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    item = rhythm_item_for(me, item_id)
    problem = actions.writable(item.assignment, week)
    if problem:
        return actions.done(me, week, KEY, problem, status=409)
    mark = db.session.scalar(
        db.select(RhythmMark).where(
            RhythmMark.item_id == item.id, RhythmMark.week_start == week.start
        )
    )
    if mark is None:
        return actions.done(me, week, KEY, gettext("That wasn't marked anymore."))
    if mark.partner_id != me.id:
        return actions.done(
            me,
            week,
            KEY,
            f"{me.other.name} marked this one, so only they can undo it.",
            status=409,
        )
    db.session.delete(mark)
    commit_keeping_loaded()
    return actions.done(me, week, KEY, gettext("Undone. It's back on the list."))


@bp.post("/week/<date:week_start>/rhythm/<int:assignment_id>/reflection")
@keeps_input
@partner_required
def reflection(week_start: date, assignment_id: int):
    """What helped and what didn't, this week: each partner's own words."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = couple_assignment_for(me, assignment_id)
    if assignment.kind != KEY:
        abort(404)
    key = f"reflection-{assignment.id}"
    form = ReflectionForm(prefix=key)
    refused = actions.refused(
        me,
        week,
        KEY,
        actions.writable(assignment, week),
        key=key,
        form=form,
        invalid=gettext("Please look at your reflection."),
    )
    if refused:
        return refused

    def apply(row: RhythmReflection) -> None:
        row.helped = form.helped.data or ""
        row.didnt_help = form.didnt_help.data or ""
        row.visibility = form.visibility.data
        confidentiality.stamp(row, me.couple)

    saved = versions.save(
        _reflection(me, assignment, week),
        form.version_number(),
        apply,
        same=lambda row: (
            (row.helped, row.didnt_help, row.visibility)
            == (form.helped.data or "", form.didnt_help.data or "", form.visibility.data)
        ),
        reload=lambda: _reflection(me, assignment, week),
        new=lambda: RhythmReflection(
            assignment_id=assignment.id, week_start=week.start, partner_id=me.id
        ),
    )
    if not saved.conflict:
        return _reflection_saved(me, week, key, saved.row)
    form.version.data = str(saved.version)
    why = (
        gettext("This was saved from somewhere else at the same moment.")
        if saved.raced
        else gettext("You changed this in another tab or on another device.")
    )
    message = (
        why
        + " "
        + gettext(
            "What's saved now is shown on the card; your text is still in the boxes. "
            "Save again to keep yours."
        )
    )
    return actions.done(me, week, KEY, message, forms={key: form}, status=409, conflict=True)


def _reflection(me, assignment, week) -> RhythmReflection | None:
    """This partner's reflection on ``week``, if they wrote one."""
    return db.session.scalar(
        db.select(RhythmReflection).where(
            RhythmReflection.assignment_id == assignment.id,
            RhythmReflection.week_start == week.start,
            RhythmReflection.partner_id == me.id,
        )
    )


def _reflection_saved(me, week, key: str, row: RhythmReflection):
    """Saved: the card shows the words read-only again, with "Change" closed (the form is
    named as sent, so HTMX does not keep the open one)."""
    saved = ReflectionForm(formdata=None, prefix=key, obj=row)
    saved.version.data = str(row.version)
    return actions.done(
        me,
        week,
        KEY,
        gettext("Thank you. Your reflection is saved."),
        forms={key: saved},
        at="reflection",
    )
