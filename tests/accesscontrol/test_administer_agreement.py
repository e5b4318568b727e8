"""The sysadmin keeps the agreement's data: units, organisations, the agreement and its follow-up window,
targets, the intervention catalogue, tariffs and legal bases. Bad input gets a message and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from accesscontrol.models import Membership, Organisation, Role, Unit
from casework.models import Agreement, InterventionType, LegalBasis, Target, Tariff
from tests.factories import people_for

pytestmark = pytest.mark.django_db


def test_a_sysadmin_adds_a_unit(login, people):
    data = {"organisation": people.agreement.social_services.pk, "name": "Mottagningen"}
    assert login(people.sysadmin).post(reverse("administration:units_create"), data).status_code == 302
    assert Unit.objects.get(name="Mottagningen").organisation == people.agreement.social_services


def test_a_unit_name_is_unique_in_its_organisation(login, people):
    data = {"organisation": people.agreement.social_services.pk, "name": "Utredning ungdom"}
    response = login(people.sysadmin).post(reverse("administration:units_create"), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert Unit.objects.filter(name="Utredning ungdom").count() == 1


def test_a_unit_is_renamed_but_does_not_move(login, people):
    url = reverse("administration:units_edit", kwargs={"unit_id": people.open_care.pk})
    data = {"organisation": people.agreement.police.pk, "name": "Öppenvården"}
    assert login(people.sysadmin).post(url, data).status_code == 302
    people.open_care.refresh_from_db()
    assert (people.open_care.name, people.open_care.organisation) == ("Öppenvården", people.agreement.social_services)


def test_units_and_organisations_of_another_agreement_are_out_of_reach(login, people, other_agreement):
    foreign = people_for(other_agreement)
    client = login(people.sysadmin)
    assert client.get(reverse("administration:units_edit", kwargs={"unit_id": foreign.open_care.pk})).status_code == 404
    assert (
        other_agreement.social_services.name
        not in client.get(reverse("administration:organisations_list")).content.decode()
    )
    response = client.post(
        reverse("administration:units_create"), {"organisation": other_agreement.social_services.pk, "name": "Smyg"}
    )
    assert "organisation" in response.context["form"].errors
    assert not Unit.objects.filter(name="Smyg").exists()


def test_an_organisation_for_a_new_agreement_stays_in_reach_until_it_is_used(login, people):
    client = login(people.sysadmin)
    client.post(reverse("administration:organisations_create"), {"name": "Polisen Nyby", "kind": "police"})
    assert "Polisen Nyby" in client.get(reverse("administration:organisations_list")).content.decode()


def test_the_agreement_and_its_follow_up_window_are_edited(login, people):
    agreement = people.agreement
    data = {
        "name": agreement.name, "starts_on": "2026-01-01", "ends_on": "", "lifestyle_label": "Livsstil",
        "svansen_label": "Svansen", "min_age": 13, "max_age": 25, "follow_up_opens_months": 2,
        "follow_up_closes_months": 5, "minutes_need_police_approval": "on",
    }  # fmt: skip
    assert login(people.sysadmin).post(reverse("administration:agreement"), data).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.follow_up_opens_months, agreement.follow_up_closes_months) == (2, 5)
    assert agreement.lifestyle_label == "Livsstil"


def test_a_follow_up_window_that_closes_before_it_opens_is_refused(login, people):
    data = {
        "name": "X", "starts_on": "2026-01-01", "lifestyle_label": "L", "svansen_label": "S", "min_age": 13,
        "max_age": 25, "follow_up_opens_months": 6, "follow_up_closes_months": 3,
    }  # fmt: skip
    response = login(people.sysadmin).post(reverse("administration:agreement"), data)
    assert "follow_up_closes_months" in response.context["form"].errors
    people.agreement.refresh_from_db()
    assert people.agreement.follow_up_closes_months == 6


def test_a_new_agreement_gets_the_defaults_and_its_creator_administers_it(login, people):
    data = {
        "name": "Överenskommelse Nyby",
        "social_services": people.agreement.social_services.pk,
        "police": people.agreement.police.pk,
        "starts_on": "2027-01-01",
    }
    assert login(people.sysadmin).post(reverse("administration:agreement_create"), data).status_code == 302
    created = Agreement.objects.get(name="Överenskommelse Nyby")
    assert created.targets.exists() and created.intervention_types.exists()
    assert Membership.objects.filter(user=people.sysadmin, agreement=created, role=Role.SYSADMIN).exists()


def test_targets_are_added_changed_and_removed(login, people):
    client = login(people.sysadmin)
    target = Target.objects.get(agreement=people.agreement, metric="svansen_identified")
    edit = reverse("administration:targets_edit", kwargs={"target_id": target.pk})
    assert client.post(edit, {"metric": "svansen_identified", "period": "quarter", "value": 6}).status_code == 302
    target.refresh_from_db()
    assert target.value == 6
    add = {"metric": "concern_talks", "period": "year", "value": 40}
    assert client.post(reverse("administration:targets_create"), add).status_code == 302
    created = Target.objects.get(agreement=people.agreement, metric="concern_talks")
    assert client.get(reverse("administration:targets_delete", kwargs={"target_id": created.pk})).status_code == 200
    client.post(reverse("administration:targets_delete", kwargs={"target_id": created.pk}))
    assert not Target.objects.filter(pk=created.pk).exists()


def test_a_second_target_for_the_same_measure_is_refused(login, people):
    data = {"metric": "meetings", "period": "year", "value": 6}
    response = login(people.sysadmin).post(reverse("administration:targets_create"), data)
    assert response.status_code == 200 and "metric" in response.context["form"].errors
    assert Target.objects.filter(agreement=people.agreement, metric="meetings").count() == 1


def test_the_catalogue_gets_a_new_intervention_and_refuses_a_taken_code(login, people):
    client = login(people.sysadmin)
    data = {"code": "skolstod", "name": "Skolstöd", "description": "", "setting": "home_based", "active": "on"}
    assert client.post(reverse("administration:catalogue_create"), data).status_code == 302
    assert InterventionType.objects.get(agreement=people.agreement, code="skolstod").name == "Skolstöd"
    again = client.post(reverse("administration:catalogue_create"), {**data, "name": "Annat"})
    assert "code" in again.context["form"].errors


def test_a_tariff_is_added_for_this_agreements_catalogue_only(login, people, other_agreement):
    mst = InterventionType.objects.get(agreement=people.agreement, code="mst")
    foreign = InterventionType.objects.get(agreement=other_agreement, code="mst")
    data = {
        "year": 2026,
        "price_unit": "one_off",
        "municipal_cost": "210000",
        "societal_cost": "210000",
        "source": "Avtal",
    }
    client = login(people.sysadmin)
    assert (
        client.post(reverse("administration:tariffs_create"), {**data, "intervention_type": mst.pk}).status_code == 302
    )
    assert Tariff.objects.filter(intervention_type=mst, year=2026).exists()
    refused = client.post(reverse("administration:tariffs_create"), {**data, "intervention_type": foreign.pk})
    assert "intervention_type" in refused.context["form"].errors


def test_a_legal_basis_gets_its_validity(login, people):
    data = {"code": "osl_10_15a", "label": "Ny generalklausul", "law_reference": "OSL 10 kap. 15 a §",
            "valid_from": "2025-12-01", "valid_to": ""}  # fmt: skip
    people.sysadmin.is_instance_admin = True  # legal bases are shared by every agreement: the instance's
    people.sysadmin.save(update_fields=["is_instance_admin"])
    client = login(people.sysadmin)
    assert client.post(reverse("administration:legal_bases_create"), data).status_code == 302
    assert LegalBasis.objects.get(code="osl_10_15a").valid_from == datetime.date(2025, 12, 1)
    basis = LegalBasis.objects.get(code="under_21")
    edit = reverse("administration:legal_bases_edit", kwargs={"legal_basis_id": basis.pk})
    response = client.post(edit, {**data, "code": "under_21", "valid_from": "2013-01-01", "valid_to": "2012-01-01"})
    assert "valid_to" in response.context["form"].errors


@pytest.mark.parametrize("who", ["manager", "caseworker", "police", "management", "auditor"])
def test_only_the_sysadmin_may_administer(login, people, who):
    client = login(getattr(people, who))
    assert client.get(reverse("administration:index")).status_code == 403
    response = client.post(reverse("administration:organisations_create"), {"name": "Smyg", "kind": "police"})
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Smyg").exists()


def test_free_text_is_escaped_on_the_administration_pages(login, people):
    attack = "<script>alert(1)</script>"
    client = login(people.sysadmin)
    client.post(
        reverse("administration:units_create"), {"organisation": people.agreement.social_services.pk, "name": attack}
    )
    page = client.get(reverse("administration:units_list")).content.decode()
    assert attack not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
