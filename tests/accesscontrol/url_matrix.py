"""THE URL × ROLE MATRIX: what every visitor gets from every URL pattern of the project (GET).

tests/accesscontrol/test_url_matrix.py walks config.urls recursively (every included module: our apps,
Django's i18n, DRF and any other app that adds URLs) and requests each pattern as each visitor. A pattern
that is not declared here fails the test, so no page can ship without a decision on who may see it.

DECLARING A URL is one line in MATRIX, keyed by the URL's name ("namespace:name"; an unnamed pattern by
its route, e.g. "api/schema/"):

    "disclosures:index": expect(404, social_manager=200, police=200, caseworker=403),

    expect(default, anonymous=LOGIN, **visitors)
      default    what every signed-in visitor gets unless named (the outsider included)
      anonymous  what a visitor who is not signed in gets (LOGIN unless said otherwise)
      visitors   social_manager, caseworker, field_worker, police, management, sysadmin, auditor
                 (one user per role of agreement A) and outsider (a social manager of agreement B)

    Outcomes: an HTTP status (200, 403, 404, 405 …), LOGIN (302 to the login page) or
    Redirect("namespace:name", ("keyword", …)) (302 to that page, its keywords filled from SAMPLES).

The rules behind the outcomes (docs/roles-and-visibility.md): default deny; a case, meeting, contact or report
the visitor cannot see at all is 404 (and a denied entry in the access log); a page the visitor's roles
do not give is 403; a POST-only URL is 405 on GET. The outsider is a social manager of agreement B, so
pages that are not about one of A's records answer them as they answer A's social manager (with B's data).

The world behind the samples (tests/accesscontrol/factories.build_world, the `world` fixture): agreement
A with one user per role and a quarter of casework. `case` is an active lifestyle case of A's unit
"Utredning ungdom" (so the caseworker sees it through the unit and the field worker, lifestyle being
outside svansen, does not), with an intervention, a consent and a disclosure; `meeting` is today's
meeting, minutes a draft, which the police did not attend; `approved_meeting` is the earlier one, minutes
approved, which they did. A URL keyword not in SAMPLES fails the test with a message naming it: add one
line there (or in SAMPLES_FOR, where one URL needs another record than the rest).

The same walk checks that no page shows a visitor a world person or free text that
docs/roles-and-visibility.md hides from them (READS in test_url_matrix.py), and
tests/audit/test_access_log_walk.py walks this matrix to check each request's access-log entries (declare
there what a new page shows, and whose).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

VISITORS = (
    "anonymous",
    "outsider",
    "social_manager",
    "caseworker",
    "field_worker",
    "police",
    "management",
    "sysadmin",
    "auditor",
)


@dataclass(frozen=True)
class Redirect:
    """A 302 to the page `url_name`, its keywords (if it takes any) filled from SAMPLES."""

    url_name: str
    keywords: tuple[str, ...] = ()

    def path(self, world) -> str:
        return reverse(self.url_name, kwargs={k: SAMPLES[k](world) for k in self.keywords})


LOGIN = Redirect("accesscontrol:login")


def expect(default, anonymous=LOGIN, **visitors) -> dict[str, object]:
    unknown = set(visitors) - set(VISITORS)
    if unknown:
        raise ValueError(f"unknown visitors {sorted(unknown)}; use {VISITORS}")
    return {"anonymous": anonymous, **{v: visitors.get(v, default) for v in VISITORS if v != "anonymous"}}


def only(*visitors, otherwise=403) -> dict[str, object]:
    """200 for the named visitors, `otherwise` for every other signed-in visitor."""
    return expect(otherwise, **dict.fromkeys(visitors, 200))


CASE_ROLES = ("social_manager", "caseworker", "field_worker", "police")
POST_ONLY = expect(405)

# Pages of `case` (agreement A): 404 for everyone who cannot see the case at all (the field worker: it is
# not svansen; management, sysadmin, auditor: no case at all; the outsider: another agreement).
CASE_PAGE = expect(404, social_manager=200, caseworker=200, police=200)
DECIDE_DISCLOSURE = expect(404, social_manager=200, police=403, caseworker=403)
# Case-frame decisions (category, closing, reopening): the social manager's.
DECIDE_CASE = expect(404, social_manager=200, caseworker=403, police=403)
# The social assessment, interventions and follow-ups: the social manager and the assigned caseworker.
SOCIAL_CARE = expect(404, social_manager=200, caseworker=200, police=403)
# `meeting`: minutes a draft, not attended by the police (so 404 for them, like the outsider); the
# social services' case roles read every meeting's minutes; the other roles read no minutes (403).
MEETING_PAGE = expect(403, social_manager=200, caseworker=200, field_worker=200, police=404, outsider=404)
CHAIR_MEETING = expect(403, social_manager=200, police=404, outsider=404)
# `approved_meeting`: attended by the police.
APPROVED_MEETING_PAGE = expect(403, social_manager=200, caseworker=200, field_worker=200, police=200, outsider=404)
# The social manager's own report job: 404 for everyone else who orders reports, 403 for who orders none.
OWN_REPORT_JOB = expect(403, social_manager=200, management=404, outsider=404)
# The social manager's own import (a preview): 404 for the outsider, 403 for every other role.
OWN_IMPORT = expect(403, social_manager=200, outsider=404)
# DRF: no login redirect; 401 (WWW-Authenticate: Token) without credentials or with an expired or revoked key
STATISTICS_API = expect(403, anonymous=401, management=200)

MATRIX: dict[str, dict[str, object]] = {
    # --- config ------------------------------------------------------------------------------------------
    "healthz": expect(200, anonymous=200),
    "metrics": expect(404, anonymous=404),  # no SAMSYN_METRICS_TOKEN in tests: the endpoint does not exist
    "set_language": expect(Redirect("accesscontrol:start"), anonymous=Redirect("accesscontrol:start")),
    # --- login and the user's own pages (accesscontrol) ------------------------------------------------------
    "accesscontrol:start": expect(200),
    "accesscontrol:login": expect(200, anonymous=200),
    "accesscontrol:second_factor": expect(Redirect("accesscontrol:start")),
    "accesscontrol:enrol": expect(Redirect("accesscontrol:second_factor")),
    "accesscontrol:set_password": expect(200, anonymous=200),
    "accesscontrol:logout": expect(405, anonymous=405),
    "accesscontrol:account": expect(200),
    "accesscontrol:choose_agreement": expect(200),
    # --- cases (casework.urls) -------------------------------------------------------------------------------
    "casework:case_list": only(*CASE_ROLES, "outsider"),
    "casework:case_detail": CASE_PAGE,
    "casework:police_assessment": expect(404, police=200, social_manager=403, caseworker=403),
    "casework:social_assessment": SOCIAL_CARE,
    "casework:change_category": DECIDE_CASE,
    "casework:close_case": DECIDE_CASE,
    "casework:reopen_case": DECIDE_CASE,  # of `closed_case`
    "casework:legal_hold": DECIDE_CASE,
    "casework:reassign": DECIDE_CASE,
    "casework:access_grant": DECIDE_CASE,
    # The youth's identity is written by the social manager alone (the matrix); `case`'s youth has a
    # personnummer, so the replacement of a samordningsnummer goes back to the case with the policy's reason.
    "casework:person_details": DECIDE_CASE,
    "casework:replace_coordination_number": expect(
        404, social_manager=Redirect("casework:case_detail", ("case_id",)), caseworker=403, police=403
    ),
    "casework:withdraw_access_grant": POST_ONLY,
    # Attachments of `case`: added by whoever writes a class of it an attachment may take (the police their
    # assessment's); the sample, a consent of the social assessment, read through the disclosure by the police.
    "casework:add_attachment": CASE_PAGE,
    "casework:attachment": CASE_PAGE,
    # The register extract (GDPR art. 15) of the case's person: the social manager's alone.
    "casework:register_extract": DECIDE_CASE,
    "casework:offer_intervention": SOCIAL_CARE,
    "casework:intervention_response": SOCIAL_CARE,
    "casework:follow_up": SOCIAL_CARE,
    # Corrections (casework.services.corrections): the author, or the social manager for the social services'
    # records. The sample follow-up and social assessment of `case` are the social manager's (the assigned
    # caseworker did not write them: 403); its police assessment is the police's, which the social manager
    # reads but does not write. `contact` of `svansen_case` is the field worker's; the social manager reads
    # it (403), the police read no field contact of it (404), nor does the investigation caseworker see it.
    "casework:correct_follow_up": DECIDE_CASE,
    "casework:correct_social_assessment": DECIDE_CASE,
    "casework:correct_police_assessment": expect(404, police=200, social_manager=403, caseworker=403),
    "casework:correct_contact": expect(404, field_worker=200, social_manager=403),
    "casework:propose": only("social_manager", "police", "outsider"),
    # --- meetings --------------------------------------------------------------------------------------------
    "casework:meeting_list": only(*CASE_ROLES, "outsider"),
    "casework:schedule_meeting": only("social_manager", "outsider"),
    "casework:meeting_detail": MEETING_PAGE,
    "casework:minutes_pdf": APPROVED_MEETING_PAGE,
    "casework:meeting_participants": CHAIR_MEETING,
    # `meeting` has something recorded: it is no longer planned, so the chair is sent back with the reason.
    "casework:reschedule_meeting": expect(
        403, social_manager=Redirect("casework:meeting_detail", ("meeting_id",)), police=404, outsider=404
    ),
    "casework:cancel_meeting": expect(
        403, social_manager=Redirect("casework:meeting_detail", ("meeting_id",)), police=404, outsider=404
    ),
    "casework:meeting_invitation": MEETING_PAGE,  # the day, the place, a link: whoever reads the meeting
    "casework:agenda_item": POST_ONLY,
    "casework:remove_participant": POST_ONLY,
    "casework:identify": CHAIR_MEETING,  # of `proposal`, on the meeting's agenda
    "casework:meeting_reasoning": CHAIR_MEETING,
    "casework:add_decision": CHAIR_MEETING,
    "casework:decision_done": POST_ONLY,
    "casework:refresh_agenda": POST_ONLY,
    "casework:approve_minutes": POST_ONLY,
    "casework:withdraw_approval": POST_ONLY,
    "casework:add_addendum": expect(403, social_manager=200, outsider=404),  # `approved_meeting`
    # --- field work and targets ------------------------------------------------------------------------------
    "casework:field_home": only("field_worker", "social_manager", "outsider"),
    "casework:field_figures": only("field_worker", "social_manager", "outsider"),  # counts, no names
    "casework:new_contact": only("field_worker"),
    "casework:concern_follow_up": only("field_worker"),
    "casework:new_visit": only("field_worker"),
    "casework:target_board": only("social_manager", "outsider"),  # exact counts: not for management
    # --- import of old lists: the social manager's alone ------------------------------------------------------
    "casework:imports": only("social_manager", "outsider"),
    "casework:import_template": only("social_manager", "outsider"),
    "casework:import_detail": OWN_IMPORT,
    "casework:import_status": OWN_IMPORT,
    "casework:import_confirm": POST_ONLY,
    "casework:import_cancel": POST_ONLY,
    # --- reminders (casework.urls_reminders): every signed-in user's own -------------------------------------
    "reminders:list": expect(200),
    "reminders:mark_read": POST_ONLY,
    "reminders:choose_channel": POST_ONLY,
    # --- disclosures to the police (casework.urls_disclosures) --------------------------------------------
    "disclosures:index": expect(404, social_manager=200, police=200, caseworker=403),
    "disclosures:disclose": DECIDE_DISCLOSURE,
    "disclosures:withdraw": DECIDE_DISCLOSURE,
    "disclosures:record_consent": DECIDE_DISCLOSURE,
    "disclosures:withdraw_consent": DECIDE_DISCLOSURE,
    # --- administration (sysadmin only) ---------------------------------------------------------------------
    "administration:index": only("sysadmin"),
    "administration:agreement": only("sysadmin"),
    "administration:agreement_create": only("sysadmin"),
    "administration:users_list": only("sysadmin"),
    "administration:users_create": only("sysadmin"),
    "administration:users_edit": only("sysadmin"),
    "administration:users_reset": only("sysadmin"),
    "administration:units_list": only("sysadmin"),
    "administration:units_create": only("sysadmin"),
    "administration:units_edit": only("sysadmin"),
    "administration:organisations_list": only("sysadmin"),
    "administration:organisations_create": only("sysadmin"),
    "administration:organisations_edit": only("sysadmin"),
    "administration:targets_list": only("sysadmin"),
    "administration:targets_create": only("sysadmin"),
    "administration:targets_edit": only("sysadmin"),
    "administration:targets_delete": only("sysadmin"),
    "administration:catalogue_list": only("sysadmin"),
    "administration:catalogue_create": only("sysadmin"),
    "administration:catalogue_edit": only("sysadmin"),
    "administration:tariffs_list": only("sysadmin"),
    "administration:tariffs_create": only("sysadmin"),
    "administration:tariffs_edit": only("sysadmin"),
    "administration:areas_list": only("sysadmin"),
    "administration:areas_create": only("sysadmin"),
    "administration:areas_edit": only("sysadmin"),
    "administration:hot_spots_list": only("sysadmin"),
    "administration:hot_spots_create": only("sysadmin"),
    "administration:hot_spots_edit": only("sysadmin"),
    "administration:retention_rules_list": only("sysadmin"),
    "administration:retention_rules_create": only("sysadmin"),
    "administration:retention_rules_edit": only("sysadmin"),
    # Legal bases are shared by every agreement: each sysadmin reads them, only the instance administrator (a
    # flag on a user, no visitor here: tests/accesscontrol/test_administer_legal_bases.py) adds or changes one.
    "administration:legal_bases_list": only("sysadmin"),
    "administration:legal_bases_create": expect(403),
    "administration:legal_bases_edit": expect(403),
    # --- access decisions (accesscontrol.approvals): the social manager and the police's responsible; the
    # latter is no visitor here (tests/accesscontrol/test_access_approvals.py). `access_request` is a reset of
    # A's caseworker, which the outsider (B's social manager) does not see.
    "approvals:list": only("social_manager", "outsider"),
    "approvals:decide": expect(403, social_manager=200, outsider=404),
    # --- the auditor's review (audit.urls) -------------------------------------------------------------------
    "audit:access_log": only("auditor"),
    "audit:access_log_export": only("auditor"),
    "audit:change_log": only("auditor"),
    "audit:verifications": only("auditor"),
    "audit:verification_status": only("auditor"),
    # --- the social manager's follow-up and costs (reports.urls) ---------------------------------------------
    "reports:follow_up_start": expect(
        403,
        social_manager=Redirect("reports:follow_up", ("year", "kind")),
        outsider=Redirect("reports:follow_up", ("year", "kind")),
    ),
    "reports:follow_up": only("social_manager", "outsider"),
    "reports:follow_up_cases": only("social_manager", "outsider"),
    "reports:disclosure_cases": only("social_manager", "outsider"),
    "reports:follow_up_qualitative": only("social_manager", "outsider"),
    # The case summary PDF: the social manager's, of a case they see; a caseworker or the police who see the
    # case are refused by role, everyone else does not see it.
    "reports:case_summary": expect(404, social_manager=200, caseworker=403, police=403),
    "reports:costs_start": expect(
        403, social_manager=Redirect("reports:costs", ("year",)), outsider=Redirect("reports:costs", ("year",))
    ),
    "reports:costs": only("social_manager", "outsider"),
    "reports:cost_indexes": only("sysadmin"),
    "reports:cost_index_delete": POST_ONLY,
    "reports:jobs": only("social_manager", "management", "outsider"),
    "reports:job": OWN_REPORT_JOB,
    "reports:job_status": OWN_REPORT_JOB,
    "reports:job_file": OWN_REPORT_JOB,
    # --- management statistics (reports.urls, reports.api_urls) ----------------------------------------------
    "reports:statistics": only("management"),
    "reports:statistics_method": expect(200),  # how the statistics are protected: documentation
    "reports:statistics_register": only("management"),
    # A revised table of the register; the world has released none, so management finds no revision.
    "reports:statistics_revision": expect(403, management=404),
    "reports:api_token": only("management"),
    "reports:statistics_table": only("management"),
    "reports:statistics_file": only("management"),
    "api_schema": STATISTICS_API,
    "api_statistics_agreements": STATISTICS_API,
    "api_statistics_catalogue": STATISTICS_API,
    "api_statistics_table": STATISTICS_API,
    # --- OpenID Connect (mozilla-django-oidc; only present when OIDC_ENABLED) --------------------------------
    "oidc_authentication_init": expect(302, anonymous=302),  # to the identity provider
    "oidc_authentication_callback": expect(LOGIN, anonymous=LOGIN),  # no code: back to the login page
    "oidc_logout": expect(405, anonymous=405),
}

# The URLs that answer GET with 405 (POST_ONLY above), posted with an empty form by every visitor: whoever
# may act goes on (302), everyone else is refused (403, or 404 outside their scope). Same format as MATRIX.
CHAIR_ACTION = expect(403, social_manager=302, police=404, outsider=404)  # on `meeting`, not attended by police
POST_MATRIX: dict[str, dict[str, object]] = {
    "casework:remove_participant": CHAIR_ACTION,
    "casework:decision_done": CHAIR_ACTION,
    "casework:refresh_agenda": CHAIR_ACTION,
    "casework:agenda_item": CHAIR_ACTION,  # an empty form: the chair is told what is missing
    "casework:approve_minutes": CHAIR_ACTION,
    # Nobody has approved `meeting`'s minutes, so nobody has an approval to take back.
    "casework:withdraw_approval": expect(403, police=404, outsider=404),
    "reminders:mark_read": expect(Redirect("reminders:list")),  # each visitor's own notifications
    "reminders:choose_channel": expect(200),  # an empty choice: the form again, with its error
    "reports:cost_index_delete": expect(403, sysadmin=Redirect("reports:cost_indexes")),
    "casework:withdraw_access_grant": expect(
        404, social_manager=Redirect("casework:case_detail", ("case_id",)), caseworker=403, police=403
    ),
    # The social manager's own preview: confirmed or cancelled, then its page again.
    "casework:import_confirm": expect(
        403, social_manager=Redirect("casework:import_detail", ("import_id",)), outsider=404
    ),
    "casework:import_cancel": expect(
        403, social_manager=Redirect("casework:import_detail", ("import_id",)), outsider=404
    ),
    "accesscontrol:logout": expect(LOGIN, anonymous=LOGIN),
}

# Declared, but present only with some settings (so their absence is not a stale entry).
OPTIONAL = {"oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"}


# URL keyword -> its sample value, from the `world` fixture of test_url_matrix.py.
SAMPLES = {
    "case_id": lambda w: w.case.pk,
    "consent_id": lambda w: w.consent.pk,
    "disclosure_id": lambda w: w.disclosure.pk,
    "intervention_id": lambda w: w.intervention.pk,
    "attachment_id": lambda w: w.attachment.pk,
    "meeting_id": lambda w: w.meeting.pk,
    "participant_id": lambda w: w.participant.pk,
    "decision_id": lambda w: w.decision.pk,
    "item_id": lambda w: w.meeting.items.order_by("pk").first().pk,
    "contact_id": lambda w: w.contact.pk,
    "uidb64": lambda w: urlsafe_base64_encode(force_bytes(w.people.caseworker.pk)),
    "token": lambda w: "ogiltig-lank",
    "user_id": lambda w: w.people.caseworker.pk,
    "unit_id": lambda w: w.people.investigation.pk,
    "organisation_id": lambda w: w.people.agreement.social_services_id,
    "target_id": lambda w: w.people.agreement.targets.first().pk,
    "intervention_type_id": lambda w: w.people.agreement.intervention_types.first().pk,
    "tariff_id": lambda w: w.tariff.pk,
    "legal_basis_id": lambda w: w.legal_basis.pk,
    "area_id": lambda w: w.area.pk,
    "hot_spot_id": lambda w: w.hot_spot.pk,
    "retention_rule_id": lambda w: w.people.agreement.retention_rules.first().pk,
    "import_id": lambda w: w.case_import.pk,
    # reports: this year's figures, the current quarter, the cost report and the sysadmin's index
    "year": lambda w: w.today.year,
    "kind": lambda w: "kvartal",
    "period": lambda w: w.period.code,
    "metric": lambda w: "lifestyle_identified",
    "what": lambda w: "decided",
    "basis": lambda w: "under_21",
    "job": lambda w: w.job.pk,
    "index": lambda w: w.cost_index.pk,
    "table": lambda w: "targets",
    "revision": lambda w: 2,
    "file_type": lambda w: "csv",
    "agreement": lambda w: w.people.agreement.pk,
    "access_request_id": lambda w: access_request(w).pk,
    "grant_id": lambda w: access_grant(w).pk,
    "follow_up_id": lambda w: follow_up(w).pk,
}


def follow_up(world):
    """A follow-up of `case` by A's social manager (made directly: the case was raised this quarter, so its
    window has not opened and the service would refuse it)."""
    from casework.models import FollowUp

    follow_up, _ = FollowUp.objects.get_or_create(
        case=world.case,
        defaults={"written_on": world.today, "youth_view": "Trivs bättre", "social_view": "Färre skolkdagar",
                  "outcome": FollowUp.Outcome.IMPROVED, "author": world.people.manager},
    )  # fmt: skip
    return follow_up


def access_grant(world):
    """A temporary access to `case` for A's caseworker, in force for a month (made directly: the caseworker
    sees `case` through the unit already, which the service would refuse as needless)."""
    import datetime

    from accesscontrol.models import CaseAccessGrant

    people = world.people
    grant, _ = CaseAccessGrant.objects.get_or_create(
        case=world.case, user=people.caseworker,
        defaults={"reason": "Vikariat", "starts_on": world.today, "granted_by": people.manager,
                  "ends_on": world.today + datetime.timedelta(days=30)},
    )  # fmt: skip
    return grant


def access_request(world):
    """A's sysadmin asks to reset the caseworker's login: pending, for A's social manager to decide."""
    from accesscontrol.models import AccessRequest

    people = world.people
    request, _ = AccessRequest.objects.get_or_create(
        agreement=people.agreement, user=people.caseworker, kind=AccessRequest.Kind.RESET,
        defaults={"side": AccessRequest.Side.SOCIAL_SERVICES, "requested_by": people.sysadmin,
                  "previous_email": people.caseworker.email},
    )  # fmt: skip
    return request


