"""The weekly rhythm: either partner ticks an item off, with a note; reflections."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from domain.homework import assign, couple_week
from domain.weeks import Week
from extensions import db
from kinds import registry
from kinds.rhythm.models import RhythmMark, RhythmReflection
from tests.conftest import text_of


def item_url(with_homework, position=0, action="done"):
    item = with_homework["rhythm"].rhythm_items[position]
    return f"/week/{with_homework['week']}/rhythm/{item.id}/{action}", item


def marks() -> int:
    return db.session.scalar(select(func.count(RhythmMark.id)))


def test_marking_an_item_done_shows_who_and_when(sam, alex, with_homework):
    url, item = item_url(with_homework)
    prefix = f"mark-{item.id}"
    response = sam.post(
        url,
        data={f"{prefix}-note": "We talked on the sofa.", f"{prefix}-note_visibility": "shared"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/week#card-rhythm"
    page = text_of(sam.get("/week"))
    assert "Marked as done" in page
    assert "Done by you" in page and "We talked on the sofa." in page
    assert "Weekly rhythm 2 left" in page
    alex_page = text_of(alex.get("/week"))
    assert "Done by Sam" in alex_page and "We talked on the sofa." in alex_page


def test_with_htmx_only_the_card_and_the_counter_come_back(sam, with_homework):
    url, _ = item_url(with_homework)
    response = sam.post(url, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card hw-card" id="card-rhythm"')
    assert 'id="week-progress" class="progress" hx-swap-oob="true"' in html
    assert "2 left" in html and "<html" not in html
    assert "2 still to do together" in html  # "Left this week", swapped out of band
    assert "HX-Request" in response.headers["Vary"]


def test_a_double_tap_makes_one_mark(sam, with_homework):
    url, _ = item_url(with_homework)
    assert sam.post(url).status_code == 302
    assert sam.post(url).status_code == 302
    assert marks() == 1


def test_when_the_partner_marked_it_first_the_note_is_kept(sam, alex, with_homework):
    url, item = item_url(with_homework)
    alex.post(url)
    prefix = f"mark-{item.id}"
    response = sam.post(url, data={f"{prefix}-note": "My words about it"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Alex marked this done a moment ago" in page
    assert "My words about it" in response.get_data(as_text=True)
    assert marks() == 1


def test_undo_is_for_your_own_mark_only(sam, alex, with_homework):
    url, _ = item_url(with_homework)
    undo, _ = item_url(with_homework, action="undo")
    alex.post(url)
    response = sam.post(undo, follow_redirects=True)
    assert "only they can undo it" in text_of(response)
    assert marks() == 1
    alex.post(undo)
    assert marks() == 0


def test_a_private_note_stays_with_the_counselor(sam, alex, signed_in, counselor, with_homework):
    url, item = item_url(with_homework)
    prefix = f"mark-{item.id}"
    sam.post(
        url,
        data={
            f"{prefix}-note": "Only for Dana: it was hard",
            f"{prefix}-note_visibility": "counselor",
        },
    )
    assert "Only for Dana" in text_of(sam.get("/week"))
    assert "Only Dana can read this" in text_of(sam.get("/week"))
    alex_html = alex.get("/week").get_data(as_text=True)
    assert "Only for Dana" not in alex_html
    assert "Done by Sam" in text_of(alex.get("/week"))


def test_an_overlong_note_is_refused_and_kept(sam, with_homework):
    url, item = item_url(with_homework)
    long_note = "x" * 501
    response = sam.post(url, data={f"mark-{item.id}-note": long_note})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please keep the note to 500 characters." in html
    assert long_note in html
    assert marks() == 0


def test_a_closed_week_cannot_be_changed(sam, couple, with_homework):
    # Move the assignment back four weeks: that week closed long ago.
    rhythm = with_homework["rhythm"]
    old = with_homework["week"] - timedelta(weeks=4)
    rhythm.starts_on = old
    db.session.commit()
    item = rhythm.rhythm_items[0]
    response = sam.post(f"/week/{old}/rhythm/{item.id}/done", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "This week is closed now" in response.get_data(as_text=True)
    assert marks() == 0
    # The old week is still there to look at.
    assert "closed, kept as it was" in text_of(sam.get(f"/week/{old}"))


def test_last_week_takes_marks_only_during_its_two_day_grace(sam, couple, with_homework):
    rhythm = with_homework["rhythm"]
    last = Week(with_homework["week"] - timedelta(weeks=1), couple.timezone)
    rhythm.starts_on = last.start
    db.session.commit()
    response = sam.post(f"/week/{last.start}/rhythm/{rhythm.rhythm_items[0].id}/done")
    # Open until local midnight two days after the week ended, closed after that.
    assert response.status_code == (302 if last.is_open() else 409)
    assert marks() == (1 if last.is_open() else 0)


def test_reflections_are_kept_per_partner_and_shared_by_choice(sam, alex, with_homework):
    rhythm = with_homework["rhythm"]
    url = f"/week/{with_homework['week']}/rhythm/{rhythm.id}/reflection"
    prefix = f"reflection-{rhythm.id}"
    sam.post(
        url,
        data={
            f"{prefix}-helped": "Planning the walk",
            f"{prefix}-didnt_help": "",
            f"{prefix}-visibility": "shared",
            f"{prefix}-version": "0",
        },
    )
    alex.post(
        url,
        data={
            f"{prefix}-helped": "",
            f"{prefix}-didnt_help": "Private: I felt rushed",
            f"{prefix}-visibility": "counselor",
            f"{prefix}-version": "0",
        },
    )
    assert db.session.scalar(select(func.count(RhythmReflection.id))) == 2
    assert "Planning the walk" in text_of(alex.get("/week"))
    assert "I felt rushed" not in sam.get("/week").get_data(as_text=True)


def test_an_empty_reflection_asks_for_a_line(sam, with_homework):
    rhythm = with_homework["rhythm"]
    prefix = f"reflection-{rhythm.id}"
    response = sam.post(
        f"/week/{with_homework['week']}/rhythm/{rhythm.id}/reflection",
        data={f"{prefix}-helped": " ", f"{prefix}-didnt_help": ""},
    )
    assert response.status_code == 422
    assert "Write a line in either box" in text_of(response)


def test_a_reflection_changed_in_another_tab_keeps_both_texts(sam, with_homework):
    rhythm = with_homework["rhythm"]
    url = f"/week/{with_homework['week']}/rhythm/{rhythm.id}/reflection"
    prefix = f"reflection-{rhythm.id}"

    def save(text, version):
        return sam.post(
            url,
            data={
                f"{prefix}-helped": text,
                f"{prefix}-visibility": "shared",
                f"{prefix}-version": str(version),
            },
        )

    assert save("First tab's words", 0).status_code == 302
    assert save("Second tab's words", 1).status_code == 302
    stale = save("Words from a tab left open", 1)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Words from a tab left open" in html  # theirs, kept in the form
    assert "Second tab&#39;s words" in html  # what is saved now
    row = db.session.scalar(select(RhythmReflection))
    assert row.helped == "Second tab's words"


def test_paused_homework_is_visibly_paused(sam, couple, with_homework):
    with_homework["rhythm"].status = "paused"
    db.session.commit()
    page = text_of(sam.get("/week"))
    assert "Weekly rhythm is paused" in page
    url, _ = item_url(with_homework)
    response = sam.post(url, follow_redirects=False)
    assert response.status_code == 409


def test_the_counselor_words_the_items_for_this_couple(app, couple, counselor):
    week = couple_week(couple).start
    words = ["Talk on Sunday", "Bake bread together", "A hug at the door"]
    # What the counselor's assignment form hands over: its three item fields.
    form = SimpleNamespace(**{f"item{i}": SimpleNamespace(data=w) for i, w in enumerate(words, 1)})
    rhythm = assign(
        couple,
        "rhythm",
        starts_on=week,
        weeks=4,
        instructions=registry.named("rhythm").default_instructions,
        form=form,
    )
    db.session.commit()
    assert [i.wording for i in rhythm.rhythm_items] == [
        "Talk on Sunday",
        "Bake bread together",
        "A hug at the door",
    ]
