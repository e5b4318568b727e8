"""One policy (accesscontrol.policies): for every case or meeting action, every role and every state a case
or minutes can be in, in a running agreement and in one that has ended, the page offers the action exactly
when the service allows it, and both agree with the policy; the navigation shows a page exactly when the
policy allows its action.
And no role is compared anywhere outside the policy and the visibility matrix."""

import ast
import datetime
import pathlib
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accesscontrol import policies
from accesscontrol.grants import services as grant_services
from accesscontrol.policies import RULES, Action, CaseSubject, MeetingSubject
from accesscontrol.visibility import ATTACHABLE, writable_classes
from casework import personal_numbers
from casework.models import CaseAttachment, CloseReason, FieldContact
from casework.selectors.cases import case_facts, case_subject
from casework.selectors.meetings import meeting_subject
from casework.services import attachments, fieldwork, follow_ups, interventions
from casework.services import cases as case_services
from casework.services import meetings as meeting_services
from casework.services import persons as person_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 15)
ROLES = ("manager", "caseworker", "other_caseworker", "field_worker", "police", "management", "sysadmin", "auditor")
CASE_ACTIONS = [action for action, rule in RULES.items() if rule.on is CaseSubject]


class _Undo(Exception):
    """Raised inside a savepoint so an allowed service call leaves nothing behind."""


def _attach_class(actor, case) -> str:
    writable = writable_classes(actor.roles, case_facts(actor=actor, case=case))
    return next((str(c) for c in ATTACHABLE if c in writable), "social_assessment")


# Each case action's service, called with input that is valid in every respect but who and when.
SERVICE_CALLS = {
    Action.IDENTIFY_CASE: None,  # needs a meeting: tests/casework/test_identify_case.py
    Action.DISMISS_PROPOSAL: None,  # idem
    Action.CHANGE_CATEGORY: lambda actor, case, people: case_services.change_category(
        actor=actor, case=case, category="lifestyle", changed_on=DAY, note="Ny bedömning."
    ),
    Action.CLOSE_CASE: lambda actor, case, people: case_services.close_case(
        actor=actor, case=case, reason=CloseReason.values[0], closed_on=DAY, note="Avslutas."
    ),
    Action.REOPEN_CASE: lambda actor, case, people: case_services.reopen_case(
        actor=actor, case=case, reopened_on=DAY, note="Ny oro."
    ),
    Action.REASSIGN_CASE: lambda actor, case, people: case_services.reassign_case(
        actor=actor, case=case, unit=people.open_care, reassigned_on=DAY
    ),
    Action.SET_LEGAL_HOLD: lambda actor, case, people: case_services.set_legal_hold(
        actor=actor, case=case, on=True, reason="Klagomål pågår."
    ),
    Action.GRANT_CASE_ACCESS: lambda actor, case, people: grant_services.grant_case_access(
        actor=actor, case=case, user=people.other_caseworker, reason="Vikarie.", ends_on=DAY + datetime.timedelta(30)
    ),
    Action.ASSESS_SOCIAL: lambda actor, case, people: case_services.record_social_assessment(
        actor=actor,
        case=case,
        assessment="Bedömning.",
        realistic_alternative="hvb",
        records_reference="Dnr 1",
        assessed_on=DAY,
    ),
    Action.ASSESS_POLICE: lambda actor, case, people: case_services.record_police_assessment(
        actor=actor, case=case, assessment="Polisens bild.", priority=False, assessed_on=DAY
    ),
    Action.OFFER_INTERVENTION: lambda actor, case, people: interventions.offer_intervention(
        actor=actor, case=case, intervention_type=f.intervention_type(people.agreement), offered_on=DAY
    ),
    Action.ANSWER_INTERVENTION: None,  # needs an offered intervention: tests/casework/test_offer_intervention.py
    Action.WRITE_FOLLOW_UP: lambda actor, case, people: follow_ups.write_follow_up(
        actor=actor,
        case=case,
        written_on=DAY,
        youth_view="Bättre.",
        social_view="Färre skolkdagar.",
        outcome="improved",
    ),
    Action.RECORD_CONTACT: lambda actor, case, people: fieldwork.record_field_contact(
        actor=actor, kind=FieldContact.Kind.values[0], occurred_on=DAY, case=case
    ),
    Action.FOLLOW_UP_CONCERN_TALK: None,  # needs an orossamtal: tests/casework/test_field_work.py
    Action.CHANGE_PERSON_DETAILS: lambda actor, case, people: person_services.change_person_details(
        actor=actor, case=case, contact={"phone": "070-123 45 67"}, guardians=[]
    ),
    Action.REPLACE_COORDINATION_NUMBER: lambda actor, case, people: person_services.replace_coordination_number(
        actor=actor,
        case=case,
        personal_number=personal_numbers.make(personal_numbers.parse(case.person.personal_number).birth_date, 999),
    ),
    Action.ATTACH_DOCUMENT: lambda actor, case, people: attachments.add_attachment(
        actor=actor,
        case=case,
        kind=CaseAttachment.Kind.values[0],
        field_class=_attach_class(actor, case),
        upload=SimpleUploadedFile("beslut.pdf", b"%PDF-1.4\n% Beslut\n%%EOF\n"),
    ),
}

