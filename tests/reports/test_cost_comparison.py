"""The cost comparison: home-based interventions against the same time at the realistic alternative, from the
tariffs of the year or indexed ones, saying which, and never guessing where nothing covers a year."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from casework.models import Tariff
from reports.costs import Prices, compare_year
from reports.models import CostIndex
from tests import factories as factories_users
from tests.clock import travel_destination
from tests.reports import factories

YEAR = 2025
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def kpi(agreement):
    for year, value in ((2018, "100.00"), (2020, "110.00"), (2025, "125.00")):
        CostIndex.objects.create(year=year, value=Decimal(value), name="Testindex", source="Påhittat för test")


def lifestyle_case(agreement, alternative="hvb"):
    return factories.case_for(
        agreement, category="lifestyle", raised_on=datetime.date(YEAR, 1, 10), realistic_alternative=alternative
    )


def test_it_prices_days_against_the_alternative_with_indexed_tariffs(agreement, kpi):
    case = lifestyle_case(agreement, "hvb")
    tfco = factories.intervention_type(agreement, "tfco")  # 4 500 kr/day, 2018
    factories.InterventionFactory(
        case=case, intervention_type=tfco, starts_on=datetime.date(YEAR, 3, 1), ends_on=datetime.date(YEAR, 3, 10)
    )
    comparison = compare_year(agreement, YEAR, today=TODAY)
    (row,) = comparison.cases
    assert row.days == 10
    assert row.home_municipal == Decimal("4500") * 10 * Decimal("1.25")
    assert row.alternative_municipal == Decimal("4000") * 10 * Decimal("1.25")  # HVB 2018
    assert row.complete
    uses = {use.type_code: use for use in comparison.tariffs}
    assert uses["hvb"].tariff_year == 2018
    assert (uses["hvb"].index_from, uses["hvb"].index_to) == (Decimal("100.00"), Decimal("125.00"))


def test_a_tariff_of_the_comparison_year_is_used_as_it_is(agreement):
    hvb = factories.intervention_type(agreement, "hvb")
    Tariff.objects.create(
        intervention_type=hvb, year=YEAR, municipal_cost=5000, societal_cost=5500, source="Egen prislista 2025"
    )
    case = lifestyle_case(agreement, "hvb")
    familjehem = factories.intervention_type(agreement, "familjehem")
    Tariff.objects.create(
        intervention_type=familjehem,
        year=YEAR,
        price_unit="month",
        municipal_cost=12000,
        societal_cost=12000,
        source="Egen 2025",
    )
    factories.InterventionFactory(
        case=case,
        intervention_type=familjehem,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 12, 31),
    )
    (row,) = compare_year(agreement, YEAR, today=TODAY).cases
    assert row.days == 365
    assert row.home_municipal == Decimal("144000.00")
    assert row.alternative_municipal == Decimal("1825000.00")
    assert row.alternative_societal == Decimal("2007500.00")


def test_occasions_and_one_off_prices_count_in_the_year_they_started(agreement, kpi):
    case = lifestyle_case(agreement, "sis_locked")
    mst = factories.intervention_type(agreement, "mst")
    art = factories.intervention_type(agreement, "art")
    Tariff.objects.create(
        intervention_type=art, year=YEAR, price_unit="occasion", municipal_cost=1500, societal_cost=1500, source="Egen"
    )
    factories.InterventionFactory(
        case=case, intervention_type=mst, starts_on=datetime.date(YEAR - 1, 11, 1), ends_on=datetime.date(YEAR, 2, 28)
    )
    factories.InterventionFactory(
        case=case,
        intervention_type=art,
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 4, 30),
        occasions=10,
    )
    (row,) = compare_year(agreement, YEAR, today=TODAY).cases
    assert row.home_municipal == Decimal("15000.00")  # MST started the year before: not this year
    assert row.days == 59 + 61  # Jan-Feb from MST, Mar-Apr from ART


def test_it_says_so_when_no_index_covers_a_year_instead_of_guessing(agreement):
    case = lifestyle_case(agreement, "hvb")
    factories.InterventionFactory(
        case=case,
        intervention_type=factories.intervention_type(agreement, "tfco"),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 10),
    )
    comparison = compare_year(agreement, YEAR, today=TODAY)
    (row,) = comparison.cases
    assert not row.complete
    assert comparison.total("home_municipal") == 0
    assert any("indexvärde saknas för 2018, 2025" in problem for problem in comparison.problems)


def test_a_case_without_an_assessed_alternative_is_left_out_with_a_reason(agreement, kpi):
    case = lifestyle_case(agreement, "")
    factories.InterventionFactory(
        case=case,
        intervention_type=factories.intervention_type(agreement, "tfco"),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 10),
    )
    (row,) = compare_year(agreement, YEAR, today=TODAY).cases
    assert row.problems == ["Inget realistiskt alternativ är bedömt för ärendet."]


def test_declined_interventions_and_svansen_cases_are_not_counted(agreement, kpi):
    declined = lifestyle_case(agreement)
    factories.InterventionFactory(
        case=declined, intervention_type=factories.intervention_type(agreement, "tfco"), response="declined"
    )
    svansen = factories.case_for(agreement, category="svansen", raised_on=datetime.date(YEAR, 1, 3))
    factories.InterventionFactory(case=svansen, intervention_type=factories.intervention_type(agreement, "tfco"))
    assert compare_year(agreement, YEAR, today=TODAY).cases == []


def test_an_agreements_own_index_series_wins_over_the_global_one(agreement, kpi):
    for year, value in ((2018, "200.00"), (2025, "300.00")):
        CostIndex.objects.create(agreement=agreement, year=year, value=Decimal(value), name="Egen", source="Egen")
    case = lifestyle_case(agreement, "hvb")
    factories.InterventionFactory(
        case=case,
        intervention_type=factories.intervention_type(agreement, "tfco"),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 1),
    )
    (row,) = compare_year(agreement, YEAR, today=TODAY).cases
    assert row.home_municipal == Decimal("6750.00")


def test_the_social_manager_sees_the_comparison_per_case(login, people, kpi):
    case = lifestyle_case(people.agreement)
    people.agreement.starts_on = datetime.date(YEAR, 1, 1)
    people.agreement.save()
    factories.InterventionFactory(
        case=case,
        intervention_type=factories.intervention_type(people.agreement, "tfco"),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 10),
    )
    response = login(people.manager).get(f"/rapporter/kostnader/{YEAR}/")
    html = response.content.decode()
    assert case.number in html
    assert "HVB-hem för unga: taxa 2018" in html
    assert '<img class="samsyn-chart" src="data:image/svg+xml;base64,' in html


@pytest.mark.parametrize("role", ["caseworker", "field_worker", "police", "management", "sysadmin", "auditor"])
def test_other_roles_cannot_see_the_comparison(login, people, role):
    client = login(getattr(people, role))
    assert client.get("/rapporter/kostnader/").status_code == 403
    assert client.get("/rapporter/kostnader/2026/").status_code == 403


def test_the_sysadmin_records_a_value_of_the_agreements_own_series_with_its_source(login, people):
    client = login(people.sysadmin)
    response = client.post(
        "/rapporter/kostnadsindex/",
        {"name": "KPI", "year": 2024, "value": "412.50", "source": "SCB, KPI årsmedeltal", "for_agreement": "on"},
    )
    assert response.status_code == 302
    index = CostIndex.objects.get(year=2024)
    assert index.agreement == people.agreement and index.value == Decimal("412.50")
    client.post(f"/rapporter/kostnadsindex/{index.pk}/ta-bort/")
    assert not CostIndex.objects.exists()


def test_a_bad_index_value_is_refused_with_a_message_and_nothing_saved(login, people):
    client = login(people.sysadmin)
    own = {"name": "KPI", "year": 2024, "for_agreement": "on"}
    zero = client.post("/rapporter/kostnadsindex/", {**own, "value": "0", "source": "SCB"})
    assert zero.status_code == 200
    assert "Indexvärdet måste vara större än noll." in zero.content.decode()
    no_source = client.post("/rapporter/kostnadsindex/", {**own, "value": "5", "source": ""})
    assert "govuk-error-summary" in no_source.content.decode()
    assert not CostIndex.objects.exists()


@pytest.mark.parametrize("role", ["manager", "management", "caseworker"])
def test_only_the_sysadmin_keeps_the_index(login, people, role):
    client = login(getattr(people, role))
    assert client.get("/rapporter/kostnadsindex/").status_code == 403
    response = client.post("/rapporter/kostnadsindex/", {"name": "KPI", "year": 2024, "value": "1", "source": "x"})
    assert response.status_code == 403
    assert not CostIndex.objects.exists()


# --- The common series is the instance administrator's, and versioned (issue 19, point 3) -----------------

COMMON = "Gemensamt index"


@pytest.fixture
def instance_admin(db):
    return factories_users.UserFactory(username="instansforvaltare", is_instance_admin=True)


@pytest.fixture
def common_index(agreement):
    """The common series as recorded in 2025: 2018 = 100, 2025 = 125."""
    for year, value in ((2018, "100.00"), (2025, "125.00")):
        CostIndex.objects.create(
            year=year, value=Decimal(value), name=COMMON, source="SCB", valid_from=datetime.date(2025, 3, 1)
        )


def test_an_agreements_sysadmin_cannot_change_the_common_index(login, people, other_agreement, common_index):
    before = list(CostIndex.objects.order_by("pk").values())
    with time_machine.travel(travel_destination("2026-12-07"), tick=False):
        client = login(people.sysadmin)
        page = client.get("/rapporter/kostnadsindex/").content.decode()
        response = client.post(
            "/rapporter/kostnadsindex/", {"name": "KPI", "year": 2025, "value": "999.00", "source": "Egen"}
        )
        common = CostIndex.objects.get(year=2025)
        deleted = client.post(f"/rapporter/kostnadsindex/{common.pk}/ta-bort/", follow=True)
    assert COMMON in page and "ändras bara av instansens förvaltare" in page
    assert f"/rapporter/kostnadsindex/{common.pk}/ta-bort/" not in page
    assert response.status_code == 200
    assert "ändras bara av instansens förvaltare" in response.content.decode()
    assert "ändras bara av instansens förvaltare" in deleted.content.decode()
    assert list(CostIndex.objects.order_by("pk").values()) == before


def test_the_instance_administrator_records_a_new_version_from_a_date(login, instance_admin, common_index):
    with time_machine.travel(travel_destination("2026-12-07"), tick=False):
        client = login(instance_admin)
        earlier = client.post(
            "/rapporter/kostnadsindex/",
            {"name": COMMON, "year": 2025, "value": "150.00", "source": "SCB, reviderat", "valid_from": "2026-12-01"},
        )
        assert "Ett indexvärde kan gälla tidigast från i dag." in earlier.content.decode()
        response = client.post(
            "/rapporter/kostnadsindex/",
            {"name": COMMON, "year": 2025, "value": "150.00", "source": "SCB, reviderat", "valid_from": "2027-01-01"},
        )
        assert response.status_code == 302
        old = CostIndex.objects.get(year=2025, valid_from=datetime.date(2025, 3, 1))
        refused = client.post(f"/rapporter/kostnadsindex/{old.pk}/ta-bort/", follow=True)
    assert "Indexvärdet har gällt och kan inte tas bort." in refused.content.decode()
    assert [(v.value, v.valid_from) for v in CostIndex.objects.filter(year=2025, agreement=None)] == [
        (Decimal("125.00"), datetime.date(2025, 3, 1)),
        (Decimal("150.00"), datetime.date(2027, 1, 1)),
    ]


def test_the_comparison_of_a_past_year_uses_the_index_in_force_then(agreement, common_index):
    # Revised in 2027: the 2025 value becomes 150 from 1 January 2027.
    CostIndex.objects.create(
        year=2025, value=Decimal("150.00"), name=COMMON, source="SCB, reviderat", valid_from=datetime.date(2027, 1, 1)
    )
    case = lifestyle_case(agreement, "hvb")
    factories.InterventionFactory(
        case=case,
        intervention_type=factories.intervention_type(agreement, "tfco"),  # 4 500 kr/day, 2018
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 1),
    )
    (row,) = compare_year(agreement, YEAR, today=datetime.date(2027, 6, 1)).cases
    assert row.home_municipal == Decimal("4500") * Decimal("1.25")
    prices = Prices(agreement)
    (type_id,) = [t.pk for t in prices.types.values() if t.code == "tfco"]
    assert prices.price(type_id, YEAR).index_to == Decimal("125.00")
    assert prices.price(type_id, 2025, on=datetime.date(2027, 1, 1)).index_to == Decimal("150.00")


def test_the_first_version_of_a_value_serves_the_years_before_it(agreement):
    # The 2025 value, published in 2026, prices the comparison of 2025.
    for year, value in ((2018, "100.00"), (2025, "125.00")):
        CostIndex.objects.create(
            year=year, value=Decimal(value), name=COMMON, source="SCB", valid_from=datetime.date(2026, 2, 1)
        )
    case = lifestyle_case(agreement, "hvb")
    factories.InterventionFactory(
        case=case,
        intervention_type=factories.intervention_type(agreement, "tfco"),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 1),
    )
    (row,) = compare_year(agreement, YEAR, today=TODAY).cases
    assert row.home_municipal == Decimal("4500") * Decimal("1.25")
