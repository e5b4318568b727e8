"""What an uploaded list would do: for each row, what it creates, or that it was imported already, or why
it is refused (in Swedish). Nothing is written here.

A row is one case: a person, the category, the raised-on date, the unit and caseworker, and optionally one
intervention and one follow-up. Further rows with the same personnummer and raised-on date add more
interventions and follow-ups to that case. The rules are the services' own (casework.services.cases,
interventions, follow_ups), called without writing; the import runs the services themselves, so a rule
that changed in between refuses the whole import rather than half of it.

Idempotent by the database: a person (found by the blind index of the personnummer) who already has a case
raised on the row's date was imported before, and the row is skipped; a person with another open case is
refused. Rows are planned in date order, so the order of the rows in the file does not matter.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accesscontrol.models import Membership, Role, Unit
from casework import personal_numbers
from casework.blind_indexes import personal_number_candidates
from casework.models import Agreement, Case, Category, FollowUp, Intervention, InterventionType, Person
from casework.services import cases as case_services
from casework.services.follow_ups import check_follow_up
from casework.services.interventions import check_course
from casework.services.timeline import refuse_future

from .reading import Row, Sheet, heading_of, parse_date

CREATE, SKIP, REFUSE = "create", "skip", "refuse"

CATEGORY_WORDS = {
    "livsstil": Category.LIFESTYLE,
    "kriminalitet som livsstil": Category.LIFESTYLE,
    "ksl": Category.LIFESTYLE,
    "lifestyle": Category.LIFESTYLE,
    "svansen": Category.SVANSEN,
    "svans": Category.SVANSEN,
    "svansenungdom": Category.SVANSEN,
}
RESPONSE_WORDS = {
    "": Intervention.Response.PENDING,
    "väntar": Intervention.Response.PENDING,
    "inget svar ännu": Intervention.Response.PENDING,
    "ja": Intervention.Response.ACCEPTED,
    "tackat ja": Intervention.Response.ACCEPTED,
    "accepterad": Intervention.Response.ACCEPTED,
    "nej": Intervention.Response.DECLINED,
    "tackat nej": Intervention.Response.DECLINED,
    "avböjd": Intervention.Response.DECLINED,
    "inget svar": Intervention.Response.NO_ANSWER,
}
OUTCOME_WORDS = {
    "": FollowUp.Outcome.UNKNOWN,
    "vet inte": FollowUp.Outcome.UNKNOWN,
    "okänt": FollowUp.Outcome.UNKNOWN,
    "förbättrad": FollowUp.Outcome.IMPROVED,
    "förbättrat": FollowUp.Outcome.IMPROVED,
    "bättre": FollowUp.Outcome.IMPROVED,
    "oförändrad": FollowUp.Outcome.UNCHANGED,
    "oförändrat": FollowUp.Outcome.UNCHANGED,
    "försämrad": FollowUp.Outcome.WORSENED,
    "försämrat": FollowUp.Outcome.WORSENED,
    "sämre": FollowUp.Outcome.WORSENED,
}


def _word(text: str) -> str:
    return " ".join((text or "").lower().split())


@dataclass(frozen=True)
class PlannedIntervention:
    intervention_type: InterventionType
    offered_on: datetime.date
    response: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None


@dataclass(frozen=True)
class PlannedFollowUp:
    written_on: datetime.date
    outcome: str
    youth_view: str
    social_view: str


@dataclass
class PlannedCase:
    line: int
    personal_number: personal_numbers.PersonalNumber
    details: case_services.PersonDetails
    category: str
    raised_on: datetime.date
    unit: Unit
    caseworker: object
    interventions: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)


@dataclass(frozen=True)
class RowResult:
    """One row of the preview: the file's own text for the person, and what happens to the row."""

    line: int
    outcome: str
    personal_number: str
    name: str
    what: tuple[str, ...]  # what the row creates (or, skipped, what it matched)
    reasons: tuple[str, ...]  # why it is refused

    @property
    def refused(self) -> bool:
        return self.outcome == REFUSE


@dataclass
class Plan:
    results: list[RowResult]
    cases: list[PlannedCase]
    ignored_columns: tuple[str, ...]
    empty_rows: int

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.results if r.refused]

    @property
    def interventions(self) -> int:
        return sum(len(case.interventions) for case in self.cases)

    @property
    def follow_ups(self) -> int:
        return sum(len(case.follow_ups) for case in self.cases)