# Where the case page offers each action (the link's address); None: offered elsewhere.
PAGE_LINKS = {
    Action.CHANGE_CATEGORY: "casework:change_category",
    Action.CLOSE_CASE: "casework:close_case",
    Action.REOPEN_CASE: "casework:reopen_case",
    Action.REASSIGN_CASE: "casework:reassign",
    Action.SET_LEGAL_HOLD: "casework:legal_hold",
    Action.GRANT_CASE_ACCESS: "casework:access_grant",
    Action.ASSESS_SOCIAL: "casework:social_assessment",
    Action.ASSESS_POLICE: "casework:police_assessment",
    Action.OFFER_INTERVENTION: "casework:offer_intervention",
    Action.WRITE_FOLLOW_UP: "casework:follow_up",
    Action.ATTACH_DOCUMENT: "casework:add_attachment",
    Action.CHANGE_PERSON_DETAILS: "casework:person_details",
    Action.REPLACE_COORDINATION_NUMBER: "casework:replace_coordination_number",
}


def test_every_case_action_has_a_service_check_or_names_where_it_is_tested():
    assert set(SERVICE_CALLS) == set(CASE_ACTIONS)


def _case_in(people, state: str):
    """A svansen case of the investigation unit and its caseworker, raised four months before DAY (its
    follow-up window open), in `state`; the proposal's youth has a samordningsnummer, the others a
    personnummer."""
    if state == "proposed":
        # Its youth has a samordningsnummer, so the replacement by a personnummer is allowed on this one.
        proposed_on = DAY - datetime.timedelta(days=3)
        number = f.personal_number(on=proposed_on, coordination=True)
        return f.propose(people, by=people.manager, proposed_on=proposed_on, number=number)
    case = f.identified(people, raised_on=DAY - datetime.timedelta(days=122), caseworker=people.caseworker)
    if state == "closed":
        case = case_services.close_case(
            actor=f.actor(people.manager, people.agreement), case=case, reason=CloseReason.values[0], closed_on=DAY
        )
    return case


def _end_agreement(people) -> None:
    """The agreement's last day was the day before DAY: it reads as ended (its cases and minutes were made
    while it ran)."""
    people.agreement.ends_on = DAY - datetime.timedelta(days=1)
    people.agreement.save()


def _service_allows(call, actor, record, people) -> bool:
    try:
        with transaction.atomic():
            call(actor, record, people)
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, ValidationError):
        return False


