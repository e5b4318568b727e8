"""'Who has seen this': the case's register of access, for the social manager of its agreement only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from accesscontrol.actor import actor_for
from audit import access
from audit.selectors import case_access_history, person_access_summary
from casework.access_history import panel_rows

from .helpers import TUESDAY, at

WEDNESDAY = TUESDAY + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def test_it_lists_everyone_shown_the_case_or_its_person(people, case, other_unit_case, request_as):
    access.log_read(request_as(people.caseworker), page="casework:case", cases=[case], persons=[case.person])
    access.log_read(request_as(people.police), page="casework:person", persons=[case.person])
    access.log_read(request_as(people.field_worker), page="casework:case", cases=[other_unit_case])
    access.log_denied(request_as(people.other_caseworker), page="casework:case", cases=[case])
    history = case_access_history(case=case, actor=actor_for(people.manager, people.agreement))
    assert [(entry.username, entry.page) for entry in history] == [
        (people.caseworker.username, "casework:case"),
        (people.police.username, "casework:person"),
    ]
    assert history[0].name == people.caseworker.get_full_name()
    assert history[0].roles == ["Handläggare"]


@pytest.mark.parametrize("role", ["caseworker", "field_worker", "police", "management", "sysadmin", "auditor"])
def test_it_refuses_everyone_but_the_social_manager(people, case, role):
    with pytest.raises(PermissionDenied):
        case_access_history(case=case, actor=actor_for(getattr(people, role), people.agreement))


def test_it_refuses_the_social_manager_of_another_agreement(people, case, outsider, other_agreement):
    with pytest.raises(PermissionDenied):
        case_access_history(case=case, actor=actor_for(outsider, other_agreement))


def summary(case, people, limit=20):
    return person_access_summary(
        person=case.person, cases=[case], actor=actor_for(people.manager, people.agreement), limit=limit
    )


def panel(case, people, limit=20, **context):
    return render_to_string(
        "audit/case_access_panel.html", {"case_access": summary(case, people, limit), "case": case, **context}
    )


def test_the_panel_shows_who_and_when(people, case, request_as):
    access.log_read(request_as(people.police), page="casework:case_detail", cases=[case], export=True)
    html = panel(case, people)
    assert "Vem har tagit del av ärendet" in html
    assert f"{people.police.get_full_name()} ({people.police.username})" in html
    assert "Export" in html and "Visa 1 rad" in html and "Ärendesidan" in html
    assert f"/arenden/{case.pk}/registerutdrag.pdf" in html  # the extract is made from the panel


def test_the_panel_says_when_nobody_has_seen_the_case(people, case):
    assert "Ingen har tagit del av ärendet ännu." in panel(case, people)


def test_reads_are_grouped_by_person_and_day_newest_first(people, case, read):
    page = "casework:case_detail"
    for hour in (9, 10, 15):
        read(people.caseworker, cases=[case], when=at(TUESDAY, hour), page=page)
    read(people.caseworker, cases=[case], when=at(TUESDAY, 11), page="casework:follow_up")
    read(people.police, cases=[case], when=at(TUESDAY, 12), page=page)
    read(people.caseworker, cases=[case], when=at(WEDNESDAY, 8, 5), page=page)
    days = summary(case, people).days
    assert [(day.day, day.username, day.reads) for day in days] == [
        (WEDNESDAY, people.caseworker.username, 1),
        (TUESDAY, people.caseworker.username, 4),  # the last read of the day first
        (TUESDAY, people.police.username, 1),
    ]
    tuesday = days[1]
    assert (tuesday.first.hour, tuesday.last.hour) == (9, 15)
    assert tuesday.pages == ["Uppföljning av ärende", "Ärendesidan"] and tuesday.roles == ["Handläggare"]


def test_a_day_is_the_local_day(people, case, read):
    read(people.caseworker, cases=[case], when=at(TUESDAY, 0, 30))  # 23:30 UTC the day before
    read(people.caseworker, cases=[case], when=at(TUESDAY, 23, 30))
    assert [(day.day, day.reads) for day in summary(case, people).days] == [(TUESDAY, 2)]


def test_the_panel_shows_the_newest_rows_and_offers_more(people, case, read):
    for offset in range(25):
        read(people.caseworker, cases=[case], when=at(TUESDAY - datetime.timedelta(days=offset), 10))
    first = summary(case, people)
    assert (len(first.days), first.total, first.more) == (20, 25, True)
    assert first.days[0].day == TUESDAY and first.days[-1].day == TUESDAY - datetime.timedelta(days=19)
    html = panel(case, people, case_access_next=40)
    assert "Visar de 20 senaste raderna av 25." in html and 'href="?atkomster=40#vem-har-tagit-del"' in html
    assert "Visa 25 rader" in html and '<details class="govuk-details">' in html
    more = summary(case, people, limit=40)
    assert (len(more.days), more.more) == (25, False)
    assert "Visa fler" not in panel(case, people, limit=40, case_access_expanded=True)


def test_the_summary_costs_the_same_queries_however_many_reads(people, case, read, django_assert_max_num_queries):
    def queries_for_reads(count):
        for minute in range(count):
            read(people.caseworker, cases=[case], when=at(TUESDAY, 10, minute % 60))
        with django_assert_max_num_queries(10) as captured:
            summary(case, people)
        return len(captured)

    assert queries_for_reads(3) == queries_for_reads(120)


@pytest.mark.parametrize(
    ("asked", "rows"), [(None, 20), ("", 20), ("x", 20), ("0", 20), ("40", 40), ("41", 60), ("100000", 500)]
)
def test_the_panel_grows_by_steps_up_to_a_limit(asked, rows):
    assert panel_rows(asked) == rows


def test_the_case_page_shows_more_rows_when_asked(people, case, read, login):
    for offset in range(30):
        read(people.caseworker, cases=[case], when=at(TUESDAY - datetime.timedelta(days=offset), 10))
    client = login(people.manager)
    first = client.get(f"/arenden/{case.pk}/")
    assert len(first.context["case_access"].days) == 20 and first.context["case_access_next"] == 40
    more = client.get(f"/arenden/{case.pk}/", {"atkomster": "40"})
    assert len(more.context["case_access"].days) == 31  # with the manager's own first visit, today
    assert '<details class="govuk-details" open>' in more.content.decode()
