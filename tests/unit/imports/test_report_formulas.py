"""An import's report, made from an uploaded list anyone could have written, has no cell that
a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from openpyxl import load_workbook

from matchmaker.i18n import init_babel, say
from matchmaker.imports.exports import to_csv, to_xlsx
from matchmaker.imports.models import ImportRow

HOSTILE = ('=HYPERLINK("https://evil.example","Xem")', "+84 901", "-1+2", "@SUM(A1)", "\t=1")


@pytest.fixture
def app() -> Iterator[Flask]:
    app = Flask(__name__)
    init_babel(app, "UTC")
    with app.app_context():
        yield app


def _rows() -> list[ImportRow]:
    fields = {"action": "created", "needs_review": False, "category": "food.processed"}
    return [
        ImportRow(row=n + 2, title=text, producer=text, details={}, **fields)
        for n, text in enumerate(HOSTILE)
    ]


def _inert(value: Any) -> bool:
    return not (isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_cell_of_an_import_report_is_a_formula(app: Flask, language: str) -> None:
    def reader(code: str, params: Mapping[str, Any] | None) -> str:
        return say(code, params)

    with force_locale(language):
        text = to_csv(_rows(), reader, language)
        workbook = load_workbook(io.BytesIO(to_xlsx(_rows(), reader, language)))
    cells = [c for line in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in line]
    assert all(_inert(c) for c in cells)
    assert "'" + HOSTILE[0] in cells
    values = []
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", cell.coordinate
                values.append(cell.value)
    assert all(_inert(v) for v in values) and "'" + HOSTILE[0] in values
