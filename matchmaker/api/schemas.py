"""Request and response shapes of API v1; they are also the OpenAPI document's schemas."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    WithJsonSchema,
)

from matchmaker.catalog import inputs
from matchmaker.inputs import MULTILINE, NO_LINKS, VERBATIM, Input
from matchmaker.matching.orders import OrderInput
from matchmaker.ranking import reference


def _plausible_day(value: date) -> date:
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError("must be between 1990-01-01 and 2100-12-31")
    return value


Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Day = Annotated[
    date,
    AfterValidator(_plausible_day),
    Field(description="A date from 1990-01-01 to 2100-12-31."),
]
PriceVnd = Annotated[int, Field(ge=0, le=10**13)]

_SCHEMAS: dict[tuple[Any, ...], dict[str, Any]] = {}

# Where each of the project's models of a name is defined.
_NAMES: dict[str, str] = {}


class Schema(BaseModel):
    """A request or response shape whose JSON schema is made once per model and arguments.

    flask-openapi3 asks pydantic for the schemas of every route's models when an app is
    made, and for a query model's on every request; pydantic works each out afresh (more
    than a millisecond for the search parameters, most of the time an app takes to start).
    A copy is handed out, so that no caller can change the one kept.

    The document names each model's schema after its class alone, so two of the project's
    models with one name would share an entry, and one operation would document the other's
    shape: defining the second is refused.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("matchmaker."):
            where = f"{cls.__module__}.{cls.__qualname__}"
            other = _NAMES.setdefault(cls.__name__, where)
            if other != where:
                raise TypeError(
                    f"{where} and {other} would share one entry of the OpenAPI document's "
                    "schemas: rename one"
                )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(schema)


class Request(Schema, Input):
    """What a client sends (a body, a query's filters): unknown fields are refused, and every
    text follows the application's rules on text (:class:`matchmaker.inputs.Input`)."""


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    status: int
    title: str
    detail: str
    code: str | None = None
    errors: list[dict[str, Any]] | None = None


class ProvinceOut(Schema):
    code: str
    name: str
    name_en: str

    @classmethod
    def from_code(cls, code: str | None) -> ProvinceOut | None:
        if not code:
            return None
        province = reference.get_province(code)
        return cls(code=province.code, name=province.name_vi, name_en=province.name_en)


class PageQuery(Request):
    limit: int = Field(50, ge=1, le=200, description="Items per page (1-200).")
    cursor: str | None = Field(
        None, max_length=64, description="The next_cursor of the previous page."
    )
    page: int | None = Field(
        None, ge=1, le=100_000, description="Page number, instead of a cursor."
    )


class OfferQuery(PageQuery):
    status: str | None = Field(None, description="active, paused or archived (default active).")
    category: str | None = Field(None, description="A group or sub-group code.")
    province: str | None = Field(None, description="Code or any spelling of a province.")
    min_stars: int | None = Field(None, ge=3, le=5)
    certification: str | None = None
    organization_id: Id | None = None
    updated_since: AwareDatetime | None = None


# What a response that carries a record's version says about it in the document.
VERSIONED: ConfigDict = ConfigDict(
    openapi_extra={  # type: ignore[typeddict-unknown-key]  # flask-openapi3 reads it
        "headers": {
            "ETag": {
                "description": 'The version of the record, e.g. "v3": send it back as '
                "If-Match with an edit, so that a change made meanwhile is not overwritten.",
                "required": True,
                "schema": {"type": "string", "pattern": '^"v[0-9]+"$'},
            }
        }
    }
)


class VersionHeader(Schema):
    """The version an edit was made on."""

    # A header is absent or a string: null is no value a client can send.
    if_match: Annotated[
        str | None, WithJsonSchema({"type": "string", "pattern": '^(W/)?"v[0-9]+"$'})
    ] = Field(
        None,
        alias="If-Match",
        description='The ETag you read, e.g. "v3": if the record changed since, the edit is '
        "refused with 412 and nothing is changed. The body's `version` does the same.",
    )


