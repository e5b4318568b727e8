"""/metrics: Prometheus metrics for the operator's monitoring, behind a bearer token.

django-prometheus collects request counts and latencies per view name, database and cache
operations, and process figures: no paths, no query strings, no model contents, so nothing in the
body identifies a person. The endpoint is still not public (it shows the load and the views used),
so it answers only to `Authorization: Bearer <SAMSYN_METRICS_TOKEN>`, and does not exist at all
while that setting is empty.
"""

import hmac

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView


def _presented_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@never_cache
@require_GET
def metrics(request):
    expected = settings.SAMSYN_METRICS_TOKEN
    if not expected:
        return HttpResponseNotFound()  # switched off: no endpoint, so no refusal for the access log
    presented = _presented_token(request)
    if not presented:
        response = HttpResponse("Authorization: Bearer <token> required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    return ExportToDjangoView(request)
