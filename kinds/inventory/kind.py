"""The disconnection inventory as a kind of homework: taken at intake and again every few
weeks, private to the counselor unless a partner shares it; the counselor reads both
partners side by side and the change between takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.charts import Series, line_chart
from domain.dates import write as write_date
from domain.visibility import VISIBILITY_WORDS, Audience
from extensions import db
from kinds.base import Entry, GridRow, Kind, Place, PrivateText, Progress
from kinds.inventory.forms import InventoryAssignmentForm
from kinds.inventory.models import (
    ANCHORS,
    EVERY_DEFAULT,
    EVERY_MAX,
    KEY,
    LABELS,
    MOST,
    SIGN_KEYS,
    SIGNS,
    InventorySchedule,
    InventoryTake,
    every,
    is_take_week,
    next_take,
)
from kinds.inventory.routes import bp
from models import Assignment, AssignmentStatus, Visibility, among, last_per_partner
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR
RISE = 6  # a total this much heavier than the take before is worth a look


@dataclass
class Change:
    """How one take compares with the one before it, sign by sign (lower is lighter)."""

    before: date
    lighter: int
    heavier: int
    same: int
    total_before: int
    total_now: int

    @property
    def words(self) -> str:
        """The change in plain words, without a single rating in it."""
        if not self.lighter and not self.heavier:
            return f"the same on every sign as in the week of {_day(self.before)}"
        parts = []
        if self.lighter:
            parts.append(f"lighter on {_signs(self.lighter)}")
        if self.heavier:
            parts.append(f"heavier on {_signs(self.heavier)}")
        return f"{' and '.join(parts)} than in the week of {_day(self.before)}"

    def said(self) -> str:
        """``words`` in the reader's language, for the partner's own card."""
        day = _day(self.before)
        if not self.lighter and not self.heavier:
            return gettext("the same on every sign as in the week of %(day)s", day=day)
        lighter = ngettext("lighter on %(num)d sign", "lighter on %(num)d signs", self.lighter)
        heavier = ngettext("heavier on %(num)d sign", "heavier on %(num)d signs", self.heavier)
        if self.lighter and self.heavier:
            return gettext(
                "%(lighter)s and %(heavier)s than in the week of %(day)s",
                lighter=lighter,
                heavier=heavier,
                day=day,
            )
        return gettext(
            "%(change)s than in the week of %(day)s",
            change=lighter if self.lighter else heavier,
            day=day,
        )


def change(now: InventoryTake, before: InventoryTake | None) -> Change | None:
    if before is None:
        return None
    pairs = [(getattr(before, k), getattr(now, k)) for k in SIGN_KEYS]
    return Change(
        before.week_start,
        lighter=sum(1 for a, b in pairs if b < a),
        heavier=sum(1 for a, b in pairs if b > a),
        same=sum(1 for a, b in pairs if b == a),
        total_before=before.total,
        total_now=now.total,
    )


@dataclass
class Takes:
    """Every take of the couple's partners up to the last loaded week, by (partner, week):
    few rows (one per partner every few weeks), and the change needs the take before."""

    rows: dict[tuple[int, date], InventoryTake] = field(default_factory=dict)

    def of(self, partner_id: int) -> list[InventoryTake]:
        """A partner's takes, oldest first."""
        return sorted(
            (t for (pid, _), t in self.rows.items() if pid == partner_id),
            key=lambda t: t.week_start,
        )

    def before(self, take: InventoryTake) -> InventoryTake | None:
        earlier = [t for t in self.of(take.partner_id) if t.week_start < take.week_start]
        return earlier[-1] if earlier else None


@dataclass
class Seen:
    """What a reader may see of one take: the ratings (None when kept from them), the
    change from the take before (always, in words), and the note when they may read it."""

    name: str
    take: InventoryTake
    ratings: dict[str, int] | None
    change: Change | None
    note: str | None

    @property
    def heaviest(self) -> list[str]:
        """The signs rated highest (3 or 4), as labels with their anchor words."""
        if not self.ratings:
            return []
        return [
            f"{LABELS[k]} ({ANCHORS[v].lower()})"
            for k, v in sorted(self.ratings.items(), key=lambda kv: -kv[1])
            if v >= 3
        ]


