"""An agreement that ran through 2013 reads as ended: its work is dated within its period, its pages open
on its own last year and offer no later one, and once it has ended only its cases' follow-ups are written.
Every test travels to its own day, so the suite's --today does not matter."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.models import Case, Intervention, Meeting
from casework.periods import PeriodKind, agreement_last_period, agreement_years
from casework.services import follow_ups, interventions
from casework.services import meetings as meeting_services
from reports import services as report_services
from reports.selectors import statistics as statistics_selectors
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

PERIOD = "2013-01-01–2013-12-31"
RUNNING = datetime.datetime(2013, 12, 20, 11, tzinfo=datetime.UTC)
ENDED = datetime.datetime(2014, 3, 1, 11, tzinfo=datetime.UTC)


@pytest.fixture
def year_2013(people):
    """The agreement of 2013, with a svansen case raised at the March meeting."""
    people.agreement.starts_on = datetime.date(2013, 1, 1)
    people.agreement.ends_on = datetime.date(2013, 12, 31)
    people.agreement.save()
    with time_machine.travel(RUNNING, tick=False):
        return f.identified(people, raised_on=datetime.date(2013, 3, 15), caseworker=people.caseworker)


def _refusal(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- Dates outside the agreement's period ----------------------------------------------------------------


def test_a_proposal_dated_before_the_agreement_is_refused_and_nothing_saved(people, year_2013):
    with time_machine.travel(RUNNING, tick=False), pytest.raises(ValidationError) as refused:
        f.propose(people, proposed_on=datetime.date(2012, 12, 31))
    assert _refusal(refused.value, "proposed_on") == (
        f"Datum för förslaget måste ligga inom överenskommelsens period {PERIOD}."
    )
    assert Case.objects.filter(agreement=people.agreement).count() == 1


def test_a_meeting_after_the_agreement_is_refused_and_nothing_saved(people, year_2013):
    manager = f.actor(people.manager, people.agreement)
    before = Meeting.objects.count()
    with time_machine.travel(RUNNING, tick=False), pytest.raises(ValidationError) as refused:
        meeting_services.schedule_meeting(actor=manager, held_on=datetime.date(2014, 1, 15))
    assert _refusal(refused.value, "held_on") == f"Datum för mötet måste ligga inom överenskommelsens period {PERIOD}."
    assert Meeting.objects.count() == before


def test_an_intervention_offered_before_the_agreement_is_refused_and_nothing_saved(people, year_2013):
    manager = f.actor(people.manager, people.agreement)
    with time_machine.travel(RUNNING, tick=False), pytest.raises(ValidationError) as refused:
        interventions.offer_intervention(
            actor=manager,
            case=year_2013,
            intervention_type=f.intervention_type(people.agreement),
            offered_on=datetime.date(2012, 11, 1),
        )
    assert "Datum för erbjudandet måste ligga inom överenskommelsens period" in _refusal(refused.value, "offered_on")
    assert not Intervention.objects.filter(case=year_2013).exists()


def test_the_form_shows_the_refusal_against_its_field(people, login, year_2013):
    with time_machine.travel(RUNNING, tick=False):
        response = login(people.manager).post(
            reverse("casework:schedule_meeting"), {"held_on": "2014-01-15", "chair": people.manager.pk}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == [
        f"Datum för mötet måste ligga inom överenskommelsens period {PERIOD}."
    ]


# --- Once it has ended: read-only but for its cases' follow-ups -------------------------------------------


def test_the_case_page_of_an_ended_agreement_offers_only_the_follow_up(people, login, year_2013):
    with time_machine.travel(ENDED, tick=False):
        page = login(people.manager).get(reverse("casework:case_detail", args=[year_2013.pk])).content.decode()
    assert f'"{reverse("casework:follow_up", args=[year_2013.pk])}"' in page
    for refused in ("close_case", "change_category", "offer_intervention", "social_assessment", "reassign"):
        assert f'"{reverse(f"casework:{refused}", args=[year_2013.pk])}"' not in page, refused


def test_a_form_followed_after_the_end_says_why_in_swedish(people, login, year_2013):
    client = login(people.manager)
    with time_machine.travel(ENDED, tick=False):
        response = client.get(reverse("casework:close_case", args=[year_2013.pk]))
        proposing = client.get(reverse("casework:propose"))
        scheduling = client.get(reverse("casework:schedule_meeting"))
    assert response.status_code == proposing.status_code == scheduling.status_code == 302
    reasons = [str(message) for message in get_messages(response.wsgi_request)]
    ended = "Överenskommelsen upphörde 2013-12-31 och kan bara läsas."
    assert reasons and all(reason.startswith(ended) for reason in reasons)


def test_a_follow_up_of_its_own_case_is_still_written(people, year_2013):
    with time_machine.travel(ENDED, tick=False):
        follow_up = follow_ups.write_follow_up(
            actor=f.actor(people.caseworker, people.agreement),
            case=year_2013,
            written_on=datetime.date(2014, 2, 20),
            youth_view="Går i skolan igen.",
            social_view="Färre kontakter med polisen.",
            outcome="improved",
        )
    assert follow_up.case_id == year_2013.pk


def test_nothing_else_is_written_after_the_end(people, year_2013):
    manager = f.actor(people.manager, people.agreement)
    with time_machine.travel(ENDED, tick=False):
        with pytest.raises(ValidationError, match="upphörde 2013-12-31"):
            interventions.offer_intervention(
                actor=manager,
                case=year_2013,
                intervention_type=f.intervention_type(people.agreement),
                offered_on=datetime.date(2013, 12, 1),
            )
        with pytest.raises(ValidationError, match="upphörde 2013-12-31"):
            f.propose(people, proposed_on=datetime.date(2013, 12, 30))
    assert not Intervention.objects.filter(case=year_2013).exists()


# --- Its periods: pickers end at its end, reports open on its last ----------------------------------------


def test_its_years_end_at_its_end_whatever_today_is(people, year_2013):
    agreement = people.agreement
    for today in (datetime.date(2013, 6, 1), datetime.date(2014, 3, 1), datetime.date(2031, 1, 1)):
        assert agreement_years(agreement, today) == [2013]
    assert agreement_last_period(agreement, PeriodKind.QUARTER, datetime.date(2031, 1, 1)).code == "2013-Q4"
    assert agreement_last_period(agreement, PeriodKind.QUARTER, datetime.date(2013, 5, 2)).code == "2013-Q2"
    agreement.ends_on = None
    assert agreement_years(agreement, datetime.date(2015, 2, 1)) == [2013, 2014, 2015]


def test_the_reports_open_on_its_last_year_and_offer_no_later_one(people, login, year_2013):
    with time_machine.travel(datetime.datetime(2027, 5, 2, 10, tzinfo=datetime.UTC), tick=False):
        manager = login(people.manager)
        opened = manager.get(reverse("reports:follow_up_start")).url
        assert opened == reverse("reports:follow_up", args=[2013, "kvartal"])
        assert manager.get(reverse("reports:costs_start")).url == reverse("reports:costs", args=[2013])
        assert manager.get(reverse("reports:follow_up", args=[2014, "kvartal"])).status_code == 404
        assert manager.get(reverse("reports:follow_up", args=[2013, "kvartal"])).context["years"] == [2013]
        board = manager.get(reverse("casework:target_board"))
        assert board.context["board"].year == 2013
        assert board.context["next_year"] is board.context["previous_year"] is None
        assert manager.get(reverse("casework:target_board"), {"year": 2027}).context["board"].year == 2013
        management = f.actor(people.management, people.agreement)
        assert statistics_selectors.statistics_years(actor=management) == [2013]
        assert statistics_selectors.default_statistics_year(actor=management) == 2013
        with pytest.raises(ValidationError):
            report_services.request_report(
                actor=f.actor(people.manager, people.agreement),
                kind="follow_up",
                file_format="pdf",
                first_year=2014,
                last_year=2014,
            )
