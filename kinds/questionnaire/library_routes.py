"""The counselor's questionnaires: list, define, read, change (in place while no couple
was asked it, as a new version once one was), retire. Hearth's own is read-only: a
counselor who wants it different starts a copy of their own from it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from domain import repeats
from extensions import db
from forms.base import ButtonForm
from kinds.questionnaire import library
from kinds.questionnaire.forms import QuestionnaireForm
from kinds.questionnaire.models import Questionnaire
from kinds.questionnaire.routes import bp
from models import utcnow
from web.guards import counselor_required
from web.rendering import keeps_input, render

ADD_ITEM = "add_item"


def questionnaire_for(user, questionnaire_id: int) -> Questionnaire:
    """A version the counselor may open (their own, or Hearth's), or 404."""
    q = db.session.get(Questionnaire, questionnaire_id)
    if q is None or q.owner_id not in (None, user.id):
        abort(404)
    return q


@bp.route("/counselor/questionnaires")
@counselor_required
def library_index():
    """Every questionnaire the counselor may assign, Hearth's own first, then retired ones."""
    current = library.latest(current_user.id)
    retired = [q for q in library.latest(current_user.id, retired=True) if q.retired_at]
    db.session.commit()  # Hearth's own is made the first time anyone looks
    return render("questionnaire/library.html", current=current, retired=retired)


def _form_page(form, q: Questionnaire | None, status: int, mode: str):
    return render(
        "questionnaire/definition.html",
        form=form,
        q=q,
        mode=mode,
        status=status,
    )


def _added_a_row(form) -> bool:
    """The "Add an item" button: one more empty row, everything typed kept."""
    if ADD_ITEM in request.form and len(form.items) < form.items.max_entries:
        form.items.append_entry()
        return True
    return False


@bp.route("/counselor/questionnaires/new", methods=["GET", "POST"])
@keeps_input
@counselor_required
def library_new():
    """Define a new questionnaire: items in the counselor's words, options, score, lines."""
    form = QuestionnaireForm()
    if request.method == "POST" and _added_a_row(form):
        return _form_page(form, None, 200, "new")
    if form.validate_on_submit():
        return _make(form, lambda: library.build(form.definition(), owner_id=current_user.id))
    return _form_page(form, None, 422 if form.is_submitted() else 200, "new")


def _make(form, make) -> object:
    """Make a questionnaire once, however often the same form is sent."""
    went = repeats.earlier(form.once.data, current_user.id)
    if went:
        return redirect(went)
    made = make()
    db.session.add(made)
    db.session.flush()
    url = url_for("questionnaire.library_show", questionnaire_id=made.id)
    went = repeats.save_once(form.once.data, current_user.id, url)
    flash(f"“{made.title}” is saved.", "success")
    return redirect(went or url)


@bp.route("/counselor/questionnaires/<int:questionnaire_id>")
@counselor_required
def library_show(questionnaire_id: int):
    """One version: its items and options, how it is scored, its source, its versions."""
    q = questionnaire_for(current_user, questionnaire_id)
    return render(
        "questionnaire/show.html",
        q=q,
        used=library.in_use(q),
        versions=library.versions(q),
        button=ButtonForm(),
    )


@bp.route("/counselor/questionnaires/<int:questionnaire_id>/edit", methods=["GET", "POST"])
@keeps_input
@counselor_required
def library_edit(questionnaire_id: int):
    """Change a questionnaire: in place while no couple was asked it; once one was, the
    change becomes its next version (answers already given keep their wording). Hearth's
    own becomes a copy of the counselor's."""
    q = questionnaire_for(current_user, questionnaire_id)
    used = library.in_use(q)
    mode = "copy" if q.shipped else ("version" if used else "edit")
    form = QuestionnaireForm()
    if request.method == "GET":
        form.fill(library.plain(q))
        if mode == "copy":
            form.name.data = f"{q.name} (my copy)"
    if request.method == "POST" and _added_a_row(form):
        return _form_page(form, q, 200, mode)
    if form.validate_on_submit():
        if mode == "copy":
            return _make(form, lambda: library.build(form.definition(), owner_id=current_user.id))
        if mode == "version":
            return _make(form, lambda: library.next_version(q, form.definition()))
        library.replace(q, form.definition())
        db.session.commit()
        flash(f"“{q.title}” is saved.", "success")
        return redirect(url_for("questionnaire.library_show", questionnaire_id=q.id))
    return _form_page(form, q, 422 if form.is_submitted() else 200, mode)


@bp.route("/counselor/questionnaires/<int:questionnaire_id>/retire", methods=["POST"])
@counselor_required
def library_retire(questionnaire_id: int):
    """Retire a questionnaire (no longer offered; couples asked it keep going), or bring it
    back."""
    q = questionnaire_for(current_user, questionnaire_id)
    if q.shipped:
        abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    for version in library.versions(q):
        version.retired_at = None if q.retired_at else (version.retired_at or utcnow())
    db.session.commit()
    flash(f"“{q.name}” is {'retired' if q.retired_at else 'back in your list'}.", "success")
    return redirect(url_for("questionnaire.library_index"))
