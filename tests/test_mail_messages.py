"""Each kind of message, end to end through the real SMTP server: what triggers it, who
gets it, that its links work, and that it carries nothing anyone wrote."""

from __future__ import annotations

import re
import time as clock
from datetime import timedelta
from types import SimpleNamespace

import pyotp
from sqlalchemy import select, update

from domain import mail, two_step
from domain.homework import couple_week
from extensions import db
from models import PasswordReset, User, utcnow
from tests import factories
from tests.conftest import login, text_of
from tests.mail_helpers import at, couple_with_homework, links_in, no_quiet_hours, path_of
from tests.smtp_server import html_part, text_part

SHARED_WORDS = "We cooked dinner together and laughed about the burnt rice"
PRIVATE_WORDS = "I still feel lonely when the phone comes out at night"


def _body(message) -> str:
    return text_part(message) + html_part(message) + str(message["Subject"])


def _link(message, part: str) -> str:
    return next(u for u in links_in(text_part(message)) if part in u)


# --- Invitations -------------------------------------------------------------------------


def test_the_counselor_sends_an_invitation_by_email_and_the_join_page_is_filled_in(
    app, counselor, smtp, client
):
    couple = factories.couple(counselor, names=("Jordan Lee", "Riley"), joined=(False, False))
    db.session.commit()
    login(client, counselor.email)
    response = client.post(
        f"/counselor/couples/{couple.id}/partners/1/send-link",
        data={"send1-address": "jordan@example.org"},
    )
    assert response.status_code == 302
    [message] = smtp.wait_for(1)
    assert smtp.recipients == [["jordan@example.org"]]
    assert message["Subject"] == "Hearth: Dana Rivera invited you to Hearth"
    assert "Hi Jordan," in text_part(message)
    page = text_of(client.get(f"/counselor/couples/{couple.id}"))
    assert "Last sent to jordan@example.org" in page  # the copy and QR stay beside it

    partner = app.test_client()
    join = partner.get(path_of(_link(message, "/join/")))
    html = join.get_data(as_text=True)
    assert join.status_code == 200
    assert 'value="Jordan Lee"' in html and 'value="jordan@example.org"' in html


def test_a_new_link_goes_to_the_same_address_and_the_old_one_stops(app, counselor, smtp, client):
    couple = factories.couple(counselor, joined=(False, False))
    db.session.commit()
    login(client, counselor.email)
    client.post(
        f"/counselor/couples/{couple.id}/partners/2/send-link",
        data={"send2-address": "alex@example.org"},
    )
    client.post(f"/counselor/couples/{couple.id}/partners/2/link")
    first, second = smtp.wait_for(2)
    assert smtp.recipients == [["alex@example.org"], ["alex@example.org"]]
    old, new = _link(first, "/join/"), _link(second, "/join/")
    assert old != new
    visitor = app.test_client()
    assert visitor.get(path_of(old)).status_code == 410
    assert visitor.get(path_of(new)).status_code == 200


def test_a_mistyped_address_comes_back_with_a_message(app, counselor, smtp, client):
    couple = factories.couple(counselor, joined=(False, False))
    db.session.commit()
    login(client, counselor.email)
    response = client.post(
        f"/counselor/couples/{couple.id}/partners/1/send-link",
        data={"send1-address": "sam at example"},
    )
    assert response.status_code == 422
    assert "doesn't look like an e-mail address" in text_of(response)
    assert 'value="sam at example"' in response.get_data(as_text=True)
    assert smtp.messages == []


def test_an_address_that_stopped_invitations_gets_no_more(app, counselor, smtp, client):
    couple = factories.couple(counselor, joined=(False, False))
    db.session.commit()
    login(client, counselor.email)
    url = f"/counselor/couples/{couple.id}/partners/1/send-link"
    client.post(url, data={"send1-address": "sam@example.org"})
    [message] = smtp.wait_for(1)
    app.test_client().post(path_of(message["List-Unsubscribe"].strip("<>")), csrf=False)
    client.post(f"/counselor/couples/{couple.id}/partners/1/link")
    assert len(smtp.messages) == 1


# --- Forgot password ---------------------------------------------------------------------


