"""Persons and cases for access-control tests: single records written straight to the models (encrypted
fields and blind indexes filled as the services fill them), and the whole world of the URL matrix, built
through the services."""

import datetime
import itertools
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from accesscontrol.actor import actor_for
from casework import personal_numbers
from casework.models import (
    Area,
    Case,
    CaseAttachment,
    Category,
    Consent,
    Disclosure,
    FieldContact,
    HotSpot,
    Intervention,
    LegalBasis,
    Person,
    Tariff,
)
from casework.periods import PeriodKind, period_containing
from casework.services import attachments, disclosures, fieldwork, interventions, meetings
from casework.services import cases as case_services
from casework.services import imports as import_services
from encryption import crypto
from reports import services as report_services
from reports.models import ReportJob
from reports.tasks import build_report
from tests.casework import factories as casework_factories

_persons = itertools.count()
_numbers = itertools.count(1)


def make_person(agreement, *, birth_date=None, first_name="Testa", last_name="Testsson"):
    """A person with a valid, unique personnummer (serials 980–999 are Skatteverket's test range)."""
    n = next(_persons)
    birth_date = birth_date or datetime.date(2009, 5, 17) + datetime.timedelta(days=n // 20)
    number = personal_numbers.make(birth_date, 980 + n % 20)
    return Person.objects.create(
        agreement=agreement,
        personal_number=number,
        personal_number_index=crypto.blind_index(number, purpose="personal_number"),
        first_name=first_name,
        last_name=last_name,
        name_index=crypto.blind_index(crypto.normalise_name(f"{first_name} {last_name}"), purpose="name"),
        birth_year=birth_date.year,
    )


def make_case(agreement, *, proposed_by, category=Category.LIFESTYLE, unit=None, caseworker=None, person=None, **extra):
    """A case of `agreement`, seen by the caseworkers of `unit` and by `caseworker`."""
    return Case.objects.create(
        agreement=agreement,
        person=person or make_person(agreement),
        number=f"T-{next(_numbers):05d}",
        category=category,
        proposed_by=proposed_by,
        proposed_by_kind="social_services",
        proposed_on=datetime.date(2026, 1, 10),
        proposal_reason="Skäl för förslaget",
        unit=unit,
        caseworker=caseworker,
        **extra,
    )


def make_consent(case, *, recorded_by, scope=("social_assessment",), given_on=datetime.date(2026, 2, 1), **extra):
    return Consent.objects.create(
        case=case,
        given_by=extra.pop("given_by", Consent.GivenBy.GUARDIAN),
        giver_name=extra.pop("giver_name", "Vårdnadshavare Testsson"),
        given_on=given_on,
        scope=list(scope),
        recorded_by=recorded_by,
        **extra,
    )


def make_disclosure(case, *, decided_by, field_classes=("social_assessment",), basis="under_21", consent=None):
    return Disclosure.objects.create(
        case=case,
        field_classes=list(field_classes),
        legal_basis=LegalBasis.objects.get(code=basis),
        consent=consent,
        assessment="Bedömning av utlämnandet",
        decided_by=decided_by,
        decided_on=datetime.date(2026, 2, 2),
    )


# Free text of one field class each, written into the world's cases: a page may show a visitor each only
# where the visibility matrix (docs/roles-and-visibility.md) lets them read the class
# (tests/accesscontrol/test_url_matrix.py).
SECRETS = {
    "social_assessment": "Socialtjänstens hemliga bedömning",  # disclosed to the police
    "police_assessment": "Polisens hemliga bedömning",
    "interventions": "Hemlig anteckning om insatsen",  # not disclosed
    "field_contacts": "Hemlig anteckning från fältet",  # of an orossamtal
}
SECRET_OF = {
    "social_assessment": "case",
    "police_assessment": "case",
    "interventions": "case",
    "field_contacts": "svansen_case",
}


def build_world(people, outsider):
    """Agreement A's records the URL samples point at (tests/accesscontrol/url_matrix.py), built through
    the services as a quarter's work would leave them:

    - an earlier meeting (`approved_meeting`, the police attended), its minutes approved, that identified
      `case` (lifestyle, unit "Utredning ungdom"; the police's and the social services' assessments, an
      accepted intervention, a consent and a disclosure of the social assessment to the police),
      `closed_case` (lifestyle, same unit, since closed) and `svansen_case` (svansen, unit "Öppna
      insatser": outside the investigation caseworker's unit, inside the field worker's scope; no
      intervention offered; two orossamtal, the first followed up, `contact` awaiting its follow-up);
    - today's meeting (`meeting`, minutes a draft, an external `participant` attending, the police not)
      with `proposal` (svansen, no unit) on its agenda and a `decision` about it. The social manager
      proposed it on `earlier`, with no consent or disclosure, so it is also on the agenda and in the
      approved minutes of `approved_meeting` (not dealt with there): the police, who attended, see it in
      those minutes without identity (OSL 26 kap. 1 §). The other cases are the police's own proposals;
    - the social manager's cost report (`job`, built, with its file) and a `cost_index` of the sysadmin;
    - an `area` and a `hot_spot` in it, as the sysadmin enters them.

    Everything happens in the current quarter (`period`), on `earlier` and today."""
    agreement = people.agreement
    manager = actor_for(people.manager, agreement)
    field_worker = actor_for(people.field_worker, agreement)
    today = casework_factories.today()
    period = period_containing(today, PeriodKind.QUARTER)
    earlier = max(today - datetime.timedelta(days=14), period.starts_on)

    def proposed(category, last_name, on=earlier, by=None):
        person = casework_factories.details(first="Hemlig", last=last_name)
        return casework_factories.propose(people, category=category, proposed_on=on, person=person, by=by)

    case = proposed("lifestyle", "Livsstilsson")
    closed_case = proposed("lifestyle", "Avslutadsson")
    svansen_case = proposed("svansen", "Svansensson")
    proposal = proposed("svansen", "Forslagsson", by=people.manager)
    case_services.record_police_assessment(
        actor=actor_for(people.police, agreement), case=case, assessment=SECRETS["police_assessment"], priority=True
    )
    approved_meeting = meetings.schedule_meeting(actor=manager, held_on=earlier, location="Stadshuset")
    meetings.add_participant(actor=manager, meeting=approved_meeting, user=people.police)
    for identified, unit in (
        (case, people.investigation),
        (closed_case, people.investigation),
        (svansen_case, people.open_care),
    ):
        case_services.identify_case(
            actor=manager,
            case=identified,
            meeting=approved_meeting,
            category=identified.category,
            raised_on=earlier,
            unit=unit,
        )
    meetings.record_reasoning(actor=manager, meeting=approved_meeting, reasoning="Resonemang vid mötet", location="")
    for approver in (manager, actor_for(people.police, agreement)):
        meetings.approve_minutes(actor=approver, meeting=approved_meeting)
    case_services.close_case(actor=manager, case=closed_case, reason="moved", closed_on=today)
    case_services.record_social_assessment(
        actor=manager,
        case=case,
        assessment=SECRETS["social_assessment"],
        realistic_alternative="hvb",
        records_reference="Procapita 2026-117",
    )
    intervention = interventions.offer_intervention(
        actor=manager,
        case=case,
        intervention_type=casework_factories.intervention_type(agreement),
        offered_on=earlier,
        response=Intervention.Response.ACCEPTED,
        starts_on=earlier,
        note=SECRETS["interventions"],
    )
    consent = disclosures.record_consent(
        actor=manager,
        case=case,
        given_by=Consent.GivenBy.GUARDIAN,
        giver_name="Vårdnadshavare Testsson",
        given_on=earlier,
        scope=["social_assessment"],
    )
    disclosure = disclosures.disclose(
        actor=manager,
        case=case,
        field_classes=["social_assessment"],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Bedömning av utlämnandet",
        decided_on=earlier,
    )
    # A signed consent, of the class the disclosure shares: the police read it through the disclosure.
    attachment = attachments.add_attachment(
        actor=manager,
        case=case,
        kind=CaseAttachment.Kind.CONSENT,
        field_class="social_assessment",
        upload=SimpleUploadedFile("samtycke.pdf", b"%PDF-1.4\n% Samtycke\n%%EOF\n"),
    )
    followed_up = fieldwork.record_field_contact(
        actor=field_worker,
        kind=FieldContact.Kind.CONCERN_TALK,
        case=svansen_case,
        occurred_on=earlier,
        note=SECRETS["field_contacts"],
    )
    fieldwork.record_concern_talk_follow_up(
        actor=field_worker,
        contact=followed_up,
        followed_up_on=today,
        youth_reception="positive",
        parents_reception="mixed",
    )
    contact = fieldwork.record_field_contact(
        actor=field_worker, kind=FieldContact.Kind.CONCERN_TALK, case=svansen_case, occurred_on=today
    )
    meeting = meetings.schedule_meeting(actor=manager, held_on=today)
    participant = meetings.add_participant(
        actor=manager, meeting=meeting, name="Extern Deltagare", organisation="Skolan", role_title="Kurator"
    )
    decision = meetings.add_decision(
        actor=manager, meeting=meeting, what="Kalla till nätverksmöte", responsible=people.manager, case=proposal
    )
    job = report_services.request_report(
        actor=manager,
        kind=ReportJob.Kind.COSTS,
        file_format=ReportJob.Format.XLSX,
        first_year=today.year,
        last_year=today.year,
    )
    # The worker's task waits for a commit that a test inside a transaction never reaches, so build it here
    # (the task leaves a job that is already built as it is).
    build_report(str(job.pk))
    job.refresh_from_db()
    cost_index = report_services.set_cost_index(
        actor=actor_for(people.sysadmin, agreement),
        year=today.year,
        value=100,
        name="Omsorgsprisindex",
        source="SKR",
        for_agreement=True,
    )
    # A preview of an import: one youth of the file, not yet in Samsyn.
    case_import = import_services.upload_import(
        actor=manager,
        content=(
            "Personnummer;Förnamn;Efternamn;Kategori;Aktualiserad;Enhet\n"
            f"{personal_numbers.make(today.replace(year=today.year - 16, day=1), 982)};Importa;Världsson;Svansen;"
            f"{today.isoformat()};Utredning ungdom\n"
        ).encode(),
    )
    area = Area.objects.create(agreement=agreement, name="Centrum")
    hot_spot = HotSpot.objects.create(agreement=agreement, name="Stationen", kind=HotSpot.Kind.PUBLIC_PLACE, area=area)
    return SimpleNamespace(
        people=people,
        outsider=outsider,
        today=today,
        earlier=earlier,
        period=period,
        case=case,
        closed_case=closed_case,
        svansen_case=svansen_case,
        proposal=proposal,
        intervention=intervention,
        consent=consent,
        disclosure=disclosure,
        attachment=attachment,
        contact=contact,
        approved_meeting=approved_meeting,
        meeting=meeting,
        participant=participant,
        decision=decision,
        job=job,
        case_import=case_import,
        cost_index=cost_index,
        tariff=Tariff.objects.filter(intervention_type__agreement=agreement).first(),
        legal_basis=LegalBasis.objects.get(code="under_21"),
        area=area,
        hot_spot=hot_spot,
    )


# The first run of tests/accesscontrol/test_setup_samsyn.py and tests/e2e/test_first_run.py: an operator's
# flags for manage.py setup_samsyn, and the first sysadmin's password.
FIRST_RUN_PASSWORD = "Nyby-forvaltning-2026-samsyn"
FIRST_RUN = {
    "social_services": "Socialtjänsten i Nyby",
    "police": "Lokalpolisområde Nyby",
    "agreement": "Samverkan för ökad trygghet – Nyby 2026",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "username": "forvaltare",
    "email": "sara.systemsson@nyby.example.se",
    "first_name": "Sara",
    "last_name": "Systemsson",
}
