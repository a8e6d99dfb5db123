"""Reference codes for clients' pick-lists: provinces, categories, certifications, units."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api.schemas import ReferenceList, ReferencePath
from matchmaker.api.security import api_blueprint
from matchmaker.ranking import reference as ref

TAG = Tag(name="reference", description="Codes with Vietnamese and English names")


def _items(kind: str) -> list[dict[str, Any]]:
    if kind == "provinces":
        return [
            {"code": p.code, "name": p.name_vi, "name_en": p.name_en, "kind": p.kind,
             "lat": p.lat, "lon": p.lon}
            for p in ref.provinces()
        ]  # fmt: skip
    if kind == "categories":
        return [
            {"code": c.code, "name": c.name_vi, "name_en": c.name_en, "group": c.group,
             "is_group": c.is_group}
            for c in ref.categories()
        ]  # fmt: skip
    if kind == "certifications":
        return [{"code": c.code, "name": c.name_vi, "name_en": c.name_en}
                for c in ref.certifications()]  # fmt: skip
    return [
        {"code": u.code, "name": u.name_vi, "name_en": u.name_en, "dimension": u.dimension,
         "factor": u.factor}
        for u in ref.units()
    ]  # fmt: skip


def build() -> APIBlueprint:
    api = api_blueprint("api_reference", __name__, url_prefix="/api/v1/reference", abp_tags=[TAG])

    @api.get("/<kind>", responses={200: ReferenceList})
    def list_reference(path: ReferencePath) -> dict:
        """The codes of one kind, with Vietnamese and English names."""
        return {"items": _items(path.kind)}

    return api
