"""The kinds of message Hearth sends: one small class each, in one list.

A kind knows who it is for, whether it is on by default, its subject, and how to gather
what its templates (``templates/mail/<name>.txt`` and ``.html``) need when it is sent.
``gather`` returns None when there is nothing to say any more (the week was checked in,
the link was replaced): the message is then skipped, not sent.

What a kind may put in a message: that something is waiting, a link to it, names people
chose to be called, dates, counts. Never anything a person wrote, a score, a need, a note,
or the other partner's activity unless the recipient asked for it (``partner_done``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from domain.homework import covering
from domain.mail import links
from domain.weeks import Week, current_week
from extensions import db
from kinds.checkin.models import KEY as CHECKIN
from kinds.checkin.models import CheckIn
from models import (
    Appointment,
    AppointmentStatus,
    CounselingSession,
    CoupleStatus,
    EmailChange,
    Invitation,
    Message,
    PasswordReset,
    User,
)

PARTNER, COUNSELOR, ANYONE, INVITEE = "partner", "counselor", "anyone", "invitee"
# Sent to an address rather than to an account's current e-mail (a new address being
# confirmed, an old one told it was replaced); never on the preferences page.
ADDRESS = "address"


def first_name(name: str) -> str:
    """The first word of ``name``; "" without one (the greeting is then "Hi there,")."""
    return (name or "").strip().split(" ")[0]


@dataclass(frozen=True)
class Kind(ABC):
    """One kind of message. Subclasses set the fields and ``gather``."""

    name: str = ""
    label: str = ""  # on the preferences page and the unsubscribe page
    hint: str = ""
    audience: str = PARTNER
    default_on: bool = True
    # False only for what the recipient asked for this minute (a password link).
    quiet_hours: bool = True
    # False for what keeps an account safe: no unsubscribe link, no preference, always sent.
    can_turn_off: bool = True
    subject: str = ""  # formatted with the gathered values

    @abstractmethod
    def gather(self, message: Message, user: User | None, now: datetime) -> dict | None:
        """The values the templates need, or None when there is nothing left to say."""

    def for_user(self, user: User) -> bool:
        if not self.can_turn_off:
            return False
        if self.audience == ANYONE:
            return True
        if self.audience == PARTNER:
            return user.is_partner
        if self.audience == COUNSELOR:
            return user.is_counselor
        return False


def _active_week(user: User, now: datetime) -> tuple | None:
    """The partner's place, couple and current week, if their couple is active."""
    place = user.partner_place if user is not None else None
    if place is None or place.couple.status != CoupleStatus.ACTIVE:
        return None
    couple = place.couple
    return place, couple, current_week(couple.timezone, couple.week_starts_on, now)


def _week_of_period(message: Message, couple) -> Week | None:
    try:
        return Week(date.fromisoformat(message.period), couple.timezone)
    except ValueError:
        return None


def _message_week(message: Message, user: User, now: datetime) -> tuple | None:
    """The partner's place, couple and the week the message is about, if their couple is
    active and the message names a week."""
    found = _active_week(user, now)
    if found is None:
        return None
    place, couple, _current = found
    week = _week_of_period(message, couple)
    return (place, couple, week) if week is not None else None


class InvitationKind(Kind):
    def gather(self, message, user, now):
        invitation = db.session.get(Invitation, message.ref_id) if message.ref_id else None
        if invitation is None or not invitation.is_usable(now) or invitation.partner.joined:
            return None  # used, replaced or expired: the newer link has its own message
        from domain import invitations

        token = invitations.token_of(invitation)
        if token is None:
            return None
        partner = invitation.partner
        return {
            "first_name": first_name(partner.label),
            "counselor": partner.couple.counselor.display_name,
            "link": links.url("invitations.accept", token=token),
            "expires": invitation.expires_at,
        }


class PasswordResetKind(Kind):
    def gather(self, message, user, now):
        reset = db.session.get(PasswordReset, message.ref_id) if message.ref_id else None
        if reset is None or reset.used_at is not None or now >= reset.expires_at:
            return None
        from domain import password_reset

        token = password_reset.token_of(reset)
        if token is None:
            return None
        return {"link": links.url("password_reset.choose", token=token)}


class EmailConfirmKind(Kind):
    """To a new address: open this link, signed in, to sign in with this address."""

    def gather(self, message, user, now):
        from domain import email_change
        from domain.mail import prefs

        change = db.session.get(EmailChange, message.ref_id) if message.ref_id else None
        if change is None or change.used_at is not None or now >= change.expires_at:
            return None  # opened, replaced by a newer request, or too late
        token = email_change.token_of(change)
        if token is None or change.user is None or not change.user.active:
            return None
        return {
            "first_name": first_name(change.user.display_name),
            "practice": prefs.practice_of(change.user),
            "link": links.url("account.confirm_email", token=token),
        }


