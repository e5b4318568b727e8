"""The target board: each measure per quarter, tertial and year against the agreement's targets, in a
fixed number of aggregate queries; management sees counts only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import FieldContact, HotSpot
from casework.periods import Period, PeriodKind
from casework.selectors.targets import target_board, targets_for_period
from casework.services import cases as case_services
from casework.services import fieldwork, follow_ups, interventions
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

YEAR = f.today().year - 1


def day(month, dom):
    return datetime.date(YEAR, month, dom)


@pytest.fixture
def year_of_work(people):
    """Q1: one meeting (minutes approved), two lifestyle and two svansen cases raised 15 Feb; one svansen
    offered an intervention, the other closed before its follow-up window. Windows close 15 Aug (Q3): one
    follow-up in time, one late. Field work: an orossamtal in Q1, contacts and two hot-spot visits in Q2."""
    manager = f.actor(people.manager, people.agreement)
    field = f.actor(people.field_worker, people.agreement)
    meeting = f.meeting(people, held_on=day(2, 15))
    lifestyle_1, lifestyle_2 = (
        f.identified(people, category="lifestyle", raised_on=day(2, 15), at=meeting) for _ in "12"
    )
    svansen_1, svansen_2 = (f.identified(people, category="svansen", raised_on=day(2, 15), at=meeting) for _ in "12")
    interventions.offer_intervention(
        actor=manager, case=svansen_1, intervention_type=f.intervention_type(people.agreement), offered_on=day(3, 1)
    )
    f.approve(people, meeting)
    case_services.close_case(actor=manager, case=svansen_2, reason="moved", closed_on=day(3, 1))
    for case, written_on in ((lifestyle_1, day(6, 1)), (lifestyle_2, day(9, 1))):
        follow_ups.write_follow_up(
            actor=manager, case=case, written_on=written_on, youth_view="V.", social_view="S.", outcome="unchanged"
        )
    fieldwork.record_field_contact(
        actor=field, kind=FieldContact.Kind.CONCERN_TALK, case=svansen_1, occurred_on=day(3, 10), with_parents=True
    )
    fieldwork.record_field_contact(actor=field, kind="outreach", case=svansen_1, occurred_on=day(4, 2))
    fieldwork.record_field_contact(actor=field, kind="outreach", anonymous_youths=3, occurred_on=day(4, 3))
    spot = HotSpot.objects.create(agreement=people.agreement, name="Stationsparken", kind="public_place")
    for visited_on in (day(5, 5), day(6, 6)):
        fieldwork.record_hot_spot_visit(actor=field, hot_spot=spot, visited_on=visited_on)
    return {"svansen_1": svansen_1, "lifestyle_1": lifestyle_1}


def _values(row):
    return {m.metric: (m.value, m.denominator, m.target) for m in row.metrics}


def test_the_first_quarter(people, year_of_work):
    q1 = _values(targets_for_period(agreement=people.agreement, period=Period(YEAR, PeriodKind.QUARTER, 1)))
    assert q1["meetings"] == (1, None, 1)  # 4 a year is 1 a quarter
    assert q1["lifestyle_identified"] == (2, None, 2)
    assert q1["svansen_identified"] == (2, None, 4)
    assert q1["svansen_offered_share"] == (1, 2, 100)
    assert q1["concern_talks"] == (1, None, None)
    assert q1["svansen_reached"] == (1, None, None)


def test_the_follow_ups_fall_in_the_quarter_their_window_closes(people, year_of_work):
    q3 = targets_for_period(agreement=people.agreement, period=Period(YEAR, PeriodKind.QUARTER, 3))
    # Three windows closed on 15 Aug (the case closed in March was not due); one was kept.
    assert _values(q3)["follow_up_in_window_share"] == (1, 3, 100)
    assert q3.metric("follow_up_in_window_share").met is False


def test_a_share_with_nothing_to_count_is_neither_met_nor_missed(people, year_of_work):
    q1 = targets_for_period(agreement=people.agreement, period=Period(YEAR, PeriodKind.QUARTER, 1))
    assert q1.metric("follow_up_in_window_share").denominator == 0
    assert q1.metric("follow_up_in_window_share").met is None


def test_the_whole_year_and_the_tertials(people, year_of_work):
    board = target_board(agreement=people.agreement, year=YEAR)
    assert [row.period.code for row in board] == [
        f"{YEAR}-Q1",
        f"{YEAR}-Q2",
        f"{YEAR}-Q3",
        f"{YEAR}-Q4",
        f"{YEAR}-T1",
        f"{YEAR}-T2",
        f"{YEAR}-T3",
        str(YEAR),
    ]
    year = board[-1]
    assert year.metric("lifestyle_identified").target == 8
    assert year.metric("lifestyle_identified").met is False
    assert year.metric("svansen_reached").value == 1  # the same youth twice counts once
    assert year.metric("anonymous_youths").value == 3
    assert year.metric("hot_spot_visits").value == 2
    first_tertial = board[4]
    assert first_tertial.metric("lifestyle_identified").target is None  # quarters and tertials do not nest
    assert first_tertial.metric("hot_spot_visits").value == 0
    assert board[5].metric("hot_spot_visits").value == 2  # May and June: the second tertial


def test_a_later_category_change_does_not_rewrite_the_quarter(people, login, year_of_work):
    case_services.change_category(
        actor=f.actor(people.manager, people.agreement),
        case=year_of_work["svansen_1"],
        category="lifestyle",
        changed_on=day(4, 1),
        note="Grövre brott.",
    )
    q1 = targets_for_period(agreement=people.agreement, period=Period(YEAR, PeriodKind.QUARTER, 1))
    assert q1.metric("svansen_identified").value == 2
    assert q1.metric("lifestyle_identified").value == 2
    assert q1.metric("svansen_offered_share").value == 1
    board = login(people.manager).get(reverse("casework:target_board"), {"year": YEAR}).context["board"]
    assert board.quarters[0].metric("svansen_identified").value == 2
    assert board.quarters[0].metric("lifestyle_identified").value == 2


def test_a_meeting_without_approved_minutes_does_not_count(people, login, year_of_work):
    draft = f.meeting(people, held_on=day(5, 10))
    f.identified(people, raised_on=day(5, 10), at=draft)  # the meeting is held, its minutes a draft
    board = login(people.manager).get(reverse("casework:target_board"), {"year": YEAR}).context["board"]
    assert board.quarters[1].metric("meetings").value == 0
    assert board.quarters[1].metric("svansen_identified").value == 1
    f.approve(people, draft)
    board = login(people.manager).get(reverse("casework:target_board"), {"year": YEAR}).context["board"]
    assert board.quarters[1].metric("meetings").value == 1


def test_the_board_costs_the_same_number_of_queries_however_many_cases(people, year_of_work):
    with CaptureQueriesContext(connection) as few:
        target_board(agreement=people.agreement, year=YEAR)
    meeting = f.meeting(people, held_on=day(10, 1))
    for _ in range(10):
        f.identified(people, raised_on=day(10, 1), at=meeting)
    with CaptureQueriesContext(connection) as many:
        board = target_board(agreement=people.agreement, year=YEAR)
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
    assert board[3].metric("svansen_identified").value == 10


# --- The page ---------------------------------------------------------------------------------------------


def test_management_is_refused_the_exact_board(people, login, year_of_work):
    """Management follows the targets through the disclosure-controlled statistics, never exact counts."""
    response = login(people.management).get(reverse("casework:target_board"), {"year": YEAR})
    assert response.status_code == 403


def test_the_social_manager_sees_the_svansen_cases_without_an_offer(people, login):
    gap = f.identified(people, category="svansen")
    page = login(people.manager).get(reverse("casework:target_board")).content.decode()
    assert "Svansenungdomar utan erbjuden insats" in page
    assert reverse("casework:case_detail", args=[gap.pk]) in page
    entry = AccessLogEntry.objects.get(page="casework:target_board")
    assert entry.case_ids == [str(gap.pk)]


@pytest.mark.parametrize("who", ["caseworker", "field_worker", "police", "sysadmin", "auditor"])
def test_the_board_is_forbidden_to_other_roles(people, login, who):
    assert login(getattr(people, who)).get(reverse("casework:target_board")).status_code == 403


def test_a_bad_year_falls_back_to_this_year(people, login):
    response = login(people.manager).get(reverse("casework:target_board"), {"year": "tjugohundra"})
    assert response.context["board"].year == f.today().year
