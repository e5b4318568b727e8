from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import Form

from .models import ReportJob


class ReportRequestForm(Form):
    kind = forms.ChoiceField(label=_("Rapport"), widget=forms.RadioSelect)
    file_format = forms.ChoiceField(label=_("Format"), choices=ReportJob.Format.choices, widget=forms.RadioSelect)
    first_year = forms.TypedChoiceField(label=_("Från och med år"), coerce=int)
    last_year = forms.TypedChoiceField(label=_("Till och med år"), coerce=int)

    def __init__(self, *args, kinds, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, ReportJob.Kind(kind).label) for kind in kinds]
        year_choices = [(year, str(year)) for year in years]
        self.fields["first_year"].choices = year_choices
        self.fields["last_year"].choices = year_choices


class CostIndexForm(Form):
    name = forms.CharField(label=_("Index"), max_length=100, help_text=_("t.ex. KPI, årsmedeltal (1980=100)"))
    year = forms.IntegerField(label=_("År"), min_value=1980, max_value=2100)
    value = forms.DecimalField(label=_("Indexvärde"), max_digits=10, decimal_places=2)
    source = forms.CharField(label=_("Källa"), widget=forms.Textarea(attrs={"rows": 3}))
    for_agreement = forms.BooleanField(
        label=_("Gäller bara den här överenskommelsen"),
        required=False,
        help_text=_("Annars gäller värdet alla överenskommelser som inte har en egen indexserie."),
    )
