"""Summaries in Spanish (#19): a partner who reads Spanish reads their summaries and their
PDF copy in Spanish, and may download the English one their partner reads; the English
partner may download the Spanish one too. Each language's copy is stored once, both are
drawn when the counselor releases the summary, and the counselor's copy stays in the
counselor's language. The counselor's own words stay as written."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import domain.pdf
from extensions import db
from models import SummaryPdf
from tests import factories
from tests.conftest import login, text_of

FOCUS = "Repair after arguments"


@pytest.fixture
def drawn(monkeypatch):
    """How many times a PDF was drawn."""
    renders = []
    real = domain.pdf.render_pdf
    monkeypatch.setattr(domain.pdf, "render_pdf", lambda html: renders.append(1) or real(html))
    return renders


@pytest.fixture
def made(spanish_homework, couple):
    """A released session besides every kind of homework; Sam reads Spanish, Alex English."""
    session = factories.session(couple, released=True, focus=FOCUS)
    db.session.commit()
    return session


def squeezed(data: bytes) -> str:
    """The PDF's text without spaces or line breaks (a long word may be broken)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


def has(text: str, *words: str) -> None:
    for word in words:
        assert re.sub(r"\s+", "", word) in text, word


def pdf_of(response) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return squeezed(response.data)


def test_the_summaries_list_is_in_spanish_with_both_copies(sam_es, made):
    response = sam_es.get("/summaries")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="es"' in html
    page = text_of(response)
    for words in ("Resúmenes", "Sesión 1 ·", "Leer el resumen", "Guardar una copia en PDF", FOCUS):
        assert words in page, words
    # The other partner's language, said in that language so it is recognisable.
    assert "Download in English" in page
    assert f'href="/summaries/{made.id}.pdf?lang=en" lang="en" hreflang="en"' in html
    assert "Read the summary" not in page and "Summaries" not in page


