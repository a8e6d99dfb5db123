"""Whose contact details a match may show to whom: the one rule, for pages and emails.

A producer who accepts a buyer's requirement must not get the buyer's email and phone by that
alone, or contacts could be harvested by accepting everything: the buyer's details reach the
producer only once the buyer has said yes too. A producer's details may go to a buyer once
either side has said yes (a producer that accepts offers its own; a buyer that accepts asks
for them, as with a supplier search)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.matching.models import Match, MatchEvent

# A side that moved a match to one of these has said yes.
YES = ("accepted", "contacted", "deal")


def said_yes(session: Session, match: Match, organization_id: int) -> bool:
    """Whether a user of this organization has accepted the match (or gone further)."""
    found = session.scalar(
        select(MatchEvent.id)
        .join(User, User.id == MatchEvent.user_id)
        .where(
            MatchEvent.match_id == match.id,
            MatchEvent.to_status.in_(YES),
            User.organization_id == organization_id,
        )
        .limit(1)
    )
    return found is not None


def contact_shared(session: Session, match: Match, organization_id: int) -> bool:
    """Whether the match may show this side's contact details to the other side."""
    if match.status not in YES:
        return False
    if organization_id == match.requirement.organization_id:
        return said_yes(session, match, organization_id)
    return organization_id == match.offer.organization_id
