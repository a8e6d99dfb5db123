"""Orders after a deal: either side of a match that reached a deal (or an officer of its
province) records each order placed under it, with its value in VND, so that the trade that
follows a deal is known.

The first order of a match is an "order", every later one a "repeat"; each is also an answer of
the side that recorded it (:mod:`.answers`), so the ranking's training data learns which
suggestions became trade, and the officers' figures count its value
(:mod:`matchmaker.reports.periods`). The side that did not record it is told by email (both
sides when an officer did: :mod:`matchmaker.notifications.order_notices`), through the outbox
once the order commits. Orders are appended, never rewritten.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from matchmaker import outbox
from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog.inputs import Day, Quantity, UnitCode, _code, _number
from matchmaker.db import Base, UTCDateTime, transaction, utcnow
from matchmaker.errors import Conflict, Forbidden
from matchmaker.inputs import MULTILINE, Input
from matchmaker.matching.access import read_match
from matchmaker.matching.answers import answering_side, record_answer
from matchmaker.matching.models import Match

ORDER_KINDS = ("order", "repeat")
NOTE_LENGTH = 2000


class MatchOrder(Base):
    """One order placed under a match's deal, as one side (or an officer) recorded it."""

    __tablename__ = "match_orders"
    __table_args__ = (
        CheckConstraint("side IN ('buyer', 'producer', 'officer')", name="side"),
        CheckConstraint("kind IN ('order', 'repeat')", name="kind"),
        CheckConstraint("value_vnd > 0", name="value"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8))
    value_vnd: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    # The day the order was placed, on the reports' calendar.
    ordered_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _required(value: Any) -> Any:
    if value is None or value == "":
        raise PydanticCustomError("field.required", "field.required")
    return value


OrderValue = Annotated[
    int,
    BeforeValidator(_number(strict=False, integer=True)),
    BeforeValidator(_required),
    Field(gt=0, le=10**13, description="What the order is worth, in VND."),
]


class OrderInput(Input, BaseModel):  # BaseModel named for the linter: a pydantic model
    """An order placed under a match's deal."""

    value_vnd: OrderValue
    quantity: Quantity = Field(None, description="How much was ordered, in `unit`.")
    unit: Annotated[UnitCode | None, BeforeValidator(_code("unit", required=False))] = Field(
        None, description="The unit of `quantity`; the product's own unit when left out."
    )
    ordered_on: Day = Field(None, description="The day it was ordered (today when left out).")
    note: Annotated[str, MULTILINE, Field(max_length=NOTE_LENGTH)] = ""

    @field_validator("ordered_on")
    @classmethod
    def _not_future(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today") or date.today()
        if value is not None and value > today:
            raise PydanticCustomError("field.future_date", "field.future_date")
        return value

    @field_validator("note", mode="before")
    @classmethod
    def _trimmed(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else ("" if value is None else value)


def may_record_order(user: User, match: Match) -> bool:
    """The buyer's and the producer's users of the match, officers who oversee it, admins."""
    return (
        can.can_manage_requirement(user, match.requirement)
        or can.can_manage_offer(user, match.offer)
        or can.oversees_offer(user, match.offer)
        or can.oversees_requirement(user, match.requirement)
    )


def _orders(session: Session, match_id: int) -> list[MatchOrder]:
    return list(
        session.scalars(
            select(MatchOrder)
            .where(MatchOrder.match_id == match_id)
            .order_by(MatchOrder.ordered_on, MatchOrder.id)
        )
    )


@transaction
def orders_of(session: Session, user: User, match_id: int) -> list[MatchOrder]:
    """The orders recorded on a match, oldest first, for whoever may read the match."""
    return _orders(session, read_match(session, user, match_id).id)


@transaction
def record_order(
    session: Session, user: User, match_id: int, data: OrderInput, today: date | None = None
) -> MatchOrder:
    """Records an order under a match's deal: the first is an "order", later ones "repeat";
    each is the recording side's answer too."""
    match = read_match(session, user, match_id)
    if not may_record_order(user, match):
        raise Forbidden("order.not_allowed")
    if match.status != "deal":
        raise Conflict("order.needs_deal", status=match.status)
    # Two orders recorded at once from two devices: one waits, so only one is the first.
    session.execute(select(Match.id).where(Match.id == match.id).with_for_update())
    earlier = session.scalar(
        select(func.count(MatchOrder.id)).where(MatchOrder.match_id == match.id)
    )
    kind = "repeat" if earlier else "order"
    side = answering_side(user, match)
    order = MatchOrder(
        match_id=match.id,
        side=side,
        organization_id=user.organization_id,
        user_id=user.id,
        kind=kind,
        value_vnd=data.value_vnd,
        quantity=data.quantity,
        unit=(data.unit or match.offer.unit) if data.quantity is not None else data.unit,
        ordered_on=data.ordered_on or today or date.today(),
        note=data.note,
    )
    session.add(order)
    session.flush()
    record_answer(session, match, side, kind, user=user)
    outbox.order_recorded(session, order.id)
    return order
