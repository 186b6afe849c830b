"""A counselor's templates: assignments kept for reuse, session note skeletons, and the
last session's plan carried into the next.

A template holds the counselor's own words only: an assignment's instructions, how many
weeks it runs and the kind's own settings (``Kind.template_settings``), never anything a
partner wrote. Templates belong to one counselor; anyone else's answer as not there
(``access.NotVisible``). Like the counselor's other settings they are not about a couple,
so the couple's audit trail does not list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from wtforms.fields.core import UnboundField

from domain.access import NotVisible
from extensions import db
from kinds import registry
from models import (
    Assignment,
    AssignmentTemplate,
    CounselingSession,
    Couple,
    NoteTemplate,
    User,
    utcnow,
)


def owned(user: User, model: type, template_id: int):
    """``model`` row ``template_id`` if it is ``user``'s, else ``NotVisible`` (a 404)."""
    template = db.session.scalar(
        select(model).where(model.id == template_id, model.counselor_id == user.id)
    )
    if template is None:
        raise NotVisible()
    return template


def assignment_templates(user: User, *, kind: str | None = None, live: bool = False) -> list:
    """The counselor's assignment templates (of ``kind``; only the live ones), by name."""
    query = select(AssignmentTemplate).where(AssignmentTemplate.counselor_id == user.id)
    if kind is not None:
        query = query.where(AssignmentTemplate.kind == kind)
    if live:
        query = query.where(AssignmentTemplate.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(AssignmentTemplate.name, AssignmentTemplate.id)))


def note_templates(user: User, *, live: bool = False) -> list[NoteTemplate]:
    """The counselor's session note templates (only the live ones), by name."""
    query = select(NoteTemplate).where(NoteTemplate.counselor_id == user.id)
    if live:
        query = query.where(NoteTemplate.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(NoteTemplate.name, NoteTemplate.id)))


def save_from(assignment: Assignment, *, name: str, instructions: str) -> AssignmentTemplate:
    """A new template of ``assignment`` for its couple's counselor (not committed)."""
    kind = registry.named(assignment.kind)
    template = AssignmentTemplate(
        counselor_id=assignment.couple.counselor_id,
        name=name,
        kind=kind.key,
        instructions=instructions,
        weeks=assignment.weeks,
        settings=kind.template_settings(assignment),
    )
    db.session.add(template)
    return template


def settings_lines(kind_key: str, settings: dict | None) -> list[str]:
    """A kind's own settings kept in a template, in plain words, for the counselor to check:
    each named as its field on the kind's assign form when it has one ("Ask again every …
    weeks: 4"), a list one line per entry ("Item 2: …")."""
    kind = registry.get(kind_key)
    form_class = kind.assignment_form() if kind else None
    lines = []
    for key, value in (settings if isinstance(settings, dict) else {}).items():
        field = getattr(form_class, key, None)
        label = field.args[0] if isinstance(field, UnboundField) and field.args else None
        label = label or key.replace("_", " ").capitalize()
        if isinstance(value, list):
            one = label.removesuffix("s")
            lines.extend(
                f"{one} {n}: {v}"
                for n, v in enumerate(value, start=1)
                if isinstance(v, str | int) and v != ""
            )
        elif isinstance(value, str | int | float | bool):
            lines.append(f"{label}: {value}")
    return lines


def mentions(couple: Couple, *texts: str) -> list[str]:
    """The couple's and partners' names that appear in ``texts`` (case as written, whole
    words): a template is for any couple, so the counselor is told before saving."""
    names = [couple.name, *(p.name for p in couple.partners if p.name)]
    found = []
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
        if any(re.search(pattern, t or "") for t in texts):
            found.append(name)
    return found


def prefill_assignment(form, template: AssignmentTemplate) -> None:
    """Fill a new assignment form from ``template``: the counselor still reviews it."""
    kind = registry.named(template.kind)
    form.instructions.data = template.instructions
    form.weeks.data = template.weeks
    kind.prefill_template(form, template.settings if isinstance(template.settings, dict) else {})


def set_retired(template, retired: bool) -> None:
    """Retire a template (hidden from the choices, kept) or bring it back."""
    if retired and template.retired_at is None:
        template.retired_at = utcnow()
    elif not retired:
        template.retired_at = None


# --- Session notes ---------------------------------------------------------------------

#: The fields of a session's record a note template or the last plan may fill.
NOTE_FIELDS = ("focus", "shareable_notes", "homework_notes")


@dataclass
class Filled:
    """What filling a session form did: the fields filled, and the ones left as typed
    because they already held other words (the counselor is asked before replacing)."""

    filled: list[str]
    kept: list[str]


def fill_session_form(form, words: dict[str, str], *, replace: bool) -> Filled:
    """Put ``words`` (by field name) into the session ``form``; a field holding other words
    the counselor typed keeps them unless ``replace``."""
    filled, kept = [], []
    for name, text in words.items():
        if not text:
            continue
        field = form[name]
        typed = (field.data or "").strip()
        if typed == text.strip():
            continue
        if typed and not replace:
            kept.append(name)
            continue
        field.data = text
        filled.append(name)
    return Filled(filled, kept)


def note_words(template: NoteTemplate) -> dict[str, str]:
    return {name: getattr(template, name) for name in NOTE_FIELDS}


def last_session(couple: Couple) -> CounselingSession | None:
    """The couple's latest recorded session, whose plan a new one can carry forward."""
    return db.session.scalar(
        select(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.number.desc())
        .limit(1)
    )


def carried_agreed(last: CounselingSession, offered: list[int]) -> list[int]:
    """The homework agreed last time that can still be agreed (not ended since)."""
    return [a.id for a in last.agreed if a.id in offered]
