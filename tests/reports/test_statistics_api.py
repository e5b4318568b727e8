"""The statistics API: management only, by token or by a two-factor session; the schema at /api/schema/."""

import datetime
from unittest import mock

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accesscontrol.actor import actor_for
from accesscontrol.models import Role
from audit.models import AccessLogEntry
from reports import services
from reports.disclosure_control import register
from reports.models import ReleasedTable
from reports.selectors import statistics as statistics_selectors
from reports.serializers import ProtectedTableSerializer
from tests.factories import user_with_roles

YEAR = 2025
# The tests read one year of cases, built once for the module (tests/reports/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_year")]


@pytest.fixture
def token(people):
    return services.create_api_token(actor=actor_for(people.management, people.agreement))


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_fetches_a_table_as_the_page_shows_it(login, people, year_of_cases, token):
    url = f"/api/statistik/{people.agreement.pk}/cases_by_category/{YEAR}/"
    body = token_client(token).get(url).json()
    page = login(people.management).get(f"/statistik/cases_by_category/{YEAR}/").context["table"]
    assert body == ProtectedTableSerializer(page).data
    assert [[value["text"] for value in row["values"]] for row in body["rows"]] == [
        [value.text for value in row.values] for row in page.rows
    ]
    assert {row["code"] for row in body["rows"]} == {"lifestyle", "svansen", "total"}
    assert AccessLogEntry.objects.filter(page="api_statistics_table", export=True, roles=["management"]).exists()


def test_it_lists_the_agreements_and_the_catalogue(people, year_of_cases, token):
    client = token_client(token)
    assert client.get("/api/statistik/").json() == [{"id": people.agreement.pk, "name": people.agreement.name}]
    catalogue = client.get(f"/api/statistik/{people.agreement.pk}/").json()
    assert YEAR in catalogue["years"]
    assert "cases_by_age" in {table["code"] for table in catalogue["tables"]}


