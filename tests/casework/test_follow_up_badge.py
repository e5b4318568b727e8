"""The follow-up badge on the case page and in the case list: not yet due / due / overdue / done by the
agreement's window, and for a case closed without a follow-up neither due nor overdue (no follow-up can be
written any more; the target figures keep their own rule for what was missed)."""

import datetime
import re

import pytest
from django.urls import reverse

from casework.follow_up import FollowUpState, follow_up_state
from casework.services import cases as case_services
from casework.services.follow_ups import write_follow_up
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

LABELS = {
    "not_due": "Inte aktuell än",
    "due": "Dags för uppföljning",
    "overdue": "Försenad",
    "done": "Gjord",
    "closed": "Avslutat utan uppföljning",
}


@pytest.fixture
def cases(people):
    manager = f.actor(people.manager, people.agreement)
    done = f.identified(people, raised_on=f.months_ago(4))
    write_follow_up(
        actor=manager, case=done, written_on=f.today(), youth_view="Bra.", social_view="Bra.", outcome="improved"
    )
    closed_early = f.identified(people, raised_on=f.months_ago(8))
    case_services.close_case(actor=manager, case=closed_early, reason="moved", closed_on=f.months_ago(7))
    closed_late = f.identified(people, raised_on=f.months_ago(10))
    case_services.close_case(actor=manager, case=closed_late, reason="moved", closed_on=f.months_ago(1))
    return {
        "not_due": f.identified(people, raised_on=f.months_ago(1)),
        "due": f.identified(people, raised_on=f.months_ago(4)),
        "overdue": f.identified(people, raised_on=f.months_ago(8)),
        "done": done,
        "closed": closed_early,
        "closed_after_the_window": closed_late,
    }


def _tags(html: str) -> list[str]:
    return re.findall(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', html)


def test_the_case_page_shows_each_state(people, login, cases):
    client = login(people.manager)
    for name, case in cases.items():
        page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
        expected = LABELS["closed"] if name.startswith("closed") else LABELS[name]
        tags = _tags(page)
        assert expected in tags, (name, tags)
        if name != "overdue":
            assert LABELS["overdue"] not in tags, (name, tags)


def test_the_case_list_shows_each_state(people, login, cases):
    page = login(people.manager).get(reverse("casework:case_list")).content.decode()
    rows = {
        number: _tags(row)
        for number, row in re.findall(
            r'<tr class="govuk-table__row">\s*<td[^>]*><a[^>]*>([^<]+)</a>(.*?)</tr>', page, re.S
        )
    }
    for name, case in cases.items():
        expected = LABELS["closed"] if name.startswith("closed") else LABELS[name]
        assert expected in rows[case.number], (name, rows[case.number])
    overdue = [number for number, tags in rows.items() if LABELS["overdue"] in tags]
    assert overdue == [cases["overdue"].number]


def test_a_reopened_case_is_overdue_again(people, login, cases):
    case = cases["closed"]
    case_services.reopen_case(
        actor=f.actor(people.manager, people.agreement), case=case, reopened_on=f.today(), note="Ny oro."
    )
    page = login(people.manager).get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert LABELS["overdue"] in _tags(page)


def test_the_state_of_a_closed_case_is_closed_unless_it_was_followed_up(agreement):
    raised = datetime.date(2026, 1, 10)
    today = datetime.date(2026, 11, 1)

    def state(**kwargs):
        return follow_up_state(raised_on=raised, agreement=agreement, today=today, **kwargs)

    assert state(has_follow_up=False) == FollowUpState.OVERDUE
    assert state(has_follow_up=False, closed_on=datetime.date(2026, 2, 1)) == FollowUpState.CLOSED
    assert state(has_follow_up=False, closed_on=datetime.date(2026, 10, 1)) == FollowUpState.CLOSED
    assert state(has_follow_up=True, closed_on=datetime.date(2026, 10, 1)) == FollowUpState.DONE
