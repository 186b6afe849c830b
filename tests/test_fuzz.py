"""Hostile input at every form: never a server error, and never markup rendered as markup.

Every POST route in the app has a target here (a test fails when a new one has none). For
each, the form is read from the page that shows it, as a browser would, and hypothesis
fills its fields with random and hostile text: every script and direction, emoji, control
characters and NUL bytes, 100 KB strings, HTML and SQL fragments, template syntax. The
answer must be 2xx, 3xx or 4xx. Separately, markup typed into each field that is shown
again must come back as text, on every page that shows it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from domain import appointments, invitations, two_step
from extensions import db
from models import InvitationPurpose, utcnow
from tests import factories
from tests.conftest import login, text_of

EXAMPLES = 25
BUTTON_EXAMPLES = 6

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # The app and its database are built once per test; each example adds to them.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --- Reading forms the way a browser does -------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, password, email, hidden, number, date, time, select, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    multiple: bool = False


@dataclass
class Form:
    action: str
    fields: list[Field]


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = Form(urlsplit(a.get("action") or "").path, [])
            self.forms.append(self._form)
        if self._form is None or not a.get("name") and tag != "option":
            return
        fields = self._form.fields
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            fields.append(Field(a["name"], kind, a.get("value") or "", checked="checked" in a))
        elif tag == "button" and a.get("value") is not None:
            fields.append(Field(a["name"], "button", a["value"]))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"]
            self._select.options.append(value if value is not None else self._option["text"])
            self._option = None
        elif tag == "select":
            self._select = None


def forms_on(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


# --- Hostile text -------------------------------------------------------------------------

# The markers name no role ("hearth", "admin"…): a name claiming one is refused at join.
MARKUP = [
    '<b data-probe-xss="1">bold</b>',
    "<script>probeXss(1)</script>",
    '"><img src=x data-probe-xss onerror="probeXss(2)">',
    "</textarea><i data-probe-xss>x</i>",
    "'><svg data-probe-xss onload=probeXss(3)>",
]
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 20,
    "\x01\x02\x03\x07\x08\x1b[31mred\x1b[0m\x7f",
    "\r\n\t\x0b\x0c\u2028\u2029\x85",
    "\ufeff\u200b\u200d\u2060",
    "\u202eevil\u202c \u2067isolate\u2069",
    "שלום, מה שלומך? נדבר מחר.",
    "مرحبا، كيف حالك؟",
    "👩‍❤️‍👨 💛🏳️‍🌈 👍🏽 🇺🇦",
    "Z̷̢̛a̶̡͝l̸̨̛g̴̢͝o̵̧͠",
    "𝕳𝖊𝖆𝖗𝖙𝖍 ﷽ ꧅",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5); --",
    "%s %d %(name)s {0} {name} ${HOME} `id`",
    "{{ 7*7 }}{% raw %}x{% endraw %}",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "2026-02-30",
    "25:61",
    "not-an-email@",
    "a@b.c",
    "null",
    *MARKUP,
]
LONG = st.sampled_from(["a", "é", "<b>", "💛", "x y\n", "\x00"]).map(
    lambda unit: unit * (100_000 // len(unit.encode()) + 1)
)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=50),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=6).map("\n".join),
    LONG,
)


@st.composite
def filled(draw, form: Form) -> MultiDict:
    """Values for ``form``: mostly hostile, sometimes what the page had, sometimes nothing."""
    values = MultiDict()
    radios: dict[str, list[Field]] = {}
    for f in form.fields:
        if f.name == "csrf_token":
            continue
        if f.kind == "radio":
            radios.setdefault(f.name, []).append(f)
            continue
        choice = draw(st.sampled_from(["hostile", "hostile", "page", "missing"]))
        if choice == "missing":
            continue
        if f.kind == "checkbox":
            if draw(st.booleans()):
                values.add(f.name, f.value or "y")
        elif f.kind == "select" and choice == "page" and f.options:
            for option in draw(st.lists(st.sampled_from(f.options), min_size=1, max_size=3)):
                values.add(f.name, option)
        elif choice == "page":
            values.add(f.name, f.value)
        elif f.kind == "number":
            values.add(f.name, draw(st.one_of(st.integers(-3, 13).map(str), hostile_text)))
        else:
            values.add(f.name, draw(hostile_text))
    for name, group in radios.items():
        picked = draw(st.one_of(st.sampled_from([g.value for g in group]), hostile_text))
        values.add(name, picked)
    return values


# --- The people and things the forms act on -----------------------------------------------


@dataclass
class World:
    app: object
    counselor: object
    couple: object
    bare: object  # a couple with no homework yet
    made: dict
    session: object
    clients: dict = field(default_factory=dict)

    @property
    def week(self) -> str:
        return self.made["week"].isoformat()

    @property
    def sam(self):
        return self.couple.partner_at(1)

    def assignment(self, kind: str):
        return self.made[kind]

    def client(self, role: str):
        """A client signed in as ``role``, made once and kept for the whole test."""
        if role not in self.clients:
            c = self.app.test_client()
            if role == "counselor":
                login(c, self.counselor.email)
            elif role == "partner":
                login(c, self.sam.user.email)
            elif role == "two-step":
                user = factories.counselor(name="Tess Two-Step")
                db.session.commit()
                login(c, user.email)
                two_step.turn_on(user, two_step.new_secret())
                db.session.commit()
            elif role == "pending":
                user = factories.counselor(name="Pat Pending")
                two_step.turn_on(user, two_step.new_secret())
                db.session.commit()
                self.pending_email = user.email
                login(c, user.email)
            self.clients[role] = c
        return self.clients[role]


def _week_forms(w: World) -> dict:
    rhythm, needs = w.made["rhythm"], w.made["need_2"]
    return {
        "mark": f"/week/{w.week}/rhythm/{rhythm.rhythm_items[0].id}/done",
        "undo": f"/week/{w.week}/rhythm/{rhythm.rhythm_items[1].id}/undo",
        "reflection": f"/week/{w.week}/rhythm/{rhythm.id}/reflection",
        "rating": f"/week/{w.week}/needs/{w.made['need_1'].id}/rating",
        "step": f"/week/{w.week}/steps/{needs.steps[0].id}/done",
        "step_undo": f"/week/{w.week}/steps/{needs.steps[1].id}/undo",
    }


_PROPOSED: dict[int, int] = {}


def _alex_proposed(w: World) -> str:
    """The other partner's wording of the pause rule, waiting for Sam to accept it."""
    from kinds.pause.models import PauseRule

    if id(w) not in _PROPOSED:
        rule = PauseRule(
            assignment_id=w.assignment("pause").id,
            partner_id=w.couple.partner_at(2).id,
            word="timeout",
            minutes=20,
            calming="goes for a walk",
            coming_back="at the table",
        )
        db.session.add(rule)
        db.session.commit()
        _PROPOSED[id(w)] = rule.id
    return f"/week/{w.week}/pause/rule/{_PROPOSED[id(w)]}/accept"


