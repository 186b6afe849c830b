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
from sqlalchemy.exc import IntegrityError
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from domain import audit
from domain.summary import Summary
from extensions import db
from models import SummaryPdf, utcnow

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
    """The HTML the PDF is drawn from (also what the cache key is made of)."""
    return render_template("pdf/summary.html", s=summary, paper=paper)


def render_pdf(html: str) -> bytes:
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


def summary_pdf(summary: Summary, paper: str = "a4") -> tuple[bytes, bool]:
    """The PDF for this copy of the summary, and whether it came from the cache.

    The cache key is a hash of the HTML: any change to what the summary shows (an answer,
    a note, a name, the template) renders again; an unchanged summary never does.
    """
    html = summary_html(summary, paper)
    digest = hashlib.sha256(html.encode()).hexdigest()
    cached = db.session.scalar(
        db.select(SummaryPdf).where(
            SummaryPdf.session_id == summary.session.id, SummaryPdf.copy == summary.copy
        )
    )
    if cached is not None and cached.content_hash == digest:
        return cached.pdf, True
    pdf = render_pdf(html)
    if cached is None:
        cached = SummaryPdf(session_id=summary.session.id, copy=summary.copy)
        db.session.add(cached)
    cached.content_hash = digest
    cached.pdf = pdf
    cached.rendered_at = utcnow()
    audit.record(
        "pdf_rendered",
        couple_id=summary.session.couple_id,
        subject=f"Session {summary.session.number} summary, {summary.copy} copy",
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker stored the same copy a moment ago
    return pdf, False
