"""Long reports: ordered on a page, built by a worker from ids only, stored sealed to their row, downloaded by
the requester only (and logged), deleted when they expire."""

import datetime
import io
import time

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from accesscontrol.actor import actor_for
from audit.models import AccessLogEntry
from encryption import crypto
from reports import services, tasks
from reports.models import ReportJob
from tests.factories import user_with_roles

YEAR = 2025


@pytest.fixture
def order(django_capture_on_commit_callbacks):
    """Order a report on the page; the worker's task runs when the request's transaction commits."""

    def _order(client, **fields):
        data = {"kind": "follow_up", "file_format": "pdf", "first_year": YEAR, "last_year": YEAR} | fields
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/rapporter/langa/", data)

    return _order


@pytest.fixture
def request_report(django_capture_on_commit_callbacks, people):
    def _request(**fields):
        actor = actor_for(people.manager, people.agreement)
        data = {"kind": "costs", "file_format": "pdf", "first_year": YEAR, "last_year": YEAR} | fields
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_report(actor=actor, **data)
        job.refresh_from_db()
        return job

    return _request


def test_the_social_manager_orders_the_follow_up_and_downloads_the_pdf(login, people, year_of_cases, order):
    client = login(people.manager)
    response = order(client)
    job = ReportJob.objects.get()
    assert response["Location"] == f"/rapporter/langa/{job.pk}/"
    assert job.status == ReportJob.Status.DONE and job.progress == 100
    assert job.sealed_file.startswith("v1$") and "%PDF" not in job.sealed_file
    assert job.expires_at - job.finished_at == datetime.timedelta(days=settings.SAMSYN_REPORT_FILE_DAYS)
    assert "Ladda ner" in client.get(f"/rapporter/langa/{job.pk}/").content.decode()
    download = client.get(f"/rapporter/langa/{job.pk}/fil/")
    assert download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == f'attachment; filename="samsyn-uppfoljning-{YEAR}.pdf"'
    entry = AccessLogEntry.objects.get(page="reports:job_file")
    assert entry.export and set(entry.case_ids) == set(job.case_ids) and job.case_ids


def test_the_xlsx_follow_up_writes_formula_like_texts_as_text(login, people, year_of_cases, order):
    follow_up = year_of_cases[0].follow_ups.get()
    follow_up.youth_view = '=HYPERLINK("http://example.org","klicka")'
    follow_up.save()
    client = login(people.manager)
    order(client, file_format="xlsx")
    job = ReportJob.objects.get()
    workbook = load_workbook(io.BytesIO(client.get(f"/rapporter/langa/{job.pk}/fil/").content))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells, "the formula-like text is in the file"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert "Kvartal 2025" in workbook.sheetnames and "Uppföljningar 2025" in workbook.sheetnames


@pytest.mark.parametrize(("kind", "file_format"), [("costs", "pdf"), ("costs", "xlsx")])
def test_the_social_manager_orders_the_cost_comparison(login, people, year_of_cases, kind, file_format, order):
    client = login(people.manager)
    order(client, kind=kind, file_format=file_format, first_year=YEAR, last_year=YEAR + 1)
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE
    assert client.get(f"/rapporter/langa/{job.pk}/fil/").status_code == 200


@pytest.mark.parametrize("file_format", ["pdf", "xlsx"])
def test_management_orders_the_statistics_catalogue_with_no_case_in_it(
    login, people, year_of_cases, file_format, order
):
    client = login(people.management)
    order(client, kind="statistics", file_format=file_format)
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE and job.case_ids == []
    assert client.get(f"/rapporter/langa/{job.pk}/fil/").status_code == 200
    assert AccessLogEntry.objects.filter(page="reports:job_file", export=True, case_ids=[]).exists()


def test_management_cannot_order_a_report_with_case_data(login, people, year_of_cases, order):
    response = order(login(people.management), kind="follow_up")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "field_worker", "police", "sysadmin", "auditor"])
def test_roles_without_reports_are_refused(login, people, role, order):
    client = login(getattr(people, role))
    assert client.get("/rapporter/langa/").status_code == 403
    assert order(client).status_code == 403
    assert not ReportJob.objects.exists()


