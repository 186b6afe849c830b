"""The task queue (Huey): sending each message, the periodic pass that finds them, and
drawing a summary's PDF when it is released.

Run the consumer beside the web server: ``huey_consumer tasks.huey -w 2 -k thread``
(``make run`` starts both). The queue lives in Redis when ``REDIS_URL`` is set (every
web worker and consumer on every host shares it), else in ``instance/tasks.db``.
Tests run tasks at once in their own process (``TASKS_IMMEDIATE``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger("hearth.mail")


def make_huey() -> Huey:
    """The queue the environment describes (read when this module is imported)."""
    name = os.environ.get("HEARTH_TASKS_NAME", "hearth")
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url:
        return RedisHuey(name, url=redis_url, results=False)
    path = os.environ.get("HEARTH_TASKS_FILE", "").strip() or str(
        Path(__file__).resolve().parent / "instance" / "tasks.db"
    )
    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SqliteHuey(name, filename=path, results=False)


huey = make_huey()
_app: Flask | None = None


def _flask_app() -> Flask:
    """The app tasks run in: the current one (tests, immediate mode), else one made from
    the environment, once per consumer process."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from app import create_app

        # The consumer logs its own lines; ours (where a message went) join them.
        ours = logging.getLogger("hearth")
        if not ours.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(
                logging.Formatter("[%(asctime)s] %(levelname)s:%(name)s:%(message)s")
            )
            ours.addHandler(handler)
            ours.setLevel(logging.INFO)
            ours.propagate = False
        _app = create_app()
    return _app


@huey.task(name="hearth.send_message")
def send_message(message_id: int) -> str:
    """Send one message, if it is still ours to send."""
    from domain.mail import delivery

    with _flask_app().app_context():
        return delivery.send_one(message_id)


@huey.periodic_task(crontab(minute="*"), name="hearth.send_due")
def send_due() -> dict:
    """Every minute: queue what has become due, and hand each due message to a worker."""
    from domain.mail import delivery

    with _flask_app().app_context():
        return delivery.send_due(send=send_message)


@huey.task(name="hearth.draw_summary")
def draw_summary(session_id: int) -> bool:
    """Draw and store the couple's copy of a released summary, in each language the two
    partners read (one or two), so that neither partner waits for a drawing. False when
    every one was already current, or it is no longer released."""
    from domain import pdf
    from domain.summary import COUPLE_COPY
    from extensions import db
    from models import CounselingSession
    from web import i18n

    with _flask_app().app_context():
        session = db.session.get(CounselingSession, session_id)
        if session is None or session.released_at is None:
            return False
        couple = session.couple
        languages = list(dict.fromkeys(i18n.of(p.user) for p in couple.partners if p.user))
        drew = False
        for lang in languages or [i18n.DEFAULT]:
            _data, cached = pdf.summary_pdf(session, COUPLE_COPY, couple.counselor.paper_size, lang)
            drew = drew or not cached
        return drew


def register(app: Flask) -> None:
    """Hand what a request queued to the task queue once its response is ready."""
    if app.config.get("TASKS_IMMEDIATE"):
        huey.immediate = True

    @app.after_request
    def _dispatch_messages(response):
        from domain.mail import delivery

        for message_id in delivery.pending_in_this_request():
            try:
                send_message(message_id)
            except Exception:  # the queue is down: the periodic pass sends it later
                log.exception("Could not hand message %s to the task queue", message_id)
        return response
