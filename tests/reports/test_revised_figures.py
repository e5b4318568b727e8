"""A figure once handed out does not change silently (issue 15, point 6). An intervention dated in a released
quarter but recorded after the release leaves the released table and the report already made as they were;
it reaches management as a new revision of the table, marked "Reviderad", with the values before and after
and, in counts only, why; and the social manager's next follow-up report is a new version, marked as revised,
listing the changed figures with the cases, who recorded what and when. Every test here says its day."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook
from pypdf import PdfReader

from accesscontrol.actor import actor_for
from audit import selectors as audit_selectors
from casework.models import Intervention
from reports.models import ReleasedTable, ReportJob
from tests.reports import factories

pytestmark = pytest.mark.django_db

YEAR = 2025
STOCKHOLM = datetime.timezone(datetime.timedelta(hours=1))
RELEASED = datetime.date(2026, 2, 2)  # 2025 was released on 14 January 2026
RECORDED_LATE = datetime.date(2026, 3, 3)
REVISION = datetime.date(2026, 4, 14)  # the next revision day
QUARTER = f"{YEAR}-Q1"
LATE = 5


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=STOCKHOLM), tick=False)


def _late_cases(year_of_cases) -> list:
    """The svansen cases identified in the first quarter with no intervention yet."""
    return [
        case
        for case in year_of_cases
        if case.identified_category == "svansen"
        and case.raised_on.month <= 3
        and not Intervention.objects.filter(case=case).exists()
    ]


def _record_late_intervention(login, people, case):
    with on(RECORDED_LATE):
        response = login(people.manager).post(
            f"/arenden/{case.pk}/insatser/ny/",
            {
                "intervention_type": factories.intervention_type(people.agreement, "mst").pk,
                "offered_on": datetime.date(YEAR, 3, 20).isoformat(),
                "response": "declined",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]


def _order_xlsx(login, people, django_capture_on_commit_callbacks, file_format="xlsx") -> ReportJob:
    client = login(people.manager)
    data = {"kind": "follow_up", "file_format": file_format, "first_year": YEAR, "last_year": YEAR}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rapporter/langa/", data)
    job = ReportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == ReportJob.Status.DONE
    return job


def test_a_late_intervention_revises_the_released_table_and_leaves_the_release_as_it_was(login, people, year_of_cases):
    with on(RELEASED):
        client = login(people.management)
        for period in (QUARTER, str(YEAR)):
            assert client.get(f"/statistik/targets/{period}/").status_code == 200
        assert client.get(f"/statistik/interventions_by_type/{YEAR}/").status_code == 200
    first = {row.period: row.rows for row in ReleasedTable.objects.filter(table="targets", revision=1)}
    # Five late interventions: the noise (at most ±2) can hide one late case, as it should, but not five.
    late = _late_cases(year_of_cases)[:LATE]
    assert len(late) == LATE
    # The manager who records them is a sentinel too: a name no other user of the cast can share by chance
    # (the factories' names are random, and management's own name is on every page it sees).
    people.manager.last_name = "Registrerardotter"
    people.manager.save(update_fields=["last_name"])
    for case in late:
        _record_late_intervention(login, people, case)

    with on(REVISION):
        client = login(people.management)
        tables = {period: client.get(f"/statistik/targets/{period}/").context["table"] for period in first}
        register = client.get("/statistik/register/").content.decode()
        by_type = client.get(f"/statistik/interventions_by_type/{YEAR}/").context["table"]
        breakdown = client.get(f"/statistik/register/interventions_by_type/{YEAR}/2/") if by_type.revision > 1 else None
    if breakdown is not None:
        # A breakdown by intervention type says that it was revised, never which cells.
        assert not breakdown.context["revised"].changed and "Tidigare" not in breakdown.content.decode()
        assert "Vilka celler som ändrats pekas inte ut" in breakdown.content.decode()
    # What was released keeps its numbers.
    for row in ReleasedTable.objects.filter(table="targets", revision=1):
        assert row.rows == first[row.period]
    revised = [period for period, table in tables.items() if table.revision == 2]
    assert {QUARTER, str(YEAR)} <= set(revised), "the share of svansen offered an intervention changed"
    assert "Reviderad" in register
    for period in revised:
        assert f"/statistik/register/targets/{period}/2/" in register
        with on(REVISION):
            assert (
                f"/statistik/register/targets/{period}/2/"
                in client.get(f"/statistik/targets/{period}/").content.decode()
            )
        with on(REVISION):
            page = client.get(f"/statistik/register/targets/{period}/2/")
        html = page.content.decode()
        revision = page.context["revised"]
        assert revision.cases == LATE
        assert f"Uppgifter om {LATE} ärenden under perioden registrerades eller ändrades efter förra versionen." in html
        before = {code: [v["text"] for v in values] for code, values in first[period].items()}
        latest = ReleasedTable.objects.get(table="targets", period=period, revision=2)
        after = {code: [v["text"] for v in values] for code, values in latest.rows.items()}
        shown = {(value.before, value.after) for value in revision.changed}
        assert shown, "a visible change is listed before and after"
        assert shown <= {
            (old, new) for code in after for old, new in zip(before[code], after[code], strict=True) if old != new
        }
        sentinels = [factories.SENTINEL_FIRST_NAME, people.manager.username, people.manager.last_name]
        sentinels += [case.number for case in late] + [case.person.last_name for case in late]
        for sentinel in sentinels:
            assert sentinel not in html, sentinel


def test_a_late_intervention_makes_a_revised_follow_up_report(
    login, people, year_of_cases, django_capture_on_commit_callbacks
):
    with on(RELEASED):
        first = _order_xlsx(login, people, django_capture_on_commit_callbacks)
    assert (first.version, first.revised) == (1, False)
    handed_out = dict(first.figures)
    case = _late_cases(year_of_cases)[0]
    _record_late_intervention(login, people, case)

    with on(REVISION):
        second = _order_xlsx(login, people, django_capture_on_commit_callbacks)
        page = login(people.manager).get(f"/rapporter/langa/{second.pk}/")
    first.refresh_from_db()
    assert first.figures == handed_out, "the report already made keeps its figures"
    assert (second.version, second.revised, second.revises_id) == (2, True, first.pk)
    changes = {(c["metric"], c["period_code"]): c for c in second.changes}
    share = changes[("svansen_offered_share", str(YEAR))]
    assert share["cases"] == [str(case.pk)]
    assert share["before"] != share["after"]

    html = page.content.decode()
    assert "Reviderad" in html and case.number in html
    assert share["before"] in html and share["after"] in html
    assert people.manager.get_full_name() in html and "2026-03-03" in html

    with on(REVISION):
        content = login(people.manager).get(f"/rapporter/langa/{second.pk}/fil/").content
    sheet = load_workbook(io.BytesIO(content))["Revidering"]
    rows = [[cell for cell in row if cell not in (None, "")] for row in sheet.iter_rows(values_only=True)]
    assert any(row[:4] == [share["label"], share["period"], share["before"], share["after"]] for row in rows if row)
    assert any(case.number in row and people.manager.get_full_name() in row for row in rows)


def test_the_same_figures_make_no_new_version(login, people, year_of_cases, django_capture_on_commit_callbacks):
    with on(RELEASED):
        first = _order_xlsx(login, people, django_capture_on_commit_callbacks)
    with on(REVISION):
        again = _order_xlsx(login, people, django_capture_on_commit_callbacks)
    assert (again.version, again.revised, again.changes, again.revises_id) == (first.version, False, [], None)


def test_the_revised_pdf_opens_with_what_changed(login, people, year_of_cases, django_capture_on_commit_callbacks):
    with on(RELEASED):
        _order_xlsx(login, people, django_capture_on_commit_callbacks, "pdf")
    case = _late_cases(year_of_cases)[0]
    _record_late_intervention(login, people, case)
    with on(REVISION):
        revised = _order_xlsx(login, people, django_capture_on_commit_callbacks, "pdf")
        content = login(people.manager).get(f"/rapporter/langa/{revised.pk}/fil/").content
    first_page = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Reviderad" in first_page and "version 2" in first_page
    assert case.number in first_page and people.manager.get_full_name() in first_page


def test_who_recorded_what_is_for_the_social_manager_only(people, year_of_cases):
    case = year_of_cases[0]
    since = datetime.datetime(2000, 1, 1, tzinfo=STOCKHOLM)
    with pytest.raises(PermissionDenied):
        audit_selectors.case_changes(
            actor=actor_for(people.management, people.agreement), case_ids=[case.pk], since=since
        )
    manager = actor_for(people.manager, people.agreement)
    assert audit_selectors.case_changes(actor=manager, case_ids=[case.pk], since=since) is not None
