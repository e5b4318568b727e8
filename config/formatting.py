"""How Samsyn writes numbers, amounts, shares, periods and dates for a reader, in one place: pages, PDFs,
charts, spreadsheets and CSV files all format through these functions, so a chart, its table and the
spreadsheet of the same figures cannot disagree (docs/architecture.md, rule 8).

Numbers follow the active language's formats (Django's locale formats): in Swedish a no-break space
between thousands and a decimal comma, "265 533 kr", "87,5 %"; in English "265,533 kr", "87.5 %".

Rounding is half up everywhere (Python's round() rounds half to even, and int() truncates: the old cost
chart said 265 532 kr where its table said 265 533 kr). A share has one decimal, and a share that is
neither none nor all is never shown as 0,0 % or 100,0 %: 1 999 of 2 000 is "99,9 %", never a 100 % that
was not reached.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

NBSP = "\u00a0"
ONE_DECIMAL = Decimal("0.1")


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def whole(value) -> int:
    """A number rounded half up to a whole number: the kronor a table prints and a chart draws."""
    return int(_decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def number(value, decimals: int = 0) -> str:
    """A number in the active language's format, grouped in thousands, rounded half up."""
    if decimals == 0:
        rounded = whole(value)
    else:
        rounded = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    # Swedish groups with a no-break space already; English with a comma. Never a breaking space.
    return text.replace(" ", NBSP)


def amount(value) -> str:
    """Kronor, whole, half up: "265 533 kr"."""
    return number(value) + NBSP + "kr"


def price(value) -> str:
    """A price with its öre, as a tariff is written: "4 500,00 kr"."""
    return number(value, 2) + NBSP + "kr"


def share(part: int, total: int) -> Decimal | None:
    """part of total in percent, one decimal, rounded half up; None when there is nothing to count.
    A share strictly between none and all stays strictly between 0,0 and 100,0."""
    if not total:
        return None
    value = (Decimal(100) * part / total).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if 0 < part < total:
        value = min(max(value, ONE_DECIMAL), Decimal(100) - ONE_DECIMAL)
    return value


def percent(value) -> str:
    """A percentage with one decimal: "87,5 %"."""
    return number(value, 1) + NBSP + "%"


def period(value) -> str:
    """A reporting period as a heading or a cell names it: "Kvartal 4 2026", "Tertial 1 2027", "Helår 2026"."""
    return capfirst(value.label)


def period_short(value) -> str:
    """A period in few letters, for a spreadsheet's sheet name: "Kv 4 2026", "T 1 2027", "Helår 2026"."""
    if value.kind == "year":
        return _("Helår %(year)s") % {"year": value.year}
    prefix = {"quarter": _("Kv"), "tertial": _("T"), "half_year": _("H")}[value.kind]
    return f"{prefix} {value.number} {value.year}"


def date(value: datetime.date) -> str:
    """A date in the active language's short format (Swedish: 2026-12-31)."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")
