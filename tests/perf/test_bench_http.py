"""`manage.py bench_http` end to end at a small size: gunicorn started against the test database, every page of
devtools.bench answering 200 with a real body through it (a session cookie signed in by the command), and the
server and its temporary folder gone afterwards, also when the run fails half-way."""
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

import devtools.bench_http
from devtools import bench

# `worker`: like the Celery-worker tests, a separate process opens the test database; on SQLite tests/conftest.py
# then keeps that database in a file instead of in memory.
pytestmark = [pytest.mark.worker, pytest.mark.slow]

SMALL = ["--tasks", "300", "--requests", "3", "--warmup", "1", "--export-requests", "1", "--max-wait", "0"]
FIGURE = re.compile(r"\d+\.\d")


def left_behind(output: str) -> list[str]:
    """The run's gunicorn processes still alive and its temporary folder if it still exists."""
    pids = re.findall(r"(?:gunicorn \([\w-]+\)|celery worker) pid (\d+)", output)
    assert pids, output
    folder = re.search(r"temporary folder: (\S+)", output)[1]
    return [f"pid {pid}" for pid in pids if Path(f"/proc/{pid}").exists()] + [folder] * Path(folder).exists()


def test_bench_http_measures_every_page_through_gunicorn_and_leaves_nothing_behind(transactional_db):
    out = io.StringIO()

    call_command("bench_http", *SMALL, stdout=out)

    output = out.getvalue()
    last = output.strip().splitlines()[-1]
    assert last.startswith("bench_http: tasks=300 "), last
    figures = dict(pair.split("=", 1) for pair in last.split()[1:])
    keys = [spec[0] for spec in bench.page_specs(bench.build_context())]
    for key in keys:
        name = f"{key}_{'mean' if key == 'ics' else 'p50'}_ms"
        assert FIGURE.fullmatch(figures[name]), (name, last)
        # Each page's own line: ok (HTTP 200 with a real body at every request), three timed requests.
        assert re.search(rf"^  measured {key} +ok +p50=", output, re.MULTILINE), output
    assert figures["failed"] == "0"
    # The full export and the report as background jobs: the request redirected to the job's page, a real Celery
    # worker wrote the file, the page's JSON said when it was ready, the download was the file.
    assert figures["export_rows"] == "300"
    for key in ("export_request_ms", "export_s", "report_request_ms", "report_s", "export_10k_s"):
        assert re.fullmatch(r"\d+\.\d+", figures[key]), (key, last)
    assert "celery worker pid" in output and "gunicorn (jobs) pid" in output
    assert "n/a" not in output.split("\n\ntasks=")[1].split("note:")[0]  # the table: no page missing
    # The page built without the board cache had a server of its own, with a dummy cache.
    assert "gunicorn (no-cache) pid" in output
    assert left_behind(output) == []


def test_a_failure_half_way_still_stops_gunicorn_and_removes_the_folder(transactional_db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the page broke the benchmark")

    monkeypatch.setattr(devtools.bench_http, "measure", broken)
    out = io.StringIO()

    with pytest.raises(RuntimeError, match="broke the benchmark"):
        call_command("bench_http", *SMALL, "--only", "document", stdout=out)

    assert left_behind(out.getvalue()) == []
