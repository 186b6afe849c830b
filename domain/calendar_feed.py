"""Each person's private calendar feed (.ics), at an address only they know.

Calendar apps cannot sign in, so the address itself is the key: a random token, of which
the database keeps only a SHA-256 (the token is ``HMAC(secret key, nonce)``, as invitation
links are, so the account page can show the address again). Making a new address makes
the old one stop working at once.

What a feed says is deliberately little: times and generic titles ("Counseling session",
"Your week's homework starts", "Check-in closes", and a kind's own such as "Date (planned
together)", ``Kind.calendar``) and a link back to Hearth. No one's
written words go in, no homework wording, and a partner's feed never names the other
partner. A counselor's feed holds the sessions of all their couples, titled by the
couple's name (the counselor's own record).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from domain import appointments, link_tokens
from domain.homework import couple_week
from domain.weeks import Week, weeks_from
from extensions import db
from kinds.checkin.models import KEY as CHECKIN
from models import (
    Appointment,
    AssignmentStatus,
    CalendarFeed,
    Couple,
    CoupleStatus,
    Partner,
    User,
    utcnow,
)

TOKEN_MAX = 128
WEEKS_BACK = 8
WEEKS_AHEAD = 26
PRODID = "-//Hearth//Between sessions//EN"

# In the language being spoken: a partner's feed is drawn in theirs (``feed_for``).
SESSION_TITLE = _l("Counseling session")
WEEK_TITLE = _l("Your week's homework starts")
CHECK_IN_TITLE = _l("Check-in closes")
KIND_EVENT_HOURS = 2  # a planned time with a clock time: how long the calendar blocks


# --- The address --------------------------------------------------------------------------


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def issue(user: User) -> CalendarFeed:
    """A new feed address for ``user``; the one before it, if any, stops working."""
    nonce = secrets.token_hex(16)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.nonce = nonce
    feed.token_hash = link_tokens.digest(link_tokens.derive("calendar", nonce))
    feed.created_at = utcnow()
    db.session.flush()
    return feed


def token_of(feed: CalendarFeed | None) -> str | None:
    """The feed's token, or None if it can no longer be shown (the secret key changed)."""
    if feed is None:
        return None
    return link_tokens.shown_again("calendar", feed.nonce, feed.token_hash)


def owner_of(token: str) -> User | None:
    """Whose feed this token opens, or None (unknown, replaced, or the account is off)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    user = db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == link_tokens.digest(token))
    )
    if user is None or not user.active:
        return None
    return user


# --- What the feed holds --------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where a feed's events point back to in Hearth (absolute URLs, made by the view)."""

    home: str  # a partner's week, or the counselor's couples
    couple_page: Callable[[int], str] | None = None  # counselor: a couple's page by id


def _window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(weeks=WEEKS_BACK), now + timedelta(weeks=WEEKS_AHEAD)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # Calendar apps that honour these look again about every hour.
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def _session_event(appointment: Appointment, title: str, link: str) -> Event:
    zone = ZoneInfo(appointment.couple.timezone)
    event = Event()
    event.add("uid", appointment.uid)
    event.add("summary", str(title))
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointments.ends_at(appointment).astimezone(zone))
    event.add("dtstamp", appointment.updated_at)
    event.add("last-modified", appointment.updated_at)
    event.add("created", appointment.created_at)
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("description", gettext("Open Hearth: %(link)s", link=link))
    event.add("url", link)
    return event


def _day_event(uid: str, day: date, title: str, link: str, stamp: datetime, days: int = 1) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", str(title))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=days))
    event.add("dtstamp", stamp)
    event.add("transp", "TRANSPARENT")
    event.add("description", gettext("Open Hearth: %(link)s", link=link))
    event.add("url", link)
    return event


def _homework_days(couple: Couple, now: datetime) -> list[tuple[str, date, str]]:
    """(uid, day, title) for each homework week's start and each check-in's last day.

    Weeks already begun count every assignment that covered them; weeks to come only
    running ones, and none while the couple is paused or archived.
    """
    current = couple_week(couple, now)
    first = Week(current.start - timedelta(weeks=WEEKS_BACK), couple.timezone)
    last = Week(current.start + timedelta(weeks=WEEKS_AHEAD), couple.timezone)
    days = []
    for week in weeks_from(first, last):
        future = week.start > current.start
        if future and couple.status != CoupleStatus.ACTIVE:
            break
        covering = [
            a
            for a in couple.assignments
            if a.covers(week.start)
            and not (future and a.status != AssignmentStatus.ACTIVE)
            and not (week == current and a.status == AssignmentStatus.PAUSED)
        ]
        if not covering:
            continue
        days.append((f"week-{couple.id}-{week.start}@hearth", week.start, WEEK_TITLE))
        if any(a.kind == CHECKIN for a in covering):
            days.append((f"check-in-{couple.id}-{week.start}@hearth", week.end, CHECK_IN_TITLE))
    return days


