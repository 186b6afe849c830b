"""The front door: sends each person to their own start page."""

import json

from flask import Blueprint, make_response, redirect, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)

#: The top bar's colour (``--surface`` in app.css) and the page's (``--bg``): a phone
#: paints its status bar and the splash screen with them.
THEME_COLOR = "#ffffff"
BACKGROUND_COLOR = "#fbf7f2"


@bp.get("/")
def index():
    """Counselors go to their couples, partners to this week, others to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_counselor:
        return redirect(url_for("counselor.dashboard"))
    return redirect(url_for("partner.home"))


@bp.get("/manifest.webmanifest")
def manifest():
    """What a phone needs to add Hearth to its home screen: names, colours, icons, and
    where to open (This week). Public and the same for everyone: it names no person.

    No service worker comes with it, so nothing (private pages least of all) is kept
    for offline use.
    """
    icons = [
        {"src": url_for("static", filename=f"icons/icon-{px}.png"), "sizes": f"{px}x{px}"}
        for px in (192, 512)
    ]
    icons.append(
        {
            "src": url_for("static", filename="icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "purpose": "maskable",
        }
    )
    for icon in icons:
        icon["type"] = "image/png"
    body = {
        "name": "Hearth",
        "short_name": "Hearth",
        "description": "Your homework between counseling sessions, one small card at a time.",
        "id": url_for("partner.home"),
        "start_url": url_for("partner.home"),
        "scope": url_for("main.index"),
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }
    response = make_response(json.dumps(body, indent=2))
    response.headers["Content-Type"] = "application/manifest+json"
    return response
