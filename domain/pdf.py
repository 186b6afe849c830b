"""Drawing summaries as PDF with WeasyPrint, safely and only once per version.

WeasyPrint may fetch nothing but the app's own static files: every other URL (``file:``,
``http(s):``, ``data:``...) is refused, so text someone typed can never make the
renderer read a local file or call another server.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError
from weasyprint import HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.urls import URLFetcher, URLFetcherResponse

from domain import audit
from domain.summary import Summary, build
from extensions import db
from models import CounselingSession, Couple, SummaryPdf, utcnow
from web import i18n

# The made-up origin the PDF's links are resolved against; only its /static/ is served.
BASE_URL = "https://hearth.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than our own static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://hearth.invalid/static/...`` from the static folder; refuses all else."""

    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=())
        self.root = Path(static_folder).resolve()
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if not url.startswith(STATIC_PREFIX) or parts.query or parts.fragment:
            self.refused.append(url)
            raise RefusedURL(f"refused: {url}")
        path = (self.root / unquote(parts.path[len("/static/") :])).resolve()
        if self.root not in path.parents or not path.is_file():
            self.refused.append(url)
            raise RefusedURL(f"refused: {url}")
        self.fetched.append(url)
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )


def summary_html(summary: Summary, paper: str = "a4") -> str:
    """The HTML the PDF is drawn from."""
    return render_template("pdf/summary.html", s=summary, paper=paper)


def render_pdf(html: str) -> bytes:
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


# What draws a summary besides the couple's data: templates, stylesheets, and the code that
# gathers and filters what it shows. Hashed once per process; a deployment changes it.
# The translations' sources count too: a better Spanish sentence draws the copies anew.
_DRAWN_BY = ("templates", "kinds", "domain", "models", "static/css", "translations")
_DRAWN_BY_SUFFIXES = {".html", ".css", ".py", ".woff", ".woff2", ".ttf", ".svg", ".png", ".po"}
# English copies keep the names they always had ("couple"); web.i18n owns the default.
DEFAULT_LANGUAGE = i18n.DEFAULT
_code_digest: str | None = None


def code_digest() -> str:
    """A hash of every file that takes part in drawing a summary (computed once)."""
    global _code_digest
    if _code_digest is None:
        root = Path(current_app.root_path)
        digest = hashlib.sha256(weasyprint_version.encode())
        for folder in _DRAWN_BY:
            for path in sorted((root / folder).rglob("*")):
                if path.suffix in _DRAWN_BY_SUFFIXES and path.is_file():
                    digest.update(str(path.relative_to(root)).encode() + b"\0")
                    digest.update(path.read_bytes())
        _code_digest = digest.hexdigest()
    return _code_digest


def stored_copy(copy: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """How a copy in a language is kept (``SummaryPdf.copy``): "couple" in English, as it
    always was, "couple:es" in Spanish; one stored PDF per copy and language."""
    return copy if lang == DEFAULT_LANGUAGE else f"{copy}:{lang}"


def validity_key(data_version: int, copy: str, paper: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a stored PDF must have been drawn at to be current: the couple's data version,
    the code, templates and translations that drew it, the copy, the paper and the
    language."""
    return hashlib.sha256(
        f"{data_version}|{code_digest()}|{copy}|{paper}|{lang}".encode()
    ).hexdigest()


def stored_pdf(
    session_id: int, copy: str, paper: str, lang: str = DEFAULT_LANGUAGE
) -> tuple[bytes | None, int]:
    """The stored PDF of this copy in this language if it is current (else None), and the
    couple's data version, read fresh in one query: nothing is gathered or drawn to find
    out."""
    kept_as = stored_copy(copy, lang)
    row = db.session.execute(
        db.select(SummaryPdf.pdf, SummaryPdf.content_hash, Couple.data_version)
        .select_from(CounselingSession)
        .join(Couple, Couple.id == CounselingSession.couple_id)
        .outerjoin(
            SummaryPdf,
            (SummaryPdf.session_id == CounselingSession.id) & (SummaryPdf.copy == kept_as),
        )
        .where(CounselingSession.id == session_id)
    ).one()
    if row.content_hash is not None and row.content_hash == validity_key(
        row.data_version, copy, paper, lang
    ):
        return row.pdf, row.data_version
    return None, row.data_version


def summary_pdf(
    session: CounselingSession, copy: str, paper: str = "a4", lang: str = DEFAULT_LANGUAGE
) -> tuple[bytes, bool]:
    """The PDF for this copy of the summary in ``lang``, and whether it came from the store.

    The couple's data version is read before anything is gathered, so the PDF stored with
    it shows that version or a newer one, never an older: a change committed meanwhile
    raised the number, and the next download draws again. It is gathered and drawn in
    ``lang`` (Hearth's words and dates; the counselor's words stay as written).
    """
    stored, version = stored_pdf(session.id, copy, paper, lang)
    if stored is not None:
        return stored, True
    with force_locale(lang):
        summary = build(session, copy)
        pdf = render_pdf(summary_html(summary, paper))
    kept_as = stored_copy(copy, lang)
    cached = db.session.scalar(
        db.select(SummaryPdf).where(SummaryPdf.session_id == session.id, SummaryPdf.copy == kept_as)
    )
    if cached is None:
        cached = SummaryPdf(session_id=session.id, copy=kept_as)
        db.session.add(cached)
    cached.content_hash = validity_key(version, copy, paper, lang)
    cached.pdf = pdf
    cached.rendered_at = utcnow()
    audit.record(
        "pdf_rendered",
        couple_id=session.couple_id,
        subject=f"Session {session.number} summary, {copy} copy"
        + ("" if lang == DEFAULT_LANGUAGE else f" ({lang})"),
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker stored the same copy a moment ago
    return pdf, False
