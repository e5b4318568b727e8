from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY

from . import second_factor
from .actor import agreements_of
from .forms import ChooseAgreementForm, LoginForm, SetPasswordForm, TokenForm
from .start import start_page_sections, sysadmins_to_contact


class LoginView(auth_views.LoginView):
    template_name = "accesscontrol/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        # Keep where the user was going; the second factor comes first.
        response = super().form_valid(form)
        # Django's login() keeps the key when the same user signs in again on a session that already
        # holds them: the password step always hands out a new key (the second factor another one).
        # It starts a new sign-in, with a new absolute lifetime: an earlier second factor does not count.
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        self.request.session.cycle_key()
        self.request.session["after_second_factor"] = self.get_redirect_url() or ""
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "slowed_down"):
            response.status_code = 429
        return response

    def get_success_url(self):
        return reverse("accesscontrol:second_factor")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": settings.OIDC_ENABLED}


def _after_login(request):
    target = request.session.pop("after_second_factor", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("accesscontrol:start")


@never_cache
def second_factor_view(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_verified():
        return redirect("accesscontrol:start")
    if second_factor.confirmed_totp(request.user) is None:
        return redirect("accesscontrol:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if not _throttled(form, request.user, token) and second_factor.verify_second_factor(request, token):
            return _after_login(request)
        _refuse_code(form)
    return render(request, "accesscontrol/second_factor.html", {"form": form})


def _throttled(form, user, token) -> bool:
    """django-otp refuses every code for a while after a wrong one; say how long instead of 'wrong'."""
    wait = second_factor.retry_in_seconds(user, token)
    if wait:
        form.add_error(
            "token",
            ngettext(
                "För många felaktiga försök. Vänta %(seconds)s sekund och försök igen.",
                "För många felaktiga försök. Vänta %(seconds)s sekunder och försök igen.",
                wait,
            )
            % {"seconds": wait},
        )
    return bool(wait)


def _refuse_code(form) -> None:
    if "token" not in form.errors:
        form.add_error("token", _("Koden stämmer inte. Vänta på nästa kod i appen och försök igen."))


@never_cache
def enrol_view(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_verified() or second_factor.confirmed_totp(request.user) is not None:
        return redirect("accesscontrol:second_factor")
    device = second_factor.pending_totp(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        codes = (
            None if _throttled(form, request.user, token) else second_factor.confirm_enrolment(request, device, token)
        )
        if codes is not None:
            return render(request, "accesscontrol/recovery_codes.html", {"codes": codes, "enrolled": True})
        _refuse_code(form)
    context = {
        "form": form,
        "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_base32(device),
    }
    return render(request, "accesscontrol/enrol.html", context)


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("Du är utloggad."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def account_view(request):
    """The signed-in user's own security settings: how many recovery codes are left, and new ones in
    exchange for a current code from the app (a session left open is not enough to take them)."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if not _throttled(form, request.user, token) and second_factor.verify_current_code(request.user, token):
            codes = second_factor.replace_recovery_codes(request.user)
            return render(request, "accesscontrol/recovery_codes.html", {"codes": codes, "enrolled": False})
        _refuse_code(form)
    context = {
        "form": form,
        "codes_left": second_factor.recovery_codes_left(request.user),
        "has_app": second_factor.confirmed_totp(request.user) is not None,
        "several_agreements": agreements_of(request.user).count() > 1,
    }
    return render(request, "accesscontrol/account.html", context)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link a new user (or one whose login was reset) gets by e-mail. Django's token
    includes the password hash, so the link stops working once a password is set."""

    template_name = "accesscontrol/set_password.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy(settings.LOGIN_URL)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Lösenordet är sparat. Logga in med det nya lösenordet."))
        return response


def start_view(request):
    context = {"sections": start_page_sections(request.actor)}
    if request.actor is None or not request.actor.roles:
        context["sysadmins"] = sysadmins_to_contact(request.user)
    return render(request, "accesscontrol/start.html", context)


def choose_agreement_view(request):
    agreements = list(agreements_of(request.user))
    form = ChooseAgreementForm(request.POST or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        request.session["agreement_id"] = int(form.cleaned_data["agreement"])
        return redirect("accesscontrol:start")
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "accesscontrol/choose_agreement.html", {"form": form})
