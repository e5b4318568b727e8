"""One case's timeline as the actor may read it: which field class each event and its note belong to, and
the line that sums an event up from its structured data (codes and dates, never personal data)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy

from accesscontrol.models import Unit, User
from accesscontrol.visibility import FieldClass
from casework.models import (
    Case,
    CaseEvent,
    CloseReason,
    Correction,
    FieldContact,
    FollowUp,
    Intervention,
    RealisticAlternative,
)

# Which field class each timeline entry belongs to: an entry is shown only to those who may read it.
# Decisions and disclosure or consent entries can hold social-services information, so they are read
# with the social assessment (the police see them only when a disclosure shares it).
EVENT_FIELD_CLASS = {
    CaseEvent.Kind.PROPOSED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.IDENTIFIED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.NOT_IDENTIFIED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.CATEGORY_CHANGED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.ASSIGNED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.REVIEWED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.CLOSED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.REOPENED: FieldClass.CASE_FRAME,
    CaseEvent.Kind.POLICE_ASSESSMENT: FieldClass.POLICE_ASSESSMENT,
    CaseEvent.Kind.SOCIAL_ASSESSMENT: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.FOLLOW_UP: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.DECISION: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.DISCLOSURE: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.DISCLOSURE_WITHDRAWN: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.CONSENT: FieldClass.SOCIAL_ASSESSMENT,
    # The reason for a legal hold is the social services' free text (e.g. a pending complaint or request).
    CaseEvent.Kind.LEGAL_HOLD_SET: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.LEGAL_HOLD_LIFTED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.INTERVENTION_OFFERED: FieldClass.INTERVENTIONS,
    CaseEvent.Kind.INTERVENTION_ANSWERED: FieldClass.INTERVENTIONS,
    CaseEvent.Kind.FIELD_CONTACT: FieldClass.FIELD_CONTACTS,
    # That the youth's details or number changed is about who they are: read with the identity.
    CaseEvent.Kind.PERSON_DETAILS_CHANGED: FieldClass.IDENTITY,
    CaseEvent.Kind.PERSONAL_NUMBER_REPLACED: FieldClass.IDENTITY,
}

# The free-text note of a timeline entry can be of another class than the entry: the case-frame events
# (identified, not identified, category change, closing, reopening) are written by the social services,
# and their notes are the social services' reasoning. Unlisted kinds: the note is of the entry's class.
EVENT_NOTE_FIELD_CLASS = {
    CaseEvent.Kind.IDENTIFIED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.NOT_IDENTIFIED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.CATEGORY_CHANGED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.ASSIGNED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.REVIEWED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.CLOSED: FieldClass.SOCIAL_ASSESSMENT,
    CaseEvent.Kind.REOPENED: FieldClass.SOCIAL_ASSESSMENT,
}


# What a change of the person's details names on the timeline (the event's data holds these keys only).
PERSON_DETAIL_LABELS = {
    "contact": gettext_lazy("kontaktuppgifter"),
    "guardians": gettext_lazy("vårdnadshavare"),
}


def event_note_class(kind: str) -> FieldClass:
    return EVENT_NOTE_FIELD_CLASS.get(kind) or EVENT_FIELD_CLASS.get(kind, FieldClass.SOCIAL_ASSESSMENT)


# What an earlier version of a corrected record held, in the order shown, with each field's label.
PREVIOUS_FIELDS = {
    Correction.Kind.FOLLOW_UP: (
        ("outcome", FollowUp._meta.get_field("outcome").verbose_name),
        ("youth_view", FollowUp._meta.get_field("youth_view").verbose_name),
        ("social_view", FollowUp._meta.get_field("social_view").verbose_name),
        ("police_view", FollowUp._meta.get_field("police_view").verbose_name),
        ("partners_view", FollowUp._meta.get_field("partners_view").verbose_name),
        ("helped", FollowUp._meta.get_field("helped").verbose_name),
        ("hindered", FollowUp._meta.get_field("hindered").verbose_name),
        ("collaboration", FollowUp._meta.get_field("collaboration").verbose_name),
    ),
    Correction.Kind.SOCIAL_ASSESSMENT: (
        ("assessment", _lazy("bedömning")),
        ("realistic_alternative", _lazy("realistiskt alternativ till hemmaplan")),
    ),
    Correction.Kind.POLICE_ASSESSMENT: (
        ("assessment", _lazy("bedömning")),
        ("priority", _lazy("prioriterad av polisen")),
    ),
    Correction.Kind.FIELD_CONTACT: (("note", _lazy("anteckning")),),
}


def _previous_value(kind: str, name: str, value) -> str:
    if name == "outcome":
        return choice_label(FollowUp.Outcome.choices, value)
    if name == "realistic_alternative":
        return choice_label(RealisticAlternative.choices, value)
    if name == "priority":
        return _("ja") if value else _("nej")
    return str(value or "")


@dataclass(frozen=True)
class CorrectionLine:
    """One correction of a record as the timeline shows it: who corrected it when and why, and the earlier
    version (its date and its fields, each with its label), marked as corrected."""

    corrected_on: datetime.date
    by: object
    reason: str
    previous_on: datetime.date
    previous: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, correction: Correction) -> CorrectionLine:
        previous = correction.previous or {}
        return cls(
            corrected_on=timezone.localdate(correction.corrected_at),
            by=correction.by,
            reason=correction.reason,
            previous_on=correction.previous_on,
            previous=tuple(
                (capfirst(str(label)), _previous_value(correction.kind, name, previous.get(name)))
                for name, label in PREVIOUS_FIELDS[correction.kind]
                if name in previous and previous.get(name) not in ("", None)
            ),
        )


def corrections_of(events) -> dict:
    """The corrections of these timeline events, oldest first, by event id: only ever asked for events the
    actor reads, so the earlier versions are shown to the readers of the record's field class alone."""
    lines: dict = {}
    for correction in Correction.objects.filter(event__in=list(events)).select_related("by"):
        lines.setdefault(correction.event_id, []).append(CorrectionLine.of(correction))
    return lines