_PLANNED: dict[tuple[int, str], int] = {}


def _planned(w: World, when: str) -> int:
    """A date Sam's couple planned: for today (to mark done) or next week (to change)."""
    from domain.weeks import local_today
    from kinds.plan.models import PlannedTime

    if (id(w), when) not in _PLANNED:
        today = local_today(w.couple.timezone)
        plan = PlannedTime(
            assignment_id=w.assignment("plan").id,
            occasion="date",
            on_day=today if when == "today" else today + timedelta(weeks=1),
            what="A walk by the river",
            planned_by=w.couple.partner_at(2).id,
        )
        db.session.add(plan)
        db.session.commit()
        _PLANNED[(id(w), when)] = plan.id
    return _PLANNED[(id(w), when)]


_QUESTIONNAIRES: dict[int, int] = {}


def _questionnaire(w: World) -> int:
    """A questionnaire of the counselor's own, to change and to retire."""
    from kinds.questionnaire import library

    if id(w) not in _QUESTIONNAIRES:
        q = library.build(
            {
                "name": "Closeness",
                "options": [[0, "No"], [1, "Yes"]],
                "items": [["We laughed", True]],
            },
            owner_id=w.counselor.id,
        )
        db.session.add(q)
        db.session.commit()
        _QUESTIONNAIRES[id(w)] = q.id
    return _QUESTIONNAIRES[id(w)]


def _plan_day(w: World) -> str:
    from domain.weeks import local_today

    return (local_today(w.couple.timezone) + timedelta(days=1)).isoformat()


def _invitation(w: World, joined: bool) -> str:
    """A fresh couple with a fresh link: to join, or (joined) to choose a new password."""
    couple = factories.couple(w.counselor, joined=(joined, True))
    partner = couple.partner_at(1)
    purpose = InvitationPurpose.SIGN_IN if joined else InvitationPurpose.JOIN
    invitation = invitations.issue(partner, by=w.counselor, purpose=purpose)
    db.session.commit()
    return f"/join/{invitations.token_of(invitation)}"


@dataclass(frozen=True)
class Target:
    """One form: who sends it, the page that shows it, and where it posts."""

    id: str
    endpoint: str
    role: str
    page: Callable[[World], str]
    action: Callable[[World], str] | None = None  # the page itself when None
    # Fields that keep a valid value when markup goes into the others (the markup test).
    valid: Callable[[World], dict] | None = None
    # A fresh page (and thing to act on) for every example, e.g. single-use links.
    fresh: bool = False


