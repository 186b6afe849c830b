"""What "for my counselor only" means: the counselor's policy, where partners choose."""

from __future__ import annotations

import re

from sqlalchemy import select

from domain import confidentiality, invitations
from domain.confidentiality import Approach
from domain.summary import build
from extensions import db
from kinds.checkin.models import CheckIn
from kinds.needs.models import Need
from models import (
    ConfidentialityPolicy,
    CounselingSession,
    Partner,
    PolicyConfirmation,
    utcnow,
)
from tests import factories
from tests.conftest import login, text_of

NO_SECRETS_LINE = "Dana may bring this into a joint session, or ask you to."
LIMITED_LINE = "Dana keeps this between you two, except if someone may be hurt"
OWN_LINE = "I keep it unless we agree together to bring it in."
LOCAL_NUMBERS = "Not safe at home? Call 112, or the helpline on 0800 123 456, day or night."


def policy_form(**overrides) -> dict:
    data = {
        "approach": Approach.NO_SECRETS,
        "line": "",
        "wording": "",
        "exceptions": "",
        "safety": LOCAL_NUMBERS,
    }
    data.update(overrides)
    return data


def set_policy(dana, **overrides):
    response = dana.post("/counselor/settings/confidentiality", data=policy_form(**overrides))
    assert response.status_code == 302, text_of(response)


def confirm(client, next_path="/week"):
    response = client.post(f"/confidentiality/confirm?next={next_path}", data={"read": "y"})
    assert response.status_code == 302
    return response


def check_in(client, week, felt_off: str):
    response = client.post(
        f"/week/{week}/check-in",
        data={
            "connected": "6",
            "heard": "5",
            "stress": "4",
            "felt_off": felt_off,
            "felt_off_visibility": "counselor",
            "went_well_visibility": "counselor",
            "support_visibility": "counselor",
            "version": "0",
        },
    )
    assert response.status_code == 302, text_of(response)


# --- Hearth's default texts --------------------------------------------------------------


def test_hearths_defaults_speak_in_the_counselors_name_and_name_no_countrys_numbers(counselor):
    no_secrets = confidentiality.default_texts(counselor, Approach.NO_SECRETS)
    limited = confidentiality.default_texts(counselor, Approach.LIMITED_SECRETS)
    assert no_secrets["line"] == NO_SECRETS_LINE
    assert limited["line"].startswith(LIMITED_LINE)
    assert "Dana" in no_secrets["wording"] and "Dana" in limited["exceptions"]
    assert not re.search(r"\d", no_secrets["safety"])  # no phone number of any country
    # Until the counselor chooses, partners write under Hearth's "no secrets" text.
    policy = confidentiality.counselor_policy(counselor)
    assert policy.approach == Approach.NO_SECRETS and not policy.chosen


def test_the_settings_start_from_hearths_text_and_ask_for_local_numbers(dana):
    page = text_of(dana.get("/counselor/settings/confidentiality"))
    assert "Hearth's default (no secrets)" in page
    assert NO_SECRETS_LINE in dana.get("/counselor/settings/confidentiality").get_data(as_text=True)
    assert "Please add your local emergency and support numbers" in page
    set_policy(dana)
    assert "names no phone numbers yet" not in text_of(
        dana.get("/counselor/settings/confidentiality")
    )


def test_hearths_text_left_in_the_boxes_follows_the_approach_chosen(dana, counselor):
    no_secrets = confidentiality.default_texts(counselor, Approach.NO_SECRETS)
    # The form was filled with the "no secrets" texts; the counselor only changed the radio.
    set_policy(
        dana,
        approach=Approach.LIMITED_SECRETS,
        line=no_secrets["line"],
        wording=no_secrets["wording"],
    )
    policy = confidentiality.counselor_policy(counselor)
    assert policy.approach == Approach.LIMITED_SECRETS
    assert policy.line.startswith(LIMITED_LINE)
    assert "will not bring it into a joint session" in policy.wording
    assert policy.safety == LOCAL_NUMBERS


