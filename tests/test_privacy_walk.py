"""No partner ever reads the other's counselor-only words: on any route, in any format.

Sam (partner 1) writes a distinctive counselor-only word in every place a partner can
write one, over four weeks of history: rhythm notes, reflections, the three check-in
prompts, a need kept for the counselor (its wording, an earlier wording, its steps and a
comment on it), comments on a shared need; plus a shared check-in answer that is not yet
revealed (the counselor asked for reveal-after-both and Alex has not checked in), and a
reflection that was shared, pinned into a summary and drawn into a cached PDF before Sam
made it private. The counselor's private notes, a draft session and another couple's words
must not reach either partner either.

Then Alex (partner 2) walks every GET route of ``app.url_map`` with every ID the world
has (weeks, sessions, needs, assignments, couples...), each HTML page again as an HTMX
fragment, the card fragments that come back after Alex's own actions, the PDFs (text via
pypdf) and the export ZIP (its JSON and the PDFs inside), and searches every body and
header for Sam's words. Zero hits. Sam's *shared* words must be found, in pages, PDFs and
the ZIP alike, so the search is proven able to find what is there. The reverse walk (Sam
looking for Alex's counselor-only words) runs the same way.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zipfile
from datetime import UTC, datetime, time, timedelta
from html import unescape
from urllib.parse import unquote

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from domain import calendar_feed, invitations
from extensions import db
from kinds.checkin.models import CheckIn
from kinds.needs.models import Need, NeedRating, NeedWording, add_steps
from kinds.questionnaire import library
from kinds.rhythm.models import RhythmMark, RhythmReflection
from models import ConfidentialityPolicy, PinnedMoment, Visibility
from tests import factories
from tests.conftest import login

WEEKS = 4
SHARED, COUNSELOR = Visibility.SHARED.value, Visibility.COUNSELOR.value

# Partner 1 (Sam): words kept for the counselor, and words shared with Alex.
SAM_PRIVATE = {
    "note": "PRIVSAMMARKNOTE",
    "helped": "PRIVSAMHELPED",
    "didnt": "PRIVSAMDIDNTHELP",
    "went_well": "PRIVSAMWENTWELL",
    "felt_off": "PRIVSAMFELTOFF",
    "support": "PRIVSAMSUPPORT",
    "need": "PRIVSAMNEEDWORDING",
    "need_before": "PRIVSAMEARLIERWORDING",
    "step": "PRIVSAMNEEDSTEP",
    "comment": "PRIVSAMRATINGCOMMENT",  # counselor-only comment on a shared need
    "comment_on_private": "PRIVSAMCOMMENTONPRIVATENEED",  # "shared" comment, private need
    "unrevealed": "PRIVSAMNOTYETREVEALED",  # shared, but Alex hasn't checked in that week
    "flipped": "PRIVSAMFLIPPEDREFLECTION",  # shared, pinned, cached in a PDF, then private
}
SAM_SHARED = {
    "note": "SHAREDSAMMARKNOTE",
    "helped": "SHAREDSAMHELPED",
    "went_well": "SHAREDSAMWENTWELL",
    "need": "SHAREDSAMNEEDWORDING",
    "comment": "SHAREDSAMRATINGCOMMENT",
}
# Partner 2 (Alex), for the reverse walk.
ALEX_PRIVATE = {
    "note": "PRIVALEXMARKNOTE",
    "helped": "PRIVALEXHELPED",
    "didnt": "PRIVALEXDIDNTHELP",
    "felt_off": "PRIVALEXFELTOFF",
    "need": "PRIVALEXNEEDWORDING",
    "need_before": "PRIVALEXEARLIERWORDING",
    "step": "PRIVALEXNEEDSTEP",
    "comment": "PRIVALEXRATINGCOMMENT",
    "comment_on_private": "PRIVALEXCOMMENTONPRIVATENEED",
}
ALEX_SHARED = {
    "helped": "SHAREDALEXHELPED",
    "went_well": "SHAREDALEXWENTWELL",
    "need": "SHAREDALEXNEEDWORDING",
}
# The counselor's own, and other people's: never for either partner of X.
NOBODYS = {
    "private_notes": "COUNSELORPRIVATENOTES",
    "draft_focus": "DRAFTSESSIONFOCUS",
    "draft_notes": "DRAFTSESSIONSHAREDNOTES",
}
OTHER_COUPLE = {
    "need": "OTHERCOUPLENEEDWORDING",
    "notes": "OTHERCOUPLESESSIONNOTES",
}
SESSION_SHARED = "SHAREDSESSIONNOTES"

HTMX = {"HX-Request": "true"}


# --- The world --------------------------------------------------------------------------


def _private_need(owner, words: dict, since: datetime) -> Need:
    """A need kept for the counselor, reworded once, with one step."""
    need = Need(owner_id=owner.id, wording=words["need"], visibility=COUNSELOR, created_at=since)
    need.wordings.append(NeedWording(wording=words["need_before"], since=since))
    need.wordings.append(NeedWording(wording=words["need"], since=since))
    add_steps(need, [words["step"]])
    db.session.add(need)
    return need


def _plant(x, hw, sam, alex, weeks) -> dict:
    """Every answer of the history gets its marker; returns the rows the flows need."""
    first, current = weeks[0], weeks[-1]
    since = datetime.combine(first - timedelta(days=3), time(12), tzinfo=UTC)
    hw["checkin"].reveal_after_both = True
    # Needs: both shared needs named before the history starts, so every week shows them.
    for need, words in ((hw["need_1"], SAM_SHARED), (hw["need_2"], ALEX_SHARED)):
        need.wording = need.wordings[0].wording = words["need"]
        need.created_at = since
    sam_private = _private_need(sam, SAM_PRIVATE, since)
    alex_private = _private_need(alex, ALEX_PRIVATE, since)
    db.session.flush()
    for week in weeks:
        for need, words in ((sam_private, SAM_PRIVATE), (alex_private, ALEX_PRIVATE)):
            # A comment marked "shared" on a need kept for the counselor stays private.
            db.session.add(
                NeedRating(
                    need_id=need.id,
                    week_start=week,
                    rating="met",
                    comment=words["comment_on_private"],
                    comment_visibility=SHARED,
                )
            )
    ratings = db.session.scalars(
        select(NeedRating).where(NeedRating.need_id.in_([hw["need_1"].id, hw["need_2"].id]))
    ).all()
    for rating in ratings:
        shared_words, private_words = (
            (SAM_SHARED, SAM_PRIVATE)
            if rating.need_id == hw["need_1"].id
            else (ALEX_SHARED, ALEX_PRIVATE)
        )
        if rating.week_start == first and "comment" in shared_words:
            rating.comment, rating.comment_visibility = shared_words["comment"], SHARED
        else:
            rating.comment, rating.comment_visibility = private_words["comment"], COUNSELOR
    # Rhythm marks (all Sam's in the history): item 1 private, item 2 shared, item 3 Alex's.
    items = hw["rhythm"].rhythm_items
    marks = db.session.scalars(select(RhythmMark)).all()
    shared_mark = private_mark = None
    for mark in marks:
        position = [i.id for i in items].index(mark.item_id)
        if position == 0:
            mark.note, mark.note_visibility = SAM_PRIVATE["note"], COUNSELOR
            private_mark = mark if mark.week_start == current else private_mark
        elif position == 1:
            mark.note, mark.note_visibility = SAM_SHARED["note"], SHARED
            shared_mark = mark if mark.week_start == current else shared_mark
        else:
            mark.partner_id = alex.id
            mark.note, mark.note_visibility = ALEX_PRIVATE["note"], COUNSELOR
    # Reflections: the history has Alex's; Sam's are added (this week's comes by the form).
    for week in weeks[:-1]:
        db.session.add(
            RhythmReflection(assignment_id=hw["rhythm"].id, week_start=week, partner_id=sam.id)
        )
    db.session.flush()
    for r in db.session.scalars(select(RhythmReflection)).all():
        shared_words, private_words = (
            (SAM_SHARED, SAM_PRIVATE) if r.partner_id == sam.id else (ALEX_SHARED, ALEX_PRIVATE)
        )
        if r.week_start == first:
            r.helped, r.didnt_help, r.visibility = shared_words["helped"], "", SHARED
        else:
            r.helped, r.didnt_help = private_words["helped"], private_words["didnt"]
            r.visibility = COUNSELOR
    # Check-ins: Alex has not checked in this week, so Sam's shared answer waits.
    for c in db.session.scalars(select(CheckIn)).all():
        if c.partner_id == alex.id:
            if c.week_start == current:
                db.session.delete(c)
                continue
            c.went_well, c.went_well_visibility = ALEX_SHARED["went_well"], SHARED
            c.felt_off, c.felt_off_visibility = ALEX_PRIVATE["felt_off"], COUNSELOR
            continue
        c.felt_off, c.felt_off_visibility = SAM_PRIVATE["felt_off"], COUNSELOR
        c.support, c.support_visibility = SAM_PRIVATE["support"], COUNSELOR
        if c.week_start == first:
            c.went_well, c.went_well_visibility = SAM_SHARED["went_well"], SHARED
        elif c.week_start == current:
            c.went_well, c.went_well_visibility = SAM_PRIVATE["unrevealed"], SHARED
        else:
            c.went_well, c.went_well_visibility = SAM_PRIVATE["went_well"], COUNSELOR
    db.session.flush()
    return {
        "sam_private_need": sam_private,
        "alex_private_need": alex_private,
        "shared_mark": shared_mark,
        "private_mark": private_mark,
    }


@pytest.fixture
def world(app):
    counselor_a = factories.counselor("Dana Rivera")
    counselor_b = factories.counselor("Lee Okafor")
    x = factories.couple(counselor_a, "Sam & Alex")
    y = factories.couple(counselor_b, "Kim & Jo", names=("Kim", "Jo"))
    hw = factories.homework(x)
    factories.history(x, hw, WEEKS)
    sam, alex = x.partner_at(1), x.partner_at(2)
    weeks = [hw["week"] - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    planted = _plant(x, hw, sam, alex, weeks)
    hw_y = factories.homework(y)
    hw_y["need_1"].wording = OTHER_COUPLE["need"]
    first = factories.session(x, released=True, focus="Repair after arguments")
    first.shareable_notes = SESSION_SHARED
    first.private_notes = NOBODYS["private_notes"]
    second = factories.session(x, released=True, focus="Taking turns")
    draft = factories.session(x, focus=NOBODYS["draft_focus"])
    draft.shareable_notes = NOBODYS["draft_notes"]
    y_session = factories.session(y, released=True)
    y_session.shareable_notes = OTHER_COUPLE["notes"]
    db.session.commit()
    return {
        "x": x,
        "y": y,
        "sam": sam,
        "alex": alex,
        "counselor_a": counselor_a,
        "counselor_b": counselor_b,
        "hw": hw,
        "hw_y": hw_y,
        "weeks": weeks,
        "sessions": [first, second, draft, y_session],
        "released": first,
        **planted,
    }


def _flip_a_pinned_reflection(app, world):
    """Sam shares a reflection, the counselor quotes it in the released summary, Sam's
    copy of the PDF is drawn (and cached) with it; then Sam makes it counselor-only."""
    hw, week, session = world["hw"], world["weeks"][-1], world["released"]
    rhythm = hw["rhythm"]
    sam = app.test_client()
    login(sam, world["sam"].user.email)
    p = f"reflection-{rhythm.id}"
    words = {f"{p}-helped": SAM_PRIVATE["flipped"], f"{p}-version": "0"}
    url = f"/week/{week}/rhythm/{rhythm.id}/reflection"
    assert sam.post(url, data={**words, f"{p}-visibility": SHARED}).status_code == 302
    reflection = db.session.scalar(
        select(RhythmReflection).where(
            RhythmReflection.partner_id == world["sam"].id, RhythmReflection.week_start == week
        )
    )
    counselor = app.test_client()
    login(counselor, world["counselor_a"].email)
    pins = [f"reflection:{reflection.id}:helped", f"rhythm_mark:{world['shared_mark'].id}:"]
    response = counselor.post(
        f"/counselor/couples/{world['x'].id}/sessions/{session.id}/pins", data={"pin": pins}
    )
    assert response.status_code == 302
    assert len(session.pins) == 2
    before = _pdf_text(sam.get(f"/summaries/{session.id}.pdf").get_data())
    assert SAM_PRIVATE["flipped"].lower() in _normalize(before)
    assert SAM_SHARED["note"].lower() in _normalize(before)
    words[f"{p}-version"] = str(reflection.version)
    assert sam.post(url, data={**words, f"{p}-visibility": COUNSELOR}).status_code == 302
    db.session.refresh(reflection)
    assert reflection.visibility == COUNSELOR
    # A counselor-only mark note pinned directly (as if it had been made private since):
    # the couple's copy asks the rule again when it is drawn.
    session.pins.append(
        PinnedMoment(source="rhythm_mark", source_id=world["private_mark"].id, field="")
    )
    db.session.commit()


# --- Reading every kind of body ---------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _normalize(text: str) -> str:
    """Lower case, entities and %-escapes undone, ligatures split, all whitespace gone:
    a marker is found however a page, a PDF or a JSON file happened to write it."""
    text = unicodedata.normalize("NFKC", unescape(text))
    text = re.sub(r"\s+", "", text).lower()
    return text + "\n" + unquote(text)


def _bodies(response) -> list[tuple[str, str]]:
    """(channel, text) for everything a response carries, headers included."""
    data = response.get_data()
    response.close()
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    found = [("headers", headers)]
    if response.mimetype == "application/pdf":
        found.append(("pdf", _pdf_text(data)))
    elif response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                content = archive.read(name)
                if name.endswith(".pdf"):
                    found.append(("zip pdf", _pdf_text(content)))
                else:
                    found.append((f"zip {name.rsplit('.', 1)[-1]}", content.decode()))
    else:
        found.append((response.mimetype or "body", data.decode("utf-8", "replace")))
    return found


class Walk:
    """Everything one partner's client was answered, searched for a set of markers."""

    def __init__(self, client, markers: set[str]):
        self.client = client
        self.markers = {m.lower(): m for m in markers}
        self.responses = 0
        self.ok = 0
        self.hits: list[tuple[str, str, str, int]] = []  # marker, request, channel, status
        self.statuses: dict[str, int] = {}

    def record(self, label: str, response) -> None:
        self.responses += 1
        self.statuses[label] = response.status_code
        self.ok += response.status_code < 400
        for channel, text in _bodies(response):
            normal = _normalize(text)
            for low, marker in self.markers.items():
                if low in normal:
                    self.hits.append((marker, label, channel, response.status_code))

    def get(self, url: str, *, htmx: bool = False):
        response = self.client.get(url, headers=HTMX if htmx else None)
        is_page = response.mimetype == "text/html"
        self.record(f"GET {url}" + (" (htmx)" if htmx else ""), response)
        return is_page

    def post(self, url: str, data: dict | None = None, *, htmx: bool = True):
        response = self.client.post(url, data=data or {}, headers=HTMX if htmx else None)
        self.record(f"POST {url}" + (" (htmx)" if htmx else ""), response)

    def found(self, marker: str) -> list[tuple[str, str, str, int]]:
        return [h for h in self.hits if h[0] == marker]

    def every_get_route(self, app, values: dict[str, list], queries: dict | None = None) -> None:
        """Every GET route of ``app`` with every combination of ``values`` for its arguments
        (``values["*_id"]``, if given, for an ``…_id`` not named), each page again as an HTMX
        fragment; ``queries`` names query strings to try as well, by endpoint."""
        adapter = app.url_map.bind("localhost")
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint == "auth.logout":
                continue
            names = sorted(rule.arguments)
            pools = [
                values.get(n, values.get("*_id") if n.endswith("_id") else None) for n in names
            ]
            unknown = [n for n, pool in zip(names, pools, strict=True) if pool is None]
            assert not unknown, f"{rule.rule}: give _candidates values for {unknown}"
            for combo in itertools.product(*pools):
                url = adapter.build(rule.endpoint, dict(zip(names, combo, strict=True)))
                for url_ in [url] + [url + q for q in (queries or {}).get(rule.endpoint, [])]:
                    if self.get(url_):
                        self.get(url_, htmx=True)