def seen(take: InventoryTake, name: str, before, audience: Audience) -> Seen:
    ratings = take.ratings if audience.may(take.partner_id, take.ratings_visibility) else None
    note = audience.text(take.partner_id, take.note, take.note_visibility)
    return Seen(name, take, ratings, change(take, before), note)


@dataclass
class InventoryCard:
    kind = KEY
    signs = SIGNS
    anchors = ANCHORS
    assignment: object
    week: object
    take_week: bool
    mine: InventoryTake | None
    my_change: Change | None
    my_last: InventoryTake | None
    partner_name: str
    partner_took: bool
    theirs: Seen | None
    next_week: date | None
    open: bool

    @property
    def done(self) -> int:
        return 1 if self.take_week and self.mine else 0

    @property
    def total(self) -> int:
        return 1 if self.take_week else 0

    @property
    def left_label(self) -> str:
        return gettext("Take the inventory")

    @property
    def started(self) -> bool:
        """Once this partner has taken it at all, the instructions fold to one line."""
        return self.my_last is not None


@dataclass
class InventoryReview:
    """The couple page: both partners' latest takes side by side, and the totals over time."""

    signs: tuple
    anchors: tuple
    partners: list  # (Partner, latest take | None, take before | None, Change | None)
    chart: object | None
    every: int


@dataclass
class InventorySection:
    takes: list[Seen]
    chart: object | None
    labels: dict = field(default_factory=lambda: LABELS)
    anchors: tuple = ANCHORS


