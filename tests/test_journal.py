"""The shared journal: either partner writes a moment down, shared by default; looking back,
newest first; the offer to look back on a hard week; the counselor's review, pins and
summary."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.homework import couple_week
from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build, pin_candidates
from extensions import db
from kinds.journal.models import JournalEntry
from models import AssignmentStatus, PinnedMoment
from tests import factories
from tests.conftest import text_of

SHARED = "We laughed while cooking on Sunday."
PRIVATE = "I finally felt safe telling Alex about work."


def url(with_homework) -> str:
    return f"/week/{with_homework['week']}/journal"


def moment(text=SHARED, visibility="shared", happened_on="", once="") -> dict:
    return {
        "journal-text": text,
        "journal-happened_on": happened_on,
        "journal-visibility": visibility,
        "journal-once": once,
    }


def entries() -> int:
    return db.session.scalar(select(func.count(JournalEntry.id)))


def test_a_moment_written_down_is_on_both_phones(sam, alex, with_homework):
    response = sam.post(url(with_homework), data=moment())
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-journal"
    page = text_of(sam.get("/week"))
    assert "Written down. Thank you for noticing it." in page
    assert SHARED in page
    alex_page = text_of(alex.get("/week"))
    assert f"Sam (partner) {SHARED}" in alex_page


def test_a_moment_for_the_counselor_stays_from_the_partner(sam, alex, dana, couple, with_homework):
    sam.post(url(with_homework), data=moment(PRIVATE, "counselor"))
    mine = text_of(sam.get("/week"))
    assert PRIVATE in mine and "Only Dana can read this" in mine
    assert PRIVATE not in alex.get("/week").get_data(as_text=True)
    assert PRIVATE not in alex.get("/journal").get_data(as_text=True)
    review = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Shared journal" in review and PRIVATE in review
    assert "Counselor only" in review


def test_an_empty_moment_or_a_day_to_come_is_explained_and_kept(sam, couple, with_homework):
    empty = sam.post(url(with_homework), data=moment("", happened_on="2026-01-02"))
    assert empty.status_code == 422
    assert "Please write a sentence about the moment." in text_of(empty)
    assert 'value="2026-01-02"' in empty.get_data(as_text=True)
    later = (couple_week(couple).start + timedelta(days=30)).isoformat()
    future = sam.post(url(with_homework), data=moment(happened_on=later))
    assert future.status_code == 422
    assert "That day hasn't come yet." in text_of(future)
    assert SHARED in future.get_data(as_text=True)
    assert entries() == 0


def test_the_same_moment_sent_twice_is_written_once(sam, with_homework):
    sent = moment(once="one-time-key-1")
    assert sam.post(url(with_homework), data=sent).status_code == 302
    assert sam.post(url(with_homework), data=sent).status_code == 302
    # A reload that made a new key: the same words a moment ago are the same moment.
    assert sam.post(url(with_homework), data=moment(once="another-key")).status_code == 302
    assert entries() == 1


def test_with_htmx_only_the_card_comes_back(sam, with_homework):
    response = sam.post(url(with_homework), data=moment(), headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card hw-card" id="card-journal"')
    assert SHARED in html and "<html" not in html


def test_a_paused_journal_takes_nothing(sam, with_homework):
    with_homework["journal"].status = AssignmentStatus.PAUSED
    db.session.commit()
    response = sam.post(url(with_homework), data=moment())
    assert response.status_code == 409
    assert entries() == 0


def test_looking_back_shows_the_newest_first(sam, alex, couple, with_homework):
    week = with_homework["week"]
    sam.post(
        url(with_homework),
        data=moment("The oldest one", happened_on=(week - timedelta(days=20)).isoformat()),
    )
    alex.post(url(with_homework), data=moment("The newest one", happened_on=week.isoformat()))
    sam.post(
        url(with_homework),
        data=moment("The middle one", happened_on=(week - timedelta(days=3)).isoformat()),
    )
    page = text_of(sam.get("/journal"))
    assert (
        page.index("The newest one") < page.index("The middle one") < page.index("The oldest one")
    )
    assert "Alex" in page


def _hard_week(couple, made, *, shared: bool):
    """Sam's connection dropped from 8 to 4 between last week and this one."""
    sam = couple.partner_at(1)
    made["checkin"].starts_on = made["week"] - timedelta(weeks=1)
    factories.check_in(
        made, sam, made["week"] - timedelta(weeks=1), connected=8, scales_shared=shared
    )
    factories.check_in(made, sam, made["week"], connected=4, scales_shared=shared)
    db.session.add(
        JournalEntry(
            assignment_id=made["journal"].id,
            partner_id=couple.partner_at(2).id,
            week_start=made["week"] - timedelta(weeks=1),
            text="The lake walk.",
        )
    )
    db.session.commit()


OFFER = "This week looks like a harder one."


def test_a_hard_week_offers_to_look_back(sam, alex, couple, with_homework):
    assert OFFER not in text_of(sam.get("/week"))
    _hard_week(couple, with_homework, shared=True)
    for client in (sam, alex):
        page = text_of(client.get("/week"))
        assert OFFER in page and "Look back at 1 moment" in page


def test_numbers_kept_for_the_counselor_make_no_offer_to_the_partner(
    sam, alex, couple, with_homework
):
    _hard_week(couple, with_homework, shared=False)
    assert OFFER in text_of(sam.get("/week"))
    assert OFFER not in text_of(alex.get("/week"))


def test_the_counselor_can_pin_a_shared_moment_into_the_summary(sam, couple, with_homework):
    sam.post(url(with_homework), data=moment())
    sam.post(url(with_homework), data=moment(PRIVATE, "counselor"))
    session = factories.session(couple)
    db.session.commit()
    candidates = [c for c in pin_candidates(session) if c[0] == "journal"]
    assert [c[3].text for c in candidates] == [SHARED]
    source, row_id, field_name, quote = candidates[0]
    assert quote.where.startswith("Journal, week of ")
    session.pins.append(PinnedMoment(source=source, source_id=row_id, field=field_name))
    db.session.commit()
    couples_copy = build(session, COUPLE_COPY)
    assert [q.text for q in couples_copy.pins] == [SHARED]
    [section] = [s for k, s in couples_copy.sections if k.key == "journal"]
    assert [text for _, _, text in section.moments] == [SHARED]
    [counselors] = [s for k, s in build(session, COUNSELOR_COPY).sections if k.key == "journal"]
    assert {text for _, _, text in counselors.moments} == {SHARED, PRIVATE}
