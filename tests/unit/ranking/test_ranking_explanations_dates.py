"""An OCOP rating without a certificate date is explained as such, not as expired."""

from datetime import date

from matchmaker.ranking import OfferIndex, OfferRecord, RequirementRecord


def test_undated_rating_is_not_called_expired() -> None:
    offer = OfferRecord(id="1", title="Bánh tráng phơi sương", category="food.processed",
                        unit="kg", producer_id="p", ocop_stars=4)  # fmt: skip
    [result] = OfferIndex([offer]).rank(RequirementRecord(id="r", title="bánh tráng"), 5,
                                        date(2026, 6, 1))  # fmt: skip
    codes = {g.code for g in result.gaps}
    assert "certificate_date_missing" in codes
    assert "certificate_expired" not in codes
