"""The register extract (GDPR article 15) of a demo person: every object that names the person is in it, in
every agreement where the manager is social manager, with who has read the data and when; nothing of another
person is; the extract is logged as an export; and only the social manager makes it."""

import copy
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accesscontrol import services as access_services
from accesscontrol.actor import actor_for
from accesscontrol.models import Role, User
from audit.models import AccessLogEntry, naming_case, naming_person
from casework import demo
from casework.models import (
    Agreement,
    Case,
    CaseAttachment,
    CaseEvent,
    ConcernTalkFollowUp,
    Consent,
    Decision,
    Disclosure,
    FieldContact,
    FollowUp,
    Intervention,
    Person,
)
from casework.services import attachments, disclosures
from tests.accesscontrol.factories import make_case, make_person
from tests.casework import factories as f
from tests.conftest import built_once, verified_client
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

# Another person of the same agreement, whose every trace must stay out of the extract.
SENTINEL = {"first": "Sentinella", "last": "Annansdotter", "guardian": "Vaktaren Annansdotter"}
SENTINEL_FILE = "Annansdotters samtycke.pdf"
SENTINEL_TEXTS = ("Annans hemliga bedömning", "Annans polisbedömning", "Annans samtycke Gärda")


@pytest.fixture(autouse=True)
def pdf_as_its_html(monkeypatch):
    """A PDF's text cannot be searched (compressed, in font subsets): the extract answers with the HTML
    WeasyPrint would print, which is what decides what the PDF shows."""
    monkeypatch.setattr("casework.views.cases.render_pdf", lambda html_text, **kwargs: html_text.encode())


