"""The task app's admin pages (the admin autodiscovers this package): tasks and their assignments, what happens
to a task, and the documents with the tasks they gave."""
from . import activity, documents, tasks  # noqa: F401  (each registers its models)
