"""Tasks recorded before short titles existed carry their directive's sentence cut at 200 characters as their
title. Give those (and only those: a title the office wrote is left alone) the directive's short title, as a task
made today gets it, and rebuild their search key. The full sentence stays the directive's text."""
from django.db import migrations

from resolutions.parsing.titles import short_title
from tasks.search import task_search_text

OLD_TITLE_LENGTH = 200  # tasks.services.common.TITLE_LENGTH when these titles were made


def _old_title(text: str) -> str:
    """The title the services gave a directive's task before short titles (make_title at that time)."""
    text = " ".join(text.split())
    if len(text) <= OLD_TITLE_LENGTH:
        return text
    return text[:OLD_TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def shorten_titles(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    Assignment = apps.get_model("tasks", "Assignment")
    leads = {task_id: (name, short) for task_id, name, short in Assignment.objects.filter(role="lead")
             .values_list("task_id", "unit__name", "unit__short_name")}
    changed = []
    tasks = Task.objects.filter(directive__isnull=False).select_related("directive").only(
        "id", "title", "description", "deadline_text", "directive__text", "directive__short_title")
    for task in tasks.iterator(chunk_size=500):
        directive = task.directive
        if task.title != _old_title(directive.text):
            continue
        title = directive.short_title or short_title(directive.text)
        if not title or title == task.title:
            continue
        task.title = title
        task.search_text = task_search_text(title=title, description=task.description,
                                            deadline_text=task.deadline_text,
                                            lead_unit_names=tuple(leads.get(task.id, ())))
        changed.append(task)
    Task.objects.bulk_update(changed, ["title", "search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0011_proposal_attachments_granted_deadline_one_vocabulary"),
        ("resolutions", "0003_fill_directive_short_titles"),
    ]

    operations = [migrations.RunPython(shorten_titles, migrations.RunPython.noop, elidable=True)]
