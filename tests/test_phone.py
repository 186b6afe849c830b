"""Shorter pages on a phone, summaries as a page, and installing Hearth on a phone.

What is left this week and the jumps to each card, the confirmation inside the card the
person acted on (without JavaScript too), instructions that fold once started, the
couple's copy of a summary as a page (and nothing private in it), the web app manifest.
"""

from __future__ import annotations

import html as html_text
import io
import json
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from domain import whats_new
from domain.weeks import local_today
from extensions import db
from kinds import registry  # noqa: F401 (imported first: the registry imports the routes)
from kinds.checkin.routes import SAVED as SAID_SAVED
from kinds.inventory.models import SIGN_KEYS
from models import AuditEvent
from tests import factories
from tests.conftest import login, text_of
from tests.test_check_in import answers
from tests.test_counseling import (
    FOCUS,
    PRIVATE_ANSWER,
    PRIVATE_NOTE,
    SHARED_ANSWER,
    SHARED_NOTE,
    record,
)

SAVED = str(SAID_SAVED)  # the check-in's thanks, in English


@pytest.fixture
def no_needs_yet(app, couple):
    """Every kind assigned from this week, and no need named by anyone."""
    from domain.homework import assign, couple_week

    week = couple_week(couple).start
    made = {"week": week}
    for kind in registry.REGISTRY:
        made[kind.key] = assign(
            couple, kind.key, starts_on=week, weeks=None, instructions=kind.default_instructions
        )
    db.session.commit()
    return made


@pytest.fixture
def history(app, counselor, couple):
    """Four weeks of homework; this week Sam wrote one shared and one private answer."""
    from kinds.checkin.models import CheckIn

    hw = factories.homework(couple)
    factories.history(couple, hw, 4)
    sam = couple.partner_at(1)
    check_in = db.session.scalar(
        select(CheckIn).where(CheckIn.partner_id == sam.id, CheckIn.week_start == hw["week"])
    )
    check_in.went_well, check_in.went_well_visibility = SHARED_ANSWER, "shared"
    check_in.felt_off, check_in.felt_off_visibility = PRIVATE_ANSWER, "counselor"
    db.session.commit()
    return hw


def element(html: str, tag: str, element_id: str) -> str:
    """The HTML of one element by id (cards are sections with no section inside)."""
    match = re.search(rf'<{tag}[^>]*\bid="{element_id}"[^>]*>.*?</{tag}>', html, re.S)
    assert match, f"no <{tag} id={element_id}>"
    return match.group(0)


def words(html: str) -> str:
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- What is left this week -------------------------------------------------------------


def test_before_any_need_exists_the_needs_card_asks_to_name_them(signed_in, couple, no_needs_yet):
    html = signed_in(couple.partner_at(1).user).get("/week").get_data(as_text=True)
    needs_head = words(element(html, "section", "card-needs")).split(" Your needs")[0]
    assert "0 of 1" not in needs_head
    assert "Needs Name your needs" in needs_head
    progress = words(element(html, "div", "week-progress"))
    # Three rhythm moments, naming needs, a check-in, wording the pause rule, the inventory's
    # and the questionnaire's intakes, planning the first date (and night away and trip).
    assert progress.startswith("9 things left to do this week")
    assert "Needs list Name your needs" in progress


def test_the_counter_counts_what_is_still_to_do_and_each_links_to_its_card(sam, with_homework):
    week = with_homework["week"]
    item = with_homework["rhythm"].rhythm_items[0]
    sam.post(f"/week/{week}/rhythm/{item.id}/done")
    sam.post(f"/week/{week}/check-in", data=answers())
    html = sam.get("/week").get_data(as_text=True)
    progress = element(html, "div", "week-progress")
    assert words(progress).startswith("7 things left to do this week")
    links = re.findall(r'<a href="([^"]+)"', progress)
    # The check-in is done: no link to it. The journal never has anything left.
    assert links == [
        "#card-rhythm",
        "#card-needs",
        "#card-pause",
        "#card-inventory",
        "#card-questionnaire",
        "#card-plan",
    ]
    assert "Word your pause rule" in words(progress)
    assert "Plan your time together" in words(progress)
    assert "2 still to do together" in words(progress) and "Rate 1 need" in words(progress)
    for anchor in links:
        assert f'id="{anchor[1:]}"' in html  # each jump has a card to land on
    assert "✓ Done" in words(element(html, "section", "card-checkin"))


