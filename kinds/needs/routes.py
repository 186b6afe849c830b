"""The needs list: name a need, turn it into steps, reword it, retire it; and on the week,
"I did this" for a step the other partner asked for, and the owner's weekly rating."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from domain import confidentiality, repeats, versions
from domain.access import NotVisible
from extensions import commit_keeping_loaded, db
from forms.base import ButtonForm
from kinds import actions
from kinds.needs.forms import NeedForm, RatingForm
from kinds.needs.history import need_history
from kinds.needs.models import (
    KEY,
    NEEDS_MAX,
    NEEDS_SUGGESTED,
    RATING_WORDS,
    Need,
    NeedRating,
    NeedStatus,
    NeedStep,
    NeedWording,
    StepDone,
    add_steps,
)
from models import Partner, Visibility, utcnow
from web.guards import partner_required
from web.rendering import keeps_input, render

NAMED = _l("Your need is on the list. Thank you for putting it into words.")
#: The form for naming a need on the week's card (its fields' names start with this).
NEW_ON_CARD = "new-need"

RATED = _l("Saved. Thank you for checking in on it.")

bp = Blueprint(KEY, __name__, template_folder="templates")


def own_need(me: Partner, need_id: int) -> Need:
    """A need the partner named themselves."""
    need = db.session.scalar(select(Need).where(Need.id == need_id, Need.owner_id == me.id))
    if need is None:
        raise NotVisible()
    return need


def step_asked_of(me: Partner, step_id: int) -> NeedStep:
    """A step of the other partner's need, if that need is shared with ``me``."""
    step = db.session.scalar(
        select(NeedStep)
        .join(Need, Need.id == NeedStep.need_id)
        .where(
            NeedStep.id == step_id,
            Need.owner_id == me.other.id,
            Need.visibility == Visibility.SHARED,
        )
    )
    if step is None:
        raise NotVisible()
    return step


TOO_MANY = _l(
    "Are you sure? Fewer needs, done well, tend to work better than many at once. "
    "Tick the box below if you'd like to add this one too."
)
MORE_ON_PAGE = _l(
    "You have %(num)d needs already. To add another, use “Add or change your needs”.",
    num=NEEDS_SUGGESTED,
)
LIMIT = _l(
    "%(num)d needs at once is the most. Retire one you two are good on first.", num=NEEDS_MAX
)


def _active_needs(me) -> list[Need]:
    return list(
        db.session.scalars(
            select(Need)
            .where(Need.owner_id == me.id, Need.status == NeedStatus.ACTIVE)
            .options(selectinload(Need.steps))
            .order_by(Need.created_at, Need.id)
        )
    )


@bp.get("/needs/")
@partner_required
def index():
    """My needs and their steps, and the needs my partner shared with me."""
    me = actions.me()
    history = need_history(me)
    return render(
        "needs/index.html",
        me=me,
        history=history,
        active_count=len(_active_needs(me)),
        limit=NEEDS_MAX,
        button=ButtonForm(),
        rating_words=RATING_WORDS,
    )


@bp.route("/needs/new", methods=["GET", "POST"])
@keeps_input
@partner_required
def new():
    """Name a need and the steps the other partner can take."""
    me = actions.me()
    active = _active_needs(me)
    form = NeedForm()
    status = 200
    if len(active) >= NEEDS_MAX:
        flash(str(LIMIT), "error")
        return redirect(url_for("needs.index"))
    if form.validate_on_submit():
        listed = url_for("needs.index")
        same = any(_is_the_same(n, form) for n in active)
        went = repeats.earlier(form.once.data, current_user.id, same=listed if same else None)
        if went:  # the same form again
            flash(str(NAMED), "success")
            return redirect(went)
        if len(active) >= NEEDS_SUGGESTED and not form.confirm_extra.data:
            form.confirm_extra.errors = [str(TOO_MANY)]
            status = 422
        else:
            went = _name_need(me, form, listed)
            flash(str(NAMED), "success")
            return redirect(went or listed)
    elif form.is_submitted():
        status = 422
    _word_steps(form, me)
    return render(
        "needs/form.html",
        form=form,
        need=None,
        me=me,
        ask_confirm=len(active) >= NEEDS_SUGGESTED,
        active_count=len(active),
        status=status,
    )


def _name_need(me: Partner, form: NeedForm, made: str) -> str | None:
    """Add the need the form names, once; where an earlier sending of it went, if any."""
    need = Need(owner_id=me.id, wording=form.wording.data, visibility=form.visibility.data)
    need.wordings.append(NeedWording(wording=form.wording.data))
    add_steps(need, form.step_lines())
    confidentiality.stamp(need, me.couple)
    db.session.add(need)
    return repeats.save_once(form.once.data, current_user.id, made)


