"""What the action tests share: a small world around one task, and a snapshot of everything a refusal must leave
untouched."""
import datetime

from django.test import Client
from django.utils import timezone

from notifications.models import Notification

from tasks.models import Assignment, Attachment, ExtensionRequest, ProgressReport, Review, Task
from tests.factories import TaskFactory, UnitFactory, leader, member, office_user, standing_user

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def ddmmyyyy(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


class World:
    """The lead unit with a sub-unit, a coordinating unit, an unrelated unit with its own sub-unit; a leader and an
    officer of the lead, a member of the coordinating unit, people of the unrelated unit, the office and the
    standing committee; one task led by the lead unit, due in 30 days unless said otherwise."""

    def __init__(self, *, deadline=None):
        self.lead = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy")
        self.sub = UnitFactory(name="Phòng Tuyên truyền", parent=self.lead)
        self.coord = UnitFactory(name="Ủy ban Kiểm tra Tỉnh ủy")
        self.other = UnitFactory(name="Hội Cựu chiến binh tỉnh")
        self.other_child = UnitFactory(name="Hội Cựu chiến binh huyện", parent=self.other)
        self.leader = leader(self.lead)
        self.officer = member(self.lead)
        self.sub_leader = leader(self.sub)
        self.coord_member = member(self.coord)
        self.outsider = self.outsider_leader = leader(self.other)
        self.outsider_officer = member(self.other)
        self.office = office_user()
        self.standing = standing_user()
        self.task = TaskFactory(lead=self.lead, coordinating=[self.coord],
                                deadline=deadline if deadline is not None else days(30))

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def fresh(self, task=None) -> Task:
        return Task.objects.with_standing().get(pk=(task or self.task).pk)


def snapshot() -> dict:
    """Everything a refused action must leave untouched."""
    return {
        "tasks": list(Task.objects.order_by("pk").values_list(
            "pk", "status", "version", "deadline", "original_deadline", "progress", "title", "description")),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "task_id", "unit_id", "role")),
        "reports": ProgressReport.objects.count(),
        "attachments": Attachment.objects.count(),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "outcome")),
        "extensions": list(ExtensionRequest.objects.order_by("pk").values_list("pk", "status")),
        "notifications": Notification.objects.count(),
        "history": Task.history.count(),
    }


BOUNDARY = "portal-test-boundary-5f0c2a9e"


def multipart(fields: dict, files=()) -> dict:
    """A multipart body written by hand, for client.post(url, **multipart(...)).

    Django's test client keeps only the base name of a file, so a name such as "../../x.pdf" never leaves it; a
    browser or a script sends whatever it likes, and so does this. `files` is a list of (field, name, bytes)."""
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                         + str(item).encode() + b"\r\n")
    for field, filename, data in files:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={BOUNDARY}"}