def couple_page(w):
    return f"/counselor/couples/{w.couple.id}"


def hw(kind):
    return lambda w: f"/counselor/couples/{w.couple.id}/homework/{w.assignment(kind).id}/edit"


def hw_new(kind):
    return lambda w: f"/counselor/couples/{w.bare.id}/homework/new/{kind}"


def session_page(w):
    return f"/counselor/couples/{w.couple.id}/sessions/{w.session.id}"


def no_fixed_values(_w: World) -> dict:
    return {}


def _reset_page(_w: World) -> str:
    """A fresh "choose a new password" link, for an account of its own."""
    from domain import password_reset

    user = factories.partner_user("Robin")
    db.session.commit()
    reset = password_reset.request_link(user.email)
    db.session.commit()
    return f"/reset/{password_reset.token_of(reset)}"


def _email_confirm_page(w: World) -> str:
    """A fresh link confirming a new e-mail for Sam, to an address taken since: opening it
    is tried in full, and Sam keeps the address every other form signs in with."""
    from domain import email_change

    address = f"taken-since-{next(_EMAIL_NUMBERS)}@example.com"
    change = email_change.request_change(w.sam.user, address)
    factories.counselor("Taken Since", email=address)
    db.session.commit()
    return f"/account/email/confirm/{email_change.token_of(change)}"


_EMAIL_NUMBERS = itertools.count(1)
_INVITED: dict[int, int] = {}


def _invited_couple_page(w: World) -> str:
    """A couple whose partners are still invited (their links can go by e-mail)."""
    if id(w) not in _INVITED:
        couple = factories.couple(w.counselor, name="Invited", joined=(False, False))
        db.session.commit()
        _INVITED[id(w)] = couple.id
    return f"/counselor/couples/{_INVITED[id(w)]}"


def _unsubscribe_page(w: World) -> str:
    from domain.mail import tokens

    return f"/mail/unsubscribe/{tokens.unsubscribe_token('week_started', user_id=w.sam.user.id)}"


MAIL_TIMES = {
    "messages-send_at": "09:00",
    "messages-quiet_from": "21:00",
    "messages-quiet_until": "08:00",
    "messages-timezone": "Europe/London",
}

JOIN_PASSWORD = "a long enough password to join with"
CHECK_IN_VALID = {"connected": "5", "heard": "6", "stress": "4"}
SESSION_VALID = {"held_on": "2026-01-15", "held_time": "17:30", "attended": "both"}

