"""Callers of every role, through the API and through the pages."""

from tests.unit.api.conftest import buyer, make_caller, producer
from tests.unit.web.conftest import make_user

__all__ = ["buyer", "make_caller", "make_user", "producer"]
