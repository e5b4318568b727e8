"""'Who has seen this': the case's register of access, for the social manager of its agreement only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from accesscontrol.actor import actor_for
from audit import access
from audit.selectors import case_access_history

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


def test_the_panel_shows_who_and_when(people, case, request_as):
    access.log_read(request_as(people.police), page="casework:case", cases=[case], export=True)
    history = case_access_history(case=case, actor=actor_for(people.manager, people.agreement))
    html = render_to_string("audit/case_access_panel.html", {"case_access": history, "case": case})
    assert "Vem har tagit del av ärendet" in html
    assert f"{people.police.get_full_name()} ({people.police.username})" in html
    assert "Export" in html and "Visa 1 åtkomst" in html
    assert f"/arenden/{case.pk}/registerutdrag.pdf" in html  # the extract is made from the panel


def test_the_panel_says_when_nobody_has_seen_the_case(people, case):
    history = case_access_history(case=case, actor=actor_for(people.manager, people.agreement))
    assert "Ingen har tagit del av ärendet ännu." in render_to_string(
        "audit/case_access_panel.html", {"case_access": history, "case": case}
    )
