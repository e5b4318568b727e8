"""Reminders, derived from the database each time the job runs, so a lost message loses nothing.

Each reminder is a Notification with a unique key (kind, object, user): a re-run, or a run repeated after
a worker was killed, creates nothing twice. In-app reminders are exactly-once; the e-mail that follows
carries only counts and a link (no personal data, not even a case number) and is marked sent in the same
transaction that sends it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accesscontrol.actor import system_changes_for
from accesscontrol.changes import update_logged
from accesscontrol.models import Membership, Role, User
from casework.follow_up import FollowUpState, FollowUpWindow, follow_up_window_expressions
from casework.models import Agreement, Case, CaseStatus, Decision, FollowUp, Meeting, Notification
from casework.periods import PeriodKind, period_containing
from casework.selectors.meetings import police_participants

DAYS_BEFORE_WINDOW = 7
MINUTES_APPROVAL_DAYS = 14
DAYS_LEFT_TO_SCHEDULE = 30


class Kind:
    FOLLOW_UP_OPENS = "follow_up_opens"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    MINUTES_UNAPPROVED = "minutes_unapproved"
    MEETING_UNSCHEDULED = "meeting_unscheduled"
    DECISION_OVERDUE = "decision_overdue"
    # Not reminders but notices of a change, sent through the same notifications (services.meetings).
    MEETING_MOVED = "meeting_moved"
    MEETING_CANCELLED = "meeting_cancelled"


@dataclass(frozen=True)
class Due:
    """One reminder that should exist: for whom, about what, and what it says."""

    kind: str
    object_key: str
    user_id: int
    text: str
    url: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_key}:{self.user_id}"


def _users_with_role(agreement, role) -> list[int]:
    return list(
        Membership.objects.filter(agreement=agreement, role=role, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _caseworkers_of(case) -> list[int]:
    """The caseworker assigned, otherwise the caseworkers of the responsible unit."""
    if case.caseworker_id:
        return [case.caseworker_id]
    if case.unit_id is None:
        return []
    return list(
        User.objects.filter(
            units=case.unit_id,
            is_active=True,
            memberships__agreement=case.agreement_id,
            memberships__role=Role.CASEWORKER,
        ).values_list("pk", flat=True)
    )


def _case_url(case) -> str:
    return reverse("casework:case_detail", args=[case.pk])


def _open_cases_without_follow_up(agreement):
    return (
        Case.objects.filter(agreement=agreement, status=CaseStatus.ACTIVE, raised_on__isnull=False)
        .annotate(has_follow_up=Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
        .filter(has_follow_up=False)
        .only("pk", "number", "raised_on", "unit_id", "caseworker_id", "agreement_id")
    )


def follow_up_reminder_kind(window: FollowUpWindow, today: datetime.date) -> str | None:
    """The follow-up reminder an open case without a follow-up is due on `today`, by the window's forward
    dates (casework.follow_up): FOLLOW_UP_OPENS from DAYS_BEFORE_WINDOW days before opens_on up to the day
    before it (the page still says not due); FOLLOW_UP_OVERDUE from the day after closes_on, the first day
    the page says overdue. None otherwise."""
    state = window.state_on(today)
    if state == FollowUpState.OVERDUE:
        return Kind.FOLLOW_UP_OVERDUE
    if state == FollowUpState.NOT_DUE and today >= window.opens_on - datetime.timedelta(days=DAYS_BEFORE_WINDOW):
        return Kind.FOLLOW_UP_OPENS
    return None


def follow_up_reminder_cases(agreement, today: datetime.date):
    """The open cases without a follow-up that a follow-up reminder is due for on `today`, annotated with
    their window (follow_up_window_expressions): the SQL side of follow_up_reminder_kind, comparing today
    with the window's forward dates (never today moved back by months)."""
    return (
        _open_cases_without_follow_up(agreement)
        .annotate(**follow_up_window_expressions(agreement))
        .filter(
            Q(follow_up_opens_on__gt=today, follow_up_opens_on__lte=today + datetime.timedelta(days=DAYS_BEFORE_WINDOW))
            | Q(follow_up_closes_on__lt=today)
        )
    )


