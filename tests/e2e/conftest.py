"""A live server with the demo data, and Debian's Chromium driven headless by Playwright.

Every journey runs in Vietnamese and in English and saves screenshots at phone (375 px) and
desktop widths under ``artifacts/e2e/``. Without Chromium the journeys skip (fail in CI).
Every page a Vietnamese journey is served is scanned for English left untranslated: a text
that is the English of a catalog entry whose Vietnamese differs fails the journey, named.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from matchmaker import outbox
from matchmaker.app import create_app
from matchmaker.catalog.demo import load_demo
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database
from matchmaker.imports.jobs import RUN_IMPORT
from matchmaker.jobs.celery_app import get_publisher
from matchmaker.migrations import upgrade
from matchmaker.settings import Settings
from tests.conftest import unavailable

CHROMIUM = os.environ.get("MATCHMAKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
CATALOG = (
    Path(__file__).resolve().parents[2]
    / "matchmaker" / "web" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
)  # fmt: skip


@dataclass
class Server:
    url: str
    app: object
    # Set: the worker takes import jobs; cleared: they wait (a test watches a job queued).
    worker: threading.Event = field(default_factory=threading.Event)


def run_import_jobs(app: Flask, running: threading.Event, stop: threading.Event) -> None:
    """The worker, for import jobs: the tasks their upload and confirmation queued in the
    outbox are run as a worker runs them (the task itself, in the app's context, its outbox
    row marked done). Other tasks stay in the outbox, as they do without a worker."""
    celery_app = app.extensions["celery"]
    celery_app.loader.import_default_modules()
    sessions = get_database(app).sessions
    while not stop.wait(0.3):
        if not running.is_set():
            continue
        with unit_of_work(sessions) as session:
            queued = [(m.id, m.kwargs) for m in session.scalars(
                select(outbox.OutboxMessage).where(outbox.OutboxMessage.task == RUN_IMPORT,
                                                   outbox.OutboxMessage.completed_at.is_(None))
            )]  # fmt: skip
        for message_id, kwargs in queued:
            celery_app.tasks[RUN_IMPORT].apply(kwargs={**kwargs, "outbox_id": message_id}).get()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``matchmaker serve``'s app on a free port, with a real SQLite file and the demo data."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    settings = Settings(
        environment="testing",
        instance_path=instance,
        database_url=f"sqlite:///{instance / 'e2e.sqlite'}",
        secret_key="e2e-secret",
        login_rate_limit="1000/minute",
    )
    app = create_app(settings)
    # No broker here: changes stay in the outbox; only import jobs are run, by a thread below.
    outbox.stop_publishing(get_publisher(app))
    upgrade(get_database(app).engine)
    with unit_of_work(get_database(app).sessions) as session:
        load_demo(session)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    running, stop = threading.Event(), threading.Event()
    running.set()
    worker = threading.Thread(target=run_import_jobs, args=(app, running, stop), daemon=True)
    worker.start()
    yield Server(f"http://127.0.0.1:{server.server_port}", app, running)
    stop.set()
    worker.join(timeout=30)
    server.shutdown()
    thread.join(timeout=10)
    get_database(app).engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium is not installed at {CHROMIUM}; run `bash scripts/browser.sh`")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: pip install 'playwright>=1.48'")
    # Assertions wait up to 15 s (not 5): a page on a loaded CI machine may take that long.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


SIGN_IN = {
    "vi": {"password": "Mật khẩu", "button": "Đăng nhập"},
    "en": {"password": "Password", "button": "Sign in"},
}


@dataclass
class Journey:
    """One browser tab in one language, with screenshots and the console watched."""

    page: object
    base_url: str
    lang: str
    folder: Path
    problems: list[str] = field(default_factory=list)
    shots: int = 0
    scanned: int = 0

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)  # type: ignore[attr-defined]

    def sign_in(self, email: str, password: str) -> None:
        """Through the sign-in page, in the journey's language."""
        page = self.page
        self.open("/signin")
        page.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
        page.get_by_label(SIGN_IN[self.lang]["password"]).fill(password)  # type: ignore[attr-defined]
        page.get_by_role("button", name=SIGN_IN[self.lang]["button"]).click()  # type: ignore[attr-defined]

    def shoot(self, name: str) -> None:
        """Full-page screenshots at desktop and phone width."""
        self.shots += 1
        stem = f"{self.shots:02d}-{name}"
        page = self.page
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)  # type: ignore[attr-defined]
            page.screenshot(  # type: ignore[attr-defined]
                path=str(self.folder / f"{stem}-{label}.png"), full_page=True
            )
            if label == "phone":
                overflow = evaluate_settled(
                    page, "document.documentElement.scrollWidth - window.innerWidth"
                )
                if overflow > 0:
                    self.problems.append(f"{stem}: page is {overflow}px wider than a phone")
        page.set_viewport_size(DESKTOP)  # type: ignore[attr-defined]


