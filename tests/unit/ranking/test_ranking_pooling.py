from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.pooling import propose_pools


def _supermarket_need(make_requirement, **fields):
    return make_requirement(
        "bưởi da xanh",
        unit="ton",
        quantity_per_month=5,
        delivery_provinces=frozenset({"79"}),
        **fields,
    )


def test_small_producers_are_pooled_to_cover_a_large_volume(make_offer, make_requirement, today):
    offers = [
        make_offer("a", "Bưởi da xanh Chợ Lách", province="86", monthly_capacity=2000),
        make_offer("b", "Bưởi da xanh Bến Tre", province="86", monthly_capacity=1800),
        make_offer("c", "Bưởi da xanh ruột hồng", province="82", monthly_capacity=1500),
        make_offer("far", "Bưởi da xanh", province="01", monthly_capacity=2500),
        make_offer("other", "Mật ong rừng", province="86", monthly_capacity=9000),
    ]
    pools = propose_pools(OfferIndex(offers), _supermarket_need(make_requirement), today)
    assert pools
    best = pools[0]
    assert 2 <= len(best.offer_ids) <= 4
    assert "other" not in best.offer_ids
    assert best.combined_capacity >= 5
    assert len(set(best.producer_ids)) == len(best.producer_ids)
    assert {"pooled_capacity", "same_kind"} <= {r.code for r in best.reasons}
    assert "far" not in best.offer_ids  # three nearby producers are enough


def test_no_pool_when_one_producer_can_supply(make_offer, make_requirement, today):
    offers = [
        make_offer("big", "Bưởi da xanh", province="86", monthly_capacity=8000),
        make_offer("a", "Bưởi da xanh", province="86", monthly_capacity=2000),
    ]
    assert propose_pools(OfferIndex(offers), _supermarket_need(make_requirement), today) == []


def test_pools_respect_hard_constraints(make_offer, make_requirement, today):
    offers = [
        make_offer("a", "Bưởi da xanh", province="86", monthly_capacity=3000),
        make_offer("b", "Bưởi da xanh", province="86", monthly_capacity=3000, ocop_stars=3),
        make_offer("c", "Bưởi da xanh", province="82", monthly_capacity=3000),
    ]
    pools = propose_pools(
        OfferIndex(offers), _supermarket_need(make_requirement, min_ocop_stars=4), today
    )
    assert pools and all("b" not in p.offer_ids for p in pools)


def test_no_pool_when_even_everyone_together_falls_short(make_offer, make_requirement, today):
    offers = [
        make_offer(str(i), "Bưởi da xanh", province="86", monthly_capacity=500) for i in range(6)
    ]
    assert propose_pools(OfferIndex(offers), _supermarket_need(make_requirement), today) == []
