"""The buyer's pages: requirements, ranked and pooled suppliers, search, the saved shortlist."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.catalog import access
from matchmaker.catalog import shortlist as shortlists
from matchmaker.catalog.inputs import RequirementChanges, RequirementInput
from matchmaker.catalog.models import REQUIREMENT_STATUSES, Requirement
from matchmaker.catalog.services import PageRequest, RequirementFilters
from matchmaker.catalog.validation import read
from matchmaker.errors import Invalid, StaleVersion
from matchmaker.extensions import db_session, get_ranking
from matchmaker.i18n import say, say_error, say_fields
from matchmaker.inputs import record_id
from matchmaker.matching import access as matching
from matchmaker.matching.search import (
    FILTERS,
    SORTS,
    FacetCount,
    SearchFilters,
    Suggestion,
    check_filters,
    search_offers,
)
from matchmaker.ranking import reference
from matchmaker.web.forms import FeedbackForm, RequirementForm, ShortlistForm, apply_errors
from matchmaker.web.i18n import category_name, certification_name, number, province_name, vnd
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
        try:
            requirement = access.create_requirement(
                db_session(),
                signed_in_user(),
                read(RequirementInput, form.requirement_data()),
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your requirement is posted. These suppliers fit best."), "success")
            return redirect(url_for("buyer.requirement", requirement_id=requirement.id))  # type: ignore[return-value]
    return render_template("buyer/requirement_form.html", form=form, requirement=None)


@bp.get("/requirements/<int:requirement_id>")
@role_required("buyer")
def requirement(requirement_id: int) -> str:
    user = signed_in_user()
    db = db_session()
    found, ranked, pools = matching.suggestions_for_requirement(
        db, get_ranking(), user, requirement_id, MATCH_LIMIT, POOL_LIMIT
    )
    fitting = [r for r in ranked if not r.match.related]
    return render_template(
        "buyer/requirement.html",
        requirement=found,
        ranked=fitting,
        related=[r for r in ranked if r.match.related],
        widen=_ways_to_widen(found) if len(fitting) < MATCH_LIMIT else [],
        pools=pools,
        feedback=FeedbackForm(),
    )


def _ways_to_widen(requirement: Requirement) -> list[Chip]:
    """What the buyer can loosen when few suppliers fit: each condition the requirement sets
    that keeps suppliers out (on its edit page), then the supplier search for its words."""
    edit = url_for("buyer.edit_requirement", requirement_id=requirement.id)
    ways = []
    if requirement.min_ocop_stars:
        ways.append(
            Chip(
                "min_ocop_stars",
                _("Accept products under %(count)s stars", count=requirement.min_ocop_stars),
                edit + "#min_ocop_stars",
            )
        )
    if requirement.required_certifications:
        names = ", ".join(certification_name(c) for c in requirement.required_certifications)
        ways.append(
            Chip(
                "required_certifications",
                _("Ask for fewer certifications (%(names)s)", names=names),
                edit + "#required_certifications",
            )
        )
    if requirement.delivery_provinces:
        ways.append(
            Chip(
                "delivery_provinces",
                _("Accept delivery to more provinces, or nationwide"),
                edit + "#delivery_provinces",
            )
        )
    if requirement.max_unit_price_vnd is not None:
        ceiling = vnd(requirement.max_unit_price_vnd)
        ways.append(
            Chip(
                "max_unit_price_vnd",
                _("Raise the price ceiling of %(price)s", price=ceiling),
                edit + "#max_unit_price_vnd",
            )
        )
    ways.append(
        Chip(
            "search",
            _("Search every supplier for “%(words)s”", words=requirement.title),
            url_for("buyer.search", q=requirement.title),
        )
    )
    return ways


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
                db, user, requirement_id,
                read(RequirementChanges, form.requirement_data()),
                request.form.get("version", type=int),
            )  # fmt: skip
        except Invalid as error:
            apply_errors(form, error)
        except StaleVersion:
            flash(_("Someone else changed this requirement meanwhile. Check the values below "
                    "and save again."), "error")  # fmt: skip
            return redirect(url_for("buyer.edit_requirement", requirement_id=requirement_id))  # type: ignore[return-value]
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("buyer.requirement", requirement_id=requirement_id))  # type: ignore[return-value]
    return render_template("buyer/requirement_form.html", form=form, requirement=found)


# A whole number of đồng, with or without thousands separators ("50000", "50.000", "50 000").
_PRICE = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+|\d+")
_PRICES = ("min_price", "max_price")


@dataclass(frozen=True)
class Chip:
    """A condition as the page shows it (a search's active filter, a requirement's setting),
    with the link that drops or loosens just that one."""

    name: str
    label: str
    url: str


def _price(name: str, problems: dict[str, str]) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if _PRICE.fullmatch(raw):
        return int(re.sub(r"\D", "", raw))
    negative = raw.startswith("-") and _PRICE.fullmatch(raw[1:].strip())
    problems[name] = say("field.not_negative" if negative else "field.whole_number")
    return None


def _search_filters() -> tuple[SearchFilters, dict[str, str]]:
    """The filters of the page's address, and a message per price the buyer mistyped."""

    def code(name: str, known: set[str]) -> str | None:
        value = request.args.get(name) or None
        return value if value in known else None

    problems: dict[str, str] = {}
    stars = request.args.get("min_stars", type=int)
    sort = request.args.get("sort")
    filters = SearchFilters(
        q=(request.args.get("q") or "").strip()[:200] or None,
        category=code("category", {c.code for c in reference.categories()}),
        province=code("province", {p.code for p in reference.provinces()}),
        min_stars=stars if stars in (3, 4, 5) else None,
        certification=code("certification", {c.code for c in reference.certifications()}),
        min_price=_price("min_price", problems),
        max_price=_price("max_price", problems),
        sort=sort if sort in SORTS else None,
    )
    try:
        check_filters(filters)
    except Invalid as error:
        problems.update(say_fields(error.errors))
    if problems.keys() & set(_PRICES):
        # A range half understood would narrow the results in a way the buyer did not ask.
        filters = replace(filters, min_price=None, max_price=None)
    return filters, problems


