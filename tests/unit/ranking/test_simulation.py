"""The simulated buyers' hidden preferences: nearer producers and cheaper offers are liked
more, and nothing falls below the floor."""

from __future__ import annotations

from collections.abc import Callable

from matchmaker.ranking.learning.simulation import (
    PREFERENCE_FLOOR,
    cheaper_offers,
    nearby_producers,
)
from matchmaker.ranking.records import OfferRecord, RequirementRecord

MakeOffer = Callable[..., OfferRecord]
MakeRequirement = Callable[..., RequirementRecord]


def test_a_nearby_buyer_prefers_producers_closer_to_it(
    make_offer: MakeOffer, make_requirement: MakeRequirement
) -> None:
    hanoi_buyer = make_requirement("mật ong", buyer_province="01")
    # Hà Nội itself, Hải Phòng (~90 km), Đà Nẵng (~600 km), Hồ Chí Minh City (~1,140 km).
    here, close, middle, far = (
        nearby_producers(make_offer(code, "Mật ong", province=code), hanoi_buyer)
        for code in ("01", "31", "48", "79")
    )
    assert here == close == 1.0
    assert close > middle > far
    assert far == PREFERENCE_FLOOR


def test_a_nearby_buyer_without_a_province_has_no_view(
    make_offer: MakeOffer, make_requirement: MakeRequirement
) -> None:
    anywhere = make_requirement("mật ong")
    assert nearby_producers(make_offer("a", "Mật ong", province="79"), anywhere) == 0.5
    unknown = make_requirement("mật ong", buyer_province="zz")
    assert nearby_producers(make_offer("a", "Mật ong", province="79"), unknown) == 0.5


def test_a_thrifty_buyer_prefers_the_cheaper_of_comparable_offers(
    make_offer: MakeOffer, make_requirement: MakeRequirement
) -> None:
    # Six honeys sold by the kg (100,000 to 600,000 VND), one by the ton (350,000 VND a kg)
    # and one by the bottle (not comparable): seven compare per kg.
    offers = [make_offer(f"kg{i}", "Mật ong", unit_price_vnd=100_000 * (i + 1)) for i in range(6)]
    ton = make_offer("ton", "Mật ong", unit="ton", unit_price_vnd=350_000_000)
    bottle = make_offer("bottle", "Mật ong", unit="bottle", unit_price_vnd=1_000)
    asked: list[str] = []

    def peers(requirement: RequirementRecord) -> list[OfferRecord]:
        asked.append(requirement.id)
        return [*offers, ton, bottle]

    cheaper = cheaper_offers(peers)
    requirement = make_requirement("mật ong", id="r#0")
    shares = [cheaper(o, requirement) for o in offers]
    assert shares[0] == shares[1] == shares[2] == 1.0  # the cheapest third
    assert shares[2] > cheaper(ton, requirement) > shares[3] > shares[4] > shares[5]
    assert shares[5] == PREFERENCE_FLOOR
    # Nothing else is sold by the bottle; an offer without a price says nothing either.
    assert cheaper(bottle, requirement) == 0.5
    assert cheaper(make_offer("np", "Mật ong", unit_price_vnd=None), requirement) == 0.5
    # The same request asked again (another id) is compared among the same offers, once.
    assert cheaper(offers[5], make_requirement("mật ong", id="r#1")) == PREFERENCE_FLOOR
    assert asked == ["r#0"]


def test_preferences_stay_within_the_floor_and_one(
    make_offer: MakeOffer, make_requirement: MakeRequirement
) -> None:
    offers = [
        make_offer(f"o{i}", "Gạo", province=code, unit_price_vnd=20_000 + 7_000 * i)
        for i, code in enumerate(("01", "31", "38", "48", "56", "66", "79", "96"))
    ]
    cheaper = cheaper_offers(lambda requirement: offers)
    for buyer_province in ("01", "48", "79"):
        requirement = make_requirement("gạo", buyer_province=buyer_province)
        for offer in offers:
            assert PREFERENCE_FLOOR <= nearby_producers(offer, requirement) <= 1.0
            assert PREFERENCE_FLOOR <= cheaper(offer, requirement) <= 1.0
