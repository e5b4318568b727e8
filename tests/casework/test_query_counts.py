"""Every page of casework that lists rows costs the same number of queries for 3 rows as for 25 (issue 16,
issue 20 point 5): the case page's timeline and panels, the meeting page, the imports, the disclosures,
the field home's orossamtal awaiting follow-up and hot-spot visits. The case list, the meeting list, the
reminders and the field contacts' paging: tests/casework/test_case_list_paging.py and test_list_paging.py."""

import datetime
import hashlib
import itertools

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accesscontrol.actor import actor_for
from accesscontrol.models import CaseAccessGrant, Role, Unit
from audit import access
from casework import personal_numbers
from casework.models import (
    CaseAttachment,
    CaseEvent,
    CaseImport,
    Correction,
    Decision,
    FieldContact,
    FollowUp,
    HotSpot,
    HotSpotVisit,
    Intervention,
    InterventionType,
    MeetingItem,
    MeetingParticipant,
    Tariff,
)
from casework.services import imports as import_services
from tests.accesscontrol.factories import make_case, make_consent, make_disclosure
from tests.accesscontrol.test_url_matrix import client_for
from tests.factories import user_with_roles
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 25
_serial = itertools.count()


def _grown(add):
    """`add(n)` adds n rows of each kind the page lists: FEW before the first count, MANY - FEW by grow()."""
    add(FEW)
    return lambda: add(MANY - FEW)


def _event(case, by, kind, **data):
    return CaseEvent.objects.create(case=case, kind=kind, occurred_on=datetime.date(2026, 1, 10), by=by, data=data)


def _staff(world, n, role=Role.CASEWORKER, units=()):
    people = world.people
    return [user_with_roles(people.agreement, role, username=f"qc-{next(_serial)}", units=units) for _ in range(n)]


def _log_reads(world, case, users):
    """Each user read the case page (the access log behind "Vem har tagit del")."""
    for user in users:
        request = RequestFactory().get(reverse("casework:case_detail", args=[case.pk]))
        request.user, request.session = user, Client().session
        request.actor = actor_for(user, world.people.agreement)
        access.log_read(request, page="casework:case_detail", cases=[case], persons=[case.person])


def case_rows(world, case):
    """Every kind of row the case page lists of `case`, n of each."""
    people = world.people
    manager = people.manager
    intervention_type = world.intervention.intervention_type

    def add(n):
        caseworkers = _staff(world, n, units=[people.investigation])
        for i, caseworker in enumerate(caseworkers):
            # A responsibility change to another caseworker, then back to the unit alone.
            _event(case, manager, CaseEvent.Kind.ASSIGNED, unit=people.open_care.pk, caseworker=caseworker.pk,
                   from_unit=people.investigation.pk, from_caseworker=None)  # fmt: skip
            _event(case, manager, CaseEvent.Kind.ASSIGNED, unit=people.investigation.pk, caseworker=None,
                   from_unit=people.open_care.pk, from_caseworker=caseworker.pk)  # fmt: skip
            intervention = Intervention.objects.create(
                case=case, intervention_type=intervention_type, offered_on=world.today, recorded_by=manager
            )
            _event(case, manager, CaseEvent.Kind.INTERVENTION_OFFERED, type="mst", response="pending",
                   intervention=str(intervention.pk))  # fmt: skip
            follow_up = FollowUp.objects.create(case=case, written_on=world.today, youth_view="-", social_view="-",
                                                outcome=FollowUp.Outcome.IMPROVED, author=caseworker)  # fmt: skip
            event = _event(case, manager, CaseEvent.Kind.FOLLOW_UP, outcome="improved")
            Correction.objects.create(case=case, event=event, kind=Correction.Kind.FOLLOW_UP, record_id=follow_up.pk,
                                      previous_on=world.today, previous={"youth_view": f"Förr {i}"},
                                      reason="Fel uppgift", by=caseworker)  # fmt: skip
            CaseAttachment.objects.create(
                case=case, kind=world.attachment.kind, field_class="social_assessment", file_name=f"bilaga-{i}.pdf",
                content_type="application/pdf", size=1, key_id=world.attachment.key_id,
                sealed_content=world.attachment.sealed_content, uploaded_by=caseworker,
            )  # fmt: skip
            CaseAccessGrant.objects.create(
                case=case, user=caseworker, reason="Vikariat", starts_on=world.today,
                ends_on=world.today + datetime.timedelta(days=30), granted_by=manager,
            )  # fmt: skip
            consent = make_consent(case, recorded_by=manager)
            make_disclosure(case, decided_by=manager, consent=consent)
            _event(case, manager, CaseEvent.Kind.DISCLOSURE, field_classes=["social_assessment"])
        _log_reads(world, case, caseworkers)

    return add


