"""What "for my counselor only" means: the counselor's confidentiality policy.

Couples counselors agree at intake how they hold what one partner tells them alone. Hearth
shows that agreement wherever a partner makes the choice, so nobody is surprised later:

- Each counselor has a usual policy; a couple may have its own, agreed with the counselor.
  Until the counselor chooses, Hearth's default texts apply (``DEFAULTS``).
- Every save is a new version (``ConfidentialityPolicy`` rows are never edited), and every
  answer with a visibility records the version in force when it was written (``stamp``).
- A partner confirms the policy in force as they join (Hearth's default too, saved so its
  exact words are kept), then each new version once (``confirmation_due``).

No HTTP here: views call these functions and render what they return.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext
from sqlalchemy import bindparam, func, inspect, literal, or_, select
from sqlalchemy.orm import joinedload

from extensions import db
from models import ConfidentialityPolicy, Couple, Partner, PolicyConfirmation, User, utcnow


class Approach:
    NO_SECRETS = "no_secrets"
    LIMITED_SECRETS = "limited_secrets"
    OWN = "own"


APPROACH_NAMES = {
    Approach.NO_SECRETS: "No secrets",
    Approach.LIMITED_SECRETS: "Limited secrets",
    Approach.OWN: "In my own words",
}


def N_(text: str) -> str:
    """Marks Hearth's words for the catalogue (``make translations``) without translating
    them here: a saved policy keeps them in English, and ``reading`` translates them for a
    partner who reads another language (see ``localized``)."""
    return text


@dataclass(frozen=True)
class DefaultTexts:
    """Hearth's words for one approach; ``%(name)s`` is the counselor's first name."""

    line: str
    wording: str


# Hearth's starting points. The counselor can change every word of them.
DEFAULTS = {
    Approach.NO_SECRETS: DefaultTexts(
        line=N_("%(name)s may bring this into a joint session, or ask you to."),
        wording=N_(
            "%(name)s works with the two of you together. What you write for %(name)s only is "
            "not shown to your partner here, but it is not a secret from your work as a "
            "couple: %(name)s may bring it into a joint session, or ask you to share it "
            "yourself, when that helps you both. %(name)s will talk with you first about how."
        ),
    ),
    Approach.LIMITED_SECRETS: DefaultTexts(
        line=N_(
            "%(name)s keeps this between you two, except if someone may be hurt or the law "
            "requires it."
        ),
        wording=N_(
            "What you write for %(name)s only stays between you and %(name)s. %(name)s will not "
            "bring it into a joint session or tell your partner, except in the situations "
            "below. If something you shared gets in the way of your work together, %(name)s "
            "will talk it through with you alone first."
        ),
    ),
}

DEFAULT_EXCEPTIONS = N_(
    "%(name)s will pass on what you write, only to the people who need to know, if someone "
    "may be seriously hurt (you, your partner or anyone else), if a child or a vulnerable "
    "adult is being harmed, or if the law requires it."
)

# Names no country's numbers: the counselor is asked to add their own (see ``needs_numbers``).
DEFAULT_SAFETY = N_(
    "Not safe at home? Call your local emergency number, or a support service near you. "
    "You don't have to write it here first."
)


def first_name(counselor: User) -> str:
    """What partners call their counselor in the policy: "Dana" for "Dana Rivera"."""
    parts = (counselor.display_name or "").split()
    return parts[0] if parts else "Your counselor"


def default_texts(counselor: User, approach: str) -> dict[str, str]:
    """Hearth's texts for ``approach`` in this counselor's name (empty for "own")."""
    name = first_name(counselor)
    texts = DEFAULTS.get(approach)
    return {
        "line": texts.line % {"name": name} if texts else "",
        "wording": texts.wording % {"name": name} if texts else "",
        "exceptions": DEFAULT_EXCEPTIONS % {"name": name},
        "safety": DEFAULT_SAFETY,
    }


def hearth_default(counselor: User) -> ConfidentialityPolicy:
    """Hearth's default policy for a counselor who has not chosen one yet (not saved)."""
    return ConfidentialityPolicy(
        counselor_id=counselor.id,
        counselor=counselor,
        couple_id=None,
        version=1,
        approach=Approach.NO_SECRETS,
        chosen=False,
        **default_texts(counselor, Approach.NO_SECRETS),
    )


