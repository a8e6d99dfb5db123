from datetime import timedelta

import pytest

from matchmaker.notifications.links import BadLink, ExpiredLink, Links


def test_a_link_names_its_user_and_match_and_only_works_for_its_action() -> None:
    links = Links("secret", "https://matchmaker.example.vn/", timedelta(days=60))
    url = links.url("accept", 7, 42)
    assert url.startswith("https://matchmaker.example.vn/notifications/accept/")
    token = url.rsplit("/", 1)[1]
    claims = links.load("accept", token)
    assert (claims.user_id, claims.match_id) == (7, 42)
    with pytest.raises(BadLink):
        links.load("decline", token)
    with pytest.raises(BadLink):
        links.load("accept", token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(BadLink):
        Links("another secret", "https://x", timedelta(days=60)).load("accept", token)


def test_match_links_expire_and_unsubscribe_links_expire_later() -> None:
    # Every match link is already too old; unsubscribe and preferences links are not yet.
    old = Links("secret", "https://x", timedelta(days=-1), timedelta(days=90))
    with pytest.raises(ExpiredLink):
        old.load("view", old.token("view", 7, 42))
    assert old.load("unsubscribe", old.token("unsubscribe", 7)).user_id == 7
    older = Links("secret", "https://x", timedelta(days=60), timedelta(days=-1))
    for action in ("unsubscribe", "preferences"):
        with pytest.raises(ExpiredLink):
            older.load(action, older.token(action, 7))
    assert older.load("view", older.token("view", 7, 42)).match_id == 42


def test_a_user_link_cannot_carry_a_match() -> None:
    links = Links("secret", "https://x", timedelta(days=60))
    with pytest.raises(BadLink):
        links.load("view", links.token("view", 7))
