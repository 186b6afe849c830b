"""A double tap (or a resent form) makes one record, and the second answer is a calm one.

Each action is posted twice with the same form, as a phone does when the button is tapped
twice before the page changes, or a browser resends after a slow answer. The second
answer must be a success or a redirect to what was just saved, never an error about it.
Forms that create something also disable their button while HTMX sends it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.weeks import local_today
from extensions import db
from kinds.checkin.models import CheckIn
from kinds.needs.models import Need, NeedStep, StepDone
from kinds.rhythm.models import RhythmMark, RhythmReflection
from models import Assignment, CounselingSession, Couple, FormSubmission, utcnow
from tests import factories
from tests.conftest import login, text_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _template_roots() -> list[Path]:
    """The app's templates, then each kind's own folder (``kinds/<key>/templates``)."""
    from kinds import registry

    roots = [TEMPLATES]
    for kind in registry.REGISTRY:
        roots.append(Path(kind.blueprint.root_path) / kind.blueprint.template_folder)
    return roots


def _template(name: str) -> Path:
    return next(root / name for root in _template_roots() if (root / name).exists())


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def twice(client, path: str, data: dict, **kwargs):
    """The same POST, sent twice; the CSRF token is the same in both, as from one page."""
    data = {"csrf_token": client.csrf_token(), **data}
    first = client.post(path, data=data, csrf=False, **kwargs)
    second = client.post(path, data=data, csrf=False, **kwargs)
    return first, second


def calm(response) -> bool:
    """A success, or a redirect to something: not an error page."""
    return response.status_code in (200, 302, 303)


@pytest.fixture
def partner_client(signed_in, couple):
    """Sam, signed in, before any homework is assigned."""
    return signed_in(couple.partner_at(1).user)


def test_creating_a_couple_twice_makes_one(dana, counselor):
    form = {"name": "Robin & Kai", "timezone": "UTC", "week_starts_on": "0"}

    first, second = twice(dana, "/counselor/couples/new", form)

    assert first.status_code == 302
    assert calm(second)
    assert count(Couple, Couple.name == "Robin & Kai") == 1
    # The second answer leads to the couple that was made, with its links.
    assert second.headers["Location"] == first.headers["Location"]


def test_a_couple_may_share_a_name_with_an_older_one(dana, counselor):
    """Only a repeat of a moment ago is a double tap; an old namesake is another couple."""

    old = factories.couple(counselor, name="Robin & Kai")
    old.created_at = utcnow() - timedelta(days=200)
    db.session.commit()
    form = {"name": "Robin & Kai", "timezone": "UTC", "week_starts_on": "0"}
    asked = dana.post("/counselor/couples/new", data=form)
    assert asked.status_code == 200  # "You already have a couple called …": a question
    response = dana.post("/counselor/couples/new", data=dict(form, anyway="Robin & Kai"))
    assert response.status_code == 302
    assert count(Couple, Couple.name == "Robin & Kai") == 2


@pytest.mark.parametrize("kind", ["rhythm", "needs", "checkin"])
@pytest.mark.parametrize("run", ["from-this-week", "already-over"])
def test_assigning_homework_twice_makes_one(dana, couple, kind, run):
    today = local_today(couple.timezone)
    if run == "from-this-week":
        form = {"starts_on": today.isoformat(), "weeks": ""}
    else:  # entered afterwards: the first run is over as soon as it is made
        form = {"starts_on": (today - timedelta(weeks=20)).isoformat(), "weeks": "6"}
    form["instructions"] = "Ten quiet minutes."
    if kind == "rhythm":
        form.update(item1="Talk", item2="Walk", item3="Hug")

    first, second = twice(dana, f"/counselor/couples/{couple.id}/homework/new/{kind}", form)

    assert first.status_code == 302
    assert second.status_code == 302, text_of(second)
    assert count(Assignment, Assignment.couple_id == couple.id, Assignment.kind == kind) == 1


def test_recording_a_session_twice_makes_one(dana, couple):
    form = {
        "held_on": "2026-01-15",
        "held_time": "17:30",
        "attended": "both",
        "focus": "Repair after arguments",
    }

    first, second = twice(dana, f"/counselor/couples/{couple.id}/sessions/new", form)

    assert first.status_code == 302
    assert calm(second)
    assert count(CounselingSession, CounselingSession.couple_id == couple.id) == 1
    assert second.headers["Location"] == first.headers["Location"]


def test_a_session_form_sent_again_after_a_correction_makes_one(dana, couple):
    """The first send went through but the page did not show it (a slow connection); the
    counselor fixed a typo in the focus and sent the same page again: one session, the
    first one, and they are shown it."""
    path = f"/counselor/couples/{couple.id}/sessions/new"
    form = {
        "held_on": "2026-01-15",
        "held_time": "17:30",
        "attended": "both",
        "focus": "Repair after argumnets",
        "once": "one-page-of-the-session-form",
    }
    first = dana.post(path, data=form)
    second = dana.post(path, data={**form, "focus": "Repair after arguments"})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert count(CounselingSession, CounselingSession.couple_id == couple.id) == 1
    assert "just saved" in text_of(dana.get(second.headers["Location"]))


def test_a_second_session_at_another_time_is_its_own(dana, couple):
    path = f"/counselor/couples/{couple.id}/sessions/new"
    form = {"held_on": "2026-01-15", "held_time": "17:30", "attended": "both", "focus": "One"}
    dana.post(path, data=form)
    dana.post(path, data={**form, "held_on": "2026-01-22", "focus": "Two"})
    assert count(CounselingSession, CounselingSession.couple_id == couple.id) == 2


def test_adding_a_need_twice_makes_one(partner_client, couple):
    me = couple.partner_at(1)
    form = {"wording": "A calmer evening", "steps": "Ask about my day\nDishes together"}

    first, second = twice(partner_client, "/needs/new", form)

    assert first.status_code == 302
    assert calm(second)
    assert count(Need, Need.owner_id == me.id, Need.wording == "A calmer evening") == 1
    need = db.session.scalar(select(Need).where(Need.owner_id == me.id))
    assert count(NeedStep, NeedStep.need_id == need.id) == 2


def test_checking_in_twice_makes_one(partner_client, couple, with_homework):
    week = with_homework["week"]
    form = {
        "version": "0",  # as the page for a first check-in sends it
        "connected": "6",
        "heard": "5",
        "stress": "4",
        "went_well": "Dinner together",
        "went_well_visibility": "counselor",
        "felt_off_visibility": "counselor",
        "support_visibility": "counselor",
    }

    first, second = twice(partner_client, f"/week/{week}/check-in", form)

    assert first.status_code == 302
    # The same answers again are the same check-in: saved, not a conflict.
    assert second.status_code == 302
    assert count(CheckIn, CheckIn.partner_id == couple.partner_at(1).id) == 1


def test_a_different_check_in_from_a_stale_page_is_still_a_conflict(
    partner_client, couple, with_homework
):
    """Only an identical repeat is let through; other words from an old page are not lost."""
    week = with_homework["week"]
    form = {
        "version": "0",
        "connected": "6",
        "heard": "5",
        "stress": "4",
        "went_well": "Dinner together",
    }
    path = f"/week/{week}/check-in"
    assert partner_client.post(path, data=form).status_code == 302
    response = partner_client.post(path, data={**form, "went_well": "Another answer"})
    assert response.status_code == 409
    assert "Another answer" in response.get_data(as_text=True)
    saved = db.session.scalar(select(CheckIn).where(CheckIn.partner_id == couple.partner_at(1).id))
    assert saved.went_well == "Dinner together"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_marking_a_rhythm_item_twice_makes_one_mark(partner_client, with_homework, htmx):
    week, item = with_homework["week"], with_homework["rhythm"].rhythm_items[0]
    key = f"mark-{item.id}"
    headers = {"HX-Request": "true"} if htmx else {}

    first, second = twice(
        partner_client,
        f"/week/{week}/rhythm/{item.id}/done",
        {f"{key}-note": "We talked", f"{key}-note_visibility": "shared"},
        headers=headers,
    )

    assert calm(first) and calm(second), (first.status_code, second.status_code)
    assert count(RhythmMark, RhythmMark.item_id == item.id) == 1


def test_saving_a_reflection_twice_makes_one(partner_client, couple, with_homework):
    week, rhythm = with_homework["week"], with_homework["rhythm"]
    key = f"reflection-{rhythm.id}"
    form = {f"{key}-helped": "The walk", f"{key}-visibility": "shared", f"{key}-version": "0"}

    first, second = twice(partner_client, f"/week/{week}/rhythm/{rhythm.id}/reflection", form)

    assert first.status_code == 302
    assert second.status_code == 302
    assert count(RhythmReflection, RhythmReflection.partner_id == couple.partner_at(1).id) == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_marking_a_step_done_twice_makes_one(partner_client, with_homework, htmx):
    week = with_homework["week"]
    step = with_homework["need_2"].steps[0]  # a step the other partner asked for
    headers = {"HX-Request": "true"} if htmx else {}

    first, second = twice(partner_client, f"/week/{week}/steps/{step.id}/done", {}, headers=headers)

    assert calm(first) and calm(second), (first.status_code, second.status_code)
    assert count(StepDone, StepDone.step_id == step.id) == 1


# --- The buttons ---------------------------------------------------------------------------


# Forms that make a record or an account. Boosted by <body hx-boost>, each says itself
# which button waits: inherited from <body>, the selector would also run for every
# boosted link, which has no button to find.
CREATING_FORMS = [
    "auth/login.html",
    "invitations/join.html",
    "invitations/choose_password.html",
    "counselor/couple_form.html",
    "assignments/form.html",
    "counseling/form.html",
    "checkin/check_in.html",
    "needs/form.html",
]
WAITS = re.compile(r"""hx-disabled-elt=["'](this|find button(\[type=.?submit.?\])?)["']""")


def _post_forms(template: str) -> list[str]:
    html = _template(template).read_text()
    return [f for f in re.findall(r"<form\b[^>]*>", html) if re.search(r"post", f, re.I)]


@pytest.mark.parametrize("template", CREATING_FORMS)
def test_the_submit_button_waits_while_htmx_sends(template):
    forms = _post_forms(template)
    assert forms, template
    for form in forms:
        assert WAITS.search(form), f"{template}: {form}"


def test_every_card_form_posting_with_htmx_waits_too():
    for root in _template_roots():
        for template in root.rglob("*.html"):
            for form in re.findall(r"<form\b[^>]*>", template.read_text()):
                if "hx-post" in form:
                    assert WAITS.search(form), f"{template.relative_to(root)}: {form}"


# --- One-time form keys: the database keeps the second one out ---------------------------


def _new_couple_form(client) -> dict:
    page = client.get("/counselor/couples/new").get_data(as_text=True)
    key = re.search(r'name="once" type="hidden" value="([^"]+)"', page)
    key = key or re.search(r'type="hidden" name="once" value="([^"]+)"', page)
    return {
        "once": key.group(1),
        "name": "Robin & Ash",
        "timezone": "Europe/London",
        "week_starts_on": "0",
    }


def test_a_form_key_sent_again_much_later_still_makes_one(dana, monkeypatch):
    from domain import repeats

    data = _new_couple_form(dana)
    first, second = twice(dana, "/counselor/couples/new", data)
    assert calm(first) and calm(second)
    # Past the ten-minute look-back, the key alone still knows it.
    monkeypatch.setattr(repeats, "REPEAT_WINDOW", timedelta(0))
    third = dana.post("/counselor/couples/new", data=data)
    assert third.status_code == 302
    assert count(Couple, Couple.name == "Robin & Ash") == 1
    assert third.headers["Location"] == first.headers["Location"]


def test_two_sends_at_the_same_moment_make_one_couple(app, counselor, dana, monkeypatch):
    """The other worker committed between our look and our write: the key refuses ours."""
    from domain import repeats

    data = _new_couple_form(dana)
    first = dana.post("/counselor/couples/new", data=data)
    made = first.headers["Location"]
    # Our look happens before theirs commits: it finds nothing, so ours goes on to write...
    monkeypatch.setattr(repeats, "REPEAT_WINDOW", timedelta(0))
    original_seen = repeats.seen
    calls = {"n": 0}

    def seen_after_the_race(key, user_id):
        calls["n"] += 1
        return None if calls["n"] == 1 else original_seen(key, user_id)

    monkeypatch.setattr(repeats, "seen", seen_after_the_race)
    # ...and its look for a couple of the same name finds nothing yet either.
    from domain import couples

    monkeypatch.setattr(couples, "same_name", lambda counselor_id, name: None)
    second = dana.post("/counselor/couples/new", data=data)
    assert second.status_code == 302 and second.headers["Location"] == made
    assert count(Couple, Couple.name == "Robin & Ash") == 1
    assert db.session.get(FormSubmission, (data["once"], counselor.id)).made == made


@pytest.fixture
def two_counselors(app, counselor):
    """Two counselors of one practice, each signed in on their own laptop."""
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    clients = []
    for person in (counselor, other):
        c = app.test_client()
        login(c, person.email)
        clients.append(c)
    return clients


def test_the_same_form_key_from_two_people_makes_two_records(two_counselors):
    dana, lee = two_counselors
    data = _new_couple_form(dana)
    first = dana.post("/counselor/couples/new", data=data)
    # The same one-time key, sent by someone else (copied, or guessed): their own couple.
    second = lee.post("/counselor/couples/new", data={**data, "name": "Noor & Sami"})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] != first.headers["Location"]
    assert lee.get(second.headers["Location"]).status_code == 200
    assert count(Couple, Couple.name == "Noor & Sami") == 1


