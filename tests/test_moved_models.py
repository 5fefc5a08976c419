"""The apps' models moved out of the tasks app without a row lost: a database loaded with the worked example and
a generated set of 1,000 tasks, taken back to the schema the portal had before the move (tasks 0009, resolutions
0001, no units/notifications/oversight apps), then forward across the move, has every table, column, index and
constraint as it was, every count and a sample of rows unchanged, and the role groups' permissions carried over to
the models' new apps.

The data is written by today's code at today's schema and the migrations after the move are reversed before the
check: the claim is about the move, and a column added since (a directive's short title) must not make it fail.
It runs on whichever database the suite runs on (SQLite by default, PostgreSQL in CI).
"""
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import roles
from tasks.models import Attachment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# The schema before the apps were split: the last migrations of that code, and none of the new apps'.
BEFORE = [("tasks", "0009_home_recent_activity_indexes"), ("resolutions", "0001_initial"), ("units", None),
          ("notifications", None), ("oversight", None)]
# Just after the move: what the move's own migrations are checked against.
AFTER_MOVE = [("tasks", "0010_move_models_to_their_apps"), ("resolutions", "0001_initial"),
              ("units", "0001_initial"), ("notifications", "0001_initial"), ("oversight", "0001_initial")]
# Where each moved model went (tasks.<model> before).
MOVED = {
    "unit": "units", "unitgroup": "units", "membership": "units", "historicalunit": "units",
    "historicalmembership": "units", "notification": "notifications", "outgoingemail": "notifications",
    "reminderpolicy": "notifications", "notificationpreference": "notifications", "calendartoken": "oversight",
}
SAMPLED = ["tasks_unit", "tasks_membership", "tasks_unitgroup_units", "tasks_task", "tasks_assignment",
           "tasks_progressreport", "tasks_notification", "tasks_outgoingemail", "tasks_historicalunit",
           "resolutions_directive"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _schema() -> dict:
    """Every table with its columns (name, type) and its constraints and indexes, as the database describes them."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        schema = {}
        for table in tables:
            columns = [(column.name, column.type_code) for column in
                       connection.introspection.get_table_description(cursor, table)]
            constraints = {
                name: (tuple(info["columns"] or ()), info["primary_key"], info["unique"], info["foreign_key"],
                       info["check"], info["index"])
                for name, info in connection.introspection.get_constraints(cursor, table).items()
            }
            schema[table] = (columns, constraints)
    return schema


def _counts(tables) -> dict:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # nosec B608: table names from introspection
            counts[table] = cursor.fetchone()[0]
    return counts


def _sample(table) -> list:
    """The first and the last 25 rows of a table, every column, in primary key order."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # nosec B608: a table name from the list above
        rows = [tuple(str(value) for value in row) for row in cursor.fetchall()]
    return rows[:25] + rows[-25:]


def _office_permissions() -> set:
    office = Group.objects.get(name=roles.OFFICE_GROUP)
    return set(office.permissions.values_list("content_type__app_label", "content_type__model", "codename"))


def test_the_old_schema_with_data_migrates_forward_with_every_row_and_permission(settings):
    settings.DEBUG = True  # load_demo refuses demo accounts otherwise (the test runner turns DEBUG off)
    latest = _latest()
    call_command("load_demo", password="Mat-khau-thu-2026", verbosity=0)
    call_command("generate_load", tasks=1000, verbosity=0)
    # A completion proposal's files (tasks 0011) have no progress report: the schema before the move cannot hold them
    Attachment.objects.filter(report__isnull=True).delete()
    try:
        _migrate(BEFORE)
        schema = _schema()
        counts = _counts(schema)
        samples = {table: _sample(table) for table in SAMPLED}
        permissions = _office_permissions()
        assert counts["tasks_task"] >= 1000 and counts["tasks_unit"] > 50 and counts["tasks_notification"] > 0
        assert ("tasks", "unit", "change_unit") in permissions  # what the office held before the move

        _migrate(AFTER_MOVE)
        assert _schema() == schema
        after = _counts(schema)
        # The only new rows: the four migrations that moved the models (state only) are recorded as applied.
        assert after.pop("django_migrations") == counts.pop("django_migrations") + 4
        assert after == counts
        assert {table: _sample(table) for table in SAMPLED} == samples
        # The office keeps every permission, now on the models' new apps.
        moved = {(MOVED.get(model, app_label) if app_label == "tasks" else app_label, model, codename)
                 for app_label, model, codename in permissions}
        assert _office_permissions() == moved
    finally:
        _migrate(latest)
