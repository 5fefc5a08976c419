"""The list's standing filter, written on the columns so indexes serve it, picks exactly the tasks whose computed
standing is the one asked for (tasks.filters.standing_condition against TaskQuerySet.with_standing)."""
import itertools

import pytest

from devtools import loadgen
from tasks.standing import standing_condition
from tasks.models import Task
from tasks.standing import Standing

pytestmark = pytest.mark.django_db


def test_filtering_by_any_set_of_standings_finds_the_same_tasks_as_the_computed_standing():
    loadgen.generate(600)
    tasks = Task.objects.with_standing()
    combos = [[value] for value in Standing.values] + [
        list(pair) for pair in itertools.combinations(Standing.values, 2)
    ] + [[Standing.OVERDUE, Standing.DUE_SOON, Standing.ON_TRACK], list(Standing.values)]
    for combo in combos:
        expected = set(tasks.filter(standing__in=combo).values_list("pk", flat=True))
        found = set(tasks.filter(standing_condition(combo)).values_list("pk", flat=True))
        assert found == expected, combo
    assert not Task.objects.filter(standing_condition([])).exists()
