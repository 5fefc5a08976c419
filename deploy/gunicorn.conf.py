"""gunicorn settings for the portal (deploy/systemd/portal-web.service runs `gunicorn -c deploy/gunicorn.conf.py`).

Every value can be overridden from the environment file: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT. Scale out by adding machines behind nginx, each running this with its own worker count.
"""
import multiprocessing
import os

# nginx on the same machine connects here; on a separate proxy machine bind to the private address instead.
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"

# Sync workers: (2 x cores) + 1 is gunicorn's rule of thumb for I/O-bound Django pages. Each holds at most one
# database connection (CONN_MAX_AGE keeps it open): workers x web machines must stay below PostgreSQL's
# max_connections, together with the Celery workers.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)

# A request taking longer than this is killed (and logged); exports and the importer finish well within it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then, so a slow leak never grows; jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200

# Only our nginx may tell gunicorn the original scheme and address (Django reads them only when
# TRUST_X_FORWARDED_PROTO / TRUST_X_FORWARDED_FOR are set).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1"

# Bounds on the request line and headers (the body is bounded by nginx's client_max_body_size and Django).
limit_request_line = 8190
limit_request_fields = 100

# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"

# To the journal; the access log carries no query strings' secrets (the portal puts none in URLs).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "portal-web"