TARGETS = [
    Target("login", "auth.login", "anonymous", lambda w: "/login"),
    Target("second-step", "auth.second_step", "pending", lambda w: "/login/code"),
    Target("logout", "auth.logout", "counselor", lambda w: "/account/", lambda w: "/logout"),
    Target(
        "join",
        "invitations.accept",
        "anonymous",
        lambda w: _invitation(w, joined=False),
        valid=lambda w: {
            "email": "joiner@example.com",
            "password": JOIN_PASSWORD,
            "confirm": JOIN_PASSWORD,
            "read_policy": "y",
        },
        fresh=True,
    ),
    Target(
        "choose-password",
        "invitations.accept",
        "anonymous",
        lambda w: _invitation(w, joined=True),
        fresh=True,
    ),
    Target(
        "couple-new",
        "counselor.new_couple",
        "counselor",
        lambda w: "/counselor/couples/new",
        valid=lambda w: {"timezone": "UTC", "week_starts_on": "0"},
    ),
    Target(
        "couple-edit",
        "counselor.edit_couple",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/edit",
        valid=lambda w: {"timezone": "Europe/London", "week_starts_on": "0"},
    ),
    Target(
        "couple-status",
        "counselor.set_status",
        "counselor",
        couple_page,
        lambda w: f"/counselor/couples/{w.couple.id}/status",
    ),
    Target(
        "reissue-link",
        "counselor.reissue_link",
        "counselor",
        couple_page,
        lambda w: f"/counselor/couples/{w.couple.id}/partners/1/link",
    ),
    Target(
        "sign-out-partner",
        "counselor.sign_out_partner",
        "counselor",
        couple_page,
        lambda w: f"/counselor/couples/{w.couple.id}/partners/1/sign-out",
    ),
    *[
        Target(
            f"homework-new-{kind}",
            "assignments.new",
            "counselor",
            hw_new(kind),
            valid=no_fixed_values,
        )
        for kind in ("rhythm", "needs", "checkin")
    ],
    *[
        Target(
            f"homework-edit-{kind}",
            "assignments.edit",
            "counselor",
            hw(kind),
            valid=no_fixed_values,
        )
        for kind in ("rhythm", "needs", "checkin")
    ],
    Target(
        "homework-status",
        "assignments.set_status",
        "counselor",
        couple_page,
        lambda w: f"/counselor/couples/{w.couple.id}/homework/{w.assignment('rhythm').id}/status",
    ),
    Target(
        "session-new",
        "counseling.new",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/sessions/new",
        valid=lambda w: SESSION_VALID,
    ),
    Target(
        "session-edit",
        "counseling.edit",
        "counselor",
        lambda w: f"{session_page(w)}/edit",
        valid=lambda w: SESSION_VALID,
    ),
    Target(
        "pins", "counseling.pins", "counselor", session_page, lambda w: f"{session_page(w)}/pins"
    ),
    Target(
        "release",
        "counseling.release",
        "counselor",
        session_page,
        lambda w: f"{session_page(w)}/release",
    ),
    Target("settings", "counseling.settings", "counselor", lambda w: "/counselor/settings"),
    Target(
        "template-save",
        "assignments.save_template",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/homework/{w.assignment('rhythm').id}/template",
    ),
    Target(
        "template-edit",
        "library.edit_assignment",
        "counselor",
        lambda w: f"/counselor/templates/assignments/{w.made['template'].id}/edit",
    ),
    Target(
        "template-retire",
        "library.retire_assignment",
        "counselor",
        lambda w: "/counselor/templates",
        lambda w: f"/counselor/templates/assignments/{w.made['template'].id}/retire",
    ),
    Target(
        "note-template-new",
        "library.new_note",
        "counselor",
        lambda w: "/counselor/templates/notes/new",
    ),
    Target(
        "note-template-edit",
        "library.edit_note",
        "counselor",
        lambda w: f"/counselor/templates/notes/{w.made['note_template'].id}/edit",
    ),
    Target(
        "note-template-retire",
        "library.retire_note",
        "counselor",
        lambda w: "/counselor/templates",
        lambda w: f"/counselor/templates/notes/{w.made['note_template'].id}/retire",
    ),
    Target(
        "template-import",
        "library.import_file",
        "counselor",
        lambda w: "/counselor/templates",
        lambda w: "/counselor/templates/import",
    ),
    Target(
        "next-session",
        "appointments.edit",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/next-session",
    ),
    Target(
        "next-session-cancel",
        "appointments.cancel",
        "counselor",
        couple_page,
        lambda w: f"/counselor/couples/{w.couple.id}/next-session/cancel",
    ),
    Target(
        "calendar-link",
        "calendar.new_link",
        "partner",
        lambda w: "/account/",
        lambda w: "/account/calendar",
    ),
    Target(
        "couple-export",
        "data.couple_export",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/export",
    ),
    Target(
        "couple-delete",
        "data.delete_couple",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/delete",
    ),
    Target(
        "change-password",
        "account.change_password",
        "counselor",
        lambda w: "/account/",
        lambda w: "/account/password",
    ),
    Target(
        "change-email",
        "account.change_email",
        "partner",
        lambda w: "/account/",
        lambda w: "/account/email",
    ),
    Target(
        "change-language",
        "account.change_language",
        "partner",
        lambda w: "/account/",
        lambda w: "/account/language",
    ),
    Target(
        "sign-out-everywhere",
        "account.sign_out_everywhere",
        "counselor",
        lambda w: "/account/",
        lambda w: "/account/sign-out-everywhere",
    ),
    Target("two-step-on", "account.two_step", "counselor", lambda w: "/account/two-step"),
    Target(
        "two-step-off",
        "account.two_step_off",
        "two-step",
        lambda w: "/account/two-step",
        lambda w: "/account/two-step/off",
    ),
    Target(
        "recovery-codes",
        "account.new_codes",
        "two-step",
        lambda w: "/account/two-step",
        lambda w: "/account/two-step/codes",
    ),
    Target("partner-export", "data.partner_export", "partner", lambda w: "/account/export"),
    Target("leave", "data.leave", "partner", lambda w: "/account/leave"),
    Target(
        "mark-done",
        "rhythm.mark_done",
        "partner",
        lambda w: "/week",
        lambda w: _week_forms(w)["mark"],
        valid=no_fixed_values,
    ),
    Target(
        "mark-undo",
        "rhythm.mark_undo",
        "partner",
        lambda w: "/week",
        lambda w: _week_forms(w)["undo"],
    ),
    Target(
        "reflection",
        "rhythm.reflection",
        "partner",
        lambda w: "/week",
        lambda w: _week_forms(w)["reflection"],
        valid=no_fixed_values,
    ),
    Target(
        "rating",
        "needs.rate_need",
        "partner",
        lambda w: "/week",
        lambda w: _week_forms(w)["rating"],
        valid=lambda w: {f"rating-{w.made['need_1'].id}-rating": "partly"},
    ),
    Target(
        "step-done",
        "needs.step_done",
        "partner",
        lambda w: "/week",
        lambda w: _week_forms(w)["step"],
    ),
    Target(
        "step-undo",
        "needs.step_undo",
        "partner",
        lambda w: "/week",
        lambda w: _week_forms(w)["step_undo"],
    ),
    Target(
        "check-in",
        "checkin.check_in",
        "partner",
        lambda w: f"/week/{w.week}/check-in",
        valid=lambda w: CHECK_IN_VALID,
    ),
    Target(
        "mark-note",
        "rhythm.mark_note",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/rhythm/{w.made['rhythm'].rhythm_items[1].id}/note",
        valid=no_fixed_values,
    ),
    Target(
        "welcome-read",
        "partner.welcome_read",
        "partner",
        lambda w: "/week",
        lambda w: "/week/welcome",
    ),
    Target(
        "bring-back",
        "needs.bring_back",
        "partner",
        lambda w: "/needs/",
        lambda w: f"/needs/{w.made['retired'].id}/bring-back",
    ),
    Target(
        "private-word", "partner.private_word", "partner", lambda w: "/word", valid=no_fixed_values
    ),
    Target(
        "read-word",
        "counselor.read_word",
        "counselor",
        couple_page,
        lambda w: f"/counselor/couples/{w.couple.id}/words/{w.made['word'].id}/read",
    ),
    Target(
        "need-on-week",
        "needs.name_on_week",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/needs/new",
        valid=no_fixed_values,
    ),
    Target(
        "journal-moment",
        "journal.add",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/journal",
        valid=lambda w: {"journal-happened_on": ""},
    ),
    Target(
        "appreciation-note",
        "appreciation.write",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/appreciation",
        valid=lambda w: {"appreciation-visibility": "partners"},
    ),
    Target(
        "pause-rule",
        "pause.propose",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/pause/rule",
        valid=lambda w: {"rule-minutes": "20", "rule-word": "timeout"},
    ),
    Target(
        "pause-accept",
        "pause.accept",
        "partner",
        lambda w: (_alex_proposed(w), "/week")[1],
        _alex_proposed,
    ),
    Target(
        "pause-log",
        "pause.log",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/pause/log",
        valid=lambda w: {"paused-paused_on": w.week, "paused-came_back": "no"},
    ),
    Target(
        "plan-new",
        "plan.new",
        "partner",
        lambda w: "/week",
        lambda w: f"/week/{w.week}/plan/date",
        valid=lambda w: {"plan-date-on_day": _plan_day(w), "plan-date-arranged_by": "both"},
    ),
    Target(
        "plan-change",
        "plan.change",
        "partner",
        lambda w: (_planned(w, "later"), "/week")[1],
        lambda w: f"/week/{w.week}/plan/{_planned(w, 'later')}/change",
        valid=lambda w: {
            f"change-{_planned(w, 'later')}-on_day": _plan_day(w),
            f"change-{_planned(w, 'later')}-arranged_by": "me",
        },
    ),
    Target(
        "plan-done",
        "plan.kept",
        "partner",
        lambda w: (_planned(w, "today"), "/week")[1],
        lambda w: f"/week/{w.week}/plan/{_planned(w, 'today')}/done",
        valid=no_fixed_values,
    ),
    Target("inventory", "inventory.take", "partner", lambda w: f"/week/{w.week}/inventory"),
    Target(
        "questionnaire", "questionnaire.take", "partner", lambda w: f"/week/{w.week}/questionnaire"
    ),
    Target(
        "questionnaire-new",
        "questionnaire.library_new",
        "counselor",
        lambda w: "/counselor/questionnaires/new",
        valid=lambda w: {"options": "0 = No\n1 = Yes", "cutoff": "", "reliable_change": ""},
    ),
    Target(
        "questionnaire-edit",
        "questionnaire.library_edit",
        "counselor",
        lambda w: f"/counselor/questionnaires/{_questionnaire(w)}/edit",
    ),
    Target(
        "questionnaire-retire",
        "questionnaire.library_retire",
        "counselor",
        lambda w: f"/counselor/questionnaires/{_questionnaire(w)}",
        lambda w: f"/counselor/questionnaires/{_questionnaire(w)}/retire",
    ),
    Target("need-new", "needs.new", "partner", lambda w: "/needs/new", valid=no_fixed_values),
    Target(
        "need-edit",
        "needs.edit",
        "partner",
        lambda w: f"/needs/{w.made['need_1'].id}/edit",
        valid=no_fixed_values,
    ),
    Target(
        "mail-preferences",
        "mail.preferences",
        "counselor",
        lambda w: "/account/",
        lambda w: "/account/messages",
        valid=lambda w: MAIL_TIMES,
    ),
    Target("unsubscribe", "mail.unsubscribe", "anonymous", _unsubscribe_page),
    Target(
        "send-invitation",
        "mail.send_invitation",
        "counselor",
        _invited_couple_page,
        lambda w: f"{_invited_couple_page(w)}/partners/1/send-link",
    ),
    Target("forgot-password", "password_reset.forgot", "anonymous", lambda w: "/forgot-password"),
    Target(
        "confirm-email",
        "account.confirm_email",
        "partner",
        _email_confirm_page,
        fresh=True,
    ),
    Target(
        "reset-password",
        "password_reset.choose",
        "anonymous",
        _reset_page,
        fresh=True,
    ),
    Target(
        "need-retire",
        "needs.retire",
        "partner",
        lambda w: "/needs/",
        lambda w: f"/needs/{w.made['need_1'].id}/retire",
    ),
    # Last: a policy the counselor saves sends partners to read it before their pages.
    Target(
        "policy",
        "confidentiality.counselor_settings",
        "counselor",
        lambda w: "/counselor/settings/confidentiality",
        valid=lambda w: {"approach": "limited_secrets"},
    ),
    Target(
        "couple-policy",
        "confidentiality.couple_settings",
        "counselor",
        lambda w: f"/counselor/couples/{w.couple.id}/confidentiality",
        valid=lambda w: {"approach": "limited_secrets"},
    ),
    Target(
        "policy-confirm", "confidentiality.confirm", "partner", lambda w: "/confidentiality/confirm"
    ),
]


