"""The buyer's pages: requirements, ranked and pooled suppliers, search, the saved shortlist."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from matchmaker import reference
from matchmaker.accounts.models import User
from matchmaker.catalog import access
from matchmaker.catalog import shortlist as shortlists
from matchmaker.catalog.models import REQUIREMENT_STATUSES
from matchmaker.catalog.services import PageRequest, RequirementFilters
from matchmaker.errors import Invalid, NotFound, StaleVersion
from matchmaker.extensions import db_session, get_ranking
from matchmaker.matching import access as matching
from matchmaker.matching.search import FacetCount, SearchFilters, search_offers
from matchmaker.web.forms import FeedbackForm, RequirementForm, ShortlistForm, apply_errors
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required, safe_next, signed_in_user

bp = blueprint("buyer", __name__, url_prefix="/buyer")
MATCH_LIMIT = 10
POOL_LIMIT = 3
SEARCH_PAGE = 20
# Where an earlier version kept the shortlist: moved to the database on the next visit.
COOKIE_SHORTLIST = "shortlist"


@bp.get("/")
@role_required("buyer")
def dashboard() -> str:
    user = signed_in_user()
    page = access.list_requirements(
        db_session(),
        user,
        RequirementFilters(status=REQUIREMENT_STATUSES),
        PageRequest(limit=200, page=1),
    )
    return render_template("buyer/dashboard.html", requirements=page.items)


@bp.route("/requirements/new", methods=["GET", "POST"])
@role_required("buyer")
def new_requirement() -> str | Response:
    form = RequirementForm()
    if form.validate_on_submit():
        db = db_session()
        try:
            requirement = access.create_requirement(db, signed_in_user(), form.requirement_data())
        except Invalid as error:
            db.rollback()
            apply_errors(form, error)
        else:
            db.commit()
            flash(_("Your requirement is posted. These suppliers fit best."), "success")
            return redirect(url_for("buyer.requirement", requirement_id=requirement.id))  # type: ignore[return-value]
    return render_template("buyer/requirement_form.html", form=form, requirement=None)


@bp.get("/requirements/<int:requirement_id>")
@role_required("buyer")
def requirement(requirement_id: int) -> str:
    user = signed_in_user()
    db = db_session()
    found = access.read_requirement(db, user, requirement_id)
    ranked = matching.offers_for_requirement(db, get_ranking(), user, requirement_id, MATCH_LIMIT)
    pools = matching.pools_for_requirement(db, get_ranking(), user, requirement_id, POOL_LIMIT)
    db.commit()  # the suggestions shown are recorded, so feedback can refer to them
    return render_template(
        "buyer/requirement.html",
        requirement=found,
        ranked=ranked,
        pools=pools,
        feedback=FeedbackForm(),
    )


@bp.route("/requirements/<int:requirement_id>/edit", methods=["GET", "POST"])
@role_required("buyer")
def edit_requirement(requirement_id: int) -> str | Response:
    user = signed_in_user()
    db = db_session()
    found = access.read_requirement(db, user, requirement_id)
    form = RequirementForm(obj=found)
    if request.method == "GET":
        form.min_ocop_stars.data = str(found.min_ocop_stars or "")
    if form.validate_on_submit():
        try:
            access.update_requirement(
                db, user, requirement_id, form.requirement_data(),
                request.form.get("version", type=int),
            )  # fmt: skip
        except Invalid as error:
            db.rollback()
            apply_errors(form, error)
        except StaleVersion:
            db.rollback()
            flash(_("Someone else changed this requirement meanwhile. Check the values below "
                    "and save again."), "error")  # fmt: skip
            return redirect(url_for("buyer.edit_requirement", requirement_id=requirement_id))  # type: ignore[return-value]
        else:
            db.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("buyer.requirement", requirement_id=requirement_id))  # type: ignore[return-value]
    return render_template("buyer/requirement_form.html", form=form, requirement=found)


def _search_filters() -> SearchFilters:
    def code(name: str, known: set[str]) -> str | None:
        value = request.args.get(name) or None
        return value if value in known else None

    stars = request.args.get("min_stars", type=int)
    return SearchFilters(
        q=(request.args.get("q") or "").strip()[:200] or None,
        category=code("category", {c.code for c in reference.categories()}),
        province=code("province", {p.code for p in reference.provinces()}),
        min_stars=stars if stars in (3, 4, 5) else None,
        certification=code("certification", {c.code for c in reference.certifications()}),
    )


def _at_least(stars: list[FacetCount]) -> list[tuple[str, int]]:
    """The star facet as the filter works: "4 stars or more" counts the 5-star ones too."""
    exact = {f.code: f.count for f in stars}
    levels = ("5", "4", "3")
    return [
        (level, sum(exact.get(s, 0) for s in levels[: i + 1]))
        for i, level in enumerate(levels)
        if any(exact.get(s, 0) for s in levels[: i + 1])
    ]


@bp.get("/search")
@role_required("buyer", "officer", "admin")
def search() -> str:
    filters = _search_filters()
    page = max(1, request.args.get("page", 1, type=int))
    result = search_offers(db_session(), get_ranking(), filters, page=page, limit=SEARCH_PAGE)
    return render_template(
        "buyer/search.html",
        filters=filters,
        result=result,
        pages=max(1, -(-result.total // SEARCH_PAGE)),
        stars=_at_least(result.facets.get("stars", [])),
        saved=shortlists.saved_offer_ids(db_session(), signed_in_user()),
        save_form=ShortlistForm(),
    )


def _move_cookie_shortlist(db: Session, user: User) -> None:
    """Offers saved in the session cookie before the shortlist lived in the database."""
    for offer_id in session.pop(COOKIE_SHORTLIST, None) or []:
        try:
            shortlists.save(db, user, int(offer_id))
        except (NotFound, Invalid, ValueError, TypeError):
            continue


@bp.get("/shortlist")
@role_required("buyer")
def shortlist() -> str:
    user, db = signed_in_user(), db_session()
    if COOKIE_SHORTLIST in session:
        _move_cookie_shortlist(db, user)
        db.commit()
    return render_template(
        "buyer/shortlist.html", entries=shortlists.entries(db, user), save_form=ShortlistForm()
    )


@bp.post("/shortlist")
@role_required("buyer")
def save_to_shortlist() -> Response:
    form = ShortlistForm()
    back = safe_next(request.form.get("next"), url_for("buyer.shortlist"))
    if not form.validate() or not (form.offer_id.data or "").isdigit():
        problems = [m[0] for name, m in form.errors.items() if name != "csrf_token" and m]
        problem = problems[0] if problems else _("no such offer.")
        flash(_("This could not be saved: %(problem)s", problem=problem), "error")
        return redirect(back)  # type: ignore[return-value]
    offer_id = int(form.offer_id.data)
    db = db_session()
    if request.form.get("remove"):
        shortlists.remove(db, signed_in_user(), offer_id)
        flash(_("Removed from your shortlist."), "success")
    else:
        try:
            shortlists.save(db, signed_in_user(), offer_id, form.note.data)
        except Invalid:
            db.rollback()
            flash(_("Your shortlist is full: remove some offers before saving more."), "error")
            return redirect(back)  # type: ignore[return-value]
        flash(_("Saved to your shortlist."), "success")
    db.commit()
    return redirect(back)  # type: ignore[return-value]
