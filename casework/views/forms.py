"""The form page that casework's forms share: GET shows the form; a valid POST runs the service and
redirects; the service's refusals (`ValidationError`) land on the form, which is shown again.

Who may see the page and what it shows (for the access log) are the caller's (`access.case_form_page` for a
form about a case, `meetings._meeting_form_page` for one about a meeting)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def submit(request, form, perform: Callable[[dict], object], *, done: str, success_url):
    """Run the service for a valid POSTed form. Returns the redirect after success, or None with the
    service's refusal on the form. `success_url` may be a callable of the service's result."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = perform(form.cleaned_data)
    except ValidationError as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, done)
    return redirect(success_url(result) if callable(success_url) else success_url)


def form_page(
    request,
    *,
    form_class,
    form_kwargs: dict,
    perform: Callable[[dict], object],
    done: str,
    success_url,
    declare_read: Callable[[], None],
    template: str,
    context: dict,
):
    """A page with one form, `form_class(**form_kwargs)` bound to the POST and its files: after success
    the redirect to `success_url` with the message `done`; otherwise `template` with the form and
    `context`. `declare_read` states what the page shows (accesscontrol.reads.shows), only when it is
    shown: a redirect after success reads nothing."""
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
    if response := submit(request, form, perform, done=done, success_url=success_url):
        return response
    declare_read()
    return render(request, template, {**context, "form": form})
