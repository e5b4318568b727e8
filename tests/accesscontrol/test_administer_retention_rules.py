"""The sysadmin keeps the agreement's retention rules. A rule that has come into force has governed the
nightly purge, so it keeps its terms: it is ended with an end date, and a changed rule is a new one that
starts later. Rules for the same records never overlap, and none starts in the past."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from casework import retention
from casework.models import RetentionRule
from tests.factories import people_for

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def iso(day) -> str:
    return day.isoformat() if day else ""


def rule_data(rule=None, **changes):
    data = {"record_type": "case_data", "years": 5, "complete_by_end_of_following_year": "on",
            "legal_reference": "SoL 12 kap. 1 §", "valid_from": iso(today()), "valid_to": ""}  # fmt: skip
    if rule is not None:
        data.update(
            record_type=rule.record_type,
            years=rule.years,
            complete_by_end_of_following_year="on" if rule.complete_by_end_of_following_year else "",
            legal_reference=rule.legal_reference,
            valid_from=iso(rule.valid_from),
            valid_to=iso(rule.valid_to),
        )
    return {**data, **changes}


def case_data_rule(agreement) -> RetentionRule:
    return RetentionRule.objects.get(agreement=agreement, record_type="case_data")


def edit_url(rule) -> str:
    return reverse("administration:retention_rules_edit", kwargs={"retention_rule_id": rule.pk})


def test_it_lists_the_agreements_rules(login, people):
    page = login(people.sysadmin).get(reverse("administration:retention_rules_list")).content.decode()
    assert "Ärendeuppgifter (sammanställning)" in page and "Åtkomstlogg" in page and "5 år" in page


def test_it_ends_the_rule_in_force_and_adds_the_next_one(login, people):
    client = login(people.sysadmin)
    current = case_data_rule(people.agreement)
    assert client.post(edit_url(current), rule_data(current, valid_to=iso(today()))).status_code == 302
    tomorrow = today() + datetime.timedelta(days=1)
    new = rule_data(years=7, legal_reference="SoL (2025:400)", valid_from=iso(tomorrow))
    assert client.post(reverse("administration:retention_rules_create"), new).status_code == 302
    current.refresh_from_db()
    assert current.valid_to == today() and current.years == 5
    assert retention.rule_in_force(people.agreement, "case_data", today()) == current
    assert retention.rule_in_force(people.agreement, "case_data", tomorrow).years == 7


def test_a_rule_in_force_keeps_its_terms(login, people):
    current = case_data_rule(people.agreement)
    data = rule_data(current, years=1, legal_reference="Ny text", valid_to=iso(today()))
    response = login(people.sysadmin).post(edit_url(current), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"years", "legal_reference"}
    assert errors["years"][0].startswith("Regeln har börjat gälla och styr gallringen")
    stored = case_data_rule(people.agreement)
    assert (stored.years, stored.legal_reference, stored.valid_to) == (5, current.legal_reference, None)


def test_a_rule_in_force_is_not_ended_in_the_past(login, people):
    current = case_data_rule(people.agreement)
    yesterday = today() - datetime.timedelta(days=1)
    response = login(people.sysadmin).post(edit_url(current), rule_data(current, valid_to=iso(yesterday)))
    assert response.context["form"].errors["valid_to"] == [
        "Slutdatumet kan inte ligga bakåt i tiden: välj dagens datum eller senare."
    ]
    assert case_data_rule(people.agreement).valid_to is None


def test_an_ended_rule_is_not_reopened(login, people):
    current = case_data_rule(people.agreement)
    RetentionRule.objects.filter(pk=current.pk).update(valid_to=datetime.date(2020, 12, 31))
    response = login(people.sysadmin).post(edit_url(current), rule_data(current, valid_to=""))
    assert response.context["form"].errors["valid_to"] == [
        "Regeln har upphört att gälla; giltighetstiden kan inte ändras i efterhand."
    ]
    assert case_data_rule(people.agreement).valid_to == datetime.date(2020, 12, 31)


def test_a_new_rule_does_not_overlap_the_one_in_force(login, people):
    tomorrow = today() + datetime.timedelta(days=1)
    response = login(people.sysadmin).post(
        reverse("administration:retention_rules_create"), rule_data(years=7, valid_from=iso(tomorrow))
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["valid_from"]
    assert message.startswith("Perioden överlappar regeln för samma uppgifter som gäller från 2013-01-01.")
    assert RetentionRule.objects.filter(agreement=people.agreement, record_type="case_data").count() == 1


def test_a_new_rule_does_not_start_in_the_past(login, people):
    client = login(people.sysadmin)
    current = case_data_rule(people.agreement)
    client.post(edit_url(current), rule_data(current, valid_to=iso(today())))
    last_year = today() - relativedelta(years=1)  # 29 February has no twin a year back
    response = client.post(reverse("administration:retention_rules_create"), rule_data(valid_from=iso(last_year)))
    assert response.context["form"].errors["valid_from"] == [
        "En regel kan inte börja gälla i efterhand: välj dagens datum eller senare."
    ]
    assert RetentionRule.objects.filter(agreement=people.agreement, record_type="case_data").count() == 1


def test_a_rule_not_yet_in_force_can_still_be_corrected(login, people):
    client = login(people.sysadmin)
    current = case_data_rule(people.agreement)
    client.post(edit_url(current), rule_data(current, valid_to=iso(today())))
    next_year = datetime.date(today().year + 1, 1, 1)
    client.post(reverse("administration:retention_rules_create"), rule_data(years=6, valid_from=iso(next_year)))
    planned = RetentionRule.objects.get(agreement=people.agreement, record_type="case_data", valid_from=next_year)
    assert client.post(edit_url(planned), rule_data(planned, years=7)).status_code == 302
    planned.refresh_from_db()
    assert planned.years == 7


def test_it_refuses_a_rule_of_no_years(login, people):
    current = case_data_rule(people.agreement)
    RetentionRule.objects.filter(pk=current.pk).update(valid_to=today())
    tomorrow = today() + datetime.timedelta(days=1)
    response = login(people.sysadmin).post(
        reverse("administration:retention_rules_create"), rule_data(years=0, valid_from=iso(tomorrow))
    )
    assert response.context["form"].errors["years"] == ["Ange minst ett år."]
    assert RetentionRule.objects.filter(agreement=people.agreement, record_type="case_data").count() == 1


def test_another_agreements_rules_are_out_of_reach(login, people, other_agreement):
    people_for(other_agreement)
    foreign = case_data_rule(other_agreement)
    client = login(people.sysadmin)
    assert client.get(edit_url(foreign)).status_code == 404
    assert client.post(edit_url(foreign), rule_data(foreign, valid_to=iso(today()))).status_code == 404
    assert case_data_rule(other_agreement).valid_to is None


@pytest.mark.parametrize("who", ["manager", "caseworker", "police", "management", "auditor"])
def test_only_the_sysadmin_keeps_retention_rules(login, people, who):
    client = login(getattr(people, who))
    current = case_data_rule(people.agreement)
    assert client.get(reverse("administration:retention_rules_list")).status_code == 403
    assert client.post(edit_url(current), rule_data(current, valid_to=iso(today()))).status_code == 403
    assert case_data_rule(people.agreement).valid_to is None
