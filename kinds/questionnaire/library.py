"""The counselor's library of questionnaires: what each counselor may use, versions that
freeze once in use, Hearth's own short questionnaire, and the plain-JSON export and import
a colleague's file goes through."""

from __future__ import annotations

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from extensions import db
from kinds.questionnaire.models import (
    ITEM_MAX,
    ITEMS_MAX,
    MEANING_MAX,
    NAME_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    SOURCE_MAX,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireOption,
    QuestionnaireSchedule,
    QuestionnaireTake,
)
from web.i18n import N_

SHIPPED_KEY = "hearth-connected-1"
# Hearth's own questionnaire, in our own words (marked with ``N_``: stored in English, read
# in each person's language, ``Questionnaire.said``). Reversed items are the ones where
# "very much" means less connection.
SHIPPED = {
    "name": N_("Feeling connected and heard"),
    "instructions": N_(
        "Think about the last two weeks. For each line, choose how true it has felt for you. "
        "There are no right answers; it helps us notice what is changing."
    ),
    "source": N_(
        "Hearth's own short check on feeling connected and heard — not a validated "
        "instrument. Written for Hearth; free to use and change under Hearth's own "
        "licence (AGPL-3.0-or-later). Not a test or diagnosis: a conversation starter."
    ),
    "score_as": "sum",
    "cutoff": None,
    "cutoff_meaning": "",
    "cutoff_side": "above",
    "reliable_change": None,
    "options": [
        [0, N_("Not at all")],
        [1, N_("A little")],
        [2, N_("Somewhat")],
        [3, N_("Quite a bit")],
        [4, N_("Very much")],
    ],
    "items": [
        [N_("My partner seemed curious about my day."), False],
        [N_("When I spoke about something that mattered to me, I felt heard."), False],
        [N_("We found small moments to feel close."), False],
        [N_("I kept how I really felt to myself."), True],
        [N_("I felt we were on the same side."), False],
        [N_("I felt alone with my worries, even with my partner nearby."), True],
    ],
}


def shipped(*, flush: bool = True) -> Questionnaire:
    """Hearth's own questionnaire, made the first time anyone needs it. ``flush=False``
    (in the middle of making an assignment) adds it to go with the next flush."""
    found = db.session.scalar(select(Questionnaire).where(Questionnaire.shipped_key == SHIPPED_KEY))
    if found is not None:
        return found
    made = build(SHIPPED, owner_id=None)
    made.shipped_key = SHIPPED_KEY
    if not flush:
        db.session.add(made)
        return made
    try:
        with db.session.begin_nested():  # another worker may make it at the same moment
            db.session.add(made)
    except IntegrityError:
        return db.session.scalar(
            select(Questionnaire).where(Questionnaire.shipped_key == SHIPPED_KEY)
        )
    return made


def build(row: dict, *, owner_id: int | None) -> Questionnaire:
    """A new, unsaved version from a plain definition (already checked)."""
    q = Questionnaire(
        owner_id=owner_id,
        name=row["name"],
        instructions=row.get("instructions") or "",
        source=row.get("source") or "",
        score_as=row.get("score_as") or "sum",
        cutoff=row.get("cutoff"),
        cutoff_meaning=row.get("cutoff_meaning") or "",
        cutoff_side=row.get("cutoff_side") or "above",
        reliable_change=row.get("reliable_change"),
    )
    q.options = _options(row)
    q.items = _items(row)
    return q


def _options(row: dict) -> list[QuestionnaireOption]:
    return [QuestionnaireOption(points=int(p), label=label) for p, label in row["options"]]


def _items(row: dict) -> list[QuestionnaireItem]:
    return [
        QuestionnaireItem(position=n, text=text, reversed=bool(rev))
        for n, (text, rev) in enumerate(row["items"], start=1)
    ]


def plain(q: Questionnaire) -> dict:
    """A version as plain JSON: the counselor's wording and numbers, no answers."""
    return {
        "name": q.name,
        "instructions": q.instructions,
        "source": q.source,
        "score_as": q.score_as,
        "cutoff": q.cutoff,
        "cutoff_meaning": q.cutoff_meaning,
        "cutoff_side": q.cutoff_side,
        "reliable_change": q.reliable_change,
        "options": [[o.points, o.label] for o in q.options],
        "items": [[i.text, i.reversed] for i in q.items],
    }


def visible_to(counselor_id: int):
    """The condition for versions a counselor may open: their own and Hearth's."""
    return or_(Questionnaire.owner_id == counselor_id, Questionnaire.owner_id.is_(None))


def latest(counselor_id: int, *, retired: bool = False) -> list[Questionnaire]:
    """The newest version of each questionnaire a counselor may use, Hearth's first."""
    if not retired:
        shipped()
    newest = (
        select(func.max(Questionnaire.id))
        .where(visible_to(counselor_id))
        .group_by(func.coalesce(Questionnaire.family_id, Questionnaire.id))
    )
    query = select(Questionnaire).where(Questionnaire.id.in_(newest))
    if not retired:
        query = query.where(Questionnaire.retired_at.is_(None))
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda q: (not q.shipped, q.name.lower(), q.id))


def in_use(q: Questionnaire) -> bool:
    """Asked of any couple (or answered): its items and options are frozen."""
    return db.session.scalar(
        select(
            exists().where(QuestionnaireSchedule.questionnaire_id == q.id)
            | exists().where(QuestionnaireTake.questionnaire_id == q.id)
        )
    )


def versions(q: Questionnaire) -> list[Questionnaire]:
    return db.session.scalars(
        select(Questionnaire)
        .where(func.coalesce(Questionnaire.family_id, Questionnaire.id) == q.family)
        .order_by(Questionnaire.number)
    ).all()


