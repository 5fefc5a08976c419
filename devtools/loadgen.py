"""A realistic synthetic dataset for measuring the portal at scale (`manage.py generate_load`).

What it builds, for N tasks (issue 7):
- a unit tree of U units (default N/100, at least 3, at most 1,000) under a few top-level units, 2–3 levels deep;
- 5 users per unit (2 leaders, 3 officers), plus one office user and one standing-committee user;
- documents (1 per ~20 directives) and directives (~1 per 3 tasks);
- tasks in every standing: deadlines from 3 years ago to next year, ~20 % ongoing (report cycle, no deadline),
  done on time and late, overdue, proposed, returned, cancelled, and a few delegated sub-tasks;
- one lead and 0–3 coordinating units per task, ~5 progress reports per task, extension requests (approved,
  refused, pending), completion reviews, and history rows (a creation entry per task and per assignment, a change
  entry per closed task), written straight into simple_history's tables;
- Task.search_text, computed with tasks.search.task_search_text like the services do.

Everything is written with bulk_create in batches: no per-row save, so no signals, no notifications, no history
hooks. Tasks are made in chunks, so memory stays flat whatever N is.

Generated objects are tagged: unit codes start with "LOAD_", usernames with "load.", document numbers end with
"/LOAD", and every generated task is created by the user "load.vanphong". That makes a run idempotent: the same N
again does nothing, a bigger N on the same unit tree adds the difference, anything else rebuilds the generated set
(the rest of the database is never touched).
"""
from __future__ import annotations

import contextlib
import datetime
import random
import time
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from accounts import roles
from core.dates import local_today
from resolutions.models import Directive, Resolution
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from tasks.search import task_search_text
from tasks.services import make_title
from units.models import Membership, Unit

User = get_user_model()

UNIT_CODE_PREFIX = "LOAD_"
USERNAME_PREFIX = "load."
OFFICE_USERNAME = "load.vanphong"
STANDING_USERNAME = "load.thuongtruc"
DOCUMENT_NUMBER_SUFFIX = "/LOAD"
USERS_PER_UNIT = 5
LEADERS_PER_UNIT = 2
MAX_UNITS = 1000
MIN_UNITS = 3
CHUNK = 5000
BATCH = 2000


