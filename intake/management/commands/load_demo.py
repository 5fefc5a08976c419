"""python manage.py load_demo [--password P]

Loads the unit directory, the worked example (the April 2022 closing speech, read by the parser and recorded by
the importer: its 16 directives and their tasks) and the demo accounts. Idempotent: a second run changes nothing.
Refused when DEBUG is off, because the demo accounts have known names.
"""
import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import roles
from core.dates import local_today
from intake import importing
from intake.demo import ISSUED_ON, ISSUING_BODY, SIGNER, SPEECH_PATH, TITLE, apply_demo_choices, speech_text
from resolutions.models import Resolution
from resolutions.services import source_fingerprint
from tasks import services
from tasks.models import Task
from units.directory import sync_unit_directory
from units.models import Membership, Unit

User = get_user_model()

# username, full name, portal role or (unit code, membership role)
DEMO_ACCOUNTS = [
    ("vanphong", "Nguyễn Văn Phòng", roles.OFFICE_GROUP),
    ("thuongtruc", "Trần Thường Trực", roles.STANDING_GROUP),
    ("tuyengiao.lanhdao", "Lê Thị Tuyên", ("BTGTU", Membership.Role.LEADER)),
    ("tuyengiao.chuyenvien", "Phạm Văn Giáo", ("BTGTU", Membership.Role.OFFICER)),
    ("kiemtra.lanhdao", "Võ Văn Kiểm", ("UBKTTU", Membership.Role.LEADER)),
    ("cuuchienbinh.lanhdao", "Đặng Văn Binh", ("HCCB_TINH", Membership.Role.LEADER)),
    ("phunghiep.lanhdao", "Huỳnh Thị Hiệp", ("HU_PHUNG_HIEP", Membership.Role.LEADER)),
]
DEMO_EMAIL_DOMAIN = "demo.haugiang.example"


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị, văn bản mẫu (phát biểu bế mạc Hội nghị lần thứ 8, 4/2022) và tài khoản demo."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Mật khẩu cho mọi tài khoản demo (mặc định: tạo ngẫu nhiên lần đầu).")

    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError("Tài khoản demo chỉ dùng khi DEBUG bật (môi trường thử nghiệm). / Demo accounts "
                               "are refused when DEBUG is off.")
        password = password or self._stored_password()
        with transaction.atomic():
            directory = sync_unit_directory()
            office_user, accounts = self._accounts(password)
            resolution, created_tasks = self._worked_example(office_user)
            hand_tasks = self._current_tasks(office_user)
        self.stdout.write(
            f"Đơn vị mới: {directory['units']}, nhóm mới: {directory['groups']}, tài khoản mới: {accounts}, "
            f"nhiệm vụ mới: {created_tasks + hand_tasks}. Văn bản mẫu: {resolution} "
            f"({resolution.directives.count()} nội dung chỉ đạo, "
            f"{Task.objects.filter(directive__resolution=resolution).count()} nhiệm vụ)."
        )
        self.stdout.write("Tài khoản demo (mật khẩu chung: %s):" % password)
        for username, full_name, role in DEMO_ACCOUNTS:
            where = role if isinstance(role, str) else f"{Unit.objects.get(code=role[0])} – {role[1]}"
            self.stdout.write(f"  {username:<22} {full_name:<18} {where}")

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

    def _accounts(self, password):
        created_count = 0
        office_user = None
        for username, full_name, role in DEMO_ACCOUNTS:
            last_name, first_name = full_name.rsplit(" ", 1)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "last_name": last_name,
                          "email": f"{username}@{DEMO_EMAIL_DOMAIN}"},
            )
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            created_count += created
            if isinstance(role, str):
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=role))
                if role == roles.OFFICE_GROUP:
                    office_user = user
            else:
                unit = Unit.objects.get(code=role[0])
                Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": role[1]})
        return office_user, created_count

    # --- the worked example -------------------------------------------------------------------------------

    def _worked_example(self, office_user):
        """The speech, read by the parser and recorded by the importer as the office would, with the demo's
        choice of lead where the speech names none. Nothing is written when it is already recorded."""
        body = speech_text()
        existing = Resolution.objects.filter(source_sha256=source_fingerprint(body)).first()
        if existing is not None:
            return existing, 0
        parsed = importing.parse_upload(text=body, filename=SPEECH_PATH.name)
        items = apply_demo_choices(importing.items_from_parse(parsed.result),
                                   {unit.code: unit for unit in Unit.objects.all()})
        resolution = importing.record_import(
            created_by=office_user, body=body, directives=importing.reviewed_directives(items),
            details=importing.DocumentDetails(kind=Resolution.Kind.PHAT_BIEU, title=TITLE, issued_on=ISSUED_ON,
                                              signer=SIGNER, issuing_body=ISSUING_BODY),
        )
        return resolution, Task.objects.filter(directive__resolution=resolution).count()

    def _current_tasks(self, office_user):
        """A few tasks entered by hand with deadlines around today, so every standing shows in the demo."""
        today = local_today()
        specs = [
            ("BTGTU", "Báo cáo sơ kết công tác tuyên giáo 6 tháng đầu năm", -3),
            ("BTGTU", "Tham mưu kế hoạch tuyên truyền kỷ niệm ngày thành lập Đảng bộ tỉnh", 5),
            ("BTGTU", "Tổng hợp tình hình tư tưởng cán bộ, đảng viên quý này", 30),
            ("UBKTTU", "Kiểm tra việc thực hiện Chỉ thị số 05 tại một số tổ chức đảng", 12),
            ("HCCB_TINH", "Báo cáo kết quả phong trào Cựu chiến binh gương mẫu", -20),
            ("HU_PHUNG_HIEP", "Báo cáo tiến độ giải ngân vốn đầu tư công trên địa bàn huyện", 2),
        ]
        created = 0
        for code, title, days in specs:
            if Task.objects.filter(title=title, directive__isnull=True).exists():
                continue
            services.create_task(
                created_by=office_user, title=title, lead_unit=Unit.objects.get(code=code),
                deadline=today + datetime.timedelta(days=days),
                description="Nhiệm vụ do Văn phòng Tỉnh ủy giao trực tiếp (dữ liệu demo).",
            )
            created += 1
        return created
