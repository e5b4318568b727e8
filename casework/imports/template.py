"""The downloadable template: the columns with their Swedish headings, and a sheet that explains them."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from config.spreadsheet_cells import is_formula_like

from .reading import COLUMNS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _help() -> dict:
    return {
        "personal_number": _("ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN; samordningsnummer går också. Krävs."),
        "first_name": _("Krävs för en person som inte redan finns i Samsyn."),
        "last_name": _("Krävs för en person som inte redan finns i Samsyn."),
        "name": _("I stället för Förnamn och Efternamn: hela namnet, efternamnet sist."),
        "category": _("Livsstil eller Svansen. Krävs."),
        "raised_on": _("Aktualiseringsdatum, t.ex. 2026-03-05, 5/3/2026 eller 5 mars 2026. Krävs."),
        "unit": _("Enhetens namn inom socialtjänsten. Krävs."),
        "caseworker": _("Handläggarens namn, användarnamn eller e-postadress."),
        "intervention": _("Insatsens namn eller kod i insatskatalogen."),
        "offered_on": _("Datum då insatsen erbjöds. Krävs när Insats är ifylld."),
        "response": _("Tackat ja, Tackat nej, Inget svar, eller tomt (inget svar ännu)."),
        "starts_on": _("Bara för en insats som ungdomen tackat ja till."),
        "ends_on": _("Bara för en insats som ungdomen tackat ja till."),
        "follow_up_on": _("Uppföljningens datum, tidigast 3 månader efter aktualiseringen."),
        "outcome": _("Förbättrad, Oförändrad, Försämrad eller Vet inte."),
        "youth_view": _("Ungdomens egen bild (och föräldrarnas). Krävs för en uppföljning."),
        "social_view": _("Socialtjänstens bild. Krävs för en uppföljning."),
    }


def workbook_bytes(rows=()) -> bytes:
    """The template as XLSX, with `rows` (dicts keyed by column key) under the headings, if any. A text
    that looks like a formula is written as text, never as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ärenden")
    sheet.append([str(column.heading) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column.key, "") for column in COLUMNS])
    for cell in (c for line in sheet.iter_rows(min_row=2) for c in line):
        if is_formula_like(cell.value):
            cell.data_type, cell.quotePrefix = "s", True
    guide = workbook.create_sheet(_("Anvisningar"))
    guide.append([_("Kolumn"), _("Vad den ska innehålla")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    help_texts = _help()
    for column in COLUMNS:
        guide.append([str(column.heading), help_texts[column.key]])
    guide.append([])
    guide.append(
        [
            _(
                "Fler rader med samma personnummer och aktualiseringsdatum lägger till fler insatser och "
                "uppföljningar i samma ärende."
            )
        ]
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
