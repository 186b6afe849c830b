"""Appreciation notes: a partner writes the other a note of thanks, "just for" them by
default; the recipient sees "New note from …" until they open it, and both reread "Our
notes"; the counselor sees counts, and the words only of notes shared with them; a message
says a note arrived, only to a recipient who asked, never with its words."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from domain import erasure
from domain.export import counselor_record, partner_record
from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build
from domain.visibility import Audience, Viewer, may_see, who_can_read
from extensions import db
from kinds.appreciation.models import AppreciationNote
from models import AuditEvent, Visibility
from tests import factories
from tests.conftest import text_of
from tests.mail_helpers import no_quiet_hours
from tests.smtp_server import html_part, text_part

JUST_US = "Thank you for the coffee on my desk this morning."
WITH_DANA = "Thanks for listening on Wednesday without trying to fix it."


def url(with_homework) -> str:
    return f"/week/{with_homework['week']}/appreciation"


def note(text=JUST_US, visibility="partners", once="") -> dict:
    return {
        "appreciation-text": text,
        "appreciation-visibility": visibility,
        "appreciation-once": once,
    }


def count() -> int:
    return db.session.scalar(select(func.count(AppreciationNote.id)))


# --- The rule ---------------------------------------------------------------------------


def test_words_between_the_partners_are_for_both_partners_and_never_the_counselor(app, couple):
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    counselor = Viewer.for_counselor_of(couple)
    ask = {"couple_id": couple.id, "writer_id": sam.id, "visibility": Visibility.PARTNERS}
    assert may_see(Viewer.for_partner(sam), **ask)
    assert may_see(Viewer.for_partner(alex), **ask)
    assert not may_see(counselor, **ask)
    # The two values there were behave as they did.
    shared = ask | {"visibility": Visibility.SHARED}
    private = ask | {"visibility": Visibility.COUNSELOR}
    assert may_see(counselor, **shared) and may_see(counselor, **private)
    assert may_see(Viewer.for_partner(alex), **shared)
    assert not may_see(Viewer.for_partner(alex), **private)
    assert not may_see(Viewer.for_partner(alex), **shared | {"revealed": False})
    # Another couple's partner reads nothing of theirs.
    other = factories.couple(factories.counselor("Lee"), "Kim & Jo", ("Kim", "Jo"))
    assert not may_see(Viewer.for_partner(other.partner_at(1)), **ask)
    # The couple's copy of a summary is read by the counselor too: not those words.
    assert not Audience.couple_and_counselor(couple).may(sam.id, Visibility.PARTNERS)
    assert Audience.couple_and_counselor(couple).may(sam.id, Visibility.SHARED)
    assert not Audience.couple_and_counselor(couple).may(sam.id, Visibility.COUNSELOR)
    assert who_can_read(Visibility.PARTNERS, sam) == "Only Alex (partner) can read this"


# --- Writing, opening, rereading ---------------------------------------------------------


def test_a_note_reaches_the_partner_and_waits_to_be_opened(sam, alex, couple, with_homework):
    response = sam.post(url(with_homework), data=note())
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-appreciation"
    mine = text_of(sam.get("/week"))
    assert "Sent to Alex." in mine and JUST_US in mine
    assert "Only Alex (partner) can read this" in mine
    assert "You haven’t written Alex a note this week" not in mine
    theirs = text_of(alex.get("/week"))
    assert "New note from Sam" in theirs
    # Until it is opened, the words wait in the envelope.
    assert JUST_US not in theirs
    assert "You haven’t written Sam a note this week — a small thank-you counts." in theirs
    collection = text_of(alex.get("/appreciation"))
    assert "Our notes" in collection and JUST_US in collection and "New" in collection
    after = text_of(alex.get("/week"))
    assert "New note from Sam" not in after
    assert f"From Sam {JUST_US}" in after  # opened this week: on the card now
    again = text_of(alex.get("/appreciation"))
    assert JUST_US in again and "From Sam (partner)" in again


def test_our_notes_are_newest_first_for_both(sam, alex, with_homework):
    sam.post(url(with_homework), data=note("First, from Sam."))
    alex.post(url(with_homework), data=note("Second, from Alex.", "shared"))
    sam.post(url(with_homework), data=note("Third, from Sam."))
    for client in (sam, alex):
        page = text_of(client.get("/appreciation"))
        assert page.index("Third") < page.index("Second") < page.index("First")


def test_with_htmx_the_card_is_swapped_in_place(sam, with_homework):
    response = sam.post(url(with_homework), data=note(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="card-appreciation"' in body and "<html" not in body
    assert "Sent to Alex." in body and JUST_US in body


def test_an_empty_or_too_long_note_is_explained_beside_it_and_kept(sam, with_homework):
    empty = sam.post(url(with_homework), data=note("   ", "shared"))
    assert empty.status_code == 422
    assert "Please write a few words of thanks." in text_of(empty)
    long = "Thank you " * 40
    too_long = sam.post(url(with_homework), data=note(long))
    assert too_long.status_code == 422
    html = too_long.get_data(as_text=True)
    assert "Please keep it to 300 characters." in text_of(too_long)
    assert long.strip() in html
    # The choice made is kept too.
    assert re.search(
        r'value="shared"[^>]*checked|checked[^>]*value="shared"', empty.get_data(as_text=True)
    )
    odd = sam.post(url(with_homework), data=note(visibility="counselor"))
    assert odd.status_code == 422
    assert "Please choose who can read your note." in text_of(odd)
    assert count() == 0


def test_the_same_note_sent_twice_arrives_once(sam, with_homework):
    sent = note(once="one-time-key-1")
    assert sam.post(url(with_homework), data=sent).status_code == 302
    assert sam.post(url(with_homework), data=sent).status_code == 302
    assert count() == 1


# --- The counselor -----------------------------------------------------------------------


def test_the_counselor_sees_counts_and_only_the_words_shared_with_them(
    sam, alex, dana, couple, with_homework
):
    sam.post(url(with_homework), data=note(JUST_US))
    sam.post(url(with_homework), data=note(WITH_DANA, "shared"))
    alex.post(url(with_homework), data=note("Thank you for the walk."))
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    review = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Appreciation notes" in review and "3 notes written so far" in review
    assert WITH_DANA in html
    assert JUST_US not in html and "Thank you for the walk." not in html
    table = html[html.index('class="note-counts"') :]
    table = table[: table.index("</table>")]
    assert re.search(r"<td>2</td>\s*<td>1</td>", table), table
    assert "just for Alex" in review  # "Since the last session": that a note was written
    session = factories.session(couple, released=True)
    db.session.commit()
    for copy in (COUNSELOR_COPY, COUPLE_COPY):
        summary = build(session, copy)
        [section] = [s for k, s in summary.sections if k.key == "appreciation"]
        assert dict(section.counts) == {"Sam": 2, "Alex": 1}
        assert [n[3] for n in section.notes] == [WITH_DANA]
        assert section.kept_between == 2


def test_exports_hold_each_partners_notes_and_the_counselors_never_the_words_kept_between(
    sam, alex, couple, counselor, with_homework
):
    sam.post(url(with_homework), data=note(JUST_US))
    sam.post(url(with_homework), data=note(WITH_DANA, "shared"))
    for place in (1, 2):
        record = json.dumps(partner_record(couple.partner_at(place)), ensure_ascii=False)
        assert JUST_US in record and WITH_DANA in record
    record = counselor_record(couple)
    whole = json.dumps(record, ensure_ascii=False)
    assert WITH_DANA in whole and JUST_US not in whole
    # The counselor still knows two notes were written.
    assert whole.count('"to": "Alex"') == 2


def test_a_partner_who_leaves_leaves_the_notes_they_gave(sam, alex, couple, with_homework):
    sam.post(url(with_homework), data=note(JUST_US))
    alex.post(url(with_homework), data=note(WITH_DANA, "shared"))
    erasure.leave(couple.partner_at(1))
    db.session.commit()
    texts = set(db.session.scalars(select(AppreciationNote.text)))
    assert texts == {JUST_US, WITH_DANA}
    page = text_of(alex.get("/appreciation"))
    assert JUST_US in page and WITH_DANA in page


def test_the_trail_records_a_note_but_never_words_kept_between(sam, couple, with_homework):
    from domain import audit

    sam.post(url(with_homework), data=note(JUST_US))
    sam.post(url(with_homework), data=note(WITH_DANA, "shared"))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject.like("Appreciation note%"))
    ).all()
    assert len(events) == 2
    entries, _total = audit.couple_trail(couple.id, audit.Filters())
    opened = [e for e in entries if e.event.subject.startswith("Appreciation note")]
    words = [str((e.before, e.after)) for e in opened]
    assert not any(JUST_US in w for w in words)
    assert any(WITH_DANA in w for w in words)


# --- The message -------------------------------------------------------------------------


def test_a_message_says_a_note_arrived_only_when_asked_for(app, counselor, smtp, signed_in):
    from domain.mail import prefs

    couple = factories.couple(counselor, names=("Jordan", "Sam"))
    made = factories.homework(couple)
    db.session.commit()
    jordan, sam = couple.partner_at(1).user, couple.partner_at(2).user
    no_quiet_hours(jordan)
    no_quiet_hours(sam)
    db.session.commit()
    week = made["week"]
    writer = signed_in(sam)
    writer.post(f"/week/{week}/appreciation", data=note(JUST_US))
    assert smtp.wait_for(1, seconds=1) == []  # off by default

    prefs.choose(jordan, "note_received", True)
    db.session.commit()
    writer.post(f"/week/{week}/appreciation", data=note(WITH_DANA, "shared"))
    [message] = smtp.wait_for(1)
    assert smtp.recipients == [[jordan.email]]
    assert message["Subject"] == "Hearth: Sam wrote you a note"
    body = text_part(message) + html_part(message)
    assert "Sam wrote you a note of thanks" in body
    assert JUST_US not in body and WITH_DANA not in body
    assert "/appreciation" in body


def test_the_account_page_offers_the_note_message_off_by_default(app, couple, signed_in):
    client = signed_in(couple.partner_at(1).user)
    page = client.get("/account/").get_data(as_text=True)
    assert "A note from your partner" in page
    box = re.search(r'<input[^>]*name="messages-kind_note_received"[^>]*>', page)
    assert box is not None and "checked" not in box.group(0)


def test_no_note_to_a_partner_who_has_not_joined(app, counselor, signed_in):
    couple = factories.couple(counselor, names=("Jordan", "Sam"), joined=(True, False))
    made = factories.homework(couple)
    db.session.commit()
    client = signed_in(couple.partner_at(1).user)
    page = text_of(client.get("/week"))
    assert "You can write Sam a note once they’ve joined Hearth." in page
    assert "Send the note" not in page
    response = client.post(f"/week/{made['week']}/appreciation", data=note())
    assert response.status_code == 409
    assert "Your note can be sent once Sam has joined Hearth." in text_of(response)
    assert count() == 0
