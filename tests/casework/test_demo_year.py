"""The demo year: built through the services, invented people, deterministic for a seed, not duplicated
by a second run, and with something to show on every casework page."""

import datetime
import random
import re

import pytest
import time_machine

from accesscontrol import services as access_services
from accesscontrol.models import Membership, User
from casework import demo, personal_numbers
from casework.demo_year import FIRST_NAMES, LAST_NAMES, build_year, observation
from casework.models import (
    Agreement,
    Area,
    Case,
    CaseEvent,
    ConcernTalkFollowUp,
    Decision,
    FieldContact,
    FollowUp,
    HotSpot,
    HotSpotVisit,
    Intervention,
    Meeting,
)
from casework.services.agreements import create_agreement
from tests.casework import factories as f
from tests.conftest import built_once

pytestmark = pytest.mark.django_db

PAST_YEAR = f.today().year - 1


@pytest.fixture(scope="class")
def _demo(django_db_setup, django_db_blocker):
    """The demo of the past year, built once for the tests of a class (some 10 s a build)."""
    with built_once(django_db_blocker):
        agreement, _logins = demo.build_demo(seed=7, year=PAST_YEAR)
        yield agreement.pk


@pytest.fixture(scope="class")
def _pinned_demo(django_db_setup, django_db_blocker):
    """The demo year 2025, built once for the tests of a class, as on 15 June 2026 rather than today."""
    with built_once(django_db_blocker):
        with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)):
            agreement, _logins = demo.build_demo(seed=7, year=2025)
        yield agreement.pk


@pytest.fixture
def demo_agreement(_demo):
    return Agreement.objects.get(pk=_demo)


@pytest.fixture
def pinned_demo(_pinned_demo):
    return Agreement.objects.get(pk=_pinned_demo)


class TestTheDemoOfThePastYear:
    """Tests that read one demo year, built once for them all (each test's changes are undone after it)."""

    def test_four_meetings_three_approved_and_the_last_a_draft(self, demo_agreement):
        meetings = list(Meeting.objects.filter(agreement=demo_agreement).order_by("held_on"))
        assert len(meetings) == 4 and all(m.held for m in meetings)
        assert [m.locked for m in meetings] == [True, True, True, False]
        assert all(m.participants.filter(user=None).exists() for m in meetings)
        assert Decision.objects.filter(meeting__agreement=demo_agreement, done_on__isnull=False).exists()

    def test_about_twelve_lifestyle_and_twenty_four_svansen_cases(self, demo_agreement):
        cases = Case.objects.filter(agreement=demo_agreement)
        assert cases.filter(identified_category="lifestyle").count() == 12
        assert cases.filter(identified_category="svansen").count() == 24
        assert cases.filter(status="not_identified").count() == 4
        assert cases.filter(status="proposed").exists()  # waiting for the next meeting
        kinds = set(CaseEvent.objects.filter(case__agreement=demo_agreement).values_list("kind", flat=True))
        assert {"category_changed", "closed", "reopened", "police_assessment", "social_assessment"} <= kinds

    def test_interventions_follow_ups_and_field_work(self, demo_agreement):
        responses = set(Intervention.objects.filter(case__agreement=demo_agreement).values_list("response", flat=True))
        assert {"accepted", "declined"} <= responses
        follow_ups = FollowUp.objects.filter(case__agreement=demo_agreement)
        assert follow_ups.filter(late=False).count() > follow_ups.filter(late=True).count() > 0
        identified = Case.objects.filter(agreement=demo_agreement).exclude(identified_category="")
        assert identified.exclude(follow_ups__isnull=False).exists()  # a few never followed up
        contacts = FieldContact.objects.filter(agreement=demo_agreement)
        assert contacts.filter(case__isnull=True, anonymous_youths__gt=0).exists()
        assert contacts.filter(kind="concern_talk", case__isnull=False).exists()
        assert ConcernTalkFollowUp.objects.filter(contact__agreement=demo_agreement).exists()
        assert HotSpotVisit.objects.filter(hot_spot__agreement=demo_agreement).count() >= 20

    def test_the_people_are_invented(self, demo_agreement):
        for case in Case.objects.filter(agreement=demo_agreement).select_related("person"):
            person = case.person
            assert person.first_name in FIRST_NAMES and person.last_name in LAST_NAMES
            assert 980 <= int(person.personal_number[8:11]) <= 999
            personal_numbers.parse(person.personal_number)
            for guardian in person.guardians:
                assert re.fullmatch(r"070-174 06 \d\d", guardian["phone"])

    def test_a_second_run_adds_nothing(self, demo_agreement):
        before = (Case.objects.count(), Meeting.objects.count(), FieldContact.objects.count())
        demo.build_demo(seed=7, year=PAST_YEAR)
        assert (Case.objects.count(), Meeting.objects.count(), FieldContact.objects.count()) == before

    def test_the_same_seed_builds_the_same_year(self, demo_agreement):
        twin = create_agreement(
            name="Tvilling",
            social_services=demo_agreement.social_services,
            police=demo_agreement.police,
            starts_on=demo_agreement.starts_on,
        )
        for area in Area.objects.filter(agreement=demo_agreement):
            Area.objects.create(agreement=twin, name=area.name)
        for spot in HotSpot.objects.filter(agreement=demo_agreement).order_by("pk"):
            HotSpot.objects.create(agreement=twin, name=spot.name, kind=spot.kind)
        for membership in Membership.objects.filter(agreement=demo_agreement):
            access_services.grant_role(user=membership.user, agreement=twin, role=membership.role)
        users = {user.username: user for user in User.objects.all()}
        build_year(agreement=twin, year=PAST_YEAR, rng=random.Random(7), users=users)
        assert _signature(twin) == _signature(demo_agreement)

    def test_the_demo_auditor_has_the_demo_years_changes_to_review(self, demo_agreement):
        from auditlog.models import LogEntry

        assert LogEntry.objects.filter(additional_data__agreement_id=demo_agreement.pk).count() > 100


