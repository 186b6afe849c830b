"""A counselor's own check-in questions: the editor, versions by week, each answer's
wording, ranges, trends of like with like, privacy, the export and the summary."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.homework import couple_week
from extensions import db
from kinds import registry
from kinds.checkin import questions as qs
from kinds.checkin.models import (
    PROMPT,
    SCALE,
    CheckIn,
    CheckInAnswer,
    CheckInQuestion,
    CheckInQuestionSet,
)
from tests import factories
from tests.conftest import login, text_of

CLOSE = qs.Question("qclose", SCALE, "How close we felt", "far apart", "very close", 0, 6)
TRY = qs.Question("qtry", PROMPT, "One thing to try next week")
PRIVATE_WORDS = "I keep this one for the counselor"
SHARED_WORDS = "Cook together on Friday"


def version(assignment, week, questions) -> CheckInQuestionSet:
    """A version of ``assignment``'s questions in force from ``week`` (made directly, as
    the editor would have made it before that week began)."""
    made = CheckInQuestionSet(effective_from=week)
    made.questions = [
        CheckInQuestion(
            **qs.plain(q), position=[x for x in questions if x.kind == q.kind].index(q) + 1
        )
        for q in questions
    ]
    assignment.checkin_question_sets.append(made)
    db.session.flush()
    return made


def question(qset, key) -> CheckInQuestion:
    return next(q for q in qset.questions if q.key == key)


def answer(assignment, partner, week, qset, *, numbers=None, words=None, shared=True):
    """``partner``'s check-in under ``qset``: standard keys into their columns, the rest
    into answers (like the form writes them)."""
    c = CheckIn(
        assignment_id=assignment.id,
        partner_id=partner.id,
        week_start=week,
        scales_shared=shared,
        question_set=qset,
    )
    for key, value in (numbers or {}).items():
        q = question(qset, key) if qset else None
        if q is None or q.column:
            setattr(c, key, value)
        else:
            c.answers.append(
                CheckInAnswer(
                    question_id=q.id,
                    partner_id=partner.id,
                    number=value,
                    visibility="shared" if shared else "counselor",
                )
            )
    for key, (text, visibility) in (words or {}).items():
        q = question(qset, key) if qset else None
        if q is None or q.column:
            setattr(c, key, text)
            setattr(c, f"{key}_visibility", visibility)
        else:
            c.answers.append(
                CheckInAnswer(
                    question_id=q.id, partner_id=partner.id, text=text, visibility=visibility
                )
            )
    db.session.add(c)
    db.session.flush()
    return c


def editor(questions, **fields) -> dict:
    """The counselor's edit form holding ``questions``."""
    data = {
        "weeks": "",
        "instructions": "Check in once a week.",
        "reveal_after_both": "y",
        "questions_shown": "1",
    }
    scales = [q for q in questions if q.kind == SCALE]
    prompts = [q for q in questions if q.kind == PROMPT]
    for i, q in enumerate(scales):
        data |= {
            f"scales-{i}-key": q.key,
            f"scales-{i}-label": q.label,
            f"scales-{i}-low_word": q.low_word,
            f"scales-{i}-high_word": q.high_word,
            f"scales-{i}-low": str(q.low),
            f"scales-{i}-high": str(q.high),
        }
    for i, q in enumerate(prompts):
        data |= {
            f"prompts-{i}-key": q.key,
            f"prompts-{i}-label": q.label,
            f"prompts-{i}-default_visibility": q.default_visibility,
        }
    return data | fields


def edit_url(couple, assignment) -> str:
    return f"/counselor/couples/{couple.id}/homework/{assignment.id}/edit"


@pytest.fixture
def checkin(with_homework):
    return with_homework["checkin"]


# --- The editor ---------------------------------------------------------------------------


def test_a_change_applies_from_next_week_and_this_weeks_form_keeps_its_questions(
    dana, sam, couple, checkin, with_homework
):
    week = with_homework["week"]
    page = dana.get(edit_url(couple, checkin)).get_data(as_text=True)
    assert "How connected I felt" in page and "Reset to the standard questions" in page
    reworded = [replace(qs.STANDARD[0], label="How close I felt to you"), *qs.STANDARD[1:]]
    response = dana.post(edit_url(couple, checkin), data=editor([*reworded, CLOSE, TRY]))
    assert response.status_code == 302
    db.session.expire_all()
    [made] = checkin.checkin_question_sets
    assert made.effective_from == week + timedelta(weeks=1)
    labels = [q.label for q in made.questions]
    assert "How close I felt to you" in labels and TRY.label in labels
    # The reworded scale carries its identity; the new ones get their own.
    assert question(made, "connected").label == "How close I felt to you"
    new_keys = {q.key for q in made.questions} - {q.key for q in qs.STANDARD}
    assert len(new_keys) == 2 and not new_keys & {"qclose", "qtry"}
    # This week's check-in still asks what it asked.
    form = text_of(sam.get(f"/week/{week}/check-in"))
    assert "How connected I felt" in form and TRY.label not in form
    # Saving the same questions again makes no second version.
    dana.post(edit_url(couple, checkin), data=editor([*reworded, CLOSE, TRY]))
    assert db.session.scalar(select(func.count(CheckInQuestionSet.id))) == 1


