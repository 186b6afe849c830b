"""Hearth's data model, as typed SQLAlchemy 2 models.

Every timestamp is stored in UTC and comes back timezone-aware, whatever the database.
"""

from models.base import (
    COUPLE_NAME_MAX,
    EMAIL_MAX,
    NAME_MAX,
    CoupleStatus,
    InvitationPurpose,
    Role,
    UTCDateTime,
    normalize_email,
    utcnow,
)
from models.people import Couple, Invitation, Partner, User

__all__ = [
    "COUPLE_NAME_MAX",
    "EMAIL_MAX",
    "NAME_MAX",
    "Couple",
    "CoupleStatus",
    "Invitation",
    "InvitationPurpose",
    "Partner",
    "Role",
    "UTCDateTime",
    "User",
    "normalize_email",
    "utcnow",
]
