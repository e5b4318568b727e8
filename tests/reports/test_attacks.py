"""Attacks on the management statistics, with only what the management role can fetch (the API, as the
management user): differencing across periods (a year minus its quarters), subgroups (a total minus its
parts), overlapping tables, repeated requests, and solving all published margins at once (tests/reports/
attacker.py). None may recover a true count between 1 and the threshold - 1. Random populations come from
hypothesis; one population has its keys chosen so that the noise sits at the extremes."""

import datetime
import random

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accesscontrol.actor import actor_for
from casework.models import Area, FollowUp, Gender, Person
from reports import catalogue, costs, services
from reports.disclosure_control.cell_key import noise
from reports.disclosure_control.publication import Published, Status, publish_count
from reports.disclosure_control.structure import Cell, year_periods
from tests.reports import factories
from tests.reports.attacker import THRESHOLD, Knowledge, is_public, recovered_small_counts

YEAR = 2025
OUTCOMES = list(FollowUp.Outcome.values)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def management_api(people):
    people.agreement.starts_on = datetime.date(YEAR, 1, 1)
    people.agreement.save()
    key = services.create_api_token(actor=actor_for(people.management, people.agreement))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def fetch_year(client, agreement) -> list[dict]:
    """Every table of the year, every period, as the API gives them."""
    base = f"/api/statistik/{agreement.pk}"
    tables = []
    for entry in client.get(f"{base}/").json()["tables"]:
        for period in year_periods(YEAR):
            if period.kind in entry["period_kinds"]:
                response = client.get(f"{base}/{entry['code']}/{period.code}/")
                assert response.status_code == 200
                tables.append(response.json())
    return tables


def truth(agreement) -> dict:
    """The true counts, keyed as the attacker keys them."""
    comparison = costs.compare_year(agreement, YEAR)
    counts = {}
    for population in catalogue.year_populations(agreement, YEAR, comparison):
        for cell, tally in population.tallies.items():
            counts[(cell.population, cell.period, cell.variable, cell.value)] = tally.count
    return counts


def assert_nothing_small_recovered(knowledge: Knowledge, true_counts: dict) -> None:
    ranges = knowledge.ranges()
    for key, (low, high) in ranges.items():
        true = true_counts.get(key, 0)
        # The attacker's reasoning is sound: the truth always lies in what it concludes.
        assert low <= true <= high, f"{key}: {true} outside {low}..{high}"
        assert is_public(key) or not (low == high and 1 <= true < THRESHOLD), f"{key} recovered: {true}"


def add_cases(agreement, records):
    areas = [Area.objects.get_or_create(agreement=agreement, name=name)[0] for name in ("Norr", "Söder")]
    mst = factories.intervention_type(agreement, "mst")
    for quarter, category, gender, area, age, offered, *more in records:
        follow_up, talk, changed = more or (None, False, False)
        case = factories.case_for(
            agreement,
            category=category,
            gender=gender,
            area=areas[area] if area < 2 else None,
            birth_year=YEAR - age,
            raised_on=datetime.date(YEAR, 3 * quarter - 2, 15),
        )
        if offered:
            factories.InterventionFactory(case=case, intervention_type=mst)
        if follow_up is not None:
            written_on = case.raised_on + datetime.timedelta(days=30 * follow_up)
            factories.FollowUpFactory(case=case, written_on=written_on, outcome=OUTCOMES[follow_up % len(OUTCOMES)])
        if talk:
            factories.FieldContactFactory(case=case, occurred_on=case.raised_on)
        if changed:  # a category change after identification: counted as identified all the same
            case.category = "lifestyle" if category == "svansen" else "svansen"
            case.save()


records = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.sampled_from(["lifestyle", "svansen"]),
        st.sampled_from([Gender.BOY, Gender.GIRL, Gender.OTHER]),
        st.integers(0, 2),
        st.integers(12, 26),
        st.booleans(),
        st.one_of(st.none(), st.integers(1, 7)),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=records)
def test_solving_all_published_margins_recovers_no_small_count(people, management_api, settings, records):
    # The harshest case: every quarter and half-year is published, however few persons it has.
    settings.SAMSYN_SMALL_POPULATION_GUARD = 0
    # Each example rolls back to revision 1 of the same tables: the API's cache and its throttle count
    # must start afresh with it, as the test's own start does (tests/conftest.py).
    cache.clear()
    with transaction.atomic():
        add_cases(people.agreement, records)
        tables = fetch_year(management_api, people.agreement)
        assert_nothing_small_recovered(Knowledge.from_tables(tables, YEAR), truth(people.agreement))
        transaction.set_rollback(True)


def keys_with_noise(count, wanted, rng, base=0):
    """Integer record keys for `count` persons whose cell (with `base` added) gets noise `wanted`."""
    while True:
        keys = [rng.randrange(2**32) for _ in range(count)]
        if noise(count + (1 if base else 0), sum(keys) + base) == wanted:
            return keys


