"""Who reaches what: every route and every method, for every kind of visitor, CSRF on.

Six visitors walk the whole table: nobody signed in, two counselors, both partners of
couple X and a partner of couple Y. Rows use IDs the visitor owns and IDs they do not
(their own need and their partner's, a step asked of them and one asked of the other,
couple X and couple Y, a released summary and a draft). Foreign or unknown IDs answer 404,
exactly like things that do not exist; a partner who opens a counselor page gets 403; a
visitor who is not signed in is sent to sign in.

Coverage comes from the rows themselves: each row's path is matched against
``app.url_map``, and every rule must have a row for every method it accepts, so a new
route (or a new method on an old one) fails until it is in the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from domain import calendar_feed, confidentiality, email_change, invitations, password_reset
from domain.mail import tokens
from extensions import db
from kinds.needs.models import Need, NeedWording, add_steps
from kinds.plan.models import PlannedTime
from kinds.questionnaire import library
from kinds.rhythm.models import RhythmMark
from models import AssignmentTemplate, Couple, NoteTemplate, PrivateWord, Visibility
from tests import factories
from tests.conftest import login

ANON, COUNSELOR_A, COUNSELOR_B, PARTNER_1, PARTNER_2, PARTNER_Y = (
    "anonymous",
    "counselor A",
    "counselor B",
    "partner 1 of X",
    "partner 2 of X",
    "partner of Y",
)
VISITORS = [ANON, COUNSELOR_A, COUNSELOR_B, PARTNER_1, PARTNER_2, PARTNER_Y]
LOGIN = "login"  # a redirect to the sign-in page
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Rows after which the visitor's session has ended and they sign in again.
ENDS_SESSION = {"/logout"}
# The walk must stay a walk: fewer cases than this means rows went missing.
MIN_CASES = 900


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: tuple  # one status (or LOGIN) per visitor, in the order of VISITORS
    data: dict = field(default_factory=dict)  # form fields besides the CSRF token


def row(method: str, path: str, *expected, **data) -> Row:
    assert len(expected) == len(VISITORS), (method, path)
    return Row(method, path, expected, data)


# Shorthands for the common shapes of a row's expectations.
def counselor_only(a, b):
    """Counselor A gets ``a``, counselor B ``b``; partners 403; anonymous to sign in."""
    return (LOGIN, a, b, 403, 403, 403)


def partner_only(p1, p2, py):
    """Partners 1 and 2 of X and the partner of Y; counselors 403; anonymous to sign in."""
    return (LOGIN, 403, 403, p1, p2, py)


def anyone_signed_in(status):
    return (LOGIN, status, status, status, status, status)


def everyone(status):
    return (status,) * len(VISITORS)


# Couples X and Z belong to counselor A, couple Y to counselor B. Both partners of X and Y
# have joined; Z's second place has a live invitation ({token}); X's first place has a live
# sign-in link ({signin_token}). X and Y each have all three kinds of homework.
X_SESSION = "/counselor/couples/{x}/sessions/{x_session}"
TABLE = [
    # --- The front door, signing in and out -------------------------------------------
    row("GET", "/", *anyone_signed_in(302)),
    row("GET", "/login", 200, 302, 302, 302, 302, 302),
    row("POST", "/login", 422, 302, 302, 302, 302, 302),
    row("GET", "/login/code", *everyone(LOGIN)),
    row("POST", "/login/code", *everyone(LOGIN)),
    row("POST", "/logout", *everyone(302)),
    row("GET", "/healthz", *everyone(200)),
    row("GET", "/manifest.webmanifest", *everyone(200)),
    row("GET", "/static/css/app.css", *everyone(200)),
    row("GET", "/static/no-such-file.css", *everyone(404)),
    # --- Invitation links: a join link is the invited person's; a sign-in link is the
    # partner's own (anyone else signed in is told the device belongs to someone else).
    row("GET", "/join/{token}", 200, 409, 409, 409, 409, 409),
    row("POST", "/join/{token}", 422, 409, 409, 409, 409, 409),
    row("GET", "/join/{signin_token}", 200, 409, 409, 200, 409, 409),
    row("POST", "/join/{signin_token}", 422, 409, 409, 422, 409, 409),
    row("GET", "/join/not-a-real-token", *everyone(404)),
    row("POST", "/join/not-a-real-token", *everyone(404)),
    # --- The counselor's couples ------------------------------------------------------
    row("GET", "/counselor/", *counselor_only(200, 200)),
    row("GET", "/counselor/couples/new", *counselor_only(200, 200)),
    row("POST", "/counselor/couples/new", *counselor_only(422, 422)),
    row("GET", "/counselor/couples/{x}", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}", *counselor_only(404, 200)),
    row("GET", "/counselor/couples/{z}", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{missing}", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{x}/edit", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/edit", *counselor_only(404, 200)),
    row("POST", "/counselor/couples/{x}/edit", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/edit", *counselor_only(404, 302)),
    row("POST", "/counselor/couples/{missing}/edit", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/status", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/status", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{x}/partners/2/link", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/partners/2/link", *counselor_only(404, 302)),
    row("POST", "/counselor/couples/{x}/partners/3/link", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/partners/1/sign-out", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/partners/1/sign-out", *counselor_only(404, 302)),
    # Z's second place has nobody to sign out yet.
    row("POST", "/counselor/couples/{z}/partners/2/sign-out", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/partners/0/sign-out", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{x}/audit", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/audit", *counselor_only(404, 200)),
    # --- Homework, counselor side -----------------------------------------------------
    row("GET", "/counselor/couples/{x}/homework/new/rhythm", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/homework/new/rhythm", *counselor_only(404, 200)),
    row("GET", "/counselor/couples/{x}/homework/new/nonsense", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/homework/new/checkin", *counselor_only(422, 404)),
    row("GET", "/counselor/couples/{x}/homework/new/journal", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{x}/homework/new/pause", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{x}/homework/new/appreciation", *counselor_only(200, 404)),
    row("POST", "/counselor/couples/{y}/homework/new/appreciation", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{x}/homework/new/journal", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/homework/new/checkin", *counselor_only(404, 422)),
    row("GET", "/counselor/couples/{x}/homework/new/inventory", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{x}/homework/new/plan", *counselor_only(200, 404)),
    row("POST", "/counselor/couples/{x}/homework/new/inventory", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/homework/new/inventory", *counselor_only(404, 422)),
    row("GET", "/counselor/couples/{x}/homework/{x_rhythm}/edit", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/homework/{y_rhythm}/edit", *counselor_only(404, 200)),
    # An assignment of another couple, under a couple the counselor does have.
    row("GET", "/counselor/couples/{x}/homework/{y_rhythm}/edit", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{y}/homework/{x_rhythm}/edit", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{x}/homework/{missing}/edit", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/homework/{x_rhythm}/edit", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/homework/{y_rhythm}/edit", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{x}/homework/{y_rhythm}/edit", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/homework/{x_rhythm}/status", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/homework/{y_rhythm}/status", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{x}/homework/{y_rhythm}/status", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{x}/homework/{x_rhythm}/template", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/homework/{y_rhythm}/template", *counselor_only(404, 200)),
    row("GET", "/counselor/couples/{x}/homework/{y_rhythm}/template", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/homework/{x_rhythm}/template", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/homework/{y_rhythm}/template", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{x}/homework/{y_rhythm}/template", *counselor_only(404, 404)),
    # --- Sessions and summaries, counselor side: X has {x_session} (released) and
    # {x_draft} (not released); Y has {y_session} (released).
    row("GET", "/counselor/couples/{x}/sessions", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/sessions", *counselor_only(404, 200)),
    row("GET", "/counselor/couples/{x}/sessions/new", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/sessions/new", *counselor_only(404, 200)),
    row("POST", "/counselor/couples/{x}/sessions/new", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/sessions/new", *counselor_only(404, 422)),
    row("GET", X_SESSION, *counselor_only(200, 404)),
    row("GET", X_SESSION + "?copy=counselor", *counselor_only(200, 404)),
    row("GET", X_SESSION + "?copy=other", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{x}/sessions/{x_draft}", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{x}/sessions/{y_session}", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{y}/sessions/{y_session}", *counselor_only(404, 200)),
    row("GET", "/counselor/couples/{x}/sessions/{missing}", *counselor_only(404, 404)),
    row("GET", X_SESSION + "/edit", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{x}/sessions/{y_session}/edit", *counselor_only(404, 404)),
    row("POST", X_SESSION + "/edit", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/sessions/{y_session}/edit", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{x}/sessions/{y_session}/edit", *counselor_only(404, 404)),
    row("POST", X_SESSION + "/pins", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/sessions/{y_session}/pins", *counselor_only(404, 302)),
    row("POST", "/counselor/couples/{x}/sessions/{y_session}/pins", *counselor_only(404, 404)),
    row("GET", X_SESSION + "/summary-couple.pdf", *counselor_only(200, 404)),
    row("GET", X_SESSION + "/summary-counselor.pdf", *counselor_only(200, 404)),
    row("GET", X_SESSION + "/summary-other.pdf", *counselor_only(404, 404)),
    row(
        "GET",
        "/counselor/couples/{x}/sessions/{x_draft}/summary-couple.pdf",
        *counselor_only(200, 404),
    ),
    row(
        "GET",
        "/counselor/couples/{x}/sessions/{y_session}/summary-counselor.pdf",
        *counselor_only(404, 404),
    ),
    row(
        "GET",
        "/counselor/couples/{y}/sessions/{y_session}/summary-counselor.pdf",
        *counselor_only(404, 200),
    ),
    row("POST", X_SESSION + "/release", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/sessions/{y_session}/release", *counselor_only(404, 302)),
    row("POST", "/counselor/couples/{x}/sessions/{y_session}/release", *counselor_only(404, 404)),
    # --- The next session, booked from the couple page ---------------------------------
    row("GET", "/counselor/couples/{x}/next-session", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/next-session", *counselor_only(404, 200)),
    row("POST", "/counselor/couples/{x}/next-session", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/next-session", *counselor_only(404, 422)),
    row("POST", "/counselor/couples/{missing}/next-session", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/next-session/cancel", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/next-session/cancel", *counselor_only(404, 302)),
    # --- Calendar feeds: no sign-in, the secret address is the key ----------------------
    row("GET", "/calendar/{feed_token}.ics", *everyone(200)),
    row("GET", "/calendar/not-a-real-token.ics", *everyone(404)),
    row("GET", "/counselor/settings", *counselor_only(200, 200)),
    row("POST", "/counselor/settings", *counselor_only(422, 422)),
    row("GET", "/counselor/settings/confidentiality", *counselor_only(200, 200)),
    # --- The counselor's templates: their own, 404 for another counselor's ------------
    row("GET", "/counselor/templates", *counselor_only(200, 200)),
    row("GET", "/counselor/templates/export", *counselor_only(200, 200)),
    row("POST", "/counselor/templates/import", *counselor_only(422, 422)),
    row("GET", "/counselor/templates/notes/new", *counselor_only(200, 200)),
    row("POST", "/counselor/templates/notes/new", *counselor_only(422, 422)),
    row("GET", "/counselor/templates/assignments/{a_template}/edit", *counselor_only(200, 404)),
    row("GET", "/counselor/templates/assignments/{b_template}/edit", *counselor_only(404, 200)),
    row("GET", "/counselor/templates/assignments/{missing}/edit", *counselor_only(404, 404)),
    row("POST", "/counselor/templates/assignments/{a_template}/edit", *counselor_only(302, 404)),
    row("POST", "/counselor/templates/assignments/{b_template}/edit", *counselor_only(404, 302)),
    row("POST", "/counselor/templates/assignments/{a_template}/retire", *counselor_only(302, 404)),
    row("POST", "/counselor/templates/assignments/{b_template}/retire", *counselor_only(404, 302)),
    row("GET", "/counselor/templates/notes/{a_note}/edit", *counselor_only(200, 404)),
    row("GET", "/counselor/templates/notes/{b_note}/edit", *counselor_only(404, 200)),
    row("POST", "/counselor/templates/notes/{a_note}/edit", *counselor_only(302, 404)),
    row("POST", "/counselor/templates/notes/{b_note}/edit", *counselor_only(404, 302)),
    row("POST", "/counselor/templates/notes/{a_note}/retire", *counselor_only(302, 404)),
    row("POST", "/counselor/templates/notes/{b_note}/retire", *counselor_only(404, 302)),
    row(
        "GET",
        "/counselor/couples/{x}/homework/new/rhythm?template={a_template}",
        *counselor_only(200, 404),
    ),
    row(
        "GET",
        "/counselor/couples/{y}/homework/new/rhythm?template={a_template}",
        *counselor_only(404, 404),
    ),
    row("POST", "/counselor/settings/confidentiality", *counselor_only(422, 422)),
    row("GET", "/counselor/couples/{x}/confidentiality", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/confidentiality", *counselor_only(404, 200)),
    row("POST", "/counselor/couples/{x}/confidentiality", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/confidentiality", *counselor_only(404, 422)),
    row("GET", "/counselor/confidentiality/{a_policy}", *counselor_only(200, 404)),
    row("GET", "/counselor/confidentiality/{b_policy}", *counselor_only(404, 200)),
    row("GET", "/counselor/confidentiality/{missing}", *counselor_only(404, 404)),
    # --- The partner's week -----------------------------------------------------------
    row("GET", "/week", *partner_only(200, 200, 200)),
    row("GET", "/week/{week}", *partner_only(200, 200, 200)),
    row("GET", "/week/{not_a_week_start}", *partner_only(404, 404, 404)),
    row("GET", "/week/{future_week}", *partner_only(404, 404, 404)),
    row("GET", "/week/2026-13-45", *everyone(404)),  # not a date: no route at all
    row("GET", "/week/{week}/check-in", *partner_only(200, 200, 200)),
    # A private word to the counselor: any partner, any time; nothing typed is a 422.
    row("GET", "/word", *partner_only(200, 200, 200)),
    row("POST", "/word", *partner_only(422, 422, 422)),
    # Only the couple's own counselor marks it read; the word must be of that couple.
    row("POST", "/counselor/couples/{x}/words/{x_word}/read", *counselor_only(302, 404)),
    row("POST", "/counselor/couples/{y}/words/{x_word}/read", *counselor_only(404, 404)),
    row("POST", "/counselor/couples/{x}/words/{missing}/read", *counselor_only(404, 404)),
    row("POST", "/week/{week}/check-in", *partner_only(422, 422, 422)),
    row("GET", "/week/{future_week}/check-in", *partner_only(404, 404, 404)),
    # The pause agreement: either partner proposes a wording or logs a pause.
    row("POST", "/week/{week}/pause/rule", *partner_only(422, 422, 422)),
    row("POST", "/week/{week}/pause/log", *partner_only(422, 422, 422)),
    row("POST", "/week/{week}/pause/rule/{missing}/accept", *partner_only(404, 404, 404)),
    row("POST", "/week/{future_week}/pause/log", *partner_only(404, 404, 404)),
    # The journal: either partner writes a moment down; looking back is each partner's own page.
    row("POST", "/week/{week}/journal", *partner_only(422, 422, 422)),
    row("POST", "/week/{future_week}/journal", *partner_only(404, 404, 404)),
    row("GET", "/journal", *partner_only(200, 200, 200)),
    # The connection plan: either partner plans, changes or marks done their couple's own
    # (a date still to come cannot be marked done: 409).
    row("POST", "/week/{week}/plan/date", *partner_only(422, 422, 422)),
    row("POST", "/week/{week}/plan/cruise", *everyone(404)),  # not one of the three: no route
    row("POST", "/week/{future_week}/plan/trip", *partner_only(404, 404, 404)),
    row("POST", "/week/{week}/plan/{x_plan}/change", *partner_only(422, 422, 404)),
    row("POST", "/week/{week}/plan/{y_plan}/change", *partner_only(404, 404, 422)),
    row("POST", "/week/{week}/plan/{x_plan}/done", *partner_only(409, 409, 404)),
    row("POST", "/week/{week}/plan/{missing}/done", *partner_only(404, 404, 404)),
    # Appreciation notes: either partner writes the other a note; "Our notes" is each
    # partner's own page (the notes the two of them wrote each other).
    row("POST", "/week/{week}/appreciation", *partner_only(422, 422, 422)),
    row("POST", "/week/{future_week}/appreciation", *partner_only(404, 404, 404)),
    row("GET", "/appreciation", *partner_only(200, 200, 200)),
    # The inventory is each partner's own, asked in its take weeks (this week: the intake).
    row("GET", "/week/{week}/inventory", *partner_only(200, 200, 200)),
    row("POST", "/week/{week}/inventory", *partner_only(422, 422, 422)),
    row("GET", "/week/{future_week}/inventory", *partner_only(404, 404, 404)),
    # A questionnaire is each partner's own too, asked in its take weeks.
    row("GET", "/week/{week}/questionnaire", *partner_only(200, 200, 200)),
    row("POST", "/week/{week}/questionnaire", *partner_only(422, 422, 422)),
    row("GET", "/week/{future_week}/questionnaire", *partner_only(404, 404, 404)),
    # The counselor's questionnaires: each their own, Hearth's for all, read-only.
    row("GET", "/counselor/questionnaires", *counselor_only(200, 200)),
    row("GET", "/counselor/questionnaires/new", *counselor_only(200, 200)),
    row("POST", "/counselor/questionnaires/new", *counselor_only(422, 422)),
    row("GET", "/counselor/questionnaires/{a_questionnaire}", *counselor_only(200, 404)),
    row("GET", "/counselor/questionnaires/{b_questionnaire}", *counselor_only(404, 200)),
    row("GET", "/counselor/questionnaires/{hearth_questionnaire}", *counselor_only(200, 200)),
    row("GET", "/counselor/questionnaires/{missing}", *counselor_only(404, 404)),
    row("GET", "/counselor/questionnaires/{a_questionnaire}/edit", *counselor_only(200, 404)),
    row("POST", "/counselor/questionnaires/{a_questionnaire}/edit", *counselor_only(422, 404)),
    row("POST", "/counselor/questionnaires/{hearth_questionnaire}/edit", *counselor_only(422, 422)),
    row("POST", "/counselor/questionnaires/{b_questionnaire}/retire", *counselor_only(404, 302)),
    row(
        "POST", "/counselor/questionnaires/{hearth_questionnaire}/retire", *counselor_only(404, 404)
    ),
    # The rhythm is the couple's: either partner ticks an item, only the ticker undoes it.
    row("POST", "/week/{week}/rhythm/{x_item}/done", *partner_only(302, 302, 404)),
    row("POST", "/week/{week}/rhythm/{x_item}/undo", *partner_only(302, 302, 404)),
    row("POST", "/week/{week}/rhythm/{x_item_of_2}/undo", *partner_only(409, 302, 404)),
    row("POST", "/week/{week}/rhythm/{y_item}/done", *partner_only(404, 404, 302)),
    row("POST", "/week/{week}/rhythm/{y_item}/undo", *partner_only(404, 404, 302)),
    row("POST", "/week/{future_week}/rhythm/{x_item}/done", *partner_only(404, 404, 404)),
    # Changing the note on a mark: the couple's items only, and only one's own mark (409:
    # nobody's mark stands on the item here).
    row("POST", "/week/{week}/rhythm/{x_item}/note", *partner_only(409, 409, 404)),
    row("POST", "/week/{week}/rhythm/{y_item}/note", *partner_only(404, 404, 409)),
    # The first visit's introduction: each partner puts away their own.
    row("POST", "/week/welcome", *partner_only(302, 302, 302)),
    row("POST", "/week/{week}/rhythm/{x_rhythm}/reflection", *partner_only(422, 422, 404)),
    row("POST", "/week/{week}/rhythm/{y_rhythm}/reflection", *partner_only(404, 404, 422)),
    # An assignment of the couple, but not a rhythm.
    row("POST", "/week/{week}/rhythm/{x_needs}/reflection", *partner_only(404, 404, 404)),
    # Steps: only the partner a shared need asks them of may tick them.
    row("POST", "/week/{week}/steps/{step_for_2}/done", *partner_only(404, 302, 404)),
    row("POST", "/week/{week}/steps/{step_for_2}/undo", *partner_only(404, 302, 404)),
    row("POST", "/week/{week}/steps/{step_for_1}/done", *partner_only(302, 404, 404)),
    row("POST", "/week/{week}/steps/{step_for_1}/undo", *partner_only(302, 404, 404)),
    # A step of partner 1's need kept for the counselor: partner 2 doesn't know it exists.
    row("POST", "/week/{week}/steps/{private_step}/done", *partner_only(404, 404, 404)),
    row("POST", "/week/{week}/steps/{private_step}/undo", *partner_only(404, 404, 404)),
    row("POST", "/week/{week}/steps/{y_step}/done", *partner_only(404, 404, 302)),
    row("POST", "/week/{week}/steps/{y_step}/undo", *partner_only(404, 404, 302)),
    # Ratings: only the owner of a need rates it.
    row("POST", "/week/{week}/needs/{need_1}/rating", *partner_only(422, 404, 404)),
    row("POST", "/week/{week}/needs/{need_2}/rating", *partner_only(404, 422, 404)),
    row("POST", "/week/{week}/needs/{need_1}/rating/undo", *partner_only(302, 404, 404)),
    row("POST", "/week/{week}/needs/{need_2}/rating/undo", *partner_only(404, 302, 404)),
    row("POST", "/week/{week}/needs/new", *partner_only(422, 422, 422)),
    row("POST", "/week/{week}/needs/{private_need}/rating", *partner_only(422, 404, 404)),
    row("POST", "/week/{week}/needs/{y_need}/rating", *partner_only(404, 404, 422)),
    row("POST", "/week/{week}/needs/{missing}/rating", *partner_only(404, 404, 404)),
    # --- Needs ------------------------------------------------------------------------
    row("GET", "/needs/", *partner_only(200, 200, 200)),
    row("GET", "/needs/new", *partner_only(200, 200, 200)),
    row("POST", "/needs/new", *partner_only(422, 422, 422)),
    row("GET", "/needs/{need_1}/edit", *partner_only(200, 404, 404)),
    row("POST", "/needs/{need_1}/edit", *partner_only(422, 404, 404)),
    row("GET", "/needs/{need_2}/edit", *partner_only(404, 200, 404)),
    row("POST", "/needs/{need_2}/edit", *partner_only(404, 422, 404)),
    row("GET", "/needs/{private_need}/edit", *partner_only(200, 404, 404)),
    row("POST", "/needs/{private_need}/edit", *partner_only(422, 404, 404)),
    row("GET", "/needs/{y_need}/edit", *partner_only(404, 404, 200)),
    row("POST", "/needs/{y_need}/edit", *partner_only(404, 404, 422)),
    row("GET", "/needs/{missing}/edit", *partner_only(404, 404, 404)),
    row("POST", "/needs/{missing}/retire", *partner_only(404, 404, 404)),
    # --- Summaries, partner side: released ones of their own couple only -----------------
    row("GET", "/summaries", *partner_only(200, 200, 200)),
    row("GET", "/confidentiality", *partner_only(200, 200, 200)),
    row("GET", "/confidentiality/confirm", *partner_only(200, 200, 200)),
    row("POST", "/confidentiality/confirm", *partner_only(422, 422, 422)),
    row("GET", "/summaries/{x_session}", *partner_only(200, 200, 404)),
    row("GET", "/summaries/{x_draft}", *partner_only(404, 404, 404)),
    row("GET", "/summaries/{y_session}", *partner_only(404, 404, 200)),
    row("GET", "/summaries/{missing}", *partner_only(404, 404, 404)),
    row("GET", "/summaries/{x_session}.pdf", *partner_only(200, 200, 404)),
    row("GET", "/summaries/{x_draft}.pdf", *partner_only(404, 404, 404)),
    row("GET", "/summaries/{y_session}.pdf", *partner_only(404, 404, 200)),
    row("GET", "/summaries/{missing}.pdf", *partner_only(404, 404, 404)),
    # --- Accounts: everyone signed in has their own, and nobody else's ---------------------
    row("GET", "/account/", *anyone_signed_in(200)),
    row("POST", "/account/password", *anyone_signed_in(422)),
    row("POST", "/account/email", *anyone_signed_in(422)),
    row("POST", "/account/sign-out-everywhere", *anyone_signed_in(302)),
    row("POST", "/account/language", *anyone_signed_in(422)),
    row("POST", "/account/calendar", *anyone_signed_in(302)),
    row("GET", "/account/two-step", *anyone_signed_in(200)),
    row("POST", "/account/two-step", *anyone_signed_in(422)),
    row("POST", "/account/two-step/off", *anyone_signed_in(422)),
    row("POST", "/account/two-step/codes", *anyone_signed_in(302)),
    row("POST", "/account/messages", *anyone_signed_in(422)),
    # A link to confirm partner 2's new e-mail (an address someone took since): only they
    # may open it, and it changes nothing then.
    row("GET", "/account/email/confirm/{email_token}", LOGIN, 410, 410, 410, 200, 410),
    row("POST", "/account/email/confirm/{email_token}", LOGIN, 410, 410, 410, 302, 410),
    row("GET", "/account/email/confirm/not-a-real-token", *anyone_signed_in(410)),
    row("POST", "/account/email/confirm/not-a-real-token", *anyone_signed_in(410)),
    # --- E-mail: unsubscribe (no sign-in, a signed token), forgotten passwords, sending
    # an invitation link from the couple's page.
    row("GET", "/mail/unsubscribe/{unsubscribe}", *everyone(200)),
    row("POST", "/mail/unsubscribe/{unsubscribe}", *everyone(200)),
    row("GET", "/mail/unsubscribe/not-a-real-token", *everyone(404)),
    row("POST", "/mail/unsubscribe/not-a-real-token", *everyone(404)),
    row("GET", "/forgot-password", 200, 302, 302, 302, 302, 302),
    row("POST", "/forgot-password", 422, 302, 302, 302, 302, 302),
    row("GET", "/reset/{reset_token}", *everyone(200)),
    row("POST", "/reset/{reset_token}", *everyone(422)),
    row("GET", "/reset/not-a-real-token", *everyone(410)),
    row("POST", "/reset/not-a-real-token", *everyone(410)),
    row("POST", "/counselor/couples/{z}/partners/2/send-link", *counselor_only(422, 404)),
    row("POST", "/counselor/couples/{y}/partners/2/send-link", *counselor_only(404, 302)),
    row("POST", "/counselor/couples/{x}/partners/3/send-link", *counselor_only(404, 404)),
    # --- The couple's data --------------------------------------------------------------
    row("GET", "/account/export", *partner_only(200, 200, 200)),
    row("POST", "/account/export", *partner_only(200, 200, 200)),
    row("GET", "/account/leave", *partner_only(200, 200, 200)),
    # No password: refused before anything happens (and before the sign-in throttle).
    row("POST", "/account/leave", *partner_only(422, 422, 422)),
    row("GET", "/counselor/couples/{x}/export", *counselor_only(200, 404)),
    row("POST", "/counselor/couples/{x}/export", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/export", *counselor_only(404, 200)),
    row("POST", "/counselor/couples/{y}/export", *counselor_only(404, 200)),
    row("GET", "/counselor/couples/{missing}/export", *counselor_only(404, 404)),
    row("GET", "/counselor/couples/{x}/delete", *counselor_only(200, 404)),
    row("GET", "/counselor/couples/{y}/delete", *counselor_only(404, 200)),
    # The wrong name: the owner is asked again (422), nothing is deleted.
    row("POST", "/counselor/couples/{x}/delete", *counselor_only(422, 404), confirm_name="Nope"),
    row("POST", "/counselor/couples/{y}/delete", *counselor_only(404, 422), confirm_name="Nope"),
    row("POST", "/counselor/couples/{missing}/delete", *counselor_only(404, 404)),
    # --- Last, because they change what the rows above rely on --------------------------
    row("POST", "/needs/{need_2}/retire", *partner_only(404, 302, 404)),
    row("POST", "/needs/{y_need}/retire", *partner_only(404, 404, 302)),
    row("POST", "/needs/{need_1}/retire", *partner_only(302, 404, 404)),
    row("POST", "/needs/{private_need}/retire", *partner_only(302, 404, 404)),
    # Bringing a retired need back: its owner only.
    row("POST", "/needs/{need_2}/bring-back", *partner_only(404, 302, 404)),
    row("POST", "/needs/{need_1}/bring-back", *partner_only(302, 404, 404)),
    row("POST", "/needs/{missing}/bring-back", *partner_only(404, 404, 404)),
]


@pytest.fixture
def world(app):
    """Counselor A with couples X and Z, counselor B with couple Y, and their homework."""
    counselor_a = factories.counselor("Dana Rivera")
    counselor_b = factories.counselor("Lee Okafor")
    couple_x = factories.couple(counselor_a, "Sam & Alex")
    couple_y = factories.couple(counselor_b, "Kim & Jo", names=("Kim", "Jo"))
    couple_z = factories.couple(
        counselor_a, "Robin & Ash", names=("Robin", "Ash"), joined=(True, False)
    )
    hw_x = factories.homework(couple_x)
    hw_y = factories.homework(couple_y)
    sam, alex = couple_x.partner_at(1), couple_x.partner_at(2)
    week = hw_x["week"]
    # Partner 1's need kept for the counselor, with a step partner 2 is never asked.
    private_need = Need(owner_id=sam.id, wording="Private need", visibility=Visibility.COUNSELOR)
    private_need.wordings.append(NeedWording(wording=private_need.wording))
    add_steps(private_need, ["A private step"])
    db.session.add(private_need)
    # The second rhythm item was ticked by partner 2: only they may undo it.
    item_of_2 = hw_x["rhythm"].rhythm_items[1]
    db.session.add(RhythmMark(item_id=item_of_2.id, week_start=week, partner_id=alex.id))
    word = PrivateWord(couple_id=couple_x.id, partner_id=sam.id, text="For Dana only")
    db.session.add(word)
    # A date each couple planned for next week (so not yet to be marked done).
    planned = {
        key: PlannedTime(
            assignment_id=hw["plan"].id,
            occasion="date",
            on_day=week + timedelta(weeks=1),
            what="A walk",
            planned_by=hw["plan"].couple.partner_at(1).id,
        )
        for key, hw in (("x_plan", hw_x), ("y_plan", hw_y))
    }
    db.session.add_all(planned.values())
    released = factories.session(couple_x, released=True)
    draft = factories.session(couple_x)
    y_session = factories.session(couple_y, released=True)
    signin_link = invitations.issue(sam, by=counselor_a)
    feed = calendar_feed.issue(sam.user)
    reset = password_reset.request_link(sam.user.email)
    email_link = email_change.request_change(alex.user, "taken-since@example.com")
    factories.counselor("Taken Since", email="taken-since@example.com")
    policies = {}
    for key, counselor in (("a_policy", counselor_a), ("b_policy", counselor_b)):
        choice = confidentiality.PolicyChoice("limited_secrets", "", "", "", "")
        policies[key] = confidentiality.save(counselor, choice)
    owned = {}
    for key, counselor in (("a", counselor_a), ("b", counselor_b)):
        owned[f"{key}_template"] = AssignmentTemplate(
            counselor_id=counselor.id, name="Rhythm", kind="rhythm", instructions="Each week."
        )
        owned[f"{key}_note"] = NoteTemplate(counselor_id=counselor.id, name="Follow-up")
    db.session.add_all(owned.values())
    own = {
        key: library.build(
            {
                "name": f"Own of {c.display_name}",
                "options": [[0, "No"], [1, "Yes"]],
                "items": [["An item", False]],
            },
            owner_id=c.id,
        )
        for key, c in (("a_questionnaire", counselor_a), ("b_questionnaire", counselor_b))
    }
    db.session.add_all(own.values())
    hearth_questionnaire = library.shipped()
    db.session.flush()
    for partner in (sam, alex, couple_y.partner_at(1), couple_y.partner_at(2)):
        confidentiality.confirm(partner, confidentiality.current_for(partner.couple))
    db.session.commit()
    return {
        "users": {
            COUNSELOR_A: counselor_a.email,
            COUNSELOR_B: counselor_b.email,
            PARTNER_1: sam.user.email,
            PARTNER_2: alex.user.email,
            PARTNER_Y: couple_y.partner_at(1).user.email,
        },
        "ids": {
            "x": couple_x.id,
            "y": couple_y.id,
            "z": couple_z.id,
            "missing": couple_x.id + couple_y.id + couple_z.id + 100_000,
            "token": invitations.token_of(invitations.current_for(couple_z.partner_at(2))),
            "signin_token": invitations.token_of(signin_link),
            "feed_token": calendar_feed.token_of(feed),
            "reset_token": password_reset.token_of(reset),
            "email_token": email_change.token_of(email_link),
            "unsubscribe": tokens.unsubscribe_token("week_started", user_id=sam.user.id),
            "week": week.isoformat(),
            "not_a_week_start": (week + timedelta(days=1)).isoformat(),
            "future_week": (week + timedelta(weeks=1)).isoformat(),
            "x_rhythm": hw_x["rhythm"].id,
            "x_needs": hw_x["needs"].id,
            "y_rhythm": hw_y["rhythm"].id,
            "x_item": hw_x["rhythm"].rhythm_items[0].id,
            "x_item_of_2": item_of_2.id,
            "y_item": hw_y["rhythm"].rhythm_items[0].id,
            "need_1": hw_x["need_1"].id,
            "need_2": hw_x["need_2"].id,
            "private_need": private_need.id,
            "y_need": hw_y["need_1"].id,  # the partner of Y's own need
            "step_for_2": hw_x["need_1"].steps[0].id,  # partner 1's need, asked of 2
            "step_for_1": hw_x["need_2"].steps[0].id,  # partner 2's need, asked of 1
            "private_step": private_need.steps[0].id,
            "y_step": hw_y["need_2"].steps[0].id,  # asked of the partner of Y
            "x_session": released.id,
            "x_word": word.id,
            "x_plan": planned["x_plan"].id,
            "y_plan": planned["y_plan"].id,
            "x_draft": draft.id,
            "y_session": y_session.id,
            "a_policy": policies["a_policy"].id,
            "b_policy": policies["b_policy"].id,
            **{key: template.id for key, template in owned.items()},
            **{key: q.id for key, q in own.items()},
            "hearth_questionnaire": hearth_questionnaire.id,
        },
    }


def _rule_of(adapter, row: Row, ids: dict):
    """The url_map rule a row's request reaches, or None when no route matches it."""
    path = row.path.format(**ids).partition("?")[0]
    try:
        rule, _args = adapter.match(path, method=row.method, return_rule=True)
    except NotFound:
        return None
    except MethodNotAllowed:
        pytest.fail(f"{row.method} {row.path}: the route does not take {row.method}")
    return rule