@pytest.mark.parametrize("visitor", ["social_manager", "caseworker", "police"])
def test_the_case_page_does_not_grow_with_its_timeline_and_panels(world, visitor):
    """Responsibility changes, interventions, follow-ups and their corrections, attachments, temporary access
    grants, consents, disclosures and who has read the case (issue 20: the timeline's N+1). "Vem har tagit
    del" asked for 100 rows: past its first 20 it counts the rest once (a link to more), whatever their number."""
    case = world.case
    url = reverse("casework:case_detail", args=[case.pk])
    grow = _grown(case_rows(world, case))
    response = assert_constant_queries(client_for(world, visitor), url, grow, data={"atkomster": "100"})
    if visitor == "social_manager":
        shown = response.context["page"]
        assert sum(e.kind == CaseEvent.Kind.ASSIGNED for e in shown.events) >= 2 * MANY
        assert len(shown.follow_ups) >= MANY and len(shown.attachments) >= MANY


def test_the_case_page_does_not_grow_with_the_field_contacts(world):
    case = world.svansen_case
    people = world.people
    url = reverse("casework:case_detail", args=[case.pk])

    def add(n):
        for i in range(n):
            contact = FieldContact.objects.create(
                agreement=people.agreement, kind=FieldContact.Kind.CONCERN_TALK, case=case,
                occurred_on=world.today, recorded_by=people.field_worker, note=f"Anteckning {i}",
            )  # fmt: skip
            _event(case, people.field_worker, CaseEvent.Kind.FIELD_CONTACT, contact_kind="concern_talk",
                   contact=str(contact.pk))  # fmt: skip

    response = assert_constant_queries(client_for(world, "social_manager"), url, _grown(add))
    assert len(response.context["page"].field_contacts) >= MANY


def test_the_disclosures_page_does_not_grow_with_consents_and_disclosures(world):
    case, manager = world.case, world.people.manager

    def add(n):
        for _ in range(n):
            make_disclosure(case, decided_by=manager, consent=make_consent(case, recorded_by=manager))

    url = reverse("disclosures:index", args=[case.pk])
    for visitor in ("social_manager", "police"):
        assert_constant_queries(client_for(world, visitor), url, _grown(add))


def test_the_register_extract_does_not_grow_with_the_case_s_rows(world):
    """The GDPR art. 15 extract of the case's person: their cases, the timeline and who has read them."""
    url = reverse("casework:register_extract", args=[world.case.pk])
    assert_constant_queries(client_for(world, "social_manager"), url, _grown(case_rows(world, world.case)))


MEETING_PAGES = [
    ("meeting", "casework:meeting_detail", "social_manager"),
    ("meeting", "casework:meeting_detail", "caseworker"),
    ("meeting", "casework:meeting_invitation", "social_manager"),
    ("approved_meeting", "casework:meeting_detail", "social_manager"),
    ("approved_meeting", "casework:meeting_detail", "police"),
    ("approved_meeting", "casework:meeting_detail", "field_worker"),
    ("approved_meeting", "casework:minutes_pdf", "social_manager"),
    ("approved_meeting", "casework:minutes_pdf", "police"),
]


@pytest.mark.parametrize(("meeting", "url_name", "visitor"), MEETING_PAGES)
def test_the_meeting_page_does_not_grow_with_items_participants_and_decisions(world, meeting, url_name, visitor):
    meeting = getattr(world, meeting)
    people = world.people

    def add(n):
        for user in _staff(world, n, role=Role.POLICE, units=[people.youth_police]):
            case = make_case(people.agreement, proposed_by=people.police, raised_on=world.earlier, status="active")
            MeetingItem.objects.create(meeting=meeting, case=case, kind=MeetingItem.Kind.REVIEW)
            # A proposal of the social services: the police may not identify the youth until a decision.
            proposal = make_case(people.agreement, proposed_by=people.manager, category="svansen")
            MeetingItem.objects.create(meeting=meeting, case=proposal, kind=MeetingItem.Kind.PROPOSAL)
            MeetingParticipant.objects.create(meeting=meeting, user=user)
            MeetingParticipant.objects.create(
                meeting=meeting, name="Extern", organisation="Skolan", role_title="Rektor"
            )
            Decision.objects.create(meeting=meeting, case=case, what="Kalla till möte", responsible=user)
            # An open decision of the earlier meeting: on today's page for those who read every minutes.
            Decision.objects.create(meeting=world.approved_meeting, what="Ring skolan", responsible=user)

    url = reverse(url_name, args=[meeting.pk])
    response = assert_constant_queries(client_for(world, visitor), url, _grown(add))
    if url_name == "casework:meeting_detail":
        page = response.context["page"]
        assert len(page.proposals) >= MANY and len(page.follow_ups) >= MANY and len(page.decisions) >= MANY


