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

from matchmaker.catalog.history import say_field, say_value, stored
from matchmaker.exports import safe_row, texts_as_texts
from matchmaker.imports.jobs import revived
from matchmaker.imports.models import ImportRow

# A coded message in the reader's language: ``matchmaker.i18n.say`` at the edge.
Say = Callable[[str, Mapping[str, Any] | None], str]
COLUMNS = ("row", "action", "product", "producer", "group", "details")


def action_of(row: ImportRow) -> str:
    return "review" if row.needs_review and row.action != "rejected" else row.action


def describe(row: ImportRow, say: Say, locale: str) -> str:
    """What happens to the row, in words of ``locale`` (the language ``say`` speaks): the
    changes, each field and value named as the offer's history names them, the problems or
    the suggestions."""
    details = revived(row.details)
    parts = []
    for name, (old, new) in details.get("changes", {}).items():
        parts.append(say("import.export.changed", {
            "field": say_field(name, locale),
            "old": say_value(name, stored(old), locale),
            "new": say_value(name, stored(new), locale),
        }))  # fmt: skip
    for problem in details.get("problems", []):
        text = say(problem["code"], problem.get("params") or {})
        field = problem.get("field")
        parts.append(f"{say(f'import.column.{field}', None)}: {text}" if field else text)
    if row.needs_review and details.get("suggestions"):
        parts.append(", ".join(
            say("export.product_group", {"category": code}) for code, _p in details["suggestions"]
        ))  # fmt: skip
    return "; ".join(parts)


def _line(row: ImportRow, say: Say, locale: str) -> list[Any]:
    group = say("export.product_group", {"category": row.category}) if row.category else ""
    return [row.row, say(f"import.action.{action_of(row)}", None), row.title or "",
            row.producer or "", group, describe(row, say, locale)]  # fmt: skip


def to_csv(rows: list[ImportRow], say: Say, locale: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(say(f"import.export.{c}", None) for c in COLUMNS))
    for row in rows:
        writer.writerow(safe_row(_line(row, say, locale)))
    # A BOM, so that Excel opens the Vietnamese names as UTF-8.
    return "\ufeff" + buffer.getvalue()


def to_xlsx(rows: list[ImportRow], say: Say, locale: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = say("import.export.sheet", None)[:31]
    sheet.append(safe_row(say(f"import.export.{c}", None) for c in COLUMNS))
    for row in rows:
        sheet.append(safe_row(_line(row, say, locale)))
    texts_as_texts(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
