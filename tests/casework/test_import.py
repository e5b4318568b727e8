"""Import of old lists: reading (XLSX, CSV, bad files), the preview's verdict on each row, the import in
one transaction through the services, idempotence, and the change log naming the import."""

import datetime
import io

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from audit.selectors import change_rows
from casework import personal_numbers
from casework.imports import planning, reading, template
from casework.models import Case, CaseImport, FollowUp, Intervention, Person
from casework.selectors import imports as selectors
from casework.services import imports as services
from tests.casework import factories as f
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _travel():
    with time_machine.travel(TODAY, tick=False):
        yield


def number(born: datetime.date, serial: int) -> str:
    return personal_numbers.make(born, serial)


def csv_bytes(rows, *, delimiter=";", bom=True) -> bytes:
    header = [
        "Pnr",
        "Förnamn",
        "Efternamn",
        "Kategori",
        "Datum",
        "Enhet",
        "Handläggare",
        "Insats",
        "Erbjuden",
        "Svar",
        "Start",
        "Uppföljning",
        "Utfall",
        "Ungdomens bild",
        "Socialtjänstens bild",
    ]
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode()


def good_row(pnr, raised="2026-03-05", **overrides):
    row = {
        "pnr": pnr,
        "first": "Importa",
        "last": "Listsson",
        "category": "Svansen",
        "raised": raised,
        "unit": "Utredning ungdom",
        "caseworker": "",
        "intervention": "Kontaktperson",
        "offered": "10 mars 2026",
        "response": "Tackat ja",
        "start": "2026-03-20",
        "follow_up": "2026-07-01",
        "outcome": "Förbättrad",
        "youth": "Mår bättre.",
        "social": "Färre skolkdagar.",
    }
    row.update(overrides)
    return list(row.values())


def upload(people, content):
    return services.upload_import(actor=f.actor(people.manager, people.agreement), content=content)


def preview(people, case_import):
    return selectors.import_preview(actor=f.actor(people.manager, people.agreement), case_import=case_import)


def confirm(people, case_import):
    # Without a broker the task runs in-process once the confirmation commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.confirm_import(actor=f.actor(people.manager, people.agreement), case_import=case_import)
    case_import.refresh_from_db()
    return case_import


def test_a_csv_list_is_previewed_then_imported_through_the_services_with_the_import_in_the_change_log(people):
    born = datetime.date(2010, 5, 17)
    content = csv_bytes(
        [good_row(number(born, 982)), good_row(number(born, 984), category="livsstil", raised="5/3/2026")]
    )
    case_import = upload(people, content)
    assert "Importa" not in case_import.sealed_file and case_import.file_size == len(content)
    plan = preview(people, case_import)
    assert [r.outcome for r in plan.results] == ["create", "create"]
    assert Case.objects.count() == 0, "a preview saves nothing"

    case_import = confirm(people, case_import)  # tasks run in-process without a broker
    assert case_import.status == CaseImport.Status.DONE and case_import.sealed_file == ""
    assert case_import.counts == {"cases": 2, "interventions": 2, "follow_ups": 2, "skipped": 0, "refused": 0}
    case = Case.objects.get(category="lifestyle")
    assert (case.status, case.raised_on, case.unit, case.proposed_by) == (
        "active",
        datetime.date(2026, 3, 5),
        people.investigation,
        people.manager,
    )
    assert Intervention.objects.filter(response="accepted").count() == 2
    assert FollowUp.objects.get(case=case).youth_view == "Mår bättre."
    imported = case.events.filter(kind__in=["proposed", "identified"]).values_list("data__import", flat=True)
    assert list(imported) == [str(case_import.pk)] * 2
    entries = LogEntry.objects.filter(action=LogEntry.Action.CREATE, content_type__model__in=["case", "person"])
    assert entries.count() == 4
    assert {(e.actor_id, e.additional_data["import"]) for e in entries} == {(people.manager.pk, str(case_import.pk))}
    shown = entries.annotate(actor_username=F("actor__username"), chain_seq=F("chain_seal__seq"))
    assert all(row.by_import for row in change_rows(shown)), "the auditor's change log says so"

    again = confirm(people, upload(people, content))
    assert again.counts == {"cases": 0, "interventions": 0, "follow_ups": 0, "skipped": 2, "refused": 0}
    assert Case.objects.count() == 2 and Person.objects.count() == 2


