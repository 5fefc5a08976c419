"""What the admin tests share: the admin's addresses of a model or object, the role groups as migrate leaves them,
one real object of every model the office manages, and a signed-in office and standing committee."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from notifications.models import Notification
from tasks.models import Attachment, ExtensionRequest, Review
from units.models import Unit
from tests.factories import (
    DirectiveFactory,
    ProgressReportFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
    member,
    office_user,
    standing_user,
)

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


@pytest.fixture
def role_groups():
    """The role groups with their permissions, as migrate leaves them."""
    roles.ensure_role_groups()


@pytest.fixture
def world():
    """One real object of every model the office manages."""
    province = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy", code="BTGTU")
    district = UnitFactory(name="Huyện ủy Phụng Hiệp", code="HU_PHUNG_HIEP", kind=Unit.Kind.PARTY_COMMITTEE)
    UnitFactory(name="Ủy ban nhân dân huyện Phụng Hiệp", code="UBND_PHUNG_HIEP", parent=district,
                kind=Unit.Kind.GOVERNMENT)
    group = UnitGroupFactory(key="cap_uy", name="Các cấp ủy trực thuộc Tỉnh ủy")
    group.units.set([district])
    officer = member(province)
    directive = DirectiveFactory(text="Ban Tuyên giáo Tỉnh ủy chủ trì tham mưu ban hành Chỉ thị mới.")
    task = TaskFactory(title="Tham mưu ban hành Chỉ thị thay thế Chỉ thị số 05", directive=directive,
                       lead=province, coordinating=[district])
    report = ProgressReportFactory(task=task, author=officer)
    Attachment.objects.create(report=report, file=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4"),
                              original_name="bao-cao.pdf", content_type="application/pdf", size=8)
    ExtensionRequest.objects.create(task=task, unit=province, requested_by=officer, current_deadline=task.deadline,
                                    requested_deadline=task.deadline + datetime.timedelta(days=30),
                                    reason="Chờ ý kiến Ban Tuyên giáo Trung ương.")
    Review.objects.create(task=task, proposed_by=officer, result="Đã trình dự thảo Chỉ thị.")
    Notification.objects.create(task=task, recipient=officer, kind=Notification.Kind.ASSIGNED,
                                due_on=timezone.localdate())
    return {"province": province, "district": district, "officer": officer, "task": task}


@pytest.fixture
def office(client, role_groups):
    client.force_login(office_user(username="vanphong"))
    return client


@pytest.fixture
def standing(client, role_groups):
    client.force_login(standing_user(username="thuongtruc"))
    return client