def test_extreme_noise_would_let_a_year_minus_its_quarters_pin_a_person_but_the_audit_stops_it(
    people, management_api, settings
):
    """One girl raised in Q1, nine boys in Q2. Keys are chosen so that the Q2 count gets +2 and the year
    (and H1, the same people) gets -2: then year - Q2 - Q3 - Q4 would pin the girl's quarter at exactly 1."""
    settings.SAMSYN_SMALL_POPULATION_GUARD = 0
    rng = random.Random(7)
    while True:
        q2 = keys_with_noise(9, 2, rng)
        girl = rng.randrange(2**32)
        if noise(10, sum(q2) + girl) == -2:
            break
    add_cases(people.agreement, [(1, "lifestyle", Gender.GIRL, 0, 16, False)])
    add_cases(people.agreement, [(2, "lifestyle", Gender.BOY, 0, 16, False)] * 9)
    for person, key in zip(Person.objects.order_by("created_at"), [girl, *q2], strict=True):
        Person.objects.filter(pk=person.pk).update(statistics_key=(key + 0.5) / 2**32)
    true_counts = truth(people.agreement)

    # Without the audit (the cell-key method and the threshold alone) the attack works:
    naive = []
    for table in fetch_year_naive(people.agreement):
        naive.append(table)
    assert ("cases", f"{YEAR}-Q1", "", "") in recovered_small_counts(Knowledge.from_tables(naive, YEAR))

    # What management actually gets does not allow it.
    tables = fetch_year(management_api, people.agreement)
    assert_nothing_small_recovered(Knowledge.from_tables(tables, YEAR), true_counts)
    withheld = [t for t in tables for row in t["rows"] for v in row["values"] if v["status"] == "withheld"]
    assert withheld, "the audit withheld something"


def fetch_year_naive(agreement):
    """The year's tables as the cell-key method and threshold alone would publish them (no audit)."""
    comparison = costs.compare_year(agreement, YEAR)
    populations = {p.code: p for p in catalogue.year_populations(agreement, YEAR, comparison)}
    specs = catalogue.table_specs(agreement, YEAR, list(populations.values()), comparison)
    tables = []
    for spec in specs:
        rows = []
        for row in spec.rows:
            values = [publish_count(populations[c.population].tally(c)).as_json() for c in row.cells]
            rows.append(
                {"code": row.code, "is_total": row.is_total, "values": values or [Published(Status.WITHHELD).as_json()]}
            )
        tables.append({"table": spec.code, "period": spec.period.code, "available": True, "rows": rows})
    return tables


def test_total_minus_subgroups_does_not_reveal_the_one_person_of_an_area(people, management_api):
    add_cases(people.agreement, [(1, "svansen", Gender.BOY, 0, 15, True)] * 24)
    add_cases(people.agreement, [(1, "svansen", Gender.BOY, 1, 15, True)])  # the only one in Söder
    tables = fetch_year(management_api, people.agreement)
    by_area = next(t for t in tables if t["table"] == "cases_by_area" and t["period"] == str(YEAR))
    south = next(row for row in by_area["rows"] if row["label"] == "Söder")
    # "<5", or ".." where the audit withheld it: which one depends on the noise, that is on the persons'
    # random statistics keys (reports.disclosure_control.cell_key). Never a number.
    assert south["values"][0]["text"] in {"<5", ".."}
    assert_nothing_small_recovered(Knowledge.from_tables(tables, YEAR), truth(people.agreement))


def test_overlapping_tables_publish_one_total(people, management_api):
    add_cases(people.agreement, [(q, "svansen", Gender.GIRL, q % 3, 14 + q, q % 2) for q in (1, 2, 3, 4)] * 6)
    tables = fetch_year(management_api, people.agreement)
    totals = {
        (t["table"], t["period"]): next(r for r in t["rows"] if r["is_total"])["values"][0]
        for t in tables
        if t["table"].startswith("cases_by") and t["available"]
    }
    for period in {period for _table, period in totals}:
        assert len({str(v) for (table, p), v in totals.items() if p == period}) == 1


def test_repeated_requests_give_the_same_answer_and_add_no_release(people, management_api):
    from reports.models import ReleasedTable

    add_cases(people.agreement, [(1, "lifestyle", Gender.BOY, 0, 15, True)] * 3)
    first = fetch_year(management_api, people.agreement)
    releases = ReleasedTable.objects.count()
    for _ in range(3):
        assert fetch_year(management_api, people.agreement) == first
    assert ReleasedTable.objects.count() == releases


def test_with_the_default_guard_a_small_quarter_is_not_published_and_not_derivable(people, management_api):
    # 25 persons open all year, but the quarter's three new lifestyle cases are few.
    add_cases(people.agreement, [(1, "svansen", Gender.BOY, 0, 15, False)] * 22)
    add_cases(people.agreement, [(3, "lifestyle", Gender.GIRL, 1, 17, True)] * 3)
    tables = fetch_year(management_api, people.agreement)
    assert_nothing_small_recovered(Knowledge.from_tables(tables, YEAR), truth(people.agreement))


