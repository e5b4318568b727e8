import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from config import text_limits
from config.forms import Form

from .models import ReportJob


class ReportRequestForm(Form):
    kind = forms.ChoiceField(label=_("Rapport"), widget=forms.RadioSelect)
    file_format = forms.ChoiceField(label=_("Format"), choices=ReportJob.Format.choices, widget=forms.RadioSelect)
    first_year = forms.TypedChoiceField(label=_("Från och med år"), coerce=int)
    last_year = forms.TypedChoiceField(label=_("Till och med år"), coerce=int)

    @classmethod
    def with_choices(cls, data=None, *, kinds, years, **kwargs):
        """The form for the reports and years this user may choose. The choices are set on a copy of the
        fields before the form is made, since the GOV.UK mixin validates a bound form as it starts."""
        fields = copy.deepcopy(cls.base_fields)
        fields["kind"].choices = [(kind, ReportJob.Kind(kind).label) for kind in kinds]
        for name in ("first_year", "last_year"):
            fields[name].choices = [(year, str(year)) for year in years]
        form_class = type(cls.__name__, (cls,), {})
        form_class.base_fields = fields
        return form_class(data, **kwargs)


class CostIndexForm(Form):
    name = forms.CharField(label=_("Index"), max_length=100, help_text=_("t.ex. KPI, årsmedeltal (1980=100)"))
    year = forms.IntegerField(label=_("År"), min_value=1980, max_value=2100)
    value = forms.DecimalField(label=_("Indexvärde"), max_digits=10, decimal_places=2)
    source = forms.CharField(max_length=text_limits.NOTE, label=_("Källa"), widget=forms.Textarea(attrs={"rows": 3}))
    for_agreement = forms.BooleanField(
        label=_("Gäller bara den här överenskommelsen"),
        required=False,
        help_text=_(
            "Annars gäller värdet alla överenskommelser som inte har en egen indexserie; den gemensamma serien "
            "ändras bara av instansens förvaltare."
        ),
    )
    valid_from = forms.DateField(
        label=_("Gäller från"),
        required=False,
        help_text=_(
            "Tidigast i dag; tomt betyder i dag. Ett ändrat värde blir en ny version: jämförelser av år som "
            "slutade före datumet räknas med det värde som gällde då."
        ),
    )
