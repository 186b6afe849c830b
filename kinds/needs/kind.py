"""The needs list as a kind of homework: its part of every page, copy and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from domain.visibility import VISIBILITY_WORDS, Audience, strictest
from extensions import db
from kinds.base import Entry, GridRow, Kind, Place, PrivateText, Progress
from kinds.needs.forms import NeedForm, RatingForm
from kinds.needs.history import need_alive_in
from kinds.needs.models import (
    KEY,
    NEEDS_SUGGESTED,
    RATING_WORDS,
    Need,
    NeedRating,
    NeedStatus,
    NeedStep,
    NeedWording,
    StepDone,
    add_steps,
)
from kinds.needs.routes import NEW_ON_CARD, bp
from models import Assignment, AssignmentStatus, Visibility, among
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR
SHARED = Visibility.SHARED


def _private_need() -> object:
    return select(Need.id).where(Need.visibility == PRIVATE)


def _needs_of(pid: int) -> object:
    return select(Need.id).where(Need.owner_id == pid)


@dataclass
class Needs:
    """The couple's needs (all of them), and the ratings and steps of the loaded weeks."""

    couple: object
    needs: list[Need] = field(default_factory=list)
    ratings: dict[tuple[int, date], NeedRating] = field(default_factory=dict)  # (need, week)
    steps_done: dict[tuple[int, date], StepDone] = field(default_factory=dict)  # (step, week)

    def needs_of(self, partner_id: int, week: date | None = None) -> list[Need]:
        """A partner's needs that were active during ``week`` (or are active now)."""
        return [
            n
            for n in self.needs
            if n.owner_id == partner_id
            and (
                n.status == NeedStatus.ACTIVE
                if week is None
                else need_alive_in(n, week, self.couple)
            )
        ]


@dataclass
class StepView:
    step: NeedStep
    done: StepDone | None


@dataclass
class NeedView:
    need: Need
    steps: list[StepView]
    rating: NeedRating | None
    comment: str | None


@dataclass
class NeedsCard:
    kind = KEY
    rating_words = RATING_WORDS
    assignment: Assignment
    week: object
    mine: list[NeedView]
    asked_of_me: list[NeedView]
    partner_name: str
    open: bool

    @property
    def done(self) -> int:
        return sum(1 for n in self.mine if n.rating)

    @property
    def total(self) -> int:
        return len(self.mine)

    @property
    def left(self) -> int:
        """Needs still to rate; with none named yet, naming them is the one thing to do."""
        if not self.open:
            return 0
        return len(self.mine) - self.done if self.mine else 1

    @property
    def left_label(self) -> str:
        if not self.mine:
            return gettext("Name your needs")
        left = len(self.mine) - self.done
        return ngettext("Rate %(num)d need", "Rate %(num)d needs", left)


@dataclass
class NeedsReview:
    rows: list  # (partner, need, [rating or None per week])
    rating_words: dict = field(default_factory=lambda: RATING_WORDS)


@dataclass
class NeedLine:
    owner: str
    wording: str
    private: bool
    weeks: list  # (week, rating word, comment, steps done, comment kept for the counselor)


def with_wordings(needs: list[Need]) -> None:
    """Load every wording of ``needs`` in one query. Only the needs page and the export
    show earlier wordings, so ``NeedsKind.load`` leaves them out of every other page."""
    found: dict[int, list[NeedWording]] = {n.id: [] for n in needs}
    if found:
        for wording in db.session.scalars(
            select(NeedWording).where(among(NeedWording.need_id, found)).order_by(NeedWording.id)
        ):
            found[wording.need_id].append(wording)
    for need in needs:
        if "wordings" in inspect(need).unloaded:
            set_committed_value(need, "wordings", found[need.id])


def need_view(hw, need: Need, week, viewer) -> NeedView:
    """One need in one week as ``viewer`` may read it (a comment on a need kept for the
    counselor stays with the counselor, whatever the comment itself says)."""
    data = hw.data[KEY]
    rating = data.ratings.get((need.id, week.start))
    comment = None
    if rating is not None:
        comment = Audience.of(viewer, hw.couple.id).text(
            need.owner_id, rating.comment, strictest(rating.comment_visibility, need.visibility)
        )
    steps = [
        StepView(s, data.steps_done.get((s.id, week.start)))
        for s in need.steps
        if s.removed_at is None
    ]
    return NeedView(need, steps, rating, comment)


