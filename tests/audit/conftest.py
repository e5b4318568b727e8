from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accesscontrol.actor import actor_for, system_changes_for
from audit import access

from .factories import CaseFactory
from .helpers import TUESDAY, at


@pytest.fixture
def case(people):
    """A lifestyle case of the investigation unit, proposed by the manager; its change-log entries belong
    to the agreement, as those of a request or a job working for it would."""
    with system_changes_for(people.agreement.pk):
        return CaseFactory(agreement=people.agreement, proposed_by=people.manager, unit=people.investigation)


@pytest.fixture
def other_unit_case(people):
    """A case of the open-care unit: outside the investigation caseworker's assignments."""
    return CaseFactory(agreement=people.agreement, proposed_by=people.manager, unit=people.open_care)


@pytest.fixture
def request_as(agreement):
    """A request from `user`, acting in the agreement, as the middleware would set it up."""

    def _request(user, path="/arenden/x/", address="10.1.2.3"):
        request = RequestFactory().get(path, REMOTE_ADDR=address)
        request.user = user
        request.session = SessionStore()
        request.session.save()
        request.actor = actor_for(user, agreement)
        return request

    return _request


@pytest.fixture
def read(request_as):
    """Log a read by `user` at a given local time (default: Tuesday 10:00), or a denied attempt."""

    def _read(user, *, when=None, cases=(), persons=(), page="casework:case", denied=False):
        with mock.patch("audit.access.timezone.now", return_value=when or at(TUESDAY, 10)):
            request = request_as(user)
            if denied:
                return access.log_denied(request, page=page, cases=cases)
            return access.log_read(request, page=page, cases=cases, persons=persons)

    return _read
