"""What "for my counselor only" means: the counselor sets it, partners read and confirm it.

The counselor writes their usual policy in their settings, and may agree another one with a
couple. Partners read and confirm it as they join (a box on the join form) and whenever it
changes (a page they confirm once before going on), and see its one line beside every "for
my counselor only" choice.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from domain import confidentiality
from domain.access import couple_for, own_partner_place
from domain.confidentiality import APPROACH_NAMES, PolicyChoice
from extensions import db
from forms.base import ButtonForm
from forms.confidentiality import ConfirmPolicyForm, PolicyForm
from models import ConfidentialityPolicy, Partner
from web.guards import counselor_required, partner_required
from web.redirects import safe_next
from web.rendering import render, wants_fragment

bp = Blueprint("confidentiality", __name__)

# The partner pages that wait until a changed policy has been read (GETs only: a form on
# its way is never interrupted, so nothing typed is lost).
# The partner's week and every kind's own pages ask (``kinds.registry``).
ASKING_BLUEPRINTS = {"partner"}
ASKING_ENDPOINTS = {"counseling.partner_index"}


def _choice(form: PolicyForm) -> PolicyChoice:
    return PolicyChoice(
        approach=form.approach.data,
        line=form.line.data or "",
        wording=form.wording.data or "",
        exceptions=form.exceptions.data or "",
        safety=form.safety.data or "",
    )


OWN_WORDS_NEEDED = {
    "line": "This is Hearth's line for another choice; please write your own.",
    "wording": "This is Hearth's text for another choice; please write your own.",
}


def _own_words_checked(form: PolicyForm) -> bool:
    """For "in my own words", Hearth's texts left in the boxes are sent back to the field."""
    kept = confidentiality.hearth_texts_kept(current_user, _choice(form))
    for key in kept:
        getattr(form, key).errors.append(OWN_WORDS_NEEDED[key])
    return not kept


def _fill(form: PolicyForm, policy: ConfidentialityPolicy) -> None:
    for key in ("approach", "line", "wording", "exceptions", "safety"):
        getattr(form, key).data = getattr(policy, key)


# --- Counselor ---------------------------------------------------------------------------


@bp.route("/counselor/settings/confidentiality", methods=["GET", "POST"])
@counselor_required
def counselor_settings():
    """The counselor's usual policy: what partners read about "for my counselor only"."""
    current = confidentiality.counselor_policy(current_user)
    form = PolicyForm()
    if request.method == "GET":
        _fill(form, current)
    if form.validate_on_submit() and _own_words_checked(form):
        saved = confidentiality.save(current_user, _choice(form))
        db.session.commit()
        if saved is None:
            flash("Nothing changed, so partners aren't asked to read it again.", "info")
        else:
            flash(
                f"Saved as version {saved.version}. Partners read it on their next visit.",
                "success",
            )
        return redirect(url_for("confidentiality.counselor_settings"))
    return render(
        "confidentiality/settings.html",
        form=form,
        current=current,
        couple=None,
        own=None,
        versions=confidentiality.versions(current_user),
        needs_numbers=confidentiality.needs_numbers(current),
        label=confidentiality.label,
        status=422 if form.errors else 200,
    )


@bp.route("/counselor/couples/<int:couple_id>/confidentiality", methods=["GET", "POST"])
@counselor_required
def couple_settings(couple_id: int):
    """A policy agreed with one couple, different from the counselor's usual one."""
    couple = couple_for(current_user, couple_id)
    own = confidentiality.couple_policy(couple)
    current = own or confidentiality.counselor_policy(current_user)
    form = PolicyForm()
    if request.method == "GET":
        _fill(form, current)
    elif request.form.get("use_mine"):
        if confidentiality.end_couple_policy(couple):
            db.session.commit()
            flash(
                "This couple is back on your usual policy. They read it on their next visit.",
                "success",
            )
        return redirect(url_for("confidentiality.couple_settings", couple_id=couple.id))
    if request.method == "POST" and form.validate_on_submit() and _own_words_checked(form):
        saved = confidentiality.save(current_user, _choice(form), couple=couple)
        db.session.commit()
        if saved is None:
            flash("Nothing changed, so the partners aren't asked to read it again.", "info")
        else:
            flash(
                f"Saved as this couple's version {saved.version}. Both partners read it on "
                "their next visit.",
                "success",
            )
        return redirect(url_for("confidentiality.couple_settings", couple_id=couple.id))
    return render(
        "confidentiality/settings.html",
        form=form,
        current=current,
        couple=couple,
        own=own,
        button=ButtonForm(),
        versions=confidentiality.versions(current_user, couple),
        needs_numbers=confidentiality.needs_numbers(current),
        label=confidentiality.label,
        status=422 if form.errors else 200,
    )


