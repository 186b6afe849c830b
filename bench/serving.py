"""Hearth as the benchmarks and the serving test run it: the production app plus two things
that must never be in production.

    gunicorn -c gunicorn.conf.py 'bench.serving:create_app()'

- ``X-Hearth-Worker``: the pid of the worker that answered, so a test can show that two
  workers served one signed-in person.
- ``GET /_bench/floor``: a route that does nothing (no database, no session, no template),
  so a benchmark can measure what the server, Flask and our after-request hooks cost alone.
"""

from __future__ import annotations

import os

from flask import Flask, Response

from app import create_app as create_hearth_app

WORKER_HEADER = "X-Hearth-Worker"
FLOOR_PATH = "/_bench/floor"


def create_app(config: dict | None = None) -> Flask:
    app = create_hearth_app(config)

    @app.get(FLOOR_PATH)
    def bench_floor() -> Response:
        """The floor: the least a request can cost in this stack."""
        return Response("ok\n", mimetype="text/plain")

    @app.after_request
    def worker_pid(response: Response) -> Response:
        response.headers[WORKER_HEADER] = str(os.getpid())
        return response

    return app
