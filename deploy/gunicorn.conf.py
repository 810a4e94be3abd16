"""Gunicorn settings of the Portail SSES (`gunicorn -c deploy/gunicorn.conf.py`).

Every value can be changed from the environment, so that one file serves a laptop, a single
server and N application servers behind a load balancer:

- GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_WORKERS (default 2 x cores + 1, at most 8),
  GUNICORN_TIMEOUT (default 60 s: the 20,000-offer export streams, so no request needs more),
  GUNICORN_MAX_REQUESTS (default 20,000 requests before a worker is recycled),
  GUNICORN_ACCESS_LOG (default "-", standard output; empty: no access log),
  FORWARDED_ALLOW_IPS (addresses of the reverse proxy trusted for X-Forwarded-*).

The access log never holds the query string (listing filters, e-mail addresses in links),
the client address, the referrer nor the user agent: method, path, status, size and duration.
"""

import gc
import os
import sys

MAX_DEFAULT_WORKERS = 8

# Time, request line without query string, status, bytes, duration in milliseconds.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def default_workers(cores=None, cap=MAX_DEFAULT_WORKERS):
    """The usual 2 x cores + 1 synchronous workers, capped: each worker holds a database connection."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(2 * cores + 1, cap))


def workers_from_env(environ=os.environ):
    raw = environ.get("GUNICORN_WORKERS", "").strip()
    if not raw:
        return default_workers()
    workers = int(raw)
    if workers < 1:
        raise ValueError(f"GUNICORN_WORKERS must be at least 1, got {raw!r}")
    return workers


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = workers_from_env()
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Load Django and Wagtail once in the master: a worker forked from it is ready at once, so
# recycling one (below) never leaves requests queued while a fresh process imports the code.
preload_app = True
# Recycle workers now and then so that a slow leak never grows unbounded; the jitter keeps the
# workers from being recycled together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Several instances may run on one host (one per port): no shared control socket.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = ACCESS_LOG_FORMAT
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def when_ready(server):
    """In the master, once the application is loaded and before any worker is forked: the loaded
    code's objects leave the garbage collector's reach, so that the workers keep sharing their
    memory pages with the master (copy-on-write) and a worker's exit has less to tear down."""
    gc.freeze()


def worker_exit(server, worker):
    """A worker recycled (max_requests) or stopped leaves without the interpreter's finalization.
    Tearing down Django's and Wagtail's modules took about half a second, while the master waits
    for the exit to fork the replacement and the requests queued for that worker wait too: the
    p99 spikes of `make bench` at several thousand requests per second. An error exit keeps its
    code, so that gunicorn still tells a worker that cannot boot."""
    leaving = sys.exc_info()[1]
    if not isinstance(leaving, SystemExit) or leaving.code not in (0, None):
        return
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
