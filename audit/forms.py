from django import forms
from django.utils.translation import gettext_lazy as _

from casework import personal_numbers
from config.forms import Form

from .selectors import FLAG_LABELS, AccessFilters, ReviewFilters


class ReviewFilterForm(Form):
    """Who, about whom, when. The person arrives as a pseudonymous id from the personnummer search,
    never as a personnummer in the address."""

    case_number = forms.CharField(label=_("Ärendenummer"), required=False, max_length=20)
    since = forms.DateField(label=_("Från och med"), required=False)
    until = forms.DateField(label=_("Till och med"), required=False)
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, users, **kwargs):
        # The user field is built before the form, because GovukFormMixin validates during __init__.
        user = forms.TypedChoiceField(
            label=_("Användare"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("Alla användare"))]
            + [(user.pk, f"{user.get_full_name() or user.username} ({user.username})") for user in users],
        )
        self.base_fields = {"user": user, **type(self).base_fields}
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("Slutdatumet kan inte ligga före startdatumet."))
        return cleaned

    def filter_values(self) -> dict:
        data = self.cleaned_data
        return {
            "user_id": data.get("user"),
            "person_id": str(data["person"]) if data.get("person") else None,
            "case_number": (data.get("case_number") or "").strip(),
            "since": data.get("since"),
            "until": data.get("until"),
        }

    def filters(self) -> ReviewFilters:
        return ReviewFilters(**self.filter_values())


class AccessLogFilterForm(ReviewFilterForm):
    flags = forms.MultipleChoiceField(
        label=_("Visa bara poster som är"),
        required=False,
        choices=list(FLAG_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    own_reviews = forms.BooleanField(
        label=_("Visa mina egna granskningar av loggarna"),
        required=False,
        help_text=_(
            "Varje sida och personsökning här loggas och namnger personerna och ärendena den visar. "
            "Dina egna granskningar döljs därför, så att de inte fyller nästa sökning. Andra granskares visas alltid."
        ),
    )

    def filters(self) -> AccessFilters:
        flags = set(self.cleaned_data.get("flags") or ())
        own_reviews = bool(self.cleaned_data.get("own_reviews"))
        return AccessFilters(**self.filter_values(), own_reviews=own_reviews, **dict.fromkeys(flags, True))


class PersonSearchForm(Form):
    personal_number = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        help_text=_("Personen söks utan att numret visas eller sparas i loggen; du ser bara en referens."),
    )

    def clean_personal_number(self):
        text = self.cleaned_data["personal_number"]
        try:
            personal_numbers.parse(text)
        except personal_numbers.InvalidPersonalNumber as error:
            raise forms.ValidationError(str(error)) from None
        return text
