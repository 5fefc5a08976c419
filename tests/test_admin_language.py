"""The admin speaks the office's language: the site's name, the sections and models of the third-party apps
(login throttling, the reminder schedule, two-factor devices), and the greeting."""
import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VIETNAMESE = ["Truy cập đăng nhập", "Lịch chạy định kỳ", "Xác thực hai lớp: ứng dụng", "Xác thực hai lớp: mã dự phòng",
              "Các việc chạy định kỳ", "Lịch theo mặt trời", "Nhật ký đăng nhập", "Ứng dụng xác thực"]
ENGLISH = ["Axes", "Access attempts", "Periodic Tasks", "Crontabs", "Solar events", "Otp_Totp", "Otp_Static",
           "TOTP devices", "Static devices", "Welcome", "Chào mừng bạn"]


@pytest.fixture
def superuser(client):
    """Whoever sees every section: the office's own permissions leave out the two-factor devices."""
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def test_the_admin_index_names_every_section_in_vietnamese(superuser):
    page = superuser.get(reverse("admin:index")).content.decode()

    assert "Theo dõi thực hiện chỉ đạo – Tỉnh ủy Hậu Giang" in page
    assert [name for name in VIETNAMESE if name not in page] == []
    assert [name for name in ENGLISH if name in page] == []


def test_a_third_party_list_is_titled_in_vietnamese(superuser):
    page = superuser.get(reverse("admin:django_celery_beat_crontabschedule_changelist")).content.decode()

    assert "Lịch theo giờ trong ngày (crontab)" in page
    assert "Crontabs" not in page