def test_the_editor_adds_moves_and_removes_without_saving(dana, couple, checkin):
    url = edit_url(couple, checkin)
    added = dana.post(url, data=editor(qs.STANDARD, step="add-scale"))
    assert added.status_code == 200
    html = added.get_data(as_text=True)
    assert 'name="scales-3-label"' in html  # a fourth, empty scale
    moved = dana.post(url, data=editor(qs.STANDARD, step="up-scales-2"))
    html = moved.get_data(as_text=True)
    assert html.index('value="Stress from outside') < html.index('value="How heard I felt"')
    removed = dana.post(url, data=editor(qs.STANDARD, step="remove-prompts-0"))
    assert 'value="What went well"' not in removed.get_data(as_text=True)
    reset = dana.post(url, data=editor([CLOSE], step="reset"))
    assert 'value="How heard I felt"' in reset.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckInQuestionSet.id))) == 0


@pytest.mark.parametrize(
    "questions, fields, message",
    [
        ([], {}, "Please keep at least one question"),
        ([replace(CLOSE, key=f"k{i}") for i in range(9)], {}, "at most 8 scales"),
        ([CLOSE], {"scales-0-label": ""}, "Please word the scale, or remove it."),
        ([CLOSE], {"scales-0-high": "12"}, "Please choose the highest number, from 2 to 10."),
        ([TRY], {"prompts-0-label": "x" * 201}, "Please keep it to 200 characters."),
    ],
)
def test_the_editor_refuses_with_a_message_and_keeps_what_was_typed(
    dana, couple, checkin, questions, fields, message
):
    response = dana.post(
        edit_url(couple, checkin), data=editor(questions, instructions="Kept words", **fields)
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert "Kept words" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckInQuestionSet.id))) == 0


def test_a_new_assignment_asks_its_questions_from_its_first_week(dana, couple):
    data = editor([CLOSE, TRY], starts_on=couple_week(couple).start.isoformat())
    data["once"] = "a-new-checkin"
    response = dana.post(f"/counselor/couples/{couple.id}/homework/new/checkin", data=data)
    assert response.status_code == 302
    made = db.session.scalar(select(CheckInQuestionSet))
    assert made.effective_from == couple_week(couple).start
    assert [q.label for q in made.questions] == [CLOSE.label, TRY.label]


def test_template_settings_round_trip(app, couple, checkin):
    kind = registry.named("checkin")
    version(checkin, checkin.starts_on, [qs.STANDARD[0], CLOSE, TRY])
    checkin.reveal_after_both = False
    settings = kind.template_settings(checkin)
    settings = json.loads(json.dumps(settings))  # plain JSON, as a template keeps it
    other = factories.couple(factories.counselor("Lee Okafor"), "Kim & Jo", ("Kim", "Jo"))
    with app.test_request_context(method="GET"):
        form = kind.assignment_form()(meta={"csrf": False})
        kind.prefill(form, None)
        kind.prefill_template(form, settings)
        assert form.reveal_after_both.data is False
        from domain.homework import assign

        made = assign(
            other,
            "checkin",
            starts_on=couple_week(other).start,
            weeks=None,
            instructions="Theirs",
            form=form,
        )
    db.session.flush()
    [qset] = made.checkin_question_sets
    assert [qs.plain(q) | {"key": ""} for q in qset.questions] == [
        qs.plain(q) | {"key": ""} for q in (qs.STANDARD[0], CLOSE, TRY)
    ]
    # A standard question keeps its identity; another couple's keys are new here.
    assert qset.questions[0].key == "connected"
    assert made.reveal_after_both is False
    # Odd settings keep the defaults.
    with app.test_request_context(method="GET"):
        form = kind.assignment_form()(meta={"csrf": False})
        kind.prefill(form, None)
        kind.prefill_template(form, {"questions": "nonsense", "reveal_after_both": "yes"})
        assert qs.is_standard(form.questions())


# --- The partner's form -------------------------------------------------------------------