def _candidates(world) -> dict[str, list]:
    """Every value each URL argument can take in this world: own IDs and others'."""
    x, y, hw, hw_y = world["x"], world["y"], world["hw"], world["hw_y"]
    sign_in_link = invitations.issue(world["sam"], by=world["counselor_a"])
    # Both partners' calendar feeds: each is read with its secret address, like an app.
    feeds = [calendar_feed.issue(p.user) for p in (world["sam"], world["alex"])]
    hearths_own = library.shipped()
    db.session.commit()
    world["feed_tokens"] = [calendar_feed.token_of(f) for f in feeds]
    assignments = [hw[k] for k in ("rhythm", "needs", "checkin")] + [hw_y["rhythm"]]
    needs = [
        hw["need_1"],
        hw["need_2"],
        world["sam_private_need"],
        world["alex_private_need"],
        hw_y["need_1"],
    ]
    return {
        "couple_id": [x.id, y.id],
        "session_id": [s.id for s in world["sessions"]],
        "assignment_id": [a.id for a in assignments],
        "item_id": [i.id for i in hw["rhythm"].rhythm_items],
        "need_id": [n.id for n in needs],
        "step_id": [s.id for n in needs for s in n.steps],
        "week_start": list(world["weeks"]),
        "kind": ["rhythm", "needs", "checkin"],
        "copy": ["couple", "counselor"],
        "place": [1, 2],
        "token": [invitations.token_of(sign_in_link), *world["feed_tokens"]],
        "filename": ["css/app.css", "js/app.js"],
        "policy_id": list(db.session.scalars(select(ConfidentialityPolicy.id))) or [1],
        # A counselor's templates hold no partner's words; a partner reaches none of them.
        "template_id": [1],
        # The counselor's questionnaires hold no partner's words: Hearth's own is enough.
        "questionnaire_id": [hearths_own.id],
    }


