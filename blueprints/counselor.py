"""The counselor's pages: their couples, and each couple's partner places."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from domain import (
    appointments,
    audit,
    couples,
    invitations,
    private_words,
    repeats,
    review,
    templates,
    whats_new,
)
from domain.access import couple_for, partner_place_for
from domain.repeats import just_made
from domain.weeks import WEEKDAYS
from extensions import db
from forms.base import grouped_timezone_choices
from forms.couples import AuditFilterForm, CoupleForm, CoupleStatusForm, NewCoupleForm
from kinds import registry
from models import AssignmentStatus, Couple, CoupleStatus, Invitation, Partner
from web import fragments
from web.guards import counselor_required
from web.i18n import page_language
from web.rendering import keeps_input, render, wants_fragment
from web.signin import end_everywhere

JUST_CREATED = "This couple was just created; here are their links."

bp = Blueprint("counselor", __name__, url_prefix="/counselor")

STATUS_MESSAGES = {
    CoupleStatus.ACTIVE: "{name} is active again.",
    CoupleStatus.PAUSED: "{name} is paused. They'll see that their homework is on hold.",
    CoupleStatus.ARCHIVED: "{name} is archived. Their history is kept; new links are off.",
}


@dataclass(frozen=True)
class PlaceView:
    """A partner place as the counselor sees it: who, and the link that can be shared."""

    partner: Partner
    invitation: Invitation | None
    url: str | None


def place_view(partner: Partner) -> PlaceView:
    invitation = invitations.current_for(partner)
    token = invitations.token_of(invitation) if invitation else None
    url = url_for("invitations.accept", token=token, _external=True) if token else None
    return PlaceView(partner, invitation if url else None, url)


@bp.get("/")
@counselor_required
def dashboard():
    """This counselor's couples, a page at a time, with who has joined and who is still
    invited, and the sessions of today and tomorrow."""
    shown = review.page_of_couples(current_user.id, request.args.get("page", 1, type=int))
    return render(
        "counselor/dashboard.html",
        "counselor/_couples.html",
        shown=shown,
        rows=couple_rows(shown),
        agenda=appointments.agenda(current_user.id),
    )


def couple_rows(shown: review.DashboardPage) -> list[Markup]:
    """The page's couples drawn as dashboard rows. A row drawn earlier in this clock period
    is shown again while its couple's ``data_version`` (raised with every change to what
    the couple did or is), the counselor's last visit to the couple and the language are
    those it was drawn with (``web.fragments``); only the others are read and drawn, so a
    counselor coming back to the dashboard pays for the couples that changed."""
    language = page_language()
    keys = [
        ("dashboard", current_user.id, i, shown.versions[i], shown.visits.get(i), language)
        for i in shown.ids
    ]

    def draw(positions: list[int]) -> list[Markup]:
        couples = review.load_rows(current_user.id, [shown.ids[i] for i in positions])
        summaries = {
            s.couple.id: s for s in review.summarize(current_user.id, couples, visits=shown.visits)
        }
        row = get_template_attribute("counselor/_couple_row.html", "couple_row")
        # A couple deleted since the page was read has no row (an empty piece, not kept).
        return [
            row(summaries[shown.ids[i]]) if shown.ids[i] in summaries else Markup()
            for i in positions
        ]

    return fragments.drawn(keys, draw)


@bp.route("/couples/new", methods=["GET", "POST"])
@keeps_input
@counselor_required
def new_couple():
    """Create a couple and an invitation link for each of the two partners."""
    form = NewCoupleForm()
    used = couples.zones_used(current_user.id)  # the last new couple's zone first
    form.timezone.choices = grouped_timezone_choices(couples.common_zones(used))
    if request.method == "GET":
        form.timezone.data = used[0] if used else _default_timezone()
        if not used:
            # No earlier choice: the browser's own zone is a better guess than UTC
            # (static/js/app.js sets it; without a script UTC stays).
            form.timezone.render_kw = {"data-browser-zone": ""}
    if form.validate_on_submit():
        made = just_made(
            Couple,
            Couple.counselor_id == current_user.id,
            Couple.name == form.name.data,
            Couple.timezone == form.timezone.data,
            Couple.week_starts_on == form.week_starts_on.data,
        )
        went = repeats.earlier(
            form.once.data,
            current_user.id,
            same=url_for("counselor.couple", couple_id=made.id) if made else None,
        )
        if went:  # the same form again: a double tap, not a second couple
            flash(JUST_CREATED, "info")
            return redirect(went)
        taken = couples.same_name(current_user.id, form.name.data)
        if taken is not None and request.form.get("anyway") != form.name.data:
            # A question, not a refusal: two couples may share a name. The form comes back
            # once with everything kept and "Create it anyway" for this very name.
            return render(
                "counselor/couple_form.html", form=form, couple=None, taken=taken, status=200
            )
        couple = Couple(
            counselor=current_user,
            name=form.name.data,
            timezone=form.timezone.data,
            week_starts_on=form.week_starts_on.data,
        )
        for place, label in ((1, form.partner1_label.data), (2, form.partner2_label.data)):
            partner = Partner(couple=couple, place=place, label=label or "")
            db.session.add(partner)
            invitations.issue(partner, by=current_user)
        db.session.add(couple)
        db.session.flush()
        went = repeats.save_once(
            form.once.data, current_user.id, url_for("counselor.couple", couple_id=couple.id)
        )
        if went:  # the same form, a moment earlier, on another worker
            flash(JUST_CREATED, "info")
            return redirect(went)
        flash(
            f"{couple.name} is ready. Share each partner's link, or let them scan its code.",
            "success",
        )
        return redirect(url_for("counselor.couple", couple_id=couple.id))
    status = 422 if form.errors else 200
    return render("counselor/couple_form.html", form=form, couple=None, taken=None, status=status)


def _default_timezone() -> str:
    return current_app.config["DEFAULT_TIMEZONE"]


@bp.get("/couples/<int:couple_id>")
@counselor_required
def couple(couple_id: int):
    """One couple: their partner places, invitation links and QR codes, and status."""
    return couple_page(couple_for(current_user, couple_id))


def couple_page(couple, *, status: int = 200, status_form=None, problems=None):
    """The couple page; after a refused action, with ``status`` and the refused form (or a
    message per assignment id in ``problems``) where the action was.

    Every showing is a counselor view, recorded in the audit trail.
    """
    context = couple_page_context(couple, status_form=status_form, problems=problems)
    response = render("counselor/couple.html", "counselor/_couple.html", status, **context)
    whats_new.record_visit(current_user, couple.id)  # committed with the audit row
    audit.record_now("viewed", couple_id=couple.id, subject="Couple page")
    return response


def couple_page_context(couple, *, status_form=None, problems=None) -> dict:
    """Everything the couple page reads and gathers, ready to draw."""
    return {
        "couple": couple,
        "places": [place_view(p) for p in couple.partners],
        "status_form": status_form or CoupleStatusForm(status=couple.status),
        "problems": problems or {},
        "review_section": review_section(couple),
        "words": private_words.for_counselor(couple),
        "open_kinds": {a.kind for a in couple.assignments if a.status != AssignmentStatus.ENDED},
        "kinds": registry.keys(),
        "assignment_parts": {
            k.key: k.assignment_template for k in registry.REGISTRY if k.assignment_template
        },
        # The counselor's live templates, to assign from (one query, whatever their number).
        "assign_templates": templates.assignment_templates(current_user, live=True),
    }


def review_section(couple) -> Markup:
    """The couple page's review (the week grid, "since the last session" and each kind's
    part), drawn once and shown again while the couple's ``data_version`` and the language
    are those it was drawn with, within one clock period (``web.fragments``). It holds no
    form, so nothing in it belongs to one sign-in. ``couple`` is as read in this request,
    before any commit (its ``data_version`` is the one stored)."""
    key = ("review", current_user.id, couple.id, couple.data_version, page_language())

    def draw(_positions: list[int]) -> list[Markup]:
        shown = review.couple_review(couple)
        if not couple.assignments:
            return [Markup()]
        drawn = render_template("counselor/_review.html", couple=couple, review=shown)
        return [Markup(drawn)]  # noqa: S704 - a template's output, escaped as it was drawn

    return fragments.drawn([key], draw)[0]


@bp.post("/couples/<int:couple_id>/words/<int:word_id>/read")
@counselor_required
def read_word(couple_id: int, word_id: int):
    """Mark a partner's private word read (or, with ``read=0``, unread again)."""
    couple = couple_for(current_user, couple_id)
    word = private_words.word_of(couple, word_id)
    if word is None:
        abort(404)
    private_words.mark_read(word, read=request.form.get("read", "1") != "0")
    db.session.commit()
    return redirect(url_for("counselor.couple", couple_id=couple.id, _anchor="private-words"))


