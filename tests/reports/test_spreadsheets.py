"""Spreadsheets read as a spreadsheet reads them: every number a typed number cell with a number format
(never a number stored as text), the header row frozen, columns wide enough, Swedish sheet names; CSV in the
dialect Swedish Excel opens (semicolons, UTF-8 with a byte-order mark, decimal comma)."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import documents, exports
from reports.models import ReportJob

# The tests read one year of cases, built once for the module (tests/reports/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_year")]

YEAR = 2025
# A text that is only a number (with Swedish or English separators, a unit or a sign): a number stored as text.
NUMBER_AS_TEXT = re.compile(r"^[+-]?\d[\d\s\u00a0\u202f.,]*\s*(kr|%)?$")
# Internal names a reader must never meet: period codes, route names, English codes with underscores.
INTERNAL = re.compile(r"\d{4}-[QTH]\d|\b[a-z]+_[a-z_]+\b|[a-z]+:[a-z_]+")


def numbers_stored_as_text(workbook) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in workbook
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and NUMBER_AS_TEXT.match(cell.value.strip())
    ]


def assert_reads_as_a_spreadsheet(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    assert numbers_stored_as_text(workbook) == []
    for sheet in workbook:
        assert not INTERNAL.search(sheet.title), sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.column_dimensions["A"].width >= exports.MIN_WIDTH
        header = [cell.value for cell in sheet[1]]
        assert not [h for h in header if h and INTERNAL.search(str(h))], header
    return workbook


def build(people, kind, file_format, user=None):
    job = ReportJob(
        agreement=people.agreement,
        requested_by=user or people.manager,
        kind=kind,
        file_format=file_format,
        first_year=YEAR,
        last_year=YEAR,
    )
    return documents.build(job, lambda percent: None).content


def test_typed_cells_have_number_formats():
    sheet = exports.Sheet(
        "Blad",
        ("Ärende", "Belopp", "Andel", "Antal", "Datum"),
        (
            (
                "2026-001",
                exports.Kronor(Decimal("265532.50")),
                exports.Share(Decimal("87.5")),
                14,
                datetime.date(2026, 12, 31),
            ),
        ),
    )
    row = list(load_workbook(io.BytesIO(exports.xlsx_bytes([sheet])))["Blad"][2])
    assert [cell.data_type for cell in row] == ["s", "n", "n", "n", "d"]
    assert row[1].value == Decimal("265532.5") and row[1].number_format == exports.AMOUNT_FORMAT
    assert row[2].value == Decimal("0.875") and row[2].number_format == exports.SHARE_FORMAT
    assert row[4].number_format == exports.DATE_FORMAT


def test_the_csv_is_what_swedish_excel_opens():
    sheet = exports.Sheet(
        "Blad",
        ("Ärende", "Belopp", "Andel", "Anmärkning"),
        (("2026-001", exports.Kronor(Decimal("265532.50")), exports.Share(Decimal("87.5")), "=SUM(A1)"),),
    )
    content = exports.csv_bytes(sheet)
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines == ["Ärende;Belopp;Andel;Anmärkning", "2026-001;265533;87,5%;'=SUM(A1)"]


def test_sheet_names_are_short_unique_and_legal():
    sheets = [exports.Sheet("Identifierade ärenden per kategori och kvartal: 2026", (), ())] * 2
    names = load_workbook(io.BytesIO(exports.xlsx_bytes(sheets))).sheetnames
    assert names == ["Identifierade ärenden per kateg", "Identifierade ärenden per k (2)"]


@pytest.mark.parametrize("kind", ["follow_up", "costs"])
def test_the_social_managers_spreadsheets_hold_numbers_as_numbers(people, year_of_cases, kind):
    workbook = assert_reads_as_a_spreadsheet(build(people, kind, "xlsx"))
    numbers = [c.value for s in workbook for r in s.iter_rows(min_row=2) for c in r if c.data_type == "n"]
    assert numbers, "the figures are typed numbers"
    text = " ".join(str(c.value) for s in workbook for r in s.iter_rows() for c in r if c.value is not None)
    assert "sis_locked" not in text and "sis_open" not in text


def test_the_cost_spreadsheet_has_the_amounts_of_the_page(login, people, year_of_cases):
    workbook = load_workbook(io.BytesIO(build(people, "costs", "xlsx")))
    sheet = workbook[f"Kostnader {YEAR}"]
    total_row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Summa (fullständiga ärenden)")
    page = login(people.manager).get(f"/rapporter/kostnader/{YEAR}/")
    comparison = page.context["comparison"]
    assert total_row[3].value == comparison.total("home_municipal")
    assert total_row[3].number_format == exports.AMOUNT_FORMAT


def test_the_statistics_spreadsheet_holds_numbers_as_numbers(people, year_of_cases):
    workbook = assert_reads_as_a_spreadsheet(build(people, "statistics", "xlsx", user=people.management))
    assert any(name.startswith(f"Kv 1 {YEAR}") for name in workbook.sheetnames)