# Query strings some GET routes read, walked as well.
EXTRA_QUERIES = {"counseling.show": ["?copy=counselor"]}


def _walk_everything(app, world, walker, markers: set[str]) -> Walk:
    """As ``walker`` (a partner place of X): every GET route with every ID, each page also
    as an HTMX fragment, the card fragments after their own actions, and the export."""
    client = app.test_client()
    login(client, walker.user.email)
    walk = Walk(client, markers)
    walk.every_get_route(app, _candidates(world), EXTRA_QUERIES)
    # The cards that come back after the walker's own actions, week by week (closed weeks
    # answer 409 with the card as it was). Nothing here saves an answer of theirs that
    # would change what the other partner's words look like.
    hw = world["hw"]
    me = walker
    asked_of_me = [
        s.id for n in (hw["need_1"], hw["need_2"]) if n.owner_id != me.id for s in n.steps
    ]
    own_needs = [n.id for n in (hw["need_1"], hw["need_2"]) if n.owner_id == me.id]
    for week in world["weeks"]:
        for item in hw["rhythm"].rhythm_items:
            walk.post(f"/week/{week}/rhythm/{item.id}/done")
            walk.post(f"/week/{week}/rhythm/{item.id}/undo")
        walk.post(f"/week/{week}/rhythm/{hw['rhythm'].id}/reflection")
        for step_id in asked_of_me:
            walk.post(f"/week/{week}/steps/{step_id}/done")
            walk.post(f"/week/{week}/steps/{step_id}/undo")
        for need_id in own_needs:
            walk.post(f"/week/{week}/needs/{need_id}/rating")
        walk.post(f"/week/{week}/check-in", {"connected": "not a number"}, htmx=False)
    walk.post("/account/export", htmx=False)
    return walk


