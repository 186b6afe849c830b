"""The counselor's dashboard and couple pages."""

from __future__ import annotations

from sqlalchemy import select

from domain import invitations
from extensions import db
from models import Couple, CoupleStatus, InvitationPurpose
from tests import factories
from tests.conftest import login, text_of

NEW_COUPLE = {
    "name": "Robin & Casey",
    "partner1_label": "Robin",
    "partner2_label": "Casey",
    "timezone": "Pacific/Auckland",
    "week_starts_on": "6",
}


def test_dashboard_lists_only_my_couples_with_who_has_joined(client, counselor):
    factories.couple(counselor, "Sam & Alex", joined=(True, False))
    other = factories.counselor("Lee Okafor")
    factories.couple(other, "Not Mine & Theirs", names=("Nat", "Tay"))
    db.session.commit()
    login(client, counselor.email)
    page = text_of(client.get("/counselor/"))
    assert "Sam & Alex" in page
    assert "Not Mine" not in page
    assert "Sam joined" in page
    assert "Alex invited · link until" in page


def test_dashboard_says_when_a_link_has_run_out(client, counselor):
    couple = factories.couple(counselor, joined=(True, False))
    for invitation in couple.partner_at(2).invitations:
        invitation.expires_at = invitation.created_at
    db.session.commit()
    login(client, counselor.email)
    assert "link expired · make a new one" in text_of(client.get("/counselor/"))


def test_an_empty_dashboard_invites_the_first_couple(client, counselor):
    login(client, counselor.email)
    assert "No couples yet" in text_of(client.get("/counselor/"))


