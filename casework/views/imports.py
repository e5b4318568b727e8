"""Import of old lists: upload and preview, confirm or cancel, follow the import, download the template.

The upload is read into memory only (casework.uploads.held_in_memory): Django would otherwise put a large
upload in a temporary file, in plaintext, on the server's disk.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accesscontrol.reads import shows
from accesscontrol.visibility import FieldClass
from casework.forms.imports import ImportUploadForm
from casework.imports import reading, template
from casework.models import CaseImport
from casework.selectors import imports as selectors
from casework.services import imports as services
from casework.uploads import held_in_memory


def _own(request, import_id) -> CaseImport:
    try:
        return selectors.my_import(actor=request.actor, import_id=import_id)
    except CaseImport.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@held_in_memory(reading.max_bytes)
def import_list_view(request, handler):
    imports = selectors.my_imports(actor=request.actor)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if handler.too_large:
            form.is_valid()  # the dropped file reads as missing; say why instead
            form.errors["file"] = form.error_class([reading.too_large_message()])
        elif form.is_valid():
            try:
                case_import = services.upload_import(actor=request.actor, content=form.cleaned_data["file"].read())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                return redirect("casework:import_detail", import_id=case_import.pk)
    return render(request, "casework/imports/list.html", {"form": form, "imports": imports[:50]})


@require_GET
def import_template_view(request):
    selectors.my_imports(actor=request.actor)  # the social manager's, like the rest of the import
    response = HttpResponse(template.workbook_bytes(), content_type=template.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="samsyn-importmall.xlsx"'
    return response


@require_GET
def import_detail_view(request, import_id):
    case_import = _own(request, import_id)
    plan = selectors.import_preview(actor=request.actor, case_import=case_import)
    if plan is not None:
        # The preview shows the file's names and numbers, and the numbers of cases they match.
        shows(request, field_classes={FieldClass.IDENTITY})
    context = {"case_import": case_import, "plan": plan, "progress": selectors.import_progress(case_import)}
    return render(request, "casework/imports/detail.html", context)


@require_GET
def import_status_view(request, import_id):
    case_import = _own(request, import_id)
    return JsonResponse({"status": case_import.status, "progress": selectors.import_progress(case_import)})


def _decide(request, import_id, service):
    case_import = _own(request, import_id)
    # Already confirmed or cancelled (a second click): the page shows where it stands.
    with contextlib.suppress(ValidationError):
        service(actor=request.actor, case_import=case_import)
    return redirect("casework:import_detail", import_id=case_import.pk)


@require_POST
def import_confirm_view(request, import_id):
    return _decide(request, import_id, services.confirm_import)


@require_POST
def import_cancel_view(request, import_id):
    return _decide(request, import_id, services.cancel_import)
