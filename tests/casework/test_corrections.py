"""Corrections without losing history (casework.services.corrections): a saved follow-up, assessment or
field contact is corrected by its author or the social manager, within the rules, with a reason; the
earlier version stays readable on the timeline, marked as corrected; counts read the current version once.
And event dates apart from recording: what happened is dated when it happened (issue 16, points 2 and 4)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.models import CaseEvent, Correction, FieldContact, FollowUp
from casework.selectors.cases import case_page, record_subject
from casework.selectors.targets import FollowUpCount, follow_up_cases
from casework.services import cases as case_services
from casework.services import corrections, fieldwork, follow_ups, interventions
from config import text_limits
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

TEXTS = {
    "youth_view": "Trivs på fritidsgården.",
    "social_view": "Färre skolkdagar.",
    "police_view": "",
    "partners_view": "",
    "helped": "",
    "hindered": "",
    "collaboration": "",
}


@pytest.fixture
def case(people):
    return f.identified(people, raised_on=f.months_ago(4), caseworker=people.caseworker)


@pytest.fixture
def follow_up(people, case):
    return follow_ups.write_follow_up(
        actor=f.actor(people.caseworker, people.agreement),
        case=case,
        written_on=f.today(),
        youth_view="Trivs på fritidsgården.",
        social_view="Fler skolkdagar.",
        outcome="worsened",
    )


def _correct(people, follow_up, by=None, **changes):
    arguments = {
        **TEXTS,
        "written_on": follow_up.written_on,
        "outcome": "improved",
        "reason": "Fel utfall valdes.",
        **changes,
    }
    return corrections.correct_follow_up(
        actor=f.actor(by or people.caseworker, people.agreement), follow_up=follow_up, **arguments
    )


def _entry(people, case, kind, who=None):
    page = case_page(actor=f.actor(who or people.manager, people.agreement), case=case)
    return next(entry for entry in page.events if entry.kind == kind)


# --- follow-ups ---------------------------------------------------------------------------------------


def test_the_author_corrects_a_follow_up_and_the_earlier_version_stays_readable(people, case, follow_up):
    _correct(people, follow_up, social_view="Färre skolkdagar.")
    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.social_view) == ("improved", "Färre skolkdagar.")
    correction = Correction.objects.get()
    assert correction.previous["outcome"] == "worsened" and correction.previous["social_view"] == "Fler skolkdagar."
    assert correction.by == people.caseworker and correction.reason == "Fel utfall valdes."
    entry = _entry(people, case, CaseEvent.Kind.FOLLOW_UP)
    assert entry.summary == "Förbättrad"  # the current version
    (line,) = entry.corrections
    assert line.reason == "Fel utfall valdes." and line.by == people.caseworker
    assert ("Socialtjänstens bild", "Fler skolkdagar.") in line.previous
    assert ("Utfall", "Försämrad") in line.previous


def test_the_social_manager_corrects_someone_elses_follow_up(people, follow_up):
    _correct(people, follow_up, by=people.manager)
    assert Correction.objects.get().by == people.manager


@pytest.mark.parametrize("who", ["other_caseworker", "police", "field_worker", "management"])
def test_nobody_else_corrects_a_follow_up(people, follow_up, who):
    with pytest.raises(PermissionDenied):
        _correct(people, follow_up, by=getattr(people, who))
    assert not Correction.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.outcome == "worsened"


def test_an_assigned_caseworker_who_did_not_write_it_may_not_correct_it(people, case):
    written = follow_ups.write_follow_up(
        actor=f.actor(people.manager, people.agreement),
        case=case,
        written_on=f.today(),
        outcome="unchanged",
        **{k: v for k, v in TEXTS.items() if k in ("youth_view", "social_view")},
    )
    with pytest.raises(PermissionDenied):
        _correct(people, written)


def test_a_closed_cases_follow_up_is_not_corrected(people, case, follow_up):
    case_services.close_case(
        actor=f.actor(people.manager, people.agreement), case=case, reason="moved", closed_on=f.today()
    )
    with pytest.raises(ValidationError, match="inte längre rättas"):
        _correct(people, follow_up)
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"reason": "x" * (text_limits.NOTE + 1)}, "reason"),
        ({"social_view": ""}, "social_view"),
        ({"outcome": "maybe"}, "outcome"),
        ({"written_on": f.today() + datetime.timedelta(days=1)}, "written_on"),
        ({"written_on": f.months_ago(4)}, "written_on"),  # before the window opens
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(people, follow_up, changes, field):
    with pytest.raises(ValidationError) as refusal:
        _correct(people, follow_up, **changes)
    assert field in refusal.value.message_dict
    follow_up.refresh_from_db()
    assert follow_up.outcome == "worsened" and not Correction.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(people, follow_up):
    with pytest.raises(ValidationError, match="Inget är ändrat"):
        _correct(people, follow_up, outcome="worsened", social_view="Fler skolkdagar.")


def test_a_corrected_follow_up_counts_once_in_the_targets(people, case, follow_up):
    later = f.today() + datetime.timedelta(days=200)  # the window closed: counted in time or not
    _correct(people, follow_up)
    _correct(people, follow_up, outcome="unchanged", reason="Utfallet igen.")
    assert FollowUp.objects.filter(case=case).count() == 1
    rows = follow_up_cases(people.agreement, today=later).filter(pk=case.pk)
    assert rows.count() == 1
    assert rows.get().follow_up_count == FollowUpCount.IN_WINDOW
    assert case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).count() == 1
    assert Correction.objects.count() == 2


def test_a_date_corrected_after_the_window_marks_the_follow_up_late(people):
    case = f.identified(people, raised_on=f.months_ago(7), caseworker=people.caseworker)
    written = follow_ups.write_follow_up(
        actor=f.actor(people.caseworker, people.agreement),
        case=case,
        written_on=f.months_ago(2),
        youth_view="a",
        social_view="b",
        outcome="improved",
    )
    assert not written.late
    _correct(people, written, written_on=f.today(), outcome="improved", youth_view="a", social_view="b")
    written.refresh_from_db()
    assert written.late
    event = case.events.get(kind=CaseEvent.Kind.FOLLOW_UP)
    assert event.occurred_on == f.today() and event.data["late"] is True
    assert Correction.objects.get().previous_on == f.months_ago(2)


def test_the_earlier_version_is_shown_only_to_readers_of_the_field_class(people, case, follow_up):
    _correct(people, follow_up)
    # The police read no social assessment of this case (no disclosure): no follow-up entry at all.
    page = case_page(actor=f.actor(people.police, people.agreement), case=case)
    assert not [e for e in page.events if e.kind == CaseEvent.Kind.FOLLOW_UP]
    assert "Fler skolkdagar" not in str(page.events)


def test_the_earlier_version_is_encrypted_at_rest(people, follow_up):
    from django.db import connection

    _correct(people, follow_up)
    with connection.cursor() as cursor:
        cursor.execute("SELECT previous, reason FROM casework_correction")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert "Fler skolkdagar" not in stored and "Fel utfall" not in stored


# --- assessments ----------------------------------------------------------------------------------------


def _social(people, case, who="manager", **kwargs):
    arguments = {"assessment": "Behöver stöd.", "realistic_alternative": "hvb", "records_reference": "Dnr 1"}
    return case_services.record_social_assessment(
        actor=f.actor(getattr(people, who), people.agreement), case=case, **{**arguments, **kwargs}
    )


def test_an_assessment_made_a_month_ago_is_dated_then_and_recorded_now(people, case):
    month_ago = f.months_ago(1)
    _social(people, case, assessed_on=month_ago)
    event = case.events.get(kind=CaseEvent.Kind.SOCIAL_ASSESSMENT)
    assert event.occurred_on == month_ago
    assert event.recorded_at.date() >= f.today() - datetime.timedelta(days=1)
    entry = _entry(people, case, CaseEvent.Kind.SOCIAL_ASSESSMENT)
    assert entry.occurred_on == month_ago and entry.recorded_later


def test_an_assessment_recorded_after_a_later_one_does_not_replace_it(people, case):
    _social(people, case, assessment="Senaste.", assessed_on=f.today())
    _social(people, case, assessment="Äldre, förd in i efterhand.", assessed_on=f.months_ago(2))
    case.refresh_from_db()
    assert case.social_assessment == "Senaste."
    kinds = [e.note for e in case.events.filter(kind=CaseEvent.Kind.SOCIAL_ASSESSMENT)]
    assert kinds == ["Äldre, förd in i efterhand.", "Senaste."]  # the timeline orders by the day


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda case: f.today() + datetime.timedelta(days=1), "framtiden"),
        (lambda case: case.proposed_on - datetime.timedelta(days=1), "Datum för bedömningen kan inte ligga före"),
        (lambda case: case.agreement.starts_on - datetime.timedelta(days=1), "överenskommelsens period"),
    ],
)
def test_an_assessment_date_outside_the_rules_is_refused(people, case, day, message):
    with pytest.raises(ValidationError) as refusal:
        _social(people, case, assessed_on=day(case))
    assert message in refusal.value.message_dict["assessed_on"][0]
    assert not case.events.filter(kind=CaseEvent.Kind.SOCIAL_ASSESSMENT).exists()


def test_the_social_assessment_is_corrected_and_the_earlier_text_kept(people, case):
    _social(people, case, who="caseworker", assessment="Fel ungdom beskriven.")
    corrections.correct_social_assessment(
        actor=f.actor(people.manager, people.agreement),
        case=case,
        reason="Texten gällde en annan ungdom.",
        assessment="Rätt bedömning.",
        realistic_alternative="sis_open",
        assessed_on=f.today(),
    )
    case.refresh_from_db()
    assert (case.social_assessment, case.realistic_alternative) == ("Rätt bedömning.", "sis_open")
    entry = _entry(people, case, CaseEvent.Kind.SOCIAL_ASSESSMENT)
    assert entry.note == "Rätt bedömning."
    assert ("Bedömning", "Fel ungdom beskriven.") in entry.corrections[0].previous


def test_the_police_assessment_is_corrected_by_its_author_only(people, case):
    police = f.actor(people.police, people.agreement)
    case_services.record_police_assessment(actor=police, case=case, assessment="Gammal.", priority=True)
    arguments = {"case": case, "reason": "Fel prioritet.", "assessment": "Gammal.", "priority": False}
    with pytest.raises(PermissionDenied):  # the social manager reads, but does not write, the police's
        corrections.correct_police_assessment(
            actor=f.actor(people.manager, people.agreement), assessed_on=f.today(), **arguments
        )
    corrections.correct_police_assessment(actor=police, assessed_on=f.today(), **arguments)
    case.refresh_from_db()
    assert case.police_priority is False and case.police_assessment == "Gammal."
    assert Correction.objects.get().previous == {"assessment": "Gammal.", "priority": True}


# --- field contacts -------------------------------------------------------------------------------------


@pytest.fixture
def svansen(people):
    return f.identified(people, category="svansen")


def _contact(people, case, **kwargs):
    return fieldwork.record_field_contact(
        actor=f.actor(people.field_worker, people.agreement),
        kind=FieldContact.Kind.OUTREACH,
        case=case,
        occurred_on=f.today(),
        note="Träffade honom vid stationen.",
        **kwargs,
    )


def test_a_field_contact_is_corrected_by_the_field_worker_who_recorded_it(people, svansen):
    contact = _contact(people, svansen)
    day = svansen.proposed_on
    corrections.correct_field_contact(
        actor=f.actor(people.field_worker, people.agreement),
        contact=contact,
        occurred_on=day,
        note="Träffade honom vid skolan.",
        reason="Fel plats i anteckningen.",
    )
    contact.refresh_from_db()
    assert (contact.occurred_on, contact.note) == (day, "Träffade honom vid skolan.")
    event = svansen.events.get(kind=CaseEvent.Kind.FIELD_CONTACT)
    assert event.occurred_on == day
    with pytest.raises(PermissionDenied):
        corrections.correct_field_contact(
            actor=f.actor(people.manager, people.agreement),
            contact=contact,
            occurred_on=day,
            note="Annat.",
            reason="Chefen rättar.",
        )


def test_a_field_contact_before_the_proposal_is_refused(people, svansen):
    with pytest.raises(ValidationError) as refusal:
        fieldwork.record_field_contact(
            actor=f.actor(people.field_worker, people.agreement),
            kind=FieldContact.Kind.OUTREACH,
            case=svansen,
            occurred_on=svansen.proposed_on - datetime.timedelta(days=1),
        )
    assert "Datum för kontakten" in refusal.value.message_dict["occurred_on"][0]


# --- answers to interventions and decisions done --------------------------------------------------------


def test_the_answer_to_an_intervention_is_dated_when_it_was_given(people, case, login):
    intervention = interventions.offer_intervention(
        actor=f.actor(people.manager, people.agreement),
        case=case,
        intervention_type=f.intervention_type(people.agreement),
        offered_on=f.months_ago(2),
    )
    url = reverse("casework:intervention_response", args=[case.pk, intervention.pk])
    client = login(people.manager)
    assert 'name="answered_on"' in client.get(url).content.decode()
    answered_on = f.months_ago(1)
    response = client.post(url, {"response": "accepted", "answered_on": answered_on.isoformat()})
    assert response.status_code == 302
    assert case.events.get(kind=CaseEvent.Kind.INTERVENTION_ANSWERED).occurred_on == answered_on
    before_offer = (f.months_ago(2) - datetime.timedelta(days=1)).isoformat()
    page = client.post(url, {"response": "declined", "answered_on": before_offer}).content.decode()
    assert "Svaret kan inte ligga före erbjudandet." in page


def test_a_decision_is_marked_done_on_the_day_given(people, login):
    from casework.services import meetings

    manager = f.actor(people.manager, people.agreement)
    first = f.meeting(people, held_on=f.months_ago(3))
    decision = meetings.add_decision(actor=manager, meeting=first, what="Kalla till möte", responsible=people.manager)
    later = f.meeting(people, held_on=f.months_ago(1))
    client = login(people.manager)
    page = client.get(reverse("casework:meeting_detail", args=[later.pk])).content.decode()
    assert f'value="{later.held_on.isoformat()}"' in page  # the meeting's own day is offered
    url = reverse("casework:decision_done", args=[later.pk, decision.pk])
    client.post(url, {"done_on": (f.today() + datetime.timedelta(days=1)).isoformat()})
    decision.refresh_from_db()
    assert decision.done_on is None
    client.post(url, {"done_on": later.held_on.isoformat()})
    decision.refresh_from_db()
    assert decision.done_on == later.held_on


# --- pages ----------------------------------------------------------------------------------------------


def test_the_case_page_offers_a_correction_exactly_when_the_policy_allows_it(people, login, case, follow_up):
    url = reverse("casework:correct_follow_up", args=[case.pk, follow_up.pk])
    for who, offered in (("caseworker", True), ("manager", True), ("other_caseworker", False), ("police", False)):
        user = getattr(people, who)
        actor = f.actor(user, people.agreement)
        subject = record_subject(actor=actor, case=case, author_id=follow_up.author_id)
        assert policies.may(actor, Action.CORRECT_FOLLOW_UP, subject) is offered
        response = login(user).get(reverse("casework:case_detail", args=[case.pk]))
        page = response.content.decode() if response.status_code == 200 else ""
        assert (f'"{url}"' in page) is offered, who


def test_the_correction_page_corrects_and_the_case_page_marks_it(people, login, case, follow_up):
    client = login(people.caseworker)
    url = reverse("casework:correct_follow_up", args=[case.pk, follow_up.pk])
    form = client.get(url).content.decode()
    assert "Fler skolkdagar." in form and 'name="reason"' in form
    data = {**TEXTS, "written_on": follow_up.written_on.isoformat(), "outcome": "improved", "reason": ""}
    refused = client.post(url, data).content.decode()
    assert 'id="reason-error"' in refused and not Correction.objects.exists()
    response = client.post(url, {**data, "reason": "Fel utfall."})
    assert response.status_code == 302
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Rättad" in page and "Fel utfall." in page and "Fler skolkdagar." in page
    assert login(people.other_caseworker).get(url).status_code == 404  # not their case at all


def test_the_correction_page_refuses_others_and_a_closed_case(people, login, case, follow_up):
    url = reverse("casework:correct_follow_up", args=[case.pk, follow_up.pk])
    assert login(people.police).get(url).status_code == 404  # the police read no follow-up of this case
    case_services.close_case(
        actor=f.actor(people.manager, people.agreement), case=case, reason="moved", closed_on=f.today()
    )
    response = login(people.manager).get(url)
    assert response.status_code == 302 and response.url == reverse("casework:case_detail", args=[case.pk])


def test_the_assessment_forms_ask_the_date(people, login, case):
    client = login(people.manager)
    url = reverse("casework:social_assessment", args=[case.pk])
    assert 'name="assessed_on"' in client.get(url).content.decode()
    day = f.months_ago(1)
    data = {"assessment": "Bedömd i efterhand.", "realistic_alternative": "hvb", "assessed_on": day.isoformat()}
    assert client.post(url, data).status_code == 302
    assert case.events.get(kind=CaseEvent.Kind.SOCIAL_ASSESSMENT).occurred_on == day


# --- the policy, the page and the service agree ---------------------------------------------------------


class _Undo(Exception):
    """Raised inside a transaction to roll back what a service call wrote once it has been allowed."""


def _allowed(call) -> bool:
    from django.db import transaction

    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, ValidationError):
        return False


@pytest.mark.parametrize("agreement_is", ["running", "ended"])
@pytest.mark.parametrize("state", ["active", "closed"])
@pytest.mark.parametrize("role", ["manager", "caseworker", "other_caseworker", "field_worker", "police"])
def test_the_page_offers_a_correction_exactly_when_the_service_allows_it(people, login, role, state, agreement_is):
    case = f.identified(people, raised_on=f.months_ago(4), caseworker=people.caseworker)
    caseworker = f.actor(people.caseworker, people.agreement)
    written = follow_ups.write_follow_up(
        actor=caseworker, case=case, written_on=f.today(), youth_view="a", social_view="b", outcome="unchanged"
    )
    _social(people, case, who="caseworker", assessed_on=f.today())
    case_services.record_police_assessment(
        actor=f.actor(people.police, people.agreement), case=case, assessment="P.", priority=False
    )
    if state == "closed":
        case_services.close_case(
            actor=f.actor(people.manager, people.agreement), case=case, reason="moved", closed_on=f.today()
        )
    if agreement_is == "ended":
        people.agreement.ends_on = f.today() - datetime.timedelta(days=1)
        people.agreement.save()
    user = getattr(people, role)
    actor = f.actor(user, people.agreement)
    today = f.today()
    checks = {
        Action.CORRECT_FOLLOW_UP: (
            reverse("casework:correct_follow_up", args=[case.pk, written.pk]),
            written.author_id,
            lambda: _correct(people, written, by=user, youth_view="a", social_view="b"),
        ),
        Action.CORRECT_SOCIAL_ASSESSMENT: (
            reverse("casework:correct_social_assessment", args=[case.pk]),
            people.caseworker.pk,
            lambda: corrections.correct_social_assessment(
                actor=actor, case=case, reason="R.", assessment="Ny.", realistic_alternative="hvb", assessed_on=today
            ),
        ),
        Action.CORRECT_POLICE_ASSESSMENT: (
            reverse("casework:correct_police_assessment", args=[case.pk]),
            people.police.pk,
            lambda: corrections.correct_police_assessment(
                actor=actor, case=case, reason="R.", assessment="Ny.", priority=True, assessed_on=today
            ),
        ),
    }
    response = login(user).get(reverse("casework:case_detail", args=[case.pk]))
    page = response.content.decode() if response.status_code == 200 else ""
    mismatches = []
    for action, (url, author_id, call) in checks.items():
        case.refresh_from_db()
        expected = response.status_code == 200 and policies.may(
            actor, action, record_subject(actor=actor, case=case, author_id=author_id)
        )
        offered = f'"{url}"' in page
        allowed = _allowed(call)
        if not (offered == allowed == expected):
            mismatches.append(f"{action}: page {offered}, service {allowed}, policy {expected}")
    assert not mismatches, f"{role}, {state} case, agreement {agreement_is}:\n" + "\n".join(mismatches)
    if role == "caseworker" and state == "active":  # the author may, whatever the agreement
        assert policies.may(
            actor, Action.CORRECT_FOLLOW_UP, record_subject(actor=actor, case=case, author_id=written.author_id)
        )


def test_the_field_worker_corrects_a_contact_from_the_field_page(people, login, svansen):
    contact = _contact(people, svansen)
    url = reverse("casework:correct_contact", args=[svansen.pk, contact.pk])
    field_worker = login(people.field_worker)
    assert f'"{url}"' in field_worker.get(reverse("casework:field_home")).content.decode()
    assert f'"{url}"' not in login(people.manager).get(reverse("casework:field_home")).content.decode()
    assert login(people.manager).get(url).status_code == 403  # reads the contact, did not record it
    field_worker = login(people.field_worker)
    data = {"occurred_on": f.today().isoformat(), "note": "Vid skolan.", "reason": "Fel plats."}
    assert field_worker.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.note == "Vid skolan." and Correction.objects.get().previous == {
        "note": "Träffade honom vid stationen."
    }
    page = field_worker.get(reverse("casework:case_detail", args=[svansen.pk])).content.decode()
    assert "Rättad" in page and "Träffade honom vid stationen." in page
