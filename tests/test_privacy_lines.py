"""Privacy choices people can see after making them, the second partner's first visit, and
gentler needs (issue 15, sections 2, 3 and 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain import invitations
from domain.visibility import who_can_read
from extensions import db
from kinds.checkin.models import CheckIn
from kinds.needs.models import Need, NeedRating, NeedStatus, NeedWording, add_steps
from kinds.rhythm.models import RhythmMark
from models import InvitationPurpose, Visibility
from tests import factories
from tests.conftest import text_of

PASSWORD = "our evenings are calmer now"


def card(response, kind: str) -> str:
    """The visible text of one card of the week page."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="card-{kind}"')
    end = html.find('<section class="card', start + 1)
    fake = type("R", (), {"get_data": lambda self, as_text: html[start : end if end > 0 else None]})
    return text_of(fake())


def rate(client, week, need, rating="partly", comment="", visibility="shared"):
    prefix = f"rating-{need.id}"
    return client.post(
        f"/week/{week}/needs/{need.id}/rating",
        data={
            f"{prefix}-rating": rating,
            f"{prefix}-comment": comment,
            f"{prefix}-comment_visibility": visibility,
        },
    )


# --- Who can read this: the words ------------------------------------------------------


def test_who_can_read_names_the_people_never_the_answers(app, counselor):
    couple = factories.couple(counselor, joined=(True, False))
    db.session.commit()
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    assert who_can_read(Visibility.COUNSELOR, sam) == "Only Dana can read this"
    # Before the partner joins: said as it will be, not as if they could read it now.
    assert (
        who_can_read(Visibility.SHARED, sam) == "Dana can read this, and Alex once they join Hearth"
    )
    alex.user = factories.partner_user("Alex")
    alex.joined_at = factories.utcnow()
    db.session.commit()
    assert who_can_read(Visibility.SHARED, sam) == "Alex (partner) and Dana can read this"
    assert who_can_read(Visibility.SHARED, sam, waits=True) == (
        "Dana can read this; Alex (partner) can once you've both checked in"
    )


# --- §2: saved answers show who can read them ---------------------------------------------


def test_a_saved_rating_reads_as_saved_with_who_can_read_it_and_change(sam, alex, with_homework):
    week, need = with_homework["week"], with_homework["need_1"]
    before = card(sam.get("/week"), "needs")
    assert "Change my rating" not in before  # nothing saved yet: just the form
    assert rate(sam, week, need, "partly", "Lunch messages helped", "counselor").status_code == 302
    page = sam.get("/week")
    html = page.get_data(as_text=True)
    text = card(page, "needs")
    assert "Your word this week: Partly" in text
    # The rating goes with the shared need; the comment Sam kept stays with Dana.
    assert "Alex (partner) and Dana can read this" in text
    assert "Lunch messages helped Only Dana can read this Change my rating" in text
    # The form is behind "Change", in a <details> (no script needed), closed after saving.
    assert f'<details class="change-answer" id="change-rating-{need.id}"' in html
    assert f'id="change-rating-{need.id}" open' not in html
    # Alex sees the rating, never the comment, and no line about Sam's private words.
    theirs = card(alex.get("/week"), "needs")
    assert "How this felt for Sam (partner) this week: Partly" in theirs
    assert "Lunch messages" not in theirs and "Only Dana" not in theirs


def test_a_rating_change_with_a_mistake_comes_back_open(sam, with_homework):
    week, need = with_homework["week"], with_homework["need_1"]
    rate(sam, week, need, "partly")
    bad = rate(sam, week, need, "partly", "x" * 5000)
    assert bad.status_code == 422
    assert f'id="change-rating-{need.id}" open' in bad.get_data(as_text=True)
    assert "Please keep it to" in text_of(bad)


def test_the_other_partners_private_answers_leave_no_trace_on_their_page(sam, alex, with_homework):
    """Alex's week reads the same whether Sam kept words for Dana or wrote none."""
    week, need = with_homework["week"], with_homework["need_1"]
    rate(sam, week, need, "met")
    plain = card(alex.get("/week"), "needs")
    rate(sam, week, need, "met", "Something only for Dana", "counselor")
    assert card(alex.get("/week"), "needs") == plain


