"""The review step of /resolutions/import/ says where each proposal came from and drops nothing silently: the
paragraphs set aside are listed and one click makes any of them a directive, each field points at the words it
was read from, the least certain items come first, and a name the directory does not know can be mapped to a
unit and remembered for the next document."""
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.models import Assignment
from tests.resolutions.wizard_support import (  # noqa: F401, F811 (fixtures: directory, office)
    DOCUMENT,
    SET_ASIDE_DOCUMENT,
    SET_ASIDE_WORDS,
    UNKNOWN_UNIT,
    counts,
    directory,
    item_starting,
    office,
    page_data,
    post_op,
    review_url,
    set_aside_starting,
    the_draft,
    upload,
)
from units.models import Unit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SET_ASIDE_HEADING = "Không nhận là nội dung chỉ đạo — kiểm tra lại"


def post_htmx(client, op, **changes):
    draft = the_draft(client)
    return client.post(review_url(draft), page_data(draft, op=op, **changes), **HTMX)


def review(client):
    return client.get(review_url(the_draft(client))).content.decode()


# --- no silent drop ------------------------------------------------------------------------------------------


def test_a_set_aside_paragraph_is_listed_with_its_reason_signals_and_a_button(office):
    upload(office, text=SET_ASIDE_DOCUMENT)
    entry = set_aside_starting(the_draft(office), SET_ASIDE_WORDS)
    page = review(office)
    assert SET_ASIDE_HEADING in page
    listed = page[page.index(SET_ASIDE_HEADING):]
    assert SET_ASIDE_WORDS in listed and entry["reason"] in listed
    assert "có từ giao việc" in listed and "có tên đơn vị" in listed and "có ngày, thời hạn" in listed
    assert f'value="promote:{entry["id"]}"' in listed
    assert "trước mục đầu tiên" in listed  # where it stands: before the first proposed directive
    # not among the paragraphs folded away as well
    assert all(not skipped["text"].startswith(SET_ASIDE_WORDS) for skipped in the_draft(office)["skipped"])


def test_one_click_turns_it_into_an_item_in_its_place_keeping_the_other_edits(office, directory):
    upload(office, text=SET_ASIDE_DOCUMENT)
    draft = the_draft(office)
    entry = set_aside_starting(draft, SET_ASIDE_WORDS)
    second = item_starting(draft, "Giao Ban cán sự đảng")
    edit = {f"item-{second['id']}-deadline": "15/10/2022", "doc-title": "Tiến độ các dự án đầu tư công (sửa)"}
    response = post_htmx(office, f"promote:{entry['id']}", **edit)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã thêm đoạn" in html and "data-import-new" in html and "Thêm từ đoạn đã bỏ qua" in html
    draft = the_draft(office)
    assert [item["text"][:20] for item in draft["items"]][0] == SET_ASIDE_WORDS[:20]  # first, as in the document
    promoted = draft["items"][0]
    assert promoted["leads"] == [f"unit:{directory['SO_TC'].pk}"] and promoted["deadline"] == "2022-08-15"
    assert not any(e["id"] == entry["id"] for e in draft["set_aside"])
    assert item_starting(draft, "Giao Ban cán sự đảng")["deadline"] == "2022-10-15"  # the other edit is kept
    assert draft["details"]["title"] == "Tiến độ các dự án đầu tư công (sửa)"
    assert counts() == (0, 0, 0, 0)


def test_the_promoted_paragraph_is_recorded_with_the_document(office, directory):
    upload(office, text=SET_ASIDE_DOCUMENT)
    draft = the_draft(office)
    entry = set_aside_starting(draft, SET_ASIDE_WORDS)
    unknown = item_starting(draft, "Giao Ban Quản lý")
    response = post_op(office, f"promote:{entry['id']}",
                       **{f"item-{unknown['id']}-leads": [f"unit:{directory['SO_XD'].pk}"]})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{the_draft(office)['items'][0]['id']}")
    assert post_op(office, "next")["Location"].endswith("/confirm/")
    response = office.post(review_url(the_draft(office)) + "confirm/")
    assert response.status_code == 302
    task_of = Assignment.objects.get(task__directive__text__startswith=SET_ASIDE_WORDS, role=Assignment.Role.LEAD)
    assert task_of.unit == directory["SO_TC"] and task_of.task.deadline == datetime.date(2022, 8, 15)
    assert counts()[1] == 3


