"""The counselor gives a couple homework, rewords it, pauses, resumes or ends it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.counselor import couple_page
from domain import repeats, templates
from domain.access import assignment_for, couple_for
from domain.homework import AssignmentProblem, assign, set_assignment_status
from domain.repeats import just_made
from domain.weeks import local_today, week_of
from extensions import db
from forms.couples import STATUS_UNKNOWN, AssignmentStatusForm
from forms.templates import SaveTemplateForm
from kinds import registry
from kinds.base import Kind
from models import Assignment, AssignmentStatus, AssignmentTemplate
from web.guards import counselor_required
from web.rendering import keeps_input, render

bp = Blueprint("assignments", __name__, url_prefix="/counselor/couples/<int:couple_id>/homework")

STATUS_MESSAGES = {
    AssignmentStatus.ACTIVE: "{kind} is running again. The couple sees it on their week.",
    AssignmentStatus.PAUSED: "{kind} is paused. The couple sees that it is on hold.",
    AssignmentStatus.ENDED: "{kind} has ended. Everything they did stays in the history.",
}


def _kind(value: str | None) -> Kind:
    kind = registry.get(value)
    if kind is None:
        abort(404)
    return kind


@bp.route("/new/<kind>", methods=["GET", "POST"])
@keeps_input
@counselor_required
def new(couple_id: int, kind: str):
    """Assign one kind of homework, starting with the couple's current week by default."""
    couple = couple_for(current_user, couple_id)
    kind = _kind(kind)
    form = kind.assignment_form()()
    choices = templates.assignment_templates(current_user, kind=kind.key, live=True)
    started_from = None
    if request.method == "GET":
        form.starts_on.data = local_today(couple.timezone)
        form.instructions.data = kind.default_instructions
        kind.prefill(form, None)
        if request.args.get("template"):
            started_from = _template_of(kind, request.args["template"])
            templates.prefill_assignment(form, started_from)
    if _stepped(kind, form):
        return render(
            "assignments/form.html",
            form=form,
            couple=couple,
            kind=kind,
            assignment=None,
            choices=choices,
            started_from=started_from,
        )
    if form.validate_on_submit():
        done_url = url_for("counselor.couple", couple_id=couple.id, _anchor="homework")
        # The same form again (a double tap): the first one stands.
        went = repeats.earlier(
            form.once.data,
            current_user.id,
            same=done_url if _just_assigned(couple, kind, form) else None,
        )
        if went:
            flash(f"{kind.name} is assigned to {couple.name}.", "success")
            return redirect(went)
        try:
            assign(
                couple,
                kind.key,
                starts_on=form.starts_on.data,
                weeks=form.weeks.data,
                instructions=form.instructions.data,
                form=form,
            )
        except AssignmentProblem as problem:
            form.form_errors.append(str(problem))
        else:
            went = repeats.save_once(form.once.data, current_user.id, done_url)
            flash(f"{kind.name} assigned to {couple.name}.", "success")
            return redirect(went or done_url)
    status = 422 if form.errors or form.form_errors else 200
    return render(
        "assignments/form.html",
        form=form,
        couple=couple,
        kind=kind,
        assignment=None,
        choices=choices,
        started_from=started_from,
        status=status,
    )


def _template_of(kind: Kind, value: str) -> AssignmentTemplate:
    """The counselor's template ``value`` of ``kind`` (a retired one too, when asked by
    its address), else 404: another counselor's is not there."""
    if not value.isdecimal() or len(value) > 18:
        abort(404)
    template = templates.owned(current_user, AssignmentTemplate, int(value))
    if template.kind != kind.key:
        abort(404)
    return template


def _stepped(kind: Kind, form) -> bool:
    """Was this a step of the kind's own editor (a row added, moved or removed), not a save?"""
    step = request.form.get("step") if request.method == "POST" else None
    return bool(step) and kind.editing(form, step)