@bp.post("/week/<date:week_start>/needs/new")
@keeps_input
@partner_required
def name_on_week(week_start: date):
    """Name a need (and its first steps) right on the week's card, without leaving it.

    Offered while the partner has fewer needs than we suggest; more go through the needs
    page, which asks whether another one is wise.
    """
    me = actions.me()
    week = actions.week_of(me, week_start)
    form = NeedForm(prefix=NEW_ON_CARD)
    _word_steps(form, me)
    refused = actions.refused(
        me,
        week,
        KEY,
        _needs_writable(me, week),
        key=NEW_ON_CARD,
        form=form,
        invalid=gettext("Please look at your need."),
    )
    if refused:
        return refused
    active = _active_needs(me)
    here = actions.week_url(me, week, KEY)
    same = any(_is_the_same(n, form) for n in active)
    # The card comes back with an empty form for the next need (while one is offered),
    # not with the one just sent.
    blank = {NEW_ON_CARD: None}
    if repeats.earlier(form.once.data, current_user.id, same=here if same else None):
        # The same form again: one need stands.
        return actions.done(me, week, KEY, str(NAMED), forms=blank, at="add-need")
    if len(active) >= NEEDS_SUGGESTED:  # named meanwhile in another tab
        return actions.done(me, week, KEY, str(MORE_ON_PAGE), forms=blank, status=409)
    _name_need(me, form, here)
    if len(active) + 1 < NEEDS_SUGGESTED:
        blank = {NEW_ON_CARD: NeedForm(formdata=None, prefix=NEW_ON_CARD)}
    return actions.done(me, week, KEY, str(NAMED), forms=blank, at="add-need")


def _word_steps(form: NeedForm, me) -> None:
    form.word_steps_for(confidentiality.first_name(me.couple.counselor), _partner_name(me))


def _partner_name(me) -> str:
    return me.other.name_with_role if me.other.joined else "your partner"


def _is_the_same(need: Need, form: NeedForm) -> bool:
    """Is ``need`` word for word, step for step, what the form asks to add?"""
    return (
        need.wording == form.wording.data
        and [s.text for s in need.active_steps] == form.step_lines()
    )


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@keeps_input
@partner_required
def edit(need_id: int):
    """Reword a need or its steps; the old wording stays in the history."""
    me = actions.me()
    need = own_need(me, need_id)
    if need.status != NeedStatus.ACTIVE:
        flash(gettext("This need is retired. Its history is kept as it was."), "info")
        return redirect(url_for("needs.index"))
    form = NeedForm()
    status = 200
    conflict = None
    if not form.is_submitted():
        form.wording.data = need.wording
        form.steps.data = "\n".join(s.text for s in need.active_steps)
        form.visibility.data = need.visibility
        form.version.data = str(need.version)
    elif form.validate_on_submit():
        saved = versions.save(
            need,
            form.version_number(),
            lambda row: _apply(row, form),
            reload=lambda: own_need(me, need_id),
        )
        if not saved.conflict:
            flash(gettext("Saved. The earlier wording is kept in the history."), "success")
            return redirect(url_for("needs.index"))
        need = conflict = saved.row
        form.version.data = str(saved.version)
        status = 409
    else:
        status = 422
    _word_steps(form, me)
    return render(
        "needs/form.html",
        form=form,
        need=need,
        me=me,
        conflict=conflict,
        ask_confirm=False,
        status=status,
    )


def _apply(need: Need, form: NeedForm) -> None:
    if form.wording.data != need.wording:
        need.wording = form.wording.data
        need.wordings.append(NeedWording(wording=form.wording.data))
    need.visibility = form.visibility.data
    confidentiality.stamp(need, need.owner.couple)
    wanted = form.step_lines()
    now = utcnow()
    kept = set()
    for step in need.active_steps:
        if step.text in wanted and step.text not in kept:
            kept.add(step.text)
        else:
            step.removed_at = now  # its "I did this" history stays
    add_steps(need, [line for line in wanted if line not in kept])
    # Keep the order the partner typed.
    order = {text: i for i, text in enumerate(wanted)}
    for step in need.active_steps:
        step.position = order.get(step.text, step.position)
    # Touch the row so its version moves even when only the steps changed: a parallel
    # edit from another tab is then noticed.
    flag_modified(need, "wording")


@bp.post("/needs/<int:need_id>/retire")
@partner_required
def retire(need_id: int):
    """ "We're good on this now", confirmed: the need leaves the weekly list; its history
    stays, and it can be brought back."""
    me = actions.me()
    need = own_need(me, need_id)
    if need.status == NeedStatus.ACTIVE:
        need.status = NeedStatus.RETIRED
        need.retired_at = utcnow()
        commit_keeping_loaded()
    # Said as what happened: a retired need may have been going well or not at all.
    flash(gettext("“%(need)s” is retired. It stays in your history.", need=need.wording), "success")
    return redirect(url_for("needs.index", _anchor="retired-needs"))


