"""Messages caused by something a person did, queued in the same flush as the deed.

- A counselor releases a couple's copy of a summary: ``summary_shared`` for each partner.
- A partner checks in for a week: ``partner_done`` for the other partner, if they asked.

A listener on the database session sees these wherever they happen, so the views that
do them need not know about e-mail. (Invitations are queued where links are issued,
``domain.invitations``; password links in ``domain.password_reset``.)
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from domain.mail import prefs
from domain.mail.delivery import queue
from domain.mail.kinds import BY_NAME
from kinds.checkin.models import CheckIn
from models import CounselingSession, Partner, utcnow


def _just_released(obj: CounselingSession, is_new: bool) -> bool:
    if obj.released_at is None:
        return False
    if is_new:
        return True
    history = inspect(obj).attrs.released_at.history
    return bool(history.added) and not any(history.deleted)


@event.listens_for(Session, "after_flush")
def _queue_messages(session: Session, _context) -> None:
    released = [o for o in session.new if isinstance(o, CounselingSession)]
    released = [o for o in released if _just_released(o, True)] + [
        o for o in session.dirty if isinstance(o, CounselingSession) and _just_released(o, False)
    ]
    for summary in released:
        partners = session.scalars(select(Partner).where(Partner.couple_id == summary.couple_id))
        for partner in partners:
            if partner.user is not None and partner.user.active:
                queue(
                    "summary_shared",
                    user=partner.user,
                    couple_id=summary.couple_id,
                    period=f"session-{summary.id}",
                    ref_id=summary.id,
                )
    for check_in in [o for o in session.new if isinstance(o, CheckIn)]:
        writer = session.get(Partner, check_in.partner_id)
        if writer is None:
            continue
        other = writer.other
        if other.user is None or not other.user.active:
            continue
        if not prefs.wants(other.user, BY_NAME["partner_done"]):
            continue
        settings = prefs.settings_for(other.user)
        due = prefs.after_quiet_hours(utcnow(), settings, writer.couple.timezone)
        queue(
            "partner_done",
            user=other.user,
            couple_id=writer.couple_id,
            period=check_in.week_start.isoformat(),
            due_at=due,
        )