class NeedsKind(Kind):
    key = KEY
    name = "Needs list"
    default_instructions = N_(
        "Name two or three things you need from each other, and turn each into a few small "
        "steps your partner can actually take. Once a week, say how each need went for you."
    )
    models = (Need, NeedWording, NeedStep, StepDone, NeedRating)
    # A need kept for the counselor goes whole with a partner who leaves (its wordings,
    # steps, ratings and any "I did this" on its steps, by the database's cascade); on a
    # shared need, only the words of a comment kept for the counselor are emptied.
    private = (
        PrivateText(
            Need,
            ("wording",),
            "visibility",
            private_sql=lambda: Need.visibility == PRIVATE,
            written_by=lambda pid: Need.owner_id == pid,
            on_leave="delete",
        ),
        PrivateText(
            NeedWording,
            ("wording",),
            "visibility",
            private_sql=lambda: NeedWording.need_id.in_(_private_need()),
            written_by=lambda pid: NeedWording.need_id.in_(_needs_of(pid)),
            on_leave="delete",
        ),
        PrivateText(
            NeedStep,
            ("text",),
            "visibility",
            private_sql=lambda: NeedStep.need_id.in_(_private_need()),
            written_by=lambda pid: NeedStep.need_id.in_(_needs_of(pid)),
            on_leave="delete",
        ),
        PrivateText(
            NeedRating,
            ("comment",),
            "comment_visibility",
            private_sql=lambda: NeedRating.comment_visibility == PRIVATE,
            written_by=lambda pid: NeedRating.need_id.in_(_needs_of(pid)),
        ),
    )
    blueprint = bp
    links = (("Needs & history", "needs.index"),)

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> Needs:
        partner_ids = [p.id for p in hw.couple.partners]
        data = Needs(hw.couple)
        data.needs = list(
            db.session.scalars(
                select(Need)
                .where(among(Need.owner_id, partner_ids))
                .options(selectinload(Need.steps))
                .order_by(Need.created_at, Need.id)
            )
        )
        need_ids = [n.id for n in data.needs]
        step_ids = [s.id for n in data.needs for s in n.steps]
        if need_ids:
            for rating in db.session.scalars(
                select(NeedRating).where(
                    among(NeedRating.need_id, need_ids),
                    NeedRating.week_start.between(hw.first, hw.last),
                )
            ):
                data.ratings[(rating.need_id, rating.week_start)] = rating
        if step_ids:
            for done in db.session.scalars(
                select(StepDone).where(
                    among(StepDone.step_id, step_ids),
                    StepDone.week_start.between(hw.first, hw.last),
                )
            ):
                data.steps_done[(done.step_id, done.week_start)] = done
        return data

    def answered(self, hw, assignment, week: date) -> set[int]:
        data = hw.data[KEY]
        return {n.owner_id for n in data.needs if (n.id, week) in data.ratings}

    def card(self, hw, assignment, week, me, viewer, now) -> NeedsCard:
        data = hw.data[KEY]
        other = me.other
        audience = Audience.of(viewer, hw.couple.id)
        mine = [need_view(hw, n, week, viewer) for n in data.needs_of(me.id, week.start)]
        asked = [
            need_view(hw, n, week, viewer)
            for n in data.needs_of(other.id, week.start)
            if audience.may(other.id, n.visibility)
        ]
        return NeedsCard(
            assignment=assignment,
            week=week,
            mine=mine,
            asked_of_me=asked,
            partner_name=other.name_with_role,
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    def card_forms(self, card) -> dict:
        forms = {}
        for need in card.mine:
            key = f"rating-{need.need.id}"
            forms[key] = RatingForm(formdata=None, prefix=key, obj=need.rating)
        if card.open and len(card.mine) < NEEDS_SUGGESTED:
            # Naming a need right on the card, until there are as many as we suggest.
            forms[NEW_ON_CARD] = NeedForm(formdata=None, prefix=NEW_ON_CARD)
        return forms

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        data = hw.data[KEY]
        rated, steps = [], []
        for w in weeks:
            if not any(a.covers(w.start) for a in mine):
                rated.append("")
                steps.append("")
                continue
            rated.append(who({n.owner_id for n in data.needs if (n.id, w.start) in data.ratings}))
            steps.append(
                who({d.partner_id for (_sid, ws), d in data.steps_done.items() if ws == w.start})
            )
        return [
            GridRow("Needs rated", rated, anchor="needs-rated"),
            GridRow("Steps taken for the other", steps, anchor="needs-steps"),
        ]

    def review(self, hw, weeks, chart_weeks) -> NeedsReview | None:
        data = hw.data[KEY]
        rows = [
            (partner, need, [data.ratings.get((need.id, w.start)) for w in weeks])
            for partner in hw.couple.partners
            for need in data.needs_of(partner.id)
        ]
        return NeedsReview(rows) if rows else None

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        data = hw.data[KEY]
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        steps = {s.id: (n, s) for n in data.needs for s in n.steps}
        found = []
        for week in weeks:
            for need in data.needs:
                rating = data.ratings.get((need.id, week.start))
                wording = audience.text(need.owner_id, need.wording, need.visibility)
                if rating is None or wording is None:
                    continue
                visibility = strictest(rating.comment_visibility, need.visibility)
                comment = audience.text(need.owner_id, rating.comment, visibility)
                found.append(
                    Entry(
                        "needs-rated",
                        week.start,
                        wording,
                        need.owner_id,
                        rating.updated_at,
                        outcome=RATING_WORDS.get(rating.rating, rating.rating),
                        words=[("Comment", comment)] if comment else [],
                        # A need kept for the counselor is itself words to keep.
                        private=visibility != SHARED if comment else (need.visibility != SHARED),
                        policy=rating.policy if comment else need.policy,
                    )
                )
            for (step_id, week_start), done in data.steps_done.items():
                if week_start != week.start or step_id not in steps:
                    continue
                need, step = steps[step_id]
                text = audience.text(need.owner_id, step.text, need.visibility)
                if text is None:
                    continue
                found.append(
                    Entry(
                        "needs-steps",
                        week.start,
                        text,
                        done.partner_id,
                        done.created_at,
                        outcome=f"a step for {names.get(need.owner_id, 'their partner')}",
                        private=True if need.visibility != SHARED else None,
                        policy=need.policy if need.visibility != SHARED else None,
                    )
                )
        return found

    def dashboard(self, couples, week_of, now):
        partner_ids = [p.id for c in couples for p in c.partners]
        couple_of = {p.id: c.id for c in couples for p in c.partners}
        needs = db.session.execute(
            select(Need.id, Need.owner_id).where(
                among(Need.owner_id, partner_ids), Need.status == NeedStatus.ACTIVE
            )
        ).all()
        rated = set()
        if needs:
            rated = {
                (r.need_id, r.week_start)
                for r in db.session.execute(
                    select(NeedRating.need_id, NeedRating.week_start).where(
                        among(NeedRating.need_id, [n.id for n in needs]),
                        NeedRating.week_start >= min(week_of.values()),
                    )
                )
            }
        of_couple: dict[int, list] = {}
        for n in needs:
            of_couple.setdefault(couple_of[n.owner_id], []).append(n)

        def count(couple, assignment) -> Progress:
            if assignment is None:
                return Progress()
            theirs = of_couple.get(couple.id, [])
            week = week_of[couple.id]
            return Progress(sum(1 for n in theirs if (n.id, week) in rated), len(theirs))

        return count

    def activity(self, couples, since: date):
        partners = [p.id for c in couples for p in c.partners]
        return [
            select(StepDone.partner_id, StepDone.created_at)
            .join(NeedStep, NeedStep.id == StepDone.step_id)
            .join(Need, Need.id == NeedStep.need_id)
            .where(among(Need.owner_id, partners), StepDone.week_start >= since),
            select(Need.owner_id, NeedRating.updated_at)
            .join(NeedRating, NeedRating.need_id == Need.id)
            .where(among(Need.owner_id, partners), NeedRating.week_start >= since),
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience, names) -> list[NeedLine] | None:
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        data = hw.data[KEY]
        lines = []
        for need in data.needs:
            if not audience.may(need.owner_id, need.visibility):
                continue  # a need kept for the counselor stays out of the couple's copy
            weeks = []
            for week in summary.weeks:
                if not need_alive_in(need, week.start, summary.couple):
                    continue
                rating = data.ratings.get((need.id, week.start))
                comment, private = None, False
                if rating is not None:
                    visibility = strictest(rating.comment_visibility, need.visibility)
                    comment = audience.text(need.owner_id, rating.comment, visibility)
                    private = visibility != SHARED
                done = sum(1 for s in need.steps if (s.id, week.start) in data.steps_done)
                word = RATING_WORDS.get(rating.rating) if rating else None
                weeks.append((week, word, comment, done, private))
            if weeks:
                lines.append(
                    NeedLine(names[need.owner_id], need.wording, need.visibility != SHARED, weeks)
                )
        return lines or None

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        data = hw.data[KEY]
        with_wordings(data.needs)
        return {
            "needs": [
                _export_need(need, data, lens)
                for need in data.needs
                if lens.may(need.owner_id, need.visibility)
            ]
        }

    def describe(self, session, obj):
        from domain.audit_changes import couple_of_partner, get

        def need_place(need_id) -> Place:
            need = get(session, Need, need_id)
            if need is None:
                return Place(None, None)
            return Place(couple_of_partner(session, need.owner_id), need.owner_id)

        match obj:
            case StepDone():
                step = get(session, NeedStep, obj.step_id)
                place = need_place(step.need_id) if step else Place(None, None)
                return f"Step taken, week of {obj.week_start}", Place(
                    place.couple_id, obj.partner_id
                )
            case NeedRating():
                return f"Need rated, week of {obj.week_start}", need_place(obj.need_id)
            case Need():
                return "Need", Place(couple_of_partner(session, obj.owner_id), obj.owner_id)
            case NeedWording():
                return "Need wording", need_place(obj.need_id)
            case NeedStep():
                return "Need step", need_place(obj.need_id)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        for who, needs in DEMO_NEEDS.items():
            other = partner[3 - who]
            for wording, steps, visibility, ratings in needs:
                need = Need(
                    owner_id=partner[who].id,
                    wording=wording,
                    visibility=visibility,
                    created_at=at(weeks[0], 1, 19),
                )
                need.wordings.append(NeedWording(wording=wording, since=need.created_at))
                add_steps(need, steps)
                db.session.add(need)
                db.session.flush()
                for i, rating in enumerate(ratings[: len(weeks)]):
                    if rating is None:
                        continue
                    db.session.add(
                        NeedRating(
                            need_id=need.id,
                            week_start=weeks[i],
                            rating=rating,
                            comment="Better than last week." if rating == "met" and i == 4 else "",
                            comment_visibility=SHARED,
                            updated_at=at(weeks[i], 6, 20),
                        )
                    )
                    if rating in ("partly", "met") and visibility == SHARED:
                        db.session.add(
                            StepDone(
                                step_id=need.steps[0].id,
                                week_start=weeks[i],
                                partner_id=other.id,
                                created_at=at(weeks[i], 3, 18),
                            )
                        )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        # Two needs per partner, each with two steps the other partner can take.
        needs = []  # (need id, owner index, first step id)
        for owner in (0, 1):
            for wording, steps in rng.sample(BENCH_NEEDS, 2):
                need_id = seed.ids.take("needs")
                shared = rng.random() < 0.8
                seed.batch.add(
                    "needs",
                    {
                        "id": need_id,
                        "owner_id": seed.partners[owner],
                        "wording": wording,
                        "visibility": "shared" if shared else "counselor",
                        "status": "active",
                        "created_at": seed.created,
                        "retired_at": None,
                        "version": 1,
                    },
                )
                seed.batch.add(
                    "need_wordings",
                    {"id": seed.ids.take("need_wordings"), "need_id": need_id,
                     "wording": wording, "since": seed.created},
                )  # fmt: skip
                step_ids = []
                for position, step in enumerate(steps, start=1):
                    step_ids.append(seed.ids.take("need_steps"))
                    seed.batch.add(
                        "need_steps",
                        {"id": step_ids[-1], "need_id": need_id, "position": position,
                         "text": step, "removed_at": None},
                    )  # fmt: skip
                needs.append((need_id, owner, step_ids[0]))
        for week in seed.weeks:
            for need_id, owner, step_id in needs:
                if rng.random() < seed.keen:
                    seed.batch.add(
                        "need_ratings",
                        {
                            "id": seed.ids.take("need_ratings"),
                            "need_id": need_id,
                            "week_start": week,
                            "rating": rng.choice(["met", "partly", "partly", "not_yet"]),
                            "comment": "",
                            "comment_visibility": "shared",
                            "updated_at": seed.at(week, 20) + timedelta(days=6),
                        },
                    )
                if rng.random() < seed.keen * 0.7:
                    seed.batch.add(
                        "steps_done",
                        {
                            "id": seed.ids.take("steps_done"),
                            "step_id": step_id,
                            "week_start": week,
                            "partner_id": seed.partners[1 - owner],
                            "created_at": seed.at(week, 18) + timedelta(days=3),
                        },
                    )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        need_text, wording_text, step_text, comment_text = self.private
        need = Need(owner_id=writer.id, wording=word(need_text, "wording"), visibility=visibility)
        # An earlier wording, then the current one (as a need reworded once keeps them).
        need.wordings.append(NeedWording(wording=word(wording_text, "wording")))
        need.wordings.append(NeedWording(wording=need.wording))
        add_steps(need, [word(step_text, "text")])
        db.session.add(need)
        db.session.flush()
        db.session.add(
            NeedRating(
                need_id=need.id,
                week_start=week,
                rating="partly",
                comment=word(comment_text, "comment"),
                comment_visibility=visibility,
            )
        )


def _export_need(need: Need, data: Needs, lens) -> dict:
    whole = lens.whole(need.owner_id)
    steps = []
    for step in need.steps:
        if step.removed_at is not None and not whole:
            continue  # the other partner only ever sees the steps that are current
        done = [
            {"week_start": week.isoformat(), **lens.who(d.partner_id)}
            for (step_id, week), d in sorted(data.steps_done.items(), key=lambda kv: kv[0][1])
            if step_id == step.id
        ]
        row = {"text": step.text, "done": done}
        if whole:
            row["removed_at"] = step.removed_at.isoformat() if step.removed_at else None
        steps.append(row)
    ratings = []
    for (need_id, week), rating in sorted(data.ratings.items(), key=lambda kv: kv[0][1]):
        if need_id != need.id:
            continue
        row = {"week_start": week.isoformat(), "rating": RATING_WORDS.get(rating.rating)}
        # A comment on a need kept for the counselor stays with the counselor.
        lens.put_text(
            row,
            "comment",
            need.owner_id,
            rating.comment,
            strictest(rating.comment_visibility, need.visibility),
        )
        ratings.append(row)
    row = {
        "id": need.id,
        "owner": lens.names.get(need.owner_id, ""),
        "wording": need.wording,
        "status": need.status,
        "named_at": need.created_at.isoformat() if need.created_at else None,
        "retired_at": need.retired_at.isoformat() if need.retired_at else None,
        "steps": steps,
        "weekly_ratings": ratings,
    }
    if lens.me is not None:
        row["yours"] = need.owner_id == lens.me.id
    if whole:
        row["for"] = VISIBILITY_WORDS[Visibility(need.visibility)]
        row["earlier_wordings"] = [w.wording for w in need.wordings[:-1]]
    return row


DEMO_NEEDS = {
    1: [
        (
            "More regular check-ins during the week",
            ["Send me a message at lunch", "Ask how my day was before we start dinner"],
            SHARED,
            ["not_yet", "partly", "not_yet", "partly", "met"],
        ),
        (
            "A quieter, more predictable evening routine",
            ["Phones away after nine", "Agree on evening plans by Sunday"],
            SHARED,
            ["partly", "partly", None, "met", "met"],
        ),
    ],
    2: [
        (
            "Feeling appreciated for the everyday things",
            ["Say thank you when I cook", "Notice one thing I did each day"],
            SHARED,
            ["not_yet", "not_yet", None, "partly", "met"],
        ),
        (
            "Time alone to recharge on weekends",
            ["Give me Saturday morning to myself"],
            PRIVATE,
            ["partly", "not_yet", None, "partly", "partly"],
        ),
    ],
}
BENCH_NEEDS = [
    ("More regular check-ins during the week", ["A message at lunch", "Ask about my day"]),
    ("A quieter evening routine", ["Phones away after nine", "Plan evenings on Sunday"]),
    ("Feeling appreciated for everyday things", ["Say thank you when I cook", "Notice one thing"]),
    ("Time alone to recharge at weekends", ["Saturday morning to myself", "Take the kids out"]),
]
