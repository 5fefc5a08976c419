"""Every transition of a task through tasks.services, the refused ones included.

Each test asserts what a person would notice: the status and standing, the deadline and the first deadline, the
entry on the task's timeline (history, with who did it), who is notified, and, when refused, that nothing was
written at all.
"""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tasks import services
from notifications.models import Notification
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from tasks.standing import Standing
from core.errors import ConflictError, ServiceError
from core.uploads import check_upload
from tests.factories import TaskFactory, leader, office_user
from tests.tasks.support import PDF, World, days, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def recipients(task, kind) -> set:
    return set(Notification.objects.filter(task=task, kind=kind).values_list("recipient__username", flat=True))


def names(*users) -> set:
    return {user.username for user in users}


def last_history(task):
    return Task.history.filter(id=task.pk).order_by("-history_date", "-history_id").first()


def refused(call, error=ServiceError, code=None):
    before = snapshot()
    with pytest.raises(error) as raised:
        call()
    assert snapshot() == before, "a refused action wrote something"
    if code is not None:
        assert raised.value.code == code
    return raised.value


# --- creating a task ----------------------------------------------------------------------------------------


def test_the_office_enters_a_task_and_both_units_are_told(w):
    task = services.create_task(created_by=w.office, title="  Tổng kết   10 năm Chỉ thị 05 ", lead_unit=w.lead,
                                coordinating_units=(unit for unit in [w.coord]), deadline=days(20))
    task = w.fresh(task)
    assert task.title == "Tổng kết 10 năm Chỉ thị 05"
    assert task.deadline == task.original_deadline == days(20)
    assert task.standing == Standing.ON_TRACK
    assert set(task.assignments.values_list("unit__name", "role")) == {
        ("Ban Tuyên giáo Tỉnh ủy", "lead"), ("Ủy ban Kiểm tra Tỉnh ủy", "coordinating")}
    # A generator of coordinating units is read once for the assignments and once more for the notices.
    assert recipients(task, Notification.Kind.ASSIGNED) == names(w.leader, w.officer, w.coord_member)
    created = last_history(task)
    assert created.history_type == "+" and created.history_user == w.office


def test_a_task_without_deadline_is_ongoing_and_reports_quarterly(w):
    task = services.create_task(created_by=w.office, title="Theo dõi thường xuyên", lead_unit=w.lead)
    task = w.fresh(task)
    assert task.deadline is None and task.report_cycle == Task.ReportCycle.QUARTERLY
    assert task.standing == Standing.ONGOING


def test_only_the_office_enters_tasks(w):
    for user in (w.leader, w.standing, w.outsider):
        refused(lambda: services.create_task(created_by=user, title="X", lead_unit=w.lead), PermissionDenied)


def test_a_task_is_not_given_to_a_unit_that_no_longer_exists(w):
    w.other.active = False
    w.other.save()
    refused(lambda: services.create_task(created_by=w.office, title="X", lead_unit=w.other), code="inactive_unit")


# --- progress reports and contributions -----------------------------------------------------------------------


def test_an_officer_reports_progress_with_a_pdf(w):
    files = [check_upload(SimpleUploadedFile("../bao-cao.pdf", PDF))]
    report = services.submit_progress_report(task=w.task, user=w.officer, text="Đã tổ chức hội nghị.", percent=40,
                                             files=files)
    task = w.fresh()
    assert task.progress == 40
    assert report.unit == w.lead and report.author == w.officer and report.kind == ProgressReport.Kind.REPORT
    attachment = report.attachments.get()
    assert attachment.original_name == "bao-cao.pdf" and attachment.content_type == "application/pdf"
    assert attachment.file.read() == PDF
    entry = last_history(task)
    assert entry.history_user == w.officer and "40%" in entry.history_change_reason


def test_a_report_without_a_new_percent_keeps_the_version(w):
    services.submit_progress_report(task=w.task, user=w.officer, text="Chưa có gì mới.", percent=0)
    assert w.fresh().version == w.task.version


@pytest.mark.parametrize("who", ["coord_member", "outsider", "office", "standing", "sub_leader"])
def test_only_the_lead_unit_reports_progress(w, who):
    refused(lambda: services.submit_progress_report(task=w.task, user=getattr(w, who), text="x", percent=10),
            PermissionDenied)


@pytest.mark.parametrize("status", [Task.Status.DONE, Task.Status.CANCELLED])
def test_a_closed_task_takes_no_report(w, status):
    Task.objects.filter(pk=w.task.pk).update(status=status, completed_at=timezone.now())
    refused(lambda: services.submit_progress_report(task=w.task, user=w.officer, text="x", percent=10),
            code="closed")


