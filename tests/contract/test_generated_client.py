"""A client generated from /api/openapi.json (openapi-python-client) walks the journey and
runs a connection event, parsing every answer into the document's models: the document is
complete enough for client code nobody wrote by hand."""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from matchmaker.app import create_app
from matchmaker.catalog import services
from matchmaker.settings import Settings
from tests.unit.api.conftest import Caller, MakeCaller

PACKAGE = "ocop_matchmaker_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated once from a fresh app's document and imported."""
    folder = tmp_path_factory.mktemp("client")
    spec_app = create_app(Settings(environment="testing", instance_path=folder / "instance"))
    document = folder / "openapi.json"
    document.write_bytes(spec_app.test_client().get("/api/openapi.json").data)
    config = folder / "config.yml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document),
         "--config", str(config), "--meta", "none", "--output-path", str(folder / PACKAGE)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # Anything it had to leave out would be a gap in the document.
    assert "Warning" not in run.stdout, run.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _send(generated: ModuleType, operation: str, client: Any, **arguments: Any) -> Any:
    """The response of ``api/<tag>/<name>.py``'s ``sync_detailed`` for ``"<tag>.<name>"``."""
    tag, name = operation.split(".")
    module = importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")
    return module.sync_detailed(client=client, **arguments)


def _call(generated: ModuleType, operation: str, client: Any, **arguments: Any) -> Any:
    """The parsed body of a call, failing with the response when it is not a 2xx."""
    response = _send(generated, operation, client, **arguments)
    assert 200 <= response.status_code < 300, (operation, response.status_code, response.content)
    return response.parsed


def _model(generated: ModuleType, name: str, data: dict[str, Any]) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name).from_dict(data)


def test_a_generated_client_walks_the_journey(generated: ModuleType, app: Flask) -> None:
    transport = httpx.WSGITransport(app=app)
    anonymous = generated.Client(base_url="http://testserver", httpx_args={"transport": transport})

    def signed_in(token: str) -> Any:
        return generated.AuthenticatedClient(
            base_url="http://testserver", token=token, httpx_args={"transport": transport}
        )

    def register(role: str, email: str, organization: dict[str, Any]) -> Any:
        body = _model(generated, "Registration", {
            "email": email, "password": "mật khẩu dài", "name": email.split("@")[0],
            "role": role, "organization": organization,
        })  # fmt: skip
        registered = _call(generated, "auth.register_account", anonymous, body=body)
        assert registered.user.role == role
        return signed_in(registered.token)

    producer = register("producer", "htx@trangbang.vn", {
        "name": "HTX Bánh tráng Trảng Bàng", "entity_type": "cooperative", "province": "Tay Ninh",
    })  # fmt: skip
    buyer = register("buyer", "mua-hang@coopmart.vn", {
        "name": "Saigon Co.op", "buyer_type": "supermarket", "province": "Tp. HCM",
    })  # fmt: skip

    offer = _call(
        generated, "offers.create_offer", producer,
        body=_model(generated, "OfferCreate", {
            "title": "Bánh tráng phơi sương Trảng Bàng", "category": "food.processed",
            "unit": "kg", "ocop_stars": 4, "ocop_certified_on": "2025-03-01",
            "monthly_capacity": 3000, "unit_price_vnd": 85000,
        }),
    )  # fmt: skip
    assert offer.province.code == "80"
    # Edits carry the version read (If-Match with the ETag); one made on a stale copy is refused.
    etag = _send(generated, "offers.get_offer", producer, offer_id=offer.id).headers["ETag"]
    cheaper = _model(generated, "OfferPatch", {"unit_price_vnd": 80000})
    edit = {"offer_id": offer.id, "body": cheaper, "if_match": etag}
    edited = _send(generated, "offers.update_offer", producer, **edit)
    assert edited.status_code == 200 and edited.headers["ETag"] != etag
    stale = _send(generated, "offers.update_offer", producer, **edit)
    assert stale.status_code == 412 and stale.parsed.status == 412
    requirement = _call(
        generated, "requirements.create_requirement", buyer,
        body=_model(generated, "RequirementCreate", {
            "title": "Cần mua banh trang phoi suong 1 tấn/tháng", "quantity_per_month": 1,
            "unit": "ton", "min_ocop_stars": 3, "delivery_provinces": ["Bình Dương"],
        }),
    )  # fmt: skip

    matches = _call(
        generated, "requirements.requirement_matches", buyer,
        requirement_id=requirement.id, limit=5,
    )  # fmt: skip
    match = next(m for m in matches if m.offer.id == offer.id)
    assert match.status == "suggested" and 0 < match.score <= 1
    assert match.reasons and all(r.code and r.vi and r.en for r in match.reasons)

    answered = _call(
        generated, "matches.match_feedback", buyer, match_id=match.id,
        body=_model(generated, "Feedback", {"action": "accepted"}),
    )  # fmt: skip
    assert answered.status == "accepted"

    seen = _call(generated, "offers.offer_matches", producer, offer_id=offer.id)
    assert [(m.id, m.status) for m in seen if m.requirement.id == requirement.id] == [
        (match.id, "accepted")
    ]

    found = _call(generated, "search.search_offers", buyer, q="banh trang phoi suong")
    assert offer.id in [hit.offer.id for hit in found.items]
    assert found.facets

    # An error comes back as the document's Problem model.
    refused = _send(generated, "offers.update_offer", buyer, offer_id=offer.id, body=cheaper)
    assert refused.status_code == 403
    assert refused.parsed.status == 403 and refused.parsed.detail


