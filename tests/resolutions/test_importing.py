"""resolutions.importing: the unit directory read from the database, draft items, and the one transaction that
records a reviewed document with its directives and tasks."""
import datetime

import pytest

from intake import importing
from intake.demo import speech_text
from resolutions.models import Directive, Resolution
from resolutions.services import source_fingerprint
from units.directory import sync_unit_directory
from tasks.models import Assignment, Task
from units.models import Unit, UnitGroup
from core.errors import ServiceError
from tests.factories import UnitFactory, UnitGroupFactory, office_user

pytestmark = pytest.mark.django_db

ASSIGNED = ("KẾT LUẬN\n\n1. Giao {lead} chủ trì, phối hợp với Sở Tài chính rà soát các dự án chậm giải ngân, "
            "hoàn thành trước ngày 30/9/2022.\n")


def counts():
    return (Resolution.objects.count(), Directive.objects.count(), Task.objects.count(),
            Assignment.objects.count())


@pytest.fixture
def directory(db):
    sync_unit_directory()
    return {unit.code: unit for unit in Unit.objects.all()}


def parse(text):
    return importing.parse_upload(text=text)


def details(**overrides):
    values = dict(kind=Resolution.Kind.KET_LUAN, title="Kết luận thử nghiệm", issued_on=datetime.date(2022, 6, 1))
    values.update(overrides)
    return importing.DocumentDetails(**values)


def record(parsed, items=None, **kwargs):
    items = items if items is not None else importing.items_from_parse(parsed.result)
    return importing.record_import(created_by=kwargs.pop("created_by", office_user()), details=details(),
                                   directives=importing.reviewed_directives(items), body=parsed.body, **kwargs)


# --- the directory -------------------------------------------------------------------------------------------


def test_an_alias_the_office_adds_in_the_admin_is_recognised_at_the_next_import(directory):
    [item] = parse(ASSIGNED.format(lead="Tổ công tác chuyển đổi số")).result.directives
    assert item.lead_units == []
    unit = directory["SO_TTTT"]
    unit.aliases = [*unit.aliases, "Tổ công tác chuyển đổi số"]
    unit.save()
    [item] = parse(ASSIGNED.format(lead="Tổ công tác chuyển đổi số")).result.directives
    assert item.lead_units == ["Sở Thông tin và Truyền thông"]
    assert item.coordinating_units == ["Sở Tài chính"]


def test_a_unit_added_in_the_admin_and_a_group_phrase_are_recognised(directory):
    UnitFactory(name="Ban Quản lý dự án đầu tư xây dựng tỉnh", short_name="BQLDA", aliases=["BQL dự án tỉnh"])
    group = UnitGroup.objects.get(key="co_quan_don_vi")
    group.phrases = [*group.phrases, "các cơ quan khối tỉnh"]
    group.save()
    [item] = parse(ASSIGNED.format(lead="BQL dự án tỉnh")).result.directives
    assert item.lead_units == ["Ban Quản lý dự án đầu tư xây dựng tỉnh"]
    [item] = parse(ASSIGNED.format(lead="các cơ quan khối tỉnh")).result.directives
    assert item.scope_groups == ["co_quan_don_vi"]


def test_a_unit_no_longer_active_is_not_proposed(directory):
    unit = directory["SO_TTTT"]
    unit.active = False
    unit.save()
    [item] = parse(ASSIGNED.format(lead="Sở Thông tin và Truyền thông")).result.directives
    assert "Sở Thông tin và Truyền thông" not in item.lead_units


def test_aliases_edited_into_something_other_than_text_are_ignored(directory):
    Unit.objects.filter(pk=directory["SO_TC"].pk).update(aliases={"not": "a list"})
    Unit.objects.filter(pk=directory["SO_KHDT"].pk).update(aliases=["Sở KH&ĐT", 7, None, ""])
    [item] = parse(ASSIGNED.format(lead="Sở KH&ĐT")).result.directives
    assert item.lead_units == ["Sở Kế hoạch và Đầu tư"]


def test_without_any_unit_in_the_database_the_shipped_directory_is_used_with_a_warning():
    parsed = parse(ASSIGNED.format(lead="Sở Kế hoạch và Đầu tư"))
    assert parsed.result.directives[0].lead_units == ["Sở Kế hoạch và Đầu tư"]
    assert any("danh mục đơn vị mặc định" in warning for warning in parsed.warnings)
    # and the draft cannot name a unit that is not recorded: it needs a lead
    [item] = importing.items_from_parse(parsed.result)
    assert item["leads"] == [] and "Sở Kế hoạch và Đầu tư" in item["unmatched"]


# --- draft items ---------------------------------------------------------------------------------------------


