"""A year of the collaboration for the demo, played through the services in date order.

Four quarterly meetings (all but the fourth approved by the chair and the police), about three
lifestyle and six svansen cases identified at each, one proposal not identified; interventions offered
(mostly accepted, some declined), follow-ups (most in the window, a few late, a few missing), field
contacts with svansen youths and anonymous ones, orossamtal and their follow-ups, hot-spot visits,
decisions, a category change, closings and a reopening. Nothing is dated after today: steps whose date
has not come are left out, so a demo of the current year shows the year so far.

Everything is invented: names that cannot be mistaken for real ones, telephone numbers from the range
PTS keeps for fiction (070-174 06 05–99), personal numbers with the test serials 980–999. Each person's
gender is the one their number carries, and a visit's observations agree with the youths it counts.
"""

from __future__ import annotations

import datetime
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accesscontrol.actor import actor_for
from casework import personal_numbers
from casework.follow_up import follow_up_window
from casework.models import Area, Category, HotSpot, InterventionType, LegalBasis, Meeting
from casework.selectors.cases import police_read_identity
from casework.selectors.disclosures import age_on
from casework.services import cases as case_services
from casework.services import disclosures, fieldwork, follow_ups, interventions, meetings

FIRST_NAMES = ["Testa", "Exempla", "Fiktiv", "Påhitta", "Låtsa", "Prova", "Övning", "Modella", "Skiss", "Figura"]
LAST_NAMES = ["Demosson", "Påhittsson", "Låtsasberg", "Exempelsson", "Testberg", "Fiktivdotter", "Provlund"]
GUARDIAN_FIRST_NAMES = ["Förälder", "Vårdna", "Mamma-Demo", "Pappa-Demo"]

REASONS = {
    Category.LIFESTYLE: [
        "Misstänkt för flera rån och narkotikabrott under kvartalet; umgås med den kriminella kärnan.",
        "Återkommande grov misshandel, skolk sedan hösten, har slutat på fritidsgården.",
        "Påträffad med vapen vid två tillfällen; har själv berättat om sin narkotikaförsäljning.",
    ],
    Category.SVANSEN: [
        "Har synts i gruppen vid Stationsparken vid flera ingripanden; inga egna brott än.",
        "Närvarande vid bråket vid köpcentrumet; ny i området, lätt att påverka.",
        "Skolan oroar sig: skolk och nya äldre kompisar. Snatteri i våras.",
        "Ofta ute sent vid Demoskolan när polisen ingripit; föräldrarna vill ha hjälp.",
    ],
}
POLICE_ASSESSMENTS = [
    "Hög risk att dras in i gruppens brottslighet; polisen vill att ärendet prioriteras.",
    "Ökande närvaro vid händelser. Polisen följer utvecklingen.",
    "Inga nya händelser sedan förslaget, men kontakterna med kärnan finns kvar.",
]
SOCIAL_ASSESSMENTS = [
    "Utredning inledd. Behov av stöd i familjen och i skolan; ungdomen har börjat ta emot kontakt.",
    "Ungdomen är känd sedan tidigare. Hemmaplanslösning bedöms möjlig med intensivt stöd.",
]
REASONINGS = [
    "Vi ser en tydlig grupp kring Stationsparken. Fokus på de yngre i svansen innan de dras in. "
    "Fältgruppen och polisen samordnar kvällspassen.",
    "Färre incidenter vid Demoskolan efter ökad tillsyn. Vi behåller fokus på föräldrakontakter.",
    "Sommaren medför fler ungdomar ute sent. Fritidsgårdens förlängda öppettider följs upp nästa möte.",
    "Två ungdomar i livsstilsgruppen har tackat ja till MST. Vi utvärderar hemmaplanslösningarna mot "
    "kostnaden för placering.",
]
DECISIONS = [
    ("Fältgruppen besöker Stationsparken fredag och lördag kväll under kvartalet.", "falt", 60),
    ("Bjud in skolan till nästa möte för att diskutera skolket.", "chef", 80),
    ("Polisen lämnar aktuell lägesbild över hot spots inför nästa möte.", "polis", 85),
    ("Erbjud föräldrarna i svansen ett gemensamt informationsmöte.", "handlaggare2", 45),
]
FOLLOW_UP_TEXTS = {
    "youth_view": [
        "Ungdomen tycker att kontaktpersonen hjälper. Mamma ser att ungdomen är hemma tidigare.",
        "Säger att det är lugnare nu men att kompisarna fortfarande hör av sig.",
        "Vill inte prata om det; föräldrarna är oroliga.",
    ],
    "social_view": ["Färre skolkdagar och bättre kontakt med familjen.", "Oförändrat läge, insatsen fortsätter."],
    "police_view": ["Inga nya anmälningar sedan förra mötet.", "En ny händelse i centrum i somras."],
    "helped": ["Kontaktpersonen och fotbollsträningen.", "Samtalen med hela familjen."],
    "hindered": ["Gruppen i centrum.", "Långa väntetider till behandlingen."],
    "collaboration": ["Snabba kontakter mellan polis och fältgrupp.", "Informationen från skolan kom sent."],
}
FIELD_NOTES = [
    "Pratade om fritidsaktiviteter; intresserad av boxningsklubben.",
    "Kort samtal vid parken, ungdomen var med två äldre.",
    "Föräldrarna tacksamma för kontakten, vill ha tips om stöd.",
]
# A hot-spot visit's observations, by whether anyone was there ({youths}: "en ungdom", "16 ungdomar").
OBSERVATIONS = [
    "Lugnt, {youths} vid kiosken.",
    "Sent på kvällen; {youths} vid busshållplatsen, inga bråk.",
    "Nedskräpat och spår av fyrverkerier; {youths} på plats.",
]
EMPTY_OBSERVATIONS = [
    "Lugnt och tomt vid kiosken; inga ungdomar på plats.",
    "Regnigt; inga ungdomar på plats.",
    "Nedskräpat och spår av fyrverkerier; inga ungdomar på plats.",
]
MEETING_PLACES = ["Stadshuset, sal 2", "Polisstationen, konferensrummet", "Socialkontoret, Demogatan 1"]