def test_a_two_factor_session_may_use_the_api(login, people, year_of_cases):
    response = login(people.management).get(f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/")
    assert response.status_code == 200


def test_a_session_without_the_second_factor_may_not(client, people, year_of_cases):
    client.force_login(people.management)
    response = client.get(f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/")
    assert response.status_code in (401, 403)


def test_without_credentials_or_with_a_wrong_token_it_refuses(people, year_of_cases):
    url = f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/"
    assert APIClient().get(url).status_code in (401, 403)
    assert token_client("0" * 40).get(url).status_code in (401, 403)


@pytest.mark.parametrize("role", ["manager", "caseworker", "field_worker", "police", "sysadmin", "auditor"])
def test_other_roles_are_refused(login, people, year_of_cases, role):
    user = getattr(people, role)
    key = Token.objects.create(user=user).key
    for client in (token_client(key), login(user)):
        assert client.get(f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/").status_code == 403
        assert client.get("/api/schema/").status_code == 403
    assert AccessLogEntry.objects.filter(outcome="denied", username=user.username).exists()


def test_management_of_one_agreement_cannot_read_another(people, other_agreement, token):
    assert token_client(token).get(f"/api/statistik/{other_agreement.pk}/targets/{YEAR}/").status_code == 403


def test_it_refuses_what_the_catalogue_does_not_have(people, year_of_cases, token):
    client = token_client(token)
    assert client.get(f"/api/statistik/{people.agreement.pk}/persons/{YEAR}/").status_code == 404
    assert client.get(f"/api/statistik/{people.agreement.pk}/targets/{YEAR}-05/").status_code == 404


def test_a_new_token_replaces_the_old_and_revoking_stops_it(people, year_of_cases, token):
    actor = actor_for(people.management, people.agreement)
    newer = services.create_api_token(actor=actor)
    url = f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/"
    assert token_client(token).get(url).status_code in (401, 403)
    assert token_client(newer).get(url).status_code == 200
    services.revoke_api_token(actor=actor)
    assert token_client(newer).get(url).status_code in (401, 403)


def test_the_schema_describes_the_statistics_endpoints(people, token):
    response = token_client(token).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/statistik/{agreement}/{table}/{period}/" in text
    assert schema is None or schema["info"]["title"] == "Samsyn statistik-API"


def test_the_api_key_page_makes_and_revokes_a_key(login, people):
    client = login(people.management)
    page = client.post("/statistik/api-nyckel/", {"action": "create"})
    key = Token.objects.get(user=people.management).key
    assert key in page.content.decode()
    assert key not in client.get("/statistik/api-nyckel/").content.decode()
    client.post("/statistik/api-nyckel/", {"action": "revoke"})
    assert not Token.objects.filter(user=people.management).exists()


# --- keys expire and can be revoked (issue 19, point 6) ----------------------------------------------------

MADE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_a_key_works_for_the_configured_days_and_is_then_refused_with_401(people, year_of_cases, settings):
    assert settings.SAMSYN_API_TOKEN_DAYS == 90
    url = f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/"
    with time_machine.travel(MADE, tick=False) as traveller:
        key = services.create_api_token(actor=actor_for(people.management, people.agreement))
        traveller.shift(datetime.timedelta(days=90) - datetime.timedelta(seconds=1))
        assert token_client(key).get(url).status_code == 200
        traveller.shift(datetime.timedelta(seconds=1))
        refused = token_client(key).get(url)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert "gått ut" in refused.json()["detail"]


def test_the_expiry_is_a_setting(people, year_of_cases, settings):
    settings.SAMSYN_API_TOKEN_DAYS = 7
    url = f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/"
    with time_machine.travel(MADE, tick=False) as traveller:
        key = services.create_api_token(actor=actor_for(people.management, people.agreement))
        traveller.shift(datetime.timedelta(days=7))
        assert token_client(key).get(url).status_code == 401


def test_a_revoked_key_is_refused_with_401(people, year_of_cases, token):
    url = f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/"
    services.revoke_api_token(actor=actor_for(people.management, people.agreement))
    assert token_client(token).get(url).status_code == 401
    assert APIClient().get(url).status_code == 401


def test_the_key_page_shows_until_when_the_key_works_and_that_it_expired(login, people):
    client = login(people.management)
    with time_machine.travel(MADE, tick=False) as traveller:
        made = client.post("/statistik/api-nyckel/", {"action": "create"}).content.decode()
        assert "Nyckeln gäller till 2026-05-31" in made  # 90 days, in Stockholm time
        assert "Du har en nyckel, skapad 2026-03-02 10:00. Den gäller till 2026-05-31 11:00." in (
            client.get("/statistik/api-nyckel/").content.decode()
        )
        traveller.shift(datetime.timedelta(days=91))
        client = login(people.management)
        expired = client.get("/statistik/api-nyckel/").content.decode()
    assert "gick ut 2026-05-31 11:00 och fungerar inte längre" in expired
    assert "Ta bort nyckeln" in expired


# --- throttled, cached, its schema from the serializers (issue 15, point 8) --------------------------------


def test_beyond_the_rate_it_answers_429_with_when_to_come_back(people, year_of_cases, token, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"statistics": "3/hour"})
    client = token_client(token)
    urls = ["/api/statistik/", f"/api/statistik/{people.agreement.pk}/", "/api/schema/"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    refused = client.get(f"/api/statistik/{people.agreement.pk}/targets/{YEAR}/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Counted per user: another management user still gets through.
    colleague = user_with_roles(people.agreement, Role.MANAGEMENT, username="ledning2")
    other = services.create_api_token(actor=actor_for(colleague, people.agreement))
    assert token_client(other).get("/api/statistik/").status_code == 200


def test_the_rate_is_a_setting(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["statistics"] == settings.SAMSYN_API_RATE


def test_a_released_table_is_served_from_the_cache_without_releasing_the_year_again(
    people, year_of_cases, token, django_assert_max_num_queries
):
    url = f"/api/statistik/{people.agreement.pk}/cases_by_gender/{YEAR}/"
    client = token_client(token)
    with mock.patch.object(statistics_selectors, "protect_year", wraps=register.protect_year) as protect:
        first = client.get(url)
        with django_assert_max_num_queries(12):
            second = client.get(url)
        assert protect.call_count == 1
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert first.json()["revision"] >= 1


def test_a_new_revision_is_not_served_from_the_old_ones_cache(people, year_of_cases, token):
    url = f"/api/statistik/{people.agreement.pk}/cases_by_gender/{YEAR}/"
    client = token_client(token)
    client.get(url)
    ReleasedTable.objects.filter(agreement=people.agreement).update(revised_for=None)
    with mock.patch.object(statistics_selectors, "protect_year", wraps=register.protect_year) as protect:
        assert client.get(url).status_code == 200
    assert protect.call_count == 1


def test_the_schema_is_the_serializers(people, token):
    schema = token_client(token).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    table = components["ProtectedTable"]["properties"]
    assert set(table) == set(ProtectedTableSerializer().fields)
    assert components["PublishedValue"]["properties"]["value"]["type"] == "number"
    assert components["PublishedValue"]["properties"]["status"]["$ref"].endswith("StatusEnum")
    paths = schema["paths"]
    assert paths["/api/statistik/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Agreement"},
    }
    table_path = paths["/api/statistik/{agreement}/{table}/{period}/"]["get"]
    assert table_path["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProtectedTable"
    }