class EmailChangedKind(Kind):
    """To the address an account used before: it was replaced (not by what)."""

    def gather(self, message, user, now):
        from domain.mail import prefs

        change = db.session.get(EmailChange, message.ref_id) if message.ref_id else None
        if change is None or change.user is None or not change.old_email:
            return None
        return {
            "first_name": first_name(change.user.display_name),
            "practice": prefs.practice_of(change.user),
            "counselor": change.user.is_counselor,
            "link": links.url("auth.login"),
        }


class SummarySharedKind(Kind):
    def gather(self, message, user, now):
        session = db.session.get(CounselingSession, message.ref_id) if message.ref_id else None
        if session is None or session.released_at is None or user.partner_place is None:
            return None
        if session.couple_id != user.partner_place.couple_id:
            return None
        return {"number": session.number, "link": links.url("counseling.partner_index")}


class WeekStartedKind(Kind):
    def gather(self, message, user, now):
        found = _active_week(user, now)
        if found is None:
            return None
        _place, couple, week = found
        if week.start.isoformat() != message.period:
            return None  # that week is over: a late message would only confuse
        return {"week": week.label(), "link": links.url("partner.home")}


class CheckInReminderKind(Kind):
    def gather(self, message, user, now):
        found = _message_week(message, user, now)
        if found is None or not found[2].is_open(now):
            return None
        place, couple, week = found
        assignment = covering(couple.assignments, CHECKIN, week.start)
        if assignment is None or assignment.status != "active":
            return None
        done = db.session.scalar(
            select(CheckIn.id).where(
                CheckIn.assignment_id == assignment.id,
                CheckIn.partner_id == place.id,
                CheckIn.week_start == week.start,
            )
        )
        if done is not None:
            return None  # checked in since: nothing to remind
        return {
            "week": week.label(),
            "link": links.url("checkin.check_in", week_start=week.start),
        }


class PartnerDoneKind(Kind):
    def gather(self, message, user, now):
        found = _message_week(message, user, now)
        if found is None or found[0].other.user is None:
            return None
        place, _couple, week = found
        other = place.other
        return {
            "partner_name": first_name(other.name),
            "week": week.label(),
            "link": links.url("partner.home"),
        }


class NoteReceivedKind(Kind):
    """To a partner who asked: their partner wrote them an appreciation note. Only that a
    note arrived, and a link to Hearth: never its words."""

    def gather(self, message, user, now):
        from kinds.appreciation.models import AppreciationNote

        place = user.partner_place if user is not None else None
        note = db.session.get(AppreciationNote, message.ref_id) if message.ref_id else None
        if place is None or note is None or note.recipient_id != place.id:
            return None
        if place.couple.status != CoupleStatus.ACTIVE or place.other.left:
            return None
        return {
            "partner_name": first_name(place.other.name),
            "link": links.url("appreciation.collection"),
        }


def _booking(period: str) -> tuple[int, int] | None:
    """``"<appointment id>-<sequence>"`` (a session reminder's period) as two numbers."""
    head, _, tail = period.partition("-")
    try:
        return int(head), int(tail)
    except ValueError:
        return None


class SessionReminderKind(Kind):
    def gather(self, message, user, now):
        place = user.partner_place if user is not None else None
        booking = _booking(message.period)
        appointment = db.session.get(Appointment, message.ref_id) if message.ref_id else None
        if place is None or booking is None or appointment is None:
            return None
        if (
            (appointment.id, appointment.sequence) != booking
            or appointment.status != AppointmentStatus.SCHEDULED
            or appointment.couple_id != place.couple_id
            or appointment.starts_at <= now
        ):
            return None  # cancelled or moved since (a moved one has its own message)
        from domain.appointments import long_day_time

        couple = place.couple
        if couple.status == CoupleStatus.ARCHIVED:
            return None
        day, _, clock = long_day_time(appointment.starts_at, couple.timezone, now).rpartition(", ")
        return {
            "counselor": couple.counselor.display_name,
            "when": gettext("%(day)s at %(time)s", day=day, time=clock),
            "link": links.url("partner.home"),
        }


def _couples(count: int) -> str:
    return f"{count} couple" if count == 1 else f"{count} couples"


