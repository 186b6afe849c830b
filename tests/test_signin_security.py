"""Signing in and staying signed in: throttling, revocation, idle logoff, cookies, two-step."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from sqlalchemy import select

from app import create_app
from domain import two_step
from extensions import db
from models import AuditEvent, EmailChange, RecoveryCode, User
from tests import factories
from tests.conftest import TEST_SECRET, CsrfClient, login, text_of


def _post_login(client, email, password="wrong password, sorry"):  # noqa: S107
    return client.post("/login", data={"email": email, "password": password})


def _kinds(couple_id=None):
    query = select(AuditEvent.kind).order_by(AuditEvent.id)
    if couple_id is not None:
        query = query.where(AuditEvent.couple_id == couple_id)
    return list(db.session.scalars(query))


# --- Throttling --------------------------------------------------------------------------


def test_five_wrong_passwords_pause_that_account_with_a_clear_wait(client, counselor):
    for _ in range(5):
        assert _post_login(client, counselor.email).status_code == 422
    response = _post_login(client, counselor.email, factories.PASSWORD)
    assert response.status_code == 429
    page = text_of(response)
    assert "Too many attempts" in page
    assert "try again in 15 minutes" in page
    # The right password is refused while paused: nothing is signed in.
    assert client.get("/counselor/").status_code == 302


def test_unknown_emails_are_paused_exactly_like_real_ones(client, counselor):
    for email in (counselor.email, "nobody@example.com"):
        responses = [_post_login(client, email) for _ in range(6)]
        assert [r.status_code for r in responses] == [422] * 5 + [429]
    wrong = text_of(_post_login(CsrfClient(client.application), "nobody2@example.com"))
    assert "don't match an account we know" in wrong


def test_a_right_password_clears_the_accounts_count(client, counselor):
    for _ in range(4):
        _post_login(client, counselor.email)
    login(client, counselor.email)
    client.post("/logout")
    for _ in range(4):
        assert _post_login(client, counselor.email).status_code == 422


def test_one_address_is_paused_after_many_accounts(app, client, counselor):
    app.config["LOGIN_LIMIT_ADDRESS"] = "8 per 15 minutes"
    for n in range(8):
        assert _post_login(client, f"guess{n}@example.com").status_code == 422
    assert _post_login(client, counselor.email, factories.PASSWORD).status_code == 429
    # Another address is not affected.
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": counselor.email, "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302


def test_throttling_can_be_turned_off(app, client, counselor):
    app.config["RATELIMIT_ENABLED"] = False
    for _ in range(8):
        assert _post_login(client, counselor.email).status_code == 422


def _redis_or_skip(url):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis is not running at {url}")


def test_counts_are_shared_through_redis_by_every_worker(app, database_url, counselor):
    """Two app instances (as two gunicorn workers or hosts) see the same failures."""
    url = "redis://127.0.0.1:6379/15"
    _redis_or_skip(url)
    prefix = f"hearth-test-{uuid.uuid4().hex}"
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_PROFILE": "fast",
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    workers = [create_app(config), create_app(config)]
    for worker in workers:
        worker.test_client_class = CsrfClient
    try:
        for n in range(5):
            assert _post_login(workers[n % 2].test_client(), counselor.email).status_code == 422
        assert _post_login(workers[1].test_client(), counselor.email).status_code == 429
    finally:
        from extensions import limiter

        limiter.storage.reset()
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()


def test_sign_ins_and_failures_are_audited(client, couple):
    partner = couple.partner_at(1).user
    _post_login(client, partner.email)
    login(client, partner.email)
    assert [k for k in _kinds(couple.id) if k.startswith("sign")] == ["sign_in_failed", "sign_in"]
    _post_login(client.application.test_client(), "nobody@example.com")
    unknown = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert unknown.kind == "sign_in_failed"
    assert unknown.actor_id is None
    assert "nobody@example.com" not in unknown.subject + unknown.detail


# --- Revocation --------------------------------------------------------------------------


def _copy_cookies(source, target):
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def test_signing_out_kills_every_copy_of_the_session(app, couple):
    partner = couple.partner_at(1).user
    phone, laptop = app.test_client(), app.test_client()
    login(phone, partner.email)
    _copy_cookies(phone, laptop)  # a copied cookie works like the original...
    assert laptop.get("/week").status_code == 200
    phone.post("/logout")
    # ...until the user signs out: the server no longer accepts it.
    assert laptop.get("/week").status_code == 302
    assert _kinds(couple.id)[-1] == "sign_out"


def test_a_password_change_signs_out_other_devices_but_not_this_one(app, couple):
    partner = couple.partner_at(1).user
    phone, laptop = app.test_client(), app.test_client()
    login(phone, partner.email)
    login(laptop, partner.email)
    new = "a brand new sentence for a password"
    response = phone.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert phone.get("/week").status_code == 200
    assert laptop.get("/week").status_code == 302
    phone.post("/logout")
    assert login(phone, partner.email, new).request.path == "/week"


def test_changing_the_password_needs_the_current_one(client, couple):
    partner = couple.partner_at(1).user
    login(client, partner.email)
    new = "a brand new sentence for a password"
    response = client.post(
        "/account/password",
        data={"current_password": "not it at all", "password": new, "confirm": new},
    )
    assert response.status_code == 422
    assert "isn't your current password" in text_of(response)
    db.session.refresh(partner)
    assert partner.session_epoch == 0
    assert client.get("/week").status_code == 200


def test_changing_the_email_asks_for_the_password(client, couple):
    partner = couple.partner_at(1).user
    login(client, partner.email)
    response = client.post(
        "/account/email",
        data={"mail-email": "new@example.com", "mail-current_password": "nope nope"},
    )
    assert response.status_code == 422
    assert 'value="new@example.com"' in response.get_data(as_text=True)
    response = client.post(
        "/account/email",
        data={"mail-email": "new@example.com", "mail-current_password": factories.PASSWORD},
    )
    assert response.status_code == 302
    # The right password sends a link; the address changes when it is opened
    # (tests/test_mail_email_change.py).
    assert db.session.get(User, partner.id).email == partner.email
    assert db.session.scalars(select(EmailChange.new_email)).all() == ["new@example.com"]


def test_a_counselor_can_sign_a_partner_out_everywhere(app, counselor, couple):
    partner = couple.partner_at(1).user
    phone = app.test_client()
    login(phone, partner.email)
    office = app.test_client()
    login(office, counselor.email)
    response = office.post(f"/counselor/couples/{couple.id}/partners/1/sign-out")
    assert response.status_code == 302
    assert phone.get("/week").status_code == 302
    assert office.get(f"/counselor/couples/{couple.id}").status_code == 200


def test_sign_out_every_other_device_keeps_this_one(app, couple):
    partner = couple.partner_at(1).user
    phone, lost = app.test_client(), app.test_client()
    login(phone, partner.email)
    login(lost, partner.email)
    phone.post("/account/sign-out-everywhere")
    assert phone.get("/week").status_code == 200
    assert lost.get("/week").status_code == 302


# --- Remember me, idle logoff, cookies ---------------------------------------------------


def _remember(client, email):
    return client.post(
        "/login", data={"email": email, "password": factories.PASSWORD, "remember": "y"}
    )


def test_keep_me_signed_in_outlives_the_browser_session_for_partners(app, couple):
    partner = couple.partner_at(1).user
    phone = app.test_client()
    response = _remember(phone, partner.email)
    cookie = [h for h in response.headers.getlist("Set-Cookie") if "hearth-remember=" in h]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    phone.delete_cookie("hearth")  # the browser was closed: the session cookie is gone
    assert phone.get("/week").status_code == 200
    # ...and signing out everywhere ends it too.
    partner.session_epoch += 1
    db.session.commit()
    phone.delete_cookie("hearth")
    assert phone.get("/week").status_code == 302


def test_counselors_are_never_remembered(app, counselor):
    office = app.test_client()
    response = _remember(office, counselor.email)
    assert not [h for h in response.headers.getlist("Set-Cookie") if "remember" in h]


def _age_session(client, seconds):
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - seconds


def test_counselors_are_signed_out_after_thirty_idle_minutes(app, counselor):
    office = app.test_client()
    login(office, counselor.email)
    _age_session(office, 29 * 60)
    assert office.get("/counselor/").status_code == 200
    _age_session(office, 31 * 60)
    response = office.get("/counselor/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/counselor/")
    assert "signed you out after a while" in text_of(office.get("/login"))
    assert office.get("/counselor/").status_code == 302


def test_an_idle_htmx_request_is_sent_to_sign_in(app, counselor, couple):
    office = app.test_client()
    login(office, counselor.email)
    _age_session(office, 31 * 60)
    response = office.get(f"/counselor/couples/{couple.id}", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login")


def test_the_idle_limit_is_a_setting(app, counselor):
    app.config["COUNSELOR_IDLE_MINUTES"] = 5
    office = app.test_client()
    login(office, counselor.email)
    _age_session(office, 6 * 60)
    assert office.get("/counselor/").status_code == 302


def test_partners_are_not_signed_out_when_idle(app, couple):
    phone = app.test_client()
    login(phone, couple.partner_at(1).user.email)
    _age_session(phone, 24 * 60 * 60)
    assert phone.get("/week").status_code == 200


def test_production_cookies_are_host_only_and_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "p.db"))
    app = create_app()
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-hearth"
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-hearth-remember"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.test_request_context("/", base_url="https://hearth.example"):
        from flask import session

        session["x"] = 1
        response = app.make_response("ok")
        app.session_interface.save_session(app, session, response)
        header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-hearth=")
    assert "Secure" in header and "HttpOnly" in header and "Path=/" in header
    assert "Domain" not in header


# --- Two-step sign-in --------------------------------------------------------------------


def _turn_on(client, user) -> tuple[str, list[str]]:
    client.get("/account/two-step")
    with client.session_transaction() as session:
        secret = session["totp_setup"]
    wrong = client.post("/account/two-step", data={"code": "000000"})
    assert wrong.status_code == 422
    response = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", response.get_data(as_text=True))
    return secret, codes


def test_two_step_sign_in_with_an_app_and_a_recovery_code(app, counselor):
    office = app.test_client()
    login(office, counselor.email)
    page = office.get("/account/two-step").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, allowed by the CSP
    secret, codes = _turn_on(office, counselor)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not set(codes) & set(stored)  # only hashes are kept
    assert secret not in (db.session.get(User, counselor.id).totp_secret or "")
    office.post("/logout")

    # The password alone is not enough.
    response = login(office, counselor.email)
    assert response.request.path == "/login/code"
    assert office.get("/counselor/").status_code == 302
    code = pyotp.TOTP(secret).now()
    assert office.post("/login/code", data={"code": code}).status_code == 302
    assert office.get("/counselor/").status_code == 200
    office.post("/logout")

    # A code cannot be used twice.
    login(office, counselor.email)
    again = office.post("/login/code", data={"code": code})
    assert again.status_code == 422
    assert "didn't work" in text_of(again)

    # A recovery code works once.
    assert office.post("/login/code", data={"code": codes[0]}).status_code == 302
    office.post("/logout")
    login(office, counselor.email)
    assert office.post("/login/code", data={"code": codes[0]}).status_code == 422


def test_the_second_step_expires_and_cannot_be_skipped(app, counselor):
    office = app.test_client()
    login(office, counselor.email)
    secret, _codes = _turn_on(office, counselor)
    office.post("/logout")
    login(office, counselor.email)
    with office.session_transaction() as session:
        session["pending"] = {**session["pending"], "at": session["pending"]["at"] - 600}
    response = office.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/login"
    assert office.get("/counselor/").status_code == 302


def test_wrong_codes_are_throttled(app, counselor):
    office = app.test_client()
    login(office, counselor.email)
    _turn_on(office, counselor)
    office.post("/logout")
    login(office, counselor.email)
    statuses = [office.post("/login/code", data={"code": "123456"}).status_code for _ in range(6)]
    assert statuses[-1] == 429


def test_turning_two_step_off_needs_password_and_code(app, counselor):
    office = app.test_client()
    login(office, counselor.email)
    secret, _codes = _turn_on(office, counselor)
    response = office.post(
        "/account/two-step/off",
        data={"current_password": factories.PASSWORD, "code": "000000"},
    )
    assert response.status_code == 422
    assert db.session.get(User, counselor.id).two_step_on
    response = office.post(
        "/account/two-step/off",
        data={"current_password": factories.PASSWORD, "code": pyotp.TOTP(secret).now()},
    )
    assert response.status_code == 302
    assert not db.session.get(User, counselor.id).two_step_on


def test_a_practice_can_require_two_step_for_counselors(app, counselor, couple):
    app.config["REQUIRE_TWO_STEP"] = True
    office = app.test_client()
    login(office, counselor.email)
    response = office.get(f"/counselor/couples/{couple.id}")
    assert response.headers["Location"] == "/account/two-step"
    _turn_on(office, counselor)
    assert office.get(f"/counselor/couples/{couple.id}").status_code == 200
    # Partners are not asked.
    phone = app.test_client()
    login(phone, couple.partner_at(1).user.email)
    assert phone.get("/week").status_code == 200


def test_check_code_accepts_drift_of_one_step_only(app):
    secret = two_step.new_secret()
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // 30
    assert two_step.check_code(secret, totp.generate_otp(now - 1)) == now - 1
    assert two_step.check_code(secret, totp.generate_otp(now - 3)) is None
    assert two_step.check_code(secret, totp.generate_otp(now), last_step=now) is None
    assert two_step.check_code(secret, "12 34") is None


def test_keep_me_signed_in_is_renewed_once_a_day_while_used(app, couple):
    phone = app.test_client()
    _remember(phone, couple.partner_at(1).user.email)
    fresh = phone.get("/week")
    assert not [h for h in fresh.headers.getlist("Set-Cookie") if "hearth-remember=" in h]
    with phone.session_transaction() as session:
        session["remembered"] = int(time.time()) - 2 * 24 * 60 * 60
    renewed = phone.get("/week")
    cookie = [h for h in renewed.headers.getlist("Set-Cookie") if "hearth-remember=" in h]
    assert cookie and "Expires=" in cookie[0]


def test_two_step_survives_a_new_secret_key_with_the_old_one_as_fallback(app, counselor):
    secret = two_step.new_secret()
    two_step.turn_on(counselor, secret)
    db.session.commit()
    code = pyotp.TOTP(secret).now()
    app.config["SECRET_KEY"] = "a-brand-new-secret-key-" + "n" * 30
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert two_step.verify(counselor, code) is None  # the old key is gone: unreadable
    app.config["SECRET_KEY_FALLBACKS"] = [TEST_SECRET]
    assert two_step.verify(counselor, code) == "app"


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(app, counselor):
    """Cycles of (right password, four wrong codes) once checked 16 codes in a minute."""
    office = app.test_client()
    login(office, counselor.email)
    secret, _codes = _turn_on(office, counselor)
    office.post("/logout")
    statuses = []
    for _ in range(4):
        assert login(office, counselor.email).request.path == "/login/code"
        statuses += [
            office.post("/login/code", data={"code": "123456"}).status_code for _ in "1234"
        ]
    assert statuses[:5] == [422] * 5
    assert set(statuses[5:]) == {429}
    # Even the right code waits now; nothing is signed in.
    login(office, counselor.email)
    assert office.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 429
    assert office.get("/counselor/").status_code == 302


def test_a_right_code_clears_the_count_of_wrong_codes(app, counselor):
    office = app.test_client()
    login(office, counselor.email)
    secret, _codes = _turn_on(office, counselor)
    office.post("/logout")
    login(office, counselor.email)
    for _ in range(4):
        assert office.post("/login/code", data={"code": "123456"}).status_code == 422
    assert office.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    office.post("/logout")
    login(office, counselor.email)
    for _ in range(4):
        assert office.post("/login/code", data={"code": "123456"}).status_code == 422


# --- Changing the e-mail never says who has an account ----------------------------------


def _change_email(client, email, password=factories.PASSWORD):
    return client.post(
        "/account/email", data={"mail-email": email, "mail-current_password": password}
    )


def test_changing_the_email_never_says_whether_an_address_has_an_account(
    app, counselor, couple, signed_in
):
    sam, alex = couple.partner_at(1).user, couple.partner_at(2).user
    phone = signed_in(sam)
    free = "nobody-here@example.com"
    # A wrong password: the same answer for an address in use and a free one.
    taken_page = _change_email(phone, alex.email, "not my password")
    free_page = _change_email(phone, free, "not my password")
    assert taken_page.status_code == free_page.status_code == 422
    assert text_of(taken_page).replace(alex.email, "ADDRESS") == text_of(free_page).replace(
        free, "ADDRESS"
    )
    assert "isn't your current password" in text_of(taken_page)
    # The right password: "we sent a link", as for a free address, and nothing more.
    for someone in (alex.email, counselor.email):
        answer = _change_email(phone, someone)
        assert answer.status_code == 302
        page = text_of(phone.get(answer.headers["Location"]))
        assert f"We've sent a link to {someone}." in page
        assert "already belongs" not in page and "already has" not in page
        assert "can't use" not in page
    assert db.session.get(User, sam.id).email == sam.email


def test_changing_the_email_is_throttled(app, couple, signed_in):
    sam, alex = couple.partner_at(1).user, couple.partner_at(2).user
    phone = signed_in(sam)
    # Forty wrong passwords in a row: only the first few are even checked.
    pages = [text_of(_change_email(phone, alex.email, "not my password")) for _ in range(40)]
    assert sum("isn't your current password" in p for p in pages) == 5
    assert all("Too many tries" in p for p in pages[5:])


def test_only_a_few_new_addresses_a_day_can_be_tried(app, couple, signed_in):
    sam, alex = couple.partner_at(1).user, couple.partner_at(2).user
    phone = signed_in(sam)
    for n in range(3):
        assert _change_email(
            phone, alex.email if n % 2 else f"typo{n}@example.com"
        ).status_code in (
            302,
            422,
        )
    paused = _change_email(phone, "finally-right@example.com")
    assert paused.status_code == 429
    assert "please try again in" in text_of(paused)
    assert db.session.get(User, sam.id).email != "finally-right@example.com"


# --- A counselor's day has an end ---------------------------------------------------------


def _started(client, seconds_ago):
    with client.session_transaction() as session:
        session["started"] = int(time.time()) - seconds_ago
        session["seen"] = int(time.time())


def test_a_busy_counselor_is_signed_out_after_twelve_hours(app, counselor, couple):
    office = app.test_client()
    login(office, counselor.email)
    _started(office, 11 * 60 * 60 + 59 * 60)
    assert office.get("/counselor/").status_code == 200
    _started(office, 12 * 60 * 60 + 60)
    response = office.get("/counselor/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/counselor/")
    assert "signed in for a long stretch" in text_of(office.get("/login"))
    assert office.get("/counselor/").status_code == 302
    # An HTMX request is sent to sign in too.
    login(office, counselor.email)
    _started(office, 13 * 60 * 60)
    fragment = office.get(f"/counselor/couples/{couple.id}", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Redirect"].startswith("/login")


def test_the_counselor_session_lifetime_is_a_setting(app, counselor, couple):
    app.config["COUNSELOR_SESSION_HOURS"] = 1
    office = app.test_client()
    login(office, counselor.email)
    _started(office, 61 * 60)
    assert office.get("/counselor/").status_code == 302
    # Partners are not affected.
    phone = app.test_client()
    login(phone, couple.partner_at(1).user.email)
    _started(phone, 48 * 60 * 60)
    assert phone.get("/week").status_code == 200


# --- Guessing stays slow, and the owner still gets in ------------------------------------


def _from(address):
    return {"REMOTE_ADDR": address}


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(app, counselor):
    guesser = app.test_client()
    for _ in range(5):
        response = guesser.post(
            "/login",
            data={"email": counselor.email, "password": "a guess"},
            environ_base=_from("203.0.113.9"),
        )
        assert response.status_code == 422
    paused = guesser.post(
        "/login",
        data={"email": counselor.email, "password": factories.PASSWORD},
        environ_base=_from("203.0.113.9"),
    )
    assert paused.status_code == 429
    # The owner, on another connection, signs in as usual.
    office = app.test_client()
    assert login(office, counselor.email).request.path == "/counselor/"


def test_guesses_from_many_addresses_are_capped_but_the_owners_browser_gets_in(app, counselor):
    app.config["LOGIN_LIMIT_ACCOUNT_ALL"] = "10 per 1 hour"
    office = app.test_client()
    login(office, counselor.email)  # this browser is now one of the counselor's devices
    office.post("/logout")
    for n in range(10):
        guess = app.test_client().post(
            "/login",
            data={"email": counselor.email, "password": f"guess {n}"},
            environ_base=_from(f"198.51.100.{n}"),
        )
        assert guess.status_code == 422
    # Between them, many addresses get no more guesses: a new browser anywhere waits...
    stranger = app.test_client().post(
        "/login",
        data={"email": counselor.email, "password": factories.PASSWORD},
        environ_base=_from("192.0.2.77"),
    )
    assert stranger.status_code == 429
    # ...while the counselor's own browser signs in as usual.
    assert login(office, counselor.email).request.path == "/counselor/"


def test_the_device_cookie_is_private_and_names_one_account(app, counselor, couple):
    office = app.test_client()
    response = office.post(
        "/login", data={"email": counselor.email, "password": factories.PASSWORD}
    )
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("hearth-device=")]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    assert counselor.email not in cookie[0]
    office.post("/logout")  # the device cookie stays: the browser is still theirs
    # It does not help with another account: for Sam this is any browser.
    app.config["LOGIN_LIMIT_ACCOUNT_ALL"] = "3 per 1 hour"
    sam = couple.partner_at(1).user
    for _ in range(3):
        _post_login(office, sam.email)
    assert _post_login(office, sam.email, factories.PASSWORD).status_code == 429
