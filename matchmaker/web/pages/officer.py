"""The officer's pages: the dashboard, importing a province's OCOP list, accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.accounts import people
from matchmaker.accounts import permissions as can
from matchmaker.catalog.importer import ImportReport, UnreadableFile, import_offers
from matchmaker.db import utcnow
from matchmaker.extensions import db_session, get_database, get_settings
from matchmaker.files import uploads
from matchmaker.files.store import FileStore, open_store
from matchmaker.i18n import say_error
from matchmaker.reports import dashboard as build_dashboard
from matchmaker.web.forms import ConfirmImportForm, ImportForm, UserStateForm
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


def _run(upload: uploads.Upload, *, dry_run: bool) -> ImportReport:
    province = _scope()
    # The import writes in batches through sessions of its own: the page's session lets go
    # of the database first (on SQLite it would hold the write lock).
    db_session().commit()
    with uploads.local_copy(upload) as path:
        return import_offers(
            get_database().sessions, path, default_province=province, dry_run=dry_run
        )


@bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_list() -> str:
    form = ImportForm()
    if form.validate_on_submit() and form.spreadsheet.data:
        file = form.spreadsheet.data
        store = _store()
        uploads.forget_old_uploads(store, now=utcnow())
        # Kept where every web process sees it: the confirmation may reach another one.
        upload = uploads.keep_upload(
            store,
            file.filename or "",
            file.stream.read(),
            file.mimetype or "application/octet-stream",
        )
        try:
            report = _run(upload, dry_run=True)
        except UnreadableFile as error:
            uploads.forget_upload(_store(), upload.token)
            db_session().commit()
            form.spreadsheet.errors = [
                _("Nothing can be imported from this file: %(reason)s", reason=say_error(error))
            ]
        else:
            session["imports"] = [*session.get("imports", [])[-4:], upload.token]
            return render_template(
                "officer/import_preview.html",
                report=report,
                confirm=ConfirmImportForm(upload=upload.token),
            )
    elif form.is_submitted() and not form.spreadsheet.errors:
        form.spreadsheet.errors = [_("Choose the file to import.")]
    return render_template("officer/import.html", form=form)


@bp.post("/import/confirm")
@role_required(*STAFF)
def confirm_import() -> str | Response:
    form = ConfirmImportForm()
    token = form.upload.data or ""
    # Only the officer who uploaded the file may confirm it.
    mine = form.validate_on_submit() and token in session.get("imports", [])
    upload = uploads.find_upload(_store(), token) if mine else None
    if upload is None:
        flash(_("That preview has expired. Choose the file again."), "error")
        return redirect(url_for("officer.import_list"))  # type: ignore[return-value]
    try:
        report = _run(upload, dry_run=False)
    except UnreadableFile as error:
        reason = say_error(error)
        flash(_("Nothing can be imported from this file: %(reason)s", reason=reason), "error")
        return redirect(url_for("officer.import_list"))  # type: ignore[return-value]
    finally:
        uploads.forget_upload(_store(), token)
        db_session().commit()
        session["imports"] = [t for t in session.get("imports", []) if t != token]
    return render_template("officer/import_report.html", report=report)


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
