"""The words of every email and link page, in Vietnamese and English."""

from __future__ import annotations

from typing import Any

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "hello": "Xin chào {name},",
        "intro_producer": "Có người mua đang tìm sản phẩm như của bạn:",
        "intro_buyer": "Có nhà sản xuất phù hợp với nhu cầu của bạn:",
        "subject_match_producer": "{buyer} cần “{title}” — sản phẩm của bạn phù hợp",
        "subject_match_buyer": "{count} nhà sản xuất phù hợp với “{title}”",
        "subject_digest_daily": "Bản tin hằng ngày: {count} kết nối mới",
        "subject_digest_weekly": "Bản tin hằng tuần: {count} kết nối mới",
        "for_offer": "cho sản phẩm của bạn: {title}",
        "for_requirement": "cho nhu cầu: {title}",
        "score": "Mức phù hợp: {percent}%",
        "reasons": "Vì sao phù hợp",
        "gaps": "Còn thiếu",
        "view": "Xem",
        "accept": "Quan tâm",
        "decline": "Không phù hợp",
        "preferences": "Chọn tần suất nhận thư",
        "unsubscribe": "Hủy nhận thư",
        "footer": "Bạn nhận thư này vì tài khoản của bạn trên OCOP Matchmaker.",
        "subject_certificate": "Chứng nhận OCOP của “{title}” hết hạn sau {days} ngày",
        "body_certificate": "Chứng nhận OCOP {stars} sao của sản phẩm “{title}” hết hạn ngày "
        "{date}. Hãy liên hệ cơ quan OCOP của tỉnh để đánh giá lại; sau ngày này người mua "
        "sẽ không còn thấy hạng sao của sản phẩm.",
        "subject_requirement": "Nhu cầu “{title}” hết hạn sau {days} ngày",
        "body_requirement": "Nhu cầu “{title}” của bạn hết hạn ngày {date}. Gia hạn nếu bạn "
        "vẫn cần, để tiếp tục nhận gợi ý nhà sản xuất.",
        "page_viewed": "Đây là kết nối bạn đã chọn xem.",
        "page_accepted": "Đã ghi nhận: bạn quan tâm đến kết nối này. Cả hai bên sẽ nhận thư "
        "với thông tin liên hệ của nhau.",
        "page_declined": "Đã ghi nhận: kết nối này không phù hợp. Cảm ơn bạn đã cho biết lý do.",
        "page_decline_ask": "Vì sao kết nối này không phù hợp? Lý do giúp gợi ý sau tốt hơn.",
        "page_decline_submit": "Gửi",
        "page_unsubscribed": "Bạn đã hủy nhận thư. Bạn sẽ không nhận thêm thư nào từ chúng tôi.",
        "page_preferences": "Bạn muốn nhận thư về kết nối mới bao lâu một lần?",
        "page_preferences_saved": "Đã lưu lựa chọn của bạn.",
        "page_save": "Lưu",
        "page_bad_link": "Liên kết không hợp lệ hoặc đã hết hạn.",
        "page_conflict": "Không thể thực hiện: {detail}",
        "freq_instant": "Ngay khi có",
        "freq_daily": "Mỗi ngày một thư",
        "freq_weekly": "Mỗi tuần một thư",
        "subject_accepted_by_other": "{org} quan tâm đến “{title}” — thông tin liên hệ",
        "subject_accepted_by_us": "Thông tin liên hệ của {org} cho “{title}”",
        "intro_accepted_by_other": "{who} đã chấp nhận kết nối với bạn và muốn liên hệ. Hãy trả "
        "lời họ sớm:",
        "intro_accepted_by_you": "Bạn đã chấp nhận kết nối này. Đây là thông tin để liên hệ "
        "trực tiếp với {org}; họ cũng đã nhận được thông tin của bạn.",
        "intro_accepted_by_colleague": "{person} ở tổ chức của bạn đã chấp nhận kết nối này. "
        "Đây là thông tin để liên hệ trực tiếp với {org}; họ cũng đã nhận được thông tin của bạn.",
        "contact": "Liên hệ",
        "contact_email": "Thư điện tử",
        "contact_phone": "Điện thoại",
        "contact_address": "Địa chỉ",
        "after_contact": "Sau khi liên hệ, bấm “Đánh dấu đã liên hệ” hoặc “Đã giao dịch thành "
        "công” trên trang kết nối để gợi ý sau tốt hơn.",
    },
    "en": {
        "hello": "Hello {name},",
        "intro_producer": "Buyers are looking for products like yours:",
        "intro_buyer": "Producers fit your requirement:",
        "subject_match_producer": "{buyer} needs “{title}” — your product fits",
        "subject_match_buyer": "{count} producer(s) fit “{title}”",
        "subject_digest_daily": "Daily digest: {count} new match(es)",
        "subject_digest_weekly": "Weekly digest: {count} new match(es)",
        "for_offer": "for your product: {title}",
        "for_requirement": "for your requirement: {title}",
        "score": "Fit: {percent}%",
        "reasons": "Why it fits",
        "gaps": "What is missing",
        "view": "View",
        "accept": "Interested",
        "decline": "Not a fit",
        "preferences": "Choose how often you hear from us",
        "unsubscribe": "Unsubscribe",
        "footer": "You receive this email because of your OCOP Matchmaker account.",
        "subject_certificate": "The OCOP certificate of “{title}” expires in {days} days",
        "body_certificate": "The {stars}-star OCOP certificate of “{title}” expires on {date}. "
        "Ask your province's OCOP office for a re-assessment; after that date buyers no "
        "longer see the product's stars.",
        "subject_requirement": "Your requirement “{title}” expires in {days} days",
        "body_requirement": "Your requirement “{title}” expires on {date}. Extend it if you "
        "still need it, to keep receiving suggested producers.",
        "page_viewed": "This is the match you chose to view.",
        "page_accepted": "Noted: you are interested in this match. Both sides are emailed "
        "each other's contact details.",
        "page_declined": "Noted: this match is not a fit. Thank you for saying why.",
        "page_decline_ask": "Why is this match not a fit? Your reason improves future ones.",
        "page_decline_submit": "Send",
        "page_unsubscribed": "You are unsubscribed. You will receive no more email from us.",
        "page_preferences": "How often do you want to hear about new matches?",
        "page_preferences_saved": "Your choice is saved.",
        "page_save": "Save",
        "page_bad_link": "This link is not valid or has expired.",
        "page_conflict": "This cannot be done: {detail}",
        "freq_instant": "As they come",
        "freq_daily": "One email a day",
        "freq_weekly": "One email a week",
        "subject_accepted_by_other": "{org} is interested in “{title}” — contact details",
        "subject_accepted_by_us": "Contact details of {org} for “{title}”",
        "intro_accepted_by_other": "{who} accepted the match with you and wants to get in "
        "touch. Reply to them soon:",
        "intro_accepted_by_you": "You accepted this match. Here is how to reach {org} directly; "
        "they have received your details too.",
        "intro_accepted_by_colleague": "{person} in your organization accepted this match. Here "
        "is how to reach {org} directly; they have received your details too.",
        "contact": "Contact",
        "contact_email": "Email",
        "contact_phone": "Phone",
        "contact_address": "Address",
        "after_contact": "Once you are in touch, press “Mark as contacted” or “We made a deal” "
        "on the match's page so that future suggestions fit better.",
    },
}


def translator(language: str) -> Any:
    table = TEXT.get(language, TEXT["vi"])

    def t(key: str, **values: Any) -> str:
        return table[key].format(**values)

    return t