def test_nobody_else_sees_or_downloads_a_report(login, people, year_of_cases, outsider, order):
    order(login(people.manager))
    job = ReportJob.objects.get()
    other_manager = user_with_roles(people.agreement, "social_manager", username="chef2")
    for user in (other_manager, outsider):
        client = login(user)
        assert client.get(f"/rapporter/langa/{job.pk}/").status_code == 404
        assert client.get(f"/rapporter/langa/{job.pk}/fil/").status_code == 404
    assert AccessLogEntry.objects.filter(outcome="denied", page="reports:job_file").count() == 2


def test_bad_years_are_refused_with_a_message_and_nothing_queued(login, people, year_of_cases, order):
    client = login(people.manager)
    response = order(client, first_year=YEAR + 1, last_year=YEAR)
    assert "Slutåret kan inte vara före startåret." in response.content.decode()
    assert order(client, first_year=1999).status_code == 200
    assert not ReportJob.objects.exists()


def test_the_task_gets_the_jobs_id_only(people, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(
        tasks.build_report, "apply_async", lambda args=None, kwargs=None, **options: sent.append((args, kwargs))
    )
    actor = actor_for(people.manager, people.agreement)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(actor=actor, kind="costs", file_format="pdf", first_year=2026, last_year=2026)
    assert sent == [(None, {"job_id": str(job.pk)})]


def test_building_again_changes_nothing_once_done(request_report, year_of_cases):
    job = request_report()
    sealed, finished = job.sealed_file, job.finished_at
    tasks.build_report(str(job.pk))
    job.refresh_from_db()
    assert (job.sealed_file, job.finished_at) == (sealed, finished)


def test_an_interrupted_build_is_built_again(request_report, year_of_cases):
    job = request_report(file_format="xlsx")
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, sealed_file="", progress=40)
    tasks.build_report(str(job.pk))
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.sealed_file


def test_a_sealed_file_does_not_open_on_another_row(request_report, year_of_cases):
    first, second = request_report(), request_report()
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(first.sealed_file, aad=tasks.file_aad(second), where="test")


def test_expired_files_are_deleted_and_can_no_longer_be_downloaded(login, people, year_of_cases, order):
    client = login(people.manager)
    order(client, kind="costs")
    job = ReportJob.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert tasks.delete_expired_report_files() == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.EXPIRED and job.sealed_file == ""
    assert client.get(f"/rapporter/langa/{job.pk}/fil/").status_code == 404
    assert "tagits bort" in client.get(f"/rapporter/langa/{job.pk}/").content.decode()


def test_the_expiry_job_is_scheduled():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.delete_expired_report_files" in scheduled


def test_a_requester_who_lost_the_role_gets_no_file(people, year_of_cases):
    job = ReportJob.objects.create(
        agreement=people.agreement,
        requested_by=people.caseworker,
        kind="follow_up",
        file_format="pdf",
        first_year=YEAR,
        last_year=YEAR,
    )
    tasks.build_report(str(job.pk))
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and not job.sealed_file


def test_the_status_answers_progress_as_json(login, people, year_of_cases, order):
    client = login(people.manager)
    order(client, kind="costs")
    job = ReportJob.objects.get()
    assert client.get(f"/rapporter/langa/{job.pk}/status/").json() == {"status": "done", "progress": 100}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_long_report_is_built_by_the_real_worker(celery_worker, people, year_of_cases):
    actor = actor_for(people.manager, people.agreement)
    job = services.request_report(actor=actor, kind="follow_up", file_format="pdf", first_year=YEAR, last_year=YEAR)
    deadline = time.monotonic() + 120
    while True:
        job.refresh_from_db()
        if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
            break
        assert time.monotonic() < deadline, "the worker did not build the report"
        time.sleep(0.5)
    assert job.status == ReportJob.Status.DONE
    where = "test"
    assert crypto.open_sealed(job.sealed_file, aad=tasks.file_aad(job), where=where).startswith(b"%PDF")