def current_assessment_event(*, case: Case, kind: str) -> CaseEvent | None:
    """The case's current assessment of this kind (social or police): the latest by the day it was made,
    then by when it was recorded, so an assessment recorded after the fact does not replace a later one."""
    return case.events.filter(kind=kind).order_by("-occurred_on", "-recorded_at").first()


@dataclass(frozen=True)
class TimelineEntry:
    """What the timeline shows of one event. The event itself is not handed on: its `note` is free text
    of its own field class, here only where the actor may read that class (else empty)."""

    kind: str
    kind_label: str
    occurred_on: datetime.date
    by: object
    summary: str
    note: str = ""
    recorded_on: datetime.date | None = None  # when it was recorded, shown where it differs from the day
    corrections: tuple[CorrectionLine, ...] = ()

    @classmethod
    def of(cls, event: CaseEvent, *, summary: str, note_readable: bool, corrections=()) -> TimelineEntry:
        return cls(
            kind=event.kind,
            kind_label=event.get_kind_display(),
            occurred_on=event.occurred_on,
            by=event.by,
            summary=summary,
            note=event.note if note_readable else "",
            recorded_on=timezone.localdate(event.recorded_at) if event.recorded_at else None,
            corrections=tuple(corrections),
        )

    @property
    def recorded_later(self) -> bool:
        return self.recorded_on is not None and self.recorded_on != self.occurred_on