def test_a_generated_client_runs_a_connection_event(
    generated: ModuleType, app: Flask, make_caller: MakeCaller
) -> None:
    transport = httpx.WSGITransport(app=app)

    def client_of(caller: Caller) -> Any:
        token = caller.headers["Authorization"].removeprefix("Bearer ")
        return generated.AuthenticatedClient(
            base_url="http://testserver", token=token, httpx_args={"transport": transport}
        )

    officer = client_of(make_caller("officer"))
    producer_caller, buyer_caller = make_caller("producer"), make_caller("buyer")
    producer, buyer = client_of(producer_caller), client_of(buyer_caller)
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    event = _call(generated, "events.create_event", officer, body=_model(generated, "EventCreate", {
        "name": "Hội chợ OCOP Tây Ninh", "venue": "Nhà văn hóa tỉnh",
        "days": [{"date": "2030-10-01", "start": "08:00", "end": "09:00"}],
        "slot_minutes": 15, "break_minutes": 5, "table_count": 1,
        "registration_deadline": deadline, "target_provinces": ["Tay Ninh"],
    }))  # fmt: skip
    assert len(event.slots) == 3
    ids = {"event_id": event.id}

    honey = {"title": "Mật ong rừng U Minh", "category": "food.raw_processed", "unit": "kg"}
    offer = _call(generated, "offers.create_offer", producer,
                  body=_model(generated, "OfferCreate", honey))  # fmt: skip
    wanted = _model(generated, "RequirementCreate", {"title": "Mật ong rừng nguyên chất"})
    need = _call(generated, "requirements.create_requirement", buyer, body=wanted)
    joined = [
        _call(generated, "events.register_participant", who, **ids,
              body=_model(generated, "ParticipantRegistration", registration))
        for who, registration in ((producer, {"offer_ids": [offer.id]}),
                                  (buyer, {"requirement_ids": [need.id]}))
    ]  # fmt: skip
    for participant in joined:
        decided = _call(generated, "events.decide_participant", officer, **ids,
                        participant_id=participant.id,
                        body=_model(generated, "Decision", {"decision": "approve"}))  # fmt: skip
        assert decided.status == "approved"
    seller = joined[0]
    assert _call(generated, "events.get_participant", buyer, **ids, participant_id=seller.id)
    assert _call(generated, "events.list_participants", officer, **ids).total == 2

    (suggestion,) = _call(generated, "events.meeting_suggestions", buyer, **ids).items
    assert suggestion.participant.id == seller.id
    asked = {"participant_id": seller.id}
    request = _call(generated, "events.request_meeting", buyer, **ids,
                    body=_model(generated, "RequestCreate", asked))  # fmt: skip
    request = _call(generated, "events.change_request", buyer, **ids, request_id=request.id,
                    body=_model(generated, "RequestPatch", {"must_meet": True}))  # fmt: skip
    assert request.must_meet
    answered = _call(generated, "events.answer_request", producer, **ids, request_id=request.id,
                     body=_model(generated, "RequestAnswer", {"answer": "accept"}))  # fmt: skip
    assert answered.status == "accepted"
    assert [r.id for r in _call(generated, "events.list_requests", officer, **ids).items] == [
        request.id
    ]

    run = _call(generated, "events.run_schedule", officer, **ids,
                body=_model(generated, "ScheduleRequest", {"time_limit": 2}))  # fmt: skip
    assert (run.placed, run.upper_bound) == (1, 1)
    assert _call(generated, "events.get_schedule", officer, **ids).placed == 1
    assert _call(generated, "events.publish_schedule", officer, **ids).emails == 2
    (meeting,) = _call(generated, "events.list_meetings", officer, **ids).items
    agenda = _call(generated, "events.get_agenda", producer, **ids)
    assert [m.id for m in agenda.meetings] == [meeting.id]
    outcome = _call(generated, "events.record_outcome", buyer, **ids, meeting_id=meeting.id,
                    body=_model(generated, "OutcomeIn",
                                {"stage": "contract", "order_value_vnd": 50_000_000}))  # fmt: skip
    assert outcome.attendance == "held"

    report = _call(generated, "events.event_report", officer, **ids)
    assert report.totals.contracts == 1 and report.totals.value_vnd == 50_000_000
    assert _call(generated, "events.period_report", officer).totals.contracts == 1
    assert [e.id for e in _call(generated, "events.list_events", producer).items] == [event.id]
    invitation = _model(generated, "InvitationCreate", {"emails": ["htx@example.vn"]})
    invited = _call(generated, "events.invite", officer, **ids, body=invitation)
    assert invited.sent == ["htx@example.vn"]
    late = make_caller("producer")
    added = _call(generated, "events.add_participants", officer, **ids,
                  body=_model(generated, "ParticipantsAdd",
                              {"organization_ids": [late.organization_id]}))  # fmt: skip
    assert [p.status for p in added.items] == ["approved"]
    moved = {"venue": "Trung tâm hội nghị"}
    renamed = _call(generated, "events.update_event", officer, **ids,
                    body=_model(generated, "EventPatch", moved))  # fmt: skip
    assert _call(generated, "events.get_event", buyer, **ids).venue == renamed.venue
    assert _call(generated, "events.cancel_event", officer, **ids).cancelled