def test_the_participants_page_does_not_grow_with_the_participants(world):
    meeting, people = world.meeting, world.people

    def add(n):
        for user in _staff(world, n, role=Role.POLICE, units=[people.youth_police]):
            MeetingParticipant.objects.create(meeting=meeting, user=user)

    url = reverse("casework:meeting_participants", args=[meeting.pk])
    assert_constant_queries(client_for(world, "social_manager"), url, _grown(add))


def test_the_imports_page_does_not_grow_with_the_imports(world):
    people = world.people

    def add(n):
        for i in range(n):
            CaseImport.objects.create(agreement=people.agreement, uploaded_by=people.manager, file_size=10 + i,
                                      file_sha256=hashlib.sha256(str(i).encode()).hexdigest())  # fmt: skip

    assert_constant_queries(client_for(world, "social_manager"), reverse("casework:imports"), _grown(add))


def test_the_field_home_does_not_grow_with_orossamtal_awaiting_follow_up_and_visits(world):
    people, case = world.people, world.svansen_case

    def add(n):
        for _ in range(n):
            FieldContact.objects.create(agreement=people.agreement, kind=FieldContact.Kind.CONCERN_TALK, case=case,
                                        occurred_on=world.today, recorded_by=people.field_worker)  # fmt: skip
            HotSpotVisit.objects.create(
                hot_spot=world.hot_spot, visited_on=world.today, recorded_by=people.field_worker
            )

    for visitor in ("field_worker", "social_manager"):
        response = assert_constant_queries(client_for(world, visitor), reverse("casework:field_home"), _grown(add))
        assert len(response.context["overview"].awaiting_follow_up) >= MANY


def test_the_target_board_does_not_grow_with_the_cases(world):
    people = world.people

    def add(n):
        for _ in range(n):
            make_case(people.agreement, proposed_by=people.manager, raised_on=world.today, category="svansen",
                      status="active", unit=people.open_care)  # fmt: skip

    assert_constant_queries(client_for(world, "social_manager"), reverse("casework:target_board"), _grown(add))


@pytest.mark.parametrize("url_name", ["casework:new_contact", "casework:new_visit"])
def test_the_field_forms_do_not_grow_with_the_cases_and_places_to_choose(world, url_name):
    people = world.people

    def add(n):
        for _ in range(n):
            make_case(people.agreement, proposed_by=people.police, category="svansen", status="active",
                      unit=people.open_care, raised_on=world.earlier)  # fmt: skip
            HotSpot.objects.create(agreement=people.agreement, name=f"Plats {next(_serial)}",
                                   kind=HotSpot.Kind.SCHOOL, area=world.area)  # fmt: skip

    response = assert_constant_queries(client_for(world, "field_worker"), reverse(url_name), _grown(add))
    assert response.content.decode().count("<option") >= MANY


def test_an_import_s_preview_does_not_grow_with_the_rows_of_its_file(world):
    """Each row of the file: a new youth, or one with a case already (the preview looks both up)."""
    people = world.people
    manager = actor_for(people.manager, people.agreement)
    shown = {}

    def upload(n):
        lines = ["Personnummer;Förnamn;Efternamn;Kategori;Aktualiserad;Enhet"]
        for i in (next(_serial) for _ in range(n)):
            known = make_case(people.agreement, proposed_by=people.manager).person.personal_number
            new = personal_numbers.make(datetime.date(2010, 1, 1) + datetime.timedelta(days=i), 980 + i % 20)
            for number in (known, new):
                lines.append(f"{number};Importa;Radsson;Svansen;{world.earlier.isoformat()};Utredning ungdom")
        shown["import"] = import_services.upload_import(actor=manager, content="\n".join(lines).encode())

    upload(FEW)
    url = lambda: reverse("casework:import_detail", args=[shown["import"].pk])  # noqa: E731
    response = assert_constant_queries(client_for(world, "social_manager"), url, lambda: upload(MANY))
    assert len(response.context["plan"].results) == 2 * MANY


