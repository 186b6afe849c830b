"""The one privacy rule, tested directly."""

from __future__ import annotations

import pytest

from domain.visibility import Viewer, may_see
from models import Role, Visibility

COUPLE, OTHER_COUPLE = 10, 20
WRITER, PARTNER = 1, 2

counselor = Viewer(user_id=100, role=Role.COUNSELOR, counselor_of=frozenset({COUPLE}))
other_counselor = Viewer(user_id=101, role=Role.COUNSELOR, counselor_of=frozenset({OTHER_COUPLE}))
writer = Viewer(user_id=1, role=Role.PARTNER, partner_id=WRITER, couple_id=COUPLE)
partner = Viewer(user_id=2, role=Role.PARTNER, partner_id=PARTNER, couple_id=COUPLE)
stranger = Viewer(user_id=3, role=Role.PARTNER, partner_id=3, couple_id=OTHER_COUPLE)
no_place = Viewer(user_id=4, role=Role.PARTNER)


@pytest.mark.parametrize(
    ("viewer", "visibility", "revealed", "expected"),
    [
        (counselor, Visibility.COUNSELOR, True, True),
        (counselor, Visibility.SHARED, False, True),
        (other_counselor, Visibility.SHARED, True, False),
        (writer, Visibility.COUNSELOR, True, True),
        (writer, Visibility.SHARED, False, True),
        (partner, Visibility.SHARED, True, True),
        (partner, Visibility.COUNSELOR, True, False),
        (partner, Visibility.SHARED, False, False),  # waits for both to check in
        (partner, "something unknown", True, False),
        (stranger, Visibility.SHARED, True, False),
        (no_place, Visibility.SHARED, True, False),
    ],
)
def test_who_may_read_an_answer(viewer, visibility, revealed, expected):
    assert (
        may_see(
            viewer,
            couple_id=COUPLE,
            writer_id=WRITER,
            visibility=visibility,
            revealed=revealed,
        )
        is expected
    )


def test_a_comment_on_a_private_need_stays_private():
    from domain.visibility import strictest

    assert strictest(Visibility.SHARED, Visibility.SHARED) == Visibility.SHARED
    assert strictest(Visibility.SHARED, Visibility.COUNSELOR) == Visibility.COUNSELOR
    assert strictest(Visibility.COUNSELOR, Visibility.SHARED) == Visibility.COUNSELOR