def test_the_same_words_from_two_people_make_two_records(two_counselors, app, couple):
    dana, lee = two_counselors
    form = {"name": "Robin & Kai", "timezone": "UTC", "week_starts_on": "0"}
    assert dana.post("/counselor/couples/new", data=form).status_code == 302
    assert lee.post("/counselor/couples/new", data=form).status_code == 302
    assert count(Couple, Couple.name == "Robin & Kai") == 2
    # Two partners naming the same need with the same key, each keeps their own.
    key = {"once": "the-same-key-on-two-phones"}
    need = {"wording": "A calmer evening", "steps": "Ask about my day", **key}
    for place in (1, 2):
        phone = app.test_client()
        login(phone, couple.partner_at(place).user.email)
        assert phone.post("/needs/new", data=need).status_code == 302
    assert count(Need, Need.wording == "A calmer evening") == 2


def test_an_altered_form_key_saves_once_and_reaches_no_query(app, couple):
    """A hidden key no page of ours makes (a NUL in it, which PostgreSQL refuses in text)
    is no key at all: the need is saved, the key is not kept, nothing breaks."""
    phone = app.test_client()
    login(phone, couple.partner_at(1).user.email)
    need = {"wording": "A slower morning", "steps": "Coffee together", "once": "a\x00b"}
    assert phone.post("/needs/new", data=need).status_code == 302
    assert count(Need, Need.wording == "A slower morning") == 1
    assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 0
