"""The approver's pages: the requests waiting for their decision, and one request to approve or reject."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accesscontrol.models import AccessRequest, Role
from config.forms import button_pressed

from . import selectors, services


def describe(request: AccessRequest) -> str:
    """What the request would change, in words."""
    if request.kind == AccessRequest.Kind.ROLES:
        return ", ".join(str(Role(role).label) for role in request.roles)
    if request.kind == AccessRequest.Kind.EMAIL:
        return _("Från %(old)s till %(new)s") % {"old": request.previous_email or "–", "new": request.email}
    return _("Lösenord och tvåstegsinloggning tas bort; en ny länk skickas till %(email)s") % {
        "email": request.previous_email
    }


@require_http_methods(["GET"])
def list_view(request):
    requests = selectors.decidable_requests(actor=request.actor)
    pending = [
        {"request": r, "what": describe(r), "not_mine": selectors.own_request_reason(request.actor, r)}
        for r in requests.filter(status=AccessRequest.Status.PENDING).order_by("requested_at")
    ]
    decided = [{"request": r, "what": describe(r)} for r in requests.exclude(status=AccessRequest.Status.PENDING)[:20]]
    return render(request, "accesscontrol/approvals/list.html", {"pending": pending, "decided": decided})


@require_http_methods(["GET", "POST"])
def decide_view(request, access_request_id):
    access_request = selectors.decidable_requests(actor=request.actor).filter(pk=access_request_id).first()
    if access_request is None:
        raise Http404
    if request.method == "POST":
        decision = request.POST.get("decision")
        service = {"approve": services.approve, "reject": services.reject}.get(decision)
        if service is None:
            messages.error(request, _("Välj om du godkänner eller avslår ändringen."))
            return redirect("approvals:decide", access_request_id=access_request.pk)
        done = _("Ändringen är godkänd och genomförd.") if decision == "approve" else _("Ändringen är avslagen.")
        if not button_pressed(request, lambda: service(actor=request.actor, request=access_request), done=done):
            return redirect("approvals:decide", access_request_id=access_request.pk)
        return redirect("approvals:list")
    context = {
        "access_request": access_request,
        "what": describe(access_request),
        "not_mine": selectors.own_request_reason(request.actor, access_request),
        "pending": access_request.status == AccessRequest.Status.PENDING,
    }
    return render(request, "accesscontrol/approvals/decide.html", context)
