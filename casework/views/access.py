"""How casework pages answer when the actor may not see something, and the form page about one case.

A case outside the actor's scope is answered with 404 and a denied entry in the access log (a guessed
address must not reveal that the case exists); a page the actor's roles do not give is a 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accesscontrol.visibility import FieldClass
from audit.access import log_denied, log_read
from casework.models import Case, CaseStatus
from casework.selectors import cases as case_selectors

from .forms import form_page


def visible_case_or_404(request, case_id, *, page: str) -> Case:
    try:
        return case_selectors.get_case(actor=request.actor, case_id=case_id)
    except Case.DoesNotExist:
        log_denied(request, page=page, cases=[case_id])
        raise Http404 from None


def case_form_page(
    request,
    case_id,
    *,
    page: str,
    may: Callable[[case_selectors.CasePage], bool],
    form_class,
    perform: Callable[[Case, dict], object],
    title: str,
    submit_label: str,
    done: str,
    form_kwargs: Callable[[Case], dict] | None = None,
    shown: tuple = (),
    intro: Callable[[case_selectors.CasePage], str] | None = None,
    when_closed: tuple[str, str] | None = None,
):
    """A form about one case: 404 outside the actor's scope, 403 when the actor may not do this to the
    case; the service's refusals land on the form; success goes back to the case page.

    `shown` names the field classes the form shows beyond the heading (e.g. a prefilled assessment),
    for the access log. `when_closed` is (the field class the form writes, why it cannot be done): a
    user whose role may write it, following a link to a case closed meanwhile, is sent back to the case
    page with that reason instead of a refusal that blames their role."""
    case = visible_case_or_404(request, case_id, page=page)
    case_page = case_selectors.case_page(actor=request.actor, case=case)
    if when_closed and case.status == CaseStatus.CLOSED and when_closed[0] in case_page.writable:
        messages.error(request, when_closed[1])
        return redirect("casework:case_detail", case.pk)
    if not may(case_page):
        raise PermissionDenied

    def log():
        field_classes = {FieldClass.CASE_FRAME, *shown}
        if case_page.person:
            field_classes.add(FieldClass.IDENTITY)
        log_read(request, page=page, cases=[case], persons=case_page.persons, field_classes=field_classes)

    return form_page(
        request,
        form_class=form_class,
        form_kwargs=form_kwargs(case) if form_kwargs else {},
        perform=lambda data: perform(case, data),
        done=done,
        success_url=reverse("casework:case_detail", args=[case.pk]),
        log=log,
        template="casework/case_form.html",
        context={
            "case": case,
            "case_page": case_page,
            "title": title,
            "submit_label": submit_label,
            "intro": intro(case_page) if intro else "",
        },
    )
