from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config import text_limits
from config.forms import GovukFormMixin

from . import login_throttle
from .models import User


def refuse_end_before_start(form, cleaned: dict) -> None:
    """An agreement's period, the same wherever it is given: the first run or the administration."""
    starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
    if starts and ends and ends < starts:
        form.add_error("ends_on", _("Överenskommelsen kan inte upphöra innan den börjar gälla."))


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    password = forms.CharField(label=_("Lösenord"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Kontrollera stavningen och försök igen."),
        "inactive": _("Kontot är inte aktivt. Kontakta systemförvaltaren."),
    }

    def clean(self):
        # Many failures for this username from anywhere: wait before the password is even checked.
        if wait := login_throttle.wait_seconds(self.cleaned_data.get("username")):
            raise ValidationError(
                ngettext(
                    "Många misslyckade inloggningar för det här användarnamnet. Vänta %(seconds)s sekund "
                    "och försök igen.",
                    "Många misslyckade inloggningar för det här användarnamnet. Vänta %(seconds)s sekunder "
                    "och försök igen.",
                    wait,
                )
                % {"seconds": wait},
                code="slowed_down",
            )
        return super().clean()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod"),
        help_text=_("Sex siffror från din autentiseringsapp, eller en av dina reservkoder."),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class ChooseAgreementForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Överenskommelse"), widget=forms.RadioSelect)

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [(a.pk, a.name) for a in agreements]


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    """Django's set-password form (the password validators of settings) with GOV.UK classes."""


_DATE_FORMAT = _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-01-01.")


class FirstRunForm(forms.Form):
    """The input of `manage.py setup_samsyn` (flags, environment or prompts), checked before anything is
    made: names given, dates that parse and come in order, a username and e-mail address Django accepts,
    and a password that passes the password validators of settings. casework.installation checks
    what the database already holds."""

    social_services = forms.CharField(
        max_length=200, error_messages={"required": _("Ange namnet på kommunens socialtjänst.")}
    )
    police = forms.CharField(max_length=200, error_messages={"required": _("Ange namnet på lokalpolisområdet.")})
    agreement = forms.CharField(max_length=200, error_messages={"required": _("Ange överenskommelsens namn.")})
    starts_on = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"required": _("Ange datumet då överenskommelsen börjar gälla."), "invalid": _DATE_FORMAT},
    )
    ends_on = forms.DateField(input_formats=["%Y-%m-%d"], required=False, error_messages={"invalid": _DATE_FORMAT})
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": _("Ange ett användarnamn för den första systemförvaltaren.")},
    )
    email = forms.EmailField(error_messages={"required": _("Ange den första systemförvaltarens e-postadress.")})
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        max_length=text_limits.SHORT,
        strip=False,
        error_messages={"required": _("Ange ett lösenord för den första systemförvaltaren.")},
    )

    def clean(self):
        cleaned = super().clean()
        refuse_end_before_start(self, cleaned)
        social, police = cleaned.get("social_services"), cleaned.get("police")
        if social and police and social.casefold() == police.casefold():
            self.add_error("police", _("Socialtjänsten och polisen behöver olika namn."))
        password = cleaned.get("password")
        if password:
            details = {name: cleaned.get(name) or "" for name in ("username", "email", "first_name", "last_name")}
            try:
                password_validation.validate_password(password, user=User(**details))
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned
