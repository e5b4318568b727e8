"""Reading the field team's work: contacts, orossamtal awaiting follow-up, hot-spot visits, and the team's
own figures per month and quarter (`field_figures`).

Field workers read the contacts they recorded and those on the svansen cases their scope gives them;
the social managers read all of the agreement's. Other roles read field contacts on case pages only.
A contact is listed with its case and the youth's identity only where the actor may read them now: a
field worker's own contact on a case that has since become lifestyle stays theirs, without the youth.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accesscontrol import policies, scoping
from accesscontrol.policies import Action
from accesscontrol.visibility import FieldClass, Scope, readable_classes, scopes_held, writable_classes
from casework.models import Case, CaseStatus, Category, FieldContact, HotSpot, HotSpotVisit, Person, Target
from casework.periods import Period, PeriodKind, periods_of_year
from casework.selectors.cases import facts_by_case, record_subject
from casework.selectors.targets import ANONYMOUS_YOUTHS, MEASURES, Measure, counts_by_span
from config import formatting

RECENT = 30
AWAITING_SHOWN = 50


def visible_contacts(*, actor) -> QuerySet:
    policies.require(actor, Action.SEE_FIELD_WORK)
    contacts = FieldContact.objects.filter(agreement=actor.agreement).select_related(
        "case__person", "case__agreement", "hot_spot", "area", "recorded_by", "concern_follow_up"
    )
    # Whoever reads every case's field contacts reads every contact; a field worker theirs and svansen's.
    if Scope.ALL in scopes_held(actor.roles, FieldClass.FIELD_CONTACTS):
        return contacts
    scoped = scoping.scope_cases(Case.objects.all(), actor)
    return contacts.filter(Q(recorded_by=actor.user) | Q(case__in=scoped))


def get_contact(*, actor, contact_id) -> FieldContact:
    """Raises FieldContact.DoesNotExist outside the actor's view (the view answers 404)."""
    return visible_contacts(actor=actor).get(pk=contact_id)


def contact_cases(*, actor) -> QuerySet:
    """The active svansen cases a field worker can record a contact on."""
    policies.require(actor, Action.RECORD_FIELD_WORK)
    cases = Case.objects.filter(status=CaseStatus.ACTIVE, category=Category.SVANSEN).select_related("person")
    return scoping.scope_cases(cases, actor).order_by("number")


def hot_spots(*, actor) -> QuerySet:
    policies.require(actor, Action.SEE_FIELD_WORK)
    return HotSpot.objects.filter(agreement=actor.agreement, active=True).select_related("area")


@dataclass(frozen=True)
class ContactEntry:
    """A field contact as the actor may see it. `case` is None for an anonymous contact and for a case
    whose frame the actor may no longer read (`on_case` tells them apart); `person` is None unless the
    actor may read the youth's identity now."""

    contact: FieldContact
    case: Case | None
    person: Person | None
    on_case: bool
    may_follow_up: bool
    may_correct: bool = False  # accesscontrol.policies, Action.CORRECT_FIELD_CONTACT (its recorder, on a case)


def _entries(*, actor, contacts: list[FieldContact]) -> list[ContactEntry]:
    cases = list({contact.case_id: contact.case for contact in contacts if contact.case_id}.values())
    facts = facts_by_case(actor=actor, cases=cases)
    is_field_worker = policies.may(actor, Action.RECORD_FIELD_WORK)
    entries = []
    for contact in contacts:
        case = person = None
        may_follow_up = is_field_worker and contact.kind == FieldContact.Kind.CONCERN_TALK
        if contact.case_id:
            readable = readable_classes(actor.roles, facts[contact.case_id])
            case = contact.case if FieldClass.CASE_FRAME in readable else None
            person = contact.case.person if FieldClass.IDENTITY in readable else None
            # The service refuses a follow-up once the case is outside the actor's field scope.
            writable = writable_classes(actor.roles, facts[contact.case_id])
            may_follow_up = may_follow_up and FieldClass.FIELD_CONTACTS in writable
            subject = record_subject(
                actor=actor, case=contact.case, author_id=contact.recorded_by_id, facts=facts[contact.case_id]
            )
            may_correct = policies.may(actor, Action.CORRECT_FIELD_CONTACT, subject)
        else:
            may_correct = False
        entries.append(
            ContactEntry(
                contact=contact,
                case=case,
                person=person,
                on_case=bool(contact.case_id),
                may_follow_up=may_follow_up,
                may_correct=may_correct,
            )
        )
    return entries


def contact_entry(*, actor, contact: FieldContact) -> ContactEntry:
    """One (already scoped) contact as the actor may see it."""
    return _entries(actor=actor, contacts=[contact])[0]


@dataclass
class FieldOverview:
    contacts: list[ContactEntry]
    awaiting_follow_up: list[ContactEntry]
    visits: list
    may_record: bool
    paging: object = None  # the page of `contacts` (config.paging.Paging), when the list is paged
    more_awaiting: bool = False  # more orossamtal await their follow-up than `awaiting_follow_up` shows

    @property
    def cases(self) -> list:
        return [entry.case for entry in self.contacts + self.awaiting_follow_up if entry.case]

    @property
    def persons(self) -> list:
        return [entry.person for entry in self.contacts + self.awaiting_follow_up if entry.person]


def field_overview(*, actor, page_of=None) -> FieldOverview:
    """The contacts, newest first, and the latest visits, and the orossamtal still to be followed up; each
    contact with its case and youth only where the actor may read them (ContactEntry). `page_of` cuts the
    page of contacts to show from the ordered query (the view's config.paging.paginate), so only that
    page is loaded and decrypted; without it, the latest RECENT."""
    contacts = visible_contacts(actor=actor)
    # The oldest AWAITING_SHOWN, read along the contacts' index until that many are found: a large municipality
    # has a thousand at a time, and reading, decrypting and declaring them all as read on every visit made the
    # page cost O(contacts) (issue 20). The oldest, because they are the ones longest without a follow-up.
    awaiting = contacts.filter(kind=FieldContact.Kind.CONCERN_TALK, concern_follow_up__isnull=True)
    awaiting = list(awaiting.order_by("occurred_on", "created_at", "pk")[: AWAITING_SHOWN + 1])
    visits = HotSpotVisit.objects.filter(hot_spot__agreement=actor.agreement).select_related("hot_spot", "recorded_by")
    ordered = contacts.order_by("-occurred_on", "-created_at", "-pk")
    paging = page_of(ordered) if page_of else None
    return FieldOverview(
        contacts=_entries(actor=actor, contacts=list(paging.object_list if paging else ordered[:RECENT])),
        paging=paging,
        awaiting_follow_up=_entries(actor=actor, contacts=awaiting[:AWAITING_SHOWN]),
        more_awaiting=len(awaiting) > AWAITING_SHOWN,
        visits=list(visits[:RECENT]),
        may_record=policies.may(actor, Action.RECORD_FIELD_WORK),
    )


# --- The field team's own figures --------------------------------------------------------------------------

_TALKS = MEASURES[Target.Metric.CONCERN_TALKS]
_ANONYMOUS = MEASURES[ANONYMOUS_YOUTHS]
# The columns of the figures: those that are also targets count through the target's own measure
# (casework.selectors.targets), the others are the same rows narrowed, or the outreach contacts by kind.
FIGURES = (
    (_("Uppsökande kontakter"), Measure("contacts", "occurred_on", Q(kind=FieldContact.Kind.OUTREACH))),
    (Target.Metric.CONCERN_TALKS.label, _TALKS),
    (_("Orossamtal som följts upp"), replace(_TALKS, where=_TALKS.where & Q(concern_follow_up__isnull=False))),
    (Target.Metric.SVANSEN_REACHED.label, MEASURES[Target.Metric.SVANSEN_REACHED]),
    (_("Anonyma kontakter"), replace(_ANONYMOUS, counts="rows")),
    (_("Anonyma ungdomar i riskmiljö"), _ANONYMOUS),
    (Target.Metric.HOT_SPOT_VISITS.label, MEASURES[Target.Metric.HOT_SPOT_VISITS]),
)


@dataclass(frozen=True)
class FigureRow:
    """One month, quarter or the year: its heading and a count per figure, in the order of FIGURES."""

    label: str
    counts: list[int]


@dataclass(frozen=True)
class FieldFigures:
    year: int
    columns: list[str]
    months: list[FigureRow]
    quarters: list[FigureRow]  # the four quarters, then the whole year


def _month(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def field_figures(*, actor, year: int) -> FieldFigures:
    """The field team's work in the agreement per month and quarter of `year`: counts only, no names. A
    youth reached is counted once in each month, quarter and the year, so a quarter is not the sum of its
    months; an orossamtal counts as followed up in the month it was held, once its follow-up is recorded."""
    policies.require(actor, Action.SEE_FIELD_FIGURES)
    months = [_month(year, month) for month in range(1, 13)]
    periods = [*periods_of_year(year, PeriodKind.QUARTER), Period(year, PeriodKind.YEAR, 1)]
    spans = months + [(period.starts_on, period.ends_on) for period in periods]
    columns = [counts_by_span(agreement=actor.agreement, measure=measure, spans=spans) for _label, measure in FIGURES]
    labels = [capfirst(date_format(start, "F")) for start, _end in months]
    labels += [formatting.period(period) for period in periods]
    rows = [FigureRow(str(label), [column[i] for column in columns]) for i, label in enumerate(labels)]
    return FieldFigures(
        year=year, columns=[str(label) for label, _measure in FIGURES], months=rows[:12], quarters=rows[12:]
    )
