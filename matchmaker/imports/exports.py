"""An import's report as a spreadsheet (CSV or XLSX) in the reader's language, for audits.
Titles and names come from the uploaded list: no cell is ever a formula (:mod:`exports`).

As the event reports do, the rows hold codes and the edge's ``say`` names them: each row's
outcome, what changed (old → new), why it was refused, the groups suggested for a row to review.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from typing import Any

from openpyxl import Workbook

from matchmaker.catalog.importer import OFFER_COLUMNS
from matchmaker.exports import safe_row, texts_as_texts
from matchmaker.imports.jobs import revived
from matchmaker.imports.models import ImportRow

# A coded message in the reader's language: ``matchmaker.i18n.say`` at the edge.
Say = Callable[[str, Mapping[str, Any] | None], str]
COLUMNS = ("row", "action", "product", "producer", "group", "details")


def action_of(row: ImportRow) -> str:
    return "review" if row.needs_review and row.action != "rejected" else row.action


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe(row: ImportRow, say: Say) -> str:
    """What happens to the row, in words: the changes, the problems or the suggestions."""
    details = revived(row.details)
    parts = []
    for name, (old, new) in details.get("changes", {}).items():
        column = say(f"import.column.{OFFER_COLUMNS.get(name, name)}", None)
        parts.append(say("import.export.changed",
                         {"field": column, "old": _value(old), "new": _value(new)}))  # fmt: skip
    for problem in details.get("problems", []):
        text = say(problem["code"], problem.get("params") or {})
        field = problem.get("field")
        parts.append(f"{say(f'import.column.{field}', None)}: {text}" if field else text)
    if row.needs_review and details.get("suggestions"):
        parts.append(", ".join(
            say("export.product_group", {"category": code}) for code, _p in details["suggestions"]
        ))  # fmt: skip
    return "; ".join(parts)


def _line(row: ImportRow, say: Say) -> list[Any]:
    group = say("export.product_group", {"category": row.category}) if row.category else ""
    return [row.row, say(f"import.action.{action_of(row)}", None), row.title or "",
            row.producer or "", group, describe(row, say)]  # fmt: skip


def to_csv(rows: list[ImportRow], say: Say) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(say(f"import.export.{c}", None) for c in COLUMNS))
    for row in rows:
        writer.writerow(safe_row(_line(row, say)))
    # A BOM, so that Excel opens the Vietnamese names as UTF-8.
    return "\ufeff" + buffer.getvalue()


def to_xlsx(rows: list[ImportRow], say: Say) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = say("import.export.sheet", None)[:31]
    sheet.append(safe_row(say(f"import.export.{c}", None) for c in COLUMNS))
    for row in rows:
        sheet.append(safe_row(_line(row, say)))
    texts_as_texts(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
