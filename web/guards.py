"""Who may reach a view at all: signed in, and in the right role. Which objects they may
reach is ``domain.access``'s question."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from models import Role


def role_required(role: Role) -> Callable:
    """Only signed-in users of ``role`` reach the view; others get a friendly 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


counselor_required = role_required(Role.COUNSELOR)
partner_required = role_required(Role.PARTNER)
