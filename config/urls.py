from django.urls import include, path

from . import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accesscontrol.urls")),
]
