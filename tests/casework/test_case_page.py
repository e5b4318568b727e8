"""The case page shows only the field classes the actor may read, logs every read, escapes free text,
and answers 404 (logged as denied) outside the actor's scope."""

import pytest
from django.urls import reverse

from accesscontrol.visibility import FieldClass
from audit.models import AccessLogEntry
from casework.models import Disclosure, LegalBasis
from casework.services import cases as case_services
from casework.services import follow_ups, interventions
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

SOCIAL = "Socialtjänsten bedömer att familjen behöver stöd."
POLICE = "Polisen ser ökad risk efter helgens händelser."
YOUTH_VIEW = "Ungdomen säger att fritidsgården hjälper."


@pytest.fixture
def case(people):
    """An active svansen case of the investigation unit, raised four months ago, with every section."""
    case = f.identified(people, category="svansen", raised_on=f.months_ago(4), caseworker=people.caseworker)
    manager = f.actor(people.manager, people.agreement)
    case_services.record_social_assessment(
        actor=manager, case=case, assessment=SOCIAL, realistic_alternative="hvb", records_reference="IFO-1"
    )
    case_services.record_police_assessment(
        actor=f.actor(people.police, people.agreement), case=case, assessment=POLICE, priority=True
    )
    interventions.offer_intervention(
        actor=manager, case=case, intervention_type=f.intervention_type(people.agreement), offered_on=f.today()
    )
    follow_ups.write_follow_up(
        actor=manager,
        case=case,
        written_on=f.today(),
        youth_view=YOUTH_VIEW,
        social_view="Bättre i skolan.",
        outcome="improved",
    )
    return case


def _page(login, user, case):
    return login(user).get(reverse("casework:case_detail", args=[case.pk]))


def test_the_social_manager_sees_every_section(people, login, case):
    page = _page(login, people.manager, case).content.decode()
    for text in ("Testa Demosson", SOCIAL, POLICE, YOUTH_VIEW, "MST", "Gjord"):
        assert text in page


def test_the_police_never_see_social_services_data_without_a_disclosure(people, login, case):
    page = _page(login, people.police, case).content.decode()
    assert "Testa Demosson" in page and POLICE in page
    for hidden in (SOCIAL, YOUTH_VIEW, "MST", "Uppföljning", "Insats erbjuden"):
        assert hidden not in page


def test_the_police_see_what_an_active_disclosure_shares(people, login, case):
    disclosure = Disclosure.objects.create(
        case=case,
        field_classes=[FieldClass.SOCIAL_ASSESSMENT, FieldClass.INTERVENTIONS],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Risk för fortsatt brottslighet.",
        decided_by=people.manager,
        decided_on=f.today(),
    )
    page = _page(login, people.police, case).content.decode()
    assert SOCIAL in page and YOUTH_VIEW in page and "MST" in page
    Disclosure.objects.filter(pk=disclosure.pk).update(withdrawn_at="2026-01-01T00:00Z")
    assert SOCIAL not in _page(login, people.police, case).content.decode()


def test_the_field_worker_sees_interventions_of_a_svansen_case_but_no_assessment(people, login, case):
    page = _page(login, people.field_worker, case).content.decode()
    assert "Testa Demosson" in page and "MST" in page
    for hidden in (SOCIAL, POLICE, YOUTH_VIEW):
        assert hidden not in page


def test_the_field_worker_does_not_find_a_lifestyle_case(people, login):
    lifestyle = f.identified(people, category="lifestyle")
    assert _page(login, people.field_worker, lifestyle).status_code == 404


def test_a_caseworker_of_another_unit_gets_404_and_the_attempt_is_logged(people, login, case):
    assert _page(login, people.other_caseworker, case).status_code == 404
    entry = AccessLogEntry.objects.get(outcome=AccessLogEntry.Outcome.DENIED)
    assert entry.case_ids == [str(case.pk)]
    assert entry.page == "casework:case_detail"


@pytest.mark.parametrize("who", ["management", "sysadmin", "auditor"])
def test_roles_without_case_access_get_404(people, login, case, who):
    assert _page(login, getattr(people, who), case).status_code == 404


def test_an_outsider_gets_404(login, case, outsider):
    assert _page(login, outsider, case).status_code == 404


def test_the_read_is_logged_with_the_case_person_and_field_classes(people, login, case):
    _page(login, people.police, case)
    entry = AccessLogEntry.objects.get(page="casework:case_detail")
    assert entry.case_ids == [str(case.pk)]
    assert entry.person_ids == [str(case.person_id)]
    assert "social_assessment" not in entry.field_classes
    assert {"identity", "case_frame", "police_assessment"} <= set(entry.field_classes)


def test_free_text_is_escaped(people, login):
    case = f.propose(people, reason="<script>alert('x')</script>")
    page = _page(login, people.manager, case).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_the_timeline_shows_category_change_closing_and_reopening(people, login, case):
    manager = f.actor(people.manager, people.agreement)
    case_services.change_category(
        actor=manager, case=case, category="lifestyle", changed_on=f.today(), note="Grövre brott."
    )
    case_services.close_case(actor=manager, case=case, reason="moved", closed_on=f.today())
    case_services.reopen_case(actor=manager, case=case, reopened_on=f.today(), note="Flyttat tillbaka.")
    page = _page(login, people.manager, case).content.decode()
    assert "Från Svansen till Kriminalitet som livsstil" in page
    assert "Avslutad" in page and "Flyttat" in page
    assert "Återöppnad" in page and "Flyttat tillbaka." in page


def test_the_disclosures_panel_has_an_include_point(people, client, case):
    from django.template.loader import get_template

    source = get_template("casework/case_detail.html").template.source
    assert "{% if disclosures_panel %}{% include disclosures_panel %}{% endif %}" in source
