"""Forms of the meeting workflow: schedule, participants, reasoning, decisions, addenda."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accesscontrol.models import Role, User
from casework.models import MeetingChange
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
    """Several users of the agreement at once (issue 16: not one per submission)."""

    users = forms.ModelMultipleChoiceField(
        label=_("Användare i Samsyn"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en användare att lägga till som deltagare.")},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = members_of(meeting.agreement).exclude(
            pk__in=meeting.participants.exclude(user=None).values("user")
        )


class StandingParticipantsForm(ServiceForm):
    standing = forms.ModelMultipleChoiceField(
        label=_("Stående deltagare"),
        help_text=_("Tas med varje gång du kopierar deltagare från förra mötet, t.ex. polisens ungdomsutredare."),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, agreement, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "standing", list(agreement.standing_participants.values_list("user_id", flat=True))
        )
        super().__init__(*args, **kwargs)
        self.fields["standing"].queryset = members_of(agreement).filter(is_active=True)


def change_reason_field() -> forms.CharField:
    """Why a planned meeting is moved or cancelled (shown with the meeting, told to no one else)."""
    return forms.CharField(
        label=_("Skäl"),
        help_text=_("Visas på mötessidan och i mötets historik."),
        max_length=text_limits.text_limit(MeetingChange._meta.get_field("reason")),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv skälet.")},
    )


class RescheduleMeetingForm(ServiceForm):
    held_on = forms.DateField(label=_("Nytt datum"), error_messages={"required": _("Ange det nya datumet för mötet.")})
    location = forms.CharField(label=_("Plats"), max_length=200, required=False)
    reason = change_reason_field()


class CancelMeetingForm(ServiceForm):
    reason = change_reason_field()


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
