"""E-mail: the Messages section of the account page, one-click unsubscribe, and sending
an invitation link by e-mail from the couple's page."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from domain.access import partner_place_for
from domain.mail import invites, prefs, tokens
from domain.mail.kinds import kind_named, kinds_for
from extensions import csrf, db
from forms.base import Form, email_field, strip, timezone_choices
from models import CoupleStatus, MailChoice, MailSuppression, User
from models.mail import PRACTICE_NAME_MAX
from web import i18n
from web.guards import counselor_required
from web.rendering import keeps_input, render

bp = Blueprint("mail", __name__)

PREFIX = "messages"


class PreferencesForm(Form):
    send_at = TimeField(
        _l("The time of day for messages"),
        validators=[InputRequired(_l("Please choose a time, e.g. 09:00."))],
        description=_l("Reminders come at this time on their day."),
    )
    quiet_from = TimeField(
        _l("Quiet from"), validators=[InputRequired(_l("Please choose when quiet hours start."))]
    )
    quiet_until = TimeField(
        _l("Quiet until"), validators=[InputRequired(_l("Please choose when quiet hours end."))]
    )
    timezone = SelectField(
        _l("Your time zone"), validators=[DataRequired(_l("Please pick a time zone."))]
    )
    practice_name = StringField(
        _l("Your practice's name"),
        filters=[strip],
        validators=[
            Optional(),
            Length(
                max=PRACTICE_NAME_MAX,
                message=_l("At most %(num)d characters.", num=PRACTICE_NAME_MAX),
            ),
        ],
        description=_l("Your couples' messages come from this name (Hearth if empty)."),
    )


def preferences_form(user: User, formdata=None) -> PreferencesForm:
    """The Messages form for ``user``: their kinds, times, and (counselors) time zone
    and practice name. Without ``formdata`` it holds what is saved."""

    class Form_(PreferencesForm):
        pass

    for kind in kinds_for(user):
        setattr(Form_, f"kind_{kind.name}", BooleanField(kind.label, description=kind.hint))
    settings = prefs.settings_for(user)
    choices = prefs.choices_of(user)
    data = {
        "send_at": settings.send_at,
        "quiet_from": settings.quiet_from,
        "quiet_until": settings.quiet_until,
        "timezone": prefs.timezone_of(user, settings),
        "practice_name": settings.practice_name,
        **{f"kind_{k.name}": choices.get(k.name, k.default_on) for k in kinds_for(user)},
    }
    if formdata is None:
        form = Form_(formdata=None, prefix=PREFIX, data=data)
    else:
        form = Form_(formdata=formdata, prefix=PREFIX)
    form.timezone.choices = timezone_choices()
    if user.is_partner:
        del form.timezone  # a partner's clock is their couple's
        del form.practice_name
    return form


def kind_fields(form: PreferencesForm) -> list:
    return [field for field in form if field.name.startswith(f"{PREFIX}-kind_")]


def received_by(partner) -> list[str]:
    """The kinds of message a partner gets, in words (for their counselor to see)."""
    if partner.user is None:
        return []
    # One query for the whole couple page: both partners' choices at once.
    cache = g.setdefault("mail_choices", {})
    if partner.user_id not in cache:
        ids = [p.user_id for p in partner.couple.partners if p.user_id]
        for user_id in ids:
            cache[user_id] = {}
        for row in db.session.scalars(select(MailChoice).where(MailChoice.user_id.in_(ids))):
            cache[row.user_id][row.kind] = row.wanted
    choices = cache[partner.user_id]
    return [k.label for k in kinds_for(partner.user) if choices.get(k.name, k.default_on)]


@bp.post("/account/messages")
@keeps_input
@login_required
def preferences():
    """Save which messages to receive, at what time, and the quiet hours."""
    from blueprints.account import _page

    user = current_user._get_current_object()
    form = preferences_form(user, formdata=request.form)
    if not form.validate_on_submit():
        return _page(422, messages_form=form)
    settings = prefs.editable_settings(user)
    settings.send_at = form.send_at.data.replace(second=0, microsecond=0)
    settings.quiet_from = form.quiet_from.data.replace(second=0, microsecond=0)
    settings.quiet_until = form.quiet_until.data.replace(second=0, microsecond=0)
    if user.is_counselor:
        settings.timezone = form.timezone.data
        settings.practice_name = form.practice_name.data or ""
    for kind in kinds_for(user):
        prefs.choose(user, kind.name, bool(form[f"kind_{kind.name}"].data))
    db.session.commit()
    flash(gettext("Saved. We'll write to you as you chose."), "success")
    return redirect(url_for("account.index", _anchor="messages"))


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the mail client's one-click POST (RFC 8058) carries only the signed token
def unsubscribe(token: str):
    """Stop one kind of message, without signing in: GET asks, POST does it."""
    data = tokens.read_unsubscribe_token(token)
    kind = kind_named(data["k"]) if data else None
    if kind is not None and not kind.can_turn_off:
        kind = None  # messages that keep an account safe have no way to stop them
    user = db.session.get(User, data["u"]) if data and "u" in data else None
    if kind is None or (data and "u" in data and user is None):
        return render("mail/unsubscribe.html", kind=None, status=404)
    if request.method == "GET":
        return render("mail/unsubscribe.html", kind=kind, token=token, done=False)
    if user is not None:
        prefs.choose(user, kind.name, False)
    elif not prefs.suppressed(data["a"], kind.name):
        db.session.add(MailSuppression(address_digest=data["a"], kind=kind.name))
    db.session.commit()
    return render(
        "mail/unsubscribe.html", kind=kind, token=token, done=True, has_account=user is not None
    )


class SendLinkForm(Form):
    address = email_field(
        "Their e-mail", "Please type the partner's e-mail address.", autocomplete="off"
    )
    # Shown only when Hearth speaks more than one language here: the partner has no
    # account yet, so the counselor chooses the language their invitation is written in.
    language = SelectField(
        "Language of the e-mail",
        validators=[Optional()],
        validate_choice=False,
        description="The page the link opens follows their phone's language.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(c, i18n.LANGUAGES[c]) for c in i18n.offered()]
        if not self.language.data:
            self.language.data = i18n.of(current_user)

    def validate_language(self, field) -> None:
        if field.data and field.data not in i18n.offered():
            raise ValidationError("Please choose a language from the list.")


def send_link_form(partner, form: SendLinkForm | None = None) -> SendLinkForm:
    """The "send it by e-mail" form of a partner place (with errors after a bad try)."""
    failed = g.get("send_link_failed")
    if failed is not None and failed[0] == partner.place:
        return failed[1]
    form = form or SendLinkForm(formdata=None, prefix=f"send{partner.place}")
    if not form.address.data:
        earlier = invites.last_sent(partner)
        form.address.data = earlier.to_address if earlier else ""
        if earlier is not None and earlier.locale in i18n.offered():
            form.language.data = earlier.locale
    return form


@bp.post("/counselor/couples/<int:couple_id>/partners/<int:place>/send-link")
@keeps_input
@counselor_required
def send_invitation(couple_id: int, place: int):
    """E-mail a partner their invitation link (a new one, if none can be used now)."""
    from blueprints.counselor import couple as couple_page
    from domain import invitations

    partner = partner_place_for(current_user, couple_id, place)
    couple = partner.couple
    if partner.joined or partner.left or couple.status == CoupleStatus.ARCHIVED:
        flash("There's no invitation to send for this place.", "error")
        return redirect(url_for("counselor.couple", couple_id=couple.id))
    form = SendLinkForm(prefix=f"send{place}")
    if not form.validate_on_submit():
        g.send_link_failed = (place, form)
        response = couple_page(couple_id)
        response.status_code = 422
        return response
    invitation = invitations.current_for(partner) or invitations.issue(
        partner, by=current_user, resend=False
    )
    invites.send(invitation, form.address.data, form.language.data or None)
    db.session.commit()
    flash(f"We're sending {partner.name}'s link to {form.address.data}.", "success")
    return redirect(url_for("counselor.couple", couple_id=couple.id, _anchor=f"place-{place}"))


def register_globals(app) -> None:
    app.add_template_global(preferences_form, "mail_preferences_form")
    app.add_template_global(kind_fields, "mail_kind_fields")
    app.add_template_global(received_by, "mail_received_by")
    app.add_template_global(send_link_form, "mail_send_link_form")
    app.add_template_global(invites.last_sent, "mail_last_invitation")