def test_own_wording_needs_a_paragraph_and_a_line(dana, counselor):
    response = dana.post(
        "/counselor/settings/confidentiality", data=policy_form(approach=Approach.OWN)
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Please write your policy in a few sentences." in page
    assert "Please sum it up in one line for partners." in page
    assert LOCAL_NUMBERS in page  # what was typed is kept
    assert confidentiality.versions(counselor) == []


def test_own_wording_with_hearths_line_left_in_is_sent_back(dana, counselor):
    response = dana.post(
        "/counselor/settings/confidentiality",
        data=policy_form(
            approach=Approach.OWN, line=NO_SECRETS_LINE, wording="We decide it together."
        ),
    )
    assert response.status_code == 422
    assert "This is Hearth's line for another choice; please write your own." in text_of(response)
    assert confidentiality.versions(counselor) == []


def test_each_change_is_a_new_version_and_saving_the_same_again_is_not(dana, counselor):
    set_policy(dana)
    set_policy(dana)
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    versions = confidentiality.versions(counselor)
    assert [(v.version, v.approach) for v in versions] == [
        (2, Approach.LIMITED_SECRETS),
        (1, Approach.NO_SECRETS),
    ]
    page = text_of(dana.get("/counselor/settings/confidentiality"))
    assert "Limited secrets, version 2" in page and "No secrets, version 1" in page


# --- The line beside every choice --------------------------------------------------------


def lines_beside_choices(html: str) -> list[str]:
    """The policy line inside each visibility fieldset of a page."""
    found = []
    for fieldset in re.findall(r'<fieldset class="choices visibility.*?</fieldset>', html, re.S):
        match = re.search(r'<p class="policy-line">(.*?)</p>', fieldset, re.S)
        found.append(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else "")
    return found


def partner_pages(with_homework, couple):
    week = with_homework["week"]
    return ["/week", f"/week/{week}/check-in", "/needs/new"]


def test_every_counselor_only_choice_carries_the_policys_line(dana, sam, couple, with_homework):
    pages = partner_pages(with_homework, couple)
    for path in pages:
        lines = lines_beside_choices(sam.get(path).get_data(as_text=True))
        assert lines, path
        assert all(NO_SECRETS_LINE in line for line in lines), (path, lines)
    set_policy(dana, approach=Approach.OWN, line=OWN_LINE, wording="We agree it together.")
    confirm(sam)
    for path in pages:
        html = sam.get(path).get_data(as_text=True)
        lines = lines_beside_choices(html)
        assert lines and all(OWN_LINE in line for line in lines), (path, lines)
        assert NO_SECRETS_LINE not in html
        assert LOCAL_NUMBERS in text_of(sam.get(path))  # what to do if not safe at home


def test_the_check_in_shows_the_safety_line_once_and_the_policy_line_thrice(
    dana, sam, with_homework
):
    set_policy(dana)
    confirm(sam)
    html = sam.get(f"/week/{with_homework['week']}/check-in").get_data(as_text=True)
    assert len(lines_beside_choices(html)) == 3
    assert html.count('class="safety-line"') == 1


def test_the_whole_policy_is_one_tap_away(dana, sam):
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    confirm(sam)
    page = text_of(sam.get("/confidentiality"))
    assert "will not bring it into a joint session" in page
    assert "if the law requires it" in page
    assert LOCAL_NUMBERS in page


# --- Reading a changed policy once -------------------------------------------------------


def test_both_partners_read_a_changed_policy_once_and_confirm(dana, sam, alex, couple):
    assert sam.get("/week").status_code == 200  # Hearth's default, read when joining
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    for client in (sam, alex):
        response = client.get("/week")
        assert response.status_code == 302
        assert response.headers["Location"] == "/confidentiality/confirm?next=/week"
    page = sam.get("/confidentiality/confirm?next=/week")
    assert "I've read how Dana keeps what I write for my counselor only" in text_of(page)
    assert "will not bring it into a joint session" in text_of(page)

    unticked = sam.post("/confidentiality/confirm?next=/week", data={})
    assert unticked.status_code == 422
    assert "Please tick the box once you've read it." in text_of(unticked)

    assert confirm(sam).headers["Location"] == "/week"
    assert sam.get("/week").status_code == 200
    assert alex.get("/week").status_code == 302  # Alex has not read it yet
    confirm(alex)
    assert alex.get("/week").status_code == 200

    # The next change is told as a change.
    set_policy(dana, approach=Approach.NO_SECRETS)
    assert "Something has changed" in text_of(sam.get("/confidentiality/confirm?next=/week"))
    assert (
        sam.post("/confidentiality/confirm?next=//elsewhere.example", data={"read": "y"}).headers[
            "Location"
        ]
        == "/week"
    )


def test_a_form_on_its_way_is_saved_before_the_policy_is_shown(dana, sam, couple, with_homework):
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    check_in(sam, with_homework["week"], "Words typed before the change was announced")
    saved = db.session.scalar(select(CheckIn).where(CheckIn.partner_id == couple.partner_at(1).id))
    assert saved.felt_off == "Words typed before the change was announced"


# --- A couple's own policy ---------------------------------------------------------------


def test_a_couple_can_have_its_own_policy_and_go_back_to_the_usual_one(
    dana, sam, counselor, couple
):
    set_policy(dana)
    confirm(sam)
    other = factories.couple(counselor, "Jo & Kim", names=("Jo", "Kim"))
    db.session.commit()

    url = f"/counselor/couples/{couple.id}/confidentiality"
    response = dana.post(url, data=policy_form(approach=Approach.LIMITED_SECRETS))
    assert response.status_code == 302
    assert confidentiality.current_for(couple).approach == Approach.LIMITED_SECRETS
    assert confidentiality.current_for(couple).couple_id == couple.id
    assert confidentiality.current_for(other).approach == Approach.NO_SECRETS
    assert "Limited secrets, agreed with this couple, version 1" in text_of(dana.get(url))

    confirm(sam)
    assert LIMITED_LINE in text_of(sam.get("/week"))

    assert dana.post(url, data={"use_mine": "1"}).status_code == 302
    assert confidentiality.current_for(couple).approach == Approach.NO_SECRETS
    # Going back is a change for the partners too.
    assert sam.get("/week").status_code == 302
    confirm(sam)
    assert NO_SECRETS_LINE in text_of(sam.get("/week"))


def test_the_check_before_every_partner_page_reads_the_policy_and_confirmation_at_once(
    dana, sam, couple, queries
):
    """``in_force_for`` (what every partner page asks first) finds, in one query, what
    ``current_for`` and ``last_confirmed_id`` find, whichever policy is in force."""
    url = f"/counselor/couples/{couple.id}/confidentiality"

    def agrees():
        db.session.expire_all()
        partner = db.session.get(Partner, couple.partner_at(1).id)
        assert partner.couple.counselor is not None  # loaded before counting
        with queries() as q:
            policy, last = confidentiality.in_force_for(partner)
        assert q.count == 1
        expected = confidentiality.current_for(partner.couple)
        assert (policy.id, policy.approach, policy.couple_id) == (
            expected.id,
            expected.approach,
            expected.couple_id,
        )
        assert last == confidentiality.last_confirmed_id(partner)
        return policy, last

    policy, last = agrees()  # Hearth's default, not saved yet; confirmed when joining
    assert policy.id is None and not policy.chosen
    set_policy(dana)
    policy, last = agrees()  # the counselor's usual policy, not read yet
    assert policy.id is not None and last != policy.id
    confirm(sam)
    assert agrees()[1] == policy.id
    assert dana.post(url, data=policy_form(approach=Approach.LIMITED_SECRETS)).status_code == 302
    own, last = agrees()  # the couple's own, agreed with them
    assert own.couple_id == couple.id and last == policy.id
    confirm(sam)
    assert agrees()[1] == own.id
    assert dana.post(url, data={"use_mine": "1"}).status_code == 302
    back, last = agrees()  # back to the usual one: a change to read again
    assert back.id == policy.id and last == own.id


def test_another_counselors_couple_policy_page_is_404(client, couple):
    stranger = factories.counselor("Lee Park")
    db.session.commit()
    login(client, stranger.email)
    assert client.get(f"/counselor/couples/{couple.id}/confidentiality").status_code == 404


# --- The record kept with each answer ----------------------------------------------------


def test_each_answer_keeps_the_policy_it_was_written_under(dana, sam, alex, couple, with_homework):
    week = with_homework["week"]
    set_policy(dana)
    confirm(sam)
    check_in(sam, week, "Written under no secrets")
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    confirm(alex)
    check_in(alex, week, "Written under limited secrets")

    rows = {
        c.felt_off: c.policy
        for c in db.session.scalars(select(CheckIn).where(CheckIn.week_start == week))
    }
    assert (
        rows["Written under no secrets"].approach,
        rows["Written under no secrets"].version,
    ) == (
        Approach.NO_SECRETS,
        1,
    )
    assert rows["Written under limited secrets"].version == 2

    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "written under No secrets, version 1 Written under no secrets" in page
    assert "written under Limited secrets, version 2 Written under limited secrets" in page

    # The version the counselor opens from the answer is the text as it was then.
    old = rows["Written under no secrets"]
    version_page = text_of(dana.get(f"/counselor/confidentiality/{old.id}"))
    assert NO_SECRETS_LINE in version_page and "No secrets, version 1" in version_page


def test_an_answer_under_hearths_default_saves_those_exact_words(sam, couple, with_homework):
    check_in(sam, with_homework["week"], "Before any policy was chosen")
    row = db.session.scalar(select(CheckIn).where(CheckIn.partner_id == couple.partner_at(1).id))
    assert row.policy is not None and not row.policy.chosen
    assert row.policy.line == NO_SECRETS_LINE


def test_a_need_and_its_rewording_record_the_policy(dana, sam, couple):
    set_policy(dana)
    confirm(sam)
    sam.post(
        "/needs/new",
        data={
            "wording": "Quiet evenings",
            "steps": "Phones away at nine",
            "visibility": "counselor",
        },
    )
    need = db.session.scalar(select(Need).where(Need.wording == "Quiet evenings"))
    assert need.policy.version == 1
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    confirm(sam)
    sam.post(
        f"/needs/{need.id}/edit",
        data={
            "wording": "Quiet, predictable evenings",
            "steps": "Phones away at nine",
            "visibility": "counselor",
            "version": str(need.version),
        },
    )
    db.session.refresh(need)
    assert need.wording == "Quiet, predictable evenings" and need.policy.version == 2


def test_a_policy_version_is_only_its_counselors(client, dana, counselor):
    set_policy(dana)
    policy = confidentiality.counselor_policy(counselor)
    stranger = factories.counselor("Lee Park")
    db.session.commit()
    other = client.application.test_client()
    login(other, stranger.email)
    assert other.get(f"/counselor/confidentiality/{policy.id}").status_code == 404


# --- Joining -----------------------------------------------------------------------------


JOIN_FIELDS = {
    "display_name": "Robin",
    "email": "robin.policy@example.com",
    "password": factories.PASSWORD,
    "confirm": factories.PASSWORD,
}


def _invited(counselor):
    invited = factories.couple(counselor, "Robin & Casey", ("Robin", "Casey"), (False, False))
    db.session.commit()
    token = invitations.token_of(invitations.current_for(invited.partner_at(1)))
    return invited.partner_at(1), token


def _confirmed(partner):
    return db.session.scalars(
        select(PolicyConfirmation.policy_id).where(PolicyConfirmation.partner_id == partner.id)
    ).all()


def test_a_partner_joining_confirms_the_chosen_policy_on_the_join_page(client, dana, counselor):
    set_policy(dana)
    partner, token = _invited(counselor)
    joiner = client.application.test_client()
    page = text_of(joiner.get(f"/join/{token}"))
    assert NO_SECRETS_LINE in page and LOCAL_NUMBERS in page
    assert "I've read how Dana keeps what I write for Dana alone" in page
    response = joiner.post(f"/join/{token}", data={**JOIN_FIELDS, "read_policy": "y"})
    assert response.headers["Location"] == "/week"
    assert joiner.get("/week").status_code == 200  # no second page to confirm it again
    assert _confirmed(partner) == [confidentiality.counselor_policy(counselor).id]


def test_a_partner_joining_under_hearths_default_confirms_its_exact_words(client, counselor):
    partner, token = _invited(counselor)
    joiner = client.application.test_client()
    assert NO_SECRETS_LINE in text_of(joiner.get(f"/join/{token}"))
    response = joiner.post(f"/join/{token}", data={**JOIN_FIELDS, "read_policy": "y"})
    assert response.headers["Location"] == "/week"
    [policy_id] = _confirmed(partner)
    saved = db.session.get(ConfidentialityPolicy, policy_id)
    assert not saved.chosen and saved.line == NO_SECRETS_LINE  # Hearth's words, kept
    assert joiner.get("/week").status_code == 200


def test_joining_without_ticking_the_policy_box_is_refused_beside_it(client, counselor):
    partner, token = _invited(counselor)
    joiner = client.application.test_client()
    joiner.get(f"/join/{token}")
    response = joiner.post(f"/join/{token}", data=JOIN_FIELDS)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'id="read_policy-error">([^<]*)<', html)
    assert error and error.group(1) == "Please read how Dana keeps it, then tick the box."
    assert 'aria-describedby="read_policy-error"' in html
    assert 'value="Robin"' in html and 'value="robin.policy@example.com"' in html
    assert factories.PASSWORD not in html  # passwords are typed again
    assert "<details open>" in html  # the whole policy is open beside the box
    assert partner.user_id is None and _confirmed(partner) == []


