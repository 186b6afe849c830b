"""Signing in and out."""

from __future__ import annotations

import pytest

from blueprints.auth import SIGN_IN_FAILED
from extensions import db
from tests import factories
from tests.conftest import login, text_of
from web.redirects import safe_next


def test_counselor_signs_in_and_lands_on_their_couples(client, counselor):
    response = login(client, counselor.email)
    assert response.request.path == "/counselor/"
    assert "Your couples" in text_of(response)
    db.session.refresh(counselor)
    assert counselor.last_login_at is not None


def test_partner_signs_in_and_lands_on_this_week(client, couple):
    sam = couple.partner_at(1).user
    response = login(client, sam.email)
    assert response.request.path == "/week"
    assert "Hi Sam" in text_of(response)


def test_email_is_matched_without_case_or_spaces(client, counselor):
    response = login(client, "  " + counselor.email.upper() + " ")
    assert response.request.path == "/counselor/"


@pytest.mark.parametrize("wrong", ["wrong email", "wrong password"])
def test_a_failed_sign_in_says_one_thing_and_keeps_the_email(client, counselor, wrong):
    email = "nobody@example.com" if wrong == "wrong email" else counselor.email
    password = factories.PASSWORD if wrong == "wrong email" else "not the password at all"
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert SIGN_IN_FAILED.replace("'", "&#39;") in page
    assert f'value="{email}"' in page
    assert password not in page


def test_unknown_email_and_wrong_password_look_the_same(client, counselor):
    def body(email, password):
        r = client.post("/login", data={"email": email, "password": password})
        return r.status_code, text_of(r).replace(email, "EMAIL")

    assert body("nobody@example.com", "some password 123") == body(
        counselor.email, "some password 123"
    )


def test_empty_fields_get_a_message_each(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Please enter your e-mail." in text_of(response)
    assert "Please enter your password." in text_of(response)


def test_an_inactive_account_cannot_sign_in(client, counselor):
    counselor.active = False
    db.session.commit()
    response = login(client, counselor.email)
    assert response.status_code == 422


def test_signing_in_starts_a_fresh_session(client, counselor):
    with client.session_transaction() as session:
        session["planted"] = "from before sign-in"
    login(client, counselor.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{counselor.id}:0"


def test_sign_in_returns_to_the_page_asked_for(client, counselor):
    response = client.get("/counselor/couples/new")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    response = client.post(
        "/login?next=/counselor/couples/new",
        data={"email": counselor.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/counselor/couples/new"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_sign_in_never_sends_people_to_another_site(target):
    assert safe_next(target) is None


def test_sign_out_ends_the_session(client, counselor):
    login(client, counselor.email)
    response = client.post("/logout", follow_redirects=True)
    assert "You're signed out" in text_of(response)
    assert client.get("/counselor/").status_code == 302


def test_sign_out_needs_the_csrf_token(client, counselor):
    login(client, counselor.email)
    response = client.post("/logout", csrf=False)
    assert response.status_code == 400
    assert client.get("/counselor/").status_code == 200


def test_passwords_are_stored_as_argon2id(app, counselor):
    assert counselor.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in counselor.password_hash


def test_production_hash_cost_is_rfc_9106(app):
    from domain import passwords

    app.config["PASSWORD_HASH_PROFILE"] = "standard"
    hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(hashed, "a long enough password")
    assert not passwords.verify_password(hashed, "another password entirely")


def test_signed_in_visitors_skip_the_sign_in_page(client, counselor):
    login(client, counselor.email)
    assert client.get("/login").headers["Location"] == "/"


# --- A stale token: what comes back, and to whom ----------------------------------------

SECRET_WORDS = "my secret sentence for a password"


def _stale_post(client, path, data, token):
    return client.post(path, data={**data, "csrf_token": token}, csrf=False)


def _secret_forms(couple, counselor):
    from domain import invitations

    link = invitations.issue(couple.partner_at(1), by=counselor)
    joining = factories.couple(counselor, names=("Robin", "Casey"), joined=(False, False))
    db.session.commit()
    join = invitations.token_of(invitations.current_for(joining.partner_at(1)))
    new_password = {"password": SECRET_WORDS, "confirm": SECRET_WORDS}
    return [
        ("/account/password", {"current_password": SECRET_WORDS, **new_password}),
        (
            "/account/email",
            {"mail-email": "new@example.com", "mail-current_password": SECRET_WORDS},
        ),
        (f"/join/{invitations.token_of(link)}", new_password),
        (
            f"/join/{join}",
            {"display_name": "Robin", "email": "r@example.com", "read_policy": "y", **new_password},
        ),
    ]


def test_a_stale_token_never_shows_a_password_back(app, couple, counselor):
    """The second password field is called ``confirm``: it is hidden by its type."""
    for path, data in _secret_forms(couple, counselor):
        client = app.test_client()
        login(client, couple.partner_at(2).user.email)
        tab = client.csrf_token()
        client.post("/logout")
        response = _stale_post(client, path, data, tab)
        assert response.status_code in (400, 422), path
        assert SECRET_WORDS not in response.get_data(as_text=True), path
    # What is not secret still comes back.
    client = app.test_client()
    login(client, couple.partner_at(2).user.email)
    tab = client.csrf_token()
    client.post("/logout")
    page = text_of(_stale_post(client, *_secret_forms(couple, counselor)[1], tab))
    assert "new@example.com" in page


def test_a_partner_joining_with_a_stale_token_gets_the_join_form_again(app, counselor):
    from domain import invitations

    joining = factories.couple(counselor, names=("Robin", "Casey"), joined=(False, False))
    db.session.commit()
    token = invitations.token_of(invitations.current_for(joining.partner_at(1)))
    client = app.test_client()
    client.get(f"/join/{token}")
    data = {
        "display_name": "Robin",
        "email": "robin@example.com",
        "password": SECRET_WORDS,
        "read_policy": "y",
    }
    response = _stale_post(client, f"/join/{token}", {**data, "confirm": SECRET_WORDS}, "old")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="robin@example.com"' in page and 'value="Robin"' in page
    assert "we haven't saved it yet" in page.replace("&#39;", "'")
    assert SECRET_WORDS not in page
    # Sent again with the fresh token of that page, it works.
    response = client.post(f"/join/{token}", data={**data, "confirm": SECRET_WORDS})
    assert response.headers["Location"] == "/week"


def test_kept_text_is_shown_only_to_the_session_that_typed_it(app, couple, with_homework):
    week = with_homework["week"].isoformat()
    path = f"/week/{week}/check-in"
    bait = {"checkin-went_well": "Your account is locked: call 555-0100 now"}
    # Another site makes a browser post to Hearth: no kept text, whatever the token.
    stranger, elsewhere = app.test_client(), app.test_client()
    for token in ("forged", elsewhere.csrf_token()):
        response = _stale_post(stranger, path, bait, token)
        assert response.status_code == 400
        assert "555-0100" not in text_of(response)
    # A browser that signed out shows its own text only for a token of its own session.
    sam = app.test_client()
    login(sam, couple.partner_at(1).user.email)
    tab = sam.csrf_token()
    sam.post("/logout")
    someone_elses = app.test_client()
    login(someone_elses, couple.partner_at(2).user.email)
    assert "555-0100" not in text_of(_stale_post(sam, path, bait, someone_elses.csrf_token()))
    assert "555-0100" in text_of(_stale_post(sam, path, bait, tab))