def _disagreements(login, people, *, role, record, page_name, actions, links, calls, subject_of) -> list[str]:
    """Where the page (`page_name` of `record`, as `role` sees it) or the service disagrees with the policy
    about one of `actions`: the page's link (`links`) against `may`, the service call (`calls`) against it."""
    user = getattr(people, role)
    actor = f.actor(user, people.agreement)
    response = login(user).get(reverse(page_name, args=[record.pk]))
    page = response.content.decode() if response.status_code == 200 else ""
    mismatches = []
    for action in actions:
        record.refresh_from_db()
        expected = response.status_code == 200 and policies.may(actor, action, subject_of(actor, record))
        if link := links.get(action):
            offered = f'"{reverse(link, args=[record.pk])}"' in page  # the whole address, in its attribute
            if offered != expected:
                mismatches.append(f"{action}: page offers {offered}, policy says {expected}")
        if call := calls[action]:
            allowed = _service_allows(call, actor, record, people)
            if allowed != expected:
                mismatches.append(f"{action}: service allows {allowed}, policy says {expected}")
    return mismatches


@pytest.mark.parametrize("agreement_is", ["running", "ended"])
@pytest.mark.parametrize("state", ["proposed", "active", "closed"])
@pytest.mark.parametrize("role", ROLES)
def test_the_page_offers_a_case_action_exactly_when_the_service_allows_it(people, login, role, state, agreement_is):
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        case = _case_in(people, state)
        if agreement_is == "ended":
            _end_agreement(people)
        mismatches = _disagreements(
            login,
            people,
            role=role,
            record=case,
            page_name="casework:case_detail",
            actions=CASE_ACTIONS,
            links=PAGE_LINKS,
            calls=SERVICE_CALLS,
            subject_of=lambda actor, case: case_subject(actor=actor, case=case),
        )
        assert not mismatches, f"{role} on a {state} case, agreement {agreement_is}:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("agreement_is", ["running", "ended"])
@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_a_page_exactly_when_the_policy_allows_its_action(people, login, role, agreement_is):
    from accesscontrol.navigation import NAVIGATION

    if agreement_is == "ended":
        people.agreement.ends_on = f.today() - datetime.timedelta(days=1)
        people.agreement.save()
    user = getattr(people, role)
    actor = f.actor(user, people.agreement)
    page = login(user).get(reverse("accesscontrol:start")).content.decode()
    for item in NAVIGATION:
        expected = any(policies.may(actor, action) for action in item.actions)
        assert (f'href="{reverse(item.url_name)}"' in page) == expected, (role, item.url_name)


# --- No role compared outside the policy ----------------------------------------------------------------

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("accesscontrol", "casework", "audit", "reports", "config")
# The policy and the matrix decide by role; the actor answers which roles it holds.
ALLOWED = {
    "accesscontrol/policies.py",
    "accesscontrol/visibility.py",
    "accesscontrol/actor.py",
}


