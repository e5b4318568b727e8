"""Files: XLSX (openpyxl), CSV and PDF (WeasyPrint from a print template).

Spreadsheets work as spreadsheets: numbers, amounts, shares and dates are typed cells with a number format
(an amount is a number shown as "265 533 kr", a share the fraction 0.875 shown as "87,5 %", a date a date),
so a spreadsheet can add them up; the header row is frozen, the columns are as wide as their contents, and
sheets have Swedish names. A value is typed by what it is: `Kronor` and `Share` below, a Python number, a
date; anything else is text. CSV is the dialect Swedish Excel opens: semicolons, UTF-8 with a byte-order
mark, decimal comma.

Spreadsheets guard against formula injection: a text that starts with = + - @ (or a tab or carriage return)
is written as text, never as a formula, in XLSX (string type, quote prefix) and in CSV (a leading
apostrophe, as OWASP recommends), since names of areas, intervention types and free texts are typed by users.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from config import formatting
from config.pdf import render_pdf
from config.spreadsheet_cells import csv_cell, is_formula_like

from .disclosure_control.publication import ProtectedTable, Unit

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "reports" / "print.css"

SHEET_TITLE_LENGTH = 31  # Excel's limit
# Excel's format codes: "," groups thousands and "." is the decimal point in the file; Excel shows them with
# the reader's own separators (a space and a comma in Swedish).
AMOUNT_FORMAT = '#,##0 "kr"'
SHARE_FORMAT = "0.0 %"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Kronor:
    """An amount of money: kept to the öre in a spreadsheet, shown in whole kronor like the pages."""

    value: Decimal | int | float


@dataclass(frozen=True)
class Share:
    """A share in percent (87.5), as config.formatting.share gives it."""

    percent: Decimal | int | float


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple
    rows: tuple[tuple, ...]


def _typed(value):
    """The cell value and its number format."""
    if isinstance(value, Kronor):
        return Decimal(str(value.value)), AMOUNT_FORMAT
    if isinstance(value, Share):
        return Decimal(str(value.percent)) / 100, SHARE_FORMAT
    if isinstance(value, bool) or value is None:
        return value, None
    if isinstance(value, int):
        return value, COUNT_FORMAT
    if isinstance(value, float | Decimal):
        return value, DECIMAL_FORMAT
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None), DATE_FORMAT + " hh:mm"
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    return str(value), None


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used_titles = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, used_titles))
        worksheet.append([str(h) for h in sheet.header])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(str(h)) for h in sheet.header]
        for row in sheet.rows:
            typed = [_typed(value) for value in row]
            worksheet.append([value for value, _format in typed])
            for column, (value, number_format) in enumerate(typed, start=1):
                cell = worksheet.cell(row=worksheet.max_row, column=column)
                if number_format:
                    cell.number_format = number_format
                if is_formula_like(value):
                    # openpyxl treats "=..." as a formula: force a plain string, shown as typed.
                    cell.data_type = "s"
                    cell.quotePrefix = True
                shown = _shown(row[column - 1])
                if column > len(widths):
                    widths.append(0)
                widths[column - 1] = max(widths[column - 1], len(shown))
        worksheet.freeze_panes = "A2"
        for column, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _shown(value) -> str:
    """The value as a reader sees it in a cell or a CSV field (also how wide its column must be)."""
    if isinstance(value, Kronor):
        return formatting.amount(value.value)
    if isinstance(value, Share):
        return formatting.percent(value.percent).replace(formatting.NBSP, "")
    if isinstance(value, float | Decimal):
        return formatting.number(value, 2).replace(formatting.NBSP, "")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _sheet_title(title: str, used: set) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip() or _("Blad")
    candidate, number = cleaned[:SHEET_TITLE_LENGTH], 1
    while candidate.lower() in used:
        number += 1
        suffix = f" ({number})"
        candidate = cleaned[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def _csv_value(value):
    if isinstance(value, Kronor):
        return str(formatting.whole(value.value))
    if isinstance(value, Share):
        # Swedish Excel reads "87,5%" as the percentage it is.
        return formatting.number(value.percent, 1).replace(formatting.NBSP, "") + "%"
    if isinstance(value, datetime.date):
        return _shown(value)
    return value


def csv_bytes(sheet: Sheet) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(str(h)) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([csv_cell(_csv_value(value)) for value in row])
    # With a byte-order mark, so that Excel opens Swedish letters right.
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def pdf_bytes(template: str, context: dict) -> bytes:
    return render_pdf(render_to_string(template, context), stylesheets=(PRINT_CSS,))


def published_cell(value):
    """A published value as a cell: the number, typed by its unit, or the symbol ("<5", "..") as text."""
    if value.number is None:
        return value.text
    if value.unit is Unit.PERCENT:
        return Share(value.number)
    if value.unit is Unit.KRONOR:
        return Kronor(value.number)
    return value.number


def protected_sheet(table: ProtectedTable) -> Sheet:
    """A management table as a sheet: only its published values (numbers where a number is published,
    otherwise the symbol)."""
    if not isinstance(table, ProtectedTable):
        raise TypeError("Management files are made from disclosure-controlled tables only.")
    has_targets = any(row.target for row in table.rows)
    header = (capfirst(table.period_label), *table.columns) + ((_("Mål"), _("Status")) if has_targets else ())
    rows = []
    for row in table.rows:
        values = [published_cell(value) for value in row.values]
        values += [""] * (len(table.columns) - len(values))
        rows.append((str(row.label), *values) + ((row.target, row.met_text) if has_targets else ()))
    if not table.available:
        rows.append((table.reason,))
    rows.extend((str(note),) for note in table.notes)
    title = f"{formatting.period_short(table.period)} {table.title}"
    return Sheet(title=title, header=header, rows=tuple(rows))
