"""Counseling sessions and their summaries: record, preview, release, download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import tasks
from domain import appointments, audit, pdf, repeats, templates, versions, whats_new
from domain.access import (
    couple_for,
    own_partner_place,
    released_session_for,
    released_summary_for,
    session_for,
    stored_summary_session,
)
from domain.homework import next_session_number
from domain.summary import COPIES, COUPLE_COPY, build, filename_for, pin_candidates
from extensions import db
from forms.base import ButtonForm
from forms.counseling import PaperForm, SessionForm
from models import CounselingSession, PinnedMoment, utcnow
from web import i18n
from web.guards import counselor_required, partner_required
from web.rendering import keeps_input, render

JUST_SAVED = "This session was just saved; here it is."

bp = Blueprint("counseling", __name__)


def _local_to_utc(day, at: time | None, tz: str) -> datetime:
    return datetime.combine(day, at or time(0), tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def _next_session_problem(form: SessionForm, couple, stored: datetime | None) -> bool:
    """A new or changed "next session" must be a moment ahead that can be booked; the
    reason goes beside the field. (An old record keeps the date it always had.)"""
    if not form.next_on.data:
        return False
    wanted = _local_to_utc(form.next_on.data, form.next_time.data, couple.timezone)
    # The form shows minutes; a record made elsewhere may carry seconds.
    if stored is not None and wanted == stored.replace(second=0, microsecond=0):
        return False
    try:
        appointments.local_start(form.next_on.data, form.next_time.data, couple.timezone)
    except appointments.AppointmentProblem as problem:
        field = form.next_time if problem.field == "time" else form.next_on
        field.errors.append(str(problem))
        return True
    return False


def _fill(session: CounselingSession, form: SessionForm) -> None:
    tz = session.couple.timezone
    session.held_at = _local_to_utc(form.held_on.data, form.held_time.data, tz)
    session.attended = form.attended.data
    session.focus = form.focus.data
    session.shareable_notes = form.shareable_notes.data or ""
    session.private_notes = form.private_notes.data or ""
    session.homework_notes = form.homework_notes.data or ""
    session.next_session_at = (
        _local_to_utc(form.next_on.data, form.next_time.data, tz) if form.next_on.data else None
    )
    chosen = set(form.agreed.data or [])
    session.agreed = [a for a in session.couple.assignments if a.id in chosen]


# --- Counselor ---------------------------------------------------------------------------


@bp.get("/counselor/couples/<int:couple_id>/sessions")
@counselor_required
def index(couple_id: int):
    """The couple's sessions, newest first, with their summaries."""
    couple = couple_for(current_user, couple_id)
    sessions = db.session.scalars(
        select(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.number.desc())
    ).all()
    response = render("counseling/index.html", couple=couple, sessions=sessions)
    audit.record_now("viewed", couple_id=couple.id, subject="Sessions")
    return response