def test_when_nothing_is_left_the_week_says_so(sam, couple, with_homework):
    week = with_homework["week"]
    for item in with_homework["rhythm"].rhythm_items:
        sam.post(f"/week/{week}/rhythm/{item.id}/done")
    need = with_homework["need_1"]
    sam.post(f"/week/{week}/needs/{need.id}/rating", data={f"rating-{need.id}-rating": "met"})
    sam.post(f"/week/{week}/check-in", data=answers())
    # Once Sam has proposed the pause rule, it is Alex's to answer; pauses are never owed.
    rule = {"rule-word": "timeout", "rule-minutes": "20", "rule-calming": "walks"}
    sam.post(f"/week/{week}/pause/rule", data=rule | {"rule-coming_back": "after tea"})
    sam.post(
        f"/week/{week}/inventory",
        data={**dict.fromkeys(SIGN_KEYS, "1"), "note_visibility": "counselor", "version": "0"},
    )
    questionnaire = with_homework["questionnaire"].questionnaire_schedule.questionnaire
    sam.post(
        f"/week/{week}/questionnaire",
        data={
            **{f"item-{item.id}": "2" for item in questionnaire.items},
            "note_visibility": "counselor",
            "version": "0",
        },
    )
    # A date, a night away and a trip planned: nothing is due until their days come.
    soon = local_today(couple.timezone) + timedelta(days=3)
    for occasion in ("date", "away", "trip"):
        plan = {"on_day": soon.isoformat(), "what": "Time together", "arranged_by": "both"}
        sam.post(
            f"/week/{week}/plan/{occasion}",
            data={f"plan-{occasion}-{k}": v for k, v in plan.items()},
        )
    progress = words(element(sam.get("/week").get_data(as_text=True), "div", "week-progress"))
    assert progress.startswith("✓ All done for this week")
    assert "#card-" not in progress


# --- Landing on the card after an action ------------------------------------------------


def test_without_javascript_an_action_lands_on_its_card_with_the_confirmation(sam, with_homework):
    week = with_homework["week"]
    item = with_homework["rhythm"].rhythm_items[0]
    response = sam.post(f"/week/{week}/rhythm/{item.id}/done")
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-rhythm"
    html = sam.get("/week").get_data(as_text=True)
    assert "Marked as done" in words(element(html, "section", "card-rhythm"))
    # Said once, where the person lands, not in the flash area at the top of the page.
    assert "Marked as done" not in words(element(html, "div", "flash"))
    assert html.count("Marked as done") == 1
    # Only once: the next visit is quiet.
    assert "Marked as done" not in text_of(sam.get("/week"))


def test_a_check_in_saved_on_its_own_page_lands_on_the_check_in_card(sam, with_homework):
    week = with_homework["week"]
    response = sam.post(f"/week/{week}/check-in", data=answers())
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-checkin"
    html = sam.get("/week").get_data(as_text=True)
    assert SAVED in words(element(html, "section", "card-checkin"))
    assert SAVED not in words(element(html, "div", "flash"))


def test_a_card_message_on_a_page_without_that_card_still_shows_at_the_top(sam, with_homework):
    week = with_homework["week"]
    sam.post(f"/week/{week}/check-in", data=answers())
    # The person went elsewhere before the week page loaded: the message is not lost.
    html = sam.get("/account/").get_data(as_text=True)
    assert SAVED in words(element(html, "div", "flash"))


# --- Instructions ------------------------------------------------------------------------


def test_instructions_are_open_until_the_person_starts_the_card(sam, with_homework):
    week = with_homework["week"]
    wording = with_homework["checkin"].instructions
    card = element(sam.get("/week").get_data(as_text=True), "section", "card-checkin")
    assert '<details class="instructions" open>' in card and wording in words(card)
    sam.post(f"/week/{week}/check-in", data=answers())
    card = element(sam.get("/week").get_data(as_text=True), "section", "card-checkin")
    assert '<details class="instructions">' in card  # one line now, a tap away
    assert wording in words(card)


def test_the_other_partners_marks_do_not_fold_the_rhythm_instructions(
    sam, signed_in, couple, with_homework
):
    alex = signed_in(couple.partner_at(2).user)
    item = with_homework["rhythm"].rhythm_items[0]
    alex.post(f"/week/{with_homework['week']}/rhythm/{item.id}/done")
    card = element(sam.get("/week").get_data(as_text=True), "section", "card-rhythm")
    assert '<details class="instructions" open>' in card
    card = element(alex.get("/week").get_data(as_text=True), "section", "card-rhythm")
    assert '<details class="instructions">' in card


# --- The top bar and signing out ----------------------------------------------------------


@pytest.mark.parametrize("who", ["counselor", "partner"])
def test_sign_out_is_a_button_on_the_account_page(client, counselor, couple, who):
    user = counselor if who == "counselor" else couple.partner_at(1).user
    login(client, user.email)
    page = client.get("/account/").get_data(as_text=True)
    topbar = page.split("</header>")[0]
    assert "Sign out" not in topbar
    form = re.search(r'<form method="post" action="/logout"[^>]*>.*?</form>', page, re.S)
    assert form and '<button type="submit" class="button">Sign out</button>' in form.group(0)
    assert client.post("/logout").status_code == 302
    assert client.get("/account/").status_code == 302  # signed out: back to sign in