def _kind_event(entry, zone: str, link: str, stamp: datetime) -> Event:
    """A kind's own event (``kinds.base.CalendarEntry``): timed on the couple's clock, or
    whole days."""
    if entry.at is None:
        return _day_event(entry.uid, entry.day, entry.title, link, entry.stamp or stamp, entry.days)
    start = datetime.combine(entry.day, entry.at, tzinfo=ZoneInfo(zone))
    event = Event()
    event.add("uid", entry.uid)
    event.add("summary", str(entry.title))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=KIND_EVENT_HOURS))
    event.add("dtstamp", entry.stamp or stamp)
    event.add("transp", "OPAQUE")
    event.add("description", gettext("Open Hearth: %(link)s", link=link))
    event.add("url", link)
    return event


def _kinds_entries(couple: Couple, start: datetime, end: datetime) -> list:
    """Every registered kind's own events for the couple in the feed's window."""
    from kinds import registry

    if couple.status == CoupleStatus.ARCHIVED:
        return []
    zone = ZoneInfo(couple.timezone)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return [e for kind in registry.REGISTRY for e in kind.calendar(couple, first, last)]


def partner_feed(user: User, links: Links, now: datetime | None = None) -> Calendar:
    """A partner's calendar: their couple's sessions, homework weeks, check-in days, and
    what each kind adds (the connection plan's planned times)."""
    now = now or utcnow()
    cal = _calendar("Hearth")
    place = db.session.scalar(
        select(Partner)
        .where(Partner.user_id == user.id)
        .options(joinedload(Partner.couple).selectinload(Couple.assignments))
    )
    if place is None:
        return cal
    couple = place.couple
    start, end = _window(now)
    zones = set()
    for appointment in appointments.window([couple.id], start, end):
        cal.add_component(_session_event(appointment, SESSION_TITLE, links.home))
        zones.add(couple.timezone)
    stamp = max((a.created_at for a in couple.assignments), default=couple.created_at)
    for uid, day, title in _homework_days(couple, now):
        cal.add_component(_day_event(uid, day, title, links.home, stamp))
    for entry in _kinds_entries(couple, start, end):
        cal.add_component(_kind_event(entry, couple.timezone, links.home, stamp))
        if entry.at is not None:
            zones.add(couple.timezone)
    return _with_zones(cal, zones, start, end)


def counselor_feed(user: User, links: Links, now: datetime | None = None) -> Calendar:
    """A counselor's calendar: the sessions of all their couples, titled by couple."""
    now = now or utcnow()
    cal = _calendar("Hearth: sessions")
    couples = list(
        db.session.scalars(
            select(Couple)
            .where(Couple.counselor_id == user.id)
            .options(selectinload(Couple.partners))
        )
    )
    start, end = _window(now)
    zones = set()
    for appointment in appointments.window([c.id for c in couples], start, end):
        couple = appointment.couple
        title = f"{SESSION_TITLE}: {couple.name}"
        page = links.couple_page(couple.id) if links.couple_page else links.home
        cal.add_component(_session_event(appointment, title, page))
        zones.add(couple.timezone)
    return _with_zones(cal, zones, start, end)


def _with_zones(cal: Calendar, zones: set[str], start: datetime, end: datetime) -> Calendar:
    """Add a VTIMEZONE for each zone the events use, covering the feed's weeks."""
    if zones - {"UTC"}:
        cal.add_missing_timezones(
            first_date=(start - timedelta(days=366)).date(),
            last_date=(end + timedelta(days=366)).date(),
        )
    return cal


def feed_for(user: User, links: Links, now: datetime | None = None) -> bytes:
    """The whole .ics file for ``user``, in their language (``web.i18n.of``): a calendar
    app fetches it without signing in, so the browser's language says nothing."""
    from flask_babel import force_locale

    from web import i18n

    builder = counselor_feed if user.is_counselor else partner_feed
    with force_locale(i18n.of(user)):
        return builder(user, links, now).to_ical()