@bp.route("/counselor/couples/<int:couple_id>/sessions/new", methods=["GET", "POST"])
@keeps_input
@counselor_required
def new(couple_id: int):
    """Record a session; its number is counted for the couple."""
    couple = couple_for(current_user, couple_id)
    form = SessionForm(couple=couple)
    notes = templates.note_templates(current_user, live=True)
    last = templates.last_session(couple)
    if request.method == "GET":
        # The booked appointment, else the usual time of day: rarely the minute of typing.
        start = appointments.recording_start(couple)
        form.held_on.data, form.held_time.data = start.date(), start.time()
        form.attended.data = "both"
        form.agreed.data = [a.id for a in couple.assignments if a.status == "active"]
    elif request.form.get("fill"):
        # "Start from a note template" or "from the last session's plan": the form comes
        # back filled, nothing is saved, and words already typed stay unless replaced.
        started = _start_from(form, request.form["fill"], notes, last)
        return render(
            "counseling/form.html",
            form=form,
            couple=couple,
            session=None,
            notes=notes,
            last=last,
            started=started,
        )
    if form.validate_on_submit() and not _next_session_problem(form, couple, None):
        same = db.session.scalar(
            select(CounselingSession).where(
                CounselingSession.couple_id == couple.id,
                CounselingSession.held_at
                == _local_to_utc(form.held_on.data, form.held_time.data, couple.timezone),
                CounselingSession.focus == form.focus.data,
            )
        )
        went = repeats.earlier(
            form.once.data,
            current_user.id,
            same=url_for("counseling.show", couple_id=couple.id, session_id=same.id)
            if same
            else None,
        )
        if went:  # the same form again (a double tap): not a second session
            flash(JUST_SAVED, "info")
            return redirect(went)
        number = next_session_number(couple)
        session = CounselingSession(couple=couple, number=number)
        _fill(session, form)
        db.session.add(session)
        try:
            db.session.flush()
            appointments.follow_session(session, None)
            made = url_for("counseling.show", couple_id=couple.id, session_id=session.id)
            went = repeats.save_once(form.once.data, current_user.id, made)
        except IntegrityError:
            # Two saves at once with two keys (two tabs): the session number is taken,
            # and the first one stands.
            db.session.rollback()
            flash(JUST_SAVED, "info")
            return redirect(url_for("counseling.index", couple_id=couple.id))
        if went:
            flash(JUST_SAVED, "info")
            return redirect(went)
        # The page itself says what comes next: quote, read, release.
        flash(f"Session {number} is saved.", "success")
        return redirect(url_for("counseling.show", couple_id=couple.id, session_id=session.id))
    status = 422 if form.errors else 200
    return render(
        "counseling/form.html",
        form=form,
        couple=couple,
        session=None,
        notes=notes,
        last=last,
        status=status,
    )


@dataclass
class Started:
    """What "start from" did to the session form, for the note above it."""

    source: str  # "your template “First session”", "session 3's plan"
    fill: str  # the button's value, to offer replacing what was kept
    filled: list[str]
    kept: list[str]


def _start_from(form: SessionForm, fill: str, notes: list, last) -> Started | None:
    """Fill the new session's form from a note template or the last session's plan."""
    replace = fill.endswith(":replace")
    fill = fill.removesuffix(":replace")
    if fill == "plan" and last is not None:
        offered = [c.value for c in form.agreed.choices]
        form.agreed.data = templates.carried_agreed(last, offered)
        done = templates.fill_session_form(
            form, {"homework_notes": last.homework_notes}, replace=replace
        )
        if last.agreed:
            done.filled.insert(0, "agreed")
        return Started(f"session {last.number}'s plan", fill, done.filled, done.kept)
    if fill == "note":
        chosen = request.form.get("note_template", "")
        template = next((t for t in notes if str(t.id) == chosen), None)
        if template is not None:
            done = templates.fill_session_form(
                form, templates.note_words(template), replace=replace
            )
            return Started(f"your template “{template.name}”", fill, done.filled, done.kept)
    return None


@bp.route(
    "/counselor/couples/<int:couple_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"]
)
@keeps_input
@counselor_required
def edit(couple_id: int, session_id: int):
    """Change a session's record; a stale tab is told and keeps its text."""
    session = session_for(current_user, couple_id, session_id)
    couple = session.couple
    form = SessionForm(couple=couple)
    conflict = None
    status = 200
    if request.method == "GET":
        tz = ZoneInfo(couple.timezone)
        held = session.held_at.astimezone(tz)
        form.held_on.data, form.held_time.data = held.date(), held.time()
        if session.next_session_at:
            nxt = session.next_session_at.astimezone(tz)
            form.next_on.data, form.next_time.data = nxt.date(), nxt.time()
        for name in ("attended", "focus", "shareable_notes", "private_notes", "homework_notes"):
            getattr(form, name).data = getattr(session, name)
        form.agreed.data = [a.id for a in session.agreed]
        form.version.data = str(session.version)
    elif form.validate_on_submit() and not _next_session_problem(
        form, couple, session.next_session_at
    ):
        before = session.next_session_at

        def apply(row: CounselingSession) -> None:
            _fill(row, form)
            db.session.flush()
            appointments.follow_session(row, before)

        saved = versions.save(
            session,
            form.version_number(),
            apply,
            reload=lambda: session_for(current_user, couple_id, session_id),
        )
        if not saved.conflict:
            flash("Saved.", "success")
            return redirect(url_for("counseling.show", couple_id=couple.id, session_id=session.id))
        conflict, status = saved.row, 409
        form.version.data = str(saved.version)
    else:
        status = 422
    return render(
        "counseling/form.html",
        form=form,
        couple=couple,
        session=session,
        conflict=conflict,
        status=status,
    )


