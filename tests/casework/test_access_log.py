"""Every casework page that shows personal data writes an access-log entry naming the cases it shows
(internal ids only), in the same request."""

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import FieldContact
from casework.services import cases as case_services
from casework.services import fieldwork, interventions
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people):
    meeting = f.meeting(people)
    case = f.identified(people, category="svansen", raised_on=f.months_ago(4), at=meeting)
    manager = f.actor(people.manager, people.agreement)
    intervention = interventions.offer_intervention(
        actor=manager, case=case, intervention_type=f.intervention_type(people.agreement), offered_on=f.today()
    )
    talk = fieldwork.record_field_contact(
        actor=f.actor(people.field_worker, people.agreement),
        kind=FieldContact.Kind.CONCERN_TALK,
        case=case,
        occurred_on=f.today(),
    )
    closed = f.identified(people, category="lifestyle", at=meeting)
    case_services.close_case(actor=manager, case=closed, reason="moved", closed_on=f.today())
    proposal = f.propose(people)
    return {
        "case": case,
        "closed": closed,
        "proposal": proposal,
        "meeting": meeting,
        "intervention": intervention,
        "talk": talk,
    }


# page name, who, url arguments, the case the entry must name
PAGES = [
    ("casework:case_detail", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:police_assessment", "police", lambda w: [w["case"].pk], "case"),
    ("casework:social_assessment", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:change_category", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:close_case", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:reopen_case", "manager", lambda w: [w["closed"].pk], "closed"),
    ("casework:legal_hold", "manager", lambda w: [w["closed"].pk], "closed"),
    ("casework:reassign", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:person_details", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:offer_intervention", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:intervention_response", "manager", lambda w: [w["case"].pk, w["intervention"].pk], "case"),
    ("casework:follow_up", "manager", lambda w: [w["case"].pk], "case"),
    ("casework:identify", "manager", lambda w: [w["meeting"].pk, w["proposal"].pk], "proposal"),
    ("casework:concern_follow_up", "field_worker", lambda w: [w["talk"].pk], "case"),
    ("casework:add_decision", "manager", lambda w: [w["meeting"].pk], "case"),
    ("casework:meeting_detail", "manager", lambda w: [w["meeting"].pk], "case"),
    ("casework:minutes_pdf", "manager", lambda w: [w["meeting"].pk], "case"),
    ("casework:case_list", "manager", lambda w: [], "case"),
    ("casework:field_home", "field_worker", lambda w: [], "case"),
    ("casework:new_contact", "field_worker", lambda w: [], "case"),
]


@pytest.mark.parametrize("name, who, args, shown", PAGES, ids=[page[0] for page in PAGES])
def test_the_page_logs_the_cases_it_shows(people, login, world, name, who, args, shown):
    response = login(getattr(people, who)).get(reverse(name, args=args(world)))
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(page=name)
    assert entry.outcome == AccessLogEntry.Outcome.SHOWN
    assert str(world[shown].pk) in entry.case_ids
    assert entry.username == getattr(people, who).username
    assert entry.export is (name == "casework:minutes_pdf")
