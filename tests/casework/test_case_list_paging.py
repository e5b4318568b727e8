"""The case list that scales: filtered and sorted in the database by plain columns, paged, only the page's
cases loaded and declared as read; the follow-up and disclosure filters in SQL agree with their Python
rules; the search finds a case by its number as well as a person by personnummer or full name."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesscontrol.actor import actor_for
from audit.models import AccessLogEntry
from casework.follow_up import FollowUpState, follow_up_state
from casework.models import Case, CaseStatus, FollowUp
from casework.selectors import cases as case_selectors
from casework.selectors.disclosures import disclosed_cases_q, shared_field_classes_by_case
from config.paging import PER_PAGE
from tests.accesscontrol.factories import make_case, make_disclosure, make_person

pytestmark = pytest.mark.django_db

URL = reverse("casework:case_list")
# A fixed day, so the follow-up windows and ages below mean the same on any day the suite runs.
DAY = datetime.datetime(2027, 6, 15, 12, tzinfo=datetime.UTC)
TODAY = datetime.date(2027, 6, 15)


def _case(people, *, proposed_on=datetime.date(2026, 1, 10), **extra):
    """A case written straight to the table (fast): tests.accesscontrol.factories.make_case, on its day."""
    extra.setdefault("proposed_by", people.manager)
    case = make_case(people.agreement, **extra)
    Case.objects.filter(pk=case.pk).update(proposed_on=proposed_on)
    case.proposed_on = proposed_on
    return case


def _many(people, n, **extra):
    """`n` cases proposed on consecutive days (the newest last), written straight to the table (fast)."""
    start = datetime.date(2026, 1, 1)
    return [_case(people, proposed_on=start + datetime.timedelta(days=i), **extra) for i in range(n)]


def _numbers(response) -> list[str]:
    return [row.case.number for row in response.context["rows"]]


def _follow_up(case, people, written_on):
    return FollowUp.objects.create(
        case=case, written_on=written_on, youth_view="-", social_view="-", outcome="improved", author=people.manager
    )


# --- Paging ---------------------------------------------------------------------------------------------


def test_the_list_shows_one_page_of_50_and_page_2_the_rest_in_the_same_order(people, login):
    cases = _many(people, PER_PAGE + 10)
    newest_first = [case.number for case in reversed(cases)]
    client = login(people.manager)
    first = client.get(URL)
    assert _numbers(first) == newest_first[:PER_PAGE]
    assert first.context["total"] == PER_PAGE + 10
    second = client.get(URL, {"sida": 2})
    assert _numbers(second) == newest_first[PER_PAGE:]
    page = second.content.decode()
    assert 'aria-label="Sidor"' in page and 'aria-current="page"' in page
    assert re.search(r'aria-label="Sida 2" aria-current="page"', page)


def test_a_page_past_the_end_shows_the_last_page_and_a_bad_one_the_first(people, login):
    cases = _many(people, PER_PAGE + 3)
    client = login(people.manager)
    assert _numbers(client.get(URL, {"sida": 99})) == [case.number for case in reversed(cases[:3])]
    assert len(client.get(URL, {"sida": "x"}).context["rows"]) == PER_PAGE


def test_the_page_links_and_the_sort_links_keep_the_filters(people, login):
    _many(people, PER_PAGE + 1, status=CaseStatus.ACTIVE, unit=people.investigation)
    page = login(people.manager).get(URL, {"status": "active", "sort": "number"}).content.decode()
    assert "?status=active&amp;sort=number&amp;sida=2" in page
    assert 'href="?status=active&amp;sort=-number"' in page  # the active column turns, the filter stays
    assert 'href="?status=active&amp;sort=unit"' in page
    assert "sida=" not in re.search(r'href="\?status=active&amp;sort=unit"', page).group(0)


def test_the_access_log_names_only_the_cases_of_the_page(people, login):
    cases = _many(people, PER_PAGE + 5)
    login(people.manager).get(URL, {"sida": 2})
    entry = AccessLogEntry.objects.get(page="casework:case_list")
    assert sorted(entry.case_ids) == sorted(str(case.pk) for case in cases[:5])
    assert sorted(entry.person_ids) == sorted(str(case.person_id) for case in cases[:5])


@pytest.mark.parametrize("who", ["manager", "caseworker", "police"])
def test_the_queries_of_a_page_do_not_grow_with_the_cases(people, login, who, django_assert_max_num_queries):
    for case in _many(people, 5, unit=people.investigation, status=CaseStatus.ACTIVE, raised_on=TODAY):
        make_disclosure(case, decided_by=people.manager)
    client = login(getattr(people, who))
    client.get(URL)  # the first request after login writes the session; later ones do not
    query = {"status": "active", "sort": "caseworker"}
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, query).context["rows"]) == 5
    for case in _many(people, 55, unit=people.investigation, status=CaseStatus.ACTIVE, raised_on=TODAY):
        make_disclosure(case, decided_by=people.manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, query)
    assert len(response.context["rows"]) == PER_PAGE and response.context["total"] == 60


# --- Filters --------------------------------------------------------------------------------------------


def test_it_filters_by_unit_and_by_caseworker(people, login):
    investigation = _case(people, unit=people.investigation)
    open_care = _case(people, unit=people.open_care, caseworker=people.other_caseworker)
    client = login(people.manager)
    assert _numbers(client.get(URL, {"unit": people.investigation.pk})) == [investigation.number]
    assert _numbers(client.get(URL, {"caseworker": people.other_caseworker.pk})) == [open_care.number]


def test_the_unit_and_caseworker_choices_are_those_of_the_cases_the_actor_sees(people, login):
    _case(people, unit=people.investigation)
    _case(people, unit=people.open_care, caseworker=people.other_caseworker)
    form = login(people.caseworker).get(URL).context["filters"]
    assert [label for _value, label in form.fields["unit"].choices] == ["Alla", "Utredning ungdom"]
    assert len(form.fields["caseworker"].choices) == 1  # "Alla": no case of theirs has a caseworker


def test_it_filters_by_status_and_category(people, login):
    active = _case(people, status=CaseStatus.ACTIVE, category="lifestyle")
    proposed = _case(people, status=CaseStatus.PROPOSED, category="svansen")
    client = login(people.manager)
    assert _numbers(client.get(URL, {"status": "active"})) == [active.number]
    assert _numbers(client.get(URL, {"category": "svansen"})) == [proposed.number]
    assert _numbers(client.get(URL, {"status": "active", "category": "svansen"})) == []


def test_a_filter_value_not_among_the_choices_is_refused_with_a_message_and_left_out(people, login):
    _many(people, 2)
    response = login(people.manager).get(URL, {"unit": "nonsense"})
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_unit"' in page
    assert len(response.context["rows"]) == 2


@time_machine.travel(DAY)
def test_it_filters_by_follow_up_state(people, login):
    not_due = _case(people, status=CaseStatus.ACTIVE, raised_on=TODAY - datetime.timedelta(days=30))
    due = _case(people, status=CaseStatus.ACTIVE, raised_on=datetime.date(2027, 2, 1))
    overdue = _case(people, status=CaseStatus.ACTIVE, raised_on=datetime.date(2026, 11, 1))
    done = _case(people, status=CaseStatus.ACTIVE, raised_on=datetime.date(2026, 11, 1))
    _follow_up(done, people, datetime.date(2027, 3, 1))
    closed = _case(people, status=CaseStatus.CLOSED, raised_on=datetime.date(2026, 11, 1), closed_on=TODAY)
    _case(people)  # proposed: no state
    client = login(people.manager)
    for state, case in [
        ("not_due", not_due),
        ("due", due),
        ("overdue", overdue),
        ("done", done),
        ("closed", closed),
    ]:
        assert _numbers(client.get(URL, {"follow_up": state})) == [case.number], state


@time_machine.travel(DAY)
def test_the_follow_up_state_in_sql_is_the_badge_on_every_day_of_a_year(people):
    """The SQL form (casework.follow_up.with_follow_up_state) against follow_up_state, for cases raised on
    every day of a year and more, with and without a follow-up, open and closed."""
    start = datetime.date(2026, 6, 1)
    for day in range(380):  # every day: raised 15 Dec 2026 closes today, raised 15 Mar 2027 opens today
        raised_on = start + datetime.timedelta(days=day)
        case = _case(people, status=CaseStatus.ACTIVE, raised_on=raised_on)
        if day % 4 == 0:
            _follow_up(case, people, raised_on)
        if day % 5 == 0:
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=TODAY)
    _case(people)  # not raised
    actor = actor_for(people.manager, people.agreement)
    for case in case_selectors.case_list_query(actor=actor, filters=case_selectors.CaseListFilters(sort="follow_up")):
        expected = follow_up_state(
            raised_on=case.raised_on,
            agreement=people.agreement,
            has_follow_up=case.has_follow_up,
            today=TODAY,
            closed_on=case.closed_on if case.status == CaseStatus.CLOSED else None,
        )
        assert case.follow_up_state == (expected.value if expected else None), case.raised_on


@pytest.mark.parametrize("who", ["police", "field_worker"])
def test_the_follow_up_filter_is_not_offered_to_whoever_may_not_read_it(people, login, who):
    _case(people, category="svansen", status=CaseStatus.ACTIVE, raised_on=datetime.date(2020, 1, 1))
    response = login(getattr(people, who)).get(URL, {"follow_up": "due", "sort": "follow_up"})
    assert "follow_up" not in response.context["filters"].fields
    assert len(response.context["rows"]) == 1  # the filter is left out, not applied
    assert "follow_up" not in response.context["headers"]


@time_machine.travel(DAY)
def test_it_filters_by_disclosure_in_force_with_the_age_limit_decided_exactly(people, login):
    """Under 21 (OSL 10:18 a): born in 2008, in force; born in 2006 (21 this year), in force until the
    21st birthday; born in 2005, lapsed. The filter agrees with shared_field_classes_by_case."""

    def disclosed_case(birth_date, **extra):
        case = _case(people, person=make_person(people.agreement, birth_date=birth_date), **extra)
        make_disclosure(case, decided_by=people.manager)
        return case

    young = disclosed_case(datetime.date(2008, 3, 1))
    twenty = disclosed_case(datetime.date(2006, 9, 1))  # 21 on 1 September
    twenty_one = disclosed_case(datetime.date(2006, 3, 1))  # 21 since March
    older = disclosed_case(datetime.date(2005, 9, 1))
    withdrawn = disclosed_case(datetime.date(2008, 3, 1))
    withdrawn.disclosures.update(withdrawn_at=DAY)
    plain = _case(people)
    client = login(people.manager)
    in_force = set(_numbers(client.get(URL, {"disclosure": "in_force"})))
    assert in_force == {young.number, twenty.number}
    none = set(_numbers(client.get(URL, {"disclosure": "none"})))
    assert none == {twenty_one.number, older.number, withdrawn.number, plain.number}
    everything = list(Case.objects.filter(agreement=people.agreement).select_related("person"))
    python = set(shared_field_classes_by_case(cases=everything, today=TODAY))
    sql = set(
        Case.objects.filter(agreement=people.agreement)
        .filter(disclosed_cases_q(agreement=people.agreement, today=TODAY))
        .values_list("pk", flat=True)
    )
    assert sql == python


def test_the_disclosure_filter_is_not_offered_to_a_caseworker(people, login):
    case = _case(people, unit=people.investigation)
    make_disclosure(case, decided_by=people.manager)
    _case(people, unit=people.investigation)
    response = login(people.caseworker).get(URL, {"disclosure": "in_force"})
    assert "disclosure" not in response.context["filters"].fields
    assert len(response.context["rows"]) == 2


# --- Sorting --------------------------------------------------------------------------------------------


def _sorted(client, sort) -> list[str]:
    return _numbers(client.get(URL, {"sort": sort}))


def test_it_sorts_by_case_number_both_ways_and_says_so_with_aria_sort(people, login):
    cases = _many(people, 3)
    client = login(people.manager)
    numbers = sorted(case.number for case in cases)
    assert _sorted(client, "number") == numbers
    assert _sorted(client, "-number") == numbers[::-1]
    page = client.get(URL, {"sort": "-number"}).content.decode()
    assert re.search(r'aria-sort="descending"><a class="govuk-link samsyn-sort-link" href="\?sort=number"', page)
    assert page.count('aria-sort="none"') >= 6


def test_by_default_the_newest_proposal_comes_first(people, login):
    cases = _many(people, 3)
    assert _numbers(login(people.manager).get(URL)) == [case.number for case in reversed(cases)]


def test_it_sorts_by_the_raised_on_date_with_unraised_cases_last(people, login):
    late = _case(people, raised_on=datetime.date(2026, 5, 1))
    early = _case(people, raised_on=datetime.date(2026, 3, 1))
    unraised = _case(people)
    client = login(people.manager)
    assert _sorted(client, "raised_on") == [early.number, late.number, unraised.number]
    assert _sorted(client, "-raised_on") == [late.number, early.number, unraised.number]


def test_it_sorts_by_proposal_date(people, login):
    cases = _many(people, 3)
    assert _sorted(login(people.manager), "proposed_on") == [case.number for case in cases]


def test_it_sorts_by_category_and_by_status_in_the_order_of_the_workflow(people, login):
    closed = _case(people, status=CaseStatus.CLOSED, category="lifestyle")
    proposed = _case(people, status=CaseStatus.PROPOSED, category="svansen")
    active = _case(people, status=CaseStatus.ACTIVE, category="lifestyle")
    client = login(people.manager)
    assert _sorted(client, "status") == [proposed.number, active.number, closed.number]
    assert _sorted(client, "category")[-1] == proposed.number  # lifestyle before svansen


def test_it_sorts_by_unit_and_by_caseworker_name(people, login):
    people.caseworker.last_name, people.other_caseworker.last_name = "Öberg", "Andersson"
    people.caseworker.save()
    people.other_caseworker.save()
    open_care = _case(people, unit=people.open_care, caseworker=people.caseworker)
    investigation = _case(people, unit=people.investigation, caseworker=people.other_caseworker)
    nobody = _case(people)
    client = login(people.manager)
    assert _sorted(client, "unit") == [investigation.number, open_care.number, nobody.number]  # U before Ö
    assert _sorted(client, "caseworker") == [investigation.number, open_care.number, nobody.number]
    assert _sorted(client, "-caseworker") == [open_care.number, investigation.number, nobody.number]


@time_machine.travel(DAY)
def test_it_sorts_by_follow_up_state_most_pressing_first(people, login):
    done = _case(people, status=CaseStatus.ACTIVE, raised_on=datetime.date(2026, 11, 1))
    _follow_up(done, people, datetime.date(2027, 3, 1))
    not_due = _case(people, status=CaseStatus.ACTIVE, raised_on=TODAY)
    overdue = _case(people, status=CaseStatus.ACTIVE, raised_on=datetime.date(2026, 11, 1))
    due = _case(people, status=CaseStatus.ACTIVE, raised_on=datetime.date(2027, 2, 1))
    assert _sorted(login(people.manager), "follow_up") == [overdue.number, due.number, not_due.number, done.number]
    assert [state.value for state in FollowUpState][:3] == ["not_due", "due", "overdue"]


def test_an_unknown_sort_is_the_default_order(people, login):
    cases = _many(people, 2)
    assert _sorted(login(people.manager), "first_name") == [case.number for case in reversed(cases)]


def test_the_page_says_why_names_cannot_be_sorted(people, login):
    _many(people, 1)
    assert "Listan kan inte sorteras efter namn" in login(people.manager).get(URL).content.decode()


# --- Each role sees only its cases, on every page -------------------------------------------------------


def test_a_caseworker_pages_through_their_units_cases_only(people, login):
    mine = _many(people, PER_PAGE + 2, unit=people.investigation)
    _many(people, 5, unit=people.open_care)
    client = login(people.caseworker)
    seen = _numbers(client.get(URL)) + _numbers(client.get(URL, {"sida": 2}))
    assert sorted(seen) == sorted(case.number for case in mine)
    assert client.get(URL).context["total"] == len(mine)
    # another unit's filter finds nothing of theirs, and is not offered
    assert _numbers(client.get(URL, {"unit": people.open_care.pk})) == _numbers(client.get(URL))


def test_a_field_worker_pages_through_svansen_cases_only(people, login):
    svansen = _many(people, PER_PAGE + 1, category="svansen")
    _many(people, 3, category="lifestyle")
    client = login(people.field_worker)
    seen = _numbers(client.get(URL)) + _numbers(client.get(URL, {"sida": 2}))
    assert sorted(seen) == sorted(case.number for case in svansen)
