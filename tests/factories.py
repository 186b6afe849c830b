"""Build people and couples for tests, through the same domain code the app uses."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from domain import invitations
from domain.accounts import create_counselor
from domain.passwords import hash_password
from extensions import db
from models import Couple, Partner, Role, User, utcnow

PASSWORD = "a long enough test password"
_numbers = itertools.count(1)


def counselor(name: str = "Dana Rivera", email: str | None = None) -> User:
    n = next(_numbers)
    user = create_counselor(email or f"counselor{n}@example.com", name, PASSWORD)
    db.session.flush()
    return user


def partner_user(name: str, email: str | None = None) -> User:
    n = next(_numbers)
    user = User(
        email=email or f"{name.lower()}{n}@example.com",
        display_name=name,
        password_hash=hash_password(PASSWORD),
        role=Role.PARTNER,
    )
    db.session.add(user)
    return user


def couple(
    by: User,
    name: str = "Sam & Alex",
    names: tuple[str, str] = ("Sam", "Alex"),
    joined: tuple[bool, bool] = (True, True),
    timezone: str = "Europe/London",
) -> Couple:
    """A couple with both partner places; joined places get an account, others a link."""
    c = Couple(counselor=by, name=name, timezone=timezone)
    db.session.add(c)
    for place, (label, has_joined) in enumerate(zip(names, joined, strict=True), start=1):
        p = Partner(couple=c, place=place, label=label)
        db.session.add(p)
        if has_joined:
            p.user = partner_user(label)
            # Made as partners already at home in Hearth: past their first visit's
            # introduction (tests of that visit join through the link, or clear this).
            p.joined_at = p.welcomed_at = utcnow()
        else:
            invitations.issue(p, by=by)
    db.session.flush()
    return c


#: The three kinds every couple starts with (PRODUCT.md's "core three"): what a journey
#: about a week's usual homework assigns, so a new kind does not change what it measures.
CORE_KINDS = ("rhythm", "needs", "checkin")


def homework(couple: Couple, weeks: int | None = None, kinds: Iterable[str] | None = None) -> dict:
    """The ``kinds`` (by default every registered kind) assigned from this week, by key,
    and one shared need per partner."""
    from domain.homework import assign, couple_week
    from kinds import registry
    from kinds.needs.models import Need, NeedWording

    week = couple_week(couple).start
    made = {"week": week}
    wanted = set(registry.keys() if kinds is None else kinds)
    unknown = wanted - set(registry.keys())
    assert not unknown, f"no such kind: {sorted(unknown)}"
    for kind in registry.REGISTRY:
        if kind.key not in wanted:
            continue
        made[kind.key] = assign(
            couple, kind.key, starts_on=week, weeks=weeks, instructions=kind.default_instructions
        )
    for place in (1, 2):
        partner = couple.partner_at(place)
        need = Need(owner_id=partner.id, wording=f"A need of partner {place}")
        need.wordings.append(NeedWording(wording=need.wording))
        from kinds.needs.models import add_steps

        add_steps(need, [f"A step for partner {3 - place}", "Another small step"])
        db.session.add(need)
        made[f"need_{place}"] = need
    db.session.flush()
    return made


def history(couple: Couple, made: dict, weeks: int) -> None:
    """``weeks`` weeks of answers of every kind before (and including) this week."""
    from datetime import timedelta

    from kinds.needs.models import NeedRating, StepDone
    from kinds.rhythm.models import RhythmReflection

    first = made["week"] - timedelta(weeks=weeks - 1)
    for kind in ("rhythm", "needs", "checkin"):
        made[kind].starts_on = first
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    for i in range(weeks):
        week = first + timedelta(weeks=i)
        for item in range(len(made["rhythm"].rhythm_items)):
            rhythm_mark(made, sam, week, item)
        db.session.add(
            RhythmReflection(
                assignment_id=made["rhythm"].id, week_start=week, partner_id=alex.id, helped="ok"
            )
        )
        for place in (1, 2):
            need = made[f"need_{place}"]
            db.session.add(NeedRating(need_id=need.id, week_start=week, rating="partly"))
            db.session.add(
                StepDone(
                    step_id=need.steps[0].id, week_start=week, partner_id=(alex, sam)[place - 1].id
                )
            )
        for partner in (sam, alex):
            check_in(made, partner, week, connected=5 + i % 3, heard=5, stress=4)
    db.session.flush()


def rhythm_mark(made: dict, partner: Partner, week, item: int = 0, **fields):
    """``partner`` ticked off item ``item`` (0, 1 or 2) of ``made``'s weekly rhythm in ``week``."""
    from kinds.rhythm.models import RhythmMark

    mark = RhythmMark(
        item_id=made["rhythm"].rhythm_items[item].id,
        week_start=week,
        partner_id=partner.id,
        **fields,
    )
    db.session.add(mark)
    return mark


def check_in(made: dict, partner: Partner, week, connected=5, heard=5, stress=5, **fields):
    """``partner``'s check-in on ``made``'s check-in homework for ``week``: the three scales,
    and any prompts in ``fields``."""
    from kinds.checkin.models import CheckIn

    answer = CheckIn(
        assignment_id=made["checkin"].id,
        partner_id=partner.id,
        week_start=week,
        connected=connected,
        heard=heard,
        stress=stress,
        **fields,
    )
    db.session.add(answer)
    return answer


def session(couple: Couple, released: bool = False, focus: str = "Repair after arguments"):
    """A recorded session of the couple, held now."""
    from domain.homework import next_session_number
    from models import CounselingSession

    s = CounselingSession(
        couple=couple,
        number=next_session_number(couple),
        held_at=utcnow(),
        attended="both",
        focus=focus,
        released_at=utcnow() if released else None,
    )
    db.session.add(s)
    db.session.flush()
    return s
