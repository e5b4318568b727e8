"""Consents and disclosures of a case (casework.views.disclosures)."""

from django.urls import path

from casework.views import disclosures as views

app_name = "disclosures"

urlpatterns = [
    path("arenden/<uuid:case_id>/utlamnanden/", views.disclosures_view, name="index"),
    path("arenden/<uuid:case_id>/utlamnanden/nytt/", views.disclose_view, name="disclose"),
    path(
        "arenden/<uuid:case_id>/utlamnanden/<uuid:disclosure_id>/aterkalla/",
        views.withdraw_disclosure_view,
        name="withdraw",
    ),
    path("arenden/<uuid:case_id>/samtycken/nytt/", views.record_consent_view, name="record_consent"),
    path(
        "arenden/<uuid:case_id>/samtycken/<uuid:consent_id>/aterkalla/",
        views.withdraw_consent_view,
        name="withdraw_consent",
    ),
]
