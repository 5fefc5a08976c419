"""The menu on a 1280 px office screen: every item, the language, the person and the bell fit without a sideways
scroll, even for a long name and in English (longer words)."""
import pytest

from tests.factories import office_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_menu_fits_a_1280_pixel_screen_with_a_long_name(open_browser, language):
    user = office_user(first_name="Phương", last_name="Nguyễn Thị Thanh Hoàng", username=f"long.name.{language}")
    session = open_browser(user)
    page = session.page
    session.context.add_cookies([{"name": "django_language", "value": language, "url": session.base_url}])
    for path in ("/", "/directives/", "/dashboard/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px"
        bell = page.locator("header .portal-bell").first
        box = bell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280
    assert session.console_errors == []
