"""The interface is Swedish by default and English on request: the English catalogue is complete, the
committed .mo matches the .po, and the language button switches the pages a signed-in user sees."""

import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.casework import factories as f

CATALOGUE = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(CATALOGUE / "django.po"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast of users is created for every test; PBKDF2's deliberate slowness is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """LocaleMiddleware activates the request's language in this thread; later tests expect the default."""
    yield
    translation.deactivate()


def _label(entry) -> str:
    return f"{entry.msgid!r} ({', '.join(path for path, _line in entry.occurrences[:2])})"


def _translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_entry_of_the_english_catalogue_is_translated(po):
    assert len(po) > 0
    assert [_label(e) for e in po.untranslated_entries()] == []
    assert [_label(e) for e in po.fuzzy_entries()] == []
    assert [_label(e) for e in po.obsolete_entries()] == []


def test_plural_entries_have_both_english_forms(po):
    incomplete = [
        _label(e) for e in po if e.msgid_plural and (sorted(e.msgstr_plural) != [0, 1] or not all(_translations(e)))
    ]
    assert incomplete == []


def test_every_translation_keeps_the_placeholders_of_its_swedish_text(po):
    changed = []
    for entry in po.translated_entries():
        for swedish, english in zip(
            [entry.msgid, entry.msgid_plural or entry.msgid], _translations(entry), strict=False
        ):
            if sorted(set(PLACEHOLDER.findall(swedish))) != sorted(set(PLACEHOLDER.findall(english))):
                changed.append(_label(entry))
    assert changed == []


def test_the_committed_mo_holds_exactly_the_translations_of_the_po(po):
    """Compares contents, not bytes: msgfmt and compilemessages may lay out the same catalogue differently."""

    def catalogue(entries):
        return {(e.msgctxt, e.msgid, e.msgid_plural): tuple(_translations(e)) for e in entries if e.msgid}

    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert catalogue(mo) == catalogue(po.translated_entries()), (
        "run `make messages` (compilemessages) and commit the .mo"
    )
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def _choose_english(client, next_url="/"):
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    return response


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_the_language_button_switches_the_start_page_to_english(people, login):
    client = login(people.manager)
    _choose_english(client)
    response = client.get(reverse("accesscontrol:start"))
    page = response.content.decode()
    assert _html_lang(response) == "en"
    assert "Welcome, " in page and "Sign out" in page and "Joint meetings" in page
    for swedish in ("Välkommen", "Logga ut", "Samverkansmöten", "Hoppa till huvudinnehållet"):
        assert swedish not in page
    # The footer now offers Swedish, named in Swedish.
    assert 'lang="sv">Svenska</button>' in page


@pytest.mark.django_db
def test_the_case_list_and_a_case_page_are_english_after_the_switch(people, login):
    case = f.identified(people, category="lifestyle", raised_on=f.months_ago(4), caseworker=people.caseworker)
    client = login(people.manager)
    _choose_english(client)

    listing = client.get(reverse("casework:case_list"))
    page = listing.content.decode()
    assert _html_lang(listing) == "en"
    assert '<h1 class="govuk-heading-l">Cases</h1>' in page
    assert "1 case" in page and "Crime as a way of life" in page and "Due for follow-up" in page
    for swedish in ("Ärenden", "Kriminalitet som livsstil", "Dags för uppföljning", "Aktuell"):
        assert swedish not in page

    detail = client.get(reverse("casework:case_detail", args=[case.pk]))
    page = detail.content.decode()
    assert _html_lang(detail) == "en"
    assert f"Case {case.number}" in page
    for english in ("Interventions offered", "Disclosures to the police", "History", "Date raised"):
        assert english in page
    for swedish in (f"Ärende {case.number}", "Erbjudna insatser", "Historik", "Aktualiseringsdatum"):
        assert swedish not in page


@pytest.mark.django_db
def test_an_agreements_own_category_name_is_shown_as_written(people, login):
    people.agreement.svansen_label = "Riskgruppen"
    people.agreement.save()
    f.identified(people, category="svansen")
    client = login(people.manager)
    _choose_english(client)
    page = client.get(reverse("casework:case_list")).content.decode()
    assert "Riskgruppen" in page and "Crime as a way of life" in page


@pytest.mark.django_db
def test_swedish_is_the_default_for_a_new_session(people, login):
    response = login(people.manager).get(reverse("accesscontrol:start"))
    page = response.content.decode()
    assert _html_lang(response) == "sv"
    assert "Välkommen" in page and "Logga ut" in page
    assert "Welcome" not in page
    assert 'lang="en">English</button>' in page  # named in English, not "Engelska"


@pytest.mark.django_db
def test_a_browser_that_prefers_swedish_gets_swedish_on_the_login_page(client):
    response = client.get(reverse("accesscontrol:login"), HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9")
    assert _html_lang(response) == "sv"
    assert "Logga in i Samsyn" in response.content.decode()


@pytest.mark.django_db
def test_choosing_swedish_again_switches_back(people, login):
    client = login(people.manager)
    _choose_english(client)
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    response = client.get(reverse("accesscontrol:start"))
    assert _html_lang(response) == "sv"
    assert "Välkommen" in response.content.decode()