def test_a_generated_client_reaches_the_rest(
    generated: ModuleType, app: Flask, make_caller: MakeCaller
) -> None:
    """Organizations, the shortlist, reference codes, pooled supply, reading and closing."""
    transport = httpx.WSGITransport(app=app)
    anonymous = generated.Client(base_url="http://testserver", httpx_args={"transport": transport})
    producer_caller = make_caller("producer")
    credentials = {"email": producer_caller.user.email, "password": "correct horse battery"}
    signed = _call(generated, "auth.issue_token", anonymous,
                   body=_model(generated, "TokenRequest", credentials))  # fmt: skip
    producer = generated.AuthenticatedClient(
        base_url="http://testserver", token=signed.token, httpx_args={"transport": transport}
    )
    buyer_caller = make_caller("buyer")
    buyer = generated.AuthenticatedClient(
        base_url="http://testserver",
        token=buyer_caller.headers["Authorization"].removeprefix("Bearer "),
        httpx_args={"transport": transport},
    )
    assert _call(generated, "auth.get_me", producer).email == producer_caller.user.email

    units = _call(generated, "reference.list_reference", producer, kind="units")
    assert "kg" in [u.code for u in units.items]
    mine = _call(generated, "organizations.get_organization", producer,
                 organization_id=producer_caller.organization_id)  # fmt: skip
    phone = _model(generated, "OrganizationFields", {"phone": "0901 234 567"})
    changed = _call(generated, "organizations.update_organization", producer,
                    organization_id=mine.id, body=phone)  # fmt: skip
    assert changed.phone == "0901 234 567"
    # Producers and buyers list their own organization.
    listed = _call(generated, "organizations.list_organizations", producer, kind="producer")
    assert [o.id for o in listed.items] == [mine.id]

    rice = {"title": "Gạo ST25 Sóc Trăng", "category": "food.raw_processed", "unit": "kg",
            "monthly_capacity": 400}  # fmt: skip
    offer = _call(generated, "offers.create_offer", producer,
                  body=_model(generated, "OfferCreate", rice))  # fmt: skip
    assert offer.id in [o.id for o in _call(generated, "offers.list_offers", buyer).items]
    need = _call(generated, "requirements.create_requirement", buyer,
                 body=_model(generated, "RequirementCreate", {
                     "title": "Cần mua gạo ST25", "quantity_per_month": 1000, "unit": "kg",
                 }))  # fmt: skip
    assert _call(generated, "requirements.get_requirement", buyer, requirement_id=need.id)
    listed = _call(generated, "requirements.list_requirements", buyer)
    assert [r.id for r in listed.items] == [need.id]
    bigger = _model(generated, "RequirementPatch", {"quantity_per_month": 600})
    more = _call(generated, "requirements.update_requirement", buyer, requirement_id=need.id,
                 body=bigger)  # fmt: skip
    assert more.quantity_per_month == 600
    # One producer cannot supply 600 kg a month alone, and there is no second one nearby.
    assert _call(generated, "requirements.requirement_pools", buyer, requirement_id=need.id) == []
    (match,) = _call(generated, "requirements.requirement_matches", buyer, requirement_id=need.id)
    assert _call(generated, "matches.get_match", producer, match_id=match.id).id == match.id

    noted = _model(generated, "ShortlistNote", {"note": "Xin mẫu thử"})
    saved = _call(generated, "shortlist.save_to_shortlist", buyer, offer_id=offer.id, body=noted)
    assert saved.note == "Xin mẫu thử"
    assert [e.offer.id for e in _call(generated, "shortlist.list_shortlist", buyer).items] == [
        offer.id
    ]
    assert (
        _send(generated, "shortlist.remove_from_shortlist", buyer, offer_id=offer.id).status_code
        == 204
    )

    closed = _call(generated, "requirements.close_requirement", buyer, requirement_id=need.id)
    assert closed.status != "open"
    assert (
        _call(generated, "offers.archive_offer", producer, offer_id=offer.id).status == "archived"
    )
    new_password = {"current_password": "correct horse battery", "new_password": "a new one!"}
    changed = _call(generated, "auth.change_password", producer,
                    body=_model(generated, "PasswordChange", new_password))  # fmt: skip
    assert _send(generated, "auth.get_me", producer).status_code == 401
    producer = generated.AuthenticatedClient(
        base_url="http://testserver", token=changed.token, httpx_args={"transport": transport}
    )
    assert _send(generated, "auth.revoke_token", producer).status_code == 204
    assert _send(generated, "auth.get_me", producer).status_code == 401


