"""A counselor's library as one file: export their templates, import a colleague's.

The file is JSON: ``{"hearth_library": 1, "<section>": [rows...], ...}``. Each section is
one entry of ``SECTIONS``: its key, a function that exports the counselor's rows, and one
that checks rows from a file and adds them. An import reads the whole file first, runs
every section's import inside one transaction and keeps it only when no section found a
problem: a file is taken whole or not at all. Imported templates are always added as new
ones beside the counselor's own, never replacing any.

Only live templates travel: a retired one stays with the counselor who retired it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from extensions import db
from kinds import registry
from models import (
    FOCUS_MAX,
    INSTRUCTIONS_MAX,
    SKELETON_MAX,
    TEMPLATE_NAME_MAX,
    AssignmentTemplate,
    NoteTemplate,
)

VERSION = 1
MARK = "hearth_library"
#: The largest file an import reads (a library of hundreds of templates is far smaller).
MAX_BYTES = 256 * 1024
#: Rows one section of a file may hold.
MAX_ROWS = 500
#: A template's kind settings, as JSON text (the rhythm's three items are well under).
SETTINGS_MAX = 4000
#: Problems listed at most; the rest are counted.
SHOWN_PROBLEMS = 10


@dataclass(frozen=True)
class Section:
    """One part of the library file."""

    key: str
    label: str  # "assignment templates", for the counselor's note of what was added
    export: Callable[[int], list[dict]]
    # (counselor id, rows) -> (rows added, problems in plain words); nothing is committed
    load: Callable[[int, list], tuple[int, list[str]]]


# --- Assignment templates --------------------------------------------------------------


def export_assignment_templates(counselor_id: int) -> list[dict]:
    rows = db.session.scalars(
        select(AssignmentTemplate)
        .where(
            AssignmentTemplate.counselor_id == counselor_id,
            AssignmentTemplate.retired_at.is_(None),
        )
        .order_by(AssignmentTemplate.name, AssignmentTemplate.id)
    )
    return [
        {
            "name": t.name,
            "kind": t.kind,
            "instructions": t.instructions,
            "weeks": t.weeks,
            "settings": t.settings or {},
        }
        for t in rows
    ]


def import_assignment_templates(counselor_id: int, rows: list) -> tuple[int, list[str]]:
    problems: list[str] = []
    made = []
    for n, row in enumerate(rows, start=1):
        where = f"Assignment template {n}"
        if not isinstance(row, dict):
            problems.append(f"{where} is not a template.")
            continue
        found: list[str] = []
        name = _text(row, "name", TEMPLATE_NAME_MAX, found, required=True)
        where = f"{where} (“{name[:40]}”)" if name else where
        kind = row.get("kind")
        if not isinstance(kind, str) or registry.get(kind) is None:
            found.append(
                f"its kind of homework “{kind}” is not one this Hearth has"
                if isinstance(kind, str)
                else "it does not say which kind of homework it is"
            )
        instructions = _text(row, "instructions", INSTRUCTIONS_MAX, found, required=True)
        weeks = row.get("weeks")
        if weeks is not None and not (type(weeks) is int and 1 <= weeks <= 104):
            found.append("its number of weeks must be between 1 and 104, or empty")
        settings = row.get("settings", {})
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            found.append("its settings are not a list of named values")
        else:
            dumped = json.dumps(settings, ensure_ascii=False)
            if len(dumped) > SETTINGS_MAX:
                found.append(f"its settings are longer than {SETTINGS_MAX} characters")
            elif "\\u0000" in dumped:
                found.append("its settings hold a character that cannot be kept")
        if found:
            problems.append(f"{where}: {'; '.join(found)}.")
            continue
        made.append(
            AssignmentTemplate(
                counselor_id=counselor_id,
                name=name,
                kind=kind,
                instructions=instructions,
                weeks=weeks,
                settings=settings,
            )
        )
    if problems:
        return 0, problems
    db.session.add_all(made)
    return len(made), []


# --- Note templates --------------------------------------------------------------------


def export_note_templates(counselor_id: int) -> list[dict]:
    rows = db.session.scalars(
        select(NoteTemplate)
        .where(NoteTemplate.counselor_id == counselor_id, NoteTemplate.retired_at.is_(None))
        .order_by(NoteTemplate.name, NoteTemplate.id)
    )
    return [
        {
            "name": t.name,
            "focus": t.focus,
            "shareable_notes": t.shareable_notes,
            "homework_notes": t.homework_notes,
        }
        for t in rows
    ]


def import_note_templates(counselor_id: int, rows: list) -> tuple[int, list[str]]:
    problems: list[str] = []
    made = []
    for n, row in enumerate(rows, start=1):
        where = f"Note template {n}"
        if not isinstance(row, dict):
            problems.append(f"{where} is not a template.")
            continue
        found: list[str] = []
        name = _text(row, "name", TEMPLATE_NAME_MAX, found, required=True)
        where = f"{where} (“{name[:40]}”)" if name else where
        words = {
            "focus": _text(row, "focus", FOCUS_MAX, found),
            "shareable_notes": _text(row, "shareable_notes", SKELETON_MAX, found),
            "homework_notes": _text(row, "homework_notes", SKELETON_MAX, found),
        }
        if found:
            problems.append(f"{where}: {'; '.join(found)}.")
            continue
        made.append(NoteTemplate(counselor_id=counselor_id, name=name, **words))
    if problems:
        return 0, problems
    db.session.add_all(made)
    return len(made), []


def export_questionnaires(counselor_id: int) -> list[dict]:
    """The counselor's own questionnaires (``kinds.questionnaire.library``)."""
    from kinds.questionnaire import library

    return library.export_questionnaires(counselor_id)


