"""What the tests of background jobs share: the messages a request hands to the broker, kept instead of sent, and
the worker's side run in-process on them (jobs.services.run, what the Celery task calls)."""
import pytest

from jobs import services


@pytest.fixture
def published(monkeypatch):
    """The (task name, options) of each message handed to the broker: these tests run the worker's side themselves."""
    sent = []
    monkeypatch.setattr(services, "publish", lambda name, *, what, **options: sent.append((name, options)) or True)
    return sent


def run_all(sent):
    """What a worker does with each message handed over."""
    for name, options in sent:
        assert name == services.RUN_JOB
        services.run(*options["args"])
    sent.clear()
