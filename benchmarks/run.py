"""`make bench`: the Portail SSES under load, at national scale.

1. recreates the PostgreSQL database `sses_bench`, migrates, collects static files;
2. times `load_demo --offers 20000 --periods 5000`, then runs ANALYZE;
3. starts gunicorn (deploy/gunicorn.conf.py, 2 workers, production settings, throwaway SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, DEBUG off, X-Query-Count header) with the cache off ("uncached"),
   logs in as the regional administrator, drives every URL with wrk for a fixed duration,
   times the CSV/XLSX export of every offer (first byte, peak RSS of the worker) and one PDF (the
   median of a few requests made one at a time once the server is idle again);
4. restarts it with the cache on and measures the public pages again ("cached");
5. prints one table and writes benchmarks/results/latest.json.

A URL whose feature is absent, or that fails, gets an entry with an "error" instead of figures.
Run: `.venv/bin/python -m benchmarks.run [--offers N] [--periods N] [--duration S]`.
"""

import argparse
import json
import re
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import requests

from benchmarks import loadgen, report
from benchmarks.servers import ROOT, Server, manage, rss_mb, server_env

POSTGRES = "postgres://postgres@127.0.0.1:5432"
WORK_DIR = ROOT / "var" / "bench"
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
# The demo regional administrator (accounts/demo.py).
REGIONAL_ADMIN = ("admin.regional@example.org", "DemoSses2026")
STATIC_FILE = "css/portal.css"
EXPORT_TIMEOUT_S = 120
# The PDF of one offer: how many requests, one after another, on a server idle again after wrk.
PDF_REPEATS = 5
# /healthz answering this fast means the workers have drained the requests wrk left queued.
IDLE_HEALTHZ_S = 0.05
IDLE_WAIT_S = 30

# name, path template, measured again with the cache on, needs the admin session.
URLS = [
    ("static", "{static}", False, False),
    ("listing", "/offres/", True, False),
    ("listing_filtered", "/offres/?departement={department}&thematique={theme}", True, False),
    ("listing_page50", "/offres/?page=50", True, False),
    ("offer", "/offres/{offer_id}/", True, False),
    ("offer_pdf", "/offres/{offer_id}/pdf/", False, False),
    ("admin_offers", "/admin/snippets/offers/offer/", False, True),
    ("admin_export_csv", "/admin/snippets/offers/offer/?export=csv", False, True),
    ("admin_export_xlsx", "/admin/snippets/offers/offer/?export=xlsx", False, True),
    ("calendar_month", "/admin/calendrier/", False, True),
]
EXPORTS = {"admin_export_csv": "csv_s", "admin_export_xlsx": "xlsx_s"}
# How the "uncached" server is started: the public portal's page cache off (PORTAL_CACHE_TIMEOUT=0),
# and only it. The cache itself stays, as in production, for what a purge of the public pages never
# empties: Wagtail's site root paths, sessions, rate-limit counters. (CACHE_DISABLED, a dummy cache,
# would also turn those off and count queries no deployed server ever makes.)
UNCACHED_ENV = {"PORTAL_CACHE_TIMEOUT": "0"}

# What the URLs above need from the database, printed as JSON by `manage.py shell`.
TARGETS_SCRIPT = """
import json
from django.db.models import Count
from offers.models import Offer
published = Offer.objects.published()
first = published.order_by("-publication_start", "-pk").first()
common = published.values("department", "theme__slug").annotate(n=Count("pk")).order_by("-n").first() or {}
print(json.dumps({
    "offers": Offer.objects.count(),
    "published": published.count(),
    "offer_id": first.pk if first else None,
    "department": common.get("department"),
    "theme": common.get("theme__slug"),
}))
"""


def log(message):
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def recreate_database(name):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def analyze(name):
    """Refresh the planner's statistics after the bulk load, as autovacuum would soon do on a
    production server (it is off on some machines): without them PostgreSQL plans for an empty
    table and the figures measure that, not the application."""
    with psycopg.connect(f"{POSTGRES}/{name}", autocommit=True) as connection:
        connection.execute("ANALYZE")


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def load_data(env, offers, periods, errors):
    """Time `load_demo --offers --periods`. Where a generator is missing, record why and load what
    can be loaded (offers only, then the base demo) so that the rest of the run goes on."""
    attempts = [[f"--offers={offers}", f"--periods={periods}"], [f"--offers={offers}"], []]
    for arguments in attempts:
        try:
            _, seconds = timed(manage, "load_demo", *arguments, env=env)
        except RuntimeError as exc:
            errors[f"load_demo {' '.join(arguments)}"] = str(exc).strip().splitlines()[-1]
            log(f"load_demo {' '.join(arguments)} failed: {str(exc).strip().splitlines()[-1]}")
            continue
        return round(seconds, 2) if arguments else None
    raise RuntimeError("load_demo failed even without generated data.")