def follow_up_reminders_due(agreement, today: datetime.date) -> list[tuple[Case, FollowUpWindow, str]]:
    """(case, its window, the reminder kind) for each case a follow-up reminder is due for on `today`."""
    due = []
    for case in follow_up_reminder_cases(agreement, today):
        window = FollowUpWindow(opens_on=case.follow_up_opens_on, closes_on=case.follow_up_closes_on)
        kind = follow_up_reminder_kind(window, today)
        if kind is not None:
            due.append((case, window, kind))
    return due


def follow_up_reminders(agreement, today: datetime.date) -> list[Due]:
    """Window opens within a week (the caseworkers); window closed without a follow-up (caseworkers and
    social managers). The window is the agreement's, as in casework.follow_up."""
    managers = _users_with_role(agreement, Role.SOCIAL_MANAGER)
    due = []
    for case, window, kind in follow_up_reminders_due(agreement, today):
        if kind == Kind.FOLLOW_UP_OVERDUE:
            text = _("Uppföljningen av ärende %(number)s är försenad.") % {"number": case.number}
            for user_id in sorted(set(_caseworkers_of(case)) | set(managers)):
                due.append(Due(Kind.FOLLOW_UP_OVERDUE, str(case.pk), user_id, text, _case_url(case)))
        else:
            text = _("Uppföljningsfönstret för ärende %(number)s öppnar %(date)s.") % {
                "number": case.number,
                "date": window.opens_on.isoformat(),
            }
            for user_id in _caseworkers_of(case):
                due.append(Due(Kind.FOLLOW_UP_OPENS, str(case.pk), user_id, text, _case_url(case)))
    return due


def _police_still_to_approve(meeting) -> set[int]:
    """The police participants, while the agreement needs a police approval and none has been given (a
    meeting with nothing recorded is not held yet, and there is nothing they could approve)."""
    if not (meeting.held and meeting.agreement.minutes_need_police_approval):
        return set()
    if meeting.approvals.filter(as_police=True).exists():
        return set()
    return set(police_participants(meeting).filter(user__is_active=True).values_list("user_id", flat=True))


def meeting_reminders(agreement, today: datetime.date) -> list[Due]:
    """Minutes not approved 14 days after the meeting day, whatever has been recorded (chair, social
    managers, and the police participants while a police approval is needed and missing); the quarter's
    meeting not scheduled when 30 days of the quarter remain (social managers)."""
    managers = _users_with_role(agreement, Role.SOCIAL_MANAGER)
    due = []
    stale = Meeting.objects.filter(
        agreement=agreement,
        minutes_status=Meeting.MinutesStatus.DRAFT,
        cancelled_at__isnull=True,
        held_on__lte=today - datetime.timedelta(days=MINUTES_APPROVAL_DAYS),
    ).select_related("agreement")
    for meeting in stale:
        text = _("Protokollet från samverkansmötet %(date)s är inte justerat.") % {"date": meeting.held_on.isoformat()}
        url = reverse("casework:meeting_detail", args=[meeting.pk])
        for user_id in sorted(set(managers) | {meeting.chair_id} | _police_still_to_approve(meeting)):
            due.append(Due(Kind.MINUTES_UNAPPROVED, str(meeting.pk), user_id, text, url))
    quarter = period_containing(today, PeriodKind.QUARTER)
    scheduled = Meeting.objects.filter(
        agreement=agreement, held_on__gte=quarter.starts_on, held_on__lte=quarter.ends_on, cancelled_at__isnull=True
    ).exists()
    if not scheduled and (quarter.ends_on - today).days <= DAYS_LEFT_TO_SCHEDULE:
        text = _("Inget samverkansmöte är inplanerat under %(quarter)s.") % {"quarter": quarter.label}
        url = reverse("casework:meeting_list")
        for user_id in managers:
            due.append(Due(Kind.MEETING_UNSCHEDULED, f"{agreement.pk}:{quarter.code}", user_id, text, url))
    return due


def decision_reminders(agreement, today: datetime.date) -> list[Due]:
    """A decision past its due date and not done (the responsible user, else the meeting's chair)."""
    due = []
    overdue = Decision.objects.filter(
        meeting__agreement=agreement, due_on__lt=today, done_on__isnull=True
    ).select_related("meeting")
    for decision in overdue:
        text = _("Ett beslut från samverkansmötet %(date)s skulle vara klart %(due)s.") % {
            "date": decision.meeting.held_on.isoformat(),
            "due": decision.due_on.isoformat(),
        }
        url = reverse("casework:meeting_detail", args=[decision.meeting_id])
        user_id = decision.responsible_id or decision.meeting.chair_id
        due.append(Due(Kind.DECISION_OVERDUE, str(decision.pk), user_id, text, url))
    return due


