"""The case summary PDF of the social manager, logged as an export like the other files."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from accesscontrol.reads import shows
from casework.views.access import visible_case_or_404
from config.pdf import PdfUnavailable, pdf_unavailable_response

from .. import exports
from ..selectors.case_summary import case_summary
from .access import attachment


@require_GET
def case_summary_pdf(request, case_id):
    case = visible_case_or_404(request, case_id)
    summary = case_summary(actor=request.actor, case=case)
    try:
        content = exports.pdf_bytes("reports/print/case_summary.html", {"summary": summary, "page": summary.page})
    except PdfUnavailable:
        return pdf_unavailable_response(request)
    page = summary.page
    shows(request, cases=[case], persons=page.persons, field_classes=page.readable, export=True)
    response = HttpResponse(content, content_type="application/pdf")
    return attachment(response, f"samsyn-arende-{case.number}.pdf")
