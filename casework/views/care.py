"""Pages for what the social services do for a case: offer an intervention, record the answer, write
the follow-up."""

from django.forms.models import model_to_dict
from django.http import Http404
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.visibility import FieldClass
from casework.forms import care as care_forms
from casework.models import Intervention
from casework.selectors import cases as case_selectors
from casework.services import follow_ups, interventions

from .access import case_form_page


def offer_intervention_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.OFFER_INTERVENTION,
        form_class=care_forms.InterventionForm,
        form_kwargs=lambda case: {"case": case},
        perform=lambda case, data: interventions.offer_intervention(actor=actor, case=case, **data),
        title=_("Erbjud en insats"),
        submit_label=_("Spara insatsen"),
        done=_("Insatsen är registrerad."),
    )


def intervention_response_view(request, case_id, intervention_id):
    actor = request.actor

    def intervention_of(case) -> Intervention:
        try:
            return case_selectors.get_intervention(case=case, intervention_id=intervention_id)
        except Intervention.DoesNotExist:
            raise Http404 from None

    course = ["response", "starts_on", "ends_on", "provider", "occasions"]
    return case_form_page(
        request,
        case_id,
        action=policies.Action.ANSWER_INTERVENTION,
        form_class=care_forms.InterventionResponseForm,
        form_kwargs=lambda case: {"initial": model_to_dict(intervention_of(case), fields=course)},
        perform=lambda case, data: interventions.record_intervention_response(
            actor=actor, intervention=intervention_of(case), **data
        ),
        title=_("Svar och genomförande"),
        submit_label=_("Spara"),
        done=_("Insatsen är uppdaterad."),
        shown=(FieldClass.INTERVENTIONS,),
    )


def _window_text(page) -> str:
    window = page.badge.window if page.badge else None
    if window is None:
        return ""
    return _("Uppföljningen görs tidigast %(opens)s och senast %(closes)s (aktualiserat %(raised)s).") % {
        "opens": window.opens_on.isoformat(),
        "closes": window.closes_on.isoformat(),
        "raised": page.case.raised_on.isoformat(),
    }


def follow_up_view(request, case_id):
    actor = request.actor
    return case_form_page(
        request,
        case_id,
        action=policies.Action.WRITE_FOLLOW_UP,
        form_class=care_forms.FollowUpForm,
        perform=lambda case, data: follow_ups.write_follow_up(actor=actor, case=case, **data),
        title=_("Uppföljning"),
        submit_label=_("Spara uppföljningen"),
        done=_("Uppföljningen är sparad."),
        intro=_window_text,
    )
