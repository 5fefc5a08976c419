"""What the import wizard's tests share: the document they import, how they upload, read the draft and post an
edit, and the unit directory written once per module (shared_db)."""
import datetime
import io

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from resolutions.models import Directive, Resolution
from intake.views import DRAFTS_KEY
from units.directory import sync_unit_directory
from tasks.models import Assignment, Task
from units.models import Unit
from tests.factories import office_user

pytestmark = pytest.mark.django_db

IMPORT_URL = "/resolutions/import/"

DOCUMENT = """TỈNH ỦY HẬU GIANG
Số 77-TB/TU
Hậu Giang, ngày 20 tháng 6 năm 2022

THÔNG BÁO
KẾT LUẬN CỦA BAN THƯỜNG VỤ TỈNH ỦY
về công tác chuyển đổi số và cải cách hành chính

Ngày 17/6/2022, Ban Thường vụ Tỉnh ủy họp nghe báo cáo tình hình chuyển đổi số. Ban Thường vụ Tỉnh ủy kết luận như sau:

1. Giao Ban cán sự đảng UBND tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông xây dựng kế hoạch chuyển đổi số giai đoạn 2022 - 2025, trình Ban Thường vụ Tỉnh ủy trước ngày 31/8/2022.

2. Giao Ban Tuyên giáo Tỉnh ủy chủ trì tuyên truyền sâu rộng về chuyển đổi số trong cán bộ, đảng viên và Nhân dân.

Đồng thời, Ban Tuyên giáo Tỉnh ủy biên soạn tài liệu hỏi đáp về chuyển đổi số, hoàn thành trong tháng 9/2022.

3. Đẩy mạnh cải cách thủ tục hành chính, nâng cao chỉ số hài lòng của người dân và doanh nghiệp; hoàn thành trong quý IV/2022.

4. Văn phòng Tỉnh ủy tham mưu ứng dụng phần mềm quản lý văn bản điện tử trong các cơ quan đảng, hoàn thành trước ngày 30/9/2022.

5. Các cấp ủy, chính quyền thường xuyên quan tâm lãnh đạo, chỉ đạo công tác chuyển đổi số tại địa phương.

Nơi nhận:
- Các đồng chí Tỉnh ủy viên,
- Lưu Văn phòng Tỉnh ủy.
T/L BAN THƯỜNG VỤ
CHÁNH VĂN PHÒNG
(Đã ký)
Nguyễn Văn An
"""


# One real directive set aside (an assignment under the assessment heading) and a unit the directory does not
# know ("Ban Quản lý dự án đầu tư xây dựng tỉnh").
SET_ASIDE_DOCUMENT = """TỈNH ỦY HẬU GIANG
Số 78-TB/TU
Hậu Giang, ngày 22 tháng 6 năm 2022

THÔNG BÁO
KẾT LUẬN CỦA BAN THƯỜNG VỤ TỈNH ỦY
về tiến độ các dự án đầu tư công

Ngày 20/6/2022, Ban Thường vụ Tỉnh ủy họp nghe báo cáo tiến độ các dự án đầu tư công. Ban Thường vụ Tỉnh ủy kết luận như sau:

I. ĐÁNH GIÁ TÌNH HÌNH

Sáu tháng đầu năm, các dự án đầu tư công được triển khai cơ bản đúng tiến độ; giải ngân đạt 45% kế hoạch vốn.

Giao Sở Tài chính rà soát, điều chuyển vốn của các dự án chậm giải ngân, báo cáo Ban Thường vụ Tỉnh ủy trước ngày 15/8/2022.

II. NHIỆM VỤ THỜI GIAN TỚI

1. Giao Ban Quản lý dự án đầu tư xây dựng tỉnh chủ trì, phối hợp với Sở Giao thông vận tải đẩy nhanh tiến độ thi công tuyến đường tỉnh 927C, hoàn thành trước ngày 31/12/2022.

2. Giao Ban cán sự đảng UBND tỉnh chỉ đạo tháo gỡ vướng mắc trong công tác bồi thường, giải phóng mặt bằng, hoàn thành trong quý III/2022.

Nơi nhận:
- Các đồng chí Tỉnh ủy viên,
- Lưu Văn phòng Tỉnh ủy.
T/L BAN THƯỜNG VỤ
CHÁNH VĂN PHÒNG
(Đã ký)
Nguyễn Văn An
"""
SET_ASIDE_WORDS = "Giao Sở Tài chính rà soát"
UNKNOWN_UNIT = "Ban Quản lý dự án đầu tư xây dựng tỉnh"


def docx_bytes(text: str) -> bytes:
    """The text as a Word document, one paragraph a line (python-docx)."""
    from docx import Document

    document = Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def directory(shared_db):
    """The unit directory, written once for the module (conftest.SharedDb)."""
    with shared_db:
        sync_unit_directory()
        return {unit.code: unit for unit in Unit.objects.all()}


@pytest.fixture
def office(client, directory):
    client.force_login(office_user())
    return client


def counts():
    return (Resolution.objects.count(), Directive.objects.count(), Task.objects.count(),
            Assignment.objects.count())


def upload(client, text=DOCUMENT, **extra):
    return client.post(IMPORT_URL, {"text": text}, **extra)


def drafts(client):
    return client.session.get(DRAFTS_KEY, {})


def the_draft(client):
    [draft] = drafts(client).values()
    return draft


def review_url(draft):
    return reverse("intake:import_review", args=[draft["id"]])


def page_data(draft, **changes):
    """What the review page posts as it stands: the document's details and every item's fields."""
    data = {f"doc-{key}": ("" if value is None else value) for key, value in draft["details"].items()}
    if draft["details"].get("issued_on"):
        data["doc-issued_on"] = datetime.date.fromisoformat(draft["details"]["issued_on"]).strftime("%d/%m/%Y")
    for item in draft["items"]:
        prefix = f"item-{item['id']}"
        data[f"{prefix}-shown"] = "1"
        data[f"{prefix}-leads"] = list(item["leads"])
        data[f"{prefix}-coordinating"] = list(item["coordinating"])
        data[f"{prefix}-deadline"] = (datetime.date.fromisoformat(item["deadline"]).strftime("%d/%m/%Y")
                                      if item["deadline"] else "")
        data[f"{prefix}-report_cycle"] = item["report_cycle"] if item["ongoing"] else ""
    data.update(changes)
    return data


def set_aside_starting(draft, words):
    return next(entry for entry in draft["set_aside"] if entry["text"].startswith(words))


def item_starting(draft, words):
    return next(item for item in draft["items"] if item["text"].startswith(words))


def post_op(client, op, **changes):
    draft = the_draft(client)
    return client.post(review_url(draft), page_data(draft, op=op, **changes))
