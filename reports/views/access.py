"""Refusals of report pages: recorded in the access log, then answered 403 (role) or 404 (object)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from audit.access import log_denied


def refusals_logged(page: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except (PermissionDenied, Http404):
                log_denied(request, page=page)
                raise

        return wrapper

    return decorator


def attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
