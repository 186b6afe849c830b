"""The real-browser harness: Hearth served over HTTP, driven by headless Chromium.

- The app runs as a real server on 127.0.0.1 (a free port, a daemon thread) against a
  database of its own, never the unit tests' one (they empty theirs after every test):
  a temporary SQLite file, or ``<name>_browser`` next to HEARTH_TEST_DATABASE_URL on
  PostgreSQL, created fresh for the session and dropped at the end.
- One Chromium for the session; each person gets their own browser context (cookies):
  the counselor at 1280×800, partners on phones (390×844, or 360×640 for the smallest).
- Every page is watched: a console error, an uncaught exception, a Content-Security-Policy
  violation or a 5xx response fails the test that caused it, as does an exception inside
  the app.
- Screenshots go to ``test-artifacts/screenshots/<run-id>/`` (git-ignored). The few that
  document the app are also copied to ``docs/screenshots/`` when missing there, or every
  run with ``HEARTH_DOCS_SCREENSHOTS=1`` (their links and QR codes change each run, so
  copying them always would leave the working tree dirty).

Run with ``.venv/bin/pytest tests/browser -q``; leave them out with ``-m "not browser"``.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from sqlalchemy.engine import URL, make_url
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from domain import invitations
from extensions import db
from kinds.checkin.models import CheckIn
from models import Couple, User
from tests import factories

# HEARTH_CHROMIUM names another Chromium, or "none" to run the suite as a machine without one
# would (CI proves the skip path that way).
CHROMIUM_SETTING = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM = Path(CHROMIUM_SETTING)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
TOLD_NO_CHROMIUM = "HEARTH_CHROMIUM=none: this run is told Chromium is absent"

# Screens. Phones render at 2× like real ones, which also makes sharper screenshots.
COUNSELOR_SCREEN = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 640}}

PASSWORD = factories.PASSWORD
SECRET_KEY = "browser-tests-secret-key-that-is-long-enough-for-anything"
TIMEOUT_MS = 5_000

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

# Chromium reports a CSP violation on the console already; this makes each one explicit
# (and catches those the console would only show as a warning).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


# --------------------------------------------------------------------------- the server


def _why_no_browser() -> str | None:
    """The reason the journeys cannot run here, or None (on CI a missing Chromium fails)."""
    if CHROMIUM_SETTING == "none":
        return TOLD_NO_CHROMIUM
    if not CHROMIUM.exists() and not _ci():
        return NO_CHROMIUM
    return None


def pytest_runtest_setup(item) -> None:
    # Skipped from this hook, every journey shares one location and one reason, so the
    # summary says it in a single line ("SKIPPED [31] …") rather than once per test.
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def chromium_executable() -> str:
    """The Chromium to drive; never silently missing on CI."""
    if not CHROMIUM.exists():
        pytest.fail(f"{NO_CHROMIUM}; CI=true, so the browser journeys must run.")
    return str(CHROMIUM)


def _postgres_admin(url: URL):
    """An autocommit connection to the same server's ``postgres`` database."""
    import psycopg

    admin = url.set(drivername="postgresql", database="postgres")
    return psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True)


