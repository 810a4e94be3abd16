"""Drive a URL for a fixed duration and report requests/s, p50 and p99 latency.

`wrk` (Debian's package, installed by `make bench`) is the load generator. Where it is missing,
a small threaded Python client with keep-alive connections takes its place (slower, so the
absolute numbers drop, but each ratio to /healthz is still measured with the same tool).
"""

import http.client
import math
import re
import shutil
import subprocess
import threading
import time
from urllib.parse import urlsplit

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
LATENCY_LINE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
RPS_LINE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
TOTAL_LINE = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.MULTILINE)
NON_2XX_LINE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS_LINE = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def to_ms(value, unit):
    return float(value) * UNITS_MS[unit]


def parse_wrk(output):
    """Requests/s, p50 and p99 (milliseconds), request and error counts from `wrk --latency` output."""
    rps = RPS_LINE.search(output)
    percentiles = {int(p): to_ms(value, unit) for p, value, unit in LATENCY_LINE.findall(output)}
    if not rps or 50 not in percentiles or 99 not in percentiles:
        raise ValueError(f"Unrecognised wrk output:\n{output}")
    total = TOTAL_LINE.search(output)
    non_2xx = NON_2XX_LINE.search(output)
    socket_errors = SOCKET_ERRORS_LINE.search(output)
    return {
        "rps": float(rps.group(1)),
        "p50_ms": round(percentiles[50], 3),
        "p99_ms": round(percentiles[99], 3),
        "requests": int(total.group(1)) if total else None,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        raise ValueError("No latency recorded.")
    index = max(0, min(len(sorted_values) - 1, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summarise(latencies_ms, errors, elapsed_s):
    ordered = sorted(latencies_ms)
    return {
        "rps": round(len(ordered) / elapsed_s, 2),
        "p50_ms": round(percentile(ordered, 0.50), 3),
        "p99_ms": round(percentile(ordered, 0.99), 3),
        "requests": len(ordered),
        "errors": errors,
    }


def run_wrk(url, duration, threads, connections, headers=(), timeout_s=30):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout_s}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + timeout_s + 30)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr.strip()}")
    return parse_wrk(result.stdout)


def run_python(url, duration, connections, headers=(), timeout_s=30):
    """The fallback: `connections` threads, each one keep-alive connection, for `duration` seconds."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    header_dict = dict(header.split(": ", 1) for header in headers)
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + duration

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers=header_dict)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                mine.append((time.perf_counter() - started) * 1000)
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(duration + timeout_s + 5)
    return summarise(latencies, errors[0], time.monotonic() - started)


def tool():
    return "wrk" if shutil.which("wrk") else "python"


def measure(url, duration, threads, connections, headers=()):
    if tool() == "wrk":
        return run_wrk(url, duration, threads, connections, headers)
    return run_python(url, duration, connections, headers)