def import_questionnaires(counselor_id: int, rows: list) -> tuple[int, list[str]]:
    from kinds.questionnaire import library

    return library.import_questionnaires(counselor_id, rows)


# The parts of the file, in order.
SECTIONS: tuple[Section, ...] = (
    Section(
        "assignment_templates",
        "assignment templates",
        export_assignment_templates,
        import_assignment_templates,
    ),
    Section("note_templates", "note templates", export_note_templates, import_note_templates),
    Section("questionnaires", "questionnaires", export_questionnaires, import_questionnaires),
)


# --- The file ------------------------------------------------------------------------------


def export(counselor_id: int) -> bytes:
    """The counselor's library as the bytes of one JSON file."""
    library = {MARK: VERSION} | {s.key: s.export(counselor_id) for s in SECTIONS}
    return json.dumps(library, ensure_ascii=False, indent=2).encode()


@dataclass
class Imported:
    """What an import did: rows added by section label, or why nothing was."""

    added: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.added.values())

    def summary(self) -> str:
        parts = [f"{n} {label if n != 1 else label[:-1]}" for label, n in self.added.items() if n]
        if not parts:
            return "The file held no templates, so nothing was added."
        return f"Added {', '.join(parts)} to your templates."


def read(data: bytes) -> tuple[dict | None, list[str]]:
    """The library in ``data``, or the reason it is not one."""
    if len(data) > MAX_BYTES:
        return None, [f"That file is larger than {MAX_BYTES // 1024} KB; a library is far smaller."]
    if not data.strip():
        return None, ["That file is empty."]
    try:
        library = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None, ["That file is not a Hearth template file (it is not JSON)."]
    if not isinstance(library, dict) or MARK not in library:
        return None, ["That file is not a Hearth template file."]
    version = library[MARK]
    if version != VERSION or type(version) is not int:
        return None, [
            f"That file is of version {version!r}; this Hearth reads version {VERSION}. "
            "Ask for a file exported from this version."
        ]
    problems = []
    for section in SECTIONS:
        rows = library.get(section.key, [])
        if not isinstance(rows, list):
            problems.append(f"The file's {section.label} are not a list.")
        elif len(rows) > MAX_ROWS:
            problems.append(f"The file has more than {MAX_ROWS} {section.label}.")
    return (None, problems) if problems else (library, [])


def import_file(counselor_id: int, data: bytes) -> Imported:
    """Add every template in ``data`` for the counselor, all or nothing; committed when
    there was no problem, else nothing of the file is kept."""
    library, problems = read(data)
    if library is None:
        return Imported(problems=problems)
    result = Imported()
    for section in SECTIONS:
        added, found = section.load(counselor_id, library.get(section.key, []))
        result.added[section.label] = added
        result.problems.extend(found)
    if result.problems:
        db.session.rollback()
        result.added = {}
        if len(result.problems) > SHOWN_PROBLEMS:
            more = len(result.problems) - SHOWN_PROBLEMS
            result.problems = [*result.problems[:SHOWN_PROBLEMS], f"…and {more} more."]
        return result
    db.session.commit()
    return result


# What a field is called in a problem, and whether it is one thing or several.
FIELD_WORDS = {
    "name": ("name", "is"),
    "instructions": ("instructions", "are"),
    "focus": ("focus", "is"),
    "shareable_notes": ("notes to share", "are"),
    "homework_notes": ("notes on what was agreed", "are"),
}


def _text(row: dict, key: str, limit: int, found: list[str], *, required: bool = False) -> str:
    """``row[key]`` as trimmed text, or "" with a problem added to ``found``."""
    words, verb = FIELD_WORDS.get(key, (key.replace("_", " "), "is"))
    value = row.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        found.append(f"its {words} {verb} not text")
        return ""
    value = value.replace("\x00", "").strip()
    if required and not value:
        found.append(f"it has no {words}")
    elif len(value) > limit:
        found.append(f"its {words} {verb} longer than {limit} characters")
    return value
