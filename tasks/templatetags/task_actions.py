"""The buttons of a task's action panel (templates/tasks/partials/actions.html), from the person's permissions."""
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tasks.selectors.tasks import pending_extension

register = template.Library()


@dataclass(frozen=True)
class ActionButton:
    url: str
    label: str
    icon: str
    style: str


# (permission, URL name, label, Bootstrap icon, button style), in the order shown. "office_open" is the office on
# an open task; the extension decision gets the pending request's URL.
ACTIONS = [
    ("can_report", "tasks:report", _("Báo cáo tiến độ"), "bi-journal-plus", "btn-primary"),
    ("can_contribute", "tasks:contribute", _("Gửi ý kiến phối hợp"), "bi-chat-left-text", "btn-primary"),
    ("can_propose_completion", "tasks:propose", _("Đề nghị hoàn thành"), "bi-flag", "btn-success"),
    ("can_request_extension", "tasks:extension", _("Xin gia hạn"), "bi-calendar-plus", "btn-outline-primary"),
    ("can_delegate", "tasks:delegate", _("Giao lại cho đơn vị cấp dưới"), "bi-diagram-3", "btn-outline-primary"),
    ("can_decide_completion", "tasks:decide_completion", _("Đánh giá đề nghị hoàn thành"), "bi-check2-circle",
     "btn-success"),
    ("can_decide_extension", "tasks:decide_extension", _("Xem xét đề nghị gia hạn"), "bi-calendar-check",
     "btn-success"),
    ("is_office", "tasks:edit", _("Sửa nhiệm vụ"), "bi-pencil", "btn-outline-secondary"),
    ("office_open", "tasks:change_lead", _("Đổi đơn vị chủ trì"), "bi-arrow-left-right", "btn-outline-secondary"),
    ("office_open", "tasks:cancel", _("Hủy nhiệm vụ"), "bi-x-circle", "btn-outline-danger"),
]


@register.simple_tag
def task_action_buttons(task, permissions) -> list[ActionButton]:
    granted = {**permissions, "office_open": bool(permissions.get("is_office") and task.is_open)}
    buttons = []
    for permission, url_name, label, icon, style in ACTIONS:
        if not granted.get(permission):
            continue
        if url_name == "tasks:decide_extension":
            pending = pending_extension(task)  # read with the task's timeline on the task page: no query
            if pending is None:
                continue
            url = reverse(url_name, args=[pending.pk])
        else:
            url = reverse(url_name, args=[task.pk])
        buttons.append(ActionButton(url=url, label=label, icon=icon, style=style))
    return buttons
