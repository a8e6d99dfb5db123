"""The officer's figures by period: the dashboard's date range and comparison with the period
before, and the same figures as an XLSX report in the officer's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates
from flask import make_response, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.accounts import permissions as can
from matchmaker.db import utcnow
from matchmaker.errors import Invalid
from matchmaker.extensions import db_session, get_settings
from matchmaker.i18n import lang, say, say_fields
from matchmaker.reports import periods
from matchmaker.web.forms import BUYER_LABELS
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required, signed_in_user

bp = blueprint("officer_reports", __name__, url_prefix="/officer")
STAFF = ("officer", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(get_settings().notifications.timezone)).date()


def _period_report(errors: dict[str, str]) -> periods.PeriodReport:
    """The figures for the period the query asks for: this quarter when it asks for none, or
    when what it asks for does not hold (``errors`` then says why, by field)."""
    user = signed_in_user()
    try:
        period = periods.period_from(
            request.args.get("since"), request.args.get("until"), today=_today()
        )
    except Invalid as error:
        errors.update(say_fields(error.errors))
        period = periods.quarter_of(_today())
    admin = can.is_admin(user)
    return periods.period_report(
        db_session(),
        None if admin else can.officer_scope(user),
        period,
        timezone=get_settings().notifications.timezone,
        agency_id=None if admin else user.organization_id,
    )


def month_label(month: str) -> str:
    """ "2026-08" as the reader writes a month: "thg 8 2026", "Aug 2026"."""
    first = date.fromisoformat(f"{month}-01")
    return str(dates.format_skeleton("yMMM", first, locale=lang()))


def period_context() -> dict[str, Any]:
    """What the dashboard shows of the period: its figures, the quick choices, any problem."""
    errors: dict[str, str] = {}
    report = _period_report(errors)
    this = periods.quarter_of(_today())
    last = periods.quarter_of(this.start - timedelta(days=1))
    year = periods.Period(date(this.start.year, 1, 1), date(this.start.year, 12, 31))
    quarters = [(_("This quarter"), this), (_("Last quarter"), last), (_("This year"), year)]
    charts = {
        "monthly_offers": [(m, f.offers) for m, f in report.monthly],
        "monthly_deals": [(m, f.deals) for m, f in report.monthly],
        "producer_offers": [(kind, new) for kind, new, deals in report.by_producer_type],
        "producer_deals": [(kind, deals) for kind, new, deals in report.by_producer_type],
        "buyer_requirements": [(kind, new) for kind, new, deals in report.by_buyer_type],
        "buyer_deals": [(kind, deals) for kind, new, deals in report.by_buyer_type],
    }
    return {
        "report": report,
        "charts": charts,
        "buyer_label": lambda code: BUYER_LABELS.get(code, _("Type not stated")),
        "month_label": month_label,
        "period_errors": errors,
        "quarters": quarters,
        "printable": request.args.get("print") == "1",
    }


@bp.get("/report.xlsx")
@role_required(*STAFF)
def report_xlsx() -> Response:
    report = _period_report({})
    response = make_response(periods.to_xlsx(report, say))
    response.headers["Content-Type"] = XLSX
    name = f"ocop-{report.scope or 'vn'}-{report.period.start}-{report.period.end}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
