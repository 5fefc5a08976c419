"""/resolutions/import/: the office uploads a document, reviews the proposed directives, confirms; nothing is
written before the confirmation."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resolutions.models import Resolution
from tasks.models import Assignment, Task
from tests.factories import ResolutionFactory, leader, member, office_user, standing_user
from tests.resolutions.wizard_support import (  # noqa: F401, F811 (fixtures: directory, office)
    DOCUMENT,
    IMPORT_URL,
    counts,
    directory,
    docx_bytes,
    drafts,
    item_starting,
    office,
    page_data,
    post_op,
    review_url,
    the_draft,
    upload,
)
from units.selectors import units_of_groups

pytestmark = pytest.mark.django_db


# --- who may import ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["standing", "leader", "officer"])
def test_only_the_office_finds_the_import_pages_everyone_else_gets_404(client, directory, who):
    unit = directory["BTGTU"]
    user = {"standing": standing_user, "leader": lambda: leader(unit), "officer": lambda: member(unit)}[who]()
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 404
    assert upload(client).status_code == 404
    assert client.get("/resolutions/import/abcdefgh12/").status_code == 404
    assert client.post("/resolutions/import/abcdefgh12/confirm/").status_code == 404
    assert counts() == (0, 0, 0, 0) and not drafts(client)


def test_someone_signed_out_is_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_document_list_offers_the_office_the_import_link_and_no_one_else(client, directory):
    client.force_login(office_user())
    assert IMPORT_URL in client.get("/resolutions/").content.decode()
    client.force_login(member(directory["BTGTU"]))
    assert IMPORT_URL not in client.get("/resolutions/").content.decode()


# --- the walk: upload, review, confirm ----------------------------------------------------------------------


def test_upload_review_edit_and_confirm_records_the_document_directives_and_tasks(office, directory):
    response = upload(office)
    draft = the_draft(office)
    assert response.status_code == 302 and response["Location"] == review_url(draft)
    assert counts() == (0, 0, 0, 0)

    page = office.get(review_url(draft)).content.decode()
    assert "77-TB/TU" in page and "20/06/2022" in page and "Nguyễn Văn An" in page  # header prefilled
    assert "Đẩy mạnh cải cách thủ tục hành chính" in page  # the source text beside each item
    assert "1 cần chọn đơn vị chủ trì" in page and "table-danger" in page  # item 3 names no one

    # drop one: item 4 (Văn phòng Tỉnh ủy)
    office_item = item_starting(draft, "Văn phòng Tỉnh ủy")
    assert post_op(office, f"drop:{office_item['id']}").status_code == 302
    assert not any(item["text"].startswith("Văn phòng Tỉnh ủy") for item in the_draft(office)["items"])

    # split one: item 2 at its paragraph boundary
    draft = the_draft(office)
    second = item_starting(draft, "Giao Ban Tuyên giáo")
    boundary = second["text"].index("Đồng thời")
    assert post_op(office, f"split:{second['id']}", **{f"item-{second['id']}-split_at": str(boundary)}).status_code == 302
    draft = the_draft(office)
    assert [item["text"][:12] for item in draft["items"]] == [
        "Giao Ban cán", "Giao Ban Tuy", "Đồng thời, B", "Đẩy mạnh cải", "Các cấp ủy, "]

    # merge two: the second half of item 2 with item 3; then change a unit and set a deadline
    half = item_starting(draft, "Đồng thời")
    assert post_op(office, f"merge:{half['id']}").status_code == 302
    draft = the_draft(office)
    merged = item_starting(draft, "Đồng thời")
    assert "Đẩy mạnh cải cách" in merged["text"] and len(draft["items"]) == 4
    first = item_starting(draft, "Giao Ban cán")
    propaganda = item_starting(draft, "Giao Ban Tuyên giáo")
    changes = {
        f"item-{merged['id']}-leads": [f"unit:{directory['SO_NV'].pk}"],
        f"item-{merged['id']}-coordinating": [f"unit:{directory['BTGTU'].pk}"],
        f"item-{first['id']}-coordinating": [f"unit:{directory['SO_TTTT'].pk}", f"unit:{directory['SO_TC'].pk}"],
        f"item-{propaganda['id']}-deadline": "15/10/2022",
        "doc-title": "Kết luận về chuyển đổi số và cải cách hành chính",
    }
    response = post_op(office, "next", **changes)
    draft = the_draft(office)
    assert response.status_code == 302 and response["Location"] == reverse("intake:import_confirm",
                                                                          args=[draft["id"]])
    assert counts() == (0, 0, 0, 0)

    confirm_page = office.get(response["Location"]).content.decode()
    assert "Kết luận về chuyển đổi số và cải cách hành chính" in confirm_page and "Sở Nội vụ" in confirm_page
    assert counts() == (0, 0, 0, 0)

    response = office.post(response["Location"])
    resolution = Resolution.objects.get()
    assert response.status_code == 302 and response["Location"] == resolution.get_absolute_url()
    assert not drafts(office)  # the draft is gone once recorded
    assert resolution.number == "77-TB/TU" and resolution.kind == Resolution.Kind.THONG_BAO_KET_LUAN
    assert resolution.issued_on == datetime.date(2022, 6, 20) and resolution.signer == "Nguyễn Văn An"
    assert resolution.title == "Kết luận về chuyển đổi số và cải cách hành chính"

    page = office.get(resolution.get_absolute_url()).content.decode()
    assert "Đã ghi văn bản với 4 nội dung chỉ đạo" in page
    assert "Giao Ban cán sự đảng UBND tỉnh chủ trì" in page and "Đẩy mạnh cải cách thủ tục" in page
    directives = list(resolution.directives.order_by("order"))
    assert len(directives) == 4
    assert not any("Văn phòng Tỉnh ủy tham mưu" in directive.text for directive in directives)  # dropped

    def lead_and_coordinating(task):
        lead = task.assignments.get(role=Assignment.Role.LEAD).unit.code
        others = set(task.assignments.filter(role=Assignment.Role.COORDINATING).values_list("unit__code", flat=True))
        return lead, others

    [task] = directives[0].tasks.all()
    assert lead_and_coordinating(task) == ("BCSD_UBND_TINH", {"SO_TTTT", "SO_TC"})
    assert task.deadline == datetime.date(2022, 8, 31)
    [task] = directives[1].tasks.all()
    assert lead_and_coordinating(task) == ("BTGTU", set()) and task.deadline == datetime.date(2022, 10, 15)
    [task] = directives[2].tasks.all()
    assert lead_and_coordinating(task) == ("SO_NV", {"BTGTU"})
    assert task.deadline == datetime.date(2022, 9, 30)  # the first half's deadline (tháng 9/2022)
    group_tasks = list(directives[3].tasks.all())
    expected = {unit.pk for unit in units_of_groups(["cap_uy", "chinh_quyen"])}
    assert {t.assignments.get(role=Assignment.Role.LEAD).unit_id for t in group_tasks} == expected
    assert all(t.deadline is None and t.report_cycle == Task.ReportCycle.QUARTERLY for t in group_tasks)
    assert directives[3].ongoing


def test_an_uploaded_docx_is_read_and_kept_as_the_original_file(office, directory):
    upload_file = SimpleUploadedFile("ket_luan_77.docx", docx_bytes(DOCUMENT))
    response = office.post(IMPORT_URL, {"file": upload_file})
    assert response.status_code == 302
    draft = the_draft(office)
    assert draft["filename"] == "ket_luan_77.docx" and draft["file"]
    assert any(item["text"].startswith("Giao Ban cán sự đảng") for item in draft["items"])
    needing = [item for item in draft["items"] if not item["leads"]]
    response = post_op(office, "next", **{f"item-{item['id']}-leads": [f"unit:{directory['UBND_TINH'].pk}"]
                                          for item in needing})
    assert response.status_code == 302, response.content.decode()[:500]
    office.post(response["Location"])
    resolution = Resolution.objects.get()
    assert resolution.original_file.name.endswith(".docx")
    assert resolution.original_file.read()[:2] == b"PK"


def test_a_missing_lead_keeps_the_office_on_the_review_with_the_item_named(office):
    upload(office)
    response = post_op(office, "next")
    page = response.content.decode()
    assert response.status_code == 400
    assert "chưa có đơn vị chủ trì" in page and "Đẩy mạnh cải cách" in page
    assert counts() == (0, 0, 0, 0)
    # and the confirmation page sends back to the review rather than recording anything
    draft = the_draft(office)
    response = office.post(reverse("intake:import_confirm", args=[draft["id"]]))
    assert response.status_code == 302 and response["Location"] == review_url(draft)
    assert counts() == (0, 0, 0, 0)


def test_the_document_needs_a_title_and_a_date_before_confirming(office, directory):
    upload(office)
    draft = the_draft(office)
    needing = {f"item-{item['id']}-leads": [f"unit:{directory['UBND_TINH'].pk}"]
               for item in draft["items"] if not item["leads"]}
    response = post_op(office, "next", **{"doc-title": "", "doc-issued_on": "31/02/2022"}, **needing)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in page and "Ngày không hợp lệ" in page
    assert counts() == (0, 0, 0, 0)


def test_an_invalid_deadline_is_shown_on_its_row_and_nothing_changes(office):
    upload(office)
    draft = the_draft(office)
    first = draft["items"][0]
    response = post_op(office, "save", **{f"item-{first['id']}-deadline": "45/13/2022"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in response.content.decode()
    assert the_draft(office)["items"][0]["deadline"] == "2022-08-31"


def test_splitting_at_words_typed_or_selected_cuts_the_item_there(office):
    upload(office)
    draft = the_draft(office)
    item = item_starting(draft, "Đẩy mạnh cải cách")
    response = post_op(office, f"split:{item['id']}", **{f"item-{item['id']}-split_from": "nâng cao   CHỈ SỐ"})
    assert response.status_code == 302
    texts = [i["text"] for i in the_draft(office)["items"]]
    assert "Đẩy mạnh cải cách thủ tục hành chính," in texts
    assert any(text.startswith("nâng cao chỉ số hài lòng") for text in texts)


def test_splitting_at_words_not_in_the_item_says_so(office):
    upload(office)
    draft = the_draft(office)
    item = draft["items"][0]
    response = post_op(office, f"split:{item['id']}", **{f"item-{item['id']}-split_from": "không có ở đây"})
    assert response.status_code == 400
    assert "Không tìm thấy" in response.content.decode()
    assert len(the_draft(office)["items"]) == len(draft["items"])


def test_with_htmx_an_item_edit_answers_with_the_table_alone(office):
    upload(office)
    draft = the_draft(office)
    last = draft["items"][-1]
    response = office.post(review_url(draft), page_data(draft, op=f"merge:{draft['items'][0]['id']}"),
                           HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and 'id="import-items"' in page
    assert "Đã gộp mục" in page and len(the_draft(office)["items"]) == len(draft["items"]) - 1
    # the last item has nothing after it to merge with
    response = office.post(review_url(draft), page_data(the_draft(office), op=f"merge:{last['id']}"),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "không có mục sau" in response.content.decode()


def test_with_htmx_going_on_to_confirm_loads_the_confirmation_page_whole(office, directory):
    upload(office)
    draft = the_draft(office)
    needing = {f"item-{item['id']}-leads": [f"unit:{directory['UBND_TINH'].pk}"]
               for item in draft["items"] if not item["leads"]}
    response = office.post(review_url(draft), page_data(draft, op="next", **needing), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("intake:import_confirm", args=[draft["id"]])


def test_a_page_older_than_the_draft_does_not_blank_the_items_it_did_not_show(office):
    upload(office)
    draft = the_draft(office)
    before = [item["leads"] for item in draft["items"]]
    response = office.post(review_url(draft), {"op": "save"})
    assert response.status_code == 302
    assert [item["leads"] for item in the_draft(office)["items"]] == before
    assert the_draft(office)["details"]["number"] == "77-TB/TU"


def test_cancelling_drops_the_draft_and_writes_nothing(office):
    upload(office)
    response = post_op(office, "cancel")
    assert response.status_code == 302 and response["Location"] == "/resolutions/"
    assert not drafts(office) and counts() == (0, 0, 0, 0)


def test_an_unknown_or_finished_draft_sends_back_to_the_upload_with_a_message(office):
    response = office.get("/resolutions/import/khongcobannhap/", follow=True)
    assert response.redirect_chain[-1][0] == IMPORT_URL
    assert "Bản nháp này không còn" in response.content.decode()
    response = office.post("/resolutions/import/khongcobannhap/", {"op": "save"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == IMPORT_URL


def test_leaving_midway_loses_nothing_recorded_and_a_second_draft_lives_beside_it(office):
    recorded = ResolutionFactory()
    upload(office)
    upload(office, text=DOCUMENT.replace("77-TB/TU", "78-TB/TU"))
    assert len(drafts(office)) == 2
    assert list(Resolution.objects.all()) == [recorded]


# --- duplicates --------------------------------------------------------------------------------------------


def test_a_document_already_recorded_is_refused_at_upload_with_a_link_to_it(office):
    from resolutions.services import source_fingerprint

    existing = ResolutionFactory(body=DOCUMENT, source_sha256=source_fingerprint(DOCUMENT))
    response = upload(office)
    page = response.content.decode()
    assert response.status_code == 400
    assert "đã được nhập trước đây" in page and existing.get_absolute_url() in page
    assert not drafts(office)


def test_a_document_recorded_meanwhile_is_refused_at_confirm_with_a_link_to_it(office, directory):
    from resolutions.services import source_fingerprint

    upload(office)
    draft = the_draft(office)
    needing = {f"item-{item['id']}-leads": [f"unit:{directory['UBND_TINH'].pk}"]
               for item in draft["items"] if not item["leads"]}
    confirm_url = post_op(office, "next", **needing)["Location"]
    existing = ResolutionFactory(body=DOCUMENT, source_sha256=source_fingerprint(the_draft(office)["body"]))
    response = office.post(confirm_url)
    page = response.content.decode()
    assert response.status_code == 409 and existing.get_absolute_url() in page
    assert "đã được nhập trước đây" in page
    assert Resolution.objects.count() == 1 and Task.objects.count() == 0
