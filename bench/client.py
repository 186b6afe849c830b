"""Hearth under real gunicorn, seen from outside: the one way the benchmarks (``bench/run.py``)
and the serving tests (``tests/test_serve.py``, ``tests/test_crash.py``) start it, talk to it
and stop it.

- ``free_port()``: a port on 127.0.0.1 that nothing listens on.
- ``run_gunicorn(...)``: ``make serve``'s gunicorn with ``bench.serving`` on such a port
  until the block ends; ``wait_until_answering`` and ``stop`` for one started another way.
- ``Client``: just enough of a browser over ``http.client``: one cookie jar, one connection
  per request, the CSRF token read from the page, sign-in through the real form. Each
  ``Answer`` has the status, the headers (and what they weigh), the body and the worker that
  answered.

Loopback only; every process started here is stopped when its block ends.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from bench.serving import WORKER_HEADER

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
STARTUP_SECONDS = 60


def free_port() -> int:
    """A port on 127.0.0.1 that is free now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- talking to it -------------------------------------------------------------------------


@dataclass
class Answer:
    """One response, read whole."""

    status: int
    headers: http.client.HTTPMessage  # case-insensitive; a missing header reads as None
    body: bytes
    header_bytes: int  # what the status line and the headers weigh on the wire

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    @property
    def worker(self) -> str:
        """The pid of the gunicorn worker that answered (``bench.serving`` sends it)."""
        pid = self.headers[WORKER_HEADER]
        if pid is None:
            raise LookupError(f"no {WORKER_HEADER} header: is the app bench.serving's?")
        return pid


@dataclass
class Client:
    """One person's browser: a cookie jar, and after ``sign_in`` the CSRF token of the page
    they landed on (what HTMX sends as ``X-CSRFToken``)."""

    port: int
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def request(
        self, method: str, path: str, form: dict | str | None = None, headers: dict | None = None
    ) -> Answer:
        """One request on a connection of its own; ``form`` is a dict or an encoded body."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            sent = {"Cookie": self.cookie_header()} if self.cookies else {}
            body = urlencode(form) if isinstance(form, dict) else form or None
            if body is not None:
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent.update(headers or {})
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if not value or re.search(r";\s*max-age=0\b", cookie, re.I):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            # "HTTP/1.1 200 OK\r\n", "Name: value\r\n" each, and the blank line.
            weight = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
            return Answer(response.status, response.headers, data, weight)
        finally:
            connection.close()

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict | str, headers: dict | None = None) -> Answer:
        return self.request("POST", path, form, headers)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on ``path``."""
        page = self.get(path)
        if page.status != 200:
            raise RuntimeError(f"{path} answered {page.status}, not a page with a form")
        return csrf_from(page.body)

    def sign_in(self, email: str, password: str) -> Answer:
        """Sign in through the real form and follow on to the start page, keeping its CSRF
        token in ``csrf`` (for HTMX requests). Returns the form's answer, a redirect."""
        form = {"csrf_token": self.csrf_token("/login"), "email": email, "password": password}
        answer = self.post("/login", form)
        location = answer.headers.get("Location", "")
        if answer.status != 302 or "/login" in location:
            raise RuntimeError(
                f"sign-in as {email} answered {answer.status} {location}: {answer.text[:300]}"
            )
        page = answer
        for _ in range(5):  # / sends each person on to their own start page
            page = self.get(page.headers["Location"])
            if page.status != 302:
                break
        self.csrf = csrf_from(page.body)
        return answer


def csrf_from(page: bytes | str) -> str:
    """The CSRF token of a page: its form's hidden field, else the HTMX header on <body>."""
    html = page.decode() if isinstance(page, bytes) else page
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    found = tag and re.search(r'value="([^"]*)"', tag.group(0))
    if not found:
        found = re.search(r'"X-CSRFToken": "([^"]+)"', unescape(html))
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return unescape(found.group(1))


# --- starting and stopping it --------------------------------------------------------------


@dataclass
class Server:
    """A gunicorn master (in a process group of its own) and the port it serves on."""

    port: int
    process: subprocess.Popen


@contextmanager
def run_gunicorn(
    database_url: str, log_path: Path, workers: int | None = None, **env: str
) -> Iterator[Server]:
    """``make serve``'s gunicorn (``gunicorn.conf.py``, production) with ``bench.serving`` on a
    free port of 127.0.0.1 until the block ends. ``env`` adds to the environment; it must
    give ``SECRET_KEY``."""
    port = free_port()
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    command.append("bench.serving:create_app()")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HEARTH_ENV": "production",
        # Counselors made for a test or a benchmark have no authenticator for a second step.
        "HEARTH_REQUIRE_TWO_STEP": "0",
        **env,
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
            command,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_answering(process, port, log_path)
            if workers:
                wait_for_workers(process, port, workers)
            yield Server(port, process)
        finally:
            stop(process)


def wait_until_answering(process: subprocess.Popen, port: int, log_path: Path) -> None:
    """Wait until /healthz answers 200 (the database too); fail if gunicorn exits or takes
    more than a minute, with the end of its log."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            tail = Path(log_path).read_text()[-3000:]
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail}")
        try:
            if Client(port).get("/healthz").status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS} s")
        time.sleep(0.2)


def wait_for_workers(process: subprocess.Popen, port: int, count: int) -> None:
    """Wait until ``count`` different workers have answered /healthz. Each worker builds the
    app after the fork, which takes a second or more on a busy machine: until then the first
    one answers everything, and a test that needs two workers would see only one."""
    deadline = time.monotonic() + STARTUP_SECONDS
    seen: set[str] = set()
    with ThreadPoolExecutor(max_workers=2 * count) as pool:
        while len(seen) < count:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"only {len(seen)} of {count} workers answered within {STARTUP_SECONDS} s"
                )
            answers = pool.map(lambda _: Client(port).get("/healthz"), range(2 * count))
            seen.update(a.worker for a in answers if a.status == 200)
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn (a process group of its own) gracefully, then for sure."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
