"""Forms of the case workflow: propose, identify, assess, change category, close, reopen."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accesscontrol.models import Role, Unit, User
from casework import personal_numbers
from casework.follow_up import FOLLOW_UP_STATE_LABELS, FollowUpState
from casework.models import Area, CaseStatus, Category, CloseReason, Gender, RealisticAlternative
from casework.selectors.cases import (
    CASE_NUMBER,
    DEFAULT_SORT,
    DISCLOSURE_IN_FORCE,
    DISCLOSURE_NONE,
    CaseListFilters,
)
from casework.services import persons as person_services
from casework.services.cases import PersonDetails
from config import text_limits
from config.forms import Form

from .base import ServiceForm, age_confirmation_field


def category_choices(agreement):
    """The agreement's own labels of the two categories."""
    return [(value, agreement.category_label(value)) for value in Category.values]


def _category_field(label):
    return forms.ChoiceField(label=label, choices=Category.choices, widget=forms.RadioSelect)


class PersonalNumberForm(ServiceForm):
    personal_number = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        help_text=_("10 eller 12 siffror, med eller utan bindestreck, till exempel 20100412-1234."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_personal_number(self):
        try:
            return personal_numbers.parse(self.cleaned_data["personal_number"])
        except personal_numbers.InvalidPersonalNumber as exc:
            raise forms.ValidationError(str(exc)) from None


class CaseSearchForm(ServiceForm):
    """Find cases by exact case number, or a person's cases by exact personnummer or exact full name
    (through the blind indexes). Posted, never a query string, so the number or name stays out of
    addresses, browser history and proxy logs. Only whole values are matched: a part of a name or a number
    would need the plaintext (README, "Searching encrypted data")."""

    query = forms.CharField(
        label=_("Sök ärende eller person"),
        help_text=_(
            "Ärendenummer (ÅÅÅÅ-NNNN), personnummer, samordningsnummer eller hela namnet "
            "(förnamn och efternamn), exakt."
        ),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_query(self):
        text = " ".join(self.cleaned_data["query"].split())
        # The case number first: 2026-0001 is no personnummer (those have 6 or 8 digits before the dash).
        if match := CASE_NUMBER.match(text):
            return ("case_number", f"{match['year']}-{int(match['sequence']):04d}")
        if any(char.isdigit() for char in text):
            digits = sum(char.isdigit() for char in text)
            try:
                return ("personal_number", personal_numbers.parse(text).normalised)
            except personal_numbers.InvalidPersonalNumber as exc:
                if digits in (10, 12):  # a personnummer, mistyped: say what is wrong with it
                    raise forms.ValidationError(str(exc)) from None
                raise forms.ValidationError(
                    _(
                        "Skriv ett ärendenummer (ÅÅÅÅ-NNNN), ett personnummer eller "
                        "samordningsnummer med 10 eller 12 siffror (till exempel 20100412-1234) eller hela namnet."
                    )
                ) from None
        first, _sep, last = text.partition(" ")
        if not last:
            raise forms.ValidationError(
                _("Skriv både förnamn och efternamn, ett personnummer eller ett ärendenummer (ÅÅÅÅ-NNNN).")
            )
        return ("name", (first, last))


class CaseListFilterForm(Form):
    """The case list's filters and order, from the address (GET): nothing personal, so they may stand in
    a bookmark and survive paging and sorting. A value not among the choices is refused with a message
    and its filter left out; the choices are what the actor may filter by (CaseListOptions)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Kategori"), required=False)
    unit = forms.ChoiceField(label=_("Ansvarig enhet"), required=False)
    caseworker = forms.ChoiceField(label=_("Handläggare"), required=False)
    follow_up = forms.ChoiceField(label=_("Uppföljning"), required=False)
    disclosure = forms.ChoiceField(label=_("Utlämnande till polisen"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, agreement, options):
        super().__init__(data)
        every = [("", _("Alla"))]
        self.fields["status"].choices = every + list(CaseStatus.choices)
        self.fields["category"].choices = every + category_choices(agreement)
        self.fields["unit"].choices = every + [(str(unit.pk), unit.name) for unit in options.units]
        self.fields["caseworker"].choices = every + [
            (str(user.pk), user.get_full_name() or user.username) for user in options.caseworkers
        ]
        if options.follow_up:
            self.fields["follow_up"].choices = every + [
                (state.value, FOLLOW_UP_STATE_LABELS[state]) for state in FollowUpState
            ]
        else:
            del self.fields["follow_up"]
        if options.disclosure:
            self.fields["disclosure"].choices = every + [
                (DISCLOSURE_IN_FORCE, _("Utlämnat, i kraft i dag")),
                (DISCLOSURE_NONE, _("Inget utlämnande i kraft")),
            ]
        else:
            del self.fields["disclosure"]

    def filters(self) -> CaseListFilters:
        """The valid filters (an invalid one is left out, the form says why)."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        return CaseListFilters(**{**values, "sort": values["sort"] or DEFAULT_SORT})

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "sort")


class ProposeForm(PersonalNumberForm):
    """A proposal for a person who is already in Samsyn."""

    category = _category_field(_("Föreslagen kategori"))
    reason = forms.CharField(
        max_length=text_limits.REASONING,
        label=_("Skäl för förslaget"),
        help_text=_("Vad har hänt, och varför bör ungdomen uppmärksammas gemensamt?"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    proposed_on = forms.DateField(label=_("Datum för förslaget"), initial=timezone.localdate)
    age_confirmed = age_confirmation_field()

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(agreement)
        if "area" in self.fields:
            self.fields["area"].queryset = Area.objects.filter(agreement=agreement)

    def person_details(self) -> PersonDetails | None:
        return None


class NewPersonProposeForm(ProposeForm):
    """A proposal that also creates the person: name, gender, area, contact details, guardians."""

    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    gender = forms.ChoiceField(label=_("Kön"), choices=Gender.choices, widget=forms.RadioSelect)
    area = forms.ModelChoiceField(
        label=_("Område"), queryset=Area.objects.none(), required=False, empty_label=_("Inte angivet")
    )
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    address = forms.CharField(label=_("Adress"), max_length=200, required=False)
    guardian_1_name = forms.CharField(label=_("Vårdnadshavare 1, namn"), max_length=200, required=False)
    guardian_1_phone = forms.CharField(label=_("Vårdnadshavare 1, telefon"), max_length=40, required=False)
    guardian_2_name = forms.CharField(label=_("Vårdnadshavare 2, namn"), max_length=200, required=False)
    guardian_2_phone = forms.CharField(label=_("Vårdnadshavare 2, telefon"), max_length=40, required=False)

    field_order = [
        "personal_number",
        "first_name",
        "last_name",
        "gender",
        "area",
        "phone",
        "email",
        "address",
        "guardian_1_name",
        "guardian_1_phone",
        "guardian_2_name",
        "guardian_2_phone",
        "category",
        "reason",
        "proposed_on",
        "age_confirmed",
    ]

    def clean(self):
        cleaned = super().clean()
        for n in (1, 2):
            if cleaned.get(f"guardian_{n}_phone") and not cleaned.get(f"guardian_{n}_name"):
                self.add_error(f"guardian_{n}_name", _("Ange vårdnadshavarens namn till telefonnumret."))
        return cleaned

    def person_details(self) -> PersonDetails:
        data = self.cleaned_data
        contact = {key: data[key].strip() for key in ("phone", "email", "address") if data.get(key, "").strip()}
        guardians = [
            {"name": data[f"guardian_{n}_name"].strip(), "phone": data[f"guardian_{n}_phone"].strip()}
            for n in (1, 2)
            if data.get(f"guardian_{n}_name", "").strip()
        ]
        return PersonDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            gender=data["gender"],
            area=data.get("area"),
            contact=contact,
            guardians=guardians,
        )


def caseworkers_of(agreement):
    return (
        User.objects.filter(memberships__agreement=agreement, memberships__role=Role.CASEWORKER)
        .distinct()
        .order_by("first_name", "last_name")
    )


class IdentifyForm(ServiceForm):
    """The meeting's decision on a proposal: identified as a case, or not identified."""

    IDENTIFY, NOT_IDENTIFIED = "identify", "not_identified"

    outcome = forms.ChoiceField(
        label=_("Mötets beslut"),
        choices=[(IDENTIFY, _("Identifieras som ärende")), (NOT_IDENTIFIED, _("Identifieras inte"))],
        widget=forms.RadioSelect,
    )
    category = _category_field(_("Kategori"))
    raised_on = forms.DateField(label=_("Aktualiseringsdatum"), required=False)
    unit = forms.ModelChoiceField(label=_("Ansvarig enhet"), queryset=Unit.objects.none(), required=False)
    caseworker = forms.ModelChoiceField(
        label=_("Handläggare"), queryset=User.objects.none(), required=False, empty_label=_("Ingen utsedd än")
    )
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label=_("Anteckning"),
        help_text=_("Krävs om förslaget inte identifieras: skriv kort varför."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    age_confirmed = age_confirmation_field()

    def __init__(self, *args, case, meeting, **kwargs):
        agreement = case.agreement
        kwargs.setdefault("initial", {}).update({"category": case.category, "raised_on": meeting.held_on})
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(agreement)
        # Each unit is named with its organisation (Unit.__str__): read with it, not once per unit.
        units = Unit.objects.filter(organisation=agreement.social_services).select_related("organisation")
        self.fields["unit"].queryset = units
        self.fields["caseworker"].queryset = caseworkers_of(agreement)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == self.IDENTIFY:
            if not cleaned.get("raised_on"):
                self.add_error("raised_on", _("Ange aktualiseringsdatum."))
            if not cleaned.get("unit"):
                self.add_error("unit", _("Välj ansvarig enhet."))
        return cleaned


def assessed_on_field(*, required: bool = False) -> forms.DateField:
    """When the assessment was made: today unless it is recorded after the fact (left empty: today)."""
    return forms.DateField(
        label=_("Datum för bedömningen"),
        help_text=_("Dagens datum om du inte för in en bedömning i efterhand."),
        initial=timezone.localdate,
        required=required,
    )


class PoliceAssessmentForm(ServiceForm):
    assessment = forms.CharField(
        max_length=text_limits.REASONING, label=_("Polisens bedömning"), widget=forms.Textarea(attrs={"rows": 6})
    )
    priority = forms.BooleanField(label=_("Polisen vill att ärendet prioriteras"), required=False)
    assessed_on = assessed_on_field()


class SocialAssessmentForm(ServiceForm):
    assessment = forms.CharField(
        max_length=text_limits.REASONING, label=_("Socialtjänstens bedömning"), widget=forms.Textarea(attrs={"rows": 6})
    )
    realistic_alternative = forms.ChoiceField(
        label=_("Realistiskt alternativ till hemmaplanslösning"),
        help_text=_("Används i kostnadsjämförelsen för ärenden i kategorin livsstil."),
        choices=RealisticAlternative.choices,
        required=False,
    )
    records_reference = forms.CharField(label=_("Diarienummer i verksamhetssystemet"), max_length=100, required=False)
    assessed_on = assessed_on_field()


class ChangeCategoryForm(ServiceForm):
    category = _category_field(_("Ny kategori"))
    changed_on = forms.DateField(label=_("Datum"), initial=timezone.localdate)
    note = forms.CharField(
        max_length=text_limits.NOTE, label=_("Varför ändras kategorin?"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [c for c in category_choices(case.agreement) if c[0] != case.category]


class CloseCaseForm(ServiceForm):
    reason = forms.ChoiceField(label=_("Avslutsorsak"), choices=CloseReason.choices, widget=forms.RadioSelect)
    closed_on = forms.DateField(label=_("Avslutsdatum"), initial=timezone.localdate)
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label=_("Anteckning"),
        help_text=_("Krävs om orsaken är ”Annat”."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReopenCaseForm(ServiceForm):
    reopened_on = forms.DateField(label=_("Datum"), initial=timezone.localdate)
    note = forms.CharField(
        max_length=text_limits.NOTE, label=_("Varför återöppnas ärendet?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReassignForm(ServiceForm):
    unit = forms.ModelChoiceField(label=_("Ansvarig enhet"), queryset=Unit.objects.none())
    caseworker = forms.ModelChoiceField(
        label=_("Handläggare"), queryset=User.objects.none(), required=False, empty_label=_("Ingen utsedd än")
    )
    reassigned_on = forms.DateField(label=_("Från och med"), initial=timezone.localdate)
    note = forms.CharField(
        max_length=text_limits.NOTE, label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {}).update({"unit": case.unit_id, "caseworker": case.caseworker_id})
        super().__init__(*args, **kwargs)
        # Each unit is named with its organisation (Unit.__str__): read with it, not once per unit.
        units = Unit.objects.filter(organisation=case.agreement.social_services).select_related("organisation")
        self.fields["unit"].queryset = units
        self.fields["caseworker"].queryset = caseworkers_of(case.agreement)


class LegalHoldForm(ServiceForm):
    """Set or lift the legal hold: `on` says which the page offered, so a repeated post is refused rather
    than undoing the first."""

    on = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(max_length=text_limits.NOTE, label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, on: bool, **kwargs):
        super().__init__(*args, initial={"on": "1" if on else "0"}, **kwargs)
        self.fields["reason"].help_text = (
            _("Till exempel en begäran om utlämnande, ett klagomål eller en tillsyn som gäller ärendet.")
            if on
            else _("Varför behöver uppgifterna inte längre bevaras?")
        )


class AccessGrantForm(ServiceForm):
    """Temporary access to the case for one caseworker (accesscontrol.grants)."""

    user = forms.ModelChoiceField(label=_("Handläggare"), queryset=None, empty_label=_("Välj handläggare"))
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Till exempel vikariat för ordinarie handläggare under semester."),
    )
    starts_on = forms.DateField(label=_("Gäller från"), initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Gäller till och med"))

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = caseworkers
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.username


class PersonDetailsForm(ServiceForm):
    """The youth's contact details and guardians, prefilled with what is on record: what is sent replaces it
    (an emptied field removes the detail). One row more than the guardians on record, at least two."""

    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    address = forms.CharField(label=_("Adress"), max_length=200, required=False)

    def __init__(self, *args, person, **kwargs):
        guardians = list(person.guardians or [])
        self.guardian_rows = min(max(2, len(guardians) + 1), person_services.MAX_GUARDIANS)
        initial = {key: (person.contact or {}).get(key, "") for key in person_services.CONTACT_FIELDS}
        for n, guardian in enumerate(guardians, start=1):
            initial[f"guardian_{n}_name"] = guardian.get("name", "")
            initial[f"guardian_{n}_phone"] = guardian.get("phone", "")
        super().__init__(*args, initial=initial, **kwargs)
        # Added after the GOV.UK classes are given (config.forms): their inputs carry the class themselves.
        for n in range(1, self.guardian_rows + 1):
            self.fields[f"guardian_{n}_name"] = forms.CharField(
                label=_("Vårdnadshavare %(n)s, namn") % {"n": n},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
            self.fields[f"guardian_{n}_phone"] = forms.CharField(
                label=_("Vårdnadshavare %(n)s, telefon") % {"n": n},
                max_length=40,
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )


def contact_of(data: dict) -> dict:
    """The contact details of a PersonDetailsForm's cleaned data, for the service."""
    return {key: data.get(key, "") for key in person_services.CONTACT_FIELDS}


def guardians_of(data: dict) -> list:
    """The guardian rows of a PersonDetailsForm's cleaned data, in order, for the service."""
    rows = []
    n = 1
    while f"guardian_{n}_name" in data:
        rows.append({"name": data[f"guardian_{n}_name"], "phone": data.get(f"guardian_{n}_phone", "")})
        n += 1
    return rows


class ReplaceCoordinationNumberForm(ServiceForm):
    """The personnummer that replaces the youth's samordningsnummer. The number is checked by the service
    (casework.services.persons), whose refusals name the field; the birth-date confirmation is shown only
    once the service has asked for it."""

    personal_number = forms.CharField(
        label=_("Personnummer"),
        help_text=_("10 eller 12 siffror, med eller utan bindestreck, till exempel 20100412-1234."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date_confirmed = forms.BooleanField(label=_("Jag har kontrollerat födelsedatumet"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "birth_date_confirmed" not in self.data:
            self._hidden_confirmation = self.fields.pop("birth_date_confirmed")

    def add_service_error(self, exc: ValidationError) -> None:
        """The service's question about the birth date brings its box onto the form."""
        if getattr(exc, "error_dict", None) and "birth_date_confirmed" in exc.error_dict:
            self.fields.setdefault("birth_date_confirmed", self._hidden_confirmation)
        super().add_service_error(exc)