def test_a_percent_outside_0_to_100_is_refused(w):
    refused(lambda: services.submit_progress_report(task=w.task, user=w.officer, text="x", percent=101),
            code="percent")


def test_a_sub_units_report_moves_the_parents_progress(w):
    child = services.delegate_task(task=w.task, user=w.leader, unit=w.sub)
    services.submit_progress_report(task=child, user=w.sub_leader, text="Một nửa.", percent=50)
    assert w.fresh().progress == 50


def test_a_coordinating_unit_contributes_and_the_lead_sees_it(w):
    services.submit_contribution(task=w.task, user=w.coord_member, text="Ý kiến của UBKT.")
    contribution = ProgressReport.objects.get(kind=ProgressReport.Kind.CONTRIBUTION)
    assert contribution.unit == w.coord and contribution.author == w.coord_member
    from tasks.selectors.tasks import contributions_for_lead

    assert list(contributions_for_lead(w.task)) == [contribution]
    assert w.fresh().progress == 0


def test_the_lead_unit_does_not_contribute_to_its_own_task(w):
    refused(lambda: services.submit_contribution(task=w.task, user=w.officer, text="x"), PermissionDenied)
    refused(lambda: services.submit_contribution(task=w.task, user=w.outsider, text="x"), PermissionDenied)


def test_a_closed_task_takes_no_contribution(w):
    Task.objects.filter(pk=w.task.pk).update(status=Task.Status.CANCELLED)
    refused(lambda: services.submit_contribution(task=w.task, user=w.coord_member, text="x"), code="closed")


# --- completion ---------------------------------------------------------------------------------------------


def test_the_leader_proposes_completion_and_the_office_is_told(w):
    review = services.propose_completion(task=w.task, user=w.leader, result="Đã ban hành kế hoạch.",
                                         expected_version=w.task.version)
    task = w.fresh()
    assert task.status == Task.Status.PROPOSED and review.outcome == Review.Outcome.PENDING
    assert recipients(task, Notification.Kind.COMPLETION_PROPOSED) == names(w.office)
    assert last_history(task).history_user == w.leader


def test_an_officer_does_not_propose_completion(w):
    refused(lambda: services.propose_completion(task=w.task, user=w.officer, result="x"), PermissionDenied)
    refused(lambda: services.propose_completion(task=w.task, user=w.office, result="x"), PermissionDenied)