def test_the_attacker_is_not_blind(people):
    """The attack recovers a small count where the published values allow it (a cell published exactly)."""
    table = {
        "table": "cases_by_category",
        "period": str(YEAR),
        "available": True,
        "rows": [
            {"code": "lifestyle", "is_total": False, "values": [{"status": "zero", "value": 0}]},
            {"code": "svansen", "is_total": False, "values": [{"status": "below_threshold", "value": None}]},
            {"code": "total", "is_total": True, "values": [{"status": "published", "value": 5}]},
        ],
    }
    quarter = dict(table, period=f"{YEAR}-Q1")
    knowledge = Knowledge.from_tables([table, quarter], YEAR)
    knowledge.bounds[("cases", str(YEAR), "", "")] = (3, 3)
    assert recovered_small_counts(knowledge)[("cases", str(YEAR), "category", "svansen")] == 3
    assert Cell("cases", str(YEAR)).code == "cases/2025//"


@pytest.mark.django_db
def test_an_exact_total_of_one_does_not_give_its_breakdown_away(people, management_api, settings):
    """The quarter's total is published exactly (a target figure): 1. Shown beside it, four age bands at 0
    would pin the fifth at 1; the audit withholds until the one person could be in more than one band."""
    settings.SAMSYN_SMALL_POPULATION_GUARD = 0
    add_cases(people.agreement, [(1, "svansen", Gender.GIRL, 0, 15, True)])
    add_cases(people.agreement, [(2, "lifestyle", Gender.BOY, 1, 17, False)] * 12)
    tables = fetch_year(management_api, people.agreement)
    by_age = next(t for t in tables if t["table"] == "cases_by_age" and t["period"] == f"{YEAR}-Q1")
    values = {row["code"]: row["values"][0] for row in by_age["rows"]}
    assert values["total"] == {"status": "exact", "value": 1, "text": "1", "met": None}
    assert sum(1 for v in values.values() if v["status"] == "withheld") >= 2
    assert_nothing_small_recovered(Knowledge.from_tables(tables, YEAR), truth(people.agreement))


@pytest.mark.django_db
def test_preliminary_and_final_year_together_reveal_no_small_count(people, management_api, settings):
    """The running year is published as preliminary, every table of it (the breakdowns with the same
    protection as the final year's): in July, revised in December after the third quarter and a late entry
    in the first, and replaced by the final year in January, after the fourth quarter and a late entry in the
    second. An attacker who kept both preliminary versions and reads the final one, knowing that each
    version adds up by itself and that entries only add (an earlier count is at most the later one), still
    recovers nothing."""
    import time_machine

    settings.SAMSYN_SMALL_POPULATION_GUARD = 0

    def year_tables(day):
        with time_machine.travel(datetime.datetime(*day, 12), tick=False):
            return fetch_year(management_api, people.agreement), truth(people.agreement)

    add_cases(people.agreement, [(q, "svansen", Gender.BOY, q % 2, 15, q % 2) for q in (1, 2)] * 3)
    add_cases(people.agreement, [(q, "lifestyle", Gender.GIRL, q % 3, 17, True, q, True, False) for q in (1, 2)])
    july, july_truth = year_tables((YEAR, 7, 20))
    add_cases(people.agreement, [(3, "svansen", Gender.BOY, 1, 15, True)] * 3)
    add_cases(people.agreement, [(3, "lifestyle", Gender.GIRL, 0, 17, True, 1, True, False)] * 2)
    add_cases(people.agreement, [(1, "lifestyle", Gender.GIRL, 1, 17, True, 4, True, False)])  # late
    december, december_truth = year_tables((YEAR, 12, 6))
    add_cases(people.agreement, [(4, "lifestyle", Gender.OTHER, 0, 14, False)])
    add_cases(people.agreement, [(2, "svansen", Gender.GIRL, 2, 21, True, 2, False, False)])  # late
    final, final_truth = year_tables((YEAR + 1, 1, 20))

    versions = {f"{YEAR}-july": (july, july_truth), f"{YEAR}-december": (december, december_truth)}
    kept, true_counts = [], dict(final_truth)
    for label, (tables, counts) in versions.items():
        year = [t for t in tables if t["period"] == str(YEAR)]
        assert {t["table"] for t in year if t["available"]} == {table.code for table in catalogue.TABLES}
        assert all(t["preliminary"] for t in year)
        kept.extend(dict(t, period=label) for t in year)
        true_counts |= {(p, label, v, value): n for (p, period, v, value), n in counts.items() if period == str(YEAR)}
    assert not any(t["preliminary"] for t in final)
    final_year = {t["table"]: t["rows"] for t in final if t["period"] == str(YEAR)}
    changed = {t["table"] for t in kept if t["period"] == f"{YEAR}-december" and t["rows"] != final_year[t["table"]]}
    assert {"cases_by_age", "cases_by_gender", "cases_by_area"} <= changed, "the final year differs"
    earlier = {f"{YEAR}-july": f"{YEAR}-december", f"{YEAR}-december": str(YEAR)}
    assert_nothing_small_recovered(Knowledge.from_tables(final + kept, YEAR, earlier=earlier), true_counts)
