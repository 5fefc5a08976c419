"""What happened to the demo's documents after they were recorded, and when: the story `load_demo` plays.

Every step is a call to the service a person would have caused from the portal (a report, a contribution, a
request for more time, a proposal, the office's decision, a cancellation, the office confirming a unit's result on
the task's admin page), played with the clock set to its moment (load_demo travels there), so that created_at,
the history behind each timeline and the notification ledger carry the dates on which they happened.

The April 2022 speech: the four units with demo accounts work their tasks through 2022 and into 2023 (done on
time, done late after a return, done on time after an extension, overdue after a refused extension, moved into
2023 by a granted one and still not done, cancelled; quarterly reports on the ongoing tasks); for the other units,
which have no accounts in the demo, the office confirms the results their reports gave, on the Friday after each
arrived, moves some deadlines into 2023, or nothing ever arrived.
The notice of the last few weeks: one task done on time, one waiting for the office's decision, one extended, one
overdue with a request for more time waiting, the rest due in the days ahead.
"""
from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

import docx
import holidays
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.uploads import UploadedAttachment, check_upload

from resolutions.models import Resolution
from tasks import services
from tasks.models import Assignment, ExtensionRequest, Task

# The units whose people have demo accounts (load_demo.DEMO_ACCOUNTS): their work goes through their own hands.
DEMO_UNITS = ("BTGTU", "UBKTTU", "HCCB_TINH", "HU_PHUNG_HIEP")


@dataclass(frozen=True)
class Step:
    at: datetime.datetime  # naive, local time (Asia/Ho_Chi_Minh)
    do: Callable[[], object]
    # Whether someone with a demo account hears of it (then the day's digests are sent at the end of the day).
    heard: bool = True


class Story:
    """Steps collected in chains: each chain's steps follow one another, whatever the calendar did to their days."""

    def __init__(self, people: dict):
        self.people = people
        self.steps: list[Step] = []

    def chain(self, *steps: tuple[datetime.datetime, Callable[[dict], object]], heard: bool = True) -> None:
        """Steps that follow one another; `heard=False` when no one with a demo account is told of any of them."""
        previous = None
        for at, action in steps:
            at = working_moment(at)
            if previous is not None and at <= previous:
                at = previous + datetime.timedelta(minutes=30)
            self.steps.append(Step(at=at, do=lambda action=action: action(self.people),
                                   heard=heard and getattr(action, "heard", True)))
            previous = at

    def ordered(self) -> list[Step]:
        return sorted(self.steps, key=lambda step: step.at)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in holidays.VN(years=day.year)


def working_moment(at: datetime.datetime) -> datetime.datetime:
    """The same time on the nearest working day on or before `at` (people act on working days)."""
    while not is_working_day(at.date()):
        at -= datetime.timedelta(days=1)
    return at


def friday_after(day: datetime.date) -> datetime.date:
    """The office confirms the week's results on Friday (or the working day before it)."""
    friday = day + datetime.timedelta(days=(4 - day.weekday()) % 7)
    while not is_working_day(friday):
        friday -= datetime.timedelta(days=1)
    return max(friday, day)