def choice_label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def _event_summary(event: CaseEvent, agreement, staff: Staff | None = None) -> str:
    """A line about the event from its structured data (codes and dates, never personal data). `staff`:
    the units and caseworkers the events name, read once for the whole timeline (Staff.of)."""
    data, kind = event.data, event.kind
    if kind in (CaseEvent.Kind.PROPOSED, CaseEvent.Kind.IDENTIFIED) and data.get("category"):
        return agreement.category_label(data["category"])
    if kind == CaseEvent.Kind.CATEGORY_CHANGED:
        return _("Från %(from)s till %(to)s") % {
            "from": agreement.category_label(data.get("from")),
            "to": agreement.category_label(data.get("to")),
        }
    if kind == CaseEvent.Kind.CLOSED:
        return choice_label(CloseReason.choices, data.get("reason"))
    if kind == CaseEvent.Kind.ASSIGNED:
        return _responsibility(data, staff or Staff.of([event]))
    if kind == CaseEvent.Kind.REOPENED and data.get("closed_on"):
        return _("Var avslutat %(day)s (%(reason)s)") % {
            "day": data["closed_on"],
            "reason": choice_label(CloseReason.choices, data.get("reason")),
        }
    if kind == CaseEvent.Kind.POLICE_ASSESSMENT and data.get("priority"):
        return _("Polisen vill att ärendet prioriteras")
    if kind in (CaseEvent.Kind.INTERVENTION_OFFERED, CaseEvent.Kind.INTERVENTION_ANSWERED):
        return f"{data.get('type', '')}: {choice_label(Intervention.Response.choices, data.get('response'))}"
    if kind == CaseEvent.Kind.FOLLOW_UP:
        outcome = choice_label(FollowUp.Outcome.choices, data.get("outcome"))
        return _("%(outcome)s, skriven efter fönstret") % {"outcome": outcome} if data.get("late") else outcome
    if kind == CaseEvent.Kind.FIELD_CONTACT:
        label = choice_label(FieldContact.Kind.choices, data.get("contact_kind"))
        return _("%(kind)s följt upp") % {"kind": label} if data.get("follow_up") else label
    if kind == CaseEvent.Kind.PERSON_DETAILS_CHANGED:
        changed = [str(PERSON_DETAIL_LABELS[name]) for name in data.get("changed", ()) if name in PERSON_DETAIL_LABELS]
        return _("Ändrat: %(what)s") % {"what": ", ".join(changed)} if changed else ""
    if kind == CaseEvent.Kind.PERSONAL_NUMBER_REPLACED and data.get("birth_date_changed"):
        return _("Födelsedatumet ändrades med numret")
    return ""


@dataclass(frozen=True)
class Staff:
    """The names of the units and caseworkers that the responsibility changes of a timeline name: two
    queries for the whole timeline, however many times the responsibility changed."""

    units: dict
    users: dict

    @classmethod
    def of(cls, events) -> Staff:
        assigned = [event.data for event in events if event.kind == CaseEvent.Kind.ASSIGNED]
        unit_ids = {data["unit"] for data in assigned if data.get("unit")}
        user_ids = {data["caseworker"] for data in assigned if data.get("caseworker")}
        return cls(
            units=dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {},
            users=User.objects.in_bulk(user_ids) if user_ids else {},
        )


def _responsibility(data: dict, staff: Staff) -> str:
    """Staff and units, named: who is responsible is not the youth's personal data."""
    unit = staff.units.get(data.get("unit")) or ""
    caseworker = staff.users.get(data.get("caseworker")) if data.get("caseworker") else None
    if caseworker is None:
        return _("Ansvarig enhet: %(unit)s, ingen handläggare utsedd") % {"unit": unit}
    return _("Ansvarig enhet: %(unit)s, handläggare: %(caseworker)s") % {"unit": unit, "caseworker": caseworker}


def timeline_entries(*, case: Case, readable) -> list[TimelineEntry]:
    """The events of the case whose field class the actor reads (`readable`), oldest first, each note only
    where the actor reads the note's class."""
    kinds = [kind for kind, field_class in EVENT_FIELD_CLASS.items() if field_class in readable]
    events = list(case.events.filter(kind__in=kinds).select_related("by"))
    corrections = corrections_of(events)
    staff = Staff.of(events)
    return [
        TimelineEntry.of(
            event,
            summary=_event_summary(event, case.agreement, staff),
            note_readable=event_note_class(event.kind) in readable,
            corrections=corrections.get(event.pk, ()),
        )
        for event in events
    ]