def test_each_fault_is_named_in_swedish_and_nothing_of_a_refused_row_is_imported(people):
    people.agreement.starts_on = datetime.date(2026, 1, 1)
    people.agreement.save()
    people.caseworker.first_name, people.caseworker.last_name = "Hanna", "Handläggare"
    people.caseworker.save()
    born = datetime.date(2010, 5, 17)
    existing = f.identified(people, raised_on=datetime.date(2026, 9, 1))
    existing_number = existing.person.personal_number
    rows = [
        good_row(number(born, 982), caseworker="Hanna Handläggare"),  # 2: fine
        good_row("20100517-9999"),  # 3: check digit
        good_row(number(born, 986), raised="2025-06-01"),  # 4: before the agreement
        good_row(number(born, 988), caseworker="Okänd Person"),  # 5: unknown caseworker
        good_row(existing_number, raised="2026-04-01"),  # 6: open case
        good_row(number(born, 990), raised="31 februari 2026"),  # 7: no such date
        good_row(number(born, 992), follow_up="2026-04-01"),  # 8: follow-up too early
        good_row(number(born, 994), category='=HYPERLINK("x")'),  # 9: formula
        [""] * 15,  # 10: empty
        good_row(number(born, 996), intervention="Trolleri"),  # 11: not in the catalogue
        good_row(number(born, 982), raised="2026-03-05", intervention="MST", offered="2026-03-12"),  # 12: adds to 2
    ]
    plan = preview(people, upload(people, csv_bytes(rows, delimiter=",", bom=False)))
    by_line = {r.line: r for r in plan.results}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8, 9, 11, 12] and plan.empty_rows == 1
    assert by_line[2].outcome == by_line[12].outcome == "create"
    expected = {
        3: "Kontrollsiffran stämmer inte",
        4: "inom överenskommelsens period från 2026-01-01",
        5: "Okänd handläggare",
        6: "redan ett öppet ärende",
        7: "går inte att läsa",
        8: "För tidigt",
        9: "innehåller en formel",
        11: "Okänd insats",
    }
    for line, words in expected.items():
        assert by_line[line].outcome == "refuse" and words in " ".join(by_line[line].reasons), line
    assert [len(c.interventions) for c in plan.cases] == [2]


def test_rows_in_random_order_and_dates_in_swedish_give_the_same_plan(people):
    born = datetime.date(2009, 2, 3)
    rows = [
        good_row(number(born, 980 + 2 * n), raised=day)
        for n, day in enumerate(["2026-03-05", "5 mars 2026", "05/03/2026", "20260305", "5 mar 2026"])
    ]
    plan = preview(people, upload(people, csv_bytes(rows)))
    assert {c.raised_on for c in plan.cases} == {datetime.date(2026, 3, 5)}
    shuffled = preview(people, upload(people, csv_bytes(rows[::-1])))
    assert [c.personal_number for c in shuffled.cases] != [] and len(shuffled.cases) == len(plan.cases) == 5


