"""The ``matchmaker`` command line: database, demo data, users, import, serve, workers.

Commands import what they need when they run, and the app is built only for a command that
needs it (:mod:`matchmaker.cli_context`), so that ``matchmaker --help`` answers at once.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from matchmaker.cli_context import explain, load_app, with_appcontext
from matchmaker.jobs.commands import COMMANDS as WORKER_COMMANDS
from matchmaker.ranking.cli import make_ranking_cli

if TYPE_CHECKING:
    from matchmaker.imports.models import ImportJob, ImportRow


@click.group("db", help="Database schema.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (builds the schema from empty)."""
    from matchmaker.extensions import get_database, get_settings
    from matchmaker.migrations import upgrade

    engine = get_database().engine
    settings = get_settings()
    directory = settings.files_directory if settings.storage.backend == "directory" else None
    upgrade(engine, revision, files_directory=directory)
    click.echo(f"Database at {engine.url.render_as_string(hide_password=True)} is at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ('base' empties the database)."""
    from matchmaker.extensions import get_database
    from matchmaker.migrations import downgrade

    downgrade(get_database().engine, revision)
    click.echo(f"Downgraded to {revision}.")


@click.group("demo", help="Demonstration data.")
def demo_group() -> None:
    pass


@demo_group.command("load")
@click.option("--seed", default=2025, show_default=True, help="Same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when offers already exist.")
@with_appcontext
def demo_load(seed: int, if_empty: bool) -> None:
    """Load reproducible demo producers, buyers, offers, requirements and users."""
    from matchmaker.catalog.demo import DEMO_PASSWORD, load_demo
    from matchmaker.extensions import get_database

    with get_database().sessions() as session:
        report = load_demo(session, seed=seed, if_empty=if_empty)
    if report is None:
        click.echo("Demo data already present; nothing loaded.")
        return
    click.echo(
        f"Loaded {report.organizations} organizations, {report.offers} offers, "
        f"{report.requirements} requirements and {report.users} users."
    )
    click.echo(f"Demo sign-ins (password {DEMO_PASSWORD!r}):")
    for role, email in report.logins.items():
        click.echo(f"  {role:<9} {email}")


@click.group("users", help="User accounts.")
def users_group() -> None:
    pass


# A new password: from the option or the environment, else asked for twice (_new_password).
_password_option = click.option(
    "--password",
    envvar="MATCHMAKER_NEW_USER_PASSWORD",
    default=None,
    help="Read from MATCHMAKER_NEW_USER_PASSWORD or asked for when not given.",
)


@users_group.command("create")
@click.option("--role", type=click.Choice(["officer", "admin"]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--agency", default="Sở Công Thương", show_default=True, help="Agency name.")
@click.option("--province", default=None, help="The agency's province (officers' scope).")
@_password_option
@with_appcontext
def users_create(
    role: str, email: str, name: str, agency: str, province: str | None, password: str | None
) -> None:
    """Create an officer or admin account (these never self-register)."""
    from matchmaker.accounts.services import create_staff_user
    from matchmaker.extensions import get_database

    password = _new_password(password)
    with get_database().sessions() as session:
        user = create_staff_user(
            session,
            role=role,
            email=email,
            name=name,
            password=password,
            agency_name=agency,
            province=province,
        )
    click.echo(f"Created {role} {user.email} (id {user.id}).")


def _new_password(password: str | None) -> str:
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat: "):
            raise click.ClickException("The passwords differ.")
    return password


@users_group.command("set-password")
@click.option("--email", required=True)
@_password_option
@with_appcontext
def users_set_password(email: str, password: str | None) -> None:
    """Give any account a new password (a user who forgot theirs); it signs them out
    everywhere."""
    from matchmaker.accounts.services import reset_password
    from matchmaker.extensions import get_database

    new = _new_password(password)
    with get_database().sessions() as session:
        user, revoked = reset_password(session, email, new)
        click.echo(
            f"New password for {user.email}; signed out everywhere "
            f"({revoked} API token(s) revoked, page sessions ended)."
        )


@users_group.command("sign-out")
@click.option("--email", required=True)
@with_appcontext
def users_sign_out(email: str) -> None:
    """Sign an account out everywhere (a lost phone, a leaked token): every API token is
    revoked and every page session ended; the password stays."""
    from matchmaker.accounts.services import sign_out_account
    from matchmaker.extensions import get_database

    with get_database().sessions() as session:
        user, revoked = sign_out_account(session, email)
        click.echo(
            f"Signed {user.email} out everywhere ({revoked} API token(s) revoked, "
            "page sessions ended)."
        )


@click.group("files", help="Photos and uploaded lists in the file store.")
def files_group() -> None:
    pass


@files_group.command("move-local")
@with_appcontext
def move_local() -> None:
    """Moves the photos kept in this machine's instance folder into the store, so that every
    web process serves them."""
    from matchmaker.db import unit_of_work
    from matchmaker.extensions import get_database, get_settings
    from matchmaker.files import photos
    from matchmaker.files.store import open_store

    settings = get_settings()
    with unit_of_work(get_database().sessions) as session:
        copied, skipped = photos.copy_local_photos(
            open_store(settings, session), settings.instance_path, settings.storage
        )
    for path in copied:  # only once the store has them for good
        path.unlink()
    click.echo(f"{len(copied)} photo(s) moved into the store; left (not images): {len(skipped)}.")


@click.group("import", help="Import OCOP lists.")
def import_group() -> None:
    pass


@import_group.command("offers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--province", default=None, help="Province for rows that name none.")
@click.option("--sheet", default=None, help="XLSX sheet name (default: the first).")
@click.option("--dry-run", is_flag=True, help="Check and report; store nothing.")
@click.option(
    "--as",
    "actor",
    default=None,
    metavar="EMAIL",
    help="Import as this officer (only their province's rows) or admin; the offers' history "
    "names them. Default: the operator, for any province.",
)
@with_appcontext
def import_offers_command(
    file: Path, province: str | None, sheet: str | None, dry_run: bool, actor: str | None
) -> None:
    """Create or update producers and offers from a province's OCOP list (CSV or XLSX).

    The import is a job as the officer's page starts one (kept in the import history), run
    here in this process rather than on the worker."""
    from matchmaker.accounts.services import find_user
    from matchmaker.errors import DomainError, Invalid
    from matchmaker.extensions import get_database, get_settings
    from matchmaker.files.store import open_store
    from matchmaker.imports.jobs import all_rows, run_job, start_import

    settings, sessions = get_settings(), get_database().sessions
    with sessions() as session:
        try:
            user = find_user(session, actor) if actor is not None else None
            job = start_import(
                session, open_store(settings, session), user, file_name=file.name,
                data=file.read_bytes(), province=province, sheet=sheet, preview=dry_run,
                queue=False, limits=settings.imports,
            )  # fmt: skip
        except DomainError as exc:
            raise click.ClickException(f"Nothing was imported: {explain(exc)}") from None
        job_id = job.id
    with click.progressbar(length=0, label="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        finished = run_job(
            sessions,
            lambda session: open_store(settings, session),
            job_id,
            on_progress=progress,
            limits=settings.imports,
        )
    assert finished is not None
    if finished.state == "failed":
        error = Invalid(finished.error_code or "import.failed", **(finished.error_params or {}))
        raise click.ClickException(f"Nothing was imported: {explain(error)}")
    with sessions() as session:
        click.echo(render_report(finished, all_rows(session, finished)))
    if finished.report and finished.report["rejected"]:
        sys.exit(1)


def render_report(job: ImportJob, rows: list[ImportRow]) -> str:
    """An import's report as the command line prints it (in English)."""
    from flask_babel import force_locale

    from matchmaker.i18n import say
    from matchmaker.imports.exports import action_of, describe

    report = job.report or {}
    lines = [
        f"Import of {job.file_name} (job {job.id})"
        + (" (dry run: nothing stored)" if report.get("dry_run") else ""),
        f"  rows read:         {report.get('rows', 0)}",
        f"  imported (new):    {report.get('created', 0)}",
        f"  updated:           {report.get('updated', 0)}",
        f"  unchanged:         {report.get('unchanged', 0)}",
        f"  rejected:          {report.get('rejected', 0)}",
        f"  to review:         {report.get('review', 0)}",
        f"  new producers:     {report.get('producers_created', 0)}",
        f"  producers emailed: {report.get('producers_notified', 0)}",
    ]
    if report.get("encoding"):
        lines.insert(1, f"  encoding:          {report['encoding']}")
    with force_locale("en"):
        for title, wanted in (("Rejected rows", "rejected"), ("Rows to review", "review")):
            chosen = [r for r in rows if action_of(r) == wanted]
            if chosen:
                lines.append(f"{title}:")
                lines += [
                    f"  row {r.row}: {describe(r, say, 'en')}"
                    + (f"  [{r.title}]" if r.title else "")
                    for r in chosen
                ]
        if report.get("skipped"):
            lines.append("Skipped rows (empty): " + ", ".join(map(str, report["skipped"])))
        if report.get("warnings"):
            lines.append("Warnings:")
            lines += [
                f"  row {w['row']}: {_warning(w, say)}"
                + (f"  [{w['product']}]" if w.get("product") else "")
                for w in report["warnings"]
            ]
    return "\n".join(lines)


def _warning(warning: dict[str, Any], say: Any) -> str:
    from matchmaker.imports.jobs import revived

    return "; ".join(
        (f"{say('import.column.' + p['field'])}: " if p.get("field") else "")
        + say(p["code"], revived(p.get("params") or {}))
        for p in warning["problems"]
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option(
    "--worker/--no-worker",
    default=None,
    help="Start a worker beside the web app (default: settings.worker.embedded).",
)
def serve(host: str, port: int, worker: bool | None) -> None:
    """Serve the web app and API, with a worker beside it (for production see the README)."""
    from matchmaker.settings import Settings

    configured = Settings()
    served = configured.served_at(host, port)
    if served is not configured:
        # Read by the app about to be built and by the embedded worker that writes the emails.
        os.environ["MATCHMAKER_BASE_URL"] = served.base_url
    click.get_current_context().invoke(_serve, host=host, port=port, worker=worker)


@with_appcontext
def _serve(host: str, port: int, worker: bool | None) -> None:
    import signal

    from flask import current_app
    from werkzeug.serving import run_simple

    from matchmaker.extensions import get_settings
    from matchmaker.jobs.commands import start_worker_process

    settings = get_settings()
    process = None
    if settings.worker.embedded if worker is None else worker:
        # Threads: one small process for the whole embedded worker, beat included.
        process = start_worker_process("--beat", "--pool", "threads")
        click.echo(f"Worker started (pid {process.pid}) on {settings.effective_broker_url}")
    click.echo(f"OCOP Matchmaker on http://{host}:{port} ({settings.environment})")
    # A process manager's SIGTERM stops the embedded worker too, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)


def _database_feedback() -> list:  # type: ignore[type-arg]
    from matchmaker.db import unit_of_work
    from matchmaker.extensions import get_database
    from matchmaker.matching.feedback import feedback_examples

    with unit_of_work(get_database(load_app()).sessions) as session:
        return list(feedback_examples(session))


def _models_dir() -> Path:
    from matchmaker.settings import Settings

    return Settings().effective_models_path


def _generate_samples(*args: Any, **kwargs: Any) -> Any:
    from matchmaker.samples import generate

    return generate(*args, **kwargs)


matchmaker = click.Group(
    "matchmaker",
    help="OCOP Matchmaker: supply and demand matchmaking for Vietnam's OCOP programme.",
    commands=[
        db_group,
        demo_group,
        users_group,
        import_group,
        files_group,
        serve,
        *WORKER_COMMANDS,
        make_ranking_cli(_database_feedback, _models_dir, _generate_samples),
    ],
)


def main() -> None:
    matchmaker.main(prog_name="matchmaker")


if __name__ == "__main__":  # how ``serve`` and ``worker`` start their companion processes
    main()
