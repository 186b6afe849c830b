"""A stored summary PDF is served only while it still shows what the summary would show.

Every kind of change a summary shows (an answer of every registered kind, a pinned
moment, a session's notes, the homework agreed, a partner's name, the counselor's name,
the confidentiality policy) must draw the PDF anew, and the new PDF must show it; an
unchanged summary is served from the store without gathering or drawing anything.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import domain.pdf
from domain import confidentiality
from domain.homework import assign, couple_week
from domain.summary import pin_candidates
from extensions import db
from kinds import registry
from models import Couple, PinnedMoment, SummaryPdf
from tests import factories
from tests.conftest import login

SHARED = "shared"


def squeezed(data: bytes) -> str:
    """The PDF's text, lower case, with every space and line break gone (a long word may
    be broken across lines)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages)).lower()


@pytest.fixture
def drawn(monkeypatch):
    """How many times a PDF was drawn."""
    renders = []
    real = domain.pdf.render_pdf
    monkeypatch.setattr(domain.pdf, "render_pdf", lambda html: renders.append(1) or real(html))
    return renders


@pytest.fixture
def practice(app):
    """Sam and Alex with every kind assigned three weeks back, and a released session."""
    counselor = factories.counselor("Dana Rivera")
    couple = factories.couple(counselor, "Sam & Alex")
    week = couple_week(couple).start
    first = week - timedelta(weeks=3)
    assignments = {
        kind.key: assign(
            couple, kind.key, starts_on=first, weeks=None, instructions=kind.default_instructions
        )
        for kind in registry.REGISTRY
    }
    db.session.flush()
    session = factories.session(couple, released=True)
    session.held_at = session.held_at + timedelta(days=1)
    db.session.commit()
    client = app.test_client()
    login(client, counselor.email)
    return {
        "counselor": counselor,
        "couple": couple,
        "assignments": assignments,
        "weeks": [first + timedelta(weeks=i) for i in range(4)],
        "session": session,
        "client": client,
        "url": f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-counselor.pdf",
    }


