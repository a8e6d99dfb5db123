"""The one error the reference lookups raise."""

from __future__ import annotations


class UnknownReference(LookupError):
    """A code that is not in the reference data, e.g. a province code that does not exist."""

    def __init__(self, kind: str, value: object) -> None:
        super().__init__(f"unknown {kind}: {value!r}")
        self.kind = kind
        self.value = value
