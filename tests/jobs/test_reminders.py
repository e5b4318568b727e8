"""Reminders: what is due, sent once, e-mail without personal data, the user's choice of channel."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accesscontrol.models import Role, User
from casework import reminders
from casework.models import Decision, Notification
from casework.services import meetings as meeting_services
from casework.services.cases import close_case
from casework.services.follow_ups import write_follow_up
from tests.casework import factories
from tests.factories import user_with_roles

pytestmark = pytest.mark.django_db


def keys_for(user, prefix="follow_up"):
    """The kinds of the user's reminders (by default the follow-up ones: identifying a case in a meeting
    whose minutes are not approved also, rightly, reminds about the minutes)."""
    return set(Notification.objects.filter(user=user, kind__startswith=prefix).values_list("kind", flat=True))


# A day in the middle of a quarter, for the tests that count every reminder of a day: in the last 30 days
# of a quarter without a planned meeting, the managers are rightly reminded of that too.
MID_QUARTER = datetime.datetime(2026, 11, 4, 12, tzinfo=datetime.UTC)


def follow_up_notes():
    return Notification.objects.filter(kind__startswith="follow_up")


def test_it_reminds_the_caseworker_a_week_before_the_window_opens(people):
    today = timezone.localdate()
    case = factories.identified(
        people, raised_on=factories.months_ago(3) + datetime.timedelta(days=5), caseworker=people.caseworker
    )
    reminders.run_reminders(today)
    note = Notification.objects.get(user=people.caseworker, kind=reminders.Kind.FOLLOW_UP_OPENS)
    assert case.number in note.text and note.url.endswith(f"/arenden/{case.pk}/")
    assert not Notification.objects.filter(user=people.manager, kind=reminders.Kind.FOLLOW_UP_OPENS).exists()


def test_it_does_not_remind_before_the_week_or_after_the_window_opened(people):
    factories.identified(
        people, raised_on=factories.months_ago(3) + datetime.timedelta(days=20), caseworker=people.caseworker
    )
    factories.identified(people, raised_on=factories.months_ago(3, days=1), caseworker=people.caseworker)
    reminders.run_reminders(timezone.localdate())
    assert not follow_up_notes().exists()


def test_an_overdue_follow_up_reminds_the_caseworkers_of_the_unit_and_the_managers(people):
    factories.identified(people, raised_on=factories.months_ago(6, days=3))
    reminders.run_reminders(timezone.localdate())
    assert keys_for(people.caseworker) == {reminders.Kind.FOLLOW_UP_OVERDUE}
    assert keys_for(people.manager) == {reminders.Kind.FOLLOW_UP_OVERDUE}
    assert keys_for(people.other_caseworker) == set()
    assert keys_for(people.police) == set()


def test_a_written_follow_up_stops_the_reminders(people):
    case = factories.identified(people, raised_on=factories.months_ago(6, days=3), caseworker=people.caseworker)
    write_follow_up(
        actor=factories.actor(people.caseworker, people.agreement),
        case=case,
        written_on=timezone.localdate(),
        youth_view="a",
        social_view="b",
        outcome="unknown",
    )
    reminders.run_reminders(timezone.localdate())
    assert not follow_up_notes().exists()


def test_a_closed_case_gets_no_follow_up_reminder(people):
    manager = factories.actor(people.manager, people.agreement)
    opening_soon = factories.identified(
        people, raised_on=factories.months_ago(3) + datetime.timedelta(days=5), caseworker=people.caseworker
    )
    overdue = factories.identified(people, raised_on=factories.months_ago(6, days=3), caseworker=people.caseworker)
    for case in (opening_soon, overdue):
        close_case(actor=manager, case=case, reason="moved", closed_on=timezone.localdate())
    reminders.run_reminders(timezone.localdate())
    assert not follow_up_notes().exists()


def test_unapproved_minutes_two_weeks_after_the_meeting_remind_the_chair(people):
    meeting = factories.meeting(people, held_on=timezone.localdate() - datetime.timedelta(days=15))
    meeting.held = True
    meeting.save()
    reminders.run_reminders(timezone.localdate())
    assert keys_for(people.manager, prefix="") == {reminders.Kind.MINUTES_UNAPPROVED}


def _meeting_two_weeks_ago(people, *, police_attended=True):
    meeting = factories.meeting(people, held_on=timezone.localdate() - datetime.timedelta(days=15))
    manager = factories.actor(people.manager, people.agreement)
    if police_attended:
        meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
    meeting_services.record_reasoning(actor=manager, meeting=meeting, reasoning="Skolorna.", location="")
    return meeting


def test_minutes_with_nothing_recorded_two_weeks_after_the_meeting_still_remind(people):
    factories.meeting(people, held_on=timezone.localdate() - datetime.timedelta(days=15))
    reminders.run_reminders(timezone.localdate())
    assert keys_for(people.manager, prefix="") == {reminders.Kind.MINUTES_UNAPPROVED}


def test_minutes_remind_the_police_participants_while_their_approval_is_missing(people):
    outsider_police = user_with_roles(people.agreement, Role.POLICE, username="polis-ej-deltagare")
    meeting = _meeting_two_weeks_ago(people)
    meeting_services.approve_minutes(actor=factories.actor(people.manager, people.agreement), meeting=meeting)
    reminders.run_reminders(timezone.localdate())
    note = Notification.objects.get(user=people.police)
    assert note.kind == reminders.Kind.MINUTES_UNAPPROVED and note.url.endswith(f"/moten/{meeting.pk}/")
    assert keys_for(people.manager, prefix="") == {reminders.Kind.MINUTES_UNAPPROVED}
    assert keys_for(outsider_police, prefix="") == set()


def test_the_police_are_not_reminded_once_they_have_approved(people):
    meeting = _meeting_two_weeks_ago(people)
    meeting_services.approve_minutes(actor=factories.actor(people.police, people.agreement), meeting=meeting)
    reminders.run_reminders(timezone.localdate())
    assert keys_for(people.police, prefix="") == set()
    assert keys_for(people.manager, prefix="") == {reminders.Kind.MINUTES_UNAPPROVED}


def test_the_police_are_not_reminded_when_the_agreement_needs_no_police_approval(people):
    people.agreement.minutes_need_police_approval = False
    people.agreement.save()
    _meeting_two_weeks_ago(people)
    reminders.run_reminders(timezone.localdate())
    assert keys_for(people.police, prefix="") == set()


def test_approved_minutes_and_recent_meetings_remind_nobody(people):
    factories.approve(people, _meeting_two_weeks_ago(people, police_attended=False))
    factories.meeting(people, held_on=timezone.localdate() - datetime.timedelta(days=13))
    reminders.run_reminders(timezone.localdate())
    assert not Notification.objects.filter(kind=reminders.Kind.MINUTES_UNAPPROVED).exists()


def test_an_unscheduled_quarterly_meeting_reminds_the_managers_late_in_the_quarter(people):
    reminders.run_reminders(datetime.date(2026, 12, 10))
    note = Notification.objects.get(user=people.manager)
    assert note.kind == reminders.Kind.MEETING_UNSCHEDULED and "kvartal 4 2026" in note.text
    Notification.objects.all().delete()
    reminders.run_reminders(datetime.date(2026, 10, 15))
    assert not Notification.objects.exists()


def test_a_decision_past_its_due_date_reminds_the_responsible(people):
    meeting = factories.meeting(people, held_on=timezone.localdate() - datetime.timedelta(days=3))
    Decision.objects.create(
        meeting=meeting,
        what="Kontakta skolan",
        responsible=people.caseworker,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    reminders.run_reminders(timezone.localdate())
    assert keys_for(people.caseworker, prefix="") == {reminders.Kind.DECISION_OVERDUE}


@time_machine.travel(MID_QUARTER)
def test_each_reminder_is_sent_once(people):
    factories.identified(people, raised_on=factories.months_ago(6, days=3))
    first = reminders.run_reminders(timezone.localdate())
    second = reminders.run_reminders(timezone.localdate())
    assert first["created"] == 3  # overdue follow-up: caseworker and manager; the meeting's minutes: manager
    assert second == {"created": 0, "emailed": 0}
    assert Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.caseworker.email, people.manager.email])


def test_the_e_mail_holds_counts_and_a_link_never_personal_data(people):
    case = factories.identified(people, raised_on=factories.months_ago(6, days=3))
    reminders.run_reminders(timezone.localdate())
    message = next(m for m in mail.outbox if m.to == [people.caseworker.email])
    assert "1 försenad uppföljning" in message.body and "/paminnelser/" in message.body
    for secret in (case.number, case.person.first_name, case.person.last_name, case.person.personal_number):
        assert secret not in message.body and secret not in message.subject


def test_a_user_who_chose_in_app_gets_no_e_mail(people, login):
    client = login(people.caseworker)
    response = client.post("/paminnelser/val/", {"reminder_channel": "in_app"})
    assert response.status_code == 302
    assert User.objects.get(pk=people.caseworker.pk).reminder_channel == "in_app"
    factories.identified(people, raised_on=factories.months_ago(6, days=3), caseworker=people.caseworker)
    reminders.run_reminders(timezone.localdate())
    assert [m.to for m in mail.outbox] == [[people.manager.email]]
    assert Notification.objects.filter(user=people.caseworker).exists()


def test_the_reminder_page_lists_the_user_s_own_and_marks_them_read(people, login):
    factories.identified(people, raised_on=factories.months_ago(6, days=3), caseworker=people.caseworker)
    reminders.run_reminders(timezone.localdate())
    client = login(people.caseworker)
    page = client.get("/paminnelser/")
    assert page.status_code == 200 and "är försenad" in page.content.decode()
    client.post("/paminnelser/last/")
    assert not Notification.objects.filter(user=people.caseworker, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=people.manager, read_at__isnull=True).exists()


def test_a_bad_channel_is_refused_with_a_message(people, login):
    response = login(people.caseworker).post("/paminnelser/val/", {"reminder_channel": "sms"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert User.objects.get(pk=people.caseworker.pk).reminder_channel == "email"


@time_machine.travel(MID_QUARTER)
def test_the_task_runs_the_job(people):
    from casework.tasks import send_reminders

    factories.identified(people, raised_on=factories.months_ago(6, days=3))
    assert send_reminders.delay().get() == {"created": 3, "emailed": 2}