@pytest.mark.parametrize("visitor", ["social_manager", "caseworker", "police", "field_worker"])
def test_the_start_page_does_not_grow_with_proposals_follow_ups_and_orossamtal(world, visitor):
    """The social manager's proposals and overdue follow-ups, the caseworker's follow-ups due and overdue,
    the police's own proposals, the field worker's orossamtal awaiting follow-up."""
    people = world.people
    long_ago = world.today - datetime.timedelta(days=400)

    def add(n):
        for _ in range(n):
            for proposer in (people.manager, people.police):
                make_case(people.agreement, proposed_by=proposer)
            for raised_on in (long_ago, world.today - datetime.timedelta(days=183)):
                make_case(people.agreement, proposed_by=people.manager, status="active", raised_on=raised_on,
                          unit=people.investigation)  # fmt: skip
            FieldContact.objects.create(agreement=people.agreement, kind=FieldContact.Kind.CONCERN_TALK,
                                        case=world.svansen_case, occurred_on=world.today,
                                        recorded_by=people.field_worker)  # fmt: skip

    response = assert_constant_queries(client_for(world, visitor), reverse("accesscontrol:start"), _grown(add))
    assert response.status_code == 200


@pytest.mark.parametrize("visitor", ["field_worker", "outsider"])
def test_the_case_list_does_not_grow_for_the_field_worker_and_another_agreement(world, visitor):
    """The case list of the social manager, caseworker and police: tests/casework/test_case_list_paging.py."""
    people = world.people
    outsider_agreement = world.outsider.memberships.first().agreement

    def add(n):
        for _ in range(n):
            make_case(people.agreement, proposed_by=people.police, category="svansen", status="active",
                      unit=people.open_care, raised_on=world.earlier)  # fmt: skip
            make_case(outsider_agreement, proposed_by=world.outsider, category="svansen", status="active",
                      raised_on=world.earlier)  # fmt: skip

    response = assert_constant_queries(client_for(world, visitor), reverse("casework:case_list"), _grown(add))
    assert len(response.context["rows"]) >= MANY


FORM_PAGES = [
    ("casework:reassign", "case", "social_manager"),
    ("casework:access_grant", "case", "social_manager"),
    ("casework:offer_intervention", "case", "social_manager"),
    ("casework:add_decision", "meeting", "social_manager"),
    ("casework:identify", ("meeting", "proposal"), "social_manager"),
    ("casework:schedule_meeting", None, "social_manager"),
    ("disclosures:disclose", "case", "social_manager"),
    ("disclosures:record_consent", "case", "social_manager"),
    ("casework:propose", None, "police"),
]


@pytest.mark.parametrize(("url_name", "record", "visitor"), FORM_PAGES)
def test_a_form_does_not_grow_with_the_staff_cases_and_interventions_to_choose(world, url_name, record, visitor):
    """The choices of a form: the caseworkers and units (reassigning, temporary access, a decision's
    responsible), the catalogue (an intervention), the cases of a meeting's agenda, the case's consents (a
    disclosure)."""
    people = world.people

    def add(n):
        for user in _staff(world, n, units=[people.open_care]):
            kind = InterventionType.objects.create(
                agreement=people.agreement, code=f"qc-{next(_serial)}", name="Insats"
            )
            Tariff.objects.create(intervention_type=kind, year=world.today.year, municipal_cost=1, societal_cost=2,
                                  source="SKR")  # fmt: skip
            case = make_case(people.agreement, proposed_by=people.manager, category="svansen", caseworker=user)
            MeetingItem.objects.create(meeting=world.meeting, case=case, kind=MeetingItem.Kind.REVIEW)
            Unit.objects.create(organisation=people.agreement.social_services, name=f"Enhet {next(_serial)}")
            make_consent(world.case, recorded_by=people.manager)

    records = (record,) if isinstance(record, str) else record or ()
    args = [getattr(world, name).pk for name in records]
    assert_constant_queries(client_for(world, visitor), reverse(url_name, args=args), _grown(add))