def test_the_worked_example_becomes_draft_items_with_units_groups_and_vietnamese_deadlines(directory):
    items = importing.items_from_parse(parse(speech_text()).result)
    assert len(items) == 16
    first = items[0]
    assert first["leads"] == ["group:cap_uy", "group:chinh_quyen", "group:co_quan_don_vi"]
    assert first["deadline"] == "2022-06-30" and first["deadline_text"] == "quí II/2022 (theo đề mục)"
    last = items[-1]
    assert last["leads"] == [f"unit:{directory['BTGTU'].pk}"]
    assert last["coordinating"] == [f"unit:{directory['UBKTTU'].pk}"]
    assert all("heading" not in item["deadline_text"] for item in items)
    ongoing = [item for item in items if item["ongoing"]]
    assert ongoing and all(item["report_cycle"] == Task.ReportCycle.QUARTERLY for item in ongoing)


@pytest.mark.parametrize("written, said", [
    ("quí II/2022 (heading)", "quí II/2022 (theo đề mục)"),
    ("6 tháng cuối năm 2022 (heading)", "6 tháng cuối năm 2022 (theo đề mục)"),
    ("trước ngày 30/6/2022", "trước ngày 30/6/2022"),
    ("", ""),
])
def test_a_deadline_inherited_from_a_heading_is_said_in_vietnamese(written, said):
    assert importing.vietnamese_deadline_text(written) == said


@pytest.mark.parametrize("kind, expected", [
    ("Phát biểu bế mạc", Resolution.Kind.PHAT_BIEU), ("Thông báo kết luận", Resolution.Kind.THONG_BAO_KET_LUAN),
    ("Kết luận", Resolution.Kind.KET_LUAN), ("Chỉ thị", Resolution.Kind.CHI_THI), ("Kế hoạch", Resolution.Kind.KE_HOACH),
    ("Nghị quyết", Resolution.Kind.NGHI_QUYET), ("Quyết định", Resolution.Kind.KHAC), ("", Resolution.Kind.KHAC),
])
def test_the_parsers_kind_of_document_maps_to_the_portals(kind, expected):
    assert importing.resolution_kind(kind) == expected


def item(text, **overrides):
    values = {"id": "a1", "section": "I", "label": "1.", "text": text, "lead_as_written": [],
              "coordinating_as_written": [], "unmatched": [], "scope_as_written": "", "leads": [], "coordinating": [],
              "deadline": None, "parsed_deadline": None, "deadline_text": "", "ongoing": False, "report_cycle": ""}
    values.update(overrides)
    return values


def test_merging_two_items_joins_texts_and_units_and_keeps_the_first_deadline():
    first = item("Xây dựng kế hoạch.", leads=["unit:1"], coordinating=["unit:2"], deadline="2022-06-30")
    second = item("Tổ chức triển khai.", id="b2", leads=["unit:2", "unit:3"], deadline="2022-09-30")
    merged = importing.merge_items(first, second)
    assert merged["text"] == "Xây dựng kế hoạch.\n\nTổ chức triển khai."
    assert merged["leads"] == ["unit:1", "unit:2", "unit:3"] and merged["coordinating"] == []
    assert merged["deadline"] == "2022-06-30" and merged["id"] == "a1"


def test_merging_an_item_without_a_date_takes_the_next_ones_date_and_ongoing_keeps_a_cycle():
    merged = importing.merge_items(item("A."), item("B.", deadline="2022-09-30", deadline_text="quý III/2022"))
    assert merged["deadline"] == "2022-09-30" and merged["deadline_text"] == "quý III/2022"
    merged = importing.merge_items(item("A.", ongoing=True, report_cycle="monthly"), item("B."))
    assert merged["ongoing"] and merged["report_cycle"] == "monthly"


def test_splitting_an_item_gives_two_with_the_same_assignment_and_refuses_an_empty_half():
    whole = item("Đoạn một.\n\nĐoạn hai.", leads=["unit:1"], deadline="2022-06-30")
    [offset] = importing.paragraph_offsets(whole)
    first, second = importing.split_item(whole, offset)
    assert (first["text"], second["text"]) == ("Đoạn một.", "Đoạn hai.")
    assert second["leads"] == ["unit:1"] and second["deadline"] == "2022-06-30" and second["id"] != first["id"]
    assert second["label"] == ""
    with pytest.raises(ValueError):
        importing.split_item(whole, 0)


# --- reading ------------------------------------------------------------------------------------------------


def test_the_same_text_pasted_or_uploaded_as_txt_is_the_same_document(directory):
    text = ASSIGNED.format(lead="Sở Kế hoạch và Đầu tư")
    pasted = importing.parse_upload(text=text)
    uploaded = importing.parse_upload(source=text.encode("utf-16"), filename="kl.txt")
    assert source_fingerprint(pasted.body) == source_fingerprint(uploaded.body)