def _forgot(client, email):
    return client.post("/forgot-password", data={"email": email})


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
    app, counselor, couple, smtp, client, monkeypatch
):
    """Known address or not, the answer waits until the same moment after the request began:
    the view pads its work (looking up, sending) up to RESET_ANSWER_SECONDS. What is checked is
    that it did pad in both cases (the work fitted under the floor), not wall-clock differences,
    which a busy machine's scheduler blurs by tenths of a second."""
    from blueprints import password_reset as view

    sam = couple.partner_at(1).user
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.sleep(seconds)

    # The view's own clock only: the mail server's thread keeps the real one.
    monkeypatch.setattr(view, "time", SimpleNamespace(monotonic=clock.monotonic, sleep=sleep))
    floor = app.config["RESET_ANSWER_SECONDS"]
    assert "Forgot your password?" in text_of(client.get("/login"))
    timings, pages = [], []
    for email in (sam.email, "nobody@example.org"):
        started = clock.monotonic()
        response = _forgot(client, email)
        timings.append(clock.monotonic() - started)
        pages.append((response.status_code, text_of(response).replace(email, "EMAIL")))
    assert pages[0] == pages[1] and pages[0][0] == 200
    assert all(t >= floor for t in timings)
    # Both answers waited (the work took less than the floor), so both came at the floor.
    assert len(waits) == 2 and all(0 < w <= floor for w in waits)
    assert smtp.recipients == [[sam.email]]


def test_the_emailed_link_sets_a_new_password_once_and_signs_out_other_devices(
    app, counselor, couple, smtp, client
):
    sam = couple.partner_at(1).user
    phone = app.test_client()
    login(phone, sam.email)
    assert phone.get("/week").status_code == 200
    _forgot(client, sam.email)
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Hearth: choose a new password"
    path = path_of(_link(message, "/reset/"))
    new_password = "a brand new and long password"
    response = client.post(path, data={"password": new_password, "confirm": new_password})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert phone.get("/week").status_code == 302  # the old session is over
    assert client.post(path, data={"password": "x" * 20, "confirm": "x" * 20}).status_code == 410
    assert "don't match" in text_of(login(app.test_client(), sam.email))  # the old one fails
    assert text_of(login(app.test_client(), sam.email, new_password)).count("This week") >= 1


def test_a_link_works_for_one_hour_and_only_the_newest_one(app, counselor, couple, smtp, client):
    sam = couple.partner_at(1).user
    _forgot(client, sam.email)
    _forgot(client, sam.email)
    first, second = smtp.wait_for(2)
    assert client.get(path_of(_link(first, "/reset/"))).status_code == 410
    newest = path_of(_link(second, "/reset/"))
    assert client.get(newest).status_code == 200
    reset = db.session.scalars(select(PasswordReset).order_by(PasswordReset.id.desc())).first()
    assert reset.expires_at - reset.created_at == timedelta(hours=1)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(newest).status_code == 410
    token = newest.rsplit("/", 1)[1]
    stored = db.session.scalars(select(PasswordReset.token_hash)).all()
    assert token not in stored and all(len(h) == 64 for h in stored)  # only hashes


def test_asking_too_often_stops_sending_but_answers_the_same(app, counselor, couple, smtp, client):
    sam = couple.partner_at(1).user
    answers = {text_of(_forgot(client, sam.email)) for _ in range(5)}
    assert len(answers) == 1
    assert len(smtp.wait_for(3, seconds=2)) == 3  # 3 per hour for one address


def test_one_network_address_cannot_ask_for_many_accounts(app, counselor, smtp, client):
    app.config["RESET_LIMIT_ADDRESS"] = "2 per hour"
    people = [factories.partner_user(f"P{n}") for n in range(4)]
    db.session.commit()
    for person in people:
        _forgot(client, person.email)
    assert len(smtp.wait_for(2, seconds=2)) == 2


def test_two_step_sign_in_still_applies_after_a_new_password(app, counselor, smtp, client):
    secret = two_step.new_secret()
    two_step.turn_on(counselor, secret)
    db.session.commit()
    _forgot(client, counselor.email)
    [message] = smtp.wait_for(1)
    new_password = "another long enough password"
    client.post(
        path_of(_link(message, "/reset/")), data={"password": new_password, "confirm": new_password}
    )
    response = client.post("/login", data={"email": counselor.email, "password": new_password})
    assert response.headers["Location"].endswith("/login/code")
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302


