"""HTMX: fragments for HTMX requests, full pages for everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain import invitations
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def half_joined(counselor):
    """A couple of Dana's whose second partner has not joined yet (an invitation is open)."""
    couple = factories.couple(counselor, joined=(True, False))
    from extensions import db

    db.session.commit()
    return couple


def test_an_htmx_request_gets_only_the_fragment(dana, half_joined):
    couple = half_joined
    response = dana.get(f"/counselor/couples/{couple.id}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<article id="couple"')
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ],
    ids=["plain", "boosted", "history-restore"],
)
def test_the_same_url_otherwise_gets_the_full_page(dana, half_joined, headers):
    couple = half_joined
    response = dana.get(f"/counselor/couples/{couple.id}", headers=headers)
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert 'id="couple"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_reissuing_by_htmx_swaps_just_the_partner_card(dana, half_joined):
    couple = half_joined
    old = invitations.token_of(invitations.current_for(couple.partner_at(2)))
    response = dana.post(
        f"/counselor/couples/{couple.id}/partners/2/link", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card place" id="place-2"')
    new = invitations.token_of(invitations.current_for(couple.partner_at(2)))
    assert new != old and f"/join/{new}" in html
    assert "The old one no longer works" in html


def test_htmx_errors_get_a_small_fragment(dana):
    response = dana.get("/counselor/couples/99999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<html" not in html and "We couldn&#39;t find that page" in html


def test_every_page_carries_the_csrf_header_for_htmx(dana, half_joined):
    couple = half_joined
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert 'hx-boost="true"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_htmx_is_a_pinned_2_0_file_with_its_licence():
    vendor = ROOT / "static" / "vendor"
    script = (vendor / "htmx-2.0.11.min.js").read_text()
    assert 'version:"2.0.11"' in script
    assert "Zero-Clause BSD" in (vendor / "htmx-LICENSE.txt").read_text()


def test_htmx_is_configured_for_a_strict_csp_in_a_static_file():
    script = (ROOT / "static" / "js" / "app.js").read_text()
    for setting in (
        "htmx.config.allowEval = false",
        "htmx.config.includeIndicatorStyles = false",
        "htmx.config.historyCacheSize = 0",
    ):
        assert setting in script
    # E-mails' HTML parts (templates/mail/ beside their .txt) go to mail clients, which
    # need inline styles; they are never served to a browser.
    pages = [
        p
        for p in (ROOT / "templates").rglob("*.html")
        if not (
            p.parent.name == "mail" and (p.with_suffix(".txt").exists() or p.name == "_layout.html")
        )
    ]
    templates = "".join(p.read_text() for p in pages)
    assert "<script>" not in templates and "style=" not in templates
