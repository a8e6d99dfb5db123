"""The buyer's requirement page: the suppliers that fit first; when few fit, how many, ways
to widen the request, and the related products in a section of their own."""

from __future__ import annotations

import html
import re
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import services

from .conftest import MakeUser, sign_in

HONEY = {"category": "food.raw_processed", "unit": "kg"}
CERTIFIED = {"ocop_stars": 4, "ocop_certified_on": date(date.today().year - 1, 1, 15)}


def _catalog(db: Session, make_user: MakeUser) -> None:
    producer = make_user("producer", province="Cà Mau")
    for title in ("Mật ong rừng U Minh", "Mật ong hoa nhãn", "Chè Shan tuyết Suối Giàng"):
        services.create_offer(db, producer.organization, {"title": title, **HONEY, **CERTIFIED})
    db.commit()


def _sections(page: str) -> tuple[list[str], list[str]]:
    """The titles listed as suppliers that fit, and those listed as related products."""
    fitting, _, related = page.partition('id="related"')
    titles = re.compile(r'<li class="card match[^"]*" id="match-\d+">.*?<h3><a [^>]+>(.*?)<', re.S)
    return titles.findall(fitting), titles.findall(related)


def _widen(page: str) -> dict[str, str]:
    return {
        name: html.unescape(url)
        for url, name in re.findall(r'<a href="([^"]+)" data-widen="(\w+)"', page)
    }


def test_few_suppliers_fit_the_page_says_so_and_shows_related_products_apart(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    _catalog(db, make_user)
    buyer = make_user("buyer")
    requirement = services.create_requirement(db, buyer.organization, {
        "title": "Mật ong rừng", "min_ocop_stars": 3, "required_certifications": [],
        "delivery_provinces": ["Hồ Chí Minh"],
    })  # fmt: skip
    db.commit()
    sign_in(client, buyer)
    page = client.get(f"/buyer/requirements/{requirement.id}").get_data(as_text=True)

    assert _sections(page) == (["Mật ong rừng U Minh"], ["Mật ong hoa nhãn"])
    assert "Chỉ có 1 nhà cung cấp phù hợp với nhu cầu này." in page
    assert '<h2 id="related">Sản phẩm liên quan</h2>' in page
    assert 'class="card match related"' in page
    edit = f"/buyer/requirements/{requirement.id}/edit"
    assert _widen(page) == {
        "min_ocop_stars": f"{edit}#min_ocop_stars",
        "delivery_provinces": f"{edit}#delivery_provinces",
        "search": "/buyer/search?q=M%E1%BA%ADt+ong+r%E1%BB%ABng",
    }
    assert "Nhận cả sản phẩm dưới 3 sao" in page
    assert "Chè Shan tuyết" not in page

    client.get("/lang/en")
    page = client.get(f"/buyer/requirements/{requirement.id}").get_data(as_text=True)
    assert "Only one supplier fits this request." in page
    assert '<h2 id="related">Related products</h2>' in page
    assert "Accept products under 3 stars" in page


def test_no_supplier_fits_the_page_says_so_and_suggests_widening(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    _catalog(db, make_user)
    buyer = make_user("buyer")
    requirement = services.create_requirement(db, buyer.organization, {
        "title": "Mật ong rừng", "required_certifications": ["globalgap"],
    })  # fmt: skip
    db.commit()
    sign_in(client, buyer)
    page = client.get(f"/buyer/requirements/{requirement.id}").get_data(as_text=True)

    assert _sections(page) == ([], [])
    assert "Chưa có nhà cung cấp nào phù hợp với nhu cầu này." in page
    assert set(_widen(page)) == {"required_certifications", "search"}
    assert "GlobalGAP" in page


def test_several_suppliers_fit_the_count_is_said_with_the_ways_to_widen(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    for n in range(2):
        producer = make_user("producer", province="Cà Mau")
        services.create_offer(
            db, producer.organization, {"title": f"Mật ong rừng U Minh {n}", **HONEY}
        )
    buyer = make_user("buyer")
    requirement = services.create_requirement(
        db, buyer.organization, {"title": "Mật ong rừng", "max_unit_price_vnd": 200_000}
    )
    db.commit()
    sign_in(client, buyer)
    page = client.get(f"/buyer/requirements/{requirement.id}").get_data(as_text=True)

    assert len(_sections(page)[0]) == 2
    assert "Chỉ có 2 nhà cung cấp phù hợp với nhu cầu này." in page
    assert set(_widen(page)) == {"max_unit_price_vnd", "search"}
    assert 'id="related"' not in page
