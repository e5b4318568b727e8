from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from config.forms import GovukFormMixin


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    password = forms.CharField(label=_("Lösenord"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Kontrollera stavningen och försök igen."),
        "inactive": _("Kontot är inte aktivt. Kontakta systemförvaltaren."),
    }


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
