"""A list without a group column, or with blank group cells, imports with inferred groups."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog.importer import import_offers
from matchmaker.catalog.models import Offer
from matchmaker.ranking.grouping import REVIEW_THRESHOLD

NO_GROUP = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
CLEAR = [
    ["1", "Chè Shan tuyết Suối Giàng", "HTX Chè Suối Giàng", "Văn Chấn, Yên Bái", "4 sao"],
    ["2", "Tinh dầu sả chanh", "HTX Dược liệu Hướng Hóa", "Hướng Hóa, Quảng Trị", "3 sao"],
    ["3", "Rượu cần Tây Nguyên", "Hộ kinh doanh Y Bhin", "Buôn Đôn, Đắk Lắk", "3 sao"],
    ["4", "Homestay Tả Phìn Sa Pa", "HTX Du lịch Tả Phìn", "Sa Pa, Lào Cai", "3 sao"],
]
UNCLEAR = ["5", "Xq zzv kkk", "Hộ kinh doanh Lê Văn Tám", "Trảng Bàng, Tây Ninh", "3 sao"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def categories(db: Session) -> dict[str, str]:
    return {o.title: o.category for o in db.scalars(select(Offer))}


def test_a_list_without_a_group_column_imports_with_inferred_sub_groups(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    report = import_offers(sessions, write_csv(tmp_path / "nogroup.csv", [NO_GROUP, *CLEAR]))

    assert (report.created, report.rejected, report.warnings) == (4, [], [])
    assert categories(db) == {
        "Chè Shan tuyết Suối Giàng": "food.tea",
        "Tinh dầu sả chanh": "herbal.essential_oil",
        "Rượu cần Tây Nguyên": "beverage.alcoholic",
        "Homestay Tả Phìn Sa Pa": "tourism.community_eco",
    }
    assert [r.row for r in report.inferred] == [2, 3, 4, 5]
    assert report.review == []
    tea = report.inferred[0]
    assert (tea.product, tea.producer, tea.category) == (
        "Chè Shan tuyết Suối Giàng",
        "HTX Chè Suối Giàng",
        "food.tea",
    )
    assert len(tea.suggestions) == 3
    assert tea.suggestions[0].category == "food.tea"
    assert tea.suggestions[0].probability >= REVIEW_THRESHOLD


def test_an_unclear_name_is_imported_as_needs_review_with_three_suggestions(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = write_csv(tmp_path / "unclear.csv", [NO_GROUP, *CLEAR, UNCLEAR])

    preview = import_offers(sessions, path, dry_run=True)

    assert preview.rejected == []
    [review] = preview.review
    assert (review.row, review.product, review.needs_review) == (6, "Xq zzv kkk", True)
    assert len(review.suggestions) == 3
    assert review.category == review.suggestions[0].category
    assert review.suggestions[0].probability < REVIEW_THRESHOLD
    [warning] = preview.warnings
    assert warning.row == 6
    [problem] = warning.problems
    assert (problem.field, problem.code) == ("group", "import.group_needs_review")
    assert problem.params["category"] == review.category
    assert problem.params["other_category"] == [s.category for s in review.suggestions[1:]]
    assert categories(db) == {}

    # Confirmed as it is, the row is imported with the best suggestion, still listed for review.
    report = import_offers(sessions, path)
    assert (report.created, [r.row for r in report.review]) == (5, [6])
    assert categories(db)["Xq zzv kkk"] == review.category


def test_the_officers_choice_overrides_the_inference_and_the_list(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = write_csv(tmp_path / "fixed.csv", [NO_GROUP, *CLEAR, UNCLEAR])

    report = import_offers(sessions, path, overrides={6: "food.processed", 2: "Thực phẩm chế biến"})

    assert (report.created, report.rejected, report.review) == (5, [], [])
    assert [r.row for r in report.inferred] == [3, 4, 5]
    found = categories(db)
    assert found["Xq zzv kkk"] == "food.processed"
    assert found["Chè Shan tuyết Suối Giàng"] == "food.processed"


def test_an_unknown_override_rejects_only_its_row(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = write_csv(tmp_path / "bad.csv", [NO_GROUP, *CLEAR])

    report = import_offers(sessions, path, overrides={2: "Atlantis"})

    assert report.created == 3
    [rejected] = report.rejected
    assert rejected.row == 2
    assert [(p.field, p.code, p.params) for p in rejected.problems] == [
        ("group", "import.unknown_group", {"value": "Atlantis"})
    ]


def test_blank_group_cells_are_inferred_and_a_group_alone_gets_its_sub_group(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    header = ["Tên sản phẩm", "Chủ thể", "Tỉnh", "Nhóm", "Phân nhóm", "Hạng sao"]
    rows = [
        ["Nước mắm cá cơm Phan Thiết", "Công ty Nước mắm Hồng Phúc", "Bình Thuận", "", "", "4"],
        ["Trà túi lọc Thái Nguyên", "HTX Chè La Bằng", "Thái Nguyên", "Thực phẩm", "", "4"],
        ["Bánh pía Sóc Trăng", "Cơ sở Tân Huê Viên", "Sóc Trăng", "Thực phẩm",
         "Thực phẩm chế biến", "5"],
        ["Vải thổ cẩm", "HTX Dệt Mai Châu", "Hòa Bình", "Nhóm lạ", "", "3"],
    ]  # fmt: skip

    report = import_offers(sessions, write_csv(tmp_path / "blank.csv", [header, *rows]))

    assert report.created == 3
    assert [(r.row, [p.code for p in r.problems]) for r in report.rejected] == [
        (5, ["import.unknown_group"])
    ]
    assert categories(db) == {
        "Nước mắm cá cơm Phan Thiết": "food.condiment",
        "Trà túi lọc Thái Nguyên": "food.tea",
        "Bánh pía Sóc Trăng": "food.processed",
    }
    inferred = [(r.row, r.category) for r in report.inferred]
    assert inferred == [(2, "food.condiment"), (3, "food.tea")]