def evaluate_settled(page: object, script: str, attempts: int = 5) -> object:
    """``page.evaluate`` on a page that may be navigating (one that refreshes itself while a
    job runs): when the navigation destroys the script's context, wait for the new page to
    load and ask it again."""
    for attempt in range(attempts):
        try:
            return page.evaluate(script)  # type: ignore[attr-defined]
        except Exception as error:  # playwright's Error, imported lazily by the fixtures
            if "context was destroyed" not in str(error) or attempt == attempts - 1:
                raise
            page.wait_for_load_state()  # type: ignore[attr-defined]
    raise AssertionError("unreachable")


# --- English left on a Vietnamese page ---------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# Attributes whose words a reader sees or hears (a screen reader reads aria-label).
_SEEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
_HIDDEN_ELEMENTS = ("script", "style", "noscript", "template")
# An English sentence this long is searched inside longer texts too (a paragraph with a link).
_LONG = 30


@dataclass(frozen=True)
class EnglishOfCatalog:
    """The English of every catalog entry whose Vietnamese differs, as a reader would see it."""

    exact: frozenset[str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    long: tuple[str, ...]

    def found_in(self, texts: list[str]) -> list[str]:
        found = [t for t in texts if t in self.exact]
        found += [t for t in texts for _, p in self.patterns if p.fullmatch(t)]
        whole = " ".join(texts)
        found += [message for message in self.long if message in whole]
        return sorted(set(found))


@cache
def english_of_catalog() -> EnglishOfCatalog:
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    exact: set[str] = set()
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for entry in catalog:
        message, vietnamese = entry.id, entry.string
        if not isinstance(message, str) or not message or not vietnamese or vietnamese == message:
            continue
        literal = _PLACEHOLDER.sub("", message).replace("%%", "%")
        if len(re.sub(r"[^A-Za-z]", "", literal)) < 3:
            continue  # "%(count)s ★" or a symbol says nothing in English
        if _PLACEHOLDER.search(message):
            parts = _PLACEHOLDER.split(message.replace("%%", "%"))
            pattern = ".+?".join(re.escape(" ".join(part.split())) for part in parts)
            patterns.append((message, re.compile(pattern)))
        else:
            exact.add(" ".join(message.split()))
    long = tuple(m for m in exact if len(m) >= _LONG)
    return EnglishOfCatalog(frozenset(exact), tuple(patterns), long)


class VisibleText(HTMLParser):
    """The texts of a page a reader sees: text nodes and seen attributes, not scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lang = ""
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag in _HIDDEN_ELEMENTS:
            self._hidden += 1
        self._keep(*(values.get(name) for name in _SEEN_ATTRIBUTES))
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self._keep(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._keep(data)

    def _keep(self, *texts: str | None) -> None:
        self.texts.extend(" ".join(t.split()) for t in texts if t and t.strip())


def untranslated(html: str) -> list[str]:
    """English texts of the catalog on a page served in Vietnamese (none on another page)."""
    page = VisibleText()
    page.feed(html)
    if page.lang != "vi":
        return []
    return english_of_catalog().found_in(page.texts)


def scan_vietnamese_pages(trip: Journey) -> None:
    """Every page the browser loads is scanned once it has loaded (its text as shown, with
    what scripts changed), and what is left in English is a problem of the journey."""
    from playwright.sync_api import Error as PlaywrightError

    page = trip.page

    def scan() -> None:
        try:
            url, html = page.url, page.content()  # type: ignore[attr-defined]
        except PlaywrightError:
            return  # closed or navigated away meanwhile: the next page is scanned on its load
        trip.scanned += 1
        trip.problems.extend(f"untranslated on {url}: {text!r}" for text in untranslated(html))

    page.on("load", scan)  # type: ignore[attr-defined]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if report.when == "call":  # type: ignore[attr-defined]
        item.stash[_FAILED] = report.failed  # type: ignore[attr-defined]
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(params=["vi", "en"])
def journey(
    request: pytest.FixtureRequest, browser: object, live_server: Server
) -> Iterator[Journey]:
    lang: str = request.param
    # The phone's own language too: date pickers follow the browser's locale, not the page.
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport=DESKTOP, locale="vi-VN" if lang == "vi" else "en-GB"
    )
    page = context.new_page()
    # Generous: a loaded CI machine can take seconds to answer; a passing run never waits it out.
    page.set_default_timeout(30_000)
    name = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    trip = Journey(page, live_server.url, lang, folder)
    if lang == "vi":
        scan_vietnamese_pages(trip)
    page.on("console", lambda m: m.type == "error" and trip.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: trip.problems.append(f"page error: {e}"))
    trip.open("/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == lang
    yield trip
    if request.node.stash.get(_FAILED, False):
        page.screenshot(path=str(folder / "failure.png"), full_page=True)
    context.close()
    assert trip.problems == [], trip.problems
    assert lang != "vi" or trip.scanned, "no page of the journey was scanned for English"
