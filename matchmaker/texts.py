"""Every coded message the domain can emit, with its English text: the message id that Babel
extracts (``N_``) and that the edge translates in the reader's language.

A code is ``area.what``; its text names parameters as ``%(name)s``. The services never import
this module's texts: they raise codes (:mod:`matchmaker.errors`). A test checks that every code
raised in the package is here and translated in every shipped language.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


MESSAGES: dict[str, str] = {
    # --- field rules every input model shares ---------------------------------------------
    "field.required": N_("This field is required."),
    "field.text": N_("Enter text."),
    "field.number": N_("Enter a number."),
    "field.whole_number": N_("Enter a whole number."),
    "field.positive": N_("Enter a number greater than 0."),
    "field.not_negative": N_("Enter 0 or more."),
    "field.at_least": N_("Enter %(min)s or more."),
    "field.at_most": N_("Enter %(max)s or less."),
    "field.max_length": N_("Use at most %(max)s characters."),
    "field.min_length": N_("Use at least %(min)s characters."),
    "field.date": N_("Enter a date."),
    "field.future_date": N_("Cannot be in the future."),
    "field.past_date": N_("This date has already passed."),
    "field.url": N_("Enter a web address starting with http:// or https://."),
    "field.email": N_("Enter an email address such as name@example.vn."),
    "field.choice": N_("Choose a value from the list."),
    "field.province": N_("Choose a province from the list."),
    "field.invalid": N_("This value is not valid."),
    "field.control_character": N_(
        "Remove the invisible control characters (such as a NUL byte) from this text."
    ),
    "field.direction_control": N_(
        "Remove the characters that change the direction of the text (such as U+202E)."
    ),
    "field.line_break": N_("Write this on one line."),
    "field.invisible": N_("Type something visible: this text has only invisible characters."),
    "field.no_links": N_(
        "Leave web addresses out of a name: it is shown in emails, where one would become a link."
    ),
    # --- the API's own checks -------------------------------------------------------------
    "request.invalid": N_("The request has invalid fields: %(fields)s."),
    # --- accounts -------------------------------------------------------------------------
    "account.invalid": N_("The account has invalid fields."),
    "account.staff_manage_accounts": N_("Only officers and admins manage accounts."),
    "account.user_not_found": N_("This user does not exist."),
    "account.suspend_self": N_("You cannot suspend your own account."),
    "auth.token_missing": N_("Sign in: send 'Authorization: Bearer <token>'."),
    "auth.token_invalid": N_("The token is unknown, expired or revoked; get a new one."),
    "account.email_taken": N_("An account with the email %(email)s already exists."),
    "account.registration_refused": N_(
        "This email cannot be used to register. If you already have an account, sign in."
    ),
    "account.weak_password": N_(
        "This password is too easy to guess (a common password, a name, a date or a simple "
        "pattern). Choose a longer one, such as a few words that do not go together."
    ),
    "account.kind_for_role": N_(
        "The organization's kind must be the role you register with (or leave it out)."
    ),
    "account.not_found": N_("No account has the email %(email)s."),
    "account.password_too_short": N_("The password is too short."),
    "account.wrong_password": N_("This is not your current password."),
    "account.same_password": N_("Choose a password other than the current one."),
    "account.staff_roles_only": N_("Only officer and admin accounts are made here."),
    "account.self_registration_roles": N_(
        "Only producers and buyers register themselves; officer and admin accounts are made "
        "by an administrator."
    ),
    "account.invite_code_mismatch": N_("The code does not match."),
    "account.join_wrong_kind": N_(
        "This organization's members have another role: choose that role to join it."
    ),
    "account.role_for_kind": N_("This organization's members have another role."),
    "account.bad_credentials": N_("The email or password is wrong."),
    "account.too_many_attempts": N_(
        "Too many sign-in attempts. Try again in %(retry_after)s seconds."
    ),
    # A producer the province lists, claimed by the household or firm registering as it.
    "account.claim_waiting_approval": N_(
        "%(name)s is on the OCOP list of %(province)s. We have asked the province's OCOP "
        "office to confirm that you represent it; you can sign in once they approve, and we "
        "will email you their answer."
    ),
    "organization.claimed": N_(
        "%(name)s in %(province)s already has an account. Ask its members for their "
        "invitation code, or contact the OCOP office of %(province)s."
    ),
    "organization.claim_waiting": N_(
        "Someone has already asked to take over %(name)s in %(province)s, and the province's "
        "OCOP office is deciding. If it was not you, contact the OCOP office of %(province)s."
    ),
    "account.claim_pending": N_(
        "%(name)s registered as a producer on the province's list and waits for an answer: "
        "approve or refuse the request on the producers' requests page."
    ),
    "account.claim_refused": N_(
        "The request of %(name)s to take over a producer on the province's list was refused, "
        "so this account stays closed."
    ),
    "claim.not_found": N_("Request %(claim_id)s does not exist."),
    "claim.forbidden": N_("Only the officers of %(province)s and admins decide this request."),
    "claim.staff_only": N_("Only officers and admins decide these requests."),
    "claim.decided": N_("This request has already been decided."),
    # --- catalog: organizations, offers, requirements -------------------------------------
    "field.list": N_("Give a list."),
    "field.max_items": N_("Give at most %(max)s items."),
    "field.boolean": N_("Choose yes or no."),
    "field.unknown": N_("This is not a field of this record."),
    "field.unknown_codes": N_("Unknown codes: %(codes)s."),
    "field.provinces": N_("Unknown provinces: %(values)s."),
    "field.countries": N_("These are not two-letter country codes (ISO 3166): %(values)s."),
    "record.stale_version": N_(
        "Someone else changed this meanwhile (version %(current)s; you edited version "
        "%(expected)s). Reload it and make your change again."
    ),
    "record.changed_meanwhile": N_(
        "Someone else changed this at the same moment. Reload it and make your change again."
    ),
    "record.bad_if_match": N_('If-Match must be an ETag this API gave out, like "v3".'),
    "page.invalid": N_("The page number is not valid."),
    "page.bad_cursor": N_("The cursor is not one this API gave out."),
    "organization.invalid": N_("The organization has invalid fields."),
    "organization.not_found": N_("Organization %(organization_id)s does not exist."),
    "organization.not_member": N_("Only the organization's own members can change it."),
    "organization.kind_fixed": N_("An organization's kind cannot change."),
    "organization.wrong_kind": N_(
        "This organization cannot do this: offers belong to producers, requirements to buyers."
    ),
    "offer.invalid": N_("The offer has invalid fields."),
    "offer.not_found": N_("Offer %(offer_id)s does not exist."),
    "offer.producers_only": N_("Only producers post offers."),
    "offer.not_owner": N_("Only the producer that owns this offer can change it."),
    "offer.province_required": N_("The offer needs a province: the producer has none on record."),
    "offer.stars": N_("Choose 3, 4 or 5 stars."),
    "offer.expiry_before_issue": N_("Must be after the date the certificate was issued."),
    "offer.certificate_too_long": N_(
        "An OCOP certificate lasts at most %(count)s months from its issue date."
    ),
    "offer.potential_five_star": N_("Only a 4-star product can be a potential 5-star product."),
    "offer.stars_required": N_("Choose the star rating the certificate gives."),
    "offer.duplicate_title": N_("You already list a product named “%(title)s”."),
    "organization.producer_exists": N_(
        "A producer named %(name)s is already listed in this province. Ask its members for "
        "their invitation code, or the province's OCOP office."
    ),
    # An offer's history: each field by its name, who changed it, and its values.
    "offer.history_forbidden": N_(
        "Only the producer and the officers of its province see this product's history."
    ),
    "offer.field.title": N_("Product name"),
    "offer.field.description": N_("Description"),
    "offer.field.category": N_("Product group"),
    "offer.field.unit": N_("Unit"),
    "offer.field.ocop_stars": N_("OCOP stars"),
    "offer.field.ocop_potential_five_star": N_("Potential 5-star"),
    "offer.field.ocop_certified_on": N_("OCOP certificate issued"),
    "offer.field.ocop_certified_until": N_("OCOP certificate expires"),
    "offer.field.ocop_decision_number": N_("Decision number"),
    "offer.field.certifications": N_("Certifications"),
    "offer.field.province": N_("Province/city"),
    "offer.field.monthly_capacity": N_("Monthly capacity"),
    "offer.field.min_order_quantity": N_("Minimum order"),
    "offer.field.unit_price_vnd": N_("Price"),
    "offer.field.shelf_life_days": N_("Shelf life (days)"),
    "offer.field.export_markets": N_("Export markets"),
    "offer.field.traceability_url": N_("Traceability link (QR code)"),
    "offer.field.status": N_("Status"),
    "offer.status.active": N_("Listed"),
    "offer.status.paused": N_("Paused"),
    "offer.status.archived": N_("Archived"),
    "history.none": N_("(none)"),
    "history.yes": N_("Yes"),
    "history.no": N_("No"),
    "history.by_import": N_("import of %(file)s"),
    "history.by_user_import": N_("%(user)s, import of %(file)s"),
    "history.by_producer": N_("%(user)s of %(organization)s, the producer's own edit"),
    "history.by_admin": N_("%(user)s, administrator"),
    "history.by_removed_account": N_("an account since removed"),
    "requirement.invalid": N_("The requirement has invalid fields."),
    "requirement.not_found": N_("Requirement %(requirement_id)s does not exist."),
    "requirement.buyers_only": N_("Only buyers post requirements."),
    "requirement.not_owner": N_("Only the buyer that posted this requirement can change it."),
    "requirement.unit_required": N_("Choose the unit of the monthly quantity."),
    "shortlist.invalid": N_("The shortlist entry has invalid fields."),
    "shortlist.buyers_only": N_("Only buyers keep a shortlist of suppliers."),
    "shortlist.full": N_("A shortlist holds at most %(max)s offers; remove some first."),
    # --- quotes: a producer's priced answer to a requirement, and the buyer's comparison ---
    "quote.not_found": N_("Quote %(quote_id)s does not exist."),
    "quote.invalid": N_("The quote has invalid fields."),
    "quote.producers_only": N_("Only producers quote on requirements."),
    "quote.producer_only": N_("Only the producer that made the quote can change it."),
    "quote.buyer_only": N_("Only the buyer of the requirement can accept or decline its quotes."),
    "quote.requirement_not_open": N_("The requirement is no longer open: it takes no more quotes."),
    "quote.not_your_offer": N_("Choose one of your own products."),
    "quote.offer_not_active": N_("The product is not on sale: make it active first."),
    "quote.exists": N_("You already quoted this product on this requirement: revise that quote."),
    "quote.not_open": N_(
        "The quote was withdrawn or already answered: it can no longer be changed."
    ),
    "quote.expired": N_("The quote's price held until %(valid_until)s; ask for a new one."),
    "quote.decline_reason_required": N_("Say why you decline the quote."),
    "quote.provinces_need_delivery": N_(
        "Name delivery provinces only when you deliver; ex-works goods are collected."
    ),
    "quote.not_comparable": N_("Not comparable"),
    "quote.status.open": N_("Open"),
    "quote.status.withdrawn": N_("Withdrawn"),
    "quote.status.accepted": N_("Accepted"),
    "quote.status.declined": N_("Declined"),
    "quote.terms.ex_works": N_("Ex-works (collected at the producer)"),
    "quote.terms.delivered": N_("Delivered"),
    "quote.export.sheet": N_("Quotes"),
    "quote.export.yes": N_("Yes"),
    "quote.export.no": N_("No"),
    "quote.export.unit": N_("%(unit)s"),
    "quote.export.column.producer": N_("Producer"),
    "quote.export.column.offer": N_("Product"),
    "quote.export.column.status": N_("Status"),
    "quote.export.column.unit_price_vnd": N_("Unit price (VND)"),
    "quote.export.column.unit": N_("Unit"),
    "quote.export.column.price_per_wanted_unit": N_("Price per requested unit (VND)"),
    "quote.export.column.freight_estimate": N_("Freight per requested unit, estimate (VND)"),
    "quote.export.column.delivered_cost": N_("Delivered cost per requested unit, estimate (VND)"),
    "quote.freight_note": N_(
        "Delivered cost is an estimate: the price plus freight at %(rate)s VND per tonne-km over "
        "the straight-line distance between provincial centres times %(factor)s, to the "
        "farthest delivery province; nothing is added where the producer delivers there."
    ),
    "quote.export.column.min_order_quantity": N_("Minimum order"),
    "quote.export.column.monthly_volume": N_("Monthly volume"),
    "quote.export.column.lead_time_days": N_("Lead time (days)"),
    "quote.export.column.delivery_terms": N_("Delivery"),
    "quote.export.column.valid_until": N_("Price valid until"),
    "quote.export.column.samples_available": N_("Samples"),
    "quote.export.column.ocop_stars": N_("OCOP stars (valid on delivery)"),
    "quote.export.column.certificate_valid": N_("Certificate valid on delivery"),
    "quote.export.column.note": N_("Note"),
    # --- conversations: a thread per match or meeting, its messages and files -----------
    "conversation.not_found": N_("This conversation does not exist."),
    "conversation.sides_only": N_(
        "Only the buyer and the producer of this conversation can write in it."
    ),
    "message.empty": N_("Write a message or attach a file."),
    "message.invalid": N_("The message needs fixing."),
    "attachment.not_found": N_("This file does not exist."),
    "attachment.empty": N_("The file is empty."),
    "attachment.too_large": N_("A file can be at most %(max)s MB."),
    "attachment.bad_type": N_("Attach a PDF or a JPEG, PNG or WebP image."),
    "attachment.too_many": N_("Attach at most %(count)s files."),
    "email.subject_message": N_("%(org)s sent you a message about “%(title)s”"),
    "email.subject_messages": N_("%(org)s: %(count)s new messages about “%(title)s”"),
    "email.intro_messages": N_("%(org)s wrote to you about “%(title)s”:"),
    "email.messages_files": N_("%(count)s file(s) attached"),
    "email.messages_open": N_("Read and reply"),
    "email.messages_mute": N_("Stop emails about this conversation"),
    "link.mute_ask": N_("Do you want to stop receiving emails about this conversation?"),
    "link.mute_submit": N_("Stop these emails"),
    "link.muted": N_(
        "You will receive no more emails about this conversation. Its new messages still show "
        "in your inbox."
    ),
    # --- catalog: the OCOP list import ----------------------------------------------------
    "import.column.title": N_("Product name"),
    "import.column.producer": N_("Producer"),
    "import.column.stars": N_("Stars"),
    "import.column.group": N_("Product group"),
    "import.column.subgroup": N_("Product sub-group"),
    "import.column.province": N_("Province/city"),
    "import.column.address": N_("Address"),
    "import.column.decision": N_("Decision number"),
    "import.column.certified_on": N_("Issue date"),
    "import.column.certified_until": N_("Expiry date"),
    "import.column.recognised_year": N_("Year recognised"),
    "import.column.entity_type": N_("Type of entity"),
    "import.column.unit": N_("Unit"),
    "import.column.price": N_("Price"),
    "import.column.capacity": N_("Capacity"),
    "import.column.shelf_life": N_("Shelf life"),
    "import.column.certifications": N_("Certifications"),
    "import.column.description": N_("Description"),
    "import.column.traceability": N_("Traceability link (QR code)"),
    "import.column.phone": N_("Phone"),
    "import.column.email": N_("Email"),
    "import.xls_unsupported": N_(
        "Old .xls workbooks cannot be read; save the sheet as .xlsx or CSV."
    ),
    "import.unknown_encoding": N_(
        "The file is not text in a known encoding (UTF-8, Windows-1258 or Windows-1252)."
    ),
    "import.cannot_open": N_("The file cannot be opened."),
    "import.empty_file": N_("The file is empty."),
    "import.xlsx_named_wrong": N_("This is an Excel workbook; give it a .xlsx name."),
    "import.bad_xlsx": N_("This is not a readable .xlsx workbook."),
    "import.unsafe_xlsx": N_(
        "This workbook declares XML entities, which a spreadsheet never needs; it is not read."
    ),
    "import.binary_file": N_(
        "This file is not text: save the list as CSV (UTF-8) or as an Excel .xlsx workbook."
    ),
    "import.file_too_large": N_(
        "The file is %(size_mb)s MB; a list may be at most %(max_mb)s MB. Split it into parts."
    ),
    "import.unpacked_too_large": N_(
        "The workbook unpacks to %(size_mb)s MB, more than a list can hold (at most "
        "%(max_mb)s MB); it is not read."
    ),
    "import.too_many_rows": N_(
        "The list has more than %(max_rows)s rows; split it into parts and import each."
    ),
    "import.too_many_columns": N_(
        "A row has more than %(max_columns)s columns; keep only the columns of the list."
    ),
    "import.no_sheet": N_("There is no sheet named %(sheet)s; the sheets are %(sheets)s."),
    "import.no_rows": N_("The file has no rows."),
    "import.missing_column": N_(
        "Required columns are missing: %(columns)s. Columns recognised: %(found_columns)s."
    ),
    "import.unknown_default_province": N_(
        "Unknown province %(value)s given for the rows without one."
    ),
    "import.bad_row": N_("The row has invalid cells."),
    "import.empty_row": N_("empty row"),
    "import.not_a_product": N_("a heading, total or signature line, not a product"),
    "import.cell_too_long": N_("a cell is longer than %(max_chars)s characters"),
    "import.control_characters_removed": N_(
        "control characters (such as NUL) removed from the row's cells"
    ),
    "import.bad_year": N_("%(value)s is not a year"),
    "import.cell_empty": N_("is empty"),
    "import.bad_stars": N_("%(value)s is not 3, 4 or 5 stars"),
    "import.unknown_group": N_("unknown product group %(value)s"),
    "import.unknown_province": N_("unknown province %(value)s"),
    "import.no_province": N_("no province in the row or in its address"),
    "import.bad_date": N_("%(value)s is not a date (write dd/mm/yyyy)"),
    "import.unknown_unit": N_("unknown unit %(value)s"),
    "import.bad_number": N_("%(value)s is not a number"),
    "import.duplicate_row": N_("same product as row %(row)s"),
    "import.unknown_certification": N_("certification %(value)s not recognised; left out"),
    "import.group_needs_review": N_(
        "no product group given and the name does not make it clear: %(category)s taken; "
        "also likely: %(other_category)s; please check"
    ),
    "import.certificate_expired": N_(
        "OCOP certificate expired on %(day)s; imported, but the rating does not count"
    ),
    "import.outside_province": N_(
        "this row is in %(province)s; you import for %(scope_province)s only"
    ),
    "import.kept_producer_fields": N_(
        "the producer keeps these itself (it has an account), so they were left as they are: "
        "%(columns)s"
    ),
    "import.write_conflict": N_(
        "another import wrote this product at the same moment; import the file again"
    ),
    "import.staff_only": N_("Only officers and admins import the province's lists."),
    # --- import jobs: the officer's imports, their progress, preview and report ----------
    "import.not_found": N_("This import does not exist."),
    "import.row_not_found": N_("Row %(row)s is not in this preview."),
    "import.not_previewed": N_("This import is not waiting for a confirmation."),
    "import.invalid_choice": N_("The choice of product group is not valid."),
    "import.file_gone": N_("The uploaded file is no longer kept; upload it again."),
    "import.stalled_preview": N_(
        "The preview stopped at row %(done)s of %(total)s: the worker showed no progress for "
        "%(minutes)s minutes, even after a second start. Nothing was stored; upload the file "
        "again."
    ),
    "import.stalled_import": N_(
        "The import stopped at row %(done)s of %(total)s: the worker showed no progress for "
        "%(minutes)s minutes. The rows imported before that are kept; import the file again to "
        "finish (those rows will show as unchanged)."
    ),
    "import.failed": N_(
        "The import stopped on an unexpected error. Try again, or tell the administrator."
    ),
    "import.by_command_line": N_("command line"),
    "import.when": N_("%(moment)s"),
    "import.state.queued": N_("waiting to start"),
    "import.state.previewing": N_("checking the rows"),
    "import.state.previewed": N_("preview ready"),
    "import.state.importing": N_("importing"),
    "import.state.done": N_("done"),
    "import.state.failed": N_("failed"),
    "import.action.new": N_("new"),
    "import.action.update": N_("update"),
    "import.action.unchanged": N_("unchanged"),
    "import.action.rejected": N_("rejected"),
    "import.action.review": N_("needs review"),
    "import.export.sheet": N_("Import report"),
    "import.export.row": N_("Row"),
    "import.export.action": N_("Outcome"),
    "import.export.product": N_("Product"),
    "import.export.producer": N_("Producer"),
    "import.export.group": N_("Product group"),
    "import.export.details": N_("Details"),
    "import.export.changed": N_("%(field)s: %(old)s → %(new)s"),
    # --- matching and search --------------------------------------------------------------
    "match.invalid": N_("The answer has invalid fields."),
    "match.not_found": N_("Match %(match_id)s does not exist."),
    "match.not_a_side": N_("Only the buyer and the producer of a match can answer it."),
    "match.needs_buyer_yes": N_(
        "The buyer has not said yes to this match yet: contact and a deal wait for their answer."
    ),
    "match.needs_producer_yes": N_(
        "The producer has not said yes to this match yet: a deal waits for their answer."
    ),
    "match.decline_reason_required": N_(
        "Say why you decline, so that future suggestions fit better."
    ),
    "match.wrong_status": N_(
        "This suggestion has already moved on; it cannot take this answer now."
    ),
    "match.requirement_owner_only": N_(
        "Only the buyer that posted the requirement sees its matches."
    ),
    "match.offer_owner_only": N_("Only the producer that owns the offer sees its matches."),
    "order.invalid": N_("Some of the order's details need fixing."),
    "order.not_allowed": N_(
        "Only the buyer, the producer and the officers of the province record orders on a match."
    ),
    "order.needs_deal": N_("Orders are recorded once the match has reached a deal."),
    "order.kind.order": N_("First order"),
    "order.kind.repeat": N_("Repeat order"),
    "search.invalid": N_("Check the search filters."),
    "search.price_range": N_("The highest price must be at least the lowest price."),
    # --- events ---------------------------------------------------------------------------
    "event.invalid": N_("Some of the event's details need fixing."),
    "event.not_found": N_("This event does not exist."),
    "event.organizers_only": N_("Only the officers of the organizing agency manage this event."),
    "event.officers_only": N_("Only trade promotion officers create events."),
    "event.reports_officers_only": N_("Reports are for officers."),
    "event.cancelled": N_("This event was cancelled."),
    "event.registration_closed": N_("Registration for this event closed on %(deadline)s."),
    "event.no_session": N_("Give at least one session."),
    "event.session_order": N_("A session must end after it starts."),
    "event.sessions_overlap": N_("Two sessions of one day overlap."),
    "event.no_slot": N_(
        "No meeting fits in the sessions: make the meetings shorter or the sessions longer."
    ),
    "event.clock": N_("Enter a time, e.g. 08:00"),
    "event.moment": N_("Enter a date and a time."),
    "event.too_many": N_("Choose at most %(max)s."),
    "event.not_scheduled": N_("This event has not been scheduled yet."),
    "event.nothing_to_publish": N_("There is no schedule to send yet: run the scheduler first."),
    "participant.invalid": N_("Some of the registration's details need fixing."),
    "participant.not_found": N_("This participant does not exist."),
    "participant.not_registered": N_("Your organization is not registered for this event."),
    "participant.firms_only": N_("Only producers and buyers take part in events."),
    "participant.other_provinces": N_("This event is for firms from other provinces."),
    "participant.other_categories": N_("This event is for other product groups."),
    "participant.rejected": N_("This registration was declined by the organizers."),
    "participant.withdrew": N_("The firm withdrew its registration."),
    "participant.not_yours": N_("Choose only your own organization's items."),
    "participant.window_order": N_("A time when you can meet must end after it starts."),
    "participant.unknown_firms": N_("Some of the chosen firms are not producers or buyers here."),
    "participant.list_too_long": N_("A list of firms has at most %(limit)s lines."),
    "participant.unreadable": N_("This file cannot be read: send an .xlsx or a UTF-8 .csv file."),
    "invitation.invalid": N_("Some of the invitation's details need fixing."),
    "invitation.no_email": N_("Give at least one email address."),
    "invitation.bad_link": N_(
        "This invitation link is broken or was made for another event. Ask the organizers "
        "for a new one."
    ),
    "meeting.invalid": N_("The meeting request needs fixing."),
    "meeting.not_found": N_("This meeting does not exist."),
    "meeting.request_not_found": N_("This meeting request does not exist."),
    "meeting.not_approved": N_("Both sides must be approved participants of the event."),
    "meeting.other_side": N_("Meetings are between a producer and a buyer of the same event."),
    "meeting.asked_before": N_(
        "This meeting was asked for before and was declined, withdrawn or has expired."
    ),
    "meeting.already_answered": N_("This request was already answered, withdrawn or has expired."),
    "meeting.answer_not_yours": N_("Only the participant who was asked answers a meeting request."),
    "meeting.change_not_yours": N_(
        "Only the two sides and the organizers change a meeting request."
    ),
    "deal.invalid": N_("The meeting's outcome needs fixing."),
    "deal.stage_backwards": N_("A deal only moves forward: it cannot go back to an earlier stage."),
    "deal.no_show": N_("A meeting that did not take place cannot have led to a deal."),
    "schedule.inconsistent": N_("The meeting schedule's input is inconsistent."),
    "schedule.duplicate_id": N_("%(id)s is given twice."),
    "schedule.slot_order": N_("Slot %(id)s must end after it starts."),
    "schedule.slots_overlap": N_("Slot %(id)s is out of time order or overlaps the one before."),
    "schedule.unknown_slot": N_("%(id)s names a slot that does not exist: %(slot)s."),
    "schedule.negative_cap": N_("%(id)s cannot have a negative number of meetings."),
    "schedule.unknown_participant": N_("Request %(id)s names a participant who does not exist."),
    "schedule.self_meeting": N_("Request %(id)s asks a firm to meet itself."),
    "schedule.same_side": N_("Request %(id)s does not pair a producer with a buyer."),
    "schedule.score_range": N_("Request %(id)s has a score outside 0 to 1."),
    "schedule.table_taken": N_("Request %(id)s and %(other)s share one table in one slot."),
    "schedule.double_booked": N_("Request %(id)s and %(other)s book one firm twice in one slot."),
    # --- notifications --------------------------------------------------------------------
    "preferences.invalid": N_("Choose how often you want to hear from us."),
    "email.hello": N_("Hello %(name)s,"),
    "email.intro_producer": N_("Buyers are looking for products like yours:"),
    "email.intro_buyer": N_("Producers fit your requirement:"),
    "email.subject_match_producer": N_("%(buyer)s needs “%(title)s” — your product fits"),
    "email.subject_match_buyer": N_("%(count)s producer(s) fit “%(title)s”"),
    "email.subject_digest_daily": N_("Daily digest: %(count)s new match(es)"),
    "email.subject_digest_weekly": N_("Weekly digest: %(count)s new match(es)"),
    "email.for_offer": N_("for your product: %(title)s"),
    "email.for_requirement": N_("for your requirement: %(title)s"),
    "email.score": N_("Fit: %(percent)s%%"),
    "email.reasons": N_("Why it fits"),
    "email.gaps": N_("What is missing"),
    "email.view": N_("View"),
    "email.accept": N_("Interested"),
    "email.decline": N_("Not a fit"),
    "email.preferences": N_("Choose how often you hear from us"),
    "email.unsubscribe": N_("Unsubscribe"),
    "email.footer": N_("You receive this email because of your OCOP Matchmaker account."),
    "email.subject_certificate": N_("The OCOP certificate of “%(title)s” expires in %(days)s days"),
    "email.body_certificate": N_(
        "The %(stars)s-star OCOP certificate of “%(title)s” expires on %(date)s. Ask your "
        "province's OCOP office for a re-assessment; after that date buyers no longer see the "
        "product's stars."
    ),
    "email.subject_requirement": N_("Your requirement “%(title)s” expires in %(days)s days"),
    "email.body_requirement": N_(
        "Your requirement “%(title)s” expires on %(date)s. Extend it if you still need it, to "
        "keep receiving suggested producers."
    ),
    "email.subject_registration_attempt": N_("Someone tried to register with your email"),
    "email.body_registration_attempt": N_(
        "Someone tried to open an OCOP Matchmaker account with this email address, which "
        "already has one. If it was you, sign in at %(url)s (or ask us to reset your "
        "password). If it was not, you need do nothing: no account was made."
    ),
    "email.subject_accepted_by_other": N_("%(org)s is interested in “%(title)s” — contact details"),
    "email.subject_accepted_by_us": N_("Contact details of %(org)s for “%(title)s”"),
    "email.intro_accepted_by_other": N_(
        "%(who)s accepted the match with you and wants to get in touch. Reply to them soon:"
    ),
    "email.intro_accepted_by_you": N_(
        "You accepted this match. Here is how to reach %(org)s directly; they have received "
        "your details too."
    ),
    "email.intro_accepted_by_colleague": N_(
        "%(person)s in your organization accepted this match. Here is how to reach %(org)s "
        "directly; they have received your details too."
    ),
    "email.subject_ocop_changes": N_("The province's OCOP list updated %(count)s of your products"),
    "email.intro_ocop_changes": N_(
        "Your province's OCOP office imported its list of OCOP products (%(file)s). The province "
        "is the authority for these OCOP facts of your products; your prices, capacity, "
        "descriptions and links stay as you keep them:"
    ),
    "email.ocop_added": N_("newly listed"),
    "email.ocop_changes_after": N_(
        "If something is not right, contact your province's OCOP office."
    ),
    "email.contact": N_("Contact"),
    "email.contact_email": N_("Email"),
    "email.contact_phone": N_("Phone"),
    "email.contact_address": N_("Address"),
    "email.after_contact": N_(
        "Once you are in touch, press “Mark as contacted” or “We made a deal” on the match's "
        "page so that future suggestions fit better."
    ),
    "link.viewed": N_("This is the match you chose to view."),
    "link.accepted": N_(
        "Noted: you are interested in this match. The other side is told, and contact details "
        "are emailed as soon as both sides may have them."
    ),
    "link.declined": N_("Noted: this match is not a fit. Thank you for saying why."),
    "link.decline_ask": N_("Why is this match not a fit? Your reason improves future ones."),
    "link.decline_submit": N_("Send"),
    "link.unsubscribed": N_("You are unsubscribed. You will receive no more email from us."),
    "link.preferences": N_("How often do you want to hear about new matches?"),
    "link.preferences_saved": N_("Your choice is saved."),
    "link.save": N_("Save"),
    "link.bad_link": N_("This link is not valid or has expired."),
    "link.expired": N_(
        "This link has expired. Sign in to choose which emails you receive, on the Email page."
    ),
    "link.accept_ask": N_(
        "Do you want to accept this match? Your contact details will be shared as the match"
        " goes ahead."
    ),
    "link.accept_submit": N_("Accept this match"),
    "link.decline_link": N_("Not a fit"),
    "link.unsubscribe_ask": N_("Do you want to stop receiving email from us?"),
    "link.unsubscribe_submit": N_("Unsubscribe"),
    "link.conflict": N_("This cannot be done: %(detail)s"),
    "link.frequency.instant": N_("As they come"),
    "link.frequency.daily": N_("One email a day"),
    "link.frequency.weekly": N_("One email a week"),
    "email.quote_price": N_("Price"),
    "email.quote_min_order": N_("Minimum order"),
    "email.quote_volume": N_("Monthly volume"),
    "email.quote_lead_time": N_("Lead time"),
    "email.quote_days": N_("%(days)s days"),
    "email.quote_delivery": N_("Delivery"),
    "email.quote_valid_until": N_("Price valid until"),
    "email.quote_new": N_("New quote: %(producer)s — %(offer)s"),
    "email.quote_revised": N_("Revised quote: %(producer)s — %(offer)s"),
    "email.intro_quotes": N_(
        "Producers answered your requirement “%(title)s”. Compare the quotes side by side, with "
        "prices in your unit and an estimate of the delivered cost, then accept or decline:"
    ),
    "email.quotes_compare": N_("Compare the quotes"),
    "email.subject_quotes": N_("%(count)s new or revised quotes on “%(title)s”"),
    "email.subject_quote_new": N_("New quote from %(producer)s on “%(title)s”"),
    "email.subject_quote_revised": N_("%(producer)s revised its quote on “%(title)s”"),
    "email.quote_terms": N_("Your quote"),
    "email.quote_deal_value": N_("A month of the deal"),
    "email.quote_reason": N_("Their reason"),
    "email.quote_open": N_("Open your quote"),
    "email.subject_quote_accepted": N_("%(buyer)s accepted your quote for %(offer)s"),
    "email.intro_quote_accepted": N_(
        "%(buyer)s accepted your quote for %(offer)s on their requirement “%(title)s”. Both of "
        "you agreed, so here is how to reach them; they have your details too."
    ),
    "email.subject_quote_declined": N_("%(buyer)s declined your quote for %(offer)s"),
    "email.intro_quote_declined": N_(
        "%(buyer)s declined your quote for %(offer)s on their requirement “%(title)s”. What "
        "they said may help your next quote."
    ),
    "email.subject_quote_elsewhere": N_("%(buyer)s accepted another quote on “%(title)s”"),
    "email.intro_quote_elsewhere": N_(
        "%(buyer)s accepted another producer's quote on their requirement “%(title)s”. Yours "
        "for %(offer)s stays open: they may still answer it, and you may revise or withdraw it."
    ),
    "email.subject_order_order": N_("%(who)s recorded an order of %(offer)s worth %(value)s"),
    "email.subject_order_repeat": N_(
        "%(who)s recorded a repeat order of %(offer)s worth %(value)s"
    ),
    "email.intro_order_order": N_(
        "%(who)s recorded an order under the deal between %(buyer)s and %(producer)s on "
        "“%(title)s”. If it is not what was agreed, tell them:"
    ),
    "email.intro_order_repeat": N_(
        "%(who)s recorded a repeat order under the deal between %(buyer)s and %(producer)s on "
        "“%(title)s”. If it is not what was agreed, tell them:"
    ),
    "email.order_officer": N_("An OCOP officer"),
    "email.order_product": N_("Product"),
    "email.order_quantity": N_("Quantity"),
    "email.order_value": N_("Value"),
    "email.order_day": N_("Ordered on"),
    "email.order_note": N_("Note"),
    "email.order_open": N_("Open the deal"),
    "email.subject_claim_request": N_("%(person)s asks to take over %(name)s"),
    "email.intro_claim_request": N_(
        "%(person)s registered as %(name)s, a producer on the OCOP list of %(province)s that "
        "has no account yet. Their account waits until you approve that they represent it, or "
        "refuse."
    ),
    "email.subject_claim_made": N_("%(person)s took over %(name)s"),
    "email.intro_claim_made": N_(
        "%(person)s registered as %(name)s, a producer on the OCOP list of %(province)s, with "
        "the listing's own %(proof)s, so the account joined it at once. If they do not represent "
        "it, suspend the account on the accounts page."
    ),
    "email.claim_proof.email": N_("email address"),
    "email.claim_proof.phone": N_("phone number"),
    "email.claim_given": N_("Given at registration"),
    "email.claim_listed": N_("On the province's list"),
    "email.claim_open": N_("Decide on the requests page"),
    "email.claim_accounts": N_("Open the accounts page"),
    "email.subject_claim_approved": N_("Your account for %(name)s is ready"),
    "email.intro_claim_approved": N_(
        "The OCOP office of %(province)s confirmed that you represent %(name)s. Sign in to "
        "keep its products up to date and meet buyers."
    ),
    "email.subject_claim_refused": N_("Your request to take over %(name)s was not approved"),
    "email.intro_claim_refused": N_(
        "The OCOP office of %(province)s could not confirm that you represent %(name)s, so your "
        "account was not opened. If you think this is a mistake, contact the office."
    ),
    "email.sign_in": N_("Sign in"),
    # --- files ----------------------------------------------------------------------------
    "photo.not_image": N_("Photos must be JPEG, PNG or WebP images."),
    "photo.too_large": N_("A photo can be at most %(max)s MB."),
    "photo.too_many": N_("A product can have at most %(count)s photos."),
    # --- ranking explanations ---------------------------------------------------------------
    "explain.related_product": N_("A related product, not the kind you asked for"),
    "explain.related_product.to_request": N_("Product related to the request"),
    "explain.text_match": N_("Product matches the request"),
    "explain.weak_text_match": N_("Product only partly matches the request"),
    "explain.same_category": N_("Requested category (%(category)s)"),
    "explain.same_group": N_("Same product group (%(category)s)"),
    "explain.category_different": N_("Different category from the request (%(category)s)"),
    "explain.meets_conditions": N_("Meets every condition the buyer set"),
    "explain.ocop_stars": N_("%(stars)s-star OCOP product"),
    "explain.potential_five_star": N_("Potential 5-star product"),
    "explain.certificate_expiring": N_("OCOP certificate expires in %(days)s days"),
    "explain.certificate_date_missing": N_("OCOP certificate dates are missing"),
    "explain.certificate_expired": N_("OCOP certificate has expired"),
    "explain.no_ocop_rating": N_("No OCOP star rating"),
    "explain.certifications_ok": N_("Has the required certificates: %(certification)s"),
    "explain.shelf_life_ok": N_("Shelf life of %(days)s days meets the %(minimum)s-day minimum"),
    "explain.shelf_life_missing": N_("Shelf life not stated"),
    "explain.unit_mismatch": N_(
        "Units differ (%(offer_unit)s and %(unit)s); volumes cannot be compared"
    ),
    "explain.capacity_unknown": N_("Monthly capacity not stated"),
    "explain.capacity_ok": N_("Can supply %(capacity)s/month, enough for %(need)s/month"),
    "explain.capacity_short": N_("Supplies only %(capacity)s/month of the %(need)s/month needed"),
    "explain.min_order_above": N_("Minimum order of %(min_order)s is above the need"),
    "explain.price_unknown": N_("No comparable price to check the ceiling"),
    "explain.price_ok": N_("Price %(price)s is within the %(ceiling)s ceiling"),
    "explain.price_above": N_("Price is %(percent)s%% above the ceiling"),
    "explain.in_delivery_area": N_("Produced in %(province)s, a delivery province"),
    "explain.in_delivery_area.unnamed": N_("Produced in a delivery province"),
    "explain.nearby": N_("About %(km)s km from delivery"),
    "explain.far_from_delivery": N_("About %(km)s km from the delivery area"),
    "explain.traceable": N_("Electronic traceability available"),
    "explain.no_traceability": N_("No electronic traceability"),
    "explain.export_experience": N_("Already exports to %(country)s"),
    "explain.stale_listing": N_("Listing not updated for %(months)s months"),
    "explain.recently_updated": N_("Recently updated listing"),
    "explain.responsive_producer": N_("Producer usually responds quickly"),
    "explain.slow_to_respond": N_("Producer seldom answered earlier matches"),
    "explain.outside_service_area": N_("Producer does not deliver to this area yet"),
    "explain.buyer_type_not_targeted": N_("Producer does not target this kind of buyer"),
    "explain.pooled_capacity": N_(
        "%(producers)s producers together supply %(capacity)s/month, enough for %(need)s/month"
    ),
    "explain.same_kind": N_("Same kind of product in the same category"),
    "explain.coordination_needed": N_("Deliveries from %(producers)s producers need coordinating"),
    "explain.producers_close": N_("Producers are at most %(km)s km apart"),
    "explain.producers_far_apart": N_("Producers are up to %(km)s km apart"),
    "explain.another_category": N_("another category"),
    # --- exports ----------------------------------------------------------------------------
    "export.column.event": N_("Event"),
    "export.column.meeting_id": N_("Meeting no."),
    "export.column.starts_at": N_("Time"),
    "export.column.table": N_("Table"),
    "export.column.producer": N_("Producer"),
    "export.column.producer_province": N_("Province"),
    "export.column.buyer": N_("Buyer"),
    "export.column.buyer_type": N_("Buyer type"),
    "export.column.product_group": N_("Product group"),
    "export.column.attendance": N_("Attendance"),
    "export.column.interest": N_("Interest"),
    "export.column.stage": N_("Outcome"),
    "export.column.order_value_vnd": N_("Order value (VND)"),
    "export.column.group": N_("Group"),
    "export.figure.meetings": N_("Scheduled"),
    "export.figure.held": N_("Held"),
    "export.figure.no_show": N_("No-show"),
    "export.figure.interested": N_("Interested"),
    "export.figure.mous": N_("MoU"),
    "export.figure.contracts": N_("Contract"),
    "export.figure.orders": N_("Orders"),
    "export.figure.value_vnd": N_("Order value (VND)"),
    "export.sheet.meetings": N_("Meetings"),
    "export.sheet.by_province": N_("By province"),
    "export.sheet.by_product_group": N_("By product group"),
    "export.sheet.by_buyer_type": N_("By buyer type"),
    "export.total": N_("Total"),
    "export.unknown": N_("Unknown"),
    "export.province": N_("%(province)s"),
    "export.product_group": N_("%(category)s"),
    "export.buyer_type.supermarket": N_("Supermarket chain"),
    "export.buyer_type.ecommerce": N_("E-commerce platform"),
    "export.buyer_type.introduction_point": N_("OCOP introduction point"),
    "export.buyer_type.exporter": N_("Exporter"),
    "export.buyer_type.wholesaler": N_("Wholesaler"),
    "export.buyer_type.horeca": N_("Hotel or restaurant"),
    "export.attendance.held": N_("Held"),
    "export.attendance.no_show": N_("No-show"),
    "export.interest.interested": N_("Interested"),
    "export.interest.not_interested": N_("Not interested"),
    "export.stage.none": N_("No deal yet"),
    "export.stage.mou": N_("MoU signed"),
    "export.stage.contract": N_("Contract signed"),
    "export.stage.first_order": N_("First order"),
    "export.stage.repeat_order": N_("Repeat order"),
    # The officer's report for a period (XLSX).
    "period.sheet.summary": N_("Summary"),
    "period.title": N_("OCOP figures from %(start)s to %(end)s"),
    "period.scope": N_("In %(province)s"),
    "period.nationwide": N_("Nationwide"),
    "period.column.figure": N_("Figure"),
    "period.column.current": N_("%(start)s – %(end)s"),
    "period.column.previous": N_("Previous period (%(start)s – %(end)s)"),
    "period.column.change": N_("Change"),
    "period.column.month": N_("Month"),
    "period.column.producer_type": N_("Type of producer"),
    "period.figure.offers": N_("New products"),
    "period.figure.requirements": N_("New requirements"),
    "period.figure.suggested": N_("Matches suggested"),
    "period.figure.accepted": N_("Matches accepted"),
    "period.figure.contacted": N_("Contacts made"),
    "period.figure.deals": N_("Deals"),
    "period.figure.value_vnd": N_("Value of deals, contracts and orders (VND)"),
    "period.sheet.monthly": N_("By month"),
    "period.sheet.by_group": N_("By product group"),
    "period.sheet.by_producer_type": N_("By producer type"),
    "period.sheet.by_buyer_type": N_("By buyer type"),
    "period.sheet.by_province": N_("By province"),
    "period.producer_type.enterprise": N_("Enterprise"),
    "period.producer_type.cooperative": N_("Cooperative"),
    "period.producer_type.cooperative_group": N_("Cooperative group"),
    "period.producer_type.household": N_("Household business"),
    "period.producer_type.unknown": N_("Unknown"),
    "period.invalid": N_("The period needs fixing."),
    "period.order": N_("The period must end on or after the day it starts."),
    "period.too_long": N_("A period spans at most %(days)s days."),
}


def message_id(code: str) -> str:
    """The English text of a code (the code itself when unknown, so that nothing is lost)."""
    return MESSAGES.get(code, code)
