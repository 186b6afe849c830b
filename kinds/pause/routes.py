"""The pause agreement's partner actions: propose a wording of the rule, accept the other's,
and log a pause."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from domain import confidentiality, repeats
from domain.access import NotVisible
from domain.weeks import local_today
from extensions import db
from kinds import actions
from kinds.pause.forms import PauseForm, RuleForm
from kinds.pause.models import ACCEPTED, KEY, PROPOSED, REPLACED, PausedMoment, PauseRule
from models import Assignment, utcnow
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
FUTURE = _l("That day hasn't come yet. Please choose the day you paused.")


def _refused(me, week, key, form, assignment, invalid):
    return actions.refused(
        me, week, KEY, actions.writable(assignment, week), key=key, form=form, invalid=invalid
    )


@bp.post("/week/<date:week_start>/pause/rule")
@keeps_input
@partner_required
def propose(week_start: date):
    """Propose a wording of the couple's pause rule (or a change to the one agreed)."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = actions.assignment_of(me, KEY, week)
    form = RuleForm(prefix="rule")
    refused = _refused(me, week, "rule", form, assignment, gettext("Please look at the wording."))
    if refused:
        return refused
    made = actions.week_url(me, week, KEY)
    message = gettext("Sent to %(name)s to accept or change.", name=me.other.name)
    if repeats.earlier(form.once.data, current_user.id):
        return actions.done(me, week, KEY, message)
    # A newer wording takes the place of any still waiting, whoever proposed it.
    for waiting in db.session.scalars(
        select(PauseRule).where(
            PauseRule.assignment_id == assignment.id, PauseRule.status == PROPOSED
        )
    ):
        waiting.status = REPLACED
    rule = PauseRule(
        assignment_id=assignment.id,
        partner_id=me.id,
        word=form.word.data,
        minutes=form.minutes.data,
        calming=form.calming.data,
        coming_back=form.coming_back.data,
    )
    db.session.add(rule)
    repeats.save_once(form.once.data, current_user.id, made)
    # The box to suggest a change starts from the wording just sent.
    return actions.done(me, week, KEY, message, forms=_fresh("rule", rule))


def _fresh(key: str, obj=None) -> dict:
    """A new form in place of the one just sent (from ``obj`` when given): its box closes
    and forgets what was typed (an unsent box elsewhere on the card keeps its words,
    ``hx-preserve``)."""
    form = RuleForm if key == "rule" else PauseForm
    return {key: form(formdata=None, prefix=key, obj=obj)}


@bp.post("/week/<date:week_start>/pause/rule/<int:rule_id>/accept")
@partner_required
def accept(week_start: date, rule_id: int):
    """Accept the other partner's wording: it becomes the rule shown on both phones."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    rule = db.session.scalar(
        select(PauseRule)
        .join(Assignment, Assignment.id == PauseRule.assignment_id)
        .where(PauseRule.id == rule_id, Assignment.couple_id == me.couple_id)
    )
    if rule is None:
        raise NotVisible()
    problem = actions.writable(db.session.get(Assignment, rule.assignment_id), week)
    if problem:
        return actions.done(me, week, KEY, problem, status=409)
    if rule.status == ACCEPTED:
        return actions.done(
            me, week, KEY, gettext("Agreed. This is your rule now, on both phones.")
        )
    if rule.status != PROPOSED:
        return actions.done(
            me,
            week,
            KEY,
            gettext("That wording was changed a moment ago. Here is the newest one."),
            status=409,
        )
    if rule.partner_id == me.id:
        return actions.done(
            me,
            week,
            KEY,
            gettext("This is your wording, so %(name)s accepts it.", name=me.other.name),
            status=409,
        )
    for old in db.session.scalars(
        select(PauseRule).where(
            PauseRule.assignment_id == rule.assignment_id, PauseRule.status == ACCEPTED
        )
    ):
        old.status = REPLACED
    rule.status, rule.accepted_by, rule.accepted_at = ACCEPTED, me.id, utcnow()
    db.session.commit()
    return actions.done(me, week, KEY, gettext("Agreed. This is your rule now, on both phones."))


@bp.post("/week/<date:week_start>/pause/log")
@keeps_input
@partner_required
def log(week_start: date):
    """Log a time the two of you paused, whether you came back to it and how it went."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = actions.assignment_of(me, KEY, week)
    form = PauseForm(prefix="paused")
    refused = _refused(
        me, week, "paused", form, assignment, gettext("Please look at the pause below.")
    )
    if refused:
        return refused
    if form.paused_on.data > local_today(me.couple.timezone):
        form.paused_on.errors = [str(FUTURE)]
        return actions.done(
            me, week, KEY, gettext("Please look at the day."), forms={"paused": form}, status=422
        )
    message = gettext("Logged. Pausing is hard; well done, you two.")
    made = actions.week_url(me, week, KEY)
    if repeats.earlier(form.once.data, current_user.id):
        return actions.done(me, week, KEY, message)
    came_back = form.came_back.data == "yes"
    moment = PausedMoment(
        assignment_id=assignment.id,
        partner_id=me.id,
        week_start=week.start,
        paused_on=form.paused_on.data,
        came_back=came_back,
        return_rating=form.return_rating.data if came_back else None,
        note=form.note.data or "",
        visibility=form.visibility.data,
    )
    confidentiality.stamp(moment, me.couple)
    db.session.add(moment)
    repeats.save_once(form.once.data, current_user.id, made)
    return actions.done(me, week, KEY, message, forms=_fresh("paused"))