def test_a_task_already_proposed_or_done_cannot_be_proposed_again(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    error = refused(lambda: services.propose_completion(task=w.task, user=w.leader, result="Xong."), code="status")
    assert "không ở trạng thái" in error.messages[0]


def test_a_proposal_needs_its_result(w):
    refused(lambda: services.propose_completion(task=w.task, user=w.leader, result="   "), code="required")


def test_a_proposal_on_a_stale_page_is_a_conflict(w):
    stale = w.task.version
    services.submit_progress_report(task=w.task, user=w.officer, text="Cập nhật.", percent=60)
    error = refused(lambda: services.propose_completion(task=w.task, user=w.leader, result="Xong.",
                                                        expected_version=stale), ConflictError)
    assert "người khác cập nhật" in error.messages[0]


def test_approved_before_the_deadline_is_done_on_time(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    review = services.decide_completion(task=w.task, user=w.office, approve=True, comment="Tốt.",
                                        expected_version=w.fresh().version)
    task = w.fresh()
    assert task.status == Task.Status.DONE and task.progress == 100
    assert task.completed_at == review.proposed_at
    assert task.standing == Standing.DONE_ON_TIME
    assert review.reviewer == w.office and review.outcome == Review.Outcome.APPROVED
    assert recipients(task, Notification.Kind.COMPLETION_APPROVED) == names(w.leader, w.officer)
    assert last_history(task).history_user == w.office


def test_approved_after_the_deadline_is_done_late():
    w = World(deadline=days(-5))
    assert w.fresh().standing == Standing.OVERDUE
    services.propose_completion(task=w.task, user=w.leader, result="Xong muộn.")
    services.decide_completion(task=w.task, user=w.office, approve=True)
    assert w.fresh().standing == Standing.DONE_LATE


def test_a_returned_task_is_not_done_and_may_be_proposed_again(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    services.decide_completion(task=w.task, user=w.office, approve=False, comment="Thiếu báo cáo tổng kết.")
    task = w.fresh()
    assert task.status == Task.Status.RETURNED and task.completed_at is None
    assert task.standing == Standing.ON_TRACK
    assert task.reviews.get().comment == "Thiếu báo cáo tổng kết."
    assert recipients(task, Notification.Kind.COMPLETION_RETURNED) == names(w.leader, w.officer)
    assert "Thiếu báo cáo" in last_history(task).history_change_reason
    services.propose_completion(task=w.task, user=w.leader, result="Đã bổ sung.")
    assert w.fresh().status == Task.Status.PROPOSED


def test_returning_needs_a_reason(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    refused(lambda: services.decide_completion(task=w.task, user=w.office, approve=False, comment=" "),
            code="required")


@pytest.mark.parametrize("who", ["leader", "officer", "standing", "outsider"])
def test_only_the_office_decides_on_a_task_it_assigned(w, who):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    refused(lambda: services.decide_completion(task=w.task, user=getattr(w, who), approve=True), PermissionDenied)


def test_there_is_nothing_to_decide_without_a_proposal(w):
    refused(lambda: services.decide_completion(task=w.task, user=w.office, approve=True), code="status")


def test_a_decision_on_a_stale_page_is_a_conflict(w):
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    refused(lambda: services.decide_completion(task=w.task, user=w.office, approve=True,
                                               expected_version=w.task.version), ConflictError)


def test_a_sub_units_completion_is_decided_by_the_parents_lead_and_rolls_up(w):
    child = services.delegate_task(task=w.task, user=w.leader, unit=w.sub, deadline=days(10))
    services.propose_completion(task=child, user=w.sub_leader, result="Phần việc đã xong.")
    assert recipients(child, Notification.Kind.COMPLETION_PROPOSED) == names(w.leader)
    refused(lambda: services.decide_completion(task=child, user=w.office, approve=True), PermissionDenied)
    services.decide_completion(task=child, user=w.leader, approve=True)
    assert w.fresh(child).standing == Standing.DONE_ON_TIME
    # The only child is done: the parent shows 100% (before the fix the grandparent was updated instead).
    assert w.fresh().progress == 100
    assert w.fresh().status == Task.Status.OPEN


# --- extensions ---------------------------------------------------------------------------------------------


def test_the_leader_asks_for_more_time_and_the_office_is_told(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="Chờ số liệu.",
                                           expected_version=w.task.version)
    assert extension.status == ExtensionRequest.Status.PENDING
    assert extension.current_deadline == days(30) and extension.unit == w.lead
    assert w.fresh().deadline == days(30)
    assert recipients(w.task, Notification.Kind.EXTENSION_REQUESTED) == names(w.office)


def test_a_second_request_waits_for_the_first(w):
    services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="Chờ số liệu.")
    refused(lambda: services.request_extension(task=w.task, user=w.leader, new_deadline=days(90), reason="Thêm."),
            code="pending")


@pytest.mark.parametrize("offset", [30, 10, -1])
def test_the_new_date_must_be_after_the_current_deadline(w, offset):
    error = refused(lambda: services.request_extension(task=w.task, user=w.leader, new_deadline=days(offset),
                                                       reason="x"), code="not_later")
    assert days(30).strftime("%d/%m/%Y") in error.messages[0]


def test_an_extension_needs_a_reason(w):
    refused(lambda: services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason=""),
            code="required")


def test_an_officer_does_not_ask_for_an_extension(w):
    refused(lambda: services.request_extension(task=w.task, user=w.officer, new_deadline=days(60), reason="x"),
            PermissionDenied)


def test_a_closed_or_ongoing_task_cannot_be_extended(w):
    Task.objects.filter(pk=w.task.pk).update(status=Task.Status.CANCELLED)
    refused(lambda: services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x"),
            code="status")
    ongoing = TaskFactory(lead=w.lead, deadline=None, original_deadline=None)
    refused(lambda: services.request_extension(task=ongoing, user=w.leader, new_deadline=days(60), reason="x"),
            code="status")


def test_an_approved_extension_moves_the_deadline_and_keeps_the_first():
    w = World(deadline=days(-3))
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(20), reason="Chờ số liệu.")
    services.decide_extension(extension=extension, user=w.office, approve=True, expected_version=w.fresh().version)
    task = w.fresh()
    assert task.deadline == days(20) and task.original_deadline == days(-3) and task.deadline_moved
    assert task.standing == Standing.ON_TRACK
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.APPROVED and extension.decided_by == w.office
    assert recipients(task, Notification.Kind.EXTENSION_APPROVED) == names(w.leader, w.officer)
    entry = last_history(task)
    assert entry.history_user == w.office and days(20).strftime("%d/%m/%Y") in entry.history_change_reason
    # A second extension still shows the very first deadline.
    second = services.request_extension(task=w.task, user=w.leader, new_deadline=days(40), reason="Thêm.")
    services.decide_extension(extension=second, user=w.office, approve=True)
    task = w.fresh()
    assert task.deadline == days(40) and task.original_deadline == days(-3)


def test_a_refused_extension_leaves_the_deadline(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    refused(lambda: services.decide_extension(extension=extension, user=w.office, approve=False), code="required")
    services.decide_extension(extension=extension, user=w.office, approve=False, comment="Đủ thời gian.")
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED and extension.decision_comment == "Đủ thời gian."
    assert w.fresh().deadline == days(30)
    assert recipients(w.task, Notification.Kind.EXTENSION_REFUSED) == names(w.leader, w.officer)
    refused(lambda: services.decide_extension(extension=extension, user=w.office, approve=True), code="decided")


@pytest.mark.parametrize("who", ["leader", "officer", "standing", "outsider"])
def test_only_the_office_decides_an_extension(w, who):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    refused(lambda: services.decide_extension(extension=extension, user=getattr(w, who), approve=True),
            PermissionDenied)


def test_a_task_done_meanwhile_keeps_the_deadline_it_was_judged_by():
    w = World(deadline=days(-3))
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(20), reason="x")
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    services.decide_completion(task=w.task, user=w.office, approve=True)
    refused(lambda: services.decide_extension(extension=extension, user=w.office, approve=True), code="closed")
    assert w.fresh().standing == Standing.DONE_LATE


def test_approving_never_pulls_a_deadline_the_office_moved_later(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(40), reason="x")
    services.update_task(task=w.task, user=w.office, expected_version=w.fresh().version, title=w.task.title,
                         description="", deadline=days(50))
    refused(lambda: services.decide_extension(extension=extension, user=w.office, approve=True), code="not_later")


def test_an_extension_decision_on_a_stale_page_is_a_conflict(w):
    extension = services.request_extension(task=w.task, user=w.leader, new_deadline=days(40), reason="x")
    stale = w.fresh().version
    services.submit_progress_report(task=w.task, user=w.officer, text="x", percent=70)
    refused(lambda: services.decide_extension(extension=extension, user=w.office, approve=True,
                                              expected_version=stale), ConflictError)


# --- delegation ---------------------------------------------------------------------------------------------


def test_the_leader_hands_part_of_the_task_to_a_sub_unit(w):
    child = services.delegate_task(task=w.task, user=w.leader, unit=w.sub, title="Phần tuyên truyền")
    child = w.fresh(child)
    assert child.parent_id == w.task.pk and child.title == "Phần tuyên truyền"
    assert child.deadline == days(30)
    assert child.assignments.get().unit == w.sub
    assert recipients(child, Notification.Kind.DELEGATED) == names(w.sub_leader)
    assert not Notification.objects.filter(task=child, kind=Notification.Kind.ASSIGNED).exists()
    entry = last_history(w.task)
    assert entry.history_user == w.leader and "Phòng Tuyên truyền" in entry.history_change_reason
    # The parent's lead stays accountable.
    assert w.task.assignments.get(role=Assignment.Role.LEAD).unit == w.lead


def test_delegation_goes_only_to_a_sub_unit(w):
    refused(lambda: services.delegate_task(task=w.task, user=w.leader, unit=w.other), code="not_sub_unit")
    refused(lambda: services.delegate_task(task=w.task, user=w.leader, unit=w.coord), code="not_sub_unit")


def test_a_delegated_deadline_is_not_later_than_the_parents(w):
    refused(lambda: services.delegate_task(task=w.task, user=w.leader, unit=w.sub, deadline=days(31)), code="late")


@pytest.mark.parametrize("who", ["officer", "office", "sub_leader", "coord_member"])
def test_only_the_lead_units_leader_delegates(w, who):
    refused(lambda: services.delegate_task(task=w.task, user=getattr(w, who), unit=w.sub), PermissionDenied)


# --- the office: lead, cancel, edit -------------------------------------------------------------------------


def test_the_office_changes_the_lead_and_both_units_are_told(w):
    new_leader = leader(w.other)
    services.change_lead(task=w.task, user=w.office, unit=w.coord, expected_version=w.task.version)
    assignments = set(w.task.assignments.values_list("unit_id", "role"))
    # The coordinating unit now leads instead; the former lead no longer holds the task.
    assert assignments == {(w.coord.pk, "lead")}
    assert recipients(w.task, Notification.Kind.LEAD_CHANGED) == names(w.coord_member, w.leader, w.officer)
    entry = last_history(w.task)
    assert entry.history_user == w.office and "Ủy ban Kiểm tra" in entry.history_change_reason
    assert new_leader.username not in recipients(w.task, Notification.Kind.LEAD_CHANGED)


def test_changing_the_lead_to_the_same_unit_is_refused(w):
    error = refused(lambda: services.change_lead(task=w.task, user=w.office, unit=w.lead), code="same")
    assert "đã là đơn vị chủ trì" in error.messages[0]


def test_changing_the_lead_is_for_the_office_only(w):
    refused(lambda: services.change_lead(task=w.task, user=w.leader, unit=w.other), PermissionDenied)


def test_the_lead_of_a_closed_task_stays(w):
    services.cancel_task(task=w.task, user=w.office, reason="Không còn phù hợp.")
    refused(lambda: services.change_lead(task=w.task, user=w.office, unit=w.other), code="closed")


def test_the_lead_is_not_given_to_a_unit_that_stopped(w):
    w.other.active = False
    w.other.save()
    refused(lambda: services.change_lead(task=w.task, user=w.office, unit=w.other), code="inactive_unit")


def test_changing_the_lead_on_a_stale_page_is_a_conflict(w):
    stale = w.task.version
    services.submit_progress_report(task=w.task, user=w.officer, text="x", percent=10)
    refused(lambda: services.change_lead(task=w.task, user=w.office, unit=w.other, expected_version=stale),
            ConflictError)


def test_the_office_cancels_with_a_reason_and_pending_requests_close(w):
    services.request_extension(task=w.task, user=w.leader, new_deadline=days(60), reason="x")
    services.propose_completion(task=w.task, user=w.leader, result="Xong.")
    services.cancel_task(task=w.task, user=w.office, reason="Đã lồng ghép vào nhiệm vụ khác.",
                         expected_version=w.fresh().version)
    task = w.fresh()
    assert task.status == Task.Status.CANCELLED and task.standing == Standing.CANCELLED
    assert task.cancel_reason == "Đã lồng ghép vào nhiệm vụ khác."
    assert not task.reviews.filter(outcome=Review.Outcome.PENDING).exists()
    assert not task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists()
    assert recipients(task, Notification.Kind.CANCELLED) == names(w.leader, w.officer)
    entry = last_history(task)
    assert entry.history_user == w.office and "lồng ghép" in entry.history_change_reason


def test_cancelling_needs_a_reason(w):
    refused(lambda: services.cancel_task(task=w.task, user=w.office, reason="  "), code="required")


def test_cancelling_is_for_the_office_only_and_once(w):
    refused(lambda: services.cancel_task(task=w.task, user=w.leader, reason="x"), PermissionDenied)
    services.cancel_task(task=w.task, user=w.office, reason="x")
    refused(lambda: services.cancel_task(task=w.task, user=w.office, reason="x"), code="closed")


def test_cancelling_on_a_stale_page_is_a_conflict(w):
    refused(lambda: services.cancel_task(task=w.task, user=w.office, reason="x", expected_version=w.task.version + 1),
            ConflictError)


def test_the_office_edits_a_task_and_the_first_deadline_is_kept(w):
    services.update_task(task=w.task, user=w.office, expected_version=w.task.version, title="Tên mới",
                         description="Nội dung mới", deadline=days(45))
    task = w.fresh()
    assert (task.title, task.description, task.deadline, task.original_deadline) == (
        "Tên mới", "Nội dung mới", days(45), days(30))
    entry = last_history(task)
    assert entry.history_user == w.office and entry.title == "Tên mới"


def test_an_edit_that_removes_the_deadline_makes_an_ongoing_task_with_a_cycle(w):
    services.update_task(task=w.task, user=w.office, expected_version=w.task.version, title="x", description="",
                         deadline=None)
    task = w.fresh()
    assert task.standing == Standing.ONGOING and task.report_cycle == Task.ReportCycle.QUARTERLY


def test_two_edits_from_the_same_version_the_second_is_refused_and_the_first_stays(w):
    version = w.task.version
    services.update_task(task=w.task, user=w.office, expected_version=version, title="Lần thứ nhất",
                         description="", deadline=days(30))
    other_office = office_user()
    refused(lambda: services.update_task(task=w.task, user=other_office, expected_version=version,
                                         title="Lần thứ hai", description="", deadline=days(99)), ConflictError)
    task = w.fresh()
    assert task.title == "Lần thứ nhất" and task.deadline == days(30)


def test_editing_is_for_the_office_only(w):
    refused(lambda: services.update_task(task=w.task, user=w.leader, expected_version=w.task.version, title="x",
                                         description="", deadline=days(5)), PermissionDenied)