@bp.get("/counselor/couples/<int:couple_id>/sessions/<int:session_id>")
@counselor_required
def show(couple_id: int, session_id: int):
    """Preview either copy of the summary as a page, pin moments, release it."""
    session = session_for(current_user, couple_id, session_id)
    copy = request.args.get("copy", COUPLE_COPY)
    if copy not in COPIES:
        abort(404)
    pinned = {(p.source, p.source_id, p.field) for p in session.pins}
    summary = build(session, copy)
    response = render(
        "counseling/show.html",
        couple=session.couple,
        session=session,
        s=summary,
        copy=copy,
        candidates=pin_candidates(session, summary.hw),
        pinned=pinned,
        button=ButtonForm(),
    )
    audit.record_now(
        "viewed", couple_id=couple_id, subject=f"Session {session.number} summary ({copy} copy)"
    )
    return response


@bp.post("/counselor/couples/<int:couple_id>/sessions/<int:session_id>/pins")
@counselor_required
def pins(couple_id: int, session_id: int):
    """Choose which shared words to quote in the summary."""
    session = session_for(current_user, couple_id, session_id)
    allowed = {(src, sid, fld) for src, sid, fld, _ in pin_candidates(session)}
    chosen = set()
    for value in request.form.getlist("pin"):
        src, _, rest = value.partition(":")
        sid, _, fld = rest.partition(":")
        # isdecimal, not isdigit: int() refuses digits such as "²".
        if sid.isdecimal() and (src, int(sid), fld) in allowed:
            chosen.add((src, int(sid), fld))
    # Pins chosen again stay the same rows: a new row beside the old one, before the old
    # one is deleted, would break the unique constraint (saving twice was a server error).
    kept = {(p.source, p.source_id, p.field): p for p in session.pins}
    session.pins = [
        kept.get((s, i, f)) or PinnedMoment(source=s, source_id=i, field=f)
        for s, i, f in sorted(chosen)
    ]
    db.session.commit()
    flash(
        f"{len(chosen)} moment{'s' if len(chosen) != 1 else ''} pinned to the summary.", "success"
    )
    return redirect(url_for("counseling.show", couple_id=couple_id, session_id=session_id))


@bp.post("/counselor/couples/<int:couple_id>/sessions/<int:session_id>/release")
@counselor_required
def release(couple_id: int, session_id: int):
    """Let the couple download their copy (or take it back)."""
    session = session_for(current_user, couple_id, session_id)
    if request.form.get("undo"):
        session.released_at = None
        message = "The couple's copy is no longer available to them."
    else:
        session.released_at = session.released_at or utcnow()
        message = "Released. Both partners can now download their copy."
    db.session.commit()
    if not request.form.get("undo"):
        # Drawn now, on the queue, so the partners' first download is a stored one.
        try:
            tasks.draw_summary(session_id)
        except Exception:  # the queue is down: the first download draws it instead
            current_app.logger.exception("Could not queue drawing summary %s", session_id)
    flash(message, "success")
    return redirect(url_for("counseling.show", couple_id=couple_id, session_id=session_id))


@bp.get("/counselor/couples/<int:couple_id>/sessions/<int:session_id>/summary-<copy>.pdf")
@counselor_required
def download(couple_id: int, session_id: int, copy: str):
    """Either copy of the summary, as a PDF."""
    if copy not in COPIES:
        abort(404)
    session = stored_summary_session(current_user, couple_id, session_id)
    # The counselor's copy in the counselor's language; the couple's copy as the couple
    # first gets it, in English (a partner's page offers it in either partner's).
    lang = i18n.of(current_user) if copy != COUPLE_COPY else i18n.DEFAULT
    return _pdf_response(session, copy, current_user.paper_size, lang)


