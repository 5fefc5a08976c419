"""The accent-free search key of a task (core.text), kept in Task.search_text."""
from core.text import search_key


def task_search_text(*, title: str, description: str = "", deadline_text: str = "",
                     lead_unit_names: tuple[str, ...] = ()) -> str:
    """What Task.search_text holds: the task's own words and the lead unit's name (and short name)."""
    return search_key(title, description, deadline_text, *lead_unit_names)
