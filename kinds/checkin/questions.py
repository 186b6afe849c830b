"""A check-in's questions: the standard ones, a counselor's versions, and the answers a
check-in holds under the version it was written in.

Everything that shows a check-in reads it through ``answers_of``: one list of answers,
each with the very question (wording, anchors, range) it was given under, whether it is
kept in a standard column or in ``check_in_answers``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from extensions import db
from kinds.checkin.models import (
    ANCHORS,
    HIGHEST,
    PROMPT,
    PROMPTS,
    SCALE,
    SCALES,
    CheckIn,
    CheckInAnswer,
    CheckInQuestion,
    CheckInQuestionSet,
)
from models import Visibility


@dataclass(frozen=True)
class Question:
    """A question as plain values: a standard one, or one from the counselor's editor."""

    key: str
    kind: str
    label: str
    low_word: str = ""
    high_word: str = ""
    low: int = 1
    high: int = 10
    default_visibility: str = Visibility.COUNSELOR.value
    id: int | None = None  # never stored: a standard question has no row

    column = CheckInQuestion.column
    trend = CheckInQuestion.trend


STANDARD: tuple[Question, ...] = (
    *(Question(k, SCALE, label, *ANCHORS[k]) for k, label in SCALES.items()),
    *(Question(k, PROMPT, label) for k, label in PROMPTS.items()),
)
# How the standard scales are said in one line ("connected 7 · heard 6 · outside stress 3").
SHORT = {"connected": "connected", "heard": "heard", "stress": "outside stress"}

# Hearth's own words in the standard questions (``kinds.checkin.models`` keeps them in
# English: stored, compared and read by the counselor as they are), listed here so that a
# partner reads them in their language (``label_of``, ``low_word_of``, ``scale_name``).
# A counselor's wording, even of a standard question, is theirs: shown as written.
SAID = (
    _l("How connected I felt"),
    _l("How heard I felt"),
    _l("Stress from outside the relationship"),
    _l("What went well"),
    _l("What felt off"),
    _l("How we can support each other"),
    _l("not at all"),
    _l("very"),
    _l("calm"),
    _l("a lot"),
    _l("connected"),
    _l("heard"),
    _l("outside stress"),
    # A scale's end the counselor left unworded.
    _l("the least"),
    _l("the most"),
)
FIELDS = ("key", "kind", "label", "low_word", "high_word", "low", "high", "default_visibility")


def plain(q) -> dict:
    """A question as plain JSON (templates, comparisons)."""
    row = {name: getattr(q, name) for name in FIELDS}
    if row["kind"] == PROMPT:
        row.update(low_word="", high_word="", low=1, high=10)
    else:
        row["default_visibility"] = Visibility.COUNSELOR.value
    return row


def same(a, b) -> bool:
    return [plain(q) for q in a] == [plain(q) for q in b]


def is_standard(questions) -> bool:
    return same(questions, STANDARD)


def is_hearths(q) -> bool:
    """Is ``q`` worded exactly as Hearth's standard question of its key (not reworded by
    a counselor)? Then its words are Hearth's, said in the reader's language."""
    standard = SCALES if q.kind == SCALE else PROMPTS
    return standard.get(q.key) == q.label


def label_of(q, lazy: bool = False):
    """``q``'s wording as the reader reads it: Hearth's in their language, a counselor's
    as written. ``lazy``: said when shown (a form class outlives its request)."""
    if not is_hearths(q):
        return q.label
    return _l(q.label) if lazy else gettext(q.label)


def _anchor(q, word: str, end: int, lazy: bool):
    if not word:
        fallback = ("the least", "the most")[end]
        return _l(fallback) if lazy else gettext(fallback)
    if is_hearths(q) and ANCHORS.get(q.key, ("", ""))[end] == word:
        return _l(word) if lazy else gettext(word)
    return word


def low_word_of(q, lazy: bool = False):
    """What the low end of scale ``q`` means, as the reader reads it."""
    return _anchor(q, q.low_word, 0, lazy)


def high_word_of(q, lazy: bool = False):
    """What the high end of scale ``q`` means, as the reader reads it."""
    return _anchor(q, q.high_word, 1, lazy)


def new_key() -> str:
    return "q" + secrets.token_hex(6)


def set_for(assignment, week_start: date) -> CheckInQuestionSet | None:
    """The counselor's version in force in ``week_start`` (None: the standard questions).
    Reads ``assignment.checkin_question_sets``, loaded with the assignment."""
    found = None
    for qs in assignment.checkin_question_sets:
        if qs.effective_from <= week_start:
            found = qs
    return found


def questions_for(assignment, week_start: date) -> list:
    qs = set_for(assignment, week_start) if assignment is not None else None
    return list(qs.questions) if qs is not None else list(STANDARD)


def known_keys(assignment) -> set[str]:
    """The identities a question of this assignment may carry on (a key sent by the
    editor that is not one of these is a new question)."""
    keys = set(SCALES) | set(PROMPTS)
    if assignment is not None:
        keys |= {q.key for qs in assignment.checkin_question_sets for q in qs.questions}
    return keys


def next_week(couple) -> date:
    from domain.homework import couple_week

    return couple_week(couple).start + timedelta(weeks=1)