def _search_url_without(*names: str) -> str:
    """This search's address without the named parameters (and back on the first page)."""
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if v and k not in names and k != "page"
    }
    return url_for("buyer.search", **args)


def _search_url_for_words(words: str) -> str:
    """This search's address with other words, its filters kept (and on the first page)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if v and k != "page"}
    return url_for("buyer.search", **{**args, "q": words})


def _filter_label(filters: SearchFilters, name: str) -> str:
    if name == "category":
        return category_name(filters.category)
    if name == "province":
        return province_name(filters.province)
    if name == "min_stars":
        return _("%(count)s stars or more", count=filters.min_stars)
    if name == "certification":
        return certification_name(filters.certification or "")
    if name == "min_price":
        return _("From %(price)s", price=vnd(filters.min_price))
    return _("Up to %(price)s", price=vnd(filters.max_price))


def _chips(filters: SearchFilters) -> list[Chip]:
    return [
        Chip(name, _filter_label(filters, name), _search_url_without(name))
        for name in filters.active()
    ]


def _drop_label(filters: SearchFilters, name: str) -> str:
    """What dropping a filter means, in words: "Bỏ lọc tỉnh Đắk Lắk"."""
    label = _filter_label(filters, name)
    if name == "category":
        return _("Without the product group %(name)s", name=label)
    if name == "province":
        if reference.get_province(filters.province or "").kind == "city":
            return _("Without %(name)s", name=label)
        return _("Without the province %(name)s", name=label)
    if name == "min_stars":
        return _("Without %(count)s stars or more", count=filters.min_stars)
    if name == "certification":
        return _("Without the certification %(name)s", name=label)
    if name == "min_price":
        return _("Without the lowest price %(price)s", price=vnd(filters.min_price))
    return _("Without the highest price %(price)s", price=vnd(filters.max_price))


def _suggested(filters: SearchFilters, suggestions: list[Suggestion]) -> list[Chip]:
    """The filters worth dropping when nothing is found, as links that drop each."""
    return [
        Chip(
            s.drop,
            _(
                "%(change)s: %(count)s found",
                change=_drop_label(filters, s.drop),
                count=number(s.total),
            ),
            _search_url_without(s.drop),
        )
        for s in suggestions
        if s.total
    ]


def _at_least(stars: list[FacetCount]) -> list[tuple[str, int]]:
    """The star facet as the filter works: "4 stars or more" counts the 5-star ones too."""
    exact = {f.code: f.count for f in stars}
    levels = ("5", "4", "3")
    return [
        (level, sum(exact.get(s, 0) for s in levels[: i + 1]))
        for i, level in enumerate(levels)
        if any(exact.get(s, 0) for s in levels[: i + 1])
    ]


def _sort_labels() -> dict[str, str]:
    return {
        "relevance": _("Relevance"),
        "price_asc": _("Price: low to high"),
        "price_desc": _("Price: high to low"),
        "stars": _("OCOP stars: most first"),
    }


@bp.get("/search")
@role_required("buyer", "officer", "admin")
def search() -> str:
    filters, problems = _search_filters()
    page = max(1, request.args.get("page", 1, type=int))
    result = search_offers(db_session(), get_ranking(), filters, page=page, limit=SEARCH_PAGE)
    return render_template(
        "buyer/search.html",
        filters=filters,
        problems=problems,
        sorts=_sort_labels(),
        chips=_chips(filters),
        clear_all=_search_url_without(*FILTERS),
        suggestions=_suggested(filters, result.suggestions),
        spelling_url=_search_url_for_words(result.spelling) if result.spelling else None,
        result=result,
        pages=max(1, -(-result.total // SEARCH_PAGE)),
        stars=_at_least(result.facets.get("stars", [])),
        saved=shortlists.saved_offer_ids(db_session(), signed_in_user()),
        save_form=ShortlistForm(),
    )


def _cookie_shortlist() -> list[int]:
    """Offers saved in the session cookie before the shortlist lived in the database."""
    saved = session.pop(COOKIE_SHORTLIST, None) or []
    return [int(v) for v in saved if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


@bp.get("/shortlist")
@role_required("buyer")
def shortlist() -> str:
    user, db = signed_in_user(), db_session()
    if COOKIE_SHORTLIST in session:
        shortlists.save_many(db, user, _cookie_shortlist())
    return render_template(
        "buyer/shortlist.html", entries=shortlists.entries(db, user), save_form=ShortlistForm()
    )


@bp.post("/shortlist")
@role_required("buyer")
def save_to_shortlist() -> Response:
    form = ShortlistForm()
    back = safe_next(request.form.get("next"), url_for("buyer.shortlist"))
    offer_id = record_id(form.offer_id.data)
    if not form.validate() or offer_id is None:
        problems = [m[0] for name, m in form.errors.items() if name != "csrf_token" and m]
        problem = problems[0] if problems else _("no such offer.")
        flash(_("This could not be saved: %(problem)s", problem=problem), "error")
        return redirect(back)  # type: ignore[return-value]
    if request.form.get("remove"):
        shortlists.remove(db_session(), signed_in_user(), offer_id)
        flash(_("Removed from your shortlist."), "success")
    else:
        try:
            shortlists.save(db_session(), signed_in_user(), offer_id, form.note.data)
        except Invalid as error:
            if error.code == "shortlist.full":
                flash(_("Your shortlist is full: remove some offers before saving more."), "error")
            else:
                problem = next(iter(say_fields(error.errors).values()), say_error(error))
                flash(_("This could not be saved: %(problem)s", problem=problem), "error")
            return redirect(back)  # type: ignore[return-value]
        flash(_("Saved to your shortlist."), "success")
    return redirect(back)  # type: ignore[return-value]