def test_a_generated_client_imports_a_province_list(
    generated: ModuleType, app: Flask, make_caller: MakeCaller
) -> None:
    """Upload, the worker's preview, a row's group chosen, the confirmation, the history."""
    from matchmaker.extensions import get_database, get_settings
    from matchmaker.files.store import open_store
    from matchmaker.imports.jobs import run_job

    def worker(job_id: int) -> None:
        settings = get_settings(app)
        with app.app_context():
            run_job(get_database(app).sessions, lambda s: open_store(settings, s), job_id)

    transport = httpx.WSGITransport(app=app)
    caller = make_caller("officer")
    officer = generated.AuthenticatedClient(
        base_url="http://testserver",
        token=caller.headers["Authorization"].removeprefix("Bearer "),
        httpx_args={"transport": transport},
    )
    listing = (
        "STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,Xq zzv kkk,Hộ Zzv,3 sao\n2,Chè Tân Cương,HTX Chè,4\n"
    )
    file = importlib.import_module(f"{PACKAGE}.types").File(
        payload=io.BytesIO(listing.encode()), file_name="danh-sach.csv"
    )
    upload = importlib.import_module(f"{PACKAGE}.models").ImportUpload(file=file)
    job = _call(generated, "imports.start_import", officer, body=upload)
    assert job.state == "queued"
    worker(job.id)
    previewed = _call(generated, "imports.get_import", officer, import_id=job.id)
    assert previewed.state == "previewed" and previewed.summary.review == 1
    (review,) = _call(generated, "imports.list_import_rows", officer, import_id=job.id,
                      action="review").items  # fmt: skip
    chosen = _call(generated, "imports.choose_import_group", officer, import_id=job.id,
                   row_id=review.id, body=_model(generated, "GroupChoice",
                                                 {"category": "food.processed"}))  # fmt: skip
    assert chosen.category == "food.processed" and chosen.chosen
    assert _call(generated, "imports.confirm_import", officer, import_id=job.id).state == (
        "importing"
    )
    worker(job.id)
    history = _call(generated, "imports.list_imports", officer)
    assert [(j.id, j.state, j.summary.created) for j in history.items] == [(job.id, "done", 2)]


