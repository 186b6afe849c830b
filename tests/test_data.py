"""The couple's data: exports per role, deleting a couple, and a partner leaving.

Sam writes one counselor-only answer of every kind and some shared ones, Alex writes his
own (private and shared); each marker is one word, so it can be found in PDF text too.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import MetaData, func, select

from blueprints.data import WRONG_NAME, WRONG_PASSWORD
from domain import audit
from domain.erasure import FORMER_PARTNER
from extensions import db
from kinds.checkin.models import CheckIn
from kinds.needs.models import Need, NeedRating, NeedWording, StepDone
from kinds.rhythm.models import RhythmMark, RhythmReflection
from models import (
    AuditEvent,
    CounselingSession,
    Couple,
    Invitation,
    Partner,
    PinnedMoment,
    SummaryPdf,
    User,
)
from tests import factories
from tests.conftest import login, text_of

SAM_PRIVATE = {
    "note": "SAMPRIVATENOTE",
    "reflection": "SAMPRIVATEREFLECTION",
    "felt_off": "SAMPRIVATEFELTOFF",
    "support": "SAMPRIVATESUPPORT",
    "need": "SAMPRIVATENEED",
    "step": "SAMPRIVATESTEP",
    "comment": "SAMPRIVATECOMMENT",
}
SAM_SHARED = {
    "note": "SAMSHAREDNOTE",
    "reflection": "SAMSHAREDREFLECTION",
    "went_well": "SAMSHAREDWENTWELL",
    "comment": "SAMSHAREDCOMMENT",
}
# Shared words in a check-in whose numbers Sam kept for the counselor.
SAM_HIDDEN_SCALES = "SAMHIDDENSCALESWORDS"
ALEX_PRIVATE = {"note": "ALEXPRIVATENOTE", "support": "ALEXPRIVATESUPPORT"}
ALEX_SHARED = {"went_well": "ALEXSHAREDWENTWELL"}
PRIVATE_NOTES = "COUNSELORPRIVATENOTES"
SHAREABLE_NOTES = "COUNSELORSHAREABLENOTES"
DRAFT_FOCUS = "DRAFTSESSIONFOCUS"
SEALED = "SAMSEALEDWORDS"


@pytest.fixture
def story(app, counselor, couple):
    """Two weeks of answers of every kind, a released session and a draft."""
    hw = factories.homework(couple)
    week = hw["week"]
    before = week - timedelta(weeks=1)
    for kind in ("rhythm", "needs", "checkin"):
        hw[kind].starts_on = before
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    rhythm, checkin = hw["rhythm"], hw["checkin"]
    items = rhythm.rhythm_items
    shared_mark = RhythmMark(
        item_id=items[1].id, week_start=week, partner_id=sam.id, note=SAM_SHARED["note"]
    )
    private_need = Need(owner_id=sam.id, wording=SAM_PRIVATE["need"], visibility="counselor")
    private_need.wordings.append(NeedWording(wording=SAM_PRIVATE["need"]))
    from kinds.needs.models import add_steps

    add_steps(private_need, [SAM_PRIVATE["step"]])
    need_1, need_2 = hw["need_1"], hw["need_2"]
    db.session.add_all(
        [
            shared_mark,
            RhythmMark(
                item_id=items[0].id,
                week_start=week,
                partner_id=sam.id,
                note=SAM_PRIVATE["note"],
                note_visibility="counselor",
            ),
            RhythmMark(
                item_id=items[2].id,
                week_start=week,
                partner_id=alex.id,
                note=ALEX_PRIVATE["note"],
                note_visibility="counselor",
            ),
            RhythmReflection(
                assignment_id=rhythm.id,
                week_start=week,
                partner_id=sam.id,
                helped=SAM_PRIVATE["reflection"],
                visibility="counselor",
            ),
            RhythmReflection(
                assignment_id=rhythm.id,
                week_start=before,
                partner_id=sam.id,
                helped=SAM_SHARED["reflection"],
                visibility="shared",
            ),
            CheckIn(
                assignment_id=checkin.id,
                partner_id=sam.id,
                week_start=week,
                connected=3,
                heard=4,
                stress=8,
                went_well=SAM_SHARED["went_well"],
                went_well_visibility="shared",
                felt_off=SAM_PRIVATE["felt_off"],
                felt_off_visibility="counselor",
                support=SAM_PRIVATE["support"],
                support_visibility="counselor",
            ),
            CheckIn(
                assignment_id=checkin.id,
                partner_id=sam.id,
                week_start=before,
                connected=2,
                heard=2,
                stress=9,
                scales_shared=False,
                went_well=SAM_HIDDEN_SCALES,
                went_well_visibility="shared",
            ),
            CheckIn(
                assignment_id=checkin.id,
                partner_id=alex.id,
                week_start=week,
                connected=7,
                heard=6,
                stress=3,
                went_well=ALEX_SHARED["went_well"],
                went_well_visibility="shared",
                support=ALEX_PRIVATE["support"],
                support_visibility="counselor",
            ),
            private_need,
            NeedRating(
                need_id=need_1.id,
                week_start=week,
                rating="partly",
                comment=SAM_PRIVATE["comment"],
                comment_visibility="counselor",
            ),
            NeedRating(
                need_id=need_1.id,
                week_start=before,
                rating="met",
                comment=SAM_SHARED["comment"],
                comment_visibility="shared",
            ),
            # Each one's "I did this" on the other's shared need.
            StepDone(step_id=need_1.steps[0].id, week_start=week, partner_id=alex.id),
            StepDone(step_id=need_2.steps[0].id, week_start=week, partner_id=sam.id),
        ]
    )
    db.session.flush()
    released = factories.session(couple, released=True)
    released.shareable_notes = SHAREABLE_NOTES
    released.private_notes = PRIVATE_NOTES
    released.pins = [PinnedMoment(source="rhythm_mark", source_id=shared_mark.id)]
    draft = factories.session(couple, focus=DRAFT_FOCUS)
    draft.private_notes = PRIVATE_NOTES
    # A change Sam made, sealed in the audit trail with Sam's own key.
    audit.record(
        "changed",
        couple_id=couple.id,
        subject="Check-in",
        before="",
        after=SEALED,
        author=sam.user,
        actor=sam.user,
    )
    db.session.commit()
    return {
        "hw": hw,
        "sam": sam,
        "alex": alex,
        "released": released,
        "draft": draft,
        "private_need": private_need,
        "shared_mark": shared_mark,
    }


def squeeze(text: str) -> str:
    """PDF text without the line breaks and spaces a layout puts inside long words."""
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    return squeeze("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def unzip(response) -> tuple[dict, dict[str, bytes], str]:
    """The export's hearth.json, its other files by name, and everything as searchable text."""
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    files = {name: archive.read(name) for name in archive.namelist()}
    record = next(json.loads(data) for name, data in files.items() if name.endswith(".json"))
    texts = [data.decode() for name, data in files.items() if not name.endswith(".pdf")]
    texts += [pdf_text(data) for name, data in files.items() if name.endswith(".pdf")]
    return record, files, "\n".join(texts)