def test_dropping_a_promoted_item_puts_the_paragraph_back_among_those_to_look_at(office):
    upload(office, text=SET_ASIDE_DOCUMENT)
    entry = set_aside_starting(the_draft(office), SET_ASIDE_WORDS)
    post_op(office, f"promote:{entry['id']}")
    promoted = the_draft(office)["items"][0]
    post_op(office, f"drop:{promoted['id']}")
    draft = the_draft(office)
    assert set_aside_starting(draft, SET_ASIDE_WORDS)["id"] == entry["id"]
    assert not any(item["text"].startswith(SET_ASIDE_WORDS) for item in draft["items"])


@pytest.mark.parametrize("target", ["", "nope", "promote", "x" * 200])
def test_promoting_what_is_not_there_says_so_in_vietnamese_and_writes_nothing(office, target):
    upload(office, text=SET_ASIDE_DOCUMENT)
    before = the_draft(office)
    for post, status in ((post_op, 400), (post_htmx, 200)):
        response = post(office, f"promote:{target}")
        assert response.status_code == status
        assert "trang đã cũ" in response.content.decode()
    after = the_draft(office)
    assert len(after["items"]) == len(before["items"]) and len(after["set_aside"]) == len(before["set_aside"])
    assert counts() == (0, 0, 0, 0)


def test_a_promote_with_another_item_s_wrong_date_changes_nothing_and_shows_the_error(office):
    upload(office, text=SET_ASIDE_DOCUMENT)
    draft = the_draft(office)
    entry = set_aside_starting(draft, SET_ASIDE_WORDS)
    second = item_starting(draft, "Giao Ban cán sự đảng")
    response = post_op(office, f"promote:{entry['id']}", **{f"item-{second['id']}-deadline": "31/02/2022"})
    assert response.status_code == 400 and "Ngày" in response.content.decode()
    assert set_aside_starting(the_draft(office), SET_ASIDE_WORDS)


def test_a_document_with_nothing_set_aside_says_so(office):
    upload(office, text=DOCUMENT)
    draft = the_draft(office)
    draft["set_aside"] = []
    session = office.session
    session["resolution_import_drafts"][draft["id"]] = draft
    session.save()
    page = review(office)
    assert SET_ASIDE_HEADING in page and "Không có đoạn nào cần kiểm tra lại" in page


# --- where each field came from ------------------------------------------------------------------------------


def test_the_lead_and_the_deadline_are_marked_in_the_text_beside_the_form(office):
    upload(office, text=DOCUMENT)
    item = item_starting(the_draft(office), "Giao Ban cán sự đảng")
    page = review(office)
    row = page[page.index(f'id="item-{item["id"]}"'):]
    row = row[:row.index("</tr>")]
    assert '<mark class="import-mark" data-fields="lead"' in row
    assert '>Ban cán sự đảng UBND tỉnh</mark>' in row
    assert '>trước ngày 31/8/2022</mark>' in row
    assert 'data-source-for="lead"' in row and f'aria-describedby="source-{item["id"]}-lead"' in row
    assert "Đọc từ" in row


def test_words_from_a_heading_or_a_column_are_named_not_marked(office):
    upload(office, text=DOCUMENT)
    draft = the_draft(office)
    item = item_starting(draft, "Đẩy mạnh cải cách")
    item["sources"] = [
        {"field": "lead", "text": "Ban cán sự đảng UBND tỉnh", "start": -1, "end": -1, "where": "heading"},
        {"field": "deadline", "text": "Quý IV/2022", "start": -1, "end": -1, "where": "column"},
        {"field": "coordinating", "text": "<script>", "start": 0, "end": 8, "where": "text"},  # out of date
    ]
    session = office.session
    session["resolution_import_drafts"][draft["id"]] = draft
    session.save()
    page = review(office)
    assert "(từ đề mục: “Ban cán sự đảng UBND tỉnh”)" in page
    assert "(từ cột: “Quý IV/2022”)" in page
    assert "“&lt;script&gt;” (đoạn văn đã thay đổi)" in page  # offsets out of date: named, escaped, not marked