def test_a_paused_sign_in_offers_a_link_that_lets_the_owner_in_while_someone_guesses(
    app, counselor, couple, smtp, client
):
    sam = couple.partner_at(1).user
    guesser = app.test_client()
    for _ in range(5):
        guesser.post("/login", data={"email": sam.email, "password": "guessing, guessing"})
    # Sam, on a new browser at the same network address, is paused too…
    paused = client.post("/login", data={"email": sam.email, "password": factories.PASSWORD})
    assert paused.status_code == 429
    html = paused.get_data(as_text=True)
    assert "E-mail me a link to choose a new password" in html
    [offered] = re.findall(r'href="([^"]*forgot-password[^"]*)"', html)
    # …and the link on that page gets them in before the pause is over.
    assert client.get(offered).status_code == 200
    _forgot(client, sam.email)
    [message] = smtp.wait_for(1)
    new_password = "a long new password for a paused account"
    client.post(
        path_of(_link(message, "/reset/")), data={"password": new_password, "confirm": new_password}
    )
    assert "This week" in text_of(login(client, sam.email, new_password))
    # The guesser's browser is still paused, with the right new password too.
    still = guesser.post("/login", data={"email": sam.email, "password": new_password})
    assert still.status_code == 429


def test_a_paused_code_step_does_not_offer_a_new_password(app, counselor, client):
    secret = two_step.new_secret()
    two_step.turn_on(counselor, secret)
    db.session.commit()
    client.post("/login", data={"email": counselor.email, "password": factories.PASSWORD})
    for _ in range(5):
        client.post("/login/code", data={"code": "000000"})
    paused = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert paused.status_code == 429
    assert "choose a new password" not in text_of(paused)


# --- Summary shared, partner done, digest ------------------------------------------------


def test_both_partners_hear_when_the_summary_is_shared(app, counselor, smtp, client):
    couple, _ = couple_with_homework(counselor)
    for partner in couple.partners:
        no_quiet_hours(partner.user)
    session = factories.session(couple, focus="Repair after the holiday argument")
    session.private_notes = "Clinical: possible avoidant pattern"
    session.shareable_notes = "You two found a way back"
    db.session.commit()
    login(client, counselor.email)
    client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release", data={"undo": "1"})
    client.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    messages = smtp.wait_for(2)
    assert sorted(r for (r,) in smtp.recipients) == sorted(p.user.email for p in couple.partners)
    for message in messages:
        assert message["Subject"] == "Hearth: your session summary is ready"
        body = _body(message)
        assert "holiday argument" not in body and "avoidant" not in body and "way back" not in body
    sam = app.test_client()
    login(sam, couple.partner_at(1).user.email)
    page = sam.get(path_of(_link(messages[0], "/summaries")))
    assert page.status_code == 200 and "Session 1" in text_of(page)


def test_partner_done_only_when_asked_for_and_never_what_they_wrote(
    app, counselor, smtp, signed_in
):
    from tests.test_check_in import answers

    couple = factories.couple(counselor, names=("Jordan", "Sam"))
    made = factories.homework(couple)
    db.session.commit()
    jordan, sam = couple.partner_at(1).user, couple.partner_at(2).user
    # The message goes to Jordan: Jordan's quiet hours must not hold it, whatever the hour.
    no_quiet_hours(jordan)
    no_quiet_hours(sam)
    from domain.mail import prefs

    week = couple_week(couple).start
    client = signed_in(jordan)
    client.post(
        f"/week/{week}/check-in",
        data=answers(went_well=SHARED_WORDS, felt_off=PRIVATE_WORDS),
    )
    assert smtp.wait_for(1, seconds=1) == []  # off by default

    prefs.choose(jordan, "partner_done", True)
    db.session.commit()
    other = signed_in(sam)
    other.post(f"/week/{week}/check-in", data=answers(went_well=SHARED_WORDS))
    [message] = smtp.wait_for(1)
    assert smtp.recipients == [[jordan.email]]
    assert message["Subject"] == "Hearth: Sam has checked in this week"
    body = _body(message)
    assert "Sam has checked in this week" in body
    assert "burnt rice" not in body and "lonely" not in body
    assert not re.search(r"\b(6|5|7)\s*/\s*10\b", body)
    assert made["checkin"] is not None


