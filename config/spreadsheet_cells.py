"""One rule for every cell Samsyn writes to a file a spreadsheet may open (CSV, XLSX).

A spreadsheet runs a text cell that starts with = + - @ (or a tab or carriage return before one) as a
formula, so such a text gets a leading apostrophe (CSV) or is stored as plain text (XLSX). Numbers are
numbers: a negative cost difference stays -12000, not the text '-12000, and a decimal has the decimal comma
Swedish Excel reads as a number (4500,50).
"""

from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    text = str(value)
    return "'" + text if is_formula_like(text) else text