@pytest.fixture
def world(app):
    # Hostile sign-ins would otherwise lock the test address out of every later test.
    app.config["RATELIMIT_ENABLED"] = False
    app.config["LANGUAGES"] = ["en", "es"]  # the language choice is on the account page
    app.config["RESET_ANSWER_SECONDS"] = 0  # "forgot your password" waits on purpose
    counselor = factories.counselor()
    couple = factories.couple(counselor)
    bare = factories.couple(counselor, name="Jordan & Riley")
    made = factories.homework(couple)
    session = factories.session(couple)
    # A next session booked, so the couple page offers to cancel it.
    appointments.schedule(couple, utcnow() + timedelta(days=7))
    db.session.commit()
    # Something to undo: one rhythm item marked, one step done, by the partner who signs in.
    from kinds.needs.models import StepDone
    from kinds.rhythm.models import RhythmMark

    sam = couple.partner_at(1)
    db.session.add(
        RhythmMark(
            item_id=made["rhythm"].rhythm_items[1].id,
            week_start=made["week"],
            partner_id=sam.id,
            note="We walked to the lake.",  # shared words, so the summary offers pins
        )
    )
    db.session.add(
        StepDone(step_id=made["need_2"].steps[1].id, week_start=made["week"], partner_id=sam.id)
    )
    # A need of Sam's already retired (to bring back), the first visit's welcome not yet put
    # away, and a private word for the counselor to mark read.
    from domain import private_words
    from kinds.needs.models import Need, NeedStatus

    retired = Need(owner_id=sam.id, wording="Quiet mornings", visibility="shared")
    retired.status, retired.retired_at = NeedStatus.RETIRED, utcnow()
    db.session.add(retired)
    sam.welcomed_at = None
    sam.joined_at = couple.partner_at(2).joined_at + timedelta(minutes=1)  # the second to come
    made["retired"] = retired
    made["word"], _new = private_words.write(sam, "Something for Dana before Tuesday.")
    # A template of each sort, to rename, retire and start a session from.
    from models import AssignmentTemplate, NoteTemplate

    made["template"] = AssignmentTemplate(
        counselor_id=counselor.id, name="Rhythm", kind="rhythm", instructions="Each week."
    )
    made["note_template"] = NoteTemplate(
        counselor_id=counselor.id, name="Follow-up", focus="How the week went"
    )
    db.session.add_all([made["template"], made["note_template"]])
    db.session.commit()
    return World(app, counselor, couple, bare, made, session)


