"""Health check for load balancers and uptime monitors."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """``{"status": "ok"}`` after a real round trip to the database, else 503."""
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok")
