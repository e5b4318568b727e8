"""Every URL pattern of the project, requested by every kind of visitor, answers as url_matrix.py declares,
and never shows a visitor a person or a free text that the visibility matrix (docs/roles-and-visibility.md)
hides from them.
A pattern missing from the matrix fails here: declare it there (the format is at the top of that file)."""

import copy
import io
import re
from urllib.parse import urlparse

import openpyxl
import pytest
from django.test import Client

from tests.accesscontrol.factories import SECRETS
from tests.accesscontrol.url_matrix import MATRIX, OPTIONAL, POST_MATRIX, POST_ONLY, Redirect, project_patterns, url_of

pytestmark = pytest.mark.django_db

PATTERNS = project_patterns()
USER_OF = {
    "social_manager": "manager",
    "caseworker": "caseworker",
    "field_worker": "field_worker",
    "police": "police",
    "management": "management",
    "sysadmin": "sysadmin",
    "auditor": "auditor",
}


# What docs/roles-and-visibility.md lets each visitor read of the world: whose identity (by the world's case)
# and which of the free texts of tests/accesscontrol/factories.SECRETS (by field class). Everyone else reads
# none of it.
WORLD_CASES = ("case", "closed_case", "svansen_case", "proposal")
READS = {
    "social_manager": (WORLD_CASES, set(SECRETS)),
    # The police: their own proposals, not the social services' `proposal` (no disclosure shares its identity);
    # the social assessment of `case` by the disclosure.
    "police": (("case", "closed_case", "svansen_case"), {"police_assessment", "social_assessment"}),
    "caseworker": (("case", "closed_case"), {"social_assessment", "police_assessment", "interventions"}),
    "field_worker": (("svansen_case", "proposal"), {"field_contacts"}),
}
TEXT_TYPES = ("text/html", "text/csv", "application/json", "text/plain")


def hidden_from(world, visitor) -> dict[str, str]:
    """What the visitor may not read, as the text a page would show -> what it is."""
    cases, classes = READS.get(visitor, ((), set()))
    hidden = {text: f"the {field_class}" for field_class, text in SECRETS.items() if field_class not in classes}
    for name in set(WORLD_CASES) - set(cases):
        person = getattr(world, name).person
        hidden[person.full_name] = f"the name of {name}'s person"
        hidden[person.personal_number_display] = f"the personnummer of {name}'s person"
    return hidden


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def pdf_as_its_html(monkeypatch):
    """A PDF's text cannot be searched (compressed, in font subsets): the files answer with the HTML they are
    made from, which is what decides what a PDF shows."""

    def as_html(html, **kwargs):
        return html.encode()

    monkeypatch.setattr("casework.views.meetings.render_pdf", as_html)
    monkeypatch.setattr("casework.views.cases.render_pdf", as_html)
    monkeypatch.setattr("reports.exports.render_pdf", as_html)


def text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith(TEXT_TYPES + ("application/pdf",)):
        return response.content.decode()
    if content_type.startswith(XLSX):
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    return ""


# What a reader must never see on a page or in a file (docs/documents.md): a route name, a Python repr, an
# unchosen drop-down's dashes.
INTERNAL_NAMES = re.compile(
    r"\b(?:casework|reports|accesscontrol|audit|administration|approvals|disclosures|reminders):[a-z_]+\b"
    r"|\b[A-Z]\w+\(\w+=|<\w+\.\w+: |object at 0x|---------"
)


def internal_names(response) -> list[str]:
    """Route names, reprs and dashes in what the reader gets, outside the markup's own attributes."""
    body = text_of(response)
    if response.get("Content-Type", "").startswith(("text/html", "application/pdf")):
        body = re.sub(r"<[^>]*>", " ", body)
    return sorted(set(INTERNAL_NAMES.findall(body)))


def leaks(response, hidden: dict[str, str]) -> list[str]:
    body = text_of(response)
    return [what for text, what in hidden.items() if text in body]


def client_for(world, visitor) -> Client:
    """A client of `visitor` in the session the world signed them in (a test's changes to it are undone)."""
    client = Client()
    if visitor != "anonymous":
        user = world.outsider if visitor == "outsider" else getattr(world.people, USER_OF[visitor])
        client.cookies = copy.deepcopy(world.sessions[user.pk])
    return client


def describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


def answers_as_declared(response, expected, world) -> bool:
    if isinstance(expected, Redirect):
        return response.status_code == 302 and urlparse(response["Location"]).path == expected.path(world)
    return response.status_code == expected


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_each_url_answers_each_visitor_as_declared(pattern, world):
    if pattern.key not in MATRIX:
        pytest.fail(
            f"The URL {pattern.key!r} ({pattern.route}) is not declared in tests/accesscontrol/url_matrix.py. "
            f"Decide who may see it and add one line to MATRIX, for example:\n"
            f'    "{pattern.key}": expect(403, social_manager=200),'
        )
    url = url_of(pattern, world)
    wrong = []
    for visitor, expected in MATRIX[pattern.key].items():
        response = client_for(world, visitor).get(url)
        if not answers_as_declared(response, expected, world):
            wrong.append(f"  {visitor}: declared {expected}, got {describe(response)}")
        if shown := leaks(response, hidden_from(world, visitor)):
            wrong.append(f"  {visitor}: shown {', '.join(shown)}")
        if internal := internal_names(response):
            wrong.append(f"  {visitor}: reads internal names {', '.join(internal)}")
    assert not wrong, f"GET {url}\n" + "\n".join(wrong)


POSTED = [p for p in PATTERNS if p.key in POST_MATRIX]


@pytest.mark.parametrize("pattern", POSTED, ids=[p.key for p in POSTED])
def test_each_post_only_url_answers_each_visitor_as_declared(pattern, world):
    url = url_of(pattern, world)
    declared = POST_MATRIX[pattern.key]
    # The refused first: the one who may act changes the world (removes the participant, approves).
    acts = {visitor for visitor, answer in declared.items() if answer in (200, 302) or isinstance(answer, Redirect)}
    order = sorted(declared, key=lambda visitor: visitor in acts)
    wrong = []
    for visitor in order:
        response = client_for(world, visitor).post(url)
        if not answers_as_declared(response, declared[visitor], world):
            wrong.append(f"  {visitor}: declared {declared[visitor]}, got {describe(response)}")
    assert not wrong, f"POST {url}\n" + "\n".join(wrong)


def test_every_post_only_url_is_declared_for_post():
    post_only = {key for key, row in MATRIX.items() if row == POST_ONLY}
    assert post_only <= set(POST_MATRIX), f"declare them in POST_MATRIX too: {sorted(post_only - set(POST_MATRIX))}"


def test_the_matrix_declares_only_urls_that_exist():
    stale = set(MATRIX) - {p.key for p in PATTERNS} - OPTIONAL
    assert not stale, f"declared in url_matrix.py but not in the URLconf (remove them): {sorted(stale)}"


def test_the_walk_reaches_included_modules():
    keys = {p.key for p in PATTERNS}
    assert {"healthz", "set_language", "accesscontrol:login", "disclosures:index", "administration:index"} <= keys
