"""The registry of kinds: every registered kind keeps the whole contract, and its words are
walked, exported, erased and audited without anyone naming the kind.

Everything here reads ``kinds.registry.REGISTRY``: a kind is covered the moment it is
registered (``tests/test_scratch_kind.py`` proves it with a throwaway kind).

The privacy walk here is generic: for every kind and every declared private column, each
partner writes a unique marker kept for the counselor (last week) and one shared with their
partner (the week before), through the kind's own ``sample``. Then each partner asks for
every GET route with every ID the world has (pages and HTMX fragments), the summaries'
PDFs, the calendar feed and the export ZIP, and finds none of the other's private markers,
but every shared one. The counselor's export holds them all; after a partner leaves, no
private marker of theirs is left in any table, and their shared ones are.
"""

from __future__ import annotations

import hashlib
import inspect
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select

from domain import calendar_feed, erasure
from domain.homework import assign, couple_week, load
from domain.visibility import Viewer
from extensions import db
from kinds import registry
from kinds.base import Kind, Place
from models import AuditEvent, ConfidentialityPolicy, Visibility
from tests import factories
from tests.conftest import login
from tests.test_privacy_walk import Walk

SHARED, COUNSELOR = Visibility.SHARED.value, Visibility.COUNSELOR.value
# Words one partner wrote to the other that the counselor may not read (a note "just for"
# the partner).
PARTNERS = Visibility.PARTNERS.value
PREFIX = {SHARED: "S", COUNSELOR: "P", PARTNERS: "B"}


def marker(kind: Kind, private, column: str, writer: str, visibility: str) -> str:
    """A word no page would write by chance, unique per kind, column, writer and choice."""
    name = f"{kind.key}/{private.name}/{column}/{writer}/{visibility}"
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    letters = "".join(chr(ord("a") + int(c, 16)) for c in digest)
    return f"MK{PREFIX[visibility]}{letters}".upper()


def choices_of(kind: Kind) -> tuple[str, ...]:
    """The visibilities a kind's ``sample`` is asked for: its private texts' choices (one
    set per kind: ``sample`` writes every column with one visibility)."""
    found = {p.choices for p in kind.private} or {(SHARED, COUNSELOR)}
    assert len(found) == 1, f"{kind.key}: its private texts offer different choices"
    (choices,) = found
    assert len(choices) == 2, f"{kind.key}: the walk plants two choices a kind"
    return choices


# --- The contract -----------------------------------------------------------------------


