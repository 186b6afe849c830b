"""Gunicorn settings for Hearth in production: ``make serve``, or

    gunicorn -c gunicorn.conf.py 'app:create_app()'

Each setting can be changed from the environment without editing this file (the variables
are listed in docs/DEPLOY.md); options on gunicorn's command line win over both.
"""

from __future__ import annotations

import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Behind a proxy on the same host by default; several hosts bind a private address instead.
bind = os.environ.get("HEARTH_BIND", "127.0.0.1:8000")

# Synchronous workers: a request is a few milliseconds of Python and one database round
# trip after another, so a process per request in flight is the simplest thing that works.
# Two per core plus one keeps the cores busy while some workers wait on the database or
# draw a PDF. The proxy in front buffers slow clients so they never hold a worker.
workers = _env_int(
    "HEARTH_WORKERS", _env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
)
worker_class = "sync"

# Each worker builds its own app after the fork, so no database connection, file handle
# or random state is ever shared between processes.
preload_app = False

# WeasyPrint keeps caches (fonts, images, layout objects) that grow with every new summary
# drawn. A worker retires after this many requests and a fresh one takes its place; the
# jitter staggers the restarts so the workers never all restart at once.
max_requests = _env_int("HEARTH_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("HEARTH_MAX_REQUESTS_JITTER", 100)

# A summary of a long stretch of weeks takes a few seconds to draw on a small machine;
# a worker silent for longer than this is stuck, and is killed and replaced.
timeout = _env_int("HEARTH_TIMEOUT", 60)
graceful_timeout = 30
# Sync workers close each connection after answering; the proxy keeps its own.
keepalive = 2

# Request line and headers stay small; a body is capped by MAX_CONTENT_LENGTH in the app.
limit_request_line = 4094
limit_request_fields = 100

# Heartbeat files in memory, not on a disk that may stall (container overlay filesystems).
if os.path.isdir("/dev/shm"):  # noqa: S108 - the worker heartbeat, not data
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Gunicorn 25+ opens a control socket at one path per user by default; the service manager
# drives Hearth with signals instead, and a second instance on the host (the serving test,
# a benchmark) would take over the first one's socket.
control_socket_disable = True

accesslog = os.environ.get("HEARTH_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("HEARTH_LOG_LEVEL", "info")
# Who, what, the answer, its size and how long it took (milliseconds), and which worker.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms pid=%(p)s'

# An invitation or sign-in link in a log is as good as the link itself while it is valid.
_TOKEN_IN_PATH = re.compile(r"/join/[^/?#\s\"]+")


class RedactingLogger(Logger):
    """Gunicorn's logger, with invitation tokens left out of every access log line."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and "/join/" in value:
                atoms[key] = _TOKEN_IN_PATH.sub("/join/[token]", value)
        return atoms


logger_class = RedactingLogger


def post_fork(server, worker):
    """With ``--preload`` the app was built before the fork: give each worker its own pool.

    Nothing in ``create_app`` connects to the database, so the pool is normally empty; if
    something did connect, the child must not use (or close) the parent's connections.
    """
    app = getattr(server.app, "callable", None)
    if app is None:
        return
    from extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