def _latest(counselor: User, couple: Couple | None) -> ConfidentialityPolicy | None:
    query = select(ConfidentialityPolicy).where(ConfidentialityPolicy.counselor_id == counselor.id)
    if couple is None:
        query = query.where(ConfidentialityPolicy.couple_id.is_(None))
    else:
        query = query.where(
            ConfidentialityPolicy.couple_id == couple.id, ConfidentialityPolicy.ended_at.is_(None)
        )
    return db.session.scalar(query.order_by(ConfidentialityPolicy.version.desc()).limit(1))


def counselor_policy(counselor: User) -> ConfidentialityPolicy:
    """The counselor's usual policy: their latest version, or Hearth's default."""
    return _latest(counselor, None) or hearth_default(counselor)


def couple_policy(couple: Couple) -> ConfidentialityPolicy | None:
    """The policy the counselor agreed with this couple, if they have one now."""
    return _latest(couple.counselor, couple)


# The partner's check runs before every page they open, so its statements are built once
# (with their cache keys) and given the ids each time.


@cache
def _in_force():
    """The query for the policy in force for a couple (``couple_id``, ``counselor_id``):
    their own, else the counselor's usual one (the newest version of either)."""
    return (
        select(ConfidentialityPolicy)
        .where(
            ConfidentialityPolicy.counselor_id == bindparam("counselor_id"),
            or_(
                ConfidentialityPolicy.couple_id.is_(None),
                (ConfidentialityPolicy.couple_id == bindparam("couple_id"))
                & ConfidentialityPolicy.ended_at.is_(None),
            ),
        )
        # The couple's own rows first, then the newest version.
        .order_by(ConfidentialityPolicy.couple_id.is_(None), ConfidentialityPolicy.version.desc())
        .limit(1)
    )


@cache
def _last_confirmed():
    """The query for the policy partner ``partner_id`` confirmed most recently."""
    return (
        select(PolicyConfirmation.policy_id)
        .where(PolicyConfirmation.partner_id == bindparam("partner_id"))
        .order_by(PolicyConfirmation.confirmed_at.desc(), PolicyConfirmation.id.desc())
        .limit(1)
    )


@cache
def _in_force_and_last_confirmed():
    """Both of the above in one row: the policy (none for Hearth's default) and the id."""
    one_row = select(literal(1).label("one")).subquery()
    in_force_id = _in_force().with_only_columns(ConfidentialityPolicy.id).scalar_subquery()
    return (
        select(ConfidentialityPolicy, _last_confirmed().scalar_subquery())
        .select_from(one_row)
        .outerjoin(ConfidentialityPolicy, ConfidentialityPolicy.id == in_force_id)
    )


def _ids(couple: Couple) -> dict[str, int]:
    return {"couple_id": couple.id, "counselor_id": couple.counselor_id}


def current_for(couple: Couple) -> ConfidentialityPolicy:
    """The policy in force for a couple, in one query: their own, else the counselor's
    usual one, else Hearth's default (an unsaved row until something is written under it)."""
    return db.session.scalar(_in_force(), _ids(couple)) or hearth_default(couple.counselor)


def in_force_for(partner: Partner) -> tuple[ConfidentialityPolicy, int | None]:
    """The policy in force for the partner's couple (as ``current_for``) and the one this
    partner confirmed last (as ``last_confirmed_id``), together in one query: what every
    partner page asks before anything else (``confirmation_due``)."""
    couple = partner.couple
    policy, last = db.session.execute(
        _in_force_and_last_confirmed(), {**_ids(couple), "partner_id": partner.id}
    ).one()
    return policy or hearth_default(couple.counselor), last


def stamp(answer, couple: Couple) -> None:
    """Record on ``answer`` the policy in force as it is written.

    Hearth's default is saved the first time something is written under it, so the record
    keeps those exact words even if Hearth's defaults change later.
    """
    # No flush here: the answer may be half-changed, and its version check belongs to
    # the caller's commit.
    with db.session.no_autoflush:
        policy = current_for(couple)
    if policy.id is None:
        policy.created_at = utcnow()
        db.session.add(policy)
    answer.policy = policy


