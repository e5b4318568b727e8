from django.urls import path

from . import views

app_name = "accesscontrol"

urlpatterns = [
    path("", views.start_view, name="start"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/tvafaktor/", views.second_factor_view, name="second_factor"),
    path("login/tvafaktor/aktivera/", views.enrol_view, name="enrol"),
    path("login/losenord/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("logout/", views.logout_view, name="logout"),
    path("konto/", views.account_view, name="account"),
    path("overenskommelse/", views.choose_agreement_view, name="choose_agreement"),
]
