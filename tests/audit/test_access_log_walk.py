"""Each page and export that shows personal data writes exactly one access entry per request, naming the
cases and persons it shows; a page that shows none writes no read; a refused URL (403 or 404) writes
exactly one denied entry, naming the case of the URL if it has one. Every entry names the page by its route.
Walks the URL matrix of tests/accesscontrol/url_matrix.py: every URL, requested by every signed-in visitor,
on the world of that matrix.

PAGES declares, for every URL that answers someone 200, what the page shows them (a URL missing here
fails the test, like a URL missing from the matrix):

    NOT_LOGGED   shows no personal data: no read is written (login, administration, forms without a
                 person, lists of meetings or report jobs, documentation …)
    UNNAMED      one read naming no case and no person: counts and anonymised statistics, the minutes'
                 text, the audit verifications (the read is still on record, for the auditor)
    shows(…)     one read naming exactly these of the world's cases, and the persons whose identity the
                 page shows (a page that names cases by number only, like the reports, names no person)
    per_visitor(social_manager=…, …)   what each visitor answered 200 is shown; a visitor missing fails

Whatever the read names, a page that shows a world person's name or personnummer must name that person,
and one that shows a free text of a world case (factories.SECRETS) must name that case.

Before each URL's walk the social manager opens the case page, so the auditor's review has one read
(of `case` and its person) to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from audit.access import FOREIGN_CASE
from audit.models import AccessLogEntry
from config.paging import PER_PAGE
from tests.accesscontrol.factories import SECRET_OF, SECRETS
from tests.accesscontrol.test_url_matrix import TEXT_TYPES, WORLD_CASES, client_for
from tests.accesscontrol.url_matrix import MATRIX, VISITORS, project_patterns, samples_for, url_of

pytestmark = pytest.mark.django_db

PATTERNS = [p for p in project_patterns() if p.key in MATRIX]


@dataclass(frozen=True)
class Shown:
    cases: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()


Rule = Callable[[object, str], Shown | None]  # (world, visitor) -> what one read names, or None: no read


def NOT_LOGGED(world, visitor):
    return None


def UNNAMED(world, visitor):
    return Shown()


def shows(*cases: str, persons: bool | tuple[str, ...] = True) -> Rule:
    """One read naming the world's `cases` (attribute names), and their persons unless `persons=False`;
    `persons` as names: only the persons of those cases (the others are shown without identity)."""

    def rule(world, visitor):
        records = [getattr(world, name) for name in cases]
        named = records if persons is True else [getattr(world, name) for name in persons or ()]
        return Shown(
            cases=frozenset(str(case.pk) for case in records),
            persons=frozenset(str(case.person_id) for case in named),
        )

    return rule


def per_visitor(**rules: Rule) -> Rule:
    def rule(world, visitor):
        assert visitor in rules, f"declare what the page shows {visitor} in PAGES"
        return rules[visitor](world, visitor)

    return rule


def changes_on_the_first_page(world, visitor):
    """The change log's review names the cases and persons whose change entries are on its first page
    (newest first); in the world's agreement every entry is in the default period."""
    entries = (
        LogEntry.objects.filter(additional_data__agreement_id=world.people.agreement.pk)
        .select_related("content_type")
        .order_by("-timestamp", "-pk")[:PER_PAGE]
    )
    about = {"case": set(), "person": set()}
    for entry in entries:
        if entry.content_type.app_label == "casework" and entry.content_type.model in about:
            about[entry.content_type.model].add(entry.object_pk)
    return Shown(cases=frozenset(about["case"]), persons=frozenset(about["person"]))


