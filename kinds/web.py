"""What every kind's partner routes share: the signed-in partner, the week in the URL,
whether an assignment takes answers now, and the answer after an action.

Every action is a plain form POST that redirects back to the week; with HTMX it swaps
just its card and updates the week's counter out of band. A closed or paused week is a
409, invalid input a 422; either way the card comes back with a message and the form
keeps what was typed.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from blueprints.rendering import render, wants_fragment
from domain.access import own_partner_place
from domain.homework import couple_week, covering, load
from domain.views import card_for, partner_week
from domain.weeks import Week
from kinds import registry
from models import Assignment, AssignmentStatus, Partner, utcnow

CLOSED = "This week is closed now, so it stays as it was. This week's card is open for you."
PAUSED = "Your counselor has paused this for now, so nothing can be changed on it."
ENDED = "Your counselor has ended this homework. What you did stays in your history."


def me() -> Partner:
    """The signed-in partner's own place (routes are behind ``partner_required``)."""
    return own_partner_place(current_user)


def week_of(me: Partner, week_start: date, now: datetime | None = None) -> Week:
    """A week of this couple that has begun, or 404."""
    couple = me.couple
    current = couple_week(couple, now)
    if week_start.weekday() != couple.week_starts_on or week_start > current.start:
        abort(404)
    return Week(week_start, couple.timezone)


def assignment_of(me: Partner, kind: str, week: Week) -> Assignment | None:
    """The couple's assignment of ``kind`` that covers ``week``, if any."""
    return covering(me.couple.assignments, kind, week.start)


def writable(assignment: Assignment | None, week: Week) -> str | None:
    """Why this assignment's week cannot take answers now, or None if it can."""
    if assignment is None:
        return CLOSED
    if assignment.status == AssignmentStatus.PAUSED:
        return PAUSED
    if assignment.status == AssignmentStatus.ENDED:
        return ENDED
    if not assignment.covers(week.start) or not week.is_open():
        return CLOSED
    return None


def week_url(me: Partner, week: Week, kind: str | None = None) -> str:
    anchor = f"card-{kind}" if kind else None
    if week == couple_week(me.couple):
        return url_for("partner.home", _anchor=anchor)
    return url_for("partner.week", week_start=week.start, _anchor=anchor)


def render_week(me: Partner, week: Week, *, status=200, forms=None, kind=None, notes=None):
    """The week page, or (HTMX) just the card of ``kind`` plus the counter."""
    now = utcnow()
    current = couple_week(me.couple, now)
    hw = load(me.couple, week.start, week.start)
    view = partner_week(hw, week, me, current, now)
    all_forms = {}
    for card in view.cards:
        all_forms.update(registry.named(card.kind).card_forms(card))
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
    if view.is_current and not (kind and wants_fragment()):
        from domain.welcome import first_visit

        context["welcome"] = first_visit(me)
    if kind and wants_fragment():
        card = next((c for c in view.cards if c.kind == kind), None)
        if card is None:
            card = card_for(hw, kind, week, me, now)
        return render("partner/home.html", "partner/_card_swap.html", status, card=card, **context)
    return render("partner/home.html", "partner/_week.html", status, **context)


def done(
    me: Partner, week: Week, kind: str, message: str, *, forms=None, status=200, conflict=False
):
    """After an action: the card (HTMX), or back to the week page with a message."""
    notes = {kind: message, "conflict": conflict}
    if wants_fragment():
        return render_week(me, week, kind=kind, forms=forms, status=status, notes=notes)
    if status >= 400:
        return render_week(me, week, forms=forms, status=status, notes=notes)
    flash(message, "success")
    return redirect(week_url(me, week, kind))


def refused(me, week, kind, problem, *, key=None, form=None, invalid=""):
    """The answer when an action cannot go ahead, or None when it can."""
    forms = {key: form} if form is not None else None
    if problem:
        return done(me, week, kind, problem, forms=forms, status=409)
    if form is not None and not form.validate():
        return done(me, week, kind, invalid, forms=forms, status=422)
    return None
