"""Forms for what the social services do for a case: interventions offered, follow-ups written."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import FollowUp, Intervention, InterventionType
from config import text_limits

from .base import ServiceForm


class InterventionResponseForm(ServiceForm):
    response = forms.ChoiceField(
        label=_("Ungdomens svar"), choices=Intervention.Response.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(label=_("Start"), required=False, help_text=_("Bara om ungdomen har tackat ja."))
    ends_on = forms.DateField(label=_("Slut"), required=False)
    provider = forms.CharField(label=_("Utförare"), max_length=200, required=False)
    occasions = forms.IntegerField(label=_("Antal tillfällen"), min_value=0, required=False)
    answered_on = forms.DateField(
        label=_("Datum för svaret"),
        help_text=_("När ungdomen svarade eller insatsen ändrades; dagens datum om du inte för in det i efterhand."),
        initial=timezone.localdate,
        required=False,
    )


class InterventionForm(InterventionResponseForm):
    answered_on = None  # an offer is dated by when it was offered
    intervention_type = forms.ModelChoiceField(label=_("Insats"), queryset=InterventionType.objects.none())
    offered_on = forms.DateField(label=_("Erbjuden"), initial=timezone.localdate)
    note = forms.CharField(
        max_length=text_limits.NOTE, label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    field_order = ["intervention_type", "offered_on", "response", "starts_on", "ends_on", "provider", "occasions"]

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("response", Intervention.Response.PENDING)
        super().__init__(*args, **kwargs)
        self.fields["intervention_type"].queryset = InterventionType.objects.filter(
            agreement_id=case.agreement_id, active=True
        )


class FollowUpForm(ServiceForm):
    written_on = forms.DateField(label=_("Datum för uppföljningen"), initial=timezone.localdate)
    youth_view = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Ungdomens egen bild (och föräldrarnas)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    social_view = forms.CharField(
        max_length=text_limits.DECISION, label=_("Socialtjänstens bild"), widget=forms.Textarea(attrs={"rows": 4})
    )
    police_view = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Polisens bild"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    partners_view = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Samverkanspartners bild"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    helped = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Vad har hjälpt?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    hindered = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Vad har hindrat?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    collaboration = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Bedömning av samverkan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    outcome = forms.ChoiceField(label=_("Utfall"), choices=FollowUp.Outcome.choices, widget=forms.RadioSelect)
