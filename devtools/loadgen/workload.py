"""The generated set's documents, directives and tasks in every standing, with their assignments, reports,
extension requests, reviews and history rows, written in chunks with bulk_create (memory stays flat)."""
from __future__ import annotations

import datetime
import random
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.dates import local_today
from resolutions.models import Directive, Resolution
from tasks.models import Assignment, ExtensionRequest, ProgressReport, Review, Task
from tasks.search import task_search_text
from tasks.services import make_title

from .people import World
from .vocabulary import (
    ACTIONS,
    BATCH,
    CHUNK,
    CONTRIBUTION_TEXTS,
    CYCLES,
    DOCUMENT_NUMBER_SUFFIX,
    DOC_KINDS,
    DOC_SYMBOL,
    FAMILY,
    GIVEN,
    OBJECTS,
    REPORT_TEXTS,
    TAILS,
    USERS_PER_UNIT,
)


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


def add_tasks(world: World, start: int, end: int, seed: int, log) -> dict:
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


def _add_chunk(world: World, first: int, last: int, rng: random.Random, today, now) -> dict:
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
                        Task.Status.PROPOSED: str(Task.Status.PROPOSED.label),
                        Task.Status.RETURNED: str(Task.Status.RETURNED.label)}[task.status],
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


def _task(fate, text, directive_id, lead, world: World, office, rng, parent_id=None) -> Task:
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
