"""The counselor's week, readable before a session: "Since the last session" on the couple
page, grid cells that open the words behind them, one mark for counselor-only words (on
the page and in the counselor's PDF), short rhythm labels, and charts that wait for two
weeks to compare."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from domain import review
from domain.charts import Series, line_chart
from extensions import db
from kinds.checkin.models import CheckIn
from kinds.needs.models import NeedRating, StepDone
from kinds.rhythm.models import RhythmItem, RhythmMark, RhythmReflection, label_from
from tests import factories
from tests.conftest import text_of
from web.filters import day_time

NOTE = "We talked about the move and nobody raised their voice"
HELPED = "The walk by the lake, no phones"
COMMENT = "Still feels one-sided to me"
FELT_OFF = "I felt rushed on Sunday"
WHEN = datetime(2026, 11, 1, 19, 15, tzinfo=UTC)


@pytest.fixture
def last_week(app, counselor, couple):
    """Homework since last week; last week each kind has words, this week nothing yet."""
    hw = factories.homework(couple)
    last = hw["week"] - timedelta(weeks=1)
    for kind in ("rhythm", "needs", "checkin"):
        hw[kind].starts_on = last
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    at = datetime.combine(last, WHEN.timetz()) + timedelta(days=1)
    item = hw["rhythm"].rhythm_items[0]
    db.session.add(
        RhythmMark(
            item_id=item.id,
            week_start=last,
            partner_id=sam.id,
            note=NOTE,
            note_visibility="counselor",
            created_at=at,
        )
    )
    db.session.add(
        RhythmReflection(
            assignment_id=hw["rhythm"].id,
            week_start=last,
            partner_id=alex.id,
            helped=HELPED,
            visibility="shared",
            updated_at=at,
        )
    )
    need = hw["need_1"]
    need.created_at = at - timedelta(days=1)  # named last week, so rated last week
    db.session.add(
        NeedRating(
            need_id=need.id,
            week_start=last,
            rating="partly",
            comment=COMMENT,
            comment_visibility="counselor",
            updated_at=at,
        )
    )
    db.session.add(
        StepDone(step_id=need.steps[0].id, week_start=last, partner_id=alex.id, created_at=at)
    )
    db.session.add(
        CheckIn(
            assignment_id=hw["checkin"].id,
            partner_id=sam.id,
            week_start=last,
            connected=6,
            heard=5,
            stress=7,
            felt_off=FELT_OFF,
            felt_off_visibility="counselor",
            created_at=at,
            updated_at=at,
        )
    )
    db.session.commit()
    hw["last"], hw["at"] = last, at
    return hw


def _element(html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` up to the next entry group."""
    start = html.index(f'id="{element_id}"')
    end = html.find('class="since-group"', start + 1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : end if end > 0 else None]))


def test_the_counselor_reads_each_answer_with_who_when_and_who_may_read_it(dana, couple, last_week):
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Since the last session" in page
    assert "No session recorded yet" in page
    when = day_time(last_week["at"], couple.timezone)
    last = last_week["last"].isoformat()

    note = _element(html, f"since-{last}-rhythm-1")
    assert "Sam (partner)" in note and NOTE in note and when in note
    assert "Counselor only" in note  # a private rhythm note is marked like any other

    reflection = _element(html, f"since-{last}-rhythm-reflection")
    assert "Alex (partner)" in reflection and HELPED in reflection
    assert "Shared with partner" in reflection and "Counselor only" not in reflection

    rating = _element(html, f"since-{last}-needs-rated")
    assert "A need of partner 1" in rating and "Partly" in rating and COMMENT in rating
    assert "Counselor only" in rating

    step = _element(html, f"since-{last}-needs-steps")
    assert "Alex (partner)" in step and "A step for partner 2" in step

    check_in = _element(html, f"since-{last}-checkin")
    assert "connected 6 · heard 5 · outside stress 7" in check_in
    assert FELT_OFF in check_in and "Counselor only" in check_in


def test_a_grid_cell_links_to_the_words_behind_it_without_hover(dana, couple, last_week):
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    last = last_week["last"].isoformat()
    for anchor in ("rhythm-1", "rhythm-reflection", "needs-rated", "needs-steps", "checkin"):
        assert f'href="#since-{last}-{anchor}"' in html
        assert f'id="since-{last}-{anchor}"' in html
    # Nothing on the counselor's page hides words in a tooltip.
    assert " title=" not in html.split("<main", 1)[1]
    # A cell with nothing behind it is not a link.
    assert f'href="#since-{last}-rhythm-2"' not in html


def test_the_open_week_says_so_far_not_none(app, dana, couple, last_week):
    result = review.couple_review(couple)
    conversation = next(line for line in result.grid if line.row.label == "One real conversation")
    assert [c.text for c in conversation.cells] == ["S", "so far"]
    assert [c.state for c in conversation.cells] == ["one", "so-far"]
    other = next(line for line in result.grid if line.row.label == "One shared activity")
    assert [c.text for c in other.cells] == ["none", "so far"]
    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "Nothing yet this week." in page


def test_a_couple_who_have_not_joined_show_not_joined_yet(app, counselor, dana):
    couple = factories.couple(counselor, "Robin & Casey", ("Robin", "Casey"), (False, False))
    hw = factories.homework(couple)
    hw["rhythm"].starts_on = hw["week"] - timedelta(weeks=1)
    db.session.commit()
    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "not joined yet" in page
    assert " none " not in page.split("Tap a cell", 1)[1].split("Since the last session")[0]


