"""Review point 11: a partner cannot pass for the counselor, or for Hearth, by their name.

Names that claim a role are refused when a partner joins (the only place a name is
set), and wherever one person's name is shown to another, the role stands beside it:
"Jordan (partner)".
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.names import ROLE_NAME_MESSAGE
from extensions import db
from kinds.checkin.models import CheckIn
from models import User
from tests import factories
from tests.conftest import login, text_of
from tests.test_data import pdf_text as squeezed_pdf_text
from tests.test_invitations import invited, join  # noqa: F401 (the fixture)

ROLE_NAMES = [
    "Your counselor",
    "YOUR COUNSELOR",
    "y o u r   c o u n s e l o r",
    "Your\u200bCounsellor",
    "Cоunselor",  # a Cyrillic "о"
    "Dr. Therapist",
    "Hearth",
    "Hearth Support",
    "support",
    "Admin",
    "The admin team",
    "Your partner",
]


def _message_next_to_the_name(html: str) -> str:
    at = html.index('id="display_name-error"')
    return html[at : at + 400]


@pytest.mark.parametrize("name", ROLE_NAMES)
def test_names_that_claim_a_role_are_refused_at_join(client, invited, name):  # noqa: F811
    _, token, _ = invited
    response = join(client, token, display_name=name)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ROLE_NAME_MESSAGE in _message_next_to_the_name(html)
    assert 'value="robin@example.com"' in html  # what they typed is still there
    assert db.session.scalar(select(func.count(User.id)).where(User.role == "partner")) == 0


@pytest.mark.parametrize("name", ["Youri", "Heather", "María José", "Supriya"])
def test_ordinary_names_still_join(client, invited, name):  # noqa: F811
    _, token, _ = invited
    assert join(client, token, display_name=name).status_code == 302


def test_roles_are_shown_beside_names_wherever_another_person_reads_them(app, counselor, signed_in):
    """Jordan's name, as Alex and the counselor read it: always "Jordan (partner)"."""
    couple = factories.couple(counselor, names=("Jordan", "Alex"))
    made = factories.homework(couple)
    factories.history(couple, made, 2)
    jordan = couple.partner_at(1)
    check_in = db.session.scalar(
        select(CheckIn).where(CheckIn.partner_id == jordan.id, CheckIn.week_start == made["week"])
    )
    check_in.went_well, check_in.went_well_visibility = "We cooked together", "shared"
    session = factories.session(couple, released=True)
    db.session.commit()
    alex = signed_in(couple.partner_at(2).user)
    dana = app.test_client()
    login(dana, counselor.email)

    week = text_of(alex.get("/week"))
    for seen in (
        "Done by Jordan (partner)",  # the rhythm
        "Jordan (partner) needs: A need of partner 1",  # the needs card
        "Jordan (partner)'s check-in:",  # their shared check-in
        "You and Jordan (partner) are working with",
    ):
        assert seen in week, seen
    assert "Jordan (partner)'s needs" in text_of(alex.get("/needs/"))
    pdf = squeezed_pdf_text(alex.get(f"/summaries/{session.id}.pdf").data)
    assert "✓Jordan(partner)" in pdf and "Jordan(partner):checkedin" in pdf
    base = f"/counselor/couples/{couple.id}"
    preview = text_of(dana.get(f"{base}/sessions/{session.id}"))
    assert "Jordan (partner): checked in" in preview
    assert "“We cooked together” Jordan (partner), What went well" in preview  # to pin
    review = text_of(dana.get(base))
    assert "Jordan (partner): A need of partner 1" in review
    assert "Jordan (partner)" in review.split("Latest check-ins", 1)[1][:60]


def test_every_name_a_person_chooses_is_checked_for_a_role():
    """Any form field for one's own name (today only joining) carries the same check."""
    import inspect

    from wtforms.fields.core import UnboundField

    from forms.base import all_forms, not_a_role

    found = []
    for cls in all_forms():
        for name, unbound in inspect.getmembers(cls):
            if isinstance(unbound, UnboundField) and name == "display_name":
                found.append(cls.__name__)
                assert not_a_role in unbound.kwargs["validators"], cls.__name__
    assert "JoinForm" in found
