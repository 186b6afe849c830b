"""Invitation links: partners join on their phone; counselors re-issue links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain import invitations
from extensions import db
from models import InvitationPurpose, Role, User, utcnow
from tests import factories
from tests.conftest import login, text_of

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"}
NEW_PASSWORD = "our evenings are calmer now"


@pytest.fixture
def invited(app, counselor):
    """A couple whose two partners have not joined yet: (couple, token 1, token 2)."""
    couple = factories.couple(counselor, names=("Robin", "Casey"), joined=(False, False))
    db.session.commit()
    tokens = [invitations.token_of(invitations.current_for(p)) for p in couple.partners]
    return couple, *tokens


def join(client, token, **fields):
    data = {
        "display_name": "Robin",
        "email": "robin@example.com",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "read_policy": "y",
    }
    data.update(fields)
    return client.post(f"/join/{token}", data=data, headers=PHONE)


def test_a_partner_joins_from_their_phone_and_lands_on_this_week(client, invited):
    couple, token, _ = invited
    page = client.get(f"/join/{token}", headers=PHONE)
    assert page.status_code == 200
    assert "Dana Rivera invited you" in text_of(page)

    response = join(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/week"
    home = client.get("/week")
    assert "Hi Robin" in text_of(home)
    assert "Dana Rivera" in text_of(home)

    robin = db.session.scalar(select(User).where(User.email == "robin@example.com"))
    assert robin.role == Role.PARTNER
    db.session.refresh(couple)
    assert couple.partner_at(1).user_id == robin.id
    assert couple.partner_at(1).joined_at is not None


def test_an_invitation_works_only_once(client, invited):
    _, token, _ = invited
    join(client, token)
    client.post("/logout")
    again = client.get(f"/join/{token}")
    assert again.status_code == 410
    assert "already been used" in text_of(again)
    second = join(client, token, email="someone.else@example.com")
    assert second.status_code == 410
    assert db.session.scalar(select(User).where(User.email == "someone.else@example.com")) is None


def test_two_simultaneous_taps_claim_the_link_once(app, invited):
    couple, _, _ = invited
    invitation = invitations.current_for(couple.partner_at(1))
    assert invitations.claim(invitation) is True
    assert invitations.claim(invitation) is False


def test_an_expired_link_gets_a_kind_page(client, invited):
    couple, token, _ = invited
    invitations.current_for(couple.partner_at(1)).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/join/{token}")
    assert response.status_code == 410
    assert "This link has expired" in text_of(response)
    assert "ask your counselor for a new one" in text_of(response)
    assert "Links work for 7 days" in text_of(response)
    assert join(client, token).status_code == 410


def test_the_expired_page_states_the_lifetime_the_practice_configured(app, client, invited):
    """A practice that gives links three days says three days, not the default seven."""
    couple, token, _ = invited
    app.config["INVITATION_DAYS"] = 3
    invitations.current_for(couple.partner_at(1)).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = text_of(client.get(f"/join/{token}"))
    assert "Links work for 3 days" in page
    assert "7 days" not in page


def test_links_last_seven_days(app, invited):
    couple, _, _ = invited
    invitation = invitations.current_for(couple.partner_at(1))
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_an_unknown_link_gets_a_kind_page(client, invited):
    response = client.get("/join/not-a-real-token")
    assert response.status_code == 404
    assert "We don't recognise this link" in text_of(response)
    assert "ask your counselor" in text_of(response)


def test_reissuing_voids_the_old_link(client, invited, counselor):
    couple, old_token, _ = invited
    login(client, counselor.email)
    response = client.post(f"/counselor/couples/{couple.id}/partners/1/link")
    assert response.status_code == 302
    client.post("/logout")

    assert client.get(f"/join/{old_token}").status_code == 410
    assert "newer link" in text_of(client.get(f"/join/{old_token}"))
    new_token = invitations.token_of(invitations.current_for(couple.partner_at(1)))
    assert new_token != old_token
    assert join(client, new_token).status_code == 302


def test_tokens_are_stored_only_as_hashes(app, invited):
    couple, token, _ = invited
    row = invitations.current_for(couple.partner_at(1))
    assert token not in (row.token_hash, row.nonce)
    assert invitations.look_up(token).invitation.id == row.id


def test_a_new_secret_key_means_links_must_be_reissued(app, invited):
    couple, token, _ = invited
    app.config["SECRET_KEY"] = "a different secret key for the whole app"
    assert invitations.look_up(token).invitation is not None  # hash lookup still works
    assert invitations.token_of(invitations.current_for(couple.partner_at(1))) is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "Please tell us what to call you."),
        ({"display_name": "x" * 81}, "display_name", "Please keep it to 80 characters."),
        ({"email": "robin-at-example"}, "email", "doesn't look like an e-mail address"),
        ({"password": "short", "confirm": "short"}, "password", "at least 12 characters"),
        ({"confirm": "something else entirely"}, "confirm", "not the same yet"),
    ],
)
def test_bad_join_input_is_explained_next_to_the_field(client, invited, fields, field, message):
    _, token, _ = invited
    response = join(client, token, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error_at = html.index(f'id="{field}-error"')
    assert message.replace("'", "&#39;") in html[error_at : error_at + 300]
    if field != "email":
        assert 'value="robin@example.com"' in html  # what they typed is still there
    assert NEW_PASSWORD not in html  # passwords are never echoed back


def test_an_email_already_in_use_is_refused_kindly(client, invited, counselor):
    _, token, _ = invited
    response = join(client, token, email=counselor.email.upper())
    assert response.status_code == 422
    assert "already has a Hearth account" in text_of(response)


def test_a_counselor_opening_a_link_is_asked_to_sign_out_first(client, invited, counselor):
    _, token, _ = invited
    login(client, counselor.email)
    response = client.get(f"/join/{token}")
    assert response.status_code == 409
    assert "This link is for someone else" in text_of(response)
    response = client.post("/logout", data={"next": f"/join/{token}"})
    assert response.headers["Location"] == f"/join/{token}"


def test_an_archived_couple_cannot_be_joined(client, invited):
    couple, token, _ = invited
    couple.status = "archived"
    db.session.commit()
    response = client.get(f"/join/{token}")
    assert response.status_code == 410
    assert "no longer active" in text_of(response)


def test_a_forgotten_password_is_replaced_through_a_sign_in_link(client, couple, counselor):
    sam = couple.partner_at(1).user
    login(client, counselor.email)
    client.post(f"/counselor/couples/{couple.id}/partners/1/link")
    client.post("/logout")
    invitation = invitations.current_for(couple.partner_at(1))
    assert invitation.purpose == InvitationPurpose.SIGN_IN
    token = invitations.token_of(invitation)

    page = client.get(f"/join/{token}", headers=PHONE)
    assert "Choose a password" in text_of(page)
    assert sam.email in text_of(page)
    response = client.post(
        f"/join/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.headers["Location"] == "/week"
    client.post("/logout")

    assert login(client, sam.email, factories.PASSWORD).status_code == 422
    assert login(client, sam.email, NEW_PASSWORD).request.path == "/week"
    assert client.get(f"/join/{token}").status_code == 410


def test_a_sign_in_link_still_asks_for_the_two_step_code(client, couple, counselor):
    import pyotp

    from domain import two_step

    sam = couple.partner_at(1).user
    secret = two_step.new_secret()
    recovery = two_step.turn_on(sam, secret)
    db.session.commit()
    token = invitations.token_of(invitations.issue(couple.partner_at(1), by=counselor))
    db.session.commit()

    response = client.post(
        f"/join/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    # The new password is saved, but the link alone opens nothing.
    assert response.headers["Location"] == "/login/code"
    assert client.get("/week").status_code == 302
    assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    assert client.get("/week").status_code == 302
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"] == "/week"
    assert client.get("/week").status_code == 200
    client.post("/logout")

    # A recovery code works there too, after the next link.
    token = invitations.token_of(invitations.issue(couple.partner_at(1), by=counselor))
    db.session.commit()
    client.post(f"/join/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.post("/login/code", data={"code": recovery[0]}).headers["Location"] == "/week"