def test_the_digest_counts_couples_worth_a_look_and_names_none(app, counselor, smtp):
    quiet, _ = couple_with_homework(counselor, digest=True, name="Pat & Chris")
    couple_with_homework(counselor, digest=True, name="Lee & Kim")
    mail.send_due(at("2026-11-14 09:00"))  # a Saturday: no digest
    assert smtp.to(counselor.email) == []
    mail.send_due(at("2026-11-16 09:00"))  # Monday
    [digest] = smtp.to(counselor.email)
    assert digest["Subject"] == "Hearth: 2 couples worth a look today"
    body = _body(digest)
    assert "2 couples may be worth a look" in body and "2 of them with nothing done" in body
    assert "Pat" not in body and "Lee" not in body and "Chris" not in body
    assert "/counselor/" in _link(digest, "/counselor/")


def test_no_digest_on_a_day_with_nothing_to_look_at(app, counselor, smtp):
    mail.send_due(at("2026-11-16 09:00"))
    assert smtp.to(counselor.email) == []
    assert db.session.scalar(select(User).where(User.id == counselor.id)) is not None


def _book_tomorrow(couple, starts_at):
    from domain import appointments

    appointments.schedule(couple, starts_at, now=at("2026-11-01 10:00"))
    db.session.commit()


def test_a_day_with_only_sessions_tomorrow_brings_the_digest_with_their_count(app, counselor, smtp):
    calm = factories.couple(counselor, "Pat & Chris", ("Pat", "Chris"))
    other = factories.couple(counselor, "Lee & Kim", ("Lee", "Kim"))
    elsewhere = factories.couple(factories.counselor("Jordan Lake"), "Ash & Robin")
    db.session.commit()
    mail.send_due(at("2026-11-16 09:00"))  # Monday, nothing to look at, nothing tomorrow
    assert smtp.to(counselor.email) == []

    _book_tomorrow(calm, at("2026-11-18 18:00"))  # Wednesday
    _book_tomorrow(other, at("2026-11-18 10:00"))
    _book_tomorrow(elsewhere, at("2026-11-18 12:00"))  # another counselor's couple
    mail.send_due(at("2026-11-17 09:00"))  # Tuesday
    [digest] = smtp.to(counselor.email)
    assert digest["Subject"] == "Hearth: 2 couples with a session tomorrow"
    body = _body(digest)
    assert "2 couples have a session with you tomorrow" in body
    assert "worth a look" not in text_part(digest)
    assert "Pat" not in body and "Lee" not in body
    assert _link(digest, "/counselor/")
    mail.send_due(at("2026-11-17 15:00"))
    assert len(smtp.to(counselor.email)) == 1  # once a day


def test_the_digest_counts_sessions_tomorrow_beside_couples_worth_a_look(app, counselor, smtp):
    quiet, _ = couple_with_homework(counselor, digest=True, name="Pat & Chris")
    _book_tomorrow(quiet, at("2026-11-17 18:00"))
    mail.send_due(at("2026-11-16 09:00"))
    [digest] = smtp.to(counselor.email)
    assert digest["Subject"] == "Hearth: 1 couple worth a look today"
    body = _body(digest)
    assert "1 couple may be worth a look" in body
    assert "1 couple has a session with you tomorrow" in body


def test_deleting_a_couple_or_leaving_takes_their_messages_and_choices(app, counselor, smtp):
    from domain import erasure
    from domain.mail import prefs
    from models import MailChoice, Message

    couple, _ = couple_with_homework(counselor)
    other, _ = couple_with_homework(counselor, name="Pat & Chris", names=("Pat", "Chris"))
    for c in (couple, other):
        for partner in c.partners:
            prefs.choose(partner.user, "partner_done", True)
            prefs.editable_settings(partner.user)
    db.session.commit()
    mail.send_due(at("2026-11-16 09:00"))
    assert db.session.scalar(select(db.func.count(Message.id))) == 4

    erasure.leave(other.partner_at(1))
    db.session.commit()
    erasure.delete_couple(couple)
    db.session.commit()
    left = db.session.scalars(select(Message.user_id)).all()
    assert left == [other.partner_at(2).user_id]
    owners = set(db.session.scalars(select(MailChoice.user_id)))
    assert owners == {other.partner_at(2).user_id, counselor.id}