@bp.route("/couples/<int:couple_id>/edit", methods=["GET", "POST"])
@keeps_input
@counselor_required
def edit_couple(couple_id: int):
    """Change the couple's name, time zone or the weekday their week starts."""
    couple = couple_for(current_user, couple_id)
    form = CoupleForm(obj=couple)
    used = couples.zones_used(current_user.id)
    form.timezone.choices = grouped_timezone_choices(couples.common_zones(used))
    if (
        form.validate_on_submit()
        and couple.assignments
        and form.week_starts_on.data != couple.week_starts_on
    ):
        # Answers are kept by week; moving the week under them would split their history.
        form.week_starts_on.errors = [
            "Homework has started, so the week keeps starting on "
            f"{WEEKDAYS[couple.week_starts_on]}: their history is kept week by week."
        ]
    elif form.is_submitted() and not form.errors:
        form.populate_obj(couple)
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("counselor.couple", couple_id=couple.id))
    status = 422 if form.errors else 200
    return render("counselor/couple_form.html", form=form, couple=couple, status=status)


@bp.post("/couples/<int:couple_id>/status")
@counselor_required
def set_status(couple_id: int):
    """Pause, archive or reactivate a couple."""
    couple = couple_for(current_user, couple_id)
    form = CoupleStatusForm()
    if not form.validate_on_submit():
        return couple_page(couple, status=422, status_form=form)
    couple.status = form.status.data
    db.session.commit()
    flash(STATUS_MESSAGES[CoupleStatus(couple.status)].format(name=couple.name), "success")
    return redirect(url_for("counselor.couple", couple_id=couple.id))


