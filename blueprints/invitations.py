"""Invitation links: a partner joins their couple, or chooses a new password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from domain import audit, confidentiality, invitations
from domain.passwords import hash_password
from extensions import db
from forms.accounts import JoinForm, LinkPasswordForm
from models import CoupleStatus, InvitationPurpose, Role, User, utcnow
from web import i18n
from web.rendering import keeps_input, render
from web.signin import ask_for_code, end_everywhere, start_session

bp = Blueprint("invitations", __name__)


# Why a link cannot be used, and what to do about it, in words for the partner holding it.
UNUSABLE = {
    "unknown": (
        _l("We don't recognise this link"),
        _l(
            "It may not have been copied whole. Please ask your counselor to show or send you "
            "the link again."
        ),
    ),
    "used": (
        _l("This link has already been used"),
        _l(
            "If you set up your account with it, you can simply sign in. If not, please ask "
            "your counselor for a new link."
        ),
    ),
    "replaced": (
        _l("There's a newer link for you"),
        _l(
            "Your counselor made a new link, so this one no longer works. Please use the "
            "newest one, or ask them for it."
        ),
    ),
    "expired": (
        _l("This link has expired"),
        _l(
            "Links work for {days} days, to keep your account safe. Please ask your counselor "
            "for a new one; it only takes them a moment."
        ),
    ),
    "closed": (
        _l("This link is no longer active"),
        _l("Please ask your counselor if you'd like to pick things up again."),
    ),
}


def _unusable(problem: str):
    title, detail = UNUSABLE.get(problem, UNUSABLE["unknown"])
    detail = detail.format(days=current_app.config["INVITATION_DAYS"])
    status = 404 if problem == "unknown" else 410
    return render("invitations/unusable.html", title=str(title), detail=detail, status=status)


@bp.route("/join/<token>", methods=["GET", "POST"])
@keeps_input(public=True)
def accept(token: str):
    """Open an invitation: join the couple, or set a new password for a joined place."""
    found = invitations.look_up(token)
    if not found.usable:
        return _unusable(found.problem or "unknown")
    invitation = found.invitation
    partner = invitation.partner
    if partner.couple.status == CoupleStatus.ARCHIVED:
        return _unusable("closed")

    if current_user.is_authenticated and current_user.id != partner.user_id:
        # Someone else is signed in on this device (often the counselor testing a link).
        return render("invitations/signed_in_elsewhere.html", token=token, status=409)
    if invitation.purpose == InvitationPurpose.JOIN:
        return _join(token, invitation, partner)
    return _choose_password(token, invitation, partner)


POLICY_CHANGED = _l("{name} has just updated this. Please read it again, then tick the box.")


def _join(token, invitation, partner):
    """Join: name, e-mail, password, and the counselor's confidentiality policy read and
    confirmed (recorded as this partner's confirmation of the policy in force)."""
    policy = confidentiality.current_for(partner.couple)
    name = confidentiality.first_name(partner.couple.counselor)
    form = JoinForm(counselor_name=name)
    seen = confidentiality.words_digest(policy)
    changed = bool(form.is_submitted() and form.policy_seen.data not in ("", None, seen))
    if changed:
        # The page showed other words than the policy in force now: read it again.
        form.read_policy.data = False
    if not form.is_submitted():
        # What the counselor typed: the name they call them, and where the link went.
        from domain.mail import invites

        form.display_name.data = form.display_name.data or partner.label
        sent = invites.last_sent(partner)
        form.email.data = form.email.data or (sent.to_address if sent else None)
    if form.validate_on_submit():
        if not invitations.claim(invitation):
            db.session.rollback()
            return _unusable("used")
        user = User(
            email=form.email.data,
            display_name=form.display_name.data,
            password_hash=hash_password(form.password.data),
            role=Role.PARTNER,
            last_login_at=utcnow(),
            locale=i18n.from_browser(),
        )
        db.session.add(user)
        partner.user = user
        partner.joined_at = utcnow()
        confidentiality.confirm(partner, policy)
        try:
            db.session.commit()
        except IntegrityError:
            # The same e-mail was registered a moment ago, e.g. in another tab.
            db.session.rollback()
            form.email.errors = list(form.email.errors) + [
                gettext("This e-mail already has a Hearth account. Please use another address.")
            ]
        else:
            start_session(user, remember=bool(form.remember.data))
            flash(gettext("Welcome, %(name)s. You're all set.", name=user.display_name), "success")
            return redirect(url_for("partner.home"))
    if changed:
        form.read_policy.errors = [POLICY_CHANGED.format(name=name)]
    form.policy_seen.data = seen
    status = 422 if form.errors else 200
    return render(
        "invitations/join.html",
        form=form,
        token=token,
        partner=partner,
        # Hearth's ready-made words in the reader's language; the counselor's as written.
        policy=confidentiality.reading(policy, partner.couple.counselor),
        status=status,
    )


def _choose_password(token, invitation, partner):
    form = LinkPasswordForm()
    if form.validate_on_submit():
        if not invitations.claim(invitation):
            db.session.rollback()
            return _unusable("used")
        user = partner.user
        user.password_hash = hash_password(form.password.data)
        user.last_login_at = utcnow()
        end_everywhere(user)  # a new password signs out every device that had the old one
        audit.record(
            "password_changed",
            actor=user,
            couple_id=partner.couple_id,
            detail={"with": "sign-in link"},
        )
        db.session.commit()
        if user.two_step_on:
            # A link replaces the password, never the second step: as at sign-in, the
            # code from the app (or a recovery code) opens the session.
            flash(
                gettext("Your new password is saved. One more step: the code from your app."),
                "info",
            )
            return ask_for_code(user, url_for("partner.home"), remember=bool(form.remember.data))
        start_session(user, remember=bool(form.remember.data))
        flash(gettext("Your new password is saved. Welcome back."), "success")
        return redirect(url_for("partner.home"))
    status = 422 if form.errors else 200
    return render(
        "invitations/choose_password.html", form=form, token=token, partner=partner, status=status
    )
