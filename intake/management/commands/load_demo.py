"""python manage.py load_demo [--password P]

Loads the unit directory, the demo accounts and two documents with their history:

- the worked example, the April 2022 closing speech (read by the parser and recorded by the importer: its 16
  directives and their tasks), recorded on 20/4/2022, then worked through 2022 and 2023 (intake.demo.history);
- a notice of the standing committee's conclusions recorded 40 days ago, its deadlines around today, so that the
  daily reminders have something to send today.

Each step of the history is the service a person would have called, run with the clock set to its moment
(time-machine), so the timelines, created_at and the notification ledger carry their true dates; the daily run
(`send_reminders --sync`) is played at the end of each day of the story, so its notices went out on their day and
do not wait for today's digest.

Idempotent: a document already recorded is left as it is, with its history; a second run changes nothing.
Refused when DEBUG is off, because the demo accounts have known names.
"""
import datetime
import io
import itertools
import secrets
import time

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.names import person
from core.dates import local_today
from intake import importing
from intake.demo import (
    ISSUED_ON,
    ISSUING_BODY,
    NOTICE_NUMBER,
    NOTICE_PATH,
    NOTICE_SIGNER,
    NOTICE_TITLE,
    RECORDED_AT,
    SIGNER,
    SPEECH_PATH,
    TITLE,
    apply_demo_choices,
    apply_notice_choices,
    notice_issued_on,
    notice_text,
    speech_text,
)
from intake.demo.history import Step, at, notice_story, speech_story
from resolutions.models import Resolution
from resolutions.services import source_fingerprint
from tasks.models import Task
from units.directory import sync_unit_directory
from units.models import Membership, Unit

User = get_user_model()

# username, family and middle names (last_name), given name (first_name), portal role or (unit code, membership
# role), and what they are, as the login lines print it.
DEMO_ACCOUNTS = [
    ("vanphong", "Nguyễn Văn", "Phòng", roles.OFFICE_GROUP, "chuyên viên Văn phòng Tỉnh ủy"),
    ("thuongtruc", "Trần Thường", "Trực", roles.STANDING_GROUP, "Thường trực Tỉnh ủy"),
    ("tuyengiao.lanhdao", "Lê Thị", "Tuyên", ("BTGTU", Membership.Role.LEADER), "lãnh đạo Ban Tuyên giáo Tỉnh ủy"),
    ("tuyengiao.chuyenvien", "Phạm Văn", "Giáo", ("BTGTU", Membership.Role.OFFICER),
     "chuyên viên Ban Tuyên giáo Tỉnh ủy"),
    ("kiemtra.lanhdao", "Võ Văn", "Kiểm", ("UBKTTU", Membership.Role.LEADER), "lãnh đạo Ủy ban Kiểm tra Tỉnh ủy"),
    ("cuuchienbinh.lanhdao", "Đặng Văn", "Binh", ("HCCB_TINH", Membership.Role.LEADER),
     "lãnh đạo Hội Cựu chiến binh tỉnh"),
    ("phunghiep.lanhdao", "Huỳnh Thị", "Hiệp", ("HU_PHUNG_HIEP", Membership.Role.LEADER),
     "lãnh đạo Huyện ủy Phụng Hiệp"),
]
DEMO_EMAIL_DOMAIN = "demo.haugiang.example"
# The accounts were opened a few days before the speech was recorded.
ACCOUNTS_OPENED_AT = datetime.datetime(2022, 4, 18, 8, 0)


def travel(moment: datetime.datetime):
    """The clock at this local moment (Asia/Ho_Chi_Minh), running on from there."""
    return time_machine.travel(timezone.make_aware(moment).astimezone(datetime.UTC), tick=True)


