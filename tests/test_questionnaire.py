"""Questionnaires: a counselor's own definition, scored in one function (reversed items,
missing answers), frozen into versions once in use, answered by each partner for the
counselor unless shared, and read side by side over time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.pdf import summary_html
from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build
from extensions import db
from kinds.questionnaire import library
from kinds.questionnaire.models import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireOption,
    QuestionnaireTake,
)
from kinds.questionnaire.scoring import past_cutoff, reliable, score
from tests import factories
from tests.conftest import login, text_of

# --- Scoring, by hand -----------------------------------------------------------------


def definition(score_as="sum", reversed_items=(), n=4, points=(0, 1, 2, 3, 4), **lines):
    """An unsaved definition whose items have ids 1..n (enough for ``score``)."""
    q = Questionnaire(name="Test", score_as=score_as, **lines)
    q.options = [QuestionnaireOption(points=p, label=str(p)) for p in points]
    q.items = [
        QuestionnaireItem(id=i, position=i, text=f"Item {i}", reversed=i in reversed_items)
        for i in range(1, n + 1)
    ]
    return q


def test_a_sum_adds_the_points():
    assert score(definition(), {1: 0, 2: 1, 3: 3, 4: 4}).value == 8


def test_a_reversed_item_counts_the_other_way():
    # Item 2 reversed on 0..4: 1 counts as 3, so 0 + 3 + 3 + 4 = 10.
    got = score(definition(reversed_items={2}), {1: 0, 2: 1, 3: 3, 4: 4})
    assert got.value == 10 and got.complete
    # On a 1..5 scale, reversed 5 counts as 1 (1 + 5 - 5).
    q = definition(reversed_items={1, 3}, points=(1, 2, 3, 4, 5))
    assert score(q, {1: 5, 2: 5, 3: 2, 4: 1}).value == 1 + 5 + 4 + 1


def test_a_mean_divides_by_the_items():
    got = score(definition("mean", reversed_items={4}), {1: 1, 2: 2, 3: 4, 4: 4})
    assert got.value == pytest.approx((1 + 2 + 4 + 0) / 4)  # 1.75
    assert got.shown == "1.8"


def test_a_missing_answer_makes_the_score_incomplete_not_lower():
    q = definition()
    got = score(q, {1: 4, 2: 4, 4: 4})
    assert got.value is None and not got.complete
    assert [i.id for i in got.missing] == [3]
    assert got.shown == "incomplete (1 item unanswered)"
    assert score(q, {}).shown == "incomplete (4 items unanswered)"


def test_cutoff_and_reliable_change():
    above = definition(cutoff=10, cutoff_side="above", reliable_change=4)
    assert past_cutoff(above, 10) and not past_cutoff(above, 9.5)
    assert not past_cutoff(above, None)
    below = definition(cutoff=6, cutoff_side="below")
    assert past_cutoff(below, 6) and not past_cutoff(below, 7)
    assert reliable(above, 12, 8) and reliable(above, 3, 7) and not reliable(above, 3, 6)
    assert not reliable(above, None, 8)
    assert not reliable(below, 0, 20)  # no difference set: nothing is marked


# --- The counselor's library -----------------------------------------------------------


def definition_form(**overrides) -> dict:
    data = {
        "name": "Closeness check",
        "instructions": "Think about the last two weeks.",
        "source": "My own items, written for my practice.",
        "options": "0 = Never\n1 = Sometimes\n2 = Often\n3 = Always",
        "items-0-text": "We laughed together.",
        "items-1-text": "I felt listened to.",
        "items-2-text": "I felt shut out.",
        "items-2-reversed": "y",
        "items-3-text": "",
        "score_as": "sum",
        "cutoff": "4",
        "cutoff_side": "below",
        "cutoff_meaning": "worth talking about in session",
        "reliable_change": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def made(name="Closeness check") -> Questionnaire:
    return db.session.scalar(
        select(Questionnaire).where(Questionnaire.name == name).order_by(Questionnaire.id.desc())
    )


def test_a_counselor_defines_a_questionnaire(dana, counselor):
    page = text_of(dana.get("/counselor/questionnaires"))
    assert "Feeling connected and heard" in page
    assert "Hearth's own, not a validated instrument" in page
    response = dana.post("/counselor/questionnaires/new", data=definition_form())
    assert response.status_code == 302
    q = made()
    assert q.owner_id == counselor.id
    assert [(i.text, i.reversed) for i in q.items] == [
        ("We laughed together.", False),
        ("I felt listened to.", False),
        ("I felt shut out.", True),
    ]
    assert [(o.points, o.label) for o in q.options] == [
        (0, "Never"),
        (1, "Sometimes"),
        (2, "Often"),
        (3, "Always"),
    ]
    assert (q.cutoff, q.cutoff_side, q.reliable_change) == (4, "below", 3)
    shown = text_of(dana.get(f"/counselor/questionnaires/{q.id}"))
    assert "Source and licence: My own items, written for my practice." in shown
    assert "I felt shut out. (reverse-scored)" in shown
    assert "from 0 to 9" in shown


def test_bad_input_is_named_beside_its_field_and_kept(dana):
    response = dana.post(
        "/counselor/questionnaires/new",
        data=definition_form(
            options="0 = Never\nsometimes",
            **{"items-0-text": "", "items-1-text": "", "items-2-text": ""},
            cutoff="5",
            cutoff_meaning="",
            source="",
        ),
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Please write each option as points = words" in page
    assert "Please write at least one item." in page
    assert "Please say what a score past the cut-off means." in page
    assert "Please say where the items come from" in page
    assert "Closeness check" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Questionnaire.id))) <= 1  # Hearth's own only


def test_add_an_item_keeps_what_was_typed(dana):
    response = dana.post(
        "/counselor/questionnaires/new", data=definition_form(add_item="1", name="Half typed")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="items-4-text"' in html and "Half typed" in html and "I felt shut out." in html
    assert made("Half typed") is None


def test_an_unused_questionnaire_is_edited_in_place(dana):
    dana.post("/counselor/questionnaires/new", data=definition_form())
    q = made()
    response = dana.post(
        f"/counselor/questionnaires/{q.id}/edit",
        data=definition_form(**{"items-0-text": "We laughed together a lot."}),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert made().id == q.id and made().items[0].text == "We laughed together a lot."


def test_a_questionnaire_in_use_gets_a_new_version_and_old_answers_keep_their_wording(
    dana, sam, couple, with_homework
):
    dana.post("/counselor/questionnaires/new", data=definition_form())
    q = made()
    schedule = with_homework["questionnaire"].questionnaire_schedule
    schedule.questionnaire_id = q.id
    db.session.commit()
    week = with_homework["week"]
    assert answer(sam, week, q, [1, 2, 3]).status_code == 302
    assert "Make a new version" in text_of(dana.get(f"/counselor/questionnaires/{q.id}"))
    response = dana.post(
        f"/counselor/questionnaires/{q.id}/edit",
        data=definition_form(**{"items-0-text": "We had fun together."}),
    )
    assert response.status_code == 302
    db.session.expire_all()
    newer = made()
    assert newer.id != q.id and newer.number == 2 and newer.family == q.id
    assert db.session.get(Questionnaire, q.id).items[0].text == "We laughed together."
    # The couple moves to the new version; Sam's take stays with the words Sam answered.
    schedule = db.session.get(type(schedule), schedule.id)
    schedule.questionnaire_id = newer.id
    db.session.commit()
    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "We laughed together. Sometimes" in page
    assert "We had fun together." not in page
    again = text_of(sam.get(f"/week/{week}/questionnaire"))
    assert "We laughed together." in again and "We had fun together." not in again


def test_another_counselors_questionnaire_is_not_found(dana, app):
    dana.post("/counselor/questionnaires/new", data=definition_form())
    q = made()
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    lee = app.test_client()
    login(lee, other.email)
    for path in ("", "/edit"):
        assert lee.get(f"/counselor/questionnaires/{q.id}{path}").status_code == 404
    assert lee.post(f"/counselor/questionnaires/{q.id}/retire").status_code == 404
    assert "Closeness check" not in text_of(lee.get("/counselor/questionnaires"))


def test_hearths_own_is_read_only_and_copied_to_change(dana, counselor):
    shipped = library.shipped()
    db.session.commit()
    page = text_of(dana.get(f"/counselor/questionnaires/{shipped.id}"))
    assert "not a validated instrument" in page and "Make a copy to change" in page
    form = dana.get(f"/counselor/questionnaires/{shipped.id}/edit").get_data(as_text=True)
    assert 'value="Feeling connected and heard (my copy)"' in form
    response = dana.post(
        f"/counselor/questionnaires/{shipped.id}/edit",
        data=definition_form(name="Connected, my way"),
    )
    assert response.status_code == 302
    assert made("Connected, my way").owner_id == counselor.id
    assert library.shipped().items[0].text == "My partner seemed curious about my day."
    assert dana.post(f"/counselor/questionnaires/{shipped.id}/retire").status_code == 404


def test_a_retired_questionnaire_is_not_offered(dana, couple):
    dana.post("/counselor/questionnaires/new", data=definition_form())
    q = made()
    assert f'value="{q.id}"' in dana.get(
        f"/counselor/couples/{couple.id}/homework/new/questionnaire"
    ).get_data(as_text=True)
    dana.post(f"/counselor/questionnaires/{q.id}/retire")
    assert made().retired_at is not None
    html = dana.get(f"/counselor/couples/{couple.id}/homework/new/questionnaire").get_data(
        as_text=True
    )
    assert f'value="{q.id}"' not in html
    assert "Retired" in text_of(dana.get("/counselor/questionnaires"))


def test_assigning_a_questionnaire_every_two_weeks(dana, couple):
    dana.post("/counselor/questionnaires/new", data=definition_form())
    q = made()
    response = dana.post(
        f"/counselor/couples/{couple.id}/homework/new/questionnaire",
        data={
            "starts_on": _this_week(couple).isoformat(),
            "instructions": "A few minutes on your own.",
            "questionnaire_id": str(q.id),
            "every_weeks": "2",
        },
    )
    assert response.status_code == 302
    assignment = couple.assignments[-1]
    assert assignment.questionnaire_schedule.questionnaire_id == q.id
    assert assignment.questionnaire_schedule.every_weeks == 2
    refused = dana.post(
        f"/counselor/couples/{couple.id}/homework/new/questionnaire",
        data={"starts_on": "", "instructions": "x", "questionnaire_id": "999999"},
    )
    assert refused.status_code == 422
    assert "Please choose one of the questionnaires listed." in text_of(refused)


def _this_week(couple):
    from domain.homework import couple_week

    return couple_week(couple).start


# --- Partners answering ----------------------------------------------------------------


def answer(client, week, q, points, **extra):
    data = {"version": "0", "note": "", "note_visibility": "counselor"}
    for item, p in zip(q.items, points, strict=False):
        if p is not None:
            data[f"item-{item.id}"] = str(p)
    data.update(extra)
    return client.post(f"/week/{week}/questionnaire", data=data)


def shipped_of(with_homework) -> Questionnaire:
    return with_homework["questionnaire"].questionnaire_schedule.questionnaire


def test_answers_are_for_the_counselor_unless_shared(sam, alex, dana, couple, with_homework):
    week = with_homework["week"]
    q = shipped_of(with_homework)
    page = sam.get(f"/week/{week}/questionnaire")
    assert "My partner seemed curious about my day." in text_of(page)
    response = answer(sam, week, q, [4, 4, 3, 0, 4, 1], note="Kept for Dana only")
    assert response.status_code == 302
    theirs = text_of(alex.get("/week"))
    assert "Sam (partner) has answered it." in theirs
    assert "Kept for Dana only" not in theirs and "Score" not in theirs
    # Reversed items 4 and 6: 0 counts 4, 1 counts 3: 4+4+3+4+4+3 = 22.
    counselor_page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "22" in counselor_page and "Kept for Dana only" in counselor_page
    answer(alex, week, q, [2, 2, 2, 2, 2, 2], score_shared="y", note="Shared words")
    mine = text_of(sam.get("/week"))
    assert "Alex (partner) shared: Score: 12" in mine


def test_a_blank_line_is_incomplete_and_a_made_up_answer_refused(sam, dana, couple, with_homework):
    week = with_homework["week"]
    q = shipped_of(with_homework)
    bad = answer(sam, week, q, [4, 9, 3, 0, 4, 1], note="Still here")
    assert bad.status_code == 422
    assert "Please choose one of the answers listed." in text_of(bad)
    html = bad.get_data(as_text=True)
    assert "Still here" in html
    assert re.search(f'name="item-{q.items[0].id}" value="4"\\s+checked', html)
    assert db.session.scalar(select(func.count(QuestionnaireTake.id))) == 0
    empty = answer(sam, week, q, [None] * 6, note="Nothing yet")
    assert empty.status_code == 422
    assert "Please answer at least one line before saving." in text_of(empty)
    assert "Nothing yet" in empty.get_data(as_text=True)
    assert answer(sam, week, q, [4, None, 3, 0, 4, 1]).status_code == 302
    page = text_of(dana.get(f"/counselor/couples/{couple.id}"))
    assert "incomplete (1 item unanswered)" in page


def take_at(with_homework, partner, weeks_back, points, shared=False):
    assignment = with_homework["questionnaire"]
    week = with_homework["week"] - timedelta(weeks=weeks_back)
    q = assignment.questionnaire_schedule.questionnaire
    db.session.add(
        QuestionnaireTake(
            assignment_id=assignment.id,
            partner_id=partner.id,
            questionnaire_id=q.id,
            week_start=week,
            answers={str(i.id): p for i, p in zip(q.items, points, strict=True)},
            score_shared=shared,
        )
    )
    return week


@pytest.fixture
def two_rounds(couple, with_homework, counselor):
    """Both partners answered a questionnaire with a cut-off and a reliable-change
    difference, two weeks ago and this week; Sam shared the score, Alex did not."""
    q = library.build(
        {
            "name": "Closeness check",
            "source": "My own items.",
            "score_as": "sum",
            "cutoff": 4,
            "cutoff_meaning": "worth talking about",
            "cutoff_side": "below",
            "reliable_change": 3,
            "options": [[0, "Never"], [1, "Sometimes"], [2, "Often"], [3, "Always"]],
            "items": [["We laughed.", False], ["I felt heard.", False], ["I felt shut out.", True]],
        },
        owner_id=counselor.id,
    )
    db.session.add(q)
    db.session.flush()
    assignment = with_homework["questionnaire"]
    assignment.questionnaire_schedule.questionnaire = q
    assignment.questionnaire_schedule.every_weeks = 2
    assignment.starts_on = with_homework["week"] - timedelta(weeks=2)
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    take_at(with_homework, sam, 2, [1, 1, 2], shared=True)  # 1+1+1 = 3
    take_at(with_homework, sam, 0, [3, 2, 0], shared=True)  # 3+2+3 = 8
    take_at(with_homework, alex, 2, [2, 2, 1])  # 2+2+2 = 6
    take_at(with_homework, alex, 0, [1, 1, 2])  # 1+1+1 = 3
    db.session.commit()
    return q


def test_the_counselor_sees_both_partners_over_time(dana, couple, two_rounds):
    response = dana.get(f"/counselor/couples/{couple.id}")
    html = response.get_data(as_text=True)
    assert 'id="chart-questionnaire-t"' in html
    assert "cut-off 4" in html  # the line on the chart
    page = text_of(response)
    assert "Source and licence: My own items." in page
    assert "Changed by more than the reliable-change difference (3 to 8)" in page
    assert "Changed by more than the reliable-change difference (6 to 3)" in page
    assert "Past the cut-off: worth talking about" in page
    dashboard = text_of(dana.get("/counselor/"))
    assert "Sam's Closeness check score changed by more than the reliable-change" in dashboard
    assert "Alex's Closeness check score crossed the cut-off (6 to 3: worth talking about)" in (
        dashboard
    )


def test_the_dashboard_compares_the_last_two_takes_of_many(dana, couple, with_homework, two_rounds):
    """Older takes are not read at all: only each partner's last two count."""
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    for weeks_back in (4, 6, 8):
        take_at(with_homework, sam, weeks_back, [0, 0, 3])  # 0: far below
        take_at(with_homework, alex, weeks_back, [3, 3, 0])  # 9
    db.session.commit()
    dashboard = text_of(dana.get("/counselor/"))
    assert "Sam's Closeness check score changed by more than the reliable-change" in dashboard
    assert "(3 to 8)" in dashboard
    assert "Alex's Closeness check score crossed the cut-off (6 to 3: worth talking about)" in (
        dashboard
    )
    assert "Last questionnaire: week of" in dashboard


