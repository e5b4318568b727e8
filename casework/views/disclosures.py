"""Pages for consents and disclosures of one case. Views translate HTTP to the selectors and services
in casework.selectors.disclosures / casework.services.disclosures; those decide who may do what."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accesscontrol.reads import shows
from accesscontrol.scoping import get_case_or_404
from accesscontrol.visibility import DISCLOSABLE, FIELD_CLASS_LABELS, FieldClass
from casework.models import Case, Consent
from casework.selectors import cases as case_selectors
from casework.selectors import disclosures as selectors
from casework.services import disclosures as services
from config import forms as govuk

DISCLOSABLE_CHOICES = [(str(c), FIELD_CLASS_LABELS[c]) for c in DISCLOSABLE]


class ConsentForm(govuk.Form):
    given_by = forms.ChoiceField(
        label=gettext_lazy("Vem har lämnat samtycket?"), choices=Consent.GivenBy.choices, widget=forms.RadioSelect
    )
    giver_name = forms.CharField(label=gettext_lazy("Namn på den som har samtyckt"), max_length=200)
    given_on = forms.DateField(label=gettext_lazy("Datum för samtycket"))
    scope = forms.MultipleChoiceField(
        label=gettext_lazy("Vilka uppgifter omfattar samtycket?"),
        choices=DISCLOSABLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label=gettext_lazy("Syfte"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Gäller till"), required=False, help_text=gettext_lazy("Lämna tomt om inget slutdatum.")
    )
    document_reference = forms.CharField(
        label=gettext_lazy("Referens till samtyckesblanketten"), required=False, max_length=200
    )


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, consent):
        scope = ", ".join(str(FIELD_CLASS_LABELS[FieldClass(c)]) for c in consent.scope)
        return f"{consent.get_given_by_display()}, {consent.given_on:%Y-%m-%d}: {scope}"


class DisclosureForm(govuk.Form):
    field_classes = forms.MultipleChoiceField(
        label=gettext_lazy("Vilka uppgifter lämnas ut?"),
        choices=DISCLOSABLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_basis = forms.ModelChoiceField(
        label=gettext_lazy("Rättslig grund"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    consent = ConsentChoiceField(
        label=gettext_lazy("Samtycke"),
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Bara när grunden är samtycke."),
    )
    assessment = forms.CharField(
        label=gettext_lazy("Bedömning"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=gettext_lazy(
            "Varför uppgifterna lämnas ut. För OSL 10 kap. 18 a §: risken för brottslig verksamhet och hur "
            "uppgifterna kan förebygga den."
        ),
    )
    decided_on = forms.DateField(label=gettext_lazy("Beslutsdatum"))

    def __init__(self, *args, legal_bases, consents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = legal_bases
        self.fields["consent"].queryset = consents
        if not consents.exists():
            del self.fields["consent"]


class WithdrawConsentForm(govuk.Form):
    withdrawn_on = forms.DateField(label=gettext_lazy("Datum då samtycket återkallades"))


class WithdrawDisclosureForm(govuk.Form):
    note = forms.CharField(
        label=gettext_lazy("Skäl (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


def _case(request, case_id):
    return get_case_or_404(request, Case.objects.select_related("person", "agreement"), case_id)


def _back(case):
    return redirect("disclosures:index", case_id=case.pk)


@require_http_methods(["GET"])
def disclosures_view(request, case_id):
    case = _case(request, case_id)
    panel = selectors.disclosures_panel(actor=request.actor, case=case)
    if panel is None:
        raise PermissionDenied
    caption = case_selectors.case_caption(actor=request.actor, case=case)
    shown = [FieldClass.CASE_FRAME]
    if caption.shows_identity:
        shown.append(FieldClass.IDENTITY)
    if panel["may_decide"]:
        shown.append(FieldClass.SOCIAL_ASSESSMENT)
    persons = [case.person_id] if caption.shows_identity else []
    shows(request, cases=[case], persons=persons, field_classes=shown)
    return render(request, "casework/disclosures/index.html", {"case": case, "caption": caption, "panel": panel})


def _decision_page(request, template, context):
    """A decision page of the social manager's, captioned by the same rule as the register."""
    caption = case_selectors.case_caption(actor=request.actor, case=context["case"])
    return render(request, f"casework/disclosures/{template}", {**context, "caption": caption})


