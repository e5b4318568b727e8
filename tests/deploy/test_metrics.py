"""/metrics: Prometheus metrics behind a bearer token, with nothing in them that identifies a person."""

import pytest

from deploy.drill import write_sample

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def metrics_token(settings):
    settings.SAMSYN_METRICS_TOKEN = TOKEN
    return TOKEN


def test_it_does_not_exist_without_a_token_configured(client, settings):
    settings.SAMSYN_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_it_asks_for_a_token(client, metrics_token):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_a_wrong_token(client, metrics_token):
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


def test_it_refuses_a_signed_in_user_without_the_token(login, people, metrics_token):
    assert login(people.sysadmin).get("/metrics").status_code == 401


def test_it_serves_prometheus_text_with_the_right_token(client, metrics_token):
    client.get("/healthz")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in body
    assert 'view="healthz"' in body


def test_it_holds_no_personal_data(client, login, people, metrics_token):
    sample = write_sample(first_name="Sentinelfrida", last_name="Metriksdotter", agreement_name="Metrikkommunen")
    # Requests that carry personal data in the path and the query string, as a search would.
    login(people.manager).get(f"/?q={sample['personal_number']}&namn=Sentinelfrida")
    client.get(f"/saknas/{sample['personal_number']}/")
    body = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
    for value in (sample["personal_number"], "Sentinelfrida", "Metriksdotter", sample["person_id"], "Metrikkommunen"):
        assert value not in body
