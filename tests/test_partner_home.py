"""A partner's home: this week, first thing."""

from __future__ import annotations

from extensions import db
from models import CoupleStatus
from tests import factories
from tests.conftest import login, text_of


def test_home_greets_them_and_names_partner_and_counselor(client, couple):
    login(client, couple.partner_at(2).user.email)
    page = text_of(client.get("/week"))
    assert "Hi Alex" in page
    assert "You and Sam (partner) are working with Dana Rivera" in page
    assert "This week" in page
    assert "hasn't given you two any homework yet" in page


def test_before_the_partner_joins_their_label_stays_with_the_counselor(client, counselor):
    couple = factories.couple(counselor, names=("Sam", "Secret Label"), joined=(True, False))
    db.session.commit()
    login(client, couple.partner_at(1).user.email)
    page = text_of(client.get("/week"))
    assert "Your partner hasn't joined yet" in page
    assert "Secret Label" not in page


def test_a_paused_couple_sees_that_homework_is_resting(client, couple):
    couple.status = CoupleStatus.PAUSED
    db.session.commit()
    login(client, couple.partner_at(1).user.email)
    assert "Homework is resting for now" in text_of(client.get("/week"))


def test_an_archived_couple_sees_that_their_work_has_closed(client, couple):
    couple.status = CoupleStatus.ARCHIVED
    db.session.commit()
    login(client, couple.partner_at(1).user.email)
    assert "has been closed" in text_of(client.get("/week"))


def test_the_partner_menu_has_no_counselor_pages(client, couple):
    login(client, couple.partner_at(1).user.email)
    html = client.get("/week").get_data(as_text=True)
    assert "/counselor/" not in html