def test_the_couples_copy_shows_only_shared_scores(couple, two_rounds):
    session = factories.session(couple, released=True)
    session.held_at = session.held_at + timedelta(days=1)
    db.session.commit()
    counselor_html = summary_html(build(session, COUNSELOR_COPY), "a4")
    couple_html = summary_html(build(session, COUPLE_COPY), "a4")
    assert "Sam (partner): score 8" in " ".join(counselor_html.split())
    assert "Alex (partner): score 3" in " ".join(counselor_html.split())
    assert 'id="pdf-questionnaire-t"' in counselor_html
    flat = " ".join(couple_html.split())
    assert "Sam (partner): score 8" in flat
    assert "Alex (partner): score" not in flat and "Alex (partner): answered" in flat


def test_the_export_holds_ones_own_answers_and_only_the_shared_of_the_other(
    signed_in, couple, two_rounds
):
    import io
    import json
    import zipfile

    alex = signed_in(couple.partner_at(2).user)
    response = alex.post("/account/export")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith(".json"))))
    rows = json.dumps(data)
    assert '"questionnaire_takes"' in rows
    takes = _find(data, "questionnaire_takes")
    mine = [t for t in takes if t.get("answers_for")]
    assert {t["score"] for t in mine} == {6, 3}
    theirs = [t for t in takes if not t.get("answers_for")]
    assert {t["score"] for t in theirs} == {3, 8}  # Sam shared


