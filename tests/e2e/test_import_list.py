"""The social manager imports a municipality's old list in the browser: a year of youths written to the
template with ten faults planted. The preview names each fault, the confirmation creates exactly the valid
rows, a second import of the same file creates nothing, and none of the file's names or numbers is left in
plaintext in any table, the change log, the log output or the media folder. (Redis is not used by the
embedded default; tests/crypto/test_sentinels.py searches it on the real services.)"""

import datetime
import io
import logging
import uuid

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from accesscontrol.models import User
from casework import demo, personal_numbers
from casework.imports import template
from casework.models import Case, CaseImport, FollowUp, Intervention
from casework.services.cases import find_person
from tests.crypto.test_sentinels import table_contents
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TAG = uuid.uuid4().hex[:6]
VALID = 30


def the_list(agreement, caseworker, unit, open_case):
    """VALID good rows (every third with a second row adding an intervention), then the ten faults."""
    year = agreement.starts_on.year
    rows, numbers, names = [], [], []
    born = datetime.date(year - 16, 1, 1)
    serial = 980
    while len(numbers) < VALID + 10:
        number = personal_numbers.parse(personal_numbers.make(born, serial))
        if find_person(agreement=agreement, number=number) is None:
            numbers.append(number.display)
        serial, born = (980, born + datetime.timedelta(days=3)) if serial >= 998 else (serial + 2, born)
    for n in range(VALID + 10):
        names.append((f"Lista{n}x{TAG}", f"Importsson{TAG}"))
    for n in range(VALID):
        raised = datetime.date(year, 1, 10) + datetime.timedelta(days=5 * n)
        row = {
            "personal_number": numbers[n],
            "first_name": names[n][0],
            "last_name": names[n][1],
            "category": "Livsstil" if n % 3 == 0 else "Svansen",
            "raised_on": raised.strftime("%-d/%-m/%Y") if n % 4 == 1 else raised,
            "unit": unit.name,
            "caseworker": caseworker.username,
            "intervention": "Kontaktperson",
            "offered_on": raised + datetime.timedelta(days=10),
            "response": "Tackat ja" if n % 5 else "Tackat nej",
            "follow_up_on": raised + datetime.timedelta(days=120),
            "outcome": "Förbättrad",
            "youth_view": "Går till skolan igen.",
            "social_view": "Bättre kontakt med familjen.",
        }
        rows.append(row)
        if n % 3 == 0:
            rows.append(
                {
                    "personal_number": numbers[n],
                    "raised_on": raised,
                    "intervention": "MST",
                    "offered_on": raised + datetime.timedelta(days=20),
                }
            )
    base = next(row for row in rows if row.get("first_name") == names[1][0])

    def fault(n, **changes):
        return {**base, "personal_number": numbers[VALID + n], "first_name": names[VALID + n][0], **changes}

    faults = [
        (fault(0, personal_number=numbers[VALID][:-1] + str((int(numbers[VALID][-1]) + 1) % 10)), "Kontrollsiffran"),
        (fault(1, raised_on=datetime.date(year - 2, 6, 1)), "utanför överenskommelsens period"),
        (fault(2, caseworker="Ingen Sådan"), "Okänd handläggare"),
        (
            fault(3, personal_number=open_case.person.personal_number_display, raised_on=datetime.date(year, 2, 2)),
            "redan ett öppet ärende",
        ),
        (fault(4, raised_on="31 februari 2026"), "går inte att läsa"),
        (fault(5, follow_up_on=datetime.date(year, 1, 20), raised_on=datetime.date(year, 1, 10)), "För tidigt"),
        (fault(6, category='=HYPERLINK("https://exempel.invalid")'), "formel"),
        (fault(7, intervention="Trolleri"), "Okänd insats"),
        (fault(8, unit="Enhet som inte finns"), "Okänd enhet"),
        (fault(9, category="Huvudgruppen"), "Okänd kategori"),
    ]
    return rows + [row for row, _words in faults], [words for _row, words in faults], numbers, names


def test_the_social_manager_imports_a_year_with_ten_faults_once(page, live_server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    agreement, _logins = demo.build_demo(seed=5, year=timezone.localdate().year - 1)
    manager = User.objects.get(username="chef")
    caseworker = User.objects.get(username="handlaggare")
    open_case = Case.objects.filter(agreement=agreement, status="active").order_by("raised_on").first()
    rows, faults, numbers, names = the_list(agreement, caseworker, caseworker.units.first(), open_case)
    upload = tmp_path / "lista.xlsx"
    upload.write_bytes(template.workbook_bytes(rows))
    # The formula is planted as a real formula cell, as a spreadsheet would save it.
    workbook = load_workbook(io.BytesIO(upload.read_bytes()))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK"):
                cell.data_type, cell.quotePrefix = "f", False
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload.write_bytes(buffer.getvalue())
    cases_before = Case.objects.count()

    sign_in(page, manager, demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Importera tidigare listor").click()
    assert_accessible(page)
    page.get_by_label("Lista att importera").set_input_files(str(upload))
    page.get_by_role("button", name="Förhandsgranska").click()
    assert_accessible(page)
    refused = page.locator("[data-refused-line]")
    assert refused.count() == 10
    refused_text = [refused.nth(i).inner_text() for i in range(10)]
    for words, text in zip(faults, refused_text, strict=True):
        assert words in text, (words, text)
    assert Case.objects.count() == cases_before, "the preview saves nothing"

    page.get_by_role("button", name="Bekräfta och importera").click()
    assert page.get_by_role("heading", name="Importen är klar").is_visible()
    assert_accessible(page)
    first = CaseImport.objects.get()
    assert first.status == "done" and first.sealed_file == ""
    assert first.counts == {
        "cases": VALID,
        "interventions": VALID + 10,
        "follow_ups": VALID,
        "skipped": 0,
        "refused": 10,
    }
    imported = Case.objects.filter(events__data__import=str(first.pk)).distinct()
    assert imported.count() == VALID == Case.objects.count() - cases_before
    assert Intervention.objects.filter(case__in=imported).count() == VALID + 10
    assert FollowUp.objects.filter(case__in=imported).count() == VALID
    assert set(numbers[:VALID]) == {c.person.personal_number_display for c in imported}
    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE, additional_data__import=str(first.pk))
    assert created.filter(content_type__model="case").count() == VALID
    assert set(created.values_list("actor_id", flat=True)) == {manager.pk}

    page.get_by_role("link", name="Alla importer").click()
    page.get_by_label("Lista att importera").set_input_files(str(upload))
    page.get_by_role("button", name="Förhandsgranska").click()
    page.get_by_role("button", name="Bekräfta och importera").click()
    assert page.get_by_role("heading", name="Importen är klar").is_visible()
    second = CaseImport.objects.exclude(pk=first.pk).get()
    assert second.file_sha256 == first.file_sha256
    assert second.counts["cases"] == 0 and second.counts["skipped"] == VALID + VALID // 3
    assert Case.objects.count() - cases_before == VALID

    secrets = {name for pair in names for name in pair} | {
        form for n in numbers for form in (n, n.replace("-", ""), n[2:], n.replace("-", "")[2:])
    }
    tables = "\n".join(table_contents(table) for table in connection.introspection.table_names())
    media = settings.MEDIA_ROOT
    files = (
        "\n".join(p.read_bytes().decode("utf-8", "replace") for p in media.rglob("*") if p.is_file())
        if media.exists()
        else ""
    )
    places = {"the database": tables, "the log output": caplog.text, "the media folder": files}
    leaks = [f"{secret} in {place}" for place, text in places.items() for secret in secrets if secret in text]
    assert leaks == []
