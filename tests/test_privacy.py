"""A partner never sees the other's private answers: on any page, fragment or attribute.

Sam writes one counselor-only answer of every kind, each with a unique marker; Alex then
walks every page and fragment a partner can reach. The counselor sees all of them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.homework import couple_week
from domain.weeks import weeks_back
from extensions import db
from kinds.needs.models import Need
from tests import factories
from tests.conftest import login

MARKERS = {
    "note": "PRIVATE-SAM-RHYTHM-NOTE",
    "reflection": "PRIVATE-SAM-REFLECTION",
    "went_well": "PRIVATE-SAM-WENT-WELL",
    "felt_off": "PRIVATE-SAM-FELT-OFF",
    "support": "PRIVATE-SAM-SUPPORT",
    "need": "PRIVATE-SAM-NEED",
    "step": "PRIVATE-SAM-STEP",
    "comment": "PRIVATE-SAM-RATING-COMMENT",
}


@pytest.fixture
def private_sam(app, counselor, couple, signed_in):
    hw = factories.homework(couple)
    db.session.commit()
    sam = signed_in(couple.partner_at(1).user)
    week = hw["week"]
    rhythm = hw["rhythm"]
    item = rhythm.rhythm_items[0]
    sam.post(
        f"/week/{week}/rhythm/{item.id}/done",
        data={
            f"mark-{item.id}-note": MARKERS["note"],
            f"mark-{item.id}-note_visibility": "counselor",
        },
    )
    p = f"reflection-{rhythm.id}"
    sam.post(
        f"/week/{week}/rhythm/{rhythm.id}/reflection",
        data={f"{p}-helped": MARKERS["reflection"], f"{p}-visibility": "counselor"},
    )
    sam.post(
        f"/week/{week}/check-in",
        data={
            "connected": "3",
            "heard": "2",
            "stress": "9",
            "went_well": MARKERS["went_well"],
            "went_well_visibility": "counselor",
            "felt_off": MARKERS["felt_off"],
            "felt_off_visibility": "counselor",
            "support": MARKERS["support"],
            "support_visibility": "counselor",
        },
    )
    sam.post(
        "/needs/new",
        data={"wording": MARKERS["need"], "steps": MARKERS["step"], "visibility": "counselor"},
    )
    shared_need = hw["need_1"]
    p = f"rating-{shared_need.id}"
    sam.post(
        f"/week/{week}/needs/{shared_need.id}/rating",
        data={
            f"{p}-rating": "partly",
            f"{p}-comment": MARKERS["comment"],
            f"{p}-comment_visibility": "counselor",
        },
    )
    private_need = db.session.scalar(select(Need).where(Need.wording == MARKERS["need"]))
    assert private_need is not None
    return {"hw": hw, "private_need": private_need}


def _bodies_alex_can_reach(client, couple, hw):
    week = hw["week"]
    paths = ["/week", "/needs/", "/needs/new", f"/week/{week}/check-in"]
    paths += [f"/week/{w.start}" for w in weeks_back(couple_week(couple), 4)]
    alex_need = hw["need_2"]
    paths.append(f"/needs/{alex_need.id}/edit")
    bodies = {path: client.get(path) for path in paths}
    for path in ("/week", "/needs/"):
        bodies[f"{path} (htmx)"] = client.get(path, headers={"HX-Request": "true"})
    # Fragments that come back after Alex's own actions on each card.
    item = hw["rhythm"].rhythm_items[1]
    step = hw["need_1"].steps[0]
    htmx = {"HX-Request": "true"}
    bodies["mark fragment"] = client.post(f"/week/{week}/rhythm/{item.id}/done", headers=htmx)
    bodies["step fragment"] = client.post(f"/week/{week}/steps/{step.id}/done", headers=htmx)
    p = f"rating-{alex_need.id}"
    bodies["rating fragment"] = client.post(
        f"/week/{week}/needs/{alex_need.id}/rating", data={f"{p}-rating": "met"}, headers=htmx
    )
    return bodies


def test_the_partner_never_sees_a_private_answer(app, couple, private_sam, signed_in):
    alex = signed_in(couple.partner_at(2).user)
    bodies = _bodies_alex_can_reach(alex, couple, private_sam["hw"])
    for where, response in bodies.items():
        assert response.status_code < 400, where
        body = response.get_data(as_text=True)
        for marker in MARKERS.values():
            assert marker not in body, f"{marker} leaked into {where}"
    # Hidden in plain sight: the private need's ID leads nowhere for Alex either.
    step = private_sam["private_need"].steps[0]
    week = private_sam["hw"]["week"]
    assert alex.post(f"/week/{week}/steps/{step.id}/done").status_code == 404
    assert alex.get(f"/needs/{private_sam['private_need'].id}/edit").status_code == 404
    print(f"searched {len(bodies)} pages and fragments for {len(MARKERS)} private answers")


def test_the_writer_and_the_counselor_see_every_private_answer(
    app, couple, counselor, private_sam, signed_in
):
    sam = signed_in(couple.partner_at(1).user)
    sam_pages = sam.get("/week").get_data(as_text=True) + sam.get("/needs/").get_data(as_text=True)
    for key in ("note", "reflection", "need", "step"):
        assert MARKERS[key] in sam_pages
    check_in_page = sam.get(f"/week/{private_sam['hw']['week']}/check-in").get_data(as_text=True)
    assert MARKERS["felt_off"] in check_in_page

    client = app.test_client()
    login(client, counselor.email)
    page = client.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    for key in ("went_well", "felt_off", "support", "need"):
        assert MARKERS[key] in page, key
