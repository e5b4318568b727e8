from django.conf import settings
from django.urls import include, path

from . import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accesscontrol.urls")),
    path("", include("casework.urls")),
    path("", include("casework.urls_disclosures")),
    path("", include("casework.administration.urls")),
    path("", include("accesscontrol.approvals.urls")),
    path("", include("audit.urls")),
    path("", include("reports.urls")),
    path("api/", include("reports.api_urls")),
    path("", include("casework.urls_reminders")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