def test_a_docx_gives_its_paragraphs_as_the_document_text(directory):
    from tests.resolutions.parsing._expected import DOCUMENTS as FOLDER

    parsed = importing.parse_upload(source=(FOLDER / "ket_luan_danh_so_tu_dong.docx").read_bytes(),
                                    filename="kl.docx")
    assert "Kết luận" in parsed.body or "KẾT LUẬN" in parsed.body
    assert all(directive.text.split("\n")[0][:30] in parsed.body for directive in parsed.result.directives)


def test_an_unreadable_file_raises_the_parsers_vietnamese_message():
    with pytest.raises(importing.ParseError, match="rỗng"):
        importing.parse_upload(source=b"", filename="rong.txt")


# --- recording ----------------------------------------------------------------------------------------------


def test_recording_writes_the_document_its_directives_and_one_task_per_lead(directory):
    parsed = parse(speech_text())
    items = importing.items_from_parse(parsed.result)
    for entry in importing.items_needing_lead(items):
        entry["leads"] = [importing.unit_ref(directory["UBND_TINH"])]
    resolution = record(parsed, items)
    assert resolution.directives.count() == 16
    first = resolution.directives.get(order=1)
    assert first.deadline_text == "quí II/2022 (theo đề mục)"
    leads = set(Assignment.objects.filter(task__directive=first, role=Assignment.Role.LEAD)
                .values_list("unit__code", flat=True))
    expected = set(Unit.objects.filter(groups__key__in=["cap_uy", "chinh_quyen", "co_quan_don_vi"], active=True)
                   .values_list("code", flat=True))
    assert leads == expected
    assert set(first.tasks.values_list("deadline", flat=True)) == {datetime.date(2022, 6, 30)}
    assert not Directive.objects.filter(deadline_text__icontains="heading").exists()
    assert not Task.objects.filter(deadline_text__icontains="heading").exists()
    last = resolution.directives.get(order=16)
    [task] = last.tasks.all()
    assert task.assignments.get(role=Assignment.Role.LEAD).unit.code == "BTGTU"
    assert set(task.assignments.filter(role=Assignment.Role.COORDINATING).values_list("unit__code", flat=True)) \
        == {"UBKTTU"}
    ongoing = resolution.directives.filter(ongoing=True, tasks__deadline__isnull=True).distinct()
    assert ongoing.exists()
    assert not Task.objects.filter(directive__in=ongoing).exclude(report_cycle=Task.ReportCycle.QUARTERLY).exists()


def test_a_directive_without_a_lead_is_refused_by_name_and_nothing_is_written(directory):
    parsed = parse(speech_text())
    with pytest.raises(ServiceError) as refusal:
        record(parsed)
    assert refusal.value.code == "no_lead"
    assert "I.3 (4)" in refusal.value.messages[0]
    assert counts() == (0, 0, 0, 0)


def test_a_group_without_active_units_is_no_lead(directory):
    UnitGroupFactory(key="trong", name="Nhóm trống")
    parsed = parse(ASSIGNED.format(lead="Sở Kế hoạch và Đầu tư"))
    [entry] = importing.items_from_parse(parsed.result)
    entry["leads"] = ["group:trong"]
    with pytest.raises(ServiceError, match="Chưa có đơn vị chủ trì"):
        record(parsed, [entry])
    assert counts() == (0, 0, 0, 0)


def test_a_failure_half_way_through_the_tasks_leaves_nothing_behind(directory, monkeypatch):
    from tasks import services

    parsed = parse(speech_text())
    items = importing.items_from_parse(parsed.result)
    for entry in importing.items_needing_lead(items):
        entry["leads"] = [importing.unit_ref(directory["UBND_TINH"])]
    real = services.create_tasks_for_directive
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "create_tasks_for_directive", failing)
    with pytest.raises(RuntimeError):
        record(parsed, items)
    assert counts() == (0, 0, 0, 0)


def test_the_same_document_twice_is_refused(directory):
    parsed = parse(ASSIGNED.format(lead="Sở Kế hoạch và Đầu tư"))
    record(parsed)
    with pytest.raises(ServiceError) as refusal:
        record(parse(ASSIGNED.format(lead="Sở Kế hoạch và Đầu tư")))
    assert refusal.value.code == "duplicate"
    assert counts()[0] == 1


def test_only_the_office_may_record_when_permission_is_checked(directory):
    from django.core.exceptions import PermissionDenied

    from tests.factories import member

    parsed = parse(ASSIGNED.format(lead="Sở Kế hoạch và Đầu tư"))
    with pytest.raises(PermissionDenied):
        record(parsed, created_by=member(directory["SO_KHDT"]))
    assert counts() == (0, 0, 0, 0)
