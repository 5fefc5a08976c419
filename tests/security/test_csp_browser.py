"""Under the Content-Security-Policy (no inline script or style) the portal and the admin still work in Chromium.

Every page is watched for `securitypolicyviolation` events and console errors: a template that adds an inline
script, a style attribute or a CDN link fails here.
"""
import base64
import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop in this thread

import pytest  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402

from tests.factories import TaskFactory, UnitFactory, member, office_user  # noqa: E402
from tests.security.conftest import PASSWORD  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '?') + ':' + e.lineNumber));
"""


@pytest.fixture
def chromium(browser, live_server, transactional_db, settings):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.add_init_script(WATCH)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    # A failed sub-resource is reported by URL below; the console's own line for it names none.
    page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
            and page.problems.append(m.text))
    page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
            and not r.url.endswith("/favicon.ico") and page.problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def visit(page, path):
    response = page.goto(path, wait_until="networkidle")
    page.problems.extend(page.evaluate("window.__violations"))
    return response


def test_portal_and_admin_pages_load_with_no_csp_violation(chromium, settings):
    settings.PORTAL_ADMIN_REQUIRE_2FA = True
    unit = UnitFactory()
    task = TaskFactory(lead=unit)
    member(unit)
    office = office_user()
    page = chromium

    visit(page, "/accounts/login/")
    page.fill("input[name=username]", office.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("networkidle")
    for path in ("/", "/tasks/", f"/tasks/{task.pk}/", "/resolutions/"):
        assert visit(page, path).status == 200, path

    # The admin asks for two-factor enrolment first: scan (read) the key, type the code.
    visit(page, "/admin/")
    assert "/accounts/2fa/setup/" in page.url
    # The QR code is a data: image: drawn, so the Content-Security-Policy let it load.
    qr = page.locator("figure img[src^='data:image/svg+xml']")
    assert qr.count() == 1 and qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = "".join(page.locator(".font-monospace").inner_text().split())
    page.fill("input[name=token]", f"{TOTP(base64.b32decode(secret)).token():06d}")
    page.press("input[name=token]", "Enter")
    page.wait_for_load_state("networkidle")
    for path in ("/admin/", "/admin/tasks/task/", f"/admin/tasks/task/{task.pk}/change/", "/admin/auth/user/",
                 "/admin/axes/accessattempt/"):
        assert visit(page, path).status == 200, path
    visit(page, "/admin/tasks/task/")
    assert page.locator("#result_list").count() == 1
    visit(page, f"/admin/tasks/task/{task.pk}/change/")
    assert page.locator("#task_form").count() == 1

    assert page.problems == []
