"""Imports every model module so that ``Base.metadata`` knows every table."""

from matchmaker.accounts.models import ApiToken, User
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.db import Base
from matchmaker.matching.models import Match, MatchEvent

__all__ = [
    "ApiToken", "Base", "Match", "MatchEvent", "Offer", "Organization", "Requirement", "User",
]  # fmt: skip
