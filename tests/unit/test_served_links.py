"""Links in emails lead to the server a developer started, wherever it listens."""

from __future__ import annotations

from matchmaker.settings import Settings


def test_development_links_follow_the_served_port_but_production_keeps_its_own() -> None:
    development = Settings(environment="development")
    assert development.served_at("127.0.0.1", 5101).base_url == "http://127.0.0.1:5101"
    assert development.served_at("0.0.0.0", 8000).base_url == "http://127.0.0.1:8000"
    configured = Settings(environment="development", base_url="http://ocop.lan:5000")
    assert configured.served_at("127.0.0.1", 5101).base_url == "http://ocop.lan:5000"
    production = Settings(environment="production", secret_key="k" * 40)
    assert production.served_at("0.0.0.0", 5101).base_url == production.base_url
