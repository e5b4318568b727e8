from django.urls import path

from . import views

app_name = "administration"

urlpatterns = [
    path("administration/", views.index_view, name="index"),
    path("administration/overenskommelse/", views.agreement_view, name="agreement"),
    path("administration/overenskommelse/ny/", views.new_agreement_view, name="agreement_create"),
    path("administration/anvandare/<int:user_id>/aterstall-inloggning/", views.reset_login_view, name="users_reset"),
    path("administration/mal/<int:target_id>/ta-bort/", views.delete_target_view, name="targets_delete"),
    *views.section_urls(),
]