def test_creating_a_couple_gives_a_link_and_qr_code_per_partner(client, counselor):
    login(client, counselor.email)
    response = client.post("/counselor/couples/new", data=NEW_COUPLE, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Robin &amp; Casey is ready" in page
    couple = db.session.scalar(select(Couple).where(Couple.name == "Robin & Casey"))
    assert couple.counselor_id == counselor.id
    assert couple.timezone == "Pacific/Auckland"
    assert couple.week_starts_on == 6
    assert [p.label for p in couple.partners] == ["Robin", "Casey"]
    for partner in couple.partners:
        token = invitations.token_of(invitations.current_for(partner))
        assert f"/join/{token}" in page
    assert page.count('src="data:image/svg+xml') == 2
    assert 'alt="QR code of Robin' in page


def test_bad_couple_input_is_explained_and_kept(client, counselor):
    login(client, counselor.email)
    data = dict(NEW_COUPLE, name="", timezone="Mars/Olympus_Mons", partner1_label="x" * 81)
    response = client.post("/counselor/couples/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please give the couple a name" in html
    assert "Not a valid choice" in html
    assert "At most 80 characters." in html
    assert 'value="Casey"' in html  # what was typed stays
    assert db.session.scalar(select(Couple)) is None


def test_the_new_couple_form_offers_real_time_zones(client, counselor):
    login(client, counselor.email)
    html = client.get("/counselor/couples/new").get_data(as_text=True)
    assert '<option value="Pacific/Auckland">Pacific/Auckland</option>' in html
    assert '<option selected value="UTC">UTC</option>' in html


def test_couple_page_shows_joined_partners_and_pending_links(client, counselor):
    couple = factories.couple(counselor, joined=(True, False))
    db.session.commit()
    login(client, counselor.email)
    page = text_of(client.get(f"/counselor/couples/{couple.id}"))
    assert "Sam Joined" in page
    assert f"Signs in as {couple.partner_at(1).user.email}" in page
    assert "Invitation link for Alex" in page
    assert "New sign-in link" in page and "New invitation link" in page


def test_editing_a_couple(client, counselor, couple):
    login(client, counselor.email)
    form = text_of(client.get(f"/counselor/couples/{couple.id}/edit"))
    assert "Edit Sam & Alex" in form
    response = client.post(
        f"/counselor/couples/{couple.id}/edit",
        data={"name": "Sam & Alex R.", "timezone": "America/Chicago", "week_starts_on": "2"},
        follow_redirects=True,
    )
    assert "Saved." in text_of(response)
    assert "weeks start on Wednesday" in text_of(response)
    db.session.refresh(couple)
    assert (couple.name, couple.timezone) == ("Sam & Alex R.", "America/Chicago")


def test_pausing_and_archiving_a_couple(client, counselor, couple):
    login(client, counselor.email)
    url = f"/counselor/couples/{couple.id}/status"
    response = client.post(url, data={"status": "paused"}, follow_redirects=True)
    assert "is paused" in text_of(response)
    db.session.refresh(couple)
    assert couple.status == CoupleStatus.PAUSED

    response = client.post(url, data={"status": "gone"})
    assert response.status_code == 422  # the page again, the message beside the status
    assert 'id="status-error"' in response.get_data(as_text=True)
    assert "nothing was changed" in text_of(response)
    assert couple.name in text_of(response)
    db.session.refresh(couple)
    assert couple.status == CoupleStatus.PAUSED

    client.post(url, data={"status": "archived"})
    page = text_of(client.get(f"/counselor/couples/{couple.id}"))
    assert "New sign-in link" not in page


def test_an_archived_couple_gets_no_new_links(client, counselor, couple):
    couple.status = CoupleStatus.ARCHIVED
    db.session.commit()
    login(client, counselor.email)
    response = client.post(f"/counselor/couples/{couple.id}/partners/1/link", follow_redirects=True)
    assert "This couple is archived" in text_of(response)
    assert invitations.current_for(couple.partner_at(1)) is None


def test_a_joined_partner_gets_a_sign_in_link_not_an_invitation(client, counselor, couple):
    login(client, counselor.email)
    response = client.post(f"/counselor/couples/{couple.id}/partners/1/link", follow_redirects=True)
    assert "New sign-in link for Sam" in text_of(response)
    assert "Sign-in link : lets Sam choose a new password" in text_of(response)
    current = invitations.current_for(couple.partner_at(1))
    assert current.purpose == InvitationPurpose.SIGN_IN


def test_the_week_start_stays_once_homework_has_started(client, counselor, couple):
    factories.homework(couple)
    db.session.commit()
    login(client, counselor.email)
    response = client.post(
        f"/counselor/couples/{couple.id}/edit",
        data={"name": "Sam & Alex", "timezone": "America/Chicago", "week_starts_on": "3"},
    )
    assert response.status_code == 422
    assert "the week keeps starting on Monday" in text_of(response)
    db.session.refresh(couple)
    assert (couple.week_starts_on, couple.timezone) == (0, "Europe/London")


def test_a_large_practice_sees_its_couples_a_page_at_a_time(client, counselor):
    from domain import review

    per_page = review.DASHBOARD_PAGE
    names = [f"Couple {n:02d}" for n in range(per_page + 5)]
    for name in names:
        factories.couple(counselor, name)
    resting = factories.couple(counselor, "Aaron & Abe")  # first by name, but paused
    resting.status = CoupleStatus.PAUSED
    done = factories.couple(counselor, "Aardvark & Ant")  # archived: after the paused
    done.status = CoupleStatus.ARCHIVED
    db.session.commit()
    login(client, counselor.email)

    first = client.get("/counselor/")
    page = text_of(first)
    assert (
        f"Couples 1–{per_page} of {per_page + 7}, active couples first, then paused, then "
        "archived, each by name."
    ) in page
    shown = [name for name in names if f"{name} Active" in page]
    assert shown == names[:per_page]
    assert "Aaron & Abe" not in page
    html = first.get_data(as_text=True)
    assert 'href="/counselor/?page=2"' in html
    assert '<span aria-current="page">1</span>' in html
    assert "Next 7" in page

    second = text_of(client.get("/counselor/?page=2"))
    assert f"Couples {per_page + 1}–{per_page + 7} of {per_page + 7}" in second
    assert [name for name in names if f"{name} Active" in second] == names[per_page:]
    # After every active couple: the paused, then the archived.
    assert second.index(f"{names[-1]} Active") < second.index("Aaron & Abe Paused")
    assert second.index("Aaron & Abe Paused") < second.index("Aardvark & Ant Archived")
    assert f"Previous {per_page}" in second
    assert "Next" not in second

    # A page number that is not one shows a page, never an error.
    assert "Couples 1–" in text_of(client.get("/counselor/?page=nonsense"))
    assert "Couples 1–" in text_of(client.get("/counselor/?page=-3"))
    assert f"Couples {per_page + 1}–" in text_of(client.get("/counselor/?page=99"))

    # The daily digest still counts every couple, not a page of them.
    assert len(review.dashboard(counselor.id)) == per_page + 7


def test_a_practice_that_fits_on_one_page_has_no_pages(client, counselor):
    factories.couple(counselor, "Sam & Alex")
    db.session.commit()
    login(client, counselor.email)
    response = client.get("/counselor/")
    assert "Pages of couples" not in response.get_data(as_text=True)
    assert "Couples 1–" not in text_of(response)