def _find(data, key):
    if isinstance(data, dict):
        if key in data:
            return data[key]
        for v in data.values():
            if (found := _find(v, key)) is not None:
                return found
    if isinstance(data, list):
        for v in data:
            if (found := _find(v, key)) is not None:
                return found
    return None


# --- Export and import of definitions -------------------------------------------------


def test_export_and_import_round_trip(app, counselor, two_rounds):
    rows = library.export_questionnaires(counselor.id)
    assert [r["name"] for r in rows] == ["Closeness check"]
    assert rows[0]["items"][2] == ["I felt shut out.", True]
    assert "answers" not in str(rows)
    colleague = factories.counselor("Lee Okafor")
    db.session.flush()
    added, problems = library.import_questionnaires(colleague.id, rows)
    assert (added, problems) == (1, [])
    theirs = library.export_questionnaires(colleague.id)
    assert theirs == rows


def test_a_bad_file_adds_nothing_and_says_why(app, counselor):
    good = library.plain(library.shipped())
    bad = [
        good,
        {**good, "name": "", "options": [[0, "No"], [0, "Also no"]]},
        {**good, "name": "Weird", "items": [["Fine", "yes"]], "score_as": "median"},
        "not a questionnaire",
    ]
    added, problems = library.import_questionnaires(counselor.id, bad)
    assert added == 0
    text = " ".join(problems)
    assert "Questionnaire 2 has no name." in text
    assert "gives 0 points to two answer options" in text
    assert "Questionnaire 3 (Weird) has an item that is not words" in text
    assert 'neither "sum" nor "mean"' in text
    assert "Questionnaire 4 is not a questionnaire." in text
    assert library.export_questionnaires(counselor.id) == []
    assert library.import_questionnaires(counselor.id, {"name": "x"}) == (
        0,
        ["The questionnaires in this file are not a list."],
    )


