"""Case attachments: adding one, and downloading one (each download is an export in the access log)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.reads import shows
from casework.forms.attachments import AttachmentForm
from casework.models import CaseAttachment
from casework.selectors import attachments as attachment_selectors
from casework.selectors import cases as case_selectors
from casework.services import attachments as attachment_services
from casework.uploads import held_in_memory

from .access import case_form_page, visible_case_or_404


@held_in_memory(lambda: settings.SAMSYN_ATTACHMENT_MAX_BYTES)
def add_attachment_view(request, case_id, handler):
    def perform(case, data):
        if handler.too_large:
            raise attachment_services.too_large_error()
        return attachment_services.add_attachment(
            actor=request.actor,
            case=case,
            kind=data["kind"],
            field_class=data["field_class"],
            upload=data["file"],
        )

    return case_form_page(
        request,
        case_id,
        action=policies.Action.ATTACH_DOCUMENT,
        form_class=AttachmentForm,
        form_kwargs=lambda case: {
            "classes": attachment_selectors.attachable_classes(
                case_selectors.case_page(actor=request.actor, case=case).writable
            )
        },
        perform=perform,
        title=_("Lägg till en bilaga"),
        submit_label=_("Ladda upp"),
        done=_("Bilagan är sparad."),
    )


def attachment_view(request, case_id, attachment_id):
    """The file, to whoever reads its field class of the case; 404 (and a denied entry) for anyone else,
    so an attachment the actor may not read is not shown to exist."""
    case = visible_case_or_404(request, case_id)
    page = case_selectors.case_page(actor=request.actor, case=case)
    try:
        attachment = attachment_selectors.get_attachment(case=case, readable=page.readable, attachment_id=attachment_id)
    except CaseAttachment.DoesNotExist:
        raise Http404 from None
    content = attachment_selectors.attachment_content(attachment)
    # A document about the youth: it names the person whether or not the page shows the identity.
    shows(
        request,
        cases=[case],
        persons=[case.person],
        field_classes=[attachment.field_class],
        export=True,
    )
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.file_name)
    return response
