"""The auditor's review of the change log: who changed which fields of what, never the values."""

import pytest
from auditlog.models import LogEntry

from accesscontrol.actor import system_changes_for
from audit.models import AccessLogEntry
from casework.models import CaseEvent
from tests.audit.factories import CaseFactory

pytestmark = pytest.mark.django_db

URL = "/granskning/andringar/"


@pytest.fixture
def changed_in_a_request(login, people, case):
    """The manager changes a case through a request, so the change carries actor and agreement."""
    from django.test import RequestFactory

    from accesscontrol.actor import actor_for
    from audit.middleware import ChangeLogMiddleware

    def view(request):
        request.actor = actor_for(people.manager, people.agreement)
        case.status = "active"
        case.proposal_reason = "Ett hemligt skäl"
        case.save()
        CaseEvent.objects.create(case=case, kind="identified", occurred_on=case.proposed_on, by=people.manager)

    request = RequestFactory().get("/")
    request.user = people.manager
    ChangeLogMiddleware(view)(request)
    return case


def rows_of(response):
    return response.context["rows"]


def test_it_refuses_everyone_but_the_auditor(login, people):
    response = login(people.police).get(URL)
    assert response.status_code == 403
    assert AccessLogEntry.objects.get().outcome == AccessLogEntry.Outcome.DENIED


def test_it_shows_which_fields_changed_never_the_values(login, people, changed_in_a_request):
    response = login(people.auditor).get(URL, {"user": people.manager.pk})
    update = next(row for row in rows_of(response) if row.action == "Ändrade")
    assert update.username == people.manager.username
    assert update.object_reference == f"Ärende {changed_in_a_request.number}"
    assert update.fields == ["skäl för förslaget", "status"]
    html = response.content.decode()
    assert "Ett hemligt skäl" not in html and "[krypterat]" not in html and "proposed" not in html


def test_it_shows_an_object_by_type_and_id_never_by_its_stored_label(login, people, case):
    from casework.models import Intervention
    from tests.casework.factories import intervention_type

    with system_changes_for(people.agreement.pk):
        offered = Intervention.objects.create(
            case=case,
            intervention_type=intervention_type(people.agreement),
            offered_on=case.proposed_on,
            recorded_by=people.manager,
        )
    assert str(offered.intervention_type) in LogEntry.objects.get_for_object(offered).get().object_repr
    response = login(people.auditor).get(URL)
    (row,) = [row for row in rows_of(response) if row.object_type == "Insats"]
    assert row.object_reference == f"id {offered.pk} i ärende {case.number}"
    assert str(offered.intervention_type) not in response.content.decode()


def test_it_filters_by_case_number_including_the_rows_of_the_case(login, people, changed_in_a_request):
    CaseFactory(agreement=people.agreement, proposed_by=people.manager)
    response = login(people.auditor).get(URL, {"case_number": changed_in_a_request.number})
    types = {row.object_type for row in rows_of(response)}
    assert types == {"Ärende", "Händelse i ärendet"}
    assert {row.object_reference for row in rows_of(response) if row.object_type == "Ärende"} == {
        f"Ärende {changed_in_a_request.number}"
    }


def test_it_filters_by_person(login, people, changed_in_a_request):
    person = changed_in_a_request.person
    response = login(people.auditor).get(URL, {"person": str(person.pk)})
    references = {row.object_reference for row in rows_of(response)}
    assert str(person) in references and f"Ärende {changed_in_a_request.number}" in references


def test_it_shows_the_changes_of_the_auditors_agreement_only(login, people, other_agreement, outsider):
    from django.test import RequestFactory

    from accesscontrol.actor import actor_for
    from audit.middleware import ChangeLogMiddleware

    def view(request):
        request.actor = actor_for(outsider, other_agreement)
        CaseFactory(agreement=other_agreement, proposed_by=outsider)

    request = RequestFactory().get("/")
    request.user = outsider
    ChangeLogMiddleware(view)(request)
    ours = CaseFactory(agreement=people.agreement, proposed_by=people.manager)
    with system_changes_for(people.agreement.pk):
        ours.status = "active"
        ours.save()
    response = login(people.auditor).get(URL)
    assert response.status_code == 200
    assert rows_of(response)
    assert outsider.username not in {row.username for row in rows_of(response)}


def test_a_job_s_changes_are_shown_to_the_auditor_of_its_agreement_only(login, people, other_agreement, outsider):
    theirs = CaseFactory(agreement=other_agreement, proposed_by=outsider)
    ours = CaseFactory(agreement=people.agreement, proposed_by=people.manager)
    for case in (theirs, ours):
        with system_changes_for(case.agreement_id):  # as the nightly purge and the reminders do
            case.status = "closed"
            case.save()
    shown = {row.object_reference for row in rows_of(login(people.auditor).get(URL))}
    assert f"Ärende {ours.number}" in shown
    assert f"Ärende {theirs.number}" not in shown


def test_reviewing_the_change_log_is_logged(login, people, changed_in_a_request):
    login(people.auditor).get(URL, {"case_number": changed_in_a_request.number})
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert (entry.page, entry.field_classes) == ("audit:change_log", ["logs"])
    assert entry.case_ids == [str(changed_in_a_request.pk)]
