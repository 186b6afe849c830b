"""The connection plan's partner actions: plan a date, a night away or a trip, change a
plan, and mark one done with an optional note. Either partner may do each; both see it."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from domain import confidentiality, repeats, versions
from domain.access import NotVisible
from domain.weeks import local_today
from extensions import db
from kinds import actions
from kinds.plan.forms import SAID_A_NAME, KeptForm, PlanForm
from kinds.plan.models import BOTH, KEY, ME, PARTNER, PlannedTime
from models import Assignment, utcnow
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
PAST = _l("That day has passed. Please choose today or a day to come.")
NOT_YET = _l("That day hasn't come yet. Once you've had it, mark it done here.")
LOOK = _l("Please look at the plan below.")
CHANGED_MEANWHILE = _l(
    "This plan was changed a moment ago. Here it is as it stands now; what you typed is "
    "still in the box, so you can send it again if you like."
)


def thanks_for(occasion: str) -> str:
    return gettext(
        "Marked done. Well done, you two, for making time for %(what)s.",
        what=SAID_A_NAME[occasion],
    )


def arranger_of(choice: str, me) -> int | None:
    """The partner place who arranges it, from the writer's "me / my partner / both"."""
    if choice == ME:
        return me.id
    if choice == PARTNER:
        return me.other.id
    return None


def choice_of(plan: PlannedTime, me_id: int) -> str:
    """The writer's "me / my partner / both" for a stored plan, as ``me_id`` reads it."""
    if plan.arranger_id is None:
        return BOTH
    return ME if plan.arranger_id == me_id else PARTNER


def _plan_of(me, plan_id: int) -> PlannedTime:
    """A plan of this partner's couple, or 404 (never a hint that another couple's exists)."""
    plan = db.session.scalar(
        select(PlannedTime)
        .join(Assignment, Assignment.id == PlannedTime.assignment_id)
        .where(PlannedTime.id == plan_id, Assignment.couple_id == me.couple_id)
    )
    if plan is None:
        raise NotVisible()
    return plan


@bp.post("/week/<date:week_start>/plan/<any(date, away, trip):occasion>")
@keeps_input
@partner_required
def new(week_start: date, occasion: str):
    """Plan the next date, night away or trip: when, what, who arranges it."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = actions.assignment_of(me, KEY, week)
    key = f"plan-{occasion}"
    form = PlanForm(prefix=key)
    refused = actions.refused(
        me, week, KEY, actions.writable(assignment, week), key=key, form=form, invalid=str(LOOK)
    )
    if refused:
        return refused
    if form.on_day.data < local_today(me.couple.timezone):
        form.on_day.errors = [str(PAST)]
        return actions.done(me, week, KEY, str(LOOK), forms={key: form}, status=422, at=key)
    message = gettext("Planned. %(name)s sees it on This week too.", name=me.other.name)
    made = actions.week_url(me, week, KEY)
    if repeats.earlier(form.once.data, current_user.id):
        return actions.done(me, week, KEY, message)
    plan = PlannedTime(
        assignment_id=assignment.id,
        occasion=occasion,
        on_day=form.on_day.data,
        at_time=form.at_time.data,
        what=form.what.data,
        arranger_id=arranger_of(form.arranged_by.data, me),
        planned_by=me.id,
    )
    db.session.add(plan)
    repeats.save_once(form.once.data, current_user.id, made)
    return actions.done(me, week, KEY, message, forms={key: PlanForm(formdata=None, prefix=key)})


@bp.post("/week/<date:week_start>/plan/<int:plan_id>/change")
@keeps_input
@partner_required
def change(week_start: date, plan_id: int):
    """Change a plan (either partner): the other sees the new day, what or who at once."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    plan = _plan_of(me, plan_id)
    key = f"change-{plan.id}"
    form = PlanForm(prefix=key)
    problem = actions.writable(db.session.get(Assignment, plan.assignment_id), week)
    if not problem and plan.done:
        problem = gettext("This one is marked done already, so it stays as it was.")
    refused = actions.refused(me, week, KEY, problem, key=key, form=form, invalid=str(LOOK))
    if refused:
        return refused
    if form.on_day.data != plan.on_day and form.on_day.data < local_today(me.couple.timezone):
        form.on_day.errors = [str(PAST)]
        return actions.done(me, week, KEY, str(LOOK), forms={key: form}, status=422, at=key)
    arranger = arranger_of(form.arranged_by.data, me)

    def apply(row: PlannedTime) -> None:
        row.on_day, row.at_time, row.what = form.on_day.data, form.at_time.data, form.what.data
        row.arranger_id = arranger

    saved = versions.save(
        plan,
        form.version_number(),
        apply,
        same=lambda row: (
            (row.on_day, row.at_time, row.what, row.arranger_id)
            == (form.on_day.data, form.at_time.data, form.what.data, arranger)
        ),
        reload=lambda: db.session.get(PlannedTime, plan_id),
    )
    if saved.conflict:
        form.version.data = str(saved.version)
        return actions.done(
            me,
            week,
            KEY,
            str(CHANGED_MEANWHILE),
            forms={key: form},
            status=409,
            conflict=True,
            at=key,
        )
    return actions.done(
        me, week, KEY, gettext("Changed. %(name)s sees it now too.", name=me.other.name)
    )


@bp.post("/week/<date:week_start>/plan/<int:plan_id>/done")
@keeps_input
@partner_required
def kept(week_start: date, plan_id: int):
    """Mark a date, night away or trip done, with an optional note (shared or for the
    counselor only)."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    plan = _plan_of(me, plan_id)
    key = f"kept-{plan.id}"
    form = KeptForm(prefix=key)
    problem = actions.writable(db.session.get(Assignment, plan.assignment_id), week)
    refused = actions.refused(me, week, KEY, problem, key=key, form=form, invalid=str(LOOK))
    if refused:
        return refused
    thanks = thanks_for(plan.occasion)
    if plan.done:
        # A double tap, or both partners at once: the first one's mark and note stand.
        return actions.done(me, week, KEY, thanks)
    if plan.on_day > local_today(me.couple.timezone):
        return actions.done(me, week, KEY, str(NOT_YET), forms={key: form}, status=409, at=key)
    plan.done_at, plan.done_by = utcnow(), me.id
    plan.note, plan.visibility = form.note.data or "", form.visibility.data
    confidentiality.stamp(plan, me.couple)
    db.session.commit()
    return actions.done(me, week, KEY, thanks)