@dataclass
class PolicyChoice:
    """What the counselor sent from the policy form."""

    approach: str
    line: str
    wording: str
    exceptions: str
    safety: str


def resolve(counselor: User, choice: PolicyChoice) -> PolicyChoice:
    """Fill what was left empty, or left as Hearth's text of another approach, with
    Hearth's text for the chosen one (without JavaScript the boxes cannot follow the
    radio buttons, so the counselor's words are kept only where they wrote their own)."""
    mine = default_texts(counselor, choice.approach)
    hearth = {
        key: {default_texts(counselor, a)[key] for a in DEFAULTS} for key in ("line", "wording")
    }
    values = {}
    for key in ("line", "wording"):
        text = getattr(choice, key).strip()
        if choice.approach != Approach.OWN and (not text or text in hearth[key]):
            text = mine[key]
        values[key] = text
    for key in ("exceptions", "safety"):
        values[key] = getattr(choice, key).strip() or mine[key]
    return PolicyChoice(approach=choice.approach, **values)


def hearth_texts_kept(counselor: User, choice: PolicyChoice) -> list[str]:
    """For "in my own words": the boxes still holding Hearth's text of another approach
    (which would tell partners something the counselor did not choose)."""
    if choice.approach != Approach.OWN:
        return []
    kept = []
    for key in ("line", "wording"):
        hearth = {default_texts(counselor, a)[key] for a in DEFAULTS}
        if getattr(choice, key).strip() in hearth:
            kept.append(key)
    return kept


def _same(policy: ConfidentialityPolicy | None, choice: PolicyChoice) -> bool:
    if policy is None or policy.id is None or not policy.chosen:
        return False
    return all(
        getattr(policy, key) == getattr(choice, key)
        for key in ("approach", "line", "wording", "exceptions", "safety")
    )


def _next_version(counselor: User, couple: Couple | None) -> int:
    query = select(func.max(ConfidentialityPolicy.version)).where(
        ConfidentialityPolicy.counselor_id == counselor.id
    )
    if couple is None:
        query = query.where(ConfidentialityPolicy.couple_id.is_(None))
    else:
        query = query.where(ConfidentialityPolicy.couple_id == couple.id)
    return (db.session.scalar(query) or 0) + 1


def save(counselor: User, choice: PolicyChoice, couple: Couple | None = None):
    """A new version of the counselor's usual policy (or of ``couple``'s own), or None
    when nothing changed (partners are then not asked to read it again)."""
    choice = resolve(counselor, choice)
    current = _latest(counselor, couple) if couple else _latest(counselor, None)
    if _same(current, choice):
        return None
    policy = ConfidentialityPolicy(
        counselor_id=counselor.id,
        couple_id=couple.id if couple else None,
        version=_next_version(counselor, couple),
        chosen=True,
        approach=choice.approach,
        line=choice.line,
        wording=choice.wording,
        exceptions=choice.exceptions,
        safety=choice.safety,
    )
    db.session.add(policy)
    return policy


def end_couple_policy(couple: Couple) -> bool:
    """The couple goes back to the counselor's usual policy. False if they had none."""
    own = couple_policy(couple)
    if own is None:
        return False
    own.ended_at = utcnow()
    return True


def choice_from(policy: ConfidentialityPolicy) -> PolicyChoice:
    return PolicyChoice(
        approach=policy.approach,
        line=policy.line,
        wording=policy.wording,
        exceptions=policy.exceptions,
        safety=policy.safety,
    )


def needs_numbers(policy: ConfidentialityPolicy) -> bool:
    """Is the safety line still Hearth's, which names no local numbers?"""
    return policy.safety == DEFAULT_SAFETY


# --- Partners ---------------------------------------------------------------------------


def place_of(user: User) -> Partner | None:
    """A partner's place with its couple and counselor, in one query (none when they came
    with the signed-in user, ``domain.access.signed_in_loads``)."""
    place = user.partner_place if "partner_place" not in inspect(user).unloaded else None
    if (
        place is not None
        and "couple" not in inspect(place).unloaded
        and place.couple is not None
        and "counselor" not in inspect(place.couple).unloaded
    ):
        return place
    return db.session.scalar(
        select(Partner)
        .where(Partner.user_id == user.id)
        .options(joinedload(Partner.couple).joinedload(Couple.counselor))
    )


