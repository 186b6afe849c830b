"""The weekly rhythm's tables: the three items in the counselor's words, each week's marks,
and each partner's end-of-week reflection."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.base import ITEM_MAX, NOTE_MAX, VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow
from web.i18n import N_, as_read

KEY = "rhythm"
# An item's short label, for the week grid and the summary's table heads.
LABEL_MAX = 40


# Hearth's three, which a counselor starts from. Hearth's words: a partner reads them in
# their language while the counselor keeps them unchanged (``RhythmItem.read_wording``).
DEFAULT_ITEMS = (
    N_("One real conversation: about repair, not blame. Say what you appreciate before what hurt."),
    N_(
        "One shared activity, cooperative rather than competitive: cook, walk, build or "
        "learn something together."
    ),
    N_("One moment of affection, given without expecting anything back."),
)
# Their short labels (``label_from`` of each), for the summary's table heads.
DEFAULT_LABELS = (
    N_("One real conversation"),
    N_("One shared activity"),
    N_("One moment of affection"),
)


def label_from(wording: str) -> str:
    """A short label taken from an item's wording: the words before its first colon,
    full stop or comma when they make a label ("One real conversation"), else its first
    words, cut at a word with an ellipsis. The counselor may change it."""
    text = " ".join((wording or "").split())
    for stop in (":", ".", ";", ",", " - ", " – ", "("):
        head = text.split(stop, 1)[0].strip()
        if 0 < len(head) <= LABEL_MAX and head != text:
            text = head
            break
    if len(text) <= LABEL_MAX:
        return text
    cut = text[: LABEL_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


class RhythmItem(db.Model):
    """One of the weekly rhythm's three items, in the counselor's words for this couple."""

    __tablename__ = "rhythm_items"
    __table_args__ = (
        UniqueConstraint("assignment_id", "position", name="uq_rhythm_items_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    wording: Mapped[str] = mapped_column(String(ITEM_MAX))
    # A few words for narrow places (the grid, the PDF's table heads): ``shown_label``.
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="", server_default="")

    @property
    def shown_label(self) -> str:
        """The counselor's label, or one taken from the wording when there is none."""
        return self.label or label_from(self.wording)

    @property
    def read_wording(self) -> str:
        """The wording as the reader reads it: Hearth's own item, unchanged, in their
        language; the counselor's words as written."""
        return as_read(self.wording, self.wording if self.wording in DEFAULT_ITEMS else None)

    @property
    def read_label(self) -> str:
        """The short label as the reader reads it (Hearth's, for Hearth's own item with
        the label taken from it; the counselor's as written)."""
        shown = self.shown_label
        if self.wording in DEFAULT_ITEMS and shown == label_from(self.wording):
            return as_read(shown, shown)
        return shown

    # Kept on the assignment too (``Assignment.rhythm_items``), in order.
    assignment = relationship(
        "Assignment",
        backref=backref(
            "rhythm_items", order_by="RhythmItem.position", cascade="all, delete-orphan"
        ),
    )


class RhythmMark(db.Model):
    """A rhythm item done in a given week, by one partner, with an optional note."""

    __tablename__ = "rhythm_marks"
    __table_args__ = (
        # One mark per item per week: a double tap or both partners at once make one.
        UniqueConstraint("item_id", "week_start", name="uq_rhythm_marks_item_week"),
        CheckConstraint(f"note_visibility {VISIBILITY_CHECK}", name="note_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rhythm_items.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    note_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[RhythmItem] = relationship()
    partner = relationship("Partner")


class RhythmReflection(db.Model):
    """A partner's "what helped / what didn't" at the end of a rhythm week."""

    __tablename__ = "rhythm_reflections"
    __table_args__ = (
        UniqueConstraint(
            "assignment_id", "week_start", "partner_id", name="uq_rhythm_reflections_week"
        ),
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    helped: Mapped[str] = mapped_column(Text, default="")
    didnt_help: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
