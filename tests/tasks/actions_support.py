"""What the action tests share (tests/tasks/test_actions_*.py): the world around one task (tests.tasks.support.World),
files to upload, and how a person reads a form's errors and the page's messages."""
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tasks.support import PDF, World, days, ddmmyyyy

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def w():
    return World()


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pdf(name="bao-cao.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def errors_of(response) -> str:
    """The text of the form's error messages (field and form errors), as the person reads them."""
    html = response.content.decode()
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|alert-block)[^"]*"[^>]*>(.*?)</(?:div|span|p)>',
                       html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", item) for item in found).replace("\xa0", " ")


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def valid_posts(w, extension_pk=None):
    """For every action: a POST that would succeed for the right person."""
    return {
        "report": {"text": "Đã triển khai.", "percent": "40", "attachments": [pdf()]},
        "contribute": {"text": "Ý kiến phối hợp."},
        "propose": {"result": "Đã hoàn thành.", "version": w.task.version},
        "decide_completion": {"decision": "approve", "comment": "", "version": w.task.version},
        "extension": {"new_deadline": ddmmyyyy(days(60)), "reason": "Chờ số liệu.", "version": w.task.version},
        "delegate": {"unit": w.sub.pk, "title": "", "description": "", "deadline": ""},
        "change_lead": {"unit": w.other.pk, "version": w.task.version},
        "cancel": {"reason": "Không còn phù hợp.", "version": w.task.version},
        "edit": {"title": "Tên mới", "description": "", "deadline": ddmmyyyy(days(40)), "report_cycle": "",
                 "version": w.task.version},
    }


TASK_ACTIONS = ["report", "contribute", "propose", "decide_completion", "extension", "delegate", "change_lead",
                "cancel", "edit"]
