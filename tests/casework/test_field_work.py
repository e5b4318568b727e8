"""The field team: contacts on svansen cases or anonymous, orossamtal and their follow-up, hot-spot
visits; field workers see svansen cases only."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import CaseEvent, ConcernTalkFollowUp, FieldContact, HotSpot, HotSpotVisit
from casework.selectors import fieldwork as field_selectors
from casework.services import cases as case_services
from casework.services import fieldwork
from tests import factories
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def hot_spot(people):
    return HotSpot.objects.create(agreement=people.agreement, name="Stationsparken", kind="public_place")


@pytest.fixture
def svansen(people):
    return f.identified(people, category="svansen")


def _contact(people, **kwargs):
    arguments = {
        "actor": f.actor(people.field_worker, people.agreement),
        "kind": FieldContact.Kind.OUTREACH,
        "occurred_on": f.today(),
    }
    return fieldwork.record_field_contact(**{**arguments, **kwargs})


def test_a_contact_with_a_svansen_youth_is_on_the_case_timeline(people, svansen, hot_spot):
    contact = _contact(people, case=svansen, hot_spot=hot_spot, note="Pratade om fotbollslaget.")
    event = svansen.events.get(kind=CaseEvent.Kind.FIELD_CONTACT)
    assert event.data == {"contact": str(contact.pk), "contact_kind": "outreach"}


def test_an_anonymous_contact_is_a_count_without_identity(people, hot_spot):
    contact = _contact(people, anonymous_youths=5, hot_spot=hot_spot)
    assert contact.case is None and contact.anonymous_youths == 5


@pytest.mark.parametrize("anonymous", [0, 3])
def test_it_needs_either_a_case_or_a_count_not_both(people, svansen, anonymous):
    with pytest.raises(ValidationError) as refusal:
        _contact(people, case=svansen if anonymous else None, anonymous_youths=anonymous)
    assert "case" in refusal.value.message_dict
    assert not FieldContact.objects.exists()


@pytest.mark.parametrize("kind", [FieldContact.Kind.CONCERN_TALK, FieldContact.Kind.PARENT_CONTACT])
def test_an_orossamtal_or_parent_contact_is_never_anonymous(people, kind):
    with pytest.raises(ValidationError, match="identifierad ungdom"):
        _contact(people, kind=kind, anonymous_youths=2, with_parents=True)


def test_it_refuses_a_lifestyle_case(people):
    lifestyle = f.identified(people, category="lifestyle")
    with pytest.raises(PermissionDenied):
        _contact(people, case=lifestyle)


def test_it_refuses_a_future_date(people, svansen):
    with pytest.raises(ValidationError) as refusal:
        _contact(people, case=svansen, occurred_on=f.today() + datetime.timedelta(days=1))
    assert "occurred_on" in refusal.value.message_dict
    assert not svansen.events.filter(kind=CaseEvent.Kind.FIELD_CONTACT).exists()


def test_a_parent_contact_is_with_the_parents(people, svansen):
    with pytest.raises(ValidationError) as refusal:
        _contact(people, case=svansen, kind=FieldContact.Kind.PARENT_CONTACT, with_parents=False)
    assert "with_parents" in refusal.value.message_dict


@pytest.mark.parametrize("who", ["manager", "caseworker", "police"])
def test_only_field_workers_record_contacts(people, who):
    with pytest.raises(PermissionDenied):
        _contact(people, actor=f.actor(getattr(people, who), people.agreement), anonymous_youths=2)


def test_an_orossamtal_is_followed_up_once_and_not_before_it(people, svansen):
    talk = _contact(
        people,
        case=svansen,
        kind=FieldContact.Kind.CONCERN_TALK,
        with_parents=True,
        occurred_on=f.today() - datetime.timedelta(days=5),  # after the proposal, 7 days ago
    )
    actor = f.actor(people.field_worker, people.agreement)
    arguments = {"actor": actor, "contact": talk, "youth_reception": "positive", "parents_reception": "mixed"}
    with pytest.raises(ValidationError) as refusal:
        fieldwork.record_concern_talk_follow_up(**arguments, followed_up_on=talk.occurred_on - datetime.timedelta(1))
    assert "followed_up_on" in refusal.value.message_dict
    fieldwork.record_concern_talk_follow_up(**arguments, followed_up_on=f.today())
    with pytest.raises(ValidationError, match="redan uppföljt"):
        fieldwork.record_concern_talk_follow_up(**arguments, followed_up_on=f.today())
    assert ConcernTalkFollowUp.objects.count() == 1


def test_only_those_who_took_part_in_the_orossamtal_are_asked_about(people, svansen, login):
    talk = _contact(people, case=svansen, kind=FieldContact.Kind.CONCERN_TALK, with_parents=False)
    actor = f.actor(people.field_worker, people.agreement)
    with pytest.raises(ValidationError) as refusal:
        fieldwork.record_concern_talk_follow_up(actor=actor, contact=talk, followed_up_on=f.today())
    assert set(refusal.value.message_dict) == {"youth_reception"}  # the parents were not there
    url = reverse("casework:concern_follow_up", args=[talk.pk])
    form_page = login(people.field_worker).get(url).content.decode()
    assert 'name="youth_reception"' in form_page and 'name="parents_reception"' not in form_page
    response = login(people.field_worker).post(
        url, {"followed_up_on": f.today(), "youth_reception": "positive", "parents_reception": "negative"}
    )
    assert response.status_code == 302
    follow_up = ConcernTalkFollowUp.objects.get()
    assert (follow_up.youth_reception, follow_up.parents_reception) == ("positive", "")


def test_only_an_orossamtal_is_followed_up(people, svansen):
    outreach = _contact(people, case=svansen)
    with pytest.raises(ValidationError, match="Bara orossamtal"):
        fieldwork.record_concern_talk_follow_up(
            actor=f.actor(people.field_worker, people.agreement),
            contact=outreach,
            followed_up_on=f.today(),
            youth_reception="positive",
            parents_reception="positive",
        )


def test_a_hot_spot_visit_is_recorded_not_in_the_future(people, hot_spot):
    actor = f.actor(people.field_worker, people.agreement)
    with pytest.raises(ValidationError):
        fieldwork.record_hot_spot_visit(
            actor=actor, hot_spot=hot_spot, visited_on=f.today() + datetime.timedelta(days=1)
        )
    fieldwork.record_hot_spot_visit(actor=actor, hot_spot=hot_spot, visited_on=f.today(), youths_present=12)
    assert HotSpotVisit.objects.get().youths_present == 12


def test_a_hot_spot_of_another_agreement_is_refused(people, other_agreement):
    foreign = HotSpot.objects.create(agreement=other_agreement, name="Annan plats", kind="school")
    with pytest.raises(ValidationError):
        fieldwork.record_hot_spot_visit(
            actor=f.actor(people.field_worker, people.agreement), hot_spot=foreign, visited_on=f.today()
        )


# --- Pages ------------------------------------------------------------------------------------------------


def test_the_quick_contact_form_offers_only_active_svansen_cases(people, login, svansen):
    lifestyle = f.identified(people, category="lifestyle")
    response = login(people.field_worker).get(reverse("casework:new_contact"))
    page = response.content.decode()
    assert svansen.number in page and lifestyle.number not in page
    entry = AccessLogEntry.objects.get(page="casework:new_contact")
    assert entry.case_ids == [str(svansen.pk)]


def test_the_quick_contact_form_records_an_anonymous_contact(people, login, hot_spot):
    response = login(people.field_worker).post(
        reverse("casework:new_contact"),
        {"kind": "outreach", "anonymous_youths": "4", "occurred_on": f.today().isoformat(), "with_youth": "on"},
    )
    assert response.status_code == 302
    assert FieldContact.objects.get().anonymous_youths == 4


def _new_contact_url(case_id) -> str:
    return f"{reverse('casework:new_contact')}?arende={case_id}"


def test_the_contact_form_opened_from_a_case_has_the_youth_chosen(people, login, svansen):
    other = f.identified(people, category="svansen")
    page = login(people.field_worker).get(_new_contact_url(svansen.pk)).content.decode()
    chosen = re.findall(r'<option value="([^"]+)"[^>]*selected', page)
    assert chosen == [str(svansen.pk)]
    assert str(other.pk) in page  # the other youths stay on offer
    assert reverse("casework:case_detail", args=[svansen.pk]) in page  # the back link leads to the case


def test_the_contact_form_opened_from_a_case_goes_back_to_it(people, login, svansen):
    response = login(people.field_worker).post(
        _new_contact_url(svansen.pk),
        {"kind": "outreach", "case": str(svansen.pk), "occurred_on": f.today().isoformat(), "with_youth": "on"},
    )
    assert response.status_code == 302
    assert response.url == reverse("casework:case_detail", args=[svansen.pk])
    assert FieldContact.objects.get().case == svansen


def test_the_contact_form_opened_from_a_case_but_sent_anonymous_goes_to_the_field_page(people, login, svansen):
    response = login(people.field_worker).post(
        _new_contact_url(svansen.pk),
        {"kind": "outreach", "anonymous_youths": "2", "occurred_on": f.today().isoformat(), "with_youth": "on"},
    )
    assert response.url == reverse("casework:field_home")


@pytest.mark.parametrize("which", ["lifestyle", "closed", "other_agreement", "no_case", "not_an_id"])
def test_the_contact_form_refuses_a_youth_the_worker_may_not_record(people, login, other_agreement, which):
    if which == "lifestyle":
        case_id = f.identified(people, category="lifestyle").pk
    elif which == "closed":
        case = f.identified(people, category="svansen")
        case_id = case.pk
        case.__class__.objects.filter(pk=case.pk).update(status="closed")
    elif which == "other_agreement":
        case_id = f.identified(factories.people_for(other_agreement), category="svansen").pk
    elif which == "no_case":
        case_id = uuid.uuid4()
    else:
        case_id = "SV-1"
    client = login(people.field_worker)
    assert client.get(_new_contact_url(case_id)).status_code == 404
    entry = AccessLogEntry.objects.get(page="casework:new_contact")
    assert entry.case_ids == [] and entry.outcome != AccessLogEntry.Outcome.SHOWN


def test_the_case_page_offers_a_new_contact_to_the_field_worker_only(people, login, svansen):
    lifestyle = f.identified(people, category="lifestyle")
    link = f'href="{_new_contact_url(svansen.pk)}"'
    assert link in login(people.field_worker).get(reverse("casework:case_detail", args=[svansen.pk])).content.decode()
    for who in ("manager", "caseworker", "police"):
        page = login(getattr(people, who)).get(reverse("casework:case_detail", args=[svansen.pk])).content.decode()
        assert "?arende=" not in page, who
    # A lifestyle case is the caseworkers': the field worker does not see it, let alone record on it.
    lifestyle_page = login(people.field_worker).get(reverse("casework:case_detail", args=[lifestyle.pk]))
    assert lifestyle_page.status_code in (403, 404)


def test_a_contact_sent_again_after_its_answer_was_lost_is_saved_once(people, login, svansen, hot_spot):
    client = login(people.field_worker)
    page = client.get(_new_contact_url(svansen.pk)).content.decode()
    sending = re.search(r'name="sending" value="([0-9a-f]{32})"', page).group(1)
    data = {"kind": "outreach", "case": str(svansen.pk), "occurred_on": f.today().isoformat(), "with_youth": "on"}
    first = client.post(_new_contact_url(svansen.pk), {**data, "sending": sending})
    again = client.post(_new_contact_url(svansen.pk), {**data, "sending": sending})
    assert first.status_code == again.status_code == 302
    assert again.url == first.url == reverse("casework:case_detail", args=[svansen.pk])
    assert FieldContact.objects.count() == 1
    # Another form page is another contact; the visit form remembers its own the same way.
    other = client.post(_new_contact_url(svansen.pk), {**data, "sending": "0" * 32})
    assert other.status_code == 302 and FieldContact.objects.count() == 2
    visit = {"hot_spot": str(hot_spot.pk), "visited_on": f.today().isoformat(), "youths_present": "3"}
    visit["sending"] = "1" * 32
    client.post(reverse("casework:new_visit"), visit)
    client.post(reverse("casework:new_visit"), visit)
    assert HotSpotVisit.objects.count() == 1


def test_the_quick_contact_form_says_what_is_missing(people, login):
    response = login(people.field_worker).post(
        reverse("casework:new_contact"), {"kind": "outreach", "occurred_on": f.today().isoformat(), "with_youth": "on"}
    )
    assert "Välj ett ärende, eller ange hur många anonyma ungdomar" in response.content.decode()
    assert not FieldContact.objects.exists()


def test_the_follow_up_page_records_the_reception(people, login, svansen):
    talk = _contact(people, case=svansen, kind=FieldContact.Kind.CONCERN_TALK)
    url = reverse("casework:concern_follow_up", args=[talk.pk])
    response = login(people.field_worker).post(
        url, {"followed_up_on": f.today().isoformat(), "youth_reception": "positive", "parents_reception": "unknown"}
    )
    assert response.status_code == 302
    assert ConcernTalkFollowUp.objects.get().youth_reception == "positive"


def test_the_follow_up_page_logs_the_identity_it_shows(people, login, svansen):
    talk = _contact(people, case=svansen, kind=FieldContact.Kind.CONCERN_TALK)
    page = login(people.field_worker).get(reverse("casework:concern_follow_up", args=[talk.pk])).content.decode()
    assert svansen.person.full_name in page
    entry = AccessLogEntry.objects.get(page="casework:concern_follow_up")
    assert (entry.person_ids, entry.field_classes) == ([str(svansen.person_id)], ["field_contacts", "identity"])


def test_the_follow_up_page_of_a_contact_without_a_youth_logs_no_identity(people, login):
    # Recorded before an orossamtal had to name its case: the page says "anonym kontakt", no identity.
    talk = FieldContact.objects.create(
        agreement=people.agreement,
        kind=FieldContact.Kind.CONCERN_TALK,
        anonymous_youths=1,
        occurred_on=f.today(),
        recorded_by=people.field_worker,
    )
    response = login(people.field_worker).get(reverse("casework:concern_follow_up", args=[talk.pk]))
    assert "anonym kontakt" in response.content.decode()
    entry = AccessLogEntry.objects.get(page="casework:concern_follow_up")
    assert (entry.case_ids, entry.person_ids, entry.field_classes) == ([], [], ["field_contacts"])


def test_the_field_overview_lists_orossamtal_awaiting_follow_up_and_logs_the_read(people, login, svansen):
    _contact(people, case=svansen, kind=FieldContact.Kind.CONCERN_TALK)
    page = login(people.field_worker).get(reverse("casework:field_home")).content.decode()
    assert "Orossamtal att följa upp" in page and svansen.number in page
    entry = AccessLogEntry.objects.get(page="casework:field_home")
    assert str(svansen.person_id) in entry.person_ids


def test_the_overview_shows_the_oldest_orossamtal_awaiting_follow_up_and_says_there_are_more(
    people, login, svansen, monkeypatch
):
    """Issue 20: a large municipality has a thousand awaiting at a time; the page reads only the oldest (the
    longest without a follow-up), and declares only those as read."""
    monkeypatch.setattr(field_selectors, "AWAITING_SHOWN", 2)
    talks = [
        _contact(
            people,
            case=svansen,
            kind=FieldContact.Kind.CONCERN_TALK,
            occurred_on=f.today() - datetime.timedelta(days=days),
        )
        for days in (3, 2, 1)
    ]
    overview = field_selectors.field_overview(actor=f.actor(people.field_worker, people.agreement))
    assert [entry.contact for entry in overview.awaiting_follow_up] == talks[:2]
    assert overview.more_awaiting
    page = login(people.field_worker).get(reverse("casework:field_home")).content.decode()
    assert "här visas de 2 äldsta" in page


def test_the_social_manager_reads_the_overview_but_records_nothing(people, login):
    client = login(people.manager)
    assert client.get(reverse("casework:field_home")).status_code == 200
    assert client.get(reverse("casework:new_contact")).status_code == 403
    assert client.get(reverse("casework:new_visit")).status_code == 403


@pytest.mark.parametrize("who", ["caseworker", "police", "management"])
def test_the_field_pages_are_forbidden_to_others(people, login, who):
    assert login(getattr(people, who)).get(reverse("casework:field_home")).status_code == 403


def test_the_visit_page_records_a_visit(people, login, hot_spot):
    response = login(people.field_worker).post(
        reverse("casework:new_visit"),
        {"hot_spot": hot_spot.pk, "visited_on": f.today().isoformat(), "youths_present": "7", "observations": "Lugnt."},
    )
    assert response.status_code == 302
    assert HotSpotVisit.objects.get().observations == "Lugnt."


def test_the_overview_shows_how_many_youths_a_visit_counted(people, login, hot_spot):
    """Issue 13: a visit counting 16 youths never reads "inga ungdomar på plats"; an empty one may."""
    actor = f.actor(people.field_worker, people.agreement)
    with time_machine.travel(datetime.datetime(2025, 5, 20, 12, tzinfo=datetime.UTC)):
        fieldwork.record_hot_spot_visit(
            actor=actor,
            hot_spot=hot_spot,
            visited_on=datetime.date(2025, 5, 16),
            youths_present=16,
            observations="Grupp om 16 ungdomar vid kiosken.",
        )
        fieldwork.record_hot_spot_visit(
            actor=actor,
            hot_spot=hot_spot,
            visited_on=datetime.date(2025, 5, 9),
            observations="Regnigt; inga ungdomar på plats.",
        )
    page = login(people.field_worker).get(reverse("casework:field_home")).content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.DOTALL)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL) for row in rows]
    visits = [row for row in cells if row and row[0] in ("2025-05-16", "2025-05-09")]
    assert visits == [
        ["2025-05-16", "Stationsparken", "16", "Grupp om 16 ungdomar vid kiosken."],
        ["2025-05-09", "Stationsparken", "0", "Regnigt; inga ungdomar på plats."],
    ]


def test_the_case_page_shows_field_contacts_to_the_field_team_but_not_to_the_police(people, login, svansen):
    _contact(people, case=svansen, note="Träffades vid skateparken.")
    url = reverse("casework:case_detail", args=[svansen.pk])
    assert "Träffades vid skateparken." in login(people.field_worker).get(url).content.decode()
    assert "Träffades vid skateparken." not in login(people.police).get(url).content.decode()


# --- A contact whose case has left the field worker's scope ------------------------------------------------


@pytest.fixture
def talk_on_a_case_now_lifestyle(people, svansen):
    """The field worker's orossamtal, awaiting its follow-up, on a case that has since become lifestyle."""
    talk = _contact(people, case=svansen, kind=FieldContact.Kind.CONCERN_TALK)
    case_services.change_category(
        actor=f.actor(people.manager, people.agreement),
        case=svansen,
        category="lifestyle",
        changed_on=f.today(),
        note="Grövre brottslighet.",
    )
    return talk


