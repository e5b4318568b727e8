"""The change log: every casework and accesscontrol model, who changed what, encrypted values masked."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

from audit.masking import MASK
from audit.models import AccessLogEntry, ChangeLogSeal
from audit.registry import NOT_AUDITED
from encryption.fields import encrypted_fields

from .factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("app_label", ["casework", "accesscontrol"])
def test_every_model_of_the_app_is_in_the_change_log(app_label):
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.label_lower in NOT_AUDITED:  # the historic counts gallring keeps
            assert not auditlog.contains(model), model
            continue
        assert auditlog.contains(model), model
        masked = set(auditlog.get_model_fields(model)["mask_fields"])
        assert {field.name for field in encrypted_fields(model)} <= masked, model


def test_cost_indexes_are_in_the_change_log(agreement):
    from reports.models import CostIndex

    assert auditlog.contains(CostIndex)
    index = CostIndex.objects.create(agreement=agreement, name="KPI", year=2025, value="400.00", source="SCB")
    index.value = "410.00"
    index.save()
    update = LogEntry.objects.get_for_object(index).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes == {"value": ["400.00", "410.00"]}
    assert update.chain_seal is not None


def test_the_log_tables_are_not_in_the_change_log():
    assert not auditlog.contains(AccessLogEntry)
    assert not auditlog.contains(ChangeLogSeal)


def test_it_records_that_an_encrypted_field_changed_never_its_value(agreement):
    person = PersonFactory(agreement=agreement, first_name="Förstanamn")
    person.first_name = "Andranamn"
    person.save()
    update = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes == {"first_name": [MASK, MASK]}
    assert update.object_repr == str(person)


def test_a_clear_field_is_recorded_with_its_values(people, case):
    case.status = "active"
    case.save()
    update = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes == {"status": ["proposed", "active"]}


def test_the_password_hash_and_the_blind_indexes_are_never_logged(agreement, people):
    people.manager.set_password("ett-annat-langt-losenord")
    people.manager.save()
    person = PersonFactory(agreement=agreement)
    for entry in LogEntry.objects.all():
        assert "password" not in (entry.changes or {})
        assert "personal_number_index" not in (entry.changes or {})
        assert "name_index" not in (entry.changes or {})
    assert LogEntry.objects.get_for_object(person).exists()


def test_it_records_a_change_of_a_users_units(people):
    people.caseworker.units.add(people.open_care)
    entry = LogEntry.objects.get_for_object(people.caseworker).order_by("-pk").first()
    assert entry.changes["units"]["operation"] == "add"
    assert entry.changes["units"]["objects"] == [str(people.open_care)]


def test_each_log_entry_is_sealed_in_the_chain(people, case):
    sealed = set(ChangeLogSeal.objects.values_list("log_entry_id", flat=True))
    assert sealed == set(LogEntry.objects.values_list("pk", flat=True))
    seqs = list(ChangeLogSeal.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


# Without proxies the peer is the client and X-Forwarded-For is the client's own words; behind one, the
# proxy's entry is the client.
@pytest.mark.parametrize(("proxy_hops", "address"), [(0, "10.9.8.7"), (1, "6.6.6.6")])
def test_a_change_in_a_request_names_the_actor_and_the_agreement(login, people, case, settings, proxy_hops, address):
    from django.test import RequestFactory

    from accesscontrol.actor import actor_for
    from audit.middleware import ChangeLogMiddleware

    def view(request):
        request.actor = actor_for(people.manager, people.agreement)
        case.status = "active"
        case.save()
        return None

    settings.SAMSYN_PROXY_HOPS = proxy_hops
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.8.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    request.user = people.manager
    ChangeLogMiddleware(view)(request)
    entry = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == people.manager
    assert entry.remote_addr == address
    assert entry.additional_data == {"agreement_id": people.agreement.pk, "roles": ["social_manager"]}


def test_a_change_outside_a_request_has_no_actor(agreement, people):
    case = CaseFactory(agreement=agreement, proposed_by=people.manager)
    entry = LogEntry.objects.get_for_object(case).get()
    assert entry.actor is None