def test_a_generated_client_takes_over_a_listed_producer(
    generated: ModuleType, app: Flask, make_caller: MakeCaller, db: Session
) -> None:
    """A household registers as the producer its province lists; the officer approves; the
    household signs in and reads its product's history."""
    listed = services.create_organization(db, {
        "kind": "producer", "name": "HTX Mắm tôm Gò Dầu", "province": "Tây Ninh",
        "contact_email": "htx.godau@gmail.com",
    })  # fmt: skip
    offer = services.create_offer(db, listed, {"title": "Mắm tôm chua", "category": "food",
                                               "unit": "kg", "ocop_stars": 4})  # fmt: skip
    db.commit()
    transport = httpx.WSGITransport(app=app)
    anonymous = generated.Client(base_url="http://testserver", httpx_args={"transport": transport})
    officer_token = make_caller("officer").headers["Authorization"].removeprefix("Bearer ")
    officer = generated.AuthenticatedClient(
        base_url="http://testserver", token=officer_token, httpx_args={"transport": transport}
    )
    body = _model(generated, "Registration", {
        "email": "chi.hoa@example.vn", "password": "mắm tôm chua Gò Dầu 1987", "name": "Chị Hoa",
        "role": "producer", "organization": {"name": "htx mam tom go dau", "province": "Tay Ninh",
                                             "entity_type": "cooperative"},
    })  # fmt: skip
    assert _send(generated, "auth.register_account", anonymous, body=body).status_code == 202

    (waiting,) = _call(generated, "claims.list_claims", officer).waiting
    decision = _model(generated, "ClaimDecision", {"approve": True})
    decided = _call(generated, "claims.decide_claim", officer, claim_id=waiting.id, body=decision)
    assert decided.status == "approved"

    credentials = {"email": "chi.hoa@example.vn", "password": "mắm tôm chua Gò Dầu 1987"}
    signed = _call(generated, "auth.issue_token", anonymous,
                   body=_model(generated, "TokenRequest", credentials))  # fmt: skip
    producer = generated.AuthenticatedClient(
        base_url="http://testserver", token=signed.token, httpx_args={"transport": transport}
    )
    history = _call(generated, "offers.offer_history", producer, offer_id=offer.id)
    assert history.offer_id == offer.id


