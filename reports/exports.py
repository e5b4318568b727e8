"""Files: XLSX (openpyxl), CSV and PDF (WeasyPrint from a print template).

Spreadsheets guard against formula injection: a text that starts with = + - @ (or a tab or carriage return)
is written as text, never as a formula, in XLSX (string type, quote prefix) and in CSV (a leading
apostrophe, as OWASP recommends), since names of areas, intervention types and free texts are typed by users.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from config.pdf import render_pdf
from config.spreadsheet_cells import csv_cell, is_formula_like

from .disclosure_control import ProtectedTable

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "reports" / "print.css"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple
    rows: tuple[tuple, ...]


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title))
        worksheet.append([str(h) for h in sheet.header])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append([_xlsx_value(value) for value in row])
        for cell in (c for row in worksheet.iter_rows(min_row=2) for c in row):
            if is_formula_like(cell.value):
                # openpyxl treats "=..." as a formula: force a plain string, shown as typed.
                cell.data_type = "s"
                cell.quotePrefix = True
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_value(value):
    if value is None or isinstance(value, int | float):
        return value
    return str(value)


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")
    return cleaned[:31] or _("Blad")


def csv_bytes(sheet: Sheet) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow([str(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([csv_cell(value) for value in row])
    # With a byte-order mark, so that Excel opens Swedish letters right.
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def pdf_bytes(template: str, context: dict) -> bytes:
    return render_pdf(render_to_string(template, context), stylesheets=(PRINT_CSS,))


def protected_sheet(table: ProtectedTable) -> Sheet:
    """A management table as a sheet: only its published values (numbers where a number is published,
    otherwise the symbol)."""
    if not isinstance(table, ProtectedTable):
        raise TypeError("Management files are made from disclosure-controlled tables only.")
    has_targets = any(row.target for row in table.rows)
    header = (table.period.label, *table.columns) + ((_("Mål"),) if has_targets else ())
    rows = []
    for row in table.rows:
        values = [value.number if value.number is not None else value.text for value in row.values]
        values += [""] * (len(table.columns) - len(values))
        rows.append((str(row.label), *values) + ((row.target,) if has_targets else ()))
    if not table.available:
        rows.append((table.reason,))
    rows.extend((str(note),) for note in table.notes)
    return Sheet(title=f"{table.table} {table.period.code}", header=header, rows=tuple(rows))
