"""Reading an uploaded list: XLSX (openpyxl) or CSV (UTF-8 with or without BOM, semicolon, comma or tab),
into rows of text keyed by column.

The file is read from memory only. What cannot be read at all (too large, not a spreadsheet, the old .xls
format, no heading row, a required column missing) is an `UnreadableFile` with its reason in Swedish;
what is wrong with one row (a formula in a cell) travels with that row, so the preview can name it.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.spreadsheet_cells import is_formula_like

# A list of 20 000 youths is far beyond any municipality's; the limit keeps a preview answerable.
MAX_ROWS = 20_000
# A zip bomb unpacks to gigabytes: the parts of an XLSX may unpack to this much at most.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HEADING_SEARCH_ROWS = 20


class UnreadableFile(ValueError):
    """The whole file is refused; the message says why, in Swedish."""


@dataclass(frozen=True)
class Column:
    key: str
    heading: object  # the template's Swedish heading (lazy, so the template follows the language)
    variants: tuple[str, ...]
    required: bool = False


COLUMNS = (
    Column(
        "personal_number",
        gettext_lazy("Personnummer"),
        (
            "personnummer",
            "pnr",
            "personnr",
            "person nr",
            "pers nr",
            "p-nr",
            "samordningsnummer",
            "personnummer/samordningsnummer",
            "personnummer eller samordningsnummer",
            "personal number",
        ),
        required=True,
    ),
    Column("first_name", gettext_lazy("Förnamn"), ("förnamn", "fornamn", "tilltalsnamn", "first name")),
    Column("last_name", gettext_lazy("Efternamn"), ("efternamn", "last name", "surname")),
    Column("name", gettext_lazy("Namn"), ("namn", "fullständigt namn", "ungdomens namn", "name")),
    Column("category", gettext_lazy("Kategori"), ("kategori", "grupp", "målgrupp", "category"), required=True),
    Column(
        "raised_on",
        gettext_lazy("Aktualiserad"),
        ("aktualiserad", "aktualiseringsdatum", "aktualiserad datum", "datum", "identifierad", "raised on"),
        required=True,
    ),
    Column("unit", gettext_lazy("Enhet"), ("enhet", "ansvarig enhet", "unit"), required=True),
    Column("caseworker", gettext_lazy("Handläggare"), ("handläggare", "handlaggare", "ansvarig handläggare", "hl")),
    Column("intervention", gettext_lazy("Insats"), ("insats", "insatstyp", "intervention")),
    Column("offered_on", gettext_lazy("Insats erbjuden"), ("insats erbjuden", "erbjuden", "erbjuden datum")),
    Column("response", gettext_lazy("Svar"), ("svar", "ungdomens svar", "insats svar", "response")),
    Column("starts_on", gettext_lazy("Insats start"), ("insats start", "start", "startdatum", "insatsen startade")),
    Column("ends_on", gettext_lazy("Insats slut"), ("insats slut", "slut", "slutdatum", "insatsen slutade")),
    Column("follow_up_on", gettext_lazy("Uppföljning"), ("uppföljning", "uppföljningsdatum", "uppföljd", "follow-up")),
    Column("outcome", gettext_lazy("Utfall"), ("utfall", "resultat", "outcome")),
    Column("youth_view", gettext_lazy("Ungdomens bild"), ("ungdomens bild", "ungdomens syn", "ungdomens egen bild")),
    Column("social_view", gettext_lazy("Socialtjänstens bild"), ("socialtjänstens bild", "socialtjänstens syn")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
_VARIANTS = {variant: column.key for column in COLUMNS for variant in column.variants}


def heading_of(key: str) -> str:
    return str(COLUMN_BY_KEY[key].heading)


def _normalised_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace("_", " ")).strip(" :.*")


@dataclass(frozen=True)
class Row:
    line: int  # the row's number in the spreadsheet (1 is the first row), as the user sees it
    values: dict  # column key -> text ("" when empty)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    rows: list[Row]
    ignored_columns: tuple[str, ...]
    empty_rows: int


def max_bytes() -> int:
    return settings.SAMSYN_IMPORT_MAX_BYTES


def too_large_message() -> str:
    return _("Filen är för stor: högst %(mb)s MB. Dela upp listan i flera filer.") % {
        "mb": max_bytes() // (1024 * 1024)
    }


def read(content: bytes) -> Sheet:
    """The rows of the first sheet that has a heading row with the template's columns (or their variants)."""
    if len(content) > max_bytes():
        raise UnreadableFile(too_large_message())
    if not content.strip():
        raise UnreadableFile(_("Filen är tom."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _("Filen är i det gamla Excel-formatet (.xls). Spara den som .xlsx eller CSV och försök igen.")
        )
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    return _read_csv(content)


def _not_a_spreadsheet() -> UnreadableFile:
    return UnreadableFile(_("Filen är inte ett Excel-ark (.xlsx) eller en CSV-fil. Använd mallen."))


def _read_xlsx(content: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "xl/workbook.xml" not in names:
                raise _not_a_spreadsheet()
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableFile(too_large_message())
        # Not read-only: merged ranges are only known to a full workbook; formulas are kept as formulas.
        workbook = load_workbook(io.BytesIO(content), data_only=False)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds (zip, XML, key) for a broken file; all mean the same
        raise _not_a_spreadsheet() from None
    for worksheet in workbook.worksheets:
        merged = {}
        for cell_range in worksheet.merged_cells.ranges:
            top_left = worksheet.cell(cell_range.min_row, cell_range.min_col)
            for row in range(cell_range.min_row, cell_range.max_row + 1):
                for col in range(cell_range.min_col, cell_range.max_col + 1):
                    merged[(row, col)] = top_left
        grid = (
            [merged.get((cell.row, cell.column), cell) for cell in row]
            for row in worksheet.iter_rows(max_row=min(worksheet.max_row, MAX_ROWS + HEADING_SEARCH_ROWS + 1))
        )
        sheet = _rows_of(_xlsx_cells(row) for row in grid)
        if sheet is not None:
            if worksheet.max_row > MAX_ROWS + HEADING_SEARCH_ROWS:
                raise _too_many_rows()
            return sheet
    raise _no_heading()


def _xlsx_cells(row) -> list[tuple[str, bool]]:
    """(text, is a formula) for each cell."""
    return [(_text(cell.value), cell.data_type == "f") for cell in row]


def _read_csv(content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\x00" in content:
            raise _not_a_spreadsheet() from None
        raise UnreadableFile(
            _("Filen är inte sparad som UTF-8. Spara den som ”CSV UTF-8” i Excel och försök igen.")
        ) from None
    if "\x00" in text:
        raise _not_a_spreadsheet()
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first_line.count)
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        sheet = _rows_of([(cell.strip(), False) for cell in line] for line in lines)
    except csv.Error:
        raise _not_a_spreadsheet() from None
    if sheet is None:
        raise _no_heading()
    return sheet


def _no_heading() -> UnreadableFile:
    return UnreadableFile(
        _("Hittade ingen rubrikrad med kolumnerna %(columns)s. Använd mallen, eller ge kolumnerna mallens namn.")
        % {"columns": ", ".join(heading_of(c.key) for c in COLUMNS if c.required)}
    )


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(_("Filen har fler än %(max)s rader. Dela upp listan i flera filer.") % {"max": MAX_ROWS})


def _rows_of(lines) -> Sheet | None:
    """Find the heading row among the first rows, then read the rows under it; None if there is none."""
    lines = iter(lines)
    keys = None
    for heading_line, cells in enumerate(lines, start=1):
        keys = [_VARIANTS.get(_normalised_heading(text)) for text, _formula in cells]
        if sum(1 for key in keys if key) >= 2:
            heading_cells = cells
            break
        if heading_line >= HEADING_SEARCH_ROWS:
            return None
    else:
        return None
    missing = [c for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise UnreadableFile(
            _("Kolumnen %(columns)s saknas. Använd mallen, eller ge kolumnen mallens namn.")
            % {"columns": ", ".join(heading_of(c.key) for c in missing)}
        )
    ignored = tuple(text for (text, _formula), key in zip(heading_cells, keys, strict=True) if text and not key)
    rows, empty = [], 0
    for line_number, cells in enumerate(lines, start=heading_line + 1):
        values, problems = {}, []
        for (text, formula), key in zip(cells, keys, strict=False):
            if key is None or key in values and not text:
                continue
            if formula or (is_formula_like(text) and text != "-"):
                problems.append(
                    _("Kolumnen %(column)s innehåller en formel. Skriv in själva värdet.") % {"column": heading_of(key)}
                )
                text = ""
            values[key] = "" if text == "-" else text
        if not any(values.values()) and not problems:
            empty += 1
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        rows.append(Row(line=line_number, values=values, problems=tuple(problems)))
    return Sheet(rows=rows, ignored_columns=ignored, empty_rows=empty)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # A leading apostrophe marks text that only looks like a formula (Samsyn's own CSV files write it).
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


MONTHS = {
    "jan": 1,
    "januari": 1,
    "feb": 2,
    "februari": 2,
    "mar": 3,
    "mars": 3,
    "apr": 4,
    "april": 4,
    "maj": 5,
    "jun": 6,
    "juni": 6,
    "jul": 7,
    "juli": 7,
    "aug": 8,
    "augusti": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})(?::?e|:a)?\s+([a-zåäö]+)\.?\s+(\d{4})$")


def parse_date(text: str) -> datetime.date | None:
    """A date as Swedish lists write it: 2026-03-05, 20260305, 5/3/2026 or 05.03.2026 (day first, as in
    Sweden), "5 mars 2026" or "5 mar 2026". None when the text is none of these or no real date."""
    text = re.sub(r"\s+", " ", (text or "").strip().lower())
    if match := _ISO.match(text) or _COMPACT.match(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.match(text):
        day, month, year = match.groups()
    elif (match := _WORDS.match(text)) and match.group(2) in MONTHS:
        day, month, year = match.group(1), MONTHS[match.group(2)], match.group(3)
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
