"""Sessions and their PDF summaries: the counselor's copy and the couple's copy."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from domain.pdf import StaticOnlyFetcher, render_pdf
from extensions import db
from kinds.checkin.models import CheckIn
from models import CounselingSession, PinnedMoment, SummaryPdf
from tests import factories
from tests.conftest import session_form, text_of

PRIVATE_NOTE = "PRIVATECLINICALNOTE"
SHARED_NOTE = "SHAREABLENOTEFORTHECOUPLE"
PRIVATE_ANSWER = "SAMSPRIVATEWORRY"
SHARED_ANSWER = "SAMSSHAREDJOY"
FOCUS = "Repair after arguments"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


@pytest.fixture
def history(app, counselor, couple):
    hw = factories.homework(couple)
    factories.history(couple, hw, 4)
    sam = couple.partner_at(1)
    check_in = db.session.scalar(
        select(CheckIn).where(CheckIn.partner_id == sam.id, CheckIn.week_start == hw["week"])
    )
    check_in.went_well, check_in.went_well_visibility = SHARED_ANSWER, "shared"
    check_in.felt_off, check_in.felt_off_visibility = PRIVATE_ANSWER, "counselor"
    db.session.commit()
    return hw


def record(client, couple, hw, **overrides):
    ours = {
        "focus": FOCUS,
        "shareable_notes": SHARED_NOTE,
        "private_notes": PRIVATE_NOTE,
        "homework_notes": "Try the ten-minute pause once.",
        "next_on": (date.today() + timedelta(days=14)).isoformat(),
        "next_time": "17:30",
    }
    data = session_form(hw, **ours | overrides)
    response = client.post(f"/counselor/couples/{couple.id}/sessions/new", data=data)
    assert response.status_code == 302, text_of(response)
    return db.session.scalar(select(CounselingSession).order_by(CounselingSession.id.desc()))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_sessions_are_numbered_for_the_couple(dana, couple, history):
    first = record(dana, couple, history)
    second = record(dana, couple, history, focus="Planning a calm weekend")
    assert (first.number, second.number) == (1, 2)
    page = text_of(dana.get(f"/counselor/couples/{couple.id}/sessions"))
    assert "Session 2" in page and "Planning a calm weekend" in page


def test_bad_session_input_is_explained_and_kept(dana, couple, history):
    response = dana.post(
        f"/counselor/couples/{couple.id}/sessions/new",
        data={
            "held_on": "",
            "held_time": "half past five",
            "attended": "both",
            "focus": "",
            "private_notes": "Kept even though the form is wrong",
        },
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Please give the date of the session." in page
    assert "Please sum up the focus in a line." in page
    assert "Kept even though the form is wrong" in page
    assert db.session.scalar(select(CounselingSession)) is None


def test_the_counselors_copy_has_everything(dana, couple, history):
    session = record(dana, couple, history)
    response = dana.get(
        f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-counselor.pdf"
    )
    assert response.status_code == 200
    assert response.data[:4] == b"%PDF"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="hearth-summary-{today}-sam-alex-counselor-copy.pdf"'
    )
    text = pdf_text(response.data)
    for expected in (
        "Sam & Alex",
        "Dana Rivera",
        "Focus of the session",
        FOCUS,
        SHARED_NOTE,
        "Private clinical notes",
        PRIVATE_NOTE,
        "Weekly rhythm",
        "Needs, week by week",
        "Check-ins",
        SHARED_ANSWER,
        PRIVATE_ANSWER,
        "Homework for the coming weeks",
        "Try the ten-minute pause once.",
        "Next session",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_the_couples_copy_leaves_out_private_notes_and_answers(dana, couple, history, signed_in):
    session = record(dana, couple, history)
    dana.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    alex = signed_in(couple.partner_at(2).user)
    response = alex.get(f"/summaries/{session.id}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        f'filename="hearth-summary-{date.today().isoformat()}-sam-alex.pdf"'
    )
    text = pdf_text(response.data)
    assert FOCUS in text and SHARED_NOTE in text and SHARED_ANSWER in text
    assert PRIVATE_NOTE not in text
    assert PRIVATE_ANSWER not in text
    assert "Private clinical notes" not in text
    # The counselor downloads the couple's copy too: the same document.
    counselor_view = dana.get(
        f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-couple.pdf"
    )
    assert PRIVATE_NOTE not in pdf_text(counselor_view.data)


def test_the_preview_page_shows_either_copy(dana, couple, history):
    session = record(dana, couple, history)
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    couple_copy = text_of(dana.get(url))
    assert SHARED_NOTE in couple_copy and PRIVATE_NOTE not in couple_copy
    assert PRIVATE_ANSWER not in couple_copy
    counselor_copy = text_of(dana.get(url + "?copy=counselor"))
    assert PRIVATE_NOTE in counselor_copy and PRIVATE_ANSWER in counselor_copy
    assert dana.get(url + "?copy=everything").status_code == 404


def test_unreleased_summaries_do_not_exist_for_partners(dana, couple, history, signed_in):
    session = record(dana, couple, history)
    sam = signed_in(couple.partner_at(1).user)
    assert sam.get(f"/summaries/{session.id}.pdf").status_code == 404
    assert "No summaries yet" in text_of(sam.get("/summaries"))
    dana.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    assert sam.get(f"/summaries/{session.id}.pdf").status_code == 200
    dana.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release", data={"undo": "1"})
    assert sam.get(f"/summaries/{session.id}.pdf").status_code == 404


def test_partners_of_another_couple_get_404(dana, couple, history, counselor, signed_in):
    session = record(dana, couple, history)
    dana.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/release")
    other = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"))
    db.session.commit()
    kim = signed_in(other.partner_at(1).user)
    assert kim.get(f"/summaries/{session.id}.pdf").status_code == 404
    assert "Repair after" not in text_of(kim.get("/summaries"))


def test_the_pdf_is_cached_until_what_it_shows_changes(dana, couple, history, monkeypatch):
    session = record(dana, couple, history)
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-counselor.pdf"
    renders = []
    import domain.pdf

    real = domain.pdf.render_pdf
    monkeypatch.setattr(domain.pdf, "render_pdf", lambda html: renders.append(1) or real(html))
    first = dana.get(url).data
    second = dana.get(url).data
    assert first == second and len(renders) == 1
    data = session_form(
        focus="A new focus after all", private_notes=PRIVATE_NOTE, version=str(session.version)
    )
    dana.post(f"/counselor/couples/{couple.id}/sessions/{session.id}/edit", data=data)
    third = dana.get(url).data
    assert len(renders) == 2 and third != first
    assert "A new focus after all" in pdf_text(third)
    assert db.session.scalar(select(SummaryPdf.copy)) == "counselor"


def test_pinned_moments_follow_the_visibility_rule(dana, couple, history, signed_in):
    session = record(dana, couple, history)
    page = dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}").get_data(as_text=True)
    assert SHARED_ANSWER in page and "Moments to quote" in page
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.went_well == SHARED_ANSWER))
    dana.post(
        f"/counselor/couples/{couple.id}/sessions/{session.id}/pins",
        data={"pin": [f"check_in:{check_in.id}:went_well", "check_in:999:felt_off"]},
    )
    db.session.refresh(session)
    assert len(session.pins) == 1  # the made-up one is ignored
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    preview = dana.get(url).get_data(as_text=True)
    assert "<h2>Moments worth keeping</h2>" in preview
    # Sam makes the answer private afterwards: it leaves the couple's copy.
    check_in.went_well_visibility = "counselor"
    db.session.commit()
    preview = dana.get(url).get_data(as_text=True)
    assert "<h2>Moments worth keeping</h2>" not in preview
    assert SHARED_ANSWER not in preview


def test_a_stale_edit_is_refused_and_kept(dana, couple, history):
    session = record(dana, couple, history)
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}/edit"
    assert dana.post(url, data=session_form(focus="First edit", version="1")).status_code == 302
    stale = dana.post(url, data=session_form(focus="Stale edit", version="1"))
    assert stale.status_code == 409
    assert "First edit" in text_of(stale) and 'value="Stale edit"' in stale.get_data(as_text=True)


def test_letter_paper_is_a_counselor_setting(dana, couple, history, counselor):
    dana.post("/counselor/settings", data={"paper_size": "letter"})
    session = record(dana, couple, history)
    data = dana.get(
        f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-counselor.pdf"
    ).data
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)


def test_the_fetcher_serves_only_our_static_files(app):
    fetcher = StaticOnlyFetcher(app.static_folder)
    assert fetcher.fetch("https://hearth.invalid/static/css/pdf.css").status == 200
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:5000/",
        "https://hearth.invalid/static/../config.py",
        "https://hearth.invalid/static/%2e%2e/app.py",
        "https://example.com/static/css/pdf.css",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_nothing_outside_is_embedded_in_a_pdf(app):
    html = (
        '<p>before</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="stylesheet" href="file:///etc/passwd"><p>after</p>'
    )
    data = render_pdf(html)
    text = pdf_text(data)
    assert "before" in text and "after" in text
    assert "root:" not in text
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data


def test_user_text_never_reaches_css(dana, couple, history):
    session = record(dana, couple, history, focus="</style><style>body{display:none}</style>")
    html = dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}").get_data(as_text=True)
    assert "<style>body{display:none}" not in html
    assert "&lt;/style&gt;&lt;style&gt;" in html


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and os.environ.get("CI") != "true",
    reason="pdftoppm (poppler-utils) not installed",
)
@pytest.mark.parametrize("copy", ["counselor", "couple"])
def test_page_one_is_not_blank(dana, couple, history, tmp_path, copy):
    session = record(dana, couple, history)
    data = dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-{copy}.pdf").data
    (tmp_path / "s.pdf").write_bytes(data)
    subprocess.run(  # noqa: S603 - fixed arguments, our own file
        [PDFTOPPM, "-gray", "-r", "40", "-f", "1", "-l", "1", "s.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    pgm = next(tmp_path.glob("page*.pgm")).read_bytes()
    # Binary PGM: header "P5\nW H\n255\n" then one byte per pixel.
    header_end = pgm.index(b"\n", pgm.index(b"\n", pgm.index(b"\n") + 1) + 1) + 1
    pixels = pgm[header_end:]
    dark = sum(1 for p in pixels if p < 128)
    assert dark > len(pixels) * 0.01, "page 1 looks blank"
    # Keep a PNG of page 1 for people to look at.
    out = os.environ.get("HEARTH_ARTIFACTS", "test-artifacts") + "/pdf"
    os.makedirs(out, exist_ok=True)
    subprocess.run(  # noqa: S603
        [
            PDFTOPPM,
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "s.pdf"),
            f"{out}/{copy}",
        ],
        check=True,
    )


WAITING_WORDS = "SAMSWORDSWAITINGFORALEX"


def test_pinned_moments_wait_until_both_have_checked_in(dana, couple, signed_in):
    """Review point 1: "show answers only once both have checked in" holds for pins too.

    Sam checks in with a shared answer, Alex has not: the counselor is not offered it to
    quote, and a pin made earlier stays out of the couple's copy (preview, Alex's PDF and
    Alex's export) until Alex checks in; then it is there, as on Alex's week page.
    """
    from tests.test_data import pdf_text as squeezed_pdf_text
    from tests.test_data import unzip

    hw = factories.homework(couple)
    hw["checkin"].reveal_after_both = True
    sam, alex_place = couple.partner_at(1), couple.partner_at(2)
    sam_check_in = factories.check_in(
        hw, sam, hw["week"], 6, 6, 3, went_well=WAITING_WORDS, went_well_visibility="shared"
    )
    db.session.commit()
    session = record(dana, couple, hw)
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    assert WAITING_WORDS not in dana.get(url).get_data(as_text=True)
    # Not on offer, so choosing it anyway pins nothing.
    dana.post(url + "/pins", data={"pin": f"check_in:{sam_check_in.id}:went_well"})
    db.session.refresh(session)
    assert session.pins == []

    # A pin made while the words could be quoted (say, before the option was turned on).
    db.session.add(
        PinnedMoment(
            session_id=session.id, source="check_in", source_id=sam_check_in.id, field="went_well"
        )
    )
    db.session.commit()
    dana.post(url + "/release")
    alex = signed_in(alex_place.user)

    def alex_reads() -> list[str]:
        _record, _files, exported = unzip(alex.post("/account/export"))
        return [
            text_of(alex.get("/week")),
            squeezed_pdf_text(alex.get(f"/summaries/{session.id}.pdf").data),
            exported,
            text_of(dana.get(url)),  # the counselor's preview of the couple's copy
        ]

    assert not [text for text in alex_reads() if WAITING_WORDS in text]
    # The counselor's own copy has everything, as always.
    assert WAITING_WORDS in text_of(dana.get(url + "?copy=counselor"))

    factories.check_in(hw, alex_place, hw["week"], stress=4)
    db.session.commit()
    assert all(WAITING_WORDS in text for text in alex_reads())
    preview = dana.get(url).get_data(as_text=True)
    assert "<h2>Moments worth keeping</h2>" in preview
    assert f'value="check_in:{sam_check_in.id}:went_well"' in preview