def test_each_scale_is_checked_against_its_own_range(sam, checkin, with_homework):
    week = with_homework["week"]
    qset = version(checkin, week, [qs.STANDARD[0], CLOSE, TRY])
    db.session.commit()
    page = sam.get(f"/week/{week}/check-in").get_data(as_text=True)
    assert 'name="q_qclose" value="0"' in page and 'name="q_qclose" value="7"' not in page
    data = {
        "version": "0",
        "connected": "6",
        "q_qclose": "7",
        "scales_shared": "y",
        "q_qtry": SHARED_WORDS,
        "q_qtry_visibility": "shared",
    }
    refused = sam.post(f"/week/{week}/check-in", data=data)
    assert refused.status_code == 422
    assert "Please choose a number from 0 to 6." in text_of(refused)
    assert SHARED_WORDS in refused.get_data(as_text=True)
    saved = sam.post(f"/week/{week}/check-in", data=data | {"q_qclose": "0"})
    assert saved.status_code == 302
    c = db.session.scalar(select(CheckIn))
    assert c.question_set_id == qset.id and c.connected == 6 and c.heard is None
    stored = {a.question.key: (a.number, a.text) for a in c.answers}
    assert stored == {"qclose": (0, ""), "qtry": (None, SHARED_WORDS)}
    # Changing it later keeps the one check-in and its answers.
    again = sam.post(
        f"/week/{week}/check-in", data=data | {"q_qclose": "5", "version": str(c.version)}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert {a.question.key: a.number for a in c.answers}["qclose"] == 5


def test_a_partner_never_reads_the_others_private_custom_answers(
    sam, alex, couple, checkin, with_homework
):
    week = with_homework["week"]
    qset = version(checkin, week, [CLOSE, TRY, replace(TRY, key="qmore", label="And more")])
    answer(
        checkin,
        couple.partner_at(2),
        week,
        qset,
        numbers={"qclose": 2},
        words={"qtry": (SHARED_WORDS, "shared"), "qmore": (PRIVATE_WORDS, "counselor")},
        shared=False,
    )
    checkin.reveal_after_both = False
    db.session.commit()
    html = sam.get("/week").get_data(as_text=True)
    assert SHARED_WORDS in html and PRIVATE_WORDS not in html
    assert "How close we felt 2" not in text_of(sam.get("/week"))
    # Alex reads their own.
    own = text_of(alex.get("/week"))
    assert PRIVATE_WORDS in own and "How close we felt 2 (0–6)" in own


# --- The counselor: wording kept, trends of like with like --------------------------------


def test_old_answers_keep_their_wording_and_trends_join_only_the_same_range(
    dana, couple, checkin, with_homework
):
    week = with_homework["week"]
    weeks = [week - timedelta(weeks=n) for n in (3, 2, 1, 0)]
    checkin.starts_on = weeks[0]
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    # Week 0: the standard questions. Week 1: "connected" reworded, a prompt added.
    # Week 2: "heard" asked on 0–6 (a new trend). Week 3: reworded again.
    answer(checkin, sam, weeks[0], None, numbers={"connected": 4, "heard": 5, "stress": 6})
    v1 = version(
        checkin,
        weeks[1],
        [replace(qs.STANDARD[0], label="How close I felt"), *qs.STANDARD[1:], TRY],
    )
    answer(
        checkin,
        sam,
        weeks[1],
        v1,
        numbers={"connected": 6, "heard": 5, "stress": 3},
        words={"qtry": ("A walk on Sunday", "counselor")},
    )
    heard_06 = replace(qs.STANDARD[1], low=0, high=6)
    v2 = version(
        checkin, weeks[2], [replace(qs.STANDARD[0], label="How close I felt"), heard_06, TRY]
    )
    answer(checkin, sam, weeks[2], v2, numbers={"connected": 7, "heard": 2})
    answer(checkin, alex, weeks[2], v2, numbers={"connected": 3, "heard": 4})
    v3 = version(checkin, weeks[3], [replace(qs.STANDARD[0], label="Closeness"), heard_06])
    answer(checkin, sam, weeks[3], v3, numbers={"connected": 8, "heard": 3})
    db.session.commit()
    assert v2.questions[1].column is None  # heard on 0–6 is not the standard column

    page = dana.get(f"/counselor/couples/{couple.id}")
    html = page.get_data(as_text=True)
    text = text_of(page)
    # One chart for "connected" (same key, same range, three wordings), one for heard 1–10,
    # one for heard 0–6, one for stress.
    assert 'id="chart-connected-t"' in html
    assert 'id="chart-heard-t"' in html and 'id="chart-heard-0-6-t"' in html
    assert html.count("<svg") == 4
    assert "earlier weeks asked: “How connected I felt”, “How close I felt”" in text
    # "Since the last session": each week's answers as they were asked.
    assert "A walk on Sunday" in text and TRY.label in text
    assert "How close I felt 6" in text or "How close I felt 7" in text
    assert "connected 4 · heard 5 · outside stress 6" in text
    assert "heard 2 (0–6)" in text.replace("How heard I felt", "heard")

    # The dashboard compares only standard columns: heard on 0–6 is never compared to 1–10.
    dash = dana.get("/counselor/")
    assert dash.status_code == 200
    assert "feeling heard dropped" not in text_of(dash)


# --- Export and summary -------------------------------------------------------------------


def test_export_and_summary_show_each_answers_wording(app, couple, checkin, with_homework):
    from domain import export
    from domain.pdf import summary_html
    from domain.summary import COUNSELOR_COPY, COUPLE_COPY, build

    week = with_homework["week"]
    qset = version(checkin, week, [CLOSE, TRY, replace(TRY, key="qmore", label="And more")])
    answer(
        checkin,
        couple.partner_at(1),
        week,
        qset,
        numbers={"qclose": 5},
        words={"qtry": (SHARED_WORDS, "shared"), "qmore": (PRIVATE_WORDS, "counselor")},
    )
    session = factories.session(couple, released=True)
    session.held_at = session.held_at + timedelta(days=1)
    db.session.commit()

    counselor = json.dumps(export.counselor_record(couple))
    assert PRIVATE_WORDS in counselor and "And more" in counselor
    assert '"from_week"' in counselor and "How close we felt" in counselor
    alex = export.partner_record(couple.partner_at(2))
    rows = json.dumps(alex)
    assert SHARED_WORDS in rows and PRIVATE_WORDS not in rows and TRY.label in rows
    sam = json.dumps(export.partner_record(couple.partner_at(1)))
    assert PRIVATE_WORDS in sam

    couple_copy = summary_html(build(session, COUPLE_COPY))
    counselor_copy = summary_html(build(session, COUNSELOR_COPY))
    assert SHARED_WORDS in couple_copy and PRIVATE_WORDS not in couple_copy
    assert TRY.label in couple_copy and "How close we felt 5 (0–6)" in couple_copy
    assert PRIVATE_WORDS in counselor_copy and "And more" in counselor_copy


def test_a_partner_who_leaves_takes_their_private_custom_answers(app, couple, checkin):
    from domain import erasure

    week = checkin.starts_on
    qset = version(checkin, week, [CLOSE, TRY, replace(TRY, key="qmore", label="And more")])
    sam = couple.partner_at(1)
    answer(
        checkin,
        sam,
        week,
        qset,
        numbers={"qclose": 5},
        words={"qtry": (SHARED_WORDS, "shared"), "qmore": (PRIVATE_WORDS, "counselor")},
    )
    db.session.commit()
    erasure.leave(sam)
    db.session.commit()
    texts = set(db.session.scalars(select(CheckInAnswer.text)))
    assert SHARED_WORDS in texts and PRIVATE_WORDS not in texts


# --- Queries stay constant as questions and versions grow ---------------------------------


@pytest.mark.parametrize("page", ["couple", "week"])
def test_pages_read_the_same_number_of_queries_however_many_questions_and_versions(
    app, queries, page
):
    counts = []
    for n in (1, 4):
        counselor = factories.counselor(f"Counselor {n}")
        couple = factories.couple(counselor, f"Couple {n}", names=(f"Sam{n}", f"Alex{n}"))
        made = factories.homework(couple)
        factories.history(couple, made, 2)
        checkin = made["checkin"]
        week = made["week"]
        for v in range(n):
            asked = [replace(CLOSE, key=f"s{i}", label=f"Scale {v}.{i}") for i in range(n + 1)] + [
                replace(TRY, key=f"p{i}", label=f"Prompt {v}.{i}") for i in range(n + 1)
            ]
            version(checkin, week - timedelta(weeks=10 * (n - v)), asked)
        # Replace this week's check-ins with ones under the newest version.
        for c in db.session.scalars(select(CheckIn).where(CheckIn.week_start == week)):
            db.session.delete(c)
        db.session.flush()
        newest = checkin.checkin_question_sets[-1]
        for partner in couple.partners:
            answer(
                checkin,
                partner,
                week,
                newest,
                numbers={f"s{i}": 3 for i in range(n + 1)},
                words={f"p{i}": ("Words", "shared") for i in range(n + 1)},
            )
        db.session.commit()
        client = app.test_client()
        user = counselor if page == "couple" else couple.partner_at(1).user
        path = f"/counselor/couples/{couple.id}" if page == "couple" else "/week"
        login(client, user.email)
        client.get(path)
        with queries() as q:
            response = client.get(path)
        assert response.status_code == 200
        assert "Prompt" in text_of(response)
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_a_form_without_the_editor_leaves_the_questions_as_they_are(dana, couple, checkin):
    version(checkin, checkin.starts_on + timedelta(weeks=1), [CLOSE])
    db.session.commit()
    data = editor([]) | {"instructions": "New words"}
    del data["questions_shown"]
    assert dana.post(edit_url(couple, checkin), data=data).status_code == 302
    db.session.expire_all()
    [kept] = checkin.checkin_question_sets
    assert [q.label for q in kept.questions] == [CLOSE.label]
    assert checkin.instructions == "New words"
