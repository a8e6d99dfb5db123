from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.ranking.index import OfferIndex


def test_added_offer_is_found_without_rebuild(make_offer, make_requirement, today):
    index = OfferIndex([make_offer("1", "Nước mắm Phú Quốc")])
    index.add(make_offer("2", "Yến sào Khánh Hòa"))
    assert [r.offer_id for r in index.rank(make_requirement("bird's nest"), on=today)] == ["2"]


def test_changed_offer_is_ranked_by_its_new_text(make_offer, make_requirement, today):
    offer = make_offer("1", "Nước mắm Phú Quốc")
    index = OfferIndex([offer, make_offer("2", "Mắm tôm Hậu Lộc")])
    index.update(replace(offer, title="Mật ong rừng U Minh"))
    assert [r.offer_id for r in index.rank(make_requirement("honey"), on=today)] == ["1"]
    assert "1" not in {r.offer_id for r in index.rank(make_requirement("fish sauce"), on=today)}
    assert len(index) == 2


def test_archived_or_removed_offer_disappears(make_offer, make_requirement, today):
    offer = make_offer("1", "Nước mắm Phú Quốc")
    index = OfferIndex([offer, make_offer("2", "Nước mắm Nam Ô")])
    index.update(replace(offer, status="archived"))
    assert [r.offer_id for r in index.rank(make_requirement("nước mắm"), on=today)] == ["2"]
    assert index.remove("2") and not index.remove("2")
    assert index.rank(make_requirement("nước mắm"), on=today) == []


def test_merging_the_delta_keeps_results(make_offer, make_requirement, today):
    index = OfferIndex([make_offer(str(i), f"Bánh tráng loại {i}") for i in range(5)])
    for i in range(5, 12):
        index.add(make_offer(str(i), f"Nước mắm loại {i}"))
    index.remove("3")
    before = [r.offer_id for r in index.rank(make_requirement("nước mắm"), k=20, on=today)]
    index.merge()
    after = [r.offer_id for r in index.rank(make_requirement("nước mắm"), k=20, on=today)]
    assert sorted(before) == sorted(after) == sorted(str(i) for i in range(5, 12))
    assert "3" not in index and len(index) == 11


def test_producer_view_lists_open_requirements_it_fits(make_offer, make_requirement, today):
    offer = make_offer(
        "1", "Nước mắm cá cơm Phú Quốc", unit="liter", monthly_capacity=3000, min_order_quantity=100
    )
    requirements = [
        make_requirement("fish sauce for export", id="a", unit="liter", quantity_per_month=1000),
        make_requirement(
            "nước mắm", id="b", unit="liter", quantity_per_month=20
        ),  # below the minimum order
        make_requirement("nước mắm", id="closed", status="closed"),
        make_requirement("nước mắm", id="old", valid_until=today - timedelta(days=3)),
        make_requirement("nước mắm", id="strict", min_ocop_stars=5),
        make_requirement("giỏ mây tre đan", id="other"),
    ]
    results = OfferIndex([offer]).rank_requirements(offer, requirements, on=today)
    assert [r.requirement_id for r in results] == ["a", "b"]
    assert "min_order_above" in {g.code for g in results[1].gaps}


def test_reciprocal_fit_prefers_producers_who_want_the_buyer(make_offer, make_requirement, today):
    wants = make_offer("wants", "Cà phê rang xay", wanted_buyer_types=frozenset({"supermarket"}))
    other = make_offer(
        "other",
        "Cà phê rang xay",
        wanted_buyer_types=frozenset({"exporter"}),
        serves_provinces=frozenset({"01"}),
    )
    requirement = make_requirement(
        "cà phê rang xay", buyer_type="supermarket", delivery_provinces=frozenset({"79"})
    )
    results = OfferIndex([other, wants]).rank(requirement, on=today)
    assert [r.offer_id for r in results] == ["wants", "other"]
    assert {"buyer_type_not_targeted", "outside_service_area"} <= {g.code for g in results[1].gaps}


TITLES = ["Nước mắm cá cơm", "Mật ong rừng", "Bánh tráng phơi sương", "Cà phê rang xay", "Mắm tôm"]


# The factories hold no state, so sharing them across generated inputs is safe.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["add", "add", "remove", "archive", "merge"]),
            st.integers(0, 14),
            st.integers(0, 4),
        ),
        max_size=40,
    )
)
def test_incremental_changes_give_the_same_offers_as_a_rebuild(
    make_offer, make_requirement, today, changes
):
    index = OfferIndex([make_offer(str(i), TITLES[i % 5]) for i in range(5)])
    live = {str(i): make_offer(str(i), TITLES[i % 5]) for i in range(5)}
    for action, number, title in changes:
        offer_id = str(number)
        if action == "add":
            live[offer_id] = make_offer(offer_id, TITLES[title])
            index.upsert(live[offer_id])
        elif action == "remove":
            assert index.remove(offer_id) == (live.pop(offer_id, None) is not None)
        elif action == "merge":
            index.merge()
        elif offer_id in live:
            live[offer_id] = replace(live[offer_id], status="archived")
            index.update(live[offer_id])
    fresh = OfferIndex(live.values())
    assert len(index) == len(live)
    for title in TITLES:
        requirement = make_requirement(title)
        incremental = {r.offer_id for r in index.rank(requirement, 50, today)}
        rebuilt = {r.offer_id for r in fresh.rank(requirement, 50, today)}
        assert incremental == rebuilt


def test_responsive_producers_are_preferred_and_said_so(make_offer, make_requirement, today):
    index = OfferIndex([make_offer("quick", "Mật ong rừng"), make_offer("slow", "Mật ong rừng")])
    results = index.rank(
        make_requirement("mật ong rừng"),
        on=today,
        responsiveness={"producer-quick": 0.9, "producer-slow": 0.1},
    )
    assert [r.offer_id for r in results] == ["quick", "slow"]
    assert "responsive_producer" in {r.code for r in results[0].reasons}
    assert "slow_to_respond" in {g.code for g in results[1].gaps}


def test_an_empty_catalogue_fills_up_and_empties_again(make_offer, make_requirement, today):
    index = OfferIndex([])
    assert index.rank(make_requirement("mật ong"), on=today) == []
    index.add(make_offer("1", "Mật ong rừng"))
    assert [r.offer_id for r in index.rank(make_requirement("honey"), on=today)] == ["1"]
    index.remove("1")
    index.merge()
    assert len(index) == 0 and index.rank(make_requirement("honey"), on=today) == []
