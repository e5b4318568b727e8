"""Issue 16: a 2 MB "Skäl för förslaget" and a 2 MB follow-up were saved. Now each is refused with the
field's name and its limit, in the form, in the service and by the model field on save, and nothing is
saved; the error summary names each field and links to it."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from casework.models import Case, FollowUp, Person
from casework.services import cases as case_services
from casework.services import follow_ups
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

TWO_MB = "x" * (2 * 1024 * 1024)
REASON_REFUSED = "”Skäl för förslaget” får vara högst 10\u00a0000 tecken (nu 2\u00a0097\u00a0152)."


def _summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# --- The service --------------------------------------------------------------------------------------------


def test_the_service_refuses_a_2_mb_reason_naming_the_field_and_saves_nothing(people):
    with pytest.raises(ValidationError) as refusal:
        case_services.propose_case(
            actor=f.actor(people.police, people.agreement),
            personal_number=f.personal_number(),
            category="svansen",
            reason=TWO_MB,
            proposed_on=f.today(),
            person_details=f.details(),
        )
    assert refusal.value.message_dict == {"reason": [REASON_REFUSED]}
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_the_service_refuses_a_2_mb_follow_up_naming_the_field_and_saves_nothing(people):
    case = f.identified(people, raised_on=f.months_ago(4), caseworker=people.caseworker)
    with pytest.raises(ValidationError) as refusal:
        follow_ups.write_follow_up(
            actor=f.actor(people.caseworker, people.agreement),
            case=case,
            written_on=f.today(),
            youth_view="Trivs bättre.",
            social_view="Färre skolkdagar.",
            hindered=TWO_MB,
            outcome="improved",
        )
    assert list(refusal.value.message_dict) == ["hindered"]
    assert refusal.value.message_dict["hindered"][0].startswith("”Vad har hindrat” får vara högst 4\u00a0000 tecken")
    assert not FollowUp.objects.exists()
    assert not case.events.filter(kind="follow_up").exists()


def test_the_service_accepts_a_text_at_its_limit(people):
    case = f.propose(people)
    assert (
        case_services.record_police_assessment(
            actor=f.actor(people.police, people.agreement), case=case, assessment="x" * 10_000, priority=False
        ).police_assessment
        == "x" * 10_000
    )


def test_the_model_field_refuses_a_save_that_passes_no_service_and_the_row_keeps_its_text(people):
    """The backstop: a save outside any service (a shell, a script, a new caller) is held too."""
    case = f.identified(people, raised_on=f.months_ago(1))
    case.proposal_reason = TWO_MB
    # Like a database's refusal, it ends the transaction it happens in: a service's own rolls back.
    with pytest.raises(ValidationError) as refusal, transaction.atomic():
        case.save()
    assert refusal.value.message_dict == {"proposal_reason": [REASON_REFUSED]}
    assert Case.objects.get(pk=case.pk).proposal_reason != TWO_MB


# --- The pages ----------------------------------------------------------------------------------------------


def _propose_post(number, **extra):
    return {
        "step": "details",
        "personal_number": number,
        "first_name": "Exempla",
        "last_name": "Påhittsson",
        "gender": "girl",
        "category": "lifestyle",
        "reason": "Misstänkt för rån i december.",
        "proposed_on": f.today().isoformat(),
        **extra,
    }


def test_the_propose_page_refuses_a_2_mb_reason_on_the_field_and_in_the_summary(people, login):
    response = login(people.police).post(reverse("casework:propose"), _propose_post(f.personal_number(), reason=TWO_MB))
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert "Det finns ett problem" in summary
    assert f'<a href="#id_reason">{REASON_REFUSED}</a>' in summary  # named once, not "Skäl för förslaget: ”Skäl…"
    assert 'id="reason-error"' in html  # and beside the field
    assert 'maxlength="10000"' in html
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_the_follow_up_page_refuses_a_2_mb_view_and_saves_nothing(people, login):
    case = f.identified(people, raised_on=f.months_ago(4), caseworker=people.caseworker)
    data = {"written_on": f.today().isoformat(), "youth_view": TWO_MB, "social_view": "Bättre.", "outcome": "unchanged"}
    response = login(people.caseworker).post(reverse("casework:follow_up", args=[case.pk]), data)
    assert response.status_code == 200
    summary = _summary(response.content.decode())
    assert (
        '<a href="#id_youth_view">”Ungdomens egen bild (och föräldrarnas)” får vara högst 4\u00a0000 tecken' in summary
    )
    assert not FollowUp.objects.exists()


def test_required_field_errors_in_the_summary_name_each_field_and_link_to_it(people, login):
    """The issue: five times "Det här fältet är obligatoriskt." without naming the fields."""
    case = f.identified(people, raised_on=f.months_ago(4), caseworker=people.caseworker)
    # Nothing filled in (a POST with no field at all would show the empty form: casework.views.forms).
    response = login(people.caseworker).post(reverse("casework:follow_up", args=[case.pk]), {"helped": ""})
    summary = _summary(response.content.decode())
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    entries = re.findall(r'<li><a href="(#[^"]+)">([^<]+)</a></li>', summary)
    assert entries == [
        ("#id_written_on", "Datum för uppföljningen: Det här fältet är obligatoriskt."),
        ("#id_youth_view", "Ungdomens egen bild (och föräldrarnas): Det här fältet är obligatoriskt."),
        ("#id_social_view", "Socialtjänstens bild: Det här fältet är obligatoriskt."),
        ("#id_outcome_0", "Utfall: Det här fältet är obligatoriskt."),
    ]


def test_a_text_saved_before_the_limits_does_not_block_other_changes_to_its_row(people, monkeypatch):
    """Only a text being written is checked: a case whose old reason is over the limit can still be
    identified, closed, reassigned."""
    field = Case._meta.get_field("proposal_reason")
    monkeypatch.setattr(field, "max_length", None)
    case = f.propose(people, reason="x" * 20_000)
    monkeypatch.undo()
    assert field.max_length == 10_000
    case = Case.objects.get(pk=case.pk)
    assert len(case.proposal_reason) == 20_000  # read, and so opened
    case.police_priority = True
    case.save()
    assert Case.objects.get(pk=case.pk).police_priority is True
