"""The sysadmin keeps the agreement's areas and hot spots, which the field team's forms offer: a place no
longer visited is deactivated, not deleted, so its visits keep their place. Other agreements' places are
out of reach, and bad input gets a message and saves nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Area, HotSpot
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def hot_spot_data(**changes):
    return {"name": "Skolgården", "kind": "school", "area": "", "active": "on", **changes}


def test_it_adds_and_renames_an_area(login, people):
    client = login(people.sysadmin)
    assert client.post(reverse("administration:areas_create"), {"name": "Norr"}).status_code == 302
    area = Area.objects.get(agreement=people.agreement, name="Norr")
    edit = reverse("administration:areas_edit", kwargs={"area_id": area.pk})
    assert client.post(edit, {"name": "Norra staden"}).status_code == 302
    area.refresh_from_db()
    assert area.name == "Norra staden"
    assert "Norra staden" in client.get(reverse("administration:areas_list")).content.decode()


def test_it_refuses_a_second_area_with_the_same_name(login, people):
    Area.objects.create(agreement=people.agreement, name="Norr")
    response = login(people.sysadmin).post(reverse("administration:areas_create"), {"name": "Norr"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Överenskommelsen har redan en post med det värdet."]
    assert Area.objects.filter(agreement=people.agreement, name="Norr").count() == 1


def test_it_allows_the_same_area_name_in_another_agreement(login, people, other_agreement):
    Area.objects.create(agreement=other_agreement, name="Norr")
    assert login(people.sysadmin).post(reverse("administration:areas_create"), {"name": "Norr"}).status_code == 302
    assert Area.objects.filter(agreement=people.agreement, name="Norr").exists()


def test_it_adds_a_hot_spot_in_an_area_and_the_field_team_can_visit_it(login, people):
    area = Area.objects.create(agreement=people.agreement, name="Centrum")
    client = login(people.sysadmin)
    response = client.post(reverse("administration:hot_spots_create"), hot_spot_data(area=area.pk))
    assert response.status_code == 302
    spot = HotSpot.objects.get(agreement=people.agreement, name="Skolgården")
    assert (spot.kind, spot.area, spot.active) == ("school", area, True)
    field_team = verified_client(Client(), people.field_worker)
    assert spot in field_team.get(reverse("casework:new_visit")).context["form"].fields["hot_spot"].queryset
    contact_form = field_team.get(reverse("casework:new_contact")).context["form"]
    assert area in contact_form.fields["area"].queryset


def test_a_deactivated_hot_spot_is_no_longer_offered_but_keeps_its_visits(login, people):
    spot = HotSpot.objects.create(agreement=people.agreement, name="Stationen", kind="public_place")
    field_team = verified_client(Client(), people.field_worker)
    visit = {"hot_spot": spot.pk, "visited_on": "2026-01-15", "youths_present": 3, "observations": ""}
    assert field_team.post(reverse("casework:new_visit"), visit).status_code == 302
    edit = reverse("administration:hot_spots_edit", kwargs={"hot_spot_id": spot.pk})
    assert (
        login(people.sysadmin).post(edit, hot_spot_data(name="Stationen", kind="public_place", active="")).status_code
        == 302
    )
    spot.refresh_from_db()
    assert not spot.active and spot.visits.count() == 1
    assert spot not in field_team.get(reverse("casework:new_visit")).context["form"].fields["hot_spot"].queryset
    refused = field_team.post(reverse("casework:new_visit"), visit)
    assert refused.status_code == 200 and spot.visits.count() == 1


def test_a_hot_spot_is_not_placed_in_another_agreements_area(login, people, other_agreement):
    foreign = Area.objects.create(agreement=other_agreement, name="Grannstaden")
    response = login(people.sysadmin).post(reverse("administration:hot_spots_create"), hot_spot_data(area=foreign.pk))
    assert response.status_code == 200 and "area" in response.context["form"].errors
    assert not HotSpot.objects.filter(name="Skolgården").exists()


def test_it_refuses_a_hot_spot_without_a_name_or_kind(login, people):
    response = login(people.sysadmin).post(reverse("administration:hot_spots_create"), hot_spot_data(name="", kind=""))
    errors = response.context["form"].errors
    assert errors["name"] == ["Det här fältet är obligatoriskt."] and errors["kind"] == [
        "Det här fältet är obligatoriskt."
    ]
    assert not HotSpot.objects.exists()


def test_another_agreements_places_are_out_of_reach(login, people, other_agreement):
    area = Area.objects.create(agreement=other_agreement, name="Grannstaden")
    spot = HotSpot.objects.create(agreement=other_agreement, name="Grannskolan", kind="school", area=area)
    client = login(people.sysadmin)
    assert client.get(reverse("administration:areas_edit", kwargs={"area_id": area.pk})).status_code == 404
    edit = reverse("administration:hot_spots_edit", kwargs={"hot_spot_id": spot.pk})
    assert client.post(edit, hot_spot_data(name="Kapad")).status_code == 404
    assert "Grannskolan" not in client.get(reverse("administration:hot_spots_list")).content.decode()
    spot.refresh_from_db()
    assert spot.name == "Grannskolan"


@pytest.mark.parametrize("who", ["manager", "caseworker", "field_worker", "police", "management", "auditor"])
def test_only_the_sysadmin_keeps_places(login, people, who):
    client = login(getattr(people, who))
    assert client.get(reverse("administration:hot_spots_list")).status_code == 403
    assert client.post(reverse("administration:areas_create"), {"name": "Smyg"}).status_code == 403
    assert client.post(reverse("administration:hot_spots_create"), hot_spot_data()).status_code == 403
    assert not Area.objects.filter(name="Smyg").exists() and not HotSpot.objects.exists()
