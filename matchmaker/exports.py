"""Cells of exported spreadsheets (CSV and XLSX) that no spreadsheet runs as a formula.

Organization names, titles and notes are typed by anyone who registers; Excel and LibreOffice
run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some versions, a tab or a
carriage return) as a formula (``=HYPERLINK(...)`` sends whoever clicks it anywhere). OWASP's
advice: prefix such a text with a single quote, so it is shown as the text it is. Numbers stay
numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write into a spreadsheet cell: a text that could start a formula is
    prefixed with ``'``; anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]


def texts_as_texts(workbook: Workbook) -> None:
    """Marks every text cell of the workbook as a text: openpyxl would otherwise store one
    starting with ``=`` as a formula."""
    for worksheet in workbook.worksheets:
        for line in worksheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