@bp.post("/needs/<int:need_id>/bring-back")
@partner_required
def bring_back(need_id: int):
    """A retired need back on the weekly list (its owner only), with its history."""
    me = actions.me()
    need = own_need(me, need_id)
    if need.status == NeedStatus.ACTIVE:
        flash(gettext("“%(need)s” is on your list.", need=need.wording), "success")
        return redirect(url_for("needs.index", _anchor=f"need-{need.id}"))
    if len(_active_needs(me)) >= NEEDS_MAX:
        flash(str(LIMIT), "error")
        return redirect(url_for("needs.index", _anchor="retired-needs"))
    need.status = NeedStatus.ACTIVE
    need.retired_at = None
    commit_keeping_loaded()
    flash(gettext("“%(need)s” is back on your list.", need=need.wording), "success")
    return redirect(url_for("needs.index", _anchor=f"need-{need.id}"))


# --- On the week ------------------------------------------------------------------------


@bp.post("/week/<date:week_start>/steps/<int:step_id>/done")
@partner_required
def step_done(week_start: date, step_id: int):
    """'I did this': a step the other partner asked for, taken this week."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    step = step_asked_of(me, step_id)
    problem = _needs_writable(me, week)
    if problem:
        return actions.done(me, week, KEY, problem, status=409)
    db.session.add(StepDone(step_id=step.id, week_start=week.start, partner_id=me.id))
    try:
        commit_keeping_loaded()
    except IntegrityError:
        db.session.rollback()  # already marked: a double tap makes one mark
    return actions.done(
        me, week, KEY, gettext("Noted. %(name)s will see you did this.", name=me.other.name)
    )


@bp.post("/week/<date:week_start>/steps/<int:step_id>/undo")
@partner_required
def step_undo(week_start: date, step_id: int):
    me = actions.me()
    week = actions.week_of(me, week_start)
    step = step_asked_of(me, step_id)
    problem = _needs_writable(me, week)
    if problem:
        return actions.done(me, week, KEY, problem, status=409)
    done = db.session.scalar(
        db.select(StepDone).where(StepDone.step_id == step.id, StepDone.week_start == week.start)
    )
    if done is not None:
        db.session.delete(done)
        commit_keeping_loaded()
    return actions.done(me, week, KEY, gettext("Undone."))


def _needs_writable(me, week) -> str | None:
    assignment = actions.assignment_of(me, KEY, week)
    return actions.writable(assignment, week)


@bp.post("/week/<date:week_start>/needs/<int:need_id>/rating")
@keeps_input
@partner_required
def rate_need(week_start: date, need_id: int):
    """The owner's weekly word on a need: met, partly or not yet."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    need = own_need(me, need_id)
    key = f"rating-{need.id}"
    form = RatingForm(prefix=key)
    refused = actions.refused(
        me,
        week,
        KEY,
        _needs_writable(me, week),
        key=key,
        form=form,
        invalid=gettext("Please look at your rating."),
    )
    if refused:
        return refused
    rating = save_rating(me, need, week, form)
    # Named as sent, so the card comes back with its "Change" closed, not kept open by HTMX.
    saved = RatingForm(formdata=None, prefix=key, obj=rating)
    return actions.done(me, week, KEY, str(RATED), forms={key: saved}, at=f"need-{need.id}")


def save_rating(me: Partner, need: Need, week, form: RatingForm) -> NeedRating:
    """Write the week's rating of ``need`` from a valid ``form``, under the policy in
    force, and commit it (with its audit row and the couple's data version)."""
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
        commit_keeping_loaded()
    except IntegrityError:
        db.session.rollback()  # the same rating from a double tap: one row stands
    return rating


@bp.post("/week/<date:week_start>/needs/<int:need_id>/rating/undo")
@partner_required
def rating_undo(week_start: date, need_id: int):
    """Take back this week's rating of a need (a tap on a rating saves it at once)."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    need = own_need(me, need_id)
    problem = _needs_writable(me, week)
    if problem:
        return actions.done(me, week, KEY, problem, status=409)
    rating = db.session.scalar(
        db.select(NeedRating).where(
            NeedRating.need_id == need.id, NeedRating.week_start == week.start
        )
    )
    if rating is not None:
        db.session.delete(rating)
        commit_keeping_loaded()
    return actions.done(
        me, week, KEY, gettext("Undone. Not rated this week yet."), at=f"need-{need.id}"
    )