def test_a_policy_changed_while_the_join_page_was_open_is_read_again(client, dana, counselor):
    partner, token = _invited(counselor)
    joiner = client.application.test_client()
    html = joiner.get(f"/join/{token}").get_data(as_text=True)
    seen = re.search(r'name="policy_seen"[^>]*value="([^"]+)"', html)
    set_policy(dana, approach=Approach.LIMITED_SECRETS)  # Dana changes it meanwhile
    data = {**JOIN_FIELDS, "read_policy": "y", "policy_seen": seen.group(1)}
    response = joiner.post(f"/join/{token}", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Dana has just updated this. Please read it again, then tick the box." in page
    assert LIMITED_LINE in page
    assert db.session.get(type(partner), partner.id).user_id is None
    fresh = re.search(r'name="policy_seen"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    response = joiner.post(f"/join/{token}", data={**data, "policy_seen": fresh.group(1)})
    assert response.headers["Location"] == "/week"
    assert _confirmed(partner) == [confidentiality.counselor_policy(counselor).id]


# --- Summaries ---------------------------------------------------------------------------


def test_the_counselors_summary_states_the_policy_and_the_couples_says_it_in_a_line(
    dana, couple, with_homework
):
    set_policy(dana, approach=Approach.LIMITED_SECRETS)
    session = CounselingSession(
        couple=couple,
        number=1,
        held_at=utcnow(),
        attended="both",
        focus="Repair",
    )
    db.session.add(session)
    db.session.commit()
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    counselor_copy = text_of(dana.get(url + "?copy=counselor"))
    assert "In force: Limited secrets, version 1" in counselor_copy
    assert "will not bring it into a joint session" in counselor_copy
    couple_copy = text_of(dana.get(url))
    assert "What you write for Dana Rivera only: Dana keeps this between you two" in couple_copy
    assert "will not bring it into a joint session" not in couple_copy
    assert build(session, "couple").policy.version == 1


def test_no_policy_table_row_is_left_when_a_couple_is_deleted(dana, couple):
    dana.post(
        f"/counselor/couples/{couple.id}/confidentiality",
        data=policy_form(approach=Approach.LIMITED_SECRETS),
    )
    from domain.erasure import delete_couple

    couple_id = couple.id
    delete_couple(couple)
    db.session.commit()
    left = db.session.scalars(
        select(ConfidentialityPolicy).where(ConfidentialityPolicy.couple_id == couple_id)
    ).all()
    assert left == []
