"""The producer's pages: products, and the buyers whose requirements fit each one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from matchmaker.catalog import access
from matchmaker.catalog.inputs import OfferChanges, OfferInput
from matchmaker.catalog.models import OFFER_STATUSES, Offer
from matchmaker.catalog.services import OfferFilters, PageRequest
from matchmaker.catalog.validation import read
from matchmaker.errors import Invalid, StaleVersion
from matchmaker.extensions import db_session, get_ranking, get_settings
from matchmaker.files import photos
from matchmaker.files.store import FileStore, open_store
from matchmaker.i18n import lang, say_fields
from matchmaker.matching import access as matching
from matchmaker.web.forms import FeedbackForm, OfferForm, apply_errors
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required, signed_in_user

bp = blueprint("producer", __name__, url_prefix="/producer")
MATCH_LIMIT = 10


@bp.get("/")
@role_required("producer")
def dashboard() -> str:
    user = signed_in_user()
    page = access.list_offers(
        db_session(),
        user,
        OfferFilters(status=OFFER_STATUSES, organization_id=user.organization_id),
        PageRequest(limit=200, page=1),
    )
    return render_template("producer/dashboard.html", offers=page.items, total=page.total)


def _store() -> FileStore:
    return open_store(get_settings(), db_session())


def _save_photos(form: OfferForm, offer: Offer) -> None:
    """Keeps the uploaded photos with the offer's unit of work; a refusal is shown on the
    photos field in the reader's language (and raised, so that nothing is kept)."""
    uploads = [u.stream.read() for u in request.files.getlist("photos") if u.filename]
    try:
        photos.add_photos(_store(), offer.id, uploads, get_settings().storage)
    except Invalid as error:
        form.photos.errors = [*form.photos.errors, *say_fields(error.errors).values()]
        raise Invalid(error.code, **error.params) from error


@bp.route("/products/new", methods=["GET", "POST"])
@role_required("producer")
def new_product() -> str | Response:
    user = signed_in_user()
    form = OfferForm()
    if request.method == "GET" and user.organization.province:
        form.province.data = user.organization.province
    if form.validate_on_submit():
        try:
            offer = access.create_offer(
                db_session(),
                user,
                read(OfferInput, form.offer_data()),
                save_photos=lambda o: _save_photos(form, o),
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your product is listed. Here are the buyers it fits."), "success")
            return redirect(url_for("producer.product", offer_id=offer.id))  # type: ignore[return-value]
    return render_template("producer/offer_form.html", form=form, offer=None)


@bp.get("/products/<int:offer_id>")
@role_required("producer")
def product(offer_id: int) -> str:
    user = signed_in_user()
    session = db_session()
    offer = access.read_offer(session, user, offer_id)
    # Ranking records the suggestions shown, so that feedback can refer to them.
    ranked = matching.requirements_for_offer(session, get_ranking(), user, offer_id, MATCH_LIMIT)
    return render_template(
        "producer/product.html",
        offer=offer,
        ranked=ranked,
        photos=photos.list_photos(_store(), offer.id),
        feedback=FeedbackForm(),
        history=access.describe_offer_history(session, user, offer_id, lang()),
    )


@bp.route("/products/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required("producer")
def edit_product(offer_id: int) -> str | Response:
    user = signed_in_user()
    session = db_session()
    offer = access.read_offer(session, user, offer_id)
    form = OfferForm(obj=offer)
    if offer.status == "archived":
        # An archived product can be listed again, or stay archived.
        form.status.choices = [*form.status.choices, SelectChoice("archived", _("Archived"))]
    if request.method == "GET":
        form.ocop_stars.data = str(offer.ocop_stars or "")
    version = request.form.get("version", type=int)
    if form.validate_on_submit():
        try:
            access.update_offer(
                session, user, offer_id,
                read(OfferChanges, form.offer_data()), version,
                save_photos=lambda o: _save_photos(form, o),
            )  # fmt: skip
        except Invalid as error:
            apply_errors(form, error)
        except StaleVersion:
            flash(_("Someone else changed this product meanwhile. Check the values below and "
                    "save again."), "error")  # fmt: skip
            return redirect(url_for("producer.edit_product", offer_id=offer_id))  # type: ignore[return-value]
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("producer.product", offer_id=offer_id))  # type: ignore[return-value]
    return render_template(
        "producer/offer_form.html",
        form=form,
        offer=offer,
        photos=photos.list_photos(_store(), offer.id),
    )


@bp.post("/products/<int:offer_id>/photos/<name>/delete")
@role_required("producer")
def delete_photo(offer_id: int, name: str) -> Response:
    access.remove_offer_photo(
        db_session(),
        signed_in_user(),
        offer_id,
        lambda o: photos.remove_photo(_store(), o.id, name),
    )
    flash(_("The photo is removed."), "success")
    return redirect(url_for("producer.edit_product", offer_id=offer_id))  # type: ignore[return-value]


@bp.post("/products/<int:offer_id>/archive")
@role_required("producer")
def archive_product(offer_id: int) -> Response:
    access.archive_offer(db_session(), signed_in_user(), offer_id, None)
    flash(_("The product is archived: buyers no longer see it."), "success")
    return redirect(url_for("producer.dashboard"))  # type: ignore[return-value]
