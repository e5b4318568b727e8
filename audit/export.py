"""The auditor's CSV export of the access log.

Semicolon-separated with a byte-order mark, which is what Excel with Swedish settings opens correctly.
Every cell is protected against formula injection (config.spreadsheet_cells): a username or a page name
is enough to carry a formula.
"""

import csv
import io

from django.utils.translation import gettext as _

from config.spreadsheet_cells import csv_cell


def access_log_csv(rows) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Nr"),
            _("Tid"),
            _("Användare"),
            _("Roller"),
            _("Utfall"),
            _("Sida"),
            _("Export"),
            _("Ärenden"),
            _("Personer"),
            _("Uppgifter"),
            _("Flaggor"),
        ]
    )
    for row in rows:
        cases = list(row.case_numbers) + ([_("%(n)s okända") % {"n": row.unknown_cases}] if row.unknown_cases else [])
        writer.writerow(
            csv_cell(value)
            for value in (
                row.seq,
                row.at.strftime("%Y-%m-%d %H:%M:%S"),
                row.username,
                ", ".join(row.roles),
                row.outcome,
                row.page_label,
                _("ja") if row.export else _("nej"),
                ", ".join(cases),
                ", ".join(row.person_references),
                ", ".join(row.field_classes),
                ", ".join(row.flags),
            )
        )
    return out.getvalue()
