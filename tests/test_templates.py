"""A counselor's templates: saving homework as one, starting a new assignment from it,
renaming and retiring, session note templates and the last session's plan. Templates are
the counselor's own: another counselor cannot see or use them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from kinds import registry
from models import AssignmentTemplate, CounselingSession, NoteTemplate
from tests import factories
from tests.conftest import session_form, text_of

RHYTHM_ITEMS = (
    "One walk after dinner, phones at home.",
    "Cook one new recipe together.",
    "A hug at the door, every morning.",
)


@pytest.fixture
def second_couple(app, counselor):
    made = factories.couple(counselor, "Robin & Ash", names=("Robin", "Ash"))
    db.session.commit()
    return made


def _assign_form(page: str) -> dict[str, str]:
    """The values an assign form shows (inputs and text areas), by name."""
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\s*(.*?)</textarea>', page, re.S
    ):
        values[name] = text.strip()
    from html import unescape

    return {k: unescape(v) for k, v in values.items()}


def _save(client, couple, assignment, **data):
    return client.post(
        f"/counselor/couples/{couple.id}/homework/{assignment.id}/template", data=data
    )


def test_a_rhythm_saved_as_template_carries_its_items_to_the_next_couple(
    dana, couple, with_homework, second_couple
):
    rhythm = with_homework["rhythm"]
    for item, wording in zip(rhythm.rhythm_items, RHYTHM_ITEMS, strict=True):
        item.wording, item.label = wording, ""
    rhythm.instructions, rhythm.weeks = "Three small things each week.", 6
    db.session.commit()

    page = dana.get(f"/counselor/couples/{couple.id}/homework/{rhythm.id}/template")
    assert page.status_code == 200
    # The name starts as the kind's, never the couple's.
    assert 'value="Weekly rhythm"' in page.get_data(as_text=True)
    assert "Sam" not in _assign_form(page.get_data(as_text=True)).get("name", "")
    saved = _save(
        dana, couple, rhythm, name="Gentle rhythm", instructions="Three small things each week."
    )
    assert saved.status_code == 302
    template = db.session.scalar(select(AssignmentTemplate))
    assert (template.name, template.kind, template.weeks) == ("Gentle rhythm", "rhythm", 6)
    assert template.settings["items"] == list(RHYTHM_ITEMS)

    # The other couple's page offers it; the assign form starts from it.
    couple_page = text_of(dana.get(f"/counselor/couples/{second_couple.id}"))
    assert "Assign from a template" in couple_page and "Gentle rhythm" in couple_page
    new = f"/counselor/couples/{second_couple.id}/homework/new/rhythm"
    form = _assign_form(dana.get(f"{new}?template={template.id}").get_data(as_text=True))
    assert [form["item1"], form["item2"], form["item3"]] == list(RHYTHM_ITEMS)
    assert form["weeks"] == "6" and form["instructions"] == "Three small things each week."

    form["csrf_token"] = dana.csrf_token()
    assert dana.post(new, data=form).status_code == 302
    db.session.expire_all()
    made = next(a for a in second_couple.assignments if a.kind == "rhythm")
    assert [i.wording for i in made.rhythm_items] == list(RHYTHM_ITEMS)
    assert made.weeks == 6


@pytest.mark.parametrize(
    ("kind", "change", "field", "value"),
    [
        (
            "inventory",
            lambda a: setattr(a.inventory_schedule, "every_weeks", 4),
            "every_weeks",
            "4",
        ),
        ("plan", lambda a: setattr(a.plan_settings, "trip_months", 12), "trip_months", "12"),
    ],
)
def test_a_kinds_own_settings_travel_in_its_template(
    dana, couple, second_couple, kind, change, field, value
):
    made = factories.homework(couple, kinds=[kind])
    change(made[kind])
    db.session.commit()
    _save(dana, couple, made[kind], name=f"My {kind}", instructions="In my words.")
    template = db.session.scalar(select(AssignmentTemplate))
    page = dana.get(
        f"/counselor/couples/{second_couple.id}/homework/new/{kind}?template={template.id}"
    )
    form = _assign_form(page.get_data(as_text=True))
    assert form[field] == value and form["instructions"] == "In my words."


def test_settings_a_kind_does_not_understand_keep_its_defaults(app, counselor, second_couple):
    kind = registry.named("rhythm")
    form_class = kind.assignment_form()
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        kind.prefill(form, None)
        defaults = [form.item1.data, form.item2.data, form.item3.data]
        kind.prefill_template(form, {"items": [7, None], "colour": "blue"})
        assert [form.item1.data, form.item2.data, form.item3.data] == defaults
        registry.named("inventory").prefill_template(form, {"every_weeks": "six"})
        registry.named("plan").prefill_template(form, {"date_days": 400})


def test_saving_needs_a_name_and_keeps_what_was_typed(dana, couple, with_homework):
    rhythm = with_homework["rhythm"]
    refused = _save(dana, couple, rhythm, name="", instructions="My own careful words.")
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Please give the template a name" in page
    assert "My own careful words." in page
    assert db.session.scalar(select(func.count(AssignmentTemplate.id))) == 0


def test_the_counselor_is_told_when_the_wording_names_the_couple(dana, couple, with_homework):
    rhythm = with_homework["rhythm"]
    rhythm.instructions = "Sam, try to start the conversation this week."
    db.session.commit()
    page = text_of(dana.get(f"/counselor/couples/{couple.id}/homework/{rhythm.id}/template"))
    assert "These words mention Sam" in page


def test_templates_are_renamed_retired_and_brought_back(dana, couple, with_homework):
    _save(dana, couple, with_homework["checkin"], name="Check-in", instructions="Weekly.")
    template = db.session.scalar(select(AssignmentTemplate))
    edit = f"/counselor/templates/assignments/{template.id}/edit"
    assert dana.post(edit, data={"name": "", "instructions": "Weekly."}).status_code == 422
    assert (
        dana.post(edit, data={"name": "Short check-in", "instructions": "Weekly."}).status_code
        == 302
    )
    assert "Short check-in" in text_of(dana.get("/counselor/templates"))

    # Retired: kept on the templates page, no longer offered when assigning.
    retire = f"/counselor/templates/assignments/{template.id}/retire"
    dana.post(retire, data={"retired": "1"})
    page = text_of(dana.get("/counselor/templates"))
    assert "Short check-in" in page and "Retired" in page and "Bring back" in page
    new = f"/counselor/couples/{couple.id}/homework/new/checkin"
    with_homework["checkin"].status = "ended"
    db.session.commit()
    assert "Start from a template" not in text_of(dana.get(new))
    dana.post(retire, data={"retired": "0"})
    assert "Short check-in" in text_of(dana.get(new))


def test_another_counselor_can_neither_see_nor_use_them(
    app, client, dana, couple, with_homework, signed_in
):
    _save(dana, couple, with_homework["rhythm"], name="Dana's rhythm", instructions="Mine.")
    note = NoteTemplate(counselor_id=couple.counselor_id, name="Dana's notes", focus="F")
    db.session.add(note)
    db.session.commit()
    template = db.session.scalar(select(AssignmentTemplate))
    lee = factories.counselor("Lee Okafor")
    theirs = factories.couple(lee, "Kim & Jo", names=("Kim", "Jo"))
    db.session.commit()
    other = signed_in(lee)
    assert "Dana's rhythm" not in text_of(other.get("/counselor/templates"))
    for path in (
        f"/counselor/templates/assignments/{template.id}/edit",
        f"/counselor/templates/notes/{note.id}/edit",
        f"/counselor/couples/{theirs.id}/homework/new/rhythm?template={template.id}",
    ):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/counselor/templates/assignments/{template.id}/retire").status_code == 404
    assert other.post(f"/counselor/templates/notes/{note.id}/retire").status_code == 404
    # Nor does an odd or a wrong-kind template address prefill anything.
    for query in ("abc", "1" * 30):
        assert (
            other.get(
                f"/counselor/couples/{theirs.id}/homework/new/rhythm?template={query}"
            ).status_code
            == 404
        )
    own = f"/counselor/couples/{couple.id}/homework/new/checkin?template={template.id}"
    assert dana.get(own).status_code == 404
    db.session.refresh(template)
    assert template.retired_at is None


# --- Session notes ---------------------------------------------------------------------------


def _note(client, **data):
    return client.post("/counselor/templates/notes/new", data=data)


def test_a_new_session_starts_from_a_note_template(dana, couple, with_homework):
    assert _note(dana, name="").status_code == 422
    _note(
        dana,
        name="Follow-up session",
        focus="How the week's repair talks went",
        shareable_notes="What went well:\nWhat we'll try next:",
    )
    note = db.session.scalar(select(NoteTemplate))
    new = f"/counselor/couples/{couple.id}/sessions/new"
    page = dana.get(new)
    assert "Fill from template" in text_of(page)
    filled = dana.post(new, data=session_form(focus="", fill="note", note_template=str(note.id)))
    assert filled.status_code == 200
    assert db.session.scalar(select(func.count(CounselingSession.id))) == 0  # nothing saved
    html = filled.get_data(as_text=True)
    assert 'value="How the week&#39;s repair talks went"' in html
    assert "What we&#39;ll try next:" in html
    assert "Filled from your template “Follow-up session”" in text_of(filled)


def test_a_note_template_never_overwrites_what_was_typed_without_asking(dana, couple):
    note = NoteTemplate(
        counselor_id=couple.counselor_id, name="Intake", focus="Intake", shareable_notes="Goals:"
    )
    db.session.add(note)
    db.session.commit()
    new = f"/counselor/couples/{couple.id}/sessions/new"
    data = session_form(focus="My own focus line", note_template=str(note.id))
    kept = dana.post(new, data=data | {"fill": "note"})
    html, page = kept.get_data(as_text=True), text_of(kept)
    assert 'value="My own focus line"' in html and "Goals:" in html
    assert "Focus of the session already holds your words, so it was kept." in page
    assert 'value="note:replace"' in html
    replaced = dana.post(new, data=data | {"fill": "note:replace"}).get_data(as_text=True)
    assert 'value="Intake"' in replaced and "My own focus line" not in replaced


def test_the_last_sessions_plan_carries_forward(dana, couple, with_homework):
    last = factories.session(couple)
    last.homework_notes = "Try the ten-minute pause once."
    last.agreed = [with_homework["rhythm"], with_homework["needs"]]
    db.session.commit()
    new = f"/counselor/couples/{couple.id}/sessions/new"
    page = text_of(dana.get(new))
    assert "Start from the last session's plan" in page
    assert "Try the ten-minute pause once." in page
    data = session_form(agreed=[with_homework["checkin"].id], fill="plan")
    filled = dana.post(new, data=data)
    html = filled.get_data(as_text=True)
    assert "Try the ten-minute pause once.</textarea>" in html
    checked = set(re.findall(r'<input checked[^>]*value="(\d+)"', html)) | set(
        re.findall(r'<input[^>]*value="(\d+)"[^>]*checked', html)
    )
    assert checked == {str(with_homework["rhythm"].id), str(with_homework["needs"].id)}
    assert "Filled from session 1's plan" in text_of(filled)
    # Then the counselor saves it as usual.
    data = session_form(
        agreed=[with_homework["rhythm"].id], homework_notes="Try the ten-minute pause once."
    )
    assert dana.post(new, data=data).status_code == 302
    saved = db.session.scalar(select(CounselingSession).where(CounselingSession.number == 2))
    assert saved.homework_notes == "Try the ten-minute pause once."


def test_the_templates_page_is_linked_from_settings(dana):
    assert "/counselor/templates" in dana.get("/counselor/settings").get_data(as_text=True)
    assert dana.get("/counselor/templates").status_code == 200


def test_a_templates_settings_read_in_the_words_of_the_assign_form(app):
    from domain.templates import settings_lines

    assert settings_lines("inventory", {"every_weeks": 4}) == ["Ask again every … weeks: 4"]
    assert settings_lines("rhythm", {"items": ["Walk", "Cook"]}) == ["Item 1: Walk", "Item 2: Cook"]
