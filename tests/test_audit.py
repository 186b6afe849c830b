"""The audit trail: what is recorded, what the counselor sees, and that rows only grow."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from domain import audit
from extensions import db
from kinds.checkin.models import CheckIn
from models import AppendOnlyError, AuditEvent, Couple, User, utcnow
from tests import factories
from tests.conftest import login, text_of


def _events(couple_id, kind=None):
    query = select(AuditEvent).where(AuditEvent.couple_id == couple_id).order_by(AuditEvent.id)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return list(db.session.scalars(query))


def _check_in(client, week, went_well, version="0", visibility="counselor"):
    return client.post(
        f"/week/{week}/check-in",
        data={
            "connected": "6",
            "heard": "7",
            "stress": "4",
            "scales_shared": "y",
            "went_well": went_well,
            "went_well_visibility": visibility,
            "felt_off": "",
            "felt_off_visibility": "counselor",
            "support": "",
            "support_visibility": "counselor",
            "version": version,
        },
    )


def test_a_changed_answer_shows_before_and_after_to_the_counselor(
    app, counselor, couple, with_homework, signed_in
):
    sam = couple.partner_at(1).user
    phone = signed_in(sam)
    week = with_homework["week"].isoformat()
    assert _check_in(phone, week, "We cooked together on Sunday").status_code == 302
    assert _check_in(phone, week, "We cooked and walked on Sunday", "1").status_code == 302

    changed = _events(couple.id, "changed")
    assert [e.subject for e in changed] == [f"Check-in, week of {week}"]
    event = changed[0]
    assert event.actor_id == sam.id and event.actor_role == "partner"
    # The words are sealed in the database...
    assert "cooked" not in event.detail and "cooked" not in event.sealed
    assert event.sealed_for == sam.id
    # ...and readable on the counselor's page.
    office = signed_in(counselor)
    page = text_of(office.get(f"/counselor/couples/{couple.id}/audit?kind=changed"))
    assert "We cooked together on Sunday" in page
    assert "We cooked and walked on Sunday" in page
    assert sam.display_name in page


def test_a_partners_words_become_unreadable_when_their_account_goes(
    app, counselor, couple, with_homework, signed_in
):
    sam = couple.partner_at(1).user
    week = with_homework["week"].isoformat()
    assert _check_in(signed_in(sam), week, "Only for Dana to read").status_code == 302
    db.session.execute(update(User).where(User.id == sam.id).values(audit_key=None))
    db.session.commit()
    page = text_of(signed_in(counselor).get(f"/counselor/couples/{couple.id}/audit"))
    assert "Only for Dana to read" not in page
    assert "left Hearth with the account or couple" in page


def test_views_downloads_and_refusals_are_recorded(app, counselor, couple, signed_in):
    released = factories.session(couple, released=True)
    db.session.commit()
    office = signed_in(counselor)
    office.get(f"/counselor/couples/{couple.id}")
    office.get(f"/counselor/couples/{couple.id}/sessions/{released.id}/summary-couple.pdf")
    signed_in(couple.partner_at(1).user).get(f"/summaries/{released.id}.pdf")
    stranger = factories.counselor("Lee Okafor")
    db.session.commit()
    assert signed_in(stranger).get(f"/counselor/couples/{couple.id}").status_code == 404

    kinds = [e.kind for e in _events(couple.id) if e.kind not in ("created", "changed")]
    assert kinds == [
        "viewed",
        "pdf_rendered",
        "pdf_downloaded",
        "sign_in",
        "pdf_downloaded",  # the couple's copy was cached: drawn once
    ]
    # The stranger's refusal is theirs: kept with them, not in this couple's trail.
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "denied")).one()
    assert denied.actor_id == stranger.id and denied.couple_id is None
    assert denied.subject == "GET /counselor/couples/<int:couple_id>"


def test_a_views_row_is_committed_before_its_page_is_sent(app, counselor, couple, signed_in):
    office = signed_in(counselor)
    for n in (1, 2, 3):
        assert office.get(f"/counselor/couples/{couple.id}").status_code == 200
        # Read on a connection of its own: only what was committed is there.
        with db.engine.connect() as elsewhere:
            rows = elsewhere.execute(
                select(AuditEvent.kind, AuditEvent.actor_id, AuditEvent.subject).where(
                    AuditEvent.couple_id == couple.id, AuditEvent.kind == "viewed"
                )
            ).all()
        assert rows == [("viewed", counselor.id, "Couple page")] * n


def test_a_refusal_is_recorded_against_the_person_who_made_it(app, counselor, couple, signed_in):
    bo = factories.counselor("Bo Other counselor")
    theirs = factories.couple(bo, name="Eve & Finn", names=("Eve partner", "Finn"))
    db.session.commit()
    eve = theirs.partner_at(1).user
    released = factories.session(couple, released=True)
    db.session.commit()
    assert signed_in(bo).get(f"/counselor/couples/{couple.id}").status_code == 404
    eve_phone = signed_in(eve)
    assert eve_phone.get(f"/summaries/{released.id}.pdf").status_code == 404
    assert eve_phone.get(f"/counselor/couples/{couple.id}/audit").status_code in (403, 404)

    # Nothing of theirs lands in Sam and Alex's trail...
    assert _events(couple.id, "denied") == []
    trail = text_of(signed_in(counselor).get(f"/counselor/couples/{couple.id}/audit"))
    assert "Eve partner" not in trail and "Bo Other counselor" not in trail
    # ...each refusal stays with whoever asked: Eve's in her own couple's trail, which
    # her counselor reads, Bo's on his own account.
    mine = _events(theirs.id, "denied")
    assert [e.actor_id for e in mine] == [eve.id, eve.id]
    bos = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == bo.id)).all()
    assert [e.couple_id for e in bos if e.kind == "denied"] == [None]
    assert "Eve partner" in text_of(signed_in(bo).get(f"/counselor/couples/{theirs.id}/audit"))


def test_refusals_are_written_a_few_at_a_time(app, counselor, couple, signed_in):
    stranger = factories.counselor("Lee Okafor")
    db.session.commit()
    office = signed_in(stranger)
    for n in range(60):
        assert office.get(f"/counselor/couples/{couple.id + n}").status_code == 404
    denied = db.session.scalars(
        select(AuditEvent).where(AuditEvent.kind == "denied").order_by(AuditEvent.id)
    ).all()
    assert len(denied) == 20  # REFUSAL_LIMIT: "20 per 1 hour"
    assert "counted, not written" in denied[-1].detail
    assert "counted, not written" not in denied[-2].detail
    # Someone else's refusals have their own count.
    assert signed_in(couple.partner_at(1).user).get("/summaries/999999.pdf").status_code == 404
    assert len(_events(couple.id, "denied")) == 1


def test_the_trail_filters_by_kind_and_dates_and_pages(app, counselor, couple, signed_in):
    now = utcnow()
    for n in range(120):
        db.session.add(
            AuditEvent(
                kind="viewed" if n % 2 else "pdf_downloaded",
                couple_id=couple.id,
                subject=f"event {n}",
                at=now - timedelta(days=n),
            )
        )
    db.session.commit()
    office = signed_in(counselor)
    url = f"/counselor/couples/{couple.id}/audit"

    first = text_of(office.get(url + "?kind=viewed"))
    assert "60 events · page 1 of 2" in first
    assert "event 1 " in first and "event 0 " not in first
    second = text_of(office.get(url + "?kind=viewed&page=2"))
    assert "page 2 of 2" in second and "event 119" in second

    start, end = (now - timedelta(days=10)).date(), (now - timedelta(days=5)).date()
    ranged = text_of(office.get(url + f"?kind=pdf_downloaded&start={start}&end={end}"))
    assert "3 events" in ranged  # days 6, 8 and 10

    wrong = office.get(url + f"?start={end}&end={start}")
    assert wrong.status_code == 422
    assert "The end date is before the start date." in text_of(wrong)
    assert f'value="{end}"' in wrong.get_data(as_text=True)


def test_only_the_couples_counselor_sees_the_trail(app, counselor, couple, signed_in):
    url = f"/counselor/couples/{couple.id}/audit"
    assert signed_in(counselor).get(url).status_code == 200
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    assert signed_in(other).get(url).status_code == 404
    assert signed_in(couple.partner_at(1).user).get(url).status_code == 403


def test_audit_rows_cannot_be_changed_through_the_app(app, couple):
    audit.record_now("viewed", couple_id=couple.id, subject="Couple page")
    event = db.session.scalars(select(AuditEvent)).first()
    event.subject = "something else"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).first())
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_edits_too(app, couple):
    audit.record_now("viewed", couple_id=couple.id, subject="Couple page")
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_events SET subject = 'x'"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


def test_a_stored_check_in_is_audited_without_plain_text(
    app, couple, with_homework, signed_in, counselor
):
    week = with_homework["week"].isoformat()
    _check_in(signed_in(couple.partner_at(1).user), week, "SECRET-WORDS-FOR-DANA")
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    rows = db.session.execute(text("SELECT * FROM audit_events")).all()
    assert "SECRET-WORDS-FOR-DANA" not in repr(rows)


def test_sign_in_is_recorded_for_the_counselor(app, counselor, client):
    login(client, counselor.email)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "sign_in")).one()
    assert event.actor_id == counselor.id and event.couple_id is None


def test_partners_names_are_looked_up_not_stored(app, counselor, couple, signed_in):
    sam = couple.partner_at(1).user
    name = sam.display_name
    signed_in(sam)
    rows = db.session.execute(text("SELECT actor_name FROM audit_events WHERE kind = 'sign_in'"))
    assert [r[0] for r in rows] == [""]
    office = signed_in(counselor)
    assert name in text_of(office.get(f"/counselor/couples/{couple.id}/audit"))
    db.session.execute(text("UPDATE partners SET user_id = NULL WHERE user_id = :u"), {"u": sam.id})
    db.session.execute(text("DELETE FROM users WHERE id = :u"), {"u": sam.id})
    db.session.commit()
    page = text_of(office.get(f"/counselor/couples/{couple.id}/audit?kind=sign_in"))
    assert "Former partner partner Signed in" in page


def test_no_key_or_secret_is_ever_copied_into_the_trail(app, counselor, signed_in):
    office = signed_in(counselor)
    office.post(
        "/counselor/couples/new",
        data={"name": "Robin & Ash", "timezone": "Europe/London", "week_starts_on": "0"},
    )
    couple = db.session.scalars(select(Couple).where(Couple.name == "Robin & Ash")).one()
    page = office.get(f"/counselor/couples/{couple.id}/audit").get_data(as_text=True)
    assert "Robin &amp; Ash" in page  # the couple's creation is there, readable
    assert couple.audit_key not in page
    for event in _events(couple.id):
        entry = audit._open(event, {}, couple.audit_key, {})
        assert "audit_key" not in json.dumps([entry.before, entry.after, entry.detail])
