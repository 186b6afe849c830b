"""Links in messages: absolute URLs to Hearth, built without a request.

Messages are drawn by the task consumer, far from any request, so the address people open
Hearth at comes from ``HEARTH_BASE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The absolute URL of ``endpoint`` under the configured base URL."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    built = adapter.build(endpoint, values, force_external=True)
    return f"{built}#{_anchor}" if _anchor else built


def base() -> str:
    return current_app.config["BASE_URL"]
