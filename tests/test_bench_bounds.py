"""The benchmark's lower bounds (``bench.serving``): each does what its row in
``bench/RESULTS.md`` says it costs, behind the same sign-in as a page, and none of them
exists in the app that production serves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bench import serving
from domain.confidentiality import Approach
from extensions import db
from kinds.needs.models import Need, NeedRating
from models import AuditEvent
from tests import factories
from tests.conftest import CsrfClient, _test_config, login
from tests.test_confidentiality import policy_form

BOUNDS = (
    serving.SIGNED_IN_PATH,
    serving.AUDITED_PATH,
    serving.PARTNER_PATH,
    serving.WEEK_READ_PATH,
    serving.COUPLE_READ_PATH.format(1),
    serving.DASHBOARD_READ_PATH,
    serving.WEEK_STORED_PATH,
    serving.COUPLE_STORED_PATH.format(1),
)


@pytest.fixture
def bench_app(app, database_url):
    bench = serving.create_app(_test_config(database_url))
    bench.test_client_class = CsrfClient
    yield bench
    with bench.app_context():  # its own engine: its connections are closed, not left to GC
        db.engine.dispose()


def audit_rows() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_the_bounds_need_the_sign_in_a_page_needs(bench_app, couple):
    client = bench_app.test_client()
    for path in BOUNDS:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]
    login(client, couple.partner_at(1).user.email)
    # A partner is not a counselor: the counselor's bounds refuse them, as pages do.
    for path in (serving.SIGNED_IN_PATH, serving.AUDITED_PATH, serving.DASHBOARD_READ_PATH):
        assert client.get(path).status_code == 403, path
    assert client.get(serving.COUPLE_READ_PATH.format(couple.id)).status_code == 403


def test_signed_in_reads_the_account_and_writes_nothing(bench_app, counselor):
    client = bench_app.test_client()
    login(client, counselor.email)
    before = audit_rows()
    response = client.get(serving.SIGNED_IN_PATH)
    assert response.status_code == 200
    assert response.text == "ok\n"
    assert audit_rows() == before


def test_audited_commits_one_audit_row_per_request(bench_app, counselor):
    client = bench_app.test_client()
    login(client, counselor.email)
    before = audit_rows()
    for _ in range(3):
        assert client.get(serving.AUDITED_PATH).status_code == 200
    db.session.expire_all()
    assert audit_rows() == before + 3
    newest = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert newest.kind == "viewed"
    assert newest.actor_id == counselor.id


def test_partner_asks_what_every_partner_page_asks(bench_app, couple, counselor):
    client = bench_app.test_client()
    login(client, counselor.email)
    assert client.get(serving.PARTNER_PATH).status_code == 403
    partner = bench_app.test_client()
    login(partner, couple.partner_at(1).user.email)
    assert partner.get(serving.PARTNER_PATH).text == "ok\n"
    # The counselor changes the policy: the bound's check now finds it unread, as the
    # check before a partner's page would (and send them to read it).
    changed = client.post(
        "/counselor/settings/confidentiality",
        data=policy_form(approach=Approach.LIMITED_SECRETS),
    )
    assert changed.status_code == 302
    assert partner.get(serving.PARTNER_PATH).text == "changed\n"


def test_week_read_builds_this_weeks_cards(bench_app, couple):
    factories.homework(couple, kinds=factories.CORE_KINDS)
    db.session.commit()
    client = bench_app.test_client()
    login(client, couple.partner_at(1).user.email)
    response = client.get(serving.WEEK_READ_PATH)
    assert response.status_code == 200
    # One card per kind of homework the couple has this week, as This week shows them.
    assert response.text == f"{len(factories.CORE_KINDS)}\n"


def test_couple_read_gathers_the_couple_page_and_records_the_view(bench_app, couple, counselor):
    factories.homework(couple, kinds=factories.CORE_KINDS)
    db.session.commit()
    client = bench_app.test_client()
    login(client, counselor.email)
    before = audit_rows()
    response = client.get(serving.COUPLE_READ_PATH.format(couple.id))
    assert response.status_code == 200
    assert response.text == "2 True 0\n"  # both places, a review, no private words
    db.session.expire_all()
    assert audit_rows() == before + 1
    # Another counselor's couple is not theirs to read, as on the couple page.
    other = factories.counselor("Robin Lee")
    db.session.commit()
    stranger = bench_app.test_client()
    login(stranger, other.email)
    assert stranger.get(serving.COUPLE_READ_PATH.format(couple.id)).status_code == 404


def test_dashboard_read_gathers_every_couple(bench_app, counselor):
    for n in range(3):
        factories.couple(counselor, f"Couple {n}")
    db.session.commit()
    client = bench_app.test_client()
    login(client, counselor.email)
    response = client.get(serving.DASHBOARD_READ_PATH)
    assert response.status_code == 200
    assert response.text == "3 2\n"  # three couples; the agenda of today and tomorrow


def test_the_stored_week_is_the_partners_own_week_page(bench_app, couple):
    factories.homework(couple, kinds=factories.CORE_KINDS)
    db.session.commit()
    client = bench_app.test_client()
    login(client, couple.partner_at(1).user.email)
    first = client.get(serving.WEEK_STORED_PATH)
    assert first.status_code == 200 and first.mimetype == "text/html"
    assert 'id="card-needs"' in first.text
    assert client.get(serving.WEEK_STORED_PATH).data == first.data  # as stored
    # A counselor is not a partner: refused, as This week refuses them.
    office = bench_app.test_client()
    login(office, couple.counselor.email)
    assert office.get(serving.WEEK_STORED_PATH).status_code == 403


def test_the_stored_couple_page_records_every_showing(bench_app, couple, counselor):
    factories.homework(couple, kinds=factories.CORE_KINDS)
    db.session.commit()
    client = bench_app.test_client()
    login(client, counselor.email)
    before = audit_rows()
    path = serving.COUPLE_STORED_PATH.format(couple.id)
    first = client.get(path)
    assert first.status_code == 200 and 'id="review"' in first.text
    assert client.get(path).data == first.data
    db.session.expire_all()
    assert audit_rows() == before + 2  # each showing leaves its row, the stored one too
    other = factories.counselor("Robin Lee")
    db.session.commit()
    stranger = bench_app.test_client()
    login(stranger, other.email)
    assert stranger.get(path).status_code == 404


def test_the_rating_bound_writes_the_rating_and_draws_nothing(bench_app, couple):
    made = factories.homework(couple, kinds=factories.CORE_KINDS)
    db.session.commit()
    need = db.session.scalar(
        select(Need).where(Need.owner_id == couple.partner_at(1).id).order_by(Need.id)
    )
    client = bench_app.test_client()
    login(client, couple.partner_at(1).user.email)
    key = f"rating-{need.id}"
    path = serving.RATING_WRITE_PATH.format(made["week"], need.id)
    before = audit_rows()
    for word in ("met", "partly"):
        body = {f"{key}-rating": word, f"{key}-comment": "", f"{key}-comment_visibility": "shared"}
        response = client.post(path, data=body, headers={"HX-Request": "true"})
        assert response.status_code == 200 and response.text == f"{word}\n"
    db.session.expire_all()
    stored = db.session.scalar(select(NeedRating).where(NeedRating.need_id == need.id))
    assert stored.rating == "partly" and stored.policy_id is not None
    assert audit_rows() == before + 2  # the insert and the change, as the real action
    # The other partner cannot rate a need that is not theirs.
    other = bench_app.test_client()
    login(other, couple.partner_at(2).user.email)
    body = {f"{key}-rating": "met", f"{key}-comment": "", f"{key}-comment_visibility": "shared"}
    assert other.post(path, data=body).status_code == 404


def test_production_has_no_bench_routes(app, counselor):
    client = app.test_client()
    login(client, counselor.email)
    for path in (serving.FLOOR_PATH, *BOUNDS):
        assert client.get(path).status_code == 404, path