def _assert_clean(walk: Walk, world, forbidden: set[str], wanted: set[str], who: str) -> None:
    # The walk really reached the partner's pages, PDFs and export.
    must_open = ["GET /week", "GET /needs/", "GET /summaries", "POST /account/export"]
    must_open += [f"GET /week/{w}" for w in world["weeks"]]
    must_open += [f"GET /summaries/{s.id}.pdf" for s in world["sessions"][:2]]
    must_open += [f"GET /calendar/{token}.ics" for token in world["feed_tokens"]]
    closed = [label for label in must_open if walk.statuses.get(label) != 200]
    assert not closed, f"the walk did not reach: {closed}"
    leaks = [h for h in walk.hits if h[0] in forbidden]
    assert not leaks, f"{who} read words not meant for them:\n" + "\n".join(
        f"  {marker} in {where} [{channel}, {status}]" for marker, where, channel, status in leaks
    )
    missing = sorted(m for m in wanted if not walk.found(m))
    assert not missing, f"the search should have found these shared words: {missing}"
    channels = {channel for marker, _, channel, _ in walk.hits if marker in wanted}
    for channel in ("text/html", "pdf", "zip json", "zip pdf"):
        assert channel in channels, f"no shared words found in any {channel}: search proven?"
    print(
        f"privacy walk as {who}: searched {walk.responses} responses ({walk.ok} under 400) "
        f"for {len(forbidden)} words not theirs; {len(walk.hits)} hits of shared words, "
        "0 leaks"
    )
    assert walk.responses >= 200
    assert walk.ok >= 50


