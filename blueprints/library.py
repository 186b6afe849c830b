"""The counselor's templates: assignment templates and session note templates to rename,
retire or bring back, and the whole library exported to a file or imported from one."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, request, url_for
from flask_login import current_user

from domain import library, templates
from extensions import db
from forms.base import ButtonForm
from forms.templates import AssignmentTemplateForm, ImportForm, NoteTemplateForm
from kinds import registry
from models import AssignmentTemplate, NoteTemplate, utcnow
from web.guards import counselor_required
from web.rendering import keeps_input, render

bp = Blueprint("library", __name__, url_prefix="/counselor/templates")


def index_page(*, import_form=None, status: int = 200):
    """The counselor's templates, live ones first in each list, and the import form."""
    return render(
        "library/index.html",
        assignment_templates=templates.assignment_templates(current_user),
        note_templates=templates.note_templates(current_user),
        kind_names={k.key: k.name for k in registry.REGISTRY},
        settings_lines=templates.settings_lines,
        import_form=import_form or ImportForm(),
        button=ButtonForm(),
        status=status,
    )


@bp.get("")
@counselor_required
def index():
    """Your templates: what you start assignments and session notes from."""
    return index_page()


@bp.route("/assignments/<int:template_id>/edit", methods=["GET", "POST"])
@keeps_input
@counselor_required
def edit_assignment(template_id: int):
    """Rename an assignment template, or change its instructions or weeks."""
    template = templates.owned(current_user, AssignmentTemplate, template_id)
    form = AssignmentTemplateForm(obj=template)
    if form.validate_on_submit():
        form.populate_obj(template)
        db.session.commit()
        flash(f"Template “{template.name}” saved.", "success")
        return redirect(url_for("library.index", _anchor=f"template-{template.id}"))
    return render(
        "library/assignment_form.html",
        form=form,
        template=template,
        kind_name=_kind_name(template.kind),
        lines=templates.settings_lines(template.kind, template.settings),
        status=422 if form.errors else 200,
    )


@bp.post("/assignments/<int:template_id>/retire")
@counselor_required
def retire_assignment(template_id: int):
    """Retire an assignment template (hidden from the choices, kept) or bring it back."""
    template = templates.owned(current_user, AssignmentTemplate, template_id)
    return _set_retired(template, f"template-{template.id}")


@bp.route("/notes/new", methods=["GET", "POST"])
@keeps_input
@counselor_required
def new_note():
    """A new skeleton for session notes."""
    form = NoteTemplateForm()
    if form.validate_on_submit():
        template = NoteTemplate(counselor_id=current_user.id)
        form.populate_obj(template)
        db.session.add(template)
        db.session.commit()
        flash(f"Note template “{template.name}” saved.", "success")
        return redirect(url_for("library.index", _anchor=f"note-template-{template.id}"))
    return render(
        "library/note_form.html", form=form, template=None, status=422 if form.errors else 200
    )


@bp.route("/notes/<int:template_id>/edit", methods=["GET", "POST"])
@keeps_input
@counselor_required
def edit_note(template_id: int):
    """Rename a note template or change its skeleton."""
    template = templates.owned(current_user, NoteTemplate, template_id)
    form = NoteTemplateForm(obj=template)
    if form.validate_on_submit():
        form.populate_obj(template)
        db.session.commit()
        flash(f"Note template “{template.name}” saved.", "success")
        return redirect(url_for("library.index", _anchor=f"note-template-{template.id}"))
    return render(
        "library/note_form.html",
        form=form,
        template=template,
        status=422 if form.errors else 200,
    )


@bp.post("/notes/<int:template_id>/retire")
@counselor_required
def retire_note(template_id: int):
    """Retire a note template or bring it back."""
    template = templates.owned(current_user, NoteTemplate, template_id)
    return _set_retired(template, f"note-template-{template.id}")


@bp.get("/export")
@counselor_required
def export():
    """Download your live templates as one file a colleague can import."""
    response = make_response(library.export(current_user.id))
    day = utcnow().date()
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="hearth-templates-{day.isoformat()}.json"'
    )
    return response


@bp.post("/import")
@counselor_required
def import_file():
    """Add the templates of a library file to yours, all of them or, on a problem, none."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.library.data
        if upload is None or not getattr(upload, "filename", ""):
            form.library.errors.append("Please choose a template file exported from Hearth.")
        else:
            # One byte more than allowed is enough to say it is too big.
            result = library.import_file(current_user.id, upload.read(library.MAX_BYTES + 1))
            if not result.problems:
                flash(result.summary(), "success")
                return redirect(url_for("library.index"))
            form.library.errors.extend(result.problems)
    return index_page(import_form=form, status=422)


def _set_retired(template, anchor: str):
    form = ButtonForm()
    if form.validate_on_submit():
        retired = request.form.get("retired", "1") != "0"
        templates.set_retired(template, retired)
        db.session.commit()
        flash(
            f"“{template.name}” is retired: kept here, no longer offered."
            if retired
            else f"“{template.name}” is offered again.",
            "success",
        )
    return redirect(url_for("library.index", _anchor=anchor))


def _kind_name(key: str) -> str:
    kind = registry.get(key)
    return kind.name if kind else key