class _Refused(Exception):
    def __init__(self, *reasons: str):
        self.reasons = reasons


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


class _Lookups:
    """The agreement's units, caseworkers and catalogue, and who of the file is known already, read once."""

    def __init__(self, agreement: Agreement, numbers: list[personal_numbers.PersonalNumber]):
        self.agreement = agreement
        self.units = defaultdict(list)
        for unit in Unit.objects.filter(organisation_id=agreement.social_services_id):
            self.units[_word(unit.name)].append(unit)
        self.caseworkers = defaultdict(set)
        memberships = Membership.objects.filter(agreement=agreement, role=Role.CASEWORKER).select_related("user")
        for user in {m.user for m in memberships}:
            for key in (user.username, user.email, user.get_full_name()):
                if key:
                    self.caseworkers[_word(key)].add(user)
        self.catalogue = {}
        for entry in InterventionType.objects.filter(agreement=agreement, active=True):
            self.catalogue[_word(entry.name)] = entry
            self.catalogue[_word(entry.code)] = entry
        self.categories = dict(CATEGORY_WORDS)
        for category in Category.values:
            self.categories[_word(agreement.category_label(category))] = category
        index_to_number = {
            candidate: number.normalised
            for number in numbers
            for candidate in personal_number_candidates(number.normalised)
        }
        persons = Person.objects.filter(agreement=agreement, personal_number_index__in=list(index_to_number))
        self.person_of = {index_to_number[p.personal_number_index]: p for p in persons}
        self.cases_of = defaultdict(list)
        for case in Case.objects.filter(agreement=agreement, person__in=persons).order_by("raised_on", "number"):
            self.cases_of[case.person_id].append(case)
        self._assignments = {}

    def unit(self, text: str) -> Unit:
        found = self.units.get(_word(text), [])
        if len(found) != 1:
            raise _Refused(_("Okänd enhet: ingen enhet inom socialtjänsten heter så."))
        return found[0]

    def caseworker(self, text: str, unit: Unit):
        if not text:
            return None
        found = self.caseworkers.get(_word(text), set())
        if not found:
            raise _Refused(_("Okänd handläggare: ingen handläggare i överenskommelsen heter så."))
        if len(found) > 1:
            raise _Refused(_("Flera handläggare heter så: skriv användarnamnet eller e-postadressen."))
        caseworker = next(iter(found))
        key = (unit.pk, caseworker.pk)
        if key not in self._assignments:  # one check per unit and caseworker, not per row
            try:
                case_services.require_unit_and_caseworker(self.agreement, unit, caseworker)
                self._assignments[key] = None
            except ValidationError as error:
                self._assignments[key] = _messages(error)
        if self._assignments[key]:
            raise _Refused(*self._assignments[key])
        return caseworker


def _date(row: Row, key: str, *, required: bool) -> datetime.date | None:
    text = row.values.get(key, "")
    if not text:
        if required:
            raise _Refused(_("Kolumnen %(column)s är tom.") % {"column": heading_of(key)})
        return None
    day = parse_date(text)
    if day is None:
        raise _Refused(
            _("Datumet i kolumnen %(column)s går inte att läsa. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-03-05.")
            % {"column": heading_of(key)}
        )
    return day


def _names(row: Row) -> tuple[str, str]:
    first, last = row.values.get("first_name", ""), row.values.get("last_name", "")
    if not (first or last) and (full := row.values.get("name", "")):
        first, _space, last = full.strip().rpartition(" ")
        if not first:
            first, last = last, ""
    return first.strip(), last.strip()


def _intervention(row: Row, lookups: _Lookups) -> PlannedIntervention | None:
    keys = ("intervention", "offered_on", "response", "starts_on", "ends_on")
    if not any(row.values.get(key) for key in keys):
        return None
    entry = lookups.catalogue.get(_word(row.values.get("intervention", "")))
    if entry is None:
        raise _Refused(_("Okänd insats: den finns inte i överenskommelsens insatskatalog."))
    response = RESPONSE_WORDS.get(_word(row.values.get("response", "")))
    if response is None:
        raise _Refused(_("Okänt svar på insatsen: skriv Tackat ja, Tackat nej, Inget svar eller lämna tomt."))
    planned = PlannedIntervention(
        intervention_type=entry,
        offered_on=_date(row, "offered_on", required=True),
        response=response,
        starts_on=_date(row, "starts_on", required=False),
        ends_on=_date(row, "ends_on", required=False),
    )
    try:
        refuse_future(planned.offered_on, field="offered_on")
        check_course(
            offered_on=planned.offered_on, response=response, starts_on=planned.starts_on, ends_on=planned.ends_on
        )
    except ValidationError as error:
        raise _Refused(*_messages(error)) from None
    return planned


