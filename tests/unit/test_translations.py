"""Messages said in a language that is given, with no app or request: the words from the
catalog, numbers and dates as that language writes them, times on the given clock, things by
their names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from matchmaker.translations import gettext, render

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_coded_message_is_said_in_the_given_language_with_its_numbers() -> None:
    assert (
        render("photo.too_large", {"max": 1500}, "vi") == "Mỗi ảnh có dung lượng tối đa 1.500 MB."
    )
    assert render("photo.too_large", {"max": 1500}, "en") == "A photo can be at most 1,500 MB."


def test_dates_are_written_as_the_language_writes_them_and_times_on_the_given_clock() -> None:
    expiry = {"stars": 4, "title": "Mật ong", "date": date(2026, 3, 31)}
    assert "31 thg 3, 2026" in render("email.body_certificate", expiry, "vi")
    assert "Mar 31, 2026" in render("email.body_certificate", expiry, "en")
    # 17:30 UTC is already the next day in Viet Nam.
    closed = {"deadline": datetime(2026, 9, 10, 17, 30, tzinfo=UTC)}
    assert render("event.registration_closed", closed, "en", SAIGON) == (
        "Registration for this event closed on Sep 11, 2026, 12:30\u202fAM."
    )
    # To the minute, the date the way the language writes it (not "00:30:00 11 thg 9, 2026").
    assert render("event.registration_closed", closed, "vi", SAIGON).endswith("00:30, 11/9/2026.")


def test_provinces_and_certifications_are_named_in_the_language() -> None:
    assert (
        render("explain.in_delivery_area", {"province": "80"}, "vi") == "Sản xuất ngay tại Tây Ninh"
    )
    assert render("explain.in_delivery_area", {"province": "80"}, "en") == (
        "Produced in Tay Ninh, a delivery province"
    )
    assert render("explain.certifications_ok", {"certification": ["vietgap", "haccp"]}, "en") == (
        "Has the required certificates: VietGAP, HACCP"
    )


def test_a_plain_message_id_is_translated_and_an_unshipped_language_reads_vietnamese() -> None:
    assert gettext("Table %(table)s", "vi", table=3) == "Bàn 3"
    assert gettext("Table %(table)s", "en_GB", table=3) == "Table 3"
    assert gettext("Table %(table)s", "fr", table=3) == "Bàn 3"