@bp.get("/counselor/confidentiality/<int:policy_id>")
@counselor_required
def version(policy_id: int):
    """One version of a policy, as it read when answers were written under it."""
    policy = db.session.scalar(
        select(ConfidentialityPolicy).where(
            ConfidentialityPolicy.id == policy_id,
            ConfidentialityPolicy.counselor_id == current_user.id,
        )
    )
    if policy is None:
        abort(404)
    return render(
        "confidentiality/version.html",
        policy=policy,
        label=confidentiality.label(policy),
        approach=APPROACH_NAMES[policy.approach],
    )


# --- Partners ----------------------------------------------------------------------------


def policy_in_force() -> tuple[Partner, ConfidentialityPolicy, int | None] | None:
    """The signed-in partner's place, the policy in force for their couple and the one they
    confirmed last: one query, once per request (none for anyone else)."""
    if not current_user.is_authenticated or not current_user.is_partner:
        return None
    if "policy_in_force" not in g:
        me = confidentiality.place_of(current_user)
        g.policy_in_force = (me, *confidentiality.in_force_for(me)) if me is not None else None
    return g.policy_in_force


def partner_reading() -> confidentiality.Reading | None:
    """The policy the signed-in partner writes under, in their language, once per request
    (a template global: the line beside every "for my counselor only" choice comes from
    here)."""
    found = policy_in_force()
    if found is None:
        return None
    if "confidentiality" not in g:
        me, policy, _last = found
        g.confidentiality = confidentiality.reading(policy, me.couple.counselor)
    return g.confidentiality


def changed_policy_unread() -> bool:
    """Has the signed-in partner still to read the policy in force? (Asked before every
    page they open: the words themselves are put together only where a page shows them.)"""
    found = policy_in_force()
    return found is not None and confidentiality.confirmation_due(found[1], found[2])


@bp.before_app_request
def ask_to_read_a_changed_policy():
    """A partner whose counselor changed the policy reads it before their next page."""
    if request.method != "GET" or wants_fragment():
        return None
    from kinds import registry

    asking = ASKING_BLUEPRINTS | set(registry.keys())
    if request.blueprint not in asking and request.endpoint not in ASKING_ENDPOINTS:
        return None
    if changed_policy_unread():
        return redirect(url_for("confidentiality.confirm", next=request.full_path.rstrip("?")))
    return None


@bp.get("/confidentiality")
@partner_required
def partner_policy():
    """The whole policy, for a partner: what "for my counselor only" means here."""
    own_partner_place(current_user)
    return render("confidentiality/partner.html", reading=partner_reading())


@bp.route("/confidentiality/confirm", methods=["GET", "POST"])
@partner_required
def confirm():
    """Read the policy now in force and say so: where a changed policy sends a partner
    before their next page (and open to them at any time)."""
    me = own_partner_place(current_user)
    found = partner_reading()
    target = safe_next(request.args.get("next")) or url_for("partner.home")
    form = ConfirmPolicyForm(counselor_name=found.name)
    if form.validate_on_submit():
        confidentiality.confirm(me, found.policy)
        db.session.commit()
        return redirect(target)
    return render(
        "confidentiality/confirm.html",
        form=form,
        reading=found,
        me=me,
        changed=policy_in_force()[2] is not None,
        status=422 if form.errors else 200,
    )


bp.add_app_template_global(partner_reading, "partner_confidentiality")
bp.add_app_template_global(confidentiality.label, "policy_label")
# A policy's texts as the reader reads them (Hearth's ready-made words in their language).
bp.add_app_template_global(confidentiality.localized, "policy_as_read")
