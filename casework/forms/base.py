"""The base of casework forms: a form whose service's refusals land on the right fields.

Forms check the shape of the input (required, choices, date format); the rules (future dates, windows,
who may act, open cases) live in the services, which raise ValidationError keyed by field name.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.forms import Form


def age_confirmation_field() -> forms.BooleanField:
    """Declared on forms whose service checks the age; shown only with the warning (`ask_age`)."""
    return forms.BooleanField(label=_("Jag har kontrollerat åldern"), required=False)


class ServiceForm(Form):
    _age_warning = False

    @property
    def ask_age(self) -> bool:
        """Show the age confirmation: the service has warned, or the confirmation was posted."""
        return "age_confirmed" in self.fields and (self._age_warning or "age_confirmed" in self.data)

    def add_service_error(self, exc: ValidationError) -> None:
        """Put a service's refusal on the fields it names; anything else above the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
            self._age_warning = self._age_warning or name == "age_confirmed"
