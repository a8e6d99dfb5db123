"""Names of the domain's codes (statuses, roles, funnel stages) in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from matchmaker.web.forms import BUYER_LABELS, ENTITY_LABELS

MATCH_STATUS = {
    "suggested": _l("Suggested"),
    "notified": _l("Suggested"),
    "viewed": _l("Viewed"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "contacted": _l("Contacted"),
    "deal": _l("Deal"),
}
OFFER_STATUS = {"active": _l("Listed"), "paused": _l("Paused"), "archived": _l("Archived")}
REQUIREMENT_STATUS = {"open": _l("Open"), "paused": _l("Paused"), "closed": _l("Closed")}
ROLES = {
    "producer": _l("Producer"),
    "buyer": _l("Buyer"),
    "officer": _l("Officer"),
    "admin": _l("Administrator"),
}
PRODUCER_TYPES = {**ENTITY_LABELS, "unknown": _l("Type not stated")}
STARS = {"5": _l("5 stars"), "4": _l("4 stars"), "3": _l("3 stars"), "none": _l("No valid rating")}


def all_labels() -> dict[str, object]:
    return {
        "MATCH_STATUS": MATCH_STATUS,
        "OFFER_STATUS": OFFER_STATUS,
        "REQUIREMENT_STATUS": REQUIREMENT_STATUS,
        "ROLES": ROLES,
        "PRODUCER_TYPES": PRODUCER_TYPES,
        "BUYER_TYPES": BUYER_LABELS,
        "STARS": STARS,
    }