def change(assignment, questions: list[Question], *, new: bool) -> CheckInQuestionSet | None:
    """Make ``questions`` the assignment's questions: from its first week when new or not
    begun yet, otherwise from the couple's next week (this week's answers keep the
    questions they were given). Nothing changes when they are the questions already in
    force then. A version not yet in force is replaced, never stacked."""
    start = assignment.starts_on
    if not new:
        start = max(start, next_week(assignment.couple))
    sets = list(assignment.checkin_question_sets)
    pending = [qs for qs in sets if qs.effective_from >= start]
    before = [qs for qs in sets if qs.effective_from < start]
    in_force_before = list(before[-1].questions) if before else list(STANDARD)
    current = list(pending[0].questions) if pending else in_force_before
    if same(questions, current):
        return pending[0] if pending else None
    for qs in pending:
        assignment.checkin_question_sets.remove(qs)
    if pending:
        db.session.flush()  # the replaced version goes before its week is taken again
    if same(questions, in_force_before):
        return None
    questions = sorted(questions, key=lambda q: q.kind != SCALE)  # scales first
    made = CheckInQuestionSet(effective_from=start)
    made.questions = [
        CheckInQuestion(
            key=q.key,
            kind=q.kind,
            position=[x for x in questions if x.kind == q.kind].index(q) + 1,
            label=q.label,
            low_word=q.low_word if q.kind == SCALE else "",
            high_word=q.high_word if q.kind == SCALE else "",
            low=q.low if q.kind == SCALE else 1,
            high=q.high if q.kind == SCALE else 10,
            default_visibility=(
                q.default_visibility if q.kind == PROMPT else Visibility.COUNSELOR.value
            ),
        )
        for q in questions
    ]
    assignment.checkin_question_sets.append(made)
    return made


def from_plain(rows) -> list[Question]:
    """Questions from plain JSON (a template's settings); what is not understood is left
    out, so an odd entry never stops a form from opening."""
    found = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or row.get("kind") not in (SCALE, PROMPT):
            continue
        try:
            low, high = int(row.get("low", 1)), int(row.get("high", 10))
        except (TypeError, ValueError):
            continue
        if low not in (0, 1) or not low < high <= HIGHEST:
            low, high = 1, 10
        visibility = row.get("default_visibility")
        if visibility not in (Visibility.SHARED.value, Visibility.COUNSELOR.value):
            visibility = Visibility.COUNSELOR.value
        found.append(
            Question(
                str(row.get("key") or new_key())[:32],
                row["kind"],
                str(row.get("label") or "")[:200],
                str(row.get("low_word") or "")[:40],
                str(row.get("high_word") or "")[:40],
                low,
                high,
                visibility,
            )
        )
    return found


# --- Answers ---------------------------------------------------------------------------


@dataclass
class Answer:
    """One answer of a check-in, with the question it was given under."""

    question: object  # Question or CheckInQuestion
    number: int | None = None
    text: str = ""
    visibility: str = Visibility.COUNSELOR.value
    row_id: int | None = None  # the CheckInAnswer, when kept there (for pins)

    @property
    def is_scale(self) -> bool:
        return self.question.kind == SCALE

    @property
    def name(self) -> str:
        return scale_name(self.question)

    @property
    def label(self) -> str:
        """The question as the reader reads it (Hearth's words in their language)."""
        return label_of(self.question)

    @property
    def shown(self) -> str:
        return number_on(self.question, self.number)

    @property
    def said(self) -> str:
        """A scale's answer in a line: "connected 7", "Closeness 4 (0–6)"."""
        return f"{scale_name(self.question)} {number_on(self.question, self.number)}"


def scale_name(q) -> str:
    """A scale in a line: Hearth's short name in the reader's language ("connected"), a
    counselor's wording as written."""
    if q.key in SHORT and q.label == SCALES[q.key]:
        return gettext(SHORT[q.key])
    return q.label


def number_on(q, number) -> str:
    if (q.low, q.high) == (1, 10):
        return str(number)
    return f"{number} ({q.low}–{q.high})"


def answers_of(c: CheckIn, rows: dict[int, CheckInAnswer] | None = None) -> list[Answer]:
    """Every answer of check-in ``c``, in the order of its questions; ``rows`` are its
    ``CheckInAnswer`` rows by question id (loaded by the caller, in one query for all)."""
    rows = rows or {}
    questions = c.question_set.questions if c.question_set_id else STANDARD
    found = []
    for q in questions:
        column = q.column
        if q.kind == SCALE:
            number = getattr(c, column) if column else None
            row = rows.get(q.id) if not column else None
            if row is not None:
                number = row.number
            if number is not None:
                found.append(Answer(q, number, "", c.scales_visibility, None))
            continue
        if column:
            text, visibility, row_id = (
                getattr(c, column) or "",
                getattr(c, f"{column}_visibility"),
                None,
            )
        else:
            row = rows.get(q.id)
            if row is None:
                continue
            text, visibility, row_id = row.text, row.visibility, row.id
        if text:
            found.append(Answer(q, None, text, visibility, row_id))
    return found


def load_answers(check_ins) -> dict[int, dict[int, CheckInAnswer]]:
    """The answer rows of ``check_ins`` (one query, none when all are standard)."""
    from sqlalchemy import select

    from models import among

    ids = [c.id for c in check_ins if c.question_set_id]
    found: dict[int, dict[int, CheckInAnswer]] = {}
    if ids:
        for a in db.session.scalars(
            select(CheckInAnswer).where(among(CheckInAnswer.check_in_id, ids))
        ):
            found.setdefault(a.check_in_id, {})[a.question_id] = a
    return found
