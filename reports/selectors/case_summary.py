"""The case summary for the social manager: the case as the social manager's case page shows it (the
frame, the youth, the assessments, the interventions, the follow-ups, the field contacts, the timeline) and
the disclosure register of the case, for a PDF the manager can hand over or file."""

from dataclasses import dataclass

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.selectors import cases as case_selectors
from casework.selectors import disclosures as disclosure_selectors


@dataclass(frozen=True)
class CaseSummary:
    page: case_selectors.CasePage
    disclosures: dict

    @property
    def case(self):
        return self.page.case


def case_summary(*, actor, case) -> CaseSummary:
    """What the social manager reads of a case they can see; any other role gets PermissionDenied (the case
    itself is scoped by the caller, through casework.selectors.cases.get_case)."""
    policies.require(actor, Action.READ_CASE_SUMMARY)
    return CaseSummary(
        page=case_selectors.case_page(actor=actor, case=case),
        disclosures=disclosure_selectors.disclosures_panel(actor=actor, case=case),
    )