class DigestKind(Kind):
    def gather(self, message, user, now):
        from domain.appointments import sessions_tomorrow
        from domain.review import dashboard

        every = dashboard(user.id, now)
        summaries = [s for s in every if s.couple.status == CoupleStatus.ACTIVE]
        flagged = sum(1 for s in summaries if s.flags)
        quiet = sum(
            1 for s in summaries if any(f.startswith("No homework activity") for f in s.flags)
        )
        tomorrow = len({a.couple_id for a in sessions_tomorrow(now, counselor_id=user.id)})
        # Private words to the counselor not read yet: a count only, never whose or what;
        # a paused couple's count too (a hard week is when a word matters most).
        words = sum(s.unread_words for s in every)
        if not flagged and not tomorrow and not words:
            return None  # nothing worth a look, no session tomorrow, nothing to read: none
        if flagged:
            headline = f"{_couples(flagged)} worth a look today"
        elif words:
            headline = f"{words} private {'word' if words == 1 else 'words'} to read"
        else:
            headline = f"{_couples(tomorrow)} with a session tomorrow"
        return {
            "words": words,
            "flagged": flagged,
            "quiet": quiet,
            "tomorrow": tomorrow,
            "headline": headline,
            "couples_word": "couple" if flagged == 1 else "couples",
            "tomorrow_couples": _couples(tomorrow),
            "link": links.url("counselor.dashboard"),
        }


KINDS: list[Kind] = [
    InvitationKind(
        name="invitation",
        label=_l("Invitations to join"),
        audience=INVITEE,
        subject=_l("{practice}: {counselor} invited you to Hearth"),
    ),
    PasswordResetKind(
        name="password_reset",
        label=_l("Links to choose a new password"),
        hint=_l("Only when you ask for one on the sign-in page."),
        audience=ANYONE,
        quiet_hours=False,
        # Asked for this minute; switched off, "Forgot your password?" would silently fail.
        can_turn_off=False,
        subject=_l("{practice}: choose a new password"),
    ),
    EmailConfirmKind(
        name="email_confirm",
        label=_l("Links to confirm a new e-mail"),
        audience=ADDRESS,
        quiet_hours=False,
        can_turn_off=False,
        subject=_l("{practice}: please confirm your new e-mail"),
    ),
    EmailChangedKind(
        name="email_changed",
        label=_l("Your e-mail was changed"),
        audience=ADDRESS,
        quiet_hours=False,
        can_turn_off=False,
        subject=_l("{practice}: the e-mail you sign in with was changed"),
    ),
    SummarySharedKind(
        name="summary_shared",
        label=_l("Your session summary is ready"),
        hint=_l("When your counselor shares the summary of a session."),
        subject=_l("{practice}: your session summary is ready"),
    ),
    WeekStartedKind(
        name="week_started",
        label=_l("A new week has started"),
        hint=_l("On the day your week starts."),
        subject=_l("{practice}: a new week for you two"),
    ),
    CheckInReminderKind(
        name="checkin_reminder",
        label=_l("Check-in reminder"),
        hint=_l("On the last day of the week, only if you haven't checked in yet."),
        subject=_l("{practice}: your check-in is still open"),
    ),
    PartnerDoneKind(
        name="partner_done",
        label=_l("Your partner has checked in"),
        hint=_l("Only that they did, never what they wrote. Off unless you turn it on."),
        default_on=False,
        subject=_l("{practice}: {partner_name} has checked in this week"),
    ),
    NoteReceivedKind(
        name="note_received",
        label=_l("A note from your partner"),
        hint=_l("Only that a note of thanks arrived, never its words. Off unless you turn it on."),
        default_on=False,
        subject=_l("{practice}: {partner_name} wrote you a note"),
    ),
    SessionReminderKind(
        name="session_reminder",
        label=_l("Next session reminder"),
        hint=_l("The day before a session, at your time of day."),
        subject=_l("{practice}: your session is tomorrow"),
    ),
    DigestKind(
        name="digest",
        label=_l("Daily digest"),
        hint=_l(
            "Working days, only when a couple is worth a look or has a session tomorrow: "
            "counts and a link."
        ),
        audience=COUNSELOR,
        subject="{practice}: {headline}",
    ),
]

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
if len(BY_NAME) != len(KINDS):  # pragma: no cover - a start-up check, as a registry has
    raise RuntimeError("two message kinds share a name")


def kind_named(name: str) -> Kind | None:
    return BY_NAME.get(name)


def kinds_for(user: User) -> list[Kind]:
    """The kinds this person can choose on their preferences page."""
    return [kind for kind in KINDS if kind.for_user(user)]