def test_weeks_before_the_last_session_fold_away(app, dana, couple, last_week):
    session = factories.session(couple)
    session.held_at = datetime.combine(last_week["week"], WHEN.timetz())
    db.session.commit()
    result = review.couple_review(couple)
    assert [w.week.start for w in result.recent] == [last_week["week"]]
    assert [w.week.start for w in result.earlier] == [last_week["last"]]
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Since session 1 on" in text_of(dana.get(f"/counselor/couples/{couple.id}"))
    folded = html.split('<details class="since-earlier">', 1)[1]
    assert "Before the last session" in folded and NOTE in folded


def test_charts_wait_for_two_weeks_to_compare(app, dana, couple, last_week):
    page = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "<svg" not in page
    assert "The charts appear once there are two weeks of check-ins to compare." in page
    db.session.add(
        CheckIn(
            assignment_id=last_week["checkin"].id,
            partner_id=couple.partner_at(2).id,
            week_start=last_week["week"],
            connected=6,
            heard=5,
            stress=7,
        )
    )
    db.session.commit()
    page = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3


def test_equal_scores_of_both_partners_both_stay_visible():
    chart = str(
        line_chart(
            "Connected",
            ["1 Nov", "8 Nov"],
            [Series("Sam", [6, 7]), Series("Alex", [6, 7])],
            chart_id="c",
        )
    )
    lines = re.findall(r'<polyline points="([^"]+)"', chart)
    assert len(lines) == 2 and lines[0] != lines[1]  # side by side, not one on the other
    assert 'fill="none" stroke="#2f5d8a"' in chart  # a hollow square around the dot
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', chart)]
    assert sizes and min(sizes) >= 11


def test_the_counselor_gives_a_rhythm_item_a_short_label(app, dana, couple, last_week):
    rhythm = last_week["rhythm"]
    url = f"/counselor/couples/{couple.id}/homework/{rhythm.id}/edit"
    form = dana.get(url).get_data(as_text=True)
    assert 'value="One shared activity"' in form  # taken from the wording to start with
    data = {
        "weeks": "",
        "instructions": rhythm.instructions,
        "item1": rhythm.rhythm_items[0].wording,
        "label1": "Repair talk",
        "item2": rhythm.rhythm_items[1].wording,
        "label2": "x" * 41,
        "item3": rhythm.rhythm_items[2].wording,
        "label3": "",
    }
    refused = dana.post(url, data=data)
    assert refused.status_code == 422
    assert "Please keep the label to 40 characters." in text_of(refused)
    assert "Repair talk" in refused.get_data(as_text=True)  # what was typed is kept
    data["label2"] = "Together"
    assert dana.post(url, data=data).status_code == 302
    labels = [
        i.label for i in db.session.scalars(db.select(RhythmItem).order_by(RhythmItem.position))
    ]
    assert labels == ["Repair talk", "Together", "One moment of affection"]
    page = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    grid = page.split('class="grid"', 1)[1].split("</table>", 1)[0]
    assert "Repair talk" in grid and "Together" in grid and "One real conversation:" not in grid

    session = factories.session(couple)
    db.session.commit()
    pdf = dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-counselor.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Repair talk" in text and "Together" in text


def test_the_counselors_copy_marks_every_private_word_and_the_couples_has_none(
    app, dana, couple, last_week, signed_in
):
    session = factories.session(couple, released=True)
    db.session.commit()
    pdf = dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}/summary-counselor.pdf")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    for words in (NOTE, COMMENT, FELT_OFF):
        assert words in text, text
    # The rhythm note, the need comment and the check-in answer each carry the mark.
    assert text.count("Counselor only") >= 3
    alex = signed_in(couple.partner_at(2).user)
    theirs = alex.get(f"/summaries/{session.id}.pdf")
    assert theirs.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(theirs.data)).pages)
    for words in (NOTE, COMMENT, FELT_OFF, "Counselor only"):
        assert words not in " ".join(text.split())


@pytest.mark.parametrize(
    ("wording", "label"),
    [
        ("One real conversation: about repair, not blame.", "One real conversation"),
        ("One shared activity, cooperative rather than competitive: cook.", "One shared activity"),
        ("Hug", "Hug"),
        (
            "Ten minutes each evening to talk about your days without phones or television",
            "Ten minutes each evening to talk about…",
        ),
    ],
)
def test_a_label_is_taken_from_the_wording_sensibly(wording, label):
    assert label_from(wording) == label
    assert len(label_from(wording)) <= 40


def test_a_label_left_as_suggested_follows_a_new_wording(app, dana, couple):
    url = f"/counselor/couples/{couple.id}/homework/new/rhythm"
    form = dana.get(url).get_data(as_text=True)
    assert 'value="One real conversation"' in form
    response = dana.post(
        url,
        data={
            "starts_on": datetime.now(UTC).date().isoformat(),
            "weeks": "6",
            "instructions": "Three small things.",
            "once": re.search(r'name="once"[^>]*value="([^"]+)"', form).group(1),
            "item1": "One real conversation: about repair, not blame.",
            "label1": "One real conversation",
            "item2": "Bake bread together, slowly",
            "label2": "One shared activity",  # the suggestion for the old wording
            "item3": "A hug at the door",
            "label3": "Hug",
        },
    )
    assert response.status_code == 302, text_of(response)
    labels = [
        i.label for i in db.session.scalars(db.select(RhythmItem).order_by(RhythmItem.position))
    ]
    assert labels == ["One real conversation", "Bake bread together", "Hug"]