def test_sources_follow_their_words_through_a_split_and_a_merge(office):
    from intake import importing

    upload(office, text=DOCUMENT)
    item = item_starting(the_draft(office), "Giao Ban Tuyên giáo")
    first, second = importing.split_item(item, importing.paragraph_offsets(item)[0])
    for part in (first, second, importing.merge_items(first, second)):
        for source in part["sources"]:
            if source["where"] == "text":
                assert part["text"][source["start"]:source["end"]] == source["text"]
    assert [s["text"] for s in second["sources"]] == ["hoàn thành trong tháng 9/2022"]
    merged = importing.merge_items(first, second)
    runs = [run for paragraph in importing.marked_paragraphs(merged) for run in paragraph if run["fields"]]
    assert [run["text"] for run in runs] == ["Ban Tuyên giáo Tỉnh ủy", "hoàn thành trong tháng 9/2022"]


# --- how sure, and what to look at first ---------------------------------------------------------------------


def test_each_item_carries_its_certainty_and_the_least_certain_are_listed_first(office):
    upload(office, text=DOCUMENT)
    draft = the_draft(office)
    page = review(office)
    unsure = item_starting(draft, "Đẩy mạnh cải cách")  # names no one
    row = page[page.index(f'id="item-{unsure["id"]}"'):]
    assert "Cần kiểm tra" in row[:row.index("</tr>")]
    panel = page[page.index('id="attention-heading"'):page.index("</nav>", page.index('id="attention-heading"'))]
    links = [part.split('"')[0] for part in panel.split('href="#item-')[1:]]
    assert links[0] == unsure["id"]
    certainties = {item["id"]: min(item["confidence"].values()) for item in draft["items"]}
    assert [certainties[link] for link in links] == sorted(certainties[link] for link in links)


def test_choosing_a_lead_counts_as_checked_and_the_item_leaves_the_panel(office, directory):
    upload(office, text=DOCUMENT)
    unsure = item_starting(the_draft(office), "Đẩy mạnh cải cách")
    post_op(office, "save", **{f"item-{unsure['id']}-leads": [f"unit:{directory['SO_NV'].pk}"]})
    assert item_starting(the_draft(office), "Đẩy mạnh cải cách")["confidence"]["lead"] == 1.0


# --- names the directory does not know -----------------------------------------------------------------------


def _unknown_item(client):
    return item_starting(the_draft(client), "Giao Ban Quản lý")


def test_an_unmatched_name_is_mapped_and_remembered_and_the_next_import_knows_it(office, directory):
    upload(office, text=SET_ASIDE_DOCUMENT)
    item = _unknown_item(office)
    [name] = item["unmatched"]  # the parser's reading of "Ban Quản lý dự án đầu tư xây dựng tỉnh"
    assert UNKNOWN_UNIT.startswith(name) and not item["leads"]
    page = review(office)
    assert "Ghi nhớ tên gọi này" in page and f"Đơn vị ứng với “{name}”" in page
    unit = Unit.objects.get(pk=directory["SO_XD"].pk)  # not the module's shared object: this test changes it
    prefix = f"item-{item['id']}"
    response = post_htmx(office, "save", **{f"{prefix}-alias_0_name": name,
                                            f"{prefix}-alias_0_unit": f"unit:{unit.pk}",
                                            f"{prefix}-alias_0_remember": "on"})
    assert response.status_code == 200 and "Tên gọi được ghi nhớ" in response.content.decode()
    item = _unknown_item(office)
    assert item["leads"] == [f"unit:{unit.pk}"] and item["unmatched"] == []
    unit.refresh_from_db()
    assert unit.aliases[-1] == name
    latest = unit.history.latest()
    assert latest.history_user.username == response.wsgi_request.user.username
    assert "Ghi nhớ tên gọi" in latest.history_change_reason

    # The next import of the same text reads the lead.
    session = office.session
    session.pop("resolution_import_drafts")
    session.save()
    upload(office, text=SET_ASIDE_DOCUMENT)
    again = _unknown_item(office)
    assert again["leads"] == [f"unit:{unit.pk}"] and again["unmatched"] == []