def static_path(static_root):
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][STATIC_FILE]


def login(base_url):
    """Log in as the regional administrator through the admin login form: the session cookie."""
    session = requests.Session()
    page = session.get(f"{base_url}/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    email, password = REGIONAL_ADMIN
    response = session.post(
        f"{base_url}/admin/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"Admin login failed (HTTP {response.status_code}).")
    return f"sessionid={session.cookies['sessionid']}"


def probe(url, cookie=None):
    """One request: status and X-Query-Count (the header counts queries made before streaming)."""
    headers = {"Cookie": cookie} if cookie else {}
    response = requests.get(url, headers=headers, allow_redirects=False, timeout=EXPORT_TIMEOUT_S)
    queries = response.headers.get("X-Query-Count")
    return response.status_code, int(queries) if queries is not None else None


def streamed_download(server, url, cookie):
    """Download `url` as a browser would: total time, time to the first byte of the body, and the
    highest resident memory of any worker while it ran (sampled from /proc every 20 ms)."""
    peak, done = [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max([peak[0], *(rss_mb(pid) for pid in server.worker_pids())])
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    first_byte = None
    size = 0
    try:
        with requests.get(url, headers={"Cookie": cookie}, stream=True, timeout=EXPORT_TIMEOUT_S) as response:
            status = response.status_code
            for chunk in response.iter_content(chunk_size=65536):
                if first_byte is None and chunk:
                    first_byte = time.perf_counter() - started
                size += len(chunk)
    finally:
        done.set()
        sampler.join()
    return {
        "status": status,
        "seconds": time.perf_counter() - started,
        "first_byte_s": first_byte,
        "peak_rss_mb": peak[0],
        "bytes": size,
    }


def measure_url(server, name, path, cached, cookie, healthz_rps, args):
    """One `urls` entry: a probe for status and SQL queries, then the load (or one timed download
    for the exports, whose single request outlasts a short wrk run)."""
    url = server.url + path
    try:
        status, queries = probe(url, cookie)
        if cached:
            # Each worker keeps its own local-memory cache: probe until a cache hit is seen.
            queries = min([queries, *(probe(url, cookie)[1] for _ in range(3))])
        if status != 200:
            return url_error(name, path, cached, f"HTTP {status}")
        if name in EXPORTS:
            download = streamed_download(server, url, cookie)
            seconds = download["seconds"]
            measured = {"rps": 1 / seconds, "p50_ms": seconds * 1000, "p99_ms": seconds * 1000}
            measured["method"] = "one streamed request"
            return report.url_entry(name, path, cached, measured, queries, healthz_rps), download
        headers = [f"Cookie: {cookie}"] if cookie else []
        measured = loadgen.measure(url, args.duration, args.threads, args.connections, headers)
        if measured["errors"]:
            return url_error(name, path, cached, f"{measured['errors']} failed requests under load")
        return report.url_entry(name, path, cached, measured, queries, healthz_rps), None
    except (OSError, RuntimeError, ValueError, requests.RequestException) as exc:
        return url_error(name, path, cached, f"{type(exc).__name__}: {exc}")


def wait_until_idle(server):
    """When wrk stops, the connections it had open are still queued in the workers' listening socket
    and get served one by one: a request made then waits behind them (about 1 s behind 16 PDFs)."""
    deadline = time.monotonic() + IDLE_WAIT_S
    while time.monotonic() < deadline:
        _, seconds = timed(probe, f"{server.url}/healthz")
        if seconds < IDLE_HEALTHZ_S:
            return
        time.sleep(0.2)


def single_request_seconds(server, path):
    """What a visitor waits for one response when nobody else is asking: the median of a few
    requests made one after another on an idle server."""
    wait_until_idle(server)
    return statistics.median(timed(probe, server.url + path)[1] for _ in range(PDF_REPEATS))


def url_error(name, path, cached, error):
    log(f"{name}: {error}")
    return report.url_entry(name, path, cached, error=error), None


def measure_healthz(server, args):
    return loadgen.measure(f"{server.url}/healthz", args.duration, args.threads, args.connections)


def run_server(env, args, cached, paths, results_urls, export, extras):
    name = "cached" if cached else "uncached"
    with Server(env, workers=args.workers, log_path=WORK_DIR / f"gunicorn-{name}.log") as server:
        log(f"gunicorn ({args.workers} workers, cache {'on' if cached else 'off'}) on {server.url}")
        try:
            cookie, login_error = login(server.url), None
        except (AttributeError, RuntimeError, requests.RequestException) as exc:
            cookie, login_error = None, f"admin login failed: {exc}"
        healthz = measure_healthz(server, args)
        log(f"/healthz: {healthz['rps']:.0f} req/s")
        for url_name, template, measured_cached, needs_login in URLS:
            if cached and not measured_cached:
                continue
            path = paths.get(url_name)
            if isinstance(path, Exception):
                results_urls.append(url_error(url_name, template, cached, str(path))[0])
                continue
            if needs_login and login_error:
                results_urls.append(url_error(url_name, path, cached, login_error)[0])
                continue
            if cached:
                probe(server.url + path)  # warm the cache of both workers' shared store
            entry, download = measure_url(
                server, url_name, path, cached, cookie if needs_login else None, healthz["rps"], args
            )
            results_urls.append(entry)
            if download:
                export[EXPORTS[url_name]] = round(download["seconds"], 2)
                export["first_byte_s"] = max(export.get("first_byte_s") or 0, round(download["first_byte_s"] or 0, 3))
                export["peak_rss_mb"] = max(export.get("peak_rss_mb") or 0, round(download["peak_rss_mb"], 1))
            if url_name == "offer_pdf" and "error" not in entry:
                extras["pdf_s"] = round(single_request_seconds(server, path), 3)
            if "error" not in entry:
                log(f"{url_name}{' (cached)' if cached else ''}: {entry['rps']:.1f} req/s, {entry['queries']} queries")
        return healthz


def resolve_paths(targets, static):
    paths = {}
    values = dict(targets, static=static)
    for name, template, _cached, _login in URLS:
        try:
            if any(values.get(key) is None for key in re.findall(r"{(\w+)}", template)):
                raise LookupError("no published offer in the database (offers generator missing?)")
            paths[name] = template.format(**values)
        except LookupError as exc:
            paths[name] = exc
    return paths


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--periods", type=int, default=5_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="sses_bench")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    errors = {}
    env = server_env(
        DATABASE_URL=f"{POSTGRES}/{args.database}",
        STATIC_ROOT=WORK_DIR / "static",
        MEDIA_ROOT=WORK_DIR / "media",
        BENCHMARK_QUERY_COUNT="true",
        CONN_MAX_AGE=600,
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    log(f"database {args.database}: recreate, migrate, collectstatic")
    recreate_database(args.database)
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    log(f"load_demo --offers {args.offers} --periods {args.periods}")
    load_demo_s = load_data(env, args.offers, args.periods, errors)
    analyze(args.database)
    targets = json.loads(manage("shell", "-c", TARGETS_SCRIPT, env=env).strip().splitlines()[-1])
    log(f"{targets['offers']} offers, {targets['published']} published")
    paths = resolve_paths(targets, static_path(WORK_DIR / "static"))

    urls, export, extras = [], {}, {"pdf_s": None}
    healthz = run_server(dict(env, **UNCACHED_ENV), args, False, paths, urls, export, extras)
    run_server(env, args, True, paths, urls, export, extras)

    results = report.build_results(
        machine=report.machine_description(),
        date=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        healthz=healthz,
        urls=urls,
        export=export,
        pdf_s=extras["pdf_s"],
        load_demo_s=load_demo_s,
        load_generator=loadgen.tool(),
        settings={
            "workers": args.workers,
            "duration_s": args.duration,
            "threads": args.threads,
            "connections": args.connections,
            "offers": targets["offers"],
            "published": targets["published"],
        },
        errors=errors,
        total_s=round(time.monotonic() - started, 1),
    )
    report.write(results, args.output)
    print(report.format_table(results))
    log(f"results written to {args.output} in {results['total_s']:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
