"""The results of a benchmark run: `benchmarks/results/latest.json` and the printed table.

Format (issue 10): {"machine", "date", "healthz": {"rps", "p50_ms", "p99_ms"}, "urls": [{"name",
"path", "cached", "rps", "p50_ms", "p99_ms", "queries", "ratio"}, ...], "export": {"csv_s",
"xlsx_s", "first_byte_s", "peak_rss_mb"}, "pdf_s", "load_demo_s"}. A URL whose feature is
missing, or that failed, keeps its entry with an "error" and null figures.
"""

import json
import os
import platform
from pathlib import Path

URL_NAMES = (
    "static",
    "listing",
    "listing_filtered",
    "listing_page50",
    "offer",
    "offer_pdf",
    "admin_offers",
    "admin_export_csv",
    "admin_export_xlsx",
    "calendar_month",
)
FIGURES = ("rps", "p50_ms", "p99_ms")
EXPORT_FIGURES = ("csv_s", "xlsx_s", "first_byte_s", "peak_rss_mb")


def ratio(rps, healthz_rps):
    """Throughput of a URL as a fraction of /healthz in the same run (1/20 = 0.05)."""
    if not rps or not healthz_rps:
        return None
    return round(rps / healthz_rps, 4)


def url_entry(name, path, cached, measured=None, queries=None, healthz_rps=None, error=None):
    measured = measured or {}
    entry = {
        "name": name,
        "path": path,
        "cached": cached,
        "rps": measured.get("rps"),
        "p50_ms": measured.get("p50_ms"),
        "p99_ms": measured.get("p99_ms"),
        "queries": queries,
        "ratio": ratio(measured.get("rps"), healthz_rps),
    }
    if measured.get("method"):
        entry["method"] = measured["method"]
    if error:
        entry["error"] = error
    return entry


def machine_description():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "? GiB"
    return f"{model}, {os.cpu_count()} cores, {memory} RAM, {platform.system()} {platform.release()}"


def build_results(machine, date, healthz, urls, export, pdf_s, load_demo_s, **extra):
    results = {
        "machine": machine,
        "date": date,
        "healthz": {key: healthz.get(key) for key in FIGURES},
        "urls": urls,
        "export": {key: export.get(key) for key in EXPORT_FIGURES},
        "pdf_s": pdf_s,
        "load_demo_s": load_demo_s,
    }
    results.update(extra)
    return results


def problems(results):
    """What makes `results` differ from the issue's format (an empty list when it matches)."""
    found = []
    for key in ("machine", "date", "healthz", "urls", "export", "pdf_s", "load_demo_s"):
        if key not in results:
            found.append(f"missing key {key!r}")
    for key in FIGURES:
        if not isinstance(results.get("healthz", {}).get(key), int | float):
            found.append(f"healthz.{key} is not a number")
    names = set()
    for entry in results.get("urls", []):
        names.add(entry.get("name"))
        for key in ("name", "path", "cached", *FIGURES, "queries", "ratio"):
            if key not in entry:
                found.append(f"url {entry.get('name')!r} lacks {key!r}")
        if "error" not in entry and not all(isinstance(entry.get(key), int | float) for key in (*FIGURES, "ratio")):
            found.append(f"url {entry.get('name')!r} has no figures and no error")
    for name in set(URL_NAMES) - names:
        found.append(f"no entry for url {name!r}")
    for key in EXPORT_FIGURES:
        if key not in results.get("export", {}):
            found.append(f"export lacks {key!r}")
    return found


def _number(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def _ratio(value):
    if not value:
        return "-"
    return f"{value:,.1f}×" if value >= 1 else f"1/{1 / value:,.1f}"


def format_table(results):
    """The one table that `make bench` prints (Markdown, pasted as is into the README)."""
    healthz = results["healthz"]
    lines = [
        f"Machine: {results['machine']} — {results['date']}",
        "",
        "| URL | path | cached | req/s | p50 ms | p99 ms | SQL queries | ratio to /healthz |",
        "|---|---|---|---:|---:|---:|---:|---:|",
        f"| healthz | /healthz | no | {_number(healthz['rps'])} | {_number(healthz['p50_ms'], 2)} "
        f"| {_number(healthz['p99_ms'], 2)} | 1 | 1/1 |",
    ]
    for entry in results["urls"]:
        if entry.get("error"):
            figures = f"error: {entry['error']} | | | | |"
        else:
            figures = (
                f"{_number(entry['rps'])} | {_number(entry['p50_ms'], 2)} | {_number(entry['p99_ms'], 2)} "
                f"| {'-' if entry['queries'] is None else entry['queries']} | {_ratio(entry['ratio'])} |"
            )
        lines.append(f"| {entry['name']} | {entry['path']} | {'yes' if entry['cached'] else 'no'} | {figures}")
    export = results["export"]
    lines += [
        "",
        f"Export of every offer: CSV {_number(export.get('csv_s'), 2)} s, XLSX {_number(export.get('xlsx_s'), 2)} s, "
        f"first byte {_number(export.get('first_byte_s'), 2)} s, "
        f"peak worker RSS {_number(export.get('peak_rss_mb'))} MB",
        f"PDF of one offer: {_number(results.get('pdf_s'), 3)} s; load_demo: {_number(results.get('load_demo_s'))} s",
    ]
    for key, value in sorted(results.get("errors", {}).items()):
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


def write(results, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
