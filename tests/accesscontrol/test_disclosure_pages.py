"""The disclosures pages: who gets 200, 403 or 404; forms that refuse bad input with a message and save
nothing; CSRF on every form; free text escaped; every read and refusal in the access log."""

import datetime
import re
import uuid

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.access import FOREIGN_CASE
from audit.models import AccessLogEntry
from casework.models import Consent, Disclosure, LegalBasis
from casework.selectors.disclosures import disclosures_panel
from tests.accesscontrol.factories import make_case, make_consent, make_disclosure, make_person
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def url(name, case, **kwargs):
    return reverse(f"disclosures:{name}", kwargs={"case_id": case.pk, **kwargs})


def denied(case_id):
    return AccessLogEntry.objects.filter(outcome="denied", case_ids=[str(case_id)]).exists()


def test_a_social_manager_sees_the_whole_register_and_the_read_is_logged(login, people, case):
    consent = make_consent(case, recorded_by=people.manager, giver_name="Vera Vårdnadshavare")
    make_disclosure(case, decided_by=people.manager, basis="samtycke", consent=consent)
    response = login(people.manager).get(url("index", case))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vera Vårdnadshavare" in page and "Bedömning av utlämnandet" in page
    assert url("disclose", case) in page and url("record_consent", case) in page
    entry = AccessLogEntry.objects.get(outcome="shown", page="disclosures:index")
    assert entry.case_ids == [str(case.pk)] and entry.person_ids == [str(case.person_id)]


def test_the_police_see_only_what_is_in_force_without_the_social_services_reasoning(login, people, case):
    in_force = make_disclosure(case, decided_by=people.manager, field_classes=["interventions"])
    withdrawn = make_disclosure(case, decided_by=people.manager, field_classes=["field_contacts"])
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    consent = make_consent(case, recorded_by=people.manager, giver_name="Vera Vårdnadshavare")
    response = login(people.police).get(url("index", case))
    assert response.status_code == 200
    rows = response.context["panel"]["disclosures"]
    assert [row["disclosure"] for row in rows] == [in_force]
    page = response.content.decode()
    assert "Bedömning av utlämnandet" not in page and "Vera Vårdnadshavare" not in page
    assert url("disclose", case) not in page and url("withdraw_consent", case, consent_id=consent.pk) not in page


@pytest.mark.parametrize("who", ["caseworker", "field_worker"])
def test_case_roles_without_disclosure_rights_get_403_on_a_case_they_see(login, people, who):
    case = make_case(people.agreement, proposed_by=people.police, category="svansen", unit=people.investigation)
    client = login(getattr(people, who))
    for name in ("index", "disclose", "record_consent"):
        assert client.get(url(name, case)).status_code == 403
    assert denied(case.pk)


@pytest.mark.parametrize("who", ["other_caseworker", "management", "sysadmin", "auditor"])
def test_a_case_outside_the_users_scope_is_404_and_logged(login, people, case, who):
    response = login(getattr(people, who)).get(url("index", case))
    assert response.status_code == 404
    assert denied(case.pk)


def test_a_guessed_case_of_another_agreement_is_404_and_logged(login, outsider, case):
    client = login(outsider)
    assert client.get(url("index", case)).status_code == 404
    assert client.post(url("disclose", case), {}).status_code == 404
    # Logged in the outsider's own agreement as an attempt on a case of another, never by its id.
    attempts = AccessLogEntry.objects.filter(outcome="denied", outside_scope_case_ids=[FOREIGN_CASE])
    assert attempts.count() == 2
    assert not AccessLogEntry.objects.filter(case_ids__contains=str(case.pk)).exists()


def test_an_unknown_case_id_is_404_and_logged(login, people):
    guessed = uuid.uuid4()
    response = login(people.manager).get(reverse("disclosures:index", kwargs={"case_id": guessed}))
    assert response.status_code == 404
    assert denied(guessed)


def test_a_consent_or_disclosure_of_another_case_is_404(login, people, case):
    other = make_case(people.agreement, proposed_by=people.police)
    consent = make_consent(other, recorded_by=people.manager)
    disclosure = make_disclosure(other, decided_by=people.manager)
    client = login(people.manager)
    assert client.get(url("withdraw_consent", case, consent_id=consent.pk)).status_code == 404
    assert client.post(url("withdraw", case, disclosure_id=disclosure.pk)).status_code == 404
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None


def test_a_social_manager_records_a_consent_through_the_form(login, people, case):
    response = login(people.manager).post(
        url("record_consent", case),
        {
            "given_by": "youth",
            "giver_name": "Testa Testsson",
            "given_on": TODAY().isoformat(),
            "scope": ["social_assessment", "field_contacts"],
            "purpose": "Samordning",
        },
    )
    assert response.status_code == 302 and response.url == url("index", case)
    consent = Consent.objects.get(case=case)
    assert consent.scope == ["social_assessment", "field_contacts"] and consent.expires_on is None


