"""Threads: the two sides write and read, unread counts, who else reads, what nobody else
sees, and the contacts the mutual-consent rule keeps back."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.conversations import services as threads
from matchmaker.conversations.attachments import Upload
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.services import Subject
from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.files.store import FileStore
from matchmaker.inputs import parse
from matchmaker.matching.access import give_feedback
from matchmaker.matching.models import Match
from tests.unit.conversations.conftest import NOTICES, STORAGE, Pair, pdf


def say(
    db: Session,
    store: FileStore,
    user: object,
    subject: Subject,
    text: str,
    files: tuple[Upload, ...] = (),
) -> int:
    message = threads.post_message(
        db,
        user,
        subject,
        MessageInput(text=text),
        files=files,
        store=store,
        storage=STORAGE,
        notices=NOTICES,
    )
    return message.id


def test_the_two_sides_write_and_read_with_unread_counts(
    db: Session, store: FileStore, pair: Pair
) -> None:
    subject = Subject(match_id=pair.match.id)
    thread, page = threads.messages(db, pair.producer, subject)
    assert thread.conversation is None and list(page.items) == []
    first = say(db, store, pair.buyer, subject, "Chào anh, cho xin báo giá 100 kg?")
    say(db, store, pair.buyer, subject, "Giao về Thủ Đức được không?")
    _, page = threads.messages(db, pair.producer, subject)
    assert [m.body for m in page.items] == [
        "Chào anh, cho xin báo giá 100 kg?",
        "Giao về Thủ Đức được không?",
    ]
    assert page.unread == 2
    assert [line.unread for line in threads.inbox(db, pair.producer)] == [2]
    assert threads.inbox(db, pair.buyer)[0].unread == 0, "one's own messages are read"
    assert threads.mark_read(db, pair.producer, subject, up_to=first) == 1
    assert threads.mark_read(db, pair.producer, subject) == 0
    reply = say(db, store, pair.producer, subject, "Dạ được ạ.\nGiá 350.000đ/kg.")
    _, page = threads.messages(db, pair.buyer, subject, cursor=first)
    assert [m.id for m in page.items][-1] == reply and page.unread == 1
    _, page = threads.messages(db, pair.buyer, subject, limit=1)
    assert page.next_cursor == first


def test_the_unread_total_is_what_the_inbox_counts_for_each_reader(
    db: Session, store: FileStore, pair: Pair
) -> None:
    honey = Subject(match_id=pair.match.id)
    requirement = catalog.create_requirement(db, pair.buyer.organization, {"title": "Gạo ST25"})
    rice = Match(requirement=requirement, offer=pair.match.offer, score=0.7, rank=1)
    db.add(rice)
    colleague = create_user(db, pair.producer.organization, email="ban@matong.vn", name="Anh Ba",
                            password="correct horse battery", role="producer")  # fmt: skip
    db.commit()
    for text in ("Chào anh", "Cho xin báo giá?"):
        say(db, store, pair.buyer, honey, text)
    say(db, store, pair.buyer, Subject(match_id=rice.id), "Gạo còn không anh?")

    def total_and_inbox(user: User) -> tuple[int, int]:
        return threads.unread_total(db, user), sum(line.unread for line in threads.inbox(db, user))

    assert total_and_inbox(pair.producer) == (3, 3)
    threads.mark_read(db, pair.producer, honey)
    assert total_and_inbox(pair.producer) == (1, 1)
    assert total_and_inbox(colleague) == (3, 3), "each reader has its own place in a thread"
    assert total_and_inbox(pair.buyer) == (0, 0), "one's own messages are read"
    assert total_and_inbox(pair.officer_in) == (0, 0), "officers read threads, have no inbox"


def test_a_third_producer_sees_nothing_and_officers_read_in_their_province_only(
    db: Session, store: FileStore, pair: Pair
) -> None:
    subject = Subject(match_id=pair.match.id)
    message_id = say(
        db, store, pair.buyer, subject, "Xem giấy chứng nhận", (Upload("a.pdf", pdf()),)
    )
    attachment_id = threads.messages(db, pair.buyer, subject)[1].items[0].attachments[0].id
    for outsider in (pair.stranger, pair.officer_out):
        with pytest.raises(NotFound):
            threads.messages(db, outsider, subject)
        with pytest.raises(NotFound):
            say(db, store, outsider, subject, "Chào")
        with pytest.raises(NotFound):
            threads.read_attachment(db, outsider, attachment_id)
        assert threads.inbox(db, outsider) == []
    _, page = threads.messages(db, pair.officer_in, subject)
    assert [m.id for m in page.items] == [message_id]
    assert threads.read_attachment(db, pair.officer_in, attachment_id).file_name == "a.pdf"
    with pytest.raises(Forbidden):
        say(db, store, pair.officer_in, subject, "Sở Công Thương xin chào")


def test_the_other_side_s_contacts_show_only_once_the_match_allows(
    db: Session, store: FileStore, pair: Pair
) -> None:
    subject = Subject(match_id=pair.match.id)
    assert threads.read_thread(db, pair.producer, subject).other_contact is None
    assert threads.read_thread(db, pair.buyer, subject).other_contact is None
    # The producer says yes: its details may reach the buyer, the buyer's stay its own.
    give_feedback(db, pair.producer, pair.match.id, "accepted", None)
    db.commit()
    assert threads.read_thread(db, pair.producer, subject).other_contact is None
    shown = threads.read_thread(db, pair.buyer, subject).other_contact
    assert shown is not None and shown.phone == "0909000111"


@pytest.mark.parametrize("text", ["a\x00b", "\u202eevil", "\u200b\u200b", "x" * 4001])
def test_message_text_goes_through_the_text_rules(text: str) -> None:
    with pytest.raises(Invalid):
        parse(MessageInput, {"text": text}, "message.invalid")


def test_an_empty_message_is_refused(db: Session, store: FileStore, pair: Pair) -> None:
    with pytest.raises(Invalid) as refused:
        say(db, store, pair.buyer, Subject(match_id=pair.match.id), "   ")
    assert refused.value.code == "message.empty"