@bp.route("/counselor/settings", methods=["GET", "POST"])
@counselor_required
def settings():
    """The counselor's own settings: paper size for PDF summaries."""
    form = PaperForm(paper_size=current_user.paper_size)
    if form.validate_on_submit():
        current_user.paper_size = form.paper_size.data
        db.session.commit()
        flash("Saved. New summaries use this paper size.", "success")
        return redirect(url_for("counseling.settings"))
    return render("counseling/settings.html", form=form, status=422 if form.errors else 200)


# --- Partners ----------------------------------------------------------------------------


@bp.get("/summaries")
@partner_required
def partner_index():
    """The summaries the counselor released, newest first."""
    me = own_partner_place(current_user)
    sessions = db.session.scalars(
        select(CounselingSession)
        .where(
            CounselingSession.couple_id == me.couple_id,
            CounselingSession.released_at.is_not(None),
        )
        .order_by(CounselingSession.number.desc())
    ).all()
    return render("counseling/partner_index.html", me=me, sessions=sessions, copies=_copies_for(me))


@bp.get("/summaries/<int:session_id>")
@partner_required
def partner_summary(session_id: int):
    """The couple's copy of a released summary as a page to read on a phone: the same
    view model and body as the PDF (``Audience`` of the couple's copy), so it shows
    exactly what the PDF shows and nothing more. Reading it counts as opening it."""
    me = own_partner_place(current_user)
    session = released_session_for(me, session_id)
    summary = build(session, COUPLE_COPY)
    # Marked first, so the "new" dot on Summaries is already gone on this page.
    whats_new.mark_opened(me, session)
    response = render(
        "counseling/partner_summary.html",
        couple=session.couple,
        session=session,
        s=summary,
        copies=_copies_for(me),
    )
    audit.record(
        "viewed",
        couple_id=session.couple_id,
        subject=f"Session {session.number} summary (couple copy)",
    )
    db.session.commit()
    return response


@bp.get("/summaries/<int:session_id>.pdf")
@partner_required
def partner_download(session_id: int):
    """The couple's copy of a released summary, in the reading partner's language or,
    with ``?lang=``, in the other partner's; any other language is not offered here."""
    session, partner_id, paper, theirs = released_summary_for(current_user, session_id)
    offered = i18n.of_couple(i18n.of(current_user), theirs)
    lang = request.args.get("lang", offered[0])
    if lang not in offered:
        abort(404)
    whats_new.opened(partner_id, session.id)
    return _pdf_response(session, COUPLE_COPY, paper, lang)


@dataclass
class PdfCopy:
    """One language the couple's PDF is offered in on a partner's page."""

    lang: str
    label: str  # "Save a PDF copy", "Download in English"
    own: bool  # in the reading partner's own language (no ?lang= needed)
    of_session: str  # "of session %(num)d", for screen readers, in the link's language


# Each language's name, as a link to a copy in it says it (in that language).
LANGUAGE_NAMES = {"en": _l("English"), "es": _l("Spanish")}


def _copies_for(me) -> list[PdfCopy]:
    """The partner's own language first, then the other partner's when it differs; the
    other's link is written in that language, so the partner who reads it knows it."""
    other = me.other.user if me.other is not None else None
    languages = i18n.of_couple(i18n.of(current_user), getattr(other, "locale", None))
    # Formatted by the page with each session's number (gettext formats only with values).
    copies = [PdfCopy(languages[0], _("Save a PDF copy"), True, _("of session %(num)d"))]
    for lang in languages[1:]:
        with force_locale(lang):
            label = _("Download in %(language)s", language=str(LANGUAGE_NAMES[lang]))
            copies.append(PdfCopy(lang, label, False, _("of session %(num)d")))
    return copies


def _pdf_response(session: CounselingSession, copy: str, paper: str, lang: str = "en"):
    """The PDF as a download; its audit row is committed with whatever else this request
    wrote (a partner's "opened")."""
    data, _cached = pdf.summary_pdf(session, copy, paper, lang)
    name = filename_for(session, session.couple, copy, lang)
    audit.record_now(
        "pdf_downloaded",
        couple_id=session.couple_id,
        subject=f"Session {session.number} summary, {copy} copy",
    )
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
