"""Files on messages and quotes: told by their content, re-encoded when images, refused when
hostile (a program renamed .pdf, too large, a decompression bomb), kept nowhere then."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.conversations import services as threads
from matchmaker.conversations.attachments import Upload, clean_name, clean_upload
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.models import Attachment, Message
from matchmaker.conversations.services import Subject
from matchmaker.errors import Invalid
from matchmaker.files.models import StoredFile
from matchmaker.files.store import FileStore
from tests.unit.conversations.conftest import NOTICES, STORAGE, Pair, pdf, phone_photo


def _bomb() -> bytes:
    """A PNG of a few hundred bytes that decodes to 100 million pixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_a_pdf_is_kept_as_sent_and_a_photo_loses_its_gps_position() -> None:
    kept = clean_upload(Upload("Bảng giá 2026.PDF", pdf()), STORAGE)
    assert (kept.name, kept.content_type, kept.data) == (
        "Bảng giá 2026.pdf",
        "application/pdf",
        pdf(),
    )
    photo = clean_upload(Upload("IMG_0001.jpeg", phone_photo()), STORAGE)
    assert photo.content_type == "image/jpeg" and photo.name == "IMG_0001.jpg"
    assert not Image.open(io.BytesIO(photo.data)).getexif()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("bao-gia.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "attachment.bad_type"),
        ("bao-gia.pdf", b"<html><script>alert(1)</script></html>", "attachment.bad_type"),
        ("scan.pdf", b"%PDF-1.4\n" + b"0" * 300_000 + b"\n%%EOF", "attachment.too_large"),
        ("anh.png", _bomb(), None),
        ("empty.pdf", b"", "attachment.empty"),
    ],
)
def test_hostile_files_are_refused(name: str, data: bytes, code: str | None) -> None:
    with pytest.raises(Invalid) as refused:
        clean_upload(Upload(name, data), STORAGE)
    assert refused.value.errors[0].field == "file"
    if code:
        assert refused.value.code == code
    else:  # a bomb is refused as too large or as no image, never decoded
        assert refused.value.code in ("attachment.too_large", "attachment.bad_type")


def test_names_keep_no_folder_nor_false_extension() -> None:
    assert clean_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\x\\giá.exe", "png") == "giá.png"
    assert clean_name("\u202egpj.exe", "jpg") == "gpj.jpg"
    assert clean_name("", "pdf") == "file.pdf"


def test_a_refused_file_keeps_nothing_of_the_message(
    db: Session, store: FileStore, pair: Pair
) -> None:
    with pytest.raises(Invalid):
        threads.post_message(
            db,
            pair.buyer,
            Subject(match_id=pair.match.id),
            MessageInput(text="Xem file"),
            files=[Upload("ok.pdf", pdf()), Upload("virus.pdf", b"MZ" * 50)],
            store=store,
            storage=STORAGE,
            notices=NOTICES,
        )
    for table in (Message, Attachment, StoredFile):
        assert db.scalar(select(func.count()).select_from(table)) == 0
