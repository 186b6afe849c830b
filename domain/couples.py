"""What a counselor's earlier couples suggest for a new one: the time zone they chose last,
the zones they work in, and whether a couple of the same name already exists.

A counselor usually sees couples in one or two places, so the zone of their last new
couple is the best first guess for the next, and their own zones lead the picker. Two
couples may well share a name ("Sam & Alex"), so a repeated name is a question for the
counselor, never a refusal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from extensions import db
from models import Couple

# Zones many people live in, offered near the top of the picker after the counselor's own.
WIDELY_USED_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Singapore",
)


def zones_used(counselor_id: int) -> list[str]:
    """The time zones of this counselor's couples, the most recently created couple's first,
    each once."""
    rows = db.session.execute(
        select(Couple.timezone)
        .where(Couple.counselor_id == counselor_id)
        .order_by(Couple.created_at.desc(), Couple.id.desc())
    )
    return list(dict.fromkeys(zone for (zone,) in rows))


def common_zones(used: list[str]) -> list[str]:
    """The zones to offer first: the counselor's own (``zones_used``), then a handful many
    people live in."""
    return list(dict.fromkeys([*used, *WIDELY_USED_ZONES]))


@dataclass(frozen=True)
class NameTaken:
    """An existing couple of the counselor with the name just typed."""

    name: str
    created_at: datetime
    status: str


def same_name(counselor_id: int, name: str) -> NameTaken | None:
    """This counselor's couple called ``name`` (whatever its case, accents' form or
    spacing), the most recent one if there are several, else None."""
    wanted = _folded(name)
    if not wanted:
        return None
    rows = db.session.execute(
        select(Couple.name, Couple.created_at, Couple.status)
        .where(Couple.counselor_id == counselor_id)
        .order_by(Couple.created_at.desc(), Couple.id.desc())
    )
    for found, created_at, status in rows:
        if _folded(found) == wanted:
            return NameTaken(found, created_at, status)
    return None


def _folded(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