def download(practice) -> bytes:
    response = practice["client"].get(practice["url"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def redrawn_with(practice, drawn, *words: str) -> None:
    """The next download is drawn anew and shows each of ``words``; the one after comes
    from the store, unchanged."""
    before = len(drawn)
    data = download(practice)
    assert len(drawn) == before + 1, "a changed summary was served from the store"
    text = squeezed(data)
    for word in words:
        assert re.sub(r"\s+", "", word).lower() in text, word
    assert download(practice) == data and len(drawn) == before + 1


def test_an_unchanged_summary_comes_from_the_store_in_a_few_queries(app, practice, drawn, queries):
    first = download(practice)
    assert len(drawn) == 1
    with queries() as q:
        again = download(practice)
    assert again == first and len(drawn) == 1
    # The counselor, the session with its couple, the stored copy with the couple's data
    # version, and the audit row of the download: nothing gathered, nothing drawn.
    assert q.count == 4, "\n".join(q.statements)


def test_an_answer_of_every_kind_draws_the_summary_anew(app, practice, drawn):
    download(practice)
    sam = practice["couple"].partner_at(1)
    for n, kind in enumerate(registry.REGISTRY):
        written: list[str] = []

        def word(private, column, kind=kind, written=written):
            text = f"FRESH{kind.key}{private.name}{column}".replace("_", "").upper()
            written.append(text)
            return text

        kind.sample(practice["assignments"][kind.key], sam, practice["weeks"][n % 4], word, SHARED)
        db.session.commit()
        assert written, kind.key
        before = len(drawn)
        text = squeezed(download(practice))
        assert len(drawn) == before + 1, f"{kind.key}: a changed summary came from the store"
        shown = [w for w in written if w.lower() in text]
        assert shown, f"{kind.key}: none of {written} in the new PDF"


def test_a_pinned_moment_draws_the_summary_anew(app, practice, drawn):
    sam = practice["couple"].partner_at(1)
    kind = registry.REGISTRY[0]
    kind.sample(
        practice["assignments"][kind.key],
        sam,
        practice["weeks"][1],
        lambda private, column: f"PINNED{private.name}{column}".replace("_", "").upper(),
        SHARED,
    )
    db.session.commit()
    download(practice)
    session = practice["session"]
    source, source_id, field, quote = pin_candidates(session)[0]
    session.pins.append(PinnedMoment(source=source, source_id=source_id, field=field))
    db.session.commit()
    redrawn_with(practice, drawn, "Moments worth keeping", quote.text)


def test_session_notes_and_agreed_homework_draw_the_summary_anew(app, practice, drawn):
    download(practice)
    session = practice["session"]
    session.shareable_notes = "We talked about the ten-minute pause."
    db.session.commit()
    redrawn_with(practice, drawn, "We talked about the ten-minute pause.")
    # Only the link table changes when the agreed homework does.
    kind = registry.REGISTRY[-1]
    session.agreed = [practice["assignments"][kind.key]]
    db.session.commit()
    redrawn_with(practice, drawn, "We agreed to carry on with", kind.name)


def test_names_draw_the_summary_anew(app, practice, drawn):
    download(practice)
    practice["couple"].partner_at(2).user.display_name = "Alexandra"
    db.session.commit()
    redrawn_with(practice, drawn, "Alexandra")
    practice["counselor"].display_name = "Dana Rivera-Okafor"
    db.session.commit()
    redrawn_with(practice, drawn, "Dana Rivera-Okafor")


def test_the_confidentiality_policy_draws_the_summary_anew(app, practice, drawn):
    download(practice)
    counselor, couple = practice["counselor"], practice["couple"]
    usual = confidentiality.PolicyChoice(
        approach="own",
        line="Everything you write here reaches me, and stays between us three.",
        wording="What you write stays between the three of us.",
        exceptions="Only if someone is in danger.",
        safety="Call 112 if you are not safe at home.",
    )
    confidentiality.save(counselor, usual)
    db.session.commit()
    redrawn_with(practice, drawn, "stays between us three")
    theirs = confidentiality.PolicyChoice(**{**usual.__dict__, "line": "Agreed with you two."})
    confidentiality.save(counselor, theirs, couple)
    db.session.commit()
    redrawn_with(practice, drawn, "Agreed with you two.")
    assert confidentiality.end_couple_policy(couple)
    db.session.commit()
    redrawn_with(practice, drawn, "stays between us three")


def test_a_change_to_another_couple_leaves_the_stored_copy_alone(app, practice, drawn):
    download(practice)
    other = factories.couple(practice["counselor"], "Kim & Jo", names=("Kim", "Jo"))
    db.session.commit()
    other.partner_at(1).user.display_name = "Kimberly"
    db.session.commit()
    download(practice)
    assert len(drawn) == 1
    version = db.session.scalar(
        select(Couple.data_version).where(Couple.id == practice["couple"].id)
    )
    key = domain.pdf.validity_key(version, "counselor", "a4")
    assert db.session.scalar(select(SummaryPdf.content_hash)) == key


def test_releasing_draws_the_couples_copy_so_partners_never_wait(
    app, practice, drawn, queries, signed_in
):
    session = practice["session"]
    session.released_at = None
    db.session.commit()
    couple, client = practice["couple"], practice["client"]
    release = f"/counselor/couples/{couple.id}/sessions/{session.id}/release"
    assert client.post(release).status_code == 302
    # Drawn on the queue (at once in tests) as the counselor released it.
    assert len(drawn) == 1
    stored = db.session.scalar(select(SummaryPdf.copy).where(SummaryPdf.session_id == session.id))
    assert stored == "couple"
    sam = signed_in(couple.partner_at(1).user)
    url = f"/summaries/{session.id}.pdf"
    with queries() as q:
        response = sam.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert len(drawn) == 1, "the partner's first download drew the summary"
    assert "repairafterarguments" in squeezed(response.data)
    # The partner, the session with their place and the counselor's paper, the stored
    # copy, "opened" and the audit row of the download.
    assert q.count == 5, "\n".join(q.statements)
    # Taking it back and releasing it again draws nothing new: nothing changed.
    client.post(release, data={"undo": "1"})
    client.post(release)
    assert len(drawn) == 1
    assert sam.get(url).data == response.data