def test_check_in_numbers_are_for_the_counselor_unless_shared(sam, alex, with_homework):
    week = with_homework["week"]
    form = sam.get(f"/week/{week}/check-in").get_data(as_text=True)
    assert 'checked id="scales_shared"' not in form
    assert "Your numbers, like your answers below, are for Dana only" in text_of(
        sam.get(f"/week/{week}/check-in")
    )
    sam.post(
        f"/week/{week}/check-in",
        data={
            "connected": "3",
            "heard": "4",
            "stress": "8",
            "went_well": "The walk on Sunday",
            "went_well_visibility": "shared",
            "felt_off": "",
            "felt_off_visibility": "counselor",
            "support": "",
            "support_visibility": "counselor",
            "version": "0",
        },
    )
    row = db.session.scalar(select(CheckIn))
    assert row.scales_shared is False
    mine = card(sam.get("/week"), "checkin")
    assert "Your numbers: connected 3, heard 4, outside stress 8. Only Dana can read this" in mine
    assert "What went well: The walk on Sunday Alex (partner) and Dana can read this" in mine
    assert "Change my check-in" in mine
    theirs = card(alex.get("/week"), "checkin")
    assert "The walk on Sunday" in theirs
    assert "Connected 3" not in theirs and "not a verdict" not in theirs


def test_shared_numbers_come_with_a_kind_line(sam, alex, with_homework):
    week = with_homework["week"]
    db.session.add(
        CheckIn(
            assignment_id=with_homework["checkin"].id,
            partner_id=with_homework["need_1"].owner_id,
            week_start=week,
            connected=2,
            heard=3,
            stress=9,
            scales_shared=True,
        )
    )
    db.session.commit()
    theirs = card(alex.get("/week"), "checkin")
    assert "Connected 2, heard 3, outside stress 9." in theirs
    assert (
        "These numbers are a way into a conversation, not a verdict. A low one is something "
        "to bring to your next session with Dana." in theirs
    )
    assert "Alex (partner) and Dana can read this" in card(sam.get("/week"), "checkin")


def test_a_new_check_in_waits_for_both_by_default_an_existing_one_keeps_its_choice(
    signed_in, counselor, couple, with_homework
):
    client = signed_in(counselor)
    new = client.get(f"/counselor/couples/{couple.id}/homework/new/checkin").get_data(as_text=True)
    assert 'checked id="reveal_after_both"' in new
    assignment = with_homework["checkin"]
    assert assignment.reveal_after_both is False
    edit = client.get(f"/counselor/couples/{couple.id}/homework/{assignment.id}/edit")
    assert 'checked id="reveal_after_both"' not in edit.get_data(as_text=True)


def test_reflection_and_rhythm_note_saved_read_only_with_change(sam, alex, with_homework):
    week, rhythm = with_homework["week"], with_homework["rhythm"]
    key = f"reflection-{rhythm.id}"
    sam.post(
        f"/week/{week}/rhythm/{rhythm.id}/reflection",
        data={
            f"{key}-helped": "Cooking together",
            f"{key}-didnt_help": "",
            f"{key}-visibility": "counselor",
            f"{key}-version": "0",
        },
    )
    item = rhythm.rhythm_items[0]
    mark = f"mark-{item.id}"
    sam.post(
        f"/week/{week}/rhythm/{item.id}/done",
        data={f"{mark}-note": "We walked by the river", f"{mark}-note_visibility": "shared"},
    )
    text = card(sam.get("/week"), "rhythm")
    assert "We walked by the river Alex (partner) and Dana can read this Change my note" in text
    assert (
        "You wrote: Helped: Cooking together Only Dana can read this Change my reflection" in text
    )
    # Change who can read the note: the tick stays, the line follows.
    note = f"note-{item.id}"
    changed = sam.post(
        f"/week/{week}/rhythm/{item.id}/note",
        data={f"{note}-note": "We walked by the river", f"{note}-note_visibility": "counselor"},
    )
    assert changed.status_code == 302
    assert db.session.scalar(select(RhythmMark)).note_visibility == "counselor"
    assert "We walked by the river Only Dana can read this" in card(sam.get("/week"), "rhythm")
    assert "We walked by the river" not in text_of(alex.get("/week"))
    # Alex may not change Sam's note.
    refused = alex.post(
        f"/week/{week}/rhythm/{item.id}/note",
        data={f"{note}-note": "Rewritten", f"{note}-note_visibility": "shared"},
    )
    assert refused.status_code == 409
    assert db.session.scalar(select(RhythmMark)).note == "We walked by the river"


