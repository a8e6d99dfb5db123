"""Decline reasons: one set of codes for the web form, the email link, the API and training.

The page offers ``price``, ``volume``, ``distance``, ``quality``, ``product`` and ``other``;
older answers and API clients wrote ``wrong_product``, ``capacity``, ``certification``...:
they are read as the code they mean. A reason is stored as ``code`` or ``code: the buyer's
words``; free text with no code in front names no feature.
"""

from __future__ import annotations

# What each code says about the offer: the features it names (the buyer's own ranking is
# adjusted on them at once) and how much a decline for it teaches the model.
DECLINE_FEATURES: dict[str, tuple[str, ...]] = {
    "price": ("price", "price_position"),
    "volume": ("capacity", "min_order"),
    "distance": ("distance",),
    "quality": ("stars", "certificate_validity", "traceability"),
    "product": ("text_rel", "category"),
    "already_supplied": (),
    "no_longer_needed": (),
    "other": (),
}
DECLINE_WEIGHT: dict[str, float] = {
    "product": 1.5,
    "price": 1.0,
    "volume": 1.0,
    "distance": 1.0,
    "quality": 1.0,
    "other": 0.7,
    # A reason outside the match (a supplier found meanwhile) says little about the offer.
    "already_supplied": 0.3,
    "no_longer_needed": 0.3,
}
ALIASES = {
    "wrong_product": "product",
    "not_relevant": "product",
    "capacity": "volume",
    "min_order": "volume",
    "certification": "quality",
    "certifications": "quality",
    "stars": "quality",
    "traceability": "quality",
}


def decline_reason_code(reason: str | None) -> str | None:
    """The code a stored decline reason starts with, None when it names none."""
    if not reason:
        return None
    head = reason.split(":", 1)[0].strip().lower()
    code = ALIASES.get(head, head)
    return code if code in DECLINE_FEATURES else None
