"""Building an email from a notification row: subject, text and HTML from templates, every word
a Babel message said in the recipient's language, with that locale's dates and numbers. The
language is the recipient's, never the sending process's: no request or app locale is read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts.models import ProducerClaim, User
from matchmaker.catalog.history import say_field, say_value
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.matching import consent
from matchmaker.matching.explanations import explain
from matchmaker.matching.fit import fit_percent
from matchmaker.matching.models import Match
from matchmaker.matching.orders import MatchOrder
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import OutgoingEmail
from matchmaker.notifications.models import Notification, QuoteAlert
from matchmaker.quotes.models import Quote, QuoteRevision
from matchmaker.translations import Voice, day, language, money, number, reference_name

# Matches that can still be acted on; a declined or finished one is left out of an email.
LIVE_MATCH_STATUSES = ("suggested", "notified", "viewed")
# Matches that were accepted and are still going somewhere: their introduction still holds.
INTRODUCED_STATUSES = ("accepted", "contacted", "deal")


def language_of(user: User) -> str:
    """The language the user's organization reads: its emails and link pages are in it."""
    return language(user.organization.preferred_language)


@cache
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("matchmaker.notifications", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class Contact:
    name: str
    person: str | None
    email: str | None
    phone: str | None
    address: str | None


def _contact(session: Session, organization: Organization, person: User | None) -> Contact:
    """How to reach an organization: the person who accepted, if they are its, and its
    contact address (else that person's, else its first active user's)."""
    email = organization.contact_email or (person.email if person else None)
    if email is None:
        email = session.scalar(
            select(User.email)
            .where(User.organization_id == organization.id, User.is_active.is_(True))
            .order_by(User.id)
            .limit(1)
        )
    return Contact(
        organization.name,
        person.name if person and person.name != organization.name else None,
        email,
        organization.phone,
        organization.address,
    )


def _contact_lines(contact: Contact, voice: Voice) -> list[tuple[str, str | None]]:
    """An organization's contact as lines of an email: who, then its email, phone, address."""
    who = f"{contact.name} — {contact.person}" if contact.person else contact.name
    lines: list[tuple[str, str | None]] = [(voice.say("email.contact"), who)]
    for label, value in (("email", contact.email), ("phone", contact.phone),
                         ("address", contact.address)):  # fmt: skip
        if value:
            lines.append((voice.say(f"email.contact_{label}"), value))
    return lines


@dataclass(frozen=True)
class MatchItem:
    match_id: int
    headline: str
    subtitle: str
    score_percent: int | None  # None: a pair the ranking never put forward (a quote made it)
    reasons: list[str]
    gaps: list[str]
    view_url: str
    accept_url: str
    decline_url: str


def message_id(notification: Notification, base_url: str) -> str:
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{urlsplit(base_url).hostname or 'ocop-matchmaker'}>"


class EmailBuilder:
    def __init__(self, links: Links, base_url: str, timezone: str) -> None:
        self._links = links
        self._base_url = base_url
        self._zone = ZoneInfo(timezone)  # the deployment's: times in emails are on its clock

    def build(self, session: Session, notification: Notification) -> OutgoingEmail | None:
        """The email for ``notification``, or None when nothing in it is still true."""
        user = session.get(User, notification.user_id, options=[joinedload(User.organization)])
        # A refused claimant's account stays inactive; they are told why all the same.
        if user is None or not (user.is_active or notification.kind == "claim_decision"):
            return None
        voice = Voice(notification.payload.get("language") or language_of(user), self._zone)
        context: dict[str, Any] = {
            "t": voice.say,
            "language": voice.locale,
            "name": user.name,
            "preferences_url": self._links.url("preferences", user.id),
            "unsubscribe_url": self._links.url("unsubscribe", user.id),
        }
        if notification.kind in ("match", "digest"):
            rendered = self._matches(session, user, notification, context, voice)
        elif notification.kind == "match_accepted":
            rendered = self._accepted(session, user, notification, context, voice)
        elif notification.kind == "registration_attempt":
            context["body"] = voice.say("email.body_registration_attempt", url=self._base_url)
            rendered = voice.say("email.subject_registration_attempt"), "reminder"
        elif notification.kind == "certificate_expiry":
            rendered = self._certificate(session, notification, context, voice)
        elif notification.kind == "ocop_changes":
            rendered = self._ocop_changes(session, notification, context, voice)
        elif notification.kind == "claim_request":
            rendered = self._claim_request(session, notification, context, voice)
        elif notification.kind == "claim_decision":
            rendered = self._claim_decision(session, notification, context, voice)
        elif notification.kind == "messages":
            # Imported here: threads are about event meetings, whose tables need this package.
            from matchmaker.notifications.messages import thread_notice

            rendered = thread_notice(session, user, notification, context, voice, self._links,
                                     self._base_url)  # fmt: skip
        elif notification.kind == "quotes":
            rendered = self._quotes(session, notification, context, voice)
        elif notification.kind in ("quote_accepted", "quote_declined", "quote_elsewhere"):
            rendered = self._quote_answer(session, notification, context, voice)
        elif notification.kind == "match_order":
            rendered = self._order(session, user, notification, context, voice)
        else:
            rendered = self._requirement(session, notification, context, voice)
        if rendered is None:
            return None
        subject, template = rendered
        env = templates()
        return OutgoingEmail(
            to=user.email,
            subject=subject,
            text=env.get_template(f"email/{template}.txt").render(context),
            html=env.get_template(f"email/{template}.html").render(context, subject=subject),
            message_id=message_id(notification, self._base_url),
            language=voice.locale,
            headers={
                # RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )

    def _matches(
        self,
        session: Session,
        user: User,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        # By primary key: the sender loaded the batch's matches already, so no query here.
        found = (session.get(Match, i) for i in notification.payload.get("match_ids", []))
        matches = sorted(
            (
                m
                for m in found
                if m is not None
                and m.status in LIVE_MATCH_STATUSES
                # Ranked again meanwhile as only a related product: no longer news.
                and not m.related
                and m.offer.status == "active"
                and m.requirement.status == "open"
            ),
            key=lambda m: (-m.score, m.id),
        )
        if not matches:
            return None
        producer_side = user.organization_id == matches[0].offer.organization_id
        items = [self._item(user, m, producer_side, voice) for m in matches]
        context.update(
            items=items,
            intro=voice.say("email.intro_producer" if producer_side else "email.intro_buyer"),
        )
        if notification.kind == "digest":
            period = notification.payload.get("period", "daily")
            subject = voice.say(f"email.subject_digest_{period}", count=len(items))
        elif producer_side:
            first = matches[0].requirement
            subject = voice.say(
                "email.subject_match_producer", buyer=first.buyer.name, title=first.title
            )
        else:
            subject = voice.say(
                "email.subject_match_buyer", count=len(items), title=matches[0].requirement.title
            )
        return subject, "matches"

    def _accepted(
        self,
        session: Session,
        user: User,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        match = session.get(Match, notification.payload["match_id"])
        if match is None or match.status not in INTRODUCED_STATUSES:
            return None  # declined since: no introduction
        producer_side = user.organization_id == match.offer.organization_id
        other = match.requirement.buyer if producer_side else match.offer.producer
        if not consent.contact_shared(session, match, other.id):
            return None  # the buyer has not said yes: its details stay its own
        title = match.offer.title if producer_side else match.requirement.title
        acceptor = session.get(User, notification.payload["accepted_by_id"])
        theirs = acceptor if acceptor and acceptor.organization_id == other.id else None
        if acceptor is not None and acceptor.organization_id == user.organization_id:
            mine = "you" if acceptor.id == user.id else "colleague"
            intro = voice.say(
                f"email.intro_accepted_by_{mine}", person=acceptor.name, org=other.name
            )
            subject = voice.say("email.subject_accepted_by_us", org=other.name, title=title)
        else:
            who = other.name
            if theirs is not None and theirs.name != other.name:
                who = f"{theirs.name} ({other.name})"
            intro = voice.say("email.intro_accepted_by_other", who=who)
            subject = voice.say("email.subject_accepted_by_other", org=other.name, title=title)
        context.update(
            intro=intro,
            item=self._item(user, match, producer_side, voice),
            contact=_contact(session, other, theirs),
        )
        return subject, "accepted"

    def _item(self, user: User, match: Match, producer_side: bool, voice: Voice) -> MatchItem:
        if producer_side:
            headline = f"{match.requirement.buyer.name} — {match.requirement.title}"
            subtitle = voice.say("email.for_offer", title=match.offer.title)
        else:
            stars = f" ({match.offer.ocop_stars}★ OCOP)" if match.offer.ocop_stars else ""
            headline = f"{match.offer.producer.name} — {match.offer.title}{stars}"
            subtitle = voice.say("email.for_requirement", title=match.requirement.title)
        return MatchItem(
            match_id=match.id,
            headline=headline,
            subtitle=subtitle,
            score_percent=fit_percent(match.score) if match.suggested else None,
            reasons=[explain(r, voice.locale) for r in match.reasons or []],
            gaps=[explain(g, voice.locale) for g in match.gaps or []],
            view_url=self._links.url("view", user.id, match.id),
            accept_url=self._links.url("accept", user.id, match.id),
            decline_url=self._links.url("decline", user.id, match.id),
        )

    def _certificate(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        offer = session.get(Offer, notification.payload["offer_id"])
        expires_on = date.fromisoformat(notification.payload["expires_on"])
        if offer is None or offer.status == "archived" or offer.ocop_certified_until != expires_on:
            return None  # archived, or renewed since the reminder was planned
        days = notification.payload["days"]
        context["body"] = voice.say(
            "email.body_certificate", stars=offer.ocop_stars, title=offer.title, date=expires_on
        )
        return voice.say("email.subject_certificate", title=offer.title, days=days), "reminder"

    def _ocop_changes(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        offers = []
        for item in notification.payload.get("offers", []):
            offer = session.get(Offer, item["offer_id"])
            offers.append(
                {
                    "title": offer.title if offer is not None else item["title"],
                    "added": item.get("added", False),
                    "url": f"{self._base_url.rstrip('/')}/products/{offer.id}" if offer else None,
                    "lines": [
                        {
                            "field": say_field(name, voice.locale),
                            "old": say_value(name, old, voice.locale),
                            "new": say_value(name, new, voice.locale),
                        }
                        for name, old, new in item.get("changes", [])
                    ],
                }
            )
        if not offers:
            return None
        context.update(
            offers=offers,
            intro=voice.say("email.intro_ocop_changes", file=notification.payload.get("file")),
        )
        return voice.say("email.subject_ocop_changes", count=len(offers)), "ocop_changes"

    def _claim_request(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        claim = session.get(ProducerClaim, notification.payload["claim_id"])
        if claim is None or (claim.matched_by is None and claim.status != "pending"):
            return None  # decided meanwhile: nothing left to do
        org, claimant = claim.organization, claim.user
        said = {"person": claimant.name, "name": org.name, "province": org.province}
        given = claim.details
        context.update(
            lines=[
                (voice.say("email.claim_given"), None),
                (voice.say("email.contact"), claimant.name),
                (voice.say("email.contact_email"), claimant.email),
                (voice.say("email.contact_phone"), given.get("phone") or "—"),
                (voice.say("email.contact_address"), given.get("address") or "—"),
                (voice.say("email.claim_listed"), None),
                (voice.say("email.contact_email"), org.contact_email or "—"),
                (voice.say("email.contact_phone"), org.phone or "—"),
                (voice.say("email.contact_address"), org.address or "—"),
            ],
        )
        base = self._base_url.rstrip("/")
        if claim.matched_by is None:
            context.update(
                intro=voice.say("email.intro_claim_request", **said),
                link=(f"{base}/officer/claims", voice.say("email.claim_open")),
            )
            return voice.say("email.subject_claim_request", **said), "claim"
        proof = voice.say(f"email.claim_proof.{claim.matched_by}")
        context.update(
            intro=voice.say("email.intro_claim_made", proof=proof, **said),
            link=(f"{base}/officer/users", voice.say("email.claim_accounts")),
        )
        return voice.say("email.subject_claim_made", **said), "claim"

    def _claim_decision(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        claim = session.get(ProducerClaim, notification.payload["claim_id"])
        if claim is None or claim.status == "pending":
            return None
        org = claim.organization
        said = {"name": org.name, "province": org.province}
        outcome = "approved" if claim.status == "approved" else "refused"
        context.update(intro=voice.say(f"email.intro_claim_{outcome}", **said), lines=[])
        if outcome == "approved":
            base = self._base_url.rstrip("/")
            context["link"] = (f"{base}/signin", voice.say("email.sign_in"))
        return voice.say(f"email.subject_claim_{outcome}", **said), "claim"

    def _terms(self, terms: QuoteRevision, voice: Voice) -> list[tuple[str, str | None]]:
        """A quote's terms as label and value lines, in the reader's words and numbers."""
        locale = voice.locale
        unit = reference_name("unit", terms.unit, locale)
        lines: list[tuple[str, str | None]] = [
            (voice.say("email.quote_price"), f"{money(terms.unit_price_vnd, locale)} / {unit}")
        ]
        if terms.min_order_quantity:
            lines.append((voice.say("email.quote_min_order"),
                          f"{number(terms.min_order_quantity, locale)} {unit}"))  # fmt: skip
        if terms.monthly_volume:
            lines.append((voice.say("email.quote_volume"),
                          f"{number(terms.monthly_volume, locale)} {unit}"))  # fmt: skip
        if terms.lead_time_days is not None:
            lines.append((voice.say("email.quote_lead_time"),
                          voice.say("email.quote_days", days=terms.lead_time_days)))  # fmt: skip
        delivery = voice.say(f"quote.terms.{terms.delivery_terms}")
        if terms.delivery_provinces:
            names = (reference_name("province", p, locale) for p in terms.delivery_provinces)
            delivery = f"{delivery}: {', '.join(names)}"
        lines.append((voice.say("email.quote_delivery"), delivery))
        if terms.valid_until:
            lines.append((voice.say("email.quote_valid_until"), day(terms.valid_until, locale)))
        return lines

    def _quotes(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        """To a buyer: the quotes and revisions on one requirement this email carries, each
        quote once with the latest terms told; those withdrawn or answered since left out."""
        requirement = session.get(Requirement, notification.payload["requirement_id"])
        if requirement is None or requirement.status != "open":
            return None
        alerts = session.scalars(
            select(QuoteAlert)
            .where(QuoteAlert.notification_id == notification.id)
            .options(
                joinedload(QuoteAlert.revision)
                .joinedload(QuoteRevision.quote)
                .joinedload(Quote.offer)
                .joinedload(Offer.producer)
            )
        ).all()
        told: dict[int, list[QuoteRevision]] = {}
        for alert in alerts:
            told.setdefault(alert.revision.quote_id, []).append(alert.revision)
        lines: list[tuple[str, str | None]] = []
        said: list[tuple[str, Quote]] = []
        for quote_id in sorted(told):
            revisions = told[quote_id]
            quote = revisions[0].quote
            if quote.status != "open":
                continue
            terms = max(revisions, key=lambda r: r.number)
            news = "new" if any(r.number == 1 for r in revisions) else "revised"
            said.append((news, quote))
            header = voice.say(
                f"email.quote_{news}", producer=quote.offer.producer.name, offer=quote.offer.title
            )
            lines += [(header, None), *self._terms(terms, voice)]
        if not said:
            return None
        base = self._base_url.rstrip("/")
        context.update(
            intro=voice.say("email.intro_quotes", title=requirement.title),
            lines=lines,
            link=(
                f"{base}/requirements/{requirement.id}/quotes",
                voice.say("email.quotes_compare"),
            ),
        )
        if len(said) > 1:
            subject = voice.say("email.subject_quotes", count=len(said), title=requirement.title)
        else:
            news, quote = said[0]
            subject = voice.say(
                f"email.subject_quote_{news}",
                producer=quote.offer.producer.name,
                title=requirement.title,
            )
        return subject, "claim"

    def _quote_answer(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        """To a producer: the buyer accepted its quote (with the buyer's contact), declined it
        (with the buyer's reason), or accepted another one."""
        quote = session.get(Quote, notification.payload["quote_id"])
        kind = notification.kind.removeprefix("quote_")
        wanted = {"accepted": "accepted", "declined": "declined", "elsewhere": "open"}[kind]
        if quote is None or quote.status != wanted:
            return None  # answered otherwise, or withdrawn, since: nothing in it is still true
        requirement, offer = quote.requirement, quote.offer
        buyer = requirement.buyer
        said = {"buyer": buyer.name, "offer": offer.title, "title": requirement.title}
        lines: list[tuple[str, str | None]] = []
        if kind == "accepted":
            match = session.scalar(
                select(Match).where(
                    Match.requirement_id == quote.requirement_id, Match.offer_id == quote.offer_id
                )
            )
            if match is None or not consent.contact_shared(session, match, buyer.id):
                return None  # the buyer's details stay its own until it has said yes
            acceptor = session.get(User, notification.payload.get("accepted_by_id") or 0)
            person = acceptor if acceptor and acceptor.organization_id == buyer.id else None
            lines += _contact_lines(_contact(session, buyer, person), voice)
            lines.append((voice.say("email.quote_terms"), None))
            lines += self._terms(quote.latest, voice)
            if quote.deal_value_vnd:
                lines.append((voice.say("email.quote_deal_value"),
                              money(quote.deal_value_vnd, voice.locale)))  # fmt: skip
        elif kind == "declined":
            lines.append((voice.say("email.quote_reason"), quote.decline_reason or "—"))
        base = self._base_url.rstrip("/")
        context.update(
            intro=voice.say(f"email.intro_quote_{kind}", **said),
            lines=lines,
            link=(
                f"{base}/requirements/{requirement.id}/quote?offer_id={offer.id}",
                voice.say("email.quote_open"),
            ),
        )
        return voice.say(f"email.subject_quote_{kind}", **said), "claim"

    def _order(
        self,
        session: Session,
        user: User,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        """To a side of a deal: an order recorded under it, by whom, what, how much, its value
        and day; the other side's contact details only if they may reach this side."""
        order = session.get(MatchOrder, notification.payload["order_id"])
        match = session.get(Match, order.match_id) if order is not None else None
        if order is None or match is None:
            return None
        locale = voice.locale
        requirement, offer = match.requirement, match.offer
        buyer, producer = requirement.buyer, offer.producer
        if user.organization_id not in (buyer.id, producer.id):
            return None  # no longer of either side: the deal is not theirs to hear of
        by_side = {"buyer": buyer, "producer": producer}
        recorder = session.get(User, order.user_id) if order.user_id else None
        org = (
            session.get(Organization, order.organization_id) if order.organization_id else None
        ) or by_side.get(order.side)
        if org is None:
            who = voice.say("email.order_officer")
        elif recorder is not None and recorder.name != org.name:
            who = f"{recorder.name} ({org.name})"
        else:
            who = org.name
        lines: list[tuple[str, str | None]] = [(voice.say("email.order_product"), offer.title)]
        if order.quantity is not None:
            unit = reference_name("unit", order.unit or offer.unit, locale)
            lines.append((voice.say("email.order_quantity"),
                          f"{number(order.quantity, locale)} {unit}"))  # fmt: skip
        lines += [
            (voice.say("email.order_value"), money(order.value_vnd, locale)),
            (voice.say("email.order_day"), day(order.ordered_on, locale)),
        ]
        if order.note:
            lines.append((voice.say("email.order_note"), order.note))
        other = producer if user.organization_id == buyer.id else buyer
        if other.id != user.organization_id and consent.contact_shared(session, match, other.id):
            person = recorder if recorder and recorder.organization_id == other.id else None
            lines += _contact_lines(_contact(session, other, person), voice)
        said = {"who": who, "buyer": buyer.name, "producer": producer.name,
                "title": requirement.title, "offer": offer.title,
                "value": money(order.value_vnd, locale)}  # fmt: skip
        base = self._base_url.rstrip("/")
        context.update(
            intro=voice.say(f"email.intro_order_{order.kind}", **said),
            lines=lines,
            link=(f"{base}/matches/{match.id}", voice.say("email.order_open")),
        )
        return voice.say(f"email.subject_order_{order.kind}", **said), "claim"

    def _requirement(
        self,
        session: Session,
        notification: Notification,
        context: dict[str, Any],
        voice: Voice,
    ) -> tuple[str, str] | None:
        requirement = session.get(Requirement, notification.payload["requirement_id"])
        expires_on = date.fromisoformat(notification.payload["expires_on"])
        if (
            requirement is None
            or requirement.status != "open"
            or (requirement.valid_until != expires_on)
        ):
            return None
        days = notification.payload["days"]
        context["body"] = voice.say(
            "email.body_requirement", title=requirement.title, date=expires_on
        )
        return voice.say(
            "email.subject_requirement", title=requirement.title, days=days
        ), "reminder"
