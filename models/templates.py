"""A counselor's own reusable wording: assignment templates and session note templates.

Both belong to one counselor and say nothing about any couple: a template is made from an
assignment's wording (the counselor's words, never a partner's) and prefills a new form
that the counselor still reviews. Retiring hides a template from the choices and keeps it,
so it can be brought back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import INSTRUCTIONS_MAX, UTCDateTime, utcnow
from models.sessions import FOCUS_MAX

TEMPLATE_NAME_MAX = 80
# A note template is a skeleton, not a session's record: shorter than the notes it starts.
SKELETON_MAX = 5000
KIND_KEY_MAX = 32


class AssignmentTemplate(db.Model):
    """One kind of homework as the counselor likes to give it: instructions, how many weeks,
    and the kind's own settings (``Kind.template_settings``) as plain JSON."""

    __tablename__ = "assignment_templates"
    __table_args__ = (
        CheckConstraint("weeks IS NULL OR weeks BETWEEN 1 AND 104", name="weeks"),
        CheckConstraint("length(name) > 0", name="name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_MAX))
    kind: Mapped[str] = mapped_column(String(KIND_KEY_MAX))
    instructions: Mapped[str] = mapped_column(String(INSTRUCTIONS_MAX))
    weeks: Mapped[int | None] = mapped_column(Integer)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class NoteTemplate(db.Model):
    """A skeleton for a session's record: the focus line, the notes to share and what is
    agreed, as the counselor usually starts them."""

    __tablename__ = "note_templates"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_MAX))
    focus: Mapped[str] = mapped_column(String(FOCUS_MAX), default="")
    shareable_notes: Mapped[str] = mapped_column(Text, default="")
    homework_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def retired(self) -> bool:
        return self.retired_at is not None
