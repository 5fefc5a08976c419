"""A real worker runs a task end to end: over Redis when REDIS_URL is set (CI), over kombu's filesystem transport
on the embedded default."""
import pytest

from notifications.celery_tasks import ping
from units.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.worker


def test_a_real_worker_answers_ping_through_the_broker_and_the_database(portal_worker, settings):
    UnitFactory.create_batch(3)
    worker = portal_worker()

    result = ping.apply_async(ignore_result=False)

    assert result.get(timeout=60) == {"pong": True, "units": Unit.objects.count()}
    expected_scheme = "redis" if settings.REDIS_URL else "filesystem"
    assert worker.target.broker_url.startswith(expected_scheme)
