"""Error pages with DEBUG off: Vietnamese, and nothing about the code behind them."""
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def broken(request):
    raise ZeroDivisionError("secret-internal-detail in tasks/services.py")


def forbidden(request):
    raise PermissionDenied("secret-internal-detail")


urlpatterns = [
    path("test-broken/", broken),
    path("test-forbidden/", forbidden),
    path("", include("config.urls")),
]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def client_for(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def assert_reveals_nothing(html: str):
    for leak in ("Traceback", "secret-internal-detail", "ZeroDivisionError", "services.py", "settings.py",
                 "DEBUG", "SECRET_KEY", "urlpatterns", "Django"):
        assert leak not in html


def test_a_crash_shows_a_vietnamese_page_without_a_traceback(production):
    response = client_for(UserFactory()).get("/test-broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in html
    assert_reveals_nothing(html)


def test_a_refusal_shows_a_vietnamese_page(production):
    response = client_for(UserFactory()).get("/test-forbidden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không thực hiện được" in html
    assert_reveals_nothing(html)


def test_an_unknown_address_shows_a_vietnamese_page(production):
    response = client_for(UserFactory()).get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy" in html or "không tồn tại" in html
    assert_reveals_nothing(html)
