"""What the browser is told: headers on every response, no inline code, nothing personal
in URLs or in the browser's storage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from extensions import db
from tests import factories
from web.headers import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def test_the_policy_is_exactly_the_strict_one():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def _responses(app, counselor, couple, signed_in):
    released = factories.session(couple, released=True)
    db.session.commit()
    office, phone, anyone = signed_in(counselor), signed_in(couple.partner_at(1).user), None
    anyone = app.test_client()
    yield "sign-in page", anyone.get("/login")
    yield "failed sign-in", anyone.post("/login", data={"email": "x@example.com", "password": "y"})
    yield "not found", office.get("/counselor/couples/99999")
    yield "forbidden", phone.get("/counselor/")
    yield "dashboard", office.get("/counselor/")
    yield "fragment", office.get(f"/counselor/couples/{couple.id}", headers={"HX-Request": "true"})
    yield "audit", office.get(f"/counselor/couples/{couple.id}/audit")
    yield "account", phone.get("/account/")
    yield "week", phone.get("/week")
    yield "pdf", phone.get(f"/summaries/{released.id}.pdf")
    yield "export", phone.post("/account/export")
    yield "health", anyone.get("/healthz")


def test_every_kind_of_response_carries_the_headers(app, counselor, couple, signed_in):
    seen = 0
    for name, response in _responses(app, counselor, couple, signed_in):
        headers = response.headers
        assert headers["Content-Security-Policy"] == EXPECTED_CSP, name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "same-origin", name
        assert headers["Cache-Control"] == "no-store", name
        assert "Strict-Transport-Security" not in headers, name  # only in production
        seen += 1
    assert seen == 12


def test_static_files_may_be_cached_and_carry_nothing_personal(client):
    response = client.get("/static/css/app.css")
    response.close()
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_adds_hsts(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "p.db"))
    app = create_app()
    response = app.test_client().get("/login", base_url="https://hearth.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def _sent_elsewhere(path) -> bool:
    """templates/pdf/ is drawn by WeasyPrint into a PDF; an e-mail's HTML part
    (templates/mail/ beside its .txt, and their layout) is read by mail clients, which
    drop <style>. Neither is sent to a browser."""
    if path.parent.name == "pdf":
        return True
    return path.parent.name == "mail" and (
        path.with_suffix(".txt").exists() or path.name == "_layout.html"
    )


TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if not _sent_elsewhere(p))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "hx-on" not in html, "hx-on evaluates code"


def test_urls_hold_only_ids_dates_and_fixed_words(app):
    """No name, e-mail or answer can end up in a URL (and so in logs or history)."""
    allowed_strings = {"token", "kind", "copy", "filename"}  # a random token, fixed words, files
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            kind = type(converter).__name__
            # ``any(date, away, trip)`` takes only the words it lists.
            fixed = {"IdConverter", "DateConverter", "AnyConverter"}
            assert kind in fixed or name in allowed_strings, (
                rule.rule,
                name,
            )


def test_nothing_is_kept_in_the_browsers_storage():
    script = (ROOT / "static" / "js" / "app.js").read_text()
    assert "localStorage" not in script and "sessionStorage" not in script
    assert "historyCacheSize = 0" in script