def everything_stored(*, audit_trail: bool = True) -> str:
    """Every value in every table, as text: what a copy of the database would show."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    rows = []
    with db.engine.connect() as connection:
        for table in meta.sorted_tables:
            if table.name == "audit_events" and not audit_trail:
                continue
            for row in connection.execute(table.select()):
                rows.append(" ".join(str(v) for v in row if not isinstance(v, bytes)))
    return "\n".join(rows)


def audit_rows(kind: str, couple_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == kind, AuditEvent.couple_id == couple_id)
        )
    )


def links_for(partner_id: int) -> int:
    query = select(func.count()).select_from(Invitation).where(Invitation.partner_id == partner_id)
    return db.session.scalar(query)


# --- Export -------------------------------------------------------------------------------


def test_a_partner_export_holds_what_they_may_see_and_nothing_else(app, couple, story, signed_in):
    alex = signed_in(story["alex"].user)
    page = alex.get("/account/export")
    assert page.status_code == 200
    assert "What's in it" in text_of(page)

    response = alex.post("/account/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="hearth-export-\d{4}-\d{2}-\d{2}\.zip"', disposition)
    assert "no-store" in response.headers["Cache-Control"]

    record, files, everything = unzip(response)
    pdfs = [name for name in files if name.endswith(".pdf")]
    assert len(pdfs) == 1, "only the released session's couple's copy"
    assert not any("counselor" in name for name in files)
    for marker in [*SAM_PRIVATE.values(), PRIVATE_NOTES, DRAFT_FOCUS, SEALED]:
        assert marker not in everything, f"{marker} leaked into Alex's export"
    for marker in [*SAM_SHARED.values(), SAM_HIDDEN_SCALES, SHAREABLE_NOTES]:
        assert marker in everything, marker
    for marker in [*ALEX_PRIVATE.values(), *ALEX_SHARED.values()]:
        assert marker in json.dumps(record), marker
    # Sam's shared words from the week Sam hid the numbers: the words, not the numbers.
    hidden = next(c for c in record["check_ins"] if c.get("went_well") == SAM_HIDDEN_SCALES)
    assert "scales" not in hidden and hidden["by_you"] is False
    assert record["export_for"] == "partner"
    assert record["you"]["email"] == story["alex"].user.email
    assert [n["wording"] for n in record["needs"] if not n["yours"]] == ["A need of partner 1"]
    assert len(audit_rows("exported", couple.id)) == 1


def test_the_counselor_export_holds_the_whole_record(app, couple, counselor, story):
    client = app.test_client()
    login(client, counselor.email)
    page = client.get(f"/counselor/couples/{couple.id}/export")
    assert page.status_code == 200
    assert "private clinical notes" in text_of(page)

    response = client.post(f"/counselor/couples/{couple.id}/export")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        rf'attachment; filename="hearth-couple-{couple.id}-export-\d{{4}}-\d{{2}}-\d{{2}}\.zip"',
        disposition,
    )
    assert "Sam" not in disposition and "Alex" not in disposition

    record, files, everything = unzip(response)
    pdfs = sorted(name for name in files if name.endswith(".pdf"))
    assert len(pdfs) == 4, "both copies of both sessions"
    counselor_copies = [pdf_text(files[n]) for n in pdfs if n.endswith("-counselor-copy.pdf")]
    assert all(PRIVATE_NOTES in text for text in counselor_copies)
    assert SAM_PRIVATE["felt_off"] in counselor_copies[0]
    for name in (n for n in pdfs if n.endswith("-couple-copy.pdf")):
        assert PRIVATE_NOTES not in pdf_text(files[name])
    for marker in [
        *SAM_PRIVATE.values(),
        *SAM_SHARED.values(),
        *ALEX_PRIVATE.values(),
        PRIVATE_NOTES,
        DRAFT_FOCUS,
    ]:
        assert marker in everything, marker
    assert record["export_for"] == "counselor"
    private = next(n for n in record["needs"] if n["wording"] == SAM_PRIVATE["need"])
    assert private["for"] == "for my counselor only"
    assert [s["private_notes"] for s in record["sessions"]] == [PRIVATE_NOTES, PRIVATE_NOTES]
    assert len(audit_rows("exported", couple.id)) == 1


def test_exports_answer_only_their_own_people(app, couple, counselor, story, signed_in):
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    lee = signed_in(other)
    for path in (
        f"/counselor/couples/{couple.id}/export",
        f"/counselor/couples/{couple.id}/delete",
    ):
        assert lee.get(path).status_code == 404
        assert lee.post(path, data={"confirm_name": couple.name}).status_code == 404
    assert lee.get("/account/export").status_code == 403
    sam = signed_in(story["sam"].user)
    assert sam.post(f"/counselor/couples/{couple.id}/export").status_code == 403
    assert sam.post("/account/export", csrf=False).status_code == 400
    assert db.session.get(Couple, couple.id) is not None
    assert audit_rows("exported", couple.id) == []


# --- Deleting a couple ----------------------------------------------------------------------


def test_a_wrong_name_deletes_nothing_and_keeps_what_was_typed(app, couple, counselor, story):
    client = app.test_client()
    login(client, counselor.email)
    page = client.get(f"/counselor/couples/{couple.id}/delete")
    assert page.status_code == 200
    assert "can't be undone" in text_of(page)

    response = client.post(
        f"/counselor/couples/{couple.id}/delete", data={"confirm_name": "Sam and Alex"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Sam and Alex"' in html
    assert 'class="field-error"' in html and WRONG_NAME.replace("'", "&#39;") in html
    assert 'aria-invalid="true"' in html
    empty = client.post(f"/counselor/couples/{couple.id}/delete", data={"confirm_name": " "})
    assert empty.status_code == 422
    assert "Please type the couple" in text_of(empty)
    assert db.session.get(Couple, couple.id) is not None
    assert audit_rows("deleted", couple.id) == []


def test_deleting_a_couple_takes_everything_of_theirs_and_leaves_a_trace(
    app, couple, counselor, story
):
    # Others, who must not notice: another couple of Dana's, and another counselor's.
    kim_jo = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"), joined=(True, False))
    factories.homework(kim_jo)
    factories.session(kim_jo, released=True)
    elsewhere = factories.couple(factories.counselor("Lee Okafor"), "Ana & Bo", names=("Ana", "Bo"))
    db.session.commit()
    others = {c.id: (c.partner_at(1).user_id, c.partner_at(1).id) for c in (kim_jo, elsewhere)}
    partner_ids = [story["sam"].id, story["alex"].id]
    user_ids = [story["sam"].user.id, story["alex"].user.id]
    sam_email = story["sam"].user.email
    session_ids = [story["released"].id, story["draft"].id]
    couple_id = couple.id

    client = app.test_client()
    login(client, counselor.email)
    # A cached PDF, to see that it goes too.
    pdf = client.get(f"/counselor/couples/{couple_id}/sessions/{session_ids[0]}/summary-couple.pdf")
    assert pdf.status_code == 200

    trail_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post(
        f"/counselor/couples/{couple_id}/delete", data={"confirm_name": "  sam &  ALEX "}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/counselor/"
    dashboard = client.get("/counselor/")
    assert "Sam & Alex and everything of theirs is deleted." in text_of(dashboard)
    assert "Kim & Jo" in text_of(dashboard)

    db.session.expire_all()
    assert db.session.get(Couple, couple_id) is None
    assert all(db.session.get(User, uid) is None for uid in user_ids)

    def count(model, column, ids) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(column.in_(ids)))

    assert count(Partner, Partner.id, partner_ids) == 0
    for model in (RhythmMark, RhythmReflection, CheckIn, StepDone):
        assert count(model, model.partner_id, partner_ids) == 0, model.__name__
    assert count(Need, Need.owner_id, partner_ids) == 0
    assert count(Invitation, Invitation.partner_id, partner_ids) == 0
    assert count(CounselingSession, CounselingSession.id, session_ids) == 0
    assert count(SummaryPdf, SummaryPdf.session_id, session_ids) == 0
    # Partners' words are nowhere to be read, not even in the audit trail (sealed with
    # keys that went with their accounts); the counselor's notes are gone from the record.
    stored = everything_stored()
    for marker in [*SAM_PRIVATE.values(), *SAM_SHARED.values(), *ALEX_PRIVATE.values()]:
        assert marker not in stored, marker
    assert sam_email not in stored
    assert PRIVATE_NOTES not in everything_stored(audit_trail=False)

    trail = audit_rows("deleted", couple_id)
    assert [e.subject for e in trail] == ["Couple deleted"]
    assert "Sam" not in trail[0].detail and "Alex" not in trail[0].detail
    after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert after == trail_before + 1, "deleting writes one trace, not a copy of what went"
    # Everyone else is as they were.
    for other_id, (user_id, partner_id) in others.items():
        assert db.session.get(Couple, other_id) is not None
        assert db.session.get(User, user_id) is not None
        assert count(Need, Need.owner_id, [partner_id]) >= (1 if other_id == kim_jo.id else 0)
    assert count(CounselingSession, CounselingSession.couple_id, [kim_jo.id]) == 1
    # The deleted partners cannot sign in.
    assert "don't match" in text_of(login(app.test_client(), sam_email))


# --- A partner leaving ---------------------------------------------------------------------


def test_a_wrong_password_changes_nothing(app, couple, story, signed_in):
    sam = signed_in(story["sam"].user)
    page = sam.get("/account/leave")
    assert page.status_code == 200
    words = text_of(page)
    assert "What leaves with you" in words and "What stays" in words

    response = sam.post("/account/leave", data={"password": "not my password at all"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html and WRONG_PASSWORD.replace("'", "&#39;") in html
    assert "not my password at all" not in html
    assert sam.post("/account/leave", data={"password": ""}).status_code == 422
    assert [e.subject for e in audit_rows("sign_in_failed", couple.id)] == ["Wrong password"]
    db.session.expire_all()
    assert story["sam"].user is not None
    assert audit_rows("left", couple.id) == []
    assert sam.get("/week").status_code == 200


def test_leaving_takes_the_private_answers_and_keeps_the_shared_history(
    app, couple, counselor, story, signed_in
):
    sam_user = story["sam"].user
    sam_id, sam_email, sam_user_id = story["sam"].id, sam_user.email, sam_user.id
    released, private_need_id = story["released"], story["private_need"].id
    sam = signed_in(sam_user)
    trail_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = sam.post("/account/leave", data={"password": factories.PASSWORD})
    trail_after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert trail_after == trail_before + 1, "leaving writes one trace, not a copy of what went"
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert "Thank you for the work you put in" in text_of(sam.get("/login"))
    # Signed out, and the account is gone.
    assert sam.get("/week").headers["Location"].startswith("/login")
    assert "don't match" in text_of(login(app.test_client(), sam_email))

    db.session.expire_all()
    assert db.session.get(User, sam_user_id) is None
    place = db.session.get(Partner, sam_id)
    assert (place.user_id, place.label, place.name) == (None, FORMER_PARTNER, FORMER_PARTNER)
    assert place.left and not place.joined
    stored = everything_stored()
    for marker in [*SAM_PRIVATE.values(), SAM_HIDDEN_SCALES, sam_email]:
        assert marker not in stored, f"{marker} stayed behind"
    for marker in [*SAM_SHARED.values(), *ALEX_PRIVATE.values(), *ALEX_SHARED.values()]:
        assert marker in stored, f"{marker} was lost"
    assert PRIVATE_NOTES in stored, "the counselor's notes are the counselor's"
    # Both "I did this" stay, and the tick Sam made with a private note (now without it).
    assert db.session.scalar(select(func.count()).select_from(StepDone)) == 2
    assert db.session.get(Need, private_need_id) is None
    marks = db.session.scalars(select(RhythmMark).where(RhythmMark.partner_id == sam_id)).all()
    assert sorted(m.note for m in marks) == ["", SAM_SHARED["note"]]
    assert db.session.scalar(select(func.count()).select_from(PinnedMoment)) == 1
    assert links_for(sam_id) == 0

    left = audit_rows("left", couple.id)
    assert [(e.subject, e.actor_id) for e in left] == [("A partner left the couple", sam_user_id)]
    assert "SAM" not in left[0].detail
    # Sam's sealed words left with Sam's key: nothing in the database opens them any more.
    sealed = [e for e in audit_rows("changed", couple.id) if e.subject == "Check-in"]
    assert [e.sealed_for for e in sealed] == [sam_user_id] and SEALED not in sealed[0].sealed
    assert db.session.get(User, sam_user_id) is None

    # The counselor's pages, and both copies of the summary.
    dana = signed_in(counselor)
    assert dana.get("/counselor/").status_code == 200
    page = dana.get(f"/counselor/couples/{couple.id}")
    assert page.status_code == 200
    assert FORMER_PARTNER in text_of(page) and "Left the couple" in text_of(page)
    assert f"/counselor/couples/{couple.id}/partners/1/link" not in page.get_data(as_text=True)
    refused = dana.post(f"/counselor/couples/{couple.id}/partners/1/link")
    assert refused.status_code == 302
    assert links_for(sam_id) == 0
    base = f"/counselor/couples/{couple.id}/sessions/{released.id}"
    assert dana.get(base).status_code == 200
    assert dana.get(f"{base}?copy=counselor").status_code == 200
    theirs = pdf_text(dana.get(f"{base}/summary-couple.pdf").data)
    mine = pdf_text(dana.get(f"{base}/summary-counselor.pdf").data)
    assert squeeze(FORMER_PARTNER) in mine and SAM_SHARED["note"] in theirs
    assert ALEX_PRIVATE["support"] in mine and PRIVATE_NOTES in mine
    for marker in SAM_PRIVATE.values():
        assert marker not in mine and marker not in theirs
    _record, _files, everything = unzip(dana.post(f"/counselor/couples/{couple.id}/export"))
    for marker in SAM_PRIVATE.values():
        assert marker not in everything

    # The partner who stays: their pages, their summary and their own export.
    alex = signed_in(story["alex"].user)
    week = story["hw"]["week"]
    home = alex.get("/week")
    assert home.status_code == 200 and "Your partner has left Hearth" in text_of(home)
    for path in (
        "/needs/",
        f"/week/{week}/check-in",
        f"/week/{week - timedelta(weeks=1)}",
        "/summaries",
        "/account/export",
        "/account/leave",
    ):
        assert alex.get(path).status_code == 200, path
    summary = pdf_text(alex.get(f"/summaries/{released.id}.pdf").data)
    assert SAM_SHARED["note"] in summary and ALEX_PRIVATE["support"] not in summary
    record, _files, everything = unzip(alex.post("/account/export"))
    assert SAM_SHARED["went_well"] in everything and ALEX_PRIVATE["support"] in everything
    shared = next(c for c in record["check_ins"] if c.get("went_well") == SAM_SHARED["went_well"])
    assert shared["by"] == FORMER_PARTNER
