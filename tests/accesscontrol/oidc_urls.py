"""The project's URLs with the OpenID Connect endpoints, as config.urls adds them when OIDC_ENABLED is on
(with settings.OIDC_CALLBACK_CLASS; test_the_settings_wire_the_endpoints_and_the_backend checks that)."""

from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accesscontrol.oidc import SamsynOIDCCallbackView
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("oidc/callback/", SamsynOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("oidc/authenticate/", OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
]
