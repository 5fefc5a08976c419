"""/resolutions/ and /resolutions/<pk>/: documents, their directives in order and each directive's roll-up."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Task
from tests.factories import (
    DirectiveFactory,
    ResolutionFactory,
    TaskFactory,
    UnitFactory,
    leader,
    member,
    office_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def speech():
    resolution = ResolutionFactory(
        kind="phat_bieu", number="", title="Phát biểu bế mạc Hội nghị lần thứ 8", signer="Bí thư Tỉnh ủy",
        issued_on=datetime.date(2022, 4, 15),
    )
    second = DirectiveFactory(resolution=resolution, order=2, section_path="I.3", label="(2)",
                              text="Cấp ủy, chính quyền tiếp tục quan tâm công tác cựu chiến binh.")
    first = DirectiveFactory(resolution=resolution, order=1, section_path="I.3", label="(1)",
                             text="Ban Tuyên giáo Tỉnh ủy tham mưu ban hành Chỉ thị mới.")
    return resolution, first, second


def done(task):
    task.status = Task.Status.DONE
    task.completed_at = timezone.now()
    task.save()
    return task


def test_the_document_shows_its_header_and_directives_in_order_with_anchors(client, speech):
    resolution, first, second = speech
    client.force_login(office_user())
    page = client.get(reverse("tasks:document", args=[resolution.pk])).content.decode()
    assert "Phát biểu bế mạc" in page and "15/04/2022" in page and "Bí thư Tỉnh ủy" in page
    assert page.index(f'id="directive-{first.pk}"') < page.index(f'id="directive-{second.pk}"')
    assert "I.3" in page and "(1)" in page


def test_the_documents_name_is_written_once_in_its_header(client, speech):
    resolution, _, _ = speech
    client.force_login(office_user())
    eyebrow = 'class="text-uppercase small fw-semibold text-body-secondary mb-1"'
    page = client.get(reverse("tasks:document", args=[resolution.pk])).content.decode()
    assert eyebrow not in page  # no "PHÁT BIỂU BẾ MẠC" above "Phát biểu bế mạc Hội nghị …"
    numbered = ResolutionFactory(number="15-KL/TU", title="Về công tác cán bộ")
    page = client.get(reverse("tasks:document", args=[numbered.pk])).content.decode()
    assert eyebrow in page and "15-KL/TU" in page.split(eyebrow, 1)[1].split("</p>", 1)[0]


def test_each_directive_rolls_up_its_units(client, speech):
    resolution, _first, second = speech
    units = [UnitFactory() for _ in range(4)]
    done(TaskFactory(directive=second, lead=units[0]))
    done(TaskFactory(directive=second, lead=units[1]))
    TaskFactory(directive=second, lead=units[2], deadline=TODAY - datetime.timedelta(days=1))
    TaskFactory(directive=second, lead=units[3])
    client.force_login(office_user())
    page = client.get(reverse("tasks:document", args=[resolution.pk])).content.decode()
    assert "2/4 đơn vị hoàn thành" in page and "1 quá hạn" in page
    assert f'href="/tasks/?document={resolution.pk}&amp;directive={second.pk}"' in page


def test_a_unit_sees_only_its_own_directives_and_tasks_in_the_roll_up(client, speech):
    resolution, first, second = speech
    mine, theirs = UnitFactory(), UnitFactory()
    TaskFactory(directive=second, lead=mine)
    done(TaskFactory(directive=second, lead=theirs))
    TaskFactory(directive=first, lead=theirs)
    client.force_login(member(mine))
    page = client.get(reverse("tasks:document", args=[resolution.pk])).content.decode()
    assert "0/1 đơn vị hoàn thành" in page
    assert first.text not in page  # a directive that gave the unit nothing is not shown to it
    assert f'id="directive-{first.pk}"' not in page


def test_a_document_that_gave_the_unit_no_task_is_404(client, speech):
    resolution, first, _second = speech
    TaskFactory(directive=first, lead=UnitFactory())
    client.force_login(leader(UnitFactory()))
    assert client.get(reverse("tasks:document", args=[resolution.pk])).status_code == 404
    assert resolution.title not in client.get(reverse("tasks:documents")).content.decode()


def test_the_list_searches_without_diacritics_and_paginates(client, speech):
    resolution, _first, _second = speech
    for n in range(25):
        ResolutionFactory(title=f"Kết luận về kinh tế số {n}", number=f"{n}-KL/TU")
    client.force_login(office_user())
    response = client.get(reverse("tasks:documents"), {"q": "phat bieu be mac"})
    assert [r.pk for r in response.context["resolutions"]] == [resolution.pk]
    response = client.get(reverse("tasks:documents"))
    assert len(response.context["resolutions"]) == 20
    assert "?page=2" in response.content.decode()
    response = client.get(reverse("tasks:documents"), {"q": "ket luan", "page": 2})
    assert len(response.context["resolutions"]) == 5


def test_the_list_shows_each_documents_progress(client, speech):
    _resolution, first, second = speech
    done(TaskFactory(directive=first))
    TaskFactory(directive=second, deadline=TODAY - datetime.timedelta(days=2))
    client.force_login(office_user())
    page = client.get(reverse("tasks:documents")).content.decode()
    assert "1/2 đơn vị hoàn thành" in page and "1 quá hạn" in page
