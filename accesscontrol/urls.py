from django.urls import path

from . import views

app_name = "accesscontrol"

urlpatterns = [
    path("", views.start_view, name="start"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/tvafaktor/", views.second_factor_view, name="second_factor"),
    path("login/tvafaktor/aktivera/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("overenskommelse/", views.choose_agreement_view, name="choose_agreement"),
]
