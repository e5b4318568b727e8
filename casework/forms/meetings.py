"""Forms of the meeting workflow: schedule, participants, reasoning, decisions, addenda."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accesscontrol.models import Role, User
from config import text_limits

from .base import ServiceForm


def members_of(agreement, *roles):
    users = User.objects.filter(memberships__agreement=agreement)
    if roles:
        users = users.filter(memberships__role__in=roles)
    return users.distinct().order_by("first_name", "last_name")


class ScheduleMeetingForm(ServiceForm):
    held_on = forms.DateField(label=_("Datum"))
    location = forms.CharField(label=_("Plats"), max_length=200, required=False)
    chair = forms.ModelChoiceField(label=_("Ordförande"), queryset=User.objects.none())

    def __init__(self, *args, agreement, chair, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("chair", chair)
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members_of(agreement, Role.SOCIAL_MANAGER)


class ParticipantForm(ServiceForm):
    user = forms.ModelChoiceField(label=_("Användare i Samsyn"), queryset=User.objects.none())

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members_of(meeting.agreement).exclude(
            pk__in=meeting.participants.exclude(user=None).values("user")
        )


class ExternalParticipantForm(ServiceForm):
    name = forms.CharField(label=_("Namn"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    role_title = forms.CharField(label=_("Roll"), max_length=200, required=False)


class ReasoningForm(ServiceForm):
    location = forms.CharField(label=_("Plats"), max_length=200, required=False)
    reasoning = forms.CharField(
        max_length=text_limits.REASONING,
        label=_("Strategiska resonemang"),
        help_text=_("Mötets gemensamma resonemang om målgrupperna och arbetet framåt."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, case):
        return f"{case.number} {case.person.full_name}"


class DecisionForm(ServiceForm):
    what = forms.CharField(max_length=text_limits.DECISION, label=_("Beslut"), widget=forms.Textarea(attrs={"rows": 4}))
    responsible = forms.ModelChoiceField(
        label=_("Ansvarig"), queryset=User.objects.none(), required=False, empty_label=_("Ingen användare")
    )
    responsible_text = forms.CharField(
        label=_("Ansvarig utanför Samsyn"),
        help_text=_("Om den ansvariga inte är användare, t.ex. ”Skolan, rektor”."),
        max_length=200,
        required=False,
    )
    due_on = forms.DateField(label=_("Klart senast"), required=False)
    case = CaseChoiceField(
        label=_("Gäller ärende"), queryset=None, required=False, empty_label=_("Inget särskilt ärende")
    )

    def __init__(self, *args, meeting, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members_of(meeting.agreement)
        self.fields["case"].queryset = cases


class AddendumForm(ServiceForm):
    text = forms.CharField(
        max_length=text_limits.DECISION,
        label=_("Tillägg till protokollet"),
        help_text=_("Rättelsen läggs till; det justerade protokollet ändras inte."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
