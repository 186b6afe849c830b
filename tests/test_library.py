"""The library file: a counselor's templates exported, and imported by a colleague whole or
not at all, always as new templates beside their own."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from domain import library
from extensions import db
from models import AssignmentTemplate, NoteTemplate, utcnow
from tests import factories
from tests.conftest import text_of

ITEMS = ["A walk after dinner.", "Cook together.", "A hug at the door."]


@pytest.fixture
def dana_library(app, counselor):
    """Dana's templates: two live homework templates, one retired, and a note template."""
    db.session.add_all(
        [
            AssignmentTemplate(
                counselor_id=counselor.id,
                name="Gentle rhythm",
                kind="rhythm",
                instructions="Three small things.",
                weeks=6,
                settings={"items": ITEMS, "labels": ["Walk", "Cook", "Hug"]},
            ),
            AssignmentTemplate(
                counselor_id=counselor.id,
                name="Inventory, monthly",
                kind="inventory",
                instructions="At intake, then monthly.",
                weeks=None,
                settings={"every_weeks": 4},
            ),
            AssignmentTemplate(
                counselor_id=counselor.id,
                name="Old check-in",
                kind="checkin",
                instructions="Retired wording.",
                retired_at=utcnow(),
            ),
            NoteTemplate(
                counselor_id=counselor.id,
                name="Follow-up",
                focus="How the week went",
                shareable_notes="What went well:\nNext:",
                homework_notes="Keep the rhythm.",
            ),
        ]
    )
    db.session.commit()
    return counselor


def _rows(counselor_id: int) -> list[tuple]:
    assignments = db.session.execute(
        select(
            AssignmentTemplate.name,
            AssignmentTemplate.kind,
            AssignmentTemplate.instructions,
            AssignmentTemplate.weeks,
            AssignmentTemplate.settings,
        )
        .where(AssignmentTemplate.counselor_id == counselor_id)
        .order_by(AssignmentTemplate.name)
    ).all()
    notes = db.session.execute(
        select(
            NoteTemplate.name,
            NoteTemplate.focus,
            NoteTemplate.shareable_notes,
            NoteTemplate.homework_notes,
        ).where(NoteTemplate.counselor_id == counselor_id)
    ).all()
    return [tuple(r) for r in assignments] + [tuple(r) for r in notes]


