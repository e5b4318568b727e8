"""The auditor's CSV export: the filtered entries, safe to open in a spreadsheet, and itself logged."""

import csv
import io

import pytest

from audit import access
from audit.models import AccessLogEntry
from tests import factories

from .helpers import PERIOD

pytestmark = pytest.mark.django_db

URL = "/granskning/atkomst/export.csv"


def parse(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_it_exports_the_filtered_entries(login, people, case, read):
    wanted = read(people.manager, cases=[case], persons=[case.person])
    read(people.police, cases=[case])
    response = login(people.auditor).get(URL, {**PERIOD, "user": people.manager.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="atkomstlogg-')
    header, *rows = parse(response)
    assert header[:3] == ["Nr", "Tid", "Användare"]
    assert [row[0] for row in rows] == [str(wanted.seq)]
    assert rows[0][7] == case.number
    assert rows[0][8] == f"Person {str(case.person_id)[:8]}"
    assert case.person.last_name not in response.content.decode()


def test_a_formula_in_a_username_is_neutralised_and_a_page_only_named(login, people, case, request_as):
    attacker = factories.user_with_roles(people.agreement, "social_manager", username="=HYPERLINK(evil)")
    access.log_read(request_as(attacker), page="@SUM(1+1)", cases=[case])
    response = login(people.auditor).get(URL)
    _header, row = parse(response)
    assert row[2] == "'=HYPERLINK(evil)"
    assert row[5] == "Sida som inte längre finns"  # a page is named, never written as stored


def test_the_export_is_logged_as_an_export(login, people, case, read):
    read(people.manager, cases=[case], persons=[case.person])
    login(people.auditor).get(URL, PERIOD)
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert (entry.page, entry.export, entry.user_id) == ("audit:access_log_export", True, people.auditor.pk)
    assert entry.case_ids == [str(case.pk)] and entry.person_ids == [str(case.person_id)]


def test_it_refuses_everyone_but_the_auditor(login, people):
    response = login(people.manager).get(URL)
    assert response.status_code == 403
    assert AccessLogEntry.objects.get().outcome == AccessLogEntry.Outcome.DENIED


def test_bad_filters_send_the_auditor_back_to_the_form(login, people):
    response = login(people.auditor).get(URL, {"since": "inte ett datum"})
    assert response.status_code == 302
    assert response["Location"].startswith("/granskning/atkomst/?")
