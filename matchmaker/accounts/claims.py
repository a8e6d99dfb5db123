"""A producer the province lists, taken over by the household or firm it is.

An officer's import lists producers without accounts. Registering as a producer under the name
and province of one of them (in any spelling) claims it rather than making a second producer:

- the listing has an account already: refused (its members can invite colleagues);
- the registration gives the listing's own email or phone: the account joins it at once;
- otherwise the account waits, inactive, until an officer of the producer's province (an admin
  where the province has none) approves the claim; they are emailed, and so is the claimant of
  the decision. One claim waits per producer at a time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import ProducerClaim, User
from matchmaker.catalog.models import Organization
from matchmaker.catalog.validation import clean_organization
from matchmaker.db import transaction, utcnow
from matchmaker.errors import Conflict, Forbidden, NotFound, field_error
from matchmaker.notifications import claims as emails
from matchmaker.ranking.text import fold_key


class ClaimRefused(Conflict):
    """The listed producer has an account already, or a claim on it waits."""


# What the claimant gave that a listing without it takes on when the claim holds.
DETAILS = ("address", "phone", "contact_email", "entity_type")
RECENT = 50


def listed_producer(
    session: Session, role: str, organization: Mapping[str, Any]
) -> Organization | None:
    """The listed producer a producer's registration names (folded name and province), or
    None. Refused with a coded conflict when it cannot be claimed: it has an account, or a
    claim already waits."""
    if role != "producer" or "id" in organization:
        return None
    values = clean_organization({**organization, "kind": "producer"})
    if not values.get("province"):
        return None
    listed = session.scalars(
        select(Organization).where(
            Organization.kind == "producer",
            Organization.name_key == fold_key(values["name"]),
            Organization.province == values["province"],
        )
    ).first()
    if listed is None:
        return None
    said = {"name": listed.name, "province": listed.province}
    pending = session.scalar(
        select(ProducerClaim.id).where(
            ProducerClaim.organization_id == listed.id, ProducerClaim.status == "pending"
        )
    )
    # A refused claimant's account (kept, inactive) is no account of the producer's.
    active = session.scalar(
        select(User.id).where(User.organization_id == listed.id, User.is_active.is_(True)).limit(1)
    )
    if pending or active:
        code = "organization.claim_waiting" if pending else "organization.claimed"
        raise ClaimRefused(code, **said, errors=[field_error("organization.name", code, **said)])
    return listed


def claim(
    session: Session, listed: Organization, user: User, organization: Mapping[str, Any]
) -> ProducerClaim:
    """Records ``user``'s claim on ``listed`` (which ``user`` was made in): approved at once
    when the registration gives the listing's email or phone, else waiting with the account
    inactive. The province's officers are told either way."""
    proof = _proof(listed, user.email, organization.get("phone"))
    details = {k: organization[k] for k in (*DETAILS, "preferred_language") if organization.get(k)}
    found = ProducerClaim(
        organization_id=listed.id,
        user_id=user.id,
        status="approved" if proof else "pending",
        matched_by=proof,
        details=details,
        decided_at=utcnow() if proof else None,
    )
    try:
        with session.begin_nested():
            session.add(found)
    except IntegrityError:  # another registration's claim began a moment ago
        said = {"name": listed.name, "province": listed.province}
        raise ClaimRefused(
            "organization.claim_waiting",
            **said,
            errors=[field_error("organization.name", "organization.claim_waiting", **said)],
        ) from None
    if proof:
        _take_over(listed, details)
    else:
        user.is_active = False
    session.flush()
    emails.tell_deciders(session, found)
    return found


def _digits(phone: object) -> str:
    """A Vietnamese phone number's national digits: "+84 276 3123 456" and "0276 3123456"
    are one number."""
    digits = re.sub(r"\D", "", str(phone or ""))
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def _proof(listed: Organization, email: str, phone: object) -> str | None:
    if listed.contact_email and listed.contact_email.strip().lower() == email.strip().lower():
        return "email"
    given, known = _digits(phone), _digits(listed.phone)
    if len(given) >= 9 and given == known:
        return "phone"
    return None


def _take_over(listed: Organization, details: Mapping[str, Any]) -> None:
    """The listing keeps the province's name and details; what it lacks, the claimant's fill,
    and it now reads the claimant's language."""
    for name in DETAILS:
        if getattr(listed, name) is None and details.get(name):
            setattr(listed, name, details[name])
    if details.get("preferred_language"):
        listed.preferred_language = details["preferred_language"]


def may_decide(user: User, found: ProducerClaim) -> bool:
    """The officers of the producer's province, national officers, and admins."""
    if can.is_admin(user):
        return True
    return user.role == "officer" and can.officer_scope(user) in (
        None,
        found.organization.province,
    )


@transaction
def decide(session: Session, user: User, claim_id: int, *, approve: bool) -> ProducerClaim:
    """An officer's (or admin's) answer to a waiting claim; the claimant is emailed it."""
    found = session.get(ProducerClaim, claim_id, options=[joinedload(ProducerClaim.organization)])
    if found is None or not may_decide(user, found):
        # An officer of another province is told whose it is; anyone else, not that it exists.
        if found is not None and user.role in ("officer", "admin"):
            raise Forbidden("claim.forbidden", province=found.organization.province)
        raise NotFound("claim.not_found", claim_id=claim_id)
    if found.status != "pending":
        raise Conflict("claim.decided", status=found.status)
    found.status = "approved" if approve else "refused"
    found.decided_at, found.decided_by_id = utcnow(), user.id
    if approve:
        found.user.is_active = True
        _take_over(found.organization, found.details)
    session.flush()
    language = found.details.get("preferred_language") or found.organization.preferred_language
    emails.tell_claimant(session, found, language)
    return found


def claims_for(session: Session, user: User) -> tuple[list[ProducerClaim], list[ProducerClaim]]:
    """The claims ``user`` decides: those waiting (oldest first) and the latest others."""
    if user.role not in ("officer", "admin"):
        raise Forbidden("claim.staff_only")
    query = select(ProducerClaim).join(ProducerClaim.organization)
    scope = None if can.is_admin(user) else can.officer_scope(user)
    if scope is not None:
        query = query.where(Organization.province == scope)
    options = (joinedload(ProducerClaim.organization), joinedload(ProducerClaim.user))
    waiting = session.scalars(
        query.where(ProducerClaim.status == "pending")
        .options(*options)
        .order_by(ProducerClaim.created_at, ProducerClaim.id)
    ).all()
    decided = session.scalars(
        query.where(ProducerClaim.status != "pending")
        .options(*options)
        .order_by(ProducerClaim.created_at.desc(), ProducerClaim.id.desc())
        .limit(RECENT)
    ).all()
    return list(waiting), list(decided)