def test_a_private_need_asks_for_steps_to_work_on_with_the_counselor(sam, alex, with_homework):
    form = text_of(sam.get("/needs/new"))
    assert "Steps my partner can take" in form
    assert "If you keep this need for Dana only, Alex (partner) won't see it or its steps" in form
    sam.post(
        "/needs/new",
        data={
            "wording": "Quiet time to grieve",
            "steps": "Talk about Dad",
            "visibility": "counselor",
        },
    )
    need = db.session.scalar(select(Need).where(Need.wording == "Quiet time to grieve"))
    edit = text_of(sam.get(f"/needs/{need.id}/edit"))
    assert "Steps to work on with Dana" in edit and "Steps my partner can take" not in edit
    listing = text_of(sam.get("/needs/"))
    assert "Steps to work on with Dana: Talk about Dad Only Dana can read this" in listing
    assert "Quiet time" not in text_of(alex.get("/needs/"))


# --- §6: gentler needs ------------------------------------------------------------------


def test_retiring_is_asked_once_and_said_as_what_happened(sam, alex, with_homework):
    need = with_homework["need_1"]
    html = sam.get("/needs/").get_data(as_text=True)
    # The real button sits inside the question, so one tap never retires a need.
    confirm = html[html.index(f'id="retire-{need.id}"') :]
    assert confirm.index("good on this now") < confirm.index("Yes, retire it")
    done = sam.post(f"/needs/{need.id}/retire", follow_redirects=True)
    page = text_of(done)
    assert "“A need of partner 1” is retired. It stays in your history." in page
    assert "Well done" not in page
    assert db.session.get(Need, need.id).status == NeedStatus.RETIRED
    assert "Bring it back" in page
    # Only its owner brings it back.
    assert alex.post(f"/needs/{need.id}/bring-back").status_code == 404
    back = text_of(sam.post(f"/needs/{need.id}/bring-back", follow_redirects=True))
    assert "“A need of partner 1” is back on your list." in back
    assert db.session.get(Need, need.id).status == NeedStatus.ACTIVE
    assert "A need of partner 1" in card(sam.get("/week"), "needs")


def test_bringing_back_keeps_to_five_needs(sam, couple, with_homework):
    me = couple.partner_at(1)
    retired = with_homework["need_1"]
    sam.post(f"/needs/{retired.id}/retire")
    for i in range(5):
        need = Need(owner_id=me.id, wording=f"Need {i}")
        need.wordings.append(NeedWording(wording=need.wording))
        add_steps(need, ["A step"])
        db.session.add(need)
    db.session.commit()
    page = text_of(sam.post(f"/needs/{retired.id}/bring-back", follow_redirects=True))
    assert "5 needs at once is the most" in page
    assert db.session.get(Need, retired.id).status == NeedStatus.RETIRED


def test_nice_work_you_two_waits_for_two(app, counselor, signed_in):
    couple = factories.couple(counselor, joined=(True, False))
    made = factories.homework(couple)
    db.session.commit()
    sam = signed_in(couple.partner_at(1).user)
    item = made["rhythm"].rhythm_items[0]
    page = text_of(sam.post(f"/week/{made['week']}/rhythm/{item.id}/done", follow_redirects=True))
    assert "Marked as done." in page
    # (Other cards' instructions may say "you two"; the praise for a joint task may not.)
    assert "Nice work, you two" not in page


# --- §3: the second partner's first visit -------------------------------------------------


