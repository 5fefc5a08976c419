"""Every state change of a task: one function each, keyword-only, one transaction, a history entry, and an event
(tasks.events) that the notifications app turns into ledger rows, sent after commit.

Services check permission themselves (tasks.policy), so a view, a command, the admin or a Celery task cannot
forget it. A refused transition raises core.errors.ServiceError (a ValidationError with a Vietnamese message and a
code); a save over a newer version raises core.errors.ConflictError.
"""
from core.errors import ConflictError, ServiceError

from .assigning import (
    EDITABLE_FIELDS,
    cancel_task,
    change_lead,
    create_task,
    create_tasks_for_directive,
    edit_task,
    update_task,
)
from .common import TITLE_LENGTH, completion_time, make_title, refresh_search_text
from .work import (
    decide_completion,
    decide_extension,
    delegate_task,
    propose_completion,
    request_extension,
    submit_contribution,
    submit_progress_report,
)

__all__ = [
    "ConflictError", "EDITABLE_FIELDS", "ServiceError", "TITLE_LENGTH", "cancel_task", "change_lead",
    "completion_time", "create_task", "create_tasks_for_directive", "decide_completion", "decide_extension",
    "delegate_task", "edit_task", "make_title",
    "propose_completion", "refresh_search_text", "request_extension", "submit_contribution",
    "submit_progress_report", "update_task",
]
