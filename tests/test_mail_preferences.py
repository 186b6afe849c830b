"""Each person's Messages section, one-click unsubscribe, and what the counselor sees."""

from __future__ import annotations

from datetime import time

from domain import mail
from domain.mail import prefs, tokens
from domain.mail.kinds import BY_NAME
from extensions import db
from tests.conftest import login, text_of
from tests.mail_helpers import at, couple_with_homework, path_of


def _form(**values):
    data = {
        "messages-send_at": "09:00",
        "messages-quiet_from": "21:00",
        "messages-quiet_until": "08:00",
        "messages-kind_password_reset": "y",
        "messages-kind_summary_shared": "y",
        "messages-kind_week_started": "y",
        "messages-kind_checkin_reminder": "y",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_a_partner_chooses_kinds_and_times_on_the_account_page(app, counselor, couple, client):
    sam = couple.partner_at(1).user
    login(client, sam.email)
    page = text_of(client.get("/account/"))
    assert "Messages" in page and "A new week has started" in page
    assert "Your partner has checked in" in page and "Daily digest" not in page
    response = client.post(
        "/account/messages",
        data=_form(
            **{
                "messages-send_at": "07:15",
                "messages-kind_week_started": None,
                "messages-kind_partner_done": "y",
            }
        ),
    )
    assert response.status_code == 302
    assert prefs.settings_for(sam).send_at == time(7, 15)
    assert not prefs.wants(sam, BY_NAME["week_started"])
    assert prefs.wants(sam, BY_NAME["partner_done"])
    assert prefs.wants(sam, BY_NAME["checkin_reminder"])
    again = client.get("/account/").get_data(as_text=True)
    assert 'value="07:15"' in again


def test_a_bad_time_comes_back_with_a_message_and_the_values_kept(app, counselor, couple, client):
    sam = couple.partner_at(1).user
    login(client, sam.email)
    response = client.post(
        "/account/messages", data=_form(**{"messages-send_at": "", "messages-quiet_from": "22:10"})
    )
    assert response.status_code == 422
    assert "Please choose a time" in text_of(response)
    assert 'value="22:10"' in response.get_data(as_text=True)
    assert prefs.settings_for(sam).quiet_from == time(21, 0)  # nothing saved


def test_a_counselor_sets_time_zone_and_practice_name_used_as_sender(app, counselor, smtp, client):
    couple, _ = couple_with_homework(counselor)
    login(client, counselor.email)
    page = text_of(client.get("/account/"))
    assert "Daily digest" in page and "Your time zone" in page
    client.post(
        "/account/messages",
        data=_form(
            **{
                "messages-timezone": "America/Chicago",
                "messages-practice_name": "Riverside Counseling",
                "messages-kind_digest": "y",
            }
        ),
    )
    assert prefs.timezone_of(counselor) == "America/Chicago"
    mail.send_due(at("2026-11-16 09:00"))
    sam_mail = smtp.to(couple.partner_at(1).user.email)[0]
    assert sam_mail["Subject"].startswith("Riverside Counseling:")
    assert sam_mail["From"].addresses[0].display_name == "Riverside Counseling"
    assert smtp.to(counselor.email) == []  # 09:00 UTC is 03:00 in Chicago
    mail.send_due(at("2026-11-16 15:00"))  # 09:00 in Chicago
    digest = smtp.to(counselor.email)
    assert len(digest) == 1 and "worth a look" in digest[0]["Subject"]


def test_one_click_unsubscribe_works_without_signing_in(app, counselor, smtp, client):
    couple, _ = couple_with_homework(counselor)
    sam, alex = (p.user for p in couple.partners)
    mail.send_due(at("2026-11-16 09:00"))
    link = smtp.to(sam.email)[0]["List-Unsubscribe"].strip("<>")

    confirm = client.get(path_of(link))
    assert confirm.status_code == 200 and "Stop these e-mails?" in text_of(confirm)
    assert prefs.wants(sam, BY_NAME["week_started"])  # a GET changes nothing

    done = client.post(path_of(link), data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200 and "won't send" in text_of(done)
    assert not prefs.wants(sam, BY_NAME["week_started"])
    assert prefs.wants(sam, BY_NAME["checkin_reminder"])  # only that kind

    mail.send_due(at("2026-11-23 09:00"))
    assert len(smtp.to(sam.email)) == 1  # none after unsubscribing
    assert len(smtp.to(alex.email)) == 2


def test_a_queued_message_is_not_sent_after_unsubscribing(app, counselor, smtp, client):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    prefs.editable_settings(sam).quiet_from = time(8, 30)
    prefs.editable_settings(sam).quiet_until = time(12, 0)
    db.session.commit()
    mail.send_due(at("2026-11-16 10:00"))  # queued, waiting for quiet hours to end
    token = tokens.unsubscribe_token("week_started", user_id=sam.id)
    client.post(f"/mail/unsubscribe/{token}", csrf=False)
    mail.send_due(at("2026-11-16 12:00"))
    assert smtp.to(sam.email) == []


def test_a_forged_unsubscribe_link_changes_nothing(app, counselor, couple, client):
    sam = couple.partner_at(1).user
    token = tokens.unsubscribe_token("week_started", user_id=sam.id)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert client.post(f"/mail/unsubscribe/{forged}", csrf=False).status_code == 404
    assert client.get("/mail/unsubscribe/nonsense").status_code == 404
    assert prefs.wants(sam, BY_NAME["week_started"])


def test_other_forms_still_need_their_csrf_token(app, counselor, couple, client):
    sam = couple.partner_at(1).user
    login(client, sam.email)
    response = client.post(
        "/account/messages", data=_form(**{"messages-send_at": "06:00"}), csrf=False
    )
    assert response.status_code == 422  # the page again, with what was typed, not saved
    assert 'value="06:00"' in response.get_data(as_text=True)
    assert prefs.settings_for(sam).send_at == time(9, 0)


def test_the_counselor_sees_which_kinds_each_partner_receives(app, counselor, couple, client):
    sam, alex = (p.user for p in couple.partners)
    prefs.choose(alex, "week_started", False)
    prefs.choose(alex, "checkin_reminder", False)
    prefs.choose(alex, "summary_shared", False)
    prefs.choose(alex, "session_reminder", False)
    prefs.choose(sam, "partner_done", True)
    db.session.commit()
    login(client, counselor.email)
    page = text_of(client.get(f"/counselor/couples/{couple.id}"))
    assert "E-mails Sam gets: Your session summary is ready" in page
    assert "Your partner has checked in" in page and "Next session reminder" in page
    assert "E-mails Alex gets: none" in page
    assert "Save messages" not in page  # seeing, not changing
    # A password link is sent whenever someone asks for one: not a choice, so not listed.
    assert "Links to choose a new password" not in page


def test_a_password_link_cannot_be_turned_off(app, couple, signed_in):
    """Switched off, "Forgot your password?" would say a link is on its way and send none."""
    sam = couple.partner_at(1).user
    page = text_of(signed_in(sam).get("/account"))
    assert "Links to choose a new password" not in page
    assert BY_NAME["password_reset"].can_turn_off is False
