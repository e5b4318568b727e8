"""Long reports: order one, follow its progress, download the finished file (the requester only)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accesscontrol.reads import shows
from casework.periods import agreement_years
from encryption import crypto

from .. import services
from ..forms import ReportRequestForm
from ..models import ReportJob
from ..selectors import jobs as selectors
from ..tasks import file_aad
from .access import attachment

CONTENT_TYPES = {
    ReportJob.Format.PDF: "application/pdf",
    ReportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "POST"])
def jobs(request):
    kinds = selectors.report_kinds(actor=request.actor)
    years = agreement_years(request.actor.agreement)[::-1]
    initial = {"kind": request.GET.get("rapport", kinds[0]), "file_format": ReportJob.Format.PDF}
    if request.GET.get("ar", "").isdigit():
        initial["first_year"] = initial["last_year"] = int(request.GET["ar"])
    form = ReportRequestForm.with_choices(request.POST or None, kinds=kinds, years=years, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.request_report(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("reports:job", job=job.pk)
    context = {"form": form, "jobs": selectors.my_jobs(actor=request.actor)}
    return render(request, "reports/jobs/list.html", context)


def _job(request, job_id):
    """The requester's own job; anyone else gets 404 (recorded in the access log, audit.access)."""
    try:
        return selectors.my_job(actor=request.actor, job_id=job_id)
    except ReportJob.DoesNotExist:
        raise Http404 from None


@require_GET
def job(request, job):
    report = _job(request, job)
    return render(request, "reports/jobs/detail.html", {"job": report})


@require_GET
def job_status(request, job):
    report = _job(request, job)
    return JsonResponse({"status": report.status, "progress": report.progress})


@require_GET
def job_file(request, job):
    report = _job(request, job)
    if report.status != ReportJob.Status.DONE or not report.sealed_file:
        raise Http404
    where = f"reports_reportjob.sealed_file (rad {report.pk})"
    content = crypto.open_sealed(report.sealed_file, aad=file_aad(report), where=where)
    shows(request, cases=report.case_ids, export=True)
    return attachment(HttpResponse(content, content_type=CONTENT_TYPES[report.file_format]), report.filename)