def default_units(tasks: int) -> int:
    return max(MIN_UNITS, min(MAX_UNITS, tasks // 100))


# --- words ----------------------------------------------------------------------------------------------------

ACTIONS = [
    "Tập trung lãnh đạo, chỉ đạo", "Tiếp tục đẩy mạnh", "Tham mưu ban hành", "Xây dựng kế hoạch thực hiện",
    "Tổ chức sơ kết", "Rà soát, đánh giá", "Chuẩn bị tốt", "Triển khai thực hiện có hiệu quả",
    "Kiểm tra, giám sát", "Đôn đốc, hướng dẫn", "Chủ động phối hợp tổ chức", "Nâng cao chất lượng",
]
OBJECTS = [
    "công tác chuyển đổi số trong hệ thống chính trị", "Nghị quyết về phát triển nông nghiệp ứng dụng công nghệ cao",
    "công tác xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh", "Hội nghị xúc tiến đầu tư tỉnh Hậu Giang",
    "chương trình xây dựng nông thôn mới nâng cao, kiểu mẫu", "công tác cải cách hành chính, cải thiện chỉ số PCI",
    "việc thực hiện Chỉ thị số 05-CT/TW về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "công tác phòng, chống tham nhũng, tiêu cực", "công tác tuyên truyền kỷ niệm các ngày lễ lớn của đất nước",
    "việc sắp xếp đơn vị hành chính cấp xã", "công tác giải phóng mặt bằng các dự án trọng điểm",
    "công tác phát triển đảng viên mới", "phong trào thi đua yêu nước", "công tác dân vận của chính quyền",
    "kế hoạch phòng, chống thiên tai và ứng phó biến đổi khí hậu", "công tác bảo đảm an ninh chính trị, trật tự",
    "công tác giảm nghèo bền vững", "việc thu hút đầu tư vào các khu công nghiệp",
]
TAILS = [
    "bảo đảm chất lượng, hiệu quả, đúng tiến độ", "báo cáo kết quả về Thường trực Tỉnh ủy",
    "trình Ban Thường vụ Tỉnh ủy xem xét, cho ý kiến", "gắn với trách nhiệm của người đứng đầu",
    "phù hợp với tình hình thực tế của địa phương", "",
]
REPORT_TEXTS = [
    "Đã xây dựng kế hoạch và triển khai đến các chi bộ trực thuộc.",
    "Đang phối hợp với các sở, ngành liên quan rà soát hồ sơ, dự kiến hoàn thành đúng hạn.",
    "Đã tổ chức hội nghị quán triệt cho cán bộ chủ chốt; đang hoàn thiện dự thảo báo cáo.",
    "Gặp khó khăn về kinh phí, đã kiến nghị Ủy ban nhân dân tỉnh bố trí bổ sung.",
    "Đã hoàn thành khảo sát thực tế tại các huyện, thị xã, thành phố.",
    "Đang lấy ý kiến góp ý của các cơ quan, đơn vị đối với dự thảo.",
]
CONTRIBUTION_TEXTS = [
    "Đơn vị thống nhất với dự thảo, đề nghị bổ sung số liệu năm gần nhất.",
    "Đã cung cấp số liệu theo đề nghị của đơn vị chủ trì.",
    "Đề nghị làm rõ lộ trình thực hiện và phân công cụ thể.",
]
UNIT_KINDS = [
    ("Ban", Unit.Kind.PARTY_BOARD), ("Sở", Unit.Kind.DEPARTMENT), ("Huyện ủy", Unit.Kind.PARTY_COMMITTEE),
    ("Đảng ủy", Unit.Kind.PARTY_COMMITTEE), ("Ủy ban nhân dân", Unit.Kind.GOVERNMENT), ("Hội", Unit.Kind.FRONT),
]
PLACES = ["Vị Thanh", "Ngã Bảy", "Long Mỹ", "Châu Thành", "Châu Thành A", "Phụng Hiệp", "Vị Thủy", "Cái Tắc",
          "Tân Thành", "Hỏa Lựu", "Vĩnh Tường", "Long Bình", "Mái Dầm", "Búng Tàu", "Kinh Cùng"]
TOP_LEVEL = ["Khối các cơ quan Đảng", "Khối chính quyền", "Khối Mặt trận và đoàn thể", "Khối cấp ủy huyện",
             "Khối lực lượng vũ trang"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Thanh Hải", "Văn Khánh", "Ngọc Lan",
         "Hữu Phước", "Thị Thu"]
DOC_KINDS = [Resolution.Kind.KET_LUAN, Resolution.Kind.NGHI_QUYET, Resolution.Kind.CHI_THI,
             Resolution.Kind.THONG_BAO_KET_LUAN, Resolution.Kind.KE_HOACH, Resolution.Kind.PHAT_BIEU]
DOC_SYMBOL = {Resolution.Kind.KET_LUAN: "KL", Resolution.Kind.NGHI_QUYET: "NQ", Resolution.Kind.CHI_THI: "CT",
              Resolution.Kind.THONG_BAO_KET_LUAN: "TB", Resolution.Kind.KE_HOACH: "KH",
              Resolution.Kind.PHAT_BIEU: "PB"}
CYCLES = [Task.ReportCycle.MONTHLY, Task.ReportCycle.QUARTERLY, Task.ReportCycle.QUARTERLY,
          Task.ReportCycle.HALF_YEARLY, Task.ReportCycle.YEARLY]


@dataclass
class Present:
    units: int
    tasks: int


@dataclass
class Summary:
    action: str
    tasks: int
    units: int
    added_tasks: int = 0
    seconds: float = 0.0
    counts: dict | None = None

    def line(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in (self.counts or {}).items())
        return (f"generate_load: {self.action} tasks={self.tasks} units={self.units} added={self.added_tasks} "
                f"in {self.seconds:.1f}s" + (f" ({extra})" if extra else ""))


# --- what is there ----------------------------------------------------------------------------------------------


def load_office_user():
    return User.objects.filter(username=OFFICE_USERNAME).first()


def present() -> Present:
    office = load_office_user()
    units = Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).count()
    tasks = Task.objects.filter(created_by=office).count() if office else 0
    return Present(units=units, tasks=tasks)


# --- entry point ------------------------------------------------------------------------------------------------


def generate(tasks: int, units: int | None = None, seed: int = 7, log=None) -> Summary:
    """Make the generated set hold `tasks` tasks on `units` units (see the module docstring)."""
    log = log or (lambda message: None)
    if tasks < 0:
        raise ValueError("tasks must be >= 0")
    units = units or default_units(tasks)
    if units < 1:
        raise ValueError("units must be >= 1")
    started = time.perf_counter()
    now = present()
    if now.units == units and now.tasks == tasks:
        return Summary("present", tasks, units, seconds=time.perf_counter() - started)
    if now.units == units and now.tasks < tasks:
        action, start = "extended", now.tasks
    else:
        if now.units or now.tasks:
            log(f"Removing the generated set ({now.tasks} tasks, {now.units} units) to rebuild it.")
            wipe()
        action, start = "built", 0
    with _plain_timestamps():
        if start == 0:
            _build_people(units, seed, log)
        world = _World.read()
        counts = _add_tasks(world, start, tasks, seed, log)
    _analyze()
    return Summary(action, tasks, units, added_tasks=tasks - start, seconds=time.perf_counter() - started,
                   counts=counts)


def _analyze() -> None:
    """On PostgreSQL, bring the planner's statistics and the visibility map up to date after a bulk load, as
    autovacuum would soon after in production: the benchmark measures the steady state, not the first minute."""
    if connection.vendor != "postgresql":
        return
    models_ = [Task, Assignment, ProgressReport, Review, ExtensionRequest, Unit, Membership, User, Resolution,
               Directive, Task.history.model, Assignment.history.model]
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"{statement} {connection.ops.quote_name(model._meta.db_table)}")


