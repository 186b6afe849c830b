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
- What a stored copy of a page could at best cost: ``/_bench/week-stored`` (This week)
  and ``/_bench/couple-stored/<id>`` (the couple page) do what must happen on every
  showing (signing in, the partner's confidentiality check; the counselor's access check,
  visit and audit row) and send the page's bytes as the real page drew them for this
  person on their first request, compressed once and kept so. This week's also asks the
  least a stored copy must ask to know it still holds; the couple page's asks nothing
  more (its couple, read for the access check, carries its number). ``POST
  /_bench/rating/<week>/<need>`` is an HTMX rating without its answer: the rating written
  with its policy, audit row and data version, committed, and nothing drawn.
"""

from __future__ import annotations

import gzip
import os
from functools import cache

import brotli
from flask import Flask, Response, request
from flask_login import current_user

from app import create_app as create_hearth_app
from blueprints.confidentiality import changed_policy_unread, policy_in_force
from blueprints.counselor import couple_page_context
from domain import appointments, audit, review, whats_new
from domain.access import couple_for, own_partner_place
from domain.cards import partner_week
from domain.homework import couple_week, load
from extensions import db
from kinds import actions
from kinds.needs.forms import RatingForm
from kinds.needs.routes import own_need, save_rating
from models import CounselingSession, utcnow
from web.guards import counselor_required, partner_required

WORKER_HEADER = "X-Hearth-Worker"
FLOOR_PATH = "/_bench/floor"
SIGNED_IN_PATH = "/_bench/signed-in"
AUDITED_PATH = "/_bench/audited"
PARTNER_PATH = "/_bench/partner"
WEEK_READ_PATH = "/_bench/week-read"
COUPLE_READ_PATH = "/_bench/couple-read/{}"
DASHBOARD_READ_PATH = "/_bench/dashboard-read"
WEEK_STORED_PATH = "/_bench/week-stored"
COUPLE_STORED_PATH = "/_bench/couple-stored/{}"
RATING_WRITE_PATH = "/_bench/rating/{}/{}"


def stored_response(stored: dict, key: tuple) -> Response:
    """The stored page, compressed once as Flask-Compress would for this request and kept
    so (nothing is compressed on the request itself), or as stored for a client that takes
    neither brotli nor gzip."""
    accepted = request.headers.get("Accept-Encoding", "")
    coding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else None
    if coding is None:
        return Response(stored[key], mimetype="text/html")
    packed = (key, coding)
    if packed not in stored:
        raw = stored[key]
        packing = brotli.compress(raw, quality=4) if coding == "br" else gzip.compress(raw, 6)
        stored[packed] = packing
    response = Response(stored[packed], mimetype="text/html")
    response.headers["Content-Encoding"] = coding
    response.vary.add("Accept-Encoding")
    return response


@cache
def unopened_summary_ids():
    """The ids of ``whats_new.unopened_summaries`` (for ``user_id``): what a stored page
    must compare to know whether its dot on "Summaries" still holds."""
    return whats_new.unopened().with_only_columns(CounselingSession.id)


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
        changed = changed_policy_unread()
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
        """What ``blueprints.counselor.couple_page`` reads and writes, drawn into no HTML
        (its review section, kept as drawn while the couple's data is unchanged, as the
        page keeps it)."""
        couple = couple_for(current_user, couple_id)
        shown = couple_page_context(couple)
        whats_new.record_visit(current_user, couple.id)
        audit.record_now("viewed", couple_id=couple.id, subject="Benchmark: couple page read")
        places, words = len(shown["places"]), len(shown["words"])
        kept = bool(shown["review_section"])
        return Response(f"{places} {kept} {words}\n", mimetype="text/plain")

    @app.get(DASHBOARD_READ_PATH)
    @counselor_required
    def bench_dashboard_read() -> Response:
        """What ``blueprints.counselor.dashboard`` reads and gathers for its first page,
        drawn into no HTML."""
        shown = review.dashboard_page(current_user.id)
        agenda = appointments.agenda(current_user.id)
        return Response(f"{len(shown.summaries)} {len(agenda)}\n", mimetype="text/plain")

    stored: dict[tuple, bytes] = {}  # per worker: pages as first drawn, by whom and what

    @app.get(WEEK_STORED_PATH)
    @partner_required
    def bench_week_stored() -> Response:
        """This week from a stored copy: the partner signed in and their policy checked, as
        every partner page does first; then the least a stored copy must ask to know it
        still holds (the couple's ``data_version``, read with the place, and which
        summaries are new to this partner, the dot on "Summaries": one query of their ids);
        then the bytes This week drew for them."""
        changed_policy_unread()
        place = policy_in_force()[0]
        dot = tuple(db.session.scalars(unopened_summary_ids(), {"user_id": current_user.id}))
        key = ("week", current_user.id, place.couple.data_version, dot)
        if key not in stored:
            stored[key] = app.view_functions["partner.home"]().get_data()
        return stored_response(stored, key)

    @app.get(COUPLE_STORED_PATH.format("<int:couple_id>"))
    @counselor_required
    def bench_couple_stored(couple_id: int) -> Response:
        """The couple page from a stored copy: the access check, then the visit and the
        audit row every showing leaves, and the bytes the page drew for this counselor."""
        couple = couple_for(current_user, couple_id)
        key = ("couple", current_user.id, couple.id)
        if key not in stored:  # the page itself records this first showing
            stored[key] = app.view_functions["counselor.couple"](couple_id=couple.id).get_data()
        else:
            whats_new.record_visit(current_user, couple.id)
            audit.record_now("viewed", couple_id=couple.id, subject="Couple page")
        return stored_response(stored, key)

    @app.post(RATING_WRITE_PATH.format("<date:week_start>", "<int:need_id>"))
    @partner_required
    def bench_rating_write(week_start, need_id: int) -> Response:
        """``kinds.needs.routes.rate_need`` up to its commit (``save_rating``), and no
        answer drawn."""
        me = actions.me()
        week = actions.week_of(me, week_start)
        need = own_need(me, need_id)
        key = f"rating-{need.id}"
        form = RatingForm(prefix=key)
        if actions.writable(actions.assignment_of(me, "needs", week), week) or not form.validate():
            return Response("refused\n", status=409, mimetype="text/plain")
        rating = save_rating(me, need, week, form)
        return Response(f"{rating.rating}\n", mimetype="text/plain")

    @app.after_request
    def worker_pid(response: Response) -> Response:
        response.headers[WORKER_HEADER] = str(os.getpid())
        return response

    return app