# --- Summaries as a page -----------------------------------------------------------------


def test_partners_read_the_couples_copy_as_a_page_without_anything_private(
    dana_client, couple, history, signed_in
):
    session = record(dana_client, couple, history)
    dana_client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    for place in (1, 2):
        partner = couple.partner_at(place)
        reader = signed_in(partner.user)
        response = reader.get(f"/summaries/{session.id}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        html = response.get_data(as_text=True)
        text = words(html)
        assert FOCUS in text and SHARED_NOTE in text and SHARED_ANSWER in text
        # Sam's private check-in answer and the counselor's clinical notes: never.
        assert PRIVATE_ANSWER not in html and PRIVATE_NOTE not in html
        assert "Private clinical notes" not in text and "counselor's copy" not in text
        save = re.search(r'<a class="button" hx-boost="false" href="([^"]+)">Save a PDF copy', html)
        assert save and save.group(1) == f"/summaries/{session.id}.pdf"
        # Read on the page: no longer "New", and the reading is in the audit trail.
        assert whats_new.unopened_summaries(partner.user) == []
        seen = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.kind == "viewed",
                AuditEvent.actor_id == partner.user.id,
                AuditEvent.subject == f"Session {session.number} summary (couple copy)",
            )
        ).all()
        assert len(seen) == 1


def test_the_summary_page_shows_what_the_pdf_shows(dana_client, couple, history, signed_in):
    from tests.test_counseling import pdf_text

    session = record(dana_client, couple, history)
    dana_client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    alex = signed_in(couple.partner_at(2).user)
    page = words(alex.get(f"/summaries/{session.id}").get_data(as_text=True))
    pdf = " ".join(pdf_text(alex.get(f"/summaries/{session.id}.pdf").data).split())
    for heading in ("Focus of the session", "Weekly rhythm", "Needs, week by week", "Check-ins"):
        assert heading in page and heading in pdf
    for line in ("Try the ten-minute pause once.", SHARED_ANSWER, SHARED_NOTE):
        assert line in page and line in pdf


def test_the_summaries_list_and_the_new_card_open_the_page_first(
    dana_client, couple, history, signed_in
):
    session = record(dana_client, couple, history)
    dana_client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    alex = signed_in(couple.partner_at(2).user)
    for path in ("/summaries", "/week"):
        html = alex.get(path).get_data(as_text=True)
        assert f'class="button primary" href="/summaries/{session.id}"' in html
        assert f'hx-boost="false" href="/summaries/{session.id}.pdf"' in html


def test_an_unreleased_or_another_couples_summary_is_not_there(
    dana_client, couple, counselor, history, signed_in
):
    session = record(dana_client, couple, history)
    sam = signed_in(couple.partner_at(1).user)
    assert sam.get(f"/summaries/{session.id}").status_code == 404
    dana_client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    other = factories.couple(counselor, "Jo & Max", ("Jo", "Max"))
    db.session.commit()
    stranger = signed_in(other.partner_at(1).user)
    assert stranger.get(f"/summaries/{session.id}").status_code == 404
    assert dana_client.get(f"/summaries/{session.id}").status_code == 403


# --- Installable ---------------------------------------------------------------------------


def test_the_manifest_opens_on_this_week_with_icons(client):
    response = client.get("/manifest.webmanifest")  # not signed in: it names no one
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Hearth" and manifest["short_name"] == "Hearth"
    assert manifest["start_url"] == "/week" and manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {}
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
            width, height = Image.open(io.BytesIO(image.data)).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes[icon.get("purpose", "any")] = sizes.get(icon.get("purpose", "any"), []) + [width]
    assert sorted(sizes["any"]) == [192, 512] and sizes["maskable"] == [512]


def test_every_page_links_the_manifest_and_the_csp_allows_it(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#ffffff">' in html
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html)
    assert touch
    with client.get(touch.group(1)) as icon:
        assert icon.headers["Content-Type"] == "image/png"
    # No manifest-src of its own: default-src 'self' lets a page load our manifest.
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "manifest-src" not in policy


def test_nothing_is_kept_for_offline_use(app):
    """No service worker: no private page or answer can sit in a phone's offline cache."""
    from pathlib import Path

    static = Path(app.static_folder)
    scripts = [p for p in static.rglob("*.js") if "vendor" not in p.parts]
    assert scripts, "the check must look at our own scripts"
    for script in scripts:
        assert "serviceWorker" not in script.read_text(), script
    manifest = app.test_client().get("/manifest.webmanifest").get_data(as_text=True)
    assert "serviceworker" not in manifest.lower()


@pytest.fixture
def dana_client(client, counselor):
    login(client, counselor.email)
    return client