@dataclass
class _Plan:
    """Steps keyed by date, run in date order (a step may plan later steps while the plan runs); steps
    dated after today are dropped."""

    today: datetime.date
    steps: list = field(default_factory=list)
    planned: int = 0

    def at(self, day: datetime.date, step: Callable[[], object]) -> None:
        if day <= self.today:
            self.planned += 1
            heapq.heappush(self.steps, (day, self.planned, step))

    def run(self) -> None:
        while self.steps:
            _day, _order, step = heapq.heappop(self.steps)
            step()


@dataclass
class _Cast:
    manager: object
    police: object
    caseworker: object
    open_care_worker: object
    field_worker: object
    users: dict

    @classmethod
    def of(cls, agreement, users: dict) -> _Cast:
        def actor(name):
            return actor_for(users[name], agreement)

        return cls(
            manager=actor("chef"),
            police=actor("polis"),
            caseworker=actor("handlaggare"),
            open_care_worker=actor("handlaggare2"),
            field_worker=actor("falt"),
            users=users,
        )


class _Year:
    def __init__(self, *, agreement, year: int, rng: random.Random, users: dict):
        self.agreement = agreement
        self.year = year
        self.rng = rng
        self.cast = _Cast.of(agreement, users)
        self.plan = _Plan(today=timezone.localdate())
        self.numbers: set[str] = set()
        self.areas = list(Area.objects.filter(agreement=agreement))
        self.hot_spots = list(HotSpot.objects.filter(agreement=agreement))
        self.catalogue = {t.code: t for t in InterventionType.objects.filter(agreement=agreement)}
        self.meetings: list[Meeting] = []
        self.firsts: dict = {}

    # --- people ---------------------------------------------------------------------------------------

    def personal_number(self, proposed_on: datetime.date) -> str:
        """About two boys to each girl; the serial's last digit (the number's second-last) is odd for a boy."""
        while True:
            age = self.rng.choice([14, 15, 15, 16, 16, 17, 17, 18, 19, 21])
            born = proposed_on - relativedelta(years=age) - datetime.timedelta(days=self.rng.randint(1, 360))
            boy = self.rng.random() < 2 / 3
            number = personal_numbers.make(born, self.rng.randrange(981 if boy else 980, 1000, 2))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def person_details(self, personal_number: str) -> case_services.PersonDetails:
        rng = self.rng
        last = rng.choice(LAST_NAMES)
        guardians = [
            {"name": f"{rng.choice(GUARDIAN_FIRST_NAMES)} {last}", "phone": f"070-174 06 {rng.randint(5, 99):02d}"}
            for _n in range(rng.choice([1, 2]))
        ]
        first = rng.choice(FIRST_NAMES)
        return case_services.PersonDetails(
            first_name=first,
            last_name=last,
            gender=personal_numbers.parse(personal_number).legal_gender,
            area=rng.choice(self.areas) if self.areas else None,
            contact={"phone": f"070-174 06 {rng.randint(5, 99):02d}", "email": f"{first.lower()}@exempel.invalid"},
            guardians=guardians,
        )

    # --- one quarter -------------------------------------------------------------------------------------

    def quarter(self, number: int) -> None:
        rng = self.rng
        held_on = datetime.date(self.year, 3 * number - 1, rng.randint(8, 20))
        # Three lifestyle and six svansen cases identified, and one proposal the meeting does not identify.
        proposals = [(Category.LIFESTYLE, True)] * 3 + [(Category.SVANSEN, True)] * 6
        proposals.append((rng.choice(Category.values), False))
        rng.shuffle(proposals)
        holders = []
        for category, identify in proposals:
            proposed_on = held_on - datetime.timedelta(days=rng.randint(5, 40))
            holder = {"category": category, "identify": identify}
            holders.append(holder)
            self.plan.at(proposed_on, lambda h=holder, d=proposed_on: self.propose(h, d))
            assessed_on = min(held_on, proposed_on + datetime.timedelta(days=rng.randint(1, 5)))
            self.plan.at(assessed_on, lambda h=holder, d=assessed_on: self.police_assessment(h, d))
        meeting_holder = {}
        self.plan.at(held_on, lambda: self.hold_meeting(meeting_holder, held_on, holders, number))
        if number < 4:
            approved_on = held_on + datetime.timedelta(days=rng.randint(3, 10))
            self.plan.at(approved_on, lambda: self.approve(meeting_holder))

    def propose(self, holder: dict, proposed_on: datetime.date) -> None:
        by = self.cast.police if self.rng.random() < 0.75 else self.cast.manager
        number = self.personal_number(proposed_on)
        holder["case"] = case_services.propose_case(
            actor=by,
            personal_number=number,
            category=holder["category"],
            reason=self.rng.choice(REASONS[holder["category"]]),
            proposed_on=proposed_on,
            person_details=self.person_details(number),
        )

    def police_assessment(self, holder: dict, assessed_on: datetime.date) -> None:
        if self.rng.random() < 0.8:
            case_services.record_police_assessment(
                actor=self.cast.police,
                case=holder["case"],
                assessment=self.rng.choice(POLICE_ASSESSMENTS),
                priority=holder["category"] == Category.LIFESTYLE,
                assessed_on=assessed_on,
            )

    def hold_meeting(self, meeting_holder: dict, held_on: datetime.date, holders: list, number: int) -> None:
        cast, rng = self.cast, self.rng
        meeting = meetings.schedule_meeting(actor=cast.manager, held_on=held_on, location=rng.choice(MEETING_PLACES))
        meeting_holder["meeting"] = meeting
        for name in ("chef", "polis", "handlaggare", "handlaggare2", "falt"):
            meetings.add_participant(actor=cast.manager, meeting=meeting, user=cast.users[name])
        meetings.add_participant(
            actor=cast.manager,
            meeting=meeting,
            name="Rektor Exempelsson",
            organisation="Demoskolan",
            role_title="Rektor",
        )
        for earlier in self.meetings:
            for decision in earlier.decisions.filter(done_on__isnull=True):
                if rng.random() < 0.7:
                    meetings.mark_decision_done(actor=cast.manager, decision=decision, done_on=held_on)
        for holder in holders:
            self.decide(holder, meeting, held_on)
        meetings.record_reasoning(
            actor=cast.manager,
            meeting=meeting,
            reasoning=REASONINGS[(number - 1) % len(REASONINGS)],
            location=meeting.location,
        )
        for what, who, days in rng.sample(DECISIONS, 2):
            user = cast.users.get(who)
            meetings.add_decision(
                actor=cast.manager,
                meeting=meeting,
                what=what,
                responsible=user,
                due_on=held_on + relativedelta(days=days),
            )
        self.meetings.append(meeting)

    def decide(self, holder: dict, meeting: Meeting, held_on: datetime.date) -> None:
        case = holder["case"]
        if not holder["identify"]:
            case_services.mark_not_identified(
                actor=self.cast.manager,
                case=case,
                meeting=meeting,
                note="Bedöms inte tillhöra målgruppen nu; fältgruppen håller kontakt.",
            )
            return
        lifestyle = holder["category"] == Category.LIFESTYLE
        worker = self.cast.caseworker if lifestyle or self.rng.random() < 0.5 else self.cast.open_care_worker
        if case.pk not in police_read_identity(cases=[case], today=held_on):
            self.disclose_identity(case, held_on)
        case = case_services.identify_case(
            actor=self.cast.manager,
            case=case,
            meeting=meeting,
            category=holder["category"],
            raised_on=held_on,
            unit=worker.user.units.first(),
            caseworker=worker.user,
            age_confirmed=True,
        )
        holder["case"], holder["worker"] = case, worker
        self.afterwards(holder, held_on, lifestyle)

    def disclose_identity(self, case, held_on: datetime.date) -> None:
        """The social services' proposal: its identity is disclosed to the police before the meeting identifies
        the youth (docs/roles-and-visibility.md, "The police and a youth's identity"), under OSL 10 kap. 18 a §
        for a youth under 21, else on the youth's own consent."""
        manager = self.cast.manager
        age = age_on(case.person, held_on)
        under_21 = age is not None and age < 21
        code = "under_21" if under_21 else "samtycke"
        basis = LegalBasis.objects.filter(code=code, valid_from__lte=held_on).order_by("valid_from").last()
        consent = None
        if not under_21:
            consent = disclosures.record_consent(
                actor=manager,
                case=case,
                given_by="youth",
                giver_name=case.person.full_name,
                given_on=held_on,
                scope=["identity"],
                purpose="Samverkansmötet med polisen",
            )
        disclosures.disclose(
            actor=manager,
            case=case,
            field_classes=["identity"],
            legal_basis=basis,
            assessment="Risk för fortsatt brottslighet; identiteten behövs för att förebygga den.",
            decided_on=held_on,
            consent=consent,
        )

    def approve(self, meeting_holder: dict) -> None:
        meeting = meeting_holder["meeting"]
        for actor in (self.cast.manager, self.cast.police):
            meetings.approve_minutes(actor=actor, meeting=meeting)

    # --- after identification ------------------------------------------------------------------------------

    def afterwards(self, holder: dict, raised_on: datetime.date, lifestyle: bool) -> None:
        """Plan the case's year: assessment, intervention, field work, follow-up, perhaps a closing."""
        rng, plan = self.rng, self.plan
        if lifestyle:
            day = raised_on + datetime.timedelta(days=rng.randint(5, 20))
            plan.at(day, lambda d=day: self.social_assessment(holder, d))
        if rng.random() < (0.95 if lifestyle else 0.85):
            offered_on = raised_on + datetime.timedelta(days=rng.randint(7, 30))
            plan.at(offered_on, lambda: self.offer(holder, offered_on, lifestyle))
        if not lifestyle:
            for _n in range(rng.randint(1, 3)):
                day = raised_on + datetime.timedelta(days=rng.randint(3, 120))
                plan.at(day, lambda d=day: self.field_contact(holder, d))
        window = follow_up_window(raised_on=raised_on, agreement=self.agreement)
        roll = rng.random()
        if roll < 0.75:
            written_on = window.opens_on + datetime.timedelta(
                days=rng.randint(0, (window.closes_on - window.opens_on).days)
            )
        elif roll < 0.88:
            written_on = window.closes_on + datetime.timedelta(days=rng.randint(5, 40))
        else:
            written_on = None  # a follow-up that was never written
        if written_on:
            plan.at(written_on, lambda: self.follow_up(holder, written_on))
        last_step = (written_on or window.closes_on) + datetime.timedelta(days=rng.randint(5, 30))
        # The year's first case of each category shows the rarer turns: a category change, a reopening.
        first_of_kind = self.firsts.setdefault(holder["category"], holder) is holder
        if first_of_kind and not lifestyle:
            changed_on = raised_on + datetime.timedelta(days=rng.randint(125, 160))
            plan.at(changed_on, lambda: self.change_category(holder, changed_on))
        elif first_of_kind or rng.random() < 0.15:
            plan.at(last_step, lambda: self.close(holder, last_step, rng.choice(["goals_met", "moved", "aged_out"])))
            if first_of_kind:
                reopened_on = last_step + datetime.timedelta(days=rng.randint(20, 60))
                plan.at(reopened_on, lambda: self.reopen(holder, reopened_on))

    def social_assessment(self, holder: dict, day: datetime.date) -> None:
        case_services.record_social_assessment(
            actor=holder["worker"],
            case=holder["case"],
            assessment=self.rng.choice(SOCIAL_ASSESSMENTS),
            realistic_alternative=self.rng.choice(["hvb", "sis_open", "sis_locked"]),
            records_reference=f"IFO {day.year}-{self.rng.randint(100, 999)}",
            assessed_on=day,
        )

    def offer(self, holder: dict, offered_on: datetime.date, lifestyle: bool) -> None:
        rng = self.rng
        codes = ["mst", "fft", "kontaktperson", "oppenvard"] if lifestyle else ["orossamtal", "fritid", "kontaktperson"]
        intervention = interventions.offer_intervention(
            actor=holder["worker"],
            case=holder["case"],
            intervention_type=self.catalogue[rng.choice(codes)],
            offered_on=offered_on,
            provider="Öppna insatser, Demostad",
        )
        answered_on = offered_on + datetime.timedelta(days=rng.randint(2, 14))
        response = rng.choices(["accepted", "declined", "no_answer"], weights=[7, 2, 1])[0]
        starts_on = answered_on + datetime.timedelta(days=rng.randint(0, 10)) if response == "accepted" else None
        ends_on = starts_on + datetime.timedelta(days=rng.randint(60, 150)) if starts_on else None

        def answer():
            interventions.record_intervention_response(
                actor=holder["worker"],
                intervention=intervention,
                response=response,
                starts_on=starts_on,
                ends_on=ends_on if ends_on and ends_on <= self.plan.today else None,
                provider=intervention.provider,
                occasions=rng.randint(4, 20) if starts_on else None,
                answered_on=answered_on,
            )

        self.plan.at(answered_on, answer)

    def field_contact(self, holder: dict, day: datetime.date) -> None:
        rng = self.rng
        case = holder["case"]
        case.refresh_from_db()
        if case.status != "active" or case.category != Category.SVANSEN:
            return
        kind = rng.choices(["outreach", "concern_talk", "parent_contact"], weights=[5, 3, 2])[0]
        contact = fieldwork.record_field_contact(
            actor=self.cast.field_worker,
            kind=kind,
            case=case,
            occurred_on=day,
            with_youth=kind != "parent_contact",
            with_parents=kind != "outreach",
            hot_spot=rng.choice(self.hot_spots) if self.hot_spots and kind == "outreach" else None,
            note=rng.choice(FIELD_NOTES),
        )
        if kind == "concern_talk" and rng.random() < 0.7:
            followed_up_on = day + datetime.timedelta(days=rng.randint(14, 35))
            self.plan.at(
                followed_up_on,
                lambda: fieldwork.record_concern_talk_follow_up(
                    actor=self.cast.field_worker,
                    contact=contact,
                    followed_up_on=followed_up_on,
                    youth_reception=rng.choice(["positive", "positive", "mixed", "negative"]),
                    parents_reception=rng.choice(["positive", "mixed", "unknown"]),
                    note="Uppföljt per telefon.",
                ),
            )

    def follow_up(self, holder: dict, written_on: datetime.date) -> None:
        case = holder["case"]
        case.refresh_from_db()
        if case.status != "active":
            return
        texts = {key: self.rng.choice(options) for key, options in FOLLOW_UP_TEXTS.items()}
        follow_ups.write_follow_up(
            actor=holder["worker"],
            case=case,
            written_on=written_on,
            outcome=self.rng.choices(["improved", "unchanged", "worsened", "unknown"], weights=[5, 3, 1, 1])[0],
            **texts,
        )

    def close(self, holder: dict, closed_on: datetime.date, reason: str) -> None:
        case_services.close_case(actor=self.cast.manager, case=holder["case"], reason=reason, closed_on=closed_on)

    def reopen(self, holder: dict, reopened_on: datetime.date) -> None:
        case_services.reopen_case(
            actor=self.cast.manager,
            case=holder["case"],
            reopened_on=reopened_on,
            note="Ny oro från skolan och polisen; ärendet tas upp igen.",
        )

    def change_category(self, holder: dict, changed_on: datetime.date) -> None:
        case = holder["case"]
        case.refresh_from_db()
        if case.status == "active":
            case_services.change_category(
                actor=self.cast.manager,
                case=case,
                category=Category.LIFESTYLE,
                changed_on=changed_on,
                note="Misstänkt för grövre brott; bedöms nu leva ett liv där kriminaliteten blivit en livsstil.",
            )

    # --- the field team's own rhythm ---------------------------------------------------------------------

    def field_rhythm(self) -> None:
        rng = self.rng
        for month in range(1, 13):
            for _n in range(2):
                day = datetime.date(self.year, month, rng.randint(1, 28))
                spot = rng.choice(self.hot_spots) if self.hot_spots else None
                if spot is not None:
                    self.plan.at(
                        day,
                        lambda d=day, s=spot: self.hot_spot_visit(s, d),
                    )
            day = datetime.date(self.year, month, rng.randint(1, 28))
            self.plan.at(
                day,
                lambda d=day: fieldwork.record_field_contact(
                    actor=self.cast.field_worker,
                    kind="outreach",
                    anonymous_youths=rng.randint(2, 8),
                    occurred_on=d,
                    hot_spot=rng.choice(self.hot_spots) if self.hot_spots else None,
                    note="Samtal med en grupp vid platsen.",
                ),
            )

    def hot_spot_visit(self, spot: HotSpot, day: datetime.date) -> None:
        youths = self.rng.randint(0, 20)
        fieldwork.record_hot_spot_visit(
            actor=self.cast.field_worker,
            hot_spot=spot,
            visited_on=day,
            youths_present=youths,
            observations=observation(youths, self.rng),
        )

    def next_proposals(self) -> None:
        """Proposals after the year's last meeting, waiting for the next one."""
        last = datetime.date(self.year, 11, 21)
        for offset in (3, 9):
            day = min(self.plan.today, last + datetime.timedelta(days=offset))
            if day >= last:
                holder = {"category": self.rng.choice([Category.SVANSEN, Category.LIFESTYLE])}
                self.plan.at(day, lambda h=holder, d=day: self.propose(h, d))


def observation(youths: int, rng: random.Random) -> str:
    """A visit's observations that agree with its count: "inga ungdomar på plats" only when none were."""
    if youths == 0:
        return rng.choice(EMPTY_OBSERVATIONS)
    return rng.choice(OBSERVATIONS).format(youths="en ungdom" if youths == 1 else f"{youths} ungdomar")


def default_year(today: datetime.date) -> int:
    """The demo shows the current year so far, or last year before this year's first meeting."""
    return today.year if today.month >= 3 else today.year - 1


def build_year(*, agreement, year: int, rng: random.Random, users: dict) -> None:
    """Play a year of the agreement through the services (see the module docstring). `users` maps the
    demo usernames (chef, polis, handlaggare, handlaggare2, falt) to users holding those roles."""
    plan = _Year(agreement=agreement, year=year, rng=rng, users=users)
    for quarter in range(1, 5):
        plan.quarter(quarter)
    plan.field_rhythm()
    plan.next_proposals()
    plan.plan.run()