class InventoryKind(Kind):
    key = KEY
    name = "Disconnection inventory"
    default_instructions = N_(
        "Every few weeks, take ten quiet minutes on your own and rate how true each of these "
        "has felt lately. There are no right answers; it helps us notice what is changing."
    )
    models = (InventorySchedule, InventoryTake)
    # Ratings kept for the counselor cannot be emptied: the whole take goes with a partner
    # who leaves. A note kept for the counselor is emptied; a shared one stays.
    private = (
        PrivateText(
            InventoryTake,
            SIGN_KEYS,
            "ratings_visibility",
            private_sql=lambda: InventoryTake.ratings_shared.is_(False),
            written_by=lambda pid: InventoryTake.partner_id == pid,
            on_leave="delete",
        ),
        PrivateText(
            InventoryTake,
            ("note",),
            "note_visibility",
            private_sql=lambda: InventoryTake.note_visibility == PRIVATE,
            written_by=lambda pid: InventoryTake.partner_id == pid,
        ),
    )
    blueprint = bp
    demo_weeks = None

    # --- Assigning -------------------------------------------------------------------

    def assignment_form(self):
        return InventoryAssignmentForm

    def prefill(self, form, assignment) -> None:
        if not form.is_submitted():
            form.every_weeks.data = every(assignment) if assignment else EVERY_DEFAULT

    def apply(self, form, assignment, *, new: bool) -> None:
        weeks = form.every_weeks.data if form is not None else EVERY_DEFAULT
        if assignment.inventory_schedule is None:
            assignment.inventory_schedule = InventorySchedule(every_weeks=weeks)
        else:
            assignment.inventory_schedule.every_weeks = weeks

    def same_settings(self, form, assignment) -> bool:
        return every(assignment) == form.every_weeks.data

    def assignment_loads(self) -> list:
        return [selectinload(Assignment.inventory_schedule)]

    def describe_assignment(self, assignment) -> dict:
        return {"asked_again_every_weeks": every(assignment)}

    def template_settings(self, assignment) -> dict:
        return {"every_weeks": every(assignment)}

    def prefill_template(self, form, settings: dict) -> None:
        weeks = settings.get("every_weeks")
        if type(weeks) is int and 1 <= weeks <= EVERY_MAX:
            form.every_weeks.data = weeks

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> Takes:
        data = Takes()
        partner_ids = [p.id for p in hw.couple.partners]
        for row in db.session.scalars(
            select(InventoryTake).where(
                InventoryTake.partner_id.in_(partner_ids), InventoryTake.week_start <= hw.last
            )
        ):
            data.rows[(row.partner_id, row.week_start)] = row
        return data

    def answered(self, hw, assignment, week: date) -> set[int]:
        rows = hw.data[KEY].rows
        return {
            p.id
            for p in hw.couple.partners
            if (t := rows.get((p.id, week))) is not None and t.assignment_id == assignment.id
        }

    def card(self, hw, assignment, week, me, viewer, now) -> InventoryCard:
        other = me.other
        data: Takes = hw.data[KEY]
        mine = data.rows.get((me.id, week.start))
        theirs_row = data.rows.get((other.id, week.start))
        audience = Audience.of(viewer, hw.couple.id)
        theirs = None
        if theirs_row is not None:
            theirs = seen(theirs_row, other.name_with_role, data.before(theirs_row), audience)
            if theirs.ratings is None and theirs.note is None:
                theirs = None
        mine_before = [t for t in data.of(me.id) if t.week_start <= week.start]
        my_last = mine_before[-1] if mine_before else None
        return InventoryCard(
            assignment=assignment,
            week=week,
            take_week=is_take_week(assignment, week.start),
            mine=mine,
            my_change=change(my_last, data.before(my_last)) if my_last else None,
            my_last=my_last,
            partner_name=other.name_with_role,
            partner_took=theirs_row is not None,
            theirs=theirs,
            next_week=next_take(assignment, week.start),
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        rows = hw.data[KEY].rows
        cells = []
        for w in weeks:
            # Only take weeks have a cell: the weeks between are not asked of anyone.
            if not any(is_take_week(a, w.start) for a in mine):
                cells.append("")
                continue
            cells.append(who({p.id for p in hw.couple.partners if (p.id, w.start) in rows}))
        # The label says the cadence, so the dashes between take weeks read as "not asked".
        gap = every(mine[-1])
        label = f"Inventory (every {gap} weeks)" if gap > 1 else "Inventory"
        return [GridRow(label, cells, anchor=KEY)]

    def review(self, hw, weeks, chart_weeks) -> InventoryReview | None:
        assigned = [a for a in hw.assignments if a.kind == KEY]
        if not assigned:
            return None
        data: Takes = hw.data[KEY]
        partners = []
        for p in hw.couple.partners:
            takes = data.of(p.id)
            latest = takes[-1] if takes else None
            before = takes[-2] if len(takes) > 1 else None
            partners.append((p, latest, before, change(latest, before) if latest else None))
        taken = sorted({w for (_pid, w) in data.rows})
        chart = None
        # A change needs two takes to compare; one point on a chart says nothing.
        if len(taken) >= 2:
            chart = _chart(hw.couple.partners, taken, data, "Inventory totals", "chart-inventory")
        return InventoryReview(SIGNS, ANCHORS, partners, chart, every(assigned[-1]))

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        data: Takes = hw.data[KEY]
        found = []
        for week in weeks:
            for pid in names:
                take = data.rows.get((pid, week.start))
                if take is None:
                    continue
                s = seen(take, names[pid], data.before(take), audience)
                outcome = "took the inventory"
                words = []
                if s.ratings is not None:
                    outcome = f"{take.total} of {MOST}"
                    words.append(
                        ("Felt most true", ", ".join(s.heaviest) or "nothing above somewhat")
                    )
                if s.change is not None:
                    outcome += f" · {s.change.words}"
                found.append(
                    Entry(
                        KEY,
                        week.start,
                        "Disconnection inventory",
                        pid,
                        take.updated_at or take.created_at,
                        outcome=outcome,
                        words=words,
                        private=(not take.ratings_shared) if s.ratings is not None else None,
                        policy=take.policy,
                    )
                )
                if s.note:
                    found.append(
                        Entry(
                            KEY,
                            week.start,
                            "Inventory note",
                            pid,
                            take.updated_at or take.created_at,
                            words=[("", s.note)],
                            private=take.note_visibility == PRIVATE,
                            policy=take.policy,
                        )
                    )
        return found

    def dashboard(self, couples, week_of, now):
        """This take week's inventories, the last take of each couple, and a flag for a
        partner whose latest total is ``RISE`` or more heavier than the take before."""
        partner_ids = [p.id for c in couples for p in c.partners]
        # Each partner's last two takes, as plain rows: the latest, and the one before.
        rows = db.session.execute(
            last_per_partner(
                InventoryTake, partner_ids, *(getattr(InventoryTake, k) for k in SIGN_KEYS)
            )
        ).all()
        by_partner: dict[int, list] = {}
        for r in rows:
            by_partner.setdefault(r.partner_id, []).append(
                (r.week_start, sum(getattr(r, k) for k in SIGN_KEYS))
            )
        for takes in by_partner.values():
            takes.sort()
        # The couples come without their schedules: every couple's gap in one query.
        mine = [a.id for c in couples for a in c.assignments if a.kind == KEY]
        gaps = dict(
            db.session.execute(
                select(InventorySchedule.assignment_id, InventorySchedule.every_weeks).where(
                    among(InventorySchedule.assignment_id, mine)
                )
            ).all()
        )

        def row(couple, assignment) -> Progress:
            week = week_of[couple.id]
            dates = [t[-1][0] for p in couple.partners if (t := by_partner.get(p.id))]
            facts = []
            if dates:
                facts.append(f"Last inventory: week of {_day(max(dates))}")
            elif assignment is not None:
                facts.append("Last inventory: none yet")
            flags = []
            for p in couple.partners:
                takes = [t for t in by_partner.get(p.id, []) if t[0] <= week]
                if len(takes) >= 2 and takes[-1][1] - takes[-2][1] >= RISE:
                    flags.append(
                        f"{p.name}'s inventory felt heavier than last time "
                        f"({takes[-2][1]} to {takes[-1][1]} of {MOST})"
                    )
            progress = Progress(facts=facts, flags=flags)
            gap = gaps.get(assignment.id, EVERY_DEFAULT) if assignment is not None else None
            if assignment is not None and is_take_week(assignment, week, gap):
                progress.total = 2
                progress.done = sum(
                    1
                    for p in couple.partners
                    if any(w == week for w, _ in by_partner.get(p.id, []))
                )
            return progress

        return row

    def activity(self, couples, since: date):
        partners = [p.id for c in couples for p in c.partners]
        return [
            select(InventoryTake.partner_id, InventoryTake.updated_at).where(
                among(InventoryTake.partner_id, partners), InventoryTake.week_start >= since
            )
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience: Audience, names) -> InventorySection | None:
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        data: Takes = hw.data[KEY]
        period = {w.start for w in summary.weeks}
        partners = list(hw.couple.partners)
        takes = []
        for p in partners:
            for take in data.of(p.id):
                if take.week_start in period:
                    takes.append(seen(take, p.name_with_role, data.before(take), audience))
        if not takes:
            return None
        takes.sort(key=lambda s: (s.take.week_start, s.take.partner_id))
        chart = None
        # Only ratings every reader may see make a chart; the couple's copy of a take kept
        # for the counselor shows the change in words instead.
        visible = Takes(
            {(s.take.partner_id, s.take.week_start): s.take for s in takes if s.ratings is not None}
        )
        weeks = sorted({w for (_pid, w) in visible.rows})
        if len(weeks) >= 2:
            chart = _chart(partners, weeks, visible, "Inventory totals", "pdf-inventory")
        return InventorySection(takes, chart)

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        data: Takes = hw.data[KEY]
        partners = {p.id: p for p in hw.couple.partners}
        rows = []
        for (pid, week), take in sorted(data.rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            head = {"week_start": week.isoformat(), **lens.who(pid)}
            if lens.whole(pid):
                row = {
                    **head,
                    "ratings": take.ratings,
                    "ratings_for": VISIBILITY_WORDS[Visibility(take.ratings_visibility)],
                }
                if take.note:
                    row["note"] = take.note
                    row["note_for"] = VISIBILITY_WORDS[Visibility(take.note_visibility)]
                row["updated_at"] = take.updated_at.isoformat() if take.updated_at else None
                rows.append(row)
                continue
            # The other partner's take, as their card shows it: only what was shared.
            s = seen(take, partners[pid].name, data.before(take), lens.audience)
            if s.ratings is None and s.note is None:
                continue
            row = dict(head)
            if s.ratings is not None:
                row["ratings"] = s.ratings
            if s.note:
                row["note"] = s.note
            rows.append(row)
        return {"inventory_takes": rows}

    def describe(self, session, obj):
        from domain.audit_changes import couple_of_assignment

        if isinstance(obj, InventoryTake):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Inventory, week of {obj.week_start}", Place(couple, obj.partner_id)
        if isinstance(obj, InventorySchedule):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Inventory asked every {obj.every_weeks} weeks", Place(couple)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        # The demo's few weeks hold two takes four weeks apart, so the change shows.
        if assignment.inventory_schedule is None:
            assignment.inventory_schedule = InventorySchedule()
        assignment.inventory_schedule.every_weeks = DEMO_EVERY
        db.session.flush()
        partner = {p.place: p for p in assignment.couple.partners}
        takes = [w for w in weeks if is_take_week(assignment, w)]
        for who, by_take in DEMO_TAKES.items():
            for i, (ratings, note, shared) in enumerate(by_take):
                if i >= len(takes):
                    continue
                row = InventoryTake(
                    assignment_id=assignment.id,
                    partner_id=partner[who].id,
                    week_start=takes[i],
                    ratings_shared=shared,
                    note=note,
                    note_visibility=PRIVATE,
                    created_at=at(takes[i], 2, 20),
                    updated_at=at(takes[i], 2, 20),
                )
                for key, value in zip(SIGN_KEYS, ratings, strict=True):
                    setattr(row, key, value)
                db.session.add(row)

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        seed.batch.add(
            "inventory_schedules",
            {
                "id": seed.ids.take("inventory_schedules"),
                "assignment_id": seed.assignment_id,
                "every_weeks": EVERY_DEFAULT,
            },
        )
        ratings = [[rng.randint(1, 4) for _ in SIGN_KEYS] for _ in seed.partners]
        first = seed.weeks[0] if seed.weeks else None
        for week in seed.weeks:
            if ((week - first).days // 7) % EVERY_DEFAULT:
                continue
            for p, partner_id in enumerate(seed.partners):
                # Signs ease a little more often than they grow between takes.
                ratings[p] = [min(4, max(0, r + rng.choice([-1, -1, 0, 1]))) for r in ratings[p]]
                if rng.random() >= seed.keen + 0.2:
                    continue
                at = seed.at(week, 20) + timedelta(days=2)
                row = {
                    "id": seed.ids.take("inventory_takes"),
                    "assignment_id": seed.assignment_id,
                    "partner_id": partner_id,
                    "week_start": week,
                    **dict(zip(SIGN_KEYS, ratings[p], strict=True)),
                    "ratings_shared": rng.random() < 0.2,
                    "note": rng.choice(BENCH_NOTES),
                    "note_visibility": "counselor",
                    "created_at": at,
                    "updated_at": at,
                    "version": 1,
                }
                seed.batch.add("inventory_takes", row)

    def sample(self, assignment, writer, week, word, visibility) -> None:
        row = InventoryTake(
            assignment_id=assignment.id,
            partner_id=writer.id,
            week_start=week,
            ratings_shared=visibility == Visibility.SHARED,
            note=word(self.private[1], "note"),
            note_visibility=visibility,
        )
        for key in SIGN_KEYS:
            setattr(row, key, 2)
        db.session.add(row)


def _chart(partners, weeks: list[date], data: Takes, title: str, chart_id: str):
    """Each partner's total over the take weeks (0 to ``MOST``), drawn on the server."""
    labels = [_day(w) for w in weeks]
    series = [
        Series(
            p.name_with_role,
            [data.rows[(p.id, w)].total if (p.id, w) in data.rows else None for w in weeks],
        )
        for p in partners
    ]
    return line_chart(
        title,
        labels,
        series,
        chart_id=chart_id,
        low=0,
        high=MOST,
        ticks=tuple(range(0, MOST + 1, 10)),
    )


def _day(d: date) -> str:
    """ "16 Nov", in the reader's language."""
    return write_date(d, "day_month")


def _signs(n: int) -> str:
    return "1 sign" if n == 1 else f"{n} signs"


DEMO_EVERY = 4
# The demo couple's takes, oldest first: ten ratings, a note, whether the ratings are shared.
DEMO_TAKES = {
    1: [
        ((3, 2, 4, 3, 3, 3, 3, 1, 3, 2), "Money is the thing we never get to.", False),
        ((2, 1, 3, 2, 2, 2, 2, 1, 2, 2), "", True),
    ],
    2: [
        ((2, 3, 3, 3, 4, 3, 2, 1, 2, 3), "I miss the evenings we used to have.", False),
        ((2, 2, 2, 2, 3, 2, 1, 0, 2, 2), "", False),
    ],
}
BENCH_NOTES = ["", "", "Work has been heavy.", "Better since our walks.", "Hard month."]
