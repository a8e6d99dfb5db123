"""Request and response shapes of the imports API (v1), also its OpenAPI schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from flask_openapi3 import FileStorage
from pydantic import AfterValidator, ConfigDict, Field
from werkzeug.datastructures import FileStorage as UploadedFile

from matchmaker.api.schemas import Id, ProvinceOut, Schema

JobState = Literal["queued", "previewing", "previewed", "importing", "done", "failed"]
RowAction = Literal["new", "update", "unchanged", "rejected"]
# A value of an offer's field as the preview shows it: dates as ISO dates, lists of codes.
FieldValue = str | int | float | bool | list[str] | None


def _a_file(value: Any) -> Any:
    if not isinstance(value, UploadedFile):
        raise ValueError("must be a file (multipart/form-data)")
    return value


class ImportUpload(Schema):
    """A province's OCOP list to import, sent as ``multipart/form-data``."""

    file: Annotated[FileStorage, AfterValidator(_a_file)] = Field(
        description="The list as the province publishes it: XLSX or CSV."
    )
    preview: bool = Field(
        True,
        description="true (default): preview every row and wait for the confirmation; "
        "false: import at once.",
    )
    sheet: str | None = Field(
        None, max_length=100, description="Only this sheet of a workbook (default: every sheet)."
    )


class ImportProblem(Schema):
    """A coded problem of a row, in the reader's language; ``field`` names its column."""

    field: str | None = None
    code: str
    detail: str


class ImportWarning(Schema):
    row: int
    product: str | None = None
    problems: list[ImportProblem]


class ImportSummary(Schema):
    """What the last run found (a preview) or did (an import)."""

    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    review: int = Field(description="Rows whose inferred product group the officer should check.")
    producers_created: int
    producers_notified: int
    warnings: list[ImportWarning]
    skipped: list[int] = Field(description="Rows that are not products (titles, totals).")


class ImportFailure(Schema):
    """Why a job failed: nothing of the file was imported."""

    code: str
    detail: str


class ImportJobOut(Schema):
    id: int
    state: JobState = Field(
        description="queued → previewing → previewed (waiting for the confirmation) → "
        "importing → done; or failed."
    )
    file_name: str
    province: ProvinceOut | None = Field(
        None, description="The officer's province; none for an admin's import."
    )
    imported_by: str
    rows_done: int
    rows_total: int
    summary: ImportSummary | None = None
    failure: ImportFailure | None = None
    created_at: datetime
    started_at: datetime | None = None
    previewed_at: datetime | None = None
    finished_at: datetime | None = None


class ImportJobPage(Schema):
    items: list[ImportJobOut]
    total: int
    page: int


class ImportJobQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=200, description="Items per page (1-200).")
    page: int = Field(1, ge=1, le=100_000, description="Page number.")


class ImportJobPath(Schema):
    import_id: Id


class ImportRowPath(Schema):
    import_id: Id
    row_id: Id


class ImportRowQuery(ImportJobQuery):
    action: RowAction | Literal["review"] | None = Field(
        None, description="Only rows with this outcome; review: rows whose group to check."
    )


class FieldChange(Schema):
    field: str
    old: FieldValue = None
    new: FieldValue = None


class GroupSuggestion(Schema):
    category: str
    probability: float


class ImportRowOut(Schema):
    """What a row of the list will do (after a preview) or did (after the import)."""

    id: int
    row: int = Field(description="The row's number in the spreadsheet.")
    sheet: str | None = None
    action: RowAction
    needs_review: bool
    title: str | None = None
    producer: str | None = None
    category: str | None = None
    chosen: bool = Field(description="Whether the officer chose the row's product group.")
    changes: list[FieldChange] = Field(description="For an update: old → new of each field.")
    problems: list[ImportProblem] = Field(description="Why the row is refused, or warnings.")
    suggestions: list[GroupSuggestion] = Field(
        description="The likeliest product sub-groups, best first, when the group was inferred."
    )


class ImportRowPage(Schema):
    items: list[ImportRowOut]
    total: int
    page: int


class GroupChoice(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(
        min_length=1, max_length=60, description="A sub-group code (see /reference/categories)."
    )