def due_reminders(agreement, today: datetime.date) -> list[Due]:
    """Every reminder of the agreement that should exist today."""
    return (
        follow_up_reminders(agreement, today)
        + meeting_reminders(agreement, today)
        + decision_reminders(agreement, today)
    )


def create_notifications(due: list[Due]) -> int:
    """Create the notifications not created before. Each in its own transaction, so a crash in the
    middle keeps what was done and a re-run adds only the rest."""
    existing = set(Notification.objects.filter(key__in=[d.key for d in due]).values_list("key", flat=True))
    wants_email = set(
        User.objects.filter(pk__in={d.user_id for d in due}, reminder_channel=User.ReminderChannel.EMAIL)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    created = 0
    for item in due:
        if item.key in existing:
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=item.user_id,
                    key=item.key,
                    kind=item.kind,
                    text=item.text[:300],
                    url=item.url,
                    email_wanted=item.user_id in wants_email,
                )
        except IntegrityError:
            continue  # created meanwhile by a concurrent run
        created += 1
    return created


def email_summary(kinds: Counter) -> str:
    """The e-mail body: counts per kind and a link. No case numbers, no names."""
    lines = [_("Du har nya påminnelser i Samsyn:"), ""]
    labels = {
        Kind.FOLLOW_UP_OPENS: lambda n: ngettext(
            "%(n)s uppföljning som snart ska göras", "%(n)s uppföljningar som snart ska göras", n
        ),
        Kind.FOLLOW_UP_OVERDUE: lambda n: ngettext("%(n)s försenad uppföljning", "%(n)s försenade uppföljningar", n),
        Kind.MINUTES_UNAPPROVED: lambda n: ngettext("%(n)s protokoll att justera", "%(n)s protokoll att justera", n),
        Kind.MEETING_UNSCHEDULED: lambda n: ngettext(
            "%(n)s samverkansmöte att planera", "%(n)s samverkansmöten att planera", n
        ),
        Kind.DECISION_OVERDUE: lambda n: ngettext("%(n)s försenat beslut", "%(n)s försenade beslut", n),
        Kind.MEETING_MOVED: lambda n: ngettext("%(n)s flyttat samverkansmöte", "%(n)s flyttade samverkansmöten", n),
        Kind.MEETING_CANCELLED: lambda n: ngettext(
            "%(n)s inställt samverkansmöte", "%(n)s inställda samverkansmöten", n
        ),
    }
    for kind, count in sorted(kinds.items()):
        lines.append("– " + labels[kind](count) % {"n": count})
    lines += ["", _("Logga in för att se dem: %(url)s") % {"url": settings.SAMSYN_BASE_URL + reverse("reminders:list")}]
    return "\n".join(lines)


def send_pending_emails() -> int:
    """One e-mail per user for their reminders not yet e-mailed; marked sent in the same transaction,
    so a failed send is retried by the next run. At least once, by choice: a worker killed between the
    relay's acceptance and the commit sends that summary again, rather than risk a reminder never sent."""
    sent = 0
    user_ids = (
        Notification.objects.filter(email_wanted=True, emailed_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=list(user_ids)):
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update().filter(user=user, email_wanted=True, emailed_at__isnull=True)
            )
            if not pending:
                continue
            with override(settings.LANGUAGE_CODE):
                body = email_summary(Counter(n.kind for n in pending))
                subject = _("Påminnelser från Samsyn")
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            update_logged(Notification.objects.filter(pk__in=[n.pk for n in pending]), emailed_at=timezone.now())
            sent += 1
    return sent


def run_reminders(today: datetime.date | None = None) -> dict:
    """The reminder job: create what is due, then e-mail those who want e-mail."""
    today = today or timezone.localdate()
    created = 0
    with override(settings.LANGUAGE_CODE):
        for agreement in Agreement.objects.all():
            with system_changes_for(agreement.pk):
                created += create_notifications(due_reminders(agreement, today))
    return {"created": created, "emailed": send_pending_emails()}


def forget_reminders_about_case(case_id) -> int:
    """When a case is purged, its reminders go too: they name its number and link to it."""
    deleted, _ = Notification.objects.filter(key__contains=f":{case_id}:").delete()
    return deleted
