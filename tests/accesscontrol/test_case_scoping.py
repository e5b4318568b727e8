"""Which cases each role sees: agreements are sealed off from each other, caseworkers see their unit's
cases and their own assignments, read from the case itself so any change to it counts at once, and the cases
a temporary access in force names (tests/accesscontrol/test_case_access_grants.py)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accesscontrol import services
from accesscontrol.actor import actor_for
from accesscontrol.scoping import assigned_q, is_assigned, scope_cases
from casework.models import Case, Category
from tests.accesscontrol.factories import make_case

pytestmark = pytest.mark.django_db


def visible(user, agreement):
    return set(scope_cases(Case.objects.all(), actor_for(user, agreement)))


@pytest.fixture
def cases(people):
    a = people.agreement
    return {
        "investigation": make_case(a, proposed_by=people.manager, unit=people.investigation),
        "open_care": make_case(a, proposed_by=people.manager, unit=people.open_care),
        "personal": make_case(a, proposed_by=people.manager, unit=people.open_care, caseworker=people.caseworker),
        "svansen": make_case(a, proposed_by=people.police, category=Category.SVANSEN),
    }


def test_it_shows_a_social_manager_and_the_police_every_case_of_their_agreement(people, cases):
    assert visible(people.manager, people.agreement) == set(cases.values())
    assert visible(people.police, people.agreement) == set(cases.values())


def test_it_never_shows_a_case_to_a_user_of_another_agreement(people, cases, outsider, other_agreement):
    make_case(other_agreement, proposed_by=outsider)
    assert visible(outsider, other_agreement).isdisjoint(cases.values())
    assert visible(outsider, people.agreement) == set()
    assert set(cases.values()).isdisjoint(visible(people.manager, other_agreement))


def test_a_caseworker_sees_the_cases_of_their_unit_and_those_assigned_to_them(people, cases):
    assert visible(people.caseworker, people.agreement) == {cases["investigation"], cases["personal"]}
    assert visible(people.other_caseworker, people.agreement) == {cases["open_care"], cases["personal"]}


def test_a_field_worker_sees_only_svansen_cases(people, cases):
    assert visible(people.field_worker, people.agreement) == {cases["svansen"]}


@pytest.mark.parametrize("role", ["management", "sysadmin", "auditor"])
def test_roles_without_case_access_see_no_case(people, cases, role):
    assert visible(getattr(people, role), people.agreement) == set()


def test_reassigning_a_case_to_another_unit_moves_the_access_with_it(people, cases):
    case = cases["investigation"]
    case.unit = people.open_care
    case.save()
    assert case not in visible(people.caseworker, people.agreement)
    assert case in visible(people.other_caseworker, people.agreement)


def test_reassigning_the_caseworker_revokes_the_personal_access(people, cases):
    case = cases["personal"]
    case.caseworker = people.other_caseworker
    case.save(update_fields=["caseworker"])
    assert case not in visible(people.caseworker, people.agreement)


def test_a_bulk_update_changes_the_access_at_once(people, cases):
    """Nothing is copied from the case, so a write that sends no signal cannot leave access behind."""
    Case.objects.filter(pk=cases["investigation"].pk).update(unit=people.open_care)
    assert cases["investigation"] not in visible(people.caseworker, people.agreement)
    assert cases["investigation"] in visible(people.other_caseworker, people.agreement)


def test_removing_unit_and_caseworker_leaves_no_access(people, cases):
    case = cases["personal"]
    case.unit = None
    case.caseworker = None
    case.save()
    assert case not in visible(people.other_caseworker, people.agreement)
    assert case not in visible(people.caseworker, people.agreement)


def test_saving_other_fields_keeps_the_access(people, cases):
    case = cases["investigation"]
    case.police_priority = True
    case.save(update_fields=["police_priority"])
    assert case in visible(people.caseworker, people.agreement)


def test_a_caseworker_who_leaves_the_unit_loses_its_cases(people, cases):
    services.remove_user_from_unit(user=people.caseworker, unit=people.investigation)
    assert visible(people.caseworker, people.agreement) == {cases["personal"]}


def test_is_assigned_follows_the_same_rule(people, cases):
    actor = actor_for(people.caseworker, people.agreement)
    assert is_assigned(cases["investigation"], actor)
    assert is_assigned(cases["personal"], actor)
    assert not is_assigned(cases["open_care"], actor)


def test_a_caseworker_who_is_also_a_field_worker_sees_both_sets(people, cases):
    services.grant_role(user=people.caseworker, agreement=people.agreement, role="field_worker")
    assert visible(people.caseworker, people.agreement) == {cases["investigation"], cases["personal"], cases["svansen"]}


def test_the_rule_negated_keeps_exactly_the_cases_that_are_not_the_caseworkers(people, cases):
    """The svansen case has no unit: outside the rule, so inside its negation (a NULL unit must not drop it)."""
    assert set(Case.objects.exclude(assigned_q(people.caseworker))) == {cases["open_care"], cases["svansen"]}


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="PostgreSQL's plan")
def test_the_rules_subqueries_run_once_as_values_the_indexes_can_take(people, cases):
    """The unit and grant subqueries are InitPlans, run once, whose values each branch of the OR can look up in
    its column's index (a BitmapOr at a large agreement's size: bench/access_scoping.py prints that plan). An
    `IN (subquery)` inside the OR was a hashed SubPlan, tested against every case of the agreement."""
    queryset = scope_cases(Case.objects.all(), actor_for(people.caseworker, people.agreement)).values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (COSTS OFF) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" not in plan
    assert plan.count("InitPlan") == 2
    assert "(unit_id = ANY ($0))" in plan and "(id = ANY ($1))" in plan


@pytest.mark.parametrize("role", ["caseworker", "field_worker", "manager", "police"])
def test_scoping_costs_the_same_number_of_queries_for_3_and_30_cases(people, role):
    user = getattr(people, role)
    actor = actor_for(user, people.agreement)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            list(scope_cases(Case.objects.all(), actor))
        return len(queries)

    for _ in range(3):
        make_case(people.agreement, proposed_by=people.manager, unit=people.investigation)
    with_3 = count_queries()
    for n in range(27):
        make_case(
            people.agreement,
            proposed_by=people.manager,
            unit=people.investigation,
            category=Category.SVANSEN if n % 2 else Category.LIFESTYLE,
        )
    assert count_queries() == with_3 == 1