def test_every_route_and_method_has_rows(app, world):
    """Every (rule, method) of url_map is exercised by some row; a new one fails here."""
    adapter = app.url_map.bind("localhost")
    wanted = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }
    covered = set()
    for r in TABLE:
        rule = _rule_of(adapter, r, world["ids"])
        if rule is None:
            assert set(r.expected) == {404}, f"{r.method} {r.path} matches no route"
            continue
        covered.add((rule.rule, r.method))
    missing = sorted(wanted - covered)
    assert not missing, f"add rows to TABLE for: {missing}"
    assert len({(r.method, r.path, tuple(sorted(r.data.items()))) for r in TABLE}) == len(TABLE)
    cases = len(TABLE) * len(VISITORS)
    print(f"access walk: {len(TABLE)} rows x {len(VISITORS)} visitors = {cases} cases")
    assert cases >= MIN_CASES


def _signed_in_client(app, world, visitor):
    client = app.test_client()
    if visitor != ANON:
        page = login(client, world["users"][visitor])
        assert page.status_code == 200, visitor
    return client


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_table(app, world, visitor):
    """Each row, as this visitor: the exact status, never a 2xx/3xx where it should refuse."""
    app.config["WTF_CSRF_ENABLED"] = True
    column = VISITORS.index(visitor)
    client = _signed_in_client(app, world, visitor)
    wrong = []
    for r in TABLE:
        url = r.path.format(**world["ids"])
        if r.method == "GET":
            response = client.open(url, method="GET")
        else:
            data = {"csrf_token": client.csrf_token(), **r.data}
            response = client.open(url, method=r.method, data=data)
        response.close()  # static files are streamed from an open file
        expected = r.expected[column]
        got = response.status_code
        if expected == LOGIN:
            location = response.headers.get("Location", "")
            if got != 302 or not location.startswith("/login"):
                wrong.append(f"{r.method} {url}: expected a redirect to sign in, got {got}")
        elif got != expected:
            wrong.append(f"{r.method} {url}: expected {expected}, got {got}")
        if r.path in ENDS_SESSION:
            client = _signed_in_client(app, world, visitor)
    print(f"access walk, {visitor}: {len(TABLE)} cases")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)


