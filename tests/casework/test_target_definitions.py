"""The one definition of each target figure (casework.selectors.targets), which the target board, the meeting
page, the follow-up report and the management statistics all count through: what each figure counts, how a
target applies to quarters, tertials, half-years and years, and that a figure always equals its list of cases.
Records are written with the plain factories of tests/reports, so a test can set any state directly."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accesscontrol.actor import actor_for
from casework.follow_up import follow_up_window
from casework.models import Category, FieldContact, Meeting, Target
from casework.periods import Period, PeriodKind, periods_of_year
from casework.selectors.targets import (
    CASE_METRICS,
    FollowUpCount,
    MetricRow,
    applicable_target,
    cases_behind,
    target_rows,
    targets_for_period,
)
from tests.reports import factories

pytestmark = pytest.mark.django_db

YEAR = 2025
Q1 = Period(YEAR, PeriodKind.QUARTER, 1)
Q2 = Period(YEAR, PeriodKind.QUARTER, 2)
ALL_PERIODS = [p for kind in PeriodKind for p in periods_of_year(YEAR, kind)]


def day(month, dom, year=YEAR):
    return datetime.date(year, month, dom)


def figure(people, period, metric, today=None):
    return target_rows(agreement=people.agreement, periods=[period], today=today)[0].metric(metric)


def listed(people, period, metric, today=None, state=None):
    actor = actor_for(people.manager, people.agreement)
    return list(cases_behind(actor=actor, period=period, metric=metric, today=today, state=state))


# --- What each figure counts ------------------------------------------------------------------------------------


def test_a_meeting_counts_when_it_was_held_and_its_minutes_are_approved(people):
    approved = Meeting.MinutesStatus.APPROVED
    factories.MeetingFactory(agreement=people.agreement, held_on=day(2, 10), held=True, minutes_status=approved)
    factories.MeetingFactory(agreement=people.agreement, held_on=day(3, 10), held=True, minutes_status="draft")
    factories.MeetingFactory(agreement=people.agreement, held_on=day(3, 20), held=False, minutes_status="draft")
    assert figure(people, Q1, Target.Metric.MEETINGS).value == 1


def test_a_case_counts_in_the_category_it_was_identified_in(people):
    changed = factories.case_for(people.agreement, category="svansen", raised_on=day(2, 1))
    changed.category = Category.LIFESTYLE  # changed later, after the quarter
    changed.save()
    assert figure(people, Q1, Target.Metric.SVANSEN_IDENTIFIED).value == 1
    assert figure(people, Q1, Target.Metric.LIFESTYLE_IDENTIFIED).value == 0
    assert [case.pk for case in listed(people, Q1, Target.Metric.SVANSEN_IDENTIFIED)] == [changed.pk]


def test_a_proposal_not_yet_identified_does_not_count(people):
    factories.case_for(people.agreement, category="svansen", raised_on=None, status="proposed")
    assert figure(people, Q1, Target.Metric.SVANSEN_IDENTIFIED).value == 0


def test_an_offer_made_after_the_quarter_counts_for_the_youth_identified_in_it(people):
    late_in_the_quarter = factories.case_for(people.agreement, category="svansen", raised_on=day(3, 20))
    factories.case_for(people.agreement, category="svansen", raised_on=day(3, 21))
    factories.InterventionFactory(
        case=late_in_the_quarter,
        intervention_type=factories.intervention_type(people.agreement, "mst"),
        offered_on=day(4, 5),
    )
    share = figure(people, Q1, Target.Metric.SVANSEN_OFFERED_SHARE)
    assert (share.value, share.denominator, share.percent, share.met) == (1, 2, 50, False)
    counted = {case.pk: case.counted for case in listed(people, Q1, Target.Metric.SVANSEN_OFFERED_SHARE)}
    assert counted[late_in_the_quarter.pk] is True and sorted(counted.values()) == [False, True]


def test_a_follow_up_is_due_in_the_period_its_window_closes(people):
    # Raised 31 Aug 2024: the window is 30 Nov 2024 - 28 Feb 2025, so the follow-up falls in Q1 2025.
    case = factories.case_for(people.agreement, raised_on=day(8, 31, 2024))
    factories.FollowUpFactory(case=case, written_on=day(2, 28))
    share = figure(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)
    assert (share.value, share.denominator, share.met) == (1, 1, True)
    assert figure(people, Q2, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE).denominator == 0


def test_a_follow_up_after_the_window_is_due_but_not_in_time(people):
    case = factories.case_for(people.agreement, raised_on=day(8, 31, 2024))
    factories.FollowUpFactory(case=case, written_on=day(3, 1))
    share = figure(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)
    assert (share.value, share.denominator) == (0, 1)
    assert [c.counted for c in listed(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)] == [False]


def test_a_case_closed_before_its_window_opened_is_not_due(people):
    factories.case_for(people.agreement, raised_on=day(9, 15, 2024), status="closed", closed_on=day(12, 14, 2024))
    factories.case_for(people.agreement, raised_on=day(9, 15, 2024), status="closed", closed_on=day(12, 15, 2024))
    share = figure(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)
    assert (share.value, share.denominator) == (0, 1)  # the one closed inside its window was due


def test_an_open_window_is_not_missed_yet_but_a_follow_up_in_it_counts_at_once(people):
    waiting = factories.case_for(people.agreement, raised_on=day(9, 10, 2024))  # window closes 10 Mar
    done = factories.case_for(people.agreement, raised_on=day(9, 20, 2024))  # closes 20 Mar
    factories.FollowUpFactory(case=done, written_on=day(1, 15))
    share = figure(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, today=day(3, 10))
    assert (share.value, share.denominator) == (1, 1)
    share = figure(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, today=day(3, 11))
    assert (share.value, share.denominator) == (1, 2)
    assert {c.pk for c in listed(people, Q1, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, day(3, 11))} == {
        waiting.pk,
        done.pk,
    }


def test_orossamtal_count_the_talks_and_list_the_youths_they_were_with(people):
    youth = factories.case_for(people.agreement, category="svansen", raised_on=day(1, 10))
    for occurred_on in (day(2, 1), day(3, 1)):
        factories.FieldContactFactory(case=youth, kind=FieldContact.Kind.CONCERN_TALK, occurred_on=occurred_on)
    talks = figure(people, Q1, Target.Metric.CONCERN_TALKS)
    assert (talks.value, talks.cases, talks.counts_cases) == (2, 1, False)
    assert [case.pk for case in listed(people, Q1, Target.Metric.CONCERN_TALKS)] == [youth.pk]


def test_a_svansen_youth_reached_twice_counts_once_and_a_contact_with_the_parents_alone_not_at_all(people):
    reached = factories.case_for(people.agreement, category="svansen", raised_on=day(1, 10))
    parents_only = factories.case_for(people.agreement, category="svansen", raised_on=day(1, 10))
    lifestyle = factories.case_for(people.agreement, category="lifestyle", raised_on=day(1, 10))
    for case, with_youth in ((reached, True), (reached, True), (parents_only, False), (lifestyle, True)):
        factories.FieldContactFactory(case=case, kind="outreach", with_youth=with_youth, with_parents=not with_youth)
    assert figure(people, Q1, Target.Metric.SVANSEN_REACHED).value == 1
    assert [case.pk for case in listed(people, Q1, Target.Metric.SVANSEN_REACHED)] == [reached.pk]


def test_anonymous_youths_and_hot_spot_visits_are_counted_without_cases(people):
    factories.FieldContactFactory(agreement=people.agreement, kind="outreach", anonymous_youths=4)
    spot = factories.HotSpotFactory(agreement=people.agreement)
    factories.HotSpotVisitFactory(hot_spot=spot, visited_on=day(3, 3))
    row = targets_for_period(agreement=people.agreement, period=Q1)
    assert (row.metric("anonymous_youths").value, row.metric("anonymous_youths").cases) == (4, None)
    assert (row.metric("hot_spot_visits").value, row.metric("hot_spot_visits").cases) == (1, None)
    with pytest.raises(ValueError):
        listed(people, Q1, "hot_spot_visits")


def test_only_social_managers_list_the_cases_behind_a_figure(people):
    for who in ("management", "caseworker", "police"):
        with pytest.raises(PermissionDenied):
            cases_behind(actor=actor_for(getattr(people, who), people.agreement), period=Q1, metric="svansen_reached")


# --- Targets in periods ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "per", "value", "kind", "expected"),
    [
        ("lifestyle_identified", "quarter", 2, PeriodKind.QUARTER, 2),
        ("lifestyle_identified", "quarter", 2, PeriodKind.HALF_YEAR, 4),
        ("lifestyle_identified", "quarter", 2, PeriodKind.YEAR, 8),
        ("lifestyle_identified", "quarter", 3, PeriodKind.TERTIAL, None),  # quarters and tertials do not nest
        ("meetings", "year", 4, PeriodKind.QUARTER, 1),
        ("meetings", "year", 4, PeriodKind.HALF_YEAR, 2),
        ("meetings", "year", 4, PeriodKind.TERTIAL, None),  # 4/3 is not a whole meeting
        ("meetings", "year", 6, PeriodKind.TERTIAL, 2),
        ("hot_spot_visits", "tertial", 5, PeriodKind.YEAR, 15),
        ("hot_spot_visits", "tertial", 5, PeriodKind.QUARTER, None),
        ("svansen_offered_share", "year", 100, PeriodKind.QUARTER, 100),
        ("follow_up_in_window_share", "quarter", 90, PeriodKind.TERTIAL, 90),
    ],
)
def test_a_target_applies_where_its_periods_nest(metric, per, value, kind, expected):
    assert applicable_target(Target(metric=metric, period=per, value=value), kind) == expected


def test_a_share_meets_its_target_only_when_it_reaches_it_exactly():
    almost = MetricRow("svansen_offered_share", Q1, value=199, denominator=200, target=100)
    assert (almost.percent, almost.met, almost.text) == (Decimal("99.5"), False, "99,5\u00a0% (199 av 200)")
    nearly_all = MetricRow("svansen_offered_share", Q1, value=1999, denominator=2000, target=100)
    assert (nearly_all.percent, nearly_all.met) == (Decimal("99.9"), False)
    assert MetricRow("svansen_offered_share", Q1, value=200, denominator=200, target=100).met is True
    assert MetricRow("svansen_offered_share", Q1, value=0, denominator=0, target=100).met is None


@pytest.mark.parametrize(
    "value, denominator, shown",
    [
        (14, 16, "87,5\u00a0%"),
        (2, 12, "16,7\u00a0%"),
        (1, 8, "12,5\u00a0%"),
        (1, 2000, "0,1\u00a0%"),
        (16, 16, "100,0\u00a0%"),
    ],
)
def test_a_share_is_rounded_half_up_to_one_decimal(value, denominator, shown):
    row = MetricRow("svansen_offered_share", Q1, value=value, denominator=denominator)
    assert row.text.startswith(shown + " (")


# --- Every figure against its list, and against the definitions, on random populations ------------------------

KINDS = FieldContact.Kind.values
case_records = st.lists(
    st.tuples(
        st.dates(day(6, 1, 2024), day(12, 31)),  # raised on
        st.sampled_from(Category.values),  # identified as
        st.booleans(),  # category changed since
        st.one_of(st.none(), st.integers(0, 250)),  # closed, days after raising
        st.one_of(st.none(), st.integers(0, 200)),  # intervention offered, days after raising
        st.one_of(st.none(), st.integers(85, 250)),  # follow-up written, days after raising
        st.lists(st.tuples(st.sampled_from(KINDS), st.booleans(), st.integers(0, 300)), max_size=3),  # contacts
    ),
    max_size=10,
)
meeting_records = st.lists(st.tuples(st.dates(day(1, 1), day(12, 31)), st.booleans(), st.booleans()), max_size=4)


def _populate(agreement, cases, meetings):
    mst = factories.intervention_type(agreement, "mst")
    made = []
    for raised_on, identified_as, changed, closed, offered, written, contacts in cases:
        other = Category.LIFESTYLE if identified_as == Category.SVANSEN else Category.SVANSEN
        closed_on = raised_on + datetime.timedelta(days=closed) if closed is not None else None
        case = factories.case_for(
            agreement,
            category=identified_as,
            raised_on=raised_on,
            status="closed" if closed_on else "active",
            closed_on=closed_on,
        )
        if changed:
            case.category = other
            case.save()
        offers = [raised_on + datetime.timedelta(days=offered)] if offered is not None else []
        for offered_on in offers:
            factories.InterventionFactory(case=case, intervention_type=mst, offered_on=offered_on)
        follow_ups = [raised_on + datetime.timedelta(days=written)] if written is not None else []
        for written_on in follow_ups:
            factories.FollowUpFactory(case=case, written_on=written_on)
        made_contacts = []
        for kind, with_youth, after in contacts:
            occurred_on = raised_on + datetime.timedelta(days=after)
            factories.FieldContactFactory(
                case=case, kind=kind, with_youth=with_youth, with_parents=not with_youth, occurred_on=occurred_on
            )
            made_contacts.append((kind, with_youth, occurred_on))
        made.append((case, identified_as, closed_on, offers, follow_ups, made_contacts))
    for held_on, held, approved in meetings:
        status = Meeting.MinutesStatus.APPROVED if held and approved else Meeting.MinutesStatus.DRAFT
        factories.MeetingFactory(agreement=agreement, held_on=held_on, held=held, minutes_status=status)
    return made


def _expected(agreement, made, meetings, period, today):
    """The definitions of the module docstring, restated over the records in plain Python."""
    expected = defaultdict(set)  # metric -> the cases behind it
    counted = defaultdict(set)  # share metric -> the cases in its numerator
    states = defaultdict(set)  # FollowUpCount -> the cases whose window closes in the period
    talks = 0
    for case, identified_as, closed_on, offers, follow_ups, contacts in made:
        if period.contains(case.raised_on):
            expected[f"{identified_as}_identified"].add(case.pk)
            if identified_as == Category.SVANSEN:
                expected["svansen_offered_share"].add(case.pk)
                if offers:
                    counted["svansen_offered_share"].add(case.pk)
        window = follow_up_window(raised_on=case.raised_on, agreement=agreement)
        written = [written_on for written_on in follow_ups if written_on <= today]  # as of today
        in_time = any(window.contains(written_on) for written_on in written)
        closed_first = closed_on is not None and closed_on < window.opens_on
        if period.contains(window.closes_on) and not closed_first:
            if in_time:
                state = FollowUpCount.IN_WINDOW
            elif window.closes_on >= today:
                state = FollowUpCount.NOT_YET_DUE
            elif any(written_on > window.closes_on for written_on in written):
                state = FollowUpCount.LATE
            else:
                state = FollowUpCount.MISSING
            states[state].add(case.pk)
            if state != FollowUpCount.NOT_YET_DUE:
                expected["follow_up_in_window_share"].add(case.pk)
            if in_time:
                counted["follow_up_in_window_share"].add(case.pk)
        for kind, with_youth, occurred_on in contacts:
            if period.contains(occurred_on) and kind == FieldContact.Kind.CONCERN_TALK:
                talks += 1
                expected["concern_talks"].add(case.pk)
            if period.contains(occurred_on) and with_youth and identified_as == Category.SVANSEN:
                expected["svansen_reached"].add(case.pk)
    held = sum(1 for held_on, was_held, approved in meetings if was_held and approved and period.contains(held_on))
    return expected, counted, states, talks, held


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=case_records, meetings=meeting_records, today=st.dates(day(2, 1), day(3, 1, YEAR + 1)))
def test_every_figure_is_its_definition_and_the_length_of_its_list(people, cases, meetings, today):
    with transaction.atomic():
        made = _populate(people.agreement, cases, meetings)
        rows = target_rows(agreement=people.agreement, periods=ALL_PERIODS, today=today)
        for row in rows:
            expected, counted, states, talks, held = _expected(people.agreement, made, meetings, row.period, today)
            assert row.metric("meetings").value == held
            assert row.metric("concern_talks").value == talks
            for metric in CASE_METRICS:
                figure = row.metric(metric)
                behind = listed(people, row.period, metric, today)
                assert {case.pk for case in behind} == expected[metric], (row.period.code, metric)
                assert figure.cases == len(behind), (row.period.code, metric)
                if figure.is_share:
                    assert figure.denominator == len(behind)
                    assert figure.value == sum(case.counted for case in behind) == len(counted[metric])
                elif figure.counts_cases:
                    assert figure.value == len(behind)
            follow_ups = row.metric(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)
            for state in FollowUpCount:
                in_state = listed(people, row.period, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE, today, state)
                assert {case.pk for case in in_state} == states[state], (row.period.code, state)
                assert follow_ups.state(state) == len(states[state]), (row.period.code, state)
        transaction.set_rollback(True)
