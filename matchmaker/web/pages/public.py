"""Pages anyone can open: the home page, public product pages with their QR code, language."""

from __future__ import annotations

import segno
from flask import abort, redirect, render_template, request, session
from markupsafe import Markup
from werkzeug.wrappers import Response

from matchmaker.accounts import permissions as can
from matchmaker.catalog import access, services
from matchmaker.catalog.models import Offer
from matchmaker.errors import NotFound
from matchmaker.extensions import db_session, get_settings
from matchmaker.files import photos
from matchmaker.files.store import open_store
from matchmaker.i18n import lang
from matchmaker.web import i18n
from matchmaker.web.pages import blueprint
from matchmaker.web.session import current_user, safe_next

bp = blueprint("public", __name__)
FEATURED = 6


@bp.get("/")
def home() -> str:
    featured = services.list_offers(
        db_session(),
        services.OfferFilters(min_stars=4),
        services.PageRequest(limit=FEATURED, page=1),
    )
    return render_template("home.html", featured=featured.items, total=featured.total)


def _public_offer(offer_id: int) -> Offer:
    """An offer anyone may see: listed ones, or any of the signed-in user's own."""
    offer = services.get_offer(db_session(), offer_id)
    user = current_user()
    if offer.status != "active" and not (user and can.can_read_offer(user, offer)):
        raise NotFound("offer.not_found", offer_id=offer_id)
    return offer


@bp.get("/products/<int:offer_id>")
def product(offer_id: int) -> str:
    offer = _public_offer(offer_id)
    qr = None
    if offer.traceability_url:
        # Inline SVG: prints sharply and needs no image request.
        qr = Markup(
            segno.make(offer.traceability_url, error="m").svg_inline(
                scale=4, dark="#111", title=offer.traceability_url
            )
        )
    pictures = photos.list_photos(open_store(get_settings(), db_session()), offer.id)
    # Its producer, the officers of its province and admins see who changed what.
    user = current_user()
    history = None
    if user is not None and access.may_see_offer_history(user, offer):
        history = access.describe_offer_history(db_session(), user, offer.id, lang())
    return render_template("product.html", offer=offer, qr=qr, photos=pictures, history=history)


@bp.get("/products/<int:offer_id>/photos/<name>")
def photo(offer_id: int, name: str) -> Response:
    offer = _public_offer(offer_id)
    stored = photos.read_photo(open_store(get_settings(), db_session()), offer.id, name)
    if stored is None:
        abort(404)
    # A photo's name is never reused for other content: browsers may keep it a day and then
    # revalidate with its digest.
    response = Response(stored.data, mimetype=stored.content_type)
    response.set_etag(stored.digest)
    response.last_modified = stored.created_at
    # Shared caches may keep a listed product's photos; an unlisted one's stay private.
    if offer.status == "active":
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


@bp.get("/lang/<code>")
def language(code: str) -> Response:
    if code in i18n.LOCALES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), "/"))  # type: ignore[return-value]