def at(day: datetime.date | str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.datetime.combine(day, datetime.time(hour, minute))


# --- What people do (each one service call) -----------------------------------------------------------------


def _task(resolution: Resolution, section: str, label: str, lead_code: str) -> Task:
    return Task.objects.get(
        directive__resolution=resolution, directive__section_path=section, directive__label=label, parent__isnull=True,
        assignments__role=Assignment.Role.LEAD, assignments__unit__code=lead_code,
    )


def unheard(action):
    """A step no one is told of (a report, a contribution): no digest goes out for it."""
    action.heard = False
    return action


def report(task_of, who: str, text: str, percent: int | None):
    return unheard(lambda people: services.submit_progress_report(task=task_of(), user=people[who], text=text,
                                                                  percent=percent))


def contribute(task_of, who: str, text: str):
    return unheard(lambda people: services.submit_contribution(task=task_of(), user=people[who], text=text))


def propose(task_of, who: str, result: str, attached: tuple[str, str] | None = None):
    """The lead's leader proposes the task done, with the unit's report attached as a .docx: (file name, title)."""
    def proposal(people):
        files = [written_report(*attached, result)] if attached else []
        return services.propose_completion(task=task_of(), user=people[who], result=result, files=files)
    return proposal


def written_report(name: str, title: str, text: str) -> UploadedAttachment:
    """A unit's report as the .docx it would attach, checked as any upload is."""
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(text)
    content = io.BytesIO()
    document.save(content)
    return check_upload(SimpleUploadedFile(name, content.getvalue()))


def approve(task_of, comment: str = ""):
    return lambda people: services.decide_completion(task=task_of(), user=people["vanphong"], approve=True,
                                                     comment=comment)


def send_back(task_of, comment: str):
    return lambda people: services.decide_completion(task=task_of(), user=people["vanphong"], approve=False,
                                                     comment=comment)


def ask_for_time(task_of, who: str, until: datetime.date | str, reason: str):
    until = datetime.date.fromisoformat(until) if isinstance(until, str) else until
    return lambda people: services.request_extension(task=task_of(), user=people[who], new_deadline=until,
                                                     reason=reason)


def decide_time(task_of, granted: bool, comment: str = "", until: str | None = None):
    """The office's decision on the pending request; `until` grants another date than the one asked."""
    def decide(people):
        extension = task_of().extension_requests.get(status=ExtensionRequest.Status.PENDING)
        other_date = {"granted_deadline": datetime.date.fromisoformat(until)} if until else {}
        return services.decide_extension(extension=extension, user=people["vanphong"], approve=granted,
                                         comment=comment, **other_date)
    return decide


def cancel(task_of, reason: str):
    return lambda people: services.cancel_task(task=task_of(), user=people["vanphong"], reason=reason)


def move_deadline(task_of, deadline: datetime.date):
    """The office gives a task a new deadline (the first one is kept)."""
    return lambda people: services.edit_task(task=task_of(), user=people["vanphong"], changes={"deadline": deadline})


def confirm_done(task_of, done_at: datetime.datetime):
    """The office confirms a unit's result from its written report (the task's admin page): done as of the report."""
    def confirm(people):
        return services.edit_task(task=task_of(), user=people["vanphong"],
                                  changes={"status": Task.Status.DONE,
                                           "completed_at": timezone.make_aware(done_at)})
    return confirm


# --- The April 2022 speech ------------------------------------------------------------------------------------

ONGOING_2 = "II.Định hướng chỉ đạo"


def speech_story(resolution: Resolution, people: dict) -> Story:
    story = Story(people)

    def task(section, label, code):
        return lambda: _task(resolution, section, label, code)

    # Ban Tuyên giáo: the celebrations of 30/4 and 1/5, done on time.
    celebrations = task("I.3", "(7)", "BTGTU")
    story.chain(
        (at("2022-04-25", 9, 30), report(celebrations, "tuyengiao.chuyenvien", (
            "Đã ban hành Hướng dẫn tuyên truyền kỷ niệm 47 năm Ngày giải phóng miền Nam, thống nhất đất nước và "
            "136 năm Ngày Quốc tế Lao động; các địa phương treo cờ, băng rôn, khẩu hiệu từ ngày 20/4/2022."), 50)),
        (at("2022-04-28", 15), propose(celebrations, "tuyengiao.lanhdao", (
            "Các hoạt động chào mừng 30/4 và 1/5 đã tổ chức theo kế hoạch (Báo cáo số 112-BC/BTGTU ngày "
            "28/4/2022)."), attached=("Bao-cao-112-BTGTU.docx", "Báo cáo kết quả tổ chức các hoạt động chào mừng "
                                      "30/4 và 1/5/2022"))),
        (at("2022-05-04", 9), approve(celebrations)),
    )
    # Ban Tuyên giáo, the quarter's programme: sent back once, then done late.
    programme = task("I.3", "(1)", "BTGTU")
    story.chain(
        (at("2022-05-20", 10), report(programme, "tuyengiao.chuyenvien",
                                      "Đã triển khai 6/9 nội dung của chương trình công tác quý II.", 40)),
        (at("2022-06-27", 14), propose(programme, "tuyengiao.lanhdao",
                                       "Hoàn thành chương trình công tác quý II/2022 của Ban.")),
        (at("2022-06-29", 9), send_back(programme, (
            "Báo cáo chưa nêu kết quả cụ thể của từng nội dung trong chương trình quý II; đề nghị bổ sung số "
            "liệu và gửi lại."))),
        (at("2022-07-06", 10), report(programme, "tuyengiao.chuyenvien",
                                      "Đã bổ sung số liệu: 9/9 nội dung hoàn thành, 2 nội dung chuyển quý III.", 90)),
        (at("2022-07-08", 15), propose(programme, "tuyengiao.lanhdao", (
            "Hoàn thành chương trình công tác quý II/2022; số liệu chi tiết tại Báo cáo số 131-BC/BTGTU ngày "
            "08/7/2022."))),
        (at("2022-07-12", 9), approve(programme)),
    )
    # Ban Tuyên giáo, the quarter's key tasks: more time granted, then done on time.
    key_tasks = task("I.3", "(3)", "BTGTU")
    story.chain(
        (at("2022-06-20", 10), ask_for_time(key_tasks, "tuyengiao.lanhdao", "2022-09-30", (
            "Chờ kết quả khảo sát dư luận xã hội 6 tháng đầu năm để đánh giá đầy đủ các nhiệm vụ trọng tâm."))),
        (at("2022-06-22", 9), decide_time(key_tasks, True, "Đồng ý gia hạn đến 30/9/2022.")),
        (at("2022-08-16", 10), report(key_tasks, "tuyengiao.chuyenvien",
                                      "Đã tổng hợp kết quả khảo sát; dự thảo báo cáo đánh giá đang xin ý kiến.", 70)),
        (at("2022-09-26", 15), propose(key_tasks, "tuyengiao.lanhdao",
                                       "Đã hoàn thành báo cáo đánh giá các nhiệm vụ trọng tâm (Báo cáo số "
                                       "158-BC/BTGTU).")),
        (at("2022-09-29", 9), approve(key_tasks)),
    )
    # Ban Tuyên giáo with Ủy ban Kiểm tra, the new instruction replacing Chỉ thị 05: a refused and a granted
    # extension, reports into 2023, still not issued.
    instruction = task("IV.3", "(4)", "BTGTU")
    story.chain(
        (at("2022-07-15", 10), contribute(instruction, "kiemtra.lanhdao", (
            "Ủy ban Kiểm tra Tỉnh ủy gửi kết quả kiểm tra việc thực hiện Chỉ thị số 05 tại 12 tổ chức đảng để "
            "làm cơ sở xây dựng dự thảo."))),
        (at("2022-08-10", 10), report(instruction, "tuyengiao.chuyenvien",
                                      "Đã xây dựng đề cương dự thảo Chỉ thị, đang tổng hợp ý kiến.", 40)),
        (at("2022-09-19", 14), ask_for_time(instruction, "tuyengiao.lanhdao", "2023-06-30",
                                            "Cần thêm thời gian lấy ý kiến các huyện ủy, thị ủy, thành ủy.")),
        (at("2022-09-22", 9), decide_time(instruction, True, (
            "Đồng ý gia hạn nhưng đến 31/3/2023: lấy ý kiến bằng văn bản đến hết năm 2022, trình Thường trực "
            "trong quý I."), until="2023-03-31")),
        (at("2022-12-20", 10), report(instruction, "tuyengiao.chuyenvien",
                                      "Dự thảo Chỉ thị đã lấy ý kiến 9 huyện ủy, thị ủy, thành ủy và các ban đảng.",
                                      85)),
        (at("2023-03-15", 10), report(instruction, "tuyengiao.chuyenvien", (
            "Dự thảo đã trình Thường trực Tỉnh ủy (Tờ trình số 45-TTr/BTGTU); chờ ý kiến để hoàn chỉnh."), 95)),
    )
    # Ủy ban Kiểm tra: one on time, one late.
    story.chain(
        (at("2022-06-10", 10), report(task("I.3", "(1)", "UBKTTU"), "kiemtra.lanhdao",
                                      "Đã hoàn thành 3/4 cuộc kiểm tra theo chương trình quý II.", 80)),
        (at("2022-06-24", 15), propose(task("I.3", "(1)", "UBKTTU"), "kiemtra.lanhdao",
                                       "Hoàn thành chương trình kiểm tra, giám sát quý II/2022.")),
        (at("2022-06-27", 9), approve(task("I.3", "(1)", "UBKTTU"))),
    )
    story.chain(
        (at("2022-06-15", 10), report(task("I.3", "(3)", "UBKTTU"), "kiemtra.lanhdao",
                                      "Đang giải quyết 2 đơn thư tồn đọng từ quý I.", 50)),
        (at("2022-07-20", 15), propose(task("I.3", "(3)", "UBKTTU"), "kiemtra.lanhdao",
                                       "Đã giải quyết xong các đơn thư tồn đọng; kết quả tại Báo cáo số "
                                       "77-BC/UBKTTU.")),
        (at("2022-07-22", 9), approve(task("I.3", "(3)", "UBKTTU"))),
    )
    # Hội Cựu chiến binh: more time refused, never finished.
    veterans = task("I.3", "(2)", "HCCB_TINH")
    story.chain(
        (at("2022-05-10", 10), report(veterans, "cuuchienbinh.lanhdao",
                                      "Đã ban hành kế hoạch đổi mới nội dung sinh hoạt chi hội.", 30)),
        (at("2022-06-24", 10), report(veterans, "cuuchienbinh.lanhdao",
                                      "6/8 huyện, thị, thành hội đã triển khai mô hình sinh hoạt mới.", 60)),
        (at("2022-06-27", 14), ask_for_time(veterans, "cuuchienbinh.lanhdao", "2022-12-31",
                                            "Hai đơn vị cấp huyện chưa triển khai do thay đổi nhân sự chủ chốt.")),
        (at("2022-06-29", 9), decide_time(veterans, False, (
            "Đây là nhiệm vụ quý II theo chương trình công tác; đề nghị báo cáo kết quả đã đạt và đôn đốc hai "
            "đơn vị còn lại."))),
    )
    # Huyện ủy Phụng Hiệp: one on time, one cancelled as merged into the other.
    programme_ph = task("I.3", "(1)", "HU_PHUNG_HIEP")
    story.chain(
        (at("2022-05-18", 10), report(programme_ph, "phunghiep.lanhdao",
                                      "Đã cụ thể hóa chương trình công tác quý II thành 14 nội dung.", 50)),
        (at("2022-06-29", 15), propose(programme_ph, "phunghiep.lanhdao",
                                       "Hoàn thành 14/14 nội dung chương trình công tác quý II/2022.")),
        (at("2022-07-01", 9), approve(programme_ph)),
    )
    story.chain((at("2022-05-16", 9), cancel(task("I.3", "(3)", "HU_PHUNG_HIEP"), (
        "Huyện ủy Phụng Hiệp đã đưa các nhiệm vụ trọng tâm quý II vào chương trình công tác của huyện; theo dõi "
        "chung tại nội dung I.3 (1)."))))
    # Quarterly reports on the ongoing tasks.
    quarters = ["2022-06-15", "2022-09-14", "2022-12-14", "2023-03-15", "2023-06-14", "2023-09-14"]
    story.chain(*[(at(day, 10), report(task("IV.3", "(2)", "BTGTU"), "tuyengiao.chuyenvien",
                                       f"Báo cáo quý: đã quán triệt nghị quyết cho {n * 900 + 2100} cán bộ, đảng viên.",
                                       None)) for n, day in enumerate(quarters)])
    story.chain(*[(at(day, 11), report(task(ONGOING_2, "(1)", "HU_PHUNG_HIEP"), "phunghiep.lanhdao",
                                       "Báo cáo quý: chỉ đạo xây dựng nông thôn mới, 2 xã đạt chuẩn nâng cao.", None))
                  for day in ("2022-06-14", "2022-09-15", "2023-06-15")])
    story.chain(*[(at(day, 14), report(task(ONGOING_2, "(2)", "HCCB_TINH"), "cuuchienbinh.lanhdao",
                                       "Báo cáo quý: kết nạp 215 hội viên mới, 3 mô hình kinh tế tập thể.", None))
                  for day in ("2022-09-13", "2022-12-15")])
    _other_units(story, resolution)
    return story


CANCEL_REASON = ("Nội dung không thuộc chức năng, nhiệm vụ của đơn vị; Văn phòng Tỉnh ủy điều chỉnh phạm vi theo "
                 "dõi sau khi rà soát.")


def _other_units(story: Story, resolution: Resolution) -> None:
    """The units without demo accounts: about half report their result by the deadline, a quarter later (some in
    2023), a few tasks are dropped as not theirs, some are moved into 2023 at the six-month review (and then done
    on time, late, or not), the rest never report. Drawn once from a fixed seed over the
    tasks in a fixed order, so every load tells the same story."""
    tasks = list(
        Task.objects.filter(directive__resolution=resolution, deadline__isnull=False, parent__isnull=True)
        .exclude(assignments__role=Assignment.Role.LEAD, assignments__unit__code__in=DEMO_UNITS)
        .order_by("directive__order", "pk").values_list("pk", "deadline")
    )
    chance = random.Random(2022)
    for pk, deadline in tasks:
        draw = chance.random()

        def task_of(pk=pk):
            return Task.objects.get(pk=pk)

        if draw < 0.50:
            done = working_moment(at(deadline - datetime.timedelta(days=chance.randint(3, 40)), 16))
            done = max(done, at("2022-05-09", 16))
            story.chain((at(min(friday_after(done.date()), deadline), 15), confirm_done(task_of, done)), heard=False)
        elif draw < 0.75:
            done = working_moment(at(deadline + datetime.timedelta(days=chance.randint(5, 230)), 16))
            story.chain((at(friday_after(done.date()), 15), confirm_done(task_of, done)), heard=False)
        elif draw < 0.80:
            story.chain((at("2022-05-13", 10), cancel(task_of, CANCEL_REASON)), heard=False)
        elif draw < 0.90:
            # Moved into 2023 at the six-month review; then done on time, done late or not yet done.
            moved_to = datetime.date(2023, 3, 31) if draw < 0.85 else datetime.date(2023, 6, 30)
            outcome = chance.random()
            steps = [(at("2022-07-15", 10), move_deadline(task_of, moved_to))]
            if outcome < 0.7:
                shift = -chance.randint(3, 30) if outcome < 0.4 else chance.randint(10, 60)
                done = working_moment(at(moved_to + datetime.timedelta(days=shift), 16))
                steps.append((at(friday_after(done.date()), 15), confirm_done(task_of, done)))
            story.chain(*steps, heard=False)


# --- The notice of the last weeks -------------------------------------------------------------------------------


def notice_story(resolution: Resolution, people: dict, today: datetime.date) -> Story:
    story = Story(people)

    def task(key):
        code, words = NOTICE_ITEMS[key]
        return lambda: Task.objects.get(directive__resolution=resolution, parent__isnull=True,
                                        assignments__role=Assignment.Role.LEAD, assignments__unit__code=code,
                                        directive__text__contains=words)

    def day(offset: int, hour: int) -> datetime.datetime:
        return at(today + datetime.timedelta(days=offset), hour)

    # Ban Tuyên giáo's summary of opinion before the council's session: done on time.
    story.chain(
        (day(-20, 10), report(task("BTGTU"), "tuyengiao.chuyenvien",
                              "Đã tổng hợp ý kiến từ 9 huyện, thị, thành ủy.", 60)),
        (day(-12, 14), propose(task("BTGTU"), "tuyengiao.lanhdao",
                               "Đã gửi Báo cáo tình hình tư tưởng trước kỳ họp (Báo cáo số 205-BC/BTGTU).")),
        (day(-11, 15), approve(task("BTGTU"))),
    )
    # Ban Tuyên giáo's plan for the Party's anniversary: due in three days, under way.
    story.chain((day(-5, 10), report(task("BTGTU_PLAN"), "tuyengiao.chuyenvien",
                                     "Dự thảo kế hoạch tuyên truyền đã gửi Sở Thông tin và Truyền thông góp ý.", 30)))
    # Huyện ủy Phụng Hiệp's public investment: more time granted.
    story.chain(
        (day(-15, 10), report(task("HU_PHUNG_HIEP"), "phunghiep.lanhdao", "Giải ngân đạt 58% kế hoạch vốn.", 40)),
        (day(-9, 10), ask_for_time(task("HU_PHUNG_HIEP"), "phunghiep.lanhdao", today + datetime.timedelta(days=14),
                                   "Ba dự án chờ điều chỉnh chủ trương đầu tư, dự kiến giải ngân trong tháng.")),
        (day(-8, 15), decide_time(task("HU_PHUNG_HIEP"), True)),
    )
    # Ủy ban Kiểm tra's summary: late, a request for more time waiting for the office.
    story.chain(
        (day(-14, 10), report(task("UBKTTU"), "kiemtra.lanhdao", "Đã nhận báo cáo của 11/15 tổ chức đảng.", 50)),
        (day(-2, 10), ask_for_time(task("UBKTTU"), "kiemtra.lanhdao", today + datetime.timedelta(days=10),
                                   "Bốn tổ chức đảng chưa gửi báo cáo; đã có văn bản đôn đốc.")),
    )
    # Hội Cựu chiến binh: proposed done, waiting for the office's decision.
    story.chain(
        (day(-3, 14), propose(task("HCCB_TINH"), "cuuchienbinh.lanhdao", (
            "Đã tổ chức Hội nghị tổng kết phong trào \"Cựu chiến binh gương mẫu\" giai đoạn 2022 - 2026; báo cáo "
            "kèm theo."), attached=("Bao-cao-tong-ket-CCB-guong-mau.docx", "Báo cáo tổng kết phong trào "
                                     "\"Cựu chiến binh gương mẫu\" giai đoạn 2022 - 2026"))),
    )
    return story


# How each lead's item is told apart in the notice (Ban Tuyên giáo leads two).
NOTICE_ITEMS = {
    "BTGTU": ("BTGTU", "tình hình tư tưởng"), "BTGTU_PLAN": ("BTGTU", "kỷ niệm ngày thành lập Đảng"),
    "UBKTTU": ("UBKTTU", "Chỉ thị số 05-CT/TU"), "HU_PHUNG_HIEP": ("HU_PHUNG_HIEP", "giải ngân"),
    "HCCB_TINH": ("HCCB_TINH", "Cựu chiến binh gương mẫu"),
}