class OfferOut(Schema):
    model_config = VERSIONED

    id: int
    organization_id: int
    producer_name: str
    title: str
    description: str
    category: str
    ocop_stars: int | None
    ocop_potential_five_star: bool
    ocop_certified_on: date | None
    ocop_certified_until: date | None
    ocop_decision_number: str | None
    certifications: list[str]
    province: ProvinceOut
    province_text: str | None
    unit: str
    monthly_capacity: float | None
    min_order_quantity: float | None
    unit_price_vnd: int | None
    shelf_life_days: int | None
    export_markets: list[str]
    traceability_url: str | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime


class OfferPage(Schema):
    items: list[OfferOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class OfferPath(Schema):
    offer_id: int = Field(..., ge=1, le=2**31 - 1)


class OfferHistoryLine(Schema):
    """One field of a change: its code, its name and both values as stored and as said in the
    language asked for (Accept-Language)."""

    field: str
    field_name: str
    old: Any = None
    new: Any = None
    old_text: str
    new_text: str


class OfferHistoryEntry(Schema):
    """One change of an offer: by an officer's list import (``import``, with its file) or by an
    edit (``edit``: the producer's own, or an admin's); ``author`` says who, in words."""

    changed_at: datetime
    source: Literal["edit", "import"]
    import_file: str | None
    user_id: int | None
    author: str
    changes: list[OfferHistoryLine]


class OfferHistory(Schema):
    """The offer's changes, newest first (the latest 200 fields)."""

    offer_id: int
    items: list[OfferHistoryEntry]


class ReferencePath(Schema):
    kind: str = Field(..., pattern="^(provinces|categories|certifications|units)$")


class ReferenceItem(Schema):
    model_config = ConfigDict(extra="allow")

    code: str
    name: str
    name_en: str


class ReferenceList(Schema):
    items: list[ReferenceItem]


# --- write models: the catalog's own input models, documented -----------------------------

Province = Annotated[
    str, Field(description="Code or any spelling of a current or pre-2025 name.", max_length=120)
]


def _listed(items: Sequence[Any]) -> dict[str, Any]:
    """The codes of a reference list, for the document: generated clients get them as
    enumerations."""
    return {"enum": [item.code for item in items]}


CategoryCode = Annotated[
    str, Field(max_length=64, json_schema_extra=_listed(reference.categories()))
]
CertificationCode = Annotated[
    str, Field(max_length=64, json_schema_extra=_listed(reference.certifications()))
]


class _Versioned(Schema):
    version: Id | None = Field(None, description="The version you edited; 409 if it changed.")

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = super().values()  # type: ignore[misc]
        values.pop("version", None)
        return values


class OfferCreate(Schema, inputs.OfferInput):
    """A new offer. Only title, category and unit are required."""


class OfferPatch(_Versioned, inputs.OfferChanges):
    """The fields of an offer to change."""


class RequirementCreate(Schema, inputs.RequirementInput):
    """A new requirement."""


class RequirementPatch(_Versioned, inputs.RequirementChanges):
    """The fields of a requirement to change."""


class OrganizationFields(Schema, inputs.OrganizationFieldsInput):
    """An organization's profile: the fields to change."""

    model_config = inputs.CHANGES

    name: inputs.ChangedName = None


class NewOrganization(Schema, inputs.OrganizationFieldsInput):
    """Register with a new organization."""

    name: inputs.Name
    kind: Literal["producer", "buyer", "agency"] | None = Field(
        None, description="The organization's kind: when given, the same as the role."
    )


class JoinOrganization(Request):
    """Join an existing organization with the invite code its members see."""

    id: int = Field(..., ge=1, le=2**31 - 1)
    invite_code: str = Field(..., min_length=1, max_length=64)


class Registration(Request):
    email: str = Field(..., max_length=320, json_schema_extra={"format": "email"})
    password: Annotated[str, VERBATIM] = Field(..., min_length=8, max_length=256)
    name: Annotated[str, NO_LINKS] = Field(..., min_length=1, max_length=200)
    role: Literal["producer", "buyer"]
    organization: NewOrganization | JoinOrganization


class PasswordChange(Request):
    current_password: Annotated[str, VERBATIM] = Field(..., max_length=256)
    new_password: Annotated[str, VERBATIM] = Field(..., min_length=8, max_length=256)


class TokenRequest(Request):
    email: str = Field(..., max_length=320)
    password: Annotated[str, VERBATIM] = Field(..., max_length=256)


class TokenOut(Schema):
    token: str
    expires_at: datetime
    token_type: Literal["bearer"] = "bearer"


class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    entity_type: str | None
    buyer_type: str | None
    province: ProvinceOut | None
    province_text: str | None
    address: str | None
    contact_email: str | None
    phone: str | None
    preferred_language: str
    serves_provinces: list[ProvinceOut]
    wanted_buyer_types: list[str]
    invite_code: str | None = Field(None, description="Only shown to the organization's members.")


class UserOut(Schema):
    id: int
    email: str
    name: str
    role: str
    organization_id: int


class RegistrationOut(Schema):
    user: UserOut
    organization: OrganizationOut
    token: str
    expires_at: datetime


class ClaimWaitingOut(Schema):
    """The registration named a producer the province lists: the account waits, without a
    token, until an officer of its province approves that it is theirs (they are emailed)."""

    status: Literal["waiting_for_approval"] = "waiting_for_approval"
    user_id: int
    organization_id: int
    organization_name: str
    province: ProvinceOut
    detail: str


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class OrganizationQuery(PageQuery):
    kind: Literal["producer", "buyer", "agency"] | None = None
    province: str | None = None


class OrganizationPath(Schema):
    organization_id: int = Field(..., ge=1, le=2**31 - 1)


class RequirementOut(Schema):
    model_config = VERSIONED

    id: int
    organization_id: int
    buyer_name: str
    buyer_type: str | None
    title: str
    description: str
    category: str | None
    min_ocop_stars: int | None
    required_certifications: list[str]
    unit: str | None
    quantity_per_month: float | None
    max_unit_price_vnd: int | None
    delivery_provinces: list[ProvinceOut]
    min_shelf_life_days: int | None
    needed_by: date | None
    valid_until: date | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime


class RequirementPage(Schema):
    items: list[RequirementOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class RequirementQuery(PageQuery):
    status: Literal["open", "paused", "closed"] | None = None
    category: str | None = None
    province: str | None = Field(None, description="Delivers to this province.")
    organization_id: Id | None = None
    updated_since: AwareDatetime | None = None


class RequirementPath(Schema):
    requirement_id: int = Field(..., ge=1, le=2**31 - 1)


class MatchQuery(Request):
    limit: int = Field(10, ge=1, le=50)


class Explanation(Schema):
    """A reason the offer fits, or a gap: a stable code and its text."""

    code: str = Field(description="Stable for programs, e.g. `capacity_short`.")
    text: str = Field(description="In the request's language (Accept-Language).")
    vi: str = Field(description="In Vietnamese.")
    en: str = Field(description="In English.")


class OfferSummary(Schema):
    id: int
    title: str
    category: str
    producer_id: int
    producer_name: str
    producer_type: str | None
    province: ProvinceOut
    ocop_stars: int | None
    unit: str
    unit_price_vnd: int | None
    monthly_capacity: float | None


class RequirementSummary(Schema):
    id: int
    title: str
    category: str | None
    buyer_id: int
    buyer_name: str
    buyer_type: str | None
    quantity_per_month: float | None
    unit: str | None
    max_unit_price_vnd: int | None
    valid_until: date | None


class OfferMatch(Schema):
    id: int
    offer: OfferSummary
    score: float
    rank: int
    reasons: list[Explanation]
    gaps: list[Explanation]
    status: str
    related: bool = Field(
        description="Not the kind of product asked for, only a related one: listed after "
        "every offer that fits, and only when fewer than five fit. Show it apart; it is "
        "never notified to either side."
    )


class RequirementMatch(Schema):
    id: int
    requirement: RequirementSummary
    score: float
    rank: int
    reasons: list[Explanation]
    gaps: list[Explanation]
    status: str


class OfferMatchList(RootModel[list[OfferMatch]]):
    """The ranked offers that fit, best first; then, when few fit, a few related products
    (``related``)."""


class RequirementMatchList(RootModel[list[RequirementMatch]]):
    """The ranked open requirements, best first."""


class PoolOut(Schema):
    offers: list[OfferSummary]
    combined_capacity: float
    unit: str | None
    score: float
    reasons: list[Explanation]
    gaps: list[Explanation]


class PoolList(RootModel[list[PoolOut]]):
    """Groups of producers who together cover the monthly volume, best first."""


class MatchPath(Schema):
    match_id: int = Field(..., ge=1, le=2**31 - 1)


class Feedback(Request):
    action: Literal["viewed", "accepted", "declined", "contacted", "deal"]
    reason: Annotated[str | None, MULTILINE] = Field(
        None, max_length=500, description="Required when declining."
    )


class MatchOut(Schema):
    id: int
    requirement_id: int
    offer_id: int
    score: float
    rank: int
    status: str
    decline_reason: str | None
    history: list[dict[str, Any]]


class OrderCreate(OrderInput, Schema):
    """An order placed under the match's deal: its value in VND, and what and when."""


class OrderOut(Schema):
    id: int
    match_id: int
    kind: Literal["order", "repeat"] = Field(description="The first order, or a later one.")
    side: Literal["buyer", "producer", "officer"] = Field(description="Who recorded it.")
    value_vnd: int
    quantity: float | None
    unit: str | None
    ordered_on: date
    note: str
    created_at: datetime


class OrderList(Schema):
    items: list[OrderOut]
    total_value_vnd: int


SearchSort = Literal["relevance", "price_asc", "price_desc", "stars"]
SearchFilterName = Literal[
    "category", "province", "min_stars", "certification", "min_price", "max_price"
]


class SearchQuery(Request):
    q: str | None = Field(None, max_length=300)
    category: CategoryCode | None = None
    province: str | None = None
    min_stars: int | None = Field(None, ge=3, le=5)
    certification: CertificationCode | None = None
    min_price: PriceVnd | None = Field(
        None, description="Lowest unit price in VND, per the offer's own unit."
    )
    max_price: PriceVnd | None = Field(
        None,
        description="Highest unit price in VND, per the offer's own unit; at least min_price. "
        "Offers without a price are left out when either price is given.",
    )
    sort: SearchSort | None = Field(
        None,
        description="relevance (the default): best match first with words, best rated first "
        "without; price_asc, price_desc: by unit price, offers without a price last; stars: "
        "highest OCOP rating valid today first. Ties keep the relevance order.",
    )
    limit: int = Field(20, ge=1, le=100)
    page: int = Field(1, ge=1, le=500)


class SearchHit(Schema):
    offer: OfferOut
    score: float
    highlights: dict[str, str]


class FacetCount(Schema):
    code: str
    name: str
    count: int


class SearchSuggestion(Schema):
    drop: SearchFilterName = Field(description="A filter of the search, by its parameter name.")
    total: int = Field(description="How many offers the search finds without that filter.")


class SearchResult(Schema):
    items: list[SearchHit]
    total: int
    page: int
    facets: dict[str, list[FacetCount]]
    suggestions: list[SearchSuggestion] = Field(
        description="When nothing is found: each filter given, with how many offers the "
        "search finds without it, most first; empty otherwise."
    )
    spelling: str | None = Field(
        None,
        description="When the words as typed find nothing: the words as the catalogue "
        'spells them, with its accents (e.g. "miến dong" for "mien dongg" or "mieng dong"), '
        'which the items were found for; offer it as "did you mean". Null otherwise.',
    )


class ShortlistNote(Request):
    note: Annotated[str | None, MULTILINE] = Field(
        None, max_length=500, description="For the buyer's colleagues."
    )


class ShortlistEntryOut(Schema):
    offer: OfferSummary
    offer_status: str = Field(description="An offer since paused or archived stays listed.")
    note: str
    saved_by_id: int | None
    saved_at: datetime


class ShortlistOut(Schema):
    items: list[ShortlistEntryOut]
    total: int
