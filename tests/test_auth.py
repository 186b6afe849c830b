"""Signing in and out."""

from __future__ import annotations

import pytest

from blueprints.auth import SIGN_IN_FAILED
from blueprints.rendering import safe_next
from extensions import db
from tests import factories
from tests.conftest import login, text_of


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