def text_of(response) -> str:
    """The extract as its reader sees it: tags gone, entities read, whitespace folded."""
    return folded(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def folded(text: str) -> str:
    return " ".join(str(text).split())


def richest_person(agreement) -> Person:
    """The demo person whose cases hold the most kinds of record (deterministic for the seed)."""

    def kinds(person):
        cases = Case.objects.filter(person=person)
        return (
            sum(
                model.objects.filter(case__in=cases).exists()
                for model in (Intervention, FollowUp, FieldContact, Consent, Disclosure, Decision)
            ),
            str(person.pk),
        )

    return max(Person.objects.filter(agreement=agreement), key=kinds)


def expected_texts(person) -> list[str]:
    """Everything stored about the person, built from the models (not from the extract's selectors)."""
    cases = Case.objects.filter(person=person)
    texts = [person.full_name, person.personal_number_display, *person.contact.values()]
    texts += [part for guardian in person.guardians for part in (guardian["name"], guardian.get("phone", ""))]
    for case in cases:
        texts += [case.number, case.proposal_reason, case.police_assessment, case.social_assessment]
        texts.append(case.records_reference)
    texts += [event.note for event in CaseEvent.objects.filter(case__in=cases)]
    for intervention in Intervention.objects.filter(case__in=cases):
        texts += [intervention.intervention_type.name, intervention.note, intervention.provider]
    for follow_up in FollowUp.objects.filter(case__in=cases):
        texts += [
            follow_up.youth_view,
            follow_up.social_view,
            follow_up.police_view,
            follow_up.partners_view,
            follow_up.helped,
            follow_up.hindered,
            follow_up.collaboration,
        ]
    texts += [contact.note for contact in FieldContact.objects.filter(case__in=cases)]
    texts += [done.note for done in ConcernTalkFollowUp.objects.filter(contact__case__in=cases)]
    for consent in Consent.objects.filter(case__in=cases):
        texts += [consent.giver_name, consent.purpose, consent.document_reference]
    for disclosure in Disclosure.objects.filter(case__in=cases).select_related("legal_basis", "case__agreement"):
        texts += [disclosure.assessment, disclosure.legal_basis.law_reference, disclosure.case.agreement.police.name]
    texts += [decision.what for decision in Decision.objects.filter(case__in=cases)]
    texts += [attachment.file_name for attachment in CaseAttachment.objects.filter(case__in=cases)]
    return [folded(text) for text in texts if text and str(text).strip()]


def accesses(person) -> list[AccessLogEntry]:
    condition = naming_person(person.pk)
    for case_id in Case.objects.filter(person=person).values_list("pk", flat=True):
        condition |= naming_case(case_id)
    return list(AccessLogEntry.objects.filter(condition, outcome=AccessLogEntry.Outcome.SHOWN).order_by("seq"))


def attach(actor, case, name):
    attachments.add_attachment(
        actor=actor,
        case=case,
        kind=CaseAttachment.Kind.CONSENT,
        field_class="social_assessment",
        upload=SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n"),
    )


@pytest.fixture(scope="module")
def _demo_world(django_db_setup, django_db_blocker):
    """The demo, a second person and the reads to list, built once for the module (some 10 s a build)."""
    with built_once(django_db_blocker):
        yield _build_demo_world()


@pytest.fixture
def demo_world(_demo_world):
    agreement, manager, person, case, other, cookies = _demo_world
    client = Client()
    client.cookies = copy.deepcopy(cookies)  # the session that made the reads, as the module left it
    return (
        Agreement.objects.get(pk=agreement),
        User.objects.get(pk=manager),
        Person.objects.get(pk=person),
        Case.objects.get(pk=case),
        Person.objects.get(pk=other),
        client,
    )


def _build_demo_world():
    agreement, _logins = demo.build_demo(seed=7)
    manager = User.objects.get(username="chef")
    person = richest_person(agreement)
    case = Case.objects.filter(person=person).order_by("-proposed_on").first()
    police = User.objects.get(username="polis")
    # The demo decides disclosures under OSL 10:18 a; a consent, given by the person's guardian, too.
    disclosures.record_consent(
        actor=actor_for(manager, agreement),
        case=case,
        given_by=Consent.GivenBy.GUARDIAN,
        giver_name=person.guardians[0]["name"],
        given_on=case.proposed_on,
        scope=["social_assessment", "interventions"],
        purpose="Samverkan om fritidsinsats",
        document_reference="Blankett 2026-17",
    )
    manager_actor = actor_for(manager, agreement)
    attach(manager_actor, case, "Samtycke undertecknat av vårdnadshavare.pdf")
    # Another person of the agreement, with free texts, a guardian, a consent and a read of their own.
    other = make_person(agreement, first_name=SENTINEL["first"], last_name=SENTINEL["last"])
    other.guardians = [{"name": SENTINEL["guardian"], "phone": "070-000 00 01"}]
    other.save()
    other_case = make_case(
        agreement,
        proposed_by=manager,
        person=other,
        social_assessment=SENTINEL_TEXTS[0],
        police_assessment=SENTINEL_TEXTS[1],
    )
    disclosures.record_consent(
        actor=actor_for(manager, agreement),
        case=other_case,
        given_by=Consent.GivenBy.GUARDIAN,
        giver_name=SENTINEL_TEXTS[2],
        given_on=f.today(),
        scope=["social_assessment"],
    )
    attach(manager_actor, other_case, SENTINEL_FILE)
    client = verified_client(Client(), manager)
    # Reads to be listed: the person's case page by the manager and by the police; the case list names both.
    assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 200
    verified_client(Client(), police).get(reverse("casework:case_detail", args=[case.pk]))
    client.get(reverse("casework:case_list"))
    client.get(reverse("casework:case_detail", args=[other_case.pk]))
    return agreement.pk, manager.pk, person.pk, case.pk, other.pk, client.cookies


def test_the_extract_holds_everything_stored_about_the_person_and_who_read_it(demo_world):
    agreement, manager, person, case, other, client = demo_world
    cases = Case.objects.filter(person=person)
    # The demo person is a real test: their cases hold interventions, follow-ups and disclosures.
    for model in (Intervention, FollowUp, FieldContact, Consent, Disclosure):
        assert model.objects.filter(case__in=cases).exists(), model.__name__
    assert case.police_assessment  # the police's own words, which the extract shows as written
    read_before = accesses(person)
    assert {entry.username for entry in read_before} >= {"chef", "polis"}

    response = client.get(reverse("casework:register_extract", args=[case.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="registerutdrag-{case.number}.pdf"'
    text = text_of(response)
    missing = [expected for expected in expected_texts(person) if expected not in text]
    assert not missing, f"not in the extract: {missing}"
    for entry in read_before:
        assert f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}" in text and f"({entry.username})" in text


def test_the_extract_holds_nothing_of_another_person(demo_world):
    agreement, manager, person, case, other, client = demo_world
    text = text_of(client.get(reverse("casework:register_extract", args=[case.pk])))
    own = {folded(person.full_name), *(folded(g["name"]) for g in person.guardians)}
    foreign = [SENTINEL["first"], SENTINEL["guardian"], SENTINEL_FILE, *SENTINEL_TEXTS, other.personal_number_display]
    for someone in Person.objects.exclude(pk=person.pk):
        foreign.append(someone.personal_number_display)
        if folded(someone.full_name) not in own:  # a namesake of the person or a guardian is not a leak
            foreign.append(someone.full_name)
    foreign += list(Case.objects.exclude(person=person).values_list("number", flat=True))
    leaked = [value for value in foreign if folded(value) in text]
    assert not leaked, f"of another person in the extract: {leaked}"


def test_the_extract_spans_the_managers_agreements_and_only_those(demo_world):
    agreement, manager, person, case, other, client = demo_world
    managed = AgreementFactory(name="Överenskommelse Grannkommun")
    access_services.grant_role(user=manager, agreement=managed, role=Role.SOCIAL_MANAGER)
    elsewhere = AgreementFactory(name="Överenskommelse Fjärran")
    for each, reason in ((managed, "Skäl i grannkommunen"), (elsewhere, "Skäl i fjärran")):
        twin = Person.objects.create(
            agreement=each,
            personal_number=person.personal_number,
            personal_number_index=person.personal_number_index,
            first_name=person.first_name,
            last_name=person.last_name,
            name_index=person.name_index,
            birth_year=person.birth_year,
        )
        make_case(each, proposed_by=manager, person=twin, records_reference=reason)
    before = AccessLogEntry.objects.count()

    text = text_of(client.get(reverse("casework:register_extract", args=[case.pk])))

    assert "Överenskommelse Grannkommun" in text and "Skäl i grannkommunen" in text
    assert "Fjärran" not in text and "Skäl i fjärran" not in text
    # One read, marked as an export, in the log of each agreement the extract covers.
    # (in the order the agreements started, which depends on the demo's year: compared without order)
    reads = {entry.agreement_id: entry for entry in AccessLogEntry.objects.order_by("seq")[before:]}
    assert AccessLogEntry.objects.count() == before + 2
    assert sorted(reads) == sorted([agreement.pk, managed.pk])
    assert all((entry.export, entry.page) == (True, "casework:register_extract") for entry in reads.values())
    own = reads[agreement.pk]
    assert str(person.pk) in own.person_ids
    assert set(own.case_ids) == {str(pk) for pk in Case.objects.filter(person=person).values_list("pk", flat=True)}


def test_only_the_social_manager_makes_the_extract(demo_world):
    agreement, manager, person, case, other, client = demo_world
    url = reverse("casework:register_extract", args=[case.pk])
    for username in ("polis", "granskare", "ledning"):
        response = verified_client(Client(), User.objects.get(username=username)).get(url)
        assert response.status_code in (403, 404), username


def test_the_extract_is_a_pdf(demo_world, monkeypatch):
    agreement, manager, person, case, other, client = demo_world
    monkeypatch.undo()  # WeasyPrint itself this time

    response = client.get(reverse("casework:register_extract", args=[case.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
