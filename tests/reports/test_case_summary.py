"""The case summary PDF of the social manager: the case as the manager's case page shows it (timeline,
interventions, follow-ups, disclosures), in Swedish, logged as an export; nobody else gets it (the URL ×
role matrix in tests/accesscontrol/url_matrix.py holds every role's answer)."""

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from tests.casework import factories as f
from tests.reports.test_documents_read import assert_reads_as_swedish, text_of

pytestmark = pytest.mark.django_db


def test_the_social_manager_downloads_the_case_as_the_case_page_shows_it(login, people):
    meeting = f.meeting(people)
    case = f.identified(people, at=meeting)
    client = login(people.manager)
    assert (
        reverse("reports:case_summary", args=[case.pk])
        in client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    )
    response = client.get(reverse("reports:case_summary", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="samsyn-arende-{case.number}.pdf"'
    text = text_of(response.content)
    assert_reads_as_swedish(text)
    for heading in ("Erbjudna insatser", "Uppföljningar", "Utlämnanden till polisen", "Samtycken", "Historik"):
        assert heading in text
    assert case.number in text and case.person.last_name in text
    entry = AccessLogEntry.objects.get(page="reports:case_summary")
    assert entry.export and entry.case_ids == [str(case.pk)] and entry.person_ids == [str(case.person_id)]


def test_a_caseworker_who_sees_the_case_is_refused_and_the_refusal_logged(login, people):
    case = f.identified(people, at=f.meeting(people))
    response = login(people.caseworker).get(reverse("reports:case_summary", args=[case.pk]))
    assert response.status_code == 403
    denied = AccessLogEntry.objects.get(page="reports:case_summary", outcome=AccessLogEntry.Outcome.DENIED)
    assert denied.case_ids == [str(case.pk)]
    assert not AccessLogEntry.objects.filter(page="reports:case_summary", outcome=AccessLogEntry.Outcome.SHOWN)