@bp.post("/couples/<int:couple_id>/partners/<int:place>/link")
@counselor_required
def reissue_link(couple_id: int, place: int):
    """A fresh link for one partner place; the previous link stops working at once."""
    partner = partner_place_for(current_user, couple_id, place)
    couple = partner.couple
    if partner.left:
        # Whoever took the place would inherit what the former partner shared.
        flash("This partner left the couple; their place can't be given to anyone.", "error")
        return redirect(url_for("counselor.couple", couple_id=couple.id))
    if couple.status == CoupleStatus.ARCHIVED:
        flash("This couple is archived. Make them active again to send a new link.", "error")
        return redirect(url_for("counselor.couple", couple_id=couple.id))
    invitations.issue(partner, by=current_user)
    db.session.commit()
    message = (
        f"New sign-in link for {partner.name}. The old one no longer works."
        if partner.joined
        else f"New invitation link for {partner.name}. The old one no longer works."
    )
    if wants_fragment():
        return render(
            "counselor/couple.html",
            "counselor/_partner_place.html",
            place=place_view(partner),
            couple=couple,
            just_issued=message,
        )
    flash(message, "success")
    return redirect(url_for("counselor.couple", couple_id=couple.id, _anchor=f"place-{place}"))


@bp.post("/couples/<int:couple_id>/partners/<int:place>/sign-out")
@counselor_required
def sign_out_partner(couple_id: int, place: int):
    """Sign a partner out on every device, e.g. when a phone was lost or shared."""
    partner = partner_place_for(current_user, couple_id, place)
    if partner.user is None:
        abort(404)
    end_everywhere(partner.user)
    audit.record("signed_out_everywhere", couple_id=couple_id, subject=f"Partner place {place}")
    db.session.commit()
    flash(f"{partner.name} is signed out on every device.", "success")
    return redirect(url_for("counselor.couple", couple_id=couple_id, _anchor=f"place-{place}"))


@bp.get("/couples/<int:couple_id>/audit")
@counselor_required
def audit_trail(couple_id: int):
    """Who saw and changed this couple's data, newest first, 50 to a page."""
    couple = couple_for(current_user, couple_id)
    form = AuditFilterForm(request.args)
    form.kind.choices = [("", "Everything"), *audit.KINDS.items()]
    valid = form.validate()
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    filters = audit.Filters(
        start=form.start.data if valid else None,
        end=form.end.data if valid else None,
        kind=(form.kind.data or None) if valid else None,
        page=page,
    )
    entries, total = audit.couple_trail(couple.id, filters)
    pages = max(1, -(-total // audit.PAGE_SIZE))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render(
        "counselor/audit.html",
        couple=couple,
        form=form,
        entries=entries,
        total=total,
        page_number=page,
        pages=pages,
        args=args,
        status=200 if valid else 422,
    )
