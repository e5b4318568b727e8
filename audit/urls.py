from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("granskning/atkomst/", views.access_log_view, name="access_log"),
    path("granskning/atkomst/export.csv", views.access_log_export_view, name="access_log_export"),
    path("granskning/andringar/", views.change_log_view, name="change_log"),
    path("granskning/kontroll/", views.verifications_view, name="verifications"),
    path("granskning/kontroll/status/", views.verification_status_view, name="verification_status"),
]