def test_the_consent_form_says_what_is_wrong_and_saves_nothing(login, people, case):
    response = login(people.manager).post(
        url("record_consent", case),
        {"given_by": "guardian", "giver_name": "X", "given_on": TODAY().isoformat(), "scope": ["social_assessment"],
         "expires_on": (TODAY() - datetime.timedelta(days=3)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"] == ["Samtycket kan inte upphöra innan det lämnades."]
    page = response.content.decode()
    assert "govuk-error-summary" in page
    # The field in error is marked for sight and for screen readers (config.forms.GovukBoundField).
    assert re.search(r'<input type="date" name="expires_on"[^>]*class="govuk-input govuk-input--error"', page)
    assert 'aria-describedby="expires_on-hint expires_on-error"' in page
    assert not Consent.objects.exists()


def post_disclosure(client, case):
    """The disclosure form, filled in: the interventions, under the under-21 rule, decided today."""
    basis = LegalBasis.objects.get(code="under_21")
    data = {"field_classes": ["interventions"], "legal_basis": basis.pk, "assessment": "Risk", "decided_on": TODAY()}
    return client.post(url("disclose", case), data)


def test_a_social_manager_discloses_through_the_form(login, people, case):
    response = post_disclosure(login(people.manager), case)
    assert response.status_code == 302
    assert Disclosure.objects.get(case=case).field_classes == ["interventions"]


def test_the_disclosure_form_refuses_the_under_21_rule_for_a_21_year_old(login, people):
    person = make_person(people.agreement, birth_date=datetime.date(TODAY().year - 22, 1, 15))
    case = make_case(people.agreement, proposed_by=people.police, person=person)
    response = post_disclosure(login(people.manager), case)
    assert response.status_code == 200
    assert "fyllt 21 år" in response.context["form"].errors["legal_basis"][0]
    assert not Disclosure.objects.exists()


def test_the_police_cannot_post_a_disclosure(login, people, case):
    response = post_disclosure(login(people.police), case)
    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_withdrawing_through_the_forms(login, people, case):
    consent = make_consent(case, recorded_by=people.manager)
    on_consent = make_disclosure(case, decided_by=people.manager, basis="samtycke", consent=consent)
    other = make_disclosure(case, decided_by=people.manager, field_classes=["interventions"])
    client = login(people.manager)
    assert client.get(url("withdraw_consent", case, consent_id=consent.pk)).status_code == 200
    response = client.post(url("withdraw_consent", case, consent_id=consent.pk), {"withdrawn_on": TODAY()})
    assert response.status_code == 302
    response = client.post(url("withdraw", case, disclosure_id=other.pk), {"note": "Klart"})
    assert response.status_code == 302
    assert Disclosure.objects.filter(withdrawn_at__isnull=True).count() == 0
    on_consent.refresh_from_db()
    assert on_consent.withdrawn_by == people.manager


def test_every_form_needs_the_csrf_token(people, case):
    consent = make_consent(case, recorded_by=people.manager)
    disclosure = make_disclosure(case, decided_by=people.manager)
    client = verified_client(Client(enforce_csrf_checks=True), people.manager)
    consent_data = {"given_by": "youth", "giver_name": "Y", "given_on": TODAY(), "scope": ["interventions"]}
    forms = [
        (url("record_consent", case), consent_data),
        (url("disclose", case), {}),
        (url("withdraw_consent", case, consent_id=consent.pk), {"withdrawn_on": TODAY()}),
        (url("withdraw", case, disclosure_id=disclosure.pk), {}),
    ]
    for path, data in forms:
        assert client.post(path, data).status_code == 403, path
    assert Consent.objects.count() == 1 and Disclosure.objects.get().withdrawn_at is None
    form = client.get(url("record_consent", case)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    path, data = forms[0]
    assert client.post(path, {**data, "csrfmiddlewaretoken": token}).status_code == 302


def test_free_text_is_escaped_on_output(login, people, case):
    attack = '<script>alert("x")</script>'
    consent = make_consent(case, recorded_by=people.manager, giver_name=attack, purpose=attack)
    disclosure = make_disclosure(case, decided_by=people.manager, basis="samtycke", consent=consent)
    disclosure.assessment = attack
    disclosure.save()
    page = login(people.manager).get(url("index", case)).content.decode()
    assert attack not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_choosing_consent_when_the_case_has_none_says_so(login, people, case):
    basis = LegalBasis.objects.get(code="samtycke")
    data = {"field_classes": ["interventions"], "legal_basis": basis.pk, "assessment": "Risk", "decided_on": TODAY()}
    response = login(people.manager).post(url("disclose", case), data)
    assert response.status_code == 200
    assert "Registrera samtycket först" in response.context["form"].errors["legal_basis"][0]
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("who", ["caseworker", "field_worker", "management"])
def test_the_panel_shows_nothing_to_other_roles(actors, case, who):
    panel = disclosures_panel(actor=getattr(actors, who), case=case)
    assert panel is None
    assert render_to_string("casework/disclosures/panel.html", {"panel": panel}).strip() == ""