def next_version(q: Questionnaire, row: dict) -> Questionnaire:
    """The version after ``q`` (for a questionnaire in use), made from ``row``."""
    made = build(row, owner_id=q.owner_id)
    made.family_id = q.family
    made.number = max(v.number for v in versions(q)) + 1
    db.session.add(made)
    return made


def replace(q: Questionnaire, row: dict) -> None:
    """Rewrite an unused version in place."""
    fresh = Questionnaire(
        **{k: row.get(k) for k in ("name", "instructions", "source", "score_as")},
        **{k: row.get(k) for k in ("cutoff", "cutoff_meaning", "cutoff_side", "reliable_change")},
    )
    for name in (
        "name",
        "instructions",
        "source",
        "score_as",
        "cutoff",
        "cutoff_meaning",
        "cutoff_side",
        "reliable_change",
    ):
        setattr(q, name, getattr(fresh, name))
    q.items.clear()
    q.options.clear()
    db.session.flush()  # the old positions and points go before the new ones arrive
    q.items.extend(_items(row))
    q.options.extend(_options(row))


# --- Checking a definition, from the form or from a file ---------------------------------


def problems(row, where: str = "") -> list[str]:
    """Everything wrong with a plain definition, in plain words (empty when it is fine)."""
    found: list[str] = []

    def bad(message: str) -> None:
        found.append(f"{where}{message}")

    if not isinstance(row, dict):
        return [f"{where}is not a questionnaire."]
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("has no name.")
    elif len(name) > NAME_MAX:
        bad(f"has a name longer than {NAME_MAX} characters.")
    for key, limit in (("instructions", 2000), ("source", SOURCE_MAX)):
        value = row.get(key, "")
        if value is not None and not isinstance(value, str) or len(value or "") > limit:
            bad(f"has {key} that are not text of at most {limit} characters.")
    if row.get("score_as", "sum") not in ("sum", "mean"):
        bad('says the score is neither "sum" nor "mean".')
    if row.get("cutoff_side", "above") not in ("above", "below"):
        bad('has a cut-off side that is neither "above" nor "below".')
    for key in ("cutoff", "reliable_change"):
        value = row.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            bad(f"has a {key.replace('_', ' ')} that is not a number.")
    if isinstance(row.get("reliable_change"), int | float) and row["reliable_change"] <= 0:
        bad("has a reliable-change difference that is not above zero.")
    meaning = row.get("cutoff_meaning") or ""
    if not isinstance(meaning, str) or len(meaning) > MEANING_MAX:
        bad(f"has a cut-off meaning that is not text of at most {MEANING_MAX} characters.")
    options = row.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= OPTIONS_MAX:
        bad(f"needs between 2 and {OPTIONS_MAX} answer options.")
    else:
        seen = set()
        for option in options:
            ok = (
                isinstance(option, list | tuple)
                and len(option) == 2
                and isinstance(option[0], int)
                and not isinstance(option[0], bool)
                and isinstance(option[1], str)
                and 0 < len(option[1].strip()) <= OPTION_MAX
                and -100 <= option[0] <= 100
            )
            if not ok:
                bad(f"has an answer option that is not points and words: {option!r}.")
            elif option[0] in seen:
                bad(f"gives {option[0]} points to two answer options.")
            else:
                seen.add(option[0])
    items = row.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= ITEMS_MAX:
        bad(f"needs between 1 and {ITEMS_MAX} items.")
    else:
        for item in items:
            ok = (
                isinstance(item, list | tuple)
                and len(item) == 2
                and isinstance(item[0], str)
                and 0 < len(item[0].strip()) <= ITEM_MAX
                and isinstance(item[1], bool)
            )
            if not ok:
                bad(f"has an item that is not words and a reversed yes/no: {item!r}.")
    return found


# --- Export and import (the counselor's file of templates calls these) -------------------


def export_questionnaires(counselor_id: int) -> list[dict]:
    """The counselor's own questionnaires, newest version of each, as plain JSON."""
    return [plain(q) for q in latest(counselor_id, retired=False) if q.owner_id == counselor_id]


def import_questionnaires(counselor_id: int, rows: list) -> tuple[int, list[str]]:
    """Add ``rows`` as new questionnaires of the counselor's own. Everything is checked
    first: when anything is wrong, nothing is added and the problems say what."""
    if not isinstance(rows, list):
        return 0, ["The questionnaires in this file are not a list."]
    found = []
    for n, row in enumerate(rows, start=1):
        label = row.get("name") if isinstance(row, dict) else None
        named = isinstance(label, str) and label.strip()
        where = f"Questionnaire {n}{f' ({label:.40})' if named else ''} "
        found += problems(row, where)
    if found:
        return 0, found
    for row in rows:
        db.session.add(build(row, owner_id=counselor_id))
    db.session.flush()
    return len(rows), []


def same_family_or_unanswered(assignment, questionnaire_id: int) -> str | None:
    """A couple already answering one questionnaire may move to its newer version, not to
    another questionnaire: their scores over time would no longer compare."""
    schedule = getattr(assignment, "questionnaire_schedule", None)
    if schedule is None or schedule.questionnaire_id == questionnaire_id:
        return None
    answered = db.session.scalar(
        select(exists().where(QuestionnaireTake.assignment_id == assignment.id))
    )
    chosen = db.session.get(Questionnaire, questionnaire_id)
    if answered and (chosen is None or chosen.family != schedule.questionnaire.family):
        return (
            f"They have answered “{schedule.questionnaire.name}” already; choose one of its "
            "versions, or end this homework and assign the other questionnaire."
        )
    return None
