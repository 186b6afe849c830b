"""A private word to the counselor: written any time by a partner, read by the counselor
only. The other partner never sees it, nor that it exists: not on a page, a fragment, a
PDF, their export, their calendar feed, a message, or a count."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from domain import erasure, mail, private_words
from domain.export import counselor_record, partner_record
from domain.mail import prefs
from domain.mail.kinds import KINDS
from extensions import db
from models import AuditEvent, CoupleStatus, PrivateWord, utcnow
from tests import factories
from tests.conftest import login, text_of
from tests.mail_helpers import at, no_quiet_hours
from tests.smtp_server import html_part, text_part
from tests.test_kinds import _candidates, _every_text, marked  # noqa: F401  (a fixture)
from tests.test_privacy_walk import Walk

WORDS = "I have not told Alex about the loan yet and I need help saying it"
MARKER = "MKPWORDZQXJVKWP"


def _write(client, text: str):
    return client.post("/word", data={"text": text})


# --- Writing it ---------------------------------------------------------------------------


def test_a_partner_writes_a_word_and_is_told_only_the_counselor_reads_it(app, couple, sam):
    page = sam.get("/week")
    assert "A word to Dana Rivera" in text_of(page)
    form = sam.get("/word")
    assert "Only Dana can read this." in text_of(form)
    # What "for the counselor only" means with Dana, and what to do when not safe at home.
    assert "For your counselor only:" in text_of(form) and "keeps it" in text_of(form)
    answer = _write(sam, WORDS)
    assert answer.status_code == 302 and answer.location.startswith("/word#word-")
    page = sam.get(answer.location)
    text = text_of(page)
    assert "Sent to Dana Rivera. Your partner won't see it." in text
    assert "What you've sent" in text and WORDS in text and "Not read yet" in text
    # Under the word, the line every saved answer has: who can read it.
    assert text.count("Only Dana can read this") == 2
    [word] = db.session.scalars(select(PrivateWord)).all()
    assert word.partner_id == couple.partner_at(1).id and word.couple_id == couple.id


def test_nothing_typed_or_too_much_is_said_beside_the_box_and_kept(app, sam):
    empty = _write(sam, "   ")
    assert empty.status_code == 422
    assert "Please write a few words first." in text_of(empty)
    long = "Something I need to say. " * 100
    refused = _write(sam, long)
    assert refused.status_code == 422
    assert "Please keep it to 2000 characters." in text_of(refused)
    assert long.strip()[:200] in refused.get_data(as_text=True)
    assert db.session.scalars(select(PrivateWord)).all() == []


def test_the_same_words_sent_twice_in_a_moment_are_one_word(app, sam):
    _write(sam, WORDS)
    _write(sam, WORDS)
    assert len(db.session.scalars(select(PrivateWord)).all()) == 1


# --- The counselor ------------------------------------------------------------------------


def test_the_counselor_reads_it_counts_it_and_marks_it_read(app, couple, sam, dana):
    _write(sam, WORDS)
    board = text_of(dana.get("/counselor/"))
    assert "1 private word to read" in board
    page = dana.get(f"/counselor/couples/{couple.id}")
    text = text_of(page)
    assert "Private words to you" in text and "1 unread" in text
    assert WORDS in text and "Sam" in text and "Counselor only" in text
    [word] = db.session.scalars(select(PrivateWord)).all()
    done = dana.post(f"/counselor/couples/{couple.id}/words/{word.id}/read", data={"read": "1"})
    assert done.status_code == 302 and done.location.endswith("#private-words")
    assert "private word to read" not in text_of(dana.get("/counselor/"))
    text = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "1 unread" not in text and "Mark unread" in text and WORDS in text
    assert "Read by Dana Rivera" in text_of(sam.get("/word"))
    dana.post(f"/counselor/couples/{couple.id}/words/{word.id}/read", data={"read": "0"})
    assert "1 private word to read" in text_of(dana.get("/counselor/"))


def test_another_counselor_cannot_read_or_mark_it(app, couple, sam, signed_in):
    _write(sam, WORDS)
    [word] = db.session.scalars(select(PrivateWord)).all()
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    lee = signed_in(other)
    assert lee.get(f"/counselor/couples/{couple.id}").status_code == 404
    answer = lee.post(f"/counselor/couples/{couple.id}/words/{word.id}/read")
    assert answer.status_code == 404
    db.session.refresh(word)
    assert word.read_at is None
    assert WORDS not in text_of(lee.get("/counselor/"))


def test_the_digest_counts_unread_words_and_says_nothing_of_them(app, counselor, smtp):
    couple = factories.couple(counselor)
    couple.status = CoupleStatus.PAUSED  # a hard week: the words still count
    db.session.commit()
    no_quiet_hours(counselor)
    monday = at("2026-11-16 09:00")
    mail.send_due(monday)
    assert smtp.to(counselor.email) == []  # nothing worth a look: no digest
    for text in (WORDS, "Another thing before Thursday"):
        db.session.add(
            PrivateWord(couple_id=couple.id, partner_id=couple.partner_at(1).id, text=text)
        )
    db.session.commit()
    mail.send_due(monday + timedelta(days=1))
    [digest] = smtp.to(counselor.email)
    assert digest["Subject"] == "Hearth: 2 private words to read"
    body = text_part(digest) + html_part(digest)
    assert "2 private words from your couples are waiting for you to read." in body
    assert "loan" not in body and "Thursday" not in body and "Sam" not in body


# --- Export, erasure, audit ---------------------------------------------------------------


def test_the_writers_export_and_the_counselors_hold_it_the_other_partners_does_not(app, couple):
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    private_words.write(sam, WORDS)
    db.session.commit()
    assert [w["text"] for w in partner_record(sam)["private_words"]] == [WORDS]
    assert partner_record(alex)["private_words"] == []
    [row] = counselor_record(couple)["private_words"]
    assert row["text"] == WORDS and row["by"] == "Sam" and row["read_at"] is None


def test_a_partner_who_leaves_takes_their_words_and_leaves_the_others(app, couple):
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    private_words.write(sam, WORDS)
    private_words.write(alex, "Alex's own word for Dana")
    db.session.commit()
    counts = erasure.leave(sam)
    db.session.commit()
    assert counts["private_words"] == 1
    left = _every_text()
    assert WORDS not in left and "Alex's own word for Dana" in left


def test_writing_and_reading_leave_sealed_events_in_the_audit_trail(app, couple, sam, dana):
    _write(sam, WORDS)
    [word] = db.session.scalars(select(PrivateWord)).all()
    dana.post(f"/counselor/couples/{couple.id}/words/{word.id}/read")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject == private_words.SUBJECT)
    ).all()
    assert [e.kind for e in events] == ["created", "changed"]
    assert all(e.couple_id == couple.id for e in events)
    assert all(WORDS not in (e.detail + e.sealed) for e in events)


# --- The other partner: nothing, anywhere, not even a count --------------------------------


def _alex_sees(client, alex) -> dict:
    """What Alex can read of the word feature: pages as text, the export record."""
    record = partner_record(alex)
    record.pop("exported_at")
    return {
        "week": text_of(client.get("/week")),
        "word": text_of(client.get("/word")),
        "export": record,
    }


def test_the_other_partner_sees_no_trace_of_it_anywhere(app, marked, smtp):  # noqa: F811
    x = marked["x"]
    sam, alex = x.partner_at(1), x.partner_at(2)
    client = app.test_client()
    login(client, alex.user.email)
    before = _alex_sees(client, alex)

    for n in range(3):
        private_words.write(sam, f"{MARKER} number {n}")
    db.session.commit()
    # Not even a count: what Alex reads is the same as before Sam wrote.
    assert _alex_sees(client, alex) == before

    # Every page and fragment Alex can ask for, every PDF, the calendar feed, the export.
    walk = Walk(client, {MARKER})
    walk.every_get_route(app, _candidates(marked))
    walk.post("/account/export", htmx=False)
    assert walk.statuses.get("POST /account/export") == 200
    assert walk.responses >= 100
    assert not walk.hits, walk.hits

    # Every message Alex could be sent over a week, every kind switched on.
    for kind in KINDS:
        prefs.choose(alex.user, kind.name, True)
    no_quiet_hours(alex.user)
    db.session.commit()
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    for hours in range(0, 24 * 8, 6):
        mail.send_due(start + timedelta(hours=hours))
    for message in smtp.to(alex.user.email):
        body = text_part(message) + html_part(message) + str(message["Subject"])
        assert MARKER.lower() not in body.lower()
        assert not re.search(r"private word", body, re.I)

    # The counselor reads every one of them, and Sam their own.
    dana = app.test_client()
    login(dana, marked["counselor"].email)
    page = dana.get(f"/counselor/couples/{x.id}").get_data(as_text=True)
    assert page.count(MARKER) == 3
    mine = app.test_client()
    login(mine, sam.user.email)
    assert mine.get("/word").get_data(as_text=True).count(MARKER) == 3


def test_the_leave_page_says_the_words_go_with_the_writer(app, sam):
    page = text_of(sam.get("/account/leave"))
    assert "Any private word you wrote to Dana Rivera, read or not." in page


def test_no_table_outside_the_kinds_holds_a_partners_words_unwalked(app):
    """A partner's words live in a kind's tables (walked through the registry) or in
    ``private_words`` (walked above). A new table of a partner's text outside both fails
    here until it has its own export, erasure and walk."""
    from sqlalchemy import String, Text

    from kinds import registry

    of_kinds = {m.__tablename__ for kind in registry.REGISTRY for m in kind.models}
    not_words = {"invitations"}  # a link's purpose and its hashed token
    found = set()
    for table in db.metadata.sorted_tables:
        writers = {fk.column.table.name for c in table.c for fk in c.foreign_keys}
        texts = [c for c in table.c if isinstance(c.type, String | Text)]
        if "partners" in writers and texts and table.name not in of_kinds | not_words:
            found.add(table.name)
    assert found == {"private_words"}
