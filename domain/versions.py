"""Saving a record that two tabs, two devices or two partners may edit at once.

Every such record carries a version (``version_id_col``) and its form sends back the
version it was opened on. One flow decides what happens, for check-ins, reflections,
needs and counseling sessions alike:

- the version sent is the one stored: the change is applied and committed;
- the version moved meanwhile, but what was sent is what is stored (a double tap, or the
  same words saved twice): nothing to do, it counts as saved;
- the version moved and the words differ, or another writer commits at the same moment:
  nothing is written, and the caller shows what is stored now beside what was typed, so
  neither text is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from extensions import commit_keeping_loaded, db


class Outcome(StrEnum):
    SAVED = "saved"
    SAME = "same"  # already stored exactly so: a repeat, not a conflict
    CONFLICT = "conflict"


@dataclass
class Saved:
    outcome: Outcome
    # The row as it stands now: the one just saved, or for a conflict the other
    # writer's (None if it vanished meanwhile).
    row: Any
    # True when the other writer committed at the same moment as this one.
    raced: bool = False

    @property
    def conflict(self) -> bool:
        return self.outcome == Outcome.CONFLICT

    @property
    def version(self) -> int:
        """The version a form should carry from now on (0 for a row that is gone)."""
        return getattr(self.row, "version", None) or 0


def save(
    row,
    sent_version: int,
    apply: Callable[[Any], None],
    *,
    reload: Callable[[], Any],
    same: Callable[[Any], bool] | None = None,
    new: Callable[[], Any] | None = None,
) -> Saved:
    """Apply and commit a change to ``row`` opened at ``sent_version``.

    ``row`` may be None when the record does not exist yet; ``new`` then makes it (it is
    added to the session here). ``apply(row)`` writes the form's values, ``same(row)``
    says whether the stored row already holds exactly them, and ``reload()`` fetches the
    row again after a failed commit.
    """
    if row is not None and row.version != sent_version:
        if same is not None and same(row):
            return Saved(Outcome.SAME, row)
        return Saved(Outcome.CONFLICT, row)
    if row is None:
        if new is None:
            return Saved(Outcome.CONFLICT, reload(), raced=True)
        row = new()
        db.session.add(row)
    try:
        apply(row)
        commit_keeping_loaded()
    except (IntegrityError, StaleDataError):
        # Another writer committed between our read and our write.
        db.session.rollback()
        return Saved(Outcome.CONFLICT, reload(), raced=True)
    return Saved(Outcome.SAVED, row)