PAGES: dict[str, Rule] = {
    "healthz": NOT_LOGGED,
    "set_language": NOT_LOGGED,
    "accesscontrol:start": NOT_LOGGED,  # case numbers, dates and counts only (casework.selectors.start)
    "accesscontrol:login": NOT_LOGGED,
    "accesscontrol:set_password": NOT_LOGGED,
    "accesscontrol:account": NOT_LOGGED,
    "accesscontrol:choose_agreement": NOT_LOGGED,
    # --- cases ---
    "casework:case_list": per_visitor(
        social_manager=shows(*WORLD_CASES),
        # the social services' `proposal` without its identity (no disclosure shares it)
        police=shows(*WORLD_CASES, persons=("case", "closed_case", "svansen_case")),
        caseworker=shows("case", "closed_case"),
        field_worker=shows("svansen_case", "proposal"),
        outsider=UNNAMED,  # agreement B has no cases: an empty list is still the list's read
    ),
    "casework:case_detail": shows("case"),
    "casework:police_assessment": shows("case"),
    "casework:social_assessment": shows("case"),
    "casework:change_category": shows("case"),
    "casework:close_case": shows("case"),
    "casework:reopen_case": shows("closed_case"),
    "casework:legal_hold": shows("case"),
    "casework:reassign": shows("case"),
    "casework:access_grant": shows("case"),
    "casework:person_details": shows("case"),  # the youth's contact details and guardians, prefilled
    "casework:register_extract": shows("case"),
    "casework:add_attachment": shows("case"),
    "casework:attachment": shows("case"),  # a document about the youth: names the person
    "casework:offer_intervention": shows("case"),
    "casework:intervention_response": shows("case"),
    "casework:follow_up": shows("case"),
    "casework:correct_follow_up": shows("case"),
    "casework:correct_social_assessment": shows("case"),
    "casework:correct_police_assessment": shows("case"),
    "casework:correct_contact": shows("svansen_case"),
    "casework:propose": NOT_LOGGED,  # the empty form; the person found by number is logged on POST
    # --- meetings ---
    "casework:meeting_list": NOT_LOGGED,  # dates, places, chairs
    "casework:schedule_meeting": NOT_LOGGED,
    "casework:meeting_detail": per_visitor(
        social_manager=shows("proposal"),
        field_worker=shows("proposal"),
        caseworker=UNNAMED,  # the proposal is outside their cases: its number only, and the minutes
    ),
    "casework:minutes_pdf": per_visitor(  # `approved_meeting`, with `proposal` on its agenda, not dealt with
        social_manager=shows(*WORLD_CASES),
        police=shows(*WORLD_CASES, persons=("case", "closed_case", "svansen_case")),
        caseworker=shows("case", "closed_case"),
        field_worker=shows("svansen_case", "proposal"),
    ),
    "casework:meeting_participants": NOT_LOGGED,  # staff and external participants, no youth
    "casework:meeting_invitation": NOT_LOGGED,  # the day, the place and a link: no youth, no case
    "casework:identify": shows("proposal"),
    "casework:meeting_reasoning": UNNAMED,  # the minutes' text
    "casework:add_decision": shows("proposal"),  # the agenda's cases to choose from
    "casework:add_addendum": UNNAMED,
    # --- field work and targets ---
    "casework:field_home": per_visitor(
        field_worker=shows("svansen_case"),
        social_manager=shows("svansen_case"),
        outsider=UNNAMED,
    ),
    "casework:new_contact": shows("svansen_case"),  # the active svansen cases to choose from
    "casework:concern_follow_up": shows("svansen_case"),
    "casework:new_visit": NOT_LOGGED,
    "casework:target_board": per_visitor(
        social_manager=shows("svansen_case"),  # the svansen case still without an offer, by name
        outsider=NOT_LOGGED,  # agreement B has no gap to name
    ),
    "reminders:list": NOT_LOGGED,  # counts and links, never a name (casework.models.Notification)
    # --- disclosures ---
    "disclosures:index": shows("case"),
    "disclosures:disclose": shows("case"),
    "disclosures:withdraw": shows("case"),
    "disclosures:record_consent": shows("case"),
    "disclosures:withdraw_consent": shows("case"),
    # --- the auditor's review: a read of the log, naming what the shown entries name ---
    "audit:access_log": shows("case"),
    "audit:access_log_export": shows("case"),
    "audit:change_log": changes_on_the_first_page,
    "audit:verifications": UNNAMED,
    "audit:verification_status": NOT_LOGGED,
    # --- reports: cases by number, never a name, except the lists behind the follow-up's figures, which
    # name the youths to the social manager as the target board does ---
    "reports:follow_up": UNNAMED,  # figures
    "reports:follow_up_cases": per_visitor(social_manager=shows("case", "closed_case"), outsider=UNNAMED),
    "reports:disclosure_cases": per_visitor(social_manager=shows("case"), outsider=UNNAMED),
    "reports:follow_up_qualitative": per_visitor(
        social_manager=shows("svansen_case", persons=False),  # the orossamtal's reception
        outsider=UNNAMED,
    ),
    "reports:case_summary": shows("case"),
    "reports:costs": per_visitor(social_manager=shows("case", persons=False), outsider=UNNAMED),
    "reports:cost_indexes": NOT_LOGGED,
    "casework:imports": NOT_LOGGED,
    "casework:import_template": NOT_LOGGED,
    "casework:import_detail": UNNAMED,  # the preview: the file's names and numbers, not yet Samsyn's
    "casework:import_status": NOT_LOGGED,
    "reports:jobs": NOT_LOGGED,
    "reports:job": NOT_LOGGED,
    "reports:job_status": NOT_LOGGED,
    "reports:job_file": shows("case", persons=False),  # the cost comparison of `case`
    # --- management statistics: anonymised, but every release read is on record ---
    "reports:statistics": UNNAMED,
    "reports:statistics_method": NOT_LOGGED,
    "reports:statistics_register": UNNAMED,
    "casework:field_figures": UNNAMED,  # counts only
    "reports:statistics_revision": UNNAMED,
    "reports:api_token": NOT_LOGGED,
    "reports:statistics_table": UNNAMED,
    "reports:statistics_file": UNNAMED,
    "api_schema": NOT_LOGGED,
    "api_statistics_agreements": UNNAMED,
    "api_statistics_catalogue": UNNAMED,
    "api_statistics_table": UNNAMED,
    **dict.fromkeys([key for key in MATRIX if key.startswith("administration:")], NOT_LOGGED),
    # Staff names and addresses, never a youth's: no access-log entry.
    "approvals:list": NOT_LOGGED,
    "approvals:decide": NOT_LOGGED,
}