def test_a_stale_page_with_no_items_comes_back_with_what_was_typed(dana):
    """A page left open (its form token no longer good) and every item line empty: the
    form again with the name kept and nothing saved, never an error page."""
    data = definition_form(
        **{"items-0-text": "", "items-1-text": "", "items-2-text": "", "name": "Kept name"}
    )
    data["csrf_token"] = "stale"
    response = dana.post("/counselor/questionnaires/new", data=data, csrf=False)
    assert response.status_code in (400, 422)
    assert 'value="Kept name"' in response.get_data(as_text=True)
    assert made("Kept name") is None


def test_the_dashboards_plain_rules_score_as_the_versions_do(two_rounds):
    """``scoring_rules`` (plain rows, for dashboards) against the versions themselves."""
    from kinds.questionnaire.kind import definitions, scoring_rules

    shipped = library.shipped()
    db.session.commit()
    ids = [two_rounds.id, shipped.id]
    rules, versions = scoring_rules(ids), definitions(ids)
    assert set(rules) == set(versions) == set(ids)
    for qid in ids:
        q, r = versions[qid], rules[qid]
        assert (r.low, r.high, r.score_as, r.cutoff, r.name) == (
            q.low,
            q.high,
            q.score_as,
            q.cutoff,
            q.name,
        )
        for pick in (q.low, q.high, None):
            answers = {
                i.id: (pick if pick is not None else [o.points for o in q.options][n % 2])
                for n, i in enumerate(q.items)
            }
            assert score(r, answers) == score(q, answers)
