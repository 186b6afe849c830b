"""Hearth's data model, as typed SQLAlchemy 2 models.

Every timestamp is stored in UTC and comes back timezone-aware, whatever the database.
The tables of each kind of homework live with the kind (``kinds/<key>/models.py``) and
are declared when ``kinds.registry`` is imported (the app does it when it starts).
"""

from models.audit import AppendOnlyError, AuditEvent, FormSubmission, RecoveryCode
from models.base import (
    ANSWER_MAX,
    COUPLE_NAME_MAX,
    EMAIL_MAX,
    INSTRUCTIONS_MAX,
    ITEM_MAX,
    NAME_MAX,
    NEED_MAX,
    NOTE_MAX,
    STEP_MAX,
    AssignmentStatus,
    CoupleStatus,
    InvitationPurpose,
    Role,
    UTCDateTime,
    Visibility,
    among,
    last_per_partner,
    normalize_email,
    utcnow,
)
from models.calendar import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    CoupleVisit,
    SummaryOpened,
)
from models.confidentiality import (
    POLICY_LINE_MAX,
    POLICY_TEXT_MAX,
    SAFETY_MAX,
    ConfidentialityPolicy,
    PolicyConfirmation,
)
from models.homework import Assignment
from models.mail import (
    EmailChange,
    MailChoice,
    MailSettings,
    MailSuppression,
    Message,
    PasswordReset,
)
from models.people import Couple, Invitation, Partner, User
from models.sessions import FOCUS_MAX, NOTES_MAX, CounselingSession, PinnedMoment, SummaryPdf
from models.templates import (
    SKELETON_MAX,
    TEMPLATE_NAME_MAX,
    AssignmentTemplate,
    NoteTemplate,
)
from models.words import PrivateWord

__all__ = [
    "among",
    "last_per_partner",
    "AppendOnlyError",
    "AuditEvent",
    "FormSubmission",
    "RecoveryCode",
    "ANSWER_MAX",
    "COUPLE_NAME_MAX",
    "EMAIL_MAX",
    "FOCUS_MAX",
    "NOTES_MAX",
    "INSTRUCTIONS_MAX",
    "ITEM_MAX",
    "NAME_MAX",
    "NEED_MAX",
    "NOTE_MAX",
    "STEP_MAX",
    "Appointment",
    "AppointmentStatus",
    "Assignment",
    "AssignmentTemplate",
    "NoteTemplate",
    "SKELETON_MAX",
    "TEMPLATE_NAME_MAX",
    "ConfidentialityPolicy",
    "PolicyConfirmation",
    "POLICY_LINE_MAX",
    "POLICY_TEXT_MAX",
    "SAFETY_MAX",
    "AssignmentStatus",
    "CalendarFeed",
    "CounselingSession",
    "Couple",
    "CoupleStatus",
    "CoupleVisit",
    "Invitation",
    "MailChoice",
    "MailSettings",
    "MailSuppression",
    "Message",
    "PasswordReset",
    "EmailChange",
    "InvitationPurpose",
    "Partner",
    "PinnedMoment",
    "SummaryOpened",
    "SummaryPdf",
    "PrivateWord",
    "Role",
    "UTCDateTime",
    "User",
    "Visibility",
    "normalize_email",
    "utcnow",
]
