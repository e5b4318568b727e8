"""The auditor's review pages (/granskning/). Every page and export is itself logged as a read of the
log (field class "logs"), with the cases and persons it refers to; a refused visit is logged as denied."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from config.paging import paginate

from . import selectors, services
from .export import access_log_csv
from .forms import AccessLogFilterForm, PersonSearchForm, ReviewFilterForm


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


@dataclass
class _Review:
    """A review page's request, read: the filter form, the person search, the filters in force."""

    request: HttpRequest
    form: ReviewFilterForm
    person_form: PersonSearchForm
    filters: selectors.ReviewFilters

    def log(self, cases, persons, *, export=False) -> None:
        """The review is itself a read of the log, naming the cases and persons it refers to."""
        searched = {self.filters.person_id} if self.filters.person_id else set()
        shows(
            self.request,
            cases=cases,
            persons=set(persons) | searched,
            field_classes=[FieldClass.LOGS],
            export=export,
        )

    def context(self, paging) -> dict:
        since, until = self.filters.period()
        return {
            "form": self.form,
            "person_form": self.person_form,
            "person_reference": selectors.person_reference(self.filters.person_id) if self.filters.person_id else "",
            "paging": paging,
            "page": paging.page,
            "since": since,
            "until": until,
            "query": paging.query,
        }


def _review(request, target: str, form_class, default_filters) -> _Review | HttpResponse:
    """Refuse anyone but an auditor (the agreement's users for the filter are theirs only); run the person
    search (a redirect to `target` on a match); read the filters, falling back to the defaults when they
    are invalid (the form shows why)."""
    users = selectors.agreement_users(actor=request.actor)
    person_form, found = _person_search(request, target)
    if found:
        return found
    form = form_class(request.GET or None, users=users)
    filters = form.filters() if form.is_bound and form.is_valid() else default_filters
    return _Review(request, form, person_form, filters)


@require_http_methods(["GET", "POST"])
def access_log_view(request):
    review = _review(request, "audit:access_log", AccessLogFilterForm, selectors.AccessFilters())
    if isinstance(review, HttpResponse):
        return review
    entries, busy = selectors.review_access_log(actor=request.actor, filters=review.filters)
    paging = paginate(request, entries)
    shown = list(paging.object_list)
    review.log(*selectors.referenced_ids(shown))
    context = {
        **review.context(paging),
        "rows": selectors.review_rows(shown, busy),
        "busy_days": busy,
        "many_persons_limit": settings.SAMSYN_MANY_PERSONS_PER_DAY,
        "office_hours": settings.SAMSYN_OFFICE_HOURS,
    }
    return render(request, "audit/access_log.html", context)


@require_GET
def access_log_export_view(request):
    form = AccessLogFilterForm(request.GET, users=selectors.agreement_users(actor=request.actor))
    if not form.is_valid():
        return redirect(f"{reverse('audit:access_log')}?{request.GET.urlencode()}")
    review = _Review(request, form, PersonSearchForm(), form.filters())
    entries, busy = selectors.review_access_log(actor=request.actor, filters=review.filters)
    shown = list(entries)
    review.log(*selectors.referenced_ids(shown), export=True)
    response = HttpResponse(access_log_csv(selectors.review_rows(shown, busy)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="atkomstlogg-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def change_log_view(request):
    review = _review(request, "audit:change_log", ReviewFilterForm, selectors.ReviewFilters())
    if isinstance(review, HttpResponse):
        return review
    entries = selectors.review_change_log(actor=request.actor, filters=review.filters)
    paging = paginate(request, entries)
    shown = list(paging.object_list)
    review.log(*selectors.changed_objects(shown))
    return render(request, "audit/change_log.html", {**review.context(paging), "rows": selectors.change_rows(shown)})


@require_http_methods(["GET", "POST"])
def verifications_view(request):
    """The runs of the chain check; a POST starts one (a background job), then back here to follow it."""
    if request.method == "POST":
        services.request_chain_check(actor=request.actor)
        return redirect("audit:verifications")
    latest, runs = selectors.verification_history(actor=request.actor)
    check = selectors.latest_chain_check(actor=request.actor)
    shows(request, field_classes=[FieldClass.LOGS])
    return render(request, "audit/verifications.html", {"latest": latest, "runs": runs, "check": check})


@require_GET
def verification_status_view(request):
    """The progress of the latest check, for the page's script (reports' progress.js); ids and figures only."""
    check = selectors.latest_chain_check(actor=request.actor)
    if check is None:
        return JsonResponse({"status": "", "progress": 0})
    return JsonResponse({"status": check.status, "progress": check.progress})
