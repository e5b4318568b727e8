"""Without the system's Pango, WeasyPrint cannot load: a PDF page says what to install (503), no error page."""

import pytest

from tests.casework import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_pango(monkeypatch):
    def missing():
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr("config.pdf.load_weasyprint", missing)


def test_the_minutes_pdf_says_what_is_missing(login, people, without_pango):
    meeting = factories.meeting(people)
    response = login(people.manager).get(f"/moten/{meeting.pk}/protokoll.pdf")
    assert response.status_code == 503
    page = response.content.decode()
    assert "PDF kan inte skapas" in page and "libpango-1.0-0" in page
