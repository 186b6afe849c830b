"""Hearth: a companion app for couples counseling.

``create_app`` reads like a table of contents. Run it with ``flask --app app run`` on a
laptop or ``gunicorn 'app:create_app()'`` in production.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config
from extensions import (
    babel,
    compress,
    csrf,
    db,
    htmx,
    install_gettext,
    limiter,
    login_manager,
    migrate,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Hearth app; ``config`` overrides what the environment says (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, dict(config or {})))
    if config:
        app.config.from_mapping(config)
    if app.config["PROXY_FIX"]:
        # Behind N trusted proxies: the client's address and https come from their headers.
        n = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_commands(app)
    register_tasks(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    from web import i18n

    babel.init_app(app, locale_selector=i18n.choose)
    install_gettext(app.jinja_env)

    @app.after_request
    def _read_static_files_whole(response):
        """Hand Flask-Compress our small static files as bytes, not as an open file.

        Compressing the file as a stream dropped the file's ``close``; read whole, the
        close stays registered on the response. (Runs before the compressor: Flask calls
        later-registered hooks first.)
        """
        if response.direct_passthrough and request.endpoint == "static":
            response.direct_passthrough = False
            response.get_data()
        return response

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # A new IP address or browser for the same cookie marks the session not fresh.
    login_manager.session_protection = "basic"

    # Every change to a couple's data writes its audit row (a session listener).
    import domain.audit_changes  # noqa: F401

    # Summaries released and check-ins done queue their messages (a session listener).
    import domain.mail.triggers  # noqa: F401
    from domain.access import signed_in_query
    from models import User

    @login_manager.user_loader
    def load_user(identity: str) -> User | None:
        """``identity`` is ``User.get_id()``: the user and the epoch the cookie was made in.

        Signing out everywhere raises the user's epoch, so every older cookie, session or
        "keep me signed in", stops working at once, whichever worker or host reads it.
        """
        user_id, _, epoch = identity.partition(":")
        if not (user_id.isdigit() and epoch.isdigit()):
            return None
        # A partner's place, couple and counselor come in the same query (every partner
        # page starts from them: ``domain.access.own_partner_place``).
        user = db.session.scalar(signed_in_query(), {"user_id": int(user_id)})
        if user is None or not user.active or user.session_epoch != int(epoch):
            return None
        return user


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: write-ahead log so readers do not block the writer, and wait on locks.

    ``secure_delete`` overwrites what a DELETE or UPDATE removes with zeros, so erased
    words do not linger in free space of the file (see ``domain.erasure.forget_on_disk``
    for the write-ahead log).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from sqlalchemy.orm import configure_mappers

    from blueprints import (
        account,
        appointments,
        assignments,
        auth,
        calendar,
        confidentiality,
        counseling,
        counselor,
        data,
        health,
        invitations,
        library,
        mail,
        main,
        partner,
        password_reset,
    )
    from web.converters import DateConverter, IdConverter

    # Before any route is added: every <int:…> and <date:…> in a path goes through these.
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["date"] = DateConverter

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(invitations.bp)
    app.register_blueprint(counselor.bp)
    app.register_blueprint(assignments.bp)
    app.register_blueprint(partner.bp)
    from kinds import registry

    for kind in registry.REGISTRY:  # each kind's own routes and templates
        app.register_blueprint(kind.blueprint)
    # Every kind's tables are declared now: configure the mappers at once, so what a kind
    # adds to a core model (``Assignment.rhythm_items``) exists before the first query,
    # also in a command whose first use of the database is a kind's loader.
    configure_mappers()
    app.register_blueprint(counseling.bp)
    app.register_blueprint(data.bp)
    app.register_blueprint(appointments.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(confidentiality.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(mail.bp)
    mail.register_globals(app)
    app.register_blueprint(password_reset.bp)


def register_errorhandlers(app: Flask) -> None:
    from blueprints import errors

    errors.register(app)


def register_template_helpers(app: Flask) -> None:
    from web import filters

    filters.register(app)


def register_security_headers(app: Flask) -> None:
    from web import headers

    headers.register(app)


def register_commands(app: Flask) -> None:
    import commands

    commands.register(app)


def register_tasks(app: Flask) -> None:
    import tasks

    tasks.register(app)