def _client_and_page(w: World, target: Target):
    """The signed-in client and the page's HTML, signing in again if an example signed out."""
    client = w.client(target.role)
    page = target.page(w)
    for _ in range(2):
        response = client.get(page)
        if response.status_code == 302 and "/login" in response.headers["Location"]:
            w.clients.pop(target.role)
            client = w.client(target.role)
            continue
        return client, page, response
    return client, page, response


def _form(w: World, target: Target, cache: dict) -> tuple:
    """The client, the action and the form as its page shows it now.

    The page is read again only when it matters: for a fresh link, or a form that carries
    the version of what it edits (so the edit is tried, not only the conflict).
    """
    cached = cache.get(target.id)
    if cached and not target.fresh and not any(f.name.endswith("version") for f in cached[2]):
        return cached
    client, page, response = _client_and_page(w, target)
    action = urlsplit(target.action(w) if target.action else page).path
    if response.status_code == 200:
        found = [f for f in forms_on(response.get_data(as_text=True)) if f.action == action]
        if found:
            cache[target.id] = (client, action, found[0].fields)
    # A form that left its page (a need retired, a mark made) is still sent, as by an
    # old tab; the page's answer to it is what is tested.
    assert target.id in cache, f"no form posting to {action} on {page}"
    return cache[target.id]


