"""Imports every model module so that ``Base.metadata`` knows every table."""

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.db import Base

__all__ = ["Base", "Offer", "Organization", "Requirement", "User"]
