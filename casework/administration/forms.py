"""Forms of the administration pages (GOV.UK styled through config.forms)."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from accesscontrol.forms import refuse_end_before_start
from accesscontrol.models import Membership, Organisation, Role, Unit, User
from casework.models import Agreement, Area, HotSpot, InterventionType, LegalBasis, RetentionRule, Target, Tariff
from config import forms as govuk

CHECKBOXES = forms.CheckboxSelectMultiple


class OrganisationForm(govuk.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]
        widgets = {"kind": forms.RadioSelect}


class UnitForm(govuk.ModelForm):
    class Meta:
        model = Unit
        fields = ["organisation", "name"]
        labels = {"organisation": _("Organisation")}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # A unit's permission group belongs to its organisation; a unit does not move.
        self.fields["organisation"].disabled = self.instance.pk is not None


class UserForm(govuk.ModelForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter"), queryset=Unit.objects.none(), required=False, widget=CHECKBOXES
    )
    roles = forms.MultipleChoiceField(
        label=_("Roller i den här överenskommelsen"), choices=Role.choices, required=False, widget=CHECKBOXES
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "title", "organisation", "is_active"]
        labels = {"is_active": _("Kontot är aktivt"), "organisation": _("Organisation")}

    def __init__(self, *args, agreement, organisations, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "Länken för att välja lösenord skickas hit. Används också vid inloggning via kommunen."
        )
        self.fields["organisation"].queryset = organisations
        self.fields["units"].queryset = units
        if self.instance.pk is None:
            del self.fields["is_active"]
        else:
            self.fields["units"].initial = list(self.instance.units.filter(pk__in=units))
            self.fields["roles"].initial = list(
                Membership.objects.filter(user=self.instance, agreement=agreement).values_list("role", flat=True)
            )

    def clean_username(self):
        # Django compares usernames exactly; "Chef" beside "chef" would only confuse people and lockouts.
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Användarnamnet är upptaget."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("En annan användare har redan den e-postadressen."))
        return email


class AgreementForm(govuk.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "name", "starts_on", "ends_on", "lifestyle_label", "svansen_label", "min_age", "max_age",
            "follow_up_opens_months", "follow_up_closes_months", "minutes_need_police_approval",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        refuse_end_before_start(self, cleaned)
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low >= high:
            self.add_error("max_age", _("Högsta ålder måste vara större än lägsta ålder."))
        opens, closes = cleaned.get("follow_up_opens_months"), cleaned.get("follow_up_closes_months")
        if opens is not None and closes is not None and opens >= closes:
            self.add_error("follow_up_closes_months", _("Uppföljningsfönstret måste stänga efter att det öppnar."))
        return cleaned


class NewAgreementForm(govuk.ModelForm):
    class Meta:
        model = Agreement
        fields = ["name", "social_services", "police", "starts_on", "ends_on"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_services"].queryset = organisations.filter(kind=Organisation.Kind.SOCIAL_SERVICES)
        self.fields["police"].queryset = organisations.filter(kind=Organisation.Kind.POLICE)


class InAgreementForm(govuk.ModelForm):
    """A record of the acting agreement. The agreement is no form field, so Django skips the uniqueness
    rules that include it; `unique_in_agreement` names the fields checked here instead."""

    unique_in_agreement: tuple[str, ...] = ()

    def __init__(self, *args, agreement, instance=None, **kwargs):
        super().__init__(*args, instance=instance or self._meta.model(agreement=agreement), **kwargs)

    def clean(self):
        cleaned = super().clean()
        others = type(self.instance).objects.filter(agreement=self.instance.agreement).exclude(pk=self.instance.pk)
        for name in self.unique_in_agreement:
            if name in cleaned and others.filter(**{name: cleaned[name]}).exists():
                self.add_error(name, _("Överenskommelsen har redan en post med det värdet."))
        return cleaned


class TargetForm(InAgreementForm):
    unique_in_agreement = ("metric",)

    class Meta:
        model = Target
        fields = ["metric", "period", "value"]


class InterventionTypeForm(InAgreementForm):
    unique_in_agreement = ("code",)

    class Meta:
        model = InterventionType
        fields = ["code", "name", "description", "setting", "active"]
        widgets = {"setting": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}


class TariffForm(govuk.ModelForm):
    class Meta:
        model = Tariff
        fields = ["intervention_type", "year", "price_unit", "municipal_cost", "societal_cost", "source"]
        labels = {"intervention_type": _("Insats")}
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, intervention_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention_type"].queryset = intervention_types


class AreaForm(InAgreementForm):
    unique_in_agreement = ("name",)

    class Meta:
        model = Area
        fields = ["name"]


class HotSpotForm(InAgreementForm):
    unique_in_agreement = ("name",)

    class Meta:
        model = HotSpot
        fields = ["name", "kind", "area", "active"]
        labels = {"active": _("Platsen är aktiv")}
        help_texts = {
            "active": _("En inaktiv plats kan inte väljas för nya besök och kontakter; tidigare besök finns kvar.")
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].empty_label = _("Inte angivet")


class RetentionRuleForm(InAgreementForm):
    """The terms are checked against the stored rules in the service (casework.services.retention_rules):
    a rule in force keeps them and can only be ended."""

    class Meta:
        model = RetentionRule
        fields = [
            "record_type", "years", "complete_by_end_of_following_year", "legal_reference", "valid_from", "valid_to",
        ]  # fmt: skip
        widgets = {"record_type": forms.RadioSelect, "legal_reference": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "valid_from": _(
                "En ny regel börjar gälla tidigast i dag. När den har börjat gälla kan bara slutdatumet ändras."
            ),
            "valid_to": _(
                "Lämna tomt om regeln gäller tills vidare. Avsluta regeln innan en ny för samma uppgifter börjar."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["years"].widget.attrs["min"] = 1
        self.fields["years"].validators.append(MinValueValidator(1, _("Ange minst ett år.")))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Regeln kan inte upphöra innan den börjar gälla."))
        return cleaned


class LegalBasisForm(govuk.ModelForm):
    """Shared by all agreements, kept by the instance administrator. The service refuses changes to what
    disclosures already rest on (casework.services.legal_bases)."""

    class Meta:
        model = LegalBasis
        fields = ["code", "label", "law_reference", "requires_consent", "age_limit", "valid_from", "valid_to"]
        help_texts = {
            "code": _(
                "En ändrad regel läggs till som en ny version med samma kod och ett senare startdatum; versionen "
                "före avslutas dagen innan."
            ),
            "valid_to": _(
                "Sista dagen grunden gäller. En version som används i utlämnanden kan bara avslutas, och inte före "
                "en dag då ett utlämnande beslutades med den."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Grunden kan inte upphöra innan den börjar gälla."))
        return cleaned