# Button-only forms that appear only inside an HTMX answer (an Undo beside what was just
# saved): they carry no field to fuzz, and are sent hostile bodies by the test below.
BUTTONS_IN_ANSWERS = {
    "needs.rating_undo": lambda w: f"/week/{w.week}/needs/{w.made['need_1'].id}/rating/undo",
}


def test_each_target_is_listed_once():
    """A target listed twice runs twice on the same world: the second finds the first's
    traces (a third need where the week offers a form only below three) and fails for a
    reason that has nothing to do with the form."""
    ids = [t.id for t in TARGETS]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_post_route_has_a_fuzz_target(app):
    posted = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    covered = {t.endpoint for t in TARGETS} | set(BUTTONS_IN_ANSWERS)
    assert posted - covered == set(), "add these routes to TARGETS in tests/test_fuzz.py"


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_hostile_input_never_breaks_a_form(world, target):
    cache: dict = {}
    fields = _form(world, target, cache)[2]
    # A form that is only a button varies in its token and its HTMX header, no more.
    only_a_button = all(f.name == "csrf_token" for f in fields)

    @settings(FUZZ, max_examples=BUTTON_EXAMPLES if only_a_button else EXAMPLES)
    @given(data=st.data())
    def send(data):
        client, action, fields = _form(world, target, cache)
        values = data.draw(filled(Form(action, fields)), label="form")
        # Mostly a good CSRF token; sometimes a stale or missing one (the form is then
        # shown again with what was typed, and nothing may be saved).
        token = data.draw(st.sampled_from(["good"] * 6 + ["stale", "missing"]), label="csrf")
        values.setlist("csrf_token", [])
        if token == "good":
            values.add("csrf_token", client.csrf_token())
        elif token == "stale":
            values.add("csrf_token", "IjAwMCI.stale.token")
        headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
        response = client.post(action, data=values, headers=headers, csrf=False)
        assert 200 <= response.status_code < 500, (response.status_code, action)
        if response.mimetype == "text/html":
            assert_no_markup(response.get_data(as_text=True), action)
        db.session.rollback()

    send()


# --- Markup comes back as text ------------------------------------------------------------