@pytest.fixture
def second_arrives(app, counselor, signed_in):
    """Sam joined a week ago and named needs; Alex has just joined."""
    couple = factories.couple(counselor, joined=(True, True))
    made = factories.homework(couple)
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    sam.joined_at = sam.joined_at - timedelta(days=7)
    alex.welcomed_at = None
    private = Need(owner_id=sam.id, wording="Room to grieve my dad", visibility="counselor")
    private.wordings.append(NeedWording(wording=private.wording))
    add_steps(private, ["Talk about him with Dana"])
    db.session.add(private)
    db.session.flush()
    db.session.add(
        NeedRating(
            need_id=made["need_1"].id,
            week_start=made["week"],
            rating="partly",
            updated_at=alex.joined_at - timedelta(hours=1),
        )
    )
    db.session.commit()
    return couple, made, signed_in(sam.user), signed_in(alex.user)


def test_the_second_partner_is_welcomed_with_what_the_first_shared(second_arrives):
    couple, made, sam, alex = second_arrives
    page = text_of(alex.get("/week"))
    assert "Welcome, Alex. We're glad you're here." in page
    assert "Sam (partner) got here a little earlier" in page
    assert "A need of partner 1 They'd love to try: A step for partner 2; Another small step" in (
        page
    )
    # A need Sam kept for Dana is not introduced.
    assert "grieve" not in page and "Talk about him" not in page
    # Sam's rating from before Alex joined is marked so, in kind words.
    needs = card(alex.get("/week"), "needs")
    assert "How this felt for Sam (partner) this week: Partly before you joined" in needs
    assert "word this week" not in needs
    assert "before you joined" in text_of(alex.get("/needs/"))
    # Sam, who was first, gets no introduction.
    assert "glad you're here" not in text_of(sam.get("/week"))
    # Put away once, for good.
    assert alex.post("/week/welcome").status_code == 302
    assert "glad you're here" not in text_of(alex.get("/week"))
    db.session.refresh(couple.partner_at(2))
    assert couple.partner_at(2).welcomed_at is not None


# --- §3: keep me signed in at the end of joining -------------------------------------------


def remember_cookie(response) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if "hearth-remember=" in h]


@pytest.mark.parametrize("ticked", [True, False])
def test_keep_me_signed_in_at_the_end_of_joining(client, app, counselor, ticked):
    couple = factories.couple(counselor, joined=(False, False))
    db.session.commit()
    token = invitations.token_of(invitations.current_for(couple.partner_at(1)))
    page = text_of(client.get(f"/join/{token}"))
    assert "Keep me signed in on this phone" in page
    data = {
        "display_name": "Robin",
        "email": "robin@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "read_policy": "y",
    }
    if ticked:
        data["remember"] = "y"
    response = client.post(f"/join/{token}", data=data)
    assert response.status_code == 302
    cookies = remember_cookie(response)
    if ticked:
        assert cookies and "Expires=" in cookies[0]
    else:
        assert not cookies
        # Unticked, the session ends with the browser: no lasting cookie at all.
        session = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("hearth=")]
        assert session and "Expires=" not in session[0]


def test_keep_me_signed_in_after_choosing_a_new_password(client, app, counselor, couple):
    partner = couple.partner_at(1)
    invitation = invitations.issue(partner, by=counselor, purpose=InvitationPurpose.SIGN_IN)
    db.session.commit()
    token = invitations.token_of(invitation)
    assert "Keep me signed in on this phone" in text_of(client.get(f"/join/{token}"))
    response = client.post(
        f"/join/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    assert remember_cookie(response)


def test_a_check_in_that_waits_for_both_says_so_until_both_have(sam, alex, with_homework):
    week = with_homework["week"]
    with_homework["checkin"].reveal_after_both = True
    db.session.commit()
    answers = {
        "connected": "6",
        "heard": "6",
        "stress": "4",
        "went_well": "Breakfast together",
        "went_well_visibility": "shared",
        "felt_off": "",
        "felt_off_visibility": "counselor",
        "support": "",
        "support_visibility": "counselor",
        "version": "0",
    }
    sam.post(f"/week/{week}/check-in", data=answers)
    waiting = card(sam.get("/week"), "checkin")
    assert (
        "Breakfast together Dana can read this; Alex (partner) can once you've both checked in"
        in waiting
    )
    alex.post(f"/week/{week}/check-in", data={**answers, "went_well": "A quiet evening"})
    assert "Breakfast together Alex (partner) and Dana can read this" in card(
        sam.get("/week"), "checkin"
    )
    assert "Breakfast together" in card(alex.get("/week"), "checkin")
