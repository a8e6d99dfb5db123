"""Signed-in callers of every role, as the API tests make them."""

from tests.unit.api.conftest import make_caller

__all__ = ["make_caller"]
