"""Forms that correct a saved record (casework.services.corrections): the record's own fields, prefilled
with what was saved, and the reason for the correction."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Correction, FieldContact, RealisticAlternative
from config import text_limits

from .base import ServiceForm
from .care import FollowUpForm
from .cases import assessed_on_field


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Skäl till rättelsen"),
        help_text=_("Kort: vad var fel? Skälet och den tidigare versionen syns i ärendets historik."),
        max_length=text_limits.text_limit(Correction._meta.get_field("reason")),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpCorrectionForm(FollowUpForm):
    reason = reason_field()


class SocialAssessmentCorrectionForm(ServiceForm):
    assessment = forms.CharField(
        max_length=text_limits.REASONING, label=_("Socialtjänstens bedömning"), widget=forms.Textarea(attrs={"rows": 6})
    )
    realistic_alternative = forms.ChoiceField(
        label=_("Realistiskt alternativ till hemmaplanslösning"),
        choices=RealisticAlternative.choices,
        required=False,
    )
    assessed_on = assessed_on_field(required=True)
    reason = reason_field()


class PoliceAssessmentCorrectionForm(ServiceForm):
    assessment = forms.CharField(
        max_length=text_limits.REASONING, label=_("Polisens bedömning"), widget=forms.Textarea(attrs={"rows": 6})
    )
    priority = forms.BooleanField(label=_("Polisen vill att ärendet prioriteras"), required=False)
    assessed_on = assessed_on_field(required=True)
    reason = reason_field()


class FieldContactCorrectionForm(ServiceForm):
    occurred_on = forms.DateField(label=_("Datum för kontakten"))
    note = forms.CharField(
        max_length=text_limits.text_limit(FieldContact._meta.get_field("note")),
        label=_("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reason = reason_field()