def last_confirmed_id(partner: Partner) -> int | None:
    """The policy this partner confirmed most recently, if any."""
    return db.session.scalar(_last_confirmed(), {"partner_id": partner.id})


def confirmation_due(policy: ConfidentialityPolicy, last: int | None) -> bool:
    """Should a partner whose last confirmed policy is ``last`` read ``policy`` and confirm
    before going on?

    Yes whenever the policy in force is not the one they confirmed last: a new version, a
    policy agreed with their couple, or the couple going back to the counselor's usual one.
    Hearth's default needs no confirming by a partner who never confirmed anything (one
    who joined before joining included confirming it): the counselor has not chosen
    anything to tell them about. Partners who join now confirm the policy as they join.
    """
    if last is not None and last == policy.id:
        return False
    return policy.chosen or last is not None


def words_digest(policy: ConfidentialityPolicy) -> str:
    """A short fingerprint of what a policy says (not of its row: Hearth's default reads
    the same before and after it is saved), to tell whether a form showed these words."""
    words = "\x1f".join((policy.line, policy.wording, policy.exceptions, policy.safety))
    return hashlib.sha256(words.encode()).hexdigest()[:16]


def confirm(partner: Partner, policy: ConfidentialityPolicy) -> None:
    """The partner read this version (Hearth's default is saved so it can be named).
    Confirming the same version twice in a row (a double tap) records it once."""
    if policy.id is None:
        policy.created_at = utcnow()
        db.session.add(policy)
        db.session.flush()
    elif last_confirmed_id(partner) == policy.id:
        return
    db.session.add(PolicyConfirmation(partner_id=partner.id, policy_id=policy.id))


def versions(counselor: User, couple: Couple | None = None) -> list[ConfidentialityPolicy]:
    """Every version, newest first: the counselor's usual ones or one couple's own."""
    query = select(ConfidentialityPolicy).where(ConfidentialityPolicy.counselor_id == counselor.id)
    if couple is None:
        query = query.where(ConfidentialityPolicy.couple_id.is_(None))
    else:
        query = query.where(ConfidentialityPolicy.couple_id == couple.id)
    return list(db.session.scalars(query.order_by(ConfidentialityPolicy.version.desc())))


def label(policy: ConfidentialityPolicy) -> str:
    """ "No secrets, version 2" or "Hearth's default (no secrets)", for the counselor."""
    if not policy.chosen:
        return f"Hearth's default ({APPROACH_NAMES[policy.approach].lower()})"
    owner = "agreed with this couple, " if policy.couple_id else ""
    return f"{APPROACH_NAMES[policy.approach]}, {owner}version {policy.version}"


@dataclass(frozen=True)
class Reading:
    """A policy as partners read it: whose it is and what it says."""

    name: str
    line: str
    wording: str
    exceptions: str
    safety: str
    policy: ConfidentialityPolicy


def localized(policy: ConfidentialityPolicy, counselor: User) -> dict[str, str]:
    """A policy's four texts in the reader's language (Flask-Babel's locale).

    A text that is exactly Hearth's ready-made English for this counselor's name and the
    policy's approach is Hearth's own words (the counselor changed none of them): it is
    read in the reader's language. A text the counselor wrote or edited is theirs, shown as
    written. The stored row is never changed (confirmations and digests read the row)."""
    name = first_name(counselor)
    texts = DEFAULTS.get(policy.approach)
    hearth = {
        "line": texts.line if texts else None,
        "wording": texts.wording if texts else None,
        "exceptions": DEFAULT_EXCEPTIONS,
        "safety": DEFAULT_SAFETY,
    }
    shown = {}
    for key, msgid in hearth.items():
        stored = getattr(policy, key)
        if msgid is not None and stored == msgid % {"name": name}:
            stored = gettext(msgid, name=name)
        shown[key] = stored
    return shown


def reading(policy: ConfidentialityPolicy, counselor: User) -> Reading:
    return Reading(name=first_name(counselor), policy=policy, **localized(policy, counselor))
