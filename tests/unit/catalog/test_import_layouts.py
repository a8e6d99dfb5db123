"""Every layout of the corpus (tests/data/import_layouts) imports, on SQLite and PostgreSQL,
with the right titles, producers, stars, groups and certificate dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog.importer import import_offers
from matchmaker.catalog.models import Offer
from tests.data.import_layouts.layouts import LAYOUTS, Expected, Layout


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_layout_imports_what_the_list_says(
    layout: Layout, tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = layout.write(tmp_path)

    report = import_offers(
        sessions, path, default_province=layout.default_province, today=date(2024, 1, 1)
    )

    assert report.rejected == []
    assert (report.created, report.rows) == (len(layout.offers), len(layout.offers))
    assert len(report.skipped) == layout.skipped, report.skipped
    assert len(report.inferred) == layout.inferred, report.inferred
    assert report.review == []
    imported = {
        offer.title: Expected(
            offer.producer.name,
            offer.ocop_stars or 0,
            offer.category,
            offer.ocop_certified_on,
            offer.ocop_certified_until,
            offer.province,
            offer.ocop_potential_five_star,
            offer.ocop_decision_number,
        )
        for offer in db.scalars(select(Offer))
    }
    assert imported == layout.offers


def test_the_corpus_has_csv_and_xlsx_layouts(tmp_path: Path) -> None:
    suffixes = [layout.write(tmp_path).suffix for layout in LAYOUTS]
    assert len(LAYOUTS) >= 8
    assert {".csv", ".xlsx"} <= set(suffixes)
