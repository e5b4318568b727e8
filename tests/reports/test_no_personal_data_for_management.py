"""Sentinel: nothing that identifies a youth, and no free text, reaches any output of the management role —
pages, charts, files or the API. Every test person is named with the sentinel name, every free text says
"Hemlig", and the search also covers personal numbers, contact details, case numbers and internal ids."""

import io
import re
import zipfile

import pytest
from rest_framework.test import APIClient

from accesscontrol.actor import actor_for
from casework.models import Person
from reports import catalogue, exports, services
from reports.disclosure_control.structure import year_periods
from tests.reports.factories import SENTINEL_FIRST_NAME, SENTINEL_LAST_NAME

YEAR = 2025


def sentinels(cases) -> list[str]:
    values = [SENTINEL_FIRST_NAME, SENTINEL_LAST_NAME, "Hemlig", "070-000", "/arenden/"]
    for case in cases:
        person = Person.objects.get(pk=case.person_id)
        number = person.personal_number
        values += [number, f"{number[:8]}-{number[8:]}", number[2:8], case.number, str(case.pk), str(person.pk)]
    return [value.lower() for value in values]


def assert_clean(text: str, forbidden: list[str], where: str) -> None:
    """A forbidden value anywhere in the text; a value of digits only (a birth date, a personnummer) where it
    stands as a number of its own, not inside a longer one (a share written as 0.0808080808…)."""
    lowered = text.lower()
    found = [
        value
        for value in forbidden
        if (re.search(rf"(?<!\d){re.escape(value)}(?!\d)", lowered) if value.isdigit() else value in lowered)
    ]
    assert not found, f"{where} shows {found}"


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.fixture
def printed(monkeypatch):
    """The HTML that goes into each PDF (the PDF itself is compressed)."""
    pages = []
    original = exports.render_to_string

    def recording(template, context):
        html = original(template, context)
        pages.append(html)
        return html

    monkeypatch.setattr(exports, "render_to_string", recording)
    return pages


def test_no_management_page_file_or_api_answer_holds_personal_data(login, people, year_of_cases, printed):
    forbidden = sentinels(year_of_cases)
    client = login(people.management)
    key = services.create_api_token(actor=actor_for(people.management, people.agreement))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    urls = ["/statistik/", f"/statistik/?ar={YEAR}", "/statistik/metod/", "/statistik/api-nyckel/"]
    for entry in catalogue.TABLES:
        for period in year_periods(YEAR):
            if period.kind in entry.kinds:
                urls.append(f"/statistik/{entry.code}/{period.code}/")
                api_url = f"/api/statistik/{people.agreement.pk}/{entry.code}/{period.code}/"
                assert_clean(api.get(api_url).content.decode(), forbidden, api_url)
        for file_type in ("csv", "pdf"):
            urls.append(f"/statistik/{entry.code}/{YEAR}/{file_type}/")
        xlsx = client.get(f"/statistik/{entry.code}/{YEAR}/xlsx/").content
        assert_clean(xlsx_text(xlsx), forbidden, f"{entry.code} xlsx")
    urls.append("/statistik/register/")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response.content.decode("utf-8", "replace"), forbidden, url)
    assert_clean(api.get(f"/api/statistik/{people.agreement.pk}/").content.decode(), forbidden, "catalogue")
    assert printed, "no PDF was made"
    for html in printed:
        assert_clean(html, forbidden, "a PDF")


def test_the_long_statistics_report_holds_no_personal_data(
    login, people, year_of_cases, printed, django_capture_on_commit_callbacks
):
    from reports.models import ReportJob

    forbidden = sentinels(year_of_cases)
    client = login(people.management)
    for file_format in ("xlsx", "pdf"):
        data = {"kind": "statistics", "file_format": file_format, "first_year": YEAR, "last_year": YEAR}
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/rapporter/langa/", data)
        job = ReportJob.objects.get(file_format=file_format)
        content = client.get(f"/rapporter/langa/{job.pk}/fil/").content
        if file_format == "xlsx":
            assert_clean(xlsx_text(content), forbidden, "the statistics workbook")
    assert printed
    for html in printed:
        assert_clean(html, forbidden, "the statistics PDF")


def test_the_sentinels_are_there_to_be_found(year_of_cases):
    # The check above would pass vacuously if the sentinels were not in the data at all.
    person = Person.objects.get(pk=year_of_cases[0].person_id)
    assert person.first_name == SENTINEL_FIRST_NAME
    assert year_of_cases[0].proposal_reason.startswith("Hemlig")


def test_management_files_are_made_from_protected_tables_only():
    with pytest.raises(TypeError):
        exports.protected_sheet({"rows": [["Sentinella", 1]]})
