"""Issue 15's points 4–6 played through the pages on one agreement that ran through 2013: a youth identified
in March gets an intervention recorded in late December for April, after the social manager handed out the
year's follow-up; the agreement ends; the follow-up is written in January, after its window. The report
handed out keeps its figures and the next is a revised version; the follow-up counts as late, not missing;
the ended agreement takes the follow-up and nothing else. Every step says its day."""

import datetime
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import FollowUp, Intervention, Target
from casework.selectors.targets import FollowUpCount
from reports.models import ReportJob
from tests.casework import factories as f
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

STOCKHOLM = datetime.timezone(datetime.timedelta(hours=1))
HANDED_OUT = datetime.date(2013, 12, 20)
RECORDED_LATE = datetime.date(2013, 12, 27)
FOLLOWED_UP = datetime.date(2014, 1, 20)  # the window closed on 2013-09-15; the agreement on 2013-12-31


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=STOCKHOLM), tick=False)


@pytest.fixture
def case(people):
    people.agreement.starts_on, people.agreement.ends_on = datetime.date(2013, 1, 1), datetime.date(2013, 12, 31)
    people.agreement.save()
    with on(datetime.date(2013, 3, 15)):
        return f.identified(
            people, category="svansen", raised_on=datetime.date(2013, 3, 15), caseworker=people.caseworker
        )


def _order_follow_up(client, django_capture_on_commit_callbacks) -> ReportJob:
    data = {"kind": "follow_up", "file_format": "xlsx", "first_year": 2013, "last_year": 2013}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rapporter/langa/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return ReportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def _follow_up_states(client) -> dict:
    board = client.get(reverse("casework:target_board"), {"year": 2013})
    assert board.status_code == 200, board.content.decode()[-2500:]
    year = next(table for table in board.context["board"].tables if table.kind == "year")
    figure = next(line for line in year.rows if line.metric == Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE).cells[0]
    return {FollowUpCount(count.state): count.count for count in figure.states if count.count}


def test_a_late_intervention_a_late_follow_up_and_the_end_of_the_agreement(
    login, people, case, django_capture_on_commit_callbacks
):
    with on(HANDED_OUT):
        manager = login(people.manager)
        handed_out = _order_follow_up(manager, django_capture_on_commit_callbacks)
        assert _follow_up_states(manager) == {FollowUpCount.MISSING: 1}
    figures = dict(handed_out.figures)

    with on(RECORDED_LATE):
        recorded = login(people.manager).post(
            reverse("casework:offer_intervention", args=[case.pk]),
            {
                "intervention_type": f.intervention_type(people.agreement).pk,
                "offered_on": "2013-04-02",
                "response": "accepted",
            },
        )
    assert recorded.status_code == 302, recorded.content.decode()[:1500]

    with on(FOLLOWED_UP):
        # Ended: the follow-up of its own case is still written, through its page …
        written = verified_client(Client(), people.caseworker).post(
            reverse("casework:follow_up", args=[case.pk]),
            {
                "written_on": FOLLOWED_UP.isoformat(),
                "youth_view": "Går i skolan igen.",
                "social_view": "Färre kontakter med polisen.",
                "outcome": "improved",
            },
        )
        assert written.status_code == 302, written.content.decode()[:1500]
        # … and counts as late, not missing (point 4).
        manager = login(people.manager)
        assert _follow_up_states(manager) == {FollowUpCount.LATE: 1}
        # Nothing else is written: the forms send the user back with the reason (point 5).
        for url in (reverse("casework:offer_intervention", args=[case.pk]), reverse("casework:propose")):
            refused = manager.get(url, follow=True)
            assert "Överenskommelsen upphörde 2013-12-31 och kan bara läsas." in refused.content.decode(), url
        offered = manager.post(
            reverse("casework:offer_intervention", args=[case.pk]),
            {"intervention_type": f.intervention_type(people.agreement).pk, "offered_on": "2013-12-30"},
        )
        assert offered.status_code in (302, 403) and Intervention.objects.filter(case=case).count() == 1
        # The reports open on the agreement's own year.
        assert manager.get(reverse("reports:follow_up_start")).url == reverse(
            "reports:follow_up", args=[2013, "kvartal"]
        )

        # The report handed out keeps its figures; the next is a revised version saying what changed (point 6).
        revised = _order_follow_up(manager, django_capture_on_commit_callbacks)
        page = manager.get(f"/rapporter/langa/{revised.pk}/").content.decode()
        workbook = load_workbook(io.BytesIO(manager.get(f"/rapporter/langa/{revised.pk}/fil/").content))
    handed_out.refresh_from_db()
    assert handed_out.figures == figures
    assert (revised.version, revised.revised, revised.revises_id) == (2, True, handed_out.pk)
    changes = {(change["metric"], change["period_code"]): change for change in revised.changes}
    offered_share = changes[("svansen_offered_share", "2013")]
    assert offered_share["cases"] == [str(case.pk)]
    assert "Reviderad" in page and case.number in page and RECORDED_LATE.isoformat() in page
    assert offered_share["before"] in page and offered_share["after"] in page
    assert "Revidering" in workbook.sheetnames
    assert FollowUp.objects.get(case=case).late