def test_a_generated_client_quotes_compares_and_accepts(
    generated: ModuleType, app: Flask, make_caller: MakeCaller
) -> None:
    """A producer quotes per tonne and revises; the buyer compares per kilogram and accepts;
    another quote is withdrawn and one declined."""
    transport = httpx.WSGITransport(app=app)

    def client_of(caller: Caller) -> Any:
        token = caller.headers["Authorization"].removeprefix("Bearer ")
        return generated.AuthenticatedClient(
            base_url="http://testserver", token=token, httpx_args={"transport": transport}
        )

    producer, buyer = client_of(make_caller("producer")), client_of(make_caller("buyer"))
    rice = {"title": "Gạo ST25 Sóc Trăng", "category": "food.raw_processed", "unit": "ton"}
    offers = [
        _call(generated, "offers.create_offer", producer,
              body=_model(generated, "OfferCreate", {**rice, "title": title}))
        for title in ("Gạo ST25 Sóc Trăng", "Gạo Nàng Hoa", "Gạo Một Bụi Đỏ")
    ]  # fmt: skip
    need = _call(generated, "requirements.create_requirement", buyer,
                 body=_model(generated, "RequirementCreate", {
                     "title": "Cần mua gạo", "quantity_per_month": 2000, "unit": "kg",
                 }))  # fmt: skip
    quotes = [
        _call(generated, "quotes.create_quote", producer, requirement_id=need.id,
              body=_model(generated, "QuoteCreate", {
                  "offer_id": o.id, "unit_price_vnd": 30_000_000, "unit": "ton",
                  "delivery_terms": "delivered", "delivery_provinces": ["Hồ Chí Minh"],
              }))
        for o in offers
    ]  # fmt: skip
    cheaper = _model(generated, "QuotePatch", {"unit_price_vnd": 28_000_000})
    revised = _call(generated, "quotes.revise_quote", producer, quote_id=quotes[0].id,
                    body=cheaper)  # fmt: skip
    assert [t.unit_price_vnd for t in revised.history] == [30_000_000, 28_000_000]
    compared = _call(generated, "quotes.compare_quotes", buyer, requirement_id=need.id)
    assert compared.items[0].price_per_wanted_unit == 28_000
    assert _call(generated, "quotes.get_quote", buyer, quote_id=quotes[0].id).terms.number == 2
    accepted = _call(generated, "quotes.accept_quote", buyer, quote_id=quotes[0].id)
    assert accepted.status == "accepted"
    after = _call(generated, "quotes.compare_quotes", buyer, requirement_id=need.id)
    match_id = next(i.match_id for i in after.items if i.quote.id == quotes[0].id)
    first = _call(
        generated,
        "matches.record_order",
        producer,
        match_id=match_id,
        body=_model(generated, "OrderCreate", {"value_vnd": 56_000_000, "quantity": 2}),
    )
    assert (first.kind, first.unit) == ("order", "ton")
    listed = _call(generated, "matches.list_orders", buyer, match_id=match_id)
    assert listed.total_value_vnd == 56_000_000
    reason = _model(generated, "QuoteDecline", {"reason": "Đã đủ nguồn"})
    declined = _call(generated, "quotes.decline_quote", buyer, quote_id=quotes[1].id, body=reason)
    assert declined.decline_reason == "Đã đủ nguồn"
    withdrawn = _call(generated, "quotes.withdraw_quote", producer, quote_id=quotes[2].id)
    assert withdrawn.status == "withdrawn"


def test_these_tests_reach_every_operation_of_the_generated_client(generated: ModuleType) -> None:
    api = Path(generated.__file__).parent / "api"
    operations = {f"{m.parent.name}.{m.stem}" for m in api.glob("*/*.py") if m.stem != "__init__"}
    source = Path(__file__).read_text()
    assert len(operations) > 40
    assert sorted(o for o in operations if f'"{o}"' not in source) == []


