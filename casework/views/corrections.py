"""Pages that correct a saved record of a case: a follow-up, the current social or police assessment, a field
contact (casework.services.corrections). Each is a form prefilled with what was saved, with a reason.

A record the actor may not read (or not of this case) is 404, like the case itself; who may correct is the
policy's (the CORRECT_* actions: 403 when the actor may not, back to the case page with the reason when the
case's state refuses it).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accesscontrol.policies import Action
from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.forms import corrections as correction_forms
from casework.models import CaseEvent
from casework.selectors import cases as case_selectors
from casework.selectors.timeline import current_assessment_event
from casework.services import corrections

from .access import refused_by_state, visible_case_or_404
from .forms import form_page

FOLLOW_UP_FIELDS = (
    "written_on",
    "youth_view",
    "social_view",
    "police_view",
    "partners_view",
    "helped",
    "hindered",
    "collaboration",
    "outcome",
)


def _correction_page(
    request,
    case_id,
    *,
    find,
    action: Action,
    field_class: FieldClass,
    form_class,
    initial,
    perform,
    title: str,
):
    """The form page of one correction: `find(case_page)` returns the record and its author's id, or None
    (404); `initial(record)` prefills the form; `perform(case, record, data)` calls the service."""
    case = visible_case_or_404(request, case_id)
    page = case_selectors.case_page(actor=request.actor, case=case)
    found = find(page)
    if found is None:
        raise Http404
    record, author_id = found
    back = reverse("casework:case_detail", args=[case.pk])
    subject = case_selectors.record_subject(actor=request.actor, case=case, author_id=author_id)
    if refused := refused_by_state(request, action, subject, back=back):
        return refused

    def declare_read():
        field_classes = {FieldClass.CASE_FRAME, field_class}
        if page.person:
            field_classes.add(FieldClass.IDENTITY)
        shows(request, cases=[case], persons=page.persons, field_classes=field_classes)

    return form_page(
        request,
        form_class=form_class,
        form_kwargs={"initial": initial(record)},
        perform=lambda data: perform(case, record, data),
        done=_("Rättelsen är sparad. Den tidigare versionen syns i ärendets historik."),
        success_url=back,
        declare_read=declare_read,
        template="casework/case_form.html",
        context={
            "case": case,
            "case_page": page,
            "title": title,
            "submit_label": _("Spara rättelsen"),
            "intro": _(
                "Rätta det som blev fel och skriv varför. Det som sparades först finns kvar i ärendets "
                "historik, markerat som rättat."
            ),
        },
    )


def correct_follow_up_view(request, case_id, follow_up_id):
    def find(page):
        follow_up = next((f for f in page.follow_ups if str(f.pk) == str(follow_up_id)), None)
        return (follow_up, follow_up.author_id) if follow_up else None

    return _correction_page(
        request,
        case_id,
        find=find,
        action=Action.CORRECT_FOLLOW_UP,
        field_class=FieldClass.SOCIAL_ASSESSMENT,
        form_class=correction_forms.FollowUpCorrectionForm,
        initial=lambda follow_up: {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS},
        perform=lambda case, follow_up, data: corrections.correct_follow_up(
            actor=request.actor, follow_up=follow_up, **data
        ),
        title=_("Rätta uppföljningen"),
    )


def _current_assessment(kind, shown):
    def find(page):
        if getattr(page, shown) is None:
            return None
        event = current_assessment_event(case=page.case, kind=kind)
        return (event, event.by_id) if event else None

    return find


def correct_social_assessment_view(request, case_id):
    return _correction_page(
        request,
        case_id,
        find=_current_assessment(CaseEvent.Kind.SOCIAL_ASSESSMENT, "social_assessment"),
        action=Action.CORRECT_SOCIAL_ASSESSMENT,
        field_class=FieldClass.SOCIAL_ASSESSMENT,
        form_class=correction_forms.SocialAssessmentCorrectionForm,
        initial=lambda event: {
            "assessment": event.note,
            "realistic_alternative": event.data.get("realistic_alternative", ""),
            "assessed_on": event.occurred_on,
        },
        perform=lambda case, event, data: corrections.correct_social_assessment(actor=request.actor, case=case, **data),
        title=_("Rätta socialtjänstens bedömning"),
    )


def correct_police_assessment_view(request, case_id):
    return _correction_page(
        request,
        case_id,
        find=_current_assessment(CaseEvent.Kind.POLICE_ASSESSMENT, "police_assessment"),
        action=Action.CORRECT_POLICE_ASSESSMENT,
        field_class=FieldClass.POLICE_ASSESSMENT,
        form_class=correction_forms.PoliceAssessmentCorrectionForm,
        initial=lambda event: {
            "assessment": event.note,
            "priority": bool(event.data.get("priority")),
            "assessed_on": event.occurred_on,
        },
        perform=lambda case, event, data: corrections.correct_police_assessment(actor=request.actor, case=case, **data),
        title=_("Rätta polisens bedömning"),
    )


def correct_contact_view(request, case_id, contact_id):
    def find(page):
        contact = next((c for c in page.field_contacts if str(c.pk) == str(contact_id)), None)
        return (contact, contact.recorded_by_id) if contact else None

    return _correction_page(
        request,
        case_id,
        find=find,
        action=Action.CORRECT_FIELD_CONTACT,
        field_class=FieldClass.FIELD_CONTACTS,
        form_class=correction_forms.FieldContactCorrectionForm,
        initial=lambda contact: {"occurred_on": contact.occurred_on, "note": contact.note},
        perform=lambda case, contact, data: corrections.correct_field_contact(
            actor=request.actor, contact=contact, **data
        ),
        title=_("Rätta kontakten"),
    )