@pytest.mark.parametrize("module", [type(kind).__module__ for kind in registry.REGISTRY])
def test_a_kind_can_be_imported_before_the_registry(module):
    """A script or a test that imports one kind's module first (not through the registry)
    must not meet a circular import."""
    import subprocess
    import sys

    done = subprocess.run(  # noqa: S603 (our own interpreter, a fixed module name)
        [sys.executable, "-c", f"import {module}"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_kind_keeps_the_whole_contract(app):
    assert registry.REGISTRY, "no kinds registered"
    keys = [k.key for k in registry.REGISTRY]
    assert len(set(keys)) == len(keys), "two kinds share a key"
    for kind in registry.REGISTRY:
        assert isinstance(kind, Kind)
        assert not inspect.isabstract(type(kind)), f"{kind.key}: a part is missing"
        assert kind.name and kind.default_instructions, kind.key
        assert kind.blueprint.name == kind.key, "the blueprint is named after the kind"
        assert app.blueprints.get(kind.key) is kind.blueprint, f"{kind.key} not registered"
        for template in (kind.card_template, kind.review_template, kind.summary_template):
            app.jinja_env.get_template(template)  # raises when missing
        assert kind.models, f"{kind.key} declares no tables"
        for private in kind.private:
            assert private.model in kind.models, f"{private.name}: not one of its models"
            table = private.model.__table__
            for column in private.columns:
                assert column in table.c, f"{private.name}: no column {column}"
            assert hasattr(private.model, private.visibility), private.name
            assert private.on_leave in ("empty", "delete")
            assert set(private.choices) <= {SHARED, COUNSELOR, PARTNERS}, private.name
            assert SHARED in private.choices, f"{private.name}: nothing ever shared?"
        for p in kind.pinnable:
            assert p.model in kind.models
            for column in p.fields.values():
                assert column in p.model.__table__.c
        form = kind.assignment_form()
        for name in ("starts_on", "weeks", "instructions", "once"):
            assert hasattr(form, name), f"{kind.key}'s assignment form lacks {name}"


def test_every_column_that_holds_a_partners_words_is_declared(app):
    """A text column in a kind's table is either declared private or plainly not a
    partner's words (the counselor's wording, a status): listed here, on purpose."""
    not_partners_words = {
        "rhythm_items.wording",  # the counselor's words for the couple
        "rhythm_items.label",  # the counselor's short label for an item
        "needs.status",
        "need_ratings.rating",  # met/partly/not yet: shared with the need
        # The pause rule is the couple's joint wording, shown to both by nature.
        "pause_rules.word",
        "pause_rules.calming",
        "pause_rules.coming_back",
        "pause_rules.status",
        # What a couple plans is their joint plan, shown to both by nature (never in a feed).
        "planned_times.what",
        "planned_times.occasion",  # date, night away or trip
        # A counselor's own check-in questions: their wording, identity and kind.
        "check_in_questions.key",
        "check_in_questions.kind",
        "check_in_questions.label",
        "check_in_questions.low_word",
        "check_in_questions.high_word",
    }
    for kind in registry.REGISTRY:
        declared = {f"{p.model.__tablename__}.{c}" for p in kind.private for c in p.columns}
        for model in kind.models:
            for column in model.__table__.c:
                if not isinstance(column.type, String | Text):
                    continue
                name = f"{model.__tablename__}.{column.name}"
                if column.name.endswith("visibility") or name in not_partners_words:
                    continue
                assert name in declared, f"{name} holds words but is not in {kind.key}.private"


# --- A world with a marker in every private field ----------------------------------------


@pytest.fixture
def marked(app):
    """Sam and Alex, every kind assigned four weeks back; each partner's markers written
    through each kind's ``sample``, shared one week and counselor-only the next (Sam in
    the first two weeks, Alex in the last two: some kinds keep one row per week for both).
    A kind whose words go to the partner (``PrivateText.choices``) is written shared one
    week and between the partners only (the counselor may not read it) the next."""
    counselor = factories.counselor("Dana Rivera")
    x = factories.couple(counselor, "Sam & Alex")
    other = factories.couple(factories.counselor("Lee Okafor"), "Kim & Jo", ("Kim", "Jo"))
    week = couple_week(x).start
    weeks = [week - timedelta(weeks=3 - i) for i in range(4)]
    assignments = {
        kind.key: assign(
            x, kind.key, starts_on=weeks[0], weeks=None, instructions=kind.default_instructions
        )
        for kind in registry.REGISTRY
    }
    for kind in registry.REGISTRY:
        assign(other, kind.key, starts_on=week, weeks=None, instructions="Theirs")
    db.session.flush()
    written: dict[str, dict[str, set[str]]] = {}
    for place, who in ((1, "sam"), (2, "alex")):
        writer = x.partner_at(place)
        mine = written[who] = {SHARED: set(), COUNSELOR: set(), PARTNERS: set()}
        for kind in registry.REGISTRY:
            first = 0 if who == "sam" else 2
            for n, visibility in enumerate(choices_of(kind)):
                when = weeks[first + n]

                def word(private, column, kind=kind, visibility=visibility, who=who, mine=mine):
                    text = marker(kind, private, column, who, visibility)
                    mine[visibility].add(text)
                    return text

                kind.sample(assignments[kind.key], writer, when, word, visibility)
                db.session.flush()
    # A released summary of the period, for the PDFs.
    session = factories.session(x, released=True)
    session.held_at = session.held_at + timedelta(days=1)
    db.session.commit()
    return {
        "x": x,
        "other": other,
        "counselor": counselor,
        "weeks": weeks,
        "written": written,
        "session": session,
    }


def test_sample_fills_every_declared_private_column(app, marked):
    written = set().union(*marked["written"]["sam"].values())
    for kind in registry.REGISTRY:
        for private in kind.private:
            for column in _words(private):
                for visibility in private.choices:
                    text = marker(kind, private, column, "sam", visibility)
                    assert text in written, f"sample() did not fill {private.name}/{column}"
                    found = db.session.scalar(
                        select(private.model).where(getattr(private.model, column) == text)
                    )
                    assert found is not None, f"{text} not stored in {private.name}"
                    assert getattr(found, private.visibility) == visibility, private.name


def test_every_row_of_every_kind_is_in_the_audit_trail(app, marked):
    events = db.session.scalars(select(AuditEvent)).all()
    for kind in registry.REGISTRY:
        for model in kind.models:
            rows = db.session.scalars(select(model)).all()
            for row in rows:
                described = kind.describe(db.session, row)
                assert described is not None, f"{model.__name__} is not described"
                subject, place = described
                assert subject and isinstance(place, Place)
                assert place.couple_id in (marked["x"].id, marked["other"].id)
        # Written rows left their created events.
        assert any(e.couple_id == marked["x"].id and e.kind == "created" for e in events), kind.key


def _words(private) -> list[str]:
    """The columns of a ``PrivateText`` that hold words (numbers carry no marker: the
    check-in's scales are walked in ``tests/test_privacy_walk.py``)."""
    table = private.model.__table__
    return [c for c in private.columns if isinstance(table.c[c].type, String | Text)]


# Which table an ``<…_id>`` of a route names; an argument not listed here is tried with every
# id of every table a URL can name.
ID_TABLES = {
    "couple_id": "couples",
    "assignment_id": "assignments",
    "session_id": "counseling_sessions",
    "need_id": "needs",
}


def _candidates(world) -> dict[str, list]:
    """Every value a URL argument can take here: every id of the table it names (own rows
    and the other couple's, the world is small), the weeks, the kinds, both copies, both
    places, both feeds.

    Each ``<…_id>`` gets its own table's ids, not the ids of every table: on PostgreSQL the
    sequences run on across tests, so the union of twenty tables' ids is hundreds of
    numbers, and a route with two ids tried them all against each other."""
    x = world["x"]
    named = {"couples", "partners", "assignments", "counseling_sessions", "users"}
    named |= {m.__tablename__ for kind in registry.REGISTRY for m in kind.models}
    by_table = {
        table.name: sorted(db.session.scalars(select(table.c.id)))
        for table in db.metadata.sorted_tables
        if table.name in named | set(ID_TABLES.values())
    }
    found = {i for ids in by_table.values() for i in ids}
    # One id that exists nowhere, so every route is also asked for a missing row.
    missing = max(found, default=0) + 1
    feeds = [calendar_feed.issue(p.user) for p in x.partners]
    db.session.commit()
    world["feeds"] = [calendar_feed.token_of(f) for f in feeds]
    values = {
        "week_start": list(world["weeks"]),
        "kind": list(registry.keys()),
        "copy": ["couple", "counselor"],
        "place": [1, 2],
        "token": world["feeds"],
        "filename": ["css/app.css"],
        "policy_id": list(db.session.scalars(select(ConfidentialityPolicy.id))) or [1],
    }
    values |= {arg: [*by_table[table], missing] for arg, table in ID_TABLES.items()}
    return values | {"*_id": sorted(found) + [missing]}


def _every(world) -> set[str]:
    return set().union(*(w[v] for w in world["written"].values() for v in w))


def _walk(app, world, walker) -> Walk:
    client = app.test_client()
    login(client, walker.user.email)
    walk = Walk(client, _every(world))
    walk.every_get_route(app, _candidates(world))
    walk.post("/account/export", htmx=False)
    return walk


@pytest.mark.parametrize("walker, writer", [("alex", "sam"), ("sam", "alex")])
def test_no_partner_reads_the_others_private_words_of_any_kind(app, marked, walker, writer):
    place = {"sam": 1, "alex": 2}
    walk = _walk(app, marked, marked["x"].partner_at(place[walker]))
    private = marked["written"][writer][COUNSELOR]
    leaks = [h for h in walk.hits if h[0] in private]
    assert not leaks, "\n".join(f"{m} in {where} [{ch}]" for m, where, ch, _ in leaks)
    # The search is proven able to find each kind's words: some of what the writer shared
    # is found for every kind (not all: an earlier wording of a need, say, is history the
    # writer keeps, shown to nobody else).
    for kind in registry.REGISTRY:
        mine = {marker(kind, p, c, writer, SHARED) for p in kind.private for c in _words(p)}
        if mine:
            assert any(walk.found(m) for m in mine), f"none of {kind.key}'s shared words found"
    own = marked["written"][walker][COUNSELOR]
    assert all(walk.found(m) for m in own), "a partner reads their own private words"
    # Words kept between the two partners reach both of them: the writer and the partner
    # they were written to (on the week, in the collection, in their own export).
    between = marked["written"][writer][PARTNERS] | marked["written"][walker][PARTNERS]
    missing = sorted(m for m in between if not walk.found(m))
    assert not missing, f"words between the partners not found by {walker}: {missing}"
    assert walk.statuses.get("POST /account/export") == 200
    assert walk.responses >= 100


def test_the_counselors_export_holds_every_marker_the_counselor_may_read(app, marked):
    client = app.test_client()
    login(client, marked["counselor"].email)
    between = marked["written"]["sam"][PARTNERS] | marked["written"]["alex"][PARTNERS]
    every = _every(marked)
    walk = Walk(client, every)
    walk.post(f"/counselor/couples/{marked['x'].id}/export", htmx=False)
    missing = sorted(m for m in every - between if not walk.found(m))
    assert not missing, f"not in the counselor's export: {missing}"
    leaks = [h for h in walk.hits if h[0] in between]
    assert not leaks, f"words kept between the partners in the counselor's export: {leaks}"


def test_the_counselor_never_reads_words_kept_between_the_partners(app, marked):
    """Every GET route with every id as the couple's counselor (pages, fragments, both
    copies of each summary as a page and a PDF, the counselor's calendar feed) and the
    export: no word either partner kept between the two of them. (Messages are walked,
    through the real SMTP server, in ``tests/test_privacy_walk.py``.)"""
    between = marked["written"]["sam"][PARTNERS] | marked["written"]["alex"][PARTNERS]
    assert between, "no kind offers words between the partners: nothing to walk"
    counselor = marked["counselor"]
    feed = calendar_feed.issue(counselor)
    db.session.commit()
    world = dict(marked)
    values = _candidates(world)
    values["token"] = [*values["token"], calendar_feed.token_of(feed)]
    client = app.test_client()
    login(client, counselor.email)
    walk = Walk(client, _every(marked))
    walk.every_get_route(app, values, {"counseling.show": ["?copy=counselor"]})
    walk.post(f"/counselor/couples/{marked['x'].id}/export", htmx=False)
    session = marked["session"]
    x = marked["x"]
    reached = [
        f"GET /counselor/couples/{x.id}",
        f"GET /counselor/couples/{x.id}/sessions/{session.id}/summary-couple.pdf",
        f"GET /counselor/couples/{x.id}/sessions/{session.id}/summary-counselor.pdf",
        f"GET /calendar/{calendar_feed.token_of(feed)}.ics",
        f"POST /counselor/couples/{x.id}/export",
    ]
    closed = [label for label in reached if walk.statuses.get(label) != 200]
    assert not closed, f"the walk did not reach: {closed}"
    leaks = [h for h in walk.hits if h[0] in between]
    assert not leaks, "the counselor read words kept between the partners:\n" + "\n".join(
        f"  {m} in {where} [{ch}, {status}]" for m, where, ch, status in leaks
    )
    # The search is proven: the words shared with the counselor are found, on pages and
    # in the PDFs.
    shared = marked["written"]["sam"][SHARED] | marked["written"]["alex"][SHARED]
    channels = {ch for m, _, ch, _ in walk.hits if m in shared}
    assert {"text/html", "pdf", "zip json"} <= channels, channels


def test_a_summary_holds_what_both_may_read_and_the_counselors_copy_the_rest(app, marked):
    from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build

    session = marked["session"]
    for kind in registry.REGISTRY:
        couple_copy = build(session, COUPLE_COPY)
        sections = dict(couple_copy.sections)
        assert kind in sections or not kind.private, f"{kind.key} has no summary section"
    counselor_copy = build(session, COUNSELOR_COPY)
    assert {k for k, _ in counselor_copy.sections} == set(registry.REGISTRY)


def test_a_partner_who_leaves_takes_their_private_words_of_every_kind(app, marked):
    sam = marked["x"].partner_at(1)
    erasure.leave(sam)
    db.session.commit()
    left = _every_text()
    for text in marked["written"]["sam"][COUNSELOR]:
        assert text not in left, f"{text} outlived Sam's leaving"
    # Words written to the partner (shared or kept between the two) were given: they stay
    # with the partner who stays.
    stay = marked["written"]["sam"][SHARED] | marked["written"]["sam"][PARTNERS]
    for text in stay | marked["written"]["alex"][COUNSELOR] | marked["written"]["alex"][PARTNERS]:
        assert text in left, f"{text} should have stayed"
    # What is left still loads and shows for the counselor.
    hw = load(marked["x"], marked["weeks"][0], marked["weeks"][-1])
    assert set(hw.data) == set(registry.keys())
    assert Viewer.for_counselor_of(marked["x"]).is_counselor


def _every_text() -> str:
    """Every string stored in any table, audit trail aside (its words are sealed)."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name == "audit_events":
            continue
        columns = [c for c in table.c if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            found.extend(str(v) for v in row if v)
    return "\n".join(found)


def test_a_pinned_reflection_says_its_box_in_the_picker_and_its_week_in_the_summary(app, marked):
    from domain.summary import COUPLE_COPY, build, pin_candidates
    from models import PinnedMoment

    session = marked["session"]
    found = [c for c in pin_candidates(session) if c[0] == "reflection" and c[2] == "helped"]
    assert found, "Sam's shared reflection can be quoted"
    source, row_id, field_name, quote = found[0]
    assert quote.where.startswith("What helped, week of ")
    session.pins.append(PinnedMoment(source=source, source_id=row_id, field=field_name))
    db.session.commit()
    [pinned] = [q for q in build(session, COUPLE_COPY).pins if q.text == quote.text]
    assert pinned.where == quote.where.removeprefix("What helped, ")