@require_http_methods(["GET", "POST"])
def record_consent_view(request, case_id):
    case = _case(request, case_id)
    selectors.decision_context(actor=request.actor, case=case)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if govuk.submitted(
        request, form, lambda: services.record_consent(actor=request.actor, case=case, **form.cleaned_data)
    ):
        messages.success(request, _("Samtycket är registrerat."))
        return _back(case)
    shows(request, cases=[case], persons=[case.person_id], field_classes=[FieldClass.IDENTITY])
    context = {"case": case, "form": form, "heading": _("Registrera samtycke"), "submit": _("Registrera samtycket")}
    return _decision_page(request, "consent_form.html", context)


@require_http_methods(["GET", "POST"])
def disclose_view(request, case_id):
    case = _case(request, case_id)
    context = selectors.decision_context(actor=request.actor, case=case)
    form = DisclosureForm(request.POST or None, initial={"decided_on": timezone.localdate()}, **context)
    if govuk.submitted(request, form, lambda: services.disclose(actor=request.actor, case=case, **form.cleaned_data)):
        messages.success(request, _("Uppgifterna är utlämnade till polisen."))
        return _back(case)
    shows(request, cases=[case], persons=[case.person_id], field_classes=[FieldClass.IDENTITY])
    context = {"case": case, "form": form, "heading": _("Lämna ut uppgifter till polisen"), "submit": _("Lämna ut")}
    return _decision_page(request, "disclosure_form.html", context)


@require_http_methods(["GET", "POST"])
def withdraw_consent_view(request, case_id, consent_id):
    case = _case(request, case_id)
    consent = _found(selectors.consent_of(actor=request.actor, case=case, consent_id=consent_id))
    form = WithdrawConsentForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if govuk.submitted(
        request, form, lambda: services.withdraw_consent(actor=request.actor, consent=consent, **form.cleaned_data)
    ):
        messages.success(request, _("Samtycket är återkallat, och utlämnanden som vilade på det är återkallade."))
        return _back(case)
    shows(request, cases=[case], persons=[case.person_id], field_classes=[FieldClass.IDENTITY])
    context = {
        "case": case,
        "consent": consent,
        "form": form,
        "resting": consent.disclosures.filter(withdrawn_at=None),
        "heading": _("Återkalla samtycke"),
        "submit": _("Återkalla samtycket"),
        "warning": True,
    }
    return _decision_page(request, "withdraw_consent.html", context)


@require_http_methods(["GET", "POST"])
def withdraw_disclosure_view(request, case_id, disclosure_id):
    case = _case(request, case_id)
    disclosure = _found(selectors.disclosure_of(actor=request.actor, case=case, disclosure_id=disclosure_id))
    form = WithdrawDisclosureForm(request.POST or None)
    if govuk.submitted(
        request,
        form,
        lambda: services.withdraw_disclosure(actor=request.actor, disclosure=disclosure, **form.cleaned_data),
    ):
        messages.success(request, _("Utlämnandet är återkallat. Polisen ser inte längre uppgifterna."))
        return _back(case)
    shows(request, cases=[case], persons=[case.person_id], field_classes=[FieldClass.IDENTITY])
    labels = [FIELD_CLASS_LABELS[FieldClass(c)] for c in disclosure.field_classes]
    context = {
        "case": case,
        "disclosure": disclosure,
        "labels": labels,
        "form": form,
        "heading": _("Återkalla utlämnande"),
        "submit": _("Återkalla utlämnandet"),
        "warning": True,
    }
    return _decision_page(request, "withdraw_disclosure.html", context)


def _found(found):
    """The consent or disclosure of this case, or 404 for an id that is not the case's."""
    if found is None:
        raise Http404
    return found
