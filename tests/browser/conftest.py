"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a thread with a running
loop unless told it is safe: here it is (the tests create their data before and between page actions, never
concurrently with the server's own thread). Screenshots land in test-artifacts/screenshots/<test>.png, which CI
keeps as artifacts.
"""
import os
import re
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


class Session:
    """One person's browser: a context with its own cookies, and the pages it opened."""

    def __init__(self, browser, base_url, viewport, request):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, viewport=viewport, locale="vi-VN",
                                           timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.console_errors = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.request = request

    def login_as(self, user):
        """Sign in by session cookie (the login form itself is driven in one test)."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                                   "url": self.base_url}])
        return self

    def screenshot(self, suffix=""):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", self.request.node.name).strip("_") + (f"-{suffix}" if suffix else "")
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture
def open_browser(browser, live_server, request, transactional_db):
    """open_browser(user=None, viewport=DESKTOP) -> Session, signed in as `user` when given."""
    sessions = []

    def make(user=None, viewport=DESKTOP):
        session = Session(browser, live_server.url, viewport, request)
        if user is not None:
            session.login_as(user)
        sessions.append(session)
        return session

    yield make
    for number, session in enumerate(sessions, start=1):
        if getattr(request.node, "browser_test_failed", False):
            session.screenshot(f"failed-{number}")  # what the person saw when the test failed
        session.context.close()
