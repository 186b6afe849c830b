"""What every kind's partner routes share (its actions): the signed-in partner, the week in the URL,
whether an assignment takes answers now, and the answer after an action.

Every action is a plain form POST that redirects back to the week; with HTMX it swaps
just its card and updates the week's counter out of band. A closed or paused week is a
409, invalid input a 422; either way the card comes back with a message and the form
keeps what was typed.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, get_flashed_messages, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from domain.access import own_partner_place
from domain.cards import card_for, partner_week
from domain.homework import couple_week, covering, load
from domain.weeks import Week
from models import Assignment, AssignmentStatus, Partner, utcnow
from web.rendering import render, wants_fragment

# Said in the partner's language when read (``writable`` turns them into text).
CLOSED = _l("This week is closed now, so it stays as it was. This week's card is open for you.")
PAUSED = _l("Your counselor has paused this for now, so nothing can be changed on it.")
ENDED = _l("Your counselor has ended this homework. What you did stays in your history.")

#: A message flashed with this category plus a kind's key ("card:needs") is shown inside
#: that card, where the redirect's #card-<kind> anchor brings the person without JavaScript.
CARD_FLASH = "card:"


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
        return str(CLOSED)
    if assignment.status == AssignmentStatus.PAUSED:
        return str(PAUSED)
    if assignment.status == AssignmentStatus.ENDED:
        return str(ENDED)
    if not assignment.covers(week.start) or not week.is_open():
        return str(CLOSED)
    return None


def week_url(me: Partner, week: Week, kind: str | None = None) -> str:
    """The week's page; with ``kind``, scrolled to that kind's card."""
    anchor = f"card-{kind}" if kind else None
    if week == couple_week(me.couple):
        return url_for("partner.home", _anchor=anchor)
    return url_for("partner.week", week_start=week.start, _anchor=anchor)


def render_week(me: Partner, week: Week, *, status=200, forms=None, kind=None, notes=None):
    """The week page, or (HTMX) just the card of ``kind`` plus the counter."""
    # Imported here: each kind's routes import this module, and the registry imports
    # each kind, so importing one kind's module first must not need the registry yet.
    from kinds import registry

    now = utcnow()
    current = couple_week(me.couple, now)
    notes = dict(notes or {})
    if not wants_fragment():
        notes = card_flashes() | notes
    hw = load(me.couple, week.start, week.start)
    view = partner_week(hw, week, me, current, now)
    swap = bool(kind and wants_fragment())
    all_forms = {}
    for card in view.cards:
        # Forms only where the person can act: an open card, and with HTMX only the card
        # that goes back (the others are counted for the counter, not drawn).
        if card.open and (not swap or card.kind == kind):
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
        "notes": notes,
        # Forms the person just sent: everything else on a swapped card keeps what they typed.
        "posted": set(forms or {}),
    }
    if view.is_current and not swap:
        from domain.welcome import first_visit

        context["welcome"] = first_visit(me)
    if swap:
        card = next((c for c in view.cards if c.kind == kind), None)
        if card is None:
            card = card_for(hw, kind, week, me, now)
        return render("partner/home.html", "partner/_card_swap.html", status, card=card, **context)
    return render("partner/home.html", "partner/_week.html", status, **context)


def done(
    me: Partner,
    week: Week,
    kind: str,
    message: str,
    *,
    forms=None,
    status=200,
    conflict=False,
    at: str | None = None,
):
    """After an action: the card (HTMX), or back to the week page with a message.

    ``at`` names the part of the card the action was on (``need-3``): with HTMX the
    message stands there, beside what the person just tapped, instead of at the card's top.
    """
    notes = {kind: message, "conflict": conflict, "at": at}
    if wants_fragment():
        return render_week(me, week, kind=kind, forms=forms, status=status, notes=notes)
    if status >= 400:
        return render_week(me, week, forms=forms, status=status, notes=notes)
    return back_to_card(me, week, kind, message)


def back_to_card(me: Partner, week: Week, kind: str, message: str):
    """Redirect to the week, at the card of ``kind``, which then shows ``message``.

    Without JavaScript the page opens at the card the person acted on; the message
    stands inside that card rather than in the flash area at the top, off-screen.
    """
    flash(str(message), CARD_FLASH + kind)
    return redirect(week_url(me, week, kind))


def card_flashes() -> dict[str, str]:
    """Messages flashed for a card (``back_to_card``), by kind. Flask keeps the flashed
    messages for the whole request, so the flash area can still tell which it may skip."""
    return {
        category.removeprefix(CARD_FLASH): message
        for category, message in get_flashed_messages(with_categories=True)
        if category.startswith(CARD_FLASH)
    }


def refused(me, week, kind, problem, *, key=None, form=None, invalid=""):
    """The answer when an action cannot go ahead, or None when it can."""
    forms = {key: form} if form is not None else None
    if problem:
        return done(me, week, kind, problem, forms=forms, status=409)
    if form is not None and not form.validate():
        return done(me, week, kind, invalid, forms=forms, status=422)
    return None