class Command(BaseCommand):
    help = ("Nạp danh mục đơn vị, tài khoản demo, văn bản mẫu (phát biểu bế mạc Hội nghị lần thứ 8, 4/2022) với "
            "quá trình thực hiện 2022–2023, và một thông báo kết luận có hạn xử lý quanh ngày hôm nay.")

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Mật khẩu cho mọi tài khoản demo (mặc định: tạo ngẫu nhiên lần đầu).")

    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError("Tài khoản demo chỉ dùng khi DEBUG bật (môi trường thử nghiệm). / Demo accounts "
                               "are refused when DEBUG is off.")
        started = time.monotonic()
        password = password or self._stored_password()
        today = local_today()
        with transaction.atomic():
            directory = sync_unit_directory()
            with travel(ACCOUNTS_OPENED_AT):
                people, accounts = self._accounts(password)
            speech, speech_steps = self._speech(people)
            notice, notice_steps = self._notice(people, today)
            self._play(speech_steps + notice_steps)
        new_tasks = Task.objects.filter(directive__resolution__in=[d for d, s in
                                                                   ((speech, speech_steps), (notice, notice_steps))
                                                                   if s]).count()
        self.stdout.write(
            f"Đơn vị mới: {directory['units']}, nhóm mới: {directory['groups']}, tài khoản mới: {accounts}, "
            f"nhiệm vụ mới: {new_tasks}, bước lịch sử: {len(speech_steps) + len(notice_steps)}."
        )
        for document in (speech, notice):
            self.stdout.write(
                f"  {document} ({document.directives.count()} nội dung chỉ đạo, "
                f"{Task.objects.filter(directive__resolution=document).count()} nhiệm vụ)"
            )
        self.stdout.write(f"Xong trong {time.monotonic() - started:.1f} giây.")
        self.stdout.write("Tài khoản demo (mật khẩu chung: %s):" % password)
        for username, _last, _first, _role, described in DEMO_ACCOUNTS:
            self.stdout.write(f"  {person(people[username])} — {described} — {username}")

    # --- accounts -----------------------------------------------------------------------------------------

    def _stored_password(self) -> str:
        path = settings.VAR_DIR / "demo_password.txt"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        password = "HauGiang-" + secrets.token_urlsafe(9)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n", encoding="utf-8")
        path.chmod(0o600)
        return password

    def _accounts(self, password) -> tuple[dict, int]:
        created_count = 0
        people = {}
        for username, last_name, first_name, role, _described in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "last_name": last_name,
                          "email": f"{username}@{DEMO_EMAIL_DOMAIN}"},
            )
            if (user.first_name, user.last_name) != (first_name, last_name):
                # Accounts made by an earlier demo split the names at the last space only.
                user.first_name, user.last_name = first_name, last_name
                user.save(update_fields=["first_name", "last_name"])
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            created_count += created
            if isinstance(role, str):
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=role))
            else:
                unit = Unit.objects.get(code=role[0])
                Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": role[1]})
            people[username] = user
        return people, created_count

    # --- the documents ------------------------------------------------------------------------------------

    def _speech(self, people) -> tuple[Resolution, list[Step]]:
        """The speech, read by the parser and recorded by the importer as the office would on 20/4/2022, with the
        demo's choice of lead where the speech names none, and what happened after. Nothing when recorded."""
        body = speech_text()
        existing = Resolution.objects.filter(source_sha256=source_fingerprint(body)).first()
        if existing is not None:
            return existing, []
        with travel(RECORDED_AT):
            resolution = self._record(people, body, SPEECH_PATH.name, importing.DocumentDetails(
                kind=Resolution.Kind.PHAT_BIEU, title=TITLE, issued_on=ISSUED_ON, signer=SIGNER,
                issuing_body=ISSUING_BODY), notice=False)
        return resolution, [Step(at=RECORDED_AT, do=lambda: None), *speech_story(resolution, people).ordered()]

    def _notice(self, people, today: datetime.date) -> tuple[Resolution, list[Step]]:
        """The notice of the last weeks: recorded on the day it was issued, its deadlines around today."""
        existing = Resolution.objects.filter(number=NOTICE_NUMBER, kind=Resolution.Kind.THONG_BAO_KET_LUAN).first()
        if existing is not None:
            return existing, []
        issued_on = notice_issued_on(today)
        recorded_at = at(issued_on, 9)
        with travel(recorded_at):
            resolution = self._record(people, notice_text(today), NOTICE_PATH.name, importing.DocumentDetails(
                kind=Resolution.Kind.THONG_BAO_KET_LUAN, title=NOTICE_TITLE, number=NOTICE_NUMBER,
                issued_on=issued_on, signer=NOTICE_SIGNER, issuing_body=ISSUING_BODY), notice=True)
        return resolution, [Step(at=recorded_at, do=lambda: None), *notice_story(resolution, people, today).ordered()]

    def _record(self, people, body: str, filename: str, details, *, notice: bool) -> Resolution:
        parsed = importing.parse_upload(text=body, filename=filename)
        items = apply_demo_choices(importing.items_from_parse(parsed.result),
                                   {unit.code: unit for unit in Unit.objects.all()})
        if notice:
            items = apply_notice_choices(items)
        return importing.record_import(created_by=people["vanphong"], body=body,
                                       directives=importing.reviewed_directives(items), details=details)

    # --- the history --------------------------------------------------------------------------------------

    def _play(self, steps: list[Step]) -> None:
        """Each step at its moment, and at the end of each day of the story when someone with a demo account heard
        of something, the day's run of reminders and digests (send_reminders --sync) as the beat would have run
        it: what they were told went out that day (a week of missed days is caught up, as after an outage)."""
        for day, todays in itertools.groupby(sorted(steps, key=lambda step: step.at), key=lambda step: step.at.date()):
            heard = False
            for step in todays:
                with travel(step.at):
                    step.do()
                heard = heard or step.heard
            if not heard:
                continue
            with travel(at(day, 16, 45)):
                call_command("send_reminders", date=day, sync=True, stdout=io.StringIO(), stderr=io.StringIO())