def test_partner_2_never_reads_partner_1s_counselor_only_words(app, world):
    _flip_a_pinned_reflection(app, world)
    forbidden = {*SAM_PRIVATE.values(), *NOBODYS.values(), *OTHER_COUPLE.values()}
    wanted = {*SAM_SHARED.values(), SESSION_SHARED}
    walk = _walk_everything(app, world, world["alex"], forbidden | wanted)
    _assert_clean(walk, world, forbidden, wanted, "partner 2 (Alex)")
    # The walk saved nothing that would reveal Sam's waiting answer.
    assert (
        db.session.scalar(
            select(CheckIn).where(
                CheckIn.partner_id == world["alex"].id, CheckIn.week_start == world["weeks"][-1]
            )
        )
        is None
    )


def test_partner_1_never_reads_partner_2s_counselor_only_words(app, world):
    forbidden = {*ALEX_PRIVATE.values(), *NOBODYS.values(), *OTHER_COUPLE.values()}
    wanted = {*ALEX_SHARED.values(), SESSION_SHARED}
    walk = _walk_everything(app, world, world["sam"], forbidden | wanted)
    _assert_clean(walk, world, forbidden, wanted, "partner 1 (Sam)")


def test_the_counselor_export_holds_every_planted_word(app, world):
    """The markers are really there: the counselor's whole record carries each of them,
    so zero hits in a partner's walk means hidden, not missing."""
    _flip_a_pinned_reflection(app, world)
    planted = {*SAM_PRIVATE.values(), *ALEX_PRIVATE.values(), *NOBODYS.values()}
    planted |= {*SAM_SHARED.values(), *ALEX_SHARED.values(), SESSION_SHARED}
    for counselor, couple, words in (
        (world["counselor_a"], world["x"], planted),
        (world["counselor_b"], world["y"], set(OTHER_COUPLE.values())),
    ):
        client = app.test_client()
        login(client, counselor.email)
        walk = Walk(client, planted | set(OTHER_COUPLE.values()))
        walk.post(f"/counselor/couples/{couple.id}/export", htmx=False)
        assert walk.responses == 1 and walk.ok == 1
        missing = sorted(m for m in words if not walk.found(m))
        assert not missing, f"not planted (or not in the counselor's export): {missing}"
        foreign = sorted({h[0] for h in walk.hits} - words)
        assert not foreign, f"another couple's words in this export: {foreign}"