# --- removing ---------------------------------------------------------------------------------------------------


def _raw_delete(queryset) -> int:
    # No collector: the generated set has no signals worth running and the collector would load every row.
    return queryset._raw_delete(queryset.db)


def _cascade_delete(queryset) -> None:
    """Delete the rows and, first, what the database would refuse to leave behind, following on_delete without
    loading a single object: CASCADE deletes, SET_NULL clears, DO_NOTHING (history tables) is left to the caller.
    Works for models added later by other parts of the portal, since it reads the relations from _meta."""
    pks = queryset.values("pk")
    for m2m in queryset.model._meta.many_to_many:  # this model's own m2m rows (a user's groups)
        _raw_delete(m2m.remote_field.through._base_manager.filter(**{f"{m2m.m2m_field_name()}__in": pks}))
    # Hidden relations too (related_name="+"): a row pointing here must go whatever its relation is called.
    relations = [field for field in queryset.model._meta.get_fields(include_hidden=True)
                 if field.auto_created and not field.concrete and field.is_relation]
    for relation in relations:
        if relation.many_to_many:  # another model's m2m rows pointing here (a group's units)
            through = relation.through._base_manager
            _raw_delete(through.filter(**{f"{relation.field.m2m_reverse_field_name()}__in": pks}))
            continue
        if relation.related_model is queryset.model:
            continue  # self-references (a unit's parent) go in the same statement
        related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": pks})
        if relation.on_delete is models.CASCADE:
            _cascade_delete(related)
        elif relation.on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
    _raw_delete(queryset)


def wipe() -> None:
    """Remove the generated set, and nothing else, with plain SQL (fast at 100,000 tasks)."""
    office = load_office_user()
    with transaction.atomic():
        if office is not None:
            task_ids = Task.objects.filter(created_by=office).values("pk")
            _raw_delete(Task.history.model.objects.filter(id__in=task_ids))
            for model in (Assignment, Review, ExtensionRequest):
                _raw_delete(model.history.model.objects.filter(task_id__in=task_ids))
            _cascade_delete(Task.objects.filter(created_by=office))
        _cascade_delete(Resolution.objects.filter(number__endswith=DOCUMENT_NUMBER_SUFFIX))
        _cascade_delete(User.objects.filter(username__startswith=USERNAME_PREFIX))
        _cascade_delete(Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX))


