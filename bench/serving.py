"""Hearth as the benchmarks and the serving test run it: the production app plus two things
that must never be in production.

    gunicorn -c gunicorn.conf.py 'bench.serving:create_app()'

- ``X-Hearth-Worker``: the pid of the worker that answered, so a test can show that two
  workers served one signed-in person.
- ``GET /_bench/floor``: a route that does nothing (no database, no session, no template),
  so a benchmark can measure what the server, Flask and our after-request hooks cost alone.
- Lower bounds, each the least that a kind of page must do before it draws anything, so a
  benchmark can say how much of a page's cost is left above them (issue #16):
  ``/_bench/signed-in`` (a counselor signed in: the session and the account, nothing
  else), ``/_bench/audited`` (that, plus one audit row committed before the response, as
  every counselor view and download writes), ``/_bench/partner`` (a partner signed in and
  the confidentiality check every partner page makes: has their counselor changed the
  policy since they last confirmed it), ``/_bench/week-read`` (that partner's place, and
  this week's homework read and made into cards, drawn into no HTML), and for a counselor
  ``/_bench/couple-read/<id>`` and ``/_bench/dashboard-read`` (everything the couple page
  and the dashboard read and gather, with the couple page's visit and audit row, drawn into
  no HTML).
"""

from __future__ import annotations

import os

from flask import Flask, Response, g
from flask_login import current_user

from app import create_app as create_hearth_app
from blueprints.confidentiality import partner_reading
from blueprints.counselor import couple_page_context
from domain import appointments, audit, confidentiality, review, whats_new
from domain.access import couple_for, own_partner_place
from domain.cards import partner_week
from domain.homework import couple_week, load
from models import utcnow
from web.guards import counselor_required, partner_required

WORKER_HEADER = "X-Hearth-Worker"
FLOOR_PATH = "/_bench/floor"
SIGNED_IN_PATH = "/_bench/signed-in"
AUDITED_PATH = "/_bench/audited"
PARTNER_PATH = "/_bench/partner"
WEEK_READ_PATH = "/_bench/week-read"
COUPLE_READ_PATH = "/_bench/couple-read/{}"
DASHBOARD_READ_PATH = "/_bench/dashboard-read"


def create_app(config: dict | None = None) -> Flask:
    app = create_hearth_app(config)

    @app.get(FLOOR_PATH)
    def bench_floor() -> Response:
        """The floor: the least a request can cost in this stack."""
        return Response("ok\n", mimetype="text/plain")

    @app.get(SIGNED_IN_PATH)
    @counselor_required
    def bench_signed_in() -> Response:
        """What every signed-in page pays before its own work."""
        return Response("ok\n", mimetype="text/plain")

    @app.get(AUDITED_PATH)
    @counselor_required
    def bench_audited() -> Response:
        """A signed-in view that leaves its audit row, durably, and shows nothing."""
        audit.record_now("viewed", subject="Benchmark: the audited floor")
        return Response("ok\n", mimetype="text/plain")

    @app.get(PARTNER_PATH)
    @partner_required
    def bench_partner() -> Response:
        """What every partner page pays before its own work: signing in, and the check
        ``blueprints.confidentiality.ask_to_read_a_changed_policy`` makes before it."""
        reading = partner_reading()
        changed = confidentiality.needs_confirmation(g.confidentiality_place, reading.policy)
        return Response(f"{'changed' if changed else 'ok'}\n", mimetype="text/plain")

    @app.get(WEEK_READ_PATH)
    @partner_required
    def bench_week_read() -> Response:
        """This week's reading for a partner: everything This week loads and builds for its
        cards, and nothing drawn."""
        me = own_partner_place(current_user)
        now = utcnow()
        week = couple_week(me.couple, now)
        view = partner_week(load(me.couple, week.start, week.start), week, me, week, now)
        return Response(f"{len(view.cards)}\n", mimetype="text/plain")

    @app.get(COUPLE_READ_PATH.format("<int:couple_id>"))
    @counselor_required
    def bench_couple_read(couple_id: int) -> Response:
        """What ``blueprints.counselor.couple_page`` reads and writes, drawn into no HTML."""
        couple = couple_for(current_user, couple_id)
        shown = couple_page_context(couple)
        whats_new.record_visit(current_user, couple.id)
        audit.record_now("viewed", couple_id=couple.id, subject="Benchmark: couple page read")
        places, words = len(shown["places"]), len(shown["words"])
        return Response(f"{places} {bool(shown['review'])} {words}\n", mimetype="text/plain")

    @app.get(DASHBOARD_READ_PATH)
    @counselor_required
    def bench_dashboard_read() -> Response:
        """What ``blueprints.counselor.dashboard`` reads and gathers for its first page,
        drawn into no HTML."""
        shown = review.dashboard_page(current_user.id)
        agenda = appointments.agenda(current_user.id)
        return Response(f"{len(shown.summaries)} {len(agenda)}\n", mimetype="text/plain")

    @app.after_request
    def worker_pid(response: Response) -> Response:
        response.headers[WORKER_HEADER] = str(os.getpid())
        return response

    return app
