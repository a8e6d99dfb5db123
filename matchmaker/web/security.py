"""Security headers on every response; a strict content policy on the web pages."""

from __future__ import annotations

from flask import Flask, Response, request, session

from matchmaker.settings import Settings

# Pages use only their own stylesheet and images (QR codes and charts are inline SVG). Other
# packages' pages (Swagger UI, the email landing pages) carry inline styles and scripts, so
# the policy covers only this package's blueprints and the error pages.
PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def init_security(app: Flask, page_blueprints: frozenset[str], settings: Settings) -> None:
    # In production every response, whatever scheme the app sees: behind a proxy that ends
    # TLS the request reaches the app as http.
    hsts = settings.is_production or settings.base_url.startswith("https://")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # An email link's address holds its token: no page it leads to is told it.
        email_link = request.path.startswith("/notifications/")
        response.headers.setdefault(
            "Referrer-Policy", "no-referrer" if email_link else "same-origin"
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        unrouted = request.blueprint is None and not request.path.startswith("/api/")
        if request.blueprint in page_blueprints or unrouted:
            response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        if hsts or request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # What a signed-in person sees, every API answer and an email link's page (a match,
        # contact details) stay out of shared and browser caches (a shared computer's back
        # button, a proxy); a response that states its own rule (a listed photo) keeps it.
        private = request.path.startswith(("/api/", "/notifications/")) or "user_id" in session
        if private and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response
