"""Reads are declared by views (accesscontrol.reads.shows) and written in one place
(audit.access.AccessLogMiddleware), under the view's route name, in the request: only for a response that
answered below 400, never for one that failed. No code outside audit writes the access log by hand."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve

from accesscontrol.actor import Actor
from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from audit.access import AccessLogMiddleware
from audit.models import AccessLogEntry
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

HAND_WRITTEN = re.compile(
    r"\b(log_read|log_denied|log_refusal|refusals_logged)\(|from audit(\.access)? import (access|log_)"
)


def _answer(request, path, *, status=200):
    """The middleware around a view at `path` that declares one read of the case, then answers."""
    request.resolver_match = resolve(path)

    def view(request):
        shows(request, cases=[path.split("/")[2]], field_classes=[FieldClass.CASE_FRAME])
        return HttpResponse(status=status)

    return AccessLogMiddleware(view)(request)


def test_a_declared_read_is_written_under_the_views_route_name(people, case, request_as):
    path = f"/arenden/{case.pk}/"
    _answer(request_as(people.manager, path=path), path)
    (entry,) = AccessLogEntry.objects.all()
    assert (entry.page, entry.case_ids, entry.field_classes) == ("casework:case_detail", [str(case.pk)], ["case_frame"])


@pytest.mark.parametrize("status", [302, 400, 404, 500, 503])
def test_only_a_response_below_400_is_a_read(people, case, request_as, status):
    path = f"/arenden/{case.pk}/"
    _answer(request_as(people.manager, path=path), path, status=status)
    assert AccessLogEntry.objects.filter(outcome="shown").count() == (1 if status < 400 else 0)


def test_a_view_that_fails_after_declaring_writes_no_read(people, case):
    client = verified_client(Client(raise_request_exception=False), people.manager)
    with mock.patch("casework.views.cases.render", side_effect=RuntimeError("template broke")):
        assert client.get(f"/arenden/{case.pk}/").status_code == 500
    assert not AccessLogEntry.objects.exists()


def test_every_declared_read_is_written_each_in_its_agreements_log(people, case, request_as, other_agreement):
    path = f"/arenden/{case.pk}/"
    request = request_as(people.manager, path=path)
    request.resolver_match = resolve(path)

    def view(request):
        shows(request, cases=[case])
        shows(
            request,
            persons=[case.person_id],
            actor=Actor(people.manager, other_agreement, frozenset({"social_manager"})),
        )
        return HttpResponse()

    AccessLogMiddleware(view)(request)
    assert sorted(AccessLogEntry.objects.values_list("agreement_id", flat=True)) == sorted(
        [people.agreement.pk, other_agreement.pk]
    )


def test_no_code_outside_audit_writes_the_access_log_by_hand():
    """Views declare what they show (accesscontrol.reads.shows) and refuse by raising; audit writes."""
    written = []
    for package in ("casework", "accesscontrol", "reports", "config"):
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if HAND_WRITTEN.search(line):
                    written.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert written == []