# Pages whose read is an export (a file or the API), recorded with export=True; every other read is not.
EXPORTS = {
    "casework:minutes_pdf",
    "casework:register_extract",
    "casework:attachment",
    "audit:access_log_export",
    "reports:job_file",
    "reports:case_summary",
    "reports:statistics_file",
    "api_statistics_agreements",
    "api_statistics_catalogue",
    "api_statistics_table",
}

# 404s that are no refusal of a record, so nothing is denied: the endpoint does not exist in tests.
NOT_A_REFUSAL = {"metrics"}


def written_since(seq: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def on_the_page(response, world) -> Shown:
    """The world's persons whose name or personnummer, and cases whose free text, the response shows."""
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return Shown()  # PDF and XLSX are compressed: their reads are checked against the declaration only
    body = response.content.decode()
    persons = {
        str(case.person_id)
        for case in (getattr(world, name) for name in WORLD_CASES)
        if case.person.full_name in body or case.person.personal_number_display in body
    }
    cases = {str(getattr(world, SECRET_OF[field_class]).pk) for field_class, text in SECRETS.items() if text in body}
    return Shown(cases=frozenset(cases), persons=frozenset(persons))


def check_read(entries, expected: Shown | None, *, page: str, export: bool, seen: Shown) -> list[str]:
    shown = [e for e in entries if e.outcome == AccessLogEntry.Outcome.SHOWN]
    named = Shown(
        cases=frozenset().union(*(e.case_ids for e in shown)), persons=frozenset().union(*(e.person_ids for e in shown))
    )
    problems = []
    if seen.persons - named.persons:
        problems.append(f"shows persons {sorted(seen.persons - named.persons)} without naming them")
    if seen.cases - named.cases:
        problems.append(f"shows free text of cases {sorted(seen.cases - named.cases)} without naming them")
    if expected is None:
        return [*problems, f"wrote {len(shown)} read(s), expected none"] if shown else problems
    if len(shown) != 1:
        return [*problems, f"wrote {len(shown)} read(s), expected exactly one"]
    entry = shown[0]
    if set(entry.case_ids) != expected.cases:
        problems.append(f"named cases {sorted(entry.case_ids)}, expected {sorted(expected.cases)}")
    if set(entry.person_ids) != expected.persons:
        problems.append(f"named persons {sorted(entry.person_ids)}, expected {sorted(expected.persons)}")
    if entry.export is not export:
        problems.append(f"export={entry.export}, expected {export}")
    if entry.page != page:
        problems.append(f"named the page {entry.page!r}, not its route")
    return problems


def check_refusal(entries, pattern, url_case_id, status, *, foreign: bool = False) -> list[str]:
    """A refusal (403 or 404) writes exactly one denied entry, naming the case of the URL, and no read.
    A case of another agreement than the visitor's (`foreign`) is not named: the entry is flagged instead
    (audit.access.FOREIGN_CASE), and its path holds no id."""
    shown = [e for e in entries if e.outcome == AccessLogEntry.Outcome.SHOWN]
    denied = [e for e in entries if e.outcome == AccessLogEntry.Outcome.DENIED]
    if pattern.key in NOT_A_REFUSAL:
        return [f"wrote {len(entries)} entries for a URL that does not exist"] if entries else []
    problems = [f"wrote {len(shown)} read(s) for a {status}"] if shown else []
    if len(denied) != 1:
        return [*problems, f"wrote {len(denied)} denied entries, expected exactly one"]
    expected = [url_case_id] if url_case_id and not foreign else []
    if denied[0].case_ids != expected:
        problems.append(f"the denied entry names cases {denied[0].case_ids}, expected {expected}")
    if denied[0].page != pattern.key:
        problems.append(f"the denied entry names the page {denied[0].page!r}, not its route")
    flagged = denied[0].outside_scope_case_ids == [FOREIGN_CASE] and str(url_case_id) not in denied[0].path
    if url_case_id and foreign and not flagged:
        problems.append("the denied entry does not flag the other agreement's case, or names it in its path")
    return problems


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_each_request_writes_the_access_entries_it_should(pattern, world):
    declared = MATRIX[pattern.key]
    answered_200 = [visitor for visitor, outcome in declared.items() if outcome == 200 and visitor != "anonymous"]
    if answered_200 and pattern.key not in PAGES:
        pytest.fail(
            f"{pattern.key} answers {answered_200} 200: declare in PAGES (tests/audit/test_access_log_walk.py) "
            "whether it shows personal data, and whose."
        )
    client_for(world, "social_manager").get(reverse("casework:case_detail", args=[world.case.pk]))
    url = url_of(pattern, world)
    url_case_id = str(samples_for(pattern.key)["case_id"](world)) if "case_id" in pattern.keywords else None
    wrong = []
    for visitor in VISITORS[1:]:  # every signed-in visitor
        before = last_seq()
        response = client_for(world, visitor).get(url)
        entries = written_since(before)
        if isinstance(declared[visitor], int):
            assert response.status_code == declared[visitor], f"{visitor}: not as the URL matrix says"
        if response.status_code == 200:
            expected = PAGES[pattern.key](world, visitor)
            seen = on_the_page(response, world)
            problems = check_read(entries, expected, page=pattern.key, export=pattern.key in EXPORTS, seen=seen)
        elif response.status_code in (403, 404):
            problems = check_refusal(entries, pattern, url_case_id, response.status_code, foreign=visitor == "outsider")
        else:
            shown = [e for e in entries if e.outcome == AccessLogEntry.Outcome.SHOWN]
            problems = [f"wrote {len(shown)} read(s) for a {response.status_code}"] if shown else []
        if problems:
            wrong.append(f"  {visitor} ({response.status_code}): " + "; ".join(problems))
    assert not wrong, f"GET {url}\n" + "\n".join(wrong)


def test_every_declared_page_is_a_url_of_the_project():
    stale = set(PAGES) - {p.key for p in PATTERNS}
    assert not stale, f"declared in PAGES but not in the URL matrix (remove them): {sorted(stale)}"
