"""The harness itself: a real server on its own database, and a log that catches problems."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.browser


def test_the_live_server_answers_over_http_from_its_own_database(live_server, new_page):
    page: Page = new_page()
    answer = page.request.get("/healthz")
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}
    assert "default-src 'self'" in answer.headers["content-security-policy"]

    ours = live_server.app.config["SQLALCHEMY_DATABASE_URI"]
    unit_tests = os.environ.get("HEARTH_TEST_DATABASE_URL")
    if unit_tests and make_url(unit_tests).get_backend_name() == "postgresql":
        assert make_url(ours).database == f"{make_url(unit_tests).database}_browser"
    else:
        assert ours.startswith("sqlite:///") and ours.endswith("hearth-browser.db")


def test_the_browser_log_catches_csp_violations_and_script_errors(new_page, browser_log):
    page: Page = new_page()
    page.goto("/login")
    # An inline style attribute is what the Content-Security-Policy forbids.
    page.evaluate("document.body.setAttribute('style', 'outline: 1px solid red')")
    page.evaluate("setTimeout(() => { throw new Error('boom from the harness test') }, 0)")
    page.wait_for_function("true")  # let the timer and the violation report run
    page.wait_for_timeout(100)

    problems = "\n".join(browser_log.problems)
    assert "CSP violation: style-src-attr" in problems
    assert "uncaught exception on" in problems and "boom from the harness test" in problems
    browser_log.problems.clear()  # caught on purpose; the test passes
