"""Meeting pages: the list, scheduling, the working page during the meeting (agenda, participants,
identification, reasoning, decisions), approval, addenda, and the minutes as PDF."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accesscontrol import policies
from accesscontrol.policies import Action
from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.forms import cases as case_forms
from casework.forms import meetings as meeting_forms
from casework.invitations import meeting_invitation
from casework.models import Meeting
from casework.selectors import cases as case_selectors
from casework.selectors import meetings as meeting_selectors
from casework.services import cases as case_services
from casework.services import meetings as meeting_services
from config.forms import button_pressed
from config.paging import paginate
from config.pdf import PdfUnavailable, pdf_unavailable_response, render_pdf

from .access import refused_by_state
from .forms import form_page, submit


def _meeting_or_404(request, meeting_id) -> Meeting:
    """The meeting if the actor may read its minutes; otherwise 404 (the access log's denied entry names
    the case the address names, so the attempt shows up under it)."""
    try:
        return meeting_selectors.get_meeting(actor=request.actor, meeting_id=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _meeting_for(request, meeting_id, *, action: Action) -> Meeting:
    """The meeting if the policy lets the actor do `action` to it: 404 outside their minutes scope, 403
    when who they are does not allow it. Its state (locked, being approved) is refused where it is acted
    on, with the policy's reason."""
    meeting = _meeting_or_404(request, meeting_id)
    subject = meeting_selectors.meeting_subject(actor=request.actor, meeting=meeting)
    if not policies.may_attempt(request.actor, action, subject):
        raise PermissionDenied
    return meeting


def _state_refused(request, meeting: Meeting, action: Action):
    """Back to the meeting page with the policy's reason when the meeting's state refuses `action` (a form
    followed from a page shown before the minutes were approved, say); None when it may go ahead."""
    subject = meeting_selectors.meeting_subject(actor=request.actor, meeting=meeting)
    return refused_by_state(request, action, subject, back=_back(meeting))


def _back(meeting) -> str:
    return reverse("casework:meeting_detail", args=[meeting.pk])


def meeting_list_view(request):
    """The meetings, newest first, a page at a time (config.paging)."""
    paging = paginate(request, meeting_selectors.visible_meetings(actor=request.actor).order_by("-held_on", "-pk"))
    context = {"meetings": paging.object_list, "paging": paging}
    return render(request, "casework/meeting_list.html", context)


def schedule_meeting_view(request):
    actor = request.actor
    if refused := refused_by_state(request, Action.CHAIR_MEETINGS, back=reverse("casework:meeting_list")):
        return refused
    form = meeting_forms.ScheduleMeetingForm(request.POST or None, agreement=actor.agreement, chair=actor.user)
    response = submit(
        request,
        form,
        lambda data: meeting_services.schedule_meeting(actor=actor, **data),
        done=_("Mötet är planerat och dagordningen är skapad."),
        success_url=_back,
    )
    context = {
        "form": form,
        "title": _("Planera möte"),
        "back_url": reverse("casework:meeting_list"),
        "back_label": _("Tillbaka till mötena"),
    }
    return response or render(request, "casework/simple_form.html", context)


def meeting_detail_view(request, meeting_id):
    meeting = _meeting_or_404(request, meeting_id)
    page = meeting_selectors.meeting_page(actor=request.actor, meeting=meeting)
    shows(
        request,
        cases=page.shown_cases,
        persons=page.persons,
        field_classes=page.field_classes,
    )
    # "Markera klart" asks the day the decision was carried out: the meeting's own day unless it is to come.
    done_on = min(meeting.held_on, timezone.localdate())
    return render(request, "casework/meeting_detail.html", {"page": page, "meeting": meeting, "done_on": done_on})


