"""The administration's lists and the access decisions cost the same number of queries for 3 rows as for 25
(issue 16, issue 20 point 5), each as the visitor who reads it: the sysadmin's users, units, organisations,
targets, catalogue, tariffs, areas, places, retention rules and legal bases; the social manager's
access requests."""

import datetime
import decimal
import itertools

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol.models import AccessRequest, Organisation, Role, Unit
from casework.models import Area, HotSpot, InterventionType, LegalBasis, RetentionRule, Target, Tariff
from tests.factories import user_with_roles
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 25
_serial = itertools.count()


def _users(people, n):
    """Users with a role, a unit, an app and a pending request each: every column of the list."""
    for _ in range(n):
        user = user_with_roles(
            people.agreement,
            Role.CASEWORKER,
            username=f"qc-{next(_serial)}",
            organisation=people.agreement.social_services,
            units=[people.investigation, people.open_care],
        )
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        _request(people, user)


def _request(people, user):
    return AccessRequest.objects.create(
        agreement=people.agreement, user=user, kind=AccessRequest.Kind.ROLES, roles=[Role.CASEWORKER],
        side=AccessRequest.Side.SOCIAL_SERVICES, requested_by=people.sysadmin,
    )  # fmt: skip


def _intervention_types(people, n):
    return [
        InterventionType.objects.create(agreement=people.agreement, code=f"qc-{i}", name=f"Insats {i}")
        for i in (next(_serial) for _ in range(n))
    ]


def _tariffs(people, n):
    for kind in _intervention_types(people, n):
        for year in (2025, 2026):
            Tariff.objects.create(intervention_type=kind, year=year, municipal_cost=decimal.Decimal(1000),
                                  societal_cost=decimal.Decimal(2000), source="SKR")  # fmt: skip


def _hot_spots(people, n):
    for i in (next(_serial) for _ in range(n)):
        area = Area.objects.create(agreement=people.agreement, name=f"Område {i}")
        HotSpot.objects.create(agreement=people.agreement, name=f"Plats {i}", kind=HotSpot.Kind.SCHOOL, area=area)


def _retention_rules(people, n):
    for i in (next(_serial) for _ in range(n)):
        RetentionRule.objects.create(
            agreement=people.agreement,
            record_type=RetentionRule.RecordType.ACCESS_LOG,
            years=2,
            legal_reference="OSL",
            valid_from=datetime.date(1990, 1, 1) + datetime.timedelta(days=i),
        )


def _legal_bases(people, n):
    for i in (next(_serial) for _ in range(n)):
        LegalBasis.objects.create(code=f"qc-{i}", label=f"Grund {i}", law_reference="OSL 10 kap. 18 a §",
                                  valid_from=datetime.date(2020, 1, 1))  # fmt: skip


def _units(people, n):
    for i in (next(_serial) for _ in range(n)):
        Unit.objects.create(organisation=people.agreement.police, name=f"Enhet {i}")


def _organisations(people, n):
    for i in (next(_serial) for _ in range(n)):
        Organisation.objects.create(name=f"Organisation {i}", kind=Organisation.Kind.POLICE)


def _areas(people, n):
    for i in (next(_serial) for _ in range(n)):
        Area.objects.create(agreement=people.agreement, name=f"Område {i}")


GROW = {
    "users": _users,
    "units": _units,
    "organisations": _organisations,
    "catalogue": _intervention_types,
    "tariffs": _tariffs,
    "areas": _areas,
    "hot_spots": _hot_spots,
    "retention_rules": _retention_rules,
    "legal_bases": _legal_bases,
}


@pytest.mark.parametrize("section", sorted(GROW))
def test_an_administration_list_does_not_grow_with_its_records(people, login, section):
    GROW[section](people, FEW)
    url = reverse(f"administration:{section}_list")
    response = assert_constant_queries(login(people.sysadmin), url, lambda: GROW[section](people, MANY - FEW))
    assert len(response.context["rows"]) >= MANY


def test_the_targets_list_does_not_grow_with_the_targets(people, login):
    """An agreement has one target per measure: from one target to one of every measure."""
    Target.objects.filter(agreement=people.agreement).delete()
    free = list(Target.Metric)
    assert len(free) >= 8, "too few measures to grow the list"

    def add(metrics):
        for metric in metrics:
            Target.objects.create(agreement=people.agreement, metric=metric, period="year", value=10)

    add(free[:1])
    response = assert_constant_queries(
        login(people.sysadmin), reverse("administration:targets_list"), lambda: add(free[1:])
    )
    assert len(response.context["rows"]) >= len(free)


def test_the_access_requests_do_not_grow_with_the_requests(people, login):
    def add(n):
        for _ in range(n):
            user = user_with_roles(people.agreement, Role.FIELD_WORKER, username=f"qc-{next(_serial)}")
            _request(people, user)
            decided = _request(people, user)
            AccessRequest.objects.filter(pk=decided.pk).update(status=AccessRequest.Status.REJECTED,
                                                               decided_by=people.manager)  # fmt: skip

    add(FEW)
    response = assert_constant_queries(login(people.manager), reverse("approvals:list"), lambda: add(MANY - FEW))
    assert len(response.context["pending"]) >= MANY and len(response.context["decided"]) == 20


@pytest.mark.parametrize("url_name", ["administration:users_edit", "administration:users_create"])
def test_the_user_form_does_not_grow_with_the_units_to_choose(people, login, url_name):
    def add(n):
        _units(people, n)
        for i in (next(_serial) for _ in range(n)):
            Unit.objects.create(organisation=people.agreement.social_services, name=f"Socialenhet {i}")

    add(FEW)
    args = [people.caseworker.pk] if url_name.endswith("edit") else []
    response = assert_constant_queries(login(people.sysadmin), reverse(url_name, args=args), lambda: add(MANY - FEW))
    assert len(response.context["form"].fields["units"].queryset) >= 2 * MANY