def _upload(client, data: bytes, name: str = "templates.json"):
    return client.post(
        "/counselor/templates/import",
        data={"library": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_templates_round_trip_from_one_counselor_to_another(dana_library, dana, signed_in):
    exported = dana.get("/counselor/templates/export")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith(
        'attachment; filename="hearth-templates-'
    )
    data = json.loads(exported.data)
    assert data["hearth_library"] == 1 and data["questionnaires"] == []
    # A retired template stays home.
    assert [t["name"] for t in data["assignment_templates"]] == [
        "Gentle rhythm",
        "Inventory, monthly",
    ]

    lee = factories.counselor("Lee Okafor")
    db.session.add(NoteTemplate(counselor_id=lee.id, name="Lee's own"))
    db.session.commit()
    other = signed_in(lee)
    imported = _upload(other, exported.data)
    assert imported.status_code == 302
    page = text_of(other.get("/counselor/templates"))
    assert "Added 2 assignment templates, 1 note template to your templates." in page
    dana_live = [r for r in _rows(dana_library.id) if r[0] != "Old check-in"]
    lees = [r for r in _rows(lee.id) if r[0] != "Lee's own"]
    assert lees == dana_live
    assert ("Lee's own", "", "", "") in _rows(lee.id)  # kept, not replaced

    # Imported again: added again, as new templates.
    assert _upload(other, exported.data).status_code == 302
    count = select(func.count(AssignmentTemplate.id)).where(
        AssignmentTemplate.counselor_id == lee.id
    )
    assert db.session.scalar(count) == 4

    # And the rhythm's items prefill Lee's assign form.
    couple = factories.couple(lee, "Kim & Jo", names=("Kim", "Jo"))
    db.session.commit()
    template = db.session.scalar(
        select(AssignmentTemplate).where(
            AssignmentTemplate.counselor_id == lee.id, AssignmentTemplate.kind == "rhythm"
        )
    )
    form = other.get(f"/counselor/couples/{couple.id}/homework/new/rhythm?template={template.id}")
    assert all(item in form.get_data(as_text=True) for item in ITEMS)


def _file(**changes) -> bytes:
    good = {
        "hearth_library": 1,
        "assignment_templates": [
            {"name": "Good one", "kind": "rhythm", "instructions": "Fine.", "weeks": 4}
        ],
        "note_templates": [{"name": "Notes", "focus": "A focus"}],
        "questionnaires": [],
    }
    return json.dumps(good | changes).encode()


BAD_FILES = [
    ("not json", b"name,kind\nrhythm,rhythm\n", "it is not JSON"),
    ("not ours", json.dumps({"templates": []}).encode(), "not a Hearth template file"),
    ("wrong version", _file(hearth_library=2), "this Hearth reads version 1"),
    (
        "unknown kind",
        _file(assignment_templates=[{"name": "Odd", "kind": "astrology", "instructions": "x"}]),
        "kind of homework “astrology” is not one this Hearth has",
    ),
    (
        "too long name",
        _file(note_templates=[{"name": "n" * 81}]),
        "its name is longer than 80 characters",
    ),
    (
        "too long instructions",
        _file(
            assignment_templates=[{"name": "Long", "kind": "checkin", "instructions": "x" * 2001}]
        ),
        "its instructions are longer than 2000 characters",
    ),
    (
        "bad weeks",
        _file(
            assignment_templates=[{"name": "W", "kind": "checkin", "instructions": "x", "weeks": 0}]
        ),
        "number of weeks must be between 1 and 104",
    ),
    ("too big", b'{"hearth_library": 1, "x": "' + b"a" * 300_000 + b'"}', "larger than 256 KB"),
    ("empty", b"", "That file is empty"),
    ("not a list", _file(note_templates={"name": "x"}), "note templates are not a list"),
    (
        "questionnaires",
        _file(questionnaires=[{"name": "Q"}]),
        "Questionnaire 1 (Q) needs between 1 and 60 items.",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_written(
    dana_library, dana, data, message
):
    before = _rows(dana_library.id)
    refused = _upload(dana, data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert message in text_of(refused)
    # Beside the file field, which says it is the one to look at.
    assert 'id="library-error"' in html and 'aria-invalid="true"' in html
    assert _rows(dana_library.id) == before


def test_a_file_is_taken_whole_or_not_at_all(dana, counselor):
    half_good = _file(
        assignment_templates=[
            {"name": "Good", "kind": "checkin", "instructions": "Fine."},
            {"name": "Bad", "kind": "checkin", "instructions": ""},
        ]
    )
    refused = _upload(dana, half_good)
    assert refused.status_code == 422
    assert "Assignment template 2 (“Bad”): it has no instructions." in text_of(refused)
    assert db.session.scalar(select(func.count(AssignmentTemplate.id))) == 0
    assert db.session.scalar(select(func.count(NoteTemplate.id))) == 0


def test_no_file_chosen_is_asked_for(dana):
    refused = dana.post("/counselor/templates/import", data={})
    assert refused.status_code == 422
    assert "Please choose a template file exported from Hearth." in text_of(refused)


def test_many_problems_are_counted_not_all_listed(app, counselor):
    rows = [{"name": "", "kind": "checkin", "instructions": "x"}] * 15
    result = library.import_file(counselor.id, _file(assignment_templates=rows))
    assert len(result.problems) == library.SHOWN_PROBLEMS + 1
    assert result.problems[-1] == "…and 5 more."


def test_unknown_setting_keys_are_kept_and_ignored_when_prefilling(app, counselor):
    rows = [
        {
            "name": "From a newer Hearth",
            "kind": "inventory",
            "instructions": "x",
            "settings": {"every_weeks": 3, "colour": "blue"},
        }
    ]
    result = library.import_file(counselor.id, _file(assignment_templates=rows, note_templates=[]))
    assert not result.problems and result.total == 1
    assert db.session.scalar(select(AssignmentTemplate.settings))["every_weeks"] == 3


def test_every_section_exports_and_imports(app, counselor):
    """A section added later (questionnaires) is one entry of the list: each has a key the
    file carries, an export and an import."""
    keys = [s.key for s in library.SECTIONS]
    assert keys == ["assignment_templates", "note_templates", "questionnaires"]
    assert set(json.loads(library.export(counselor.id))) == {"hearth_library", *keys}


def test_questionnaires_travel_in_the_same_file(dana_library, dana, signed_in):
    """A counselor's own questionnaire goes out in the library file and comes in as a new
    questionnaire of the colleague's own, items, options and scoring intact; Hearth's own
    never travels (every Hearth has it)."""
    from kinds.questionnaire import library as questionnaires
    from kinds.questionnaire.models import Questionnaire

    mine = questionnaires.build(
        {
            "name": "Evening calm",
            "source": "Written by Dana for her practice; share freely.",
            "options": [[0, "Never"], [1, "Sometimes"], [2, "Often"]],
            "items": [["We wound down together", False], ["Evenings felt tense", True]],
            "score_as": "sum",
        },
        owner_id=dana_library.id,
    )
    db.session.add(mine)
    questionnaires.shipped()
    db.session.commit()

    data = json.loads(dana.get("/counselor/templates/export").data)
    assert [q["name"] for q in data["questionnaires"]] == ["Evening calm"]

    lee = factories.counselor("Lee Okafor")
    db.session.commit()
    other = signed_in(lee)
    assert _upload(other, json.dumps(data).encode()).status_code == 302
    assert "1 questionnaire to your templates." in text_of(other.get("/counselor/templates"))
    [theirs] = db.session.scalars(
        select(Questionnaire).where(Questionnaire.owner_id == lee.id)
    ).all()
    assert questionnaires.plain(theirs) == questionnaires.plain(mine)
