"""How casework pages answer when the actor may not see something, and the form page about one case.

A case outside the actor's scope is answered with 404 (a guessed address must not reveal that the case
exists); a page the actor's roles do not give is a 403. audit.access.AccessLogMiddleware records both.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accesscontrol import policies
from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.models import Case
from casework.selectors import cases as case_selectors

from .forms import form_page


def visible_case_or_404(request, case_id) -> Case:
    try:
        return case_selectors.get_case(actor=request.actor, case_id=case_id)
    except Case.DoesNotExist:
        raise Http404 from None


def refused_by_state(request, action: policies.Action, subject=None, *, back: str):
    """Back to `back` with the policy's Swedish reason when the state refuses `action` (a closed case, locked
    minutes, an agreement that has ended); None when it may go ahead. Who the actor is stays a 403."""
    try:
        policies.require(request.actor, action, subject)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(back)
    return None


def case_form_page(
    request,
    case_id,
    *,
    action: policies.Action,
    form_class,
    perform: Callable[[Case, dict], object],
    title: str,
    submit_label: str,
    done: str,
    form_kwargs: Callable[[Case], dict] | None = None,
    shown: tuple = (),
    intro: Callable[[case_selectors.CasePage], str] | None = None,
):
    """A form for `action` on one case: 404 outside the actor's scope, 403 when the policy refuses the
    actor; when it refuses the case's state (closed meanwhile, say), back to the case page with the
    policy's reason. The service's refusals land on the form; success goes back to the case page.

    `shown` names the field classes the form shows beyond the heading (e.g. a prefilled assessment),
    for the access log."""
    case = visible_case_or_404(request, case_id)
    case_page = case_selectors.case_page(actor=request.actor, case=case)
    if refused := refused_by_state(
        request, action, case_page.subject, back=reverse("casework:case_detail", args=[case.pk])
    ):
        return refused

    def declare_read():
        field_classes = {FieldClass.CASE_FRAME, *shown}
        if case_page.person:
            field_classes.add(FieldClass.IDENTITY)
        shows(request, cases=[case], persons=case_page.persons, field_classes=field_classes)

    return form_page(
        request,
        form_class=form_class,
        form_kwargs=form_kwargs(case) if form_kwargs else {},
        perform=lambda data: perform(case, data),
        done=done,
        success_url=reverse("casework:case_detail", args=[case.pk]),
        declare_read=declare_read,
        template="casework/case_form.html",
        context={
            "case": case,
            "case_page": case_page,
            "title": title,
            "submit_label": submit_label,
            "intro": intro(case_page) if intro else "",
        },
    )
