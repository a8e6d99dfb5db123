"""Figures for trade promotion officers: the catalog, the match funnel, who is reached."""

from matchmaker.reports.dashboard import (
    FUNNEL_STAGES,
    Dashboard,
    ProducerReach,
    dashboard,
    match_funnel,
    offers_by_group,
    offers_by_province,
    offers_by_stars,
    reach_by_producer_type,
)

__all__ = [
    "FUNNEL_STAGES",
    "Dashboard",
    "ProducerReach",
    "dashboard",
    "match_funnel",
    "offers_by_group",
    "offers_by_province",
    "offers_by_stars",
    "reach_by_producer_type",
]