def _follow_up(row: Row, agreement: Agreement, raised_on: datetime.date) -> PlannedFollowUp | None:
    keys = ("follow_up_on", "outcome", "youth_view", "social_view")
    if not any(row.values.get(key) for key in keys):
        return None
    outcome = OUTCOME_WORDS.get(_word(row.values.get("outcome", "")))
    if outcome is None:
        raise _Refused(_("Okänt utfall: skriv Förbättrad, Oförändrad, Försämrad, Vet inte eller lämna tomt."))
    planned = PlannedFollowUp(
        written_on=_date(row, "follow_up_on", required=True),
        outcome=outcome,
        youth_view=row.values.get("youth_view", ""),
        social_view=row.values.get("social_view", ""),
    )
    try:
        check_follow_up(
            agreement=agreement,
            raised_on=raised_on,
            written_on=planned.written_on,
            youth_view=planned.youth_view,
            social_view=planned.social_view,
            outcome=outcome,
        )
    except ValidationError as error:
        raise _Refused(*_messages(error)) from None
    return planned


def _case_of(row: Row, lookups: _Lookups) -> PlannedCase:
    """The case a row describes, or _Refused with every reason found."""
    if row.problems:
        raise _Refused(*row.problems)
    agreement = lookups.agreement
    reasons = []
    number = category = raised_on = unit = caseworker = None
    try:
        number = case_services.parse_personal_number(row.values.get("personal_number", ""))
    except ValidationError as error:
        reasons += _messages(error)
    category = lookups.categories.get(_word(row.values.get("category", "")))
    if category is None:
        reasons.append(_("Okänd kategori: skriv Livsstil eller Svansen."))
    try:
        raised_on = _date(row, "raised_on", required=True)
        case_services.check_raised_on(agreement=agreement, raised_on=raised_on)
    except _Refused as refused:
        reasons += refused.reasons
        raised_on = None
    except ValidationError as error:
        reasons += _messages(error)
        raised_on = None
    try:
        unit = lookups.unit(row.values.get("unit", ""))
        caseworker = lookups.caseworker(row.values.get("caseworker", ""), unit)
    except _Refused as refused:
        reasons += refused.reasons
    if number and raised_on:
        age = case_services.age_outside_agreement(number=number, agreement=agreement, on=raised_on)
        if age is not None:
            reasons += _messages(case_services.AgeOutsideAgreement(age=age, agreement=agreement, on=raised_on))
    if reasons:
        raise _Refused(*reasons)
    first, last = _names(row)
    return PlannedCase(
        line=row.line,
        personal_number=number,
        details=case_services.PersonDetails(first_name=first, last_name=last, gender=number.legal_gender),
        category=category,
        raised_on=raised_on,
        unit=unit,
        caseworker=caseworker,
    )


def _add_care(planned: PlannedCase, row: Row, lookups: _Lookups) -> list[str]:
    """Add the row's intervention and follow-up to the case; what it adds, in words."""
    what = []
    intervention = _intervention(row, lookups)
    follow_up = _follow_up(row, lookups.agreement, planned.raised_on)
    if intervention and intervention not in planned.interventions:
        planned.interventions.append(intervention)
        response = Intervention.Response(intervention.response).label
        what.append(
            _("insats %(name)s erbjuden %(day)s (%(response)s)")
            % {
                "name": intervention.intervention_type.name,
                "day": intervention.offered_on.isoformat(),
                "response": response,
            }
        )
    if follow_up and follow_up not in planned.follow_ups:
        planned.follow_ups.append(follow_up)
        what.append(
            _("uppföljning %(day)s (%(outcome)s)")
            % {"day": follow_up.written_on.isoformat(), "outcome": FollowUp.Outcome(follow_up.outcome).label}
        )
    return what