def test_posts_without_a_csrf_token_are_refused(app, world):
    client = app.test_client()
    login(client, world["users"][COUNSELOR_A])
    x = world["ids"]["x"]
    for url in (f"/counselor/couples/{x}/status", f"/counselor/couples/{x}/partners/2/link"):
        response = client.post(url, data={"status": "paused"}, csrf=False)
        assert response.status_code == 400, url
        assert "For your safety we didn't save that" in response.get_data(as_text=True).replace(
            "&#39;", "'"
        )
    assert db.session.get(Couple, x).status == "active"


def test_a_stale_token_shows_the_form_again_with_what_was_typed(app, world):
    client = app.test_client()
    login(client, world["users"][COUNSELOR_A])
    before = db.session.scalar(select(func.count()).select_from(Couple))
    response = client.post(
        "/counselor/couples/new",
        data={"name": "Robin & Ash", "csrf_token": "stale"},
        csrf=False,
    )
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert 'value="Robin &amp; Ash"' in page
    assert "we haven't saved it yet" in page
    assert db.session.scalar(select(func.count()).select_from(Couple)) == before


def test_a_stale_token_after_signing_out_still_shows_the_text(app, world):
    client = app.test_client()
    login(client, world["users"][PARTNER_1])
    week = world["ids"]["week"]
    tab = client.csrf_token()  # the token in the check-in page still open in a tab
    client.post("/logout")
    response = client.post(
        f"/week/{week}/check-in",
        data={"checkin-heard_note": "I felt <b>listened</b> to on Tuesday", "csrf_token": tab},
        csrf=False,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "I felt &lt;b&gt;listened&lt;/b&gt; to on Tuesday" in page