class _MarkupFinder(HTMLParser):
    """Finds elements our payloads would make if they were rendered as HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.raw: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        if any("probe-xss" in (name or "") for name, _ in attrs):
            self.raw.append(self.get_starttag_text() or tag)
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "probeXss" in data:
            self.raw.append(data)
        elif not self._script:
            self.text.append(data)


def assert_no_markup(html: str, where: str) -> str:
    finder = _MarkupFinder()
    finder.feed(html)
    assert not finder.raw, f"markup rendered as HTML on {where}: {finder.raw[:3]}"
    return "".join(finder.text)


def _display_pages(w: World) -> list[tuple[str, str]]:
    c, s = w.couple.id, w.session.id
    pages = [
        ("counselor", "/counselor/"),
        ("counselor", f"/counselor/couples/{c}"),
        ("counselor", f"/counselor/couples/{w.bare.id}"),
        ("counselor", f"/counselor/couples/{c}/edit"),
        ("counselor", f"/counselor/couples/{c}/sessions"),
        ("counselor", f"/counselor/couples/{c}/sessions/{s}"),
        ("counselor", f"/counselor/couples/{c}/sessions/{s}?copy=counselor"),
        ("counselor", f"/counselor/couples/{c}/sessions/{s}/edit"),
        ("partner", "/week"),
        ("partner", "/needs/"),
        ("partner", f"/week/{w.week}/check-in"),
        ("partner", "/summaries"),
    ]
    for kind in ("rhythm", "needs", "checkin"):
        pages.append(("counselor", hw(kind)(w)))
    return pages


MARKUP_TARGETS = [t for t in TARGETS if t.valid is not None]
NOT_TEXT = ("hidden", "checkbox", "radio", "select", "date", "time", "number", "button")
SECRET = ("password", "confirm", "email", "current_password")


def _markup_values(target: Target, w: World, fields: list[Field], n: int) -> tuple:
    """Valid values for the form, with markup (and a marker) in every free-text field."""
    fixed = target.valid(w)
    values, typed = MultiDict(), []
    for i, f in enumerate(fields):
        if f.name in fixed:
            values.add(f.name, fixed[f.name])
        elif f.kind in ("password", "email") or f.name.endswith(SECRET):
            values.add(f.name, f.value or "a long enough password 1")
        elif f.kind not in NOT_TEXT:
            # Short enough for a couple's name; {{7*7}} would read 49 if it were rendered;
            # the NUL must be dropped, not refused (PostgreSQL cannot store it).
            text = f"{MARKUP[(n + i) % len(MARKUP)]}{{{{7*7}}}}\x00m{n}x{i}"
            if f.name.endswith("steps"):
                text = f"{MARKUP[1]}{{{{7*7}}}}m{n}x{i}\n{MARKUP[0]}"
            elif re.fullmatch(r"label\d", f.name):  # a grid label: 40 characters at most
                text = f"<i data-probe-xss>{{{{7*7}}}}m{n}x{i}"
            typed.append((f"m{n}x{i}", text))
            values.add(f.name, text)
        elif f.kind == "radio":
            if f.name not in values:
                values.add(f.name, f.value)
        elif f.kind == "select" and not f.value and f.options:
            values.add(f.name, f.options[0])
        elif f.kind != "checkbox" or f.checked:
            values.add(f.name, f.value)
    return values, typed


def test_markup_typed_into_a_form_is_shown_as_text(world):
    """Every form that keeps what people type: markup in, text out, on every page."""
    typed_by, shown = {}, ""
    for n, target in enumerate(MARKUP_TARGETS):
        client, action, fields = _form(world, target, {})
        values, typed = _markup_values(target, world, fields, n)
        assert typed, f"no free-text fields found on {action}"
        values.setlist("csrf_token", [client.csrf_token()])
        response = client.post(action, data=values, follow_redirects=True, csrf=False)
        assert response.status_code == 200, (target.id, response.status_code, text_of(response))
        shown += assert_no_markup(response.get_data(as_text=True), action)
        typed_by[target.id] = typed

    for role, path in _display_pages(world):
        page = world.client(role).get(path)
        if page.status_code == 200:
            shown += assert_no_markup(page.get_data(as_text=True), path)
    # What was typed is shown again somewhere, as the very text that was typed.
    unseen = [
        target
        for target, typed in typed_by.items()
        if not any(text.split("\n")[0].replace("\x00", "") in shown for _, text in typed)
    ]
    assert not unseen, f"typed text never shown for: {unseen}"


# --- Too much at once --------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_body_over_the_limit_gets_a_kind_413(world, htmx):
    client = world.client("partner")
    headers = {"HX-Request": "true"} if htmx else {}
    big = "x" * (1024 * 1024 + 100_000)
    response = client.post("/needs/new", data={"wording": big, "steps": "a"}, headers=headers)
    assert response.status_code == 413
    assert "more than we can take at once" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_a_large_body_under_the_limit_is_an_ordinary_answer(world):
    client = world.client("partner")
    response = client.post("/needs/new", data={"wording": "x" * 150_000, "steps": "a"})
    assert response.status_code == 422
    assert "Please keep it to" in response.get_data(as_text=True)


def test_the_markup_check_sees_markup_rendered_as_html():
    from markupsafe import escape

    for payload in MARKUP:
        with pytest.raises(AssertionError):
            assert_no_markup(f"<p>{payload}</p>", "a page")
        assert payload in assert_no_markup(f"<p>{escape(payload)}</p>", "a page")
        assert_no_markup(f'<textarea name="x">{escape(payload)}</textarea>', "a page")
        assert_no_markup(f'<input value="{escape(payload)}">', "a page")


@pytest.mark.parametrize("endpoint", sorted(BUTTONS_IN_ANSWERS))
def test_a_button_only_form_takes_any_body_calmly(world, endpoint):
    """Whatever body comes with it (hostile fields, none, with and without HTMX), a
    button-only form answers calmly: never a server error, nothing but HTML."""
    client = world.client("partner")
    path = BUTTONS_IN_ANSWERS[endpoint](world)
    for headers in ({}, {"HX-Request": "true"}):
        for body in ({}, {"x": HOSTILE[3]}, {"rating": "<script>probeXss(1)</script>"}):
            response = client.post(path, data=body, headers=headers)
            assert response.status_code < 500, (endpoint, response.status_code)
            assert response.mimetype == "text/html"