def _description(planned: PlannedCase, agreement: Agreement, new_person: bool) -> str:
    category = agreement.category_label(planned.category)
    text = _("%(who)s, ärende %(category)s aktualiserat %(day)s, %(unit)s") % {
        "who": _("ny person") if new_person else _("känd person"),
        "category": category,
        "day": planned.raised_on.isoformat(),
        "unit": planned.unit.name,
    }
    if planned.caseworker:
        text += f" / {planned.caseworker.get_full_name() or planned.caseworker.username}"
    return text


def plan(*, agreement: Agreement, sheet: Sheet) -> Plan:
    """Check every row of the sheet against the agreement and the database; see the module docstring."""
    parsed = {}
    for row in sheet.rows:
        try:
            parsed[row.line] = personal_numbers.parse(row.values.get("personal_number", ""))
        except personal_numbers.InvalidPersonalNumber:
            continue
    lookups = _Lookups(agreement, list(parsed.values()))

    def date_order(row: Row):
        return (parse_date(row.values.get("raised_on", "")) or datetime.date.max, row.line)

    results: dict[int, RowResult] = {}
    cases: dict[tuple[str, datetime.date], PlannedCase] = {}
    skipped: dict[tuple[str, datetime.date], Case] = {}
    case_line_of: dict[str, int] = {}  # personnummer -> the line of the person's case in this file
    refused_keys: dict[tuple[str, datetime.date], int] = {}

    for row in sorted(sheet.rows, key=date_order):
        number = parsed.get(row.line)
        shown = number.display if number else row.values.get("personal_number", "")
        name = " ".join(_names(row)).strip()

        def result(outcome, what=(), reasons=(), row=row, shown=shown, name=name):
            results[row.line] = RowResult(row.line, outcome, shown, name, tuple(what), tuple(reasons))

        day = parse_date(row.values.get("raised_on", ""))
        key = (number.normalised, day) if number and day else None
        try:
            if key in skipped:
                result(SKIP, [_("hör till ärende %(number)s, som redan finns") % {"number": skipped[key].number}])
                continue
            if key in refused_keys:
                raise _Refused(_("Ärendet på rad %(line)s avvisades.") % {"line": refused_keys[key]})
            if key in cases:
                planned = cases[key]
                stated = {
                    "category": lookups.categories.get(_word(row.values.get("category", ""))),
                    "unit": next(iter(lookups.units.get(_word(row.values.get("unit", "")), [])), None),
                }
                for column, value in (("category", planned.category), ("unit", planned.unit)):
                    if row.values.get(column) and stated[column] != value:
                        raise _Refused(
                            _("Raden hör till ärendet på rad %(line)s men anger en annan %(column)s.")
                            % {"line": planned.line, "column": heading_of(column).lower()}
                        )
                result(CREATE, _add_care(planned, row, lookups))
                continue
            planned = _case_of(row, lookups)
            person = lookups.person_of.get(planned.personal_number.normalised)
            if person is not None:
                earlier = [c for c in lookups.cases_of[person.pk] if c.raised_on == planned.raised_on]
                if earlier:
                    skipped[key] = earlier[0]
                    result(
                        SKIP, [_("ärende %(number)s finns redan (importerat tidigare)") % {"number": earlier[0].number}]
                    )
                    continue
                if open_case := next((c for c in lookups.cases_of[person.pk] if c.is_open), None):
                    raise _Refused(*_messages(case_services.OpenCaseExists(open_case)))
            elif not (planned.details.first_name and planned.details.last_name):
                raise _Refused(_("Förnamn och efternamn behövs för en ny person."))
            if (other := case_line_of.get(planned.personal_number.normalised)) is not None:
                raise _Refused(
                    _(
                        "Personen har redan ett ärende med ett annat aktualiseringsdatum på rad %(line)s; "
                        "en person kan bara ha ett öppet ärende i taget."
                    )
                    % {"line": other}
                )
            what = [_description(planned, agreement, new_person=person is None), *_add_care(planned, row, lookups)]
        except _Refused as refused:
            if key and key not in cases and key not in refused_keys:
                refused_keys[key] = row.line
            result(REFUSE, reasons=refused.reasons)
            continue
        cases[key] = planned
        case_line_of[planned.personal_number.normalised] = row.line
        result(CREATE, what)

    return Plan(
        results=[results[line] for line in sorted(results)],
        cases=sorted(cases.values(), key=lambda c: (c.raised_on, c.line)),
        ignored_columns=sheet.ignored_columns,
        empty_rows=sheet.empty_rows,
    )
