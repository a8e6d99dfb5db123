"""Reference data: provinces (current and pre-2025), OCOP product categories,
certifications and units, with lookups that understand how people write them.

Nothing is read at import time; each table is loaded on first use and kept.
"""

from matchmaker.ranking.reference.categories import (
    Category,
    categories,
    get_category,
    group_of,
    resolve_category,
)
from matchmaker.ranking.reference.certifications import (
    Certification,
    certifications,
    get_certification,
    resolve_certification,
)
from matchmaker.ranking.reference.errors import UnknownReference
from matchmaker.ranking.reference.provinces import (
    LegacyProvince,
    Province,
    ProvinceMatch,
    distance_km,
    get_legacy_province,
    get_province,
    legacy_provinces,
    provinces,
    resolve_province,
)
from matchmaker.ranking.reference.units import Unit, convert, get_unit, resolve_unit, units

__all__ = [
    "Category",
    "Certification",
    "LegacyProvince",
    "Province",
    "ProvinceMatch",
    "Unit",
    "UnknownReference",
    "categories",
    "certifications",
    "convert",
    "distance_km",
    "get_category",
    "get_certification",
    "get_legacy_province",
    "get_province",
    "get_unit",
    "group_of",
    "legacy_provinces",
    "provinces",
    "resolve_category",
    "resolve_certification",
    "resolve_province",
    "resolve_unit",
    "units",
]
