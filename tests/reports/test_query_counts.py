"""The reports' pages cost the same number of queries for 3 rows as for 25 (issue 16, issue 20 point 5): the
report jobs, the register of released tables, the cost indexes, the cases behind a figure of the
follow-up and behind a disclosure count, the follow-up report itself and the case summary PDF."""

import datetime
import decimal
import itertools

import pytest
from django.urls import reverse

from accesscontrol.actor import actor_for
from casework.models import Disclosure, FieldContact, FollowUp, Intervention, InterventionType, Tariff
from casework.services import fieldwork
from reports.models import CostIndex, ReleasedTable, ReportJob
from tests.accesscontrol.factories import make_case, make_disclosure
from tests.accesscontrol.test_url_matrix import client_for
from tests.casework import factories as casework_factories
from tests.casework.test_query_counts import case_rows
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 25
_serial = itertools.count()


def _grown(add):
    """`add(n)` adds n rows: FEW before the first count, MANY - FEW by grow()."""
    add(FEW)
    return lambda: add(MANY - FEW)


def test_the_report_jobs_do_not_grow_with_the_jobs(world):
    people = world.people

    def add(n):
        for status in itertools.islice(itertools.cycle(ReportJob.Status), n):
            ReportJob.objects.create(agreement=people.agreement, requested_by=people.manager, status=status,
                                     kind=ReportJob.Kind.COSTS, file_format=ReportJob.Format.XLSX,
                                     first_year=world.today.year, last_year=world.today.year)  # fmt: skip

    response = assert_constant_queries(client_for(world, "social_manager"), reverse("reports:jobs"), _grown(add))
    assert len(response.context["jobs"]) >= MANY


def test_the_register_of_released_tables_does_not_grow_with_the_tables(world):
    people = world.people

    def add(n):
        for revision in (next(_serial) + 1 for _ in range(n)):
            ReleasedTable.objects.create(agreement=people.agreement, table="targets", definition={}, period="2026-K1",
                                         revision=revision, cells={}, rows=[], basis_digest="0" * 64)  # fmt: skip

    url = reverse("reports:statistics_register")
    response = assert_constant_queries(client_for(world, "management"), url, _grown(add))
    assert len(response.context["rows"]) >= MANY


def test_the_cost_indexes_do_not_grow_with_the_indexes(world):
    people = world.people

    def add(n):
        for i in (next(_serial) for _ in range(n)):
            CostIndex.objects.create(
                agreement=people.agreement,
                name="KPI",
                year=1990 + i % 30,
                value=decimal.Decimal(100 + i),
                source="SCB",
                valid_from=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            )

    url = reverse("reports:cost_indexes")
    response = assert_constant_queries(client_for(world, "sysadmin"), url, _grown(add))
    assert len(response.context["indexes"]) >= MANY


def _identified(world):
    def add(n):
        """n lifestyle cases identified at a meeting of today, its minutes then approved (so they count)."""
        people = world.people
        meeting = casework_factories.meeting(people, held_on=world.today)
        for _ in range(n):
            casework_factories.identified(people, category="lifestyle", raised_on=world.today, at=meeting)
        casework_factories.approve(people, meeting)

    return add


def test_the_cases_behind_a_figure_do_not_grow_with_the_cases(world):
    url = reverse("reports:follow_up_cases", args=[world.period.code, "lifestyle_identified"])
    response = assert_constant_queries(client_for(world, "social_manager"), url, _grown(_identified(world)))
    assert len(response.context["cases"]) >= MANY


@pytest.mark.parametrize("url_name", ["reports:statistics", "reports:statistics_table"])
def test_the_statistics_do_not_grow_with_the_cases(world, url_name):
    """Counts, not rows: the same queries for the cases of a small agreement and of a larger one. Changed
    figures release a revised version of each table once (its register row), at the first request after the
    change: that request is made in grow(), and the page counted after it."""
    url = reverse(url_name, args=["targets", world.period.code] if url_name == "reports:statistics_table" else [])
    client = client_for(world, "management")
    add = _grown(_identified(world))

    def grow():
        add()
        client.get(url)

    assert_constant_queries(client, url, grow)


def test_the_cases_behind_a_disclosure_count_and_the_report_do_not_grow_with_the_disclosures(world):
    people = world.people

    def add(n):
        for _ in range(n):
            case = casework_factories.propose(people, category="lifestyle", proposed_on=world.earlier)
            disclosure = make_disclosure(case, decided_by=people.manager)
            Disclosure.objects.filter(pk=disclosure.pk).update(decided_on=world.today)

    add(FEW)
    client = client_for(world, "social_manager")
    url = reverse("reports:disclosure_cases", args=[world.period.code, "decided", "under_21"])
    response = assert_constant_queries(client, url, lambda: add(MANY - FEW))
    assert len(response.context["cases"]) >= MANY
    report = reverse("reports:follow_up", args=[world.today.year, "kvartal"])
    assert_constant_queries(client, report, lambda: add(MANY - FEW))


def test_the_case_summary_does_not_grow_with_the_case_s_rows(world):
    url = reverse("reports:case_summary", args=[world.case.pk])
    assert_constant_queries(client_for(world, "social_manager"), url, _grown(case_rows(world, world.case)))


def test_the_qualitative_follow_up_does_not_grow_with_follow_ups_and_receptions(world):
    people = world.people
    field_worker = actor_for(people.field_worker, people.agreement)

    def add(n):
        for _ in range(n):
            case = make_case(people.agreement, proposed_by=people.manager, unit=people.investigation)
            FollowUp.objects.create(case=case, written_on=world.today, youth_view="Bättre", social_view="Bättre",
                                    outcome=FollowUp.Outcome.IMPROVED, author=people.manager)  # fmt: skip
            contact = fieldwork.record_field_contact(actor=field_worker, kind=FieldContact.Kind.CONCERN_TALK,
                                                     case=world.svansen_case, occurred_on=world.earlier)  # fmt: skip
            fieldwork.record_concern_talk_follow_up(actor=field_worker, contact=contact, followed_up_on=world.today,
                                                    youth_reception="positive", parents_reception="mixed")  # fmt: skip

    url = reverse("reports:follow_up_qualitative", args=[world.period.code])
    response = assert_constant_queries(client_for(world, "social_manager"), url, _grown(add))
    part = response.context["part"]
    assert len(part.follow_ups) >= MANY and len(part.receptions) >= MANY


def test_the_cost_comparison_does_not_grow_with_interventions_and_their_types(world):
    people = world.people

    def add(n):
        for i in (next(_serial) for _ in range(n)):
            kind = InterventionType.objects.create(agreement=people.agreement, code=f"qc-{i}", name=f"Insats {i}")
            Tariff.objects.create(intervention_type=kind, year=world.today.year, municipal_cost=decimal.Decimal(1000),
                                  societal_cost=decimal.Decimal(2000), source="SKR")  # fmt: skip
            case = make_case(people.agreement, proposed_by=people.manager, unit=people.investigation)
            Intervention.objects.create(case=case, intervention_type=kind, offered_on=world.today,
                                        response=Intervention.Response.ACCEPTED, starts_on=world.today,
                                        recorded_by=people.manager)  # fmt: skip

    url = reverse("reports:costs", args=[world.today.year])
    response = assert_constant_queries(client_for(world, "social_manager"), url, _grown(add))
    assert len(response.context["comparison"].cases) >= MANY