def test_a_generated_client_converses_with_files(
    generated: ModuleType, app: Flask, make_caller: MakeCaller, db: Session
) -> None:
    """A buyer writes to a producer on a match and sends a file; the producer reads, marks
    read, mutes and adds a price list to its quote; the two firms of a meeting do the same."""
    from matchmaker.matching.models import Match
    from tests.meetings import scheduled_meeting

    transport = httpx.WSGITransport(app=app)
    callers = {role: make_caller(role) for role in ("producer", "buyer", "officer")}
    clients = {
        role: generated.AuthenticatedClient(
            base_url="http://testserver",
            token=caller.headers["Authorization"].removeprefix("Bearer "),
            httpx_args={"transport": transport},
        )
        for role, caller in callers.items()
    }
    producer, buyer = clients["producer"], clients["buyer"]
    offer = services.create_offer(
        db,
        callers["producer"].user.organization,
        {"title": "Mật ong", "category": "food", "unit": "kg"},
    )
    need = services.create_requirement(db, callers["buyer"].user.organization, {"title": "Mật ong"})
    match = Match(requirement_id=need.id, offer_id=offer.id, score=0.8, rank=1)
    db.add(match)
    db.flush()
    event, meeting = scheduled_meeting(
        db,
        callers["officer"].organization_id,
        callers["producer"].organization_id,
        callers["buyer"].organization_id,
    )
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    files = importlib.import_module(f"{PACKAGE}.types")

    def upload(model: str, **extra: Any) -> Any:
        file = files.File(payload=io.BytesIO(pdf), file_name="bang-gia.pdf")
        return getattr(importlib.import_module(f"{PACKAGE}.models"), model)(file=file, **extra)

    text = _model(generated, "MessageCreate", {"text": "Cho xin báo giá?"})
    _call(generated, "conversations.post_match_message", buyer, match_id=match.id, body=text)
    sent = _call(
        generated,
        "conversations.upload_match_file",
        buyer,
        match_id=match.id,
        body=upload("MessageFileUpload", text="Yêu cầu"),
    )
    (attachment,) = sent.attachments
    page = _call(generated, "conversations.list_match_messages", producer, match_id=match.id)
    assert [m.text for m in page.items] == ["Cho xin báo giá?", "Yêu cầu"] and page.unread == 2
    got = _send(
        generated,
        "conversations.get_match_file",
        producer,
        match_id=match.id,
        attachment_id=attachment.id,
    )
    assert got.status_code == 200 and got.content == pdf
    read = _call(
        generated,
        "conversations.read_match_messages",
        producer,
        match_id=match.id,
        body=_model(generated, "ReadMark", {}),
    )
    assert read.unread == 0
    inbox = _call(generated, "conversations.list_conversations", producer)
    (line,) = inbox.items
    muted = _call(
        generated,
        "conversations.mute_conversation",
        producer,
        conversation_id=line.thread.id,
        body=_model(generated, "MuteChoice", {}),
    )
    assert muted.muted is True

    ids = {"event_id": event.id, "meeting_id": meeting.id}
    _call(
        generated,
        "conversations.post_meeting_message",
        producer,
        **ids,
        body=_model(generated, "MessageCreate", {"text": "Hẹn ở bàn 1"}),
    )
    in_meeting = _call(
        generated,
        "conversations.upload_meeting_file",
        producer,
        **ids,
        body=upload("MessageFileUpload"),
    )
    seen = _call(generated, "conversations.list_meeting_messages", buyer, **ids)
    assert [m.text for m in seen.items] == ["Hẹn ở bàn 1", ""]
    assert (
        _send(
            generated,
            "conversations.get_meeting_file",
            buyer,
            **ids,
            attachment_id=in_meeting.attachments[0].id,
        ).status_code
        == 200
    )
    assert (
        _call(
            generated,
            "conversations.read_meeting_messages",
            buyer,
            **ids,
            body=_model(generated, "ReadMark", {}),
        ).unread
        == 0
    )

    quote = _call(
        generated,
        "quotes.create_quote",
        producer,
        requirement_id=need.id,
        body=_model(
            generated,
            "QuoteCreate",
            {"offer_id": offer.id, "unit_price_vnd": 300_000, "unit": "kg"},
        ),
    )
    added = _call(
        generated,
        "conversations.upload_quote_file",
        producer,
        quote_id=quote.id,
        body=upload("FileUpload"),
    )
    listed = _call(generated, "conversations.list_quote_files", buyer, quote_id=quote.id)
    assert [f.id for f in listed.items] == [added.id]
    assert (
        _send(
            generated,
            "conversations.get_quote_file",
            buyer,
            quote_id=quote.id,
            attachment_id=added.id,
        ).status_code
        == 200
    )
    assert (
        _send(
            generated,
            "conversations.delete_quote_file",
            producer,
            quote_id=quote.id,
            attachment_id=added.id,
        ).status_code
        == 204
    )
