"""Every cell written for a spreadsheet: texts that a spreadsheet would run are kept as text, numbers
stay numbers."""

from decimal import Decimal

import pytest

from config.spreadsheet_cells import csv_cell
from reports.exports import Sheet, csv_bytes


@pytest.mark.parametrize("dangerous", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_a_spreadsheet_would_run_is_kept_as_text(dangerous):
    assert csv_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["granskare", "2026-001", "Person 1a2b3c4d", "", "a=b"])
def test_an_ordinary_cell_is_unchanged(harmless):
    assert csv_cell(harmless) == harmless


@pytest.mark.parametrize(
    "number, written", [(-12000, "-12000"), (Decimal("-1250.50"), "-1250,50"), (-0.5, "-0,5"), (0, "0"), (42, "42")]
)
def test_a_negative_number_stays_a_number_with_the_swedish_decimal_comma(number, written):
    assert csv_cell(number) == written


def test_a_report_csv_keeps_negative_cost_differences_as_numbers_and_formulas_as_text():
    sheet = Sheet(title="Kostnader", header=("Ärende", "Skillnad"), rows=(("=HYPERLINK()", Decimal("-12000")),))
    assert csv_bytes(sheet).decode("utf-8").splitlines()[1] == "'=HYPERLINK();-12000"
