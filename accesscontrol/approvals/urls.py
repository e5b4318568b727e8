from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("behorigheter/", views.list_view, name="list"),
    path("behorigheter/<int:access_request_id>/", views.decide_view, name="decide"),
]
