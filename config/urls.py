from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accesscontrol.urls")),
    path("", include("casework.urls")),
    path("", include("casework.urls_reminders")),
]
