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
    # --- the API's own checks -------------------------------------------------------------
    "request.invalid": N_("The request has invalid fields: %(fields)s."),
    # --- accounts -------------------------------------------------------------------------
    # --- catalog: organizations, offers, requirements -------------------------------------
    # --- catalog: the OCOP list import ----------------------------------------------------
    # --- matching and search --------------------------------------------------------------
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
    # --- files ----------------------------------------------------------------------------
    "photo.not_image": N_("Photos must be JPEG, PNG or WebP images."),
    "photo.too_large": N_("A photo can be at most %(max)s MB."),
    "photo.too_many": N_("A product can have at most %(count)s photos."),
}


def message_id(code: str) -> str:
    """The English text of a code (the code itself when unknown, so that nothing is lost)."""
    return MESSAGES.get(code, code)