def _role_tests(tree) -> list[int]:
    """Where a role is tested: `x.has(...)`, or a comparison with a `Role.X` member or the actor's roles."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "has":
            lines.append(node.lineno)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            names = [ast.unparse(operand) for operand in operands]
            if any(re.fullmatch(r"Role\.[A-Z_]+|(.*\.)?actor\.roles", name) for name in names):
                lines.append(node.lineno)
    return lines


def test_no_role_is_compared_outside_the_policy_and_the_matrix():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED or "/migrations/" in relative:
                continue
            for line in _role_tests(ast.parse(path.read_text())):
                found.append(f"{relative}:{line}")
    assert not found, "role compared outside accesscontrol/policies.py:\n" + "\n".join(found)


# --- Meetings ---------------------------------------------------------------------------------------------

MEETING_ACTIONS = [action for action, rule in RULES.items() if rule.on is MeetingSubject]

MEETING_SERVICE_CALLS = {
    Action.EDIT_MINUTES: lambda actor, meeting, people: meeting_services.add_participant(
        actor=actor, meeting=meeting, name="Rektor Testsson", organisation="Skolan"
    ),
    Action.RECORD_MEETING: lambda actor, meeting, people: meeting_services.record_reasoning(
        actor=actor, meeting=meeting, reasoning="Fokus på skolorna.", location="Stadshuset"
    ),
    Action.APPROVE_MINUTES: lambda actor, meeting, people: meeting_services.approve_minutes(
        actor=actor, meeting=meeting
    ),
    Action.WITHDRAW_APPROVAL: lambda actor, meeting, people: meeting_services.withdraw_approval(
        actor=actor, meeting=meeting
    ),
    Action.ADD_ADDENDUM: lambda actor, meeting, people: meeting_services.add_addendum(
        actor=actor, meeting=meeting, text="Rättelse av datum."
    ),
    # Both are offered beside an entry of the page (an open decision of an earlier meeting, a proposal on
    # the agenda); their services are the decision's and the case's: tests/casework/test_minutes.py and
    # the case actions above.
    Action.MARK_DECISIONS_DONE: None,
    Action.ASSESS_POLICE_AT_MEETING: None,
    Action.RESCHEDULE_MEETING: lambda actor, meeting, people: meeting_services.reschedule_meeting(
        actor=actor, meeting=meeting, held_on=DAY + datetime.timedelta(days=21), reason="Lokalen är upptagen."
    ),
    Action.CANCEL_MEETING: lambda actor, meeting, people: meeting_services.cancel_meeting(
        actor=actor, meeting=meeting, reason="Ordföranden är sjuk."
    ),
}

MEETING_PAGE_LINKS = {
    Action.EDIT_MINUTES: "casework:meeting_participants",
    Action.RECORD_MEETING: "casework:meeting_reasoning",
    Action.APPROVE_MINUTES: "casework:approve_minutes",
    Action.WITHDRAW_APPROVAL: "casework:withdraw_approval",
    Action.ADD_ADDENDUM: "casework:add_addendum",
    Action.RESCHEDULE_MEETING: "casework:reschedule_meeting",
    Action.CANCEL_MEETING: "casework:cancel_meeting",
}


def test_every_meeting_action_has_a_service_check_or_names_where_it_is_tested():
    assert set(MEETING_SERVICE_CALLS) == set(MEETING_ACTIONS)


def _meeting_in(people, state: str):
    """A meeting held on DAY with the police taking part and its reasoning written; the chair has approved
    it ("being approved"), or both have ("locked"). A "planned" meeting is two weeks ahead with the police
    taking part and nothing recorded; a "cancelled" one is that meeting called off."""
    manager = f.actor(people.manager, people.agreement)
    if state in ("planned", "cancelled"):
        meeting = f.meeting(people, held_on=DAY + datetime.timedelta(days=14))
        meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
        if state == "cancelled":
            meeting_services.cancel_meeting(actor=manager, meeting=meeting, reason="Krockar med lovet.")
        return meeting
    meeting = f.meeting(people, held_on=DAY)
    meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
    meeting_services.record_reasoning(actor=manager, meeting=meeting, reasoning="Läget i centrum.", location="")
    if state in ("being approved", "locked"):
        meeting_services.approve_minutes(actor=manager, meeting=meeting)
    if state == "locked":
        meeting_services.approve_minutes(actor=f.actor(people.police, people.agreement), meeting=meeting)
    return meeting


@pytest.mark.parametrize("agreement_is", ["running", "ended"])
@pytest.mark.parametrize("state", ["planned", "cancelled", "draft", "being approved", "locked"])
@pytest.mark.parametrize("role", ROLES)
def test_the_meeting_page_offers_an_action_exactly_when_the_service_allows_it(people, login, role, state, agreement_is):
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        meeting = _meeting_in(people, state)
        if agreement_is == "ended":
            _end_agreement(people)
        mismatches = _disagreements(
            login,
            people,
            role=role,
            record=meeting,
            page_name="casework:meeting_detail",
            actions=MEETING_ACTIONS,
            links=MEETING_PAGE_LINKS,
            calls=MEETING_SERVICE_CALLS,
            subject_of=lambda actor, meeting: meeting_subject(actor=actor, meeting=meeting),
        )
        assert not mismatches, f"{role} on minutes {state}, agreement {agreement_is}:\n" + "\n".join(mismatches)
