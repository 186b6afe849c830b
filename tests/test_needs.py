"""The needs list: each partner's needs, steps for the other, weekly ratings, history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from extensions import db
from kinds.needs.models import Need, NeedRating, NeedStatus, NeedWording, StepDone
from tests.conftest import text_of


def add_need(client, wording, steps="Ask me how I am\nPut the phone away at dinner", **extra):
    data = {"wording": wording, "steps": steps, "visibility": "shared", "version": "0"}
    data.update(extra)
    return client.post("/needs/new", data=data)


def test_a_partner_names_a_need_with_steps(sam, alex, couple):
    response = add_need(sam, "More regular check-ins during the week")
    assert response.status_code == 302
    need = db.session.scalar(select(Need).where(Need.wording.like("More regular%")))
    assert [s.text for s in need.active_steps] == [
        "Ask me how I am",
        "Put the phone away at dinner",
    ]
    page = text_of(alex.get("/week"))
    assert "Sam (partner) needs: More regular check-ins during the week" in page
    assert "Put the phone away at dinner I did this" in page


def test_a_fourth_need_asks_are_you_sure_and_five_is_the_limit(sam, couple, with_homework):
    # The fixture gave Sam one need; two more make three.
    assert add_need(sam, "Second need").status_code == 302
    assert add_need(sam, "Third need").status_code == 302
    fourth = add_need(sam, "Fourth need")
    assert fourth.status_code == 422
    assert "Are you sure? Fewer needs, done well" in text_of(fourth)
    assert 'value="Fourth need"' in fourth.get_data(as_text=True)
    assert add_need(sam, "Fourth need", confirm_extra="y").status_code == 302
    assert add_need(sam, "Fifth need", confirm_extra="y").status_code == 302
    sixth = add_need(sam, "Sixth need", confirm_extra="y", follow_redirects=None)
    assert sixth.status_code == 302
    assert "5 needs at once is the most" in text_of(sam.get("/needs/"))
    mine = db.session.scalar(
        select(func.count(Need.id)).where(Need.owner_id == couple.partner_at(1).id)
    )
    assert mine == 5


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"wording": ""}, "Please put the need into a few words."),
        ({"wording": "x" * 201}, "Please keep it to 200 characters."),
        ({"steps": "  \n "}, "Please add at least one step"),
        ({"steps": "y" * 201}, "Please keep each step to 200 characters."),
    ],
)
def test_bad_need_input_is_explained_and_kept(sam, fields, message):
    data = {"wording": "A calmer morning", "steps": "Wake me gently"}
    data.update(fields)
    response = add_need(sam, **data)
    assert response.status_code == 422
    assert message in text_of(response)
    if "steps" not in fields:
        assert "Wake me gently" in response.get_data(as_text=True)


def test_rewording_keeps_the_history(sam, with_homework):
    need = with_homework["need_1"]
    response = sam.post(
        f"/needs/{need.id}/edit",
        data={
            "wording": "Regular, gentle check-ins",
            "steps": "A step for partner 2\nA brand new step",
            "visibility": "shared",
            "version": str(need.version),
        },
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.wording == "Regular, gentle check-ins"
    wordings = db.session.scalars(
        select(NeedWording.wording).where(NeedWording.need_id == need.id).order_by(NeedWording.id)
    ).all()
    assert wordings == ["A need of partner 1", "Regular, gentle check-ins"]
    assert [s.text for s in need.active_steps] == ["A step for partner 2", "A brand new step"]
    assert any(s.removed_at for s in need.steps)  # "Another small step" is kept, retired
    assert "Earlier: “A need of partner 1”" in text_of(sam.get("/needs/"))


def test_an_edit_from_a_stale_tab_is_refused_and_kept(sam, with_homework):
    need = with_homework["need_1"]
    data = {"steps": "A step", "visibility": "shared", "version": str(need.version)}
    assert sam.post(f"/needs/{need.id}/edit", data=dict(data, wording="From tab one")).status_code
    stale = sam.post(f"/needs/{need.id}/edit", data=dict(data, wording="From a stale tab"))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "changed somewhere else" in html
    assert 'value="From a stale tab"' in html and "From tab one" in html


def test_retiring_a_need_keeps_its_history(sam, with_homework):
    need = with_homework["need_1"]
    response = sam.post(f"/needs/{need.id}/retire", follow_redirects=True)
    assert "is retired" in text_of(response)
    db.session.refresh(need)
    assert need.status == NeedStatus.RETIRED and need.retired_at is not None
    page = text_of(sam.get("/needs/"))
    assert "Retired needs" in page and "A need of partner 1" in page


def test_the_owner_rates_each_week_and_a_second_rating_edits_the_first(sam, with_homework):
    need = with_homework["need_1"]
    url = f"/week/{with_homework['week']}/needs/{need.id}/rating"
    prefix = f"rating-{need.id}"
    sam.post(url, data={f"{prefix}-rating": "partly", f"{prefix}-comment": "Getting there"})
    sam.post(url, data={f"{prefix}-rating": "met"})
    rows = db.session.scalars(select(NeedRating)).all()
    assert len(rows) == 1 and rows[0].rating == "met"
    assert "Needs ✓ Done" in text_of(sam.get("/week"))


def test_a_rating_needs_a_choice(sam, with_homework):
    need = with_homework["need_1"]
    response = sam.post(
        f"/week/{with_homework['week']}/needs/{need.id}/rating",
        data={f"rating-{need.id}-comment": "I forgot to choose"},
    )
    assert response.status_code == 422
    assert "Please choose met, partly or not yet." in text_of(response)
    assert "I forgot to choose" in response.get_data(as_text=True)


def test_the_other_partner_marks_i_did_this_once(sam, alex, with_homework):
    step = with_homework["need_1"].steps[0]
    url = f"/week/{with_homework['week']}/steps/{step.id}/done"
    assert alex.post(url).status_code == 302
    assert alex.post(url).status_code == 302  # a double tap
    assert db.session.scalar(select(func.count(StepDone.id))) == 1
    assert "Alex (partner) did this" in text_of(sam.get("/week"))
    alex.post(f"/week/{with_homework['week']}/steps/{step.id}/undo")
    assert db.session.scalar(select(func.count(StepDone.id))) == 0


def test_nobody_ticks_off_their_own_steps(sam, with_homework):
    step = with_homework["need_1"].steps[0]
    assert sam.post(f"/week/{with_homework['week']}/steps/{step.id}/done").status_code == 404


def test_a_need_for_the_counselor_only_is_invisible_to_the_partner(sam, alex, with_homework):
    add_need(sam, "Something I'm not ready to share", steps="A secret step", visibility="counselor")
    need = db.session.scalar(select(Need).where(Need.wording.like("Something I'm not%")))
    for path in ("/week", "/needs/"):
        html = alex.get(path).get_data(as_text=True)
        assert "not ready to share" not in html and "A secret step" not in html
    step = need.steps[0]
    assert alex.post(f"/week/{with_homework['week']}/steps/{step.id}/done").status_code == 404
    # Sam sees who can read the need: the counselor alone.
    assert "Only Dana can read this" in text_of(sam.get("/week"))


def test_history_shows_need_by_need_the_weekly_ratings(sam, alex, with_homework):
    need = with_homework["need_1"]
    prefix = f"rating-{need.id}"
    sam.post(
        f"/week/{with_homework['week']}/needs/{need.id}/rating",
        data={f"{prefix}-rating": "partly", f"{prefix}-comment": "A good start"},
    )
    page = text_of(sam.get("/needs/"))
    assert "A need of partner 1" in page and "Partly A good start" in page
    their_view = text_of(alex.get("/needs/"))
    assert "Sam (partner)'s needs" in their_view and "Partly A good start" in their_view