def test_an_xlsx_with_merged_cells_and_a_formula_cell(people):
    born = datetime.date(2010, 1, 9)
    keys = [c.key for c in reading.COLUMNS]
    content = template.workbook_bytes()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for n in range(3):
        sheet.append(
            [
                {
                    "personal_number": number(born, 982 + 2 * n),
                    "first_name": "Merga",
                    "last_name": "Cellsson",
                    "category": "Svansen",
                    "raised_on": datetime.date(2026, 3, 5),
                    "unit": "Utredning ungdom" if n == 0 else None,
                }.get(k)
                for k in keys
            ]
        )
    unit_column = keys.index("unit") + 1
    sheet.merge_cells(start_row=2, start_column=unit_column, end_row=4, end_column=unit_column)
    sheet.append([number(born, 990), "Forma", "Cellsson", "=1+1", datetime.date(2026, 3, 5), "Utredning ungdom"])
    output = io.BytesIO()
    workbook.save(output)
    plan = preview(people, upload(people, output.getvalue()))
    assert [r.outcome for r in plan.results] == ["create", "create", "create", "refuse"]
    assert "formel" in plan.results[-1].reasons[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "inte ett Excel-ark"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "gamla Excel-formatet"),
        (b"%PDF-1.7\n\x00\x01binary", "inte ett Excel-ark"),
        (b"Namn;Telefon\nA;1\n", "Hittade ingen rubrikrad"),
        (b"Personnummer;Kategori;Datum\n", "Kolumnen Enhet saknas"),
        ("Personnummer;Kategori\n".encode("utf-16"), "inte ett Excel-ark"),
        ("Personnummer;Kategori;Datum;Enhet\nÅ;B;C;D\n".encode("cp1252"), "UTF-8"),
        (b"x" * (5 * 1024 * 1024 + 1), "för stor"),
    ],
)
def test_a_file_that_is_not_a_list_is_refused_with_a_reason_and_nothing_is_kept(people, content, words):
    with pytest.raises(Exception) as refused:
        upload(people, content)
    assert words in " ".join(refused.value.messages)
    assert CaseImport.objects.count() == 0


def test_an_import_that_meets_a_changed_database_makes_nothing(people):
    born = datetime.date(2010, 5, 17)
    content = csv_bytes([good_row(number(born, 982)), good_row(number(born, 984))])
    case_import = upload(people, content)
    preview(people, case_import)
    people.investigation.name = "Omdöpt"  # the unit no longer exists by that name: every row is refused now
    people.investigation.save()
    case_import = confirm(people, case_import)
    assert case_import.status == CaseImport.Status.DONE and case_import.counts["refused"] == 2
    assert Case.objects.count() == 0


def test_ten_thousand_rows_are_planned(people):
    rows = [
        good_row(personal_numbers.make(datetime.date(2009, 1, 1) + datetime.timedelta(days=n // 10), 980 + n % 10))
        for n in range(10_000)
    ]
    case_import = upload(people, csv_bytes(rows))
    assert case_import.rows == 10_000
    plan = preview(people, case_import)
    assert plan.count(planning.CREATE) == 10_000


def test_only_the_uploader_sees_and_confirms_an_import(people):
    case_import = upload(people, csv_bytes([good_row(number(datetime.date(2010, 5, 17), 982))]))
    with pytest.raises(PermissionDenied):
        services.confirm_import(actor=f.actor(people.caseworker, people.agreement), case_import=case_import)
    assert CaseImport.objects.get().status == CaseImport.Status.PREVIEW


def test_the_upload_page_refuses_a_file_over_the_limit_without_keeping_it(people, client):
    client = verified_client(client, people.manager)
    big = SimpleUploadedFile("lista.xlsx", b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024))
    response = client.post(reverse("casework:imports"), {"file": big})
    assert response.status_code == 200 and "Filen är för stor" in response.content.decode()
    assert CaseImport.objects.count() == 0
    template_file = client.get(reverse("casework:import_template"))
    assert template_file["Content-Type"] == template.CONTENT_TYPE


def test_a_stale_preview_loses_its_file(people):
    case_import = upload(people, csv_bytes([good_row(number(datetime.date(2010, 5, 17), 982))]))
    with time_machine.travel(TODAY + datetime.timedelta(hours=25), tick=False):
        assert services.delete_stale_files() == 1
    case_import.refresh_from_db()
    assert (case_import.status, case_import.sealed_file) == (CaseImport.Status.CANCELLED, "")
