"""The auditor's review pages (/granskning/). Every page and export is itself logged as a read of the
log (field class "logs"), with the cases and persons it refers to; a refused visit is logged as denied."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accesscontrol.visibility import FieldClass

from . import selectors
from .access import log_denied, log_read
from .export import access_log_csv
from .forms import AccessLogFilterForm, PersonSearchForm, ReviewFilterForm

PER_PAGE = 50


def _users_or_refuse(request, page: str):
    """The agreement's users for the filter; the same call refuses (and logs) anyone but an auditor."""
    try:
        return selectors.agreement_users(actor=request.actor)
    except PermissionDenied:
        log_denied(request, page=page)
        raise


def _person_search(request, target: str):
    """The personnummer search: on a match, back to the page with the person's pseudonymous id in the
    address (POST keeps the number itself out of addresses and server logs)."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        person = selectors.find_person_by_personal_number(
            actor=request.actor, text=form.cleaned_data["personal_number"]
        )
        if person is not None:
            query = request.GET.copy()
            query["person"] = str(person.pk)
            query.pop("sida", None)
            return form, redirect(f"{reverse(target)}?{query.urlencode()}")
        form.add_error("personal_number", _("Ingen person med det numret finns i överenskommelsen."))
    return form, None


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()


@require_http_methods(["GET", "POST"])
def access_log_view(request):
    page_name = "audit:access_log"
    users = _users_or_refuse(request, page_name)
    person_form, found = _person_search(request, page_name)
    if found:
        return found
    form = AccessLogFilterForm(request.GET or None, users=users)
    filters = form.filters() if form.is_bound and form.is_valid() else selectors.AccessFilters()
    entries, busy = selectors.review_access_log(actor=request.actor, filters=filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("sida"))
    shown = list(page.object_list)
    cases, persons = selectors.referenced_ids(shown)
    log_read(
        request,
        page=page_name,
        cases=cases,
        persons=persons | ({filters.person_id} if filters.person_id else set()),
        field_classes=[FieldClass.LOGS],
    )
    since, until = filters.period()
    context = {
        "form": form,
        "person_form": person_form,
        "person_reference": selectors.person_reference(filters.person_id) if filters.person_id else "",
        "rows": selectors.review_rows(shown, busy),
        "busy_days": busy,
        "page": page,
        "since": since,
        "until": until,
        "query": _query_without_page(request),
        "many_persons_limit": settings.SAMSYN_MANY_PERSONS_PER_DAY,
        "office_hours": settings.SAMSYN_OFFICE_HOURS,
    }
    return render(request, "audit/access_log.html", context)


@require_GET
def access_log_export_view(request):
    page_name = "audit:access_log_export"
    users = _users_or_refuse(request, page_name)
    form = AccessLogFilterForm(request.GET, users=users)
    if not form.is_valid():
        return redirect(f"{reverse('audit:access_log')}?{request.GET.urlencode()}")
    filters = form.filters()
    entries, busy = selectors.review_access_log(actor=request.actor, filters=filters)
    shown = list(entries)
    cases, persons = selectors.referenced_ids(shown)
    log_read(
        request,
        page=page_name,
        cases=cases,
        persons=persons | ({filters.person_id} if filters.person_id else set()),
        field_classes=[FieldClass.LOGS],
        export=True,
    )
    response = HttpResponse(access_log_csv(selectors.review_rows(shown, busy)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="atkomstlogg-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def change_log_view(request):
    page_name = "audit:change_log"
    users = _users_or_refuse(request, page_name)
    person_form, found = _person_search(request, page_name)
    if found:
        return found
    form = ReviewFilterForm(request.GET or None, users=users)
    filters = form.filters() if form.is_bound and form.is_valid() else selectors.ReviewFilters()
    entries = selectors.review_change_log(actor=request.actor, filters=filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("sida"))
    shown = list(page.object_list)
    cases, persons = selectors.changed_objects(shown)
    log_read(
        request,
        page=page_name,
        cases=cases,
        persons=persons | ({filters.person_id} if filters.person_id else set()),
        field_classes=[FieldClass.LOGS],
    )
    since, until = filters.period()
    context = {
        "form": form,
        "person_form": person_form,
        "person_reference": selectors.person_reference(filters.person_id) if filters.person_id else "",
        "rows": selectors.change_rows(shown),
        "page": page,
        "since": since,
        "until": until,
        "query": _query_without_page(request),
    }
    return render(request, "audit/change_log.html", context)


@require_GET
def verifications_view(request):
    page_name = "audit:verifications"
    try:
        latest, runs = selectors.verification_history(actor=request.actor)
    except PermissionDenied:
        log_denied(request, page=page_name)
        raise
    log_read(request, page=page_name, field_classes=[FieldClass.LOGS])
    return render(request, "audit/verifications.html", {"latest": latest, "runs": runs})