def minutes_pdf_view(request, meeting_id):
    """The minutes as PDF: the same minutes template as the page, rendered by WeasyPrint."""
    meeting = _meeting_or_404(request, meeting_id)
    page = meeting_selectors.meeting_page(actor=request.actor, meeting=meeting)
    html = render_to_string("casework/minutes_document.html", {"page": page, "meeting": meeting}, request=request)
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        return pdf_unavailable_response(request)
    shows(
        request,
        cases=page.shown_cases,
        persons=page.persons,
        field_classes=page.field_classes,
        export=True,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{meeting.held_on.isoformat()}.pdf"'
    return response


def participants_view(request, meeting_id):
    actor = request.actor
    meeting = _meeting_for(request, meeting_id, action=Action.EDIT_MINUTES)
    if refused := _state_refused(request, meeting, Action.EDIT_MINUTES):
        return refused
    page = meeting_selectors.meeting_page(actor=actor, meeting=meeting)
    here = reverse("casework:meeting_participants", args=[meeting.pk])
    posted = request.POST.get("kind") if request.method == "POST" else None
    if posted == "copy":
        button_pressed(
            request,
            lambda: meeting_services.copy_participants(actor=actor, meeting=meeting),
            done=lambda added: (
                ngettext("%(n)s deltagare är tillagd.", "%(n)s deltagare är tillagda.", added) % {"n": added}
            ),
        )
        return redirect(here)
    user_form = meeting_forms.ParticipantForm(request.POST if posted == "user" else None, meeting=meeting)
    external_form = meeting_forms.ExternalParticipantForm(request.POST if posted == "external" else None)
    standing_form = meeting_forms.StandingParticipantsForm(
        request.POST if posted == "standing" else None, agreement=meeting.agreement
    )
    if posted == "user":
        form, perform, done = (
            user_form,
            lambda data: meeting_services.add_participants(actor=actor, meeting=meeting, **data),
            _("Deltagarna är tillagda."),
        )
    elif posted == "standing":
        form, perform, done = (
            standing_form,
            lambda data: meeting_services.set_standing_participants(actor=actor, users=data["standing"]),
            _("De stående deltagarna är sparade."),
        )
    else:
        form, perform, done = (
            external_form,
            lambda data: meeting_services.add_participant(actor=actor, meeting=meeting, **data),
            _("Deltagaren är tillagd."),
        )
    response = submit(request, form, perform, done=done, success_url=here)
    context = {
        "page": page,
        "meeting": meeting,
        "user_form": user_form,
        "external_form": external_form,
        "standing_form": standing_form,
        "last_held": meeting_selectors.last_held_meeting(meeting=meeting),
    }
    return response or render(request, "casework/meeting_participants.html", context)


@require_POST
def remove_participant_view(request, meeting_id, participant_id):
    meeting = _meeting_for(request, meeting_id, action=Action.EDIT_MINUTES)
    participant = meeting_selectors.participant_of(meeting=meeting, participant_id=participant_id)
    if participant is None:
        raise Http404
    button_pressed(
        request,
        lambda: meeting_services.remove_participant(actor=request.actor, participant=participant),
        done=_("Deltagaren är borttagen."),
    )
    return redirect("casework:meeting_participants", meeting_id=meeting.pk)


def identify_view(request, meeting_id, case_id):
    """The meeting's decision on one proposal on its agenda."""
    actor = request.actor
    meeting = _meeting_for(request, meeting_id, action=Action.RECORD_MEETING)
    if refused := _state_refused(request, meeting, Action.RECORD_MEETING):
        return refused
    page = meeting_selectors.meeting_page(actor=actor, meeting=meeting)
    entry = next((e for e in page.pending_proposals if e.case.pk == case_id), None)
    if entry is None:
        raise Http404
    case, meeting = entry.case, page.meeting
    form = case_forms.IdentifyForm(request.POST or None, case=case, meeting=meeting)

    def decide(data):
        if data["outcome"] == form.NOT_IDENTIFIED:
            return case_services.mark_not_identified(actor=actor, case=case, meeting=meeting, note=data["note"])
        return case_services.identify_case(
            actor=actor,
            case=case,
            meeting=meeting,
            category=data["category"],
            raised_on=data["raised_on"],
            unit=data["unit"],
            caseworker=data["caseworker"],
            note=data["note"],
            age_confirmed=bool(data.get("age_confirmed")),
        )

    response = submit(
        request, form, decide, done=_("Mötets beslut om förslaget är sparat."), success_url=_back(meeting)
    )
    if response:
        return response
    case_page = case_selectors.case_page(actor=actor, case=case)
    shows(request, cases=[case], persons=case_page.persons, field_classes=case_page.readable)
    context = {"page": page, "meeting": meeting, "case": case, "case_page": case_page, "form": form}
    return render(request, "casework/identify.html", context)


def _meeting_form_page(request, meeting_id, *, action, form_class, perform, title, done, form_kwargs=None, cases=None):
    """A form for `action` on one meeting: 404 outside the actor's minutes scope, 403 when they may not do
    this, back to the meeting with the reason when its state refuses it. The read of the minutes (and of
    the cases the form names, `cases`) is declared for the access log."""
    meeting = _meeting_for(request, meeting_id, action=action)
    if refused := _state_refused(request, meeting, action):
        return refused

    def declare_read():
        named = list(cases(meeting)) if cases else []
        shows(
            request,
            cases=named,
            persons=[case.person for case in named],
            field_classes={FieldClass.MINUTES, *([FieldClass.IDENTITY] if named else [])},
        )

    return form_page(
        request,
        form_class=form_class,
        form_kwargs=form_kwargs(meeting) if form_kwargs else {},
        perform=lambda data: perform(meeting, data),
        done=done,
        success_url=_back(meeting),
        declare_read=declare_read,
        template="casework/simple_form.html",
        context={
            "title": title,
            "caption": _("Samverkansmöte %(day)s") % {"day": meeting.held_on.isoformat()},
            "back_url": _back(meeting),
            "back_label": _("Tillbaka till mötet"),
        },
    )


def reschedule_meeting_view(request, meeting_id):
    actor = request.actor
    return _meeting_form_page(
        request,
        meeting_id,
        action=Action.RESCHEDULE_MEETING,
        form_class=meeting_forms.RescheduleMeetingForm,
        form_kwargs=lambda meeting: {"initial": {"held_on": meeting.held_on, "location": meeting.location}},
        perform=lambda meeting, data: meeting_services.reschedule_meeting(actor=actor, meeting=meeting, **data),
        title=_("Flytta mötet"),
        done=_("Mötet är flyttat. Deltagarna har fått ett meddelande."),
    )


def cancel_meeting_view(request, meeting_id):
    actor = request.actor
    return _meeting_form_page(
        request,
        meeting_id,
        action=Action.CANCEL_MEETING,
        form_class=meeting_forms.CancelMeetingForm,
        perform=lambda meeting, data: meeting_services.cancel_meeting(actor=actor, meeting=meeting, **data),
        title=_("Ställ in mötet"),
        done=_("Mötet är inställt. Deltagarna har fått ett meddelande."),
    )


def invitation_view(request, meeting_id):
    """The meeting's calendar invitation (.ics): the day, the place and a link; no youth, no case."""
    meeting = _meeting_or_404(request, meeting_id)
    response = HttpResponse(meeting_invitation(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="samverkansmote-{meeting.held_on.isoformat()}.ics"'
    return response


def reasoning_view(request, meeting_id):
    actor = request.actor
    return _meeting_form_page(
        request,
        meeting_id,
        action=Action.RECORD_MEETING,
        form_class=meeting_forms.ReasoningForm,
        form_kwargs=lambda meeting: {"initial": {"location": meeting.location, "reasoning": meeting.reasoning}},
        perform=lambda meeting, data: meeting_services.record_reasoning(actor=actor, meeting=meeting, **data),
        title=_("Strategiska resonemang"),
        done=_("Resonemanget är sparat."),
    )


def add_decision_view(request, meeting_id):
    actor = request.actor
    return _meeting_form_page(
        request,
        meeting_id,
        action=Action.RECORD_MEETING,
        form_class=meeting_forms.DecisionForm,
        form_kwargs=lambda meeting: {
            "meeting": meeting,
            "cases": meeting_selectors.decision_cases(meeting=meeting),
        },
        cases=lambda meeting: meeting_selectors.decision_cases(meeting=meeting),
        perform=lambda meeting, data: meeting_services.add_decision(actor=actor, meeting=meeting, **data),
        title=_("Nytt beslut"),
        done=_("Beslutet är sparat."),
    )


def addendum_view(request, meeting_id):
    actor = request.actor
    return _meeting_form_page(
        request,
        meeting_id,
        action=Action.ADD_ADDENDUM,
        form_class=meeting_forms.AddendumForm,
        perform=lambda meeting, data: meeting_services.add_addendum(actor=actor, meeting=meeting, **data),
        title=_("Tillägg till justerat protokoll"),
        done=_("Tillägget är sparat. Det justerade protokollet är oförändrat."),
    )


def _post_action(request, meeting_id, *, action: Action, perform, done):
    """A button on the meeting page: 403 when who the actor is does not allow `action`; the policy's or the
    service's refusal of the meeting's state becomes the message above the meeting page."""
    meeting = _meeting_for(request, meeting_id, action=action)

    def act():
        policies.require(request.actor, action, meeting_selectors.meeting_subject(actor=request.actor, meeting=meeting))
        return perform(meeting)

    button_pressed(request, act, done=done)
    return redirect(_back(meeting))


@require_POST
def approve_minutes_view(request, meeting_id):
    return _post_action(
        request,
        meeting_id,
        action=Action.APPROVE_MINUTES,
        perform=lambda meeting: meeting_services.approve_minutes(actor=request.actor, meeting=meeting),
        done=_("Du har justerat protokollet."),
    )


@require_POST
def withdraw_approval_view(request, meeting_id):
    return _post_action(
        request,
        meeting_id,
        action=Action.WITHDRAW_APPROVAL,
        perform=lambda meeting: meeting_services.withdraw_approval(actor=request.actor, meeting=meeting),
        done=_("Din justering är återkallad."),
    )


@require_POST
def refresh_agenda_view(request, meeting_id):
    return _post_action(
        request,
        meeting_id,
        action=Action.EDIT_MINUTES,
        perform=lambda meeting: meeting_services.refresh_agenda(actor=request.actor, meeting=meeting),
        done=_("Dagordningen är uppdaterad."),
    )


def _posted_day(request) -> datetime.date:
    """The day the decision was carried out, as the meeting page posts it; today when none is posted."""
    text = (request.POST.get("done_on") or "").strip()
    if not text:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"done_on": [_("Ange datumet då beslutet blev klart som ÅÅÅÅ-MM-DD.")]}) from None


@require_POST
def agenda_item_view(request, meeting_id, item_id):
    """The chair prepares the agenda before the day: an item up or down, set aside or back."""
    what = request.POST.get("do")

    def change(meeting):
        if what not in ("up", "down", "aside", "back"):
            raise ValidationError(_("Välj vad som ska ändras på dagordningen."))
        item = meeting_selectors.item_of(meeting=meeting, item_id=item_id)
        if item is None:
            raise Http404
        if what in ("up", "down"):
            return meeting_services.move_item(actor=request.actor, item=item, up=what == "up")
        return meeting_services.set_item_aside(actor=request.actor, item=item, aside=what == "aside")

    return _post_action(
        request, meeting_id, action=Action.EDIT_MINUTES, perform=change, done=_("Dagordningen är ändrad.")
    )


@require_POST
def decision_done_view(request, meeting_id, decision_id):
    def mark_done(meeting):
        decision = meeting_selectors.decision_of_agreement(meeting=meeting, decision_id=decision_id)
        if decision is None:
            raise Http404
        meeting_services.mark_decision_done(actor=request.actor, decision=decision, done_on=_posted_day(request))

    return _post_action(
        request,
        meeting_id,
        action=Action.MARK_DECISIONS_DONE,
        perform=mark_done,
        done=_("Beslutet är markerat som klart."),
    )