def _drop_database(url: URL, name: str) -> None:
    from psycopg import sql

    with _postgres_admin(url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh database for the live server: never the one the unit tests empty."""
    main = os.environ.get("HEARTH_TEST_DATABASE_URL", "").strip()
    if not main or make_url(main).get_backend_name() != "postgresql":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("browser-db") / "hearth-browser.db")
        return
    from psycopg import sql

    url = make_url(main)
    name = f"{url.database}_browser"
    _drop_database(url, name)
    with _postgres_admin(url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(url, name)


@pytest.fixture(scope="session")
def live_app(browser_database_url, tmp_path_factory) -> Iterator[Flask]:
    """The app as production builds it: migrations from empty, no TESTING shortcuts."""
    browser_outbox = tmp_path_factory.mktemp("outbox")
    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": browser_database_url,
            "PASSWORD_HASH_PROFILE": "fast",
            # Messages are sent in this process (there is no task consumer here), into a
            # private outbox unless a test gives the app an SMTP server.
            "TASKS_IMMEDIATE": True,
            "MAIL_OUTBOX": str(browser_outbox),
            # Every kept piece of a page is drawn again and compared (web.fragments).
            "FRAGMENT_CHECK": True,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@dataclass
class LiveServer:
    url: str
    app: Flask
    # Exceptions raised inside the app while serving; each test must leave this empty.
    exceptions: list[str] = field(default_factory=list)


class _RequestLog(WSGIRequestHandler):
    """Request lines go to a logger pytest shows on failure, not to stderr as well."""

    logger = logging.getLogger("tests.browser.server")

    def log(self, type: str, message: str, *args) -> None:
        level = logging.ERROR if type == "error" else logging.INFO
        self.logger.log(level, message, *args)


def _closed_before_sent(app):
    """The app's answer read whole and closed before the server writes it.

    Werkzeug's development server closes a response only after it has read what is left
    of the request; when the browser has already dropped the connection (a page left
    while its icon loads), that read fails and the response, with the static file it
    holds open, is never closed. Gunicorn closes it either way; here it is closed first.
    """

    def wrapped(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return wrapped


@pytest.fixture
def smtp_inbox(live_server):
    """A real SMTP server the live app sends to, for one test; yields its ``Inbox``."""
    from tests import smtp_server

    controller, inbox, port = smtp_server.start()
    config = live_server.app.config
    saved = config.get("MAIL_SMTP_URL", "")
    config["MAIL_SMTP_URL"] = f"smtp://127.0.0.1:{port}?starttls=off"
    config["BASE_URL"] = live_server.url
    try:
        yield inbox
    finally:
        config["MAIL_SMTP_URL"] = saved
        controller.stop()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[LiveServer]:
    """Hearth over real HTTP on 127.0.0.1, on a port the OS picks."""
    server = make_server(
        "127.0.0.1", 0, _closed_before_sent(live_app), threaded=True, request_handler=_RequestLog
    )
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", live_app)

    def record(_sender, exception, **_extra):
        live.exceptions.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record, live_app, weak=False)
    thread = threading.Thread(target=server.serve_forever, name="hearth-live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        got_request_exception.disconnect(record, live_app)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    password: str = PASSWORD


@dataclass(frozen=True)
class SeededCouple:
    id: int
    name: str
    # place → the invitation link (places not joined) or the partner's account (joined)
    links: dict[int, str]
    partners: dict[int, Person]


_numbers = itertools.count(1)


def unique_email(who: str) -> str:
    """An e-mail no other journey in this run uses."""
    return f"{who.lower()}.{next(_numbers)}.{os.getpid()}@example.com"


class Seed:
    """Accounts and couples made straight in the live server's database."""

    def __init__(self, server: LiveServer):
        self.server = server

    def counselor(self, name: str = "Dana Rivera") -> Person:
        with self.server.app.app_context():
            user = factories.counselor(name, email=unique_email("counselor"))
            db.session.commit()
            return Person(user.id, user.display_name, user.email)

    def couple(
        self,
        counselor: Person,
        names: tuple[str, str] = ("Robin", "Casey"),
        joined: tuple[bool, bool] = (False, False),
    ) -> SeededCouple:
        with self.server.app.app_context():
            by = db.session.get(User, counselor.id)
            couple = factories.couple(by, f"{names[0]} & {names[1]}", names, joined)
            db.session.commit()
            links, partners = {}, {}
            for partner in couple.partners:
                if partner.joined:
                    user = partner.user
                    partners[partner.place] = Person(user.id, user.display_name, user.email)
                else:
                    token = invitations.token_of(invitations.current_for(partner))
                    links[partner.place] = f"{self.server.url}/join/{token}"
            return SeededCouple(couple.id, couple.name, links, partners)

    def homework(
        self,
        couple: SeededCouple,
        history_weeks: int = 0,
        kinds: tuple[str, ...] = factories.CORE_KINDS,
    ) -> SeededHomework:
        """The core three kinds (or ``kinds``) from this week, one shared need with two steps
        per partner and, with ``history_weeks``, that many weeks of answers up to and
        including this one.

        A journey about the usual week counts what is left and how far a thumb travels: it
        gets the kinds it means, and a journey about another kind asks for it by name."""
        with self.server.app.app_context():
            row = db.session.get(Couple, couple.id)
            made = factories.homework(row, kinds=kinds)
            if history_weeks:
                factories.history(row, made, history_weeks)
            db.session.commit()
            return SeededHomework(
                week=made["week"],
                item_ids=[i.id for i in made["rhythm"].rhythm_items],
                need_ids={place: made[f"need_{place}"].id for place in (1, 2)},
                step_ids={place: [s.id for s in made[f"need_{place}"].steps] for place in (1, 2)},
            )

    def check_in(self, couple: SeededCouple, place: int, week_start: date, **answers) -> None:
        """A check-in written straight into the database, e.g. for an earlier week."""
        with self.server.app.app_context():
            row = db.session.get(Couple, couple.id)
            assignment = next(a for a in row.assignments if a.kind == "checkin")
            values = {"connected": 5, "heard": 5, "stress": 5, **answers}
            db.session.add(
                CheckIn(
                    assignment_id=assignment.id,
                    partner_id=row.partner_at(place).id,
                    week_start=week_start,
                    **values,
                )
            )
            db.session.commit()


@dataclass(frozen=True)
class SeededHomework:
    week: date  # the couple's current week
    item_ids: list[int]  # the weekly rhythm's three items, in order
    need_ids: dict[int, int]  # place → that partner's need
    step_ids: dict[int, list[int]]  # place → the steps of that partner's need


@pytest.fixture
def seed(live_server) -> Seed:
    return Seed(live_server)


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser(chromium_executable) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class BrowserLog:
    """What went wrong in the pages of one test: console errors, exceptions, CSP, 5xx."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._expected: list[re.Pattern[str]] = []
        self._watched: set[int] = set()

    def expect(self, pattern: str) -> None:
        """Let messages matching ``pattern`` through, for a test that causes them on purpose."""
        self._expected.append(re.compile(pattern))

    def expect_status(self, status: int) -> None:
        """Chromium logs every 4xx answer as a console error; allow one the test asks for."""
        self.expect(rf"Failed to load resource: the server responded with a status of {status}\b")

    def watch(self, page: Page) -> None:
        if id(page) in self._watched:
            return
        self._watched.add(id(page))

        def on_console(message) -> None:
            if message.type != "error":
                return
            source = (message.location or {}).get("url", "")
            self.problems.append(f"console error on {page.url}: {message.text} ({source})")

        def on_page_error(error) -> None:
            self.problems.append(f"uncaught exception on {page.url}: {error}")

        def on_response(response) -> None:
            if response.status >= 500:
                self.problems.append(
                    f"HTTP {response.status} for {response.request.method} {response.url}"
                )

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("response", on_response)

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(e.search(p) for e in self._expected)]


@pytest.fixture
def browser_log(live_server) -> Iterator[BrowserLog]:
    log = BrowserLog()
    live_server.exceptions.clear()
    yield log
    problems = log.unexpected() + [f"exception in the app: {e}" for e in live_server.exceptions]
    live_server.exceptions.clear()
    assert not problems, "The browser or the app reported problems:\n" + "\n".join(problems)


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(browser, live_server, browser_log) -> Iterator[NewPage]:
    """``new_page(PHONE, java_script_enabled=False)``: a page in a context of its own."""
    contexts: list[BrowserContext] = []

    def open_page(screen: dict | None = None, **options) -> Page:
        context = browser.new_context(
            base_url=live_server.url, **(screen or COUNSELOR_SCREEN), **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", browser_log.watch)
        contexts.append(context)
        page = context.new_page()
        browser_log.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def counselor_page(new_page) -> Page:
    return new_page(COUNSELOR_SCREEN)


@pytest.fixture
def partner1_page(new_page) -> Page:
    return new_page(PHONE)


@pytest.fixture
def partner2_page(new_page) -> Page:
    return new_page(PHONE)


# --------------------------------------------------------------------------- screenshots


@dataclass
class Screenshots:
    folder: Path
    taken: list[Path] = field(default_factory=list)

    def take(
        self,
        page: Page,
        name: str,
        *,
        docs: str | None = None,
        element: Locator | None = None,
        margin: int = 0,
        first_screen: bool = False,
    ) -> Path:
        """Save the whole page (or only ``element``, with ``margin`` pixels of the page
        around it, or with ``first_screen`` what the phone shows before scrolling) as
        ``<name>.png``; ``docs`` names its copy in docs/screenshots."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.png"
        # caret="initial": hiding the caret (Playwright's default) leaves style="" on inputs,
        # which htmx then copies onto swapped-in inputs and the CSP rightly blocks.
        if element is not None and margin:
            element.scroll_into_view_if_needed()
            box = element.evaluate(
                "e => { const r = e.getBoundingClientRect();"
                " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }"
            )
            left, top = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
            clip = {
                "x": left,
                "y": top,
                "width": box["x"] + box["width"] + margin - left,
                "height": box["y"] + box["height"] + margin - top,
            }
            page.screenshot(path=path, full_page=True, clip=clip, caret="initial")
        elif element is not None:
            element.screenshot(path=path, caret="initial")
        else:
            page.screenshot(path=path, full_page=not first_screen, caret="initial")
        self.taken.append(path)
        if docs:
            target = DOCS_SCREENSHOTS / docs
            if not target.exists() or os.environ.get("HEARTH_DOCS_SCREENSHOTS") == "1":
                DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        return path


_screenshots = Screenshots(ARTIFACTS / f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}")


@pytest.fixture(scope="session")
def screenshots() -> Screenshots:
    return _screenshots


def pytest_terminal_summary(terminalreporter) -> None:
    if _screenshots.taken:
        terminalreporter.write_line(f"Browser screenshots: {_screenshots.folder}")


# --------------------------------------------------------------------------- journeys' steps


def sign_in(page: Page, person: Person) -> None:
    """Sign in through the real form and wait to leave it."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def fill_join_form(page: Page, name: str, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type it once more").fill(password)
    page.get_by_label(re.compile(r"^I've read how .+ keeps what I write")).check()


def join(page: Page, link: str, name: str, email: str | None = None) -> str:
    """Accept an invitation link as a new partner; returns the e-mail used."""
    email = email or unique_email(name)
    page.goto(link)
    fill_join_form(page, name, email)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url("**/week")
    return email


def field_of(page: Page, input_id: str):
    """The ``.field`` block holding the input with this id (its label, hint and error)."""
    return page.locator(".field").filter(has=page.locator(f"#{input_id}"))


# --------------------------------------------------------------------------- homework steps


def rhythm_item(page: Page, wording: str) -> Locator:
    """One item of the weekly rhythm card, by (the start of) its wording."""
    return page.locator("#card-rhythm li.item").filter(has_text=wording)


def choose_on_scale(page: Page, question: str, number: int) -> None:
    """Tap a number on a 1–10 check-in scale: its visible label (the radio itself is hidden)."""
    scale = page.get_by_role("group", name=question)
    scale.locator("label.choice").filter(has_text=re.compile(rf"^\s*{number}\s*$")).click()


def prompt(page: Page, label: str) -> Locator:
    """A check-in question's block: its textarea and its "Who can read this" choice."""
    return page.locator(".prompt").filter(has=page.get_by_label(label, exact=True))


def progress(page: Page) -> str:
    """The week's counter, e.g. "3 things left to do this week", with spaces tidied."""
    return " ".join(page.locator("#week-progress > p").first.inner_text().split())


def add_need(page: Page, wording: str, steps: list[str], *, private: bool = False) -> None:
    """Add a need through the real form, from the needs page, and wait to be back on it."""
    page.get_by_role("link", name="Add a need").click()
    page.get_by_label("What I need").fill(wording)
    page.get_by_label("Steps my partner can take").fill("\n".join(steps))
    if private:
        page.get_by_role("group", name="Who can read this need and its steps").get_by_label(
            "For my counselor only"
        ).check()
    page.get_by_role("button", name="Add this need").click()
    expect(page.get_by_text("Your need is on the list.")).to_be_visible()


# What a person on a phone cannot use: sideways scrolling, and what sticks out to cause it;
# primary buttons and the numbers of a scale smaller than a thumb; form controls, other
# buttons and the top bar's links too short to hit.
PHONE_FIT = """
(tap) => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const problems = [];
  const box = (el) => el.getBoundingClientRect();
  const visible = (el) => box(el).width > 0 && box(el).height > 0;
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
    const text = (el.textContent || el.name || "").trim().replace(/\\s+/g, " ").slice(0, 30);
    return [name, ...classes.filter(Boolean)].join(".") + (text ? ` "${text}"` : "");
  };
  if (doc.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => visible(el) && box(el).right > width + 0.5)
      .map((el) => `${describe(el)} (right edge ${Math.round(box(el).right)}px)`);
    problems.push(`scrolls sideways: ${doc.scrollWidth}px of content in ${width}px; ` +
      `sticking out: ${wide.slice(0, 5).join(", ")}`);
  }
  // Both ways: primary buttons and the numbers of a scale.
  // One measure per element: a box read twice can differ while a <details> is still opening.
  for (const el of document.querySelectorAll(".button.primary, .scale label.choice")) {
    const r = box(el);
    if (r.width > 0 && r.height > 0 && (r.width < tap || r.height < tap))
      problems.push(`${describe(el)} is ${Math.round(r.width)}×${Math.round(r.height)}px`);
  }
  // Tall enough: every other button, text box, summary and choice in the page (a checkbox
  // or radio is tapped through its label, .choice, which is the target), and the top bar.
  const others = "main button:not(.primary), main .button:not(.primary), main label.choice, " +
    "main summary, main textarea, main select, " +
    "main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), " +
    ".topbar a, .topbar button";
  for (const el of document.querySelectorAll(others)) {
    const r = box(el);
    if (r.width > 0 && r.height > 0 && r.height < tap)
      problems.push(`${describe(el)} is ${Math.round(r.height)}px tall`);
  }
  return problems;
}
"""


def phone_fit_problems(page: Page, screen_name: str, tap: int = 44) -> list[str]:
    """What does not fit a phone on ``page`` (``tap``: the smallest target for a thumb, in
    CSS px), each problem prefixed with ``screen_name``."""
    return [f"{screen_name}: {p}" for p in page.evaluate(PHONE_FIT, tap)]
