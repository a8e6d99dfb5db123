"""Signing up, in and out, changing one's password, and the organization's profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.accounts import services as accounts
from matchmaker.accounts import tokens
from matchmaker.accounts.claims import ClaimRefused
from matchmaker.accounts.models import User
from matchmaker.accounts.throttle import TooManyRequests
from matchmaker.catalog import access
from matchmaker.catalog.inputs import OrganizationChanges
from matchmaker.catalog.validation import read
from matchmaker.errors import Conflict, Invalid, Unauthorized
from matchmaker.extensions import (
    db_session,
    get_settings,
    login_throttle,
    remember_device,
    sign_in_attempt,
)
from matchmaker.i18n import say, say_error
from matchmaker.notifications import preferences
from matchmaker.notifications.account_notices import tell_owner_of_registration_attempt
from matchmaker.web.forms import (
    NotificationForm,
    OrganizationForm,
    PasswordForm,
    SignInForm,
    SignUpForm,
    apply_errors,
)
from matchmaker.web.pages import blueprint
from matchmaker.web.session import (
    HOME_FOR_ROLE,
    current_user,
    role_required,
    safe_next,
    sign_in,
    sign_out,
    signed_in_user,
)

bp = blueprint("account", __name__)


def _home() -> str:
    user = current_user()
    return url_for(HOME_FOR_ROLE[user.role]) if user else url_for("public.home")


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> str | Response:
    form = SignInForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        try:
            sign_in_attempt(email)
            user = tokens.authenticate(db_session(), email, form.password.data or "")
        except Unauthorized:
            form.password.errors = [_("The email or password is wrong.")]
        except TooManyRequests:
            form.password.errors = [_("Too many attempts. Wait a minute, then try again.")]
        else:
            sign_in(user)
            response = redirect(safe_next(request.args.get("next"), _home()))
            remember_device(response, email)
            return response
    return render_template("account/signin.html", form=form)


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response:
    form = SignUpForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:320]  # from an invitation's link
    if form.validate_on_submit():
        try:
            login_throttle().hit(f"ip:{request.remote_addr}")
            user = accounts.register(
                db_session(),
                email=form.email.data or "",
                password=form.password.data or "",
                name=form.person_name.data or "",
                role=form.role.data or "",
                organization=form.organization_data(),
                secret=get_settings().secret_key,
            )
        except Invalid as error:
            apply_errors(form, error, aliases={"name": "person_name"})
        except ClaimRefused as error:
            form.name.errors = [say_error(error)]
        except Conflict:
            # The email has an account: its owner is told, the page names nothing.
            tell_owner_of_registration_attempt(
                db_session(), form.email.data or "", get_settings().notifications
            )
            form.email.errors = [
                _("This email cannot be used to register. If you already have an account, sign in.")
            ]
        except TooManyRequests:
            form.email.errors = [_("Too many attempts. Wait a minute, then try again.")]
        else:
            if not user.is_active:  # a claim on a listed producer, waiting for an officer
                return _claim_waiting(user)
            sign_in(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(safe_next(request.args.get("next"), _home()))
    return render_template("account/signup.html", form=form)


def _claim_waiting(user: User) -> str:
    org = user.organization
    params = {"name": org.name, "province": org.province}
    message = say("account.claim_waiting_approval", params)
    return render_template("account/claim_waiting.html", message=message)


@bp.post("/signout")
def signout() -> Response:
    sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.home"))  # type: ignore[return-value]


@bp.route("/password", methods=["GET", "POST"])
@role_required()
def password() -> str | Response:
    """Change one's own password: every other device is signed out, this one stays in."""
    user = signed_in_user()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            sign_in_attempt(user.email)
            accounts.change_password(
                db_session(), user, form.current_password.data or "", form.new_password.data or ""
            )
        except Invalid as error:
            apply_errors(form, error)
        except TooManyRequests:
            form.current_password.errors = [_("Too many attempts. Wait a minute, then try again.")]
        else:
            sign_in(user)  # a new session here; the others ended with the change
            flash(_("Your password is changed. Other devices were signed out."), "success")
            return redirect(_home())
    return render_template("account/password.html", form=form)


@bp.route("/organization", methods=["GET", "POST"])
@role_required("producer", "buyer")
def organization() -> str | Response:
    user = signed_in_user()
    org = user.organization
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        try:
            changes = read(OrganizationChanges, form.data_for(org.kind))
            access.update_organization(db_session(), user, org.id, changes)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your organization's profile is saved."), "success")
            return redirect(url_for("account.organization"))  # type: ignore[return-value]
    return render_template("account/organization.html", form=form, org=org)


@bp.route("/notifications", methods=["GET", "POST"])
@role_required("producer", "buyer")
def notifications() -> str | Response:
    """The notification engine's preferences, for the signed-in user."""
    user = signed_in_user()
    session = db_session()
    current = preferences.get_preference(session, user.id)
    form = NotificationForm(frequency="never" if current.unsubscribed_at else current.frequency)
    if form.validate_on_submit():
        if form.frequency.data == "never":
            preferences.unsubscribe(session, user.id)
        else:
            preferences.set_frequency(session, user.id, form.frequency.data or "")
        flash(_("Your email preferences are saved."), "success")
        return redirect(url_for("account.notifications"))  # type: ignore[return-value]
    return render_template("account/notifications.html", form=form)
