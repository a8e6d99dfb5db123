"""An officer's list import as a job: upload (preview or import at once), progress and
report, the preview's rows, a group chosen for a row, the confirmation, the history."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import import_schemas as i
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.extensions import db_session, get_settings
from matchmaker.files.store import open_store
from matchmaker.i18n import say
from matchmaker.imports import jobs
from matchmaker.imports.jobs import revived
from matchmaker.imports.models import ImportJob, ImportRow

TAG = Tag(
    name="imports",
    description="A province's OCOP list imported as a job (officers of the province, admins)",
)
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}
WRITE_ERRORS: Responses = {**ERRORS, 409: s.Problem}
MB = 1024 * 1024
# Room for the multipart envelope around a file of the largest size the import takes.
ENVELOPE_BYTES = 64 * 1024


def _problem(item: dict[str, Any]) -> i.ImportProblem:
    return i.ImportProblem(
        field=item.get("field") or None,
        code=item["code"],
        detail=say(item["code"], revived(item.get("params") or {})),
    )


def _summary(report: dict[str, Any] | None) -> i.ImportSummary | None:
    if report is None:
        return None
    return i.ImportSummary(
        **{name: report.get(name, 0) for name in (
            "rows", "created", "updated", "unchanged", "rejected", "review",
            "producers_created", "producers_notified")},
        warnings=[
            i.ImportWarning(row=w["row"], product=w.get("product"),
                            problems=[_problem(p) for p in w["problems"]])
            for w in report.get("warnings", [])
        ],
        skipped=report.get("skipped", []),
    )  # fmt: skip


def job_out(job: ImportJob) -> i.ImportJobOut:
    failure = None
    if job.error_code:
        detail = say(job.error_code, revived(job.error_params or {}))
        failure = i.ImportFailure(code=job.error_code, detail=detail)
    return i.ImportJobOut(
        id=job.id,
        state=job.state,  # type: ignore[arg-type]
        file_name=job.file_name,
        province=s.ProvinceOut.from_code(job.province),
        imported_by=job.user_name,
        rows_done=job.rows_done,
        rows_total=job.rows_total,
        summary=_summary(job.report),
        failure=failure,
        created_at=job.created_at,
        started_at=job.started_at,
        previewed_at=job.previewed_at,
        finished_at=job.finished_at,
    )


def _value(value: Any) -> i.FieldValue:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value  # type: ignore[no-any-return]


def row_out(row: ImportRow) -> i.ImportRowOut:
    details = revived(row.details)
    return i.ImportRowOut(
        id=row.id,
        row=row.row,
        sheet=row.sheet,
        action=row.action,  # type: ignore[arg-type]
        needs_review=row.needs_review,
        title=row.title,
        producer=row.producer,
        category=row.category,
        chosen=bool(details.get("chosen")),
        changes=[
            i.FieldChange(field=name, old=_value(old), new=_value(new))
            for name, (old, new) in details.get("changes", {}).items()
        ],
        problems=[_problem(p) for p in row.details.get("problems", [])],
        suggestions=[
            i.GroupSuggestion(category=code, probability=p)
            for code, p in details.get("suggestions", [])
        ],
    )


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_imports", __name__, url_prefix="/api/v1/imports", abp_tags=[TAG], signed_in=True
    )

    @api.before_request
    def allow_a_list() -> None:
        if request.method == "POST" and request.endpoint == "api_imports.start_import":
            limit = get_settings().imports.max_file_mb * MB
            request.max_content_length = int(limit) + ENVELOPE_BYTES

    @api.post("", responses={202: i.ImportJobOut, **ERRORS})
    def start_import(form: i.ImportUpload) -> Response:
        """Upload a province's list (officers, in their province; admins). It is previewed
        on the worker (or, with ``preview=false``, imported at once): follow the job with
        ``GET /imports/{id}``. A file that cannot be read at all is refused here (422)."""
        file = form.file
        job = jobs.start_import(
            db_session(), open_store(get_settings(), db_session()), current_user(),
            file_name=file.filename or "", data=file.stream.read(),
            content_type=file.mimetype or "application/octet-stream", sheet=form.sheet,
            preview=form.preview, limits=get_settings().imports,
        )  # fmt: skip
        return json(job_out(job), 202)

    @api.get("", responses={200: i.ImportJobPage, **ERRORS})
    def list_imports(query: i.ImportJobQuery) -> Response:
        """The import history, newest first: who imported which file when, and its summary
        (an officer's province's; every import for an admin)."""
        found, total = jobs.job_history(
            db_session(), current_user(), page=query.page, per_page=query.limit
        )
        return json(i.ImportJobPage(items=[job_out(j) for j in found], total=total,
                                    page=query.page))  # fmt: skip

    @api.get("/<int:import_id>", responses={200: i.ImportJobOut, **ERRORS})
    def get_import(path: i.ImportJobPath) -> Response:
        """The job's state, rows done of total while it runs, and its summary once done."""
        job = jobs.visible_job(db_session(), current_user(), path.import_id)
        return json(job_out(job))

    @api.get("/<int:import_id>/rows", responses={200: i.ImportRowPage, **ERRORS})
    def list_import_rows(path: i.ImportJobPath, query: i.ImportRowQuery) -> Response:
        """Each row's outcome, in the list's order: new, update (old → new), unchanged,
        rejected (why), and rows whose inferred group to review (``action=review``)."""
        user = current_user()
        job = jobs.visible_job(db_session(), user, path.import_id)
        rows, total = jobs.job_rows(
            db_session(), job, page=query.page, per_page=query.limit, action=query.action
        )
        return json(i.ImportRowPage(items=[row_out(r) for r in rows], total=total,
                                    page=query.page))  # fmt: skip

    @api.post(
        "/<int:import_id>/rows/<int:row_id>/group", responses={200: i.ImportRowOut, **WRITE_ERRORS}
    )
    def choose_import_group(path: i.ImportRowPath, body: i.GroupChoice) -> Response:
        """The product sub-group of a row of the preview (one to review, or any other): the
        import takes it. Only while the job waits for the confirmation (409 otherwise)."""
        row = jobs.choose_group(
            db_session(), current_user(), path.import_id, path.row_id, body.category
        )
        return json(row_out(row))

    @api.post("/<int:import_id>/confirm", responses={202: i.ImportJobOut, **WRITE_ERRORS})
    def confirm_import(path: i.ImportJobPath) -> Response:
        """Import the previewed list, with the groups chosen; follow the job as before."""
        job = jobs.confirm_import(db_session(), current_user(), path.import_id)
        return json(job_out(job), 202)

    return api
