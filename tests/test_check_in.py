"""The weekly check-in: three scales, three prompts, each answer's own visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from kinds.checkin.models import CheckIn
from tests.conftest import text_of

PRIVATE_WORDS = "I still worry we avoid talking about money"
SHARED_WORDS = "The lake walk felt like us again"


def answers(**overrides):
    data = {
        "connected": "6",
        "heard": "5",
        "stress": "7",
        "scales_shared": "y",
        "went_well": SHARED_WORDS,
        "went_well_visibility": "shared",
        "felt_off": PRIVATE_WORDS,
        "felt_off_visibility": "counselor",
        "support": "",
        "support_visibility": "counselor",
        "version": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def check_in(client, week, **overrides):
    return client.post(f"/week/{week}/check-in", data=answers(**overrides))


def test_prompts_and_numbers_default_to_counselor_only(sam, with_homework):
    html = sam.get(f"/week/{with_homework['week']}/check-in").get_data(as_text=True)
    for key in ("went_well", "felt_off", "support"):
        assert (
            f'<input checked id="{key}_visibility-1" name="{key}_visibility" '
            'type="radio" value="counselor">'
        ) in html
    # The numbers too: "Share my numbers" waits to be ticked, like sharing the words.
    assert '<input id="scales_shared" name="scales_shared" type="checkbox"' in html
    assert 'checked id="scales_shared"' not in html


def test_checking_in_and_what_the_partner_sees(sam, alex, with_homework):
    response = check_in(sam, with_homework["week"])
    assert response.status_code == 302
    assert "Thank you for checking in" in text_of(sam.get("/week"))
    alex_html = alex.get("/week").get_data(as_text=True)
    assert SHARED_WORDS in alex_html
    assert "Connected 6, heard 5, outside stress 7" in text_of(alex.get("/week"))
    assert PRIVATE_WORDS not in alex_html


def test_hidden_scales_stay_hidden(sam, alex, with_homework):
    check_in(sam, with_homework["week"], scales_shared=None)
    page = text_of(alex.get("/week"))
    assert "Connected 6" not in page
    assert SHARED_WORDS in page


def test_a_second_check_in_the_same_week_edits_the_first(sam, with_homework):
    week = with_homework["week"]
    check_in(sam, week)
    response = check_in(sam, week, connected="8", version="1")
    assert response.status_code == 302
    rows = db.session.scalars(select(CheckIn)).all()
    assert len(rows) == 1 and rows[0].connected == 8


def test_a_stale_tab_gets_both_versions_and_keeps_its_text(sam, with_homework):
    week = with_homework["week"]
    check_in(sam, week)
    check_in(sam, week, went_well="Saved from the phone", version="1")
    stale = check_in(sam, week, went_well="Typed on the laptop", version="1")
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "changed somewhere else a moment ago" in html
    assert "Saved from the phone" in html and "Typed on the laptop" in html
    assert db.session.scalar(select(CheckIn.went_well)) == "Saved from the phone"
    assert check_in(sam, week, went_well="Typed on the laptop", version="2").status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("connected", "11", "Please choose a number from 1 to 10."),
        ("heard", "0", "Please choose a number from 1 to 10."),
        ("stress", None, "Please choose a number from 1 to 10."),
        ("stress", "seven", "Please choose a number from 1 to 10."),
        ("went_well", "w" * 2001, "Please keep it to 2000 characters."),
    ],
)
def test_bad_answers_are_explained_and_kept(sam, with_homework, field, value, message):
    response = check_in(sam, with_homework["week"], **{field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error_at = html.index(f'id="{field}-error"')
    assert message in html[error_at : error_at + 200]
    assert PRIVATE_WORDS in html  # nothing typed is lost
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_reveal_after_both_waits_for_the_second_check_in(sam, alex, with_homework):
    with_homework["checkin"].reveal_after_both = True
    db.session.commit()
    week = with_homework["week"]
    check_in(sam, week)
    page = text_of(alex.get("/week"))
    assert "What they shared opens once you've checked in too" in page
    assert SHARED_WORDS not in page and "Connected 6" not in page
    check_in(alex, week, went_well="Alex's own words", felt_off="")
    page = text_of(alex.get("/week"))
    assert SHARED_WORDS in page and "Connected 6" in page
    assert PRIVATE_WORDS not in alex.get("/week").get_data(as_text=True)


def test_a_closed_week_cannot_be_checked_in(sam, with_homework):
    old = with_homework["week"] - timedelta(weeks=3)
    with_homework["checkin"].starts_on = old
    db.session.commit()
    response = check_in(sam, old)
    assert response.status_code == 409
    assert "closed now" in text_of(response)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_no_check_in_page_without_a_check_in_assignment(sam, with_homework):
    db.session.delete(with_homework["checkin"])
    db.session.commit()
    assert sam.get(f"/week/{with_homework['week']}/check-in").status_code == 404
