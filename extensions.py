"""Extension objects, created unbound and bound to the app in ``app.create_app``.

Keeping them here lets models and blueprints import them without importing the app.
"""

from functools import cached_property

from flask import g
from flask_babel import Babel, Domain, _get_current_context
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraint names are stable across SQLite and PostgreSQL, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
# Counts failed sign-ins (see domain/throttle.py); no limits on ordinary pages.
limiter = Limiter(key_func=get_remote_address)
compress = Compress()


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's catalogue once per request.

    Flask-Babel looks the catalogue up for every string (the context, the locale, its
    name, a dictionary), and a partner's week translates several hundred: a tenth of the
    page's work (issue #16). It is kept where Flask-Babel's own ``force_locale`` and
    ``refresh`` already reset it (``babel_translations``), so a forced language (an
    e-mail, a copy of a summary) still gets its own catalogue.
    """

    def get_translations(self):
        ctx = _babel_context()
        if ctx is None:
            return super().get_translations()
        found = getattr(ctx, "babel_translations", None)
        if found is None:
            found = ctx.babel_translations = super().get_translations()
        return found


def _babel_context():
    """Flask-Babel's namespace for this request (what ``_get_current_context`` gives),
    found with one look at ``flask.g`` instead of three."""
    try:
        found = g._get_current_object()
    except RuntimeError:  # no application context
        return None
    ctx = found.__dict__.get("_flask_babel")
    return ctx if ctx is not None else _get_current_context()


class HearthBabel(Babel):
    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


# Hearth's own words in each person's language (web/i18n.py).
babel = HearthBabel()


def install_gettext(jinja_env) -> None:
    """The templates' ``_`` and ``ngettext`` (newstyle, as Flask-Babel installs them),
    going straight to the request's catalogue (``RequestDomain``) rather than through
    Flask-Babel's lookup of the domain for every string."""

    def found():
        return babel.domain_instance.get_translations()

    jinja_env.install_gettext_callables(
        gettext=lambda s: found().ugettext(s),
        ngettext=lambda s, p, n: found().ungettext(s, p, n),
        pgettext=lambda c, s: found().upgettext(c, s),
        npgettext=lambda c, s, p, n: found().unpgettext(c, s, p, n),
        newstyle=True,
    )


def commit_keeping_loaded() -> None:
    """Commit, keeping what the session has loaded instead of expiring it.

    An action's answer is drawn right after its commit from the rows it just read and
    wrote (the partner's place, the couple, the homework, the answer): expiring them would
    read each again, one query apiece. Everything the answer shows beyond those is loaded
    afresh anyway. Values the database sets itself are still read when first used.
    """
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