# --- units and people -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _plain_timestamps():
    """Let generated rows carry their own created_at (auto_now/auto_now_add would stamp them all 'now')."""
    fields = []
    for model in (Task, Assignment, ProgressReport, ExtensionRequest, Review):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                fields.append((field, field.auto_now, field.auto_now_add))
    try:
        for field, _now, _add in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in fields:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _tree_shape(units: int) -> list[int]:
    """How many units on each level: a few top-level units, then their children, then the rest below those."""
    top = min(len(TOP_LEVEL), max(1, units // 10))
    second = min(units - top, top * 8)
    third = units - top - second
    return [n for n in (top, second, third) if n > 0]


def _build_people(unit_count: int, seed: int, log) -> None:
    rng = random.Random(seed)
    log(f"Units: {unit_count}, users: {unit_count * USERS_PER_UNIT + 2}.")
    with transaction.atomic():
        parents: list[Unit] = []
        index = 0
        for level, count in enumerate(_tree_shape(unit_count)):
            rows = []
            for i in range(count):
                index += 1
                if level == 0:
                    name = f"{TOP_LEVEL[i % len(TOP_LEVEL)]} (thử tải {index:04d})"
                    kind = Unit.Kind.OTHER
                    parent = None
                else:
                    word, kind = UNIT_KINDS[rng.randrange(len(UNIT_KINDS))]
                    name = f"{word} {PLACES[rng.randrange(len(PLACES))]} số {index:04d} (thử tải)"
                    parent = parents[i % len(parents)]
                rows.append(Unit(
                    name=name, short_name=f"TT{index:04d}", code=f"{UNIT_CODE_PREFIX}{index:04d}", kind=kind,
                    parent=parent, email=f"unit{index:04d}@load.haugiang.example", order=10000 + index,
                ))
            parents = Unit.objects.bulk_create(rows, batch_size=BATCH)
        units = list(Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).order_by("code"))

        # Generated accounts have no usable password: the bench logs in with force_login, and a load test uses
        # a session made on the server (scripts/loadtest.sh). No known password ever exists for them.
        password = make_password(None)
        users = [
            User(username=OFFICE_USERNAME, email="vanphong@load.haugiang.example", first_name="Văn phòng",
                 last_name="(thử tải)", is_staff=True, password=password),
            User(username=STANDING_USERNAME, email="thuongtruc@load.haugiang.example",
                 first_name="Thường trực", last_name="(thử tải)", is_staff=True, password=password),
        ]
        for unit in units:
            for k in range(USERS_PER_UNIT):
                users.append(User(
                    username=f"{USERNAME_PREFIX}{unit.code[len(UNIT_CODE_PREFIX):]}.{k}",
                    email=f"u{unit.code[len(UNIT_CODE_PREFIX):]}.{k}@load.haugiang.example",
                    first_name=GIVEN[rng.randrange(len(GIVEN))], last_name=FAMILY[rng.randrange(len(FAMILY))],
                    password=password,
                ))
        User.objects.bulk_create(users, batch_size=BATCH)
        by_name = dict(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk"))
        office_group, _ = Group.objects.get_or_create(name=roles.OFFICE_GROUP)
        standing_group, _ = Group.objects.get_or_create(name=roles.STANDING_GROUP)
        User.groups.through.objects.bulk_create([
            User.groups.through(user_id=by_name[OFFICE_USERNAME], group_id=office_group.pk),
            User.groups.through(user_id=by_name[STANDING_USERNAME], group_id=standing_group.pk),
        ])
        memberships = []
        for unit in units:
            suffix = unit.code[len(UNIT_CODE_PREFIX):]
            for k in range(USERS_PER_UNIT):
                memberships.append(Membership(
                    user_id=by_name[f"{USERNAME_PREFIX}{suffix}.{k}"], unit_id=unit.pk,
                    role=Membership.Role.LEADER if k < LEADERS_PER_UNIT else Membership.Role.OFFICER,
                ))
        Membership.objects.bulk_create(memberships, batch_size=BATCH)


@dataclass
class _World:
    office_id: int
    unit_ids: list[int]
    unit_names: dict[int, tuple[str, str]]
    children: dict[int, list[int]]
    members: dict[int, list[int]]  # unit id → user ids, leaders first
    documents: int
    directives: int

    @classmethod
    def read(cls) -> "_World":
        office = load_office_user()
        rows = list(Unit.objects.filter(code__startswith=UNIT_CODE_PREFIX).order_by("code")
                    .values_list("pk", "name", "short_name", "parent_id"))
        children: dict[int, list[int]] = {}
        for pk, _name, _short, parent_id in rows:
            if parent_id:
                children.setdefault(parent_id, []).append(pk)
        members: dict[int, list[int]] = {}
        for unit_id, user_id in (Membership.objects.filter(unit__code__startswith=UNIT_CODE_PREFIX)
                                 .order_by("unit_id", "role", "user_id").values_list("unit_id", "user_id")):
            members.setdefault(unit_id, []).append(user_id)
        documents = Resolution.objects.filter(number__endswith=DOCUMENT_NUMBER_SUFFIX)
        return cls(
            office_id=office.pk, unit_ids=[row[0] for row in rows],
            unit_names={pk: (name, short) for pk, name, short, _p in rows}, children=children, members=members,
            documents=documents.count(),
            directives=Directive.objects.filter(resolution__in=documents.values("pk")).count(),
        )


# --- tasks ------------------------------------------------------------------------------------------------------


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime(day.year, day.month, day.day, 7 + rng.randrange(10), rng.randrange(60), tzinfo=tz)


def _sentence(rng: random.Random) -> str:
    tail = TAILS[rng.randrange(len(TAILS))]
    text = f"{ACTIONS[rng.randrange(len(ACTIONS))]} {OBJECTS[rng.randrange(len(OBJECTS))]}"
    return f"{text}, {tail}." if tail else f"{text}."


def _deadline_text(deadline: datetime.date | None) -> str:
    if deadline is None:
        return "Thường xuyên"
    if deadline.month in (3, 6, 9, 12) and deadline.day >= 28:
        return f"quý {['I', 'II', 'III', 'IV'][(deadline.month - 1) // 3]}/{deadline.year}"
    return f"trước ngày {deadline.day}/{deadline.month}/{deadline.year}"


def _fate(rng: random.Random, today: datetime.date) -> dict:
    """Deadline, status and dates of one task, spread over every standing."""
    start = today - datetime.timedelta(days=3 * 365)
    if rng.random() < 0.2:  # ongoing: periodic reports, no deadline
        created = start + datetime.timedelta(days=rng.randrange(3 * 365))
        roll = rng.random()
        status = Task.Status.OPEN if roll < 0.9 else (Task.Status.DONE if roll < 0.95 else Task.Status.CANCELLED)
        completed = created + datetime.timedelta(days=rng.randrange(30, 365)) if status == Task.Status.DONE else None
        if completed and completed > today:
            completed = today
        return dict(deadline=None, created=created, status=status, completed=completed,
                    cycle=CYCLES[rng.randrange(len(CYCLES))])
    deadline = start + datetime.timedelta(days=rng.randrange(4 * 365 + 1))
    created = min(today, deadline - datetime.timedelta(days=rng.randrange(20, 240)))
    roll = rng.random()
    completed = None
    if deadline < today:
        open_share = 0.35 if (today - deadline).days <= 90 else 0.04
        if roll < 0.03:
            status = Task.Status.CANCELLED
        elif roll < 0.03 + open_share:
            status = rng.choice([Task.Status.OPEN] * 6 + [Task.Status.PROPOSED, Task.Status.RETURNED])
        else:
            status = Task.Status.DONE
            if rng.random() < 0.75:  # on time
                completed = deadline - datetime.timedelta(days=rng.randrange(0, 20))
            else:
                completed = deadline + datetime.timedelta(days=rng.randrange(1, 60))
    else:
        if roll < 0.02:
            status = Task.Status.CANCELLED
        elif roll < 0.10:
            status = Task.Status.DONE
            completed = today - datetime.timedelta(days=rng.randrange(0, 30))
        elif roll < 0.17:
            status = Task.Status.PROPOSED
        elif roll < 0.20:
            status = Task.Status.RETURNED
        else:
            status = Task.Status.OPEN
    if completed is not None:
        completed = max(created, min(completed, today))
    return dict(deadline=deadline, created=created, status=status, completed=completed, cycle="")


def _history_row(historical, instance, *, date, kind, reason, user_id, **overrides):
    values = {field.attname: getattr(instance, field.attname) for field in historical.tracked_fields}
    values.update(overrides)
    return historical(history_date=date, history_type=kind, history_change_reason=reason,
                      history_user_id=user_id, **values)


def _add_tasks(world: _World, start: int, end: int, seed: int, log) -> dict:
    totals = dict.fromkeys(["documents", "directives", "assignments", "reports", "extensions", "reviews",
                            "history"], 0)
    today = local_today()
    now = timezone.now()
    for chunk_start in range(start, end, CHUNK):
        chunk_end = min(end, chunk_start + CHUNK)
        rng = random.Random(seed * 1_000_003 + chunk_start)
        with transaction.atomic():
            counts = _add_chunk(world, chunk_start, chunk_end, rng, today, now)
        for key, value in counts.items():
            totals[key] += value
        log(f"  tasks {chunk_end:>7}/{end}")
    return totals


def _add_chunk(world: _World, first: int, last: int, rng: random.Random, today, now) -> dict:
    size = last - first
    office = world.office_id
    counts = {}

    # Documents (1 per ~20 directives) and directives (~1 per 3 tasks).
    n_directives = max(1, round(size / 3))
    n_documents = max(1, round(n_directives / 20))
    documents = []
    for i in range(n_documents):
        number = world.documents + i + 1
        kind = DOC_KINDS[rng.randrange(len(DOC_KINDS))]
        issued = today - datetime.timedelta(days=rng.randrange(3 * 365 + 200))
        documents.append(Resolution(
            kind=kind, number=f"{number}-{DOC_SYMBOL[kind]}/TU{DOCUMENT_NUMBER_SUFFIX}",
            title=f"{_sentence(rng)[:-1]} (văn bản thử tải số {number})", issued_on=issued,
            signer=f"{FAMILY[rng.randrange(len(FAMILY))]} {GIVEN[rng.randrange(len(GIVEN))]}",
            body="Văn bản tạo tự động để đo hiệu năng.", created_by_id=office,
        ))
    documents = Resolution.objects.bulk_create(documents, batch_size=BATCH)
    world.documents += n_documents
    directives = []
    for i in range(n_directives):
        document = documents[i % n_documents]
        ongoing = rng.random() < 0.2
        directives.append(Directive(
            resolution_id=document.pk, section_path=f"{['I', 'II', 'III'][i % 3]}.{i // 3 % 9 + 1}",
            label=f"({i // n_documents + 1})", order=i // n_documents + 1, text=_sentence(rng),
            deadline_text="thường xuyên" if ongoing else "", ongoing=ongoing,
        ))
    directives = Directive.objects.bulk_create(directives, batch_size=BATCH)
    world.directives += n_directives
    counts["documents"], counts["directives"] = n_documents, n_directives

    # Tasks: most from a directive, some entered by hand; a few are sub-tasks delegated to a sub-unit.
    units = world.unit_ids
    parents_with_children = [u for u in units if u in world.children]
    n_children = round(size * 0.03) if parents_with_children else 0
    plans = []
    tasks = []
    for i in range(size - n_children):
        fate = _fate(rng, today)
        directive = directives[rng.randrange(n_directives)] if rng.random() < 0.9 else None
        lead = (parents_with_children[rng.randrange(len(parents_with_children))]
                if rng.random() < 0.1 and parents_with_children else units[rng.randrange(len(units))])
        k = rng.random()
        n_coord = 0 if k < 0.4 else 1 if k < 0.7 else 2 if k < 0.9 else 3
        coordinating = {units[rng.randrange(len(units))] for _ in range(n_coord)} - {lead}
        plans.append((fate, lead, sorted(coordinating)))
        tasks.append(_task(fate, directive.text if directive else _sentence(rng),
                           directive.pk if directive else None, lead, world, office, rng))
    tasks = Task.objects.bulk_create(tasks, batch_size=BATCH)
    children = []
    child_plans = []
    candidates = [(task, plan) for task, plan in zip(tasks, plans) if plan[1] in world.children]
    for _ in range(n_children if candidates else 0):
        parent, (fate, lead, _c) = candidates[rng.randrange(len(candidates))]
        sub = world.children[lead][rng.randrange(len(world.children[lead]))]
        child_fate = dict(fate)
        if fate["deadline"] is not None:
            child_fate["deadline"] = fate["deadline"] - datetime.timedelta(days=rng.randrange(0, 15))
            child_fate["created"] = min(child_fate["deadline"], fate["created"] + datetime.timedelta(days=3))
        child_plans.append((child_fate, sub, []))
        children.append(_task(child_fate, parent.title, parent.directive_id, sub, world, office, rng,
                              parent_id=parent.pk))
    if children:
        children = Task.objects.bulk_create(children, batch_size=BATCH)
    tasks = tasks + children
    plans = plans + child_plans

    # Assignments, reports, reviews, extension requests, history.
    assignments, reports, reviews, extensions = [], [], [], []
    history = []
    task_history = Task.history.model
    assignment_history = Assignment.history.model
    for task, (fate, lead, coordinating) in zip(tasks, plans):
        created = task.created_at
        for unit_id, role in [(lead, Assignment.Role.LEAD)] + [(u, Assignment.Role.COORDINATING)
                                                               for u in coordinating]:
            assignments.append(Assignment(task_id=task.pk, unit_id=unit_id, role=role, assigned_at=created))
        history.append(_history_row(
            task_history, task, date=created, kind="+", reason="Giao nhiệm vụ", user_id=office,
            status=Task.Status.OPEN, progress=0, completed_at=None, version=1, cancel_reason="",
            deadline=task.original_deadline,
        ))
        end = task.completed_at or now
        span = max(1.0, (end - created).total_seconds())
        lead_members = world.members[lead]
        for r in range(rng.randrange(11)):
            moment = created + datetime.timedelta(seconds=span * (r + rng.random()) / 11)
            if coordinating and rng.random() < 0.15:
                unit_id = coordinating[rng.randrange(len(coordinating))]
                reports.append(ProgressReport(
                    task_id=task.pk, unit_id=unit_id, author_id=world.members[unit_id][rng.randrange(USERS_PER_UNIT)],
                    kind=ProgressReport.Kind.CONTRIBUTION, text=CONTRIBUTION_TEXTS[rng.randrange(3)],
                    created_at=moment,
                ))
            else:
                reports.append(ProgressReport(
                    task_id=task.pk, unit_id=lead, author_id=lead_members[rng.randrange(USERS_PER_UNIT)],
                    kind=ProgressReport.Kind.REPORT, text=REPORT_TEXTS[rng.randrange(len(REPORT_TEXTS))],
                    percent=min(100, (r + 1) * 10), created_at=moment,
                ))
        leader = lead_members[0]
        if task.status in (Task.Status.DONE, Task.Status.PROPOSED, Task.Status.RETURNED):
            proposed = task.completed_at or (now - datetime.timedelta(days=rng.randrange(1, 20)))
            if task.status == Task.Status.DONE:
                outcome, reviewed = Review.Outcome.APPROVED, proposed + datetime.timedelta(days=rng.randrange(1, 6))
            elif task.status == Task.Status.PROPOSED:
                outcome, reviewed = Review.Outcome.PENDING, None
            else:
                outcome, reviewed = Review.Outcome.RETURNED, proposed + datetime.timedelta(days=2)
            reviews.append(Review(
                task_id=task.pk, proposed_by_id=leader, proposed_at=proposed, outcome=outcome,
                result="Đơn vị đã hoàn thành các nội dung được giao, có báo cáo kèm theo.",
                reviewer_id=office if reviewed else None, reviewed_at=reviewed,
                comment="Đề nghị bổ sung số liệu cụ thể." if outcome == Review.Outcome.RETURNED else "",
            ))
        if task.status != Task.Status.OPEN:
            history.append(_history_row(
                task_history, task, date=min(now, task.completed_at or now), kind="~", user_id=office,
                reason={Task.Status.DONE: "Xác nhận hoàn thành", Task.Status.CANCELLED: "Hủy nhiệm vụ",
                        Task.Status.PROPOSED: "Đề nghị hoàn thành", Task.Status.RETURNED: "Trả lại"}[task.status],
            ))
        if task.original_deadline != task.deadline:
            extensions.append(ExtensionRequest(
                task_id=task.pk, unit_id=lead, requested_by_id=leader, current_deadline=task.original_deadline,
                requested_deadline=task.deadline, reason="Cần thêm thời gian lấy ý kiến các cơ quan liên quan.",
                status=ExtensionRequest.Status.APPROVED, decided_by_id=office, created_at=created,
                decided_at=created + datetime.timedelta(days=3), decision_comment="Đồng ý.",
            ))
        elif task.deadline is not None and rng.random() < 0.05:
            pending = task.is_open and rng.random() < 0.4
            extensions.append(ExtensionRequest(
                task_id=task.pk, unit_id=lead, requested_by_id=leader, current_deadline=task.deadline,
                requested_deadline=task.deadline + datetime.timedelta(days=30),
                reason="Đề nghị gia hạn do chờ ý kiến của cơ quan cấp trên.",
                status=ExtensionRequest.Status.PENDING if pending else ExtensionRequest.Status.REFUSED,
                decided_by_id=None if pending else office, created_at=min(now, created + datetime.timedelta(days=10)),
                decided_at=None if pending else min(now, created + datetime.timedelta(days=12)),
                decision_comment="" if pending else "Không đồng ý, đề nghị đơn vị khẩn trương thực hiện.",
            ))
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    history.extend(
        _history_row(assignment_history, a, date=a.assigned_at, kind="+", reason="", user_id=office)
        for a in assignments if a.pk is not None
    )
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    ExtensionRequest.objects.bulk_create(extensions, batch_size=BATCH)
    task_rows = [row for row in history if isinstance(row, task_history)]
    assignment_rows = [row for row in history if not isinstance(row, task_history)]
    task_history.objects.bulk_create(task_rows, batch_size=BATCH)
    assignment_history.objects.bulk_create(assignment_rows, batch_size=BATCH)
    counts.update(assignments=len(assignments), reports=len(reports), extensions=len(extensions),
                  reviews=len(reviews), history=len(history))
    return counts


def _task(fate, text, directive_id, lead, world: _World, office, rng, parent_id=None) -> Task:
    deadline = fate["deadline"]
    status = fate["status"]
    original = deadline
    if deadline is not None and rng.random() < 0.08:  # an approved extension moved it
        original = deadline - datetime.timedelta(days=rng.randrange(15, 90))
    title = make_title(text)
    deadline_text = _deadline_text(original)
    created_at = _aware(fate["created"], rng)
    completed_at = _aware(fate["completed"], rng) if fate["completed"] else None
    if completed_at is not None and completed_at < created_at:
        completed_at = created_at
    if status == Task.Status.DONE:
        progress = 100
    elif status == Task.Status.PROPOSED:
        progress = 100
    else:
        progress = rng.randrange(0, 10) * 10
    return Task(
        directive_id=directive_id, parent_id=parent_id, title=title, description=text, deadline=deadline,
        original_deadline=original, deadline_text=deadline_text, report_cycle=fate["cycle"], status=status,
        progress=progress, completed_at=completed_at,
        cancel_reason="Nội dung đã được thay thế bằng văn bản mới." if status == Task.Status.CANCELLED else "",
        version=1 if status == Task.Status.OPEN else 3, created_by_id=office, created_at=created_at,
        updated_at=completed_at or created_at,
        search_text=task_search_text(title=title, description=text, deadline_text=deadline_text,
                                     lead_unit_names=world.unit_names[lead]),
    )
