"""The matching pipeline: a changed requirement or offer is ranked, and new good matches become
alerts for the other side's users (an email now, or a line in their next digest).

Never the same pair twice to the same user (one :class:`MatchAlert` per user and match), never
a pair that was declined or is only a related product, never above the user's daily cap (the
rest waits for the digest).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import add_new, utcnow
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers, rank_requirements
from matchmaker.notifications.models import MatchAlert, Notification, NotificationPreference
from matchmaker.settings import NotificationSettings

# FOR NO KEY UPDATE, not FOR UPDATE: the match rows written next check their foreign keys with
# FOR KEY SHARE on the other side's row, which a FOR UPDATE of a task matching that row would
# block while it waits for ours: two tasks on crossing rows deadlocked. NO KEY UPDATE still
# keeps two runs for one row apart, and lets the key checks through.
MATCHING_LOCK = {"key_share": True}

ROLE_OF_SIDE = {"producer": ("producer", "admin"), "buyer": ("buyer", "admin")}


def alert_for_requirement(
    session: Session,
    state: RankingState,
    requirement_id: int,
    config: NotificationSettings,
    *,
    today: date | None = None,
) -> list[Notification]:
    """Ranks offers for a new or changed requirement and alerts the producers of good ones."""
    today = today or date.today()
    # Locked so that two quick edits of one requirement are matched one after the other.
    requirement = session.get(Requirement, requirement_id, with_for_update=MATCHING_LOCK)
    if requirement is None or requirement.status != "open":
        return []
    if requirement.valid_until is not None and requirement.valid_until < today:
        return []
    ranked = rank_offers(session, state, requirement, limit=config.matches_per_change, on=today)
    good = [(r.match, r.offer.organization_id) for r in ranked if _is_new_and_good(r.match, config)]
    return _alert(session, good, "producer", config)


def alert_for_offer(
    session: Session,
    state: RankingState,
    offer_id: int,
    config: NotificationSettings,
    *,
    today: date | None = None,
) -> list[Notification]:
    """Ranks open requirements for a new or changed offer and alerts the buyers of good ones."""
    offer = session.get(Offer, offer_id, with_for_update=MATCHING_LOCK)
    if offer is None or offer.status != "active":
        return []
    ranked = rank_requirements(
        session, state, offer, limit=config.matches_per_change, on=today or date.today()
    )
    good = [
        (r.match, r.requirement.organization_id)
        for r in ranked
        if _is_new_and_good(r.match, config)
    ]
    return _alert(session, good, "buyer", config)


def _is_new_and_good(match: Match, config: NotificationSettings) -> bool:
    # Each side hears of a pair once (MatchAlert); a declined pair is never raised again, and
    # a related product (shown apart on the buyer's page) is no match to tell anyone about.
    return not match.related and match.score >= config.min_score and match.status != "declined"


def recipients(
    session: Session, organization_ids: Iterable[int], side: str
) -> dict[int, list[User]]:
    users = session.scalars(
        select(User)
        .where(
            User.organization_id.in_(set(organization_ids)),
            User.is_active.is_(True),
            User.role.in_(ROLE_OF_SIDE[side]),
        )
        .order_by(User.id)
    )
    by_org: dict[int, list[User]] = defaultdict(list)
    for user in users:
        by_org[user.organization_id].append(user)
    return by_org


def unsubscribed_ids(session: Session, users: Iterable[User]) -> set[int]:
    """The ids of those of ``users`` who unsubscribed from every email."""
    ids = {u.id for u in users}
    if not ids:
        return set()
    return set(
        session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.user_id.in_(ids),
                NotificationPreference.unsubscribed_at.is_not(None),
            )
        )
    )


def emails_in_last_day(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """Match emails each user was sent (or is about to be sent) in the last 24 hours."""
    rows = session.execute(
        select(Notification.user_id, func.count())
        .where(
            Notification.user_id.in_(set(user_ids)),
            Notification.kind == "match",
            Notification.state.notin_(("cancelled", "failed", "bounced")),
            Notification.created_at >= utcnow() - timedelta(days=1),
        )
        .group_by(Notification.user_id)
    )
    return {user_id: int(count) for user_id, count in rows}


def _alert(
    session: Session, pairs: Sequence[tuple[Match, int]], side: str, config: NotificationSettings
) -> list[Notification]:
    if not pairs:
        return []
    users_by_org = recipients(session, {org for _, org in pairs}, side)
    user_ids = {u.id for users in users_by_org.values() for u in users}
    if not user_ids:
        return []
    preferences = {
        p.user_id: p
        for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))
        )
    }
    known = {
        (user_id, match_id)
        for user_id, match_id in session.execute(
            select(MatchAlert.user_id, MatchAlert.match_id).where(
                MatchAlert.match_id.in_([m.id for m, _ in pairs])
            )
        )
    }
    wanted = [
        MatchAlert(user_id=user.id, match_id=match.id)
        for match, org in pairs
        for user in users_by_org.get(org, [])
        if (user.id, match.id) not in known
        and not (preferences.get(user.id) and preferences[user.id].unsubscribed_at)
    ]
    new_alerts: dict[int, list[MatchAlert]] = defaultdict(list)
    for alert in add_new(session, wanted, _fresh_alert):
        new_alerts[alert.user_id].append(alert)

    sent_today = emails_in_last_day(session, new_alerts)
    created: list[tuple[Notification, list[MatchAlert]]] = []
    for user_id, alerts in new_alerts.items():
        preference = preferences.get(user_id)
        cap = (preference.daily_cap if preference else None) or config.daily_cap
        instant = preference is None or preference.frequency == "instant"
        # Over the cap, the alerts stay unsent and go out in the next daily digest.
        if instant and sent_today.get(user_id, 0) < cap:
            created.append((_email_now(user_id, alerts), alerts))
    session.add_all(n for n, _ in created)
    session.flush()
    for notification, alerts in created:
        for alert in alerts:
            alert.notification_id = notification.id
    enqueue_sending(session, [n.id for n, _ in created], config.batch_size)
    return [n for n, _ in created]


def _fresh_alert(alert: MatchAlert) -> MatchAlert:
    return MatchAlert(user_id=alert.user_id, match_id=alert.match_id)


def _email_now(user_id: int, alerts: Sequence[MatchAlert]) -> Notification:
    match_ids = sorted(a.match_id for a in alerts)
    digest = hashlib.sha256(",".join(map(str, match_ids)).encode()).hexdigest()[:24]
    return Notification(
        user_id=user_id,
        kind="match",
        idempotency_key=f"match:user:{user_id}:{digest}",
        payload={"match_ids": match_ids},
        enqueued_at=utcnow(),
    )


def queue_notifications(
    session: Session, wanted: Sequence[Notification], batch_size: int
) -> list[Notification]:
    """Adds the notifications not already there (by their idempotency key) and queues their
    sending; returns those added."""
    created = add_new(session, wanted, _fresh_notification)
    enqueue_sending(session, [n.id for n in created], batch_size)
    return created


def _fresh_notification(notification: Notification) -> Notification:
    return Notification(
        user_id=notification.user_id,
        kind=notification.kind,
        idempotency_key=notification.idempotency_key,
        payload=notification.payload,
        enqueued_at=notification.enqueued_at,
    )


def enqueue_sending(
    session: Session,
    notification_ids: Sequence[int],
    batch_size: int,
    at: datetime | None = None,
) -> None:
    """Queues the send tasks (after the commit, or at ``at``) in batches that share one SMTP
    connection."""
    for start in range(0, len(notification_ids), batch_size):
        batch = list(notification_ids[start : start + batch_size])
        outbox.enqueue_at(session, at, outbox.SEND_NOTIFICATIONS, notification_ids=batch)
