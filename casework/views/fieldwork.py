"""The field team's pages: the overview, a quick contact, an orossamtal's follow-up, a hot-spot visit, and
the team's own figures."""

import re
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accesscontrol import policies
from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.forms import fieldwork as field_forms
from casework.models import Case, FieldContact
from casework.periods import agreement_years
from casework.selectors import fieldwork as field_selectors
from casework.services import fieldwork as field_services
from config.paging import paginate

from .forms import submit
from .targets import year_asked_for

HOME = "casework:field_home"
# The session's memory of the field forms last saved: their sending id and where they led.
SENT = "field_forms_sent"
REMEMBERED = 20


def _form_page(request, form, *, title, intro="", back_url=None, back_label=None):
    """The field team's forms are filled in on a phone: field_form.html keeps what was typed when the
    network is gone and sends it when it is back (static/samsyn/offline-form.js)."""
    posted = request.POST.get("sending", "")
    context = {
        "form": form,
        "sending": posted if re.fullmatch(r"[0-9a-f]{32}", posted) else uuid.uuid4().hex,
        "title": title,
        "intro": intro,
        "back_url": back_url or reverse(HOME),
        "back_label": back_label or _("Tillbaka till fältarbetet"),
    }
    return render(request, "casework/field_form.html", context)


def _submit_once(request, form, perform, *, done, success_url):
    """`submit`, but a form sent again after its answer was lost on the way (a phone's network drops after
    the post has reached the server, and offline-form.js sends it again) is not saved twice: each form page
    has its sending id, and the session remembers the last ones saved and where they led."""
    sending = request.POST.get("sending", "")
    sent = request.session.get(SENT, {})
    if request.method == "POST" and sending in sent:
        pending = messages.get_messages(request)
        if done not in [message.message for message in pending]:  # the lost answer's message may still wait
            messages.success(request, done)
        pending.used = False  # looked at, not shown: they stay for the next page
        return redirect(sent[sending])
    response = submit(request, form, perform, done=done, success_url=success_url)
    if response is not None and sending:
        sent[sending] = response.url
        request.session[SENT] = dict(list(sent.items())[-REMEMBERED:])
    return response


def _case_asked_for(request, cases):
    """The case the contact form was opened from (`?arende=`, the case page's "Ny kontakt"): one of the
    cases the actor may record a contact on, or 404 — a case outside them is not confirmed to exist."""
    case_id = request.GET.get("arende")
    if not case_id:
        return None
    try:
        return cases.get(pk=case_id)
    except (Case.DoesNotExist, ValidationError):
        raise Http404 from None


def field_home_view(request):
    overview = field_selectors.field_overview(actor=request.actor, page_of=lambda contacts: paginate(request, contacts))
    shows(
        request,
        cases=overview.cases,
        persons=overview.persons,
        field_classes={FieldClass.FIELD_CONTACTS, FieldClass.IDENTITY, FieldClass.CASE_FRAME},
    )
    return render(request, "casework/field_home.html", {"overview": overview})


@require_GET
def field_figures_view(request):
    years = agreement_years(request.actor.agreement)
    year = year_asked_for(request, years)
    figures = field_selectors.field_figures(actor=request.actor, year=year)
    shows(request)  # counts only: no case, person or field class
    tables = [
        (figures.months, _("Per månad"), _("Månad")),
        (figures.quarters, _("Per kvartal och helår"), _("Period")),
    ]
    return render(request, "casework/field_figures.html", {"figures": figures, "years": years, "tables": tables})


def new_contact_view(request):
    actor = request.actor
    cases = field_selectors.contact_cases(actor=actor)
    from_case = _case_asked_for(request, cases)
    form = field_forms.FieldContactForm(
        request.POST or None,
        cases=cases,
        hot_spots=field_selectors.hot_spots(actor=actor),
        agreement=actor.agreement,
        initial={"case": from_case} if from_case else None,
    )

    def after(contact):
        # Back to the case page it was opened from when the contact is on that case.
        if from_case and contact.case_id == from_case.pk:
            return reverse("casework:case_detail", args=[from_case.pk])
        return reverse(HOME)

    response = _submit_once(
        request,
        form,
        lambda data: field_services.record_field_contact(actor=actor, **data),
        done=_("Kontakten är registrerad."),
        success_url=after,
    )
    if response:
        return response
    shown = list(cases)
    shows(
        request,
        cases=shown,
        persons=[case.person for case in shown],
        field_classes={FieldClass.IDENTITY},
    )
    if not from_case:
        return _form_page(request, form, title=_("Ny kontakt"))
    case_url = reverse("casework:case_detail", args=[from_case.pk])
    return _form_page(request, form, title=_("Ny kontakt"), back_url=case_url, back_label=_("Tillbaka till ärendet"))


def concern_follow_up_view(request, contact_id):
    actor = request.actor
    policies.require(actor, policies.Action.RECORD_FIELD_WORK)
    try:
        contact = field_selectors.get_contact(actor=actor, contact_id=contact_id)
    except FieldContact.DoesNotExist:
        raise Http404 from None
    entry = field_selectors.contact_entry(actor=actor, contact=contact)
    if not entry.may_follow_up:
        raise PermissionDenied
    form = field_forms.ConcernTalkFollowUpForm(request.POST or None, contact=contact)
    response = _submit_once(
        request,
        form,
        lambda data: field_services.record_concern_talk_follow_up(actor=actor, contact=contact, **data),
        done=_("Uppföljningen av orossamtalet är sparad."),
        success_url=reverse(HOME),
    )
    if response:
        return response
    about = entry.person.full_name if entry.person else entry.case.number if entry.case else _("anonym kontakt")
    # The identity only when the intro names the person; a case number or an anonymous contact is none.
    shows(
        request,
        cases=[entry.case] if entry.case else [],
        persons=[entry.person] if entry.person else [],
        field_classes={FieldClass.FIELD_CONTACTS, *([FieldClass.IDENTITY] if entry.person else [])},
    )
    intro = _("Orossamtal %(day)s, %(about)s.") % {"day": contact.occurred_on.isoformat(), "about": about}
    return _form_page(request, form, title=_("Uppföljning av orossamtal"), intro=intro)


def new_visit_view(request):
    actor = request.actor
    policies.require(actor, policies.Action.RECORD_FIELD_WORK)
    form = field_forms.HotSpotVisitForm(request.POST or None, hot_spots=field_selectors.hot_spots(actor=actor))
    response = _submit_once(
        request,
        form,
        lambda data: field_services.record_hot_spot_visit(actor=actor, **data),
        done=_("Tillsynsbesöket är registrerat."),
        success_url=reverse(HOME),
    )
    return response or _form_page(request, form, title=_("Tillsynsbesök"))