def test_the_summary_page_is_in_spanish(sam_es, made):
    response = sam_es.get(f"/summaries/{made.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="es"' in html
    page = text_of(response)
    for words in (
        "Sesión 1",
        "Hearth · resumen de la sesión",
        "Consejero/a",
        "Asistieron",
        "Los dos",
        "Abarca",
        "En qué se centró la sesión",
        "Actividades hasta ahora",
        "Ritmo semanal",
        "Necesidades, semana a semana",
        "Próxima sesión",
        "Guardar una copia en PDF",
        "Download in English",
    ):
        assert words in page, words
    # The counselor's words as written; no English heading left behind.
    assert FOCUS in page
    for english in ("Focus of the session", "Homework so far", "Next session", "Attended"):
        assert english not in page, english


def test_the_spanish_partner_downloads_spanish_then_from_the_store(sam_es, made, drawn):
    response = sam_es.get(f"/summaries/{made.id}.pdf")
    text = pdf_of(response)
    has(text, "Hearth·resumendelasesión", "Enquésecentrólasesión", "Sesión1", "Próximasesión")
    has(text, FOCUS)
    assert "Focusofthesession" not in text
    assert 'filename="hearth-resumen-' in response.headers["Content-Disposition"]
    assert len(drawn) <= 1  # drawn at release already, or now
    before = len(drawn)
    again = sam_es.get(f"/summaries/{made.id}.pdf")
    assert again.data == response.data and len(drawn) == before
    # Their partner's English copy, on request.
    english = pdf_of(sam_es.get(f"/summaries/{made.id}.pdf?lang=en"))
    has(english, "Hearth·sessionsummary", "Focusofthesession", "Session1")


def test_the_english_partner_downloads_english_and_may_have_the_spanish(alex_en, made):
    response = alex_en.get("/summaries")
    page = text_of(response)
    assert '<html lang="en"' in response.get_data(as_text=True)
    assert "Save a PDF copy" in page and "Descargar en español" in page
    text = pdf_of(alex_en.get(f"/summaries/{made.id}.pdf"))
    has(text, "Hearth·sessionsummary", "Focusofthesession")
    assert (
        'filename="hearth-summary-'
        in (alex_en.get(f"/summaries/{made.id}.pdf").headers["Content-Disposition"])
    )
    spanish = pdf_of(alex_en.get(f"/summaries/{made.id}.pdf?lang=es"))
    has(spanish, "Enquésecentrólasesión")


def test_one_stored_copy_per_language(alex_en, sam_es, made, drawn):
    db.session.execute(db.delete(SummaryPdf))
    db.session.commit()
    alex_en.get(f"/summaries/{made.id}.pdf")
    sam_es.get(f"/summaries/{made.id}.pdf")
    assert len(drawn) == 2
    # Each language again, from either partner: nothing drawn.
    for client in (alex_en, sam_es):
        client.get(f"/summaries/{made.id}.pdf?lang=en")
        client.get(f"/summaries/{made.id}.pdf?lang=es")
    assert len(drawn) == 2
    kept = set(db.session.scalars(select(SummaryPdf.copy).where(SummaryPdf.session_id == made.id)))
    assert kept == {"couple", "couple:es"}


def test_a_language_neither_partner_reads_is_not_offered(alex_en, sam_es, made, couple):
    for client in (alex_en, sam_es):
        assert client.get(f"/summaries/{made.id}.pdf?lang=fr").status_code == 404
        assert client.get(f"/summaries/{made.id}.pdf?lang=").status_code == 404
    # Two English partners: no Spanish copy here.
    couple.partner_at(1).user.locale = "en"
    db.session.commit()
    assert alex_en.get(f"/summaries/{made.id}.pdf?lang=es").status_code == 404
    assert "Descargar" not in text_of(alex_en.get("/summaries"))


def test_release_draws_the_couples_copy_in_both_languages(app, counselor, couple, made, drawn):
    made.released_at = None
    db.session.execute(db.delete(SummaryPdf))
    db.session.commit()
    client = app.test_client()
    login(client, counselor.email)
    release = f"/counselor/couples/{couple.id}/sessions/{made.id}/release"
    assert client.post(release).status_code == 302
    assert len(drawn) == 2
    kept = set(db.session.scalars(select(SummaryPdf.copy).where(SummaryPdf.session_id == made.id)))
    assert kept == {"couple", "couple:es"}


def test_release_draws_one_language_when_both_read_it(app, counselor, couple, made, drawn):
    couple.partner_at(2).user.locale = "es"
    made.released_at = None
    db.session.execute(db.delete(SummaryPdf))
    db.session.commit()
    client = app.test_client()
    login(client, counselor.email)
    assert client.post(f"/counselor/couples/{couple.id}/sessions/{made.id}/release").status_code
    assert len(drawn) == 1
    assert db.session.scalar(select(SummaryPdf.copy)) == "couple:es"


def test_the_counselors_copies_stay_english(app, counselor, couple, made):
    client = app.test_client()
    login(client, counselor.email)
    base = f"/counselor/couples/{couple.id}/sessions/{made.id}"
    for copy in ("counselor", "couple"):
        text = pdf_of(client.get(f"{base}/summary-{copy}.pdf"))
        has(text, "Hearth·sessionsummary", "Focusofthesession", "Session1")
        assert "Sesión" not in text
    page = client.get(base)
    assert '<html lang="en"' in page.get_data(as_text=True)
    assert "Focus of the session" in text_of(page)


def test_each_partners_export_holds_the_summary_in_their_language(sam_es, alex_en, made):
    for client, words in ((sam_es, "Enquésecentrólasesión"), (alex_en, "Focusofthesession")):
        response = client.post("/account/export")
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        pdfs = [archive.read(n) for n in archive.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 1
        assert words in squeezed(pdfs[0])


def test_the_summarys_policy_line_is_hearths_in_spanish(sam_es, alex_en, made):
    """Hearth's ready-made line, unchanged by the counselor, is read in each partner's
    language on the page and in the PDF of their language."""
    page = text_of(sam_es.get(f"/summaries/{made.id}"))
    assert "Dana puede sacarlo en una sesión conjunta, o pedirte que lo hagas tú." in page
    assert "Dana may bring this into a joint session" not in page
    has(pdf_of(sam_es.get(f"/summaries/{made.id}.pdf")), "Dana puede sacarlo en una sesión")
    english = text_of(alex_en.get(f"/summaries/{made.id}"))
    assert "Dana may bring this into a joint session, or ask you to." in english
