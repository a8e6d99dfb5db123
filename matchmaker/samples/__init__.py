"""Realistic, reproducible OCOP sample data for demos, import files and ranking benchmarks.

Pure Python: the same seed always gives the same producers, buyers, offers and requirements.
"""

from matchmaker.samples.generator import (
    BUYER_TYPES,
    ENTITY_TYPES,
    OCOP_VALIDITY_MONTHS,
    add_months,
    generate,
    iter_offers,
    sample_producers,
)
from matchmaker.samples.models import (
    SampleOffer,
    SampleOrganization,
    SampleRequirement,
    SampleSet,
)
from matchmaker.samples.vocabulary import ProductKind, product_kinds

__all__ = [
    "BUYER_TYPES",
    "ENTITY_TYPES",
    "OCOP_VALIDITY_MONTHS",
    "ProductKind",
    "SampleOffer",
    "SampleOrganization",
    "SampleRequirement",
    "SampleSet",
    "add_months",
    "generate",
    "iter_offers",
    "product_kinds",
    "sample_producers",
]