# A URL whose page needs a record in another state than the sample: the keyword's value for that URL.
SAMPLES_FOR = {
    "casework:reopen_case": {"case_id": lambda w: w.closed_case.pk},
    "casework:correct_contact": {"case_id": lambda w: w.svansen_case.pk},
    "casework:identify": {"case_id": lambda w: w.proposal.pk},
    "casework:add_addendum": {"meeting_id": lambda w: w.approved_meeting.pk},
    "casework:minutes_pdf": {"meeting_id": lambda w: w.approved_meeting.pk},
}


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str
    keywords: tuple[str, ...]
    view: object


def _keywords(pattern) -> tuple[str, ...]:
    return tuple(getattr(pattern, "converters", None) or pattern.regex.groupindex)


def project_patterns(resolver=None, namespace="", prefix="", keywords=()) -> list[Pattern]:
    """Every URL pattern reachable from the root URLconf, with its full route and keyword arguments."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        inherited = keywords + _keywords(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += project_patterns(entry, inner, route, inherited)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else route
            found.append(Pattern(key=key, route=route, keywords=inherited, view=entry.callback))
    return found


def url_of(pattern, world) -> str:
    """The URL of `pattern` with the sample values of its keywords."""
    missing = [k for k in pattern.keywords if k not in SAMPLES]
    assert not missing, (
        f"{pattern.route} takes {missing}: add a sample value for each to SAMPLES in tests/accesscontrol/url_matrix.py"
    )
    if ":" not in pattern.key and pattern.key == pattern.route:
        assert not pattern.keywords, f"give the pattern {pattern.route} a name so it can be requested"
        return "/" + pattern.route
    samples = samples_for(pattern.key)
    return reverse(pattern.key, kwargs={k: samples[k](world) for k in pattern.keywords})


def samples_for(key: str) -> dict:
    """The sample value of each URL keyword for the URL `key`."""
    return SAMPLES | SAMPLES_FOR.get(key, {})