class TestTheDemoYear2025AsBuiltInJune2026:
    """Tests that read the demo year 2025 built as on 15 June 2026, once for them all."""

    def test_every_demo_persons_gender_is_the_one_their_number_carries(self, pinned_demo):
        """The second-last digit of a personnummer is odd for a boy, even for a girl."""
        genders = []
        for case in Case.objects.filter(agreement=pinned_demo).select_related("person"):
            person = case.person
            odd = int(person.personal_number[-2]) % 2 == 1
            assert person.gender == ("boy" if odd else "girl"), (person.personal_number, person.gender)
            assert person.gender == personal_numbers.parse(person.personal_number).legal_gender
            genders.append(person.gender)
        assert genders.count("boy") > genders.count("girl") > 0

    def test_a_demo_visits_observations_agree_with_the_youths_it_counts(self, pinned_demo):
        visits = HotSpotVisit.objects.filter(hot_spot__agreement=pinned_demo)
        assert visits.filter(youths_present__gt=1).exists()
        for visit in visits:
            count, text = visit.youths_present, visit.observations
            if count == 0:
                assert "inga ungdomar på plats" in text
            else:
                assert "inga ungdomar" not in text
                assert (f"{count} ungdomar" if count > 1 else "en ungdom") in text, (count, text)


@pytest.mark.parametrize("seed", range(5))
def test_an_observation_says_nobody_was_there_only_when_nobody_was(seed):
    assert "inga ungdomar på plats" in observation(0, random.Random(seed))
    assert "en ungdom " in observation(1, random.Random(seed))
    sixteen = observation(16, random.Random(seed))
    assert "16 ungdomar" in sixteen and "inga ungdomar" not in sixteen


def _signature(agreement):
    cases = Case.objects.filter(agreement=agreement).select_related("person").order_by("number")
    return [
        (c.number, c.category, c.status, c.proposed_on, c.raised_on, c.person.full_name, c.person.birth_year)
        for c in cases
    ]


def test_the_current_year_stops_at_today():
    agreement, _logins = demo.build_demo(seed=3, year=f.today().year)
    assert not Meeting.objects.filter(agreement=agreement, held_on__gt=f.today()).exists()
    assert not Case.objects.filter(agreement=agreement, proposed_on__gt=f.today()).exists()
    assert not FieldContact.objects.filter(agreement=agreement, occurred_on__gt=f.today()).exists()
    assert isinstance(agreement, Agreement)


def test_the_command_prints_one_login_per_role_and_a_second_run_adds_nothing(capsys, settings):
    from django.core.management import call_command

    settings.SAMSYN_BASE_URL = "http://127.0.0.1:8080"  # what `make run PORT=8080` sets
    call_command("seed_demo", "--seed", "7", "--year", str(PAST_YEAR))
    printed = capsys.readouterr().out
    counts = (Case.objects.count(), User.objects.count(), Intervention.objects.count())
    for username, *_rest in demo.DEMO_USERS:
        assert re.search(rf"^{username}\s", printed, re.MULTILINE), username
    assert demo.DEMO_PASSWORD in printed and "make otp" in printed
    assert "Open http://127.0.0.1:8080/ and sign in." in printed and ":8000" not in printed
    call_command("seed_demo", "--seed", "7", "--year", str(PAST_YEAR))
    assert (Case.objects.count(), User.objects.count(), Intervention.objects.count()) == counts


def test_the_command_refuses_to_run_in_production(settings):
    from django.core.management import CommandError, call_command

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never in production"):
        call_command("seed_demo")
    assert not Case.objects.exists()
