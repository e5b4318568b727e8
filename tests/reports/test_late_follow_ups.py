"""Late is not missing: a follow-up written after its window counts in its own state, "Efter fönstret",
beside "I tid", "Saknas" and "Inte aktuell än", on the target board, in the follow-up report, in the lists of
cases behind its figures (with the youths' names, as the board names them), in the XLSX and on the
qualitative page. The share in time is unchanged: in time of due, due being in time, late and missing.

A case raised on 31 August has its window close on 28 February (casework.follow_up, the end-of-month rule),
the same day as cases raised on 29 and 30 August. The clock is pinned (any --today)."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import FollowUp, Target
from casework.periods import Period, PeriodKind
from casework.selectors.targets import FollowUpCount
from reports import documents
from reports.models import ReportJob
from tests.clock import STOCKHOLM
from tests.reports import factories

pytestmark = pytest.mark.django_db

METRIC = Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE
Q1 = Period(2027, PeriodKind.QUARTER, 1)
TODAY = datetime.date(2027, 3, 15)


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=STOCKHOLM), tick=False)


@pytest.fixture
def cases(people):
    """Four cases whose windows close in Q1 2027, one in each state on TODAY."""

    def case(raised_on):
        return factories.case_for(
            people.agreement, category="svansen", raised_on=raised_on, caseworker=people.caseworker
        )

    made = {
        FollowUpCount.LATE: case(datetime.date(2026, 8, 31)),  # closes 2027-02-28, written 2 March
        FollowUpCount.MISSING: case(datetime.date(2026, 8, 30)),  # closes 2027-02-28, never written
        FollowUpCount.IN_WINDOW: case(datetime.date(2026, 8, 29)),  # closes 2027-02-28, written in January
        FollowUpCount.NOT_YET_DUE: case(datetime.date(2026, 9, 30)),  # closes 2027-03-30, not written yet
    }
    factories.FollowUpFactory(case=made[FollowUpCount.IN_WINDOW], written_on=datetime.date(2027, 1, 15))
    return made


def _write_late(login, people, case):
    """The caseworker writes the follow-up on its page, two days after the window closed."""
    written_on = datetime.date(2027, 3, 2)
    with _on(written_on):
        response = login(people.caseworker).post(
            reverse("casework:follow_up", args=[case.pk]),
            {
                "written_on": written_on.isoformat(),
                "youth_view": "Bra.",
                "social_view": "Bättre.",
                "outcome": "unchanged",
            },
        )
    assert response.status_code == 302
    assert FollowUp.objects.get(case=case).late


def _states(figure):
    return {FollowUpCount(count.state): count.count for count in figure.states}


ONE_EACH = dict.fromkeys(FollowUpCount, 1)


def test_a_late_follow_up_counts_as_late_not_missing_everywhere(login, people, cases):
    late = cases[FollowUpCount.LATE]
    _write_late(login, people, late)
    with _on(TODAY):
        client = login(people.manager)
        board = client.get("/mal/?year=2027")
        report = client.get("/rapporter/uppfoljning/2027/kvartal/")
        cases_url = reverse("reports:follow_up_cases", args=[Q1.code, METRIC])
        behind = {state: client.get(f"{cases_url}?tillstand={state}") for state in FollowUpCount}
        all_due = client.get(cases_url)
        unknown = client.get(f"{cases_url}?tillstand=okand")
        qualitative = client.get(reverse("reports:follow_up_qualitative", args=[Q1.code]))
        job = ReportJob(
            agreement=people.agreement,
            requested_by=people.manager,
            kind="follow_up",
            file_format="xlsx",
            first_year=2027,
            last_year=2027,
        )
        workbook = load_workbook(io.BytesIO(documents.build(job, lambda percent: None).content))

    # The board: the share in time of due (1 of 3), and the four states apart.
    q1 = next(table for table in board.context["board"].tables if table.kind == "quarter")
    figure = next(line for line in q1.rows if line.metric == METRIC).cells[0]
    assert (figure.value, figure.denominator) == (1, 3)
    assert _states(figure) == ONE_EACH
    page = board.content.decode()
    for label in ("I tid: 1", "Efter fönstret: 1", "Saknas: 1", "Inte aktuell än: 1"):
        assert label in page

    # The report: the same figure, each state a link to its cases.
    line = next(line for line in report.context["report"].rows if line.metric == METRIC)
    assert line.cells[0] == figure
    assert f"{cases_url}?tillstand=late" in report.content.decode()

    # The lists behind the figure: each state its own case, named; all due lists the three due.
    for state, response in behind.items():
        assert [case.pk for case in response.context["cases"]] == [cases[state].pk], state
        assert cases[state].person.full_name in response.content.decode()
    assert "Efter fönstret" in behind[FollowUpCount.LATE].content.decode()
    assert {case.pk for case in all_due.context["cases"]} == {
        cases[state].pk for state in (FollowUpCount.IN_WINDOW, FollowUpCount.LATE, FollowUpCount.MISSING)
    }

    assert unknown.status_code == 404

    # The qualitative page marks the late follow-up as the case page does.
    assert "Efter fönstret" in qualitative.content.decode()

    # The XLSX: a row per state, with Q1's counts; the follow-up sheet says which was written late.
    sheet = workbook["Kvartal 2027"]
    label = dict(Target.Metric.choices)[METRIC]
    rows = {row[0].value: [cell.value for cell in row[1:]] for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert rows[f"{label}: Efter fönstret"][0] == 1
    assert rows[f"{label}: Saknas"][0] == 1
    assert rows[f"{label}: I tid"][0] == 1
    assert rows[f"{label}: Inte aktuell än"][0] == 1
    written = {row[0].value: row[2].value for row in workbook["Uppföljningar 2027"].iter_rows(min_row=2)}
    assert written == {late.number: "Efter fönstret", cases[FollowUpCount.IN_WINDOW].number: "I tid"}


def test_before_the_late_follow_up_the_case_is_missing(login, people, cases):
    with _on(TODAY):
        board = login(people.manager).get("/mal/?year=2027")
    q1 = next(table for table in board.context["board"].tables if table.kind == "quarter")
    figure = next(line for line in q1.rows if line.metric == METRIC).cells[0]
    assert _states(figure) == {**ONE_EACH, FollowUpCount.LATE: 0, FollowUpCount.MISSING: 2}
    assert (figure.value, figure.denominator) == (1, 3)
