from collections import Counter
from types import MappingProxyType

import numpy as np

from matchmaker.ranking.fairness import diversify, exposure_adjusted
from matchmaker.ranking.index import OfferIndex


def _catalogue(make_offer):
    big = [
        make_offer(f"big{i}", f"Nước mắm cá cơm loại {i}", producer_id="big", monthly_capacity=9000)
        for i in range(8)
    ]
    small = [
        make_offer(
            f"s{i}",
            f"Nước mắm cá cơm truyền thống {i}",
            producer_id=f"small{i}",
            monthly_capacity=300,
        )
        for i in range(12)
    ]
    return big + small


def test_at_most_two_offers_of_one_producer_in_a_top_ten(make_offer, make_requirement, today):
    results = OfferIndex(_catalogue(make_offer)).rank(
        make_requirement("nước mắm cá cơm"), k=10, on=today
    )
    assert len(results) == 10
    assert max(Counter(r.producer_id for r in results).values()) <= 2


def test_buyer_may_ask_for_more_from_one_producer(make_offer, make_requirement, today):
    requirement = make_requirement("nước mắm cá cơm", max_offers_per_producer=10)
    results = OfferIndex(_catalogue(make_offer)).rank(requirement, k=10, on=today)
    assert Counter(r.producer_id for r in results)["big"] > 2


def test_diversify_holds_back_rather_than_breaks_the_limit():
    items = ["a1", "a2", "a3", "b1", "a4"]
    assert diversify(items, lambda s: s[0], k=10, per_producer=2) == ["a1", "a2", "b1"]
    many = [f"{p}{i}" for i in range(3) for p in "abcdefgh"]
    top = diversify(many, lambda s: s[0], k=20, per_producer=1)
    assert top[:8] == [f"{p}0" for p in "abcdefgh"] and len(top) == 8


def test_heavily_exposed_producer_gives_way_to_an_equal_peer(make_offer, make_requirement, today):
    index = OfferIndex(
        [
            make_offer("big", "Mật ong rừng", producer_id="big"),
            make_offer("new", "Mật ong rừng", producer_id="new"),
        ]
    )
    requirement = make_requirement("mật ong rừng")
    plain = [r.offer_id for r in index.rank(requirement, on=today)]
    exposure = {"big": 400, "new": 0, "x": 5, "y": 3}
    spread = [r.offer_id for r in index.rank(requirement, on=today, exposure=exposure)]
    assert spread[0] == "new"
    assert sorted(plain) == sorted(spread)


def test_exposure_does_not_push_a_poor_match_above_a_good_one(make_offer, make_requirement, today):
    index = OfferIndex(
        [
            make_offer("big", "Mật ong rừng U Minh", producer_id="big"),
            make_offer("weak", "Phấn hoa", producer_id="weak"),
        ]
    )
    results = index.rank(
        make_requirement("mật ong rừng U Minh"), on=today, exposure={"big": 1000, "weak": 0}
    )
    assert results[0].offer_id == "big"


def test_exposure_counts_changed_in_place_are_seen_and_read_only_ones_are_kept() -> None:
    scores = np.array([1.0, 1.0])
    counts = {"a": 10, "b": 0, "c": 0}
    before = exposure_adjusted(scores, ["a", "b"], counts)
    counts.update(b=10, c=10)  # "a" is now only as exposed as everyone else
    after = exposure_adjusted(scores, ["a", "b"], counts)
    assert after[0] > before[0]

    frozen = MappingProxyType({"a": 10, "b": 0, "c": 0})
    assert list(exposure_adjusted(scores, ["a", "b"], frozen)) == list(before)
    assert list(exposure_adjusted(scores, ["a", "b"], frozen)) == list(before)