def _just_assigned(couple, kind: Kind, form) -> bool:
    """Was this very assignment made from the same form a moment ago?"""
    made = just_made(
        Assignment,
        Assignment.couple_id == couple.id,
        Assignment.kind == kind.key,
        Assignment.starts_on
        == week_of(form.starts_on.data, couple.timezone, couple.week_starts_on).start,
        Assignment.weeks == form.weeks.data,
        Assignment.instructions == form.instructions.data,
    )
    return made is not None and kind.same_settings(form, made)


@bp.route("/<int:assignment_id>/edit", methods=["GET", "POST"])
@keeps_input
@counselor_required
def edit(couple_id: int, assignment_id: int):
    """Reword the instructions (and the rhythm's items), or change how long it runs."""
    assignment = assignment_for(current_user, couple_id, assignment_id)
    couple = assignment.couple
    kind = registry.named(assignment.kind)
    form = kind.assignment_form()(obj=assignment)
    if request.method == "GET":
        kind.prefill(form, assignment)
    # The first week is fixed once answers may exist; only what follows can change.
    form.starts_on.data = assignment.starts_on
    if _stepped(kind, form):
        return render(
            "assignments/form.html", form=form, couple=couple, kind=kind, assignment=assignment
        )
    if form.validate_on_submit():
        assignment.instructions = form.instructions.data
        assignment.weeks = form.weeks.data
        kind.apply(form, assignment, new=False)
        db.session.commit()
        flash(f"{kind.name} updated for {couple.name}.", "success")
        return redirect(url_for("counselor.couple", couple_id=couple.id, _anchor="homework"))
    status = 422 if form.errors else 200
    return render(
        "assignments/form.html",
        form=form,
        couple=couple,
        kind=kind,
        assignment=assignment,
        status=status,
    )


@bp.route("/<int:assignment_id>/template", methods=["GET", "POST"])
@keeps_input
@counselor_required
def save_template(couple_id: int, assignment_id: int):
    """Keep this homework's wording as a template: the instructions, weeks and the kind's
    own settings, never anything either partner wrote."""
    assignment = assignment_for(current_user, couple_id, assignment_id)
    couple = assignment.couple
    kind = registry.named(assignment.kind)
    form = SaveTemplateForm()
    if request.method == "GET":
        form.name.data = kind.name
        form.instructions.data = assignment.instructions
    if form.validate_on_submit():
        template = templates.save_from(
            assignment, name=form.name.data, instructions=form.instructions.data
        )
        db.session.commit()
        flash(
            f"Saved as your template “{template.name}”. Start from it when you assign "
            f"{kind.name.lower()}.",
            "success",
        )
        return redirect(
            url_for("counselor.couple", couple_id=couple.id, _anchor=f"assignment-{assignment.id}")
        )
    lines = templates.settings_lines(kind.key, kind.template_settings(assignment))
    return render(
        "assignments/save_template.html",
        form=form,
        couple=couple,
        kind=kind,
        assignment=assignment,
        lines=lines,
        names=templates.mentions(couple, form.instructions.data or "", *lines),
        status=422 if form.errors else 200,
    )


@bp.post("/<int:assignment_id>/status")
@counselor_required
def set_status(couple_id: int, assignment_id: int):
    """Pause (a hard week, a safety concern), resume, or end an assignment."""
    assignment = assignment_for(current_user, couple_id, assignment_id)
    form = AssignmentStatusForm()
    kind_name = registry.named(assignment.kind).name
    if not form.validate_on_submit():
        problem, status = " ".join(form.status.errors) or STATUS_UNKNOWN, 422
    elif assignment.status == AssignmentStatus.ENDED and form.status.data != AssignmentStatus.ENDED:
        problem, status = f"{kind_name} has ended; assign it again to start a new run.", 409
    else:
        set_assignment_status(assignment, form.status.data)
        db.session.commit()
        flash(STATUS_MESSAGES[AssignmentStatus(form.status.data)].format(kind=kind_name), "success")
        return redirect(url_for("counselor.couple", couple_id=couple_id, _anchor="homework"))
    return couple_page(assignment.couple, status=status, problems={assignment.id: problem})
