"""/healthz answers for load balancers, with a real database round trip."""

from app import create_app


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    broken = f"sqlite:///{tmp_path}/missing-folder/nothing-here.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": broken, "SECRET_KEY": "x" * 40})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
