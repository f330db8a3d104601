"""Shared fixtures: the tenant world, API clients with real tokens, a real SMTP server, the
worker, and a real browser."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
# The onboarding tests' PBX listens on loopback (subprocess servers read it from the env).
os.environ.setdefault("CHANNELDESK_CONNECTION_TEST_ALLOW_LOOPBACK", "1")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(autouse=True)
def _loopback_pbx(settings):
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True


@pytest.fixture
def world(db):
    return factories.world()


class Api:
    """A JSON client for /api/v1 acting with a bearer token of one membership."""

    def __init__(self, raw_token: str | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}

    def _call(self, method: str, path: str, body=None, **headers):
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs = {**self.headers, **headers}
        fn = getattr(self.client, method)
        if body is not None:
            return fn(url, body, content_type="application/json", **kwargs)
        return fn(url, **kwargs)

    def get(self, path, **h):
        return self._call("get", path, **h)

    def post(self, path, body=None, **h):
        return self._call("post", path, {} if body is None else body, **h)

    def put(self, path, body=None, **h):
        return self._call("put", path, {} if body is None else body, **h)

    def patch(self, path, body=None, **h):
        return self._call("patch", path, {} if body is None else body, **h)

    def delete(self, path, **h):
        return self._call("delete", path, **h)


@pytest.fixture
def api_as(db):
    """api_as(membership) -> Api acting as that membership through a real API token."""

    def make(membership) -> Api:
        return Api(factories.token(membership) if membership is not None else None)

    return make


@pytest.fixture
def web_as(db):
    """web_as(membership) -> a Django test Client signed in as that membership."""

    def make(membership) -> Client:
        c = Client()
        c.force_login(membership.user, backend="channeldesk.identity.backends.EmailBackend")
        s = c.session
        s["membership_id"] = membership.id
        s.save()
        return c

    return make


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def clear(self) -> None:
        self.messages.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on loopback; SMTP_URL points at it."""
    from aiosmtpd.controller import Controller

    box = Mailbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.SMTP_URL = f"smtp://127.0.0.1:{port}"
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def deliver(db):
    """Run the worker's outbox delivery now (what `channeldesk worker` does every few seconds)."""
    from channeldesk.notifications.outbox import deliver_due

    def run() -> int:
        return deliver_due()

    return run


@pytest.fixture
def run_worker(db, monkeypatch):
    """Run due periodic jobs and every queued task once, as the worker process would."""
    from django.db import connection
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    from channeldesk.core import jobs

    if connection.in_atomic_block:
        # Inside a test's transaction, the worker's close_old_connections() would close the
        # connection (autocommit differs from the settings) and lose the test's data.
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        jobs.run_due()
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test",
            excluded_queue_names=[],
        ).run()

    return run


def body_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


# CSRF tokens (64 letters and digits) and the tokens of e-mailed links are random: one may
# contain "EUR" by chance. Tests that look for what must not be shown look past them.
_RANDOM_TOKENS = re.compile(r"[A-Za-z0-9]{64}|token=[A-Za-z0-9_\-]+")


def without_tokens(text: str) -> str:
    return _RANDOM_TOKENS.sub("", text)


# ---- browser -----------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHANNELDESK_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # CI containers give /dev/shm 64 MB; full-page captures of two workers overflow it.
                "--disable-dev-shm-usage",
            ],
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.console_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/screenshots/ (look at them)."""
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    # Chromium now and then refuses a capture under load ("Unable to capture screenshot", a
    # renderer without a frame yet). The screenshot is for people to look at, not an assertion:
    # wait for the next frames and try again, then keep at least the viewport.
    scrolled = page.evaluate("() => [window.scrollX, window.scrollY]")
    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=attempt < 2)
            break
        except PlaywrightError as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == 2:
                raise
            page.wait_for_timeout(250)
    # After a full-page capture of a scrolled page Chromium hit-tests clicks against a stale
    # layout: the next click reaches no element (a form is not submitted). A real scroll
    # (away and back) brings it up to date.
    page.evaluate("([x, y]) => { window.scrollTo(0, 0); window.scrollTo(x, y); }", scrolled)
    return path


def login(page, email: str, password: str = factories.PASSWORD) -> None:
    page.goto("/auth/login")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
