"""The officer's pages: the dashboard, importing a province's OCOP list, accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.accounts import people
from matchmaker.accounts import permissions as can
from matchmaker.errors import Invalid
from matchmaker.extensions import db_session, get_settings
from matchmaker.files.store import FileStore, open_store
from matchmaker.i18n import lang, say, say_error
from matchmaker.imports import exports, jobs
from matchmaker.imports.exports import action_of, describe
from matchmaker.imports.jobs import revived
from matchmaker.ranking import reference
from matchmaker.reports import dashboard as build_dashboard
from matchmaker.web.forms import ChooseGroupForm, ConfirmImportForm, ImportForm, UserStateForm
from matchmaker.web.i18n import category_name
from matchmaker.web.pages import blueprint
from matchmaker.web.pages.officer_reports import period_context
from matchmaker.web.session import role_required, signed_in_user

bp = blueprint("officer", __name__, url_prefix="/officer")
STAFF = ("officer", "admin")


def _scope() -> str | None:
    user = signed_in_user()
    return None if can.is_admin(user) else can.officer_scope(user)


@bp.get("/")
@role_required(*STAFF)
def dashboard() -> str:
    figures = build_dashboard(db_session(), _scope())
    return render_template("officer/dashboard.html", figures=figures, **period_context())


def _store() -> FileStore:
    return open_store(get_settings(), db_session())


@bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_list() -> str | Response | tuple[str, int]:
    form = ImportForm()
    if form.validate_on_submit() and form.spreadsheet.data:
        file = form.spreadsheet.data
        try:
            job = jobs.start_import(
                db_session(), _store(), signed_in_user(), file_name=file.filename or "",
                data=file.stream.read(), content_type=file.mimetype or "application/octet-stream",
                limits=get_settings().imports,
            )  # fmt: skip
        except Invalid as error:  # the file cannot be read at all: said here, at once
            form.spreadsheet.errors = [say_error(error)]
            return render_template("officer/import.html", form=form), 422
        return redirect(url_for("officer.import_job", job_id=job.id))
    if form.is_submitted() and not form.spreadsheet.errors:
        form.spreadsheet.errors = [_("Choose the file to import.")]
    return render_template("officer/import.html", form=form)


@bp.get("/imports")
@role_required(*STAFF)
def import_history() -> str:
    found = jobs.list_jobs(db_session(), signed_in_user())
    return render_template("officer/imports.html", jobs=found, say=say)


@bp.get("/imports/<int:job_id>")
@role_required(*STAFF)
def import_job(job_id: int) -> str:
    job = jobs.visible_job(db_session(), signed_in_user(), job_id)
    show = request.args.get("show") or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = jobs.job_rows(db_session(), job, page=page, action=show)
    return render_template(
        "officer/import_job.html", job=job, rows=rows, total=total, page=page, show=show,
        pages=max((total + jobs.ROWS_PER_PAGE - 1) // jobs.ROWS_PER_PAGE, 1),
        error=say(job.error_code, revived(job.error_params or {})) if job.error_code else None,
        choose=ChooseGroupForm(), confirm=ConfirmImportForm(),
        action_of=action_of, describe=lambda row: describe(row, say, lang()),
        category_choices=_subgroups(), say=say,
    )  # fmt: skip


def _subgroups() -> list[tuple[str, str]]:
    return sorted(
        ((c.code, category_name(c.code)) for c in reference.categories() if not c.is_group),
        key=lambda pair: pair[1],
    )


@bp.post("/imports/<int:job_id>/rows/<int:row_id>")
@role_required(*STAFF)
def choose_group(job_id: int, row_id: int) -> Response:
    form = ChooseGroupForm()
    if not form.validate_on_submit():
        abort(400)
    item = jobs.choose_group(
        db_session(), signed_in_user(), job_id, row_id, form.category.data or ""
    )
    flash(_("Row %(row)s will be imported in the group you chose.", row=item.row), "success")
    back = url_for("officer.import_job", job_id=job_id, page=request.args.get("page"),
                   show=request.args.get("show"))  # fmt: skip
    return redirect(f"{back}#row-{row_id}")  # type: ignore[return-value]


@bp.post("/imports/<int:job_id>/confirm")
@role_required(*STAFF)
def confirm_import(job_id: int) -> Response:
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    jobs.confirm_import(db_session(), signed_in_user(), job_id)
    return redirect(url_for("officer.import_job", job_id=job_id))  # type: ignore[return-value]


@bp.get("/imports/<int:job_id>/report.<any(csv, xlsx):kind>")
@role_required(*STAFF)
def import_report(job_id: int, kind: str) -> Response:
    job = jobs.visible_job(db_session(), signed_in_user(), job_id)
    rows = jobs.all_rows(db_session(), job)
    name = f"import-{job.id}.{kind}"
    if kind == "csv":
        body: str | bytes = exports.to_csv(rows, say, lang())
        mimetype = "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(rows, say, lang())
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/users")
@role_required(*STAFF)
def users() -> str:
    q = (request.args.get("q") or "").strip()[:100]
    found = people.list_users(
        db_session(), signed_in_user(), q=q, page=request.args.get("page", 1, type=int)
    )
    return render_template("officer/users.html", found=found, q=q, form=UserStateForm())


@bp.post("/users/<int:user_id>/active")
@role_required(*STAFF)
def set_active(user_id: int) -> Response:
    form = UserStateForm()
    if not form.validate_on_submit():
        abort(400)
    person = people.set_active(db_session(), signed_in_user(), user_id, form.active.data == "1")
    message = (
        _("%(name)s can sign in again.", name=person.name)
        if person.is_active
        else _("%(name)s is suspended and cannot sign in.", name=person.name)
    )
    flash(message, "success")
    return redirect(url_for("officer.users"))  # type: ignore[return-value]
