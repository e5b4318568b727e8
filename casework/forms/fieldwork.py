"""The field team's quick forms (short, phone-friendly): a contact, an orossamtal's follow-up, a visit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Area, Case, ConcernTalkFollowUp, FieldContact, HotSpot
from config import text_limits

from .base import ServiceForm
from .meetings import CaseChoiceField


class FieldContactForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Typ av kontakt"), choices=FieldContact.Kind.choices, widget=forms.RadioSelect)
    case = CaseChoiceField(
        label=_("Ungdom (svansen)"),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("Ingen identifierad ungdom – anonym kontakt"),
    )
    anonymous_youths = forms.IntegerField(
        label=_("Antal anonyma ungdomar"),
        help_text=_("Vid anonym kontakt: hur många ungdomar i riskmiljö. Inga namn."),
        min_value=0,
        max_value=200,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    occurred_on = forms.DateField(label=_("Datum"), initial=timezone.localdate)
    with_youth = forms.BooleanField(label=_("Med ungdomen"), required=False, initial=True)
    with_parents = forms.BooleanField(label=_("Med föräldrar"), required=False)
    hot_spot = forms.ModelChoiceField(
        label=_("Plats"), queryset=HotSpot.objects.none(), required=False, empty_label=_("Ingen särskild plats")
    )
    area = forms.ModelChoiceField(
        label=_("Område"), queryset=Area.objects.none(), required=False, empty_label=_("Inte angivet")
    )
    note = forms.CharField(
        max_length=text_limits.NOTE, label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, cases, hot_spots, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["hot_spot"].queryset = hot_spots
        self.fields["area"].queryset = Area.objects.filter(agreement=agreement)

    def clean_anonymous_youths(self):
        return self.cleaned_data.get("anonymous_youths") or 0


class ConcernTalkFollowUpForm(ServiceForm):
    followed_up_on = forms.DateField(label=_("Datum"), initial=timezone.localdate)
    youth_reception = forms.ChoiceField(
        label=_("Hur tog ungdomen emot samtalet?"),
        choices=ConcernTalkFollowUp.Reception.choices,
        widget=forms.RadioSelect,
    )
    parents_reception = forms.ChoiceField(
        label=_("Hur tog föräldrarna emot samtalet?"),
        choices=ConcernTalkFollowUp.Reception.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        max_length=text_limits.NOTE, label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who took part in the orossamtal are asked about.
        if not contact.with_youth:
            del self.fields["youth_reception"]
        if not contact.with_parents:
            del self.fields["parents_reception"]


class HotSpotVisitForm(ServiceForm):
    hot_spot = forms.ModelChoiceField(label=_("Plats"), queryset=HotSpot.objects.none())
    visited_on = forms.DateField(label=_("Datum"), initial=timezone.localdate)
    youths_present = forms.IntegerField(
        label=_("Antal ungdomar på plats"),
        min_value=0,
        max_value=500,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    observations = forms.CharField(
        max_length=text_limits.NOTE, label=_("Iakttagelser"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, hot_spots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hot_spot"].queryset = hot_spots
