"""What a message takes: the one set of rules for its text, for the API, the pages and tests.

The text goes through :class:`matchmaker.inputs.Input` like every other text a user sends (no
NUL or control characters, no direction overrides, not only invisible characters); line
breaks are allowed. Contact details in it are the writer's own choice to share.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from matchmaker.inputs import MULTILINE, Input

TEXT_LENGTH = 4000

MessageText = Annotated[str, MULTILINE, Field(max_length=TEXT_LENGTH)]


class MessageInput(Input, BaseModel):  # BaseModel named for the linter: a pydantic model
    """A new message; empty text is allowed only with a file."""

    text: MessageText = Field("", description="The message, up to 4000 characters.")

    @field_validator("text", mode="before")
    @classmethod
    def _trimmed(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else ("" if value is None else value)
