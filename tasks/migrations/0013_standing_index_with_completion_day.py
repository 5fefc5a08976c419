# The standing of many tasks at once, read from one index (PostgreSQL only).
#
# Serves tasks.standing's two SQL forms wherever they run over many tasks:
#   - the home page's counters (tasks.selectors.tasks.standing_counts):
#       SELECT CASE WHEN status = 'cancelled' ... WHEN status = 'done' AND
#              (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= deadline ... END, COUNT(id)
#       FROM tasks_task [WHERE EXISTS (assignment of the person's units)] GROUP BY 1
#   - the overdue and due-soon lists and the overdue tasks by lead unit (tasks.selectors.home), on
#       status IN ('open', 'proposed', 'returned') AND deadline < today  (standing_condition)
#
# The completion day in Asia/Ho_Chi_Minh is the costly part of the standing: computed for each of the 57,000
# finished tasks at 100,000 tasks it took 12-15 ms of the office's 29 ms count. Kept in the index as the very
# expression Django writes for `completed_at__date`, PostgreSQL reads it instead of computing it (an index-only
# scan: completed_at and id are key columns too, since PostgreSQL reads an expression from the index only when
# every column the query names is in it): the office's count 29 -> 17 ms, a leader of 25 units 11.6 -> 8.9 ms.
# task_status_deadline_idx (status, deadline) stays: smaller, for counts that need nothing else (the sweeps).
#
# PostgreSQL only: on SQLite the expression is a Python function Django registers on its own connections, and an
# index on it would make the table unwritable from any other SQLite client.
from django.conf import settings
from django.db import migrations

INDEX = "task_standing_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    zone = schema_editor.quote_value(settings.TIME_ZONE)
    schema_editor.execute(
        f'CREATE INDEX "{INDEX}" ON "tasks_task" '
        f'("status", "deadline", (("completed_at" AT TIME ZONE {zone})::date), "completed_at", "id")'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0012_short_titles_for_recorded_tasks"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