def test_the_overview_shows_the_youth_of_a_svansen_contact(people, login, svansen):
    _contact(people, case=svansen, kind=FieldContact.Kind.CONCERN_TALK)
    page = login(people.field_worker).get(reverse("casework:field_home")).content.decode()
    assert "Testa Demosson" in page


def test_the_overview_keeps_the_contact_but_not_the_youth_once_the_case_is_lifestyle(
    people, login, svansen, talk_on_a_case_now_lifestyle
):
    page = login(people.field_worker).get(reverse("casework:field_home")).content.decode()
    assert "ett ärende du inte längre ser" in page
    assert "Testa Demosson" not in page and svansen.number not in page
    assert reverse("casework:case_detail", args=[svansen.pk]) not in page
    assert reverse("casework:concern_follow_up", args=[talk_on_a_case_now_lifestyle.pk]) not in page
    entry = AccessLogEntry.objects.get(page="casework:field_home")
    assert entry.person_ids == [] and entry.case_ids == []


def test_the_social_manager_still_sees_the_youth_of_that_contact(people, login, svansen, talk_on_a_case_now_lifestyle):
    page = login(people.manager).get(reverse("casework:field_home")).content.decode()
    assert "Testa Demosson" in page and svansen.number in page


def test_the_follow_up_page_of_that_contact_is_refused_without_the_youth(people, login, talk_on_a_case_now_lifestyle):
    response = login(people.field_worker).get(
        reverse("casework:concern_follow_up", args=[talk_on_a_case_now_lifestyle.pk])
    )
    assert response.status_code == 403
    assert "Testa Demosson" not in response.content.decode()


def test_the_overview_selector_hands_no_identity_outside_the_scope(people, svansen, talk_on_a_case_now_lifestyle):
    overview = field_selectors.field_overview(actor=f.actor(people.field_worker, people.agreement))
    [entry] = overview.awaiting_follow_up
    assert entry.contact == talk_on_a_case_now_lifestyle
    assert entry.on_case and entry.case is None and entry.person is None and not entry.may_follow_up
    assert overview.persons == [] and overview.cases == []
