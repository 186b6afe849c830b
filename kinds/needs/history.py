"""A need's life over the weeks: when it existed, and its ratings, for the needs page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.visibility import Viewer, may_see
from domain.weeks import Week, week_start_for, weeks_back
from kinds.needs.models import KEY, Need, NeedRating, NeedStatus
from models import Couple, Partner


def need_alive_in(need: Need, week: date, couple: Couple) -> bool:
    """Did the need exist (named, not yet retired) at some point during ``week``?"""

    def week_containing(moment: datetime) -> date:
        local = moment.astimezone(ZoneInfo(couple.timezone)).date()
        return week_start_for(local, couple.week_starts_on)

    if week_containing(need.created_at) > week:
        return False
    return need.retired_at is None or week_containing(need.retired_at) >= week


@dataclass
class NeedWeek:
    week: Week
    rating: NeedRating | None
    comment: str | None


@dataclass
class NeedHistory:
    need: Need
    mine: bool
    weeks: list[NeedWeek]

    @property
    def earlier_wordings(self) -> list[str]:
        return [w.wording for w in self.need.wordings[:-1]]


@dataclass
class NeedsOverview:
    mine: list[NeedHistory]
    retired: list[NeedHistory]
    theirs: list[NeedHistory]
    partner_name: str


def need_history(me: Partner, weeks: int = 12, now: datetime | None = None) -> NeedsOverview:
    """Need by need, the last ``weeks`` weekly ratings: mine, and those shared with me."""
    from domain.homework import couple_week, load
    from kinds.needs.kind import need_view, with_wordings

    couple = me.couple
    current = couple_week(couple, now)
    span = weeks_back(current, weeks)
    hw = load(couple, span[0].start, current.start)
    viewer = Viewer.for_partner(me)
    other = me.other

    def history(need: Need) -> NeedHistory:
        # Only the weeks the need existed: newest first.
        alive = [w for w in reversed(span) if need_alive_in(need, w.start, couple)]
        rows = [need_view(hw, need, w, viewer) for w in alive]
        return NeedHistory(
            need,
            need.owner_id == me.id,
            [NeedWeek(w, r.rating, r.comment) for w, r in zip(alive, rows, strict=True)],
        )

    needs = hw.data[KEY].needs
    with_wordings(needs)
    mine = [n for n in needs if n.owner_id == me.id]
    theirs = [
        n
        for n in needs
        if n.owner_id == other.id
        and n.status == NeedStatus.ACTIVE
        and may_see(viewer, couple_id=couple.id, writer_id=other.id, visibility=n.visibility)
    ]
    return NeedsOverview(
        mine=[history(n) for n in mine if n.status == NeedStatus.ACTIVE],
        retired=[history(n) for n in mine if n.status != NeedStatus.ACTIVE],
        theirs=[history(n) for n in theirs],
        partner_name=other.name_with_role,
    )