# --- Every message, every header ---------------------------------------------------------


def test_no_message_carries_anyones_words_or_another_couples(app, world, smtp):
    """Every kind of message to everyone in the world, through the real SMTP server:
    no subject, header or part holds a word anyone wrote (shared or not), the counselor's
    notes, or a name or word of another couple."""
    from email import policy

    from domain import appointments, email_change, mail, password_reset
    from domain.homework import couple_week
    from domain.mail import invites, prefs
    from domain.mail.kinds import KINDS
    from kinds.appreciation.models import AppreciationNote
    from models import Message, utcnow
    from tests.mail_helpers import couple_with_homework, no_quiet_hours

    x, y = world["x"], world["y"]
    invited = factories.couple(
        world["counselor_a"], "Robin & Ash", ("Robin", "Ash"), (False, False)
    )
    # A couple with nothing done for weeks: worth a look in counselor A's digest.
    couple_with_homework(
        world["counselor_a"], digest=True, name="Pat & Chris", names=("Pat", "Chris")
    )
    db.session.commit()
    people = [p.user for c in (x, y) for p in c.partners]
    for user in [*people, world["counselor_a"], world["counselor_b"]]:
        no_quiet_hours(user)
        prefs.choose(user, "partner_done", True)
        prefs.choose(user, "note_received", True)
    db.session.commit()
    notes_written: set[str] = set()
    for couple in (x, y):
        week = couple_week(couple).start.isoformat()
        booked = appointments.schedule(couple, utcnow() + timedelta(days=1))
        for partner in couple.partners:
            for kind in ("week_started", "checkin_reminder", "partner_done"):
                mail.queue(kind, user=partner.user, couple_id=couple.id, period=week)
            mail.queue(
                "session_reminder",
                user=partner.user,
                couple_id=couple.id,
                period=f"{booked.id}-{booked.sequence}",
                ref_id=booked.id,
            )
            password_reset.request_link(partner.user.email)
            email_change.request_change(partner.user, f"new-{partner.user.id}@example.net")
        # An appreciation note to each partner, one kept between the two of them: the
        # message says a note arrived, never its words.
        thanks = next(a for a in couple.assignments if a.kind == "appreciation")
        db.session.flush()
        for partner, visibility in zip(couple.partners, ("partners", "shared"), strict=True):
            note = AppreciationNote(
                assignment_id=thanks.id,
                partner_id=partner.other.id,
                recipient_id=partner.id,
                week_start=thanks.starts_on,
                text=f"NOTEWORDS{visibility.upper()}{couple.id}",
                visibility=visibility,
            )
            db.session.add(note)
            db.session.flush()
            notes_written.add(note.text)
            mail.queue(
                "note_received",
                user=partner.user,
                couple_id=couple.id,
                period=f"note-{note.id}",
                ref_id=note.id,
            )
    # One of them opens the link: their old address is told it was replaced.
    moved = x.partner_at(1).user
    email_change.confirm(email_change.request_change(moved, "moved@example.net"))
    for counselor in (world["counselor_a"], world["counselor_b"]):
        mail.queue("digest", user=counselor, period="today")
        password_reset.request_link(counselor.email)
    for partner in invited.partners:
        invites.send(invitations.current_for(partner), f"{partner.label.lower()}@example.org")
    db.session.commit()
    mail.send_due()  # also sends the summaries released when the world was made

    messages = smtp.wait_for(24)
    kinds = {m["Subject"].split(": ", 1)[1].split(" ")[0] for m in messages}
    assert len(messages) >= 24, kinds
    # Every kind there is went out at least once, so a new kind is checked here too
    # (or this fails until it is queued above).
    sent = set(db.session.scalars(select(Message.kind).where(Message.status == "sent")))
    assert sent == {kind.name for kind in KINDS}, {k.name for k in KINDS} - sent
    written = {
        *SAM_PRIVATE.values(),
        *SAM_SHARED.values(),
        *ALEX_PRIVATE.values(),
        *ALEX_SHARED.values(),
        *NOBODYS.values(),
        *OTHER_COUPLE.values(),
        SESSION_SHARED,
        *notes_written,
        "Repair after arguments",
        "Taking turns",
        "A need of partner",
        "A step for partner",
    }
    others = {"Robin", "Ash", "Pat", "Chris"}
    names = {x.id: {"Kim", "Jo", *others}, y.id: {"Sam", "Alex", *others}}
    subjects = set()
    for message in messages:
        raw = message.as_string(policy=policy.default)
        parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
        whole = _normalize(raw + "\n".join(parts))
        subjects.add(message["Subject"])
        found = [w for w in written if re.sub(r"\s+", "", w).lower() in whole]
        assert not found, f"{message['Subject']} to {message['To']} carries {found}"
        to = str(message["To"])
        couple_id = next((c.id for c in (x, y) for p in c.partners if p.user.email in to), None)
        for name in names.get(couple_id, set()):
            plain = raw + "\n".join(parts)
            assert not re.search(rf"\b{name}\b", plain), f"{name} in {message['Subject']}"
    expected = {
        "Hearth: a new week for you two",
        "Hearth: your check-in is still open",
        "Hearth: Alex has checked in this week",
        "Hearth: Sam has checked in this week",
        "Hearth: your session summary is ready",
        "Hearth: choose a new password",
        "Hearth: Dana Rivera invited you to Hearth",
        "Hearth: 1 couple worth a look today",
        "Hearth: your session is tomorrow",
        "Hearth: please confirm your new e-mail",
        "Hearth: the e-mail you sign in with was changed",
    }
    assert expected <= subjects, expected - subjects