def test_a_mapping_without_remembering_changes_the_draft_only(office, directory):
    upload(office, text=SET_ASIDE_DOCUMENT)
    item = _unknown_item(office)
    unit = Unit.objects.get(pk=directory["SO_XD"].pk)
    aliases = list(unit.aliases)
    post_op(office, "save", **{f"item-{item['id']}-alias_0_name": item["unmatched"][0],
                               f"item-{item['id']}-alias_0_unit": f"unit:{unit.pk}"})
    assert _unknown_item(office)["leads"] == [f"unit:{unit.pk}"]
    unit.refresh_from_db()
    assert unit.aliases == aliases


@pytest.mark.parametrize("fields, message", [
    ({"alias_0_remember": "on"}, "Hãy chọn đơn vị để ghi nhớ tên gọi"),
    ({"alias_0_unit": "unit:999999", "alias_0_remember": "on"}, "Lựa chọn không hợp lệ"),
    ({"alias_0_unit": "group:cap_uy"}, "Lựa chọn không hợp lệ"),
    ({"alias_0_name": "Tên khác", "alias_0_unit": "UNIT", "alias_0_remember": "on"}, "trang đã cũ"),
])
def test_a_wrong_mapping_is_explained_in_vietnamese_and_nothing_is_remembered(office, directory, fields, message):
    upload(office, text=SET_ASIDE_DOCUMENT)
    item = _unknown_item(office)
    posted = {"alias_0_name": item["unmatched"][0], **fields}
    if posted.get("alias_0_unit") == "UNIT":
        posted["alias_0_unit"] = f"unit:{directory['SO_XD'].pk}"
    aliases = {unit.pk: list(unit.aliases) for unit in Unit.objects.all()}
    response = post_op(office, "save", **{f"item-{item['id']}-{key}": value for key, value in posted.items()})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html or message.casefold() in html.casefold()
    assert {unit.pk: list(unit.aliases) for unit in Unit.objects.all()} == aliases
    assert _unknown_item(office)["unmatched"] == item["unmatched"]
    assert counts() == (0, 0, 0, 0)


_VALUES = st.one_of(st.text(max_size=30), st.sampled_from(["on", "unit:1", "unit:x", "group:cap_uy", "", "\x00",
                                                           UNKNOWN_UNIT, "9" * 30]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_any_promote_or_mapping_post_is_answered_without_a_server_error_and_records_nothing(office, data):
    session = office.session
    session.pop("resolution_import_drafts", None)
    session.save()
    upload(office, text=SET_ASIDE_DOCUMENT)
    draft = the_draft(office)
    items = [item["id"] for item in draft["items"]] + ["zz"]
    entries = [entry["id"] for entry in draft["set_aside"]] + ["zz", ""]
    keys = st.builds(lambda i, n, f: f"item-{items[i]}-alias_{n}_{f}", st.integers(0, len(items) - 1),
                     st.integers(0, 2), st.sampled_from(["name", "unit", "remember"]))
    changes = data.draw(st.dictionaries(keys, st.one_of(_VALUES, st.lists(_VALUES, max_size=2)), max_size=6))
    op = data.draw(st.one_of(st.sampled_from(["save", "next"]),
                             st.builds(lambda i: f"promote:{entries[i]}", st.integers(0, len(entries) - 1))))
    post = post_htmx if data.draw(st.booleans()) else post_op
    assert post(office, op, **changes).status_code < 500
    assert counts() == (0, 0, 0, 0)


def test_in_english_the_review_says_the_same_in_english(office):
    from django.conf import settings as django_settings
    from django.utils import translation

    upload(office, text=SET_ASIDE_DOCUMENT)
    office.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        page = review(office)
    finally:
        # the middleware activates the language in this thread: the next test must start in Vietnamese
        translation.activate(django_settings.LANGUAGE_CODE)
    for words in ("Not taken as directives — check again", "Add as a directive", "Needs checking",
                  "Check the least certain items first", "Remember this name", "Read from"):
        assert words in page
